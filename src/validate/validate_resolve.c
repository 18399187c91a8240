// SPDX-License-Identifier: MIT
/*
 * The resolve pass: for every type that refers to others (modifiers, PTR,
 * ARRAY, STRUCT/UNION, VAR, DATASEC, FUNC, DECL_TAG), follow the references
 * depth first until each reaches a type whose size is known, as the
 * kernel's verifier does, and check what needs sizes: members fit their
 * struct, arrays have a sized element and an integer index, VARs and
 * DATASEC entries are sized, FUNC_PROTO parameters and return types are.
 *
 * The walk uses an explicit stack of BK_VALIDATE_MAX_DEPTH entries (the
 * kernel's 32); a deeper chain is a fault, and so is meeting a type that is
 * still on the stack (a loop). What counts as the end of a chain depends on
 * how the walk started, as in the kernel: from a PTR, any struct or array
 * ends it (so "struct A { struct A *next; }" is fine); from a struct or
 * array, a PTR ends it; otherwise anything that needs no resolving.
 *
 * To report more than the first fault, a type whose checks failed is
 * marked failed (with everything on the stack at that moment), and types
 * that lead to it fail silently instead of cascading.
 */
#include <stdlib.h>
#include <string.h>

#include "validate/validate_internal.h"

#define DEPTH BK_VALIDATE_MAX_DEPTH

enum mode { MODE_ANY, MODE_PTR, MODE_AGGREGATE };

struct vertex {
	const struct bk_type *t;
	uint32_t id;
	uint32_t next; /* STRUCT/UNION, DATASEC: the next element to look at */
};

struct rs {
	struct kv *v;
	struct vertex stack[DEPTH];
	unsigned top;
	enum mode mode;
};

/* Codes besides -EINVAL (a fault already reported) */
#define R_LOOP (-EEXIST)
#define R_DEPTH (-E2BIG)
#define R_SILENT (-ECANCELED) /* reached a type that failed before */

/* ---- kinds as the resolver sees them ---- */

static unsigned kind_of(const struct bk_type *t) { return bk_kind(t); }

static bool needs_resolve(const struct bk_type *t)
{
	return bk_kind_is_resolved(kind_of(t));
}

/* VAR, DECL_TAG and DATASEC refer to types but nothing may refer to them */
static bool source_only(const struct bk_type *t)
{
	return bk_kind_is_source_only(kind_of(t));
}

static bool no_size(const struct bk_type *t)
{
	return t == &kv_void || bk_kind_is_nosize(kind_of(t));
}

static bool has_size_field(const struct bk_type *t)
{
	return bk_kind_is_sized(kind_of(t));
}

static uint32_t int_data(const struct bk_type *t)
{
	uint32_t w;
	memcpy(&w, bk_type_rest(t), 4);
	return w;
}

/* A plain integer: whole bytes, no bit offset, 1, 2, 4, 8 or 16 bytes */
static bool int_is_regular(const struct bk_type *t)
{
	uint32_t w = int_data(t), bits = bk_int_bits(w), bytes = (bits + 7) / 8;
	return !(bits & 7) && !bk_int_offset(w) && bytes && bytes <= 16 && !(bytes & (bytes - 1));
}

static bool ends_chain(const struct rs *r, const struct bk_type *t)
{
	unsigned k = kind_of(t);
	switch (r->mode) {
	case MODE_PTR:
		return !bk_kind_is_modifier(k) && k != BK_KIND_PTR;
	case MODE_AGGREGATE:
		return !bk_kind_is_modifier(k) && k != BK_KIND_ARRAY && !bk_kind_is_composite(k);
	default:
		return !needs_resolve(t);
	}
}

/* ---- resolved facts: own types from the arrays, base types computed ---- */

static bool own(const struct kv *v, uint32_t id) { return id >= v->start_id; }

static bool is_resolved(const struct rs *r, uint32_t id)
{
	return !own(r->v, id) || r->v->state[id - r->v->start_id] == KV_RESOLVED;
}

