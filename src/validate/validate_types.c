// SPDX-License-Identifier: MIT
/*
 * The first pass over the type records, as the kernel's check_meta does it:
 * each record must fit, have a known kind and no reserved info bits, a name
 * offset inside the strings, and then pass its kind's own rules (names,
 * vlen, kind_flag, sizes, member offsets, enum values, DATASEC entries).
 * Rules that need other types (sizes, targets) wait for the resolve pass.
 */
#include <stdlib.h>
#include <string.h>

#include "validate/validate_internal.h"

/* A kind's rules: 0 when the record passes (a fault was reported otherwise). */
typedef int (*kind_rules_fn)(struct kv *v, uint32_t id, const struct bk_type *t);

static const char *name_of(const struct kv *v, uint32_t off)
{
	const char *s = off ? kv_str(v, off) : "";
	return s ? s : "(invalid)";
}

/* ---- names ---- */

static int name_required(struct kv *v, uint32_t id, const struct bk_type *t)
{
	if (!t->name_off)
		return kv_fault(v, id, BK_FAULT_NAME, -EINVAL, "a %s needs a name",
				bk_kind_name(bk_kind(t)));
	if (!kv_is_identifier(v, t->name_off))
		return kv_fault(v, id, BK_FAULT_NAME, -EINVAL, "name '%.64s' is not an identifier",
				name_of(v, t->name_off));
	return 0;
}

static int name_optional(struct kv *v, uint32_t id, const struct bk_type *t)
{
	return t->name_off ? name_required(v, id, t) : 0;
}

static int name_none(struct kv *v, uint32_t id, const struct bk_type *t)
{
	if (t->name_off)
		return kv_fault(v, id, BK_FAULT_NAME, -EINVAL, "a %s must be anonymous",
				bk_kind_name(bk_kind(t)));
	return 0;
}

/* DECL_TAG and TYPE_TAG: the name is the tag's value, any non-empty string */
static int name_nonempty(struct kv *v, uint32_t id, const struct bk_type *t)
{
	const char *s = kv_str(v, t->name_off);
	if (!s || !s[0])
		return kv_fault(v, id, BK_FAULT_NAME, -EINVAL, "a %s needs a non-empty value",
				bk_kind_name(bk_kind(t)));
	return 0;
}

/* ---- common info checks ---- */

static int no_vlen(struct kv *v, uint32_t id, const struct bk_type *t)
{
	if (bk_vlen(t))
		return kv_fault(v, id, BK_FAULT_VLEN, -EINVAL, "vlen %u (must be 0 for a %s)",
				bk_vlen(t), bk_kind_name(bk_kind(t)));
	return 0;
}

static int no_kflag(struct kv *v, uint32_t id, const struct bk_type *t)
{
	if (bk_kflag(t))
		return kv_fault(v, id, BK_FAULT_KFLAG, -EINVAL, "kind_flag set (a %s has none)",
				bk_kind_name(bk_kind(t)));
	return 0;
}

static bool id_ok(uint32_t id) { return id <= KV_MAX_TYPE; }

/* ---- the kinds ---- */

static int int_rules(struct kv *v, uint32_t id, const struct bk_type *t)
{
	uint32_t w;
	memcpy(&w, bk_type_rest(t), 4);
	if (no_vlen(v, id, t) || no_kflag(v, id, t))
		return -EINVAL;
	if (w & ~KV_INT_MASK)
		return kv_fault(v, id, BK_FAULT_INT_BITS, -EINVAL,
				"INT data 0x%08x has reserved bits set", w);
	uint32_t bits = bk_int_bits(w) + bk_int_offset(w);
	if (bits > 128)
		return kv_fault(v, id, BK_FAULT_INT_BITS, -EINVAL,
				"nr_bits %u + bits_offset %u is over 128", bk_int_bits(w),
				bk_int_offset(w));
	if ((bits + 7) / 8 > t->size)
		return kv_fault(v, id, BK_FAULT_INT_BITS, -EINVAL,
				"nr_bits %u + bits_offset %u do not fit in size %u", bk_int_bits(w),
				bk_int_offset(w), t->size);
	uint32_t enc = bk_int_encoding(w);
	if (enc && enc != BK_INT_SIGNED && enc != BK_INT_CHAR && enc != BK_INT_BOOL)
		return kv_fault(v, id, BK_FAULT_INT_ENCODING, -EOPNOTSUPP,
				"encoding 0x%x: at most one of SIGNED, CHAR, BOOL", enc);
	return 0;
}

/* PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG */
static int ref_rules(struct kv *v, uint32_t id, const struct bk_type *t)
{
	unsigned k = bk_kind(t);
	if (no_vlen(v, id, t) || (k != BK_KIND_TYPE_TAG && no_kflag(v, id, t)))
		return -EINVAL;
	if (!id_ok(t->type))
		return kv_fault(v, id, BK_FAULT_TYPE_ID, -EINVAL, "type_id %u over the kernel's %u",
				t->type, KV_MAX_TYPE);
	if (k == BK_KIND_TYPEDEF)
		return name_required(v, id, t);
	if (k == BK_KIND_TYPE_TAG)
		return name_nonempty(v, id, t);
	return name_none(v, id, t);
}

static int array_rules(struct kv *v, uint32_t id, const struct bk_type *t)
{
	const struct bk_array *a = bk_type_rest(t);
	if (name_none(v, id, t) || no_vlen(v, id, t) || no_kflag(v, id, t))
		return -EINVAL;
	if (t->size)
		return kv_fault(v, id, BK_FAULT_SIZE, -EINVAL, "size %u (an ARRAY has 0)", t->size);
	if (!a->type || !id_ok(a->type))
		return kv_fault(v, id, BK_FAULT_ARRAY_ELEM, -EINVAL, "element type_id %u", a->type);
	if (!a->index_type || !id_ok(a->index_type))
		return kv_fault(v, id, BK_FAULT_ARRAY_INDEX, -EINVAL, "index type_id %u",
				a->index_type);
	return 0;
}

static int member_rules(struct kv *v, uint32_t id, const struct bk_type *t, uint32_t i,
			const struct bk_member *m, uint32_t *last_off)
{
	if (!kv_name_off_valid(v, m->name_off))
		return kv_fault(v, id, BK_FAULT_NAME_OFFSET, -EINVAL,
				"member %u: name offset %u outside the strings", i, m->name_off);
	if (m->name_off && !kv_is_identifier(v, m->name_off))
		return kv_fault(v, id, BK_FAULT_NAME, -EINVAL,
				"member %u: name '%.64s' is not an identifier", i,
				name_of(v, m->name_off));
	if (!m->type || !id_ok(m->type))
		return kv_fault(v, id, BK_FAULT_MEMBER_TYPE, -EINVAL, "member %u: type_id %u", i,
				m->type);
	uint32_t off = bk_member_bit_offset(t, m);
	if (bk_kind(t) == BK_KIND_UNION && off)
		return kv_fault(v, id, BK_FAULT_MEMBER_OFFSET, -EINVAL,
				"member %u: bit offset %u in a UNION (must be 0)", i, off);
	/* equal offsets are allowed: "char a[0]" may share its offset */
	if (*last_off > off)
		return kv_fault(v, id, BK_FAULT_MEMBER_OFFSET, -EINVAL,
				"member %u: bit offset %u is before the previous member's %u", i, off,
				*last_off);
	if ((off + 7ull) / 8 > t->size)
		return kv_fault(v, id, BK_FAULT_MEMBER_OFFSET, -EINVAL,
				"member %u: bit offset %u is past the size %u", i, off, t->size);
	*last_off = off;
	return 0;
}

static int composite_rules(struct kv *v, uint32_t id, const struct bk_type *t)
{
	const struct bk_member *m = bk_type_rest(t);
	uint32_t last = 0;
	if (name_optional(v, id, t))
		return -EINVAL;
	for (uint32_t i = 0; i < bk_vlen(t); i++)
		if (member_rules(v, id, t, i, &m[i], &last))
			return -EINVAL;
	return 0;
}

static bool enum_size_ok(uint32_t size)
{
	return size && size <= 8 && !(size & (size - 1));
}

/* ENUM and ENUM64: values are {name_off, ...} records of elem_sz bytes */
static int enum_rules(struct kv *v, uint32_t id, const struct bk_type *t)
{
	size_t step = bk_kinds[bk_kind(t)].elem_sz;
	const uint8_t *rec = bk_type_rest(t);
	if (!enum_size_ok(t->size))
		return kv_fault(v, id, BK_FAULT_SIZE, -EINVAL, "size %u (1, 2, 4 or 8)", t->size);
	if (name_optional(v, id, t))
		return -EINVAL;
	for (uint32_t i = 0; i < bk_vlen(t); i++, rec += step) {
		uint32_t name_off;
		memcpy(&name_off, rec, 4);
		if (!kv_name_off_valid(v, name_off))
			return kv_fault(v, id, BK_FAULT_NAME_OFFSET, -EINVAL,
					"value %u: name offset %u outside the strings", i, name_off);
		if (!name_off || !kv_is_identifier(v, name_off))
			return kv_fault(v, id, BK_FAULT_NAME, -EINVAL,
					"value %u: name '%.64s' is not an identifier", i,
					name_of(v, name_off));
	}
	return 0;
}

