// SPDX-License-Identifier: MIT
/*
 * read -> distill -> relocate -> write. Input: base SEP split, optionally
 * SEP new_base. The split BTF is distilled; the new split is relocated onto
 * new_base (or back onto base); every result must walk cleanly and write
 * back to the same bytes, and the distilled base must hold only the kinds
 * distill may write (INT, FLOAT, FWD, and STRUCT/UNION and ENUM with no
 * members).
 */
#include "fuzz.h"

static int check_distilled_base(const struct bk_btf *dist)
{
	for (uint32_t id = 1; id < bk_btf_type_cnt(dist); id++) {
		const struct bk_type *t = bk_btf_type(dist, id);
		const char *name = bk_btf_name(dist, t);
		unsigned k = bk_kind(t);
		/* names may be "": libbpf copies INT, FLOAT and FWD whatever their
		 * name, and a composite's non-zero name offset may lead to "" */
		if (!name)
			return bk_fuzz_broken("distill", "an invalid name in the distilled base");
		if (k != BK_KIND_INT && k != BK_KIND_FLOAT && k != BK_KIND_FWD &&
		    k != BK_KIND_STRUCT && k != BK_KIND_UNION && k != BK_KIND_ENUM)
			return bk_fuzz_broken("distill", "a kind distill may not write, in the base");
		if (k != BK_KIND_INT && k != BK_KIND_FLOAT && k != BK_KIND_FWD && bk_vlen(t))
			return bk_fuzz_broken("distill", "a distilled composite kept its members");
	}
	return 0;
}

/* Relocate split (on its distilled base) onto target and check the result. */
static int relocate_onto(const struct bk_btf *split, const struct bk_btf *target)
{
	struct bk_error err = {0};
	struct bk_btf *out = NULL;
	int e = bk_relocate(split, target, &out, &err);
	if (e)
		return out ? bk_fuzz_broken("distill", "relocate: failure with a result") :
			     bk_fuzz_check_error("distill", e, &err);
	int bad = 0;
	if (bk_btf_base(out) != target)
		bad = bk_fuzz_broken("distill", "relocated BTF is not on the new base");
	else if (bk_btf_nr_types(out) != bk_btf_nr_types(split))
		bad = bk_fuzz_broken("distill", "relocation changes the number of split types");
	else
		bad = bk_fuzz_walk("distill", out) ||
		      bk_fuzz_write_round_trip("distill", out, NULL, NULL, NULL);
	bk_btf_free(out);
	return bad;
}

static int distill_and_relocate(const struct bk_btf *base, const struct bk_btf *split,
				const struct bk_btf *target)
{
	struct bk_error err = {0};
	struct bk_btf *dist = NULL, *new_split = NULL;
	int e = bk_distill(split, &dist, &new_split, &err);
	if (e)
		return dist || new_split ? bk_fuzz_broken("distill", "failure with a result") :
					   bk_fuzz_check_error("distill", e, &err);
	int bad = 0;
	if (bk_btf_base(new_split) != dist || bk_btf_base(dist))
		bad = bk_fuzz_broken("distill", "the new split is not on the distilled base");
	else if (bk_btf_nr_types(new_split) < bk_btf_nr_types(split))
		bad = bk_fuzz_broken("distill", "the new split lost types");
	else
		bad = check_distilled_base(dist) || bk_fuzz_walk("distill", dist) ||
		      bk_fuzz_walk("distill", new_split) ||
		      bk_fuzz_write_round_trip("distill", dist, NULL, NULL, NULL) ||
		      bk_fuzz_write_round_trip("distill", new_split, NULL, NULL, NULL) ||
		      relocate_onto(new_split, target ? target : base);
	bk_btf_free(new_split);
	bk_btf_free(dist);
	return bad;
}

int bk_fuzz_distill(const uint8_t *data, size_t size)
{
	struct bk_fuzz_part p[BK_FUZZ_MAX_PARTS] = {{0}};
	struct bk_error err = {0};
	struct bk_btf *base = NULL, *split = NULL, *target = NULL;
	size_t n = bk_fuzz_split(data, size, p, BK_FUZZ_MAX_PARTS);
	int bad = 0;
	/* inputs the reader refuses are fuzz_raw's business */
	if (n >= 2 && !bk_btf_parse(p[0].data, p[0].size, NULL, "base.btf", &base, &err) &&
	    !bk_btf_parse(p[1].data, p[1].size, base, "split.btf", &split, &err) &&
	    (n < 3 || !bk_btf_parse(p[2].data, p[2].size, NULL, "new_base.btf", &target, &err)))
		bad = distill_and_relocate(base, split, target);
	bk_btf_free(split);
	bk_btf_free(target);
	bk_btf_free(base);
	return bad;
}

BK_FUZZ_MAIN(bk_fuzz_distill)
