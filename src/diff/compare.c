// SPDX-License-Identifier: MIT
/*
 * Two definitions of one key, compared change by change. References are
 * compared by their text (dtype_hash), never by following them: that a
 * member's struct changed is that struct's own record, and the cause pass
 * (diff.c) ties the two together.
 */
#include <stdlib.h>
#include <string.h>

#include "diff/diff_internal.h"

/* ---- the arena: every string and array a result holds ---------------------- */

struct darena {
	struct darena *next;
	size_t used, cap;
	max_align_t data[];
};

/* size bytes at the arena's end, aligned to align (a power of two) */
static void *arena_take(struct darena **a, size_t size, size_t align)
{
	size_t at = *a ? ((*a)->used + align - 1) & ~(align - 1) : 0;
	if (!*a || at + size > (*a)->cap) {
		size_t cap = size > 65536 ? size : 65536;
		struct darena *n = malloc(sizeof(*n) + cap);
		if (!n)
			return NULL;
		n->next = *a;
		n->used = 0;
		n->cap = cap;
		*a = n;
		at = 0;
	}
	(*a)->used = at + size;
	return (char *)(*a)->data + at;
}

void *darena_alloc(struct darena **a, size_t size)
{
	return arena_take(a, size, sizeof(max_align_t));
}

/* texts need no alignment */
static void *darena_alloc_bytes(struct darena **a, size_t size)
{
	return arena_take(a, size, 1);
}

const char *darena_strn(struct darena **a, const char *s, size_t len)
{
	char *p = darena_alloc_bytes(a, len + 1);
	if (!p)
		return "";
	memcpy(p, s, len);
	p[len] = 0;
	return p;
}

const char *darena_str(struct darena **a, const char *s)
{
	return s ? darena_strn(a, s, strlen(s)) : "";
}

void darena_free(struct darena *a)
{
	while (a) {
		struct darena *n = a->next;
		free(a);
		a = n;
	}
}

const char *dtext(struct darena **a, struct dside *s, uint32_t id)
{
	bool memo = id < s->cnt;
	if (memo && s->texts[id])
		return s->texts[id];
	char buf[256];
	struct dbuf t;
	dbuf_on(&t, buf, sizeof(buf));
	dtype_text(s->btf, id, &t);
	const char *text = t.oom ? "" : darena_strn(a, t.s, t.len);
	if (memo && !t.oom && *text) /* "" also when the arena is full: not kept */
		s->texts[id] = text;
	dbuf_free(&t);
	return text;
}

struct bk_diff_change *dchanges_push(struct dchanges *c, enum bk_diff_what what,
				     enum bk_diff_severity sev)
{
	static struct bk_diff_change sink;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		struct bk_diff_change *p = realloc(c->v, cap * sizeof(*p));
		if (!p) {
			c->oom = true;
			memset(&sink, 0, sizeof(sink));
			return &sink;
		}
		c->v = p;
		c->cap = cap;
	}
	struct bk_diff_change *ch = &c->v[c->n++];
	*ch = (struct bk_diff_change){.what = what, .severity = sev, .name = "", .name2 = "",
				      .old_text = "", .new_text = ""};
	return ch;
}

static void change_vals(struct bk_diff_change *c, int64_t o, int64_t n)
{
	c->old_val = o;
	c->new_val = n;
}

/* a reference that changed text: cosmetic when it resolves to the same type
 * (typedef spelling), breaking when the size changes */
static enum bk_diff_severity retype_severity(struct dside *o, uint32_t a, struct dside *n,
					     uint32_t b)
{
	if (dtype_hash(o, a, true) == dtype_hash(n, b, true))
		return BK_DIFF_COSMETIC;
	if (dtype_size(o->btf, a) != dtype_size(n->btf, b))
		return BK_DIFF_BREAKING;
	return BK_DIFF_COMPATIBLE;
}

/* ---- struct and union ------------------------------------------------------------ */

