// SPDX-License-Identifier: MIT
/*
 * A module's .BTF_ids section, read as the kernel's resolve_btfids writes
 * it (tools/bpf/resolve_btfids, include/linux/btf_ids.h), checked against
 * the module's BTF, and rewritten into another numbering (distill,
 * relocate): see include/btfkit/btf_ids.h for the layout.
 *
 * Reading goes by the symbols alone: the sets and the ID symbols are
 * placed, every other 4-byte word outside the sets is a BTF_ID_UNUSED
 * slot. The section's words are in the ELF file's byte order.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/elf_symbols.h"
#include "module/btf_ids_internal.h"

#define BTF_ID_PREFIX "__BTF_ID__"

/* What follows prefix p at the start of s, or NULL (a byte loop that the
 * compiler unrolls for a literal: a module's symbols are tested several
 * times each, and strncmp calls cost more than the rest of reading). */
static inline const char *after(const char *s, const char *p)
{
	for (; *p; s++, p++)
		if (*s != *p)
			return NULL;
	return s;
}

/* resolve_btfids' kind words (with the "__" after them), and the kinds
 * they look up */
static const struct { const char *word; int kind; } id_kinds[] = {
	{"func__", BK_KIND_FUNC},
	{"struct__", BK_KIND_STRUCT},
	{"union__", BK_KIND_UNION},
	{"typedef__", BK_KIND_TYPEDEF},
};

struct reader {
	const struct bk_file *f;
	struct bk_btf_ids *ids;
	size_t entries_cap;
	char *names;      /* the symbols' strings: in ids' own allocation */
	size_t names_used, names_len;
	struct bk_error *err;
};

/* The "" of entries without a symbol: shared, never freed (a slot without
 * a symbol of its own costs no allocation). */
char bk_ids_no_name[1];

/* The strings of sets and entries (symbols, and the names they ask for)
 * live after the struct, in its one allocation: reading a module's
 * .BTF_ids costs a handful of allocations, not two a symbol. */
char *bk_ids_names(const struct bk_btf_ids *ids)
{
	return (char *)(ids + 1);
}

/* The bytes in use after ids: up to the end of its last string. */
static size_t names_len(const struct bk_btf_ids *ids)
{
	const char *base = bk_ids_names(ids), *end = base;
	for (size_t i = 0; i < ids->nr_sets; i++)
		if (ids->sets[i].symbol + strlen(ids->sets[i].symbol) + 1 > end)
			end = ids->sets[i].symbol + strlen(ids->sets[i].symbol) + 1;
	for (size_t i = 0; i < ids->nr_entries; i++)
		if (ids->entries[i].kind && ids->entries[i].name + strlen(ids->entries[i].name) + 1 > end)
			end = ids->entries[i].name + strlen(ids->entries[i].name) + 1;
	return (size_t)(end - base);
}

struct bk_btf_ids *bk_ids_clone_names(const struct bk_btf_ids *ids)
{
	size_t len = names_len(ids);
	struct bk_btf_ids *c = calloc(1, sizeof(*c) + len + 1);
	if (c) {
		memcpy(bk_ids_names(c), bk_ids_names(ids), len);
		c->size = ids->size;
		c->big_endian = ids->big_endian;
	}
	return c;
}

char *bk_ids_rebase(const struct bk_btf_ids *from, const struct bk_btf_ids *to, const char *p)
{
	if (p == bk_ids_no_name)
		return bk_ids_no_name;
	return bk_ids_names(to) + (p - bk_ids_names(from));
}

/* len bytes of s and a NUL at the reader's next place (counted ahead). */
static char *keep_name(struct reader *r, const char *s, size_t len)
{
	if (len >= r->names_len - r->names_used)
		return NULL; /* cannot happen: size_names() counted them */
	char *p = r->names + r->names_used;
	memcpy(p, s, len);
	p[len] = '\0';
	r->names_used += len + 1;
	return p;
}

void bk_btf_ids_free(struct bk_btf_ids *ids)
{
	if (!ids)
		return;
	/* the strings are in ids' own allocation */
	free(ids->sets);
	free(ids->entries);
	free(ids->data);
	free(ids);
}

const char *bk_btf_ids_group_name(const struct bk_btf_ids *ids, const struct bk_btf_ids_entry *e)
{
	if (e->set < 0)
		return "list";
	return ids->sets[e->set].set8 ? "set8" : "set";
}

