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
 * type, without recursion. No string comparison is left in the sort
 * itself: the names in use are numbered once in strcmp order (c_names.c),
 * so that 1-3 pack into one
 * integer key a type, which a radix sort orders; the hash is computed
 * only for the types whose keys tie. Only the types whose place matters
 * are sorted (c_sort_place_matters), by position; the numbering also
 * finds the names that can be given out only once (d->single). The
 * tables lie in one block, of huge pages where it is large.
 */
#include <stdlib.h>

#include "text/c_internal.h"
#include "text/c_sortkit.h"

#define RANK_MAX 10

/* Σ b_j 31^(7-j) of the eight bytes b_j of x (b_0 its lowest), each below
 * 0x80: pairs, then quads, then the two halves, each step one multiply */
static inline uint64_t hash_word(uint64_t x)
{
	const uint64_t lo8 = 0x00ff00ff00ff00ffull, lo16 = 0x0000ffff0000ffffull;
	uint64_t p = (x & lo8) * 31 + ((x >> 8) & lo8);
	uint64_t q = (p & lo16) * (31 * 31) + ((p >> 16) & lo16);
	return (q & 0xffffffffull) * (31 * 31 * 31 * 31) + (q >> 32);
}

static const uint64_t pow31[9] = {1,         31,        961,          29791,         923521,
				  28629151, 887503681, 27512614111ull, 852891037441ull};

/* c_str_hash of the name at off, eight bytes at a time where they are
 * there to read and all below 0x80 (a char above: byte by byte, signed) */
static uint64_t name_str_hash(const struct cdump *d, uint32_t off)
{
	const char *lim, *s = c_str_lim(d, off, &lim);
	uint64_t h = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (lim - s >= 8) {
		uint64_t x, zero;
		memcpy(&x, s, 8);
		zero = out_bytes_below(x, 1);
		if (zero) {
			unsigned k = (unsigned)__builtin_ctzll(zero) / 8; /* the bytes before the NUL */
			if (!k)
				return h;
			x <<= 64 - 8 * k;
			if (x & OUT_HIGHS)
				break;
			return h * pow31[k] + hash_word(x);
		}
		if (x & OUT_HIGHS)
			break;
		h = h * pow31[8] + hash_word(x);
		s += 8;
	}
#endif
	for (; *s; s++)
		h = h * 31 + (uint64_t)(int64_t)(signed char)*s;
	return h;
}

static uint64_t name_hasher(const struct cdump *d, uint64_t h, uint32_t name_off)
{
	return name_off ? h * 31 + name_str_hash(d, name_off) : h;
}