struct fm {
	const char *path;  /* in the arena */
	uint64_t path_h, group, th;
	uint32_t type, offset, bitfield;
	uint32_t index;
	bool used;
};

static struct fm *flatten(struct dside *s, uint32_t id, size_t *nr, struct darena **a)
{
	struct dflat f;
	struct dflat_member m;
	size_t n = 0, cap = 16;
	struct fm *v = malloc(cap * sizeof(*v));
	if (!v)
		return NULL;
	dflat_begin(&f, s, id, true);
	while (dflat_next(&f, &m)) {
		if (n == cap) {
			struct fm *p = realloc(v, (cap *= 2) * sizeof(*v));
			if (!p) {
				free(v);
				return NULL;
			}
			v = p;
		}
		v[n] = (struct fm){darena_str(a, m.path), m.path_h, m.group, dtype_hash(s, m.type, false),
				   m.type, m.offset, m.bitfield, (uint32_t)n, false};
		n++;
	}
	*nr = n;
	return v;
}

static struct fm *find_path(struct fm *v, size_t n, size_t hint, uint64_t path_h)
{
	if (hint < n && !v[hint].used && v[hint].path_h == path_h)
		return &v[hint];
	for (size_t i = 0; i < n; i++)
		if (!v[i].used && v[i].path_h == path_h)
			return &v[i];
	return NULL;
}

static uint64_t member_bits(struct dside *s, const struct fm *m)
{
	return m->bitfield ? m->bitfield : dtype_size(s->btf, m->type) * 8;
}

static void member_change(struct dchanges *c, enum bk_diff_what w, enum bk_diff_severity sev,
			  struct dside *s, const struct fm *m, struct darena **a, bool old)
{
	struct bk_diff_change *ch = dchanges_push(c, w, sev);
	ch->name = m->path;
	const char *t = dtext(a, s, m->type);
	int64_t bits = (int64_t)member_bits(s, m);
	if (old) {
		ch->old_text = t;
		ch->old_val = m->offset;
		ch->old_size = bits;
	} else {
		ch->new_text = t;
		ch->new_val = m->offset;
		ch->new_size = bits;
	}
}

/* moves of consecutive members by one delta become one change */
static void add_move(struct dchanges *c, const struct fm *om, const struct fm *nm,
		     uint32_t *last_index)
{
	int64_t delta = (int64_t)nm->offset - (int64_t)om->offset;
	struct bk_diff_change *prev = c->n ? &c->v[c->n - 1] : NULL;
	if (prev && prev->what == BK_DIFF_MEMBER_MOVED && prev->delta == delta &&
	    *last_index + 1 == om->index) {
		prev->name2 = om->path;
		prev->count++;
	} else {
		struct bk_diff_change *ch = dchanges_push(c, BK_DIFF_MEMBER_MOVED, BK_DIFF_BREAKING);
		ch->name = ch->name2 = om->path;
		change_vals(ch, om->offset, nm->offset);
		ch->delta = delta;
		ch->count = 1;
	}
	*last_index = om->index;
}

static void compare_matched(struct dside *o, struct fm *om, struct dside *n, struct fm *nm,
			    struct dchanges *c, struct darena **a, uint32_t *last_moved)
{
	if (om->th != nm->th) {
		struct bk_diff_change *ch =
			dchanges_push(c, BK_DIFF_MEMBER_RETYPED, retype_severity(o, om->type, n, nm->type));
		ch->name = om->path;
		ch->old_text = dtext(a, o, om->type);
		ch->new_text = dtext(a, n, nm->type);
		ch->old_size = (int64_t)dtype_size(o->btf, om->type);
		ch->new_size = (int64_t)dtype_size(n->btf, nm->type);
		change_vals(ch, om->offset, nm->offset);
	}
	if (om->bitfield != nm->bitfield) {
		struct bk_diff_change *ch = dchanges_push(c, BK_DIFF_MEMBER_BITFIELD, BK_DIFF_BREAKING);
		ch->name = om->path;
		change_vals(ch, om->bitfield, nm->bitfield);
	}
	if (om->offset != nm->offset)
		add_move(c, om, nm, last_moved);
	else if (om->group != nm->group && om->th == nm->th)
		dchanges_push(c, BK_DIFF_MEMBER_REGROUPED, BK_DIFF_COSMETIC)->name = om->path;
}

