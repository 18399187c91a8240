/* SPDX-License-Identifier: MIT */
/* Private to libbtfkit: the module object (module.c). Later parts of a
 * module (.BTF_ids, compressed write-back) hang off this struct. */
#ifndef BTFKIT_MODULE_INTERNAL_H
#define BTFKIT_MODULE_INTERNAL_H

#include "btfkit/module.h"
#include "io/file_internal.h"

struct bk_module {
	struct bk_file *file;             /* the module as read, decompressed */
	enum bk_compression compression;  /* as it was on disk: write it back so */
	bool has_btf;                     /* a .BTF section (a raw blob is one) */
	bool has_base_sec;                /* a .BTF.base section */
	bool dist_given;                  /* a raw blob's distilled base, given */

	/* parsed on first use, owned */
	struct bk_btf *dist;              /* the distilled base: .BTF.base, given, or made */
	struct bk_btf *split;             /* .BTF on dist */
	struct bk_btf *plain;             /* .BTF read alone (no distilled base) */
	const struct bk_btf *distilled_on; /* dist was distilled against it */
};

#endif
