// SPDX-License-Identifier: MIT
/*
 * bpftool's raw text and JSON dumps (`bpftool [-j] btf dump file F`),
 * byte for byte.
 *
 * One walk over the types serves both formats: each kind's printer emits
 * "fields" (key and value), "lists" (members, values, params, vars) and
 * "elements" through small emitters (macros and inline functions) that
 * render them as text
 * (` key=value`, `\n\t'name' ...`) or as bpftool's JSON (`,"key":value`,
 * `{"name":...}`). The few places where bpftool's two formats differ in
 * more than syntax are marked where they happen.
 *
 * Speed: a whole vmlinux is ~12 MB of text, so nothing here goes through
 * printf, and the hot loop has no check per byte or per field: each piece
 * (a type's head, an element) makes sure of room for its fixed part once
 * and writes through a cursor; names are copied 16 bytes at a compare
 * (longer ones eight bytes at a time, out.c). Each format has its own copy
 * of the walk (the format is a constant in the inlined printers), so that
 * it holds no test of the format either. What the walk costs is its chain
 * of cursor moves (each waits for the length of what went before), so
 * numbers are made without a branch on their length and the walk's state
 * is read from its own copy (see struct dumper). A large BTF written to a
 * file is formatted by two threads (dump_relay.c).
 */
#include <stdlib.h>
#include <string.h>

#include "core/btf_internal.h"
#include "core/vocab.h"
#include "text/json_pretty.h"
#include "text/dump_internal.h"
#include "text/out.h"

/* ---- names ------------------------------------------------------------------- */

/* The most one piece of output writes between two checks for room: a
 * type's head or one element, its strings aside (they check as they go).
 * Every name returns with this much room after it. */
