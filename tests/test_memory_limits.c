// SPDX-License-Identifier: MIT
/*
 * Memory and size limits that hold: inputs that are not regular files (a
 * *.ko symlink to /dev/zero, a FIFO) or larger than any module (1 GiB) are
 * refused by name without reading them; out of memory (ulimit -v in a
 * subshell) is exit 2 with the file named, and check keeps and names every
 * module even when some could not be checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

#define KVER "6.1.0-47-amd64"

static char *run2(int *st, const char *fmt, const char *a, const char *b)
{
	return bkt_runf(st, NULL, fmt, bkt_tool(), a, b);
}

static void test_not_regular_files_refused(void **state)
{
	(void)state;
	const char *zero = bkt_tmp("zero.ko"), *fifo = bkt_tmp("fifo.ko");
	int st;
	assert_int_equal(symlink("/dev/zero", zero), 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	char *text = run2(&st, "%s dump %s 2>&1%s", zero, "");
	assert_int_equal(st, 2);
	assert_non_null(strstr(text, "zero.ko: a character device, not a regular file: refusing "
				     "to read it"));
	free(text);
	/* a FIFO nobody writes: refused at once (timeout: a hang fails) */
	text = run2(&st, "timeout 10 %s validate %s 2>&1%s", fifo, "");
	assert_int_equal(st, 2);
	assert_non_null(strstr(text, "fifo.ko: a FIFO, not a regular file"));
	free(text);
	unlink(fifo);

	/* check over a tree holding the symlink: the module is reported by
	 * name as an error, the other one is checked */
	char dir[300];
	snprintf(dir, sizeof(dir), "%s", bkt_tmp("tree"));
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(symlink("/dev/zero", bkt_tmp("tree/zero.ko")), 0);
	assert_int_equal(symlink(bkt_shared("corpus/ko/crc16.ko"), bkt_tmp("tree/crc16.ko")), 0);
	text = bkt_runf(&st, NULL, "timeout 60 %s check --kernel-relocates yes -B %s --built-against %s %s 2>&1",
			bkt_tool(), bkt_vmlinux(KVER), bkt_vmlinux(KVER), dir);
	assert_int_equal(st, 1);
	assert_non_null(strstr(text, "relocates "));
	assert_non_null(strstr(text, "zero.ko: a character device, not a regular file"));
	free(text);
	bkt_rmtree(dir);
	unlink(zero);
}

static void test_huge_file_refused(void **state)
{
	(void)state;
	const char *big = bkt_tmp("big.ko");
	int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644), st;
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)1100 << 20), 0); /* sparse: no blocks */
	close(fd);
	char *text = run2(&st, "%s dump %s 2>&1%s", big, "");
	assert_int_equal(st, 2);
	assert_non_null(strstr(text, "big.ko: 1153433600 bytes: larger than any module or BTF "
				     "blob (at most 1024 MiB): refusing to read it"));
	free(text);
	unlink(big);
}

/* Under ulimit -v: out of memory is exit 2, naming the file. The limits
 * are picked around what the commands need (about 20 MiB for this
 * vmlinux): too little must fail that way, enough must work. */
/* A sanitizer build reserves terabytes of shadow memory: no ulimit -v. */
static bool runs_under_ulimit(void)
{
	if (bkt_cmd("ulimit -v 200000; %s help >/dev/null 2>&1", bkt_tool()) == 0)
		return true;
	printf("[  SKIP    ] the tool does not start under ulimit -v (a sanitizer build)\n");
	return false;
}

static void test_out_of_memory_names_the_file(void **state)
{
	(void)state;
	const char *v = bkt_vmlinux(KVER);
	int st;
	if (!runs_under_ulimit())
		return;
	char *text = bkt_runf(&st, NULL, "ulimit -v 12000; %s validate %s 2>&1 >/dev/null",
			      bkt_tool(), v);
	assert_int_equal(st, 2);
	char want[600];
	snprintf(want, sizeof(want), "%s: out of memory", v);
	if (!strstr(text, want))
		fail_msg("validate under 12 MB: '%s'", text);
	free(text);
	assert_int_equal(bkt_cmd("ulimit -v 64000; %s validate %s >/dev/null", bkt_tool(), v), 0);

	/* distill of amdgpu: both inputs read (about 10 MiB), distilling needs
	 * about 18: the module is named (before: exit 1, no file) */
	const char *amdgpu = bkt_module(KVER, "kernel/drivers/gpu/drm/amd/amdgpu/amdgpu");
	text = bkt_runf(&st, NULL, "ulimit -v 14000; %s distill -B %s %s --base-out %s "
			"--split-out %s 2>&1", bkt_tool(), v, amdgpu, bkt_tmp("ab"), bkt_tmp("as"));
	assert_int_equal(st, 2);
	snprintf(want, sizeof(want), "btfkit: %s: out of memory", amdgpu);
	if (!strstr(text, want))
		fail_msg("distill under 14 MB: '%s'", text);
	free(text);
	assert_false(bkt_exists(bkt_tmp("ab")));
	assert_false(bkt_exists(bkt_tmp("as")));
	assert_int_equal(bkt_cmd("ulimit -v 100000; %s distill -B %s %s --base-out %s "
				 "--split-out %s", bkt_tool(), v, amdgpu, bkt_tmp("ab"), bkt_tmp("as")),
			 0);
}

/* check under a limit where some modules cannot be checked: each is still
 * named (never "(null)"), the summary is there, exit 2 says why. */
static void test_check_keeps_every_result(void **state)
{
	(void)state;
	const char **rels;
	if (!runs_under_ulimit())
		return;
	size_t n = bkt_sample(&rels);
	char dir[300];
	snprintf(dir, sizeof(dir), "%s", bkt_tmp("sample"));
	assert_int_equal(mkdir(dir, 0755), 0);
	for (size_t i = 0; i < n; i++) {
		char link[400];
		snprintf(link, sizeof(link), "%s/m%02zu.btf", dir, i);
		assert_int_equal(symlink(bkt_module(KVER, rels[i]), link), 0);
	}
	const char *v = bkt_vmlinux(KVER);
	int st;
	char *text = bkt_runf(&st, NULL, "ulimit -v 22000; %s check -t 8 -B %s --built-against %s "
			      "%s 2>&1", bkt_tool(), v, v, dir);
	assert_int_equal(st, 2);
	assert_null(strstr(text, "(null)"));
	for (size_t i = 0; i < n; i++) {
		char name[400];
		snprintf(name, sizeof(name), "%s/m%02zu.btf", dir, i);
		if (!strstr(text, name))
			fail_msg("%s not reported:\n%s", name, text);
	}
	assert_non_null(strstr(text, "modules against"));
	assert_non_null(strstr(text, "could not be checked for lack of memory, even alone"));
	free(text);
	/* with room: all of them relocate */
	text = bkt_runf(&st, NULL, "ulimit -v 200000; %s check -t 8 -B %s --built-against %s %s",
			bkt_tool(), v, v, dir);
	assert_int_equal(st, 0);
	free(text);
	bkt_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_regular_files_refused),
		cmocka_unit_test(test_huge_file_refused),
		cmocka_unit_test(test_out_of_memory_names_the_file),
		cmocka_unit_test(test_check_keeps_every_result),
	};
	return cmocka_run_group_tests(tests, bkt_tmpdir_setup, bkt_tmpdir_teardown);
}
