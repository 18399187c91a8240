/* SPDX-License-Identifier: MIT */
/* Private to the text layer: threads taking turns. The C printer cuts its
 * output into numbered blocks that its threads claim; each makes a block
 * into its own buffer, then waits for the block's turn, writes it and
 * passes the turn on, so the output comes out in order whatever the
 * threads do. A turn is waited for spinning a while first (threads.h);
 * the same waiting serves for anything else the threads store atomically
 * and wake each other for. */
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

/* until ready(arg, val) (which reads only what others store atomically
 * and then wake the waiters): spun for a while, then slept for (threads.h) */
static inline void turns_wait_until(struct turns *t, bool (*ready)(const void *, uint32_t),
				    const void *arg, uint32_t val)
{
	if (wait_spin(ready, arg, val))
		return;
	pthread_mutex_lock(&t->lock);
	while (!ready(arg, val))
		pthread_cond_wait(&t->passed, &t->lock);
	pthread_mutex_unlock(&t->lock);
}

/* block's turn */
static inline void turns_wait(struct turns *t, uint32_t block)
{
	turns_wait_until(t, turn_is, t, block);
}

/* the sleepers woken: something they wait for may have come */
static inline void turns_wake(struct turns *t)
{
	pthread_mutex_lock(&t->lock);
	pthread_cond_broadcast(&t->passed);
	pthread_mutex_unlock(&t->lock);
}

static inline void turns_pass(struct turns *t)
{
	pthread_mutex_lock(&t->lock);
	__atomic_store_n(&t->next, t->next + 1, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&t->passed);
	pthread_mutex_unlock(&t->lock);
}

#endif
