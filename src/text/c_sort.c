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
 * itself: the names in use are numbered once in strcmp order (a radix
 * sort of their prefixes, then, among names that share one, sorts by
 * their next eight bytes as long as they tie), so that 1-3 pack into one
 * integer key a type, which a radix sort orders; the hash is computed
 * only for the types whose keys tie. Only the types whose place matters
 * are sorted (c_sort_place_matters), by position; the numbering also
 * finds the names that can be given out only once (d->single). The
 * tables lie in one block, of huge pages where it is large.
 */
#include <stdlib.h>

#include "core/fresh.h"
#include "text/c_internal.h"

#define RANK_MAX 10

static uint64_t name_hasher(const struct cdump *d, uint64_t h, uint32_t name_off)
{
	return name_off ? h * 31 + c_str_hash(c_str(d, name_off)) : h;
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
 * few types come back in member after member */
struct seen_hash {
	uint32_t id1;
	uint64_t hash;
};

#define SEEN_HASHES 4096

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
			h = name_hasher(d, h, m->name_off);
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

/* bk_str_prefix of the name at off, read as one word where eight bytes are
 * there to read (little-endian hosts: the bytes from its first NUL on
 * cleared) */
static uint64_t name_prefix(const struct cdump *d, uint32_t off)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t rel;
	const struct bk_btf *b = bk_str_table(d->btf, off, &rel);
	if (b && (uint64_t)rel + 8 <= b->strs_len) {
		uint64_t x, zero;
		memcpy(&x, b->strs + rel, 8);
		zero = out_bytes_below(x, 1);
		if (zero) /* the bytes before the first NUL */
			x &= ((zero & -zero) >> 7) - 1;
		return __builtin_bswap64(x);
	}
#endif
	return bk_str_prefix(c_str(d, off));
}

/* Stable LSD radix sort of words by their bits low_bit..high_bit, in as
 * few digits of at most 12 bits as cover them (a key of rank and two
 * 16-bit name numbers in three), moving between v and tmp. One read
 * counts every digit at once (the counts: 16 KiB a digit, on the stack);
 * a digit that all words share moves nothing and is skipped. */