/* the hash of a chain's end with include_members false */
static uint64_t end_hash(const struct cdump *d, uint32_t id)
{
	const struct bk_type *t = c_type(d, id);
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
 * (c_chain_hash: each link adds a constant) plus its end's */
static uint64_t member_type_hash(const struct cdump *d, uint32_t id)
{
	return c_chain_hash(d, id) + end_hash(d, d->end[id]);
}

/* member_type_hash of recent member types, by ID + 1 (0: none): the same
 * few types come back in member after member; after them (SEEN_HASHES on)
 * the string hashes of recent member names, by offset (not 0): half of the
 * names come back too ("next", "flags", ...), read from all over the
 * string table */
struct seen_hash {
	uint32_t id1;
	uint64_t hash;
};

#define SEEN_HASHES 4096

static uint64_t member_name_hasher(const struct cdump *d, uint64_t h, uint32_t name_off,
				   struct seen_hash *names)
{
	if (!name_off)
		return h;
	struct seen_hash *sn = &names[(uint32_t)(name_off * 0x9e3779b1u) >> 20];
	if (sn->id1 != name_off)
		*sn = (struct seen_hash){name_off, name_str_hash(d, name_off)};
	return h * 31 + sn->hash;
}

/* btf_type_disambig_hash(id, true) is the chain's part plus this of its
 * end: a struct there mixes in its members' names and their types' hashes */
static uint64_t end_hash_members(const struct cdump *d, uint32_t e, struct seen_hash *seen)
{
	const struct bk_type *t = c_type(d, e);
	uint64_t h = end_hash(d, e);
	if (c_is_composite(t)) {
		const struct bk_member *m = bk_type_rest(t);
		for (uint32_t i = 0; i < bk_vlen(t); i++, m++) {
			struct seen_hash *sh = seen ? &seen[m->type % SEEN_HASHES] : NULL;
			h = seen ? member_name_hasher(d, h, m->name_off, seen + SEEN_HASHES)
				 : name_hasher(d, h, m->name_off);
			if (sh && sh->id1 == m->type + 1) {
				h = h * 31 + sh->hash;
				continue;
			}
			uint64_t th = member_type_hash(d, m->type);
			if (sh)
				*sh = (struct seen_hash){m->type + 1, th};
			h = h * 31 + th;
		}
	}
	return h;
}

/* the rank by kind, from the kinds noted (name_off: the type's) */
static unsigned rank_of(const struct cdump *d, uint32_t id, uint32_t name_off)
{
	unsigned kind = d->kind[id];
	if (!name_off) {
		if (bk_kind_is_enum(kind))
			return 0;
		return kind == BK_KIND_INT || kind == BK_KIND_FLOAT ? 2 : RANK_MAX;
	}
	switch (d->kind[d->end[id]]) {
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

/* the sort name's string offset (0: none): a chain end's own name, the
 * first enumerator of an anonymous enum, else the type's name */
static uint32_t sort_name_off(const struct cdump *d, uint32_t id)
{
	const struct bk_type *t = c_type(d, id);
	unsigned kind = bk_kind(t);
	if (d->end[id] != id)
		return c_type(d, d->end[id])->name_off;
	if (bk_kind_is_enum(kind) && !t->name_off && bk_vlen(t))
		return ((const struct bk_enum *)bk_type_rest(t))->name_off; /* the same in enum64 */
	return t->name_off;
}

/* A sort's state: the IDs sorted (by position), one key a position (rank,
 * sort name's number, name's number, packed into the low bits), the
 * position field of the words sorted. */
struct sorter {
	struct cdump *d;
	uint32_t m;     /* the IDs sorted */
	uint32_t *sel;  /* them by position, in ID order (the caller's ids) */
	uint32_t *pos;  /* the positions in sorted order */
	unsigned pos_bits;
	unsigned name_bits;      /* the names' numbers in a key: its low bits */
	uint64_t pos_mask;
	uint64_t *key, *w, *tmp; /* m each */
	void *tables;            /* the mapping that holds key, w, tmp and pos */
	size_t tables_sz;
};

/* the words from w to the end of the tables (w, tmp, pos): scratch before
 * the keys are sorted */
static size_t scratch_words(const struct sorter *s)
{
	return (size_t)s->m * 2 + s->m / 2;
}

/* The two names of each type into its key's room, for the keys, and the
 * enumerators' (for c_names_count) marked; how many marks, at most that
 * many offsets to list (room not written costs nothing). */
static size_t mark_names(struct sorter *s, struct c_names *nm)
{
	const struct cdump *d = s->d;
	size_t marks = 1;
	for (uint32_t p = 0; p < s->m; p++) {
		const struct bk_type *t = c_type(d, s->sel[p]);
		uint32_t sort_name = sort_name_off(d, s->sel[p]);
		s->key[p] = (uint64_t)sort_name << 32 | t->name_off;
		c_names_mark(nm, t->name_off);
		if (sort_name != t->name_off)
			c_names_mark(nm, sort_name);
		marks += 2;
		if (!bk_kind_is_enum(bk_kind(t)))
			continue;
		for (uint32_t i = 0; i < bk_vlen(t); i++)
			c_names_mark(nm, c_enumerator_name_off(t, i));
		marks += bk_vlen(t);
	}
	return marks;
}

/* The keys sorted where key and position fit a word, with one radix sort;
 * the key of rank RANK_MAX and no names (anonymous prototypes, structs,
 * pointers to them: half of the running kernel's) left out of it: it is
 * the least of its rank, so those positions, in order, go in after the
 * keys of lower ranks. The sorted keys into tmp. */
static void sort_by_key_word(struct sorter *s, uint32_t *pos)
{
	const uint64_t last = (uint64_t)RANK_MAX << (2 * s->name_bits);
	uint32_t n = 0, z = 0;
	for (uint32_t p = 0; p < s->m; p++) {
		if (s->key[p] == last)
			pos[z++] = p; /* (for now in front) */
		else
			s->w[n++] = s->key[p] << s->pos_bits | p;
	}
	c_radix_sort(s->w, s->tmp, n, s->pos_bits, s->pos_bits + 2 * s->name_bits + 4);
	uint32_t before = 0;
	while (before < n && (s->w[before] >> s->pos_bits) < last)
		before++;
	memmove(pos + before, pos, z * sizeof(*pos));
	for (uint32_t i = 0; i < n; i++) {
		uint32_t at = i < before ? i : i + z;
		pos[at] = (uint32_t)(s->w[i] & s->pos_mask);
		s->tmp[at] = s->w[i] >> s->pos_bits;
	}
	for (uint32_t i = before; i < before + z; i++)
		s->tmp[i] = last;
}

/* Sort the positions by key (kbits wide): LSD over chunks of the key
 * that fit above the position in a word, each chunk a stable radix sort
 * (one, where the key and the position fit a word); then the keys in
 * sorted order into tmp, where the runs are read from. */
static void sort_by_key(struct sorter *s, uint32_t *pos, unsigned kbits)
{
	unsigned room = 64 - s->pos_bits;
	if (kbits <= room) {
		sort_by_key_word(s, pos);
		return;
	}
	for (uint32_t i = 0; i < s->m; i++)
		pos[i] = i;
	for (unsigned lo = 0; lo < kbits; lo += room) {
		unsigned w = kbits - lo < room ? kbits - lo : room;
		uint64_t mask = w >= 64 ? ~0ull : (1ull << w) - 1;
		for (uint32_t i = 0; i < s->m; i++)
			s->w[i] = ((s->key[pos[i]] >> lo) & mask) << s->pos_bits | pos[i];
		c_radix_sort(s->w, s->tmp, s->m, s->pos_bits, s->pos_bits + w);
		for (uint32_t i = 0; i < s->m; i++)
			pos[i] = (uint32_t)(s->w[i] & s->pos_mask);
	}
	for (uint32_t i = 0; i < s->m; i++)
		s->tmp[i] = s->key[pos[i]];
}

/* The runs of equal keys in sorted order (tmp): where each starts (a bit a
 * position, and one past the end), so that the keys can go. */
static void mark_runs(const struct sorter *s, uint64_t *starts)
{
	const uint64_t *key = s->tmp;
	starts[0] |= 1;
	for (uint32_t i = 1; i < s->m; i++)
		starts[i / 64] |= (uint64_t)(key[i] != key[i - 1]) << (i % 64);
	starts[s->m / 64] |= 1ull << (s->m % 64);
}

/* where the run from lo ends: the next start (there is one at m) */
static size_t run_end(const struct sorter *s, const uint64_t *starts, size_t lo)
{
	size_t i = lo + 1, at = i / 64;
	uint64_t x = starts[at] & (~0ull << (i % 64));
	while (!x)
		x = starts[++at];
	size_t hi = at * 64 + (unsigned)__builtin_ctzll(x);
	return hi < s->m ? hi : s->m;
}

/* The chain ends that types in runs reach, their hashes by rank. */
struct ends {
	struct c_ranked need;
	uint64_t *hash;
};

/* an end whose hash is its name's alone (no enumerators, no members) */
static bool hashes_its_name_only(const struct cdump *d, uint32_t id)
{
	unsigned kind = d->kind[id];
	return !bk_kind_is_enum(kind) && !bk_kind_is_composite(kind);
}

/* the hash of an end in a run: its slot's, 0 when it has none */
static uint64_t tied_end_hash(const struct ends *en, uint32_t e)
{
	return c_ranked_has(&en->need, e) ? en->hash[c_ranked_rank(&en->need, e)] : 0;
}

static void mark_tied_ends(const struct sorter *s, const uint32_t *pos, const uint64_t *starts,
			   struct ends *en)
{
	const struct cdump *d = s->d;
	for (size_t lo = 0, hi; lo < s->m; lo = hi) {
		hi = run_end(s, starts, lo);
		for (size_t i = lo; hi - lo > 1 && i < hi; i++) {
			uint32_t id = s->sel[pos[i]], e = d->end[id];
			if (e == id && hashes_its_name_only(d, id) &&
			    !(s->tmp[i] & ((1ull << s->name_bits) - 1)))
				continue; /* no name (its number 0): hash 0, unread */
			c_ranked_add(&en->need, e);
		}
	}
}

/* The hashes of the chain ends that types in runs reach, into their slots,
 * computed in ID order (the types and their names lie in that order in
 * memory, where the sorted order would jump about), by chunks of them that
 * the helper thread shares (c_share_job: it is idle by now, its printing
 * ahead done), each worker with a cache of its own. */
#define HASH_CHUNKS 64

struct hash_job {
	const struct cdump *d;
	struct ends *en;
	uint32_t nr;               /* the ends */
	size_t words;
	struct seen_hash *seen[2]; /* by worker (NULL: no caches) */
};

/* the first word of need's bits that holds the rank-th member, or one
 * past them all */
static size_t word_of_rank(const struct c_ranked *need, size_t words, uint32_t rank)
{
	size_t lo = 0, hi = words;
	while (lo < hi) { /* the first word with more than rank before its end */
		size_t mid = lo + (hi - lo) / 2;
		if (need->before[mid] + c_popcount64(need->bits[mid]) > rank)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* the ends of ranks [nr * chunk / HASH_CHUNKS, nr * (chunk + 1) / ...):
 * as many in each chunk, as their cost varies with the IDs (structs with
 * many members lie together) */
static void hash_chunk(void *arg, uint32_t chunk, unsigned worker)
{
	const struct hash_job *j = arg;
	const struct c_ranked *need = &j->en->need;
	uint32_t slot = (uint32_t)((uint64_t)j->nr * chunk / HASH_CHUNKS);
	uint32_t to = (uint32_t)((uint64_t)j->nr * (chunk + 1) / HASH_CHUNKS);
	for (size_t i = word_of_rank(need, j->words, slot); slot < to; i++) {
		uint64_t left = need->bits[i];
		for (uint32_t skip = slot - need->before[i]; skip; skip--)
			left &= left - 1; /* (those are the chunk before's) */
		for (; left && slot < to; left &= left - 1) {
			uint32_t e = (uint32_t)(i * 64 + (unsigned)__builtin_ctzll(left));
			j->en->hash[slot++] = end_hash_members(j->d, e, j->seen[worker]);
		}
	}
}

static int hash_tied_ends(const struct sorter *s, const uint32_t *pos, const uint64_t *starts,
			  struct ends *en)
{
	struct cdump *d = s->d;
	if (c_ranked_alloc(&en->need, d->n))
		return -ENOMEM;
	mark_tied_ends(s, pos, starts, en);
	uint32_t nr = c_ranked_count(&en->need, d->n);
	if (!(en->hash = malloc((nr ? nr : 1) * sizeof(*en->hash))))
		return -ENOMEM;
	/* the two caches in the keys' room, free until the runs are sorted
	 * and touched already, where it holds them (else fresh, zeroed) */
	size_t caches = 2 * 2 * SEEN_HASHES * sizeof(struct seen_hash);
	bool room = s->m * sizeof(*s->key) >= caches;
	struct seen_hash *own = room ? NULL : bk_zalloc(caches, 1); /* (NULL: no caches) */
	struct seen_hash *seen = room ? (struct seen_hash *)(void *)s->key : own;
	if (room)
		memset(seen, 0, caches);
	struct hash_job job = {d, en, nr, d->n / 64 + 1, {seen, seen ? seen + 2 * SEEN_HASHES : NULL}};
	c_share_job(d, &(struct c_job){hash_chunk, &job, HASH_CHUNKS});
	free(own);
	return 0;
}

/* Each run of equal keys by bpftool's hash, stable (ties stay in ID
 * order). Hash 0 (anonymous prototypes: most of the longest run) sorts
 * first: those in place, the others after them, sorted as their indexes
 * in the run: the hashes by index in the keys' room (free now), the
 * positions and indexes in the words', the indexes merged in tmp's. */
#define HASH_LESS(a, b) (hv[*(a)] < hv[*(b)])

/* the run [lo, hi): its scratch is its positions' part of each buffer, so
 * that runs are sorted side by side */
static void sort_run(const struct sorter *s, uint32_t *pos, size_t lo, size_t hi,
		     const struct ends *en)
{
	const struct cdump *d = s->d;
	uint64_t *hv = s->key + lo;
	uint32_t *at = (uint32_t *)s->w + lo, *v = (uint32_t *)s->w + s->m + lo;
	uint32_t *tmp = (uint32_t *)s->tmp + lo;
	size_t len = hi - lo, zeros = 0, others = 0;
	for (size_t i = 0; len > 1 && i < len; i++) {
		uint32_t p = pos[lo + i], id = s->sel[p];
		uint64_t h = c_chain_hash(d, id) + tied_end_hash(en, d->end[id]);
		if (!h) {
			pos[lo + zeros++] = p;
			continue;
		}
		hv[others] = h;
		at[others] = p;
		v[others] = (uint32_t)others;
		others++;
	}
	MERGE_SORT(uint32_t, v, others, tmp, HASH_LESS);
	for (size_t k = 0; k < others; k++)
		pos[lo + zeros + k] = at[v[k]];
}

/* by chunks of positions that the helper shares (c_share_job), each
 * sorting the runs that begin in it */
#define RUN_CHUNKS 64

struct runs_job {
	const struct sorter *s;
	uint32_t *pos;
	const uint64_t *starts;
	const struct ends *en;
};

static void sort_runs_chunk(void *arg, uint32_t chunk, unsigned worker)
{
	const struct runs_job *j = arg;
	const struct sorter *s = j->s;
	size_t from = (size_t)((uint64_t)s->m * chunk / RUN_CHUNKS);
	size_t to = (size_t)((uint64_t)s->m * (chunk + 1) / RUN_CHUNKS);
	(void)worker;
	/* (the first run that begins at from or after) */
	for (size_t lo = from ? run_end(s, j->starts, from - 1) : 0, hi; lo < to; lo = hi) {
		hi = run_end(s, j->starts, lo);
		sort_run(s, j->pos, lo, hi, j->en);
	}
}

static void sort_runs(struct sorter *s, uint32_t *pos, const uint64_t *starts,
		      const struct ends *en)
{
	struct runs_job job = {s, pos, starts, en};
	c_share_job(s->d, &(struct c_job){sort_runs_chunk, &job, RUN_CHUNKS});
}

/*
 * The sort's tables: they are written all over at once, and fresh 4 KiB
 * pages cost a fault each, so they are one mapping in huge pages where
 * they fill them at least half (bk_map_fresh), *bytes its whole length,
 * for whoever takes it next (c_give_spare). (malloc'ed memory would hold
 * malloc's bookkeeping in the first page: making that range a huge page
 * took MADV_COLLAPSE a copy, 0.5-0.8 ms, up to 11 ms.)
 */
static void *alloc_tables(size_t *bytes)
{
	return bk_map_fresh(*bytes ? *bytes : 1, bytes);
}

/* the high bit of each byte of x that is c (exactly: no borrow between
 * bytes) */
static inline uint64_t bytes_eq(uint64_t x, unsigned char c)
{
	uint64_t t = x ^ (OUT_ONES * c);
	return ~(((t & ~OUT_HIGHS) + ~OUT_HIGHS) | t) & OUT_HIGHS;
}

/* c_sort_place_matters of the eight IDs from id, as the high bit of a
 * byte each (little-endian: the first ID's the lowest byte), from their
 * kinds and states read as one word each */
static uint64_t place_matters8(const struct cdump *d, uint32_t id)
{
	uint64_t kinds, states;
	memcpy(&kinds, d->kind + id, 8);
	memcpy(&states, d->state + id, 8);
	uint64_t left_out = bytes_eq(kinds, BK_KIND_FUNC) | bytes_eq(kinds, BK_KIND_VAR) |
			    bytes_eq(kinds, BK_KIND_DATASEC);
	unsigned up = 7 - (unsigned)__builtin_ctz(ST_WALKED_TO); /* (the bit to each byte's top) */
	return (~left_out | states << up) & OUT_HIGHS;
}

/* The IDs sorted, by position, into ids (room for all: every ID is
 * written, the next one over it where it is left out, which costs no
 * branch), and the tables for their keys. */
static int select_types(struct sorter *s, uint32_t *ids, bool all)
{
	const struct cdump *d = s->d;
	s->sel = ids;
	uint32_t id = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (; !all && id + 8 <= d->n; id += 8) {
		uint64_t matters = place_matters8(d, id);
		for (unsigned j = 0; j < 8; j++) {
			ids[s->m] = id + j;
			s->m += (uint32_t)(matters >> (8 * j + 7)) & 1;
		}
	}
#endif
	for (; id < d->n; id++) {
		ids[s->m] = id;
		s->m += all | c_sort_place_matters(d, id);
	}
	s->tables_sz = (size_t)s->m * (3 * sizeof(*s->key) + sizeof(*s->pos));
	if (!(s->tables = alloc_tables(&s->tables_sz)))
		return -ENOMEM;
	s->key = s->tables;
	s->w = s->key + s->m;
	s->tmp = s->w + s->m;
	s->pos = (uint32_t *)(s->tmp + s->m);
	while (s->pos_bits < 32 && (1ull << s->pos_bits) < s->m)
		s->pos_bits++;
	s->pos_mask = (1ull << s->pos_bits) - 1;
	return 0;
}

/* Each position's key: rank, sort name, name from the high bits down; and
 * the names given out only once, where not known yet. */
static int make_keys(struct sorter *s)
{
	struct cdump *d = s->d;
	struct c_names nm;
	uint8_t *seen = NULL;
	int err = c_names_init(&nm, d);
	size_t marks = err ? 0 : mark_names(s, &nm);
	if (!err)
		err = c_names_number(d, &nm, marks, s->w, scratch_words(s));
	/* rank and two numbers fit a word: under 2^30 names, as a BTF's type
	 * section (under 4 GiB, 12 bytes a type at least) guarantees; a base
	 * and split BTF together could only just pass it */
	if (!err && 2 * nm.bits + 4 > 64)
		err = bk_err(d->err, -E2BIG, "too many type names to sort");
	if (!err && !d->single && !(seen = bk_zalloc((size_t)1 << nm.bits, 1)))
		err = -ENOMEM;
	if (seen)
		seen[0] = 2;
	for (uint32_t p = 0; p < s->m && !err; p++) {
		uint32_t id = s->sel[p], name_off = (uint32_t)s->key[p];
		uint32_t sort_off = (uint32_t)(s->key[p] >> 32), num = c_names_num(&nm, name_off);
		uint32_t sort_num = sort_off == name_off ? num : c_names_num(&nm, sort_off);
		s->key[p] = ((uint64_t)rank_of(d, id, name_off) << nm.bits | sort_num) << nm.bits | num;
		if (seen)
			c_names_count(d, &nm, seen, id, name_off, num);
	}
	s->name_bits = nm.bits;
	if (!err && seen) {
		c_names_keep_single(d, &nm, seen);
		c_helper_names_known(d); /* (the helper prints them whole from now on) */
	}
	free(seen);
	c_names_free(&nm);
	return err;
}

static int sort_some(struct cdump *d, uint32_t *ids, uint32_t *nr, bool all, unsigned *first_rank)
{
	struct sorter s = {.d = d, .pos_bits = 1};
	struct ends en = {0};
	uint64_t *starts = NULL;
	int err = select_types(&s, ids, all);
	if (!err)
		err = make_keys(&s);
	if (!err) {
		unsigned kbits = 2 * s.name_bits + 4;
		sort_by_key(&s, s.pos, kbits);
		*first_rank = s.m ? (unsigned)(s.tmp[0] >> (kbits - 4)) : 0;
		if (!(starts = bk_zalloc(s.m / 64 + 1, sizeof(*starts))))
			err = -ENOMEM;
	}
	if (!err) {
		mark_runs(&s, starts);
		err = hash_tied_ends(&s, s.pos, starts, &en);
	}
	if (!err) {
		sort_runs(&s, s.pos, starts, &en);
		for (uint32_t i = 0; i < s.m; i++)
			s.pos[i] = s.sel[s.pos[i]];
		memcpy(ids, s.pos, s.m * sizeof(*ids));
		*nr = s.m;
	}
	c_ranked_free(&en.need);
	free(en.hash);
	free(starts);
	/* the tables' memory, touched now, for a later phase */
	c_give_spare(d, s.tables, s.tables_sz, s.tables_sz); /* (all of the mapping) */
	return err;
}

int c_sort_types(struct cdump *d, uint32_t *ids, uint32_t *nr, bool exact_first)
{
	unsigned first_rank = 0;
	int err = sort_some(d, ids, nr, false, &first_rank);
	/* the types left out all rank last: only when nothing ranks before
	 * them can one of them be the first */
	if (!err && exact_first && *nr < d->n && (!*nr || first_rank >= RANK_MAX))
		err = sort_some(d, ids, nr, true, &first_rank);
	return err;
}
