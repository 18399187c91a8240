// SPDX-License-Identifier: MIT
/*
 * A side's entities: each named type the diff matches, with its key
 * (class, name) and a structural signature made of name texts, so that
 * equal signatures mean nothing to report.
 */
#include <stdlib.h>
#include <string.h>

#include "diff/diff_internal.h"

static uint64_t aggr_sig(struct dside *s, uint32_t id, const struct bk_type *t)
{
	struct dflat f;
	struct dflat_member m;
	uint64_t h = dh_mix(bk_kind(t), t->size);
	dflat_begin(&f, s, id, false);
	while (dflat_next(&f, &m)) {
		h = dh_mix(h, m.path_h);
		h = dh_mix(h, dtype_hash(s, m.type, false));
		h = dh_mix(h, ((uint64_t)m.offset << 24) | m.bitfield);
		h = dh_mix(h, m.group);
	}
	return h;
}

static uint64_t enum_sig(const struct bk_btf *b, const struct bk_type *t)
{
	uint64_t h = dh_mix(dh_mix(BK_KIND_ENUM, t->size), bk_kflag(t));
	bool e64 = bk_kind(t) == BK_KIND_ENUM64;
	const uint8_t *p = bk_type_rest(t);
	for (uint32_t i = 0; i < bk_vlen(t); i++) {
		uint32_t name_off, lo, hi = 0;
		memcpy(&name_off, p, 4);
		memcpy(&lo, p + 4, 4);
		if (e64)
			memcpy(&hi, p + 8, 4);
		p += e64 ? 12 : 8;
		h = dh_mix(h, dh_str(bk_btf_str(b, name_off)));
		h = dh_mix(h, ((uint64_t)hi << 32) | lo);
	}
	return h;
}

static void func_sig(struct dside *s, const struct bk_type *t, uint64_t *sig, uint64_t *full)
{
	const struct bk_type *p = bk_btf_type(s->btf, t->type);
	uint64_t h = dh_mix(BK_KIND_FUNC, bk_vlen(t)), names = 0;
	if (p && bk_kind(p) == BK_KIND_FUNC_PROTO) {
		const struct bk_param *pa = bk_type_rest(p);
		h = dh_mix(h, dtype_hash(s, p->type, false));
		h = dh_mix(h, bk_vlen(p));
		for (uint32_t i = 0; i < bk_vlen(p); i++) {
			h = dh_mix(h, dtype_hash(s, pa[i].type, false));
			names = dh_mix(names, dh_str(bk_btf_str(s->btf, pa[i].name_off)));
		}
	} else {
		h = dh_mix(h, dtype_hash(s, t->type, false));
	}
	*sig = h;
	*full = dh_mix(h, names);
}

/* the class and key name of a type, or false when it is not matched alone */
static bool entity_key(const struct dside *s, uint32_t id, const struct bk_type *t,
		       struct dentity *e)
{
	const char *name = bk_btf_name(s->btf, t);
	unsigned k = bk_kind(t);
	*e = (struct dentity){.id = id, .name = name ? name : ""};
	switch (k) {
	case BK_KIND_STRUCT: case BK_KIND_UNION: case BK_KIND_ENUM: case BK_KIND_ENUM64:
		e->cls = k == BK_KIND_STRUCT ? BK_DIFF_STRUCT : k == BK_KIND_UNION ? BK_DIFF_UNION
										   : BK_DIFF_ENUM;
		if (*e->name)
			break;
		e->anon = true;
		if (s->typedef_of[id - s->first]) {
			e->name = bk_btf_name(s->btf, bk_btf_type(s->btf, s->typedef_of[id - s->first]));
		} else if (e->cls == BK_DIFF_ENUM && bk_vlen(t)) {
			e->name = bk_btf_str(s->btf, *(const uint32_t *)bk_type_rest(t));
		} else {
			return false;
		}
		if (!e->name || !*e->name)
			return false;
		break;
	case BK_KIND_FWD:
		e->cls = bk_kflag(t) ? BK_DIFF_UNION : BK_DIFF_STRUCT;
		e->decl = true;
		break;
	case BK_KIND_TYPEDEF: e->cls = BK_DIFF_TYPEDEF; break;
	case BK_KIND_FUNC: e->cls = BK_DIFF_FUNC; break;
	case BK_KIND_VAR: e->cls = BK_DIFF_VAR; break;
	case BK_KIND_INT: e->cls = BK_DIFF_INT; break;
	case BK_KIND_FLOAT: e->cls = BK_DIFF_FLOAT; break;
	default: return false;
	}
	return *e->name != 0;
}

static void entity_sig(struct dside *s, const struct bk_type *t, struct dentity *e)
{
	switch (bk_kind(t)) {
	case BK_KIND_STRUCT: case BK_KIND_UNION:
		e->sig = aggr_sig(s, e->id, t);
		break;
	case BK_KIND_ENUM: case BK_KIND_ENUM64:
		e->sig = enum_sig(s->btf, t);
		break;
	case BK_KIND_FUNC:
		func_sig(s, t, &e->sig, &e->full);
		return;
	case BK_KIND_TYPEDEF:
		e->sig = dh_mix(BK_KIND_TYPEDEF, dtype_hash(s, t->type, false));
		break;
	case BK_KIND_VAR:
		e->sig = dh_mix(dh_mix(BK_KIND_VAR, dtype_hash(s, t->type, false)),
				((const struct bk_var *)bk_type_rest(t))->linkage);
		break;
	case BK_KIND_INT:
		e->sig = dh_mix(dh_mix(BK_KIND_INT, t->size), *(const uint32_t *)bk_type_rest(t));
		break;
	case BK_KIND_FLOAT:
		e->sig = dh_mix(BK_KIND_FLOAT, t->size);
		break;
	default:
		e->sig = 0xdec1;
	}
	e->full = e->sig;
}

void dentity_sign(struct dside *s, struct dentity *e)
{
	if (e->has_sig)
		return;
	entity_sig(s, bk_btf_type(s->btf, e->id), e);
	e->has_sig = true;
}

int dentity_cmp(const void *x, const void *y)
{
	const struct dentity *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	if (a->decl != b->decl)
		return a->decl ? 1 : -1;
	if (a->sig != b->sig)
		return a->sig < b->sig ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

int dside_collect(struct dside *s)
{
	size_t n = 0, nr = s->cnt - s->first;
	if (!(s->ents = malloc((nr ? nr : 1) * sizeof(*s->ents))))
		return -ENOMEM;
	for (uint32_t id = s->first; id < s->cnt; id++) {
		const struct bk_type *t = bk_btf_type(s->btf, id);
		struct dentity *e = &s->ents[n];
		if (!entity_key(s, id, t, e))
			continue;
		e->key = dh_mix(e->cls, dh_str(e->name));
		n++;
	}
	s->nr_ents = n;
	return 0;
}

