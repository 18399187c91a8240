/* SPDX-License-Identifier: MIT */
/* Private to libbtfkit: an open input file, shared by file.c (reading) and
 * elf_write.c (writing sections back). */
#ifndef BTFKIT_FILE_INTERNAL_H
#define BTFKIT_FILE_INTERNAL_H

#include <gelf.h>

#include "core/btf_internal.h"

/* One ELF section as indexed at open: its header in host form and its name
 * (in libelf's copy of the section name table; NULL when unnamed). */
struct bk_elf_sec {
	const char *name;
	GElf_Shdr shdr;
};

struct bk_file {
	char *name;
	uint8_t *data;     /* the whole content, decompressed; NULL once handed over */
	size_t size;
	size_t sig_len;    /* module signature trailer at the end, 0 when none */
	const char *compression; /* "xz", "zstd", "gzip" as it was on disk, NULL none */
	Elf *elf;          /* over data[0 .. size - sig_len); NULL for a raw blob */
	GElf_Ehdr ehdr;
	struct bk_elf_sec *secs;
	size_t nr_secs;    /* including section 0 */
	size_t shstrndx;
};

/* The section called name (the first of that name), or NULL. */
const struct bk_elf_sec *bk_file_find_sec(const struct bk_file *f, const char *name);

/* bk_file_btf, but a raw blob's buffer is handed over rather than copied
 * (reading a vmlinux blob holds it once): f has no data afterwards, and
 * serves only its name and section facts. */
int bk_file_take_btf(struct bk_file *f, const char *section, const struct bk_btf *base,
		      struct bk_btf **out, struct bk_error *err);

#endif
