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
 * that are given out only once, it prints those whole. Its store full
 * (AHEAD_MAX), it would wait for ordering, while this thread is still
 * sorting: some of the sort's steps (the names' groups numbered, the tied
 * ends' hashes, the runs sorted by them) are jobs of independent chunks
 * that both threads claim (c_share_job), the helper between two
 * definitions or as soon as it is idle.
 *
 * Once ordering begins, the helper walks the queue of definitions as it
 * grows (c_emit_type, on a state of its own: the ordering and emitting
 * bits of libbpf's per-type state are apart), writing each definition's
 * text with the ___N put in, in output order, or printing one that is not
 * ready. It is then the writer: the output and the ___N maps are its alone
 * until it is joined. The output is held in memory until the ordering is
 * over, so that a type loop found by ordering (-ELOOP) still leaves
 * nothing written. Once ordering is over, this thread prints ahead of the
 * walk, in queue order, what nobody has printed yet: on a busy machine the
 * helper may lose its processor for milliseconds, and the work is shared
 * again.
 *
 * Each definition has a claim byte (free, being printed ahead, printed
 * ahead, the walk's): a printer ahead takes it from free with a
 * compare-and-swap, and so does the walk one nobody has begun; one being
 * printed ahead when the walk needs it, the walk prints too rather than
 * wait. What else the threads share: the types, the strings and the
 * per-type notes that c_prepare made, which nothing changes while the
 * helper runs; the queue, which ordering only appends to (its room
 * reserved whole) and publishes (queued, ordered: atomic); the names whose
 * ___N the walk has decided (c_name_is_done: then their ___N is final).
 *
 * Only a whole dump (no root IDs) of a large BTF to a file, with two
 * processors, has a helper; else this thread walks and prints everything.
 */
#include <stdlib.h>

#include "text/c_internal.h"
#include "text/c_share.h"
#include "text/threads.h"

#define HELPER_MIN_TYPES 4096
/* What the helper prints ahead while the types are sorted, at most: the
 * header's memory peaks at the sort's end (its tables, the per-type
 * tables, this store), and the walk prints the rest. It is one block,
 * mapped fresh in a huge page (core/fresh.h), which it fills: in 4 KiB
 * pages each would cost a fault (some 510, 1.5 ms of the helper's time
 * for the running kernel's header). */
#define AHEAD_MAX BK_HUGE_PAGE
/* the late printer's store grows by plain malloc'ed blocks: what it
 * prints is not known ahead, and the pages it does not fill stay
 * unbacked */
#define STORE_CHUNK (1u << 20)
/* the output the walk may hold before ordering is over: past it, the walk
 * waits for ordering to end */
#define HOLD_MAX (2u << 20)

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
	size_t mapped; /* the block's mapping's length (0: malloc'ed) */
	char data[];
};

enum { ORDERING, ORDERED, ORDER_FAILED };

/* a definition's claim: nobody's yet, being printed ahead, printed ahead,
 * the walk's (it prints it itself) */
enum { FREE, AHEAD_PRINTING, AHEAD_DONE, WALK_TAKEN };

/* A printer of pieces ahead, on its own copy of the printer: scratch
 * output, mentions, error and store its own. */
struct ahead {
	struct cdump w;
	struct out scratch;
	struct u32vec mentions;
	struct bk_error err;
	struct store_chunk *chunks;
	size_t stored;  /* bytes in the chunks */
	bool one_block; /* the store is its first block (full: stop) */
	bool full;      /* a piece did not fit in that block */
	bool own_align; /* w.align is a copy of its own */
};

struct helper {
	const struct cdump *d;
	/* the definitions printed ahead; their claims (atomic) and pieces by
	 * rank */
	struct c_ranked wanted;
	uint32_t nr;
	uint8_t *claim;
	struct piece *pieces;
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
	/* (atomic) its own setup is done (which definitions, its printer):
	 * broken, set before, says that it failed or that the BTF needs none */
	bool ready;
	bool broken;
	/* what the helper sleeps on once it has printed everything ahead,
	 * until ordering begins (or it is cancelled), and with as much output
	 * held as may be, until ordering is over */
	pthread_mutex_t lock;
	pthread_cond_t begun;
	pthread_t thread;
	struct elsewhere_start start;
	/* its printer: ahead while this thread sorts, then the walk's on the
	 * real output */
	struct ahead own;
	/* this thread's, once ordering is over: it prints ahead of the walk */
	struct ahead late;
	bool late_begun;
	struct out *out;
	struct c_share share; /* a job of the sort's, shared (c_share_job) */
	size_t walked;           /* (atomic) where the walk is in the queue */
	bool walk_done;          /* (atomic) */
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
	return c_named(d, id) || !(d->state[id] & ST_WALKED_TO);
}

static int find_wanted(struct helper *h)
{
	const struct cdump *d = h->d;
	if (c_ranked_alloc(&h->wanted, d->n))
		return -ENOMEM;
	for (uint32_t id = 1; id < d->n; id++)
		if (is_wanted(d, id))
			c_ranked_add(&h->wanted, id);
	h->nr = c_ranked_count(&h->wanted, d->n);
	h->claim = bk_zalloc(h->nr, 1);
	h->pieces = malloc((h->nr ? h->nr : 1) * sizeof(*h->pieces));
	return h->claim && h->pieces ? 0 : -ENOMEM;
}

/* the rank of a wanted definition (its item's op the one of its kind);
 * -1 for any other item */
static int64_t wanted_rank(const struct helper *h, unsigned op, uint32_t id)
{
	if (id >= h->d->n || !c_ranked_has(&h->wanted, id) || ahead_op(h->d->kind[id]) != (int)op)
		return -1;
	return c_ranked_rank(&h->wanted, id);
}

static int64_t rank_of_queued(const struct helper *h, uint32_t id)
{
	return wanted_rank(h, (unsigned)ahead_op(h->d->kind[id]), id);
}

/* ---- the store -------------------------------------------------------------------- */

static void *store_copy(struct ahead *a, const void *src, size_t n)
{
	struct store_chunk *c = a->chunks;
	size_t at = c ? (c->len + 7) & ~(size_t)7 : 0;
	if (!c || at + n > c->cap) {
		if (a->one_block) {
			a->full = true;
			return NULL;
		}
		size_t cap = n > STORE_CHUNK ? n : STORE_CHUNK;
		if (!(c = malloc(sizeof(*c) + cap)))
			return NULL;
		*c = (struct store_chunk){.next = a->chunks, .cap = cap};
		a->chunks = c;
		at = 0;
	}
	memcpy(c->data + at, src, n);
	c->len = at + n;
	a->stored += n;
	return c->data + at;
}

/* the store as one block of AHEAD_MAX bytes (the helper's own) */
static bool store_one_block(struct ahead *a)
{
	size_t len;
	struct store_chunk *c = bk_map_fresh(AHEAD_MAX, &len);
	if (!c)
		return false;
	*c = (struct store_chunk){.cap = len - sizeof(*c), .mapped = len};
	a->chunks = c;
	a->one_block = true;
	return true;
}

static void store_free(struct ahead *a)
{
	while (a->chunks) {
		struct store_chunk *next = a->chunks->next;
		bk_fresh_release(a->chunks, a->chunks->mapped);
		a->chunks = next;
	}
}

/* ---- sharing a job (c_share.c) -------------------------------------------------- */

void c_share_job(struct cdump *d, const struct c_job *job)
{
	struct helper *h = d->helper;
	if (!h) {
		for (uint32_t c = 0; c < job->nr; c++)
			job->run(job->arg, c, 0);
		return;
	}
	c_share_run(&h->share, job, &h->lock, &h->begun);
}

/* ---- printing ahead --------------------------------------------------------------- */

/* One definition into the store, if nobody has claimed it; a failure
 * leaves it to the walk, which meets the same failure in its place. */
static void print_ahead(struct helper *h, struct ahead *a, uint32_t id, uint32_t rank)
{
	uint8_t c = FREE;
	if (!__atomic_compare_exchange_n(&h->claim[rank], &c, AHEAD_PRINTING, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	if (!a->w.single && (a->w.single = __atomic_load_n(&h->single, __ATOMIC_ACQUIRE)))
		a->w.single_total = h->single_total;
	a->scratch.len = 0;
	a->scratch.err = 0;
	a->mentions.n = 0;
	bool ok = !c_emit_item(&a->w, (unsigned)ahead_op(h->d->kind[id]), id) && !a->scratch.err;
	const char *text = ok ? store_copy(a, a->scratch.buf, a->scratch.len) : NULL;
	const uint32_t *m = NULL; /* (none: its vector may be NULL, which memcpy may not read) */
	if (text && a->mentions.n)
		m = store_copy(a, a->mentions.v, a->mentions.n * sizeof(*m));
	ok = text && (m || !a->mentions.n);
	if (ok)
		h->pieces[rank] = (struct piece){text, m, (uint32_t)a->scratch.len,
						 (uint32_t)(a->mentions.n / 3)};
	__atomic_store_n(&h->claim[rank], ok ? AHEAD_DONE : FREE, __ATOMIC_RELEASE);
}

/* in ID order, until ordering begins (then the walk is what is waited
 * for) or the store is full */
static void print_all_ahead(struct helper *h)
{
	size_t words = h->d->n / 64 + 1;
	uint32_t rank = 0;
	for (size_t i = 0; i < words; i++) {
		for (uint64_t left = h->wanted.bits[i]; left; left &= left - 1, rank++) {
			if (c_share_open(&h->share))
				c_share_join(&h->share); /* (this thread's wait is the sort's) */
			if (__atomic_load_n(&h->queue, __ATOMIC_RELAXED) ||
			    __atomic_load_n(&h->cancel, __ATOMIC_RELAXED) || h->own.full)
				return;
			print_ahead(h, &h->own, (uint32_t)(i * 64 + (unsigned)__builtin_ctzll(left)),
				    rank);
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

/* Whether definition rank was printed ahead. One nobody has begun the
 * walk takes; one being printed ahead now it prints too rather than wait
 * (the printer may have lost its processor): that piece is not read. */
static bool take_printed(struct helper *h, uint32_t rank)
{
	uint8_t c = FREE;
	if (__atomic_compare_exchange_n(&h->claim[rank], &c, WALK_TAKEN, false, __ATOMIC_ACQUIRE,
					__ATOMIC_ACQUIRE))
		return false;
	return c == AHEAD_DONE;
}

int c_put_item(struct cdump *d, unsigned op, uint32_t id)
{
	struct helper *h = d->helper;
	int64_t rank = h ? wanted_rank(h, op, id) : -1;
	if (rank < 0 || !take_printed(h, (uint32_t)rank))
		return c_emit_item(d, op, id);
	put_piece(d, &h->pieces[rank]);
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
		int64_t rank = rank_of_queued(h, queue[at]);
		if (rank < 0)
			continue;
		const struct piece *pc = &h->pieces[rank];
		if (!k) {
			__builtin_prefetch(pc);
		} else if (__atomic_load_n(&h->claim[rank], __ATOMIC_ACQUIRE) == AHEAD_DONE) {
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
	struct cdump *w = &h->own.w;
	const struct cdump *d = h->d;
	if (!(w->state = bk_zalloc(d->n, 1)))
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

static bool queue_or_job(const void *arg, uint32_t unused)
{
	return queue_has(arg, unused) || c_share_open(&((const struct helper *)arg)->share);
}

/* until ordering begins (or the helper is cancelled), sharing the jobs
 * that come meanwhile */
static void wait_queue(struct helper *h)
{
	for (;;) {
		if (!wait_spin(queue_or_job, h, 0)) {
			pthread_mutex_lock(&h->lock);
			while (!queue_or_job(h, 0))
				pthread_cond_wait(&h->begun, &h->lock);
			pthread_mutex_unlock(&h->lock);
		}
		if (queue_has(h, 0))
			return;
		c_share_join(&h->share);
	}
}

static bool order_over(const void *arg, uint32_t unused)
{
	(void)unused;
	return __atomic_load_n(&((const struct helper *)arg)->ordered, __ATOMIC_ACQUIRE) != ORDERING;
}

/* until ordering is over: slept for, as it may take milliseconds */
static void wait_order_over(struct helper *h)
{
	if (wait_spin(order_over, h, 0))
		return;
	pthread_mutex_lock(&h->lock);
	while (!order_over(h, 0))
		pthread_cond_wait(&h->begun, &h->lock);
	pthread_mutex_unlock(&h->lock);
}

/* the queued definitions past i (0: none, and none will come) */
static size_t wait_queued(struct helper *h, size_t i)
{
	for (unsigned spins = 1;; spins++) {
		int ordered = __atomic_load_n(&h->ordered, __ATOMIC_ACQUIRE);
		size_t n = __atomic_load_n(&h->queued, __ATOMIC_ACQUIRE);
		if (ordered == ORDER_FAILED)
			return 0;
		if (ordered == ORDERED) {
			out_let_go(h->out); /* nothing will fail ordering now */
			return n > i ? n - i : 0;
		}
		if (n > i && h->out->len < HOLD_MAX)
			return n - i;
		if (n > i) {
			wait_order_over(h); /* as much held as may be */
			continue;
		}
		/* caught up with ordering: a few microseconds a definition */
		if (spins % 1024)
			cpu_relax();
		else
			sched_yield();
	}
}

static void walk(struct helper *h)
{
	wait_queue(h);
	const uint32_t *queue = __atomic_load_n(&h->queue, __ATOMIC_ACQUIRE);
	if (!queue)
		return; /* cancelled before ordering began */
	if (!become_writer(h)) {
		h->walk_err = -ENOMEM;
		return;
	}
	struct cdump *w = &h->own.w;
	for (size_t i = 0, left; (left = wait_queued(h, i)); i++) {
		__atomic_store_n(&h->walked, i, __ATOMIC_RELAXED);
		prefetch_pieces(h, queue, i, i + left);
		if (!(w->state[queue[i]] & ST_EMITTED)) /* printed as a dependency */
			h->walk_err = c_emit_type(w, queue[i]);
		if (h->walk_err)
			return;
	}
}

/* ---- the helper's life ------------------------------------------------------------ */

/* A printer ahead on a copy of d, without its memory yet (ahead_alloc):
 * the ___N maps and the names given out once come later. */
static void ahead_copy(struct ahead *a, const struct cdump *d)
{
	struct cdump *w = &a->w;
	*w = *d;
	w->decl = w->work = w->queue = (struct u32vec){0};
	w->fs = (struct fstack){0};
	w->astack = NULL;
	w->nr_astack = w->astack_cap = 0;
	w->tasks = NULL;
	w->nr_tasks = w->tasks_cap = 0;
	w->memo = NULL;
	w->type_names = w->ident_names = (struct name_map){0};
	w->single = NULL; /* (not known yet: every name's ___N is left out) */
	w->spare[0] = w->spare[1] = NULL;
	w->state = NULL;
	w->helper = NULL;
	w->mentions = &a->mentions;
	w->o = &a->scratch;
	w->err = &a->err;
}

/* its own scratch output (mentions and store grow as it prints), and its
 * own alignment memo when it runs beside d's (own_align) */
static bool ahead_alloc(struct ahead *a, const struct cdump *d, bool own_align)
{
	struct cdump *w = &a->w;
	a->scratch = (struct out){.cap = OUT_CHUNK};
	a->scratch.buf = malloc(a->scratch.cap);
	a->own_align = own_align;
	if (own_align && (w->align = malloc(d->n)))
		memcpy(w->align, d->align, d->n);
	return a->scratch.buf && w->align;
}

static void ahead_fini(struct ahead *a)
{
	store_free(a);
	free(a->scratch.buf);
	free(a->mentions.v);
	if (a->own_align)
		free(a->w.align);
	free(a->w.state);
	free(a->w.decl.v);
	free(a->w.work.v);
	free(a->w.astack);
	free(a->w.fs.f);
	c_emit_fini(&a->w);
}

static void helper_free(struct helper *h)
{
	ahead_fini(&h->own);
	if (h->late_begun)
		ahead_fini(&h->late);
	c_ranked_free(&h->wanted);
	free(h->claim);
	free(h->pieces);
	pthread_cond_destroy(&h->begun);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

static bool is_ready(const void *arg, uint32_t unused)
{
	(void)unused;
	return __atomic_load_n(&((const struct helper *)arg)->ready, __ATOMIC_ACQUIRE);
}

/* What only a name's ___N decides beyond the name itself: GCC's missing
 * base types (printed only without one), old GCC's __gnuc_va_list. Any
 * such type at all and there is no helper. */
static bool prints_by_dup(const struct cdump *d)
{
	for (uint32_t id = 1; id < d->n; id++) {
		/* (the kinds and a typedef's target noted: few types are read) */
		if (d->kind[id] == BK_KIND_INT && c_is_missing_base_type(c_name(d, c_type(d, id))))
			return true;
		if (d->kind[id] == BK_KIND_TYPEDEF && !d->next[id] &&
		    !strcmp(c_name(d, c_type(d, id)), "__gnuc_va_list"))
			return true;
	}
	return false;
}

/* The helper's own setup, here while this thread sorts (it reads what
 * the sort does not change: kinds, types, the walked-to marks): which
 * definitions it prints, its printer. */
static void set_up(struct helper *h)
{
	h->broken = prints_by_dup(h->d) || find_wanted(h) || !ahead_alloc(&h->own, h->d, true) ||
		    !store_one_block(&h->own);
	pthread_mutex_lock(&h->lock);
	__atomic_store_n(&h->ready, true, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&h->begun);
	pthread_mutex_unlock(&h->lock);
}

static void *help(void *arg)
{
	struct helper *h = arg;
	set_up(h);
	if (!h->broken) {
		print_all_ahead(h);
		walk(h);
	}
	__atomic_store_n(&h->walk_done, true, __ATOMIC_RELEASE);
	return NULL;
}

void c_helper_start(struct cdump *d)
{
	cpu_set_t cpus;
	if (!d->o->file || d->n < HELPER_MIN_TYPES || !may_use_two_cpus(&cpus))
		return;
	struct helper *h = calloc(1, sizeof(*h));
	if (!h)
		return;
	h->d = d;
	if (pthread_mutex_init(&h->lock, NULL)) {
		free(h);
		return;
	}
	if (pthread_cond_init(&h->begun, NULL)) {
		pthread_mutex_destroy(&h->lock);
		free(h);
		return;
	}
	h->out = d->o;
	ahead_copy(&h->own, d); /* (d changes as this thread sorts) */
	if (!start_elsewhere(&h->thread, &h->start, help, h, &cpus)) {
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

/* until the helper's own setup is done: long since, unless its
 * processor was taken from it */
static void wait_ready(struct helper *h)
{
	if (wait_spin(is_ready, h, 0))
		return;
	pthread_mutex_lock(&h->lock);
	while (!is_ready(h, 0))
		pthread_cond_wait(&h->begun, &h->lock);
	pthread_mutex_unlock(&h->lock);
}

bool c_helper_hold_output(struct cdump *d)
{
	struct helper *h = d->helper;
	if (!h)
		return false;
	wait_ready(h);
	if (h->broken) { /* this thread does it all after all */
		pthread_join(h->thread, NULL);
		d->helper = NULL;
		helper_free(h);
		return false;
	}
	d->o->hold = true;
	return true;
}

void c_helper_order_begin(struct cdump *d)
{
	struct helper *h = d->helper;
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	__atomic_store_n(&h->queue, d->queue.v, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&h->begun);
	pthread_mutex_unlock(&h->lock);
}

void c_helper_queued(struct cdump *d)
{
	if (d->helper)
		__atomic_store_n(&d->helper->queued, d->queue.n, __ATOMIC_RELEASE);
}

/* how far past the walk this thread prints ahead: what the walk is about
 * to need is printed already, or being printed */
#define LATE_LEAD 8

/* This thread, its ordering done, prints ahead of the walk in queue order
 * what nobody has printed yet, until the walk is over or past the end:
 * when the helper lost its processor for a while (a busy machine), the
 * work is shared again. It jumps ahead to where the walk is, and prints on
 * its own copy of the printer (with d's alignment memo, which the helper
 * does not use). */
static void print_ahead_of_walk(struct helper *h, struct cdump *d)
{
	if (!__atomic_load_n(&h->queue, __ATOMIC_ACQUIRE))
		return;
	h->late_begun = true;
	ahead_copy(&h->late, d);
	if (!ahead_alloc(&h->late, d, false))
		return;
	h->late.w.single = d->single;
	h->late.w.single_total = d->single_total;
	for (size_t i = 0; i < d->queue.n && !__atomic_load_n(&h->walk_done, __ATOMIC_ACQUIRE);
	     i++) {
		size_t walk_at = __atomic_load_n(&h->walked, __ATOMIC_RELAXED) + LATE_LEAD;
		if (i < walk_at)
			i = walk_at;
		if (i >= d->queue.n)
			break;
		uint32_t id = d->queue.v[i];
		int64_t rank = rank_of_queued(h, id);
		if (rank >= 0 && __atomic_load_n(&h->claim[rank], __ATOMIC_RELAXED) == FREE)
			print_ahead(h, &h->late, id, (uint32_t)rank);
	}
}

int c_helper_end(struct cdump *d, int order_err)
{
	struct helper *h = d->helper;
	if (!h)
		return 0;
	__atomic_store_n(&h->ordered, order_err ? ORDER_FAILED : ORDERED, __ATOMIC_RELEASE);
	pthread_mutex_lock(&h->lock);
	__atomic_store_n(&h->cancel, true, __ATOMIC_RELEASE); /* (if it never began) */
	pthread_cond_broadcast(&h->begun);
	pthread_mutex_unlock(&h->lock);
	if (!order_err)
		print_ahead_of_walk(h, d);
	pthread_join(h->thread, NULL);
	d->helper = NULL;
	int e = h->walk_err;
	if (e && h->walk_info.code)
		*d->err = h->walk_info;
	/* the ___N maps, for what follows the walk (the kfunc block) */
	d->type_names = h->own.w.type_names;
	d->ident_names = h->own.w.ident_names;
	h->own.w.type_names = h->own.w.ident_names = (struct name_map){0};
	d->o->hold = false;
	if (order_err)
		d->o->len = 0; /* what was printed is dropped: nothing was written */
	helper_free(h);
	return e;
}
