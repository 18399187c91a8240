// SPDX-License-Identifier: MIT
/* btfkit diff: what changed between two BTFs, ranked for a person or as JSON Lines. */
#include <fnmatch.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

const char cmd_diff_usage[] =
	"usage: btfkit diff [options] OLD NEW\n"
	"\n"
	"Tell what changed between two BTFs (raw blobs or ELF files, either byte order):\n"
	"named types are matched by kind and name, never by ID. Each changed type is\n"
	"one record with its member-level changes, a severity (breaking, compatible,\n"
	"cosmetic) and a cause: a root, or shifted by an embedded type that changed.\n"
	"Split BTF (two builds of one module): -B OLD_BASE and --new-base NEW_BASE.\n"
	"\n"
	"options:\n"
	"  -j, --json              JSON Lines: one record a change, then a summary\n"
	"                          (schema in docs/diff.md)\n"
	"  -B, --base FILE         OLD is split BTF on FILE\n"
	"      --new-base FILE     NEW is split BTF on FILE (default: -B's)\n"
	"      --modules PATH      modules built against OLD (files or directories, as\n"
	"                          check takes them; repeat, or give more PATHs after NEW):\n"
	"                          which embed or reference each changed type\n"
	"  -t, --threads N         threads for --modules (default: every online CPU)\n"
	"      --members N         text: member lines per type (default 10)\n"
	"      --limit N           text: root causes and prototypes shown (default 50)\n"
	"      --all               text: list added and removed types, not counts\n"
	"      --kind K            only struct|union|enum|typedef|func|var|int|float\n"
	"      --name GLOB         only types whose name matches GLOB\n"
	"      --severity S        only breaking|compatible|cosmetic or worse\n"
	"\n"
	"exit status: 0 identical, 1 differences, 2 usage, I/O or unreadable input\n";

struct diff_args {
	const char *old, *new_path, *base, *new_base;
	bool json, all;
	int kind;
	const char *glob;
	int severity;
	size_t members, limit;
	unsigned threads;
	const char **modules;
	size_t nr_modules;
};

static int parse_count(const char *s, size_t *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || !*s)
		return -1;
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct diff_args *a)
{
	enum { OPT_NEW_BASE = 256, OPT_MODULES, OPT_MEMBERS, OPT_LIMIT, OPT_ALL, OPT_KIND,
	       OPT_NAME, OPT_SEVERITY };
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"base", required_argument, NULL, 'B'},
		{"new-base", required_argument, NULL, OPT_NEW_BASE},
		{"modules", required_argument, NULL, OPT_MODULES},
		{"threads", required_argument, NULL, 't'},
		{"members", required_argument, NULL, OPT_MEMBERS},
		{"limit", required_argument, NULL, OPT_LIMIT},
		{"all", no_argument, NULL, OPT_ALL},
		{"kind", required_argument, NULL, OPT_KIND},
		{"name", required_argument, NULL, OPT_NAME},
		{"severity", required_argument, NULL, OPT_SEVERITY},
		{NULL, 0, NULL, 0},
	};
	size_t v;
	int c;
	a->kind = a->severity = -1;
	a->members = 10;
	a->limit = 50;
	a->modules = calloc((size_t)argc + 1, sizeof(*a->modules));
	if (!a->modules)
		return cli_usage_error("diff", "out of memory");
	optind = 1;
	while ((c = getopt_long(argc, argv, "jB:t:", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': a->json = true; break;
		case 'B': a->base = optarg; break;
		case OPT_NEW_BASE: a->new_base = optarg; break;
		case OPT_MODULES: a->modules[a->nr_modules++] = optarg; break;
		case 't':
			if (parse_count(optarg, &v) || !v || v > 256)
				return cli_usage_error("diff", "--threads wants 1..256, not '%s'", optarg);
			a->threads = (unsigned)v;
			break;
		case OPT_MEMBERS:
			if (parse_count(optarg, &a->members))
				return cli_usage_error("diff", "--members wants a number, not '%s'", optarg);
			break;
		case OPT_LIMIT:
			if (parse_count(optarg, &a->limit))
				return cli_usage_error("diff", "--limit wants a number, not '%s'", optarg);
			break;
		case OPT_ALL: a->all = true; break;
		case OPT_KIND:
			if ((a->kind = bk_diff_class_by_name(optarg)) < 0)
				return cli_usage_error("diff", "--kind: no kind '%s'", optarg);
			break;
		case OPT_NAME: a->glob = optarg; break;
		case OPT_SEVERITY:
			if ((a->severity = bk_diff_severity_by_name(optarg)) < 0)
				return cli_usage_error("diff", "--severity: breaking, compatible or cosmetic, not '%s'",
						       optarg);
			break;
		default: return cli_usage_error("diff", "unknown option");
		}
	}
	if (argc - optind < 2)
		return cli_usage_error("diff", "give OLD and NEW");
	if (argc - optind > 2 && !a->nr_modules)
		return cli_usage_error("diff", "give exactly OLD and NEW (more PATHs only with --modules)");
	a->old = argv[optind];
	a->new_path = argv[optind + 1];
	for (int i = optind + 2; i < argc; i++)
		a->modules[a->nr_modules++] = argv[i];
	if (!a->new_base)
		a->new_base = a->base;
	return EXIT_OK;
}

