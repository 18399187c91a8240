// SPDX-License-Identifier: MIT
/*
 * The matcher (match.h): libbpf's candidate rules for relocating a
 * distilled base type, btfkit's two fixes, and libbpf's behaviour back on
 * request. libbpf walks the new base in ID order and binary-searches the
 * distilled base sorted by name (and size); here each distilled type looks
 * its name up in the new base's shared hash index and filters those types,
 * which gives the same candidates in the same ID order.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "module/match.h"

/* ---- which distilled types the split BTF embeds ---------------------------- */

/* Per split type, what it stands for when laid out in place, once known. */
enum { EMB_UNKNOWN = 0, EMB_VISITING = 1, EMB_NONE = 2, EMB_TARGET = 3 /* + target ID */ };

struct embed_walk {
	uint32_t *memo; /* per own split type: EMB_* */
	uint32_t *path; /* the split types of the chain being walked */
};

/* The next type in place of t: through modifiers (qualifiers, typedefs,
 * type tags) and arrays, never through a pointer; 0 when t is none. */
static uint32_t in_place_next(const struct bk_type *t)
{
	unsigned k = bk_kind(t);
	if (bk_kind_is_modifier(k))
		return t->type;
	if (k == BK_KIND_ARRAY)
		return ((const struct bk_array *)bk_type_rest(t))->type;
	return 0;
}

/* The STRUCT/UNION a member's type stands for when laid out in place, or 0.
 * Each split type's answer is remembered, so n members leading into one long
 * chain cost the chain once, not n times; a chain that comes back to a type
 * being walked is a cycle and stands for nothing (libbpf would loop). */
static uint32_t embedded_target(const struct bk_btf *s, struct embed_walk *w, uint32_t id)
{
	uint32_t depth = 0, result = 0;
	while (id) {
		const struct bk_type *t = bk_btf_type(s, id);
		if (!t)
			break;
		if (bk_kind_is_composite(bk_kind(t))) {
			result = id;
			break;
		}
		if (id < s->start_id) /* a distilled INT, ENUM, FWD...: nothing in place */
			break;
		uint32_t *m = &w->memo[id - s->start_id];
		if (*m >= EMB_NONE) {
			result = *m == EMB_NONE ? 0 : *m - EMB_TARGET;
			break;
		}
		if (*m == EMB_VISITING)
			break; /* a cycle */
		*m = EMB_VISITING;
		w->path[depth++] = id - s->start_id;
		id = in_place_next(t);
	}
	while (depth)
		w->memo[w->path[--depth]] = result ? result + EMB_TARGET : EMB_NONE;
	return result;
}

/* Every distilled STRUCT/UNION that a split STRUCT/UNION member holds in
 * place, with the first such member for diagnostics. */
static int mark_embedded(struct bk_matcher *m)
{
	const struct bk_btf *s = m->split;
	struct embed_walk w = {calloc(s->nr_types + 1, sizeof(uint32_t)),
			       malloc((s->nr_types + 1) * sizeof(uint32_t))};
	if (!w.memo || !w.path) {
		free(w.memo);
		free(w.path);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < s->nr_types; i++) {
		const struct bk_type *t = bk_own_type(s, i);
		if (!bk_kind_is_composite(bk_kind(t)))
			continue;
		const struct bk_member *mem = bk_type_rest(t);
		for (uint32_t k = 0; k < bk_vlen(t); k++) {
			uint32_t target = embedded_target(s, &w, mem[k].type);
			if (target && target < m->nr_dist && !m->embed[target].id)
				m->embed[target] = (struct bk_embed_site){s->start_id + i, k,
									  target != mem[k].type};
		}
	}
	free(w.memo);
	free(w.path);
	return 0;
}

/* ---- the rules ------------------------------------------------------------ */

/* libbpf's sort key keeps a size in a 31-bit field: the name-and-size test
 * compares the low 31 bits (the embedded test below compares all 32) */
#define KEY_SIZE_BITS 0x7fffffffu

