/* SPDX-License-Identifier: MIT */
/* Private to libbtfkit: an ELF file's symbols (libelf), for readers of
 * sections whose meaning is in symbols (.BTF_ids). */
#ifndef BTFKIT_ELF_SYMBOLS_H
#define BTFKIT_ELF_SYMBOLS_H
#include "io/file_internal.h"

struct bk_elf_sym {
	const char *name; /* in libelf's copy of the string table: lives as long as f */
	uint64_t value;   /* st_value: in a relocatable object, the offset in its section */
	uint64_t size;
	uint32_t index;   /* in the symbol table */
};

/* The index of section name (first of that name) in f, 0 when absent. */
size_t bk_file_sec_index(const struct bk_file *f, const char *name);

/* Every symbol of f's .symtab defined in section shndx, in table order,
 * malloc'd into *syms (*nr of them; NULL when none). -ENOENT when f has no
 * symbol table; -EINVAL for a corrupt one. */
int bk_file_section_symbols(const struct bk_file *f, size_t shndx, struct bk_elf_sym **syms,
			    size_t *nr, struct bk_error *err);
#endif
