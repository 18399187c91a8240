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
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "text/dump_internal.h"

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
};

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
		while (s->state != SLOT_FREE && !r->stop)
			pthread_cond_wait(&r->freed, &r->lock);
		if (r->stop || r->claim >= r->blocks)
			break;
		uint32_t from, to;
		s->block = r->claim;
		r->claim += 2;
		s->state = SLOT_BUSY;
		pthread_mutex_unlock(&r->lock);
		block_range(r, s->block, &from, &to);
		s->o.len = 0;
		s->o.err = 0;
		bk_dump_range(&s->d, from, to);
		pthread_mutex_lock(&r->lock);
		s->state = SLOT_DONE;
		pthread_cond_signal(&r->done);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Block k, which the helper claimed: wait until it is done, write it out,
 * free its slot. Called and returns with the lock held. */
static void write_helpers_block(struct relay *r, struct out *o, uint32_t k)
{
	struct slot *s;
	for (;;) {
		s = r->slot[0].block == k && r->slot[0].state != SLOT_FREE ? &r->slot[0] : &r->slot[1];
		if (s->block == k && s->state == SLOT_DONE)
			break;
		pthread_cond_wait(&r->done, &r->lock);
	}
	pthread_mutex_unlock(&r->lock);
	if (s->o.err && !o->err)
		o->err = s->o.err;
	else if (!o->err)
		out_write(o, s->o.buf, s->o.len);
	pthread_mutex_lock(&r->lock);
	s->state = SLOT_FREE;
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
	r->stop = true; /* all claimed, or a failure: the helper ends */
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
	bool ready = relay_init(&r, o, btf), started = false;
	if (ready) {
		bk_dumper_init(&d, o, btf);
		r.claim = 1;
		started = !pthread_create(&thread, NULL, helper, &r);
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
