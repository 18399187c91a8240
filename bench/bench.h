/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the benchmarks: a clock, medians, peak memory. */
#ifndef BTFKIT_BENCH_H
#define BTFKIT_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

static inline double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* the process's CPU time (all threads), in seconds */
static inline double bench_cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The RUNS argument argv[i] of a benchmark: 21 when absent or outside
 * 1..BENCH_MAX_RUNS (the size of the arrays that hold the times) */
#define BENCH_MAX_RUNS 256
static inline int bench_runs(int argc, char **argv, int i)
{
	int runs = argc > i ? atoi(argv[i]) : 21;
	return runs < 1 || runs > BENCH_MAX_RUNS ? 21 : runs;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* "name: median X unit (min Y, max Z, N runs)"; scale turns seconds into unit */
static inline void bench_report(const char *name, double *t, int n, const char *unit, double scale)
{
	qsort(t, (size_t)n, sizeof(*t), bench_cmp_double);
	printf("  %-34s median %8.3f %s  (min %.3f, max %.3f, %d runs)\n", name, t[n / 2] * scale,
	       unit, t[0] * scale, t[n - 1] * scale, n);
}

static inline long bench_maxrss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static inline size_t bench_file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? 0 : (size_t)st.st_size;
}

#endif