/* a removed and an added member at one offset with one type: renamed */
static void renames_and_rest(struct dside *o, struct fm *ov, size_t on, struct dside *n,
			     struct fm *nv, size_t nn, struct dchanges *c, struct darena **a)
{
	for (size_t i = 0; i < on; i++) {
		if (ov[i].used)
			continue;
		for (size_t j = 0; j < nn; j++) {
			if (nv[j].used || nv[j].offset != ov[i].offset || nv[j].th != ov[i].th ||
			    nv[j].bitfield != ov[i].bitfield)
				continue;
			struct bk_diff_change *ch =
				dchanges_push(c, BK_DIFF_MEMBER_RENAMED, BK_DIFF_COMPATIBLE);
			ch->name = ov[i].path;
			ch->name2 = nv[j].path;
			ch->old_text = ch->new_text = dtext(a, o, ov[i].type);
			change_vals(ch, ov[i].offset, nv[j].offset);
			ov[i].used = nv[j].used = true;
			break;
		}
	}
	for (size_t i = 0; i < on; i++)
		if (!ov[i].used)
			member_change(c, BK_DIFF_MEMBER_REMOVED, BK_DIFF_BREAKING, o, &ov[i], a, true);
	for (size_t j = 0; j < nn; j++)
		if (!nv[j].used)
			member_change(c, BK_DIFF_MEMBER_ADDED, BK_DIFF_COMPATIBLE, n, &nv[j], a, false);
}

static int64_t sort_offset(const struct bk_diff_change *c)
{
	return c->what == BK_DIFF_MEMBER_ADDED ? c->new_val : c->old_val;
}