static void radix_sort(uint64_t *v, uint64_t *tmp, size_t n, unsigned low_bit, unsigned high_bit)
{
	enum { MAX_BITS = 12, BUCKETS = 1 << MAX_BITS, MAX_DIGITS = (64 + MAX_BITS - 1) / MAX_BITS };
	uint32_t count[MAX_DIGITS][BUCKETS];
	high_bit = high_bit < 64 ? high_bit : 64;
	if (n < 2 || low_bit >= high_bit)
		return;
	unsigned span = high_bit - low_bit, digits = (span + MAX_BITS - 1) / MAX_BITS;
	unsigned bits = (span + digits - 1) / digits;
	uint64_t mask[MAX_DIGITS]; /* the last digit's: up to high_bit only */
	for (unsigned g = 0; g < digits; g++) {
		unsigned w = high_bit - (low_bit + g * bits);
		mask[g] = (1ull << (w < bits ? w : bits)) - 1;
	}
	memset(count, 0, sizeof(count[0]) * digits);
	for (size_t i = 0; i < n; i++)
		for (unsigned g = 0; g < digits; g++)
			count[g][(v[i] >> (low_bit + g * bits)) & mask[g]]++;
	uint64_t *src = v, *dst = tmp;
	for (unsigned g = 0; g < digits; g++) {
		unsigned shift = low_bit + g * bits;
		uint32_t *c = count[g];
		if (c[(src[0] >> shift) & mask[g]] == n)
			continue;
		uint32_t sum = 0;
		for (size_t b = 0; b <= mask[g]; b++) {
			uint32_t x = c[b];
			c[b] = sum;
			sum += x;
		}
		for (size_t i = 0; i < n; i++)
			dst[c[(src[i] >> shift) & mask[g]]++] = src[i];
		uint64_t *x = src;
		src = dst;
		dst = x;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
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
	void *tables;            /* the block that holds key, w, tmp and pos */
	size_t tables_sz;
	void *scratch;           /* run buffers, grown as needed */
	size_t scratch_cap;      /* bytes */
};

static void *scratch(struct sorter *s, size_t bytes)
{
	if (bytes > s->scratch_cap) {
		free(s->scratch);
		s->scratch = malloc(bytes);
		s->scratch_cap = s->scratch ? bytes : 0;
	}
	return s->scratch;
}

/* insertion sort of short runs, then bottom-up merges (stable, no
 * recursion); less(a, b) as the order */
#define MERGE_SORT(T, v, n, tmp, less)                                                       \
	do {                                                                                 \
		const size_t run_ = 8;                                                       \
		for (size_t lo_ = 0; lo_ < (n); lo_ += run_) {                               \
			size_t hi_ = lo_ + run_ < (n) ? lo_ + run_ : (n);                    \
			for (size_t i_ = lo_ + 1; i_ < hi_; i_++) {                          \
				T x_ = (v)[i_];                                              \
				size_t j_ = i_;                                              \
				for (; j_ > lo_ && less(&x_, &(v)[j_ - 1]); j_--)            \
					(v)[j_] = (v)[j_ - 1];                               \
				(v)[j_] = x_;                                                \
			}                                                                    \
		}                                                                            \
		T *src_ = (v), *dst_ = (tmp);                                                \
		for (size_t w_ = run_; w_ < (n); w_ *= 2) {                                  \
			for (size_t lo_ = 0; lo_ < (n); lo_ += 2 * w_) {                     \
				size_t mid_ = lo_ + w_ < (n) ? lo_ + w_ : (n);               \
				size_t hi_ = lo_ + 2 * w_ < (n) ? lo_ + 2 * w_ : (n);        \
				size_t i_ = lo_, j_ = mid_, k_ = lo_;                        \
				while (i_ < mid_ && j_ < hi_)                                \
					dst_[k_++] = less(&src_[j_], &src_[i_]) ? src_[j_++] \
										: src_[i_++]; \
				while (i_ < mid_)                                            \
					dst_[k_++] = src_[i_++];                             \
				while (j_ < hi_)                                             \
					dst_[k_++] = src_[j_++];                             \
			}                                                                    \
			T *x_ = src_;                                                        \
			src_ = dst_;                                                         \
			dst_ = x_;                                                           \
		}                                                                            \
		if (src_ != (v))                                                             \
			memcpy((v), src_, (n) * sizeof(T));                                  \
	} while (0)

/* one of a group of strings that share their first depth bytes: the next
 * eight as a big-endian word (see bk_str_prefix), where the string starts,
 * its index among the used offsets */
struct part {
	uint64_t k;
	uint32_t off, u;
};

#define PART_LESS(a, b) ((a)->k < (b)->k)

/* a part's flags: it starts a run of equal words; that run's strings go
 * on past them and are yet to be told apart */
enum { PART_STARTS = 1, PART_OPEN = 2 };

/* Sort the open runs of parts by their words at depth (read, unless the
 * parts hold them), and mark the runs of equal words within them; whether
 * any is left open. */
static bool split_open_runs(const struct cdump *d, struct part *v, struct part *tmp,
			    uint8_t *flags, size_t len, uint32_t depth, bool read)
{
	bool open = false;
	for (size_t lo = 0, hi; lo < len; lo = hi) {
		for (hi = lo + 1; hi < len && !(flags[hi] & PART_STARTS); hi++)
			;
		if (!(flags[lo] & PART_OPEN))
			continue;
		flags[lo] &= (uint8_t)~PART_OPEN;
		for (size_t i = lo; read && i < hi; i++) {
			if (i + 8 < hi)
				__builtin_prefetch(c_str(d, v[i + 8].off + depth));
			v[i].k = name_prefix(d, v[i].off + depth);
		}
		MERGE_SORT(struct part, v + lo, hi - lo, tmp, PART_LESS);
		for (size_t i = lo; i < hi; i++) {
			if (i > lo && v[i].k == v[i - 1].k)
				continue;
			flags[i] |= PART_STARTS;
			/* a word without a NUL: the strings go on */
			if (i + 1 < hi && v[i + 1].k == v[i].k && (v[i].k & 0xff)) {
				flags[i] |= PART_OPEN;
				open = true;
			}
		}
	}
	return open;
}

/*
 * The names the sort compares, numbered in strcmp order (equal strings
 * equally, "" 0), looked up by string offset: a bitmap of the offsets in
 * use, the count of them before each bitmap word, and the numbers of the
 * used offsets in offset order. The numbering radix sorts the used
 * offsets' words (the string's prefix above the offset's index) and
 * compares only strings that share a prefix.
 */
struct names {
	struct c_ranked used;
	uint32_t *num; /* by index among the used offsets */
	uint64_t total; /* string offsets: the base's and own */
	unsigned bits;  /* the numbers' width */
};

static void mark_name(struct names *nm, uint32_t off)
{
	if (off && off < nm->total)
		c_ranked_add(&nm->used, off);
}

static uint32_t name_num(const struct names *nm, uint32_t off)
{
	if (!off || off >= nm->total)
		return 0;
	return nm->num[c_ranked_rank(&nm->used, off)];
}

/* Number a group of strings that share their first depth bytes (w: their
 * indexes in the low bits; next: the eight bytes after those by index) in
 * strcmp order from *ord on, eight bytes at a time until all are told
 * apart: the strings of a run that share them are read on only while the
 * run is one of several strings. */
static int number_group(struct sorter *s, struct names *nm, const uint64_t *w, size_t len,
			uint64_t u_mask, const uint64_t *next, uint32_t depth, uint32_t *ord)
{
	struct part *v = scratch(s, len * (2 * sizeof(*v) + 1));
	if (!v)
		return -ENOMEM;
	uint8_t *flags = (uint8_t *)(v + 2 * len);
	for (size_t i = 0; i < len; i++) {
		uint32_t u = (uint32_t)(w[i] & u_mask);
		v[i] = (struct part){next[u], nm->num[u], u};
		flags[i] = 0;
	}
	flags[0] = PART_STARTS | PART_OPEN;
	for (bool read = false; split_open_runs(s->d, v, v + len, flags, len, depth, read); read = true)
		depth += 8;
	for (size_t i = 0; i < len; i++) {
		if (flags[i] & PART_STARTS)
			++*ord;
		nm->num[v[i].u] = *ord;
	}
	return 0;
}

/* the eight bytes of the string at off after its first depth, 0 where it
 * ends before them */
static uint64_t word_after(const struct cdump *d, uint32_t off, uint32_t depth)
{
	uint64_t first = name_prefix(d, off);
	return first >> (64 - 8 * depth) & 0xff ? name_prefix(d, off + depth) : 0;
}

/* number the used offsets' strings: num[u] holds the offset on entry */
static int number_strings(struct sorter *s, struct names *nm, size_t nr)
{
	unsigned u_bits = 1;
	while (u_bits < 32 && (1ull << u_bits) < nr)
		u_bits++;
	uint64_t u_mask = (1ull << u_bits) - 1;
	/* the type sort's words serve, unless names outnumber types */
	uint64_t *own = nr > s->m ? malloc(nr * sizeof(*own) * 2) : NULL;
	uint64_t *w = own ? own : s->w, *tmp = own ? own + nr : s->tmp;
	if (nr > s->m && !own)
		return -ENOMEM;
	for (size_t u = 0; u < nr; u++)
		w[u] = (name_prefix(s->d, nm->num[u]) & ~u_mask) | u;
	radix_sort(w, tmp, nr, u_bits, 64);
	/* the bytes that the sorted words hold whole; the next eight of each
	 * string, by index in tmp (free again), read in offset order, where
	 * the groups would read them scattered */
	uint32_t depth = (64 - u_bits) / 8;
	for (size_t u = 0; u < nr; u++)
		tmp[u] = word_after(s->d, nm->num[u], depth);
	uint32_t ord = 0;
	int err = 0;
	for (size_t lo = 0, hi; lo < nr; lo = hi) {
		uint64_t pfx = w[lo] & ~u_mask;
		for (hi = lo + 1; hi < nr && (w[hi] & ~u_mask) == pfx; hi++)
			;
		size_t len = hi - lo;
		if (!pfx) { /* "" (an offset inside a string table's gaps) */
			for (size_t i = lo; i < hi; i++)
				nm->num[w[i] & u_mask] = 0;
			continue;
		}
		/* a prefix no other string has, or strings that end in it */
		if (len == 1 || !(pfx >> (64 - 8 * depth) & 0xff)) {
			ord++;
			for (size_t i = lo; i < hi; i++)
				nm->num[w[i] & u_mask] = ord;
			continue;
		}
		if (number_group(s, nm, w + lo, len, u_mask, tmp, depth, &ord)) {
			err = -ENOMEM;
			break;
		}
	}
	free(own);
	nm->bits = 0;
	while (nm->bits < 32 && ord >> nm->bits)
		nm->bits++;
	return err;
}

static uint32_t enumerator_name_off(const struct bk_type *t, uint32_t i)
{
	if (bk_kind(t) == BK_KIND_ENUM64)
		return ((const struct bk_enum64 *)bk_type_rest(t))[i].name_off;
	return ((const struct bk_enum *)bk_type_rest(t))[i].name_off;
}

static int number_names(struct sorter *s, struct names *nm)
{
	const struct cdump *d = s->d;
	nm->total = (uint64_t)d->btf->start_str_off + d->btf->strs_len;
	size_t words = nm->total / 64 + 1;
	if (c_ranked_alloc(&nm->used, nm->total))
		return -ENOMEM;
	/* the two names of each type into its key's room, for the keys
	 * (and the enumerators' for note_single_names); how many marks, at
	 * most that many offsets to list (room not written costs nothing) */
	size_t marks = 1;
	for (uint32_t p = 0; p < s->m; p++) {
		const struct bk_type *t = c_type(d, s->sel[p]);
		uint32_t sort_name = sort_name_off(d, s->sel[p]);
		s->key[p] = (uint64_t)sort_name << 32 | t->name_off;
		mark_name(nm, t->name_off);
		if (sort_name != t->name_off)
			mark_name(nm, sort_name);
		marks += 2;
		if (!bk_kind_is_enum(bk_kind(t)))
			continue;
		for (uint32_t i = 0; i < bk_vlen(t); i++)
			mark_name(nm, enumerator_name_off(t, i));
		marks += bk_vlen(t);
	}
	if (!(nm->num = malloc(marks * sizeof(*nm->num))))
		return -ENOMEM;
	size_t nr = 0;
	for (size_t i = 0; i < words; i++) {
		nm->used.before[i] = (uint32_t)nr; /* (c_ranked_count's, as the offsets are listed) */
		for (uint64_t bitsleft = nm->used.bits[i]; bitsleft; bitsleft &= bitsleft - 1)
			nm->num[nr++] = (uint32_t)(i * 64 + (unsigned)__builtin_ctzll(bitsleft));
	}
	return number_strings(s, nm, nr);
}

static void count_num(uint8_t *seen, uint32_t num, unsigned times)
{
	seen[num] = (uint8_t)(seen[num] + times < 2 ? seen[num] + times : 2);
}

/*
 * The names that the ___N maps can only ever give out once (c_name_single):
 * a string, by content, that is the name of one sorted type or of one
 * enumerator of a named enum (printed once, where an anonymous one is
 * printed wherever it is used) and of nothing else. Counted by number
 * (seen, up to 2; "" 0 counted twice from the start: enumerators without a
 * name) as the keys are made; then the bitmap of the used offsets becomes
 * that of the single ones (d->single), the maps' size hint the count of
 * the others.
 */
static void count_names(const struct cdump *d, const struct names *nm, uint8_t *seen, uint32_t id,
			uint32_t name_off, uint32_t num)
{
	count_num(seen, num, 1);
	if (d->kind[id] != BK_KIND_ENUM && d->kind[id] != BK_KIND_ENUM64)
		return;
	const struct bk_type *t = c_type(d, id);
	for (uint32_t i = 0; i < bk_vlen(t); i++)
		count_num(seen, name_num(nm, enumerator_name_off(t, i)), name_off ? 1 : 2);
}

static void keep_single_names(struct cdump *d, struct names *nm, const uint8_t *seen)
{
	size_t words = nm->total / 64 + 1, u = 0, others = 0;
	for (size_t i = 0; i < words; i++) {
		for (uint64_t left = nm->used.bits[i]; left; left &= left - 1, u++) {
			if (seen[nm->num[u]] == 1)
				continue;
			nm->used.bits[i] &= ~(1ull << __builtin_ctzll(left));
			others++;
		}
	}
	d->single = nm->used.bits; /* (its ranks no longer hold: the set is the single ones) */
	d->single_total = nm->total;
	nm->used.bits = NULL;
	d->type_names.hint = d->ident_names.hint = others;
}

/* Sort the positions by key (kbits wide): LSD over chunks of the key
 * that fit above the position in a word, each chunk a stable radix sort. */
static void sort_by_key(struct sorter *s, uint32_t *pos, unsigned kbits)
{
	unsigned room = 64 - s->pos_bits;
	for (uint32_t i = 0; i < s->m; i++)
		pos[i] = i;
	for (unsigned lo = 0; lo < kbits || lo == 0; lo += room) {
		unsigned w = kbits - lo < room ? kbits - lo : room;
		uint64_t mask = w >= 64 ? ~0ull : (1ull << w) - 1;
		for (uint32_t i = 0; i < s->m; i++)
			s->w[i] = ((s->key[pos[i]] >> lo) & mask) << s->pos_bits | pos[i];
		radix_sort(s->w, s->tmp, s->m, s->pos_bits, s->pos_bits + w);
		for (uint32_t i = 0; i < s->m; i++)
			pos[i] = (uint32_t)(s->w[i] & s->pos_mask);
		if (kbits <= lo + room)
			break;
	}
}

static bool bit_test(const uint64_t *bits, size_t i)
{
	return bits[i / 64] >> (i % 64) & 1;
}

/* The runs of equal keys in sorted order: where each starts (a bit a
 * position, and one past the end), so that the keys can go. */
static void mark_runs(const struct sorter *s, const uint32_t *pos, uint64_t *starts)
{
	for (uint32_t i = 0; i <= s->m; i++)
		if (i == 0 || i == s->m || s->key[pos[i]] != s->key[pos[i - 1]])
			starts[i / 64] |= 1ull << (i % 64);
}

static size_t run_end(const struct sorter *s, const uint64_t *starts, size_t lo)
{
	size_t hi = lo + 1;
	while (hi < s->m && !bit_test(starts, hi))
		hi++;
	return hi;
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
			    !(s->key[pos[i]] & ((1ull << s->name_bits) - 1)))
				continue; /* no name (its number 0): hash 0, unread */
			c_ranked_add(&en->need, e);
		}
	}
}

