// SPDX-License-Identifier: MIT
/* The module object: a module opened once (ELF, compressed, raw blob),
 * what it tells about itself, and the one placing policy (relocated from
 * .BTF.base, distilled against --built-against, read as it is), with the
 * reason codes of its failures. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btfkit/module.h"
#include "support.h"

#define KVER "6.1.0-47-amd64"
#define OTHER "6.12.107+deb12-amd64"
#define NEXT "6.1.0-56-amd64"
#define DUMMY "kernel/drivers/net/dummy"

static const char *ko(const char *name)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "corpus/ko/%s.ko", name);
	return bkt_shared(rel);
}

static struct bk_module *open_ok(const char *path)
{
	struct bk_error err = {0};
	struct bk_module *m = NULL;
	char msg[1200];
	if (bk_module_open(path, &m, &err))
		fail_msg("opening %s: %s", path, bk_error_str(&err, msg, sizeof(msg)));
	return m;
}

static struct bk_btf *place_ok(struct bk_module *m, const struct bk_btf *base,
			       const struct bk_module_place_opts *opts)
{
	struct bk_error err = {0};
	struct bk_btf *out = NULL;
	char msg[1200];
	if (bk_module_place(m, base, opts, &out, &err))
		fail_msg("placing %s: %s", bk_module_name(m), bk_error_str(&err, msg, sizeof(msg)));
	return out;
}

static void test_facts_of_real_modules(void **state)
{
	(void)state;
	static const char *const names[] = {"crc16", "crc16.nosig", "dummy", "dummy.nosig"};
	for (size_t i = 0; i < 4; i++) {
		struct bk_module *m = open_ok(ko(names[i]));
		assert_true(bk_module_is_elf(m));
		assert_true(bk_module_has_btf(m));
		assert_false(bk_module_has_dist_base(m));
		assert_int_equal(bk_module_compression(m), BK_COMPRESSION_NONE);
		assert_int_equal(bk_module_signature_len(m) > 0, !strstr(names[i], "nosig"));
		assert_int_equal(bk_module_signature_len(m),
				 bk_file_signature_len(bk_module_file(m)));
		bk_module_close(m);
	}
}

/* Each compression is told by content and kept for writing back. */
static void test_compression_kept(void **state)
{
	(void)state;
	static const struct {
		const char *tool, *suffix;
		enum bk_compression c;
	} z[] = {{"xz", "xz", BK_COMPRESSION_XZ},
		 {"zstd -q", "zst", BK_COMPRESSION_ZSTD},
		 {"gzip", "gz", BK_COMPRESSION_GZIP}};
	struct bk_module *plain = open_ok(ko("dummy"));
	struct bk_btf *want = place_ok(plain, bkt_vmlinux_btf(KVER), NULL);
	for (size_t i = 0; i < 3; i++) {
		char name[32];
		snprintf(name, sizeof(name), "dummy.ko.%s", z[i].suffix);
		assert_int_equal(bkt_cmd("%s -c '%s' > '%s'", z[i].tool, ko("dummy"), bkt_tmp(name)),
				 0);
		struct bk_module *m = open_ok(bkt_tmp(name));
		assert_int_equal(bk_module_compression(m), z[i].c);
		assert_string_equal(bk_compression_name(z[i].c), i == 0 ? "xz" : i == 1 ? "zstd"
											  : "gzip");
		assert_int_equal(bk_module_signature_len(m), bk_module_signature_len(plain));
		struct bk_btf *got = place_ok(m, bkt_vmlinux_btf(KVER), NULL);
		assert_int_equal(bk_btf_nr_types(got), bk_btf_nr_types(want));
		bk_btf_free(got);
		bk_module_close(m);
	}
	bk_btf_free(want);
	bk_module_close(plain);
}

/* Without a distilled base: read on the base as it is; with built_against:
 * distilled first (the base types it cannot name move into it), then
 * relocated. */
static void test_place_without_dist_base(void **state)
{
	(void)state;
	struct bk_module *m = open_ok(bkt_module(KVER, DUMMY));
	assert_false(bk_module_is_elf(m));
	struct bk_btf *as_is = place_ok(m, bkt_vmlinux_btf(KVER), NULL);
	BK_OPTS(bk_module_place_opts, po, .built_against = bkt_vmlinux_btf(KVER));
	struct bk_btf *moved = place_ok(m, bkt_vmlinux_btf(NEXT), &po);
	assert_true(bk_btf_nr_types(moved) >= bk_btf_nr_types(as_is));
	assert_int_equal(bk_btf_start_id(moved), bk_btf_type_cnt(bkt_vmlinux_btf(NEXT)));
	assert_ptr_equal(bk_btf_base(moved), bkt_vmlinux_btf(NEXT));
	bk_btf_free(moved);
	bk_btf_free(as_is);
	bk_module_close(m);
}

