/* SPDX-License-Identifier: MIT */
/* Private to libbtfkit's ELF writer: the byte ranges an ELF file's parts
 * occupy, and the checks the writer makes on its input and on what it
 * wrote (elf_layout.c). */
#ifndef BTFKIT_ELF_LAYOUT_H
#define BTFKIT_ELF_LAYOUT_H

#include "io/elf_symbols.h"
#include "io/file_internal.h"

/* The largest section alignment the writer honours when it moves a
 * section: a page. A moved section asking for more is refused (2^32 would
 * mean a 4 GiB gap of fill bytes). */
#define BK_ELF_MAX_ALIGN 4096u

/* A section with bytes in the file (not SHT_NOBITS, not empty). */
static inline bool bk_shdr_has_bytes(const GElf_Shdr *sh)
{
	return sh->sh_type != SHT_NOBITS && sh->sh_size;
}

/* A removal (no data) of the file's last section: the only one that takes
 * a section out of the table; any other leaves an inactive header. */
static inline bool bk_elf_edit_drops_last(const struct bk_file *f,
					  const struct bk_elf_section_edit *ed)
{
	return !ed->data && f->nr_secs && bk_file_sec_index(f, ed->name) == f->nr_secs - 1;
}

/* One part of the file: the ELF header, the program or section header
 * table, or a section's bytes. */
struct bk_elf_range {
	uint64_t off, end;
	size_t sec;       /* section index; 0 for the ELF header and the tables */
	const char *what; /* "the ELF header", ..., or the section's name */
};

struct bk_elf_layout {
	struct bk_elf_range *r; /* sorted by offset */
	size_t n;
};

/* Every part of f (ELF header, tables, sections with bytes), sorted by
 * offset; then no two may overlap and all must lie in the ELF image. The
 * message names the two parts (or the part and the end). what names the
 * file's role in messages ("the input", "the image written"). */
int bk_elf_layout_check(const struct bk_file *f, const char *what, struct bk_error *err);

/* The same ranges, for bk_elf_offset_inside (free with bk_elf_layout_free). */
int bk_elf_layout_build(const struct bk_file *f, struct bk_elf_layout *l, struct bk_error *err);
void bk_elf_layout_free(struct bk_elf_layout *l);
/* Sort l->r by offset (after filling it by hand). */
void bk_elf_layout_sort(struct bk_elf_layout *l);
/* Whether off lies strictly inside one of the ranges (after its first
 * byte): an empty or SHT_NOBITS section there would "cover" bytes. */
bool bk_elf_offset_inside(const struct bk_elf_layout *l, uint64_t off);

/* Read the image written back and compare it with the input: the ELF
 * header and program headers as they were (but for the section header
 * table's place), every section's header as it was (but for the offset
 * of a moved or empty section and the size of an edited one), every
 * section not edited with its bytes, every edited or added one with the
 * bytes asked for, the name table grown only by the new names, no two
 * parts overlapping, and the image no longer than its section header
 * table's end. -EINVAL naming the first difference. */
int bk_elf_verify_image(const struct bk_file *in, const struct bk_elf_section_edit *edits,
			size_t nr_edits, const void *image, size_t size, struct bk_error *err);

#endif
