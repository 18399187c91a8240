// SPDX-License-Identifier: MIT
/* btfkit check: which modules of a set relocate onto a kernel. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

const char cmd_check_usage[] =
	"usage: btfkit check -B KERNEL_BTF [options] PATH...\n"
	"\n"
	"Tell which modules work on a kernel: each module's BTF is relocated onto\n"
	"KERNEL_BTF (e.g. /sys/kernel/btf/vmlinux or a vmlinux file). PATH is a\n"
	"module (.ko, .ko.xz, .ko.zst, .ko.gz), a raw split BTF blob (.btf), '-'\n"
	"(standard input), or a directory searched for them (e.g.\n"
	"/lib/modules/<version>); a file reached twice (a symlink and its target) is\n"
	"checked once. A module without\n"
	".BTF.base is distilled first against --built-against; without that option\n"
	"it is 'bound': its split BTF works only on the exact kernel it was built\n"
	"for (the report says whether its IDs and strings even fit KERNEL_BTF).\n"
	"Modules are checked on every core; output is in path order.\n"
	"\n"
	"options:\n"
	"  -B, --base FILE           the kernel's BTF (required); several -B: one run\n"
	"                            per kernel, JSON lines then name their \"kernel\"\n"
	"      --built-against FILE  the kernel BTF the modules were built against\n"
	"  -j, --json                JSON Lines (below)\n"
	"  -q, --quiet               text: list only modules that do not relocate,\n"
	"                            no summary\n"
	"  -t, --threads N           threads (default: every online CPU)\n"
	"      --libbpf-quirks       match as libbpf 1.8 does, its bugs included\n"
	"      --report              after the modules: verdicts per subsystem, the\n"
	"                            modules one type alone fails, the modules behind\n"
	"                            each breaker (docs/check.md)\n"
	"      --compare OLD.jsonl   the modules whose verdict changed since a previous\n"
	"                            run (its -j output)\n"
	"      --html FILE           the report as one self-contained HTML page\n"
	"\n"
	"status of a module: relocates | fails | bound | no-btf | error\n"
	"\n"
	"JSON Lines: one object per module, then one summary line:\n"
	"  {\"module\": PATH, \"status\": STATUS, \"problems\": [PROBLEM...]}\n"
	"  PROBLEM for 'fails': {\"problem\": \"not-found\"|\"ambiguous\"|\"size-differs\",\n"
	"    \"type_id\", \"kind\", \"name\", \"size\": the distilled base type;\n"
	"    \"primary\": true on the one libbpf reports (it stops there);\n"
	"    \"candidates\": [{\"id\", \"kind\", \"size\", \"text\"}]: every candidate\n"
	"      (ambiguous) or the near misses (same name, other kind or size);\n"
	"    \"embedded_in\": {\"type_id\", \"member\", \"text\"} when the module embeds\n"
	"      the type; \"text\": the problem in words}\n"
	"  and with --built-against, for the size-differs problems, \"why\": [{\"kind\",\n"
	"    \"name\", \"size\": [old, new], \"cause\": \"root\"|\"shifted\", \"root\",\n"
	"    \"text\"}]: what changed in the type between the two kernels (btfkit diff)\n"
	"  PROBLEM for 'bound': {\"problem\": \"bound\", \"fits\": BOOL, \"reason\"\n"
	"    (when it does not fit), \"text\"}\n"
	"  PROBLEM for 'error': {\"problem\": \"error\", \"reason\", \"text\"}; \"reason\":\n"
	"    a stable code (\"base-misfit\", \"not-btf\", \"elf\", ...; errors.h)\n"
	"  {\"summary\": {\"modules\", \"relocates\", \"fails\", \"bound\", \"no-btf\",\n"
	"    \"error\": counts; \"seconds\", \"threads\";\n"
	"    \"slowest\": [{\"module\", \"ms\"}] (5); \"breakers\": [{\"type\", \"modules\"}]:\n"
	"    the distilled types that break the most modules (10)}}\n"
	"\n"
	"exit status: 0 when no module fails, is bound or errs; 1 otherwise, or when\n"
	"KERNEL_BTF or --built-against is not valid BTF; 2 usage or I/O errors, or\n"
	"modules that could not be checked for lack of memory (even retried alone:\n"
	"each is named, and every other result is kept)\n";

#define MAX_KERNELS 16

struct check_args {
	const char *base, *built_against; /* base: the kernel of this run */
	const char *bases[MAX_KERNELS];   /* every -B, run one after the other */
	int nr_bases;
	struct cli_report_args report;
	bool json, quiet, quirks;
	unsigned threads;
	char **paths;
	int nr_paths;
};

