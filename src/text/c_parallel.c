// SPDX-License-Identifier: MIT
/*
 * Planning and printing the C header's definitions at once, on two
 * threads (turns.h; the raw dump's relay, dump_relay.c, is another scheme:
 * its blocks need no names decided in output order).
 *
 * The emit walk (c_emit_type) decides, from the types' states alone, what
 * is printed in which order: a plan of (op, ID) items (c_emit_item). What
 * an item prints depends on nothing that printing changes except the ___N
 * of the names in it, which libbpf gives out in output order (the first
 * time a type is named; an enumerator each time). So:
 *   - this thread plans (the caller's produce), and publishes the plan a
 *     block of items at a time;
 *   - the other thread prints the blocks as they are published, and this
 *     thread joins it once the plan is whole. Each claims the next block,
 *     prints it into its own buffer with the names left out, noting where
 *     each goes (d->mentions), then waits for the block's turn and writes
 *     it with the names put in, deciding their ___N in output order.
 * The plan's room is reserved whole before it starts (two items a type at
 * most: a struct's forward declaration and its definition), so that it
 * never moves while it is read. Each printing thread prints on its own
 * copy of the printer's state (scratch stacks, the alignment memo); the
 * writing is done on one more copy (the writer: the real output, the name
 * maps), by whichever thread holds the turn. Planning touches no output.
 *
 * With one processor, or a plan too small to share, the walk prints as it
 * goes.
 */
#include <stdlib.h>

#include "text/c_internal.h"
#include "text/turns.h"

#define BLOCK_ITEMS 256u
#define PARALLEL_MIN_DEFS (8 * BLOCK_ITEMS)
#define ITEMS_PER_TYPE 2

struct relay {
	struct turns turns;
	struct u32vec plan;      /* (op, ID) pairs, reserved whole: never moves */
	size_t ready;            /* items published (atomic) */
	bool planned;            /* ready is final (atomic) */
	bool aborted;            /* planning failed: write nothing more (atomic) */
	uint32_t next_block;     /* the next block to claim (atomic) */
	struct out no_output;    /* the planner's d->o: planning prints nothing */
	struct cdump writer;     /* the turn holder's printer */
	int err;                 /* the first printing failure; the turn holder's */
	struct bk_error err_info;
};

struct worker {
	struct relay *r;
	struct cdump w;          /* its own copy of the printer */
	struct out o;
	struct u32vec mentions;
	struct bk_error err;
};

/* *d without its scratch (stacks, name maps, spare blocks) */
static struct cdump bare_copy(const struct cdump *d)
{
	struct cdump w = *d;
	w.decl = w.work = w.queue = (struct u32vec){0};
	w.fs = (struct fstack){0};
	w.astack = NULL;
	w.nr_astack = w.astack_cap = 0;
	w.tasks = NULL;
	w.nr_tasks = w.tasks_cap = 0;
	w.type_names = w.ident_names = (struct name_map){0};
	w.spare[0] = w.spare[1] = NULL;
	w.plan = NULL;
	w.relay = NULL;
	w.mentions = NULL;
	return w;
}

/* ---- the planning side ------------------------------------------------------------ */

int c_plan_add(struct cdump *d, unsigned op, uint32_t id)
{
	struct u32vec *p = d->plan;
	if (p->n + 2 > p->cap) /* more than ITEMS_PER_TYPE allows: a bug */
		return bk_err(d->err, -EOVERFLOW, "C printer: the plan outgrew its room");
	p->v[p->n++] = op;
	p->v[p->n++] = id;
	return 0;
}

static bool plan_has(const void *arg, uint32_t block_end)
{
	const struct relay *r = arg;
	return __atomic_load_n(&r->planned, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&r->ready, __ATOMIC_ACQUIRE) >= block_end;
}

void c_plan_publish(struct cdump *d)
{
	struct relay *r = d->relay;
	if (!r)
		return;
	size_t items = r->plan.n / 2;
	if (items - r->ready < BLOCK_ITEMS)
		return;
	__atomic_store_n(&r->ready, items, __ATOMIC_RELEASE);
	turns_wake(&r->turns);
}

static void plan_done(struct relay *r, int e)
{
	__atomic_store_n(&r->ready, r->plan.n / 2, __ATOMIC_RELEASE);
	if (e)
		__atomic_store_n(&r->aborted, true, __ATOMIC_RELEASE);
	__atomic_store_n(&r->planned, true, __ATOMIC_RELEASE);
	turns_wake(&r->turns);
}

/* ---- the printing side ------------------------------------------------------------ */

/* a printed block into the output, its names put in (in output order) */
static void write_block(struct cdump *wr, const struct out *o, const struct u32vec *m)
{
	size_t pos = 0;
	for (size_t i = 0; i + 2 < m->n; i += 3) {
		put_bytes(wr->o, o->buf + pos, m->v[i] - pos);
		c_put_mention(wr, m->v[i + 1], m->v[i + 2]);
		pos = m->v[i];
	}
	put_bytes(wr->o, o->buf + pos, o->len - pos);
}

static int print_block(struct worker *wk, size_t from, size_t to)
{
	const uint32_t *plan = wk->r->plan.v;
	int e = 0;
	wk->o.len = 0;
	wk->mentions.n = 0;
	for (size_t i = from; i < to && !e && !wk->o.err; i++)
		e = c_emit_item(&wk->w, plan[2 * i], plan[2 * i + 1]);
	return e ? e : wk->o.err;
}

