// SPDX-License-Identifier: MIT
/*
 * Distill: libbpf's btf__distill_base(), byte for byte.
 *
 * From split BTF S on its full base B, make a distilled base D (what S
 * needs to know about B to be relocated later: names, kinds and sizes) and
 * a new split S' on D.
 *  1. Mark every base type S refers to, and what those refer to, except
 *     through a named STRUCT/UNION (D keeps no members).
 *  2. D, in base-ID order: marked INT, FLOAT, FWD as they are; named
 *     STRUCT/UNION memberless with their size; named ENUM/ENUM64 as a
 *     memberless ENUM of their size.
 *  3. S': S's own types, then (base-ID order) the other marked base types.
 *  4. IDs rewritten: base IDs to their new place, S's IDs moved down.
 * Strings are added in the order libbpf meets them, deduplicated, S'
 * taking a string from D when D has it: that order fixes the offsets.
 *
 * Beside it: split_check.c (does split BTF fit the base it is given) and
 * distill_warnings.c (the relocation ambiguities of a distilled base).
 */
#include <stdlib.h>
#include <string.h>

#include "core/btf_internal.h"
#include "core/fresh.h"
#include "core/opts_internal.h"

#define MARKED UINT32_MAX

/* uint32 -> uint32, open addressing; key 0 is "empty" (neither void nor
 * the empty string is ever a key). Sized by what the module uses, not by
 * the base: distilling 4,000 modules on one base must not clear a
 * base-sized array each time. */
struct u32map {
	struct u32pair { uint32_t key, val; } *slots; /* together: one miss a probe */
	uint32_t mask, used;
};

static uint32_t hash32(uint32_t k)
{
	k *= 0x9e3779b1u;
	return k ^ (k >> 15);
}

static int u32map_init(struct u32map *m, uint32_t cap)
{
	m->slots = bk_zalloc(cap, sizeof(*m->slots)); /* (probed before written) */
	m->mask = cap - 1;
	m->used = 0;
	return m->slots ? 0 : -ENOMEM;
}

static void u32map_free(struct u32map *m)
{
	free(m->slots);
}

static struct u32pair *u32map_slot(const struct u32map *m, uint32_t key)
{
	uint32_t i = hash32(key) & m->mask;
	while (m->slots[i].key && m->slots[i].key != key)
		i = (i + 1) & m->mask;
	return &m->slots[i];
}

/* the value of key, or 0 when absent */
static uint32_t u32map_get(const struct u32map *m, uint32_t key)
{
	const struct u32pair *p = u32map_slot(m, key);
	return p->key ? p->val : 0;
}

static int u32map_grow(struct u32map *m)
{
	struct u32map big;
	if (u32map_init(&big, (m->mask + 1) * 2))
		return -ENOMEM;
	for (uint32_t i = 0; i <= m->mask; i++)
		if (m->slots[i].key)
			*u32map_slot(&big, m->slots[i].key) = m->slots[i];
	big.used = m->used;
	u32map_free(m);
	*m = big;
	return 0;
}

static int u32map_put(struct u32map *m, uint32_t key, uint32_t val)
{
	if ((m->used + 1) * 2 > m->mask + 1 && u32map_grow(m))
		return -ENOMEM;
	struct u32pair *p = u32map_slot(m, key);
	m->used += !p->key;
	*p = (struct u32pair){key, val};
	return 0;
}

/* The cache of the split's own strings: a slot per 8 bytes of them (a
 * string averages 16 to 22), up to 2^16 slots (512 KiB), past which the
 * slots wrap around. */
#define OWN_CACHE_MAX_BITS 16
#define OWN_CACHE_STRIDE 8

struct distill {
	const struct bk_btf *split;
	uint32_t base_cnt;  /* first ID of split = B's type count */
	uint32_t id_shift;  /* S's own IDs move down by this: B's count - D's */
	struct u32map map;  /* base ID -> MARKED, then its new ID */
	/* source string offset -> offset in D or S' (0: not yet seen): base
	 * offsets in a hash; the split's own in a cache, direct-mapped by
	 * where the string is (see rewrite_str) */
	struct u32map base_strs;
	uint32_t own_strs_off;
	struct own_cache { uint32_t src, dst; } *own_cache;
	unsigned own_cache_bits;
	uint32_t *marked;   /* the marked base IDs; sorted once marking is done */
	size_t nr_marked, marked_cap;
	uint32_t *stack;    /* base IDs whose references are still to follow */
	size_t stack_len, stack_cap;
	struct bk_btf *dist, *nsplit;
	struct bk_error *err;
};

