// SPDX-License-Identifier: MIT
/*
 * The parts of libbpf 1.8's btf_dump that print without nested
 * declarators: the ___N names (its type_names and ident_names maps),
 * forward declarations, enums, GCC's missing base types, and the layout
 * rules of struct bodies (packed inference, padding). c_emit.c prints the
 * declarators and the struct bodies that use these.
 */
#include <stdlib.h>

#include "text/c_internal.h"

/* ---- names: libbpf's type_names and ident_names ------------------------------ */

/* names are kept as string offsets: twelve bytes a slot */
struct name_slot {
	uint32_t off, hash;
	uint32_t count; /* 0: an empty slot */
};

static int name_map_grow(struct cdump *d, struct name_map *m)
{
	size_t cap = m->slots ? (m->mask + 1) * 2 : 4096;
	/* room at once for as many names as the types could give it */
	while (!m->slots && cap / 2 < m->hint && cap < ((size_t)1 << 24))
		cap *= 2;
	size_t mapped = 0;
	struct name_slot *ns = m->slots ? NULL : c_take_spare(d, cap * sizeof(*ns), &mapped);
	if (ns)
		memset(ns, 0, cap * sizeof(*ns));
	else if (!(ns = bk_zalloc(cap, sizeof(*ns))))
		return -ENOMEM;
	for (size_t i = 0; m->slots && i <= m->mask; i++) {
		if (!m->slots[i].count)
			continue;
		size_t j = m->slots[i].hash & (cap - 1);
		while (ns[j].count)
			j = (j + 1) & (cap - 1);
		ns[j] = m->slots[i];
	}
	if (m->slots)
		bk_fresh_release(m->slots, m->mapped);
	m->slots = ns;
	m->mapped = mapped;
	m->mask = cap - 1;
	return 0;
}

/* How many times the name at name_off has been given out, this time
 * included (libbpf's btf_dump_name_dups): by content, as strings may be
 * repeated at other offsets. When memory runs out the name counts as new. */
static uint32_t name_dups(struct cdump *d, struct name_map *m, uint32_t name_off)
{
	if (c_name_single(d, name_off))
		return 1; /* (without reading the name) */
	if ((m->used + 1) * 2 > (m->slots ? m->mask + 1 : 0) && name_map_grow(d, m))
		return 1;
	const char *name = c_str(d, name_off);
	size_t len = strlen(name);
	uint32_t h = bk_strset_hash(name, len);
	size_t j = h & m->mask;
	for (; m->slots[j].count; j = (j + 1) & m->mask) {
		struct name_slot *s = &m->slots[j];
		if (s->hash != h)
			continue;
		const char *cand = c_str(d, s->off);
		if (s->off == name_off || (!strncmp(cand, name, len) && !cand[len]))
			return ++s->count;
	}
	m->slots[j] = (struct name_slot){name_off, h, 1};
	m->used++;
	return 1;
}

/* libbpf's btf_dump_resolve_name: the ___N of a named type, decided the
 * first time the type is named. FWDs and empty enums keep their name. */
uint32_t c_resolve_dup(struct cdump *d, uint32_t id, struct name_map *map)
{
	if (c_name_is_done(d, id)) /* (only named types get it: before the type is read) */
		return d->dup[id];
	const struct bk_type *t = c_type(d, id);
	if (!t->name_off)
		return 0;
	uint32_t dup = 0;
	if (bk_kind(t) != BK_KIND_FWD && !(bk_kind(t) == BK_KIND_ENUM && !bk_vlen(t)))
		dup = name_dups(d, map, t->name_off);
	if (dup > 1) /* (most are not: their zeroed pages stay untouched) */
		d->dup[id] = dup;
	/* the ___N before the mark: a printing thread that sees the mark
	 * (c_put_type_name deferred) reads the ___N without waiting */
	uint64_t *w = &d->name_done[id / 64];
	__atomic_store_n(w, *w | 1ull << (id % 64), __ATOMIC_RELEASE);
	return dup > 1 ? dup : 0;
}

/* name or name___N, cut at 255 bytes as libbpf's snprintf into 256 does */
size_t c_format_name(char *buf, const char *name, uint32_t dup)
{
	size_t n = strlen(name);
	if (!dup) {
		memcpy(buf, name, n);
		return n;
	}
	char tmp[280];
	int k = snprintf(tmp, sizeof(tmp), "%.255s___%u", name, dup);
	n = k < 255 ? (size_t)k : 255;
	memcpy(buf, tmp, n);
	return n;
}

