// SPDX-License-Identifier: MIT
/*
 * Compressed inputs (vmlinux.btf.xz, module.ko.zst, ...), told by their
 * magic bytes, never by the file name. Each format is decoded by its
 * library's streaming decoder into one growing buffer, so that no output
 * size read from the input is trusted: the buffer grows by doubling up to a
 * fixed limit, and a stream that wants more is refused.
 */
#include <limits.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "core/mapped.h"
#include "io/decompress.h"

static const uint8_t xz_magic[] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
static const uint8_t zstd_magic[] = {0x28, 0xb5, 0x2f, 0xfd};
static const uint8_t gzip_magic[] = {0x1f, 0x8b};

static bool starts_with(const void *data, size_t size, const uint8_t *magic, size_t len)
{
	return size >= len && !memcmp(data, magic, len);
}

const char *bk_compression_of(const void *data, size_t size)
{
	if (starts_with(data, size, xz_magic, sizeof(xz_magic)))
		return "xz";
	if (starts_with(data, size, zstd_magic, sizeof(zstd_magic)))
		return "zstd";
	if (starts_with(data, size, gzip_magic, sizeof(gzip_magic)))
		return "gzip";
	return NULL;
}

/* The output buffer: cap never exceeds max + 1, so that one byte past the
 * limit is enough to tell an oversized stream. */
struct outbuf {
	uint8_t *p;
	size_t len, cap;
	uint64_t max;
	const char *format;
	struct bk_error *err;
};

static int outbuf_init(struct outbuf *ob, size_t hint, uint64_t max, const char *format,
		       struct bk_error *err)
{
	uint64_t limit = max + 1 < SIZE_MAX ? max + 1 : SIZE_MAX;
	ob->len = 0;
	/* a size the input declares is a hint: trust it only so far */
	ob->cap = hint < 65536 ? 65536 : hint > (256u << 20) ? (256u << 20) : hint;
	if (ob->cap > limit)
		ob->cap = (size_t)limit;
	ob->max = max;
	ob->format = format;
	ob->err = err;
	ob->p = malloc(ob->cap);
	if (!ob->p)
		return bk_err(err, -ENOMEM, "%s: out of memory for %zu bytes", format, ob->cap);
	return 0;
}

static int outbuf_too_big(struct outbuf *ob)
{
	return bk_err(ob->err, -EFBIG,
		      "%s: decompressed data exceeds the limit of %llu bytes; refusing it "
		      "(a decompression bomb?)",
		      ob->format, (unsigned long long)ob->max);
}

/* Make room for more output: double the buffer, up to the limit. */
static int outbuf_grow(struct outbuf *ob)
{
	uint64_t limit = ob->max + 1 < SIZE_MAX ? ob->max + 1 : SIZE_MAX;
	if (ob->cap >= limit)
		return outbuf_too_big(ob);
	uint64_t want = (uint64_t)ob->cap * 2;
	size_t cap = (size_t)(want < limit ? want : limit);
	uint8_t *p = realloc(ob->p, cap);
	if (!p)
		return bk_err(ob->err, -ENOMEM, "%s: out of memory for %zu bytes", ob->format, cap);
	ob->p = p;
	ob->cap = cap;
	return 0;
}

static int outbuf_finish(struct outbuf *ob, void **data, size_t *size)
{
	if (ob->len > ob->max) {
		free(ob->p);
		return outbuf_too_big(ob);
	}
	uint8_t *p = realloc(ob->p, ob->len ? ob->len : 1); /* give back the slack */
	if (p)
		ob->p = p;
	*data = ob->p;
	*size = ob->len;
	return 0;
}

static const char *lzma_fault(lzma_ret r)
{
	switch (r) {
	case LZMA_FORMAT_ERROR: return "not in the .xz format";
	case LZMA_OPTIONS_ERROR: return "unsupported compression options";
	case LZMA_DATA_ERROR: return "corrupt compressed data";
	case LZMA_BUF_ERROR: return "truncated stream (unexpected end of input)";
	case LZMA_MEM_ERROR: return "out of memory";
	case LZMA_MEMLIMIT_ERROR: return "the stream needs a dictionary over 1 GiB";
	default: return "decoder failure";
	}
}

static int unxz(const uint8_t *in, size_t n, struct outbuf *ob)
{
	lzma_stream s = LZMA_STREAM_INIT;
	/* xz -9 needs 65 MiB; a header asking for more than 1 GiB is hostile */
	lzma_ret r = lzma_stream_decoder(&s, (uint64_t)1 << 30, LZMA_CONCATENATED);
	int e = 0;
	if (r != LZMA_OK)
		return bk_err(ob->err, -ENOMEM, "xz: cannot start the decoder: %s", lzma_fault(r));
	s.next_in = in;
	s.avail_in = n;
	for (;;) {
		if (ob->len == ob->cap && (e = outbuf_grow(ob)))
			break;
		s.next_out = ob->p + ob->len;
		s.avail_out = ob->cap - ob->len;
		r = lzma_code(&s, LZMA_FINISH);
		ob->len = ob->cap - s.avail_out;
		if (r == LZMA_STREAM_END)
			break;
		if (r != LZMA_OK) {
			e = bk_err(ob->err, r == LZMA_MEM_ERROR ? -ENOMEM : -EINVAL, "xz: %s",
				   lzma_fault(r));
			break;
		}
	}
	lzma_end(&s);
	return e;
}

