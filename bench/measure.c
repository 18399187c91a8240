// SPDX-License-Identifier: MIT
/*
 * measure N CMD [ARGS...] [--vs CMD2 [ARGS...]]: run a whole command N
 * times with its standard output to /dev/null, and print the median wall
 * time and the median peak resident memory the kernel accounted to it
 * (wait4's ru_maxrss); with MEASURE_CPU set also the median CPU time (user
 * + system).
 *
 * With --vs, the two commands take turns (one run of each, N times) and
 * the median of the N ratios of their wall times is printed too. The
 * machines this is measured on are shared: the same command takes half as
 * long again from one minute to the next, so two medians taken one after
 * the other can be compared only roughly; the ratios of runs taken side by
 * side can.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* one command and its runs' figures */
struct subject {
	char **argv;
	char name[512]; /* as printed: the program's base name and its arguments */
	double *wall, *cpu;
	long *rss;
};

static int subject_init(struct subject *s, char **argv, int n)
{
	s->argv = argv;
	s->name[0] = '\0';
	size_t len = 0; /* (a long command line is cut, not overrun) */
	for (int i = 0; argv[i] && len + 2 < sizeof(s->name); i++) {
		const char *base = !i && strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
		len += (size_t)snprintf(s->name + len, sizeof(s->name) - len, "%s ", base);
	}
	s->wall = calloc((size_t)n, sizeof(*s->wall));
	s->cpu = calloc((size_t)n, sizeof(*s->cpu));
	s->rss = calloc((size_t)n, sizeof(*s->rss));
	return s->wall && s->cpu && s->rss ? 0 : -1;
}

static void subject_free(struct subject *s)
{
	free(s->wall);
	free(s->cpu);
	free(s->rss);
}

/* run i of s; -1 when it did not exit with ok_status */
static int run_once(struct subject *s, int i, int ok_status)
{
	double t0 = bench_now();
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, STDOUT_FILENO);
		execvp(s->argv[0], s->argv);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
		fprintf(stderr, "measure: cannot run '%s'\n", s->name);
		return -1;
	}
	s->wall[i] = bench_now() - t0;
	s->rss[i] = ru.ru_maxrss;
	s->cpu[i] = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != ok_status) {
		fprintf(stderr, "measure: '%s' failed (status %d)\n", s->name, status);
		return -1;
	}
	return 0;
}

static void report(struct subject *s, int n)
{
	bench_report(s->name, s->wall, n, "ms", 1e3);
	qsort(s->rss, (size_t)n, sizeof(*s->rss), cmp_long);
	printf("  %-34s median peak RSS %.1f MiB\n", "", s->rss[n / 2] / 1024.0);
	if (getenv("MEASURE_CPU")) {
		qsort(s->cpu, (size_t)n, sizeof(*s->cpu), cmp_double);
		printf("  %-34s median CPU (user + sys) %.1f ms\n", "", s->cpu[n / 2] * 1e3);
	}
}

/* the median of the runs' ratios b/a (before report sorts the times);
 * -1 without memory */
static double median_ratio(const struct subject *a, const struct subject *b, int n)
{
	double *r = calloc((size_t)n, sizeof(*r));
	if (!r)
		return -1;
	for (int i = 0; i < n; i++)
		r[i] = b->wall[i] / a->wall[i];
	qsort(r, (size_t)n, sizeof(*r), cmp_double);
	double m = r[n / 2];
	free(r);
	return m;
}

int main(int argc, char **argv)
{
	if (argc < 3 || !strcmp(argv[2], "--vs")) {
		fprintf(stderr, "usage: measure N CMD [ARGS...] [--vs CMD2 [ARGS...]]\n");
		return 2;
	}
	int n = atoi(argv[1]);
	if (n < 1 || n > 1000)
		n = 11;
	/* MEASURE_EXIT=1: the exit status the commands give on success (diff:
	 * 1 when its inputs differ) */
	const char *ok_env = getenv("MEASURE_EXIT");
	int ok_status = ok_env ? atoi(ok_env) : 0;
	int nr = 1;
	char **second = NULL;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--vs")) {
			argv[i] = NULL; /* (the first command's end) */
			second = argv + i + 1;
			nr = 2;
			break;
		}
	}
	if (second && !second[0]) {
		fprintf(stderr, "measure: nothing after --vs\n");
		return 2;
	}
	struct subject s[2] = {0};
	int e = 0;
	for (int k = 0; k < nr && !e; k++)
		e = subject_init(&s[k], k ? second : argv + 2, n);
	for (int i = 0; i < n && !e; i++)
		for (int k = 0; k < nr && !e; k++)
			e = run_once(&s[k], i, ok_status);
	if (!e) {
		double ratio = nr == 2 ? median_ratio(&s[0], &s[1], n) : 0;
		if (ratio < 0) {
			fprintf(stderr, "measure: out of memory\n");
			e = -1;
		}
		for (int k = 0; k < nr && !e; k++)
			report(&s[k], n);
		if (nr == 2 && !e)
			printf("  %-34s median of the runs' ratios: the second takes %.2fx the first's time\n",
			       "", ratio);
	}
	for (int k = 0; k < nr; k++)
		subject_free(&s[k]);
	return e ? 1 : 0;
}