static void put_name(struct cdump *d, uint32_t name_off, uint32_t dup)
{
	if (!dup) {
		c_put_str(d, name_off);
		return;
	}
	char buf[256];
	put_bytes(d->o, buf, c_format_name(buf, c_str(d, name_off), dup));
}

/* A name whose ___N is decided later, in output order (c_put_mention):
 * noted at its place in the output. When memory runs out, o->err says so. */
static void defer_name(struct cdump *d, unsigned kind, uint32_t val)
{
	struct u32vec *m = d->mentions;
	if (m->cap - m->n >= 3) { /* (most: without the calls) */
		m->v[m->n++] = (uint32_t)d->o->len;
		m->v[m->n++] = kind;
		m->v[m->n++] = val;
	} else if (u32vec_push(m, (uint32_t)d->o->len) || u32vec_push(m, kind) ||
		   u32vec_push(m, val)) {
		d->o->err = d->o->err ? d->o->err : -ENOMEM;
	}
}

/* Deferred: the name itself now (so that its ___N is all the writer
 * adds, without reading the type again), unless it is so long that the
 * ___N could cut it at 255 bytes. */
#define DEFER_NAME_MAX 200

static void defer_type_name(struct cdump *d, uint32_t id, unsigned kind, unsigned suffix_kind)
{
	/* most names are named again after the writer decided their ___N:
	 * nothing to defer then */
	bool done = c_name_is_done(d, id);
	const struct bk_type *t = c_type(d, id);
	if (!t->name_off)
		return;
	if (done || c_name_single(d, t->name_off)) {
		put_name(d, t->name_off, done ? d->dup[id] : 0);
		return;
	}
	/* (printed, then taken back if it is that long: no strlen) */
	size_t at = d->o->len;
	c_put_str(d, t->name_off);
	if (!d->o->err && d->o->len - at > DEFER_NAME_MAX) {
		d->o->len = at; /* (the output of a printer ahead is in memory) */
		defer_name(d, kind, id);
		return;
	}
	defer_name(d, suffix_kind, id);
}

static void put_suffix(struct cdump *d, uint32_t dup)
{
	if (dup > 1) {
		PUT_LIT(d->o, "___");
		put_u64(d->o, dup);
	}
}

void c_put_type_name(struct cdump *d, uint32_t id)
{
	if (d->mentions) {
		defer_type_name(d, id, M_TYPE, M_TYPE_SUFFIX);
		return;
	}
	uint32_t dup = c_resolve_dup(d, id, &d->type_names);
	put_name(d, c_type(d, id)->name_off, dup);
}

void c_put_ident_name(struct cdump *d, uint32_t id)
{
	if (d->mentions) {
		defer_type_name(d, id, M_IDENT, M_IDENT_SUFFIX);
		return;
	}
	uint32_t dup = c_resolve_dup(d, id, &d->ident_names);
	put_name(d, c_type(d, id)->name_off, dup);
}

/* ---- definitions without nested declarators ------------------------------------ */

void c_emit_struct_fwd(struct cdump *d, uint32_t id)
{
	const struct bk_type *t = c_type(d, id);
	if (bk_kind(t) == BK_KIND_STRUCT)
		PUT_LIT(d->o, "struct");
	else
		PUT_LIT(d->o, "union");
	if (t->name_off)
		put_char(d->o, ' ');
	c_put_type_name(d, id);
}

void c_emit_fwd_def(struct cdump *d, uint32_t id)
{
	if (bk_kflag(c_type(d, id)))
		PUT_LIT(d->o, "union ");
	else
		PUT_LIT(d->o, "struct ");
	c_put_type_name(d, id);
}

/* An enumerator's line up to its value: the tabs, the name and its ___N
 * (enumerators share a namespace with typedefs; printed ahead, the ___N
 * deferred unless the name is given out once), through one cursor with
 * room for after more bytes. */
static char *put_enumerator(struct cdump *d, int lvl, uint32_t name_off, size_t after)
{
	uint32_t dup = d->mentions ? 0 : name_dups(d, &d->ident_names, name_off);
	const char *lim, *name = c_str_lim(d, name_off, &lim);
	char *p = out_room(d->o, 16 + OUT_TEXT_ROOM + after);
	memcpy(p, "\n\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t", 16); /* c_put_line's */
	p = out_put_text(d->o, p + 1 + (lvl + 1 < C_MAX_TABS ? lvl + 1 : C_MAX_TABS), name, lim,
			 after);
	if (d->mentions ? c_name_single(d, name_off) : dup <= 1)
		return p;
	out_commit(d->o, p);
	if (d->mentions)
		defer_name(d, M_ENUMERATOR_SUFFIX, name_off);
	else
		put_suffix(d, dup);
	return out_room(d->o, after);
}

