// SPDX-License-Identifier: MIT
/*
 * What the C printer knows per type before printing: the pointer size,
 * which types are referenced, the end of every typedef/modifier/pointer/
 * array chain (and loops through them), and libbpf's btf__align_of and
 * btf__resolve_size. No recursion: chains are walked once with a memo,
 * alignment on an explicit stack.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "text/c_internal.h"

#define END_UNSET UINT32_MAX
#define END_VISITING (UINT32_MAX - 1)

int u32vec_grow(struct u32vec *s)
{
	uint32_t *v32 = bk_grow_array(s->v, &s->cap, s->n, sizeof(*v32), 1024);
	if (!v32)
		return -ENOMEM;
	s->v = v32;
	return 0;
}

/* ---- what is known per type before printing ----------------------------------- */

/* the kinds bpftool's sort looks through to a chain's end */
static bool is_chain_kind(unsigned kind)
{
	switch (kind) {
	case BK_KIND_ARRAY:
	case BK_KIND_TYPE_TAG:
	case BK_KIND_CONST:
	case BK_KIND_PTR:
	case BK_KIND_VOLATILE:
	case BK_KIND_RESTRICT:
	case BK_KIND_TYPEDEF:
	case BK_KIND_DECL_TAG:
		return true;
	default:
		return false;
	}
}

/* what one link (t, of kind) adds to bpftool's disambiguation hash:
 * only a name or an array's size add to it (0 for an unnamed modifier) */
static uint64_t link_hash(const struct cdump *d, const struct bk_type *t, unsigned kind)
{
	uint64_t h = t->name_off ? c_str_hash(c_str(d, t->name_off)) : 0;
	if (kind == BK_KIND_ARRAY)
		h = h * 31 + ((const struct bk_array *)bk_type_rest(t))->nelems;
	return h * 31;
}

