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
	FILE *file;      /* NULL: collect in memory, growing buf */
	int err;         /* first failure (negative errno); later output is dropped */
	bool json;
	bool fresh;      /* the next field gets no separator (first in its element) */
	bool first_elem; /* the next element is the first of its list */
};

void out_flush(struct out *o);
/* Flush or grow so that n more bytes fit; false when they cannot. */
bool out_make_room(struct out *o, size_t n);
void put_bytes_slow(struct out *o, const char *s, size_t n);
void put_u64(struct out *o, uint64_t v);
void put_i64(struct out *o, int64_t v);

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

/* Start writing to file (a buffer of OUT_CHUNK) or into memory (file
 * NULL); 0 or -ENOMEM. */
int out_open(struct out *o, FILE *file);
/* Flush; the first failure (negative errno), also left in errno. The
 * buffer is freed. */
int out_close_file(struct out *o);
/* Memory: hand the NUL-terminated text over, or free it on failure. */
int out_close_mem(struct out *o, char **text, size_t *len);

#endif
