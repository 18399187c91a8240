// SPDX-License-Identifier: MIT
/*
 * Reading a compressed module costs no more than decompressing it: for the
 * whole .ko files of the corpus compressed with xz, zstd and gzip (made with
 * the command-line tools into a temporary directory), the median time of
 * the decompression alone against opening the file, finding .BTF through
 * libelf and parsing it on its vmlinux.
 * Usage: bench_compressed TESTDATA [RUNS]   (the corpus/ko directory is taken
 * from $SHARED, default ../shared)
 */
#include <btfkit/btfkit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "io/decompress.h"

static const char *const modules[] = {"tcp_bbr.ko", "dummy.ko", "pcspkr.ko", "crc16.ko"};
static const struct {
	const char *ext, *cmd;
} formats[] = {{"xz", "xz -9 -c"}, {"zst", "zstd -19 -q -c"}, {"gz", "gzip -9 -c"}};

static double time_decompress(const char *path, int runs)
{
	double t[256];
	for (int i = 0; i < runs; i++) {
		void *data;
		size_t size;
		struct bk_error err = {0};
		if (bk_read_file(path, &data, &size, &err))
			exit(1);
		double t0 = bench_now();
		if (bk_decompress(path, &data, &size, BK_DECOMPRESS_MAX, &err))
			exit(1);
		t[i] = bench_now() - t0;
		free(data);
	}
	qsort(t, (size_t)runs, sizeof(*t), bench_cmp_double);
	return t[runs / 2];
}

/* the same work as time_decompress (the file is read first, untimed), plus
 * the ELF and BTF work of loading the module */
static double time_load(const char *path, const struct bk_btf *base, int runs)
{
	double t[256];
	for (int i = 0; i < runs; i++) {
		void *data;
		size_t size;
		struct bk_error err = {0};
		struct bk_file *f;
		struct bk_btf *b;
		if (bk_read_file(path, &data, &size, &err))
			exit(1);
		double t0 = bench_now();
		if (bk_file_open_mem(data, size, path, &f, &err) ||
		    bk_file_btf(f, ".BTF", base, &b, &err)) {
			char msg[1200];
			fprintf(stderr, "%s\n", bk_error_str(&err, msg, sizeof(msg)));
			exit(1);
		}
		t[i] = bench_now() - t0;
		bk_btf_free(b);
		bk_file_close(f);
		free(data);
	}
	qsort(t, (size_t)runs, sizeof(*t), bench_cmp_double);
	return t[runs / 2];
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_compressed TESTDATA [RUNS]\n");
		return 2;
	}
	int runs = argc > 2 ? atoi(argv[2]) : 21;
	if (runs < 1 || runs > 256)
		runs = 21;
	const char *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
	char dir[] = "/tmp/btfkit-bench-XXXXXX", path[4096], cmd[8192];
	struct bk_error err = {0};
	struct bk_btf *base;
	snprintf(path, sizeof(path), "%s/vmlinux/6.1.0-47-amd64.btf", argv[1]);
	if (!mkdtemp(dir) || bk_btf_load(path, NULL, &base, &err))
		return 1;
	printf("  %-22s %12s %14s %8s\n", "module", "decompress", "decompress+load", "ratio");
	for (size_t m = 0; m < sizeof(modules) / sizeof(modules[0]); m++) {
		for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
			snprintf(path, sizeof(path), "%s/%s.%s", dir, modules[m], formats[f].ext);
			snprintf(cmd, sizeof(cmd), "%s '%s/corpus/ko/%s' > '%s'", formats[f].cmd, shared,
				 modules[m], path);
			if (system(cmd)) {
				fprintf(stderr, "bench_compressed: '%s' failed\n", cmd);
				return 1;
			}
			double d = time_decompress(path, runs), l = time_load(path, base, runs);
			printf("  %-22s %9.1f us %11.1f us %7.2fx\n", strrchr(path, '/') + 1, d * 1e6,
			       l * 1e6, l / d);
			unlink(path);
		}
	}
	rmdir(dir);
	bk_btf_free(base);
	return 0;
}
