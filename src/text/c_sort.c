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

static uint64_t name_hasher(const struct cdump *d, uint64_t h, uint32_t name_off)
{
	return name_off ? h * 31 + c_str_hash(c_str(d, name_off)) : h;
}

static uint64_t be_prefix(const char *s)
{
	uint64_t k = 0;
	int i = 0;
	for (; i < 8 && s[i]; i++)
		k = k << 8 | (unsigned char)s[i];
	return i ? k << (8 * (8 - i)) : 0;
}

/* one type in a run of equal keys, and what breaks the tie */
struct tie {
	const char *sname;
	uint64_t oprefix, hash;
	uint32_t id;
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

/* btf_type_disambig_hash(id, true) is the chain's part plus this of its
 * end: a struct there mixes in its members' names and their types' hashes */
static uint64_t end_hash_members(const struct cdump *d, uint32_t e)
{
	const struct bk_type *t = d->types[e];
	uint64_t h = end_hash(d, e);
	if (c_is_composite(t)) {
		const struct bk_member *m = bk_type_rest(t);
		for (uint32_t i = 0; i < bk_vlen(t); i++, m++) {
			h = name_hasher(d, h, m->name_off);
			h = h * 31 + member_type_hash(d, m->type);
		}
	}
	return h;
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

/* the hashes of chain ends with members, by the end's ID */
struct hash_memo {
	uint64_t *hash;
	uint8_t *have;
};

static uint64_t tie_hash(const struct cdump *d, struct hash_memo *memo, uint32_t id)
{
	uint32_t e = d->end[id];
	if (!(memo->have[e / 8] & (1u << (e % 8)))) {
		memo->hash[e] = end_hash_members(d, e);
		memo->have[e / 8] |= (uint8_t)(1u << (e % 8));
	}
	return d->chain_hash[id] + memo->hash[e];
}

/* bpftool's btf_type_compare for two types whose rank and first seven
 * sort-name bytes are equal */
static int compare_tie(const struct cdump *d, struct hash_memo *memo, struct tie *a,
		       struct tie *b)
{
	/* names are mostly deduplicated: the same string is the same pointer */
	int r = a->sname == b->sname ? 0 : strcmp(a->sname, b->sname);
	if (r)
		return r;
	if (a->oprefix != b->oprefix)
		return a->oprefix < b->oprefix ? -1 : 1;
	const char *oa = c_name(d, d->types[a->id]), *ob = c_name(d, d->types[b->id]);
	r = oa == ob ? 0 : strcmp(oa, ob);
	if (r)
		return r;
	(void)memo;
	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* insertion sort of short runs, then bottom-up merges: no recursion */
static int sort_ties(const struct cdump *d, struct hash_memo *memo, struct tie *v, size_t n,
		     struct tie *tmp)
{
	const size_t RUN = 8;
	for (size_t lo = 0; lo < n; lo += RUN) {
		size_t hi = lo + RUN < n ? lo + RUN : n;
		for (size_t i = lo + 1; i < hi; i++) {
			struct tie x = v[i];
			size_t j = i;
			for (; j > lo && compare_tie(d, memo, &x, &v[j - 1]) < 0; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
	}
	struct tie *src = v, *dst = tmp;
	for (size_t w = RUN; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				dst[k++] = compare_tie(d, memo, &src[j], &src[i]) < 0 ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		struct tie *x = src;
		src = dst;
		dst = x;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	return 0;
}

/*
 * One word a type: the rank (4 bits), as much of the sort name's prefix as
 * fits, and the ID in the low id_bits. Sorting the words by their high
 * bits (a stable LSD radix sort over words that start in ID order) orders
 * by rank and prefix, ties in ID order; the ID comes back from the low bits.
 */
struct keys {
	unsigned id_bits;
	uint64_t id_mask;
};

static uint64_t pack_key(const struct keys *k, unsigned rank, const char *sname, uint32_t id)
{
	return (uint64_t)rank << 60 | (be_prefix(sname) >> 4 & ~k->id_mask & (~0ull >> 4)) | id;
}

static void radix_sort(uint64_t *v, uint64_t *tmp, size_t n, unsigned low_bit)
{
	enum { BITS = 11, BUCKETS = 1 << BITS };
	for (unsigned shift = low_bit; shift < 64; shift += BITS) {
		size_t count[BUCKETS] = {0};
		for (size_t i = 0; i < n; i++)
			count[(v[i] >> shift) & (BUCKETS - 1)]++;
		if (count[(v[0] >> shift) & (BUCKETS - 1)] == n)
			continue; /* one digit for all: nothing moves */
		size_t sum = 0;
		for (size_t b = 0; b < BUCKETS; b++) {
			size_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[(v[i] >> shift) & (BUCKETS - 1)]++] = v[i];
		memcpy(v, tmp, n * sizeof(*v));
	}
}

/* each run of equal keys by the rest of bpftool's compare; the hashes of
 * struct ends (with members: the costly part) memoised in memo */
static int sort_runs(struct cdump *d, const struct keys *k, const uint64_t *v, size_t n,
		     uint32_t *ids, struct hash_memo *memo)
{
	struct tie *ties = NULL, *tmp = NULL;
	size_t cap = 0;
	for (size_t lo = 0, hi; lo < n; lo = hi) {
		uint64_t key = v[lo] & ~k->id_mask;
		for (hi = lo + 1; hi < n && (v[hi] & ~k->id_mask) == key; hi++)
			;
		size_t len = hi - lo;
		if (len == 1) {
			ids[lo] = (uint32_t)(v[lo] & k->id_mask);
			continue;
		}
		if (len > cap) {
			free(ties);
			free(tmp);
			cap = len;
			ties = malloc(cap * sizeof(*ties));
			tmp = malloc(cap * sizeof(*tmp));
			if (!ties || !tmp) {
				free(ties);
				free(tmp);
				return -ENOMEM;
			}
		}
		for (size_t i = 0; i < len; i++) {
			uint32_t id = (uint32_t)(v[lo + i] & k->id_mask);
			ties[i] = (struct tie){sort_name_of(d, id), be_prefix(c_name(d, d->types[id])),
					       tie_hash(d, memo, id), id};
		}
		sort_ties(d, memo, ties, len, tmp);
		for (size_t i = 0; i < len; i++)
			ids[lo + i] = ties[i].id;
	}
	free(ties);
	free(tmp);
	return 0;
}

int c_sort_types(struct cdump *d, uint32_t *ids)
{
	uint32_t n = d->n;
	struct keys k = {1, 1};
	while (k.id_bits < 32 && (1ull << k.id_bits) < n)
		k.id_bits++;
	k.id_mask = (1ull << k.id_bits) - 1;
	uint64_t *v = malloc(n * sizeof(*v)), *tmp = malloc(n * sizeof(*tmp));
	struct hash_memo memo = {0};
	int err = -ENOMEM;
	if (v && tmp) {
		for (uint32_t id = 0; id < n; id++)
			v[id] = pack_key(&k, rank_of(d, id), sort_name_of(d, id), id);
		radix_sort(v, tmp, n, k.id_bits);
		/* the scratch becomes the hash memo */
		memo.hash = tmp;
		memo.have = calloc(n / 8 + 1, 1);
		tmp = NULL;
		if (memo.have)
			err = sort_runs(d, &k, v, n, ids, &memo);
	}
	free(v);
	free(tmp);
	free(memo.hash);
	free(memo.have);
	return err;
}
