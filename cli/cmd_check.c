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
	"      --kernel-relocates yes|no\n"
	"                            whether the kernel relocates module BTF at load\n"
	"                            (6.11 and later); default: told from its BTF\n"
	"                            (FUNC 'btf_relocate', struct btf's base_id_map)\n"
	"      --report              after the modules: verdicts per subsystem, the\n"
	"                            modules one type alone fails, the modules behind\n"
	"                            each breaker (docs/check.md)\n"
	"      --compare OLD.jsonl   the modules whose verdict changed since a previous\n"
	"                            run (its -j output)\n"
	"      --html FILE           the report as one self-contained HTML page\n"
	"\n"
	"status of a module: relocates | fails | bound | no-btf | error |\n"
	"needs-rewrite (the module fits only relocated, and the kernel will not\n"
	"relocate it at load: before 6.11, or it has no .BTF.base, which no kernel\n"
	"relocates; btfkit relocate -o writes one that loads). A module's\n"
	".BTF_ids (kfunc sets, BTF_ID lists) must name what its symbols ask for, in\n"
	"its numbering: else it fails (problem \"btf-ids\"). A bound module that\n"
	"fits (a kernel's own modules checked against it) is a success.\n"
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
	"  PROBLEM for .BTF_ids: {\"problem\": \"btf-ids\", \"set\", \"symbol\",\n"
	"    \"offset\", \"id\", \"text\"}; for 'needs-rewrite': {\"problem\":\n"
	"    \"needs-rewrite\", \"text\"}. \"via\": \".BTF.base\" or \"built-against\"\n"
	"    says what the module was relocated through\n"
	"  {\"summary\": {\"modules\", \"relocates\", \"fails\", \"bound\", \"no-btf\",\n"
	"    \"error\": counts; \"seconds\", \"threads\";\n"
	"    \"slowest\": [{\"module\", \"ms\"}] (5); \"breakers\": [{\"type\", \"modules\"}]:\n"
	"    the distilled types that break the most modules (10)}}\n"
	"\n"
	"exit status: 0 when every module relocates, fits as it is (bound) or has\n"
	"no BTF; 1 otherwise (also: no module found under PATH), or when KERNEL_BTF\n"
	"or --built-against is not valid BTF; 2 usage or I/O errors, or modules\n"
	"that could not be checked for lack of memory (even retried alone: each is\n"
	"named, and every other result is kept)\n";

#define MAX_KERNELS 16

struct check_args {
	const char *base, *built_against; /* base: the kernel of this run */
	const char *bases[MAX_KERNELS];   /* every -B, run one after the other */
	int nr_bases;
	struct cli_report_args report;
	bool json, quiet, quirks;
	unsigned threads;
	enum bk_kernel_relocates kernel_relocates;
	char **paths;
	int nr_paths;
};

