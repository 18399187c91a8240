// SPDX-License-Identifier: MIT
/*
 * check over a small generated tree: the input is a kernel's base blob and
 * up to three module blobs (split BTF), joined by BK_FUZZ_SEP. The modules
 * are written as files into a fresh directory, collected (bk_check_collect)
 * and checked on two threads against the base (also the kernel they were
 * built against), then summarised.
 *
 * Invariants: one result per file, in order and named after it; a status
 * that exists; FAILS with a report of at least one problem, ERROR (and
 * BOUND that does not fit) with an error code and message; the summary's
 * counts add up; and each module checked alone gets the status it got
 * beside the others.
 */
#include <dirent.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#define MAX_MODULES 3

static bool write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(data, 1, size, f) == size;
	return fclose(f) == 0 && ok;
}

static void remove_tree(const char *dir, size_t n)
{
	char path[320];
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/m%zu.btf", dir, i);
		unlink(path);
	}
	rmdir(dir);
}

static int check_result(const struct bk_check_result *r, const char *file)
{
	if (!r->module || strcmp(r->module, file))
		return bk_fuzz_broken("check", "a result is not named after its file");
	if (r->status >= BK_CHECK_NR_STATUS)
		return bk_fuzz_broken("check", "a status that does not exist");
	if (r->status == BK_CHECK_FAILS && (!r->report || !r->report->nr_problems))
		return bk_fuzz_broken("check", "a failure without a report");
	if ((r->status == BK_CHECK_ERROR || (r->status == BK_CHECK_BOUND && !r->fits)) &&
	    (r->error.code >= 0 || !r->error.msg[0]))
		return bk_fuzz_broken("check", "an error without a code or a message");
	return 0;
}

static int check_tree(const char *dir, const struct bk_btf *kernel, size_t nr_modules)
{
	const char *paths[] = {dir};
	char **files = NULL;
	size_t n = 0;
	struct bk_error err = {0};
	struct bk_check_result *res = NULL;
	struct bk_check_summary sum;
	BK_OPTS(bk_check_opts, opts, .kernel = kernel, .built_against = kernel, .threads = 2);
	int e = bk_check_collect(paths, 1, &files, &n, &err), bad = 0;
	if (e)
		return bk_fuzz_check_error("check", e, &err);
	if (n != nr_modules)
		bad = bk_fuzz_broken("check", "collect missed or invented a module");
	if (!bad && (e = bk_check_run(files, n, &opts, &res, &err)))
		bad = bk_fuzz_check_error("check", e, &err);
	for (size_t i = 0; !bad && res && i < n; i++)
		bad = check_result(&res[i], files[i]);
	if (!bad && res && !bk_check_summarize(res, n, &sum)) {
		size_t total = 0;
		for (int k = 0; k < BK_CHECK_NR_STATUS; k++)
			total += sum.count[k];
		if (total != n || sum.total != n)
			bad = bk_fuzz_broken("check", "the summary's counts do not add up");
	}
	for (size_t i = 0; !bad && res && i < n; i++) {
		struct bk_check_result alone;
		bk_check_module(files[i], &opts, &alone);
		if (alone.status != res[i].status)
			bad = bk_fuzz_broken("check", "a module alone gets another status");
		free(alone.module);
		bk_reloc_report_free(alone.report);
	}
	bk_check_results_free(res, n);
	bk_check_free_files(files, n);
	return bad;
}

int bk_fuzz_check(const uint8_t *data, size_t size)
{
	struct bk_fuzz_part p[MAX_MODULES + 1] = {{0}};
	struct bk_error err = {0};
	struct bk_btf *kernel = NULL;
	size_t n = bk_fuzz_split(data, size, p, MAX_MODULES + 1);
	char dir[] = "/tmp/btfkit-fuzz-check-XXXXXX";
	int bad = 0;
	/* a base the reader refuses is fuzz_raw's business */
	if (n < 2 || bk_btf_parse(p[0].data, p[0].size, NULL, "kernel.btf", &kernel, &err))
		return 0;
	if (!mkdtemp(dir)) {
		bk_btf_free(kernel);
		return 0;
	}
	size_t written = 0;
	for (size_t i = 1; i < n; i++) {
		char path[320];
		snprintf(path, sizeof(path), "%s/m%zu.btf", dir, i - 1);
		written += write_file(path, p[i].data, p[i].size);
	}
	if (written == n - 1)
		bad = check_tree(dir, kernel, written);
	remove_tree(dir, n - 1);
	bk_btf_free(kernel);
	return bad;
}

BK_FUZZ_MAIN(bk_fuzz_check)
