/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_DISTILL_H
#define BTFKIT_DISTILL_H

#include "btfkit/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Distill and relocate                                                */

/* libbpf's btf__distill_base(): from split BTF on its full base, make the
 * distilled base and a new split BTF on it. Both are byte for byte what
 * libbpf makes (written with bk_btf_write), in the byte order of split.
 * Fails (-EINVAL) when split is not split BTF or refers to a base FUNC, VAR,
 * DATASEC or DECL_TAG; the outputs are then untouched. Free both results
 * with bk_btf_free(), the split first (it points at the base). */
BK_API int bk_distill(const struct bk_btf *split, struct bk_btf **dist_base, struct bk_btf **new_split,
		      struct bk_error *err);

/* Does split BTF fit its base? The reader checks that IDs and string
 * offsets are in range; this checks what it refers to in the base: a
 * base type of a kind the referring field cannot hold (a member, parameter,
 * return value, array element or variable whose type is a FUNC_PROTO, an
 * array index that is not an INT, a reference to a base FUNC, VAR, DATASEC
 * or DECL_TAG, a tag on a type that cannot carry one) and base string
 * offsets that do not start a string. Those mean split was built against a
 * different base. 0, or -EINVAL naming the first misfit. */
BK_API int bk_split_check_base(const struct bk_btf *split, struct bk_error *err);

/* A distilled base type that relocation could not place even on the base
 * it came from: libbpf's btf__relocate() (and the kernel's module loader,
 * which shares its code) matches it to more than one type there and fails
 * as "ambiguous". */
struct bk_distill_warning {
	uint32_t dist_id;      /* the type in the distilled base */
	uint32_t nr_matches;   /* how many base types relocation would take */
	uint32_t match_ids[2]; /* the first two, in base-ID order */
	char name[128];
	char msg[512];         /* one line: the type, its matches and why */
};

struct bk_distill_warnings {
	struct bk_distill_warning *items;
	size_t count;
};

/* For every type of new_split's (distilled) base, find the types of base
 * that libbpf's relocation rules would match it with (names; sizes for INT,
 * FLOAT, ENUM and for composites whose name the base has more than once or
 * that new_split embeds; libbpf's kind tests, quirks included). Each type
 * with two or more is reported in out (count 0: relocation onto base would
 * succeed). Free out with bk_distill_warnings_free(). */
BK_API int bk_distill_warnings(const struct bk_btf *base, const struct bk_btf *new_split,
			       struct bk_distill_warnings *out, struct bk_error *err);
BK_API void bk_distill_warnings_free(struct bk_distill_warnings *w);

#ifdef __cplusplus
}
#endif
#endif
