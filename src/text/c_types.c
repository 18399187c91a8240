// SPDX-License-Identifier: MIT
/*
 * What the C printer knows per type before printing: the pointer size,
 * which types are referenced, the end of every typedef/modifier/pointer/
 * array chain (and loops through them), and libbpf's btf__align_of and
 * btf__resolve_size. No recursion: chains are walked once with a memo,
 * alignment on an explicit stack.
 */
#include <stdlib.h>

#include "text/c_internal.h"

#define END_VISITING (C_END_UNSET - 1)

int u32vec_grow(struct u32vec *s)
{
	uint32_t *v32 = bk_grow_array(s->v, &s->cap, s->n, sizeof(*v32), 1024);
	if (!v32)
		return -ENOMEM;
	s->v = v32;
	return 0;
}

/* ---- what is known per type before printing ----------------------------------- */

int c_ranked_alloc(struct c_ranked *r, uint64_t n)
{
	size_t words = (size_t)(n / 64) + 1;
	r->bits = bk_zalloc(words, sizeof(*r->bits));
	r->before = malloc(words * sizeof(*r->before));
	return r->bits && r->before ? 0 : -ENOMEM;
}

uint32_t c_ranked_count(struct c_ranked *r, uint64_t n)
{
	uint32_t nr = 0;
	for (size_t i = 0; i <= n / 64; i++) {
		r->before[i] = nr;
		nr += c_popcount64(r->bits[i]);
	}
	return nr;
}

void c_ranked_free(struct c_ranked *r)
{
	free(r->bits);
	free(r->before);
	*r = (struct c_ranked){0};
}

static bool is_link(const struct cdump *d, uint32_t id)
{
	return c_ranked_has(&d->links, id);
}

static uint32_t link_rank(const struct cdump *d, uint32_t id)
{
	return c_ranked_rank(&d->links, id);
}

/* the links' ranks (links noted by c_note_types, which gave each its own
 * hash in chain_hash, by rank) */
static void count_links(struct cdump *d)
{
	d->nr_links = c_ranked_count(&d->links, d->n);
}

/* The end and the hash of the chain from link id and of every link after
 * it not yet resolved (each holding its own link's hash); a chain that
 * comes back to itself is a loop no C can write. */
static int resolve_chain(struct cdump *d, uint32_t id)
{
	if (!is_link(d, d->next[id])) {
		/* a chain of one link: the type after it is no link, so its
		 * own end, its hash 0: the chain's hash is the link's */
		d->end[id] = d->next[id];
		return 0;
	}
	uint32_t x = id;
	d->work.n = 0;
	while (is_link(d, x) && d->end[x] == C_END_UNSET) {
		d->end[x] = END_VISITING;
		if (u32vec_push(&d->work, x))
			return -ENOMEM;
		x = d->next[x];
	}
	if (d->end[x] == END_VISITING)
		return bk_err_type(d->err, d->btf, x, -ELOOP,
				   "type loop through typedefs, modifiers, pointers or arrays");
	uint32_t end = d->end[x]; /* (a type that is no link is its own end) */
	uint64_t h = c_chain_hash(d, x);
	while (d->work.n) {
		uint32_t y = d->work.v[--d->work.n], rank = link_rank(d, y);
		h += d->chain_hash[rank];
		d->end[y] = end;
		d->chain_hash[rank] = h;
	}
	return 0;
}

/* The end of every chain and the chain's hash, each link visited once,
 * the links found by their bits (in ID order); those whose end
 * c_note_types found are done. */
static int resolve_chains(struct cdump *d)
{
	int e = 0;
	count_links(d);
	for (size_t w = 0; w <= d->n / 64 && !e; w++) {
		for (uint64_t bits = d->links.bits[w]; bits && !e; bits &= bits - 1) {
			uint32_t id = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
			if (d->end[id] == C_END_UNSET)
				e = resolve_chain(d, id);
		}
	}
	return e;
}

/* libbpf's pointer size: that of the first INT named like long, else the host's */
static int pointer_size(const struct cdump *d)
{
	static const char *const longs[] = {
		"long", "long int", "int long", "unsigned long", "long unsigned",
		"unsigned long int", "unsigned int long", "long unsigned int",
		"long int unsigned", "int unsigned long", "int long unsigned",
	};
	for (uint32_t id = 1; id < d->n; id++) {
		if (d->kind[id] != BK_KIND_INT) /* (the kinds noted: without the type) */
			continue;
		const struct bk_type *t = c_type(d, id);
		if (t->size != 4 && t->size != 8)
			continue;
		const char *name = c_name(d, t);
		for (size_t j = 0; j < sizeof(longs) / sizeof(longs[0]); j++)
			if (!strcmp(name, longs[j]))
				return (int)t->size;
	}
	return (int)sizeof(void *);
}

struct align_frame {
	uint32_t id, i;
	int max;
};

static int align_leaf(const struct cdump *d, const struct bk_type *t)
{
	switch (bk_kind(t)) {
	case BK_KIND_INT:
	case BK_KIND_ENUM:
	case BK_KIND_ENUM64:
	case BK_KIND_FLOAT:
		return t->size < (uint32_t)d->ptr_sz ? (int)t->size : d->ptr_sz;
	case BK_KIND_PTR:
		return d->ptr_sz;
	default:
		return 0; /* void, FWD, prototypes...: no alignment */
	}
}