static bool shown(const struct diff_args *a, const struct bk_diff_record *r)
{
	if (a->kind >= 0 && (int)r->cls != a->kind)
		return false;
	if (a->severity >= 0 && (int)r->severity < a->severity)
		return false;
	return !a->glob || fnmatch(a->glob, r->name, 0) == 0;
}

static void print_json(const struct diff_args *a, const struct bk_diff_result *res, double secs)
{
	for (size_t i = 0; i < res->nr_records; i++)
		if (shown(a, &res->records[i]))
			cli_diff_record_json(res, i);
	cli_diff_summary_json(res, a->old, a->new_path, secs);
}

/* ---- text ------------------------------------------------------------------------- */

static void change_text(const struct bk_diff_change *c, const char *indent)
{
	char eo[32], en[32];
	printf("%s%-18s ", indent, bk_diff_what_name(c->what));
	switch (c->what) {
	case BK_DIFF_SIZE: printf("%" PRId64 " -> %" PRId64 " bytes", c->old_val, c->new_val); break;
	case BK_DIFF_DEFINITION:
		fputs(c->new_val ? "gained its definition" : "lost its definition (declaration only)", stdout);
		break;
	case BK_DIFF_MEMBER_ADDED:
		printf("%s: %s at bit %" PRId64 " (byte %" PRId64 ", %" PRId64 " bits)", c->name,
		       c->new_text, c->new_val, c->new_val / 8, c->new_size);
		break;
	case BK_DIFF_MEMBER_REMOVED:
		printf("%s: %s at bit %" PRId64 " (byte %" PRId64 ", %" PRId64 " bits)", c->name,
		       c->old_text, c->old_val, c->old_val / 8, c->old_size);
		break;
	case BK_DIFF_MEMBER_RENAMED:
		printf("%s -> %s: %s at bit %" PRId64, c->name, c->name2, c->old_text, c->old_val);
		break;
	case BK_DIFF_MEMBER_RETYPED:
		printf("%s: %s -> %s (%" PRId64 " -> %" PRId64 " bytes)", c->name, c->old_text,
		       c->new_text, c->old_size, c->new_size);
		break;
	case BK_DIFF_MEMBER_BITFIELD:
		printf("%s: %" PRId64 " -> %" PRId64 " bits wide", c->name, c->old_val, c->new_val);
		break;
	case BK_DIFF_MEMBER_MOVED:
		if (c->count > 1)
			printf("%s .. %s (%u members): %+" PRId64 " bits", c->name, c->name2, c->count,
			       c->delta);
		else
			printf("%s: bit %" PRId64 " -> %" PRId64 " (%+" PRId64 ")", c->name, c->old_val,
			       c->new_val, c->delta);
		break;
	case BK_DIFF_MEMBER_REGROUPED: printf("%s (same offset, other anonymous group)", c->name); break;
	case BK_DIFF_ENUM_SIGNED:
		printf("%s -> %s", c->old_val ? "signed" : "unsigned", c->new_val ? "signed" : "unsigned");
		break;
	case BK_DIFF_ENUMERATOR_ADDED: printf("%s = %" PRId64, c->name, c->new_val); break;
	case BK_DIFF_ENUMERATOR_REMOVED: printf("%s = %" PRId64, c->name, c->old_val); break;
	case BK_DIFF_ENUMERATOR_VALUE:
		printf("%s: %" PRId64 " -> %" PRId64, c->name, c->old_val, c->new_val);
		break;
	case BK_DIFF_RETURN: printf("%s -> %s", c->old_text, c->new_text); break;
	case BK_DIFF_PARAM_ADDED: printf("#%u %s: %s", c->index, c->name, c->new_text); break;
	case BK_DIFF_PARAM_REMOVED: printf("#%u %s: %s", c->index, c->name, c->old_text); break;
	case BK_DIFF_PARAM_RETYPED:
		printf("#%u %s: %s -> %s", c->index, c->name, c->old_text, c->new_text);
		break;
	case BK_DIFF_PARAM_NAME: printf("#%u %s -> %s", c->index, c->name, c->name2); break;
	case BK_DIFF_LINKAGE:
		printf("%s -> %s", cli_linkage_name(c->old_val), cli_linkage_name(c->new_val));
		break;
	case BK_DIFF_TARGET: case BK_DIFF_VAR_TYPE:
		printf("%s -> %s", c->old_text, c->new_text);
		break;
	case BK_DIFF_ENCODING:
		cli_encoding_text(c->old_val, eo, sizeof(eo));
		cli_encoding_text(c->new_val, en, sizeof(en));
		printf("%s -> %s", eo, en);
		break;
	case BK_DIFF_BITS:
		printf("%" PRId64 " -> %" PRId64 " bits", c->old_val, c->new_val);
		break;
	default: break;
	}
	printf(" [%s]\n", bk_diff_severity_name(c->severity));
}

