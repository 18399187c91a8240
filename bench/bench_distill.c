// SPDX-License-Identifier: MIT
/*
 * Distill benchmarks, vmlinux 6.1.0-47 loaded once:
 *  - amdgpu (the largest module: ~27k types on the ~100k-type base):
 *    bk_distill alone, and parse + distill + both blobs written to memory;
 *  - every module of the 6.1.0-47 set: read the file, parse, distill,
 *    write both blobs to memory.
 * Usage: bench_distill TESTDATA_DIR [RUNS]   (TESTDATA_DIR: build/testdata)
 */
#define _XOPEN_SOURCE 700
#include <btfkit/btfkit.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define KVER "6.1.0-47-amd64"
#define AMDGPU "kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.btf"

static void die(const struct bk_error *err)
{
	char msg[1200];
	fprintf(stderr, "bench_distill: %s\n", bk_error_str(err, msg, sizeof(msg)));
	exit(1);
}

/* Distill one split BTF and write both blobs to memory. */
static void distill_and_write(const struct bk_btf *split)
{
	struct bk_error err = {0};
	struct bk_btf *d, *s;
	void *b1, *b2;
	size_t n1, n2;
	if (bk_distill(split, &d, &s, &err) || bk_btf_write(d, NULL, &b1, &n1, &err) ||
	    bk_btf_write(s, NULL, &b2, &n2, &err))
		die(&err);
	free(b1);
	free(b2);
	bk_btf_free(s);
	bk_btf_free(d);
}

static char **paths;
static size_t nr_paths, cap_paths;

static int collect(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	size_t len = strlen(path);
	if (flag != FTW_F || len < 4 || strcmp(path + len - 4, ".btf"))
		return 0;
	if (nr_paths == cap_paths) {
		cap_paths = cap_paths ? cap_paths * 2 : 4096;
		paths = realloc(paths, cap_paths * sizeof(*paths));
		if (!paths)
			return -1;
	}
	paths[nr_paths++] = strdup(path);
	return 0;
}

static double all_modules(const struct bk_btf *vmlinux)
{
	double t0 = bench_now();
	for (size_t i = 0; i < nr_paths; i++) {
		struct bk_error err = {0};
		struct bk_btf *split;
		if (bk_btf_load(paths[i], vmlinux, &split, &err))
			die(&err);
		distill_and_write(split);
		bk_btf_free(split);
	}
	return bench_now() - t0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_distill TESTDATA_DIR [RUNS]\n");
		return 2;
	}
	int runs = bench_runs(argc, argv, 2);
	char path[4096];
	struct bk_error err = {0};
	struct bk_btf *vmlinux, *amdgpu;
	snprintf(path, sizeof(path), "%s/vmlinux/%s.btf", argv[1], KVER);
	if (bk_btf_load(path, NULL, &vmlinux, &err))
		die(&err);
	snprintf(path, sizeof(path), "%s/modules/%s/%s", argv[1], KVER, AMDGPU);
	if (bk_btf_load(path, vmlinux, &amdgpu, &err))
		die(&err);

	double t[BENCH_MAX_RUNS];
	printf("  amdgpu: %u types on a %u-type base\n", bk_btf_nr_types(amdgpu),
	       bk_btf_nr_types(vmlinux));
	for (int i = 0; i < runs; i++) {
		struct bk_btf *d, *s;
		double t0 = bench_now();
		if (bk_distill(amdgpu, &d, &s, &err))
			die(&err);
		t[i] = bench_now() - t0;
		bk_btf_free(s);
		bk_btf_free(d);
	}
	bench_report("amdgpu: bk_distill", t, runs, "ms", 1e3);
	for (int i = 0; i < runs; i++) {
		struct bk_btf *split;
		double t0 = bench_now();
		if (bk_btf_load(path, vmlinux, &split, &err))
			die(&err);
		distill_and_write(split);
		t[i] = bench_now() - t0;
		bk_btf_free(split);
	}
	bench_report("amdgpu: load+distill+write", t, runs, "ms", 1e3);

	snprintf(path, sizeof(path), "%s/modules/%s", argv[1], KVER);
	if (nftw(path, collect, 32, FTW_PHYS) || !nr_paths) {
		fprintf(stderr, "bench_distill: no modules under %s\n", path);
		return 1;
	}
	/* a whole pass takes about a second: fewer runs */
	int corpus_runs = runs < 5 ? runs : 5;
	for (int i = 0; i < corpus_runs; i++)
		t[i] = all_modules(vmlinux);
	char label[64];
	snprintf(label, sizeof(label), "%zu modules: load+distill+write", nr_paths);
	bench_report(label, t, corpus_runs, "s", 1);

	for (size_t i = 0; i < nr_paths; i++)
		free(paths[i]);
	free(paths);
	bk_btf_free(amdgpu);
	bk_btf_free(vmlinux);
	return 0;
}
