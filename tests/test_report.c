// SPDX-License-Identifier: MIT
/*
 * check --report, --compare and --html: subsystems, sole causes and the
 * modules behind each breaker on the corpus (Debian 6.1.0-47's modules on
 * 6.1.0-56), the verdicts that changed since a previous run, and the HTML
 * page opened in headless Chromium (its script sorts the table; the chart
 * is there), with nothing fetched from the network.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static void test_names(void **state)
{
	(void)state;
	char b[256];
	assert_string_equal(bk_check_subsystem("/lib/modules/6.1/kernel/drivers/ata/ahci.ko", b, sizeof(b)),
			    "drivers/ata");
	assert_string_equal(bk_check_subsystem("m/kernel/arch/x86/kernel/cpu/mce/inject.ko.xz", b, sizeof(b)),
			    "arch/x86");
	assert_string_equal(bk_check_subsystem("m/kernel/crypto/xts.ko", b, sizeof(b)), "crypto");
	assert_string_equal(bk_check_subsystem("m/kernel/fs/ext4/ext4.ko", b, sizeof(b)), "fs/ext4");
	assert_string_equal(bk_check_subsystem("/tmp/dummy.ko", b, sizeof(b)), "(other)");
	assert_string_equal(bk_check_module_key("/x/6.1/kernel/drivers/ata/ahci.ko.zst", b, sizeof(b)),
			    "kernel/drivers/ata/ahci");
	assert_string_equal(bk_check_module_key("/y/kernel/drivers/ata/ahci.btf", b, sizeof(b)),
			    "kernel/drivers/ata/ahci");
	assert_string_equal(bk_check_module_key("dummy.ko", b, sizeof(b)), "dummy");
}

static const char *check_cmd(const char *extra, const char *paths)
{
	static char cmd[8192];
	/* relocation's verdicts (as if 6.1.0-56 relocated at load: without
	 * .BTF.base, a module that relocates needs rewriting all the same) */
	snprintf(cmd, sizeof(cmd), "%s check %s --kernel-relocates yes -B %s --built-against %s %s",
		 bkt_tool(), extra, bkt_vmlinux("6.1.0-56-amd64"), bkt_vmlinux("6.1.0-47-amd64"),
		 paths);
	return cmd;
}

static size_t count_lines(const char *s, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);
	for (const char *l = s; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		n += !strncmp(l, prefix, len);
	return n;
}

/* the whole 6.1.0-47 set: the report's figures agree with check's */
static void test_report_corpus(void **state)
{
	(void)state;
	int st;
	size_t len;
	char *out = bkt_run(check_cmd("-j --report", bkt_data("modules/6.1.0-47-amd64")), &st, &len);
	assert_int_equal(st, 1);
	size_t modules = 0, fails = 0, subsystems = count_lines(out, "{\"subsystem\":");
	for (const char *l = strstr(out, "{\"subsystem\":"); l; l = strstr(l + 1, "{\"subsystem\":")) {
		unsigned m, r, f;
		assert_int_equal(sscanf(strstr(l, ",\"modules\":"), ",\"modules\":%u,\"relocates\":%u,\"fails\":%u",
					&m, &r, &f), 3);
		modules += m;
		fails += f;
	}
	assert_true(subsystems > 20);
	assert_int_equal(modules, 4022);
	assert_int_equal(fails, 1816);
	/* 1,695 modules behind struct device, 1,573 of them for it alone */
	assert_non_null(strstr(out, "{\"breaker\":\"STRUCT 'device'\",\"modules\":1695,\"sole\":1573,"
				    "\"list\":[\"kernel/drivers/ata/acard-ahci\","));
	assert_non_null(strstr(out, "{\"subsystem\":\"drivers/ata\",\"modules\":"));
	/* the report's lines come before the summary, which is last */
	assert_non_null(strstr(strstr(out, "{\"breaker\":"), "{\"summary\":"));
	free(out);
}