/* The base is valid: its chains are short and end; bounded all the same. */
static uint32_t base_resolved_id(const struct kv *v, uint32_t id)
{
	const struct bk_type *t = kv_type(v, id);
	unsigned k = t ? kind_of(t) : 0;
	if (k == BK_KIND_FUNC || k == BK_KIND_DECL_TAG)
		return t->type;
	if (k == BK_KIND_ARRAY)
		id = ((const struct bk_array *)bk_type_rest(t))->type;
	else if (bk_kind_is_modifier(k) || k == BK_KIND_PTR || k == BK_KIND_VAR)
		id = t->type;
	else
		return 0;
	for (int i = 0; i < DEPTH; i++) {
		t = kv_type(v, id);
		if (!t || !bk_kind_is_modifier(kind_of(t)))
			return id;
		id = t->type;
	}
	return id;
}

static uint32_t base_array_size(const struct kv *v, uint32_t id)
{
	uint32_t mult = 1;
	for (int i = 0; i < DEPTH; i++) {
		const struct bk_type *t = kv_type(v, id);
		if (!t)
			return 0;
		unsigned k = kind_of(t);
		if (k == BK_KIND_ARRAY) {
			const struct bk_array *a = bk_type_rest(t);
			mult *= a->nelems;
			id = a->type;
		} else if (bk_kind_is_modifier(k)) {
			id = t->type;
		} else if (has_size_field(t)) {
			return mult * t->size;
		} else {
			return k == BK_KIND_PTR ? mult * KV_PTR_SIZE : 0;
		}
	}
	return 0;
}

static uint32_t resolved_id(const struct rs *r, uint32_t id)
{
	const struct kv *v = r->v;
	return own(v, id) ? v->res_id[id - v->start_id] : base_resolved_id(v, id);
}

static uint32_t resolved_size(const struct rs *r, uint32_t id)
{
	const struct kv *v = r->v;
	return own(v, id) ? v->res_size[id - v->start_id] : base_array_size(v, id);
}

static bool size_of_sized(const struct rs *r, const struct bk_type *t, uint32_t id, uint32_t *size)
{
	if (has_size_field(t))
		*size = t->size;
	else if (kind_of(t) == BK_KIND_ARRAY)
		*size = resolved_size(r, id);
	else if (kind_of(t) == BK_KIND_PTR)
		*size = KV_PTR_SIZE;
	else
		return false;
	return true;
}

/* The type *id stands for once modifiers are skipped, with its size; NULL
 * when it has none. *id is updated only on success. */
static const struct bk_type *sized_type(const struct rs *r, uint32_t *id, uint32_t *size)
{
	uint32_t x = *id, sz = 0;
	const struct bk_type *t = kv_type(r->v, x);
	if (!t || no_size(t))
		return NULL;
	if (!size_of_sized(r, t, x, &sz)) {
		if (!bk_kind_is_modifier(kind_of(t)) && kind_of(t) != BK_KIND_VAR)
			return NULL;
		x = resolved_id(r, x);
		t = kv_type(r->v, x);
		if (!t || no_size(t) || !size_of_sized(r, t, x, &sz))
			return NULL;
	}
	*id = x;
	if (size)
		*size = sz;
	return t;
}

/* ---- the stack ---- */

static int push(struct rs *r, const struct bk_type *t, uint32_t id)
{
	struct kv *v = r->v;
	if (r->top == DEPTH)
		return R_DEPTH;
	if (!own(v, id))
		return R_LOOP;
	uint8_t *st = &v->state[id - v->start_id];
	if (*st == KV_FAILED)
		return R_SILENT;
	if (*st != KV_NEW)
		return R_LOOP;
	*st = KV_VISITING;
	r->stack[r->top++] = (struct vertex){t, id, 0};
	if (r->mode == MODE_ANY) {
		if (kind_of(t) == BK_KIND_PTR)
			r->mode = MODE_PTR;
		else if (bk_kind_is_composite(kind_of(t)) || kind_of(t) == BK_KIND_ARRAY)
			r->mode = MODE_AGGREGATE;
	}
	return 0;
}

static int pop(struct rs *r, uint32_t rid, uint32_t rsize)
{
	struct kv *v = r->v;
	uint32_t idx = r->stack[--r->top].id - v->start_id;
	v->res_id[idx] = rid;
	v->res_size[idx] = rsize;
	v->state[idx] = KV_RESOLVED;
	return 0;
}

/* Follow id unless it ends the chain or is resolved already: 1 pushed
 * (come back later), 0 go on, < 0 error. */
static int descend(struct rs *r, const struct bk_type *t, uint32_t id)
{
	if (ends_chain(r, t) || is_resolved(r, id))
		return 0;
	int e = push(r, t, id);
	return e ? e : 1;
}

