/* SPDX-License-Identifier: MIT */
/* Private to the module layer: what check adds to relocation to predict a
 * kernel's module load (check_load.c). */
#ifndef BTFKIT_CHECK_LOAD_H
#define BTFKIT_CHECK_LOAD_H

#include "btfkit/btf_ids.h"
#include "btfkit/check.h"

/* Every entry of ids that btf (the numbering the section is in) does not
 * back, added to res->ids_problems; -ENOMEM only. */
int bk_check_ids(const struct bk_btf_ids *ids, const struct bk_btf *btf,
		 struct bk_check_result *res);
/* A .BTF_ids that cannot be read, as one problem. */
int bk_check_ids_unreadable(const struct bk_error *why, struct bk_check_result *res);
/* Are a and b the same kernel's BTF (so a module built for one is built for
 * the other)? Told cheaply: the same counts and section sizes. */
bool bk_same_kernel(const struct bk_btf *a, const struct bk_btf *b);

/* One distilled type that a failing module's relocation problems name
 * ("STRUCT 'device'"), and that module: what check's summary (breakers)
 * and its report (causes) count. */
struct bk_check_hit {
	char type[160];
	size_t module; /* index into the results */
};
/* Every such (type, module) pair, once each, sorted by type then module
 * (check.c); NULL when out of memory. */
struct bk_check_hit *bk_check_hits(const struct bk_check_result *r, size_t n, size_t *nr);

#endif
