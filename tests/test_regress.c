// SPDX-License-Identifier: MIT
/*
 * Replay driver for the fuzz targets, without libFuzzer: every committed
 * crash input (tests/regress/<target>/) and every seed (fuzz/seeds/<target>/)
 * goes through the same entry point as fuzz/fuzz_<target>.c, so a bug once
 * found stays fixed under the normal (and the sanitizer) test run.
 *
 * An input passes when the entry point returns 0 (no invariant broken) in
 * bounded time; a crash or a sanitizer report fails the binary.
 * BK_SRCDIR names the source tree (default: the current directory).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"

#define BK_FUZZ_NO_MAIN
#include "../fuzz/fuzz_raw.c"
#include "../fuzz/fuzz_elf.c"
#include "../fuzz/fuzz_asm.c"
#include "../fuzz/fuzz_dump.c"
#include "../fuzz/fuzz_distill.c"
#include "../fuzz/fuzz_dumpc.c"
#include "../fuzz/fuzz_elfwrite.c"
#include "../fuzz/fuzz_check.c"
#include "../fuzz/fuzz_btfids.c"

/* An input that takes longer than this has found a hang (sanitizers
 * included: the inputs are a few KiB). */
#define MAX_SECONDS_PER_INPUT 10.0

static const char *src_dir(void)
{
	const char *d = getenv("BK_SRCDIR");
	return d && *d ? d : ".";
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The input being replayed, for the teardown to name when it crashed
 * (cmocka catches the signal); BK_REGRESS_VERBOSE=1 names every input
 * before it runs (for sanitizer reports, which end the process). */
static char replaying[4096];

static int name_crashing_input(void **state)
{
	(void)state;
	if (replaying[0])
		print_error("crashed while replaying %s\n", replaying);
	replaying[0] = '\0';
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every file of dir through fn; returns how many there were. */
static size_t replay_dir(const char *dir, int (*fn)(const uint8_t *, size_t))
{
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "README.md"))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof(*names));
			assert_non_null(names);
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		size_t len;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		char *data = bkt_read(path, &len);
		if (!data)
			fail_msg("cannot read %s", path);
		snprintf(replaying, sizeof(replaying), "%s", path);
		if (getenv("BK_REGRESS_VERBOSE"))
			fprintf(stderr, "replaying %s\n", path);
		double t0 = now();
		int broken = fn((const uint8_t *)data, len);
		double secs = now() - t0;
		replaying[0] = '\0';
		free(data);
		if (broken)
			fail_msg("%s: an invariant broke (see stderr)", path);
		if (secs > MAX_SECONDS_PER_INPUT)
			fail_msg("%s: took %.1f s (a hang?)", path, secs);
		free(names[i]);
	}
	free(names);
	return n;
}

static void replay(const char *target, int (*fn)(const uint8_t *, size_t))
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/fuzz/seeds/%s", src_dir(), target);
	size_t seeds = replay_dir(dir, fn);
	snprintf(dir, sizeof(dir), "%s/tests/regress/%s", src_dir(), target);
	size_t regress = replay_dir(dir, fn);
	/* the seeds are committed: finding none means the wrong directory */
	if (!seeds)
		fail_msg("no seeds in %s/fuzz/seeds/%s (set BK_SRCDIR?)", src_dir(), target);
	print_message("fuzz_%s: %zu seeds, %zu regression inputs replayed\n", target, seeds,
		      regress);
}

static void test_raw(void **state) { (void)state; replay("raw", bk_fuzz_raw); }
static void test_elf(void **state) { (void)state; replay("elf", bk_fuzz_elf); }
static void test_asm(void **state) { (void)state; replay("asm", bk_fuzz_asm); }
static void test_dump(void **state) { (void)state; replay("dump", bk_fuzz_dump); }
static void test_distill(void **state) { (void)state; replay("distill", bk_fuzz_distill); }
static void test_dumpc(void **state) { (void)state; replay("dumpc", bk_fuzz_dumpc); }
static void test_elfwrite(void **state) { (void)state; replay("elfwrite", bk_fuzz_elfwrite); }
static void test_check(void **state) { (void)state; replay("check", bk_fuzz_check); }
static void test_btfids(void **state) { (void)state; replay("btfids", bk_fuzz_btfids); }

/* The framing the targets share: parts cut at the separator, the last
 * keeping any further separators. */
static void test_part_framing(void **state)
{
	(void)state;
	static const char in[] = "AA" BK_FUZZ_SEP "B" BK_FUZZ_SEP BK_FUZZ_SEP "C";
	struct bk_fuzz_part p[3];
	size_t n = bk_fuzz_split((const uint8_t *)in, sizeof(in) - 1, p, 3);
	assert_int_equal(n, 3);
	assert_int_equal(p[0].size, 2);
	assert_memory_equal(p[0].data, "AA", 2);
	assert_int_equal(p[1].size, 1);
	assert_memory_equal(p[1].data, "B", 1);
	assert_int_equal(p[2].size, strlen(BK_FUZZ_SEP) + 1);
	assert_int_equal(bk_fuzz_split((const uint8_t *)"x", 1, p, 3), 1);
	assert_int_equal(p[0].size, 1);
}

/* Found by fuzz_distill (tests/regress/distill/relocate-memcpy-null-empty-
 * strings, before distill changed): relocating a split BTF that has no
 * string section of its own passed a NULL source to memcpy (UBSan). Built
 * here directly, as distill no longer makes such a split. */
static void test_relocate_split_without_strings(void **state)
{
	(void)state;
	struct bk_btf *dist = bk_btf_new(NULL), *target = bk_btf_new(NULL), *out = NULL;
	struct bk_error err = {0};
	struct bk_type foo = {(uint32_t)bk_btf_add_str(dist, "foo"), bk_info(BK_KIND_STRUCT, 0, 0),
			      {8}};
	assert_int_equal(bk_btf_add_type(dist, &foo, sizeof(foo)), 1);
	foo.name_off = (uint32_t)bk_btf_add_str(target, "foo");
	assert_int_equal(bk_btf_add_type(target, &foo, sizeof(foo)), 1);
	struct bk_btf *split = bk_btf_new(dist);
	struct bk_type ptr = {0, bk_info(BK_KIND_PTR, 0, 0), {1}};
	assert_int_equal(bk_btf_add_type(split, &ptr, sizeof(ptr)), 2);
	assert_int_equal(bk_relocate(split, target, &out, &err), 0);
	assert_int_equal(bk_btf_type(out, 2)->type, 1);
	bk_btf_free(out);
	bk_btf_free(split);
	bk_btf_free(target);
	bk_btf_free(dist);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_part_framing),
		cmocka_unit_test_teardown(test_raw, name_crashing_input),
		cmocka_unit_test_teardown(test_elf, name_crashing_input),
		cmocka_unit_test_teardown(test_asm, name_crashing_input),
		cmocka_unit_test_teardown(test_dump, name_crashing_input),
		cmocka_unit_test_teardown(test_distill, name_crashing_input),
		cmocka_unit_test_teardown(test_dumpc, name_crashing_input),
		cmocka_unit_test_teardown(test_elfwrite, name_crashing_input),
		cmocka_unit_test_teardown(test_check, name_crashing_input),
		cmocka_unit_test_teardown(test_btfids, name_crashing_input),
		cmocka_unit_test(test_relocate_split_without_strings),
	};
	return cmocka_run_group_tests_name("fuzz regression replay", tests, NULL, NULL);
}