int c_ranked_alloc(struct c_ranked *r, uint64_t n)
{
	size_t words = (size_t)(n / 64) + 1;
	r->bits = calloc(words, sizeof(*r->bits));
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

/* the links' ranks (links noted by note_types, which gave each its own
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
	while (is_link(d, x) && d->end[x] == END_UNSET) {
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
 * note_types found are done. */
static int resolve_chains(struct cdump *d)
{
	int e = 0;
	count_links(d);
	for (size_t w = 0; w <= d->n / 64 && !e; w++) {
		for (uint64_t bits = d->links.bits[w]; bits && !e; bits &= bits - 1) {
			uint32_t id = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
			if (d->end[id] == END_UNSET)
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

/*
 * What note_types reads of each kind's record and marks, as 32-bit word
 * indexes, made from the kind table (and the rules of count_names and
 * c_head_next): the pass runs over every type and member, and goes
 * through these with masks instead of a branch per field.
 */
struct note_shape {
	bool known, chain;       /* a kind; a link of the chains */
	uint8_t mark;            /* what it marks the types it names with */
	uint8_t next_word;       /* c_head_next's field, with next_mask */
	uint32_t next_mask;
	uint8_t id_word[2];      /* the ID fields before the elements ... */
	uint32_t id_mask[2];     /* ... (0: none, marked in a byte of no type) */
	uint8_t head_words, elem_words, elem_id_word;
	uint32_t elem_mask;      /* vlen's mask: 0 for a kind without element IDs */
	uint32_t type_name;      /* ~0: its name counts for type_names */
	uint32_t vlen_idents;    /* ~0: each element is a name for ident_names */
	uint32_t one_ident;      /* 1: itself a name for ident_names */
};

#define NR_NOTE_SHAPES 128 /* by the 7 bits of bk_kind */

static struct note_shape note_shapes[NR_NOTE_SHAPES];
static pthread_once_t note_shapes_once = PTHREAD_ONCE_INIT;

/* how many names the ___N maps may get (a hint), by kind: its name for
 * type_names, its enumerators and itself for ident_names */
static void name_counts(unsigned kind, struct note_shape *s)
{
	switch (kind) {
	case BK_KIND_ENUM:
	case BK_KIND_ENUM64:
		s->vlen_idents = ~0u; /* enumerators */
		/* fall through */
	case BK_KIND_STRUCT:
	case BK_KIND_UNION:
	case BK_KIND_FWD:
	case BK_KIND_INT:
		s->type_name = ~0u;
		break;
	case BK_KIND_TYPEDEF:
		s->one_ident = 1;
		break;
	default:
		break;
	}
}

static void note_shapes_init(void)
{
	for (unsigned k = 0; k < NR_NOTE_SHAPES; k++) {
		const struct bk_kind_desc *desc = bk_kind_desc(k);
		struct note_shape *s = &note_shapes[k];
		if (!desc)
			continue;
		unsigned ids = 0, head = (unsigned)sizeof(struct bk_type) / 4;
		s->known = true;
		s->chain = is_chain_kind(k);
		/* libbpf's btf_dump_mark_referenced: the types it names */
		s->mark = c_orders_nothing(k) ? ST_REFERENCED : ST_REFERENCED | ST_WALKED_TO;
		if (k == BK_KIND_ARRAY) {
			s->next_word = (uint8_t)(head + offsetof(struct bk_array, type) / 4);
			s->next_mask = ~0u;
		} else if (desc->type_is_id) {
			s->next_word = (uint8_t)(offsetof(struct bk_type, type) / 4);
			s->next_mask = ~0u;
		}
		if (desc->type_is_id)
			s->id_word[ids++] = (uint8_t)(offsetof(struct bk_type, type) / 4);
		for (unsigned i = 0; i < desc->nr_fixed_ids && ids < 2; i++)
			s->id_word[ids++] = (uint8_t)(head + desc->fixed_id_offs[i] / 4u);
		for (unsigned i = 0; i < ids; i++)
			s->id_mask[i] = ~0u;
		s->head_words = (uint8_t)(head + desc->info_sz / 4u);
		s->elem_words = (uint8_t)(desc->elem_sz / 4u);
		if (desc->elem_id_off >= 0) {
			s->elem_id_word = (uint8_t)(desc->elem_id_off / 4);
			s->elem_mask = BK_MAX_VLEN;
		}
		name_counts(k, s);
	}
}

/* the link's end when note_types can tell it: the type after it, when
 * that one is noted already and no link (a type before it whose end is
 * itself) */
static uint32_t early_end(const uint32_t *end, uint32_t id, uint32_t next)
{
	return next < id && end[next] == next ? next : END_UNSET;
}

/* The tables note_types fills, in locals: a store to state[] (bytes)
 * could otherwise be to any of d's fields, reloaded after each. */
struct notes {
	uint8_t *kind, *state, *bases[2];
	uint32_t *next, *end;
	uint64_t *chain_hash, named, links;
	uint32_t rank;
	size_t type_names, ident_names;
};

/* what note_types notes of one type */
static void note_type(const struct cdump *d, struct notes *nt, uint32_t id, const uint32_t *w,
		      const struct note_shape *s, unsigned kind)
{
	uint32_t vlen = w[1] & BK_MAX_VLEN, next = w[s->next_word] & s->next_mask;
	uint64_t bit = 1ull << (id % 64);
	nt->kind[id] = (uint8_t)kind;
	nt->next[id] = next;
	nt->named |= w[0] ? bit : 0;
	nt->type_names += (w[0] != 0) & s->type_name;
	nt->ident_names += (vlen & s->vlen_idents) + s->one_ident;
	if (s->chain) {
		nt->links |= bit;
		nt->end[id] = early_end(nt->end, id, next);
		nt->chain_hash[nt->rank++] =
			link_hash(d, (const struct bk_type *)(const void *)w, kind);
	} else {
		nt->end[id] = id;
	}
	for (unsigned i = 0; i < 2; i++)
		nt->bases[s->id_mask[i] & 1][w[s->id_word[i]] & s->id_mask[i]] |= s->mark;
	const uint32_t *e = w + s->head_words + s->elem_id_word;
	for (uint32_t k = 0, n = vlen & s->elem_mask; k < n; k++, e += s->elem_words)
		nt->state[*e] |= s->mark;
}

/* One pass over the types (each read once, in the order they lie): what
 * is read later without the type (kind, header ID, name or not, link or
 * not; a link's end, where its next is known and no link, else unset;
 * any other type's its own; a link's own hash), which types are
 * referenced, and how many names there may be. */
static int note_types(struct cdump *d)
{
	uint8_t sink = 0; /* where a kind's missing ID fields are marked */
	d->end[0] = 0;
	/* (a link a type at most: by rank, the first nr_links used) */
	if (c_ranked_alloc(&d->links, d->n) ||
	    !(d->chain_hash = malloc(d->n * sizeof(*d->chain_hash))))
		return -ENOMEM;
	pthread_once(&note_shapes_once, note_shapes_init);
	struct notes nt = {.kind = d->kind, .state = d->state, .bases = {&sink, d->state},
			   .next = d->next, .end = d->end, .chain_hash = d->chain_hash};
	int e = 0;
	for (uint32_t id = 1; id < d->n; id++) {
		const uint32_t *w = (const uint32_t *)(const void *)c_type(d, id);
		unsigned kind = (w[1] >> 24) & 0x7f;
		const struct note_shape *s = &note_shapes[kind];
		if (!s->known) {
			e = bk_err_type(d->err, d->btf, id, -EINVAL, "unknown kind %u", kind);
			break;
		}
		note_type(d, &nt, id, w, s, kind);
		if (id % 64 == 63) {
			d->named[id / 64] = nt.named;
			d->links.bits[id / 64] = nt.links;
			nt.named = nt.links = 0;
		}
	}
	if (d->n % 64) {
		d->named[d->n / 64] = nt.named;
		d->links.bits[d->n / 64] = nt.links;
	}
	d->type_names.hint += nt.type_names;
	d->ident_names.hint += nt.ident_names;
	return e;
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

static int push_align(struct cdump *d, uint32_t id)
{
	struct align_frame *stack = bk_grow_array(d->astack, &d->astack_cap, d->nr_astack,
						  sizeof(*stack), 64);
	if (!stack)
		return -ENOMEM;
	d->astack = stack;
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
		int a = d->align[m[f->i].type];
		if (a == ALIGN_UNSET)
			return push_align(d, m[f->i].type);
		if (a == ALIGN_VISITING)
			a = 0; /* a struct inside itself: ordering reports it */
		if (a <= 0) {
			d->align[f->id] = (int8_t)a;
			return 1;
		}
		if (a > f->max)
			f->max = a;
		/* a member off its natural alignment: the struct is packed */
		if (!bk_member_bitfield_size(t, &m[f->i]) && m[f->i].offset % (8u * a)) {
			d->align[f->id] = 1;
			return 1;
		}
	}
	d->align[f->id] = (int8_t)(t->size % f->max ? 1 : f->max);
	return 1;
}

/* libbpf's btf__align_of, memoised, on an explicit stack */
int c_align_of(struct cdump *d, uint32_t id)
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
		} else if (kind == BK_KIND_TYPEDEF || kind == BK_KIND_VOLATILE ||
			   kind == BK_KIND_CONST || kind == BK_KIND_RESTRICT ||
			   kind == BK_KIND_TYPE_TAG || kind == BK_KIND_ARRAY) {
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
	int e = note_types(d);
	d->ptr_sz = pointer_size(d);
	return e ? e : resolve_chains(d);
}