/* the items of block k once published: how many (0: there is no block k) */
static size_t claim_items(struct relay *r, uint32_t k)
{
	size_t from = (size_t)k * BLOCK_ITEMS;
	turns_wait_until(&r->turns, plan_has, r, (uint32_t)(from + BLOCK_ITEMS));
	size_t ready = __atomic_load_n(&r->ready, __ATOMIC_ACQUIRE);
	if (ready <= from)
		return 0;
	return ready - from < BLOCK_ITEMS ? ready - from : BLOCK_ITEMS;
}

static void *print_blocks(void *arg)
{
	struct worker *wk = arg;
	struct relay *r = wk->r;
	int e = 0;
	for (;;) {
		uint32_t k = __atomic_fetch_add(&r->next_block, 1, __ATOMIC_RELAXED);
		size_t n = claim_items(r, k);
		if (!n)
			break; /* (no later block has items either) */
		if (!e)
			e = print_block(wk, (size_t)k * BLOCK_ITEMS, (size_t)k * BLOCK_ITEMS + n);
		turns_wait(&r->turns, k);
		if (e && !r->err) {
			r->err = e;
			r->err_info = wk->err;
		}
		if (!r->err && !r->writer.o->err && !__atomic_load_n(&r->aborted, __ATOMIC_ACQUIRE))
			write_block(&r->writer, &wk->o, &wk->mentions);
		turns_pass(&r->turns);
	}
	return NULL;
}

/* a copy of the printer with its own scratch, alignment memo and output */
static bool worker_init(struct worker *wk, struct relay *r, const struct cdump *d)
{
	memset(wk, 0, sizeof(*wk));
	wk->r = r;
	wk->w = bare_copy(d);
	struct cdump *w = &wk->w;
	w->mentions = &wk->mentions;
	w->o = &wk->o;
	w->err = &wk->err;
	wk->o = (struct out){.cap = OUT_CHUNK};
	wk->o.buf = malloc(wk->o.cap);
	w->align = malloc(d->n);
	if (!wk->o.buf || !w->align)
		return false;
	memcpy(w->align, d->align, d->n);
	return true;
}

static void worker_fini(struct worker *wk)
{
	free(wk->o.buf);
	free(wk->mentions.v);
	free(wk->w.align);
	free(wk->w.decl.v);
	free(wk->w.work.v);
	free(wk->w.astack);
	free(wk->w.fs.f);
	c_emit_fini(&wk->w);
}

/* ---- the two together ------------------------------------------------------------- */

/* What only a name's ___N decides beyond the name itself: GCC's missing
 * base types (printed only without one), old GCC's __gnuc_va_list. The
 * plan is not known yet: any such type at all makes the printing serial. */
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

/* the planner's side of the run: produce, then the printing of blocks */
static int plan_and_join(struct cdump *d, struct relay *r, struct worker *wk,
			 int (*produce)(struct cdump *))
{
	struct out *o = d->o;
	d->o = &r->no_output;
	d->plan = &r->plan;
	d->relay = r;
	int e = produce(d);
	d->o = o;
	d->plan = NULL;
	d->relay = NULL;
	plan_done(r, e);
	print_blocks(wk);
	return e;
}

/* the writer's name maps and spare blocks back to d; the first failure
 * in output order: a printed block's comes before the planner's */
static int finish(struct cdump *d, struct relay *r, int plan_err)
{
	d->type_names = r->writer.type_names;
	d->ident_names = r->writer.ident_names;
	d->spare[0] = r->writer.spare[0];
	d->spare[1] = r->writer.spare[1];
	if (r->err) {
		if (r->err_info.code)
			*d->err = r->err_info;
		return r->err;
	}
	return plan_err ? plan_err : d->o->err;
}

/* 1: not started (one CPU, no thread, no memory; nothing done) */
static int run_parallel(struct cdump *d, int (*produce)(struct cdump *))
{
	struct relay r = {0};
	struct worker wk[2];
	pthread_t thread;
	struct elsewhere_start start;
	cpu_set_t cpus;
	int ret = 1;
	if (!may_use_two_cpus(&cpus) || !turns_init(&r.turns))
		return 1;
	r.writer = bare_copy(d);
	r.writer.type_names = d->type_names;
	r.writer.ident_names = d->ident_names;
	r.writer.spare[0] = d->spare[0];
	r.writer.spare[1] = d->spare[1];
	r.plan.cap = (size_t)d->n * ITEMS_PER_TYPE * 2;
	r.plan.v = malloc(r.plan.cap * sizeof(*r.plan.v));
	bool ready = worker_init(&wk[0], &r, d);
	ready = worker_init(&wk[1], &r, d) && ready && r.plan.v;
	if (ready && start_elsewhere(&thread, &start, print_blocks, &wk[1], &cpus)) {
		d->spare[0] = d->spare[1] = NULL; /* the writer's now */
		int e = plan_and_join(d, &r, &wk[0], produce);
		pthread_join(thread, NULL);
		ret = finish(d, &r, e);
	}
	worker_fini(&wk[0]);
	worker_fini(&wk[1]);
	free(r.plan.v);
	turns_destroy(&r.turns);
	return ret;
}

int c_plan_and_print(struct cdump *d, int (*produce)(struct cdump *))
{
	if (d->o->file && d->queue.n >= PARALLEL_MIN_DEFS && !prints_by_dup(d)) {
		int e = run_parallel(d, produce);
		if (e != 1)
			return e;
	}
	/* the walk prints as it goes */
	int e = produce(d);
	return e ? e : d->o->err;
}