static const char *kind_label(const struct bk_type *t)
{
	return t == &kv_void ? "void" : bk_kind_name(kind_of(t));
}

/* ---- PTR, modifiers, VAR ---- */

/* A target that may end a PTR/modifier chain although it has no size */
static bool sizeless_target_ok(const struct bk_type *t)
{
	return t == &kv_void || kind_of(t) == BK_KIND_FWD || kind_of(t) == BK_KIND_FUNC_PROTO;
}

/* The target of t->type: exists, may be referred to, resolved first. */
static int reach_target(struct rs *r, struct vertex *x, const struct bk_type **nt)
{
	*nt = kv_type(r->v, x->t->type);
	if (!*nt || source_only(*nt))
		return kv_fault(r->v, x->id, BK_FAULT_TYPE_ID, -EINVAL, "type_id %u %s", x->t->type,
				*nt ? "is a type nothing may refer to" : "does not exist");
	return descend(r, *nt, x->t->type);
}

/* A PTR or VAR through modifiers that ended at a PTR (in an aggregate walk)
 * must go on from that PTR, or a PTR loop through it would go unseen. */
static int past_modifiers(struct rs *r, const struct bk_type *nt, uint32_t nid)
{
	if (!bk_kind_is_modifier(kind_of(nt)))
		return 0;
	uint32_t rid = resolved_id(r, nid);
	const struct bk_type *rt = kv_type(r->v, rid);
	if (!rt || kind_of(rt) != BK_KIND_PTR)
		return 0;
	return descend(r, rt, rid);
}

static int resolve_ref(struct rs *r, struct vertex *x)
{
	const struct bk_type *nt;
	uint32_t nid = x->t->type;
	int e = reach_target(r, x, &nt);
	if (e)
		return e < 0 ? e : 0;
	bool is_var = kind_of(x->t) == BK_KIND_VAR;
	if (is_var || kind_of(x->t) == BK_KIND_PTR) {
		e = past_modifiers(r, nt, nid);
		if (e)
			return e < 0 ? e : 0;
	}
	uint32_t sid = nid;
	if (!sized_type(r, &sid, NULL)) {
		if (is_var)
			return kv_fault(r->v, x->id, BK_FAULT_TYPE_ID, -EINVAL,
					"type_id %u (%s) has no size", nid, kind_label(nt));
		if (is_resolved(r, nid)) {
			sid = resolved_id(r, nid);
			nt = kv_type(r->v, sid);
		}
		if (!nt || !sizeless_target_ok(nt))
			return kv_fault(r->v, x->id, BK_FAULT_TYPE_ID, -EINVAL,
					"type_id %u: a %s cannot be referred to here", nid,
					nt ? kind_label(nt) : "missing type");
	}
	return pop(r, sid, 0);
}

/* ---- ARRAY ---- */

static int resolve_array(struct rs *r, struct vertex *x)
{
	const struct bk_array *a = bk_type_rest(x->t);
	struct kv *v = r->v;
	uint32_t iid = a->index_type, eid = a->type, esize = 0;
	const struct bk_type *it = kv_type(v, iid), *et;
	if (!it || no_size(it) || source_only(it))
		return kv_fault(v, x->id, BK_FAULT_ARRAY_INDEX, -EINVAL,
				"index type_id %u is not an integer type", iid);
	int e = descend(r, it, iid);
	if (e)
		return e < 0 ? e : 0;
	it = sized_type(r, &iid, NULL);
	if (!it || kind_of(it) != BK_KIND_INT || !int_is_regular(it))
		return kv_fault(v, x->id, BK_FAULT_ARRAY_INDEX, -EINVAL,
				"index type_id %u is not a whole-byte integer", a->index_type);
	et = kv_type(v, eid);
	if (!et || no_size(et) || source_only(et))
		return kv_fault(v, x->id, BK_FAULT_ARRAY_ELEM, -EINVAL,
				"element type_id %u (%s) has no size", eid, et ? kind_label(et) : "missing");
	e = descend(r, et, eid);
	if (e)
		return e < 0 ? e : 0;
	et = sized_type(r, &eid, &esize);
	if (!et)
		return kv_fault(v, x->id, BK_FAULT_ARRAY_ELEM, -EINVAL,
				"element type_id %u has no size", a->type);
	if (kind_of(et) == BK_KIND_INT && !int_is_regular(et))
		return kv_fault(v, x->id, BK_FAULT_ARRAY_ELEM, -EINVAL,
				"element type_id %u is a bitfield integer", a->type);
	if (a->nelems && esize > UINT32_MAX / a->nelems)
		return kv_fault(v, x->id, BK_FAULT_ARRAY_SIZE, -EINVAL,
				"%u elements of %u bytes overflow 32 bits", a->nelems, esize);
	return pop(r, eid, esize * a->nelems);
}