#define PIECE_MAX 256

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* padded: the 32 bytes read at their start stay inside, so that they go
 * the fast way of any short name (a kernel's types are mostly anonymous) */
static const char anon[32] = "(anon)", invalid[32] = "(invalid)";

/* bpftool's name of a name offset, and the end of the table it is in */
static const char *name_in_chain(const struct bk_btf *b, uint32_t off, const char **lim)
{
	if (!off) {
		*lim = anon + sizeof(anon);
		return anon;
	}
	uint32_t rel;
	const struct bk_btf *t = bk_str_table(b, off, &rel);
	if (!t) {
		*lim = invalid + sizeof(invalid);
		return invalid;
	}
	*lim = t->strs + t->strs_len;
	return t->strs + rel;
}


/* ---- words and fields ------------------------------------------------------- */

static void word_init(struct word *w, const char *s)
{
	w->s = s;
	w->len = strlen(s);
	memset(w->pad, 0, sizeof(w->pad));
	memcpy(w->pad, s, w->len < sizeof(w->pad) ? w->len : sizeof(w->pad));
}

/* the word at p (room for 16 bytes, or its length); the end */
static inline char *put_word(char *p, const struct word *w)
{
	if (__builtin_expect(w->len <= sizeof(w->pad), 1))
		memcpy(p, w->pad, sizeof(w->pad));
	else
		memcpy(p, w->s, w->len);
	return p + w->len;
}

/* A word as a value: bare in text (encoding=SIGNED), a JSON string in
 * JSON (no word has a byte to escape) */
static inline char *put_word_val(char *p, const struct word *w, bool json)
{
	if (json)
		*p++ = '"';
	p = put_word(p, w);
	if (json)
		*p++ = '"';
	return p;
}

void bk_dumper_init(struct dumper *d, struct out *o, const struct bk_btf *btf)
{
	d->o = o;
	d->btf = btf;
	d->strs = btf->strs;
	d->strs_end = btf->strs ? btf->strs + btf->strs_len : NULL; /* a BTF being built may have none yet */
	d->str_start = btf->start_str_off;
	d->strs_len = (uint32_t)btf->strs_len;
	d->type_cnt = bk_btf_type_cnt(btf);
	d->end = o->buf + o->cap;
	for (unsigned k = 0; k <= BK_NR_KINDS; k++)
		word_init(&d->kinds[k], bk_kind_word(k));
	for (unsigned e = 0; e <= BK_NR_INT_ENC_WORDS; e++)
		word_init(&d->int_enc[e], bk_int_enc_word(e));
	for (unsigned l = 0; l <= BK_NR_LINKAGE_WORDS; l++)
		word_init(&d->linkage[l], bk_linkage_word(l));
	for (unsigned f = 0; f < 2; f++) {
		word_init(&d->fwd_kind[f], bk_fwd_kind_word(f));
		word_init(&d->enum_sign[f], bk_enum_sign_word(f));
	}
}

static inline const struct word *kind_word(const struct dumper *d, unsigned kind)
{
	return &d->kinds[kind < BK_NR_KINDS ? kind : BK_NR_KINDS];
}

/* the end of d's buffer, after a call that may have flushed or moved it */
static inline void dumper_sync(struct dumper *d)
{
	d->end = d->o->buf + d->o->cap;
}

/* Bytes left after the cursor p */
static ALWAYS_INLINE size_t room_left(const struct dumper *d, const char *p)
{
	return (size_t)(d->end - p);
}

/* the cursor p with room for n (<= OUT_ROOM_MAX) more bytes */
static ALWAYS_INLINE char *room(struct dumper *d, char *p, size_t n)
{
	if (__builtin_expect(room_left(d, p) >= n, 1))
		return p;
	p = out_more_room(d->o, p, n);
	dumper_sync(d);
	return p;
}

/* The name of a name offset: own names (all but a split BTF's base's) from
 * the copy, the rest along the chain */
static ALWAYS_INLINE const char *name_of(const struct dumper *d, uint32_t off, const char **lim)
{
	uint32_t rel = off - d->str_start;
	if (__builtin_expect(off && rel < d->strs_len, 1)) {
		*lim = d->strs_end;
		return d->strs + rel;
	}
	if (!off) { /* most types are anonymous */
		*lim = anon + sizeof(anon);
		return anon;
	}
	return name_in_chain(d->btf, off, lim);
}

#if OUT_VEC16
/* The name s, shorter than 32 bytes and with nothing to escape, at p (a
 * JSON string's opening quote already there) as it is; NULL if it is not
 * such a name. Reads and writes 32 bytes: lim - s and the room allow it. */
static ALWAYS_INLINE char *put_short_name(char *p, const char *s, bool json)
{
	size_t k = out_vec_copy(p, s, 2, json);
	/* text stops at the NUL; JSON at the first byte that is special,
	 * fine only if it is the NUL */
	return k == 32 || (json && s[k]) ? NULL : p + k;
}
#endif

/* A name: bare in text (the caller quotes it), a JSON string in JSON. The
 * usual one (short, nothing to escape) goes inline. */
static ALWAYS_INLINE char *put_name(struct dumper *d, char *p, uint32_t off, bool json)
{
	const char *lim, *s = name_of(d, off, &lim);
#if OUT_VEC16
	if (lim - s >= 32 && room_left(d, p) >= PIECE_MAX + 34) {
		char *q = json ? p + 1 : p, *end;
		if (json)
			*p = '"';
		if ((end = put_short_name(q, s, json))) {
			if (json)
				*end++ = '"';
			return end;
		}
	}
#elif OUT_WORD_AT_A_TIME
	if (lim - s >= 8 && room_left(d, p) >= PIECE_MAX + 10) {
		uint64_t w, z;
		memcpy(&w, s, 8);
		z = json ? out_json_special(w) : out_bytes_below(w, 1);
		unsigned k = (unsigned)__builtin_ctzll(z | 1ull << 63) / 8;
		if (z && !s[k]) {
			if (json)
				*p++ = '"';
			memcpy(p, &w, 8);
			p += k;
			if (json)
				*p++ = '"';
			return p;
		}
	}
#endif
	p = json ? out_json_str(d->o, p, s, lim, PIECE_MAX)
		 : out_text_str(d->o, p, s, lim, PIECE_MAX);
	dumper_sync(d); /* the buffer may have been flushed or moved */
	return p;
}

/* A literal at p; the end */
#define LIT(p, lit) (memcpy(p, lit, sizeof(lit) - 1), (p) + sizeof(lit) - 1)
/* A field's key: text " key=", JSON ,"key": */
#define KEY(p, json, key) ((json) ? LIT(p, ",\"" key "\":") : LIT(p, " " key "="))
/* A list: JSON ,"key":[ ... ]; text lists are just their elements */
#define BEGIN_LIST(p, json, key) ((json) ? LIT(p, ",\"" key "\":[") : (p))
#define END_LIST(p, json) ((json) ? LIT(p, "]") : (p))

/* An element with a name: text "\n\t'name'", JSON {"name":"..." (with
 * "," before all but the first). Its fields follow. */
static ALWAYS_INLINE char *begin_named_elem(struct dumper *d, char *p, uint32_t name_off,
					    bool first, bool json)
{
	p = room(d, p, PIECE_MAX);
	if (json) {
		if (!first)
			*p++ = ',';
		p = LIT(p, "{\"name\":");
		return put_name(d, p, name_off, true);
	}
	p = LIT(p, "\n\t'");
	p = put_name(d, p, name_off, false);
	return LIT(p, "'");
}

#define END_ELEM(p, json) ((json) ? LIT(p, "}") : (p))

/* Every function below writes at p, which has room for a piece, and
 * returns the end. They are inlined into one walk per format. */

/* ---- the kinds -------------------------------------------------------------- */

static ALWAYS_INLINE char *print_int(struct dumper *d, char *p, const struct bk_type *t,
				     bool json)
{
	uint32_t w;
	memcpy(&w, bk_type_rest(t), sizeof(w));
	uint32_t enc = bk_int_encoding(w);
	p = fmt_u32(KEY(p, json, "size"), t->size);
	p = fmt_u32(KEY(p, json, "bits_offset"), bk_int_offset(w));
	p = fmt_u32(KEY(p, json, "nr_bits"), bk_int_bits(w));
	p = KEY(p, json, "encoding");
	return put_word_val(p, &d->int_enc[enc < BK_NR_INT_ENC_WORDS ? enc : BK_NR_INT_ENC_WORDS],
			    json);
}

/* PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG */
static ALWAYS_INLINE char *print_ref(char *p, const struct bk_type *t, bool json)
{
	return fmt_u32(KEY(p, json, "type_id"), t->type);
}

static ALWAYS_INLINE char *print_array(char *p, const struct bk_type *t, bool json)
{
	const struct bk_array *a = bk_type_rest(t);
	p = fmt_u32(KEY(p, json, "type_id"), a->type);
	p = fmt_u32(KEY(p, json, "index_type_id"), a->index_type);
	return fmt_u32(KEY(p, json, "nr_elems"), a->nelems);
}

static ALWAYS_INLINE char *print_composite(struct dumper *d, char *p, const struct bk_type *t,
					   bool json)
{
	const struct bk_member *m = bk_type_rest(t);
	const struct bk_type head = *t; /* read once: not again after each store */
	uint32_t vlen = bk_vlen(t);
	p = fmt_u32(KEY(p, json, "size"), t->size);
	p = fmt_u32(KEY(p, json, "vlen"), vlen);
	p = BEGIN_LIST(p, json, "members");
	for (uint32_t i = 0; i < vlen; i++, m++) {
		uint32_t bitfield_size = bk_member_bitfield_size(&head, m);
		p = begin_named_elem(d, p, m->name_off, i == 0, json);
		p = fmt_u32(KEY(p, json, "type_id"), m->type);
		p = fmt_u32(KEY(p, json, "bits_offset"), bk_member_bit_offset(&head, m));
		if (bitfield_size)
			p = fmt_u32(KEY(p, json, "bitfield_size"), bitfield_size);
		p = END_ELEM(p, json);
	}
	return END_LIST(p, json);
}

static ALWAYS_INLINE char *print_enum_head(struct dumper *d, char *p, const struct bk_type *t,
					   bool json)
{
	p = KEY(p, json, "encoding");
	p = put_word_val(p, &d->enum_sign[bk_kflag(t)], json);
	p = fmt_u32(KEY(p, json, "size"), t->size);
	p = fmt_u32(KEY(p, json, "vlen"), bk_vlen(t));
	return BEGIN_LIST(p, json, "values");
}

static ALWAYS_INLINE char *print_enum(struct dumper *d, char *p, const struct bk_type *t,
				      bool json)
{
	const struct bk_enum *v = bk_type_rest(t);
	uint32_t vlen = bk_vlen(t);
	bool is_signed = bk_kflag(t);
	p = print_enum_head(d, p, t, json);
	for (uint32_t i = 0; i < vlen; i++, v++) {
		p = begin_named_elem(d, p, v->name_off, i == 0, json);
		p = KEY(p, json, "val");
		if (is_signed)
			p = fmt_i64(p, v->val);
		else if (json)
			/* bpftool hands the s32 to a u64 writer: sign-extended */
			p = fmt_u64(p, (uint64_t)(int64_t)v->val);
		else
			p = fmt_u32(p, (uint32_t)v->val);
		p = END_ELEM(p, json);
	}
	return END_LIST(p, json);
}

static ALWAYS_INLINE char *print_enum64(struct dumper *d, char *p, const struct bk_type *t,
					bool json)
{
	const struct bk_enum64 *v = bk_type_rest(t);
	uint32_t vlen = bk_vlen(t);
	bool is_signed = bk_kflag(t);
	p = print_enum_head(d, p, t, json);
	for (uint32_t i = 0; i < vlen; i++, v++) {
		uint64_t val = (uint64_t)v->val_hi32 << 32 | v->val_lo32;
		p = begin_named_elem(d, p, v->name_off, i == 0, json);
		p = KEY(p, json, "val");
		if (is_signed)
			p = fmt_i64(p, (int64_t)val);
		else
			p = fmt_u64(p, val);
		if (!json) /* text only: C literal suffixes */
			p = is_signed ? LIT(p, "LL") : LIT(p, "ULL");
		p = END_ELEM(p, json);
	}
	return END_LIST(p, json);
}

static ALWAYS_INLINE char *print_fwd(struct dumper *d, char *p, const struct bk_type *t,
				     bool json)
{
	p = KEY(p, json, "fwd_kind");
	return put_word_val(p, &d->fwd_kind[bk_kflag(t)], json);
}

static inline const struct word *linkage_word(const struct dumper *d, uint32_t linkage)
{
	return &d->linkage[linkage < BK_NR_LINKAGE_WORDS ? linkage : BK_NR_LINKAGE_WORDS];
}

static ALWAYS_INLINE char *print_func(struct dumper *d, char *p, const struct bk_type *t,
				      bool json)
{
	p = fmt_u32(KEY(p, json, "type_id"), t->type);
	p = KEY(p, json, "linkage");
	return put_word_val(p, linkage_word(d, bk_vlen(t)), json);
}

static ALWAYS_INLINE char *print_func_proto(struct dumper *d, char *p, const struct bk_type *t,
					    bool json)
{
	const struct bk_param *prm = bk_type_rest(t);
	uint32_t vlen = bk_vlen(t);
	p = fmt_u32(KEY(p, json, "ret_type_id"), t->type);
	p = fmt_u32(KEY(p, json, "vlen"), vlen);
	p = BEGIN_LIST(p, json, "params");
	for (uint32_t i = 0; i < vlen; i++, prm++) {
		p = begin_named_elem(d, p, prm->name_off, i == 0, json);
		p = fmt_u32(KEY(p, json, "type_id"), prm->type);
		p = END_ELEM(p, json);
	}
	return END_LIST(p, json);
}

static ALWAYS_INLINE char *print_var(struct dumper *d, char *p, const struct bk_type *t,
				     bool json)
{
	const struct bk_var *v = bk_type_rest(t);
	p = fmt_u32(KEY(p, json, "type_id"), t->type);
	if (!json) /* bpftool's text has "type_id=N, linkage=..." */
		p = LIT(p, ",");
	p = KEY(p, json, "linkage");
	return put_word_val(p, linkage_word(d, v->linkage), json);
}

/* Text only: " (KIND 'name')" of a DATASEC entry's type. bpftool prints it
 * for any ID below the type count: void shows as "(UNKNOWN '(anon)')". */
static ALWAYS_INLINE char *put_var_label(struct dumper *d, char *p, uint32_t id)
{
	if (id >= d->type_cnt)
		return p;
	const struct bk_type *vt = bk_btf_type(d->btf, id);
	p = LIT(p, " (");
	p = put_word(p, kind_word(d, vt ? bk_kind(vt) : BK_KIND_UNKN));
	p = LIT(p, " '");
	p = put_name(d, p, vt ? vt->name_off : 0, false);
	return LIT(p, "')");
}

static ALWAYS_INLINE char *print_datasec(struct dumper *d, char *p, const struct bk_type *t,
					 bool json)
{
	const struct bk_var_secinfo *v = bk_type_rest(t);
	uint32_t vlen = bk_vlen(t);
	p = fmt_u32(KEY(p, json, "size"), t->size);
	p = fmt_u32(KEY(p, json, "vlen"), vlen);
	p = BEGIN_LIST(p, json, "vars");
	for (uint32_t i = 0; i < vlen; i++, v++) {
		/* an element without a name: its first field has no separator */
		p = room(d, p, PIECE_MAX);
		if (json)
			p = i ? LIT(p, ",{\"type_id\":") : LIT(p, "{\"type_id\":");
		else
			p = LIT(p, "\n\ttype_id=");
		p = fmt_u32(p, v->type);
		p = fmt_u32(KEY(p, json, "offset"), v->offset);
		p = fmt_u32(KEY(p, json, "size"), v->size);
		if (!json)
			p = put_var_label(d, p, v->type);
		p = END_ELEM(p, json);
	}
	return END_LIST(p, json);
}

static ALWAYS_INLINE char *print_float(char *p, const struct bk_type *t, bool json)
{
	return fmt_u32(KEY(p, json, "size"), t->size);
}

static ALWAYS_INLINE char *print_decl_tag(char *p, const struct bk_type *t, bool json)
{
	const struct bk_decl_tag *tag = bk_type_rest(t);
	p = fmt_u32(KEY(p, json, "type_id"), t->type);
	return fmt_i64(KEY(p, json, "component_idx"), tag->component_idx);
}

/* text "[id] KIND 'name'", JSON {"id":N,"kind":"KIND","name":"name" */
static ALWAYS_INLINE char *begin_type(struct dumper *d, char *p, uint32_t id, unsigned kind,
				      uint32_t name_off, bool json)
{
	if (json) {
		p = fmt_u32(LIT(p, "{\"id\":"), id);
		p = put_word(LIT(p, ",\"kind\":\""), kind_word(d, kind));
		p = LIT(p, "\",\"name\":");
		return put_name(d, p, name_off, true);
	}
	p = fmt_u32(LIT(p, "["), id);
	p = put_word(LIT(p, "] "), kind_word(d, kind));
	p = LIT(p, " '");
	p = put_name(d, p, name_off, false);
	return LIT(p, "'");
}

static ALWAYS_INLINE char *print_type(struct dumper *d, char *p, uint32_t id,
				      const struct bk_type *t, bool json)
{
	unsigned kind = bk_kind(t);
	p = begin_type(d, p, id, kind, t->name_off, json);
	switch (kind) {
	case BK_KIND_INT: p = print_int(d, p, t, json); break;
	case BK_KIND_PTR:
	case BK_KIND_TYPEDEF:
	case BK_KIND_VOLATILE:
	case BK_KIND_CONST:
	case BK_KIND_RESTRICT:
	case BK_KIND_TYPE_TAG: p = print_ref(p, t, json); break;
	case BK_KIND_ARRAY: p = print_array(p, t, json); break;
	case BK_KIND_STRUCT:
	case BK_KIND_UNION: p = print_composite(d, p, t, json); break;
	case BK_KIND_ENUM: p = print_enum(d, p, t, json); break;
	case BK_KIND_FWD: p = print_fwd(d, p, t, json); break;
	case BK_KIND_FUNC: p = print_func(d, p, t, json); break;
	case BK_KIND_FUNC_PROTO: p = print_func_proto(d, p, t, json); break;
	case BK_KIND_VAR: p = print_var(d, p, t, json); break;
	case BK_KIND_DATASEC: p = print_datasec(d, p, t, json); break;
	case BK_KIND_FLOAT: p = print_float(p, t, json); break;
	case BK_KIND_DECL_TAG: p = print_decl_tag(p, t, json); break;
	case BK_KIND_ENUM64: p = print_enum64(d, p, t, json); break;
	default: break; /* an unknown kind (only in BTF built in memory): its head alone */
	}
	return json ? LIT(p, "}") : LIT(p, "\n");
}

/* ---- the walk ----------------------------------------------------------------- */

/* types [from, to) of d's BTF (own indexes), each after a "," in JSON
 * but the first of all */
static ALWAYS_INLINE void dump_range(const struct dumper *shared, uint32_t from, uint32_t to,
				     bool json)
{
	struct dumper copy = *shared, *d = &copy; /* see struct dumper */
	struct out *o = d->o;
	const uint8_t *types = d->btf->types;
	const uint32_t *offs = d->btf->offs;
	uint32_t start_id = d->btf->start_id;
	char *p = out_room(o, PIECE_MAX);
	dumper_sync(d);
	for (uint32_t i = from; i < to && !o->err; i++) {
		p = room(d, p, PIECE_MAX);
		if (json && i)
			*p++ = ',';
		p = print_type(d, p, start_id + i, (const struct bk_type *)(types + offs[i]), json);
	}
	out_commit(o, p);
}

/* the two walks: each format's own code, the format known at compile time */
static void dump_range_text(const struct dumper *d, uint32_t from, uint32_t to)
{
	dump_range(d, from, to, false);
}

static void dump_range_json(const struct dumper *d, uint32_t from, uint32_t to)
{
	dump_range(d, from, to, true);
}

void bk_dump_range(const struct dumper *d, uint32_t from, uint32_t to)
{
	if (d->o->json)
		dump_range_json(d, from, to);
	else
		dump_range_text(d, from, to);
}

static void dump_types(struct out *o, const struct bk_btf *btf)
{
	if (o->json)
		PUT_LIT(o, "{\"types\":[");
	if (!o->file || btf->nr_types < BK_DUMP_PARALLEL_MIN_TYPES || !bk_dump_parallel(o, btf)) {
		struct dumper d;
		bk_dumper_init(&d, o, btf);
		bk_dump_range(&d, 0, btf->nr_types);
	}
	if (o->json)
		PUT_LIT(o, "]}\n");
}

/* -p: the compact JSON collected, then re-indented into o */
static void dump_pretty(struct out *o, const struct bk_btf *btf)
{
	struct out compact;
	if (out_open(&compact, NULL)) {
		o->err = -ENOMEM;
		return;
	}
	compact.json = true;
	dump_types(&compact, btf);
	if (compact.err)
		o->err = compact.err;
	else
		bk_json_pretty(compact.buf, compact.len, o);
	free(compact.buf);
}

static void dump_any(struct out *o, const struct bk_btf *btf, enum bk_dump_format fmt)
{
	if (fmt == BK_DUMP_JSON_PRETTY)
		dump_pretty(o, btf);
	else
		dump_types(o, btf);
}

int bk_dump(const struct bk_btf *btf, enum bk_dump_format fmt, FILE *file)
{
	struct out o = {.cap = OUT_CHUNK, .file = file, .json = fmt == BK_DUMP_JSON};
	o.buf = malloc(o.cap);
	if (!o.buf)
		return -ENOMEM;
	errno = 0;
	dump_any(&o, btf, fmt);
	out_flush(&o);
	free(o.buf);
	if (o.err)
		errno = -o.err;
	return o.err;
}

int bk_dump_mem(const struct bk_btf *btf, enum bk_dump_format fmt, char **text, size_t *len)
{
	struct out o = {.cap = 4096, .json = fmt == BK_DUMP_JSON};
	*text = NULL;
	*len = 0;
	o.buf = malloc(o.cap);
	if (!o.buf)
		return -ENOMEM;
	dump_any(&o, btf, fmt);
	if (!o.err && out_reserve(&o, 1))
		o.buf[o.len] = '\0';
	if (o.err) {
		free(o.buf);
		return o.err;
	}
	*text = o.buf;
	*len = o.len;
	return 0;
}