/* The hashes of the chain ends that types in runs reach, into their slots,
 * computed in ID order (the types and their names lie in that order in
 * memory, where the sorted order would jump about). */
static int hash_tied_ends(const struct sorter *s, const uint32_t *pos, const uint64_t *starts,
			  struct ends *en)
{
	const struct cdump *d = s->d;
	size_t words = d->n / 64 + 1;
	if (c_ranked_alloc(&en->need, d->n))
		return -ENOMEM;
	mark_tied_ends(s, pos, starts, en);
	uint32_t slot = c_ranked_count(&en->need, d->n);
	en->hash = malloc((slot ? slot : 1) * sizeof(*en->hash));
	struct seen_hash *seen = calloc(SEEN_HASHES, sizeof(*seen)); /* (none: no cache) */
	if (!en->hash) {
		free(seen);
		return -ENOMEM;
	}
	slot = 0;
	for (size_t i = 0; i < words; i++) {
		for (uint64_t left = en->need.bits[i]; left; left &= left - 1) {
			uint32_t e = (uint32_t)(i * 64 + (unsigned)__builtin_ctzll(left));
			en->hash[slot++] = end_hash_members(d, e, seen);
		}
	}
	free(seen);
	return 0;
}

/* Each run of equal keys by bpftool's hash, stable (ties stay in ID
 * order). Hash 0 (anonymous prototypes: most of the longest run) sorts
 * first: those in place, the others after them, sorted as their indexes
 * in the run: the hashes by index in the keys' room (free now), the
 * positions and indexes in the words', the indexes merged in tmp's. */
