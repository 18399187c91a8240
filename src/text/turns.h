/* SPDX-License-Identifier: MIT */
/* Private to the text layer: two threads taking turns. The C printer cuts
 * its output into blocks, even blocks to one thread and odd ones to the
 * other; each makes a block into its own buffer,
 * then waits for the block's turn, writes it and passes the turn on, so the
 * output comes out in order whatever the threads do. A turn is waited for
 * spinning a while first, and the second thread starts on the other
 * processor (threads.h). */
#ifndef BTFKIT_TEXT_TURNS_H
#define BTFKIT_TEXT_TURNS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "text/threads.h"

struct turns {
	pthread_mutex_t lock;
	pthread_cond_t passed;
	uint32_t next; /* the block that is written next */
};

/* false: no mutex or condition (nothing to destroy) */
static inline bool turns_init(struct turns *t)
{
	t->next = 0;
	if (pthread_mutex_init(&t->lock, NULL))
		return false;
	if (!pthread_cond_init(&t->passed, NULL))
		return true;
	pthread_mutex_destroy(&t->lock);
	return false;
}

static inline void turns_destroy(struct turns *t)
{
	pthread_cond_destroy(&t->passed);
	pthread_mutex_destroy(&t->lock);
}

static inline bool turn_is(const void *turns, uint32_t block)
{
	return __atomic_load_n(&((const struct turns *)turns)->next, __ATOMIC_ACQUIRE) == block;
}

/* block's turn: spun for a while, then slept for (threads.h) */
static inline void turns_wait(struct turns *t, uint32_t block)
{
	if (wait_spin(turn_is, t, block))
		return;
	pthread_mutex_lock(&t->lock);
	while (!turn_is(t, block))
		pthread_cond_wait(&t->passed, &t->lock);
	pthread_mutex_unlock(&t->lock);
}

static inline void turns_pass(struct turns *t)
{
	pthread_mutex_lock(&t->lock);
	__atomic_store_n(&t->next, t->next + 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&t->passed);
	pthread_mutex_unlock(&t->lock);
}

/* work(odd) on a new thread (on the other processor) and work(even) on
 * this one, sharing the turns; false when there is one processor to run
 * on or the thread did not start (then nothing ran). */
static inline bool turns_run(struct turns *t, void *(*work)(void *), void *even, void *odd)
{
	pthread_t thread;
	cpu_set_t cpus;
	struct elsewhere_start start;
	if (!may_use_two_cpus(&cpus) || !turns_init(t))
		return false;
	bool started = start_elsewhere(&thread, &start, work, odd, &cpus);
	if (started) {
		work(even);
		pthread_join(thread, NULL);
	}
	turns_destroy(t);
	return started;
}

#endif
