// SPDX-License-Identifier: MIT
/*
 * The assembler: `bpftool btf dump file` raw text back into BTF.
 *
 * The text is read one line at a time with a cursor that knows its line and
 * column, so every fault names where it is and what was expected there.
 * Each kind has a header parser (what follows `[ID] KIND 'name'`) and, for
 * kinds with elements, a parser for one member line; they fill the on-disk
 * record, which is appended with bk_btf_add_type. Strings are added in the
 * order they are met (the type's name, then its members' names), the order
 * libbpf's btf__add_*() uses, so text that libbpf's builders produced
 * assembles back to the same bytes.
 *
 * What the text does not show is reconstructed as follows:
 * - STRUCT/UNION kind_flag: set when any member shows bitfield_size.
 * - INT encoding UNKN (bpftool's word for any unusual combination): SIGNED|CHAR,
 *   the only such combination compilers emit ("signed char").
 * - '(anon)' is name offset 0; '(invalid)' is taken as a literal name.
 * - DECL_TAG and TYPE_TAG kind_flag (the attribute form) is not printed by
 *   bpftool and comes back as 0.
 *
 * A type may refer to an ID defined later in the text; references are checked
 * once the whole text is read. Nothing here recurses, and nothing is sized
 * from a number in the text before the lines it promises have been read.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/btf_internal.h"
#include "core/vocab.h"

/* A type reference to check once its target is known. */
struct asm_ref {
	uint32_t id;
	int line, col;
	bool need_proto;         /* FUNC: the target must be a FUNC_PROTO */
	const char *sfx_kind;    /* DATASEC entry: the ` (KIND 'name')` shown, or NULL */
	size_t sfx_kind_len;
	const char *sfx_name;
	size_t sfx_name_len;
};

struct asm_ctx {
	const char *file;
	struct bk_error *err;
	struct bk_btf *btf;

	/* the text and the current line: [line, eol) without the line break */
	const char *text_end, *line, *eol, *next;
	const char *p;
	int lineno;

	/* the record being built: struct bk_type + fixed data + elements */
	uint8_t *rec;
	size_t rec_len, rec_cap;
	uint32_t vlen;
	bool kflag;
	bool is_signed;          /* ENUM/ENUM64 values print signed */
	int wide_line, wide_col; /* first member whose bit offset needs all 32 bits */

	char *name;              /* scratch for a NUL-terminated name */
	size_t name_cap;

	struct asm_ref *refs;    /* forward references, in text order */
	size_t nr_refs, refs_cap;
};

/* ---- errors ---------------------------------------------------------------- */

static int vfail_at(struct asm_ctx *c, int line, int col, const char *fmt, va_list ap)
{
	if (c->err) {
		char msg[sizeof(c->err->msg)];
		vsnprintf(msg, sizeof(msg), fmt, ap);
		bk_err_r(c->err, -EINVAL, BK_E_ASM, "%s", msg);
		bk_err_set_source(c->err, c->file, NULL);
		c->err->line = line;
		c->err->column = col;
	}
	return -EINVAL;
}

__attribute__((format(printf, 4, 5)))
static int fail_at(struct asm_ctx *c, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int e = vfail_at(c, line, col, fmt, ap);
	va_end(ap);
	return e;
}

/* A fault at position p of the current line. */
__attribute__((format(printf, 3, 4)))
static int fail(struct asm_ctx *c, const char *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int e = vfail_at(c, c->lineno, (int)(p - c->line) + 1, fmt, ap);
	va_end(ap);
	return e;
}

/* What stands at the cursor, for "expected X, found Y". */
static const char *found(const struct asm_ctx *c, char *buf, size_t len)
{
	if (c->p >= c->eol)
		return "end of line";
	size_t n = 1; /* the first character even when it is a space */
	while (c->p + n < c->eol && c->p[n] != ' ' && n < 24)
		n++;
	snprintf(buf, len, "'%.*s'%s", (int)n, c->p,
		 c->p + n < c->eol && c->p[n] != ' ' ? "..." : "");
	return buf;
}