/* text, and the verdicts that changed since a previous run */
static void test_report_compare(void **state)
{
	int st;
	size_t len;
	const char *dir = bkt_data("modules/6.1.0-47-amd64/kernel/drivers/i2c");
	char before[512];
	snprintf(before, sizeof(before), "%s/before.jsonl", bkt_tmpdir);
	(void)state;
	/* the previous run: the same modules on the kernel they were built for,
	 * without --built-against: bound, and they fit (exit 0) */
	assert_int_equal(bkt_cmd("%s check -j -B %s %s > %s", bkt_tool(), bkt_vmlinux("6.1.0-47-amd64"),
				 dir, before), 0);
	char extra[600];
	snprintf(extra, sizeof(extra), "--report --compare %s", before);
	char *out = bkt_run(check_cmd(extra, dir), &st, &len);
	assert_int_equal(st, 1);
	size_t failing = count_lines(out, "fails ");
	assert_true(failing > 0);
	assert_non_null(strstr(out, "\nverdicts per subsystem (the directories under kernel/):\n"));
	assert_non_null(strstr(out, "\n  drivers/i2c "));
	assert_non_null(strstr(out, "\nsole causes ("));
	assert_non_null(strstr(out, "\nmodules behind each breaker:\n  STRUCT 'i2c_adapter' ("));
	/* before, they were bound (no .BTF.base, no --built-against); now each
	 * needs rewriting or fails: every module changed verdict */
	char want[1024];
	snprintf(want, sizeof(want), "\ncompared with %s: %zu modules changed verdict, 0 new, 0 gone\n",
		 before, count_lines(out, "fails ") + count_lines(out, "needs-rewrite "));
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "  kernel/drivers/i2c/busses/i2c-amd8111: bound -> fails\n"));
	free(out);
	/* an unreadable previous run: 2 */
	assert_int_equal(bkt_cmd("%s 2>/dev/null >/dev/null", check_cmd("--compare /nonexistent", dir)), 2);
}

static bool have_chromium(void)
{
	return bkt_cmd("command -v chromium >/dev/null 2>&1") == 0;
}

static void test_report_html(void **state)
{
	(void)state;
	int st;
	size_t len;
	char page[512], extra[700];
	snprintf(page, sizeof(page), "%s/report.html", bkt_tmpdir);
	snprintf(extra, sizeof(extra), "-q --html %s", page);
	char *out = bkt_run(check_cmd(extra, bkt_data("modules/6.1.0-47-amd64/kernel/drivers/i2c")), &st,
			    &len);
	assert_int_equal(st, 1);
	free(out);
	char *html = bkt_read(page, &len);
	assert_non_null(html);
	/* self-contained: no network, no external script or style */
	assert_null(strstr(html, "http"));
	assert_null(strstr(html, " src="));
	assert_null(strstr(html, "<link"));
	assert_non_null(strstr(html, "<svg id=\"chart\""));
	free(html);
	if (!have_chromium()) {
		print_message("chromium is not installed (Debian's 'chromium'): the page was not opened\n");
		skip();
	}
	/* the page's script sorts by the hash's column: causes, descending */
	out = bkt_runf(&st, &len, "cd %s && timeout 120 chromium --headless --no-sandbox --disable-gpu "
			    "--no-first-run --user-data-dir=%s/chrome --dump-dom 'file://%s#sort=causes-desc' "
			    "2>/dev/null", bkt_tmpdir, bkt_tmpdir, page);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "<span id=\"sorted\">sorted by causes (descending)</span>"));
	assert_non_null(strstr(out, "data-sorted=\"causes-desc\""));
	/* the first row has the most causes: no later row has more */
	const char *body = strstr(strstr(out, "id=\"modules\""), "<tbody>");
	assert_non_null(body);
	unsigned prev = 1u << 30, rows = 0, causes;
	for (const char *c = strstr(body, "<td class=\"n\">"); c; c = strstr(c + 1, "<td class=\"n\">")) {
		assert_int_equal(sscanf(c, "<td class=\"n\">%u<", &causes), 1);
		assert_true(causes <= prev);
		prev = causes;
		rows++;
	}
	assert_true(rows > 30); /* every module of drivers/i2c */
	/* the chart: a bar of verdicts for the subsystem */
	const char *bar = strstr(out, "<g data-subsystem=\"drivers/i2c\">");
	assert_non_null(bar);
	assert_non_null(strstr(bar, "<rect class=\"fails\""));
	free(out);
}

