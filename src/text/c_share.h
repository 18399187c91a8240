/* SPDX-License-Identifier: MIT */
/*
 * Private to the C printer: a job of the sort's (struct c_job, c_internal.h)
 * shared between the thread that owns it and the printer's helper thread
 * (c_helper.c), which takes chunks of it between two definitions or while
 * it would wait. Chunks are claimed with an atomic counter; the owner runs
 * them too, and returns once all have run and the helper has left.
 */
#ifndef BTFKIT_TEXT_C_SHARE_H
#define BTFKIT_TEXT_C_SHARE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "text/c_internal.h"

struct c_share {
	struct c_job job;
	uint32_t next, done; /* (atomic) chunks claimed, chunks run */
	bool open;           /* (atomic) chunks may be claimed */
	bool in;             /* (atomic) the helper is reading the job */
};

/* whether a job is open (the helper's question, between two pieces of
 * its own work) */
static inline bool c_share_open(const struct c_share *s)
{
	return __atomic_load_n(&s->open, __ATOMIC_ACQUIRE);
}

/* the helper's part of the open job, if it is still open */
void c_share_join(struct c_share *s);

/* job run by this thread and the helper: opened, the helper woken through
 * wake (under lock) where it sleeps, closed once this thread finds no
 * chunk left; returns when every chunk has run and the helper has left */
void c_share_run(struct c_share *s, const struct c_job *job, pthread_mutex_t *lock,
		 pthread_cond_t *wake);

#endif
