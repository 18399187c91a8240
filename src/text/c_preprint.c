// SPDX-License-Identifier: MIT
/*
 * The C header's definitions printed ahead, on a second thread, while this
 * one sorts and orders the types.
 *
 * What a definition (an item of the emit walk: c_emit_item) prints depends
 * on nothing that sorting, ordering or printing changes, except the ___N of
 * the names in it, which libbpf gives out in output order (a type's the
 * first time it is named, an enumerator's each time). So once the types
 * are prepared (c_prepare), a helper thread prints the definitions that
 * the walk will want — every named struct, union, enum and typedef, and
 * the anonymous structs, unions and enums that no walked type refers to
 * (those are printed at the top level; the others only inline) — in ID
 * order, each into a store that never moves, with the names' ___N left out
 * and noted where they go (d->mentions); once the sort has found the names
 * that are given out only once, those it prints whole. When the walk (this thread) comes
 * to such a definition, it writes the printed text with the ___N put in,
 * deciding them in output order; one the helper has not reached it claims
 * and prints itself. A definition the helper fails on is left for the
 * walk, which meets the same failure in its place.
 *
 * Each definition has a claim byte: free, being printed ahead, printed
 * ahead, or taken by the walk; the helper takes it from free with a
 * compare-and-swap, as does the walk one the helper has not begun. One the
 * helper is printing when the walk needs it, the walk prints too rather
 * than wait for a thread that may have lost its processor. The helper reads only
 * what nothing changes while it runs (the types, the strings, the kinds,
 * its own copy of the alignment memo) and the names whose ___N the walk
 * has decided (c_name_is_done: then their ___N is final).
 *
 * Only a whole dump (no root IDs) of a large BTF to a file, with two
 * processors, is printed ahead; else the walk prints everything.
 */
#include <stdlib.h>

#include "core/fresh.h"
#include "text/c_internal.h"
#include "text/threads.h"

#define PREPRINT_MIN_TYPES 4096
#define STORE_CHUNK (4u << 20) /* (huge pages: core/fresh.h) */

enum { FREE, AHEAD_PRINTING, AHEAD_DONE, WALK_TAKEN };

/* one definition's text, ___N left out at its mentions */
struct piece {
	const char *text;
	const uint32_t *mentions; /* (offset in text, M_*, value) triples */
	uint32_t len, nr_mentions;
};

/* blocks of memory appended to, never moved */
struct store_chunk {
	struct store_chunk *next;
	size_t len, cap;
	char data[];
};

struct preprint {
	const struct cdump *d;
	/* the definitions printed ahead: a bit an ID, the count of them
	 * before each word of bits; their claims and pieces by rank */
	uint64_t *wanted;
	uint32_t *before;
	uint32_t nr;
	uint8_t *claim;
	struct piece *pieces;
	struct store_chunk *chunks;
	bool stop; /* (atomic) the walk is over */
	/* the names given out only once (c_name_single), once the sort knows
	 * them (atomic; total before it): printed whole from then on */
	uint64_t *single;
	uint64_t single_total;
	pthread_t thread;
	struct elsewhere_start start;
	/* the helper's own printer: scratch output, mentions, error */
	struct cdump w;
	struct out o;
	struct u32vec mentions;
	struct bk_error err;
};

/* ---- which definitions ------------------------------------------------------------ */

/* the item the walk prints a definition of this kind as, the top-level
 * one (OP_STRUCT_FWD and the rest are short: printed by the walk) */
static int ahead_op(unsigned kind)
{
	switch (kind) {
	case BK_KIND_STRUCT:
	case BK_KIND_UNION:
		return OP_STRUCT;
	case BK_KIND_ENUM:
	case BK_KIND_ENUM64:
		return OP_ENUM;
	case BK_KIND_TYPEDEF:
		return OP_TYPEDEF;
	default:
		return -1;
	}
}

/* A definition the walk will print at the top level: named, or anonymous
 * and not inside anything that ordering walks (which prints it inline). */
static bool is_wanted(const struct cdump *d, uint32_t id)
{
	if (ahead_op(d->kind[id]) < 0)
		return false;
	return c_type(d, id)->name_off || !(d->state[id] & ST_WALKED_TO);
}

static int find_wanted(struct preprint *p)
{
	const struct cdump *d = p->d;
	size_t words = d->n / 64 + 1;
	p->wanted = calloc(words, sizeof(*p->wanted));
	p->before = malloc(words * sizeof(*p->before));
	if (!p->wanted || !p->before)
		return -ENOMEM;
	for (uint32_t id = 1; id < d->n; id++)
		if (is_wanted(d, id))
			p->wanted[id / 64] |= 1ull << (id % 64);
	for (size_t i = 0; i < words; i++) {
		p->before[i] = p->nr;
		p->nr += (uint32_t)__builtin_popcountll(p->wanted[i]);
	}
	p->claim = calloc(p->nr ? p->nr : 1, 1);
	p->pieces = malloc((p->nr ? p->nr : 1) * sizeof(*p->pieces));
	return p->claim && p->pieces ? 0 : -ENOMEM;
}

