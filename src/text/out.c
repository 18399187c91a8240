// SPDX-License-Identifier: MIT
/* The output buffer of src/text's printers (see out.h). */
#include <stdlib.h>
#include <sys/mman.h>

#include "core/fresh.h"
#include "text/out.h"

/* ---- the buffer ------------------------------------------------------------ */

void out_flush(struct out *o)
{
	if (!out_flushes(o) || !o->len)
		return;
	if (!o->err && fwrite(o->buf, 1, o->len, o->file) != o->len)
		o->err = errno ? -errno : -EIO;
	o->len = 0;
}

bool out_make_room(struct out *o, size_t n)
{
	if (out_flushes(o)) {
		out_flush(o);
		return o->cap >= n;
	}
	size_t cap = o->cap * 2;
	while (cap - o->len < n)
		cap *= 2;
	char *nb = o->mapped ? malloc(cap) : realloc(o->buf, cap);
	if (!nb) {
		o->err = -ENOMEM;
		return false;
	}
	if (o->mapped) { /* (a mapping does not realloc) */
		memcpy(nb, o->buf, o->len);
		bk_fresh_release(o->buf, o->mapped);
		o->mapped = 0;
	}
	o->buf = nb;
	o->cap = cap;
	return true;
}

static void release(struct out *o)
{
	bk_fresh_release(o->buf, o->mapped);
	o->buf = NULL;
	o->mapped = 0;
}

void out_let_go(struct out *o)
{
	if (!o->hold)
		return; /* (let go already) */
	o->hold = false;
	out_flush(o);
	if (o->mapped > OUT_CHUNK && o->cap > OUT_CHUNK && !o->len) {
		munmap(o->buf + OUT_CHUNK, o->mapped - OUT_CHUNK);
		o->mapped = o->cap = OUT_CHUNK;
	}
}

void out_use_buffer(struct out *o, void *p, size_t cap, size_t mapped)
{
	memcpy(p, o->buf, o->len);
	release(o);
	o->buf = p;
	o->cap = cap;
	o->mapped = mapped;
}

/* Any number of bytes, in buffer-sized pieces when writing to a file. */
void put_bytes_slow(struct out *o, const char *s, size_t n)
{
	while (n) {
		size_t room = o->cap - o->len;
		if (!room || (room < n && !out_flushes(o))) {
			if (!out_reserve(o, out_flushes(o) ? o->cap : n))
				return;
			room = o->cap - o->len;
		}
		size_t k = n < room ? n : room;
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
	}
}

void out_write(struct out *o, const char *s, size_t n)
{
	if (!out_flushes(o)) {
		put_bytes(o, s, n);
		return;
	}
	out_flush(o);
	if (!o->err && n && fwrite(s, 1, n, o->file) != n)
		o->err = errno ? -errno : -EIO;
}

/* ---- cursors ------------------------------------------------------------------ */

char *out_room_slow(struct out *o, size_t n)
{
	if (!out_make_room(o, n))
		o->len = 0; /* out of memory: o->err says so, the output is dropped */
	return o->buf + o->len;
}

/* ---- strings ------------------------------------------------------------------ */

/* Copy whole blocks of *s to *p while they lie in the table (lim) and fit
 * before the buffer's end, until one holds a byte that ends the string or,
 * for JSON, may need escaping: both advance to that byte, or to where the
 * blocks stopped. Sixteen bytes a block where SSE2 is (out_vec_copy, the
 * fast path that the printers share), else a word. Text and JSON share
 * it, with json a constant once inlined. */
static inline __attribute__((always_inline)) void copy_plain_words(struct out *o, char **p,
								   const char **s, const char *lim,
								   bool json)
{
#if OUT_VEC16
	size_t left = out_left(o, *p), in = (size_t)(lim - *s);
	size_t k = out_vec_copy(*p, *s, (in < left ? in : left) / 16, json);
	*s += k;
	*p += k;
#elif OUT_WORD_AT_A_TIME
	while (lim - *s >= 8 && out_left(o, *p) >= 8) {
		uint64_t w, z;
		memcpy(&w, *s, 8);
		memcpy(*p, &w, 8);
		if ((z = json ? out_json_special(w) : out_bytes_below(w, 1))) {
			unsigned k = (unsigned)__builtin_ctzll(z) / 8;
			*s += k;
			*p += k;
			return;
		}
		*s += 8;
		*p += 8;
	}
#else
	(void)o, (void)p, (void)s, (void)lim, (void)json;
#endif
}