static int parse_args(int argc, char **argv, struct check_args *a)
{
	enum { OPT_BUILT_AGAINST = 256, OPT_QUIRKS, OPT_REPORT, OPT_COMPARE, OPT_HTML };
	static const struct option longopts[] = {
		{"base", required_argument, NULL, 'B'},
		{"json", no_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{"threads", required_argument, NULL, 't'},
		{"built-against", required_argument, NULL, OPT_BUILT_AGAINST},
		{"libbpf-quirks", no_argument, NULL, OPT_QUIRKS},
		{"report", no_argument, NULL, OPT_REPORT},
		{"compare", required_argument, NULL, OPT_COMPARE},
		{"html", required_argument, NULL, OPT_HTML},
		{NULL, 0, NULL, 0},
	};
	int c;
	char *end;
	optind = 1;
	while ((c = getopt_long(argc, argv, "B:jqt:", longopts, NULL)) != -1) {
		switch (c) {
		case 'B':
			if (a->nr_bases == MAX_KERNELS)
				return cli_usage_error("check", "at most %d kernels (-B)", MAX_KERNELS);
			a->bases[a->nr_bases++] = optarg;
			a->base = a->bases[0];
			break;
		case 'j': a->json = true; break;
		case 'q': a->quiet = true; break;
		case 't':
			a->threads = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !a->threads || a->threads > 256)
				return cli_usage_error("check", "--threads wants 1..256, not '%s'", optarg);
			break;
		case OPT_BUILT_AGAINST: a->built_against = optarg; break;
		case OPT_QUIRKS: a->quirks = true; break;
		case OPT_REPORT: a->report.report = true; break;
		case OPT_COMPARE: a->report.compare = optarg; break;
		case OPT_HTML: a->report.html = optarg; break;
		default: return cli_usage_error("check", "unknown option");
		}
	}
	if (!a->base)
		return cli_usage_error("check", "-B KERNEL_BTF is required");
	if (optind >= argc)
		return cli_usage_error("check", "give at least one PATH");
	a->paths = argv + optind;
	a->nr_paths = argc - optind;
	return EXIT_OK;
}

static void progress(size_t done, size_t total, void *ctx)
{
	(void)ctx;
	if (done == total || done % 64 == 0)
		fprintf(stderr, "\rchecking modules: %zu/%zu", done, total);
	if (done == total)
		fputs("\r\033[K", stderr);
}

static const char *error_text(const struct bk_error *e, char *buf, size_t len)
{
	return bk_error_str(e, buf, len);
}

static void print_json(const struct bk_check_result *r, const struct bk_diff_result *why,
		       const char *kernel)
{
	char buf[1400];
	fputs("{\"module\":", stdout);
	cli_json_str(stdout, r->module);
	if (kernel) { /* several kernels (-B): which one this line is about */
		fputs(",\"kernel\":", stdout);
		cli_json_str(stdout, kernel);
	}
	printf(",\"status\":\"%s\",\"problems\":", bk_check_status_name(r->status));
	if (r->status == BK_CHECK_FAILS) {
		cli_reloc_problems_json(stdout, r->report);
	} else if (r->status == BK_CHECK_BOUND) {
		printf("[{\"problem\":\"bound\",\"fits\":%s,", r->fits ? "true" : "false");
		if (!r->fits)
			printf("\"reason\":\"%s\",", bk_reason_name(r->error.reason));
		fputs("\"text\":", stdout);
		cli_json_str(stdout, r->fits ? "its split BTF reads on this kernel's BTF, but only "
					       "the kernel it was built for is sure to match"
					     : error_text(&r->error, buf, sizeof(buf)));
		fputs("}]", stdout);
	} else if (r->status == BK_CHECK_ERROR) {
		printf("[{\"problem\":\"error\",\"reason\":\"%s\",\"text\":",
		       bk_reason_name(r->error.reason));
		cli_json_str(stdout, error_text(&r->error, buf, sizeof(buf)));
		fputs("}]", stdout);
	} else {
		fputs("[]", stdout);
	}
	if (r->status == BK_CHECK_FAILS)
		cli_check_why_json(why, r->report);
	puts("}");
}

