// SPDX-License-Identifier: MIT
/*
 * Printing the C header's definitions with two threads taking turns
 * (turns.h; the raw dump's relay, dump_relay.c, is another scheme: its
 * blocks need no names decided in output order).
 *
 * The emit walk (c_emit_type) decides, from the types' states alone, what
 * is printed in which order: a plan of (op, ID) items (c_emit_item). What
 * an item prints depends on nothing that printing changes except the ___N
 * of the names in it, which libbpf gives out in output order (the first
 * time a type is named; an enumerator each time). So the plan goes in
 * blocks, even blocks to one thread and odd ones to the other; each prints
 * a block into its own buffer with the names left out, noting where each
 * goes (d->mentions), then waits for the block's turn and writes the block
 * with the names put in, deciding their ___N in output order. Each thread
 * prints on its own copy of the printer's state (scratch stacks, the
 * alignment memo); only the turn holder touches the name maps.
 */
#include <stdlib.h>

#include "text/c_internal.h"
#include "text/turns.h"

#define BLOCK_ITEMS 256u
#define PARALLEL_MIN_ITEMS (8 * BLOCK_ITEMS)

struct relay {
	struct turns turns;
	struct cdump *d;         /* the shared state; d->o the real output */
	const struct u32vec *plan;
	int err;                 /* the first failure; the turn holder's to touch */
};

struct worker {
	struct relay *r;
	uint32_t first;          /* its first block: 0 or 1 */
	struct cdump w;          /* its own copy of the printer */
	struct out o;
	struct u32vec mentions;
	struct bk_error err;
};

/* a printed block into the output, its names put in (in output order) */
static void write_block(struct cdump *d, const struct out *o, const struct u32vec *m)
{
	size_t pos = 0;
	for (size_t i = 0; i + 2 < m->n; i += 3) {
		put_bytes(d->o, o->buf + pos, m->v[i] - pos);
		c_put_mention(d, m->v[i + 1], m->v[i + 2]);
		pos = m->v[i];
	}
	put_bytes(d->o, o->buf + pos, o->len - pos);
}

/* The plan's items jump about the types: ask for where the type of the
 * item sixteen ahead is, for the type of the one eight ahead, and for the
 * members of the one four ahead (each step finds what the one before
 * brought). */
static void prefetch_item(const struct cdump *d, const struct u32vec *plan, size_t i)
{
	size_t items = plan->n / 2;
	if (i + 16 < items && plan->v[2 * (i + 16) + 1] >= d->own_start)
		__builtin_prefetch(&d->own_offs[plan->v[2 * (i + 16) + 1] - d->own_start]);
	if (i + 8 < items)
		__builtin_prefetch(c_type(d, plan->v[2 * (i + 8) + 1]));
	if (i + 4 < items && bk_kind_is_composite(d->kind[plan->v[2 * (i + 4) + 1]])) {
		const struct bk_type *t = c_type(d, plan->v[2 * (i + 4) + 1]);
		const char *m = bk_type_rest(t), *end = m + bk_vlen(t) * sizeof(struct bk_member);
		for (m += 64; m < end; m += 64)
			__builtin_prefetch(m);
	}
}

static int print_block(struct worker *wk, size_t from, size_t to)
{
	const struct u32vec *plan = wk->r->plan;
	int e = 0;
	wk->o.len = 0;
	wk->mentions.n = 0;
	for (size_t i = from; i < to && !e && !wk->o.err; i++) {
		prefetch_item(&wk->w, plan, i);
		e = c_emit_item(&wk->w, plan->v[2 * i], plan->v[2 * i + 1]);
	}
	return e ? e : wk->o.err;
}

static void *work(void *arg)
{
	struct worker *wk = arg;
	struct relay *r = wk->r;
	size_t items = r->plan->n / 2, blocks = (items + BLOCK_ITEMS - 1) / BLOCK_ITEMS;
	int e = 0;
	for (size_t k = wk->first; k < blocks; k += 2) {
		size_t from = k * BLOCK_ITEMS, to = items - from > BLOCK_ITEMS ? from + BLOCK_ITEMS : items;
		if (!e)
			e = print_block(wk, from, to);
		turns_wait(&r->turns, (uint32_t)k);
		if (e && !r->err) {
			r->err = e;
			if (wk->err.code)
				*r->d->err = wk->err;
		}
		if (!r->err && !r->d->o->err)
			write_block(r->d, &wk->o, &wk->mentions);
		turns_pass(&r->turns);
	}
	return NULL;
}

/* a copy of the printer with its own scratch, alignment memo and output */
static bool worker_init(struct worker *wk, struct relay *r, uint32_t first)
{
	const struct cdump *d = r->d;
	memset(wk, 0, sizeof(*wk));
	wk->r = r;
	wk->first = first;
	wk->w = *d;
	struct cdump *w = &wk->w;
	w->decl = (struct u32vec){0};
	w->work = (struct u32vec){0};
	w->queue = (struct u32vec){0};
	w->fs = (struct fstack){0};
	w->astack = NULL;
	w->nr_astack = w->astack_cap = 0;
	w->tasks = NULL;
	w->memo = NULL;
	w->nr_tasks = w->tasks_cap = 0;
	w->type_names = (struct name_map){0};
	w->ident_names = (struct name_map){0};
	w->spare[0] = w->spare[1] = NULL;
	w->plan = NULL;
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

/* What only a name's ___N decides beyond the name itself: GCC's missing
 * base types (printed only without one), old GCC's __gnuc_va_list. */
static bool plan_prints_by_dup(const struct cdump *d, const struct u32vec *plan)
{
	for (size_t i = 0; i + 1 < plan->n; i += 2) {
		if (plan->v[i] != OP_ALIASES && plan->v[i] != OP_TYPEDEF)
			continue; /* (without reading the type) */
		const struct bk_type *t = c_type(d, plan->v[i + 1]);
		if (plan->v[i] == OP_ALIASES && c_is_missing_base_type(c_name(d, t)))
			return true;
		if (plan->v[i] == OP_TYPEDEF && !t->type && !strcmp(c_name(d, t), "__gnuc_va_list"))
			return true;
	}
	return false;
}

/* 1: not started (too small, one CPU, no thread, no memory; nothing written) */
static int print_parallel(struct cdump *d, const struct u32vec *plan)
{
	struct relay r = {.d = d, .plan = plan};
	struct worker wk[2];
	int ret = 1;
	if (!d->o->file || plan->n / 2 < PARALLEL_MIN_ITEMS || plan_prints_by_dup(d, plan))
		return 1;
	bool ready = worker_init(&wk[0], &r, 0);
	ready = worker_init(&wk[1], &r, 1) && ready;
	if (ready && turns_run(&r.turns, work, &wk[0], &wk[1]))
		ret = r.err ? r.err : d->o->err;
	worker_fini(&wk[0]);
	worker_fini(&wk[1]);
	return ret;
}

int c_print_plan(struct cdump *d, const struct u32vec *plan)
{
	int e = print_parallel(d, plan);
	if (e != 1)
		return e;
	e = 0;
	for (size_t i = 0; i + 1 < plan->n && !e; i += 2) {
		prefetch_item(d, plan, i / 2);
		e = c_emit_item(d, plan->v[i], plan->v[i + 1]);
	}
	return e ? e : d->o->err;
}