/* A module distilled by the tool: its .BTF.base is found, its own BTF sits
 * on it, and placing relocates onto any kernel of its series. */
static void test_place_through_dist_base(void **state)
{
	(void)state;
	assert_int_equal(bkt_cmd("'%s' distill -B '%s' '%s' -o '%s' --strip-signature 2>/dev/null",
				 bkt_tool(), bkt_vmlinux(KVER), ko("dummy"), bkt_tmp("d.ko")),
			 0);
	struct bk_module *m = open_ok(bkt_tmp("d.ko"));
	struct bk_error err = {0};
	const struct bk_btf *own, *dist, *split;
	assert_true(bk_module_has_dist_base(m));
	assert_int_equal(bk_module_signature_len(m), 0);
	assert_int_equal(bk_module_own_btf(m, &own, &err), 0);
	assert_int_equal(bk_module_distilled(m, NULL, &dist, &split, &err), 0);
	assert_ptr_equal(own, split);
	assert_ptr_equal(bk_btf_base(split), dist);
	struct bk_btf *out = place_ok(m, bkt_vmlinux_btf(NEXT), NULL);
	assert_int_equal(bk_btf_nr_types(out), bk_btf_nr_types(split));
	assert_ptr_equal(bk_btf_base(out), bkt_vmlinux_btf(NEXT));
	assert_string_equal(bk_btf_source(out), bkt_tmp("d.ko"));
	bk_btf_free(out);

	/* bk_btf_load: the same policy in one call */
	struct bk_btf *loaded = bkt_load(bkt_tmp("d.ko"), bkt_vmlinux_btf(NEXT));
	assert_int_equal(bk_btf_nr_types(loaded), bk_btf_nr_types(split));
	bk_btf_free(loaded);

	/* one given replaces its own: .BTF then reads on that one */
	struct bk_btf *given;
	assert_int_equal(bk_btf_load_section(bkt_tmp("d.ko"), ".BTF.base", NULL, &given, &err), 0);
	assert_int_equal(bk_module_set_dist_base(m, given, &err), 0);
	assert_int_equal(bk_module_own_btf(m, &own, &err), 0);
	assert_ptr_equal(bk_btf_base(own), given);
	bk_module_close(m);
}

/* A raw split blob with its distilled base given (relocate --dist-base). */
static void test_given_dist_base(void **state)
{
	(void)state;
	assert_int_equal(bkt_cmd("'%s' distill -B '%s' '%s' --base-out '%s' --split-out '%s'",
				 bkt_tool(), bkt_vmlinux(KVER), bkt_module(KVER, DUMMY),
				 bkt_tmp("base.btf"), bkt_tmp("split.btf")),
			 0);
	struct bk_module *m = open_ok(bkt_tmp("split.btf"));
	struct bk_error err = {0};
	assert_false(bk_module_has_dist_base(m));
	struct bk_btf *dist;
	assert_int_equal(bk_btf_load_section(bkt_tmp("base.btf"), ".BTF", NULL, &dist, &err), 0);
	assert_int_equal(bk_module_set_dist_base(m, dist, &err), 0);
	assert_true(bk_module_has_dist_base(m));
	struct bk_btf *out = place_ok(m, bkt_vmlinux_btf(NEXT), NULL);
	assert_ptr_equal(bk_btf_base(out), bkt_vmlinux_btf(NEXT));
	bk_btf_free(out);
	bk_module_close(m);
}

/* ------------------------------------------------------------------ */
/* Failures: reason codes, and context only where the reason calls for it */

static void test_misfit_is_named(void **state)
{
	(void)state;
	struct bk_module *m = open_ok(bkt_module(KVER, DUMMY));
	struct bk_error err = {0};
	struct bk_btf *out;
	assert_int_equal(bk_module_place(m, bkt_vmlinux_btf(OTHER), NULL, &out, &err), -EINVAL);
	assert_null(out);
	assert_int_equal(err.reason, BK_E_BASE_MISFIT);
	assert_string_equal(bk_reason_name(err.reason), "base-misfit");
	assert_true(err.type_id >= bk_btf_type_cnt(bkt_vmlinux_btf(OTHER)));
	assert_non_null(strstr(err.msg, "built against another kernel?"));

	/* distilling against the wrong kernel: the same */
	BK_OPTS(bk_module_place_opts, po, .built_against = bkt_vmlinux_btf(OTHER));
	bk_error_clear(&err);
	assert_int_equal(bk_module_place(m, bkt_vmlinux_btf(KVER), &po, &out, &err), -EINVAL);
	assert_int_equal(err.reason, BK_E_BASE_MISFIT);
	bk_module_close(m);
}

