// SPDX-License-Identifier: MIT
/*
 * What landing distill's outputs as a set costs, whole process, on disk:
 * `btfkit distill -B vmlinux-6.1.0-47 crc16.nosig.ko --base-out B
 * --split-out S` against a program that just writes the same two blobs
 * (the same library calls, then open/write/close: no temporaries, no
 * renames, no syncs; the floor any writer has), runs interleaved. With
 * BK_BENCH_BEFORE=PATH also that btfkit binary (an older build), side by
 * side. The files go to BK_BENCH_DIR (default: build/bench-out, on the
 * disk the checkout is on); its file system is named, since syncing
 * costs nothing on tmpfs.
 * Usage: bench_write_set TESTDATA_DIR [RUNS]   ($SHARED: the shared corpus)
 *        bench_write_set --plain VMLINUX MODULE B S   (the plain writer)
 */
#include <btfkit/btfkit.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define KVER "6.1.0-47-amd64"

static void put(const char *path, const void *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd)) {
		perror(path);
		exit(2);
	}
}

/* The plain writer: what btfkit distill computes, written as any program
 * would write two files. */
static int plain(char **argv)
{
	struct bk_error err = {0};
	struct bk_btf *vmlinux, *split, *d, *s;
	struct bk_file *f;
	void *b1, *b2;
	size_t n1, n2;
	if (bk_btf_load(argv[0], NULL, &vmlinux, &err) || bk_file_open(argv[1], &f, &err) ||
	    bk_file_btf(f, ".BTF", vmlinux, &split, &err) || bk_distill(split, &d, &s, &err) ||
	    bk_btf_write(d, NULL, &b1, &n1, &err) || bk_btf_write(s, NULL, &b2, &n2, &err)) {
		char msg[1200];
		fprintf(stderr, "bench_write_set: %s\n", bk_error_str(&err, msg, sizeof(msg)));
		return 1;
	}
	put(argv[2], b1, n1);
	put(argv[3], b2, n2);
	return 0;
}

/* One whole run of argv; wall and CPU (user + sys) in seconds. */
static void run(char *const *argv, double *wall, double *cpu)
{
	double t0 = bench_now();
	pid_t pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	int status;
	struct rusage ru;
	wait4(pid, &status, 0, &ru);
	*wall = bench_now() - t0;
	*cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench_write_set: %s failed (status %d)\n", argv[0], status);
		exit(1);
	}
}

static const char *fs_name(const char *dir)
{
	struct statfs s;
	if (statfs(dir, &s))
		return "?";
	switch ((unsigned long)s.f_type) {
	case 0xEF53: return "ext2/3/4";
	case 0x01021994: return "tmpfs (syncing is free there)";
	case 0x58465342: return "xfs";
	case 0x9123683E: return "btrfs";
	default: return "other";
	}
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "--plain"))
		return plain(argv + 2);
	if (argc < 2) {
		fprintf(stderr, "usage: bench_write_set TESTDATA_DIR [RUNS]\n");
		return 2;
	}
	int runs = bench_runs(argc, argv, 2);
	const char *shared = getenv("SHARED") ? getenv("SHARED") : "../shared";
	const char *build = getenv("BK_BUILD") ? getenv("BK_BUILD") : "build";
	const char *dir = getenv("BK_BENCH_DIR") ? getenv("BK_BENCH_DIR") : "build/bench-out";
	const char *before = getenv("BK_BENCH_BEFORE");
	static char vmlinux[4096], module[4096], tool[4096], self[4096], b[4200], s[4200];
	snprintf(vmlinux, sizeof(vmlinux), "%s/vmlinux/%s.btf", argv[1], KVER);
	snprintf(module, sizeof(module), "%s/corpus/ko/crc16.nosig.ko", shared);
	snprintf(tool, sizeof(tool), "%s/btfkit", build);
	if (!realpath("/proc/self/exe", self))
		return 1;
	mkdir(dir, 0755);
	snprintf(b, sizeof(b), "%s/B.btf", dir);
	snprintf(s, sizeof(s), "%s/S.btf", dir);
	printf("  outputs in %s (%s)\n", dir, fs_name(dir));
	char *cmd_now[] = {tool, "distill", "-B", vmlinux, module, "--base-out", b,
			   "--split-out", s, NULL};
	char *cmd_before[] = {(char *)before, "distill", "-B", vmlinux, module, "--base-out", b,
			      "--split-out", s, NULL};
	char *cmd_plain[] = {self, "--plain", vmlinux, module, b, s, NULL};
	static double wall[3][BENCH_MAX_RUNS], cpu[3][BENCH_MAX_RUNS];
	for (int i = 0; i < runs; i++) {
		run(cmd_now, &wall[0][i], &cpu[0][i]);
		run(cmd_plain, &wall[1][i], &cpu[1][i]);
		if (before)
			run(cmd_before, &wall[2][i], &cpu[2][i]);
	}
	unlink(b);
	unlink(s);
	const char *names[] = {"btfkit distill --base/--split-out", "plain writer (no sync)",
			       "the same, BK_BENCH_BEFORE"};
	for (int k = 0; k < (before ? 3 : 2); k++) {
		bench_report(names[k], wall[k], runs, "ms", 1e3);
		qsort(cpu[k], (size_t)runs, sizeof(double), bench_cmp_double);
		printf("  %-34s median CPU (user + sys) %.2f ms\n", "", cpu[k][runs / 2] * 1e3);
	}
	printf("  btfkit against the plain writer: %+.1f%% wall (medians)\n",
	       100.0 * (wall[0][runs / 2] - wall[1][runs / 2]) / wall[1][runs / 2]);
	return 0;
}
