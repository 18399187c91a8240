/* SPDX-License-Identifier: MIT */
/* Private to libbtfkit: decompressing input files by their content. */
#ifndef BTFKIT_DECOMPRESS_H
#define BTFKIT_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "core/btf_internal.h"

/* The most a compressed input may expand to: a guard against decompression
 * bombs (the largest real input, a vmlinux BTF, is a few MiB). */
#define BK_DECOMPRESS_MAX ((uint64_t)4 << 30)

/* The compression format the data starts with: "xz", "zstd", "gzip", or
 * NULL when it is not compressed. */
const char *bk_compression_of(const void *data, size_t size);

/* When *data (malloc'd, *size bytes) is xz, zstd or gzip by its magic,
 * replace it with the decompressed bytes (the compressed buffer is freed);
 * otherwise leave it as it is. At most max bytes of output are accepted.
 * name is the file, for messages. On failure *data is unchanged and still
 * the caller's. Corrupt, truncated or oversized streams are invalid input
 * (exit status 1). */
int bk_decompress(const char *name, void **data, size_t *size, uint64_t max,
		  struct bk_error *err);

#endif
