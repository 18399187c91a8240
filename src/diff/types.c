// SPDX-License-Identifier: MIT
/*
 * What the diff needs to know about one type, without recursion over the
 * type graph: its C-like text, a hash that is equal exactly when two texts
 * are (so that both BTFs are compared by name text, never by ID), its size,
 * and a struct's members with anonymous inner aggregates folded in.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff_internal.h"

/* a chain of modifiers longer than this is malformed (or a cycle) */
#define MAX_CHAIN 4096

/* ---- growable text ---------------------------------------------------------- */

void dbuf_on(struct dbuf *b, char *buf, size_t cap)
{
	*b = (struct dbuf){.s = buf, .cap = cap, .borrowed = true};
	buf[0] = 0;
}

static bool dbuf_reserve(struct dbuf *b, size_t more)
{
	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *p = b->borrowed ? malloc(cap) : realloc(b->s, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	if (b->borrowed)
		memcpy(p, b->s, b->len + 1);
	b->s = p;
	b->cap = cap;
	b->borrowed = false;
	return true;
}

void dbuf_addn(struct dbuf *b, const char *s, size_t n)
{
	if (!dbuf_reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

void dbuf_add(struct dbuf *b, const char *s)
{
	dbuf_addn(b, s, strlen(s));
}

void dbuf_add_u32(struct dbuf *b, uint32_t v)
{
	char tmp[10];
	size_t n = 0;
	do
		tmp[sizeof(tmp) - ++n] = (char)('0' + v % 10);
	while ((v /= 10));
	dbuf_addn(b, tmp + sizeof(tmp) - n, n);
}

void dbuf_addf(struct dbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	dbuf_add(b, tmp);
}

void dbuf_prepend(struct dbuf *b, const char *s)
{
	size_t n = strlen(s);
	if (!dbuf_reserve(b, n))
		return;
	memmove(b->s + n, b->s, b->len + 1);
	memcpy(b->s, s, n);
	b->len += n;
}

void dbuf_free(struct dbuf *b)
{
	if (!b->borrowed)
		free(b->s);
	*b = (struct dbuf){0};
}

/* ---- kinds as the diff sees them ------------------------------------------------ */

/* a qualifier or type tag: the kind table's modifiers but the typedef */
static bool is_qualifier(unsigned kind)
{
	return bk_kind_is_modifier(kind) && kind != BK_KIND_TYPEDEF;
}

uint32_t dtype_strip(const struct bk_btf *b, uint32_t id, bool through_typedef)
{
	for (int i = 0; i < MAX_CHAIN; i++) {
		const struct bk_type *t = bk_btf_type(b, id);
		if (!t || !(through_typedef ? bk_kind_is_modifier(bk_kind(t)) : is_qualifier(bk_kind(t))))
			return id;
		id = t->type;
	}
	return id;
}

uint64_t dtype_size(const struct bk_btf *b, uint32_t id)
{
	uint64_t mult = 1;
	for (int i = 0; i < MAX_CHAIN; i++) {
		const struct bk_type *t = bk_btf_type(b, id);
		if (!t)
			return 0;
		if (bk_kind_is_sized(bk_kind(t)))
			return mult * t->size;
		switch (bk_kind(t)) {
		case BK_KIND_PTR:
			return mult * 8;
		case BK_KIND_ARRAY: {
			const struct bk_array *a = bk_type_rest(t);
			mult *= a->nelems;
			if (mult > (1ull << 40))
				return 0;
			id = a->type;
			break;
		}
		case BK_KIND_VAR:
			id = t->type;
			break;
		default:
			if (!bk_kind_is_modifier(bk_kind(t)))
				return 0;
			id = t->type;
		}
	}
	return 0;
}

static const char *name_of(const struct bk_btf *b, const struct bk_type *t)
{
	const char *s = bk_btf_name(b, t);
	return s ? s : "";
}

/* an anonymous enum is known by its first enumerator */
static const char *first_enumerator(const struct bk_btf *b, const struct bk_type *t)
{
	if (!bk_vlen(t))
		return "";
	const uint32_t *name_off = bk_type_rest(t); /* bk_enum and bk_enum64 start with it */
	const char *s = bk_btf_str(b, *name_off);
	return s ? s : "";
}

/* t: id's type (NULL when none) */
static bool inline_aggr(const struct dside *s, uint32_t id, const struct bk_type *t)
{
	if (!t || (bk_kind(t) != BK_KIND_STRUCT && bk_kind(t) != BK_KIND_UNION) || *name_of(s->btf, t))
		return false;
	return !(id >= s->first && id < s->cnt && s->typedef_of[id - s->first]);
}

bool dtype_inline_aggr(const struct dside *s, uint32_t id)
{
	return inline_aggr(s, id, bk_btf_type(s->btf, id));
}

/* ---- the text --------------------------------------------------------------- */

static void terminal_text(const struct bk_btf *b, const struct bk_type *t, struct dbuf *out)
{
	const char *name = name_of(b, t);
	switch (bk_kind(t)) {
	case BK_KIND_STRUCT: case BK_KIND_UNION:
		dbuf_add(out, bk_kind(t) == BK_KIND_STRUCT ? "struct " : "union ");
		dbuf_add(out, *name ? name : "{...}");
		break;
	case BK_KIND_FWD:
		dbuf_add(out, bk_kflag(t) ? "union " : "struct ");
		dbuf_add(out, name);
		break;
	case BK_KIND_ENUM: case BK_KIND_ENUM64:
		dbuf_add(out, "enum ");
		if (*name) {
			dbuf_add(out, name);
		} else {
			dbuf_add(out, "{");
			dbuf_add(out, first_enumerator(b, t));
			dbuf_add(out, bk_vlen(t) > 1 ? ", ...}" : "}");
		}
		break;
	default:
		dbuf_add(out, *name ? name : "(anon)");
	}
}

static void params_text(const struct bk_btf *b, const struct bk_type *t, struct dbuf *out,
			int depth);

/*
 * Outermost first: pointers and qualifiers are prepended to the declarator,
 * arrays and parameter lists appended, parenthesised after a pointer, until
 * a named (terminal) type ends the chain. A function pointer's parameters
 * are texts of their own: that nesting is capped at a small depth, so the
 * stack stays bounded whatever the input.
 */
static void text_at(const struct bk_btf *b, uint32_t id, struct dbuf *out, int depth)
{
	char decl_buf[128], quals_buf[64];
	struct dbuf decl, quals;
	dbuf_on(&decl, decl_buf, sizeof(decl_buf));
	dbuf_on(&quals, quals_buf, sizeof(quals_buf));
	for (int i = 0;; i++) {
		const struct bk_type *t = bk_btf_type(b, id);
		if (i >= MAX_CHAIN) {
			dbuf_add(out, "...");
			break;
		}
		if (!t) {
			dbuf_add(out, id ? "(invalid)" : "void");
			break;
		}
		unsigned k = bk_kind(t);
		if (k == BK_KIND_PTR) {
			dbuf_prepend(&decl, "*");
		} else if (k == BK_KIND_CONST || k == BK_KIND_VOLATILE || k == BK_KIND_RESTRICT) {
			const char *q = k == BK_KIND_CONST      ? "const"
					: k == BK_KIND_VOLATILE ? "volatile"
								: "restrict";
			const struct bk_type *next = bk_btf_type(b, t->type);
			if (next && bk_kind(next) == BK_KIND_PTR) {
				dbuf_prepend(&decl, decl.len ? " " : "");
				dbuf_prepend(&decl, q);
			} else {
				dbuf_add(&quals, q);
				dbuf_add(&quals, " ");
			}
		} else if (k == BK_KIND_TYPE_TAG) {
			/* attributes (__user, __rcu) are not part of the layout */
		} else if (k == BK_KIND_ARRAY) {
			const struct bk_array *a = bk_type_rest(t);
			if (decl.len && decl.s[0] == '*') {
				dbuf_prepend(&decl, "(");
				dbuf_add(&decl, ")");
			}
			dbuf_add(&decl, "[");
			dbuf_add_u32(&decl, a->nelems);
			dbuf_add(&decl, "]");
			id = a->type;
			continue;
		} else if (k == BK_KIND_FUNC_PROTO) {
			if (decl.len && decl.s[0] == '*') {
				dbuf_prepend(&decl, "(");
				dbuf_add(&decl, ")");
			}
			params_text(b, t, &decl, depth);
		} else {
			dbuf_addn(out, quals.s, quals.len);
			terminal_text(b, t, out);
			break;
		}
		id = t->type;
	}
	if (decl.len) {
		if (decl.s[0] != '[')
			dbuf_add(out, " ");
		dbuf_addn(out, decl.s, decl.len);
	}
	if (decl.oom || quals.oom)
		out->oom = true;
	dbuf_free(&decl);
	dbuf_free(&quals);
}

static void params_text(const struct bk_btf *b, const struct bk_type *t, struct dbuf *out,
			int depth)
{
	const struct bk_param *p = bk_type_rest(t);
	uint32_t n = bk_vlen(t);
	dbuf_add(out, "(");
	if (!n)
		dbuf_add(out, "void");
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			dbuf_add(out, ", ");
		if (!p[i].type && i == n - 1)
			dbuf_add(out, "...");
		else if (depth >= 3)
			dbuf_add(out, "?");
		else
			text_at(b, p[i].type, out, depth + 1);
	}
	dbuf_add(out, ")");
}

void dtype_text(const struct bk_btf *b, uint32_t id, struct dbuf *out)
{
	text_at(b, id, out, 0);
}

/* ---- the hash ------------------------------------------------------------------- */

enum { H_UNKNOWN = 0, H_BUSY = 1 };

static uint64_t settle(uint64_t h)
{
	return h < 2 ? h + 2 : h;
}

static uint64_t leaf_hash(const struct bk_btf *b, const struct bk_type *t)
{
	unsigned k = bk_kind(t);
	const char *name = name_of(b, t);
	switch (k) {
	case BK_KIND_STRUCT: case BK_KIND_UNION:
		return dh_mix(k, *name ? dh_str(name) : 0x5eed);
	case BK_KIND_FWD: /* "struct foo" whether declared or defined */
		return dh_mix(bk_kflag(t) ? BK_KIND_UNION : BK_KIND_STRUCT, dh_str(name));
	case BK_KIND_ENUM: case BK_KIND_ENUM64:
		return dh_mix(BK_KIND_ENUM, *name ? dh_str(name) : dh_mix(1, dh_str(first_enumerator(b, t))));
	default:
		return dh_mix(k, dh_str(name));
	}
}

/* the IDs a type's text is made of (0 for void counts), or 0 when it ends a chain */
static uint32_t parts(const struct bk_type *t, bool resolved, uint32_t *ids, uint32_t max)
{
	unsigned k = bk_kind(t);
	if (k == BK_KIND_PTR || is_qualifier(k) || (resolved && k == BK_KIND_TYPEDEF)) {
		ids[0] = t->type;
		return 1;
	}
	if (k == BK_KIND_ARRAY) {
		ids[0] = ((const struct bk_array *)bk_type_rest(t))->type;
		return 1;
	}
	if (k != BK_KIND_FUNC_PROTO)
		return 0;
	const struct bk_param *p = bk_type_rest(t);
	uint32_t n = 0;
	ids[n++] = t->type;
	for (uint32_t i = 0; i < bk_vlen(t) && n < max; i++)
		ids[n++] = p[i].type;
	return n;
}

static uint64_t combine(const struct bk_type *t, bool resolved, const uint64_t *child,
			uint32_t n)
{
	unsigned k = bk_kind(t);
	uint64_t h = dh_mix(0x7e57, k);
	if (k == BK_KIND_TYPE_TAG || (resolved && (k == BK_KIND_TYPEDEF || is_qualifier(k))))
		return child[0];
	if (k == BK_KIND_ARRAY)
		h = dh_mix(h, ((const struct bk_array *)bk_type_rest(t))->nelems);
	if (k == BK_KIND_FUNC_PROTO)
		h = dh_mix(h, bk_vlen(t));
	for (uint32_t i = 0; i < n; i++)
		h = dh_mix(h, child[i]);
	return settle(h);
}

#define MAX_PARTS 64

/* Post-order over the anonymous composites below id on an explicit stack;
 * named types end the walk, so each ID is hashed once per mode. A cycle
 * through anonymous types (malformed BTF) hashes as a constant. */
uint64_t dtype_hash(struct dside *s, uint32_t id, bool resolved)
{
	uint64_t *memo = resolved ? s->rhash : s->thash;
	if (id >= s->cnt)
		return 0x1a11d;
	if (memo[id] > H_BUSY)
		return memo[id];
	uint32_t small[256], *stack = small, cap = 256, top = 0;
	stack[top++] = id;
	while (top) {
		uint32_t cur = stack[top - 1];
		if (memo[cur] > H_BUSY) {
			top--;
			continue;
		}
		const struct bk_type *t = bk_btf_type(s->btf, cur);
		if (!t) {
			memo[cur] = settle(dh_mix(0xf00d, cur ? 1 : 0));
			top--;
			continue;
		}
		uint32_t ids[MAX_PARTS], n = parts(t, resolved, ids, MAX_PARTS);
		bool ready = true;
		if (memo[cur] == H_UNKNOWN) {
			memo[cur] = H_BUSY;
			for (uint32_t i = 0; i < n; i++) {
				if (ids[i] >= s->cnt || memo[ids[i]] != H_UNKNOWN)
					continue;
				if (top == cap) {
					uint32_t ncap = cap * 2;
					uint32_t *p = stack == small ? malloc(ncap * sizeof(*p))
								     : realloc(stack, ncap * sizeof(*p));
					if (!p)
						break; /* hashed with what is known: still stable */
					if (stack == small)
						memcpy(p, small, sizeof(small));
					stack = p;
					cap = ncap;
				}
				stack[top++] = ids[i];
				ready = false;
			}
			if (!ready)
				continue;
		}
		/* children done (or busy: a cycle) */
		uint64_t tmp[MAX_PARTS];
		for (uint32_t i = 0; i < n; i++)
			tmp[i] = ids[i] >= s->cnt ? 0x1a11d : memo[ids[i]] > H_BUSY ? memo[ids[i]] : 0xc7c1e;
		uint64_t h = n ? combine(t, resolved, tmp, n) : leaf_hash(s->btf, t);
		memo[cur] = settle(h);
		top--;
	}
	if (stack != small)
		free(stack);
	return memo[id];
}

/* ---- one side ------------------------------------------------------------------ */

int dside_init(struct dside *s, const struct bk_btf *btf)
{
	memset(s, 0, sizeof(*s));
	s->btf = btf;
	s->first = bk_btf_start_id(btf);
	s->cnt = bk_btf_type_cnt(btf);
	s->thash = calloc(s->cnt, sizeof(*s->thash));
	s->rhash = calloc(s->cnt, sizeof(*s->rhash));
	s->typedef_of = calloc(s->cnt - s->first + 1, sizeof(*s->typedef_of));
	s->texts = calloc(s->cnt, sizeof(*s->texts));
	if (!s->thash || !s->rhash || !s->typedef_of || !s->texts)
		return -ENOMEM;
	/* void: ID 0 is never a type record */
	s->thash[0] = s->rhash[0] = settle(dh_str("void"));
	for (uint32_t id = s->first; id < s->cnt; id++) {
		const struct bk_type *t = bk_btf_type(btf, id);
		if (bk_kind(t) != BK_KIND_TYPEDEF || t->type < s->first || t->type >= s->cnt)
			continue;
		const struct bk_type *target = bk_btf_type(btf, t->type);
		unsigned k = bk_kind(target);
		if ((bk_kind_is_composite(k) || bk_kind_is_enum(k)) && !*name_of(btf, target) &&
		    !s->typedef_of[t->type - s->first])
			s->typedef_of[t->type - s->first] = id;
	}
	return 0;
}

void dside_free(struct dside *s)
{
	free(s->thash);
	free(s->rhash);
	free(s->typedef_of);
	free((void *)s->texts);
	free(s->ents);
	memset(s, 0, sizeof(*s));
}

/* ---- flattened members ------------------------------------------------------------ */

static void push_frame(struct dflat *f, uint32_t id, const struct bk_type *t, uint32_t base,
		       uint64_t path_h, uint64_t group, uint32_t plen)
{
	f->st[++f->top] = (struct dflat_frame){id, 0, t ? bk_vlen(t) : 0, base, path_h, group, plen, t};
}

void dflat_begin(struct dflat *f, const struct dside *s, uint32_t id, bool paths)
{
	f->s = s;
	f->top = -1;
	f->emitted = 0;
	f->paths = paths;
	f->path[0] = 0;
	push_frame(f, id, bk_btf_type(s->btf, id), 0, 0, 0, 0);
}

bool dflat_next(struct dflat *f, struct dflat_member *m)
{
	const struct bk_btf *b = f->s->btf;
	while (f->top >= 0 && f->emitted < DFLAT_MAX_MEMBERS) {
		struct dflat_frame *fr = &f->st[f->top];
		if (fr->idx >= fr->vlen) {
			f->top--;
			continue;
		}
		const struct bk_type *t = fr->t;
		const struct bk_member *mem = (const struct bk_member *)bk_type_rest(t) + fr->idx++;
		const char *name = bk_btf_str(b, mem->name_off);
		uint32_t off = fr->base + bk_member_bit_offset(t, mem);
		/* the member's type, past qualifiers (most have none: one look-up) */
		uint32_t inner = mem->type;
		const struct bk_type *it = bk_btf_type(b, inner);
		if (it && is_qualifier(bk_kind(it))) {
			inner = dtype_strip(b, inner, false);
			it = bk_btf_type(b, inner);
		}
		uint64_t path_h = name && *name ? dh_mix(fr->path_h, dh_str(name)) : fr->path_h;
		size_t plen = fr->plen;
		if (f->paths) { /* the name after the path so far, cut to fit */
			size_t n = name ? strlen(name) : 0;
			if (n > sizeof(f->path) - 1 - plen)
				n = sizeof(f->path) - 1 - plen;
			memcpy(f->path + plen, name ? name : "", n);
			f->path[plen + n] = 0;
		}
		if (inline_aggr(f->s, inner, it) && f->top + 1 < (int)(sizeof(f->st) / sizeof(f->st[0]))) {
			uint32_t nlen = (uint32_t)plen;
			if (f->paths && name && *name) {
				nlen = (uint32_t)strlen(f->path);
				if (nlen + 1 < sizeof(f->path))
					f->path[nlen++] = '.', f->path[nlen] = 0;
			}
			push_frame(f, inner, it, off, path_h, dh_mix(fr->group, dh_mix(bk_kind(it), off)), nlen);
			f->emitted++;
			continue;
		}
		f->emitted++;
		*m = (struct dflat_member){.path = f->path, .name = name ? name : "", .path_h = path_h,
					   .group = fr->group, .type = mem->type, .offset = off,
					   .bitfield = bk_member_bitfield_size(t, mem)};
		return true;
	}
	return false;
}