/* Does a marked base type go to D (true) or to S' (false)? D takes named
 * composites and enums (memberless) and every INT, FLOAT and FWD: what a
 * distilled base may hold. */
static bool goes_to_dist(const struct bk_type *t)
{
	unsigned kind = bk_kind(t);
	if (bk_kind_is_composite(kind) || bk_kind_is_enum(kind))
		return t->name_off != 0;
	return bk_kind_is_distilled(kind);
}

/* ---- 1. marking ---------------------------------------------------------- */

static int append(uint32_t **arr, size_t *len, size_t *cap, uint32_t v)
{
	uint32_t *a = bk_grow_array(*arr, cap, *len, sizeof(*a), 256);
	if (!a)
		return -ENOMEM;
	*arr = a;
	(*arr)[(*len)++] = v;
	return 0;
}

/* Mark base type id, referred to by type from (for the message), and queue
 * it to have its own references followed. */
static int mark(struct distill *d, uint32_t id, uint32_t from)
{
	if (!id || id >= d->base_cnt || u32map_get(&d->map, id))
		return 0;
	const struct bk_type *t = bk_btf_type(d->split, id);
	if (bk_kind_is_decl(bk_kind(t))) { /* libbpf refuses them */
		char label[160];
		bk_type_label(d->split, id, label, sizeof(label));
		return bk_err_type(d->err, d->split, from, -EINVAL,
				   "refers to base type %s: a base %s cannot be distilled", label,
				   bk_kind_name(bk_kind(t)));
	}
	if (u32map_put(&d->map, id, MARKED) ||
	    append(&d->marked, &d->nr_marked, &d->marked_cap, id))
		return bk_err(d->err, -ENOMEM, "out of memory");
	/* a named composite is distilled without members: do not follow them */
	if (bk_kind_is_composite(bk_kind(t)) && t->name_off)
		return 0;
	if (append(&d->stack, &d->stack_len, &d->stack_cap, id))
		return bk_err(d->err, -ENOMEM, "out of memory");
	return 0;
}