/* the rank of a wanted definition; -1 for any other item */
static int64_t wanted_rank(const struct preprint *p, unsigned op, uint32_t id)
{
	if (id >= p->d->n || !(p->wanted[id / 64] >> (id % 64) & 1) ||
	    ahead_op(p->d->kind[id]) != (int)op)
		return -1;
	uint64_t word = p->wanted[id / 64] & ((1ull << (id % 64)) - 1);
	return p->before[id / 64] + (uint32_t)__builtin_popcountll(word);
}

/* ---- the store -------------------------------------------------------------------- */

static void *store_copy(struct preprint *p, const void *src, size_t n)
{
	struct store_chunk *c = p->chunks;
	size_t at = c ? (c->len + 7) & ~(size_t)7 : 0;
	if (!c || at + n > c->cap) {
		size_t cap = sizeof(*c) + (n > STORE_CHUNK ? n : STORE_CHUNK);
		if (!(c = bk_malloc_fresh(&cap)))
			return NULL;
		*c = (struct store_chunk){.next = p->chunks, .cap = cap - sizeof(*c)};
		p->chunks = c;
		at = 0;
	}
	memcpy(c->data + at, src, n);
	c->len = at + n;
	return c->data + at;
}

static void store_free(struct preprint *p)
{
	while (p->chunks) {
		struct store_chunk *next = p->chunks->next;
		free(p->chunks);
		p->chunks = next;
	}
}

/* ---- the helper thread ------------------------------------------------------------ */

/* print one definition into the helper's output; false: leave it to the walk */
static bool print_ahead(struct preprint *p, uint32_t id, struct piece *piece)
{
	if (!p->w.single && (p->w.single = __atomic_load_n(&p->single, __ATOMIC_ACQUIRE)))
		p->w.single_total = p->single_total;
	p->o.len = 0;
	p->o.err = 0;
	p->mentions.n = 0;
	if (c_emit_item(&p->w, (unsigned)ahead_op(p->d->kind[id]), id) || p->o.err)
		return false;
	piece->len = (uint32_t)p->o.len;
	piece->nr_mentions = (uint32_t)(p->mentions.n / 3);
	piece->text = store_copy(p, p->o.buf, p->o.len);
	piece->mentions = store_copy(p, p->mentions.v, p->mentions.n * sizeof(*p->mentions.v));
	return piece->text && (piece->mentions || !p->mentions.n);
}

