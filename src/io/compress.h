/* SPDX-License-Identifier: MIT */
/* Private to libbtfkit: compressing output files as they came in. */
#ifndef BTFKIT_COMPRESS_H
#define BTFKIT_COMPRESS_H

#include <stddef.h>

#include "core/btf_internal.h"

/* data compressed in format ("xz", "zstd", "gzip"), malloc'd into *out,
 * as the kernel's build writes modules (kbuild's `xz --check=crc32
 * --lzma2=dict=1MiB`, `zstd`, `gzip -n`): what kmod reads. -EINVAL for
 * another format. */
int bk_compress(const char *format, const void *data, size_t size, void **out, size_t *out_size,
		struct bk_error *err);

#endif
