// SPDX-License-Identifier: MIT
/*
 * The raw text and JSON dumps alone (bk_dump of a BTF already read, to
 * /dev/null), without the process start and the read that `measure` counts:
 * the formatting's own share. Median of repeated runs, wall and CPU (CPU
 * above wall: the two formatting threads).
 * Usage: bench_dump TESTDATA [RUNS]   (TESTDATA/vmlinux/running.btf)
 */
#include <btfkit/btfkit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"


int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_dump TESTDATA [RUNS]\n");
		return 2;
	}
	int runs = bench_runs(argc, argv, 2);
	double wall[BENCH_MAX_RUNS], cpu[BENCH_MAX_RUNS];
	char path[4096];
	struct bk_error err = {0};
	struct bk_btf *b;
	snprintf(path, sizeof(path), "%s/vmlinux/running.btf", argv[1]);
	if (bk_btf_load(path, NULL, &b, &err)) {
		char msg[1200];
		fprintf(stderr, "%s\n", bk_error_str(&err, msg, sizeof(msg)));
		return 1;
	}
	FILE *null = fopen("/dev/null", "w");
	if (!null)
		return 1;
	static const struct {
		const char *name;
		enum bk_dump_format fmt;
	} formats[] = {{"dump raw text to /dev/null", BK_DUMP_TEXT},
		       {"dump JSON to /dev/null", BK_DUMP_JSON}};
	for (size_t f = 0; f < 2; f++) {
		for (int i = 0; i < runs; i++) {
			double t0 = bench_now(), c0 = bench_cpu_now();
			if (bk_dump(b, formats[f].fmt, null))
				return 1;
			wall[i] = bench_now() - t0;
			cpu[i] = bench_cpu_now() - c0;
		}
		bench_report(formats[f].name, wall, runs, "ms", 1e3);
		qsort(cpu, (size_t)runs, sizeof(*cpu), bench_cmp_double);
		printf("    median CPU %.3f ms\n", cpu[runs / 2] * 1e3);
	}
	fclose(null);
	bk_btf_free(b);
	return 0;
}