/* A corrupt blob is corrupt, not "built against another kernel". */
static void test_corrupt_blob_is_not_a_misfit(void **state)
{
	(void)state;
	size_t len;
	char *blob = bkt_read(bkt_module(KVER, DUMMY), &len);
	FILE *f = fopen(bkt_tmp("cut.btf"), "wb");
	assert_non_null(blob);
	assert_non_null(f);
	assert_int_equal(fwrite(blob, 1, 100, f), 100);
	assert_int_equal(fclose(f), 0);
	free(blob);
	struct bk_module *m = open_ok(bkt_tmp("cut.btf"));
	struct bk_error err = {0};
	struct bk_btf *out;
	assert_int_equal(bk_module_place(m, bkt_vmlinux_btf(KVER), NULL, &out, &err), -EINVAL);
	assert_int_equal(err.reason, BK_E_BTF_HEADER);
	assert_null(strstr(err.msg, "another kernel"));
	bk_module_close(m);
}

static void test_no_dist_base(void **state)
{
	(void)state;
	struct bk_module *m = open_ok(ko("crc16"));
	struct bk_error err = {0};
	const struct bk_btf *dist, *split;
	assert_int_equal(bk_module_distilled(m, NULL, &dist, &split, &err), -ENOENT);
	assert_int_equal(err.reason, BK_E_NO_DIST_BASE);
	assert_string_equal(err.file, ko("crc16"));
	assert_int_equal(bk_error_exit_status(&err), 1);
	bk_module_close(m);
}

