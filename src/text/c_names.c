// SPDX-License-Identifier: MIT
/*
 * The names bpftool's sort compares (c_sort.c), numbered in strcmp order
 * (equal strings equally, "" 0), looked up by string offset: a bitmap of
 * the offsets in use, the count of them before each bitmap word, and the
 * numbers of the used offsets in offset order. The numbering radix sorts
 * the used offsets' words (the string's prefix above the offset's index)
 * and compares only strings that share a prefix. Counted as the keys are
 * made, the numbers also tell the names given out only once (d->single).
 */
#include <stdlib.h>

#include "text/c_internal.h"
#include "text/c_sortkit.h"

/* a numbering thread's scratch, grown as needed */
struct names_scratch {
	void *p;
	size_t cap;
};

static void *scratch(struct names_scratch *sc, size_t bytes)
{
	if (bytes > sc->cap) {
		free(sc->p);
		sc->p = malloc(bytes);
		sc->cap = sc->p ? bytes : 0;
	}
	return sc->p;
}

int c_names_init(struct c_names *nm, const struct cdump *d)
{
	*nm = (struct c_names){.total = (uint64_t)d->btf->start_str_off + d->btf->strs_len};
	return c_ranked_alloc(&nm->used, nm->total);
}

void c_names_free(struct c_names *nm)
{
	c_ranked_free(&nm->used);
	free(nm->num);
	nm->num = NULL;
}

/* bk_str_prefix of s (which ends before lim), read as one word where eight
 * bytes are there to read (little-endian hosts: the bytes from its first
 * NUL on cleared) */
static inline uint64_t word_from(const char *s, const char *lim)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (lim - s >= 8) {
		uint64_t x, zero;
		memcpy(&x, s, 8);
		zero = out_bytes_below(x, 1);
		if (zero) /* the bytes before the first NUL */
			x &= ((zero & -zero) >> 7) - 1;
		return __builtin_bswap64(x);
	}
#endif
	return bk_str_prefix(s);
}

static uint64_t name_prefix(const struct cdump *d, uint32_t off)
{
	const char *lim, *s = c_str_lim(d, off, &lim);
	return word_from(s, lim);
}

/* The counts of every digit's values in one read: up to three digits a
 * read, in locals (the hot loop of both sorts) */
#define RADIX_MAX_BITS 12

static void count_digits(uint32_t (*count)[1 << RADIX_MAX_BITS], const uint64_t *v, size_t n, unsigned low_bit,
			 unsigned bits, const uint64_t *mask, unsigned digits)
{
	for (unsigned g = 0; g < digits; g += 3) {
		unsigned s0 = low_bit + g * bits, s1 = s0 + bits, s2 = s1 + bits;
		uint32_t *c0 = count[g], *c1 = count[g + 1 < digits ? g + 1 : g];
		uint32_t *c2 = count[g + 2 < digits ? g + 2 : g];
		uint64_t m0 = mask[g], m1 = g + 1 < digits ? mask[g + 1] : 0;
		uint64_t m2 = g + 2 < digits ? mask[g + 2] : 0;
		if (g + 2 < digits) {
			for (size_t i = 0; i < n; i++) {
				uint64_t x = v[i];
				c0[(x >> s0) & m0]++;
				c1[(x >> s1) & m1]++;
				c2[(x >> s2) & m2]++;
			}
		} else if (g + 1 < digits) {
			for (size_t i = 0; i < n; i++) {
				uint64_t x = v[i];
				c0[(x >> s0) & m0]++;
				c1[(x >> s1) & m1]++;
			}
		} else {
			for (size_t i = 0; i < n; i++)
				c0[(v[i] >> s0) & m0]++;
		}
	}
}

/* Stable LSD radix sort of words by their bits low_bit..high_bit, in as
 * few digits of at most 12 bits as cover them (a key of rank and two
 * 16-bit name numbers in three), moving between v and tmp. One read
 * counts every digit at once (the counts: 16 KiB a digit, on the stack);
 * a digit that all words share moves nothing and is skipped. */