/* ---- reading --------------------------------------------------------------- */

static int add_entry(struct reader *r, uint32_t off, int set, uint32_t flags)
{
	struct bk_btf_ids *ids = r->ids;
	if (ids->nr_entries == r->entries_cap) {
		size_t n = r->entries_cap ? 2 * r->entries_cap : 16;
		struct bk_btf_ids_entry *e = realloc(ids->entries, n * sizeof(*e));
		if (!e)
			return bk_err(r->err, -ENOMEM, "out of memory");
		ids->entries = e;
		r->entries_cap = n;
	}
	struct bk_btf_ids_entry *e = &ids->entries[ids->nr_entries];
	*e = (struct bk_btf_ids_entry){.offset = off, .set = set, .flags = flags,
				       .id = bk_ids_word(ids, off)};
	e->symbol = e->name = bk_ids_no_name;
	ids->nr_entries++;
	return 0;
}

/* A set: __BTF_ID__set__NAME / __BTF_ID__set8__NAME, its size the header
 * and its entries; its slots become entries without a symbol yet. */
static int add_set(struct reader *r, const struct bk_elf_sym *s, const char *name, bool set8)
{
	struct bk_btf_ids *ids = r->ids;
	uint64_t hdr = set8 ? 8 : 4, step = set8 ? 8 : 4;
	if (!*name)
		return bk_err(r->err, -EINVAL, "symbol %s names no set", s->name);
	if (s->size < hdr || (s->size - hdr) % step)
		return bk_err(r->err, -EINVAL, "set %s: symbol size %llu is not a %s "
			      "header and whole entries of %llu bytes", name,
			      (unsigned long long)s->size, set8 ? "set8" : "set",
			      (unsigned long long)step);
	if (s->value > ids->size || s->size > ids->size - s->value)
		return bk_err(r->err, -EINVAL, "set %s at offset %llu + %llu bytes ends "
			      "past the end of the section (%zu bytes): truncated?", name,
			      (unsigned long long)s->value, (unsigned long long)s->size, ids->size);
	for (size_t i = 0; i < ids->nr_sets; i++)
		if (!strcmp(ids->sets[i].name, name))
			return bk_err(r->err, -EINVAL, "set %s is there twice", name);
	struct bk_btf_ids_set *grown = realloc(ids->sets, (ids->nr_sets + 1) * sizeof(*grown));
	if (!grown)
		return bk_err(r->err, -ENOMEM, "out of memory");
	ids->sets = grown;
	struct bk_btf_ids_set *set = &ids->sets[ids->nr_sets];
	*set = (struct bk_btf_ids_set){.set8 = set8, .offset = (uint32_t)s->value,
				       .cnt = (uint32_t)((s->size - hdr) / step)};
	set->stored_cnt = bk_ids_word(ids, set->offset);
	set->flags = set8 ? bk_ids_word(ids, set->offset + 4) : 0;
	if (!(set->symbol = keep_name(r, s->name, strlen(s->name))))
		return bk_err(r->err, -EFAULT, "set %s: no room for its name", name);
	set->name = set->symbol + (name - s->name); /* its symbol's end */
	int idx = (int)ids->nr_sets++;
	for (uint32_t k = 0; k < set->cnt; k++) {
		uint32_t off = (uint32_t)(set->offset + hdr + k * step);
		int e = add_entry(r, off, idx, set8 ? bk_ids_word(ids, off + 4) : 0);
		if (e)
			return e;
	}
	return 0;
}

/* The set whose bytes hold offset off, or -1. */
static int set_at(const struct bk_btf_ids *ids, uint64_t off)
{
	for (size_t i = 0; i < ids->nr_sets; i++) {
		const struct bk_btf_ids_set *s = &ids->sets[i];
		uint64_t step = s->set8 ? 8 : 4;
		if (off >= s->offset && off < s->offset + step * (s->cnt + 1))
			return (int)i;
	}
	return -1;
}

static struct bk_btf_ids_entry *entry_at(const struct bk_btf_ids *ids, uint64_t off)
{
	for (size_t i = 0; i < ids->nr_entries; i++)
		if (ids->entries[i].offset == off)
			return &ids->entries[i];
	return NULL;
}

