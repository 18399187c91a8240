/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_RELOCATE_H
#define BTFKIT_RELOCATE_H

#include "btfkit/btfkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Relocate                                                            */

/* libbpf's btf__relocate(): split BTF on its distilled base becomes split
 * BTF on new_base (IDs and string offsets rewritten), returned in *out.
 * split is never changed, on failure neither. Diagnostics beyond the
 * first failure: see the explaining API below (the relocate layer). */
int bk_relocate(const struct bk_btf *split, const struct bk_btf *new_base, struct bk_btf **out,
		struct bk_error *err);

#ifdef __cplusplus
}
#endif
#endif
