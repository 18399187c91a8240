/* SPDX-License-Identifier: MIT */
/* Private to src/text: the output buffer that the printers share (raw
 * text/JSON in dump.c, C in c_*.c). Bytes collect in a large buffer that
 * goes to fwrite in big chunks, or grows when collecting into memory.
 * Nothing goes through printf: numbers are formatted by hand. */
#ifndef BTFKIT_TEXT_OUT_H
#define BTFKIT_TEXT_OUT_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define OUT_CHUNK (256 * 1024) /* the buffer size when writing to a FILE */

struct out {
	char *buf;
	size_t len, cap;
	size_t mapped;   /* buf's mapping's length (0: malloc'ed) */
	FILE *file;      /* NULL: collect in memory, growing buf */
	/* a FILE's output held: collected in memory like NULL's until let go,
	 * so that what a later failure follows is never written */
	bool hold;
	int err;         /* first failure (negative errno); later output is dropped */
	bool json;
	bool fresh;      /* the next field gets no separator (first in its element) */
	bool first_elem; /* the next element is the first of its list */
};

/* whether a full buffer goes to the file (else it grows) */
static inline bool out_flushes(const struct out *o)
{
	return o->file && !o->hold;
}

void out_flush(struct out *o);
/* Flush or grow so that n more bytes fit; false when they cannot. */
bool out_make_room(struct out *o, size_t n);
void put_bytes_slow(struct out *o, const char *s, size_t n);
void put_u64(struct out *o, uint64_t v);
/* n bytes from elsewhere: straight to the file after what is buffered
 * (no copy), or into memory */
void out_write(struct out *o, const char *s, size_t n);
void put_i64(struct out *o, int64_t v);

/* buf replaced by p, cap bytes whose pages are already backed: a mapping
 * of mapped bytes, or malloc'ed (mapped 0). What is collected moves there.
 * For output held long, which would grow into fresh pages. */
void out_use_buffer(struct out *o, void *p, size_t cap, size_t mapped);

/* The output held let go (once; later calls do nothing): what is
 * collected goes to the file, and a mapping larger than the buffer a file
 * needs (out_use_buffer) is cut back to that, its pages released. */
void out_let_go(struct out *o);

/* Make room for n more bytes; false when that is impossible (memory). */
static inline bool out_reserve(struct out *o, size_t n)
{
	return o->cap - o->len >= n || out_make_room(o, n);
}

/* the common case inline: it fits */
static inline void put_bytes(struct out *o, const char *s, size_t n)
{
	if (__builtin_expect(o->cap - o->len >= n, 1)) {
		memcpy(o->buf + o->len, s, n);
		o->len += n;
	} else {
		put_bytes_slow(o, s, n);
	}
}

#define PUT_LIT(o, lit) put_bytes(o, lit, sizeof(lit) - 1)

static inline void put_str(struct out *o, const char *s)
{
	put_bytes(o, s, strlen(s));
}

static inline void put_char(struct out *o, char c)
{
	if (__builtin_expect(o->cap > o->len, 1))
		o->buf[o->len++] = c;
	else
		put_bytes_slow(o, &c, 1);
}

/* ---- cursors: write through a pointer, no check per byte ------------------ */

/* The most a cursor may ask for at once: every buffer has this much. */
#define OUT_ROOM_MAX 4096

char *out_room_slow(struct out *o, size_t n);

/* A cursor with room for n (<= OUT_ROOM_MAX) bytes at buf + len. It always
 * has the room: when memory runs out, o->err says so and what follows is
 * written over the dropped output. Write through it, then out_commit. */
static inline char *out_room(struct out *o, size_t n)
{
	if (__builtin_expect(o->cap - o->len >= n, 1))
		return o->buf + o->len;
	return out_room_slow(o, n);
}

/* The bytes written through a cursor up to p are output. */
static inline void out_commit(struct out *o, char *p)
{
	o->len = (size_t)(p - o->buf);
}

/* Bytes left after a cursor */
static inline size_t out_left(const struct out *o, const char *p)
{
	return (size_t)(o->buf + o->cap - p);
}