/* several kernels: one run each, every JSON line naming its kernel; one
 * page with a section per kernel, each table sorted by the page's script */
static void test_report_kernels(void **state)
{
	(void)state;
	int st;
	size_t len;
	char page[512];
	const char *k56 = bkt_vmlinux("6.1.0-56-amd64"), *k612 = bkt_vmlinux("6.12.117+deb12-amd64");
	snprintf(page, sizeof(page), "%s/kernels.html", bkt_tmpdir);
	char *out = bkt_runf(&st, &len, "%s check -j --report --html %s -B %s -B %s --built-against %s %s",
			     bkt_tool(), page, k56, k612, bkt_vmlinux("6.1.0-47-amd64"),
			     bkt_data("modules/6.1.0-47-amd64/kernel/drivers/i2c"));
	assert_int_equal(st, 1);
	size_t lines = 0, named56 = 0, named612 = 0, summaries = 0;
	char want56[600], want612[600];
	snprintf(want56, sizeof(want56), "\"kernel\":\"%s\"", k56);
	snprintf(want612, sizeof(want612), "\"kernel\":\"%s\"", k612);
	for (char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char *end = strchr(l, '\n');
		size_t n = end ? (size_t)(end - l) : strlen(l);
		char line[65536];
		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) - 1 ? n : sizeof(line) - 1), l);
		lines++;
		named56 += strstr(line, want56) != NULL;
		named612 += strstr(line, want612) != NULL;
		summaries += !strncmp(line, "{\"summary\":", 11);
	}
	assert_int_equal(summaries, 2);
	assert_int_equal(named56 + named612, lines); /* every line names its kernel */
	assert_true(named56 > 39 && named612 > 39);
	/* more of drivers/i2c fails on 6.12 than on 6.1.0-56 */
	unsigned f56, f612;
	assert_int_equal(sscanf(strstr(strstr(out, "{\"summary\":"), "\"fails\":"), "\"fails\":%u", &f56), 1);
	assert_int_equal(sscanf(strstr(strstr(strstr(out, "{\"summary\":") + 1, "{\"summary\":"), "\"fails\":"),
				"\"fails\":%u", &f612), 1);
	assert_true(f612 > f56);
	free(out);
	char *html = bkt_read(page, &len);
	assert_non_null(html);
	assert_non_null(strstr(html, "<section id=\"kernel\">"));
	assert_non_null(strstr(html, "<section id=\"kernel-1\">"));
	assert_null(strstr(html, "<section id=\"kernel-2\">"));
	free(html);
	if (!have_chromium()) {
		print_message("chromium is not installed (Debian's 'chromium'): the page was not opened\n");
		skip();
	}
	out = bkt_runf(&st, &len, "cd %s && timeout 120 chromium --headless --no-sandbox --disable-gpu "
			    "--no-first-run --user-data-dir=%s/chrome --dump-dom 'file://%s#sort=module-desc' "
			    "2>/dev/null", bkt_tmpdir, bkt_tmpdir, page);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "<span id=\"sorted\">sorted by module (descending)</span>"));
	assert_non_null(strstr(out, "<span id=\"sorted-1\">sorted by module (descending)</span>"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_report_corpus),
		cmocka_unit_test_setup_teardown(test_report_compare, bkt_tmpdir_setup, bkt_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_report_html, bkt_tmpdir_setup, bkt_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_report_kernels, bkt_tmpdir_setup, bkt_tmpdir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