static void test_open_reasons(void **state)
{
	(void)state;
	struct bk_error err = {0};
	struct bk_module *m;
	FILE *f = fopen(bkt_tmp("text"), "w");
	assert_non_null(f);
	fputs("hello\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(bk_module_open(bkt_tmp("text"), &m, &err), -EINVAL);
	assert_null(m);
	assert_int_equal(err.reason, BK_E_NOT_BTF);
	assert_int_equal(bk_error_exit_status(&err), 1);
	bk_error_clear(&err);
	assert_int_equal(bk_module_open(bkt_tmp("absent"), &m, &err), -ENOENT);
	assert_int_equal(err.reason, BK_E_IO);
	assert_int_equal(bk_error_exit_status(&err), 2);
}

/* ------------------------------------------------------------------ */
/* The tool: one exit-status rule in every command                     */

/* The exit status of the tool's command line (stderr into err.txt). */
static int tool(const char *args)
{
	return bkt_cmd("'%s' %s 2>'%s'", bkt_tool(), args, bkt_tmp("err.txt"));
}

static bool stderr_says(const char *needle)
{
	char *text = bkt_read(bkt_tmp("err.txt"), NULL);
	bool found = text && strstr(text, needle);
	free(text);
	return found;
}

/* The command line (printf's format) exits with want. */
__attribute__((format(printf, 2, 3)))
static void expect_exit(int want, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int st = tool(cmd);
	if (st != want)
		fail_msg("btfkit %s: exit %d, want %d", cmd, st, want);
}

/* bad in every role a file has in a command: module, base, built-against */
static void each_role(const char *bad_path, int want)
{
	/* the path helpers rotate a few static buffers: keep copies */
	char bad[512], v[512], mod[512], a[512], b[512];
	snprintf(bad, sizeof(bad), "%s", bad_path);
	snprintf(v, sizeof(v), "%s", bkt_vmlinux(KVER));
	snprintf(mod, sizeof(mod), "%s", bkt_module(KVER, DUMMY));
	snprintf(a, sizeof(a), "%s", bkt_tmp("a"));
	snprintf(b, sizeof(b), "%s", bkt_tmp("b"));
	expect_exit(want, "dump '%s'", bad);
	expect_exit(want, "dump -B '%s' '%s'", bad, mod);
	expect_exit(want, "validate '%s'", bad);
	expect_exit(want, "validate -B '%s' '%s'", bad, mod);
	expect_exit(want, "distill -B '%s' '%s' --base-out '%s' --split-out '%s'", v, bad, a, b);
	expect_exit(want, "distill -B '%s' '%s' --base-out '%s' --split-out '%s'", bad, mod, a, b);
	expect_exit(want, "relocate -B '%s' '%s'", v, bad);
	expect_exit(want, "relocate -B '%s' --built-against '%s' '%s'", bad, v, mod);
	expect_exit(want, "relocate -B '%s' --built-against '%s' '%s'", v, bad, mod);
	expect_exit(want, "relocate -B '%s' --dist-base '%s' '%s'", v, bad, mod);
	expect_exit(want, "check -B '%s' '%s'", bad, mod);
	expect_exit(want, "check -B '%s' --built-against '%s' '%s'", v, bad, mod);
}

/* 1 for any input that is not valid BTF or does not fit, whichever role
 * it has; 2 for usage and I/O. */
static void test_exit_status_rule(void **state)
{
	(void)state;
	char v[512], other[512], mod[512], a[512], b[512];
	snprintf(v, sizeof(v), "%s", bkt_vmlinux(KVER));
	snprintf(other, sizeof(other), "%s", bkt_vmlinux(OTHER));
	snprintf(mod, sizeof(mod), "%s", bkt_module(KVER, DUMMY));
	snprintf(a, sizeof(a), "%s", bkt_tmp("a"));
	snprintf(b, sizeof(b), "%s", bkt_tmp("b"));
	FILE *f = fopen(bkt_tmp("junk"), "w");
	assert_non_null(f);
	fputs("not BTF at all\n", f);
	assert_int_equal(fclose(f), 0);
	each_role(bkt_tmp("junk"), 1);
	each_role(bkt_tmp("absent"), 2);
	/* a module or --built-against from another kernel: 1, and said so */
	expect_exit(1, "relocate -B '%s' --built-against '%s' '%s'", v, other, mod);
	assert_true(stderr_says("built against another kernel?"));
	expect_exit(1, "distill -B '%s' '%s' --base-out '%s' --split-out '%s'", other, mod, a, b);
	assert_true(stderr_says("built against another kernel?"));
	/* a module without .BTF.base, nothing to distill it against: 1 */
	expect_exit(1, "relocate -B '%s' '%s'", v, mod);
	/* usage: 2 */
	expect_exit(2, "relocate");
	expect_exit(2, "check -B");
	expect_exit(2, "dump --no-such-option x");
}

/* A corrupt module is corrupt: no "built against another kernel?" before
 * the reader's message, whichever command reads it. */
static void test_cli_never_rewrites(void **state)
{
	(void)state;
	size_t len;
	char *blob = bkt_read(bkt_module(KVER, DUMMY), &len), cmd[4096];
	FILE *f = fopen(bkt_tmp("cut.btf"), "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(blob, 1, 100, f), 100);
	assert_int_equal(fclose(f), 0);
	free(blob);
	char v[512], cut[512];
	snprintf(v, sizeof(v), "%s", bkt_vmlinux(KVER));
	snprintf(cut, sizeof(cut), "%s", bkt_tmp("cut.btf"));
	snprintf(cmd, sizeof(cmd), "distill -B '%s' '%s' --base-out '%s' --split-out '%s'", v, cut,
		 bkt_tmp("a"), bkt_tmp("b"));
	assert_int_equal(tool(cmd), 1);
	assert_true(stderr_says("type section at"));
	assert_false(stderr_says("another kernel"));
	snprintf(cmd, sizeof(cmd), "relocate -B '%s' --built-against '%s' '%s'", v, v, cut);
	assert_int_equal(tool(cmd), 1);
	assert_false(stderr_says("another kernel"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_facts_of_real_modules),
		cmocka_unit_test(test_compression_kept),
		cmocka_unit_test(test_place_without_dist_base),
		cmocka_unit_test(test_place_through_dist_base),
		cmocka_unit_test(test_given_dist_base),
		cmocka_unit_test(test_misfit_is_named),
		cmocka_unit_test(test_corrupt_blob_is_not_a_misfit),
		cmocka_unit_test(test_no_dist_base),
		cmocka_unit_test(test_open_reasons),
		cmocka_unit_test(test_exit_status_rule),
		cmocka_unit_test(test_cli_never_rewrites),
	};
	return cmocka_run_group_tests(tests, bkt_tmpdir_setup, bkt_tmpdir_teardown);
}