static void changes_text(const struct diff_args *a, const struct bk_diff_record *r)
{
	size_t n = r->nr_changes < a->members ? r->nr_changes : a->members;
	for (size_t k = 0; k < n; k++)
		change_text(&r->changes[k], "    ");
	if (r->nr_changes > n)
		printf("    ... %zu more changes (--members)\n", r->nr_changes - n);
}

static void record_title(const struct bk_diff_record *r)
{
	printf("%s %s%s (%s)", bk_diff_class_name(r->cls), r->name, r->anon ? " (anonymous)" : "",
	       bk_diff_severity_name(r->severity));
	if (r->old_variants > 1 || r->new_variants > 1)
		printf(", variants: %u -> %u", r->old_variants, r->new_variants);
}

static const struct bk_diff_result *g_res; /* for qsort's comparators */

static int cmp_rank(const void *x, const void *y)
{
	const struct bk_diff_record *a = &g_res->records[*(const size_t *)x];
	const struct bk_diff_record *b = &g_res->records[*(const size_t *)y];
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->impact.embed_total != b->impact.embed_total)
		return a->impact.embed_total > b->impact.embed_total ? -1 : 1;
	if (a->impact.ref_total != b->impact.ref_total)
		return a->impact.ref_total > b->impact.ref_total ? -1 : 1;
	if (a->nr_shifted != b->nr_shifted)
		return a->nr_shifted > b->nr_shifted ? -1 : 1;
	return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

/* the shifted records of each root in rank order, as lists threaded through
 * the ranking: head[root] and next[k] are positions in order, SIZE_MAX none
 * (one pass, where a scan of every record per root cost O(roots x records)) */
struct shifted_lists {
	size_t *head, *next;
};

static int shifted_lists_build(struct shifted_lists *l, const struct bk_diff_result *res,
			       const size_t *order, size_t n)
{
	size_t nr = res->nr_records; /* head: by record, next: by position in order */
	l->head = malloc((nr ? nr : 1) * sizeof(*l->head));
	l->next = malloc((n ? n : 1) * sizeof(*l->next));
	if (!l->head || !l->next)
		return -1;
	for (size_t i = 0; i < nr; i++)
		l->head[i] = SIZE_MAX;
	for (size_t k = n; k-- > 0;) {
		const struct bk_diff_record *s = &res->records[order[k]];
		l->next[k] = SIZE_MAX;
		if (s->shifted_by < 0 || s->root < 0 || s->root >= (int64_t)nr ||
		    s->root == (int64_t)order[k])
			continue;
		l->next[k] = l->head[s->root];
		l->head[s->root] = k;
	}
	return 0;
}