/* __BTF_ID__<kind>__<name>__<n>: the kind word and the name (*name_len
 * bytes at *name, in sym), cut where resolve_btfids cuts it (at the last
 * "__"). */
static int parse_id_symbol(struct reader *r, const char *sym, int *kind, const char **name,
			   size_t *name_len)
{
	const char *rest = sym + sizeof(BTF_ID_PREFIX) - 1;
	for (size_t i = 0; i < sizeof(id_kinds) / sizeof(id_kinds[0]); i++) {
		const char *start = after(rest, id_kinds[i].word), *end;
		if (!start)
			continue;
		end = strrchr(start, '_');
		if (!end || end == start || end[-1] != '_' || end - 1 == start)
			return bk_err(r->err, -EINVAL, "symbol %s: no __<n> after the name",
				      sym);
		*kind = id_kinds[i].kind;
		*name = start;
		*name_len = (size_t)(end - 1 - start);
		return 0;
	}
	return bk_err(r->err, -EINVAL, "symbol %s: unknown kind (func, struct, union, "
		      "typedef, set and set8 are known)", sym);
}

/* An ID symbol: a slot of the set it lies in, or a list entry. */
static int place_id(struct reader *r, const struct bk_elf_sym *s)
{
	struct bk_btf_ids *ids = r->ids;
	int kind = 0, e;
	const char *name = NULL;
	size_t name_len = 0;
	if (s->value > ids->size || ids->size - s->value < 4)
		return bk_err(r->err, -EINVAL, "symbol %s at offset %llu is past the end "
			      "of the section (%zu bytes): truncated?", s->name,
			      (unsigned long long)s->value, ids->size);
	if ((e = parse_id_symbol(r, s->name, &kind, &name, &name_len)))
		return e;
	struct bk_btf_ids_entry *en = entry_at(ids, s->value);
	int set = set_at(ids, s->value);
	if (set >= 0 && !en)
		return bk_err(r->err, -EINVAL, "symbol %s at offset %llu is inside set %s "
			      "but not on one of its ID slots", s->name,
			      (unsigned long long)s->value, ids->sets[set].name);
	if (en && en->kind)
		return bk_err(r->err, -EINVAL, "symbols %s and %s are at the same offset "
			      "%llu", en->symbol, s->name, (unsigned long long)s->value);
	if (!en) {
		if ((e = add_entry(r, (uint32_t)s->value, -1, 0)))
			return e;
		en = &ids->entries[ids->nr_entries - 1];
	}
	en->symbol = keep_name(r, s->name, strlen(s->name));
	en->name = en->symbol ? keep_name(r, name, name_len) : NULL;
	if (!en->name) {
		en->symbol = en->name = bk_ids_no_name;
		return bk_err(r->err, -EFAULT, "symbol %s: no room for its name", s->name);
	}
	en->kind = kind;
	return 0;
}

/* qsort, but a few items (a module's sets and entries are tens) by
 * insertion: glibc's qsort costs more than the rest of placing them. Both
 * are stable: the order is the same. */
void bk_ids_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	unsigned char tmp[64], *b = base;
	if (n > 32 || size > sizeof(tmp)) {
		qsort(base, n, size, cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		size_t k = i;
		if (cmp(b + (k - 1) * size, b + i * size) <= 0)
			continue;
		memcpy(tmp, b + i * size, size);
		for (; k && cmp(b + (k - 1) * size, tmp) > 0; k--)
			memcpy(b + k * size, b + (k - 1) * size, size);
		memcpy(b + k * size, tmp, size);
	}
}

static int cmp_entry(const void *a, const void *b)
{
	const struct bk_btf_ids_entry *x = a, *y = b;
	return (x->offset > y->offset) - (x->offset < y->offset);
}

struct range { uint64_t start, end; };

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

/* Words no symbol covers are BTF_ID_UNUSED slots of the lists; bytes
 * short of a word mean the section does not hold what its symbols say. */
