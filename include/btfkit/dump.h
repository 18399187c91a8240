/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_DUMP_H
#define BTFKIT_DUMP_H

#include <stdio.h>

#include "btfkit/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Printing: bpftool's raw text and JSON                               */

enum bk_dump_format { BK_DUMP_TEXT, BK_DUMP_JSON };

/* Print btf's own types as `bpftool btf dump file` does (text) or
 * `bpftool -j btf dump file` (JSON), byte for byte: a split BTF prints only
 * its own types, numbered after its base. Returns 0, or a negative errno
 * when writing to out fails (EPIPE, ENOSPC...; errno is left set too). */
BK_API int bk_dump(const struct bk_btf *btf, enum bk_dump_format fmt, FILE *out);

/* The same into memory: *text is malloc'd and NUL-terminated, *len its
 * length without the NUL. Returns 0 or -ENOMEM. */
BK_API int bk_dump_mem(const struct bk_btf *btf, enum bk_dump_format fmt, char **text, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
