/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_DISTILL_H
#define BTFKIT_DISTILL_H

#include "btfkit/btfkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Distill and relocate                                                */

/* libbpf's btf__distill_base(): from split BTF on its full base, make the
 * distilled base and a new split BTF on it. */
int bk_distill(const struct bk_btf *split, struct bk_btf **dist_base, struct bk_btf **new_split,
	       struct bk_error *err);


#ifdef __cplusplus
}
#endif
#endif
