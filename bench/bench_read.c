// SPDX-License-Identifier: MIT
/*
 * Reading benchmarks on one kernel's raw vmlinux BTF: read + read-time checks
 * + ID index (bk_btf_load), the name index, and validation. Prints the median
 * and the spread of repeated runs. Usage: bench_read VMLINUX.btf [RUNS]
 */
#include <btfkit/btfkit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"

static double load_once(const char *path, struct bk_btf **keep)
{
	struct bk_error err = {0};
	struct bk_btf *b;
	double t0 = bench_now();
	if (bk_btf_load(path, NULL, &b, &err)) {
		char msg[1200];
		fprintf(stderr, "%s\n", bk_error_str(&err, msg, sizeof(msg)));
		exit(1);
	}
	double dt = bench_now() - t0;
	if (keep)
		*keep = b;
	else
		bk_btf_free(b);
	return dt;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_read VMLINUX.btf [RUNS]\n");
		return 2;
	}
	int runs = bench_runs(argc, argv, 2);
	double t[BENCH_MAX_RUNS];
	struct bk_btf *b;

	/* peak memory of one load, before any other work grows the heap */
	long rss0 = bench_maxrss_kb();
	load_once(argv[1], &b);
	long rss1 = bench_maxrss_kb();
	size_t blob = bench_file_size(argv[1]);
	bk_btf_free(b);

	for (int i = 0; i < runs; i++)
		t[i] = load_once(argv[1], NULL);
	bench_report("read+check+ID index", t, runs, "ms", 1e3);
	printf("    peak memory growth of one load: %.1f MiB for a %.1f MiB blob (%.2fx)\n",
	       (rss1 - rss0) / 1024.0, blob / 1048576.0, (rss1 - rss0) * 1024.0 / (double)blob);

	for (int i = 0; i < runs; i++) {
		load_once(argv[1], &b);
		double t0 = bench_now();
		bk_btf_index(b);
		t[i] = bench_now() - t0;
		bk_btf_free(b);
	}
	bench_report("name index build", t, runs, "ms", 1e3);

	load_once(argv[1], &b);
	for (int i = 0; i < runs; i++) {
		double t0 = bench_now();
		int e = bk_validate(b, NULL, NULL, NULL);
		t[i] = bench_now() - t0;
		if (e && i == 0)
			printf("    (validate reported faults: %d)\n", e);
	}
	bench_report("validate (kernel rules)", t, runs, "ms", 1e3);
	bk_btf_free(b);
	return 0;
}
