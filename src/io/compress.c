// SPDX-License-Identifier: MIT
/*
 * Compressing a module written back (distill, relocate) in the format it
 * came in, with the settings kbuild uses for modules (scripts/Makefile.
 * modinst): xz with a CRC32 check (the kernel's in-kernel xz decoder and
 * older kmod accept nothing stronger) and a 1 MiB dictionary; zstd at its
 * default level; gzip without a name or time stamp. Each is one call into
 * its library with an output buffer sized by the library's own bound.
 */
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "io/compress.h"

static int nomem(struct bk_error *err, size_t n)
{
	return bk_err(err, -ENOMEM, "out of memory for %zu bytes", n);
}

static int compress_xz(const void *data, size_t size, void **out, size_t *out_size,
		       struct bk_error *err)
{
	lzma_options_lzma lz;
	if (lzma_lzma_preset(&lz, LZMA_PRESET_DEFAULT))
		return bk_err(err, -EINVAL, "xz: no default preset");
	lz.dict_size = 1u << 20;
	lzma_filter filters[] = {
		{.id = LZMA_FILTER_LZMA2, .options = &lz},
		{.id = LZMA_VLI_UNKNOWN, .options = NULL},
	};
	size_t cap = lzma_stream_buffer_bound(size), pos = 0;
	uint8_t *buf = malloc(cap ? cap : 1);
	if (!buf)
		return nomem(err, cap);
	lzma_ret r = lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC32, NULL, data, size, buf,
					       &pos, cap);
	if (r != LZMA_OK) {
		free(buf);
		return bk_err(err, r == LZMA_MEM_ERROR ? -ENOMEM : -EIO, "xz: compressing failed "
			      "(liblzma error %d)", (int)r);
	}
	*out = buf;
	*out_size = pos;
	return 0;
}

static int compress_zstd(const void *data, size_t size, void **out, size_t *out_size,
			 struct bk_error *err)
{
	size_t cap = ZSTD_compressBound(size);
	uint8_t *buf = malloc(cap ? cap : 1);
	if (!buf)
		return nomem(err, cap);
	size_t n = ZSTD_compress(buf, cap, data, size, ZSTD_CLEVEL_DEFAULT);
	if (ZSTD_isError(n)) {
		free(buf);
		return bk_err(err, -EIO, "zstd: compressing failed: %s", ZSTD_getErrorName(n));
	}
	*out = buf;
	*out_size = n;
	return 0;
}

static int compress_gzip(const void *data, size_t size, void **out, size_t *out_size,
			 struct bk_error *err)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	/* 15 + 16: a gzip header, with no name and time 0 (gzip -n) */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY))
		return bk_err(err, -ENOMEM, "gzip: cannot start the compressor");
	size_t cap = deflateBound(&z, (uLong)size) + 32;
	uint8_t *buf = malloc(cap);
	if (!buf) {
		deflateEnd(&z);
		return nomem(err, cap);
	}
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)size;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	int r = size > UINT32_MAX ? Z_BUF_ERROR : deflate(&z, Z_FINISH);
	size_t n = cap - z.avail_out;
	deflateEnd(&z);
	if (r != Z_STREAM_END) {
		free(buf);
		return bk_err(err, -EIO, "gzip: compressing failed (zlib error %d)", r);
	}
	*out = buf;
	*out_size = n;
	return 0;
}

int bk_compress(const char *format, const void *data, size_t size, void **out, size_t *out_size,
		struct bk_error *err)
{
	*out = NULL;
	*out_size = 0;
	if (format && !strcmp(format, "xz"))
		return compress_xz(data, size, out, out_size, err);
	if (format && !strcmp(format, "zstd"))
		return compress_zstd(data, size, out, out_size, err);
	if (format && !strcmp(format, "gzip"))
		return compress_gzip(data, size, out, out_size, err);
	return bk_err(err, -EINVAL, "unknown compression '%s' (xz, zstd or gzip)",
		      format ? format : "");
}

int bk_compress_data(const char *format, const void *data, size_t size, void **out,
		     size_t *out_size, struct bk_error *err)
{
	return bk_compress(format, data, size, out, out_size, err);
}