#define HASH_LESS(a, b) (hv[*(a)] < hv[*(b)])

static void sort_runs(struct sorter *s, uint32_t *pos, const uint64_t *starts,
		      const struct ends *en)
{
	const struct cdump *d = s->d;
	uint64_t *hv = s->key;
	uint32_t *at = (uint32_t *)s->w, *v = at + s->m, *tmp = (uint32_t *)s->tmp;
	for (size_t lo = 0, hi; lo < s->m; lo = hi) {
		hi = run_end(s, starts, lo);
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
}

/*
 * A block of bytes for the sort's tables: they are written all over at
 * once, and fresh 4 KiB pages cost a fault each (core/fresh.h). From half
 * a huge page on, bk_malloc_fresh gives it in whole huge pages; what it
 * rounds up is room for whoever takes the block next (c_give_spare).
 */
static void *alloc_tables(size_t *bytes)
{
	return bk_malloc_fresh(bytes);
}

/* The IDs sorted, by position, into ids (room for all: every ID is
 * written, the next one over it where it is left out, which costs no
 * branch), and the tables for their keys. */
static int select_types(struct sorter *s, uint32_t *ids, bool all)
{
	const struct cdump *d = s->d;
	s->sel = ids;
	for (uint32_t id = 0; id < d->n; id++) {
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
	struct names nm = {0};
	uint8_t *seen = NULL;
	int err = number_names(s, &nm);
	/* rank and two numbers fit a word: under 2^30 names, as a BTF's type
	 * section (under 4 GiB, 12 bytes a type at least) guarantees; a base
	 * and split BTF together could only just pass it */
	if (!err && 2 * nm.bits + 4 > 64)
		err = bk_err(d->err, -E2BIG, "too many type names to sort");
	if (!err && !d->single && !(seen = calloc((size_t)1 << nm.bits, 1)))
		err = -ENOMEM;
	if (seen)
		seen[0] = 2;
	for (uint32_t p = 0; p < s->m && !err; p++) {
		uint32_t id = s->sel[p], name_off = (uint32_t)s->key[p];
		uint32_t sort_off = (uint32_t)(s->key[p] >> 32), num = name_num(&nm, name_off);
		uint32_t sort_num = sort_off == name_off ? num : name_num(&nm, sort_off);
		s->key[p] = ((uint64_t)rank_of(d, id, name_off) << nm.bits | sort_num) << nm.bits | num;
		if (seen)
			count_names(d, &nm, seen, id, name_off, num);
	}
	s->name_bits = nm.bits;
	if (!err && seen) {
		keep_single_names(d, &nm, seen);
		c_helper_names_known(d); /* (the helper prints them whole from now on) */
	}
	free(seen);
	c_ranked_free(&nm.used);
	free(nm.num);
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
		*first_rank = s.m ? (unsigned)(s.key[s.pos[0]] >> (kbits - 4)) : 0;
		if (!(starts = calloc(s.m / 64 + 1, sizeof(*starts))))
			err = -ENOMEM;
	}
	if (!err) {
		mark_runs(&s, s.pos, starts);
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
	c_give_spare(d, s.tables, s.tables_sz);
	free(s.scratch);
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