/* ---- STRUCT/UNION members ---- */

struct mcheck {
	struct rs *r;
	const struct bk_type *st; /* the struct */
	uint32_t sid, index;      /* its ID, the member's index */
	uint32_t offset;          /* the member's offset word */
	uint32_t type_id;         /* the member's type, modifiers skipped */
	const struct bk_type *mt;
};

static int member_fault(const struct mcheck *c, enum bk_fault f, const char *what)
{
	return kv_fault(c->r->v, c->sid, f, -EINVAL, "member %u: %s", c->index, what);
}

static int check_byte_member(const struct mcheck *c, uint32_t msize)
{
	if (c->offset & 7)
		return member_fault(c, BK_FAULT_MEMBER_OFFSET, "not byte aligned");
	if (c->st->size - c->offset / 8 < msize) /* u32 as the kernel: offset <= size */
		return member_fault(c, BK_FAULT_MEMBER_SIZE, "ends past the struct's size");
	return 0;
}

static int check_bits_fit(const struct mcheck *c, uint32_t bit_off, uint32_t nr_bits)
{
	uint32_t bytes = bit_off / 8, copy = nr_bits + (bit_off & 7);
	if (copy > 128)
		return member_fault(c, BK_FAULT_MEMBER_SIZE, "spans over 128 bits");
	if (c->st->size < bytes || c->st->size - bytes < (copy + 7) / 8)
		return member_fault(c, BK_FAULT_MEMBER_SIZE, "ends past the struct's size");
	return 0;
}

static int check_int_member(const struct mcheck *c, bool kflag)
{
	uint32_t w = int_data(c->mt), bits = bk_int_bits(w);
	if (!kflag) {
		if (UINT32_MAX - c->offset < bk_int_offset(w))
			return member_fault(c, BK_FAULT_MEMBER_OFFSET, "bit offset overflows");
		return check_bits_fit(c, c->offset + bk_int_offset(w), bits);
	}
	if (!int_is_regular(c->mt))
		return member_fault(c, BK_FAULT_BITFIELD, "a bitfield's INT must be whole bytes");
	uint32_t nr = c->offset >> 24, off = c->offset & 0xffffff;
	if (!nr) {
		if (off & 7)
			return member_fault(c, BK_FAULT_MEMBER_OFFSET, "not byte aligned");
		nr = bits;
	} else if (nr > bits) {
		return member_fault(c, BK_FAULT_BITFIELD, "bitfield_size over the INT's nr_bits");
	}
	return check_bits_fit(c, off, nr);
}

static int check_enum_member(const struct mcheck *c, bool kflag)
{
	if (!kflag)
		return check_byte_member(c, c->mt->size);
	/* the kernel sizes an enum bitfield's room as an int, whatever the enum's size */
	uint32_t nr = c->offset >> 24, off = c->offset & 0xffffff;
	if (!nr) {
		if (off & 7)
			return member_fault(c, BK_FAULT_MEMBER_OFFSET, "not byte aligned");
		nr = 32;
	} else if (nr > 32) {
		return member_fault(c, BK_FAULT_BITFIELD, "bitfield_size over 32");
	}
	if (c->st->size < (off + nr + 7) / 8)
		return member_fault(c, BK_FAULT_MEMBER_SIZE, "ends past the struct's size");
	return 0;
}

static int check_float_member(const struct mcheck *c)
{
	uint32_t align = c->mt->size < KV_PTR_SIZE ? c->mt->size : KV_PTR_SIZE;
	/* a FLOAT of size 0 is already reported as a bad FLOAT; reporting every
	 * fault still reaches its members, where it has no alignment */
	if (align && c->offset % (align * 8))
		return member_fault(c, BK_FAULT_MEMBER_OFFSET, "FLOAT member not aligned");
	if ((uint64_t)c->offset / 8 + c->mt->size > c->st->size)
		return member_fault(c, BK_FAULT_MEMBER_SIZE, "ends past the struct's size");
	return 0;
}

