// SPDX-License-Identifier: MIT
/*
 * bpftool 7.8's order of `format c` (its sort_btf_c): every type ID,
 * sorted by
 *   1. a rank by kind: anonymous enums 0, named enums 1, ints and floats 2,
 *      named structs/unions 3, named prototypes 4, everything else 10; a
 *      named typedef, modifier, pointer or array takes its target's rank
 *      (as if the target were named);
 *   2. a sort name: the first enumerator of an anonymous enum, the target's
 *      own name for a typedef/modifier/pointer/array chain, else the name;
 *   3. the type's own name;
 *   4. a hash of names (the type's, its enumerators', its members' and
 *      their types', through chains), array sizes mixed in;
 *   5. the ID.
 * bpftool computes 1, 2 and 4 by recursion down the chain; here the end of
 * every chain and the chain's part of the hash are worked out once per
 * type, without recursion, and the hash only for the types that tie on
 * 1-3. The compare reads eight-byte big-endian prefixes of the two names
 * first, so that most compares need no strcmp.
 */
#include <stdlib.h>

#include "text/c_internal.h"

#define RANK_MAX 10

/* libbpf's str_hash: h * 31 + c over the bytes as (signed) char */
static uint64_t str_hash(const char *s)
{
	uint64_t h = 0;
	for (; *s; s++)
		h = h * 31 + (uint64_t)(int64_t)(signed char)*s;
	return h;
}

static uint64_t name_hasher(const struct cdump *d, uint64_t h, uint32_t name_off)
{
	return name_off ? h * 31 + str_hash(c_str(d, name_off)) : h;
}

static uint64_t be_prefix(const char *s)
{
	uint64_t k = 0;
	int i = 0;
	for (; i < 8 && s[i]; i++)
		k = k << 8 | (unsigned char)s[i];
	return k << (8 * (8 - i));
}

struct sorter {
	struct cdump *d;
	const char **sname;   /* by ID */
	uint64_t *k1, *k2;    /* by ID: rank and sort-name prefix, own-name prefix */
	uint64_t *hash;       /* by ID: the full hash, once computed */
	uint8_t *have_hash;
};

/* the hash of a chain's end with include_members false */
static uint64_t end_hash(const struct cdump *d, uint32_t id)
{
	const struct bk_type *t = d->types[id];
	uint64_t h = name_hasher(d, 0, t->name_off);
	unsigned kind = bk_kind(t);
	if (kind == BK_KIND_ENUM) {
		const struct bk_enum *v = bk_type_rest(t);
		for (uint32_t i = 0; i < bk_vlen(t); i++)
			h = name_hasher(d, h, v[i].name_off);
	} else if (kind == BK_KIND_ENUM64) {
		const struct bk_enum64 *v = bk_type_rest(t);
		for (uint32_t i = 0; i < bk_vlen(t); i++)
			h = name_hasher(d, h, v[i].name_off);
	}
	return h;
}

/* bpftool's btf_type_disambig_hash(id, false): the chain's part
 * (d->chain_hash: each link adds a constant) plus its end's */
static uint64_t member_type_hash(const struct cdump *d, uint32_t id)
{
	return d->chain_hash[id] + end_hash(d, d->end[id]);
}

/* btf_type_disambig_hash(id, true): a struct at the end of the chain mixes
 * in its members' names and their types' hashes */
static uint64_t type_hash(const struct cdump *d, uint32_t id)
{
	uint32_t e = d->end[id];
	const struct bk_type *t = d->types[e];
	uint64_t h = end_hash(d, e);
	if (c_is_composite(t)) {
		const struct bk_member *m = bk_type_rest(t);
		for (uint32_t i = 0; i < bk_vlen(t); i++, m++) {
			h = name_hasher(d, h, m->name_off);
			h = h * 31 + member_type_hash(d, m->type);
		}
	}
	return d->chain_hash[id] + h;
}

static uint64_t full_hash(struct sorter *s, uint32_t id)
{
	if (!s->have_hash[id]) {
		s->hash[id] = type_hash(s->d, id);
		s->have_hash[id] = 1;
	}
	return s->hash[id];
}