static int fwd_rules(struct kv *v, uint32_t id, const struct bk_type *t)
{
	if (no_vlen(v, id, t))
		return -EINVAL;
	if (t->type)
		return kv_fault(v, id, BK_FAULT_SIZE, -EINVAL, "size/type word %u (a FWD has 0)",
				t->type);
	return name_required(v, id, t);
}

static int func_rules(struct kv *v, uint32_t id, const struct bk_type *t)
{
	if (name_required(v, id, t))
		return -EINVAL;
	if (bk_vlen(t) > BK_FUNC_GLOBAL)
		return kv_fault(v, id, BK_FAULT_LINKAGE, -EINVAL,
				"linkage %u (the kernel takes static 0 or global 1)", bk_vlen(t));
	return no_kflag(v, id, t);
}

static int func_proto_rules(struct kv *v, uint32_t id, const struct bk_type *t)
{
	return name_none(v, id, t) || no_kflag(v, id, t) ? -EINVAL : 0;
}

static int var_rules(struct kv *v, uint32_t id, const struct bk_type *t)
{
	const struct bk_var *var = bk_type_rest(t);
	if (no_vlen(v, id, t) || no_kflag(v, id, t) || name_required(v, id, t))
		return -EINVAL;
	if (!t->type || !id_ok(t->type))
		return kv_fault(v, id, BK_FAULT_TYPE_ID, -EINVAL, "type_id %u (a VAR needs a type)",
				t->type);
	if (var->linkage != BK_VAR_STATIC && var->linkage != BK_VAR_GLOBAL)
		return kv_fault(v, id, BK_FAULT_LINKAGE, -EINVAL,
				"linkage %u (the kernel takes static 0 or global 1)", var->linkage);
	return 0;
}

static int datasec_entry_rules(struct kv *v, uint32_t id, const struct bk_type *t, uint32_t i,
			       const struct bk_var_secinfo *e, uint64_t *end)
{
	if (!e->type || !id_ok(e->type))
		return kv_fault(v, id, BK_FAULT_DATASEC_VAR, -EINVAL, "var %u: type_id %u", i,
				e->type);
	if (e->offset < *end || e->offset >= t->size)
		return kv_fault(v, id, BK_FAULT_DATASEC_OFFSET, -EINVAL,
				"var %u: offset %u (previous ends at %llu, section size %u)", i,
				e->offset, (unsigned long long)*end, t->size);
	if (!e->size || e->size > t->size)
		return kv_fault(v, id, BK_FAULT_DATASEC_SIZE, -EINVAL,
				"var %u: size %u (section size %u)", i, e->size, t->size);
	*end = (uint64_t)e->offset + e->size;
	if (*end > t->size)
		return kv_fault(v, id, BK_FAULT_DATASEC_OFFSET, -EINVAL,
				"var %u: offset %u + size %u is past the section size %u", i,
				e->offset, e->size, t->size);
	return 0;
}

static int datasec_rules(struct kv *v, uint32_t id, const struct bk_type *t)
{
	const struct bk_var_secinfo *e = bk_type_rest(t);
	uint64_t end = 0, sum = 0;
	if (!t->size)
		return kv_fault(v, id, BK_FAULT_SIZE, -EINVAL, "size 0");
	if (no_kflag(v, id, t))
		return -EINVAL;
	if (!t->name_off || !kv_is_section_name(v, t->name_off))
		return kv_fault(v, id, BK_FAULT_NAME, -EINVAL,
				"a DATASEC needs a name of printable characters");
	for (uint32_t i = 0; i < bk_vlen(t); i++) {
		if (datasec_entry_rules(v, id, t, i, &e[i], &end))
			return -EINVAL;
		sum += e[i].size;
	}
	if (sum > t->size)
		return kv_fault(v, id, BK_FAULT_DATASEC_SIZE, -EINVAL,
				"vars add up to %llu bytes, over the size %u", (unsigned long long)sum,
				t->size);
	return 0;
}

static int float_rules(struct kv *v, uint32_t id, const struct bk_type *t)
{
	if (no_vlen(v, id, t) || no_kflag(v, id, t))
		return -EINVAL;
	if (t->size != 2 && t->size != 4 && t->size != 8 && t->size != 12 && t->size != 16)
		return kv_fault(v, id, BK_FAULT_SIZE, -EINVAL, "size %u (2, 4, 8, 12 or 16)",
				t->size);
	return 0;
}