/* A member of a sized type: the kernel's check_member / check_kflag_member */
static int check_member_of(struct mcheck *c, bool kflag)
{
	unsigned k = kind_of(c->mt);
	if (k == BK_KIND_INT)
		return check_int_member(c, kflag);
	if (bk_kind_is_enum(k))
		return check_enum_member(c, kflag);
	if (kflag && (c->offset >> 24))
		return member_fault(c, BK_FAULT_BITFIELD, "bitfield_size on a non-integer member");
	uint32_t size = 0;
	if (bk_kind_is_composite(k))
		return check_byte_member(c, c->mt->size);
	switch (k) {
	case BK_KIND_PTR:
		return check_byte_member(c, KV_PTR_SIZE);
	case BK_KIND_ARRAY:
		sized_type(c->r, &c->type_id, &size);
		return check_byte_member(c, size);
	case BK_KIND_FLOAT:
		return check_float_member(c);
	default:
		return member_fault(c, BK_FAULT_MEMBER_TYPE, "of a type without size");
	}
}

static int check_member(struct rs *r, struct vertex *x, uint32_t i)
{
	const struct bk_member *m = (const struct bk_member *)bk_type_rest(x->t) + i;
	struct mcheck c = {r, x->t, x->id, i, m->offset, m->type, kv_type(r->v, m->type)};
	if (bk_kind_is_modifier(kind_of(c.mt))) {
		c.mt = sized_type(r, &c.type_id, NULL);
		if (!c.mt)
			return member_fault(&c, BK_FAULT_MEMBER_TYPE, "its type has no size");
	}
	return check_member_of(&c, bk_kflag(x->t));
}

static int resolve_composite(struct rs *r, struct vertex *x)
{
	const struct bk_member *m = bk_type_rest(x->t);
	int e;
	if (x->next && (e = check_member(r, x, x->next - 1)))
		return e;
	for (uint32_t i = x->next; i < bk_vlen(x->t); i++) {
		const struct bk_type *mt = kv_type(r->v, m[i].type);
		if (!mt || no_size(mt) || source_only(mt))
			return kv_fault(r->v, x->id, BK_FAULT_MEMBER_TYPE, -EINVAL,
					"member %u: type_id %u (%s) has no size", i, m[i].type,
					mt ? kind_label(mt) : "missing");
		x->next = i + 1;
		e = descend(r, mt, m[i].type);
		if (e)
			return e < 0 ? e : 0;
		if ((e = check_member(r, x, i)))
			return e;
	}
	return pop(r, 0, 0);
}

/* ---- DATASEC, DECL_TAG, FUNC ---- */

static int resolve_datasec(struct rs *r, struct vertex *x)
{
	const struct bk_var_secinfo *e = bk_type_rest(x->t);
	r->mode = MODE_ANY; /* each VAR is walked as a fresh start, as the kernel does */
	for (uint32_t i = x->next; i < bk_vlen(x->t); i++) {
		const struct bk_type *vt = kv_type(r->v, e[i].type);
		if (!vt || kind_of(vt) != BK_KIND_VAR)
			return kv_fault(r->v, x->id, BK_FAULT_DATASEC_VAR, -EINVAL,
					"var %u: type_id %u is not a VAR", i, e[i].type);
		x->next = i + 1;
		int d = descend(r, vt, e[i].type);
		if (d)
			return d < 0 ? d : 0;
		uint32_t tid = vt->type, size = 0;
		if (!sized_type(r, &tid, &size))
			return kv_fault(r->v, x->id, BK_FAULT_DATASEC_VAR, -EINVAL,
					"var %u: its type has no size", i);
		if (e[i].size < size)
			return kv_fault(r->v, x->id, BK_FAULT_DATASEC_SIZE, -EINVAL,
					"var %u: size %u is smaller than its type's %u", i, e[i].size,
					size);
	}
	return pop(r, 0, 0);
}

static bool decl_tag_target(const struct bk_type *t)
{
	return bk_kind_is_taggable(kind_of(t));
}