static void shifted_lists_free(struct shifted_lists *l)
{
	free(l->head);
	free(l->next);
}

static void shifted_text(const struct bk_diff_result *res, size_t root, const size_t *order,
			 const struct shifted_lists *l)
{
	const struct bk_diff_record *r = &res->records[root];
	size_t shown_n = 0;
	if (!r->nr_shifted)
		return;
	printf("  %zu types shifted because they embed %s %s (directly or through another):",
	       r->nr_shifted, bk_diff_class_name(r->cls), r->name);
	for (size_t k = l->head[root]; k != SIZE_MAX && shown_n < 10; k = l->next[k]) {
		const struct bk_diff_record *s = &res->records[order[k]];
		printf("%s %s %s", shown_n++ ? "," : "", bk_diff_class_name(s->cls), s->name);
	}
	if (r->nr_shifted > shown_n)
		printf(", ... (%zu more)", r->nr_shifted - shown_n);
	putchar('\n');
}

static void impact_text(const struct bk_diff_result *res, const struct bk_diff_record *r)
{
	if (!res->have_modules)
		return;
	printf("; modules: %zu embed", r->impact.embed_total);
	if (r->impact.embed_total != r->impact.embed)
		printf(" (%zu directly)", r->impact.embed);
	printf(", %zu reference", r->impact.ref_total);
}

static void print_roots(const struct diff_args *a, const struct bk_diff_result *res,
			const size_t *order, size_t n, const struct shifted_lists *l, bool funcs)
{
	size_t k = 0, printed = 0, total = 0;
	for (k = 0; k < n; k++) {
		const struct bk_diff_record *r = &res->records[order[k]];
		if (r->op != BK_DIFF_CHANGED || r->shifted_by >= 0 || (r->cls == BK_DIFF_FUNC) != funcs ||
		    !shown(a, r))
			continue;
		if (total++ == 0)
			printf("\n%s:\n", funcs ? "function prototypes" : "root causes (breaking first, by impact)");
		if (printed >= a->limit)
			continue;
		printed++;
		record_title(r);
		if (funcs) {
			printf("\n    %s\n -> %s\n", r->old_text, r->new_text);
		} else {
			if (r->old_size >= 0 && r->new_size >= 0 && r->old_size != r->new_size)
				printf(": size %" PRId64 " -> %" PRId64, r->old_size, r->new_size);
			if (r->nr_shifted)
				printf("; %zu types shifted", r->nr_shifted);
			impact_text(res, r);
			putchar('\n');
		}
		changes_text(a, r);
		if (!funcs)
			shifted_text(res, order[k], order, l);
	}
	if (total > printed)
		printf("... %zu more (--limit)\n", total - printed);
}

static void print_added_removed(const struct diff_args *a, const struct bk_diff_result *res)
{
	for (int op = BK_DIFF_ADDED; op <= BK_DIFF_REMOVED; op++) {
		size_t per[BK_DIFF_NR_CLASSES] = {0}, total = 0;
		for (size_t i = 0; i < res->nr_records; i++) {
			const struct bk_diff_record *r = &res->records[i];
			if ((int)r->op != op || !shown(a, r))
				continue;
			per[r->cls]++;
			total++;
			if (a->all) {
				printf("%s %s %s", bk_diff_op_name(op), bk_diff_class_name(r->cls), r->name);
				if (*r->old_text || *r->new_text)
					printf(": %s", op == BK_DIFF_ADDED ? r->new_text : r->old_text);
				putchar('\n');
			}
		}
		if (!total || a->all)
			continue;
		printf("\n%s:", bk_diff_op_name(op));
		for (int c = 0, first = 1; c < BK_DIFF_NR_CLASSES; c++)
			if (per[c]) {
				printf("%s %zu %s", first ? "" : ",", per[c], bk_diff_class_name(c));
				first = 0;
			}
		fputs(" (--all lists them)\n", stdout);
	}
}

