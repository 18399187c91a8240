// SPDX-License-Identifier: MIT
/*
 * measure N CMD [ARGS...]: run a whole command N times with its standard
 * output to /dev/null, and print the median wall time and the median peak
 * resident memory the kernel accounted to it (wait4's ru_maxrss); with
 * MEASURE_CPU set also the median CPU time (user + system).
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

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: measure N CMD [ARGS...]\n");
		return 2;
	}
	int n = atoi(argv[1]);
	if (n < 1 || n > 1000)
		n = 11;
	double *wall = calloc((size_t)n, sizeof(*wall));
	long *rss = calloc((size_t)n, sizeof(*rss));
	double *cpu = calloc((size_t)n, sizeof(*cpu));
	/* MEASURE_EXIT=1: the exit status the command gives on success (diff: 1
	 * when its inputs differ) */
	const char *ok_env = getenv("MEASURE_EXIT");
	int ok_status = ok_env ? atoi(ok_env) : 0;
	char cmd[512] = "";
	for (int i = 2; i < argc; i++) {
		const char *base = i == 2 && strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
		strncat(cmd, base, sizeof(cmd) - strlen(cmd) - 2);
		strcat(cmd, " ");
	}
	for (int i = 0; i < n; i++) {
		double t0 = bench_now();
		pid_t pid = fork();
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);
			dup2(fd, STDOUT_FILENO);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		int status;
		struct rusage ru;
		wait4(pid, &status, 0, &ru);
		wall[i] = bench_now() - t0;
		rss[i] = ru.ru_maxrss;
		cpu[i] = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
			 (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != ok_status) {
			fprintf(stderr, "measure: '%s' failed (status %d)\n", cmd, status);
			return 1;
		}
	}
	qsort(rss, (size_t)n, sizeof(*rss), cmp_long);
	bench_report(cmd, wall, n, "ms", 1e3);
	printf("  %-34s median peak RSS %.1f MiB\n", "", rss[n / 2] / 1024.0);
	if (getenv("MEASURE_CPU")) {
		qsort(cpu, (size_t)n, sizeof(*cpu), cmp_double);
		printf("  %-34s median CPU (user + sys) %.1f ms\n", "", cpu[n / 2] * 1e3);
	}
	free(cpu);
	free(wall);
	free(rss);
	return 0;
}
