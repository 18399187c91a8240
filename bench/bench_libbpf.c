// SPDX-License-Identifier: MIT
/* For comparison only: libbpf's btf__parse_raw on the same blob (built when
 * Debian's libbpf-dev is installed; btfkit itself never links libbpf). */
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int runs = bench_runs(argc, argv, 2);
	double t[BENCH_MAX_RUNS];
	for (int i = 0; i < runs; i++) {
		double t0 = bench_now();
		struct btf *b = btf__parse_raw(argv[1]);
		t[i] = bench_now() - t0;
		if (!b)
			return 1;
		btf__free(b);
	}
	bench_report("libbpf btf__parse_raw", t, runs, "ms", 1e3);
	return 0;
}