/* the cursor p with room for n (<= OUT_ROOM_MAX) more bytes */
static inline char *out_more_room(struct out *o, char *p, size_t n)
{
	if (__builtin_expect(out_left(o, p) >= n, 1))
		return p;
	out_commit(o, p);
	return out_room(o, n);
}

/* ---- strings, eight bytes at a time ------------------------------------------ */

/* Strings are copied a word at a time where the bytes' order in a word is
 * the memory order's (little endian), else byte by byte. */
#define OUT_WORD_AT_A_TIME (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#define OUT_ONES 0x0101010101010101ull
#define OUT_HIGHS 0x8080808080808080ull

/* The high bit of each byte of w below n (n <= 128). A byte above one that
 * is may be marked too, never one below: the lowest mark is true. */
static inline uint64_t out_bytes_below(uint64_t w, unsigned n)
{
	return (w - OUT_ONES * n) & ~w & OUT_HIGHS;
}

/* the same for the bytes that are c */
static inline uint64_t out_bytes_eq(uint64_t w, unsigned char c)
{
	return out_bytes_below(w ^ (OUT_ONES * c), 1);
}

/* The bytes of w that end a JSON string or may need escaping: below 0x20
 * (the NUL among them), a quote, an apostrophe or a backslash. */
static inline uint64_t out_json_special(uint64_t w)
{
	return out_bytes_below(w, 0x20) | out_bytes_eq(w, '"') | out_bytes_eq(w, '\'') |
	       out_bytes_eq(w, '\\');
}

/* Sixteen bytes at a time where SSE2 is (every x86-64): one compare finds
 * the end of most names. */
#if defined(__SSE2__)
#include <emmintrin.h>
#define OUT_VEC16 1

static inline __m128i out_vec_load(const char *s)
{
	return _mm_loadu_si128((const __m128i *)(const void *)s);
}

static inline void out_vec_store(char *p, __m128i v)
{
	_mm_storeu_si128((__m128i *)(void *)p, v);
}

/* bit i: byte i of v is NUL */
static inline unsigned out_vec_nuls(__m128i v)
{
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128()));
}

/* bit i: byte i of v ends a JSON string or may need escaping (as
 * out_json_special) */
static inline unsigned out_vec_json_special(__m128i v)
{
	__m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
	__m128i q = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
				 _mm_cmpeq_epi8(v, _mm_set1_epi8('\'')));
	__m128i bs = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(ctl, q), bs));
}

/* The one fast path of every string copy (the C printer's, the raw
 * dump's, out_text_str's and out_json_str's): s at p sixteen bytes at a
 * time, at most blocks of them, each read and written whole (the caller
 * knows that they lie before the string table's end and fit before the
 * buffer's), until one holds a byte that ends the string (json: or that
 * may need escaping). The number of bytes before that byte, which are at
 * p; 16 * blocks when no block held one. */
static inline __attribute__((always_inline)) size_t out_vec_copy(char *p, const char *s,
								   size_t blocks, bool json)
{
	/* (unrolled: the raw dump's names take two blocks at most, without a
	 * loop) */
#pragma GCC unroll 2
	for (size_t i = 0; i < blocks; i++) {
		__m128i v = out_vec_load(s + 16 * i);
		unsigned z = json ? out_vec_json_special(v) : out_vec_nuls(v);
		out_vec_store(p + 16 * i, v);
		if (z)
			return 16 * i + (unsigned)__builtin_ctz(z);
	}
	return 16 * blocks;
}
#else
#define OUT_VEC16 0
#endif

/* The string s, which ends in a NUL before lim (the end of its table: the
 * 16-byte loads stay inside it), at p as it is: text. Returns the cursor
 * after it, with room for after (<= OUT_ROOM_MAX) more bytes. */
char *out_text_str(struct out *o, char *p, const char *s, const char *lim, size_t after);

/* The same, its fast path inline: a string shorter than 32 bytes (most
 * names) in two blocks, for the printers that copy a string a few
 * instructions apart, where a call would cost more than the copy. p has
 * room for 32 + after bytes. */