void c_radix_sort(uint64_t *v, uint64_t *tmp, size_t n, unsigned low_bit, unsigned high_bit)
{
	enum { MAX_BITS = RADIX_MAX_BITS, BUCKETS = 1 << MAX_BITS, MAX_DIGITS = (64 + MAX_BITS - 1) / MAX_BITS };
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
	count_digits(count, v, n, low_bit, bits, mask, digits);
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

/* Sort the open runs of parts by their words at depth (the parts hold
 * them, or pre by index has them, or read), and mark the runs of equal
 * words within them; whether any is left open. */
static bool split_open_runs(const struct cdump *d, struct part *v, struct part *tmp,
			    uint8_t *flags, size_t len, uint32_t depth, bool read,
			    const uint64_t *pre)
{
	bool open = false;
	for (size_t lo = 0, hi; lo < len; lo = hi) {
		for (hi = lo + 1; hi < len && !(flags[hi] & PART_STARTS); hi++)
			;
		if (!(flags[lo] & PART_OPEN))
			continue;
		flags[lo] &= (uint8_t)~PART_OPEN;
		for (size_t i = lo; read && pre && i < hi; i++)
			v[i].k = pre[v[i].u];
		for (size_t i = lo; read && !pre && i < hi; i++) {
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

/* Number a group of strings that share their first depth bytes (w: their
 * indexes in the low bits; next[0], next[1]: the eight bytes after those
 * and the eight after them, by index) in
 * strcmp order from *ord on, eight bytes at a time until all are told
 * apart: the strings of a run that share them are read on only while the
 * run is one of several strings. */
static int number_group(const struct cdump *d, struct c_names *nm, struct names_scratch *sc,
			const uint64_t *w, size_t len, uint64_t u_mask, uint64_t *const next[2],
			uint32_t depth, uint32_t *ord)
{
	struct part *v = scratch(sc, len * (2 * sizeof(*v) + 1));
	if (!v)
		return -ENOMEM;
	uint8_t *flags = (uint8_t *)(v + 2 * len);
	for (size_t i = 0; i < len; i++) {
		uint32_t u = (uint32_t)(w[i] & u_mask);
		v[i] = (struct part){next[0][u], nm->num[u], u};
		flags[i] = 0;
	}
	flags[0] = PART_STARTS | PART_OPEN;
	for (unsigned level = 0;
	     split_open_runs(d, v, v + len, flags, len, depth, level > 0, level == 1 ? next[1] : NULL);
	     level++)
		depth += 8;
	for (size_t i = 0; i < len; i++) {
		if (flags[i] & PART_STARTS)
			++*ord;
		nm->num[v[i].u] = *ord;
	}
	return 0;
}

/* The first eight bytes of the string at off, and the sixteen after its
 * first depth in two words (0 where it ends before them) */
static uint64_t read_words(const struct cdump *d, uint32_t off, uint32_t depth, uint64_t *next0,
			   uint64_t *next1)
{
	const char *lim, *s = c_str_lim(d, off, &lim);
	uint64_t first = word_from(s, lim), x = 0, y = 0;
	if (first >> (64 - 8 * depth) & 0xff) {
		x = word_from(s + depth, lim);
		if (x & 0xff)
			y = word_from(s + depth + 8, lim);
	}
	*next0 = x;
	*next1 = y;
	return first;
}

/*
 * The groups of sorted words numbered by chunks of them that the helper
 * thread shares (c_share_job): each chunk from 1 on, in a scratch of its
 * thread's own, then moved past the numbers of the chunks before it. A
 * string's number is its rank among the distinct strings: the groups'
 * counts are all the chunks need of each other.
 */
#define NUMBER_CHUNKS 16

struct numbering {
	const struct cdump *d;
	struct c_names *nm;
	const uint64_t *w;
	uint64_t u_mask;
	uint64_t *next[2];
	uint32_t depth;
	size_t from[NUMBER_CHUNKS + 1]; /* each chunk's first word, a group's */
	uint32_t ords[NUMBER_CHUNKS];   /* the numbers each gave */
	uint32_t before[NUMBER_CHUNKS]; /* the numbers the chunks before gave */
	struct names_scratch sc[2];     /* by worker */
	int err;                        /* (atomic) */
};

static void number_chunk(void *arg, uint32_t c, unsigned worker)
{
	struct numbering *j = arg;
	const uint64_t *w = j->w;
	uint32_t *num = j->nm->num, ord = 0;
	for (size_t lo = j->from[c], hi; lo < j->from[c + 1]; lo = hi) {
		uint64_t pfx = w[lo] & ~j->u_mask;
		for (hi = lo + 1; hi < j->from[c + 1] && (w[hi] & ~j->u_mask) == pfx; hi++)
			;
		size_t len = hi - lo;
		if (!pfx) { /* "" (an offset inside a string table's gaps) */
			for (size_t i = lo; i < hi; i++)
				num[w[i] & j->u_mask] = 0;
			continue;
		}
		/* a prefix no other string has, or strings that end in it */
		if (len == 1 || !(pfx >> (64 - 8 * j->depth) & 0xff)) {
			ord++;
			for (size_t i = lo; i < hi; i++)
				num[w[i] & j->u_mask] = ord;
			continue;
		}
		if (number_group(j->d, j->nm, &j->sc[worker], w + lo, len, j->u_mask, j->next,
				 j->depth, &ord)) {
			__atomic_store_n(&j->err, -ENOMEM, __ATOMIC_RELAXED);
			break;
		}
	}
	j->ords[c] = ord;
}

static void renumber_chunk(void *arg, uint32_t c, unsigned worker)
{
	const struct numbering *j = arg;
	uint32_t *num = j->nm->num;
	(void)worker;
	for (size_t i = j->from[c]; j->before[c] && i < j->from[c + 1]; i++) {
		uint32_t u = (uint32_t)(j->w[i] & j->u_mask);
		if (num[u]) /* ("" stays 0) */
			num[u] += j->before[c];
	}
}

/* the chunks' bounds: as many words in each, moved on to where a group
 * begins (a group is one chunk's) */
static void chunk_groups(struct numbering *j, size_t nr)
{
	j->from[0] = 0;
	for (unsigned c = 1; c <= NUMBER_CHUNKS; c++) {
		size_t at = c == NUMBER_CHUNKS ? nr : nr * c / NUMBER_CHUNKS;
		if (at < j->from[c - 1])
			at = j->from[c - 1];
		while (at > 0 && at < nr && (j->w[at] & ~j->u_mask) == (j->w[at - 1] & ~j->u_mask))
			at++;
		j->from[c] = at;
	}
}

/* number the used offsets' strings: num[u] holds the offset on entry
 * (room: that many words of the caller's scratch) */
static int number_strings(struct cdump *d, struct c_names *nm, size_t nr, uint64_t *room,
			  size_t room_words)
{
	unsigned u_bits = 1;
	while (u_bits < 32 && (1ull << u_bits) < nr)
		u_bits++;
	uint64_t u_mask = (1ull << u_bits) - 1;
	/* the words sorted, the next eight bytes, the eight after those, the
	 * radix sort's buffer: the sort's room serves, unless names outnumber
	 * types */
	uint64_t *own = 4 * nr > room_words ? malloc(nr * sizeof(*own) * 4) : NULL;
	uint64_t *w = own ? own : room;
	if (4 * nr > room_words && !own)
		return -ENOMEM;
	struct numbering j = {.d = d, .nm = nm, .w = w, .u_mask = u_mask,
			      .next = {w + nr, w + 2 * nr}};
	/* the bytes that the sorted words hold whole, and the sixteen after
	 * them, read in offset order, where the groups would read them
	 * scattered */
	j.depth = (64 - u_bits) / 8;
	for (size_t u = 0; u < nr; u++)
		w[u] = (read_words(d, nm->num[u], j.depth, &j.next[0][u], &j.next[1][u]) & ~u_mask) |
		       u;
	c_radix_sort(w, w + 3 * nr, nr, u_bits, 64);
	chunk_groups(&j, nr);
	c_share_job(d, &(struct c_job){number_chunk, &j, NUMBER_CHUNKS});
	uint32_t ord = 0;
	for (unsigned c = 0; c < NUMBER_CHUNKS; c++) {
		j.before[c] = ord;
		ord += j.ords[c];
	}
	if (!j.err)
		c_share_job(d, &(struct c_job){renumber_chunk, &j, NUMBER_CHUNKS});
	free(j.sc[0].p);
	free(j.sc[1].p);
	free(own);
	nm->bits = 0;
	while (nm->bits < 32 && ord >> nm->bits)
		nm->bits++;
	return j.err;
}

int c_names_number(struct cdump *d, struct c_names *nm, size_t marks, uint64_t *room,
		   size_t room_words)
{
	size_t words = nm->total / 64 + 1;
	if (!(nm->num = malloc(marks * sizeof(*nm->num))))
		return -ENOMEM;
	size_t nr = 0;
	for (size_t i = 0; i < words; i++) {
		nm->used.before[i] = (uint32_t)nr; /* (c_ranked_count's, as the offsets are listed) */
		for (uint64_t bitsleft = nm->used.bits[i]; bitsleft; bitsleft &= bitsleft - 1)
			nm->num[nr++] = (uint32_t)(i * 64 + (unsigned)__builtin_ctzll(bitsleft));
	}
	return number_strings(d, nm, nr, room, room_words);
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
void c_names_count(const struct cdump *d, const struct c_names *nm, uint8_t *seen, uint32_t id,
			uint32_t name_off, uint32_t num)
{
	count_num(seen, num, 1);
	if (d->kind[id] != BK_KIND_ENUM && d->kind[id] != BK_KIND_ENUM64)
		return;
	const struct bk_type *t = c_type(d, id);
	for (uint32_t i = 0; i < bk_vlen(t); i++)
		count_num(seen, c_names_num(nm, c_enumerator_name_off(t, i)), name_off ? 1 : 2);
}

void c_names_keep_single(struct cdump *d, struct c_names *nm, const uint8_t *seen)
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