static int resolve_decl_tag(struct rs *r, struct vertex *x)
{
	uint32_t nid = x->t->type;
	const struct bk_type *nt = kv_type(r->v, nid);
	int32_t idx = ((const struct bk_decl_tag *)bk_type_rest(x->t))->component_idx;
	if (!nt || !decl_tag_target(nt))
		return kv_fault(r->v, x->id, BK_FAULT_TYPE_ID, -EINVAL,
				"type_id %u: a DECL_TAG tags a FUNC, STRUCT, UNION, VAR or TYPEDEF", nid);
	int e = descend(r, nt, nid);
	if (e)
		return e < 0 ? e : 0;
	if (idx != -1) {
		unsigned k = kind_of(nt);
		const struct bk_type *holder = bk_kind_is_composite(k) ? nt : kv_type(r->v, nt->type);
		if (k == BK_KIND_VAR || k == BK_KIND_TYPEDEF || !holder ||
		    (uint32_t)idx >= bk_vlen(holder))
			return kv_fault(r->v, x->id, BK_FAULT_COMPONENT_IDX, -EINVAL,
					"component_idx %d out of range for [%u] %s", idx, nid,
					kind_label(nt));
	}
	return pop(r, nid, 0);
}

static int resolve_func(struct rs *r, struct vertex *x)
{
	const struct bk_type *proto = kv_type(r->v, x->t->type);
	if (!proto || kind_of(proto) != BK_KIND_FUNC_PROTO)
		return kv_fault(r->v, x->id, BK_FAULT_TYPE_ID, -EINVAL,
				"type_id %u is not a FUNC_PROTO", x->t->type);
	const struct bk_param *p = bk_type_rest(proto);
	for (uint32_t i = 0; i < bk_vlen(proto); i++)
		if (!p[i].name_off && p[i].type)
			return kv_fault(r->v, x->id, BK_FAULT_PARAM, -EINVAL,
					"param %u of a FUNC has no name", i + 1);
	return pop(r, x->t->type, 0);
}

typedef int (*resolve_fn)(struct rs *r, struct vertex *x);

static const resolve_fn resolvers[BK_NR_KINDS] = {
	[BK_KIND_PTR] = resolve_ref,
	[BK_KIND_TYPEDEF] = resolve_ref,
	[BK_KIND_VOLATILE] = resolve_ref,
	[BK_KIND_CONST] = resolve_ref,
	[BK_KIND_RESTRICT] = resolve_ref,
	[BK_KIND_TYPE_TAG] = resolve_ref,
	[BK_KIND_VAR] = resolve_ref,
	[BK_KIND_ARRAY] = resolve_array,
	[BK_KIND_STRUCT] = resolve_composite,
	[BK_KIND_UNION] = resolve_composite,
	[BK_KIND_DATASEC] = resolve_datasec,
	[BK_KIND_DECL_TAG] = resolve_decl_tag,
	[BK_KIND_FUNC] = resolve_func,
};

/* ---- driving it ---- */

static void fail_stack(struct rs *r, uint32_t root)
{
	struct kv *v = r->v;
	while (r->top)
		v->state[r->stack[--r->top].id - v->start_id] = KV_FAILED;
	if (own(v, root))
		v->state[root - v->start_id] = KV_FAILED;
}

/* Resolve one type and everything it leads to. */
static int resolve_root(struct rs *r, const struct bk_type *t, uint32_t id)
{
	int e;
	r->mode = MODE_ANY;
	r->top = 0;
	e = push(r, t, id);
	while (!e && r->top) {
		struct vertex *x = &r->stack[r->top - 1];
		e = resolvers[kind_of(x->t)](r, x);
	}
	if (!e)
		return 0;
	if (e == R_DEPTH)
		kv_fault(r->v, id, BK_FAULT_DEPTH, -E2BIG,
			 "resolving it needs more than %d types in a chain", DEPTH);
	else if (e == R_LOOP)
		kv_fault(r->v, id, BK_FAULT_LOOP, -EEXIST, "its references loop back to it");
	fail_stack(r, id);
	return e;
}

static int ensure_resolved(struct rs *r, const struct bk_type *t, uint32_t id)
{
	if (!needs_resolve(t) || is_resolved(r, id))
		return 0;
	return resolve_root(r, t, id);
}

static int check_proto_return(struct rs *r, const struct bk_type *t, uint32_t id)
{
	uint32_t rid = t->type;
	const struct bk_type *rt = kv_type(r->v, rid);
	if (!rid)
		return 0;
	if (!rt || source_only(rt))
		return kv_fault(r->v, id, BK_FAULT_RETURN, -EINVAL,
				"return type_id %u %s", rid, rt ? "may not be referred to" : "does not exist");
	int e = ensure_resolved(r, rt, rid);
	if (e)
		return e;
	if (!sized_type(r, &rid, NULL))
		return kv_fault(r->v, id, BK_FAULT_RETURN, -EINVAL,
				"return type_id %u (%s) has no size", t->type, kind_label(rt));
	return 0;
}

