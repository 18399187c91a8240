/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_ASM_H
#define BTFKIT_ASM_H

#include "btfkit/btfkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Assembling: bpftool's raw text back to BTF                          */

/* Parse text (len bytes) into a new BTF on base (NULL: base BTF). IDs in
 * the text must run on from base's. err->line/column say where a fault is. */
int bk_asm(const char *text, size_t len, const struct bk_btf *base, const char *name,
	   struct bk_btf **out, struct bk_error *err);


#ifdef __cplusplus
}
#endif
#endif