#define OUT_TEXT_ROOM 32
static inline __attribute__((always_inline)) char *out_put_text(struct out *o, char *p,
								  const char *s, const char *lim,
								  size_t after)
{
#if OUT_VEC16
	if (__builtin_expect(lim - s >= OUT_TEXT_ROOM, 1)) {
		size_t k = out_vec_copy(p, s, OUT_TEXT_ROOM / 16, false);
		if (__builtin_expect(k < OUT_TEXT_ROOM, 1))
			return p + k;
	}
#endif
	return out_text_str(o, p, s, lim, after);
}

/* The same quoted and escaped as bpftool's json_writer does; p has room
 * for the opening quote. */
char *out_json_str(struct out *o, char *p, const char *s, const char *lim, size_t after);

/* "00".."99" */
extern const char out_digit_pairs[200];

/* v in decimal at p (room for 10 bytes); the end. Two digits per step,
 * the count found first so that they go straight to their place. */
static inline char *fmt_u32_pairs(char *p, uint32_t v)
{
	unsigned n = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10000 ? 4 : v < 100000 ? 5
		   : v < 1000000 ? 6 : v < 10000000 ? 7 : v < 100000000 ? 8
		   : v < 1000000000 ? 9 : 10;
	char *end = p + n, *q = end;
	while (v >= 100) {
		q -= 2;
		memcpy(q, out_digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10)
		memcpy(q - 2, out_digit_pairs + 2 * v, 2);
	else
		q[-1] = (char)('0' + v);
	return end;
}

#if OUT_WORD_AT_A_TIME
/* the two digits of v < 100 as they lie in memory, in a word's low bytes */
static inline uint64_t out_pair(uint32_t v)
{
	uint16_t w;
	memcpy(&w, out_digit_pairs + 2 * v, 2);
	return w;
}
#endif

/* A dump's numbers (IDs, offsets, sizes) are mostly below a million, of
 * any length in no order: those of three to six digits are made as three
 * pairs in one word, written at once less its leading zeros, without a
 * branch on their length. */
static inline __attribute__((always_inline)) char *fmt_u32(char *p, uint32_t v)
{
	if (v < 100) {
		if (v < 10) {
			*p = (char)('0' + v);
			return p + 1;
		}
		memcpy(p, out_digit_pairs + 2 * v, 2);
		return p + 2;
	}
#if OUT_WORD_AT_A_TIME
	if (v < 1000000) {
		uint32_t hi = v / 10000, rest = v - hi * 10000, mid = rest / 100;
		uint64_t w = out_pair(hi) | out_pair(mid) << 16 | out_pair(rest - mid * 100) << 32;
		unsigned n = 3 + (v >= 1000) + (v >= 10000) + (v >= 100000);
		w >>= 8 * (6 - n);
		memcpy(p, &w, 8);
		return p + n;
	}
#endif
	return fmt_u32_pairs(p, v);
}

/* v in decimal at p (room for 20 bytes); the end */
char *fmt_u64_slow(char *p, uint64_t v);
static inline char *fmt_u64(char *p, uint64_t v)
{
	return v >> 32 ? fmt_u64_slow(p, v) : fmt_u32(p, (uint32_t)v);
}

/* v in decimal at p (room for 20 bytes); the end */
static inline char *fmt_i64(char *p, int64_t v)
{
	if (v < 0) {
		*p++ = '-';
		return fmt_u64(p, -(uint64_t)v); /* well defined for INT64_MIN too */
	}
	return fmt_u64(p, (uint64_t)v);
}

/* Start writing to file (a buffer of OUT_CHUNK) or into memory (file
 * NULL); 0 or -ENOMEM. */
int out_open(struct out *o, FILE *file);
/* Flush; the first failure (negative errno), also left in errno. The
 * buffer is freed. */
int out_close_file(struct out *o);
/* Memory: hand the NUL-terminated text over, or free it on failure. */
int out_close_mem(struct out *o, char **text, size_t *len);

#endif