static void *print_all_ahead(void *arg)
{
	struct preprint *p = arg;
	size_t words = p->d->n / 64 + 1;
	for (size_t i = 0; i < words; i++) {
		for (uint64_t left = p->wanted[i]; left; left &= left - 1) {
			if (__atomic_load_n(&p->stop, __ATOMIC_RELAXED))
				return NULL;
			uint32_t id = (uint32_t)(i * 64 + (unsigned)__builtin_ctzll(left));
			uint32_t rank = p->before[i] + (uint32_t)__builtin_popcountll(
							    p->wanted[i] & ((1ull << (id % 64)) - 1));
			uint8_t want = FREE;
			if (!__atomic_compare_exchange_n(&p->claim[rank], &want, AHEAD_PRINTING, false,
							 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				continue; /* the walk took it */
			bool ok = print_ahead(p, id, &p->pieces[rank]);
			__atomic_store_n(&p->claim[rank], ok ? AHEAD_DONE : FREE, __ATOMIC_RELEASE);
		}
	}
	return NULL;
}

/* the helper's copy of the printer: its own scratch, alignment memo,
 * output and mentions; the ___N maps, the single names and the queue are
 * the walk's */
static bool helper_init(struct preprint *p, const struct cdump *d)
{
	struct cdump *w = &p->w;
	*w = *d;
	w->decl = w->work = w->queue = (struct u32vec){0};
	w->fs = (struct fstack){0};
	w->astack = NULL;
	w->nr_astack = w->astack_cap = 0;
	w->tasks = NULL;
	w->nr_tasks = w->tasks_cap = 0;
	w->type_names = w->ident_names = (struct name_map){0};
	w->single = NULL; /* (not known yet: every name's ___N is left out) */
	w->spare[0] = w->spare[1] = NULL;
	w->pre = NULL;
	w->mentions = &p->mentions;
	w->o = &p->o;
	w->err = &p->err;
	p->o = (struct out){.cap = OUT_CHUNK};
	p->o.buf = malloc(p->o.cap);
	w->align = malloc(d->n);
	if (!p->o.buf || !w->align)
		return false;
	memcpy(w->align, d->align, d->n);
	return true;
}

static void preprint_free(struct preprint *p)
{
	store_free(p);
	free(p->wanted);
	free(p->before);
	free(p->claim);
	free(p->pieces);
	free(p->o.buf);
	free(p->mentions.v);
	free(p->w.align);
	free(p->w.decl.v);
	free(p->w.work.v);
	free(p->w.astack);
	free(p->w.fs.f);
	c_emit_fini(&p->w);
	free(p);
}

/* What only a name's ___N decides beyond the name itself: GCC's missing
 * base types (printed only without one), old GCC's __gnuc_va_list. Any
 * such type at all and nothing is printed ahead. */
static bool prints_by_dup(const struct cdump *d)
{
	for (uint32_t id = 1; id < d->n; id++) {
		if (d->kind[id] != BK_KIND_INT && d->kind[id] != BK_KIND_TYPEDEF)
			continue; /* (without reading the type) */
		const struct bk_type *t = c_type(d, id);
		if (d->kind[id] == BK_KIND_INT && c_is_missing_base_type(c_name(d, t)))
			return true;
		if (d->kind[id] == BK_KIND_TYPEDEF && !t->type &&
		    !strcmp(c_name(d, t), "__gnuc_va_list"))
			return true;
	}
	return false;
}

/* ---- the walk's side -------------------------------------------------------------- */

void c_preprint_start(struct cdump *d)
{
	cpu_set_t cpus;
	if (!d->o->file || d->n < PREPRINT_MIN_TYPES || !may_use_two_cpus(&cpus) ||
	    prints_by_dup(d))
		return;
	struct preprint *p = calloc(1, sizeof(*p));
	if (!p)
		return;
	p->d = d;
	if (find_wanted(p) || !helper_init(p, d) ||
	    !start_elsewhere(&p->thread, &p->start, print_all_ahead, p, &cpus)) {
		preprint_free(p);
		return;
	}
	d->pre = p;
}

void c_preprint_names_known(struct cdump *d)
{
	struct preprint *p = d->pre;
	if (!p || !d->single)
		return;
	p->single_total = d->single_total;
	__atomic_store_n(&p->single, d->single, __ATOMIC_RELEASE);
}

void c_preprint_end(struct cdump *d)
{
	struct preprint *p = d->pre;
	if (!p)
		return;
	__atomic_store_n(&p->stop, true, __ATOMIC_RELAXED);
	pthread_join(p->thread, NULL);
	d->pre = NULL;
	preprint_free(p);
}

/* The walk goes through the queued definitions in order: ask for the
 * piece of the one eight ahead, and for the text and mentions of the one
 * four ahead (its piece read by then), before they are needed. The helper
 * wrote them on the other processor, long ago: they are in neither's cache. */
void c_preprint_prefetch(const struct cdump *d, size_t i)
{
	const struct preprint *p = d->pre;
	if (!p)
		return;
	const uint32_t *q = d->queue.v;
	for (int k = 0; k < 2; k++) {
		size_t at = i + (k ? 4 : 8);
		if (at >= d->queue.n)
			continue;
		uint32_t id = q[at];
		int64_t rank = wanted_rank(p, (unsigned)ahead_op(d->kind[id]), id);
		if (rank < 0)
			continue;
		const struct piece *pc = &p->pieces[rank];
		if (!k) {
			__builtin_prefetch(pc);
			continue;
		}
		if (__atomic_load_n(&p->claim[rank], __ATOMIC_ACQUIRE) != AHEAD_DONE)
			continue; /* (its piece is not written yet) */
		__builtin_prefetch(pc->text);
		__builtin_prefetch(pc->mentions);
	}
}

/* a printed definition into the output, its ___N put in (in output order) */
static void put_piece(struct cdump *d, const struct piece *pc)
{
	size_t pos = 0;
	for (uint32_t i = 0; i < pc->nr_mentions; i++) {
		const uint32_t *m = pc->mentions + 3 * i;
		put_bytes(d->o, pc->text + pos, m[0] - pos);
		c_put_mention(d, m[1], m[2]);
		pos = m[0];
	}
	put_bytes(d->o, pc->text + pos, pc->len - pos);
}

/* Whether wanted definition rank was printed ahead. One the helper has
 * not begun is taken from it; one it is printing now the walk prints
 * too rather than wait (the helper may have lost its processor): its
 * piece, when it comes, is simply not read. */
static bool take_printed(struct preprint *p, uint32_t rank)
{
	uint8_t c = FREE;
	if (__atomic_compare_exchange_n(&p->claim[rank], &c, WALK_TAKEN, false, __ATOMIC_ACQUIRE,
					__ATOMIC_ACQUIRE))
		return false;
	return c == AHEAD_DONE;
}

int c_put_item(struct cdump *d, unsigned op, uint32_t id)
{
	struct preprint *p = d->pre;
	int64_t rank = p ? wanted_rank(p, op, id) : -1;
	if (rank < 0 || !take_printed(p, (uint32_t)rank))
		return c_emit_item(d, op, id);
	put_piece(d, &p->pieces[rank]);
	return d->o->err;
}
