// SPDX-License-Identifier: MIT
/*
 * An ELF file's symbol table through libelf: the symbols defined in one
 * section. A module's .BTF_ids means nothing without them: its entries are
 * found by the __BTF_ID__ symbols that resolve_btfids read at build time.
 */
#include <stdlib.h>
#include <string.h>

#include "core/btf_internal.h"
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

/* The symbols' names: the string table's bytes as libelf holds them,
 * read in place (NULL: ask elf_strptr, e.g. for a compressed table). */
struct names {
	const char *bytes;
	size_t size;
};

static struct names string_table(const struct bk_file *f, size_t link)
{
	struct names t = {0};
	const GElf_Shdr *sh = &f->secs[link].shdr;
	Elf_Data *d = sh->sh_type != SHT_STRTAB || (sh->sh_flags & SHF_COMPRESSED)
			      ? NULL : elf_getdata(elf_getscn(f->elf, link), NULL);
	if (d && d->d_type == ELF_T_BYTE && d->d_buf && d->d_size == sh->sh_size) {
		t.bytes = d->d_buf;
		t.size = d->d_size;
	}
	return t;
}

/* One walk of the symbol table for the symbols defined in section shndx. */
struct sym_walk {
	const struct bk_file *f;
	const GElf_Shdr *sh; /* the symbol table's */
	struct names names;
	Elf_Data *xdata;     /* its SHT_SYMTAB_SHNDX, if any */
	size_t shndx;
	struct bk_elf_sym *out;
	size_t n, cap;
	struct bk_error *err;
};

/* A name in the table, NUL-terminated inside it, or NULL (elf_strptr's
 * check, without a call for each of a module's symbols). */
static const char *name_at(const struct sym_walk *w, uint32_t off)
{
	struct names t = w->names;
	if (!t.bytes)
		return elf_strptr(w->f->elf, w->sh->sh_link, off);
	if (off >= t.size || !memchr(t.bytes + off, '\0', t.size - off))
		return NULL;
	return t.bytes + off;
}

/* Symbol i, known to be defined in the section, appended to the list. */
static int add_sym(struct sym_walk *w, const GElf_Sym *sym, size_t i)
{
	const char *name = name_at(w, sym->st_name);
	if (!name)
		return bk_err(w->err, -EINVAL, "corrupt ELF: symbol %zu: name offset %u is "
			      "not in its string table", i, sym->st_name);
	struct bk_elf_sym *grown = bk_grow_array(w->out, &w->cap, w->n, sizeof(*grown), 8);
	if (!grown)
		return bk_err(w->err, -ENOMEM, "out of memory");
	w->out = grown;
	w->out[w->n++] = (struct bk_elf_sym){name, sym->st_value, sym->st_size, (uint32_t)i};
	return 0;
}

/* The next symbol from s on (before end) whose st_shndx is want. */
static const Elf64_Sym *next_in(const Elf64_Sym *s, const Elf64_Sym *end, Elf64_Section want)
{
	while (s < end && s->st_shndx != want)
		s++;
	return s;
}

/* libelf hands the table over in host form: ELF64 symbols are read in
 * place, a 16-bit compare each for the thousands defined elsewhere
 * (gelf_getsym copies every one: most of what reading .BTF_ids cost). */
static int native_symbols(struct sym_walk *w, const Elf64_Sym *syms, size_t count)
{
	if (count < 2)
		return 0; /* only the null symbol, or none (no bytes: d_buf may be NULL) */
	const Elf64_Sym *end = syms + count;
	int e = 0;
	if (!w->xdata && w->shndx < SHN_LORESERVE) {
		/* without an SHT_SYMTAB_SHNDX, SHN_XINDEX names no section */
		Elf64_Section want = (Elf64_Section)w->shndx;
		for (const Elf64_Sym *s = next_in(syms + 1, end, want); s < end && !e;
		     s = next_in(s + 1, end, want))
			e = add_sym(w, s, (size_t)(s - syms));
		return e;
	}
	for (size_t i = 1; i < count && !e; i++)
		if (sym_shndx(&syms[i], w->xdata, (int)i) == w->shndx)
			e = add_sym(w, &syms[i], i);
	return e;
}

/* Any other class or layout: through gelf_getsym. */
static int gelf_symbols(struct sym_walk *w, Elf_Data *data, size_t count)
{
	int e = 0;
	for (size_t i = 1; i < count && !e; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(data, (int)i, &sym))
			return bk_err(w->err, -EINVAL, "corrupt ELF: symbol %zu: %s", i,
				      elf_errmsg(-1));
		if (sym_shndx(&sym, w->xdata, (int)i) == w->shndx)
			e = add_sym(w, &sym, i);
	}
	return e;
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
	struct sym_walk w = {.f = f, .sh = sh, .names = string_table(f, sh->sh_link),
			     .xdata = shndx_data(f, st), .shndx = shndx, .err = err};
	size_t count = sh->sh_size / sh->sh_entsize;
	int e;
	if (gelf_getclass(f->elf) == ELFCLASS64 && data->d_type == ELF_T_SYM) {
		if (data->d_size / sizeof(Elf64_Sym) < count)
			count = data->d_size / sizeof(Elf64_Sym);
		e = native_symbols(&w, data->d_buf, count);
	} else {
		e = gelf_symbols(&w, data, count);
	}
	if (e) {
		free(w.out);
		return e;
	}
	*syms = w.out;
	*nr = w.n;
	return 0;
}
