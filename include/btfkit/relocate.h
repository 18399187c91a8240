/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_RELOCATE_H
#define BTFKIT_RELOCATE_H

#include "btfkit/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Relocate                                                            */

/* libbpf's btf__relocate(): split BTF on its distilled base becomes split
 * BTF on new_base (IDs and string offsets rewritten), returned in *out.
 * split is never changed, on failure neither. Diagnostics beyond the
 * first failure: see the explaining API below (the relocate layer). */
BK_API int bk_relocate(const struct bk_btf *split, const struct bk_btf *new_base, struct bk_btf **out,
		       struct bk_error *err);

/*
 * Matching follows libbpf (docs/relocate.md) with two deliberate fixes:
 * a distilled STRUCT/UNION matches only a new-base type of its own kind (or
 * a FWD of that kind when the split BTF does not embed it), and a distilled
 * FWD matches by its own kind_flag. libbpf_quirks = true restores libbpf's
 * behaviour (any same-named candidate for a STRUCT/UNION; the candidate's
 * kind_flag for a FWD), for comparison with libbpf's own output.
 */

/* Why one distilled base type cannot be placed on the new base. */
enum bk_reloc_fault {
	BK_RELOC_NOT_FOUND = 1, /* no candidate passes (libbpf: "not mapped") */
	BK_RELOC_AMBIGUOUS,     /* two or more pass ("multiple candidates") */
	BK_RELOC_SIZE_DIFFERS,  /* embedded in the module, and every same-kind
				 * candidate has another size (libbpf: "not mapped") */
};

/* A new-base type with the distilled type's name: a candidate that passed
 * (AMBIGUOUS) or a near miss (NOT_FOUND, SIZE_DIFFERS). */
struct bk_reloc_cand {
	uint32_t id;
	uint8_t kind;
	bool kflag;
	uint32_t size;     /* 0 for kinds without a size */
	uint32_t int_enc;  /* INT: its encoding bits */
};

struct bk_reloc_problem {
	enum bk_reloc_fault fault;
	uint32_t dist_id;    /* the type in the distilled base */
	uint8_t dist_kind;
	bool dist_kflag;
	uint32_t dist_size;
	uint32_t dist_int_enc;
	char *name;          /* its name (owned by the report) */
	struct bk_reloc_cand *cands;
	size_t nr_cands;
	/* where the module embeds it (0 when it does not): the split BTF's
	 * STRUCT/UNION, its member, and the member's type chain as text,
	 * e.g. "[120] STRUCT 'foo_priv' member 'dev' (const struct device[2])" */
	uint32_t embed_id;
	uint32_t embed_member;
	char embed_desc[256];
};

struct bk_reloc_report {
	struct bk_reloc_problem *problems; /* in distilled-base ID order */
	size_t nr_problems;
	size_t primary;   /* index of the problem libbpf reports (it stops there) */
};

struct bk_relocate_opts {
	size_t sz; /* sizeof(struct bk_relocate_opts): declare with BK_OPTS */
	bool libbpf_quirks;
	/* out, optional: old ID -> new ID for every ID of split (its distilled
	 * base's included, 0 -> 0), bk_btf_type_cnt(split) entries, malloc'd */
	uint32_t **id_map;
	/* out, optional: every problem when relocation fails (NULL when it
	 * succeeds or fails for another reason); bk_reloc_report_free() */
	struct bk_reloc_report **report;
};

/* bk_relocate() with options. Fails with -EINVAL when a type cannot be
 * placed (err names the primary problem and counts the others), when the
 * distilled base holds a kind that distill never writes or an anonymous
 * type, or when a split string offset points into the distilled base at
 * something that is not a type's name. */
BK_API int bk_relocate_opts(const struct bk_btf *split, const struct bk_btf *new_base,
			    const struct bk_relocate_opts *opts, struct bk_btf **out,
			    struct bk_error *err);

BK_API void bk_reloc_report_free(struct bk_reloc_report *r);

/* "not found", "ambiguous", "size differs"; and "not-found"... for JSON */
BK_API const char *bk_reloc_fault_name(enum bk_reloc_fault f);
BK_API const char *bk_reloc_fault_id(enum bk_reloc_fault f);

/* One problem as a sentence (no newline), e.g.
 * "[30] STRUCT 'device' size=744: size differs: the new base has [2011]
 *  STRUCT 'device' size=752; the module embeds it in ..." */
BK_API const char *bk_reloc_problem_str(const struct bk_reloc_problem *p, char *buf, size_t len);
/* A candidate as "[id] KIND 'name' size=N" (encoding for INT, fwd kind
 * for FWD), name taken from the distilled type. */
BK_API const char *bk_reloc_cand_str(const struct bk_reloc_problem *p, const struct bk_reloc_cand *c,
				     char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
