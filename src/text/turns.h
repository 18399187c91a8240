/* SPDX-License-Identifier: MIT */
/* Private to the text layer: two threads taking turns. The raw/JSON dump
 * and the C printer both cut their output into blocks, even blocks to one
 * thread and odd ones to the other; each makes a block into its own buffer,
 * then waits for the block's turn, writes it and passes the turn on, so the
 * output comes out in order whatever the threads do. */
#ifndef BTFKIT_TEXT_TURNS_H
#define BTFKIT_TEXT_TURNS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

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

static inline void turns_wait(struct turns *t, uint32_t block)
{
	pthread_mutex_lock(&t->lock);
	while (t->next != block)
		pthread_cond_wait(&t->passed, &t->lock);
	pthread_mutex_unlock(&t->lock);
}

static inline void turns_pass(struct turns *t)
{
	pthread_mutex_lock(&t->lock);
	t->next++;
	pthread_cond_broadcast(&t->passed);
	pthread_mutex_unlock(&t->lock);
}

/* work(odd) on a new thread and work(even) on this one, sharing the turns;
 * false when the thread did not start (then nothing ran). */
static inline bool turns_run(struct turns *t, void *(*work)(void *), void *even, void *odd)
{
	pthread_t thread;
	if (!turns_init(t))
		return false;
	bool started = !pthread_create(&thread, NULL, work, odd);
	if (started) {
		work(even);
		pthread_join(thread, NULL);
	}
	turns_destroy(t);
	return started;
}

#endif