static int add_unused(struct reader *r)
{
	struct bk_btf_ids *ids = r->ids;
	size_t n = 0;
	uint64_t pos = 0;
	struct range few[32], *rs = few;
	size_t need = ids->nr_sets + ids->nr_entries + 1;
	if (need > sizeof(few) / sizeof(few[0]) && !(rs = malloc(need * sizeof(*rs))))
		return bk_err(r->err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < ids->nr_sets; i++) {
		const struct bk_btf_ids_set *s = &ids->sets[i];
		uint64_t step = s->set8 ? 8 : 4;
		rs[n++] = (struct range){s->offset, s->offset + step * (s->cnt + 1ull)};
	}
	for (size_t i = 0; i < ids->nr_entries; i++)
		if (ids->entries[i].set < 0)
			rs[n++] = (struct range){ids->entries[i].offset, ids->entries[i].offset + 4ull};
	rs[n++] = (struct range){ids->size, ids->size};
	bk_ids_sort(rs, n, sizeof(*rs), cmp_range);
	int e = 0;
	for (size_t i = 0; i < n && !e; i++) {
		if (rs[i].start < pos)
			e = bk_err(r->err, -EINVAL, "entries overlap at offset %llu",
				   (unsigned long long)rs[i].start);
		else if ((rs[i].start - pos) % 4)
			e = bk_err(r->err, -EINVAL, "%llu bytes at offset %llu are not "
				   "whole 4-byte IDs (truncated?)",
				   (unsigned long long)(rs[i].start - pos), (unsigned long long)pos);
		for (; !e && pos < rs[i].start; pos += 4)
			e = add_entry(r, (uint32_t)pos, -1, 0);
		if (rs[i].end > pos)
			pos = rs[i].end;
	}
	if (rs != few)
		free(rs);
	if (!e)
		bk_ids_sort(ids->entries, ids->nr_entries, sizeof(*ids->entries), cmp_entry);
	return e;
}


/* Sets first (their slots are known from their size), then the IDs. */
static int read_symbols(struct reader *r, const struct bk_elf_sym *syms, size_t nr)
{
	size_t nr_btf_id = 0;
	int e;
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < nr; i++) {
			const char *rest = after(syms[i].name, BTF_ID_PREFIX);
			if (!rest)
				continue; /* a BTF_ID_LIST label or the section symbol */
			const char *set8 = after(rest, "set8__"), *set = after(rest, "set__");
			nr_btf_id += !pass;
			if (pass == 0 && (set || set8))
				e = add_set(r, &syms[i], set8 ? set8 : set, set8 != NULL);
			else if (pass == 1 && !set && !set8)
				e = place_id(r, &syms[i]);
			else
				e = 0;
			if (e)
				return e;
		}
	}
	if (!nr_btf_id)
		return bk_err(r->err, -EINVAL, ".BTF_ids has no __BTF_ID__ symbols: its entries "
			      "cannot be told apart (stripped module?)");
	return add_unused(r);
}

/* Bytes for the strings the symbols leave: a set's symbol (its name is
 * its end), an ID symbol and the name it asks for (shorter). */
static size_t size_names(const struct bk_elf_sym *syms, size_t nr)
{
	size_t n = 1;
	for (size_t i = 0; i < nr; i++)
		if (after(syms[i].name, BTF_ID_PREFIX))
			n += 2 * (strlen(syms[i].name) + 1);
	return n;
}

/* The symbols of .BTF_ids (section shndx) into ids, allocated here with
 * room for their strings. */
static int read_section(const struct bk_file *f, size_t shndx, const void *bytes, size_t size,
			struct bk_btf_ids **out, struct bk_error *err)
{
	struct bk_elf_sym *syms = NULL;
	size_t nr = 0;
	int e = bk_file_section_symbols(f, shndx, &syms, &nr, err);
	if (e == -ENOENT)
		e = bk_err(err, -EINVAL, ".BTF_ids cannot be read: the module has no symbol table");
	if (e)
		return e;
	size_t names = size_names(syms, nr);
	struct bk_btf_ids *ids = calloc(1, sizeof(*ids) + names);
	if (!ids || !(ids->data = malloc(size ? size : 1))) {
		free(ids);
		free(syms);
		return bk_err(err, -ENOMEM, "out of memory");
	}
	memcpy(ids->data, bytes, size);
	ids->size = size;
	ids->big_endian = f->ehdr.e_ident[EI_DATA] == ELFDATA2MSB;
	struct reader r = {.f = f, .ids = ids, .err = err, .names = bk_ids_names(ids),
			   .names_len = names};
	e = read_symbols(&r, syms, nr);
	free(syms);
	if (e) {
		bk_btf_ids_free(ids);
		return e;
	}
	*out = ids;
	return 0;
}

