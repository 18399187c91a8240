/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_ASM_H
#define BTFKIT_ASM_H

#include "btfkit/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Assembling: bpftool's raw text back to BTF                          */

/* Parse text (len bytes) -- the raw text `bpftool btf dump file` prints,
 * or with `-B` for split BTF -- into a new BTF on base (NULL: base BTF).
 * IDs in the text must run on from base's without gaps; a type may refer to
 * an ID defined later in the text. On failure (-EINVAL) err->file is name,
 * err->line/column (1-based) say where the fault is and err->msg what was
 * expected there; *out is NULL.
 *
 * What the text does not show is rebuilt: STRUCT/UNION kind_flag is set when
 * a member shows bitfield_size; INT encoding=UNKN is SIGNED|CHAR; '(anon)' is
 * name offset 0 ('(invalid)' is taken literally); the attribute kind_flag of
 * DECL_TAG/TYPE_TAG (not printed) is 0. Strings are added in the order met
 * (type name, then member names), deduplicated, base strings reused: the
 * order of libbpf's btf__add_*(), so libbpf-built blobs come back byte for
 * byte. A DATASEC entry's ` (KIND 'name')` must match the type it names. */
BK_API int bk_asm(const char *text, size_t len, const struct bk_btf *base, const char *name,
		  struct bk_btf **out, struct bk_error *err);


#ifdef __cplusplus
}
#endif
#endif
