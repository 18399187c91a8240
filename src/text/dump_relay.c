// SPDX-License-Identifier: MIT
/*
 * The raw/JSON dump in two threads, for a large BTF written to a file
 * (the walk itself is dump.c's). The types go in blocks:
 * the even ones are this thread's, which formats them straight into the
 * output; the odd ones the helper's, which formats them into one of its two
 * buffers (reused, so that they stay warm), and this thread writes them
 * when their turn comes. An odd block the helper has not begun when its
 * turn comes, this thread takes: so it never waits for the helper but for
 * a block the helper is formatting, and when the machine is busy and the
 * helper gets no processor, this thread simply formats everything itself.
 * Every claim and change of a slot is under the lock, once per block.
 * A thread that must wait spins a while before it sleeps, and the helper
 * starts on the other processor (threads.h says why); a block takes some
 * 60 us, so the other thread's next step is usually that close.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "text/dump_internal.h"
#include "text/threads.h"

enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_DONE };

struct slot {
	struct out o;          /* in memory: the block formatted */
	struct dumper d;
	uint32_t block;
	enum slot_state state;
};

struct relay {
	pthread_mutex_t lock;
	pthread_cond_t done;   /* a slot became DONE (this thread waits) */
	pthread_cond_t freed;  /* a slot became FREE, or stop (the helper waits) */
	uint32_t claim;        /* the next odd block nobody has claimed */
	uint32_t blocks;
	bool stop;             /* this thread gives up (a failure): the helper ends */
	const struct bk_btf *btf;
	struct slot slot[2];
	struct elsewhere_start start;
};

/* slot states and the stop flag are also read without the lock, by a
 * thread spinning (await); they change under it */
static void set_state(struct slot *s, enum slot_state st)
{
	__atomic_store_n(&s->state, st, __ATOMIC_RELEASE);
}

static enum slot_state state_of(const struct slot *s)
{
	return __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
}

/* Until ready(r, arg): called and returns with the lock held; spins with
 * it released a while (threads.h), then sleeps on cond. */
static void await(struct relay *r, pthread_cond_t *cond, bool (*ready)(const void *, uint32_t),
		  uint32_t arg)
{
	if (ready(r, arg))
		return;
	pthread_mutex_unlock(&r->lock);
	wait_spin(ready, r, arg);
	pthread_mutex_lock(&r->lock);
	while (!ready(r, arg))
		pthread_cond_wait(cond, &r->lock);
}

static bool slot_free_or_stop(const void *relay, uint32_t i)
{
	const struct relay *r = relay;
	return state_of(&r->slot[i]) == SLOT_FREE || __atomic_load_n(&r->stop, __ATOMIC_ACQUIRE);
}

/* the slot holding block k, done; NULL while there is none */
static const struct slot *done_slot(const struct relay *r, uint32_t k)
{
	for (unsigned i = 0; i < 2; i++)
		if (state_of(&r->slot[i]) == SLOT_DONE && r->slot[i].block == k)
			return &r->slot[i];
	return NULL;
}

static bool block_done(const void *r, uint32_t k)
{
	return done_slot(r, k) != NULL;
}

static void block_range(const struct relay *r, uint32_t k, uint32_t *from, uint32_t *to)
{
	uint32_t n = r->btf->nr_types;
	*from = k * BK_DUMP_BLOCK_TYPES;
	*to = n - *from > BK_DUMP_BLOCK_TYPES ? *from + BK_DUMP_BLOCK_TYPES : n;
}

