/* SPDX-License-Identifier: MIT */
/*
 * The matcher: which types of a new base a distilled base type may be
 * relocated onto. libbpf's candidate rules (btf_relocate.c of libbpf 1.8,
 * shared with the kernel's module loader), btfkit's two deliberate fixes,
 * and the switch back to libbpf's behaviour (quirks), in one place: relocate
 * places types with it, distill's warnings predict relocation's ambiguities
 * with it (docs/relocate.md has the rules in words).
 */
#ifndef BTFKIT_MATCH_H
#define BTFKIT_MATCH_H

#include "core/btf_internal.h"

/* Where the split BTF holds a distilled STRUCT/UNION in place (the first
 * such member met): libbpf then insists on an equal size. */
struct bk_embed_site {
	uint32_t id;     /* split STRUCT/UNION that embeds the type, 0 none */
	uint32_t member; /* its member's index */
	bool hops;       /* CONST/TYPEDEF/ARRAY... between member and type */
};

struct bk_matcher {
	const struct bk_btf *split, *dist, *base;
	bool quirks;                  /* libbpf's rules, bugs included */
	uint32_t nr_dist;             /* the distilled base's type count */
	struct bk_embed_site *embed;  /* per distilled ID */
	uint32_t *named;              /* after bk_match: the new-base types of that */
	size_t nr_named, named_cap;   /*   name, in ID order (near misses included) */
	struct bk_match_scan *scan;   /* bk_matcher_scan_base's candidates, or NULL */
};

/* Set up matching split's distilled base (split's base) onto new_base,
 * walking split once for what it embeds. 0 or -ENOMEM. */
int bk_matcher_init(struct bk_matcher *m, const struct bk_btf *split,
		    const struct bk_btf *new_base, bool quirks);
void bk_matcher_free(struct bk_matcher *m);

/* Find every distilled name's new-base types in one pass over the new base
 * instead of its name index: for a few distilled types onto a base not yet
 * indexed (distill's warnings for one module), far cheaper than indexing a
 * whole vmlinux; bk_match then gives the same candidates in the same order.
 * Done only for a base without a base of its own and without an index;
 * otherwise (and on -ENOMEM) nothing changes. 0 or -ENOMEM. */
int bk_matcher_scan_base(struct bk_matcher *m);

static inline bool bk_matcher_embedded(const struct bk_matcher *m, uint32_t dist_id)
{
	return m->embed[dist_id].id != 0;
}

/* The new-base types distilled type dist_id may become, in ID order: how
 * many pass into *nr, the first cap of them into ids. One is a match, none
 * "not mapped", two or more "ambiguous". 0 or -ENOMEM. */
int bk_match(struct bk_matcher *m, uint32_t dist_id, uint32_t *ids, size_t cap, size_t *nr);

#endif