char *out_text_str(struct out *o, char *p, const char *s, const char *lim, size_t after)
{
	for (;;) {
		copy_plain_words(o, &p, &s, lim, false);
		p = out_more_room(o, p, 8);
		for (int i = 0; i < 8; i++, s++) {
			if (s == lim || !*s)
				return out_more_room(o, p, after);
			*p++ = *s;
		}
	}
}

/*
 * bpftool's json_writer escapes exactly these bytes (note \' which is not
 * JSON, but is what bpftool writes); every other byte, control characters
 * and non-ASCII included, goes out as it is.
 */
static const char json_escape[256] = {
	['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r', ['\f'] = 'f', ['\b'] = 'b',
	['\\'] = '\\', ['"'] = '"', ['\''] = '\'',
};

/* Words go out whole until one holds a byte that ends the string or may
 * need escaping; that byte and a few after it go the careful way. */
char *out_json_str(struct out *o, char *p, const char *s, const char *lim, size_t after)
{
	*p++ = '"';
	for (;;) {
		copy_plain_words(o, &p, &s, lim, true);
		p = out_more_room(o, p, 2 * 8 + 1);
		for (int i = 0; i < 8; i++, s++) {
			if (s == lim || !*s) {
				*p++ = '"';
				return out_more_room(o, p, after);
			}
			char e = json_escape[(unsigned char)*s];
			if (e) {
				*p++ = '\\';
				*p++ = e;
			} else {
				*p++ = *s;
			}
		}
	}
}

/* ---- numbers ------------------------------------------------------------------ */

/* "00".."99": numbers are written two digits at a time */
#define DIGITS_ROW(d) d "0" d "1" d "2" d "3" d "4" d "5" d "6" d "7" d "8" d "9"
const char out_digit_pairs[200] = DIGITS_ROW("0") DIGITS_ROW("1") DIGITS_ROW("2")
	DIGITS_ROW("3") DIGITS_ROW("4") DIGITS_ROW("5") DIGITS_ROW("6") DIGITS_ROW("7")
	DIGITS_ROW("8") DIGITS_ROW("9");

char *fmt_u64_slow(char *p, uint64_t v)
{
	char tmp[20], *q = tmp + sizeof(tmp);
	while (v >= 100) {
		q -= 2;
		memcpy(q, out_digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		q -= 2;
		memcpy(q, out_digit_pairs + 2 * v, 2);
	} else {
		*--q = (char)('0' + v);
	}
	size_t n = (size_t)(tmp + sizeof(tmp) - q);
	memcpy(p, q, n);
	return p + n;
}

void put_u64(struct out *o, uint64_t v)
{
	out_commit(o, fmt_u64(out_room(o, 20), v));
}

void put_i64(struct out *o, int64_t v)
{
	out_commit(o, fmt_i64(out_room(o, 21), v));
}

int out_open(struct out *o, FILE *file)
{
	*o = (struct out){.cap = file ? OUT_CHUNK : 4096, .file = file};
	o->buf = malloc(o->cap);
	return o->buf ? 0 : -ENOMEM;
}

int out_close_file(struct out *o)
{
	out_flush(o);
	release(o);
	if (o->err)
		errno = -o->err;
	return o->err;
}

int out_close_mem(struct out *o, char **text, size_t *len)
{
	if (!o->err && o->mapped) { /* (what the caller gets, it frees) */
		char *copy = malloc(o->len + 1);
		if (copy) {
			memcpy(copy, o->buf, o->len);
			release(o);
			o->buf = copy;
			o->cap = o->len + 1;
		} else {
			o->err = -ENOMEM;
		}
	}
	if (!o->err && out_reserve(o, 1))
		o->buf[o->len] = '\0';
	if (o->err) {
		release(o);
		return o->err;
	}
	*text = o->buf;
	*len = o->len;
	o->buf = NULL;
	return 0;
}