/* The helper: claim the next block into a free slot, format it, hand it over. */
static void *helper(void *arg)
{
	struct relay *r = arg;
	pthread_mutex_lock(&r->lock);
	for (unsigned i = 0;; i ^= 1) {
		struct slot *s = &r->slot[i];
		await(r, &r->freed, slot_free_or_stop, i);
		if (r->stop || r->claim >= r->blocks)
			break;
		uint32_t from, to;
		s->block = r->claim;
		r->claim += 2;
		set_state(s, SLOT_BUSY);
		pthread_mutex_unlock(&r->lock);
		block_range(r, s->block, &from, &to);
		s->o.len = 0;
		s->o.err = 0;
		bk_dump_range(&s->d, from, to);
		pthread_mutex_lock(&r->lock);
		set_state(s, SLOT_DONE);
		pthread_cond_signal(&r->done);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Block k, which the helper claimed: wait until it is done, write it out,
 * free its slot. Called and returns with the lock held. */
static void write_helpers_block(struct relay *r, struct out *o, uint32_t k)
{
	await(r, &r->done, block_done, k);
	struct slot *s = (struct slot *)done_slot(r, k);
	pthread_mutex_unlock(&r->lock);
	if (s->o.err && !o->err)
		o->err = s->o.err;
	else if (!o->err)
		out_write(o, s->o.buf, s->o.len);
	pthread_mutex_lock(&r->lock);
	set_state(s, SLOT_FREE);
	pthread_cond_signal(&r->freed);
}

/* This thread: every block in order, its own or the helper's */
static void relay_run(struct relay *r, struct out *o, struct dumper *d)
{
	pthread_mutex_lock(&r->lock);
	for (uint32_t k = 0; k < r->blocks && !o->err; k++) {
		bool mine = k % 2 == 0 || r->claim == k;
		if (mine && k % 2)
			r->claim += 2; /* the helper is late: taken */
		if (mine) {
			uint32_t from, to;
			pthread_mutex_unlock(&r->lock);
			block_range(r, k, &from, &to);
			bk_dump_range(d, from, to);
			pthread_mutex_lock(&r->lock);
		} else {
			write_helpers_block(r, o, k);
		}
	}
	__atomic_store_n(&r->stop, true, __ATOMIC_RELEASE); /* all claimed, or a failure: the helper ends */
	pthread_cond_broadcast(&r->freed);
	pthread_mutex_unlock(&r->lock);
}

static bool relay_init(struct relay *r, struct out *o, const struct bk_btf *btf)
{
	memset(r, 0, sizeof(*r));
	r->btf = btf;
	r->blocks = (btf->nr_types + BK_DUMP_BLOCK_TYPES - 1) / BK_DUMP_BLOCK_TYPES;
	for (unsigned i = 0; i < 2; i++) {
		struct slot *s = &r->slot[i];
		s->o = (struct out){.cap = OUT_CHUNK, .json = o->json};
		if (!(s->o.buf = malloc(s->o.cap)))
			return false;
		bk_dumper_init(&s->d, &s->o, btf);
	}
	if (pthread_mutex_init(&r->lock, NULL))
		return false;
	if (pthread_cond_init(&r->done, NULL)) {
		pthread_mutex_destroy(&r->lock);
		return false;
	}
	if (pthread_cond_init(&r->freed, NULL)) {
		pthread_cond_destroy(&r->done);
		pthread_mutex_destroy(&r->lock);
		return false;
	}
	return true;
}

bool bk_dump_parallel(struct out *o, const struct bk_btf *btf)
{
	struct relay r;
	struct dumper d;
	pthread_t thread;
	cpu_set_t cpus;
	if (!may_use_two_cpus(&cpus))
		return false; /* a helper would only take turns with this thread */
	bool ready = relay_init(&r, o, btf), started = false;
	if (ready) {
		bk_dumper_init(&d, o, btf);
		r.claim = 1;
		started = start_elsewhere(&thread, &r.start, helper, &r, &cpus);
		if (started) {
			relay_run(&r, o, &d);
			pthread_join(thread, NULL);
		}
		pthread_cond_destroy(&r.freed);
		pthread_cond_destroy(&r.done);
		pthread_mutex_destroy(&r.lock);
	}
	free(r.slot[0].o.buf);
	free(r.slot[1].o.buf);
	return started;
}