/* The new-base kinds libbpf looks at: what a distilled base holds, and
 * ENUM64 (distill writes an ENUM64 as a sized ENUM). */
static bool looked_at(unsigned kind)
{
	return bk_kind_is_distilled(kind) || bk_kind_is_enum(kind);
}

/* libbpf compares sizes for INT, FLOAT and ENUM/ENUM64 always, and for a
 * STRUCT/UNION when the new base has several composites of that name. */
static bool size_passes(const struct bk_type *d, const struct bk_type *b,
			uint32_t composites_named_so)
{
	unsigned bk = bk_kind(b);
	bool needs_size = bk == BK_KIND_INT || bk == BK_KIND_FLOAT || bk_kind_is_enum(bk) ||
			  (bk_kind_is_composite(bk) && composites_named_so > 1);
	return !needs_size || (b->size & KEY_SIZE_BITS) == (d->size & KEY_SIZE_BITS);
}

static bool fwd_passes(const struct bk_type *d, const struct bk_type *b, bool quirks)
{
	unsigned bk = bk_kind(b);
	if (bk == BK_KIND_FWD)
		return bk_kflag(b) == bk_kflag(d);
	/* libbpf tests the candidate's kind_flag, which on a STRUCT/UNION
	 * means bitfields; btfkit the FWD's own (0 struct, 1 union) */
	bool is_union = quirks ? bk_kflag(b) : bk_kflag(d);
	if (bk == BK_KIND_STRUCT)
		return !is_union;
	if (bk == BK_KIND_UNION)
		return is_union;
	return false;
}

static bool composite_passes(const struct bk_type *d, const struct bk_type *b, bool embedded,
			     bool quirks)
{
	unsigned dk = bk_kind(d), bk = bk_kind(b);
	if (embedded && b->size != d->size)
		return false;
	if (quirks) /* libbpf takes any same-named kind here */
		return true;
	/* btfkit: the same kind, or a FWD of that kind when not embedded */
	return bk == dk ||
	       (bk == BK_KIND_FWD && !embedded && bk_kflag(b) == (dk == BK_KIND_UNION));
}

static bool kind_passes(const struct bk_type *d, const struct bk_type *b, bool embedded,
			bool quirks)
{
	unsigned dk = bk_kind(d), bk = bk_kind(b);
	if (bk_kind_is_composite(dk))
		return composite_passes(d, b, embedded, quirks);
	switch (dk) {
	case BK_KIND_FWD:
		return fwd_passes(d, b, quirks);
	case BK_KIND_INT:
		return bk == BK_KIND_INT &&
		       bk_int_encoding(*(const uint32_t *)bk_type_rest(b)) ==
			       bk_int_encoding(*(const uint32_t *)bk_type_rest(d));
	case BK_KIND_FLOAT:
		return bk == BK_KIND_FLOAT;
	case BK_KIND_ENUM: /* an ENUM64 too: distill writes it as a sized ENUM */
		return bk_kind_is_enum(bk);
	default:
		return false;
	}
}

/* ---- the API -------------------------------------------------------------- */

int bk_matcher_init(struct bk_matcher *m, const struct bk_btf *split,
		    const struct bk_btf *new_base, bool quirks)
{
	memset(m, 0, sizeof(*m));
	m->split = split;
	m->dist = split->base;
	m->base = new_base;
	m->quirks = quirks;
	m->nr_dist = bk_btf_type_cnt(m->dist);
	m->embed = calloc(m->nr_dist, sizeof(*m->embed));
	m->named_cap = 64;
	m->named = malloc(m->named_cap * sizeof(*m->named));
	if (!m->embed || !m->named || mark_embedded(m)) {
		bk_matcher_free(m);
		return -ENOMEM;
	}
	return 0;
}

/* ---- candidates by one pass over the new base -------------------------------- */

/* The distilled names in groups of equal names, sorted; each new-base type
 * of a group's name, in ID order. */