static int check_param(struct rs *r, uint32_t id, const struct bk_param *p, uint32_t n)
{
	uint32_t aid = p->type;
	const struct bk_type *at = kv_type(r->v, aid);
	if (!at || source_only(at))
		return kv_fault(r->v, id, BK_FAULT_PARAM, -EINVAL, "param %u: type_id %u %s", n, aid,
				at ? "may not be referred to" : "does not exist");
	if (p->name_off && (!kv_name_off_valid(r->v, p->name_off) ||
			    !kv_is_identifier(r->v, p->name_off)))
		return kv_fault(r->v, id, BK_FAULT_PARAM, -EINVAL,
				"param %u: name is not an identifier", n);
	int e = ensure_resolved(r, at, aid);
	if (e)
		return e;
	if (!sized_type(r, &aid, NULL))
		return kv_fault(r->v, id, BK_FAULT_PARAM, -EINVAL, "param %u: type_id %u (%s) has no size",
				n, p->type, kind_label(at));
	return 0;
}

/* FUNC_PROTO: sized return and parameters; a vararg (type 0) only last */
static int check_proto(struct rs *r, const struct bk_type *t, uint32_t id)
{
	const struct bk_param *p = bk_type_rest(t);
	uint32_t n = bk_vlen(t);
	int e = check_proto_return(r, t, id);
	if (e || !n)
		return e;
	if (!p[n - 1].type) {
		if (p[n - 1].name_off)
			return kv_fault(r->v, id, BK_FAULT_PARAM, -EINVAL,
					"param %u: a vararg has no name", n);
		n--;
	}
	for (uint32_t i = 0; i < n; i++)
		if ((e = check_param(r, id, &p[i], i + 1)))
			return e;
	return 0;
}

int kv_resolve_all(struct kv *v)
{
	size_t n = v->nr ? v->nr : 1;
	struct rs *r = calloc(1, sizeof(*r));
	v->res_id = calloc(n, sizeof(*v->res_id));
	v->res_size = calloc(n, sizeof(*v->res_size));
	if (!r || !v->res_id || !v->res_size) {
		free(r);
		return -ENOMEM;
	}
	r->v = v;
	int ret = 0;
	for (uint32_t i = 0; i < v->nr && !v->stop; i++) {
		uint32_t id = v->start_id + i;
		const struct bk_type *t = kv_type(v, id);
		if (v->state[i] == KV_FAILED)
			continue;
		if (ensure_resolved(r, t, id))
			ret = -EINVAL;
		else if (kind_of(t) == BK_KIND_FUNC_PROTO && check_proto(r, t, id))
			ret = -EINVAL;
	}
	free(r);
	return ret;
}

/* Once a chain of modifiers has a CONST, VOLATILE, RESTRICT or TYPEDEF, no
 * TYPE_TAG may follow; chains over 32 are refused. Chains into types
 * checked before stop there. */
int kv_check_type_tags(struct kv *v)
{
	uint32_t good = v->start_id - 1;
	for (uint32_t i = 0; i < v->nr && !v->stop; i++) {
		uint32_t id = v->start_id + i, cur = id;
		const struct bk_type *t = kv_type(v, id);
		if (!bk_kind_is_modifier(kind_of(t)))
			continue;
		bool in_tags = kind_of(t) == BK_KIND_TYPE_TAG;
		for (int budget = DEPTH; t && bk_kind_is_modifier(kind_of(t)); budget--) {
			if (!budget)
				return kv_fault(v, id, BK_FAULT_CHAIN, -ELOOP,
						"a chain of modifiers over %d long", DEPTH);
			if (kind_of(t) == BK_KIND_TYPE_TAG && !in_tags)
				return kv_fault(v, id, BK_FAULT_TAG_ORDER, -EINVAL,
						"TYPE_TAG [%u] after a CONST, VOLATILE, RESTRICT or "
						"TYPEDEF in the chain", cur);
			if (kind_of(t) != BK_KIND_TYPE_TAG)
				in_tags = false;
			if (cur <= good)
				break;
			cur = t->type;
			t = kv_type(v, cur);
		}
		good = id;
	}
	return 0;
}
