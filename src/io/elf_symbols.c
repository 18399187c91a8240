// SPDX-License-Identifier: MIT
/*
 * An ELF file's symbol table through libelf: the symbols defined in one
 * section. A module's .BTF_ids means nothing without them: its entries are
 * found by the __BTF_ID__ symbols that resolve_btfids read at build time.
 */
#include <stdlib.h>
#include <string.h>

#include "io/elf_symbols.h"

size_t bk_file_sec_index(const struct bk_file *f, const char *name)
{
	const struct bk_elf_sec *s = f->elf ? bk_file_find_sec(f, name) : NULL;
	return s ? (size_t)(s - f->secs) : 0;
}

static size_t find_symtab(const struct bk_file *f)
{
	for (size_t i = 1; i < f->nr_secs; i++)
		if (f->secs[i].shdr.sh_type == SHT_SYMTAB)
			return i;
	return 0;
}

/* The symbol's section index, through SHT_SYMTAB_SHNDX for large ones. */
static size_t sym_shndx(const GElf_Sym *sym, Elf_Data *xdata, int i)
{
	Elf32_Word x;
	if (sym->st_shndx != SHN_XINDEX)
		return sym->st_shndx;
	GElf_Sym tmp;
	return xdata && gelf_getsymshndx(NULL, xdata, i, &tmp, &x) ? x : 0;
}

static Elf_Data *shndx_data(const struct bk_file *f, size_t symtab)
{
	for (size_t i = 1; i < f->nr_secs; i++)
		if (f->secs[i].shdr.sh_type == SHT_SYMTAB_SHNDX && f->secs[i].shdr.sh_link == symtab)
			return elf_getdata(elf_getscn(f->elf, i), NULL);
	return NULL;
}

int bk_file_section_symbols(const struct bk_file *f, size_t shndx, struct bk_elf_sym **syms,
			    size_t *nr, struct bk_error *err)
{
	*syms = NULL;
	*nr = 0;
	size_t st = f->elf ? find_symtab(f) : 0;
	if (!st)
		return bk_err(err, -ENOENT, "no symbol table (.symtab): stripped?");
	const GElf_Shdr *sh = &f->secs[st].shdr;
	Elf_Data *data = elf_getdata(elf_getscn(f->elf, st), NULL);
	if (!data || !sh->sh_entsize || sh->sh_link >= f->nr_secs)
		return bk_err(err, -EINVAL, "corrupt ELF: symbol table [%zu]: %s", st,
			      elf_errmsg(-1));
	Elf_Data *xdata = shndx_data(f, st);
	size_t count = sh->sh_size / sh->sh_entsize, n = 0;
	struct bk_elf_sym *out = NULL;
	/* libelf hands the table over in host form: ELF64 symbols are read in
	 * place (a module has thousands; gelf_getsym copies each) */
	const Elf64_Sym *syms64 = gelf_getclass(f->elf) == ELFCLASS64 && data->d_type == ELF_T_SYM
					  ? data->d_buf : NULL;
	if (syms64 && data->d_size / sizeof(*syms64) < count)
		count = data->d_size / sizeof(*syms64);
	for (size_t i = 1; i < count; i++) {
		GElf_Sym sym;
		if (syms64 && syms64[i].st_shndx != shndx && syms64[i].st_shndx != SHN_XINDEX)
			continue;
		if (!gelf_getsym(data, (int)i, &sym)) {
			free(out);
			return bk_err(err, -EINVAL, "corrupt ELF: symbol %zu: %s", i, elf_errmsg(-1));
		}
		if (sym_shndx(&sym, xdata, (int)i) != shndx)
			continue;
		const char *name = elf_strptr(f->elf, sh->sh_link, sym.st_name);
		if (!name) {
			free(out);
			return bk_err(err, -EINVAL, "corrupt ELF: symbol %zu: name offset %u is "
				      "not in its string table", i, sym.st_name);
		}
		if (!(n & (n + 1)) || !out) {
			struct bk_elf_sym *grown = realloc(out, (2 * n + 2) * sizeof(*out));
			if (!grown) {
				free(out);
				return bk_err(err, -ENOMEM, "out of memory");
			}
			out = grown;
		}
		out[n++] = (struct bk_elf_sym){name, sym.st_value, sym.st_size, (uint32_t)i};
	}
	*syms = out;
	*nr = n;
	return 0;
}
