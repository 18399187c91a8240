// SPDX-License-Identifier: MIT
/*
 * The C printer's pass over every type before anything else (c_prepare's
 * first step): what later phases read without the type (its kind, the ID
 * in its header, whether it is named, whether it is a link of a typedef/
 * modifier/pointer/array chain), which types are referenced (libbpf's
 * btf_dump_mark_referenced), how many names the ___N maps may get, and
 * each link's own part of bpftool's sort hash, taken while its record is
 * read (resolve_chains then reads no type).
 *
 * A vmlinux has over 100,000 types: when the header goes to a file and a
 * second processor may be used (as for the printer's helper, c_helper.c),
 * a second thread notes ranges of IDs too. Each range is taken by whoever
 * comes first, so that a thread that starts late (the machine busy) only
 * takes fewer. The ranges begin on multiples of 64 IDs: no word of the
 * bitmaps is written by both. A range's links hash into chain_hash from
 * its first ID on (its links are no more than its IDs), moved into rank
 * order once all are done. References may be to any ID: the second
 * thread marks them in a table of its own (the alignment table, zero
 * until then), ORed into the states at the end.
 */
#include <stddef.h>
#include <stdlib.h>

#include "text/c_internal.h"
#include "text/threads.h"

/* below, a thread costs more than it saves */
#define SPLIT_MIN_TYPES 4096
#define NR_PARTS 8

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

/*
 * What the pass reads of each kind's record and marks, as 32-bit word
 * indexes, made from the kind table (and the rules of the name hints and
 * of c_head_next): it runs over every type and member, and goes through
 * these with masks instead of a branch per field.
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
		/* (no kind has more than two IDs before its elements) */
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

/* the link's end when the pass can tell it: the type after it, when that
 * one is noted already (in this range) and no link (its end is itself) */
static inline uint32_t early_end(const uint32_t *end, uint32_t from, uint32_t id, uint32_t next)
{
	return next < id && next >= from && end[next] == next ? next : C_END_UNSET;
}

/* A range of the IDs that note_range notes, and what it gives back */
struct note_part {
	uint32_t from, to;     /* [from, to): from a multiple of 64 */
	uint8_t *marks;        /* where it marks the types referenced */
	uint64_t *hash;        /* its links' own hashes, by rank among them */
	uint32_t nr_links;
	uint32_t bad;          /* the first ID of an unknown kind (0: none) */
	size_t type_names, ident_names;
};

/* c_type's fields in locals: a store to a byte table could be to d's
 * fields, which would be read again after each */
struct type_at {
	const uint8_t *own_types;
	const uint32_t *own_offs;
	uint32_t own_start;
	const struct bk_type *const *types;
};

static inline const uint32_t *type_words(const struct type_at *at, uint32_t id)
{
	const void *t;
	if (__builtin_expect(id >= at->own_start, 1))
		t = at->own_types + at->own_offs[id - at->own_start];
	else
		t = at->types[id];
	return t;
}

/* One pass over the types of a range (each read once, in the order they
 * lie): what is read later without the type (kind, header ID, name or
 * not, link or not; a link's end, where its next is known and no link,
 * else unset; any other type's its own; a link's own hash), which types
 * are referenced (marked in p->marks), how many names there may be. */
static void note_range(const struct cdump *d, struct note_part *p)
{
	const struct type_at at = {d->own_types, d->own_offs, d->own_start, d->types};
	uint8_t *kinds = d->kind, *marks = p->marks, sink = 0;
	uint8_t *bases[2] = {&sink, marks}; /* (a kind's missing ID fields: the sink) */
	uint32_t *next = d->next, *end = d->end, rank = 0, from = p->from, to = p->to;
	uint64_t *named = d->named, *links = d->links.bits, *hash = p->hash, named_w = 0, links_w = 0;
	size_t type_names = 0, ident_names = 0;
	for (uint32_t id = from ? from : 1; id < to; id++) {
		const uint32_t *w = type_words(&at, id);
		unsigned kind = (w[1] >> 24) & 0x7f;
		const struct note_shape *s = &note_shapes[kind];
		if (!s->known) {
			p->bad = id;
			return;
		}
		uint8_t mark = s->mark;
		uint32_t vlen = w[1] & BK_MAX_VLEN, nx = w[s->next_word] & s->next_mask;
		uint32_t elems = vlen & s->elem_mask, stride = s->elem_words;
		uint32_t id0 = w[s->id_word[0]] & s->id_mask[0], id1 = w[s->id_word[1]] & s->id_mask[1];
		uint8_t *m0 = bases[s->id_mask[0] & 1] + id0, *m1 = bases[s->id_mask[1] & 1] + id1;
		const uint32_t *e = w + s->head_words + s->elem_id_word;
		uint64_t bit = 1ull << (id % 64);
		type_names += (w[0] != 0) & s->type_name;
		ident_names += (vlen & s->vlen_idents) + s->one_ident;
		named_w |= w[0] ? bit : 0;
		if (s->chain) {
			links_w |= bit;
			end[id] = early_end(end, from, id, nx);
			hash[rank++] = link_hash(d, (const struct bk_type *)(const void *)w, kind);
		} else {
			end[id] = id;
		}
		kinds[id] = (uint8_t)kind;
		next[id] = nx;
		*m0 |= mark;
		*m1 |= mark;
		for (uint32_t k = 0; k < elems; k++, e += stride)
			marks[*e] |= mark;
		if (id % 64 == 63) {
			named[id / 64] = named_w;
			links[id / 64] = links_w;
			named_w = links_w = 0;
		}
	}
	if (to % 64) {
		named[to / 64] = named_w;
		links[to / 64] = links_w;
	}
	p->nr_links = rank;
	p->type_names = type_names;
	p->ident_names = ident_names;
}

