/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_DUMP_H
#define BTFKIT_DUMP_H

#include "btfkit/btfkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Printing: bpftool's raw text and JSON                               */

enum bk_dump_format { BK_DUMP_TEXT, BK_DUMP_JSON };

/* Print btf's own types as `bpftool btf dump file` does. */
int bk_dump(const struct bk_btf *btf, enum bk_dump_format fmt, FILE *out);


#ifdef __cplusplus
}
#endif
#endif
