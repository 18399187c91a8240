// SPDX-License-Identifier: MIT
/*
 * Cause: which changed types only moved with an embedded type that changed
 * size ("shifted by" it), and the root each such chain ends at, so that a
 * root cause is reported once with the types it shifted. Chains are walked
 * on a work list, never by recursion.
 */
#include <string.h>

#include "diff/diff_internal.h"

/* a type that changed size: a struct, union, enum or int, or a typedef
 * whose target now has another size (cpumask_var_t: pointer <-> array) */
static bool size_changed(const struct bk_diff_record *r)
{
	if (r->op != BK_DIFF_CHANGED)
		return false;
	if (r->cls == BK_DIFF_TYPEDEF)
		return r->nr_changes && r->changes[0].what == BK_DIFF_TARGET &&
		       r->changes[0].old_size != r->changes[0].new_size;
	return r->old_size >= 0 && r->new_size >= 0 && r->old_size != r->new_size;
}

/* only moves and the size changed: the candidates for "shifted" */
static bool only_layout(const struct bk_diff_record *r, int64_t *first_move)
{
	bool any = false;
	*first_move = INT64_MAX;
	if (r->op != BK_DIFF_CHANGED || (r->cls != BK_DIFF_STRUCT && r->cls != BK_DIFF_UNION))
		return false;
	for (size_t i = 0; i < r->nr_changes; i++) {
		const struct bk_diff_change *c = &r->changes[i];
		if (c->what == BK_DIFF_MEMBER_MOVED && c->old_val < *first_move)
			*first_move = c->old_val;
		if (c->what == BK_DIFF_SIZE || c->what == BK_DIFF_MEMBER_MOVED)
			any = true;
		else if (c->severity != BK_DIFF_COSMETIC)
			return false;
	}
	return any;
}

/* the record of a type embedded by value by a member, through typedefs,
 * qualifiers and arrays, when that type changed size */
static int64_t embedded_change(const struct dside *o, const struct bk_diff_result *res,
			       const int32_t *rec_of_old, uint32_t type)
{
	for (int step = 0; step < 64; step++) {
		if (type >= o->first && type < o->cnt && rec_of_old[type] >= 0 &&
		    size_changed(&res->records[rec_of_old[type]]))
			return rec_of_old[type];
		const struct bk_type *t = bk_btf_type(o->btf, type);
		if (!t)
			return -1;
		unsigned k = bk_kind(t);
		if (k == BK_KIND_ARRAY)
			type = ((const struct bk_array *)bk_type_rest(t))->type;
		else if (bk_kind_is_modifier(k))
			type = t->type;
		else
			return -1;
	}
	return -1;
}

static void find_shift(const struct dside *o, struct bk_diff_result *res, const int32_t *rec_of_old,
		       size_t i)
{
	struct bk_diff_record *r = &res->records[i];
	int64_t first_move;
	if (!only_layout(r, &first_move))
		return;
	struct dflat f;
	struct dflat_member m;
	dflat_begin(&f, o, r->old_id, false);
	while (dflat_next(&f, &m)) {
		if ((int64_t)m.offset >= first_move)
			break;
		int64_t x = embedded_change(o, res, rec_of_old, m.type);
		if (x >= 0 && x != (int64_t)i) {
			r->shifted_by = x;
			return;
		}
	}
}

/* Roots by following shifted_by on a work list (each chain walked once and
 * its nodes given the root found; a cycle makes its start a root). */
static void find_roots(struct bk_diff_result *res)
{
	size_t n = res->nr_records;
	for (size_t i = 0; i < n; i++) {
		struct bk_diff_record *r = &res->records[i];
		if (r->root >= 0)
			continue;
		int64_t cur = (int64_t)i;
		size_t steps = 0;
		while (res->records[cur].shifted_by >= 0 && res->records[cur].root < 0 && steps++ < n)
			cur = res->records[cur].shifted_by;
		int64_t root = res->records[cur].root >= 0 ? res->records[cur].root : cur;
		if (steps > n) { /* a cycle */
			r->shifted_by = -1;
			root = (int64_t)i;
		}
		for (int64_t x = (int64_t)i; res->records[x].root < 0;) {
			res->records[x].root = root;
			if (x == root || res->records[x].shifted_by < 0)
				break;
			x = res->records[x].shifted_by;
		}
		if (res->records[root].root < 0)
			res->records[root].root = root;
	}
	for (size_t i = 0; i < n; i++)
		if (res->records[i].shifted_by >= 0 && res->records[i].root != (int64_t)i)
			res->records[res->records[i].root].nr_shifted++;
}

void dcause(const struct dside *o, struct bk_diff_result *res, const int32_t *rec_of_old)
{
	for (size_t i = 0; i < res->nr_records; i++)
		find_shift(o, res, rec_of_old, i);
	find_roots(res);
}