static int mark_refs(struct distill *d, uint32_t id)
{
	struct bk_field_iter it;
	uint32_t *f;
	bk_field_iter_begin(&it, (struct bk_type *)bk_btf_type(d->split, id), BK_ITER_IDS);
	while ((f = bk_field_iter_next(&it))) {
		int e = mark(d, *f, id);
		if (e)
			return e;
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* An explicit stack, not recursion: base reference chains can be long.
 * The marked IDs end up sorted: D and S' take them in base-ID order. */
static int mark_needed(struct distill *d, const struct bk_distill_opts *opts)
{
	uint32_t end = bk_btf_type_cnt(d->split);
	/* base types kept although S does not use them (named by .BTF_ids):
	 * marked first, as if S referred to them */
	for (size_t i = 0; i < opts->nr_keep; i++) {
		uint32_t id = opts->keep_base_ids[i];
		int e = 0;
		if (!id || id >= d->base_cnt)
			continue;
		if (bk_kind_is_decl(bk_kind(bk_btf_type(d->split, id)))) {
			char label[160];
			bk_type_label(d->split, id, label, sizeof(label));
			return bk_err(d->err, -EINVAL, "base type %s is to be kept (named by "
				      ".BTF_ids), but a base %s cannot be distilled", label,
				      bk_kind_name(bk_kind(bk_btf_type(d->split, id))));
		}
		e = mark(d, id, 0);
		while (!e && d->stack_len)
			e = mark_refs(d, d->stack[--d->stack_len]);
		if (e)
			return e;
	}
	for (uint32_t id = d->base_cnt; id < end; id++) {
		int e = mark_refs(d, id);
		while (!e && d->stack_len)
			e = mark_refs(d, d->stack[--d->stack_len]);
		if (e)
			return e;
	}
	if (d->nr_marked)
		qsort(d->marked, d->nr_marked, sizeof(*d->marked), cmp_u32);
	return 0;
}

/* ---- 2, 3. building D and S' ------------------------------------------------ */

static int add_name(struct distill *d, struct bk_btf *to, const char *name, uint32_t *off)
{
	*off = 0;
	if (!name || !*name)
		return 0;
	int64_t o = bk_btf_add_str(to, name);
	if (o < 0)
		return bk_err(d->err, (int)o, "cannot add string '%s'", name);
	*off = (uint32_t)o;
	return 0;
}

/* A source string offset as an offset in `to`: the string added there
 * (deduplicated by content, a split taking its base's, as libbpf does).
 * Base strings are remembered by source offset in a hash. The split's own
 * go in a cache whose slot is the string's place in the section, divided
 * by 8. A module's strings are in the order its types first use them
 * (44,448 of amdgpu's 44,489), so the first uses (misses, then fills) walk
 * the cache in order, as the hardware prefetches it, and the names used
 * again (next, list, dev...) hit. Two short strings in 8 bytes share a
 * slot; a miss only costs adding the string again, which finds it by
 * content: the answer is the same. A hashed slot did 5% worse on amdgpu;
 * dropped too: a table with a slot per byte (page faults), and an exact
 * map by string number (a bitmap with counts, whose rank and build cost
 * what the misses do). Offsets put into D stay right for S', which sees
 * D's strings. */
static int rewrite_str(struct distill *d, struct bk_btf *to, uint32_t *off)
{
	uint32_t src = *off;
	if (src >= d->own_strs_off) {
		uint32_t slot = ((src - d->own_strs_off) / OWN_CACHE_STRIDE) &
				((1u << d->own_cache_bits) - 1);
		if (d->own_cache[slot].src == src) {
			*off = d->own_cache[slot].dst;
			return 0;
		}
		int e = add_name(d, to, bk_btf_str(d->split, src), off);
		if (!e) {
			d->own_cache[slot].src = src;
			d->own_cache[slot].dst = *off;
		}
		return e;
	}
	uint32_t known = u32map_get(&d->base_strs, src);
	if (known) {
		*off = known;
		return 0;
	}
	int e = add_name(d, to, bk_btf_str(d->split, src), off);
	if (e || !*off)
		return e;
	if (u32map_put(&d->base_strs, src, *off))
		return bk_err(d->err, -ENOMEM, "out of memory");
	return 0;
}

/* Append a copy of a source type to `to`, its strings re-added there in
 * field order (as libbpf's btf__add_type does). Returns the new ID. */
/* Rewrite a copied type's strings into `to`, in field order (the order in
 * which libbpf's btf__add_type adds them). */
static int rewrite_strs(struct distill *d, struct bk_btf *to, struct bk_type *t)
{
	struct bk_field_iter it;
	uint32_t *f;
	bk_field_iter_begin(&it, t, BK_ITER_STRS);
	while ((f = bk_field_iter_next(&it))) {
		if (!*f)
			continue;
		int e = rewrite_str(d, to, f);
		if (e)
			return e;
	}
	return 0;
}

/* Append a copy of a source type to `to`, its strings re-added there.
 * Returns the new ID. */
static int copy_type(struct distill *d, struct bk_btf *to, uint32_t src_id)
{
	const struct bk_type *src = bk_btf_type(d->split, src_id);
	int id = bk_btf_add_type(to, src, bk_type_size(src));
	if (id < 0)
		return bk_err(d->err, id, "cannot add a type: %s", strerror(-id));
	int e = rewrite_strs(d, to, bk_btf_type_mut(to, (uint32_t)id));
	return e ? e : id;
}

/* A named STRUCT/UNION as itself without members; a named ENUM/ENUM64 as
 * a memberless ENUM of its size. */
static int add_memberless(struct distill *d, const struct bk_type *src)
{
	unsigned kind = bk_kind_is_composite(bk_kind(src)) ? bk_kind(src) : BK_KIND_ENUM;
	struct bk_type t = {.info = bk_info(kind, 0, false), .size = src->size};
	int e = add_name(d, d->dist, bk_btf_str(d->split, src->name_off), &t.name_off);
	if (e)
		return e;
	int id = bk_btf_add_type(d->dist, &t, sizeof(t));
	return id < 0 ? bk_err(d->err, id, "cannot add a type: %s", strerror(-id)) : id;
}

/* Where every marked base type goes, known once marking is done: D takes
 * those goes_to_dist() accepts, in base-ID order, from ID 1; S' the others,
 * in base-ID order, after its copy of S's own types. Knowing all new IDs
 * up front lets each type be rewritten as it is copied. */
static void assign_ids(struct distill *d)
{
	uint32_t nr_dist = 0, nr_split = bk_btf_nr_types(d->split);
	for (size_t i = 0; i < d->nr_marked; i++)
		nr_dist += goes_to_dist(bk_btf_type(d->split, d->marked[i]));
	uint32_t next_dist = 1, next_split = 1 + nr_dist + nr_split;
	for (size_t i = 0; i < d->nr_marked; i++) {
		uint32_t id = d->marked[i];
		bool to_dist = goes_to_dist(bk_btf_type(d->split, id));
		u32map_slot(&d->map, id)->val = to_dist ? next_dist++ : next_split++;
	}
	d->id_shift = d->base_cnt - (1 + nr_dist);
}

/* A type-ID field of S' from its value in S. */
static uint32_t new_id(const struct distill *d, uint32_t id)
{
	if (id >= d->base_cnt)
		return id - d->id_shift;
	return id ? u32map_get(&d->map, id) : 0;
}

static void rewrite_ids(const struct distill *d, struct bk_type *t)
{
	struct bk_field_iter it;
	uint32_t *f;
	bk_field_iter_begin(&it, t, BK_ITER_IDS);
	while ((f = bk_field_iter_next(&it)))
		*f = new_id(d, *f);
}

static int expect_id(struct distill *d, int got, uint32_t want)
{
	if (got < 0)
		return bk_err(d->err, got, "cannot add a type: %s", strerror(-got));
	if ((uint32_t)got != want) /* cannot happen: assign_ids counted them */
		return bk_err(d->err, -EFAULT, "distill: type placed at [%d], expected [%u]", got,
			      want);
	return 0;
}

static int build_dist(struct distill *d)
{
	for (size_t i = 0; i < d->nr_marked; i++) {
		uint32_t id = d->marked[i];
		const struct bk_type *t = bk_btf_type(d->split, id);
		if (!goes_to_dist(t))
			continue;
		unsigned kind = bk_kind(t);
		int nid = bk_kind_is_composite(kind) || bk_kind_is_enum(kind) ? add_memberless(d, t)
							      : copy_type(d, d->dist, id);
		int e = nid < 0 ? nid : expect_id(d, nid, u32map_get(&d->map, id));
		if (e)
			return e;
	}
	return 0;
}

/* Copy one type into S', its strings and type IDs rewritten. */
static int copy_to_split(struct distill *d, uint32_t src_id, uint32_t want)
{
	int nid = copy_type(d, d->nsplit, src_id);
	int e = nid < 0 ? nid : expect_id(d, nid, want);
	if (!e)
		rewrite_ids(d, bk_own_type(d->nsplit, (uint32_t)nid - d->nsplit->start_id));
	return e;
}

/* Room for S's own types, strings and the marked base types up front. */
static int reserve_split(struct distill *d)
{
	struct bk_btf *b = d->nsplit;
	size_t types = d->split->types_len, nr = d->split->nr_types + d->nr_marked;
	for (size_t i = 0; i < d->nr_marked; i++)
		types += bk_type_size(bk_btf_type(d->split, d->marked[i]));
	b->types = malloc(types ? types : 1);
	b->offs = malloc((nr ? nr : 1) * sizeof(*b->offs));
	/* S' has S's strings and the base names S' now carries itself (about
	 * 1% more on real modules): room to spare up front, as growing would
	 * copy the strings */
	size_t strs = d->split->strs_len + d->split->strs_len / 32 + 4096;
	b->strs = malloc(strs);
	if (!b->types || !b->offs || !b->strs) {
		/* not the btf's yet (no capacity recorded): bk_btf_free would keep them */
		free(b->types);
		free(b->offs);
		free(b->strs);
		b->types = NULL;
		b->offs = NULL;
		b->strs = NULL;
		return bk_err(d->err, -ENOMEM, "out of memory");
	}
	b->types_cap = types ? types : 1;
	b->offs_cap = nr ? nr : 1;
	b->strs_cap = strs;
	return 0;
}

/* S's own types come first in S', in their order and layout: one copy of
 * the whole section and its offsets, then each type rewritten in place. */
static void own_id(void *ctx, uint32_t *f)
{
	*f = new_id(ctx, *f);
}

static int own_str(void *ctx, uint32_t *f, uint32_t elem)
{
	(void)elem;
	struct distill *d = ctx;
	return *f ? rewrite_str(d, d->nsplit, f) : 0;
}

static int copy_own_types(struct distill *d)
{
	struct bk_btf *b = d->nsplit;
	const struct bk_btf *s = d->split;
	memcpy(b->types, s->types, s->types_len);
	memcpy(b->offs, s->offs, s->nr_types * sizeof(*b->offs));
	b->types_len = s->types_len;
	b->nr_types = s->nr_types;
	for (uint32_t i = 0; i < b->nr_types; i++) {
		int e = bk_type_walk(bk_own_type(b, i), d, own_id, own_str);
		if (e)
			return e;
	}
	return 0;
}

static int build_split(struct distill *d)
{
	int e = reserve_split(d);
	if (!e && d->split->nr_types)
		e = copy_own_types(d);
	for (size_t i = 0; i < d->nr_marked && !e; i++) {
		uint32_t id = d->marked[i];
		if (!goes_to_dist(bk_btf_type(d->split, id)))
			e = copy_to_split(d, id, u32map_get(&d->map, id));
	}
	return e;
}

/* Every ID of S (its base's included) -> its ID in D + S' (0: dropped). */
static int make_id_map(const struct distill *d, uint32_t **out)
{
	uint32_t cnt = bk_btf_type_cnt(d->split);
	uint32_t *map = calloc(cnt, sizeof(*map));
	if (!map)
		return bk_err(d->err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < d->nr_marked; i++)
		map[d->marked[i]] = u32map_get(&d->map, d->marked[i]);
	for (uint32_t id = d->base_cnt; id < cnt; id++)
		map[id] = id - d->id_shift;
	*out = map;
	return 0;
}

int bk_distill(const struct bk_btf *split, struct bk_btf **dist_base, struct bk_btf **new_split,
	       struct bk_error *err)
{
	return bk_distill_opts(split, NULL, dist_base, new_split, err);
}

int bk_distill_opts(const struct bk_btf *split, const struct bk_distill_opts *user_opts,
		    struct bk_btf **dist_base, struct bk_btf **new_split, struct bk_error *err)
{
	struct bk_distill_opts o;
	const struct bk_distill_opts *opts = &o;
	int oe = bk_opts_load(&o, sizeof(o), user_opts, "bk_distill_opts", err);
	if (oe)
		return oe;
	const struct bk_btf *base = bk_btf_base(split);
	if (!base) {
		bk_err_set_source(err, split->source, split->section);
		return bk_err_r(err, -EINVAL, BK_E_NOT_SPLIT,
				"not split BTF: there is no base to distill");
	}
	struct distill d = {.split = split, .base_cnt = bk_btf_type_cnt(base), .err = err};
	int e = -ENOMEM;
	d.dist = bk_btf_new(NULL);
	d.own_strs_off = bk_btf_start_str_off(split);
	d.own_cache_bits = 6;
	size_t own_slots = split->strs_len / OWN_CACHE_STRIDE;
	while (d.own_cache_bits < OWN_CACHE_MAX_BITS && own_slots >> d.own_cache_bits)
		d.own_cache_bits++;
	d.own_cache = bk_zalloc((size_t)1 << d.own_cache_bits, sizeof(*d.own_cache));
	if (u32map_init(&d.map, 1024) || u32map_init(&d.base_strs, 4096) || !d.own_cache ||
	    !d.dist) {
		bk_err(err, e, "out of memory");
		goto out;
	}
	/* write in the order the input had (libbpf does the same) */
	d.dist->swapped = split->swapped;
	e = bk_err_tag(err, mark_needed(&d, opts), BK_E_DISTILL);
	if (e)
		goto out;
	assign_ids(&d);
	e = build_dist(&d);
	if (!e && !(d.nsplit = bk_btf_new(d.dist)))
		e = bk_err(err, -ENOMEM, "out of memory");
	if (e)
		goto out;
	d.nsplit->swapped = split->swapped;
	/* S' gets about as many strings as S has (kernel names average 16 to
	 * 22 bytes): sized up front, its set seldom rehashes */
	if (bk_btf_expect_strs(d.nsplit, split->strs_len / 16 + 64)) {
		e = bk_err(err, -ENOMEM, "out of memory");
		goto out;
	}
	e = build_split(&d);
	if (!e && opts->id_map)
		e = make_id_map(&d, opts->id_map);
	for (size_t i = 0; !e && i < opts->nr_translate; i++) {
		uint32_t id = opts->translate_ids[i];
		opts->translate_ids[i] = id < bk_btf_type_cnt(split) ? new_id(&d, id) : 0;
	}
	if (e)
		goto out;
	*dist_base = d.dist;
	*new_split = d.nsplit;
	d.dist = d.nsplit = NULL;
out:
	bk_btf_free(d.nsplit);
	bk_btf_free(d.dist);
	u32map_free(&d.map);
	u32map_free(&d.base_strs);
	free(d.own_cache);
	free(d.marked);
	free(d.stack);
	return e;
}
