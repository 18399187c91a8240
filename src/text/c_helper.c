// SPDX-License-Identifier: MIT
/*
 * The C printer's helper thread: it prints the definitions ahead while this
 * thread sorts the types, then emits them (the walk) while this thread
 * orders them.
 *
 * What a definition (an item of the walk: c_emit_item) prints depends on
 * nothing that sorting, ordering or emitting changes, except the ___N of
 * the names in it, which libbpf gives out in output order (a type's the
 * first time it is named, an enumerator's each time). So once the types
 * are prepared (c_prepare), the helper prints the definitions that the
 * walk will want — every named struct, union, enum and typedef, and the
 * anonymous structs, unions and enums that no walked type refers to (those
 * are printed at the top level; the others only inline) — in ID order,
 * each into a store that never moves, with the names' ___N left out and
 * noted where they go (d->mentions); once the sort has found the names
 * that are given out only once, it prints those whole.
 *
 * Once ordering begins, the helper walks the queue of definitions as it
 * grows (c_emit_type, on a state of its own: the ordering and emitting
 * bits of libbpf's per-type state are apart), writing each definition's
 * text with the ___N put in, in output order, or printing one it did not
 * print ahead. It is then the writer: the output and the ___N maps are
 * its alone until it is joined. The output is held in memory until the
 * ordering is over, so that a type loop found by ordering (-ELOOP) still
 * leaves nothing written.
 *
 * What the two threads share: the types, the strings and the per-type
 * notes that c_prepare made, which nothing changes while the helper runs;
 * the queue, which ordering only appends to (its room reserved whole) and
 * publishes (queued, ordered: atomic).
 *
 * Only a whole dump (no root IDs) of a large BTF to a file, with two
 * processors, has a helper; else this thread walks and prints everything.
 */
#include <stdlib.h>

#include "core/fresh.h"
#include "text/c_internal.h"
#include "text/threads.h"

#define HELPER_MIN_TYPES 4096
#define STORE_CHUNK (4u << 20) /* (huge pages: core/fresh.h) */

/* one definition's text, ___N left out at its mentions (text NULL: not
 * printed ahead) */
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

enum { ORDERING, ORDERED, ORDER_FAILED };