static void print_header(const struct diff_args *a, const struct bk_diff_result *res)
{
	printf("%s -> %s: %zu types differ (%zu breaking, %zu compatible, %zu cosmetic)\n", a->old,
	       a->new_path, res->nr_records, res->severity[BK_DIFF_BREAKING],
	       res->severity[BK_DIFF_COMPATIBLE], res->severity[BK_DIFF_COSMETIC]);
	for (int c = 0; c < BK_DIFF_NR_CLASSES; c++) {
		const size_t *n = res->count[c];
		if (n[BK_DIFF_ADDED] || n[BK_DIFF_REMOVED] || n[BK_DIFF_CHANGED])
			printf("  %-8s %5zu changed, %5zu added, %5zu removed\n", bk_diff_class_name(c),
			       n[BK_DIFF_CHANGED], n[BK_DIFF_ADDED], n[BK_DIFF_REMOVED]);
	}
	printf("causes: %zu root causes, %zu types shifted by an embedded type\n", res->nr_roots,
	       res->nr_shifted);
	if (res->have_modules)
		printf("modules: %zu of %zu fail relocation; %zu touch a changed type%s\n",
		       res->modules_fail, res->nr_modules, res->modules_touch,
		       res->modules_error ? " (some unreadable)" : "");
}

static int print_text(const struct diff_args *a, const struct bk_diff_result *res)
{
	/* only changed records are ranked (roots, prototypes, shifted types):
	 * added and removed ones are counted or listed in their own order */
	size_t n = 0, *order = malloc((res->nr_records ? res->nr_records : 1) * sizeof(*order));
	if (!order)
		return -1;
	for (size_t i = 0; i < res->nr_records; i++)
		if (res->records[i].op == BK_DIFF_CHANGED)
			order[n++] = i;
	g_res = res;
	qsort(order, n, sizeof(*order), cmp_rank);
	struct shifted_lists l;
	if (shifted_lists_build(&l, res, order, n)) {
		shifted_lists_free(&l);
		free(order);
		return -1;
	}
	print_header(a, res);
	print_roots(a, res, order, n, &l, false);
	print_roots(a, res, order, n, &l, true);
	print_added_removed(a, res);
	shifted_lists_free(&l);
	free(order);
	return 0;
}

/* ---- running ---------------------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* unreadable inputs are the tool's inputs: usage-class failures (2), so that
 * 1 always means "they differ" */
static int fail_input(const struct bk_error *e)
{
	int s = cli_fail(e);
	return s == EXIT_INVALID ? EXIT_USAGE : s;
}

static int run(const struct diff_args *a, struct bk_btf *old, struct bk_btf *nw)
{
	BK_OPTS(bk_diff_opts, opts);
	struct bk_diff_result *res;
	struct bk_error err = {0};
	double t0 = now();
	if (bk_diff(old, nw, &opts, &res, &err))
		return fail_input(&err);
	if (a->nr_modules) {
		BK_OPTS(bk_diff_modules_opts, mo, .threads = a->threads);
		if (bk_diff_modules(res, old, a->modules, a->nr_modules, &mo, &err)) {
			bk_diff_free(res);
			return fail_input(&err);
		}
	}
	double secs = now() - t0;
	if (a->json)
		print_json(a, res, secs);
	else if (print_text(a, res))
		fputs("btfkit: out of memory\n", stderr);
	int status = res->nr_records ? EXIT_INVALID : EXIT_OK;
	bk_diff_free(res);
	return status;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_args a = {0};
	struct bk_btf *ob = NULL, *nb = NULL, *old = NULL, *nw = NULL;
	struct bk_error err = {0};
	int status = parse_args(argc, argv, &a);
	if (status) {
		free(a.modules);
		return status;
	}
	if (cli_load_base(a.base, &ob, &err) || cli_load_base(a.new_base, &nb, &err) ||
	    bk_btf_load(a.old, ob, &old, &err) || bk_btf_load(a.new_path, nb, &nw, &err))
		status = fail_input(&err);
	else
		status = run(&a, old, nw);
	bk_btf_free(nw);
	bk_btf_free(old);
	bk_btf_free(nb);
	bk_btf_free(ob);
	free(a.modules);
	return status;
}