/* " = VALUE," of a 32-bit enumerator at p (room for 16 bytes) */
static char *put_enum_value(char *p, int32_t val, bool is_signed)
{
	memcpy(p, " = ", 3);
	p = is_signed ? fmt_i64(p + 3, val) : fmt_u32(p + 3, (uint32_t)val);
	*p++ = ',';
	return p;
}

void c_put_mention(struct cdump *d, unsigned kind, uint32_t val)
{
	switch (kind) {
	case M_TYPE:
		c_put_type_name(d, val);
		break;
	case M_IDENT:
		c_put_ident_name(d, val);
		break;
	case M_ENUMERATOR_SUFFIX:
		put_suffix(d, name_dups(d, &d->ident_names, val));
		break;
	case M_TYPE_SUFFIX:
		put_suffix(d, c_resolve_dup(d, val, &d->type_names));
		break;
	case M_IDENT_SUFFIX:
		put_suffix(d, c_resolve_dup(d, val, &d->ident_names));
		break;
	default: /* M_TYPE_UNPRINTED */
		c_resolve_dup(d, val, &d->type_names);
		break;
	}
}


/* libbpf's size attributes: mode(byte) for 1-byte enums, mode(word) for
 * 8-byte ones whose values would not make the compiler choose 8 bytes */
static void put_enum_mode(struct cdump *d, const struct bk_type *t)
{
	if (t->size == 1) {
		PUT_LIT(d->o, " __attribute__((mode(byte)))");
		return;
	}
	if (t->size != 8 || d->ptr_sz != 8)
		return;
	bool needs_word = true;
	if (bk_kind(t) == BK_KIND_ENUM64) {
		const struct bk_enum64 *v = bk_type_rest(t);
		for (uint32_t i = 0; i < bk_vlen(t); i++)
			if (v[i].val_hi32)
				needs_word = false;
	}
	if (needs_word)
		PUT_LIT(d->o, " __attribute__((mode(word)))");
}

void c_emit_enum_def(struct cdump *d, uint32_t id, int lvl)
{
	const struct bk_type *t = c_type(d, id);
	uint32_t vlen = bk_vlen(t);
	bool is_signed = bk_kflag(t);
	PUT_LIT(d->o, "enum");
	if (t->name_off)
		put_char(d->o, ' ');
	c_put_type_name(d, id);
	if (!vlen)
		return;
	PUT_LIT(d->o, " {");
	if (bk_kind(t) == BK_KIND_ENUM) {
		const struct bk_enum *v = bk_type_rest(t);
		for (uint32_t i = 0; i < vlen; i++, v++)
			out_commit(d->o, put_enum_value(put_enumerator(d, lvl, v->name_off, 16),
							v->val, is_signed));
	} else {
		const struct bk_enum64 *v = bk_type_rest(t);
		for (uint32_t i = 0; i < vlen; i++, v++) {
			uint64_t val = (uint64_t)v->val_hi32 << 32 | v->val_lo32;
			out_commit(d->o, put_enumerator(d, lvl, v->name_off, 0));
			PUT_LIT(d->o, " = ");
			if (is_signed) {
				put_i64(d->o, (int64_t)val);
				PUT_LIT(d->o, "LL,");
			} else {
				put_u64(d->o, val);
				PUT_LIT(d->o, "ULL,");
			}
		}
	}
	c_put_line(d->o, lvl);
	put_char(d->o, '}');
	put_enum_mode(d, t);
}

/* GCC's __PolyN_t typedefs for Arm SIMD, which C compilers do not know */
static const char *const missing_base_types[][2] = {
	{"__Poly8_t", "unsigned char"},
	{"__Poly16_t", "unsigned short"},
	{"__Poly64_t", "unsigned long long"},
	{"__Poly128_t", "unsigned __int128"},
};

bool c_is_missing_base_type(const char *name)
{
	for (size_t i = 0; i < sizeof(missing_base_types) / sizeof(missing_base_types[0]); i++)
		if (!strcmp(name, missing_base_types[i][0]))
			return true;
	return false;
}