static void print_text(const struct bk_check_result *r, bool quiet,
		       const struct bk_diff_result *why)
{
	char buf[1400];
	if (quiet && (r->status == BK_CHECK_RELOCATES || r->status == BK_CHECK_NO_BTF))
		return;
	printf("%-9s ", bk_check_status_name(r->status));
	cli_print_path(stdout, r->module);
	if (r->status == BK_CHECK_BOUND)
		printf(": no .BTF.base; %s",
		       r->fits ? "fits this kernel's BTF" : error_text(&r->error, buf, sizeof(buf)));
	else if (r->status == BK_CHECK_ERROR)
		printf(": %s", error_text(&r->error, buf, sizeof(buf)));
	putchar('\n');
	if (r->status == BK_CHECK_FAILS) {
		cli_reloc_problems_text(stdout, r->report, "    ");
		cli_check_why_text(why, r->report, "    ");
	}
}

static void print_summary(const struct check_args *a, const struct bk_check_result *r,
			  const struct bk_check_summary *s, double seconds, unsigned threads)
{
	if (a->json) {
		fputs("{\"summary\":{", stdout);
		if (a->nr_bases > 1) {
			fputs("\"kernel\":", stdout);
			cli_json_str(stdout, a->base);
			putchar(',');
		}
		printf("\"modules\":%zu", s->total);
		for (int k = 0; k < BK_CHECK_NR_STATUS; k++)
			printf(",\"%s\":%zu", bk_check_status_name(k), s->count[k]);
		printf(",\"seconds\":%.3f,\"threads\":%u,\"slowest\":[", seconds, threads);
		for (size_t i = 0; i < s->nr_slowest; i++) {
			printf("%s{\"module\":", i ? "," : "");
			cli_json_str(stdout, r[s->slowest[i]].module);
			printf(",\"ms\":%.3f}", r[s->slowest[i]].seconds * 1e3);
		}
		fputs("],\"breakers\":[", stdout);
		for (size_t i = 0; i < s->nr_top; i++) {
			printf("%s{\"type\":", i ? "," : "");
			cli_json_str(stdout, s->top[i].type);
			printf(",\"modules\":%zu}", s->top[i].modules);
		}
		puts("]}}");
		return;
	}
	if (a->quiet) /* quiet: the modules that do not relocate, nothing else */
		return;
	printf("\n%zu %s against ", s->total, cli_plural(s->total, "module", "modules"));
	cli_print_path(stdout, a->base);
	printf(" in %.2f s on %u %s: %zu relocate%s, %zu fail%s, %zu bound, %zu without BTF, "
	       "%zu %s\n",
	       seconds, threads, cli_plural(threads, "thread", "threads"),
	       s->count[BK_CHECK_RELOCATES], cli_plural(s->count[BK_CHECK_RELOCATES], "s", ""),
	       s->count[BK_CHECK_FAILS], cli_plural(s->count[BK_CHECK_FAILS], "s", ""),
	       s->count[BK_CHECK_BOUND], s->count[BK_CHECK_NO_BTF], s->count[BK_CHECK_ERROR],
	       cli_plural(s->count[BK_CHECK_ERROR], "error", "errors"));
	if (s->nr_slowest) {
		fputs("slowest:", stdout);
		for (size_t i = 0; i < s->nr_slowest; i++) {
			fputs(i ? ", " : " ", stdout);
			cli_print_path(stdout, r[s->slowest[i]].module);
			printf(" (%.2f ms)", r[s->slowest[i]].seconds * 1e3);
		}
		putchar('\n');
	}
	if (s->nr_top) {
		fputs("types that break the most modules:", stdout);
		for (size_t i = 0; i < s->nr_top; i++)
			printf("%s %s (%zu)", i ? "," : "", s->top[i].type, s->top[i].modules);
		putchar('\n');
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(const struct check_args *a, const struct bk_btf *kernel,
	       const struct bk_btf *against)
{
	BK_OPTS(bk_check_opts, opts, .kernel = kernel, .built_against = against,
				     .libbpf_quirks = a->quirks, .threads = a->threads);
	struct bk_check_result *res = NULL;
	struct bk_check_summary sum;
	struct bk_error err = {0};
	char **files;
	size_t n;
	double t0 = now();
	if (bk_check_collect((const char *const *)a->paths, (size_t)a->nr_paths, &files, &n, &err))
		return cli_fail(&err);
	if (isatty(STDERR_FILENO) && !a->quiet) /* quiet: no progress either */
		opts.progress = progress;
	if (bk_check_run(files, n, &opts, &res, &err)) {
		bk_check_free_files(files, n);
		return cli_fail(&err);
	}
	size_t nr_oom = 0;
	for (size_t i = 0; i < n; i++) {
		/* a result that could not keep its name takes the file's */
		if (!res[i].module) {
			res[i].module = files[i];
			files[i] = NULL;
		}
		nr_oom += res[i].status == BK_CHECK_ERROR && res[i].error.code == -ENOMEM;
	}
	/* the results are printed even when the breakers cannot be counted */
	int summary = bk_check_summarize(res, n, &sum);
	struct bk_diff_result *why = cli_check_diff(against, kernel, res, n);
	for (size_t i = 0; i < n; i++)
		a->json ? print_json(&res[i], why, a->nr_bases > 1 ? a->base : NULL)
			: print_text(&res[i], a->quiet, why);
	bk_diff_free(why);
	struct cli_report_args ra = a->report;
	ra.json = a->json;
	ra.name_kernel = a->nr_bases > 1;
	int report_status = ra.report || ra.compare || ra.html ? cli_check_report(&ra, a->base, res, n)
							      : EXIT_OK;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = a->threads ? a->threads : cpus > 0 ? (unsigned)cpus : 1;
	print_summary(a, res, &sum, now() - t0, threads);
	int status = sum.count[BK_CHECK_FAILS] || sum.count[BK_CHECK_BOUND] ||
				     sum.count[BK_CHECK_ERROR]
			     ? EXIT_INVALID
			     : EXIT_OK;
	if (report_status)
		status = report_status;
	if (summary) {
		fprintf(stderr, "btfkit: check: cannot count the types that break modules: %s "
			"(every result is above)\n", strerror(-summary));
		status = EXIT_USAGE;
	}
	if (nr_oom) {
		fprintf(stderr, "btfkit: check: %zu module%s could not be checked for lack of "
			"memory, even alone (named above)\n", nr_oom, nr_oom == 1 ? "" : "s");
		status = EXIT_USAGE;
	}
	bk_check_results_free(res, n);
	bk_check_free_files(files, n);
	return status;
}

int cmd_check(int argc, char **argv)
{
	struct check_args a = {0};
	struct bk_btf *kernel = NULL, *against = NULL;
	struct bk_error err = {0};
	int status = parse_args(argc, argv, &a);
	if (status)
		return status;
	if (cli_load_base(a.built_against, &against, &err))
		return cli_fail(&err);
	/* one run per kernel, in the order given; the worst status counts */
	for (int k = 0; k < a.nr_bases && status != EXIT_USAGE; k++) {
		a.base = a.bases[k];
		if (cli_load_base(a.base, &kernel, &err)) {
			status = cli_fail(&err);
			break;
		}
		int s = run(&a, kernel, against);
		status = s > status ? s : status;
		bk_btf_free(kernel);
		kernel = NULL;
	}
	if (a.report.html && status != EXIT_USAGE && cli_check_report_finish(&a.report))
		status = EXIT_USAGE;
	bk_btf_free(against);
	return status;
}