struct bk_match_scan {
	uint32_t *group_of;  /* per distilled ID: its group + 1, 0 unnamed */
	const char **names;  /* per group, sorted */
	uint32_t *first;     /* per group + 1: where its candidates start in ids */
	uint32_t *ids;
	size_t nr_groups;
};

static void scan_free(struct bk_match_scan *sc)
{
	if (!sc)
		return;
	free(sc->group_of);
	free(sc->names);
	free(sc->first);
	free(sc->ids);
	free(sc);
}

void bk_matcher_free(struct bk_matcher *m)
{
	free(m->embed);
	free(m->named);
	scan_free(m->scan);
	m->embed = NULL;
	m->named = NULL;
	m->scan = NULL;
}

/* Names are turned away on their first two bytes (the second is the NUL
 * of a one-letter name), as a number that sorts as strcmp does. */
static uint32_t name_key(const char *name)
{
	return (uint32_t)(uint8_t)name[0] << 8 | (uint8_t)name[1];
}

struct named_id {
	const char *name;
	uint32_t id;
};

static int cmp_named(const void *a, const void *b)
{
	const struct named_id *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* The group named name, or -1: among the groups whose names share its key
 * (contiguous, the names being sorted). */
static long find_group(const struct bk_match_scan *sc, const char *name)
{
	size_t lo = 0, hi = sc->nr_groups;
	uint32_t key = name_key(name);
	while (lo < hi) { /* the first group whose key is not below */
		size_t mid = lo + (hi - lo) / 2;
		if (name_key(sc->names[mid]) < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < sc->nr_groups && name_key(sc->names[lo]) == key; lo++)
		if (!strcmp(sc->names[lo], name))
			return (long)lo;
	return -1;
}

/* The distilled names sorted into groups; the keys they start with. */
static int scan_groups(struct bk_match_scan *sc, const struct bk_btf *dist, uint32_t nr_dist,
		       uint64_t *keys)
{
	struct named_id *v = malloc((nr_dist ? nr_dist : 1) * sizeof(*v));
	size_t n = 0;
	if (!v)
		return -ENOMEM;
	for (uint32_t id = 1; id < nr_dist; id++) {
		const char *name = bk_btf_str(dist, bk_btf_type(dist, id)->name_off);
		if (name && *name)
			v[n++] = (struct named_id){name, id};
	}
	qsort(v, n, sizeof(*v), cmp_named);
	for (size_t i = 0; i < n; i++) {
		if (!sc->nr_groups || strcmp(sc->names[sc->nr_groups - 1], v[i].name))
			sc->names[sc->nr_groups++] = v[i].name;
		sc->group_of[v[i].id] = (uint32_t)sc->nr_groups;
		keys[name_key(v[i].name) / 64] |= 1ull << (name_key(v[i].name) % 64);
	}
	free(v);
	return 0;
}

/* One pass over the base: (group, ID) pairs in ID order, then counted into
 * place by group (stable: each group's IDs stay in ID order). */
static int scan_pass(struct bk_match_scan *sc, const struct bk_btf *base, const uint64_t *keys)
{
	uint32_t *pairs = NULL, cnt = bk_btf_type_cnt(base);
	size_t n = 0, cap = 0;
	for (uint32_t id = 1; id < cnt; id++) {
		const char *name = bk_btf_str(base, bk_own_type(base, id - 1)->name_off);
		if (!name || !*name || !(keys[name_key(name) / 64] >> (name_key(name) % 64) & 1))
			continue;
		long g = find_group(sc, name);
		if (g < 0)
			continue;
		/* room for two: n and n + 1 */
		uint32_t *grown = bk_grow_array(pairs, &cap, n + 1, sizeof(*pairs), 256);
		if (!grown) {
			free(pairs);
			return -ENOMEM;
		}
		pairs = grown;
		pairs[n++] = (uint32_t)g;
		pairs[n++] = id;
	}
	sc->ids = malloc((n / 2 + 1) * sizeof(*sc->ids));
	if (!sc->ids) {
		free(pairs);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i += 2)
		sc->first[pairs[i] + 1]++;
	for (size_t g = 0; g < sc->nr_groups; g++)
		sc->first[g + 1] += sc->first[g];
	uint32_t *next = calloc(sc->nr_groups + 1, sizeof(*next));
	if (!next) {
		free(pairs);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i += 2)
		sc->ids[sc->first[pairs[i]] + next[pairs[i]]++] = pairs[i + 1];
	free(next);
	free(pairs);
	return 0;
}

int bk_matcher_scan_base(struct bk_matcher *m)
{
	if (bk_btf_base(m->base) || atomic_load(&m->base->nidx))
		return 0; /* the index is there (or a chain): bk_btf_find */
	struct bk_match_scan *sc = calloc(1, sizeof(*sc));
	uint64_t *keys = calloc(65536 / 64, sizeof(*keys));
	int e = -ENOMEM;
	if (sc && keys) {
		sc->group_of = calloc(m->nr_dist + 1, sizeof(*sc->group_of));
		sc->names = malloc((m->nr_dist + 1) * sizeof(*sc->names));
		sc->first = calloc(m->nr_dist + 2, sizeof(*sc->first));
	}
	if (sc && keys && sc->group_of && sc->names && sc->first &&
	    !(e = scan_groups(sc, m->dist, m->nr_dist, keys)))
		e = scan_pass(sc, m->base, keys);
	free(keys);
	if (e) {
		scan_free(sc);
		return e;
	}
	m->scan = sc;
	return 0;
}

/* The new-base types named like distilled type dist_id, in ID order. */
static int lookup(struct bk_matcher *m, uint32_t dist_id, const char *name)
{
	if (m->scan) {
		const struct bk_match_scan *sc = m->scan;
		uint32_t g = sc->group_of[dist_id];
		m->nr_named = g ? sc->first[g] - sc->first[g - 1] : 0;
		if (m->nr_named > m->named_cap) {
			uint32_t *c = realloc(m->named, m->nr_named * sizeof(*c));
			if (!c)
				return -ENOMEM;
			m->named = c;
			m->named_cap = m->nr_named;
		}
		if (m->nr_named)
			memcpy(m->named, sc->ids + sc->first[g - 1], m->nr_named * sizeof(*m->named));
		return 0;
	}
	for (;;) {
		m->nr_named = bk_btf_find(m->base, name, -1, m->named, m->named_cap);
		if (m->nr_named <= m->named_cap)
			return 0;
		uint32_t *c = realloc(m->named, m->nr_named * sizeof(*c));
		if (!c)
			return -ENOMEM;
		m->named = c;
		m->named_cap = m->nr_named;
	}
}

/* How many composites the new base names with b's name offset: libbpf
 * counts per offset, not per name (all of them are among the named). */
static uint32_t composites_named_as(const struct bk_matcher *m, const struct bk_type *b)
{
	uint32_t n = 0;
	for (size_t j = 0; j < m->nr_named; j++) {
		const struct bk_type *o = bk_btf_type(m->base, m->named[j]);
		n += bk_kind_is_composite(bk_kind(o)) && o->name_off == b->name_off;
	}
	return n;
}

int bk_match(struct bk_matcher *m, uint32_t dist_id, uint32_t *ids, size_t cap, size_t *nr)
{
	const struct bk_type *d = bk_btf_type(m->dist, dist_id);
	bool embedded = bk_matcher_embedded(m, dist_id);
	int e = lookup(m, dist_id, bk_btf_str(m->dist, d->name_off));
	*nr = 0;
	if (e)
		return e;
	for (size_t i = 0; i < m->nr_named; i++) {
		const struct bk_type *b = bk_btf_type(m->base, m->named[i]);
		unsigned bk = bk_kind(b);
		if (!looked_at(bk))
			continue;
		uint32_t composites = bk_kind_is_composite(bk) ? composites_named_as(m, b) : 0;
		if (!size_passes(d, b, composites) || !kind_passes(d, b, embedded, m->quirks))
			continue;
		if (*nr < cap)
			ids[*nr] = m->named[i];
		(*nr)++;
	}
	return 0;
}