/* the kinds whose alignment is that of the type they name */
static bool align_follows(unsigned kind)
{
	return kind == BK_KIND_TYPEDEF || kind == BK_KIND_VOLATILE || kind == BK_KIND_CONST ||
	       kind == BK_KIND_RESTRICT || kind == BK_KIND_TYPE_TAG || kind == BK_KIND_ARRAY;
}

static int push_align(struct cdump *d, uint32_t id)
{
	if (__builtin_expect(d->nr_astack >= d->astack_cap, 0)) {
		struct align_frame *stack = bk_grow_array(d->astack, &d->astack_cap, d->nr_astack,
							  sizeof(*stack), 64);
		if (!stack)
			return -ENOMEM;
		d->astack = stack;
	}
	d->astack[d->nr_astack++] = (struct align_frame){id, 0, 1};
	d->align[id] = ALIGN_VISITING;
	return 0;
}


/* One step of a struct's alignment: 1 when done (d->align set), 0 when a
 * member's alignment must be found first (pushed), <0 on error. */
static int align_struct_step(struct cdump *d, struct align_frame *f)
{
	const struct bk_type *t = c_type(d, f->id);
	const struct bk_member *m = bk_type_rest(t);
	for (; f->i < bk_vlen(t); f->i++) {
		uint32_t type = m[f->i].type;
		int a = d->align[type];
		if (a == ALIGN_UNSET) {
			/* a leaf's at once (most: pointers, integers), no frame */
			const struct bk_type *mt = c_type(d, type);
			if (c_is_composite(mt) || align_follows(bk_kind(mt)))
				return push_align(d, type);
			d->align[type] = (int8_t)(a = align_leaf(d, mt));
		}
		if (a == ALIGN_VISITING)
			a = 0; /* a struct inside itself: ordering reports it */
		if (a <= 0) {
			d->align[f->id] = (int8_t)a;
			return 1;
		}
		if (a > f->max)
			f->max = a;
		/* a member off its natural alignment: the struct is packed */
		if (!bk_member_bitfield_size(t, &m[f->i]) && c_align_rem(m[f->i].offset, 8u * a)) {
			d->align[f->id] = 1;
			return 1;
		}
	}
	d->align[f->id] = (int8_t)(c_align_rem(t->size, (uint32_t)f->max) ? 1 : f->max);
	return 1;
}

/* libbpf's btf__align_of, on an explicit stack (memoised: c_align_of) */
int c_align_of_slow(struct cdump *d, uint32_t id)
{
	if (d->align[id] != ALIGN_UNSET)
		return d->align[id] == ALIGN_VISITING ? 0 : d->align[id];
	size_t base = d->nr_astack;
	if (push_align(d, id))
		return 0;
	while (d->nr_astack > base) {
		struct align_frame *f = &d->astack[d->nr_astack - 1];
		const struct bk_type *t = c_type(d, f->id);
		unsigned kind = bk_kind(t);
		int r = 1;
		if (c_is_composite(t)) {
			r = align_struct_step(d, f);
		} else if (align_follows(kind)) {
			uint32_t next = c_chain_next(t);
			int a = d->align[next];
			if (a == ALIGN_UNSET)
				r = push_align(d, next);
			else
				d->align[f->id] = (int8_t)(a == ALIGN_VISITING ? 0 : a);
		} else {
			d->align[f->id] = (int8_t)align_leaf(d, t);
		}
		if (r < 0) {
			d->nr_astack = base;
			return 0;
		}
		if (r == 1)
			d->nr_astack--;
	}
	return d->align[id];
}

/* libbpf's btf__resolve_size: at most 32 links, -EINVAL or -E2BIG */
int64_t c_resolve_size(const struct cdump *d, uint32_t id)
{
	uint32_t nelems = 1;
	int64_t size = -1;
	for (int i = 0; i < 32 && id && bk_kind(c_type(d, id)) != BK_KIND_FWD; i++) {
		const struct bk_type *t = c_type(d, id);
		switch (bk_kind(t)) {
		case BK_KIND_INT:
		case BK_KIND_STRUCT:
		case BK_KIND_UNION:
		case BK_KIND_ENUM:
		case BK_KIND_ENUM64:
		case BK_KIND_DATASEC:
		case BK_KIND_FLOAT:
			size = t->size;
			goto done;
		case BK_KIND_PTR:
			size = d->ptr_sz;
			goto done;
		case BK_KIND_TYPEDEF:
		case BK_KIND_VOLATILE:
		case BK_KIND_CONST:
		case BK_KIND_RESTRICT:
		case BK_KIND_VAR:
		case BK_KIND_DECL_TAG:
		case BK_KIND_TYPE_TAG:
			id = t->type;
			break;
		case BK_KIND_ARRAY: {
			const struct bk_array *a = bk_type_rest(t);
			if (nelems && a->nelems > UINT32_MAX / nelems)
				return -E2BIG;
			nelems *= a->nelems;
			id = a->type;
			break;
		}
		default:
			return -EINVAL;
		}
	}
done:
	if (size < 0)
		return -EINVAL;
	if (nelems > 1 && size > UINT32_MAX / nelems) /* (no division for most) */
		return -E2BIG;
	return (int64_t)nelems * size;
}

int c_prepare(struct cdump *d)
{
	int e = c_note_types(d);
	d->ptr_sz = pointer_size(d);
	return e ? e : resolve_chains(d);
}
