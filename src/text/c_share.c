// SPDX-License-Identifier: MIT
/* A job of the sort's shared with the printer's helper thread (c_share.h). */
#include "text/c_share.h"
#include "text/threads.h"

static void run_chunks(struct c_share *s, unsigned worker)
{
	uint32_t c;
	while ((c = __atomic_fetch_add(&s->next, 1, __ATOMIC_RELAXED)) < s->job.nr) {
		s->job.run(s->job.arg, c, worker);
		__atomic_fetch_add(&s->done, 1, __ATOMIC_RELEASE);
	}
}

/* The helper marks itself in before it looks again (both sequentially
 * consistent, as the owner's closing and looking): either the owner sees
 * the mark once it has closed the job, and waits, or the helper sees the
 * job closed and reads nothing of it. */
void c_share_join(struct c_share *s)
{
	__atomic_store_n(&s->in, true, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->open, __ATOMIC_SEQ_CST))
		run_chunks(s, 1);
	__atomic_store_n(&s->in, false, __ATOMIC_RELEASE);
}

static bool chunks_done(const void *arg, uint32_t nr)
{
	return __atomic_load_n(&((const struct c_share *)arg)->done, __ATOMIC_ACQUIRE) >= nr;
}

static bool helper_out(const void *arg, uint32_t unused)
{
	(void)unused;
	return !__atomic_load_n(&((const struct c_share *)arg)->in, __ATOMIC_ACQUIRE);
}

/* until ready: a chunk the helper runs, or its leaving the job, takes
 * microseconds, unless its processor was taken from it */
static void wait_helper(const struct c_share *s, bool (*ready)(const void *, uint32_t),
			uint32_t val)
{
	while (!wait_spin(ready, s, val))
		sched_yield();
}

void c_share_run(struct c_share *s, const struct c_job *job, pthread_mutex_t *lock,
		 pthread_cond_t *wake)
{
	s->job = *job;
	__atomic_store_n(&s->next, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&s->done, 0, __ATOMIC_RELAXED);
	pthread_mutex_lock(lock);
	__atomic_store_n(&s->open, true, __ATOMIC_SEQ_CST);
	pthread_cond_broadcast(wake);
	pthread_mutex_unlock(lock);
	run_chunks(s, 0);
	__atomic_store_n(&s->open, false, __ATOMIC_SEQ_CST);
	wait_helper(s, chunks_done, job->nr);
	wait_helper(s, helper_out, 0);
}