/* The ranges of two threads: taken in turn by either (claimed), counted
 * when done (finished); freed by the last of the two to let go (refs). */
struct note_split {
	const struct cdump *d;
	struct note_part parts[NR_PARTS];
	uint32_t nr_parts;
	uint32_t claimed, finished, refs; /* (atomic) */
	uint8_t *helper_marks;
	struct elsewhere_start start;
};

/* the ranges this thread takes, its references marked in marks */
static void note_parts(struct note_split *sp, uint8_t *marks)
{
	for (;;) {
		uint32_t i = __atomic_fetch_add(&sp->claimed, 1, __ATOMIC_ACQ_REL);
		if (i >= sp->nr_parts)
			return;
		sp->parts[i].marks = marks;
		note_range(sp->d, &sp->parts[i]);
		__atomic_fetch_add(&sp->finished, 1, __ATOMIC_RELEASE);
	}
}

static void split_release(struct note_split *sp)
{
	if (!__atomic_sub_fetch(&sp->refs, 1, __ATOMIC_ACQ_REL))
		free(sp);
}

static void *note_helper(void *arg)
{
	struct note_split *sp = arg;
	note_parts(sp, sp->helper_marks);
	split_release(sp);
	return NULL;
}

static bool parts_done(const void *arg, uint32_t nr)
{
	const struct note_split *sp = arg;
	return __atomic_load_n(&sp->finished, __ATOMIC_ACQUIRE) >= nr;
}

/* The helper thread started on the ranges (NULL: none, for a small BTF,
 * output in memory, one processor, or no thread to be had). It is
 * detached: when it starts after every range is done, it finds none, and
 * nobody waits for it. */
static struct note_split *split_start(struct cdump *d)
{
	cpu_set_t cpus;
	if (!d->o || !d->o->file || d->n < SPLIT_MIN_TYPES || !may_use_two_cpus(&cpus))
		return NULL;
	struct note_split *sp = calloc(1, sizeof(*sp));
	if (!sp)
		return NULL;
	/* (no more than NR_PARTS of them) */
	uint32_t size = ((d->n + NR_PARTS - 1) / NR_PARTS + 63) / 64 * 64;
	sp->d = d;
	for (uint32_t from = 0; from < d->n && sp->nr_parts < NR_PARTS; from += size) {
		struct note_part *p = &sp->parts[sp->nr_parts++];
		p->from = from;
		p->to = d->n - from > size ? from + size : d->n;
		p->hash = d->chain_hash + from;
	}
	sp->helper_marks = (uint8_t *)d->align; /* (zero until c_prepare ends) */
	sp->refs = 2;
	pthread_t thread;
	if (!start_elsewhere(&thread, &sp->start, note_helper, sp, &cpus)) {
		free(sp);
		return NULL;
	}
	pthread_detach(thread);
	return sp;
}

/* what the ranges gave, in ID order: the first unknown kind, the name
 * hints, the links' hashes moved into rank order, and the helper's marks */
static int gather(struct cdump *d, const struct note_part *parts, uint32_t nr)
{
	uint32_t total = 0;
	bool helped = false;
	for (uint32_t i = 0; i < nr; i++) {
		const struct note_part *p = &parts[i];
		if (p->bad)
			return bk_err_type(d->err, d->btf, p->bad, -EINVAL, "unknown kind %u",
					   bk_kind(c_type(d, p->bad)));
		d->type_names.hint += p->type_names;
		d->ident_names.hint += p->ident_names;
		if (p->hash != d->chain_hash + total)
			memmove(d->chain_hash + total, p->hash, p->nr_links * sizeof(*p->hash));
		total += p->nr_links;
		helped |= p->marks != d->state;
	}
	uint8_t *marks = (uint8_t *)d->align;
	if (helped)
		for (uint32_t id = 0; id < d->n; id++)
			d->state[id] |= marks[id];
	return 0;
}

int c_note_types(struct cdump *d)
{
	d->end[0] = 0;
	/* (a link a type at most: by rank, the first nr_links used) */
	if (c_ranked_alloc(&d->links, d->n) ||
	    !(d->chain_hash = malloc(d->n * sizeof(*d->chain_hash))))
		return -ENOMEM;
	pthread_once(&note_shapes_once, note_shapes_init);
	struct note_split *sp = split_start(d);
	int e;
	if (sp) {
		note_parts(sp, d->state);
		while (!wait_spin(parts_done, sp, sp->nr_parts))
			sched_yield();
		e = gather(d, sp->parts, sp->nr_parts);
		split_release(sp);
	} else {
		struct note_part p = {.to = d->n, .marks = d->state, .hash = d->chain_hash};
		note_range(d, &p);
		e = gather(d, &p, 1);
	}
	memset(d->align, 0xff, d->n); /* ALIGN_UNSET (the helper's marks were there) */
	return e;
}
