// SPDX-License-Identifier: MIT
/*
 * Reading a compressed module costs no more than decompressing it: for the
 * whole .ko files of the corpus compressed with xz, zstd and gzip (made with
 * the command-line tools into a temporary directory), the median time of
 * the decompression alone against opening the file, finding .BTF through
 * libelf and parsing it on its vmlinux.
 * The reference decompression is the same three libraries called directly
 * (the benchmark sees only btfkit's public API).
 * Usage: bench_compressed TESTDATA [RUNS]   (the corpus/ko directory is taken
 * from $SHARED, default ../shared)
 */
#include <btfkit/btfkit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "bench.h"

static const char *const modules[] = {"tcp_bbr.ko", "dummy.ko", "pcspkr.ko", "crc16.ko"};
static const struct {
	const char *ext, *cmd;
} formats[] = {{"xz", "xz -9 -c"}, {"zst", "zstd -19 -q -c"}, {"gz", "gzip -9 -c"}};

static void *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END))
		exit(1);
	long n = ftell(f);
	void *data = malloc(n > 0 ? (size_t)n : 1);
	rewind(f);
	if (n < 0 || !data || fread(data, 1, (size_t)n, f) != (size_t)n)
		exit(1);
	fclose(f);
	*size = (size_t)n;
	return data;
}

/* Decompress with the library the format needs, into out (cap bytes). */
static size_t ref_decompress(const char *ext, const void *in, size_t n, void *out, size_t cap)
{
	if (!strcmp(ext, "zst")) {
		size_t r = ZSTD_decompress(out, cap, in, n);
		return ZSTD_isError(r) ? 0 : r;
	}
	if (!strcmp(ext, "xz")) {
		uint64_t memlimit = UINT64_MAX;
		size_t in_pos = 0, out_pos = 0;
		return lzma_stream_buffer_decode(&memlimit, 0, NULL, in, &in_pos, n, out, &out_pos,
						 cap) == LZMA_OK ? out_pos : 0;
	}
	z_stream z = {.next_in = (Bytef *)(uintptr_t)in, .avail_in = (uInt)n,
		      .next_out = out, .avail_out = (uInt)cap};
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return 0;
	int r = inflate(&z, Z_FINISH);
	size_t got = z.total_out;
	inflateEnd(&z);
	return r == Z_STREAM_END ? got : 0;
}

static double time_decompress(const char *path, const char *ext, int runs)
{
	double t[BENCH_MAX_RUNS];
	size_t size, cap = 64 << 20;
	void *data = read_all(path, &size), *out = malloc(cap);
	for (int i = 0; i < runs; i++) {
		double t0 = bench_now();
		if (!out || !ref_decompress(ext, data, size, out, cap))
			exit(1);
		t[i] = bench_now() - t0;
	}
	free(out);
	free(data);
	qsort(t, (size_t)runs, sizeof(*t), bench_cmp_double);
	return t[runs / 2];
}

/* the same work as time_decompress (the file is read first, untimed), plus
 * the ELF and BTF work of loading the module */
static double time_load(const char *path, const struct bk_btf *base, int runs)
{
	double t[BENCH_MAX_RUNS];
	for (int i = 0; i < runs; i++) {
		size_t size;
		void *data = read_all(path, &size);
		struct bk_error err = {0};
		struct bk_file *f;
		struct bk_btf *b;
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
	int runs = bench_runs(argc, argv, 2);
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
			double d = time_decompress(path, formats[f].ext, runs), l = time_load(path, base, runs);
			printf("  %-22s %9.1f us %11.1f us %7.2fx\n", strrchr(path, '/') + 1, d * 1e6,
			       l * 1e6, l / d);
			unlink(path);
		}
	}
	rmdir(dir);
	bk_btf_free(base);
	return 0;
}