/* The frame's declared size, a hint only: the buffer still grows if it lies. */
static size_t zstd_hint(const uint8_t *in, size_t n)
{
	unsigned long long sz = ZSTD_getFrameContentSize(in, n);
	if (sz == ZSTD_CONTENTSIZE_UNKNOWN || sz == ZSTD_CONTENTSIZE_ERROR || sz > SIZE_MAX / 2)
		return n * 4;
	return (size_t)sz;
}

static int unzstd(const uint8_t *in, size_t n, struct outbuf *ob)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	ZSTD_inBuffer ib = {in, n, 0};
	size_t ret = 1;
	int e = 0;
	if (!ds)
		return bk_err(ob->err, -ENOMEM, "zstd: out of memory");
	for (;;) {
		if (ob->len == ob->cap && (e = outbuf_grow(ob)))
			break;
		ZSTD_outBuffer obuf = {ob->p, ob->cap, ob->len};
		ret = ZSTD_decompressStream(ds, &obuf, &ib);
		ob->len = obuf.pos;
		if (ZSTD_isError(ret)) {
			e = bk_err(ob->err, -EINVAL, "zstd: %s", ZSTD_getErrorName(ret));
			break;
		}
		/* all input read: done when the last frame is complete (0), or
		 * truncated when the decoder, with room left, still wants more */
		if (ib.pos == ib.size && (ret == 0 || obuf.pos < obuf.size))
			break;
	}
	ZSTD_freeDStream(ds);
	if (!e && ret != 0)
		e = bk_err(ob->err, -EINVAL, "zstd: truncated stream (unexpected end of input)");
	return e;
}

/* gzip's trailer holds the size modulo 4 GiB: a hint only. */
static size_t gzip_hint(const uint8_t *in, size_t n)
{
	if (n < 18)
		return n * 4;
	const uint8_t *t = in + n - 4;
	return (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
}

static int inflate_fault(struct outbuf *ob, int r, const z_stream *z)
{
	if (r == Z_MEM_ERROR)
		return bk_err(ob->err, -ENOMEM, "gzip: out of memory");
	if (r == Z_NEED_DICT)
		return bk_err(ob->err, -EINVAL, "gzip: stream needs a preset dictionary");
	return bk_err(ob->err, -EINVAL, "gzip: corrupt compressed data%s%s", z->msg ? ": " : "",
		      z->msg ? z->msg : "");
}

static int gunzip(const uint8_t *in, size_t n, struct outbuf *ob)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) /* 16: gzip wrapper only */
		return bk_err(ob->err, -ENOMEM, "gzip: cannot start the decoder");
	size_t consumed = 0;
	int e = 0;
	for (;;) {
		if (ob->len == ob->cap && (e = outbuf_grow(ob)))
			break;
		/* zlib counts in uInt: feed both sides in pieces */
		size_t in_left = n - consumed, out_left = ob->cap - ob->len;
		z.next_in = (Bytef *)(uintptr_t)(in + consumed);
		z.avail_in = in_left > UINT_MAX ? UINT_MAX : (uInt)in_left;
		z.next_out = ob->p + ob->len;
		z.avail_out = out_left > UINT_MAX ? UINT_MAX : (uInt)out_left;
		uInt avail_in = z.avail_in, avail_out = z.avail_out;
		int r = inflate(&z, Z_NO_FLUSH);
		consumed += avail_in - z.avail_in;
		ob->len += avail_out - z.avail_out;
		if (r == Z_STREAM_END) {
			if (consumed == n)
				break;
			/* concatenated members are one file; anything else is not */
			if (!starts_with(in + consumed, n - consumed, gzip_magic, sizeof(gzip_magic))) {
				e = bk_err(ob->err, -EINVAL,
					   "gzip: %zu bytes of trailing data after the stream",
					   n - consumed);
				break;
			}
			inflateReset(&z);
		} else if (r == Z_BUF_ERROR && consumed == n && z.avail_out) {
			e = bk_err(ob->err, -EINVAL, "gzip: truncated stream (unexpected end of input)");
			break;
		} else if (r != Z_OK && r != Z_BUF_ERROR) {
			e = inflate_fault(ob, r, &z);
			break;
		}
	}
	inflateEnd(&z);
	return e;
}

int bk_decompress(const char *name, void **data, size_t *size, uint64_t max,
		  struct bk_error *err)
{
	const uint8_t *in = *data;
	size_t n = *size, hint = n * 4;
	const char *format = bk_compression_of(in, n);
	struct outbuf ob;
	int e;
	if (!format)
		return 0;
	if (!strcmp(format, "zstd"))
		hint = zstd_hint(in, n);
	else if (!strcmp(format, "gzip"))
		hint = gzip_hint(in, n);
	if ((e = outbuf_init(&ob, hint, max, format, err)))
		goto fail;
	if (!strcmp(format, "xz"))
		e = unxz(in, n, &ob);
	else if (!strcmp(format, "zstd"))
		e = unzstd(in, n, &ob);
	else
		e = gunzip(in, n, &ob);
	if (e) {
		free(ob.p);
		goto fail;
	}
	if ((e = outbuf_finish(&ob, data, size)))
		goto fail;
	bk_buf_free((void *)in);
	return 0;
fail:
	if (err) {
		bk_err_set_source(err, name, NULL);
		err->io = false;
	}
	return bk_err_tag(err, e, BK_E_DECOMPRESS);
}