static int expected(struct asm_ctx *c, const char *what)
{
	char buf[40];
	return fail(c, c->p, "expected %s, found %s", what, found(c, buf, sizeof(buf)));
}

/* ---- lines ------------------------------------------------------------------ */

/* Move to the next line; false at the end of the text. CRLF is accepted. */
static bool next_line(struct asm_ctx *c)
{
	if (c->next >= c->text_end)
		return false;
	c->line = c->next;
	const char *nl = memchr(c->line, '\n', (size_t)(c->text_end - c->line));
	c->eol = nl ? nl : c->text_end;
	c->next = nl ? nl + 1 : c->text_end;
	if (c->eol > c->line && c->eol[-1] == '\r')
		c->eol--;
	c->p = c->line;
	c->lineno++;
	return true;
}

static int end_of_line(struct asm_ctx *c)
{
	return c->p == c->eol ? 0 : expected(c, "end of line");
}

/* ---- tokens ----------------------------------------------------------------- */

static int lit(struct asm_ctx *c, const char *s)
{
	size_t n = strlen(s);
	if ((size_t)(c->eol - c->p) >= n && !memcmp(c->p, s, n)) {
		c->p += n;
		return 0;
	}
	char what[64];
	snprintf(what, sizeof(what), "'%s'", s);
	return expected(c, what);
}

/* " key=": the space before a field, then its key. */
static int key(struct asm_ctx *c, const char *k)
{
	char what[48];
	snprintf(what, sizeof(what), "%s=", k);
	if (c->p >= c->eol || *c->p != ' ')
		return expected(c, "' '");
	c->p++; /* a wrong key is reported where the key starts */
	return lit(c, what);
}