static int decl_tag_rules(struct kv *v, uint32_t id, const struct bk_type *t)
{
	const struct bk_decl_tag *tag = bk_type_rest(t);
	if (name_nonempty(v, id, t) || no_vlen(v, id, t))
		return -EINVAL;
	if (tag->component_idx < -1)
		return kv_fault(v, id, BK_FAULT_COMPONENT_IDX, -EINVAL, "component_idx %d",
				tag->component_idx);
	return 0;
}

static const kind_rules_fn kind_rules[BK_NR_KINDS] = {
	[BK_KIND_INT] = int_rules,
	[BK_KIND_PTR] = ref_rules,
	[BK_KIND_ARRAY] = array_rules,
	[BK_KIND_STRUCT] = composite_rules,
	[BK_KIND_UNION] = composite_rules,
	[BK_KIND_ENUM] = enum_rules,
	[BK_KIND_FWD] = fwd_rules,
	[BK_KIND_TYPEDEF] = ref_rules,
	[BK_KIND_VOLATILE] = ref_rules,
	[BK_KIND_CONST] = ref_rules,
	[BK_KIND_RESTRICT] = ref_rules,
	[BK_KIND_FUNC] = func_rules,
	[BK_KIND_FUNC_PROTO] = func_proto_rules,
	[BK_KIND_VAR] = var_rules,
	[BK_KIND_DATASEC] = datasec_rules,
	[BK_KIND_FLOAT] = float_rules,
	[BK_KIND_DECL_TAG] = decl_tag_rules,
	[BK_KIND_TYPE_TAG] = ref_rules,
	[BK_KIND_ENUM64] = enum_rules,
};

/* ---- the walk ---- */

/*
 * Checks one record at off. Returns its size, 0 when the walk cannot go on
 * (the next record cannot be found), or -1 when the record failed but its
 * size is known (*size set).
 */
/* check_record() once the record's header is known to be in bounds */
static long check_record_at(struct kv *v, uint32_t id, const struct bk_type *t, size_t left,
			    size_t *size)
{
	if (t->info & ~KV_INFO_MASK) {
		kv_fault(v, id, BK_FAULT_INFO, -EINVAL, "info 0x%08x has reserved bits set",
			 t->info);
		return 0;
	}
	unsigned k = bk_kind(t);
	if (!bk_kind_desc(k)) {
		kv_fault(v, id, BK_FAULT_KIND, -EINVAL, "unknown kind %u", k);
		return 0;
	}
	if (id - v->start_id >= KV_MAX_TYPE - (v->base ? 0 : 1)) {
		kv_fault(v, id, BK_FAULT_TOO_MANY_TYPES, -E2BIG, "over the kernel's %u types",
			 KV_MAX_TYPE);
		return 0;
	}
	bool name_ok = kv_name_off_valid(v, t->name_off);
	if (!name_ok)
		kv_fault(v, id, BK_FAULT_NAME_OFFSET, -EINVAL, "name offset %u outside the strings",
			 t->name_off);
	*size = bk_type_size(t);
	if (*size > left) {
		kv_fault(v, id, BK_FAULT_TRUNCATED, -EINVAL,
			 "vlen %u needs %zu bytes, %zu left in the type section", bk_vlen(t), *size,
			 left);
		return 0;
	}
	if (!name_ok)
		return -1;
	return kind_rules[k](v, id, t) ? -1 : (long)*size;
}

static long check_record(struct kv *v, uint32_t id, size_t off, size_t *size)
{
	size_t left = v->types_len - off;
	if (left < sizeof(struct bk_type)) {
		kv_fault(v, id, BK_FAULT_TRUNCATED, -EINVAL,
			 "%zu bytes left in the type section, a type needs %zu", left,
			 sizeof(struct bk_type));
		return 0;
	}
	/* the header is in bounds: register it so that faults name the type */
	const struct bk_type *t = (const struct bk_type *)(v->types + off);
	v->offs[v->nr++] = (uint32_t)off;
	long n = check_record_at(v, id, t, left, size);
	if (n == 0)
		v->nr--; /* not a whole record: no later pass may read it */
	return n;
}

int kv_check_records(struct kv *v)
{
	size_t cap = v->types_len / sizeof(struct bk_type) + 1;
	v->offs = malloc(cap * sizeof(*v->offs));
	v->state = calloc(cap, 1);
	if (!v->offs || !v->state)
		return -ENOMEM;
	size_t off = 0;
	int ret = 0;
	while (off < v->types_len && !v->stop) {
		uint32_t id = v->start_id + v->nr;
		size_t size = 0;
		long n = check_record(v, id, off, &size);
		if (n == 0)
			return -EBADMSG;
		if (n < 0) {
			v->state[id - v->start_id] = KV_FAILED;
			ret = -EINVAL;
		}
		off += size;
	}
	return v->stop ? -EINVAL : ret;
}
