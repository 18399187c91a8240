// SPDX-License-Identifier: MIT
/*
 * The kind table: the one place that knows each kind's shape. The reader
 * sizes records with it, the byte-order code and the field iterators walk
 * it, the validators and printers take names from it, and its groups
 * (composite, modifier, sized...) are the one list of which kinds share a
 * rule. Nothing else in btfkit switches on a kind to find its fields.
 */
#include <stdio.h>
#include <string.h>

#include "core/btf_internal.h"

#define ID_FIELD(...) .nr_fixed_ids = sizeof((uint8_t[]){__VA_ARGS__}), .fixed_id_offs = {__VA_ARGS__}
#define NO_ELEMS .elem_id_off = -1, .elem_str_off = -1

#define NAMED BK_KG_NAMED
#define SIZED BK_KG_SIZED
#define MOD (BK_KG_MODIFIER | BK_KG_RESOLVED)
#define COMPOSITE (BK_KG_COMPOSITE | NAMED | SIZED | BK_KG_RESOLVED | BK_KG_TAGGABLE | BK_KG_DISTILLED)
#define ENUMS (BK_KG_ENUM | NAMED | SIZED)
/* a declaration the verifier resolves, which only tags and sections may name */
#define DECL_SRC (BK_KG_DECL | BK_KG_SOURCE_ONLY | BK_KG_RESOLVED | NAMED)

const struct bk_kind_desc bk_kinds[BK_NR_KINDS] = {
	[BK_KIND_UNKN] = {"UNKN", 0, 0, false, NO_ELEMS},
	[BK_KIND_INT] = {.name = "INT", .info_sz = 4, NO_ELEMS,
			 .groups = NAMED | SIZED | BK_KG_DISTILLED},
	[BK_KIND_PTR] = {.name = "PTR", .type_is_id = true, NO_ELEMS, .groups = BK_KG_RESOLVED},
	[BK_KIND_ARRAY] = {.name = "ARRAY", .info_sz = sizeof(struct bk_array), ID_FIELD(0, 4),
			   NO_ELEMS, .groups = BK_KG_RESOLVED},
	[BK_KIND_STRUCT] = {.name = "STRUCT", .elem_sz = sizeof(struct bk_member),
			    .elem_id_off = 4, .elem_str_off = 0, .groups = COMPOSITE,
			    .elem_label = "member"},
	[BK_KIND_UNION] = {.name = "UNION", .elem_sz = sizeof(struct bk_member),
			   .elem_id_off = 4, .elem_str_off = 0, .groups = COMPOSITE,
			   .elem_label = "member"},
	[BK_KIND_ENUM] = {.name = "ENUM", .elem_sz = sizeof(struct bk_enum),
			  .elem_id_off = -1, .elem_str_off = 0, .groups = ENUMS | BK_KG_DISTILLED,
			  .elem_label = "value"},
	[BK_KIND_FWD] = {.name = "FWD", NO_ELEMS, .groups = NAMED | BK_KG_NOSIZE | BK_KG_DISTILLED},
	[BK_KIND_TYPEDEF] = {.name = "TYPEDEF", .type_is_id = true, NO_ELEMS,
			     .groups = MOD | NAMED | BK_KG_TAGGABLE},
	[BK_KIND_VOLATILE] = {.name = "VOLATILE", .type_is_id = true, NO_ELEMS, .groups = MOD},
	[BK_KIND_CONST] = {.name = "CONST", .type_is_id = true, NO_ELEMS, .groups = MOD},
	[BK_KIND_RESTRICT] = {.name = "RESTRICT", .type_is_id = true, NO_ELEMS, .groups = MOD},
	[BK_KIND_FUNC] = {.name = "FUNC", .type_is_id = true, NO_ELEMS,
			  .groups = NAMED | BK_KG_NOSIZE | BK_KG_DECL | BK_KG_RESOLVED |
				    BK_KG_TAGGABLE},
	[BK_KIND_FUNC_PROTO] = {.name = "FUNC_PROTO", .type_is_id = true,
				.elem_sz = sizeof(struct bk_param), .elem_id_off = 4,
				.elem_str_off = 0, .elem_label = "param", .groups = BK_KG_NOSIZE},
	[BK_KIND_VAR] = {.name = "VAR", .info_sz = sizeof(struct bk_var), .type_is_id = true,
			 NO_ELEMS, .groups = DECL_SRC | BK_KG_TAGGABLE},
	[BK_KIND_DATASEC] = {.name = "DATASEC", .elem_sz = sizeof(struct bk_var_secinfo),
			     .elem_id_off = 0, .elem_str_off = -1, .groups = DECL_SRC | SIZED,
			     .elem_label = "var"},
	[BK_KIND_FLOAT] = {.name = "FLOAT", NO_ELEMS, .groups = NAMED | SIZED | BK_KG_DISTILLED},
	[BK_KIND_DECL_TAG] = {.name = "DECL_TAG", .info_sz = sizeof(struct bk_decl_tag),
			      .type_is_id = true, NO_ELEMS, .groups = DECL_SRC | BK_KG_NOSIZE},
	[BK_KIND_TYPE_TAG] = {.name = "TYPE_TAG", .type_is_id = true, NO_ELEMS,
			      .groups = MOD | NAMED},
	[BK_KIND_ENUM64] = {.name = "ENUM64", .elem_sz = sizeof(struct bk_enum64),
			    .elem_id_off = -1, .elem_str_off = 0, .groups = ENUMS,
			    .elem_label = "value"},
};

const char *bk_kind_name(unsigned kind)
{
	return kind < BK_NR_KINDS ? bk_kinds[kind].name : "UNKN";
}

int bk_kind_by_name(const char *s)
{
	for (unsigned k = 1; k < BK_NR_KINDS; k++)
		if (!strcmp(s, bk_kinds[k].name))
			return (int)k;
	return -1;
}

size_t bk_type_size(const struct bk_type *t)
{
	const struct bk_kind_desc *d = bk_kind_desc(bk_kind(t));
	if (!d)
		return 0;
	return sizeof(*t) + d->info_sz + (size_t)bk_vlen(t) * d->elem_sz;
}

void bk_field_iter_init(struct bk_field_iter *it, struct bk_type *t, enum bk_iter_mode mode)
{
	bk_field_iter_begin(it, t, mode);
}

const char *bk_field_iter_describe(const struct bk_field_iter *it, char *buf, size_t len)
{
	const struct bk_kind_desc *d = &bk_kinds[it->kind];
	uint32_t step = it->step ? it->step - 1 : 0;
	const char *field = it->mode == BK_ITER_STRS ? "name" : "type_id";
	if (step >= it->nr_fixed) {
		snprintf(buf, len, "%s %u: %s", d->elem_label, step - it->nr_fixed, field);
		return buf;
	}
	if (it->mode == BK_ITER_IDS && it->kind == BK_KIND_FUNC_PROTO)
		field = "ret_type_id";
	else if (it->mode == BK_ITER_IDS && it->kind == BK_KIND_ARRAY && step == 1)
		field = "index_type_id";
	snprintf(buf, len, "%s", field);
	return buf;
}
