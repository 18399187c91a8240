// SPDX-License-Identifier: MIT
/*
 * Does split BTF fit the base it is given (bk_split_check_base)? A module
 * read on another kernel's vmlinux still parses: its base IDs and string
 * offsets land on whatever that kernel has there. Each type-ID field that
 * points into the base must find a kind that field may hold, and each base
 * string offset must start a string; the first misfit is the error.
 */
#include "core/btf_internal.h"

/* What a type-ID field holds, for the kinds its target may have. */
enum field_role {
	ROLE_OBJECT,    /* a value: member, parameter, return, element, variable */
	ROLE_REF,       /* pointer, typedef, qualifier, type tag target */
	ROLE_INDEX,     /* an array's index type */
	ROLE_TAG,       /* what a DECL_TAG is attached to */
	ROLE_SEC_VAR,   /* a DATASEC entry */
	ROLE_PROTO,     /* a FUNC's prototype (the reader checks it) */
};

static enum field_role field_role(unsigned kind, const struct bk_field_iter *it)
{
	uint32_t step = it->step - 1;
	if (bk_kind_is_composite(kind))
		return ROLE_OBJECT;
	switch (kind) {
	case BK_KIND_ARRAY: return step == 1 ? ROLE_INDEX : ROLE_OBJECT;
	case BK_KIND_FUNC_PROTO:
	case BK_KIND_VAR: return ROLE_OBJECT;
	case BK_KIND_DECL_TAG: return ROLE_TAG;
	case BK_KIND_DATASEC: return ROLE_SEC_VAR;
	case BK_KIND_FUNC: return ROLE_PROTO;
	default: return ROLE_REF;
	}
}

static const char *role_misfit(enum field_role role, unsigned target)
{
	if (bk_kind_is_decl(target) && role != ROLE_TAG && role != ROLE_SEC_VAR)
		return "no type can refer to one";
	switch (role) {
	case ROLE_OBJECT:
		return target == BK_KIND_FUNC_PROTO ? "a value cannot be a function type" : NULL;
	case ROLE_INDEX:
		return target != BK_KIND_INT ? "an array index must be an INT" : NULL;
	case ROLE_TAG:
		return bk_kind_is_taggable(target) ? NULL
						    : "a declaration tag cannot be attached to it";
	case ROLE_SEC_VAR:
		return target != BK_KIND_VAR ? "a DATASEC entry must be a VAR" : NULL;
	default:
		return NULL;
	}
}

static int check_type_refs(const struct bk_btf *split, uint32_t base_cnt, uint32_t id,
			   struct bk_error *err)
{
	struct bk_type *t = (struct bk_type *)bk_btf_type(split, id);
	struct bk_field_iter it;
	uint32_t *f;
	bk_field_iter_begin(&it, t, BK_ITER_IDS);
	while ((f = bk_field_iter_next(&it))) {
		if (!*f || *f >= base_cnt)
			continue;
		unsigned target = bk_kind(bk_btf_type(split, *f));
		const char *why = role_misfit(field_role(bk_kind(t), &it), target);
		if (why) {
			char field[64], label[160];
			bk_field_iter_describe(&it, field, sizeof(field));
			bk_type_label(split, *f, label, sizeof(label));
			return bk_err_type(err, split, id, -EINVAL,
					   "%s is base type %s: %s; was this BTF built on another base?",
					   field, label, why);
		}
	}
	return 0;
}

/* Is off the start of a string of the BTF (in the chain) that holds it? */
static bool starts_string(const struct bk_btf *b, uint32_t off)
{
	while (b && off < b->start_str_off)
		b = b->base;
	return !b || off == b->start_str_off || b->strs[off - b->start_str_off - 1] == '\0';
}

/* A base string offset must start a string: pahole and libbpf refer to
 * whole strings, so one inside a string means a different base. */
static int check_type_strs(const struct bk_btf *split, uint32_t base_strs, uint32_t id,
			   struct bk_error *err)
{
	struct bk_field_iter it;
	uint32_t *f;
	bk_field_iter_begin(&it, (struct bk_type *)bk_btf_type(split, id), BK_ITER_STRS);
	while ((f = bk_field_iter_next(&it))) {
		if (!*f || *f >= base_strs)
			continue;
		const char *s = bk_btf_str(split, *f);
		if (s && !starts_string(split, *f)) {
			char field[64];
			bk_field_iter_describe(&it, field, sizeof(field));
			return bk_err_type(err, split, id, -EINVAL,
					   "%s: string offset %u is inside a base string (\"...%.40s\"); "
					   "was this BTF built on another base?",
					   field, *f, s);
		}
	}
	return 0;
}

int bk_split_check_base(const struct bk_btf *split, struct bk_error *err)
{
	const struct bk_btf *base = bk_btf_base(split);
	if (!base) {
		bk_err_set_source(err, split->source, split->section);
		return bk_err_r(err, -EINVAL, BK_E_NOT_SPLIT, "not split BTF: there is no base");
	}
	uint32_t base_cnt = bk_btf_type_cnt(base), end = bk_btf_type_cnt(split);
	uint32_t base_strs = bk_btf_start_str_off(split);
	for (uint32_t id = base_cnt; id < end; id++) {
		int e = check_type_refs(split, base_cnt, id, err);
		if (!e)
			e = check_type_strs(split, base_strs, id, err);
		if (e)
			return bk_err_tag(err, e, BK_E_BASE_MISFIT);
	}
	return 0;
}