void c_emit_missing_aliases(struct cdump *d, uint32_t id)
{
	/* naming the INT takes its name in the struct/union/enum namespace
	 * (deferred: the caller made sure that it is none of them) */
	if (d->mentions) {
		if (c_type(d, id)->name_off)
			defer_name(d, M_TYPE_UNPRINTED, id);
		return;
	}
	uint32_t dup = c_resolve_dup(d, id, &d->type_names);
	const char *name = c_name(d, c_type(d, id));
	if (dup)
		return; /* name___N is none of them */
	for (size_t i = 0; i < sizeof(missing_base_types) / sizeof(missing_base_types[0]); i++) {
		if (!strcmp(name, missing_base_types[i][0])) {
			PUT_LIT(d->o, "typedef ");
			put_str(d->o, missing_base_types[i][1]);
			put_char(d->o, ' ');
			put_str(d->o, name);
			PUT_LIT(d->o, ";\n\n");
			break;
		}
	}
}

/* ---- alignment, size and packing ------------------------------------------------ */

static int64_t roundup64(int64_t x, int64_t y)
{
	return y ? (x + y - 1) / y * y : x;
}

/* libbpf's btf_is_struct_packed */
bool c_struct_is_packed(struct cdump *d, uint32_t id)
{
	/* An alignment above 1 (c_align_of) means that every member has one,
	 * none is off it, and the size is a multiple of the largest: the
	 * loop below would find nothing. Most structs are so. */
	if (c_align_of(d, id) > 1)
		return false;
	const struct bk_type *t = c_type(d, id);
	const struct bk_member *m = bk_type_rest(t);
	int max_align = 1;
	for (uint32_t i = 0; i < bk_vlen(t); i++, m++) {
		int align = c_align_of(d, m->type);
		if (align > 0 && !bk_member_bitfield_size(t, m) && c_align_rem(m->offset, 8u * align))
			return true;
		if (align > max_align)
			max_align = align;
	}
	return c_align_rem(t->size, (uint32_t)max_align) != 0;
}

/* one anonymous padding bitfield: "TYPE: BITS;" on its own line */
static void put_pad(struct cdump *d, int lvl, const char *type, int64_t bits)
{
	c_put_line(d->o, lvl);
	put_str(d->o, type);
	PUT_LIT(d->o, ": ");
	put_i64(d->o, bits);
	put_char(d->o, ';');
}

/* libbpf's btf_dump_emit_bit_padding: fill cur_off..next_off (bits) with
 * `long: 64;`-style anonymous bitfields, relying on natural alignment
 * where it gives the same layout */
void c_put_bit_padding(struct cdump *d, int64_t cur_off, int64_t next_off, int next_align,
			    bool in_bitfield, int lvl)
{
	if (cur_off >= next_off)
		return;
	const struct {
		const char *name;
		int bits;
	} pads[] = {{"long", d->ptr_sz * 8}, {"int", 32}, {"short", 16}, {"char", 8}};
	const int nr_pads = 4;
	int64_t new_off = 0;
	int pad_bits = 0;
	const char *pad_type = NULL;
	for (int i = 0; i < nr_pads; i++) {
		pad_bits = pads[i].bits;
		pad_type = pads[i].name;
		new_off = roundup64(cur_off, pad_bits);
		if (new_off <= next_off)
			break;
	}
	if (new_off > cur_off && new_off <= next_off) {
		if (in_bitfield ||
		    (new_off == next_off && roundup64(cur_off, (int64_t)next_align * 8) != new_off) ||
		    (new_off != next_off && next_off - new_off <= new_off - cur_off)) {
			put_pad(d, lvl, pad_type, in_bitfield ? new_off - cur_off : 0);
		}
		cur_off = new_off;
	}
	while (cur_off != next_off) {
		int64_t bits = next_off - cur_off < pad_bits ? next_off - cur_off : pad_bits;
		if (bits == pad_bits) {
			put_pad(d, lvl, pad_type, pad_bits);
			cur_off += bits;
			continue;
		}
		/* the remainder: the smallest type that holds it */
		for (int i = nr_pads - 1; i >= 0; i--) {
			pad_type = pads[i].name;
			pad_bits = pads[i].bits;
			if (pad_bits < bits)
				continue;
			put_pad(d, lvl, pad_type, bits);
			cur_off += bits;
			break;
		}
		if (pad_bits < bits)
			break; /* pointer size 0: nothing holds it (cannot happen) */
	}
}