static int cmp_change(const void *x, const void *y)
{
	const struct bk_diff_change *a = x, *b = y;
	if (a->what != b->what)
		return a->what < b->what ? -1 : 1;
	int64_t oa = sort_offset(a), ob = sort_offset(b);
	if (oa != ob)
		return oa < ob ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static void compare_aggr(struct dside *o, uint32_t a, struct dside *n, uint32_t b,
			 struct dchanges *c)
{
	struct darena **ar = c->arena;
	size_t on, nn, first = c->n;
	struct fm *ov = flatten(o, a, &on, ar), *nv = flatten(n, b, &nn, ar);
	uint32_t last_moved = UINT32_MAX - 1;
	if (!ov || !nv) {
		c->oom = true;
		goto out;
	}
	for (size_t i = 0, next = 0; i < on; i++) {
		struct fm *nm = find_path(nv, nn, next, ov[i].path_h);
		if (!nm)
			continue;
		next = (size_t)(nm - nv) + 1;
		ov[i].used = nm->used = true;
		compare_matched(o, &ov[i], n, nm, c, ar, &last_moved);
	}
	renames_and_rest(o, ov, on, n, nv, nn, c, ar);
	/* member order within each kind of change; index keeps it stable */
	for (size_t i = first; i < c->n; i++)
		c->v[i].index = (uint32_t)(i - first);
	qsort(c->v + first, c->n - first, sizeof(*c->v), cmp_change);
	for (size_t i = first; i < c->n; i++)
		c->v[i].index = 0;
out:
	free(ov);
	free(nv);
}

/* ---- enums ---------------------------------------------------------------------- */

struct enumerator {
	const char *name;
	int64_t val;
};

static struct enumerator enumerator_at(const struct bk_btf *b, const struct bk_type *t, uint32_t i)
{
	if (bk_kind(t) == BK_KIND_ENUM64) {
		const struct bk_enum64 *e = (const struct bk_enum64 *)bk_type_rest(t) + i;
		return (struct enumerator){bk_btf_str(b, e->name_off),
					   (int64_t)(((uint64_t)e->val_hi32 << 32) | e->val_lo32)};
	}
	const struct bk_enum *e = (const struct bk_enum *)bk_type_rest(t) + i;
	int64_t v = bk_kflag(t) ? (int64_t)e->val : (int64_t)(uint32_t)e->val;
	return (struct enumerator){bk_btf_str(b, e->name_off), v};
}

static bool str_eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static int64_t find_enumerator(const struct bk_btf *b, const struct bk_type *t, uint32_t hint,
			       const char *name)
{
	uint32_t n = bk_vlen(t);
	if (hint < n && str_eq(enumerator_at(b, t, hint).name, name))
		return hint;
	for (uint32_t i = 0; i < n; i++)
		if (str_eq(enumerator_at(b, t, i).name, name))
			return i;
	return -1;
}

static void enumerators_one_way(const struct bk_btf *x, const struct bk_type *tx,
				const struct bk_btf *y, const struct bk_type *ty, bool old_side,
				struct dchanges *c)
{
	uint32_t next = 0; /* where the next one is most likely: after the last found */
	for (uint32_t i = 0; i < bk_vlen(tx); i++) {
		struct enumerator e = enumerator_at(x, tx, i);
		int64_t j = find_enumerator(y, ty, next, e.name);
		if (j >= 0)
			next = (uint32_t)j + 1;
		if (j < 0) {
			struct bk_diff_change *ch = dchanges_push(
				c, old_side ? BK_DIFF_ENUMERATOR_REMOVED : BK_DIFF_ENUMERATOR_ADDED,
				old_side ? BK_DIFF_BREAKING : BK_DIFF_COMPATIBLE);
			ch->name = darena_str(c->arena, e.name);
			change_vals(ch, old_side ? e.val : 0, old_side ? 0 : e.val);
		} else if (old_side && enumerator_at(y, ty, (uint32_t)j).val != e.val) {
			struct bk_diff_change *ch =
				dchanges_push(c, BK_DIFF_ENUMERATOR_VALUE, BK_DIFF_BREAKING);
			ch->name = darena_str(c->arena, e.name);
			change_vals(ch, e.val, enumerator_at(y, ty, (uint32_t)j).val);
		}
	}
}

static void compare_enum(const struct bk_btf *o, const struct bk_type *a, const struct bk_btf *n,
			 const struct bk_type *b, struct dchanges *c)
{
	if (bk_kflag(a) != bk_kflag(b))
		change_vals(dchanges_push(c, BK_DIFF_ENUM_SIGNED, BK_DIFF_COMPATIBLE), bk_kflag(a),
			    bk_kflag(b));
	enumerators_one_way(o, a, n, b, true, c);
	enumerators_one_way(n, b, o, a, false, c);
}

/* ---- functions ------------------------------------------------------------------ */

const char *dproto_text(struct darena **ar, struct dside *s, uint32_t id)
{
	const struct bk_btf *b = s->btf;
	const struct bk_type *fn = bk_btf_type(b, id);
	const struct bk_type *p = bk_btf_type(b, fn->type);
	if (!p || bk_kind(p) != BK_KIND_FUNC_PROTO)
		return dtext(ar, s, fn->type);
	char buf[512];
	struct dbuf t;
	dbuf_on(&t, buf, sizeof(buf));
	dbuf_add(&t, dtext(ar, s, p->type));
	const char *name = bk_btf_name(b, fn);
	if (!t.len || t.s[t.len - 1] != '*')
		dbuf_add(&t, " ");
	dbuf_add(&t, name ? name : "");
	dbuf_add(&t, "(");
	const struct bk_param *pa = bk_type_rest(p);
	for (uint32_t i = 0; i < bk_vlen(p); i++) {
		const char *pn = bk_btf_str(b, pa[i].name_off);
		dbuf_add(&t, i ? ", " : "");
		if (!pa[i].type && i + 1 == bk_vlen(p)) {
			dbuf_add(&t, "...");
			continue;
		}
		dbuf_add(&t, dtext(ar, s, pa[i].type));
		if (pn && *pn) {
			if (t.s[t.len - 1] != '*')
				dbuf_add(&t, " ");
			dbuf_add(&t, pn);
		}
	}
	dbuf_add(&t, bk_vlen(p) ? ")" : "void)");
	const char *text = darena_strn(ar, t.s, t.len);
	dbuf_free(&t);
	return text;
}

static void compare_params(struct dside *o, const struct bk_type *pa, struct dside *n,
			   const struct bk_type *pb, struct dchanges *c)
{
	const struct bk_param *x = bk_type_rest(pa), *y = bk_type_rest(pb);
	uint32_t nx = bk_vlen(pa), ny = bk_vlen(pb);
	for (uint32_t i = 0; i < nx || i < ny; i++) {
		struct bk_diff_change *ch;
		if (i >= ny || i >= nx) {
			bool removed = i >= ny;
			struct dside *s = removed ? o : n;
			const struct bk_param *p = removed ? &x[i] : &y[i];
			ch = dchanges_push(c, removed ? BK_DIFF_PARAM_REMOVED : BK_DIFF_PARAM_ADDED,
					   BK_DIFF_BREAKING);
			ch->name = darena_str(c->arena, bk_btf_str(s->btf, p->name_off));
			*(removed ? &ch->old_text : &ch->new_text) = dtext(c->arena, s, p->type);
			ch->index = i;
			continue;
		}
		const char *xn = bk_btf_str(o->btf, x[i].name_off), *yn = bk_btf_str(n->btf, y[i].name_off);
		if (dtype_hash(o, x[i].type, false) != dtype_hash(n, y[i].type, false)) {
			ch = dchanges_push(c, BK_DIFF_PARAM_RETYPED,
					   retype_severity(o, x[i].type, n, y[i].type));
			ch->name = darena_str(c->arena, yn);
			ch->old_text = dtext(c->arena, o, x[i].type);
			ch->new_text = dtext(c->arena, n, y[i].type);
			ch->index = i;
		}
		if (!str_eq(xn, yn)) {
			ch = dchanges_push(c, BK_DIFF_PARAM_NAME, BK_DIFF_COSMETIC);
			ch->name = darena_str(c->arena, xn);
			ch->name2 = darena_str(c->arena, yn);
			ch->index = i;
		}
	}
}

static void compare_func(struct dside *o, const struct dentity *ea, struct dside *n,
			 const struct dentity *eb, struct dchanges *c, const char **ot,
			 const char **nt)
{
	const struct bk_type *a = bk_btf_type(o->btf, ea->id), *b = bk_btf_type(n->btf, eb->id);
	*ot = dproto_text(c->arena, o, ea->id);
	*nt = dproto_text(c->arena, n, eb->id);
	if (bk_vlen(a) != bk_vlen(b))
		change_vals(dchanges_push(c, BK_DIFF_LINKAGE, BK_DIFF_COMPATIBLE), bk_vlen(a), bk_vlen(b));
	const struct bk_type *pa = bk_btf_type(o->btf, a->type), *pb = bk_btf_type(n->btf, b->type);
	if (!pa || !pb || bk_kind(pa) != BK_KIND_FUNC_PROTO || bk_kind(pb) != BK_KIND_FUNC_PROTO)
		return;
	if (dtype_hash(o, pa->type, false) != dtype_hash(n, pb->type, false)) {
		struct bk_diff_change *ch =
			dchanges_push(c, BK_DIFF_RETURN, retype_severity(o, pa->type, n, pb->type));
		ch->old_text = dtext(c->arena, o, pa->type);
		ch->new_text = dtext(c->arena, n, pb->type);
	}
	compare_params(o, pa, n, pb, c);
}

/* ---- typedef, var, int, float ----------------------------------------------------- */

static void compare_ref(struct dside *o, uint32_t a, struct dside *n, uint32_t b,
			enum bk_diff_what w, struct dchanges *c, const char **ot, const char **nt)
{
	*ot = dtext(c->arena, o, a);
	*nt = dtext(c->arena, n, b);
	if (dtype_hash(o, a, false) == dtype_hash(n, b, false))
		return;
	struct bk_diff_change *ch = dchanges_push(c, w, retype_severity(o, a, n, b));
	ch->old_text = *ot;
	ch->new_text = *nt;
	ch->old_size = (int64_t)dtype_size(o->btf, a);
	ch->new_size = (int64_t)dtype_size(n->btf, b);
}

static void compare_int(const struct bk_type *a, const struct bk_type *b, struct dchanges *c)
{
	uint32_t x = *(const uint32_t *)bk_type_rest(a), y = *(const uint32_t *)bk_type_rest(b);
	if (bk_int_encoding(x) != bk_int_encoding(y))
		change_vals(dchanges_push(c, BK_DIFF_ENCODING, BK_DIFF_COMPATIBLE), bk_int_encoding(x),
			    bk_int_encoding(y));
	if (bk_int_bits(x) != bk_int_bits(y) || bk_int_offset(x) != bk_int_offset(y)) {
		struct bk_diff_change *ch = dchanges_push(c, BK_DIFF_BITS, BK_DIFF_BREAKING);
		change_vals(ch, bk_int_bits(x), bk_int_bits(y));
		ch->old_size = bk_int_offset(x);
		ch->new_size = bk_int_offset(y);
	}
}

size_t dcompare(struct dside *o, const struct dentity *ea, struct dside *n,
		const struct dentity *eb, struct dchanges *c, const char **old_text,
		const char **new_text)
{
	const struct bk_type *a = bk_btf_type(o->btf, ea->id), *b = bk_btf_type(n->btf, eb->id);
	size_t first = c->n;
	*old_text = *new_text = "";
	if (ea->decl != eb->decl) {
		change_vals(dchanges_push(c, BK_DIFF_DEFINITION, BK_DIFF_BREAKING), !ea->decl, !eb->decl);
		return c->n - first;
	}
	if (bk_kind_is_sized(bk_kind(a)) && bk_kind_is_sized(bk_kind(b)) && a->size != b->size)
		change_vals(dchanges_push(c, BK_DIFF_SIZE, BK_DIFF_BREAKING), a->size, b->size);
	switch (ea->cls) {
	case BK_DIFF_STRUCT: case BK_DIFF_UNION:
		if (!ea->decl)
			compare_aggr(o, ea->id, n, eb->id, c);
		break;
	case BK_DIFF_ENUM:
		compare_enum(o->btf, a, n->btf, b, c);
		break;
	case BK_DIFF_FUNC:
		compare_func(o, ea, n, eb, c, old_text, new_text);
		break;
	case BK_DIFF_TYPEDEF:
		compare_ref(o, a->type, n, b->type, BK_DIFF_TARGET, c, old_text, new_text);
		break;
	case BK_DIFF_VAR:
		compare_ref(o, a->type, n, b->type, BK_DIFF_VAR_TYPE, c, old_text, new_text);
		if (((const struct bk_var *)bk_type_rest(a))->linkage !=
		    ((const struct bk_var *)bk_type_rest(b))->linkage)
			change_vals(dchanges_push(c, BK_DIFF_LINKAGE, BK_DIFF_COMPATIBLE),
				    ((const struct bk_var *)bk_type_rest(a))->linkage,
				    ((const struct bk_var *)bk_type_rest(b))->linkage);
		break;
	case BK_DIFF_INT:
		compare_int(a, b, c);
		break;
	default:
		break;
	}
	return c->n - first;
}
