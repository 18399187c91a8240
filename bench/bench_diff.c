// SPDX-License-Identifier: MIT
/*
 * The diff layer alone on two loaded BTFs: bk_diff repeated, medians of wall
 * and CPU time (the reading is bench_read's). Usage: bench_diff OLD NEW [RUNS]
 */
#include <btfkit/btfkit.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"


static struct bk_btf *load(const char *path)
{
	struct bk_error err = {0};
	struct bk_btf *b;
	if (bk_btf_load(path, NULL, &b, &err)) {
		char msg[1200];
		fprintf(stderr, "%s\n", bk_error_str(&err, msg, sizeof(msg)));
		exit(2);
	}
	return b;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_diff OLD NEW [RUNS]\n");
		return 2;
	}
	int runs = bench_runs(argc, argv, 3);
	double wall[BENCH_MAX_RUNS], cpu[BENCH_MAX_RUNS];
	struct bk_btf *old = load(argv[1]), *nw = load(argv[2]);
	size_t records = 0;
	for (int i = 0; i < runs; i++) {
		struct bk_diff_result *r;
		struct bk_error err = {0};
		double w0 = bench_now(), c0 = bench_cpu_now();
		if (bk_diff(old, nw, NULL, &r, &err)) {
			fprintf(stderr, "bk_diff failed\n");
			return 2;
		}
		records = r->nr_records;
		bk_diff_free(r);
		cpu[i] = bench_cpu_now() - c0;
		wall[i] = bench_now() - w0;
	}
	printf("  bk_diff: %zu records\n", records);
	bench_report("bk_diff (wall)", wall, runs, "ms", 1e3);
	bench_report("bk_diff (CPU)", cpu, runs, "ms", 1e3);
	bk_btf_free(old);
	bk_btf_free(nw);
	return 0;
}