static int parse_args(int argc, char **argv, struct check_args *a)
{
	enum { OPT_BUILT_AGAINST = 256, OPT_QUIRKS, OPT_REPORT, OPT_COMPARE, OPT_HTML,
	       OPT_KERNEL_RELOCATES };
	static const struct option longopts[] = {
		{"base", required_argument, NULL, 'B'},
		{"json", no_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},
		{"threads", required_argument, NULL, 't'},
		{"built-against", required_argument, NULL, OPT_BUILT_AGAINST},
		{"libbpf-quirks", no_argument, NULL, OPT_QUIRKS},
		{"kernel-relocates", required_argument, NULL, OPT_KERNEL_RELOCATES},
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
		case OPT_KERNEL_RELOCATES:
			if (!strcmp(optarg, "yes"))
				a->kernel_relocates = BK_KERNEL_RELOCATES_YES;
			else if (!strcmp(optarg, "no"))
				a->kernel_relocates = BK_KERNEL_RELOCATES_NO;
			else
				return cli_usage_error("check", "--kernel-relocates is yes or no, "
						       "not '%s'", optarg);
			break;
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

/* why a module needs rewriting: the kernel relocates no module BTF at
 * load (before 6.11), or this one has no .BTF.base to relocate it by */
static const char *needs_rewrite_text(const struct bk_check_result *r, bool kernel_relocates)
{
	if (kernel_relocates && !r->had_base)
		return "no .BTF.base: the kernel relocates module BTF at load only through one, "
		       "and reads this .BTF as it is; it fits only relocated: btfkit relocate -B "
		       "KERNEL_BTF --built-against OLD_BTF MODULE -o OUT.ko writes one that loads "
		       "(btfkit distill -B OLD_BTF adds a .BTF.base, which it relocates at load)";
	return "the kernel does not relocate module BTF at load (before 6.11): it fits only "
	       "relocated; btfkit relocate -B KERNEL_BTF MODULE -o OUT.ko writes one that loads";
}

static void ids_problems_json(const struct bk_check_result *r, bool first)
{
	for (size_t i = 0; i < r->nr_ids_problems; i++) {
		const struct bk_check_ids_problem *p = &r->ids_problems[i];
		printf("%s{\"problem\":\"btf-ids\",\"set\":", first && !i ? "" : ",");
		if (p->set[0])
			cli_json_str(stdout, p->set);
		else
			fputs("null", stdout);
		fputs(",\"symbol\":", stdout);
		cli_json_str(stdout, p->symbol);
		printf(",\"offset\":%u,\"id\":%u,\"text\":", p->offset, p->id);
		cli_json_str(stdout, p->text);
		putchar('}');
	}
}

static void print_json(const struct bk_check_result *r, const struct bk_diff_result *why,
		       const char *kernel, bool against, bool kernel_relocates)
{
	char buf[1400];
	fputs("{\"module\":", stdout);
	cli_json_str(stdout, r->module);
	if (kernel) { /* several kernels (-B): which one this line is about */
		fputs(",\"kernel\":", stdout);
		cli_json_str(stdout, kernel);
	}
	printf(",\"via\":%s", r->had_base ? "\".BTF.base\"" : against ? "\"built-against\"" : "null");
	printf(",\"status\":\"%s\",\"problems\":", bk_check_status_name(r->status));
	if (r->nr_ids_problems && !r->report) {
		putchar('[');
		ids_problems_json(r, true);
		putchar(']');
	} else if (r->status == BK_CHECK_NEEDS_REWRITE) {
		fputs("[{\"problem\":\"needs-rewrite\",\"text\":", stdout);
		cli_json_str(stdout, needs_rewrite_text(r, kernel_relocates));
		fputs("}]", stdout);
	} else if (r->status == BK_CHECK_FAILS) {
		/* the relocation's problems, then .BTF_ids' in the same array */
		putchar('[');
		cli_reloc_problems_json_items(stdout, r->report);
		ids_problems_json(r, !r->report || !r->report->nr_problems);
		putchar(']');
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
		       const struct bk_diff_result *why, bool kernel_relocates)
{
	char buf[1400];
	if (quiet && (r->status == BK_CHECK_RELOCATES || r->status == BK_CHECK_NO_BTF ||
		      (r->status == BK_CHECK_BOUND && r->fits)))
		return;
	printf("%-9s ", bk_check_status_name(r->status));
	cli_print_path(stdout, r->module);
	if (r->status == BK_CHECK_NEEDS_REWRITE)
		printf(": %s", needs_rewrite_text(r, kernel_relocates));
	else if (r->status == BK_CHECK_BOUND)
		printf(": no .BTF.base; %s",
		       r->fits ? "fits this kernel's BTF" : error_text(&r->error, buf, sizeof(buf)));
	else if (r->status == BK_CHECK_ERROR)
		printf(": %s", error_text(&r->error, buf, sizeof(buf)));
	putchar('\n');
	for (size_t i = 0; i < r->nr_ids_problems; i++) {
		const struct bk_check_ids_problem *p = &r->ids_problems[i];
		printf("    .BTF_ids: %s%s%s%s at offset %u: %s\n", p->set[0] ? "set " : "", p->set,
		       p->set[0] && p->symbol[0] ? " " : "", p->symbol, p->offset, p->text);
	}
	if (r->status == BK_CHECK_FAILS && r->report) {
		cli_reloc_problems_text(stdout, r->report, "    ");
		cli_check_why_text(why, r->report, "    ");
	}
}

/* Does the module's .BTF fit the kernel BTF it is said to be built for? */
static bool fits(const char *path, const struct bk_btf *against)
{
	struct bk_error err = {0};
	struct bk_file *f;
	struct bk_btf *b = NULL;
	bool ok = !bk_file_open(path, &f, &err) && !bk_file_btf(f, ".BTF", against, &b, &err) &&
		  !bk_split_check_base(b, &err);
	bk_btf_free(b);
	if (f)
		bk_file_close(f);
	return ok;
}

/* --built-against is the wrong kernel when no module without .BTF.base got
 * past it and the first ones that failed do not even fit it (a few are
 * enough to tell: checking every one would cost a pass over each). Then it
 * is said once, not in 4,000 module errors. */
static bool wrong_against(const struct bk_check_result *r, size_t n, const struct bk_btf *against,
			  size_t *without_base)
{
	size_t tried = 0;
	*without_base = 0;
	if (!against)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (r[i].status == BK_CHECK_NO_BTF || r[i].had_base)
			continue;
		(*without_base)++;
		if (r[i].status != BK_CHECK_FAILS && r[i].status != BK_CHECK_ERROR)
			return false;
	}
	for (size_t i = 0; i < n && tried < 8; i++) {
		if (r[i].had_base || r[i].misfit || r[i].status == BK_CHECK_NO_BTF)
			continue;
		if (fits(r[i].module, against))
			return false;
		tried++;
	}
	return *without_base > 0;
}

static void print_summary(const struct check_args *a, const struct bk_check_result *r,
			  const struct bk_check_summary *s, double seconds, unsigned threads,
			  bool kernel_relocates)
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
		printf("],\"kernel_relocates\":%s,\"kernel_relocates_from\":\"%s\"}}\n",
		       kernel_relocates ? "true" : "false", a->kernel_relocates ? "option" : "btf");
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
	/* (a module relocates at load only through its own .BTF.base) */
	size_t without_base = 0;
	for (size_t i = 0; i < s->total; i++)
		without_base += r[i].status == BK_CHECK_NEEDS_REWRITE && !r[i].had_base;
	if (s->count[BK_CHECK_NEEDS_REWRITE])
		printf("%zu %s rewriting\n", s->count[BK_CHECK_NEEDS_REWRITE],
		       cli_plural(s->count[BK_CHECK_NEEDS_REWRITE], "needs", "need"));
	printf("the kernel %s module BTF at load (%s)\n",
	       kernel_relocates ? "relocates" : "does not relocate",
	       a->kernel_relocates ? "--kernel-relocates"
	       : kernel_relocates ? "its BTF has btf_relocate / struct btf's base_id_map"
				  : "its BTF has neither btf_relocate nor struct btf's base_id_map: "
				    "before 6.11");
	if (s->count[BK_CHECK_NEEDS_REWRITE])
		printf("modules that need rewriting load once written for this kernel: btfkit "
		       "relocate -B %s%s%s MODULE -o OUT.ko\n", a->base,
		       a->built_against ? " --built-against " : "",
		       a->built_against ? a->built_against : "");
	if (kernel_relocates && without_base)
		printf("or, for the %zu without .BTF.base, once given one, which this kernel "
		       "relocates at load: btfkit distill -B %s MODULE -o OUT.ko\n", without_base,
		       a->built_against ? a->built_against : "OLD_BTF");
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
				     .libbpf_quirks = a->quirks, .threads = a->threads,
				     .kernel_relocates = a->kernel_relocates);
	struct bk_check_result *res = NULL;
	struct bk_check_summary sum;
	struct bk_error err = {0};
	char **files;
	size_t n;
	double t0 = now();
	if (bk_check_collect((const char *const *)a->paths, (size_t)a->nr_paths, &files, &n, &err))
		return cli_fail(&err);
	if (!n) {
		fprintf(stderr, "btfkit: no modules under %s%s: looked for *.ko, *.ko.xz, *.ko.zst, "
			"*.ko.gz and *.btf (e.g. /lib/modules/VERSION)\n", a->paths[0],
			a->nr_paths > 1 ? " ..." : "");
		bk_check_free_files(files, n);
		return EXIT_INVALID;
	}
	if (isatty(STDERR_FILENO) && !a->quiet) /* quiet: no progress either */
		opts.progress = progress;
	if (bk_check_run(files, n, &opts, &res, &err)) {
		bk_check_free_files(files, n);
		return cli_fail(&err);
	}
	size_t without_base;
	bool wrong = wrong_against(res, n, against, &without_base);
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
	bool relocating = bk_check_kernel_relocates(&opts);
	for (size_t i = 0; i < n; i++)
		if (a->json)
			print_json(&res[i], why, a->nr_bases > 1 ? a->base : NULL, against != NULL,
				   relocating);
		else if (!wrong || res[i].had_base || res[i].status == BK_CHECK_NO_BTF)
			print_text(&res[i], a->quiet, why, relocating);
	bk_diff_free(why);
	if (wrong)
		fprintf(stderr, "btfkit: none of the %zu modules without .BTF.base fits "
			"--built-against %s: it is not the kernel they were built for (give that "
			"kernel's BTF: its vmlinux, or /sys/kernel/btf/vmlinux while it runs)\n",
			without_base, a->built_against);
	struct cli_report_args ra = a->report;
	ra.json = a->json;
	ra.name_kernel = a->nr_bases > 1;
	int report_status = ra.report || ra.compare || ra.html ? cli_check_report(&ra, a->base, res, n)
							      : EXIT_OK;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = a->threads ? a->threads : cpus > 0 ? (unsigned)cpus : 1;
	print_summary(a, res, &sum, now() - t0, threads, relocating);
	size_t unfit = 0;
	for (size_t i = 0; i < n; i++)
		unfit += res[i].status == BK_CHECK_BOUND && !res[i].fits;
	int status = sum.count[BK_CHECK_FAILS] || unfit || sum.count[BK_CHECK_ERROR] ||
				     sum.count[BK_CHECK_NEEDS_REWRITE]
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
