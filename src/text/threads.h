/* SPDX-License-Identifier: MIT */
/*
 * Private to the text layer: what its two-thread printers (the raw/JSON
 * dump's relay, the C printer's printing ahead) need of threads.
 *
 * The dump hands work between two threads every few tens of microseconds. A
 * thread that sleeps on a condition lets its processor go idle, and an idle
 * processor of a virtual machine may take milliseconds to come back (its
 * host runs something else meanwhile): a helper that slept missed whole
 * stretches of blocks. So a waiting thread spins a while first (wait_spin),
 * and the helper is started on the other processor than its creator's
 * (start_elsewhere): placed with it, it would wait for the scheduler to
 * move it (the C printer's helper is started the same way). With one
 * processor to run on, a helper would only take turns with its creator:
 * may_use_two_cpus says whether to start one.
 */
#ifndef BTFKIT_TEXT_THREADS_H
#define BTFKIT_TEXT_THREADS_H

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define WAIT_SPIN_NS 500000 /* a few blocks' time */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static inline uint64_t monotonic_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Spin until ready(arg, val) or WAIT_SPIN_NS have passed; whether ready.
 * ready reads only what others store atomically. */
static inline bool wait_spin(bool (*ready)(const void *, uint32_t), const void *arg, uint32_t val)
{
	uint64_t until = monotonic_ns() + WAIT_SPIN_NS;
	for (unsigned i = 1; !ready(arg, val); i++) {
		cpu_relax();
		if (!(i % 256) && monotonic_ns() > until)
			return false;
	}
	return true;
}

/* The processors this process may run on, into cpus; more than one (where
 * it cannot tell: assume so, cpus empty) */
static inline bool may_use_two_cpus(cpu_set_t *cpus)
{
	if (sched_getaffinity(0, sizeof(*cpus), cpus)) {
		CPU_ZERO(cpus);
		return true;
	}
	return CPU_COUNT(cpus) > 1;
}

struct elsewhere_start {
	void *(*fn)(void *);
	void *arg;
	cpu_set_t cpus; /* where it may go once started */
};

static inline void *run_elsewhere_start(void *p)
{
	struct elsewhere_start *s = p;
	sched_setaffinity(0, sizeof(s->cpus), &s->cpus);
	return s->fn(s->arg);
}

/* fn(arg) on a new thread, started on another of cpus (may_use_two_cpus')
 * than this thread's and free to move once running; s lives until the
 * thread is joined. false: no thread. */
static inline bool start_elsewhere(pthread_t *thread, struct elsewhere_start *s, void *(*fn)(void *),
				   void *arg, const cpu_set_t *cpus)
{
	pthread_attr_t attr;
	cpu_set_t others = *cpus;
	int cpu = sched_getcpu();
	s->fn = fn;
	s->arg = arg;
	s->cpus = *cpus;
	if (cpu >= 0 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, &others) && !pthread_attr_init(&attr)) {
		CPU_CLR(cpu, &others);
		bool started = !pthread_attr_setaffinity_np(&attr, sizeof(others), &others) &&
			       !pthread_create(thread, &attr, run_elsewhere_start, s);
		pthread_attr_destroy(&attr);
		if (started)
			return true;
	}
	return !pthread_create(thread, NULL, fn, arg);
}

#endif