struct helper {
	const struct cdump *d;
	/* the definitions printed ahead: a bit an ID, the count of them
	 * before each word of bits; their pieces by rank */
	uint64_t *wanted;
	uint32_t *before;
	uint32_t nr;
	struct piece *pieces;
	struct store_chunk *chunks;
	/* (atomic) the names given out only once (c_name_single), once the
	 * sort knows them (total stored before) */
	uint64_t *single;
	uint64_t single_total;
	/* (atomic) what ordering has queued (the queue stored before), and
	 * whether it is over (ORDER_*) */
	const uint32_t *queue;
	size_t queued;
	int ordered;
	bool cancel;             /* (atomic) ended: no walk unless ordering began */
	pthread_t thread;
	struct elsewhere_start start;
	/* its own printer: while printing ahead, a scratch output, mentions
	 * and an error of its own; while walking, the real output */
	struct cdump w;
	struct out scratch;
	struct u32vec mentions;
	struct bk_error ahead_err;
	struct out *out;
	int walk_err;
	struct bk_error walk_info;
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

static int find_wanted(struct helper *h)
{
	const struct cdump *d = h->d;
	size_t words = d->n / 64 + 1;
	h->wanted = calloc(words, sizeof(*h->wanted));
	h->before = malloc(words * sizeof(*h->before));
	if (!h->wanted || !h->before)
		return -ENOMEM;
	for (uint32_t id = 1; id < d->n; id++)
		if (is_wanted(d, id))
			h->wanted[id / 64] |= 1ull << (id % 64);
	for (size_t i = 0; i < words; i++) {
		h->before[i] = h->nr;
		h->nr += (uint32_t)__builtin_popcountll(h->wanted[i]);
	}
	h->pieces = calloc(h->nr ? h->nr : 1, sizeof(*h->pieces));
	return h->pieces ? 0 : -ENOMEM;
}

/* the piece of a wanted definition; NULL for any other item */
static struct piece *wanted_piece(const struct helper *h, unsigned op, uint32_t id)
{
	if (id >= h->d->n || !(h->wanted[id / 64] >> (id % 64) & 1) ||
	    ahead_op(h->d->kind[id]) != (int)op)
		return NULL;
	uint64_t word = h->wanted[id / 64] & ((1ull << (id % 64)) - 1);
	return &h->pieces[h->before[id / 64] + (uint32_t)__builtin_popcountll(word)];
}

/* ---- the store -------------------------------------------------------------------- */

static void *store_copy(struct helper *h, const void *src, size_t n)
{
	struct store_chunk *c = h->chunks;
	size_t at = c ? (c->len + 7) & ~(size_t)7 : 0;
	if (!c || at + n > c->cap) {
		size_t cap = sizeof(*c) + (n > STORE_CHUNK ? n : STORE_CHUNK);
		if (!(c = bk_malloc_fresh(&cap)))
			return NULL;
		*c = (struct store_chunk){.next = h->chunks, .cap = cap - sizeof(*c)};
		h->chunks = c;
		at = 0;
	}
	memcpy(c->data + at, src, n);
	c->len = at + n;
	return c->data + at;
}

static void store_free(struct helper *h)
{
	while (h->chunks) {
		struct store_chunk *next = h->chunks->next;
		free(h->chunks);
		h->chunks = next;
	}
}

/* ---- printing ahead --------------------------------------------------------------- */

/* one definition into the store; a failure leaves it to the walk, which
 * meets the same failure in its place */
static void print_ahead(struct helper *h, uint32_t id, struct piece *piece)
{
	if (!h->w.single && (h->w.single = __atomic_load_n(&h->single, __ATOMIC_ACQUIRE)))
		h->w.single_total = h->single_total;
	h->scratch.len = 0;
	h->scratch.err = 0;
	h->mentions.n = 0;
	if (c_emit_item(&h->w, (unsigned)ahead_op(h->d->kind[id]), id) || h->scratch.err)
		return;
	const char *text = store_copy(h, h->scratch.buf, h->scratch.len);
	const uint32_t *m = store_copy(h, h->mentions.v, h->mentions.n * sizeof(*m));
	if (!text || (!m && h->mentions.n))
		return;
	*piece = (struct piece){text, m, (uint32_t)h->scratch.len, (uint32_t)(h->mentions.n / 3)};
}

/* in ID order, until ordering begins (then the walk is what is waited for) */
static void print_all_ahead(struct helper *h)
{
	size_t words = h->d->n / 64 + 1;
	struct piece *piece = h->pieces;
	for (size_t i = 0; i < words; i++) {
		for (uint64_t left = h->wanted[i]; left; left &= left - 1, piece++) {
			if (__atomic_load_n(&h->queue, __ATOMIC_RELAXED) ||
			    __atomic_load_n(&h->cancel, __ATOMIC_RELAXED))
				return;
			print_ahead(h, (uint32_t)(i * 64 + (unsigned)__builtin_ctzll(left)), piece);
		}
	}
}

/* ---- the walk --------------------------------------------------------------------- */

/* a printed definition into the output, its ___N put in (in output order) */
static void put_piece(struct cdump *w, const struct piece *pc)
{
	size_t pos = 0;
	for (uint32_t i = 0; i < pc->nr_mentions; i++) {
		const uint32_t *m = pc->mentions + 3 * i;
		put_bytes(w->o, pc->text + pos, m[0] - pos);
		c_put_mention(w, m[1], m[2]);
		pos = m[0];
	}
	put_bytes(w->o, pc->text + pos, pc->len - pos);
}

int c_put_item(struct cdump *d, unsigned op, uint32_t id)
{
	const struct piece *pc = d->helper ? wanted_piece(d->helper, op, id) : NULL;
	if (!pc || !pc->text)
		return c_emit_item(d, op, id);
	put_piece(d, pc);
	return d->o->err;
}

/* The walk goes through the queue in order: ask for the piece of the
 * definition eight ahead, and for the text and mentions of the one four
 * ahead (its piece read by then), before they are needed: they were
 * printed long ago, and are in no cache. */
static void prefetch_pieces(const struct helper *h, const uint32_t *queue, size_t i, size_t n)
{
	for (int k = 0; k < 2; k++) {
		size_t at = i + (k ? 4 : 8);
		if (at >= n)
			continue;
		uint32_t id = queue[at];
		const struct piece *pc = wanted_piece(h, (unsigned)ahead_op(h->d->kind[id]), id);
		if (!pc)
			continue;
		if (!k) {
			__builtin_prefetch(pc);
		} else if (pc->text) {
			__builtin_prefetch(pc->text);
			__builtin_prefetch(pc->mentions);
		}
	}
}

/* The printer becomes the writer: the real output, the ___N maps (sized
 * as the sort found), the names given out once, a state of its own for
 * emitting (void emitted), the pieces found through c_put_item. */
static bool become_writer(struct helper *h)
{
	struct cdump *w = &h->w;
	const struct cdump *d = h->d;
	if (!(w->state = calloc(d->n, 1)))
		return false;
	w->state[0] = ST_EMITTED;
	w->o = h->out;
	w->err = &h->walk_info;
	w->mentions = NULL;
	w->single = d->single;
	w->single_total = d->single_total;
	w->type_names.hint = d->type_names.hint;
	w->ident_names.hint = d->ident_names.hint;
	w->helper = h;
	return true;
}

static bool queue_has(const void *arg, uint32_t unused)
{
	const struct helper *h = arg;
	(void)unused;
	return __atomic_load_n(&h->queue, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&h->cancel, __ATOMIC_ACQUIRE);
}

/* the queued definitions past i (0: none, and none will come) */
static size_t wait_queued(struct helper *h, size_t i)
{
	for (unsigned spins = 1;; spins++) {
		int ordered = __atomic_load_n(&h->ordered, __ATOMIC_ACQUIRE);
		size_t n = __atomic_load_n(&h->queued, __ATOMIC_ACQUIRE);
		if (ordered == ORDER_FAILED)
			return 0;
		if (n > i || ordered == ORDERED) {
			if (ordered == ORDERED)
				h->out->hold = false; /* nothing will fail ordering now */
			return n > i ? n - i : 0;
		}
		/* ordering is a few microseconds a definition */
		if (spins % 1024)
			cpu_relax();
		else
			sched_yield();
	}
}

static void walk(struct helper *h)
{
	wait_spin(queue_has, h, 0);
	while (!queue_has(h, 0))
		sched_yield();
	const uint32_t *queue = __atomic_load_n(&h->queue, __ATOMIC_ACQUIRE);
	if (!queue)
		return; /* cancelled before ordering began */
	if (!become_writer(h)) {
		h->walk_err = -ENOMEM;
		return;
	}
	struct cdump *w = &h->w;
	for (size_t i = 0, left; (left = wait_queued(h, i)); i++) {
		prefetch_pieces(h, queue, i, i + left);
		if (!(w->state[queue[i]] & ST_EMITTED)) /* printed as a dependency */
			h->walk_err = c_emit_type(w, queue[i]);
		if (h->walk_err)
			return;
	}
}

static void *help(void *arg)
{
	struct helper *h = arg;
	print_all_ahead(h);
	walk(h);
	return NULL;
}

/* ---- the helper's life ------------------------------------------------------------ */

/* its copy of the printer: its own scratch, alignment memo, output and
 * mentions; the ___N maps and the names given out once come later */
static bool helper_init(struct helper *h, struct cdump *d)
{
	struct cdump *w = &h->w;
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
	w->state = NULL;
	w->helper = NULL;
	w->mentions = &h->mentions;
	w->o = &h->scratch;
	w->err = &h->ahead_err;
	h->out = d->o;
	h->scratch = (struct out){.cap = OUT_CHUNK};
	h->scratch.buf = malloc(h->scratch.cap);
	w->align = malloc(d->n);
	if (!h->scratch.buf || !w->align)
		return false;
	memcpy(w->align, d->align, d->n);
	return true;
}

static void helper_free(struct helper *h)
{
	store_free(h);
	free(h->wanted);
	free(h->before);
	free(h->pieces);
	free(h->scratch.buf);
	free(h->mentions.v);
	free(h->w.align);
	free(h->w.state);
	free(h->w.decl.v);
	free(h->w.work.v);
	free(h->w.astack);
	free(h->w.fs.f);
	c_emit_fini(&h->w);
	free(h);
}

/* What only a name's ___N decides beyond the name itself: GCC's missing
 * base types (printed only without one), old GCC's __gnuc_va_list. Any
 * such type at all and there is no helper. */
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

void c_helper_start(struct cdump *d)
{
	cpu_set_t cpus;
	if (!d->o->file || d->n < HELPER_MIN_TYPES || !may_use_two_cpus(&cpus) ||
	    prints_by_dup(d))
		return;
	struct helper *h = calloc(1, sizeof(*h));
	if (!h)
		return;
	h->d = d;
	if (find_wanted(h) || !helper_init(h, d) ||
	    !start_elsewhere(&h->thread, &h->start, help, h, &cpus)) {
		helper_free(h);
		return;
	}
	d->helper = h;
}

void c_helper_names_known(struct cdump *d)
{
	struct helper *h = d->helper;
	if (!h || !d->single)
		return;
	h->single_total = d->single_total;
	__atomic_store_n(&h->single, d->single, __ATOMIC_RELEASE);
}

void c_helper_order_begin(struct cdump *d)
{
	struct helper *h = d->helper;
	if (!h)
		return;
	/* the output is the helper's from here on, held until ordering is over */
	d->o->hold = true;
	__atomic_store_n(&h->queue, d->queue.v, __ATOMIC_RELEASE);
}

void c_helper_queued(struct cdump *d)
{
	if (d->helper)
		__atomic_store_n(&d->helper->queued, d->queue.n, __ATOMIC_RELEASE);
}

int c_helper_end(struct cdump *d, int order_err)
{
	struct helper *h = d->helper;
	if (!h)
		return 0;
	__atomic_store_n(&h->ordered, order_err ? ORDER_FAILED : ORDERED, __ATOMIC_RELEASE);
	__atomic_store_n(&h->cancel, true, __ATOMIC_RELEASE); /* (if it never began) */
	pthread_join(h->thread, NULL);
	d->helper = NULL;
	int e = h->walk_err;
	if (e && h->walk_info.code)
		*d->err = h->walk_info;
	/* the ___N maps, for what follows the walk (the kfunc block) */
	d->type_names = h->w.type_names;
	d->ident_names = h->w.ident_names;
	h->w.type_names = h->w.ident_names = (struct name_map){0};
	d->o->hold = false;
	if (order_err)
		d->o->len = 0; /* what was printed is dropped: nothing was written */
	helper_free(h);
	return e;
}

bool c_helper_walks(const struct cdump *d)
{
	return d->helper && __atomic_load_n(&d->helper->queue, __ATOMIC_RELAXED);
}