int bk_btf_ids_read(const struct bk_file *f, struct bk_btf_ids **out, struct bk_error *err)
{
	const void *bytes;
	size_t size;
	*out = NULL;
	int e = bk_file_section_bytes(f, ".BTF_ids", &bytes, &size, err);
	if (e)
		return e;
	/* the section found again by name only for its index: bytes said it is there */
	e = read_section(f, bk_file_sec_index(f, ".BTF_ids"), bytes, size, out, err);
	if (e) {
		bk_err_tag(err, e, BK_E_BTF_IDS);
		bk_err_set_source(err, bk_file_name(f), ".BTF_ids");
	}
	return e;
}

/* ---- checking -------------------------------------------------------------- */

/* The entry of entry i's set whose symbol names the type t, or -1. */
static long set_member(const struct bk_btf_ids *ids, size_t i, const struct bk_btf *btf,
		       const struct bk_type *t)
{
	int set = ids->entries[i].set, kind = (int)bk_kind(t);
	const char *name = bk_btf_name(btf, t);
	if (!name)
		return -1;
	for (size_t k = 0; k < ids->nr_entries; k++) {
		const struct bk_btf_ids_entry *m = &ids->entries[k];
		if (m->set == set && m->kind && m->kind == kind && bk_ids_same_name(m->name, name))
			return (long)k;
	}
	return -1;
}

long bk_btf_ids_set_member(const struct bk_btf_ids *ids, size_t i, const struct bk_btf *btf)
{
	const struct bk_btf_ids_entry *en = &ids->entries[i];
	if (en->set < 0)
		return (long)i;
	const struct bk_type *t = en->id ? bk_btf_type(btf, en->id) : NULL;
	return t ? set_member(ids, i, btf, t) : -1;
}

static int fault(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fault(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (why && len)
		vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return 1;
}

static int check_target(const struct bk_btf_ids *ids, size_t i, const struct bk_btf *btf,
			const struct bk_type *t, char *why, size_t len)
{
	const struct bk_btf_ids_entry *en = &ids->entries[i];
	char label[200];
	/* the label only for a fault (why may be NULL: a yes or no) */
	if (en->set < 0 && !bk_ids_names_type(btf, t, en->kind, en->name))
		return fault(why, len, "ID %u names %s, not %s '%s'", en->id,
			     bk_type_label(btf, en->id, label, sizeof(label)),
			     bk_kind_name((unsigned)en->kind), en->name);
	/* most set slots still hold what their own symbol names: no search */
	bool own = en->kind && bk_ids_names_type(btf, t, en->kind, en->name);
	if (en->set >= 0 && !own && set_member(ids, i, btf, t) < 0)
		return fault(why, len, "ID %u names %s, which no symbol of set %s names", en->id,
			     bk_type_label(btf, en->id, label, sizeof(label)),
			     ids->sets[en->set].name);
	if (en->set >= 0 && ids->sets[en->set].set8 && bk_kind(t) == BK_KIND_FUNC) {
		const struct bk_type *proto = bk_btf_type(btf, t->type);
		if (!proto || bk_kind(proto) != BK_KIND_FUNC_PROTO)
			return fault(why, len, "ID %u names %s, whose type [%u] is not a "
				     "FUNC_PROTO (the kernel's btf_check_kfunc_protos)", en->id,
				     bk_type_label(btf, en->id, label, sizeof(label)), t->type);
	}
	return 0;
}

int bk_btf_ids_check_entry(const struct bk_btf_ids *ids, size_t i, const struct bk_btf *btf,
			   char *why, size_t len)
{
	const struct bk_btf_ids_entry *en = &ids->entries[i];
	if (why && len)
		why[0] = '\0';
	if (!en->kind && en->set < 0)
		return en->id ? fault(why, len, "an unused slot (BTF_ID_UNUSED) holds ID %u",
				      en->id)
			      : 0;
	if (!en->id)
		return fault(why, len, "ID 0: the name was not resolved when the module was built");
	if (en->id >= bk_btf_type_cnt(btf))
		return fault(why, len, "ID %u is past the last type [%u]", en->id,
			     bk_btf_type_cnt(btf) - 1);
	return check_target(ids, i, btf, bk_btf_type(btf, en->id), why, len);
}