static int compare(struct sorter *s, uint32_t a, uint32_t b)
{
	if (s->k1[a] != s->k1[b])
		return s->k1[a] < s->k1[b] ? -1 : 1;
	int r = strcmp(s->sname[a], s->sname[b]);
	if (r)
		return r;
	if (s->k2[a] != s->k2[b])
		return s->k2[a] < s->k2[b] ? -1 : 1;
	r = strcmp(c_name(s->d, s->d->types[a]), c_name(s->d, s->d->types[b]));
	if (r)
		return r;
	uint64_t ha = full_hash(s, a), hb = full_hash(s, b);
	if (ha != hb)
		return ha < hb ? -1 : 1;
	return a < b ? -1 : a > b;
}

static unsigned rank_of(const struct cdump *d, uint32_t id)
{
	const struct bk_type *t = d->types[id];
	unsigned kind = bk_kind(t);
	if (!t->name_off) {
		if (kind == BK_KIND_ENUM || kind == BK_KIND_ENUM64)
			return 0;
		return kind == BK_KIND_INT || kind == BK_KIND_FLOAT ? 2 : RANK_MAX;
	}
	switch (bk_kind(d->types[d->end[id]])) {
	case BK_KIND_ENUM:
	case BK_KIND_ENUM64:
		return 1;
	case BK_KIND_INT:
	case BK_KIND_FLOAT:
		return 2;
	case BK_KIND_STRUCT:
	case BK_KIND_UNION:
		return 3;
	case BK_KIND_FUNC_PROTO:
		return 4;
	default:
		return RANK_MAX;
	}
}

static const char *sort_name_of(const struct cdump *d, uint32_t id)
{
	const struct bk_type *t = d->types[id];
	unsigned kind = bk_kind(t);
	if (d->end[id] != id)
		return c_name(d, d->types[d->end[id]]);
	if ((kind == BK_KIND_ENUM || kind == BK_KIND_ENUM64) && !t->name_off && bk_vlen(t))
		return c_str(d, ((const uint32_t *)bk_type_rest(t))[0]); /* first name_off */
	return c_name(d, t);
}

/* insertion sort of runs, then bottom-up merges: no recursion */
static int merge_sort(struct sorter *s, uint32_t *ids, size_t n)
{
	const size_t RUN = 16;
	for (size_t lo = 0; lo < n; lo += RUN) {
		size_t hi = lo + RUN < n ? lo + RUN : n;
		for (size_t i = lo + 1; i < hi; i++) {
			uint32_t v = ids[i];
			size_t j = i;
			for (; j > lo && compare(s, v, ids[j - 1]) < 0; j--)
				ids[j] = ids[j - 1];
			ids[j] = v;
		}
	}
	uint32_t *tmp = malloc(n * sizeof(*tmp)), *src = ids, *dst = tmp;
	if (!tmp)
		return -ENOMEM;
	for (size_t w = RUN; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				dst[k++] = compare(s, src[j], src[i]) < 0 ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		uint32_t *x = src;
		src = dst;
		dst = x;
	}
	if (src != ids)
		memcpy(ids, src, n * sizeof(*ids));
	free(tmp);
	return 0;
}

int c_sort_types(struct cdump *d, uint32_t *ids)
{
	uint32_t n = d->n;
	struct sorter s = {.d = d};
	s.sname = malloc(n * sizeof(*s.sname));
	s.k1 = malloc(n * sizeof(*s.k1));
	s.k2 = malloc(n * sizeof(*s.k2));
	s.hash = malloc(n * sizeof(*s.hash));
	s.have_hash = calloc(n, 1);
	int err = -ENOMEM;
	if (!s.sname || !s.k1 || !s.k2 || !s.hash || !s.have_hash)
		goto out;
	for (uint32_t id = 0; id < n; id++) {
		s.sname[id] = sort_name_of(d, id);
		/* the rank in the top byte, then 7 bytes of the sort name; a
		 * tie on it still needs the strcmp */
		s.k1[id] = (uint64_t)rank_of(d, id) << 56 | be_prefix(s.sname[id]) >> 8;
		s.k2[id] = be_prefix(c_name(d, d->types[id]));
		ids[id] = id;
	}
	err = merge_sort(&s, ids, n);
out:
	free(s.sname);
	free(s.k1);
	free(s.k2);
	free(s.hash);
	free(s.have_hash);
	return err;
}