/* A decimal number in [-neg_max, max] (neg_max 0: no sign allowed). */
static int number(struct asm_ctx *c, uint64_t max, uint64_t neg_max, int64_t *sv, uint64_t *uv)
{
	const char *start = c->p;
	bool neg = neg_max && c->p < c->eol && *c->p == '-';
	if (neg)
		c->p++;
	if (c->p >= c->eol || *c->p < '0' || *c->p > '9') {
		c->p = start;
		return expected(c, "a number");
	}
	uint64_t v = 0, lim = neg ? neg_max : max;
	bool over = false;
	for (; c->p < c->eol && *c->p >= '0' && *c->p <= '9'; c->p++) {
		unsigned d = (unsigned)(*c->p - '0');
		if (v > (lim - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	if (over) {
		if (neg)
			return fail(c, start, "number out of range (minimum -%llu)",
				    (unsigned long long)neg_max);
		return fail(c, start, "number out of range (maximum %llu)",
			    (unsigned long long)max);
	}
	if (uv)
		*uv = v;
	if (sv)
		*sv = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int u32_num(struct asm_ctx *c, uint32_t max, uint32_t *v)
{
	uint64_t u = 0;
	int e = number(c, max, 0, NULL, &u);
	if (!e)
		*v = (uint32_t)u;
	return e;
}

static int u32_field(struct asm_ctx *c, const char *k, uint32_t max, uint32_t *v)
{
	int e = key(c, k);
	return e ? e : u32_num(c, max, v);
}

/* One of a few words; *idx is its position in words[]. */
static int choice(struct asm_ctx *c, const char *const *words, size_t n, unsigned *idx)
{
	size_t len = 0;
	while (c->p + len < c->eol && c->p[len] != ' ')
		len++;
	for (size_t i = 0; i < n; i++)
		if (strlen(words[i]) == len && !memcmp(c->p, words[i], len)) {
			*idx = (unsigned)i;
			c->p += len;
			return 0;
		}
	char what[128] = "one of";
	for (size_t i = 0; i < n; i++)
		snprintf(what + strlen(what), sizeof(what) - strlen(what), "%s '%s'",
			 i ? "," : "", words[i]);
	return expected(c, what);
}

static int word_field(struct asm_ctx *c, const char *k, const char *const *words, size_t n,
		      unsigned *idx)
{
	int e = key(c, k);
	return e ? e : choice(c, words, n, idx);
}

/* 'name': up to the first quote that ends the line or precedes a space
 * (a name may hold quotes).
 * '(anon)' is offset 0; anything else is added to the strings. */
static int quoted_name(struct asm_ctx *c, uint32_t *off)
{
	int e = lit(c, "'");
	if (e)
		return e;
	const char *s = c->p, *q = s;
	while ((q = memchr(q, '\'', (size_t)(c->eol - q)))) {
		if (q + 1 == c->eol || q[1] == ' ')
			break;
		q++;
	}
	if (!q) /* no quote ends a word: take the first, and fail on what follows it */
		q = memchr(s, '\'', (size_t)(c->eol - s));
	if (!q)
		return fail(c, s - 1, "name has no closing quote");
	size_t len = (size_t)(q - s);
	c->p = q + 1;
	if (len == 6 && !memcmp(s, "(anon)", 6)) {
		*off = 0;
		return 0;
	}
	if (memchr(s, '\0', len))
		return fail(c, s, "NUL byte in name");
	if (len >= c->name_cap) {
		char *n = realloc(c->name, len + 1);
		if (!n)
			return bk_err(c->err, -ENOMEM, "out of memory");
		c->name = n;
		c->name_cap = len + 1;
	}
	memcpy(c->name, s, len);
	c->name[len] = '\0';
	int64_t o = bk_btf_add_str(c->btf, c->name);
	if (o < 0)
		return fail(c, s, "cannot add name: %s", o == -E2BIG ? "string section full"
								     : "out of memory");
	*off = (uint32_t)o;
	return 0;
}

/* ---- references ------------------------------------------------------------ */

static int check_ref(struct asm_ctx *c, const struct asm_ref *r)
{
	const struct bk_type *t = bk_btf_type(c->btf, r->id);
	if (r->id && !t)
		return fail_at(c, r->line, r->col, "type [%u] is never defined (the last is [%u])",
			       r->id, bk_btf_type_cnt(c->btf) - 1);
	unsigned kind = t ? bk_kind(t) : BK_KIND_UNKN;
	if (r->need_proto && kind != BK_KIND_FUNC_PROTO)
		return fail_at(c, r->line, r->col, "a FUNC's type_id must be a FUNC_PROTO, [%u] is %s",
			       r->id, t ? bk_kind_name(kind) : "void");
	if (!r->sfx_kind)
		return 0;
	const char *name = t ? bk_btf_name(c->btf, t) : "";
	if (!name)
		name = "(invalid)";
	else if (!*name)
		name = "(anon)";
	const char *kname = bk_kind_word(kind); /* void: bpftool's UNKNOWN */
	if (strlen(kname) != r->sfx_kind_len || memcmp(kname, r->sfx_kind, r->sfx_kind_len) ||
	    strlen(name) != r->sfx_name_len || memcmp(name, r->sfx_name, r->sfx_name_len))
		return fail_at(c, r->line, r->col,
			       "type_id %u is %s '%s', the text says %.*s '%.*s'", r->id, kname,
			       name, (int)r->sfx_kind_len, r->sfx_kind, (int)r->sfx_name_len,
			       r->sfx_name);
	return 0;
}

/* Check a reference now when its target is defined, else remember it. */
static int add_ref(struct asm_ctx *c, const struct asm_ref *r)
{
	if (r->id < bk_btf_type_cnt(c->btf))
		return check_ref(c, r);
	struct asm_ref *refs = bk_grow_array(c->refs, &c->refs_cap, c->nr_refs, sizeof(*refs), 256);
	if (!refs)
		return bk_err(c->err, -ENOMEM, "out of memory");
	c->refs = refs;
	c->refs[c->nr_refs++] = *r;
	return 0;
}

/* An ID at the cursor into *v, with where it is in r. */
static int id_num(struct asm_ctx *c, uint32_t *v, struct asm_ref *r)
{
	r->line = c->lineno;
	r->col = (int)(c->p - c->line) + 1;
	int e = u32_num(c, UINT32_MAX, &r->id);
	*v = r->id;
	return e;
}

/* " k=ID" into *v; the ID is checked now or once the whole text is read. */
static int id_field(struct asm_ctx *c, const char *k, uint32_t *v)
{
	struct asm_ref r = {0};
	int e = key(c, k);
	if (!e)
		e = id_num(c, v, &r);
	return e ? e : add_ref(c, &r);
}

/* ---- the record ------------------------------------------------------------ */

static struct bk_type *rec_type(struct asm_ctx *c) { return (struct bk_type *)c->rec; }
static void *rec_fixed(struct asm_ctx *c) { return c->rec + sizeof(struct bk_type); }

/* Room for n more zeroed bytes at the end of the record. */
static void *rec_push(struct asm_ctx *c, size_t n)
{
	if (c->rec_len + n > c->rec_cap) {
		size_t cap = c->rec_cap ? c->rec_cap : 256;
		while (cap < c->rec_len + n)
			cap *= 2;
		uint8_t *r = realloc(c->rec, cap);
		if (!r)
			return NULL;
		c->rec = r;
		c->rec_cap = cap;
	}
	void *p = c->rec + c->rec_len;
	memset(p, 0, n);
	c->rec_len += n;
	return p;
}

/* ---- kind headers: what follows `[ID] KIND 'name'` -------------------------- */

static int head_int(struct asm_ctx *c)
{
	uint32_t off = 0, bits = 0;
	unsigned enc = 0;
	int e = u32_field(c, "size", UINT32_MAX, &rec_type(c)->size);
	if (!e)
		e = u32_field(c, "bits_offset", 0xff, &off);
	if (!e)
		e = u32_field(c, "nr_bits", 0xff, &bits);
	if (!e)
		e = word_field(c, "encoding", bk_int_enc_words, BK_NR_INT_ENC_WORDS, &enc);
	if (!e) /* the index is the encoding: UNKN is SIGNED|CHAR */
		*(uint32_t *)rec_fixed(c) = (uint32_t)enc << 24 | off << 16 | bits;
	return e;
}

static int head_ref(struct asm_ctx *c)
{
	return id_field(c, "type_id", &rec_type(c)->type);
}

static int head_array(struct asm_ctx *c)
{
	struct bk_array *a = rec_fixed(c);
	int e = id_field(c, "type_id", &a->type);
	if (!e)
		e = id_field(c, "index_type_id", &a->index_type);
	if (!e)
		e = u32_field(c, "nr_elems", UINT32_MAX, &a->nelems);
	return e;
}

static int head_sized(struct asm_ctx *c) /* STRUCT, UNION, DATASEC */
{
	int e = u32_field(c, "size", UINT32_MAX, &rec_type(c)->size);
	return e ? e : u32_field(c, "vlen", BK_MAX_VLEN, &c->vlen);
}

static int head_enum(struct asm_ctx *c)
{
	unsigned s = 0;
	int e = word_field(c, "encoding", bk_enum_sign_words, 2, &s);
	c->kflag = c->is_signed = s;
	return e ? e : head_sized(c);
}

static int head_fwd(struct asm_ctx *c)
{
	unsigned k = 0;
	int e = word_field(c, "fwd_kind", bk_fwd_kind_words, 2, &k);
	c->kflag = k;
	return e;
}

static int head_func(struct asm_ctx *c)
{
	struct asm_ref r = {.need_proto = true};
	unsigned l = 0;
	int e = key(c, "type_id");
	if (!e)
		e = id_num(c, &rec_type(c)->type, &r);
	if (!e)
		e = add_ref(c, &r);
	if (!e)
		e = word_field(c, "linkage", bk_linkage_words, BK_NR_LINKAGE_WORDS, &l);
	c->vlen = l; /* a FUNC's vlen is its linkage */
	return e;
}

static int head_proto(struct asm_ctx *c)
{
	int e = id_field(c, "ret_type_id", &rec_type(c)->type);
	return e ? e : u32_field(c, "vlen", BK_MAX_VLEN, &c->vlen);
}

static int head_var(struct asm_ctx *c)
{
	unsigned l = 0;
	int e = id_field(c, "type_id", &rec_type(c)->type);
	if (!e)
		e = lit(c, ",");
	if (!e)
		e = word_field(c, "linkage", bk_linkage_words, BK_NR_LINKAGE_WORDS, &l);
	((struct bk_var *)rec_fixed(c))->linkage = l;
	return e;
}

static int head_float(struct asm_ctx *c)
{
	return u32_field(c, "size", UINT32_MAX, &rec_type(c)->size);
}

static int head_decl_tag(struct asm_ctx *c)
{
	int64_t idx = 0;
	int e = id_field(c, "type_id", &rec_type(c)->type);
	if (!e)
		e = key(c, "component_idx");
	if (!e)
		e = number(c, INT32_MAX, (uint64_t)INT32_MAX + 1, &idx, NULL);
	if (!e)
		((struct bk_decl_tag *)rec_fixed(c))->component_idx = (int32_t)idx;
	return e;
}

/* ---- member lines ------------------------------------------------------------ */

static int elem_member(struct asm_ctx *c, void *elem)
{
	struct bk_member *m = elem;
	uint32_t bitfield = 0;
	const char *off_at;
	int e = quoted_name(c, &m->name_off);
	if (!e)
		e = id_field(c, "type_id", &m->type);
	if (!e)
		e = key(c, "bits_offset");
	off_at = c->p;
	if (!e)
		e = u32_num(c, UINT32_MAX, &m->offset);
	if (!e && c->p < c->eol)
		e = u32_field(c, "bitfield_size", 0xff, &bitfield);
	if (e)
		return e;
	if (m->offset > 0xffffff && !c->wide_line) {
		c->wide_line = c->lineno;
		c->wide_col = (int)(off_at - c->line) + 1;
	}
	if (bitfield) { /* kind_flag layout: size in the top byte */
		c->kflag = true;
		m->offset |= bitfield << 24;
	}
	return 0;
}

static int elem_enum(struct asm_ctx *c, void *elem)
{
	struct bk_enum *v = elem;
	int64_t sv = 0;
	int e = quoted_name(c, &v->name_off);
	if (!e)
		e = key(c, "val");
	if (!e && c->is_signed)
		e = number(c, INT32_MAX, (uint64_t)INT32_MAX + 1, &sv, NULL);
	else if (!e)
		e = number(c, UINT32_MAX, 0, &sv, NULL);
	if (!e)
		v->val = (int32_t)(uint32_t)sv;
	return e;
}

static int elem_enum64(struct asm_ctx *c, void *elem)
{
	struct bk_enum64 *v = elem;
	uint64_t u = 0;
	int64_t s = 0;
	int e = quoted_name(c, &v->name_off);
	if (!e)
		e = key(c, "val");
	if (!e && c->is_signed) {
		e = number(c, INT64_MAX, (uint64_t)INT64_MAX + 1, &s, NULL);
		u = (uint64_t)s;
	} else if (!e) {
		e = number(c, UINT64_MAX, 0, NULL, &u);
	}
	if (!e)
		e = lit(c, c->is_signed ? "LL" : "ULL");
	v->val_lo32 = (uint32_t)u;
	v->val_hi32 = (uint32_t)(u >> 32);
	return e;
}

static int elem_param(struct asm_ctx *c, void *elem)
{
	struct bk_param *p = elem;
	int e = quoted_name(c, &p->name_off);
	return e ? e : id_field(c, "type_id", &p->type);
}

/* ` (KIND 'name')` after a DATASEC entry: the name runs to the `')` that ends the line. */
static int datasec_suffix(struct asm_ctx *c, struct asm_ref *r)
{
	int e = lit(c, " (");
	if (e)
		return e;
	r->sfx_kind = c->p;
	while (c->p < c->eol && *c->p != ' ')
		c->p++;
	r->sfx_kind_len = (size_t)(c->p - r->sfx_kind);
	if ((e = lit(c, " '")))
		return e;
	if (c->eol - c->p < 2 || memcmp(c->eol - 2, "')", 2))
		return fail(c, c->eol, "expected \"')\" at the end of the line");
	r->sfx_name = c->p;
	r->sfx_name_len = (size_t)(c->eol - 2 - c->p);
	c->p = c->eol;
	return 0;
}

static int elem_datasec(struct asm_ctx *c, void *elem)
{
	struct bk_var_secinfo *v = elem;
	struct asm_ref r = {0};
	int e = lit(c, "type_id=");
	if (!e)
		e = id_num(c, &v->type, &r);
	if (!e)
		e = u32_field(c, "offset", UINT32_MAX, &v->offset);
	if (!e)
		e = u32_field(c, "size", UINT32_MAX, &v->size);
	/* bpftool leaves the suffix out when the type ID is out of range */
	if (!e && c->p < c->eol)
		e = datasec_suffix(c, &r);
	return e ? e : add_ref(c, &r);
}

struct asm_kind {
	int (*head)(struct asm_ctx *c);
	int (*elem)(struct asm_ctx *c, void *elem);
};

static const struct asm_kind asm_kinds[BK_NR_KINDS] = {
	[BK_KIND_INT] = {head_int, NULL},
	[BK_KIND_PTR] = {head_ref, NULL},
	[BK_KIND_ARRAY] = {head_array, NULL},
	[BK_KIND_STRUCT] = {head_sized, elem_member},
	[BK_KIND_UNION] = {head_sized, elem_member},
	[BK_KIND_ENUM] = {head_enum, elem_enum},
	[BK_KIND_FWD] = {head_fwd, NULL},
	[BK_KIND_TYPEDEF] = {head_ref, NULL},
	[BK_KIND_VOLATILE] = {head_ref, NULL},
	[BK_KIND_CONST] = {head_ref, NULL},
	[BK_KIND_RESTRICT] = {head_ref, NULL},
	[BK_KIND_FUNC] = {head_func, NULL},
	[BK_KIND_FUNC_PROTO] = {head_proto, elem_param},
	[BK_KIND_VAR] = {head_var, NULL},
	[BK_KIND_DATASEC] = {head_sized, elem_datasec},
	[BK_KIND_FLOAT] = {head_float, NULL},
	[BK_KIND_DECL_TAG] = {head_decl_tag, NULL},
	[BK_KIND_TYPE_TAG] = {head_ref, NULL},
	[BK_KIND_ENUM64] = {head_enum, elem_enum64},
};

/* ---- records ---------------------------------------------------------------- */

/* `[ID] KIND 'name'`: the ID must be the next one; returns the kind. */
static int record_start(struct asm_ctx *c, unsigned *kind)
{
	uint32_t want = bk_btf_type_cnt(c->btf);
	uint64_t id;
	if (c->p < c->eol && *c->p == '\t')
		return fail(c, c->p, "a member line beyond the vlen of [%u]", want - 1);
	int e = lit(c, "[");
	if (!e)
		e = number(c, UINT32_MAX, 0, NULL, &id);
	if (e)
		return e;
	if (id != want)
		return fail(c, c->line + 1, "expected type [%u] (IDs run on without gaps), found [%llu]",
			    want, (unsigned long long)id);
	if ((e = lit(c, "] ")))
		return e;
	const char *k = c->p;
	while (c->p < c->eol && *c->p != ' ')
		c->p++;
	for (unsigned i = 1; i < BK_NR_KINDS; i++)
		if (asm_kinds[i].head && strlen(bk_kind_name(i)) == (size_t)(c->p - k) &&
		    !memcmp(k, bk_kind_name(i), (size_t)(c->p - k))) {
			*kind = i;
			return lit(c, " ");
		}
	c->p = k;
	return expected(c, "a kind (INT, PTR, STRUCT, ...)");
}

static int member_lines(struct asm_ctx *c, unsigned kind, int head_line)
{
	const struct asm_kind *k = &asm_kinds[kind];
	size_t elem_sz = bk_kinds[kind].elem_sz;
	for (uint32_t i = 0; i < c->vlen; i++) {
		if (!next_line(c))
			return fail_at(c, c->lineno + 1, 1,
				       "the text ends after %u of the %u member lines of line %d",
				       i, c->vlen, head_line);
		if (c->p == c->eol || *c->p != '\t')
			return fail(c, c->p, "expected member line %u of %u (a tab) for line %d",
				    i + 1, c->vlen, head_line);
		c->p++;
		void *elem = rec_push(c, elem_sz);
		if (!elem)
			return bk_err(c->err, -ENOMEM, "out of memory");
		int e = k->elem(c, elem);
		if (!e)
			e = end_of_line(c);
		if (e)
			return e;
	}
	return 0;
}

static int record(struct asm_ctx *c)
{
	unsigned kind = 0;
	int e = record_start(c, &kind);
	if (e)
		return e;
	int head_line = c->lineno;
	c->rec_len = 0;
	c->vlen = 0;
	c->kflag = c->is_signed = false;
	c->wide_line = 0;
	if (!rec_push(c, sizeof(struct bk_type) + bk_kinds[kind].info_sz))
		return bk_err(c->err, -ENOMEM, "out of memory");
	uint32_t name_off = 0;
	if ((e = quoted_name(c, &name_off)) || (e = asm_kinds[kind].head(c)) ||
	    (e = end_of_line(c)))
		return e;
	if (asm_kinds[kind].elem && (e = member_lines(c, kind, head_line)))
		return e;
	if (c->kflag && c->wide_line && asm_kinds[kind].elem == elem_member)
		return fail_at(c, c->wide_line, c->wide_col,
			       "bit offset beyond 24 bits in a struct with bitfields");
	struct bk_type *t = rec_type(c);
	t->name_off = name_off;
	t->info = bk_info(kind, c->vlen, c->kflag);
	int id = bk_btf_add_type(c->btf, t, c->rec_len);
	if (id < 0)
		return fail_at(c, head_line, 1, "cannot add the type: %s",
			       id == -E2BIG ? "too many types or too large" : "out of memory");
	return 0;
}

static int assemble(struct asm_ctx *c)
{
	int e;
	while (next_line(c))
		if ((e = record(c)))
			return e;
	for (size_t i = 0; i < c->nr_refs; i++)
		if ((e = check_ref(c, &c->refs[i])))
			return e;
	return 0;
}

int bk_asm(const char *text, size_t len, const struct bk_btf *base, const char *name,
	   struct bk_btf **out, struct bk_error *err)
{
	struct asm_ctx c = {
		.file = name ? name : "<text>",
		.err = err,
		.text_end = text + len,
		.next = text,
	};
	*out = NULL;
	bk_error_clear(err);
	c.btf = bk_btf_new(base);
	if (!c.btf)
		return bk_err(err, -ENOMEM, "out of memory");
	int e = assemble(&c);
	free(c.rec);
	free(c.name);
	free(c.refs);
	if (e) {
		bk_btf_free(c.btf);
		return e;
	}
	bk_btf_set_source(c.btf, c.file, NULL);
	*out = c.btf;
	return 0;
}
