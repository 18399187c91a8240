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

static void *scratch(struct c_names *nm, size_t bytes)
{
	if (bytes > nm->scratch_cap) {
		free(nm->scratch);
		nm->scratch = malloc(bytes);
		nm->scratch_cap = nm->scratch ? bytes : 0;
	}
	return nm->scratch;
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
	free(nm->scratch);
	nm->num = NULL;
	nm->scratch = NULL;
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
void c_radix_sort(uint64_t *v, uint64_t *tmp, size_t n, unsigned low_bit, unsigned high_bit)
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

/* Number a group of strings that share their first depth bytes (w: their
 * indexes in the low bits; next: the eight bytes after those by index) in
 * strcmp order from *ord on, eight bytes at a time until all are told
 * apart: the strings of a run that share them are read on only while the
 * run is one of several strings. */
static int number_group(const struct cdump *d, struct c_names *nm, const uint64_t *w, size_t len,
			uint64_t u_mask, const uint64_t *next, uint32_t depth, uint32_t *ord)
{
	struct part *v = scratch(nm, len * (2 * sizeof(*v) + 1));
	if (!v)
		return -ENOMEM;
	uint8_t *flags = (uint8_t *)(v + 2 * len);
	for (size_t i = 0; i < len; i++) {
		uint32_t u = (uint32_t)(w[i] & u_mask);
		v[i] = (struct part){next[u], nm->num[u], u};
		flags[i] = 0;
	}
	flags[0] = PART_STARTS | PART_OPEN;
	for (bool read = false; split_open_runs(d, v, v + len, flags, len, depth, read); read = true)
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

/* number the used offsets' strings: num[u] holds the offset on entry (w,
 * tmp: room words each, the caller's scratch) */
static int number_strings(const struct cdump *d, struct c_names *nm, size_t nr, uint64_t *room_w,
			  uint64_t *room_tmp, size_t room)
{
	unsigned u_bits = 1;
	while (u_bits < 32 && (1ull << u_bits) < nr)
		u_bits++;
	uint64_t u_mask = (1ull << u_bits) - 1;
	/* the type sort's words serve, unless names outnumber types */
	uint64_t *own = nr > room ? malloc(nr * sizeof(*own) * 2) : NULL;
	uint64_t *w = own ? own : room_w, *tmp = own ? own + nr : room_tmp;
	if (nr > room && !own)
		return -ENOMEM;
	for (size_t u = 0; u < nr; u++)
		w[u] = (name_prefix(d, nm->num[u]) & ~u_mask) | u;
	c_radix_sort(w, tmp, nr, u_bits, 64);
	/* the bytes that the sorted words hold whole; the next eight of each
	 * string, by index in tmp (free again), read in offset order, where
	 * the groups would read them scattered */
	uint32_t depth = (64 - u_bits) / 8;
	for (size_t u = 0; u < nr; u++)
		tmp[u] = word_after(d, nm->num[u], depth);
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
		if (number_group(d, nm, w + lo, len, u_mask, tmp, depth, &ord)) {
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

int c_names_number(const struct cdump *d, struct c_names *nm, size_t marks, uint64_t *w,
		   uint64_t *tmp, size_t room)
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
	int err = number_strings(d, nm, nr, w, tmp, room);
	free(nm->scratch);
	nm->scratch = NULL;
	return err;
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

