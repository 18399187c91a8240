// SPDX-License-Identifier: MIT
/*
 * Relocation speed, medians of repeated runs:
 *  - the median-size Debian 6.1.0-47 module (by .BTF bytes), distilled, then
 *    relocated onto 6.1.0-56 (base read and indexed once);
 *  - amdgpu, the largest, the same way;
 *  - check of every 6.1.0-47 module against 6.1.0-56 (distill + relocate
 *    each, bases loaded once) on 2 threads.
 * usage: bench_relocate [TESTDATA_DIR]   (default $BK_TESTDATA or build/testdata)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "btfkit/btfkit.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static struct bk_btf *load(const char *path, const struct bk_btf *base)
{
	struct bk_error err = {0};
	struct bk_btf *b;
	char msg[1400];
	if (bk_btf_load(path, base, &b, &err)) {
		fprintf(stderr, "bench: %s\n", bk_error_str(&err, msg, sizeof(msg)));
		exit(2);
	}
	return b;
}

/* Median time of relocating split (on its distilled base) onto base. */
static double time_relocate(const struct bk_btf *split, const struct bk_btf *base, int runs)
{
	double *t = calloc((size_t)runs, sizeof(*t)), med;
	for (int i = 0; i < runs; i++) {
		struct bk_btf *out = NULL;
		struct bk_error err = {0};
		double t0 = now();
		int e = bk_relocate(split, base, &out, &err);
		t[i] = now() - t0;
		if (e) {
			fprintf(stderr, "bench: relocate failed: %s\n", err.msg);
			exit(1);
		}
		bk_btf_free(out);
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp_double);
	med = t[runs / 2];
	free(t);
	return med;
}

static void bench_module(const char *path, const char *label, const struct bk_btf *old,
			 const struct bk_btf *new_base, int runs)
{
	struct bk_btf *full = load(path, old), *dist, *split;
	struct bk_error err = {0};
	if (bk_distill(full, &dist, &split, &err)) {
		fprintf(stderr, "bench: distill %s: %s\n", path, err.msg);
		exit(1);
	}
	double med = time_relocate(split, new_base, runs);
	printf("relocate %-28s %6u types, %4u distilled: median %9.1f us (%d runs)\n", label,
	       bk_btf_nr_types(split), bk_btf_nr_types(dist), med * 1e6, runs);
	bk_btf_free(split);
	bk_btf_free(dist);
	bk_btf_free(full);
}

struct sized {
	char *path;
	off_t size;
};

static int cmp_sized(const void *a, const void *b)
{
	const struct sized *x = a, *y = b;
	return (x->size > y->size) - (x->size < y->size);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("BK_TESTDATA") ? getenv("BK_TESTDATA")
								   : "build/testdata";
	char path[8192], mods[4096];
	snprintf(path, sizeof(path), "%s/vmlinux/6.1.0-47-amd64.btf", dir);
	struct bk_btf *old = load(path, NULL);
	snprintf(path, sizeof(path), "%s/vmlinux/6.1.0-56-amd64.btf", dir);
	struct bk_btf *new_base = load(path, NULL);
	bk_btf_index(old);
	bk_btf_index(new_base);

	snprintf(mods, sizeof(mods), "%s/modules/6.1.0-47-amd64", dir);
	const char *paths[] = {mods};
	char **files;
	size_t n;
	struct bk_error err = {0};
	if (bk_check_collect(paths, 1, &files, &n, &err) || !n) {
		fprintf(stderr, "bench: no modules in %s\n", mods);
		return 2;
	}
	/* the median-size module that relocates onto 6.1.0-56 (most do not
	 * fail early; pick the nearest to the median that relocates) */
	struct sized *by_size = calloc(n, sizeof(*by_size));
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		by_size[i].path = files[i];
		by_size[i].size = stat(files[i], &st) ? 0 : st.st_size;
	}
	qsort(by_size, n, sizeof(*by_size), cmp_sized);
	for (size_t k = n / 2; k < n; k++) {
		BK_OPTS(bk_check_opts, o, .kernel = new_base, .built_against = old, .threads = 1);
		struct bk_check_result r;
		bk_check_module(by_size[k].path, &o, &r);
		/* 6.1.0-56 does not relocate at load: a module whose BTF relocates
		 * is "needs-rewrite" there */
		bool ok = r.status == BK_CHECK_RELOCATES || r.status == BK_CHECK_NEEDS_REWRITE;
		free(r.module);
		bk_reloc_report_free(r.report);
		if (!ok)
			continue;
		char label[64];
		snprintf(label, sizeof(label), "median (%lld B .BTF)", (long long)by_size[k].size);
		bench_module(by_size[k].path, label, old, new_base, 2001);
		break;
	}
	snprintf(path, sizeof(path), "%s/kernel/drivers/gpu/drm/amd/amdgpu/amdgpu.btf", mods);
	/* amdgpu does not relocate onto 6.1.0-56 (struct device grew): time
	 * it onto its own kernel, the full work of a successful relocation */
	bench_module(path, "amdgpu (onto 6.1.0-47)", old, old, 51);

	double t[5];
	for (int i = 0; i < 5; i++) {
		BK_OPTS(bk_check_opts, o, .kernel = new_base, .built_against = old, .threads = 2);
		struct bk_check_result *res;
		double t0 = now();
		bk_check_run(files, n, &o, &res, &err);
		t[i] = now() - t0;
		bk_check_results_free(res, n);
	}
	qsort(t, 5, sizeof(t[0]), cmp_double);
	printf("check %zu modules of 6.1.0-47 against 6.1.0-56 on 2 threads: median %.3f s (5 runs)\n",
	       n, t[2]);
	free(by_size);
	bk_check_free_files(files, n);
	bk_btf_free(new_base);
	bk_btf_free(old);
	return 0;
}
