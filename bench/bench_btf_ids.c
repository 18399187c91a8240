// SPDX-License-Identifier: MIT
/*
 * What keeping .BTF_ids right costs distill: nf_conntrack.ko (a set8 of
 * 10 kfuncs, two BTF_ID list entries) on vmlinux 6.1.0-47, the module's
 * .BTF parsed, distilled and both blobs written to memory, with and
 * without reading .BTF_ids and rewriting it (runs interleaved).
 * Then the same as the whole command does it (vmlinux read, module written).
 * Usage: bench_btf_ids TESTDATA_DIR [RUNS]   ($SHARED: the shared corpus)
 */
#include <btfkit/btfkit.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"

#define KVER "6.1.0-47-amd64"

static void die(const struct bk_error *err)
{
	char msg[1200];
	fprintf(stderr, "bench_btf_ids: %s\n", bk_error_str(err, msg, sizeof(msg)));
	exit(1);
}

static double once(const struct bk_file *f, const struct bk_btf *vmlinux, bool ids)
{
	struct bk_error err = {0};
	struct bk_btf *split = NULL, *d = NULL, *s = NULL;
	struct bk_btf_ids *in = NULL, *out = NULL;
	void *b1 = NULL, *b2 = NULL;
	size_t n1 = 0, n2 = 0;
	double t0 = bench_now();
	if (bk_file_btf(f, ".BTF", vmlinux, &split, &err) ||
	    (ids && bk_btf_ids_read(f, &in, &err)) ||
	    bk_distill_module(split, in, &d, &s, &out, &err) ||
	    bk_btf_write(d, NULL, &b1, &n1, &err) || bk_btf_write(s, NULL, &b2, &n2, &err))
		die(&err);
	double t = bench_now() - t0;
	free(b1);
	free(b2);
	bk_btf_ids_free(in);
	bk_btf_ids_free(out);
	bk_btf_free(s);
	bk_btf_free(d);
	bk_btf_free(split);
	return t;
}

/* As `btfkit distill -B VMLINUX nf_conntrack.ko -o OUT.ko` does it: vmlinux
 * read, the module opened, distilled, the module written (to a temporary
 * file); with or without .BTF_ids read and rewritten. */
static double command(const char *vmlinux_path, const char *module, const char *out, bool ids)
{
	struct bk_error err = {0};
	struct bk_btf *vmlinux = NULL, *split = NULL, *d = NULL, *s = NULL;
	struct bk_btf_ids *in = NULL, *rewritten = NULL;
	struct bk_file *f = NULL;
	void *b1 = NULL, *b2 = NULL;
	size_t n1 = 0, n2 = 0;
	double t0 = bench_now();
	if (bk_btf_load(vmlinux_path, NULL, &vmlinux, &err) || bk_file_open(module, &f, &err) ||
	    bk_file_btf(f, ".BTF", vmlinux, &split, &err) ||
	    (ids && bk_btf_ids_read(f, &in, &err)) ||
	    bk_distill_module(split, in, &d, &s, &rewritten, &err) ||
	    bk_btf_write(d, NULL, &b1, &n1, &err) || bk_btf_write(s, NULL, &b2, &n2, &err))
		die(&err);
	struct bk_elf_section_edit edits[] = {
		{".BTF", b2, n2},
		{".BTF.base", b1, n1},
		{".BTF_ids", rewritten ? rewritten->data : NULL, rewritten ? rewritten->size : 0},
	};
	if (bk_elf_write_sections(f, edits, rewritten ? 3 : 2, true, out, &err))
		die(&err);
	double t = bench_now() - t0;
	free(b1);
	free(b2);
	bk_btf_ids_free(in);
	bk_btf_ids_free(rewritten);
	bk_btf_free(s);
	bk_btf_free(d);
	bk_btf_free(split);
	bk_file_close(f);
	bk_btf_free(vmlinux);
	return t;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_btf_ids TESTDATA_DIR [RUNS]\n");
		return 2;
	}
	int runs = bench_runs(argc, argv, 2);
	runs = runs * 8 > 1024 ? 1024 : runs * 8; /* a run is about a millisecond */
	char path[4096];
	const char *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
	struct bk_error err = {0};
	struct bk_btf *vmlinux;
	struct bk_file *f = NULL;
	snprintf(path, sizeof(path), "%s/vmlinux/%s.btf", argv[1], KVER);
	if (bk_btf_load(path, NULL, &vmlinux, &err))
		die(&err);
	snprintf(path, sizeof(path), "%s/corpus/ko/nf_conntrack.ko", shared);
	if (bk_file_open(path, &f, &err))
		die(&err);
	static double plain[1024], with_ids[1024];
	for (int i = 0; i < runs; i++) {
		plain[i] = once(f, vmlinux, false);
		with_ids[i] = once(f, vmlinux, true);
	}
	bench_report("nf_conntrack: distill", plain, runs, "ms", 1e3);
	bench_report("nf_conntrack: distill + .BTF_ids", with_ids, runs, "ms", 1e3);
	printf("  .BTF_ids adds %.1f%% (medians)\n",
	       100.0 * (with_ids[runs / 2] - plain[runs / 2]) / plain[runs / 2]);
	bk_file_close(f);
	bk_btf_free(vmlinux);

	char vpath[4096], out[64];
	int whole = runs / 8;
	snprintf(vpath, sizeof(vpath), "%s/vmlinux/%s.btf", argv[1], KVER);
	snprintf(out, sizeof(out), "/tmp/bench_btf_ids.%d.ko", (int)getpid());
	for (int i = 0; i < whole; i++) {
		plain[i] = command(vpath, path, out, false);
		with_ids[i] = command(vpath, path, out, true);
	}
	unlink(out);
	bench_report("as btfkit distill -o: without", plain, whole, "ms", 1e3);
	bench_report("as btfkit distill -o: with .BTF_ids", with_ids, whole, "ms", 1e3);
	printf("  .BTF_ids adds %.2f%% to the command (medians)\n",
	       100.0 * (with_ids[whole / 2] - plain[whole / 2]) / plain[whole / 2]);
	return 0;
}
