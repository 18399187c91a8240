// SPDX-License-Identifier: MIT
/* btfkit relocate: a module's split BTF onto a new kernel's BTF. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_relocate_usage[] =
	"usage: btfkit relocate -B NEW_BASE [options] MODULE\n"
	"       btfkit relocate -B NEW_BASE --dist-base DIST_BASE [options] SPLIT\n"
	"\n"
	"Move a module's split BTF onto NEW_BASE (a kernel's BTF, e.g.\n"
	"/sys/kernel/btf/vmlinux): its .BTF, on its distilled base (.BTF.base),\n"
	"becomes split BTF on NEW_BASE, as the kernel does when it loads the module\n"
	"(the result is what /sys/kernel/btf/<module> would hold). MODULE is an ELF\n"
	"file (.ko, also .ko.xz/.zst/.gz) or a raw blob. Every distilled type that\n"
	"cannot be placed is reported, not only the first: not found (with near\n"
	"misses: same name, other kind or size), ambiguous (every candidate), or\n"
	"size differs where the module embeds it (with the struct and member).\n"
	"\n"
	"options:\n"
	"  -B, --base FILE           the new base (required)\n"
	"  -o, --output FILE         write the relocated split BTF there (raw; '-' is\n"
	"                            standard output); without it, only report\n"
	"      --dist-base FILE      SPLIT is a raw split blob on this distilled base\n"
	"      --built-against FILE  for a module without .BTF.base: the kernel BTF it\n"
	"                            was built against; it is distilled first\n"
	"      --libbpf-quirks       match as libbpf 1.8 does, its two bugs included (a\n"
	"                            distilled struct taken for any same-named type; a\n"
	"                            distilled FWD judged by the candidate's kind_flag)\n"
	"  -j, --json                report as one JSON object on standard output:\n"
	"                            {\"module\", \"status\": \"relocates\"|\"fails\",\n"
	"                             \"problems\": [...]} (fields: docs/check.md)\n"
	"\n"
	"exit status: 0 relocates; 1 does not, or invalid input (a file that is not\n"
	"valid BTF, a module without .BTF.base and no --built-against, a module that\n"
	"does not fit --built-against); 2 usage or I/O\n";

/* ---- shared with check: problems as JSON and text --------------------------- */

static void cand_json(FILE *out, const struct bk_reloc_problem *p, const struct bk_reloc_cand *c)
{
	char text[200];
	fprintf(out, "{\"id\":%u,\"kind\":\"%s\",\"size\":%u,\"text\":", c->id,
		bk_kind_name(c->kind), c->size);
	cli_json_str(out, bk_reloc_cand_str(p, c, text, sizeof(text)));
	fputc('}', out);
}

void cli_reloc_problems_json(FILE *out, const struct bk_reloc_report *rep)
{
	char text[1200];
	fputc('[', out);
	for (size_t i = 0; rep && i < rep->nr_problems; i++) {
		const struct bk_reloc_problem *p = &rep->problems[i];
		fprintf(out, "%s{\"problem\":\"%s\",\"type_id\":%u,\"kind\":\"%s\",\"name\":", i ? "," : "",
			bk_reloc_fault_id(p->fault), p->dist_id, bk_kind_name(p->dist_kind));
		cli_json_str(out, p->name);
		fprintf(out, ",\"size\":%u,\"primary\":%s,\"candidates\":[", p->dist_size,
			i == rep->primary ? "true" : "false");
		for (size_t k = 0; k < p->nr_cands; k++) {
			if (k)
				fputc(',', out);
			cand_json(out, p, &p->cands[k]);
		}
		fputc(']', out);
		if (p->embed_id) {
			fprintf(out, ",\"embedded_in\":{\"type_id\":%u,\"member\":%u,\"text\":",
				p->embed_id, p->embed_member);
			cli_json_str(out, p->embed_desc);
			fputc('}', out);
		}
		fputs(",\"text\":", out);
		cli_json_str(out, bk_reloc_problem_str(p, text, sizeof(text)));
		fputc('}', out);
	}
	fputc(']', out);
}

void cli_reloc_problems_text(FILE *out, const struct bk_reloc_report *rep, const char *indent)
{
	char text[1200];
	for (size_t i = 0; rep && i < rep->nr_problems; i++)
		fprintf(out, "%s%s%s\n", indent,
			bk_reloc_problem_str(&rep->problems[i], text, sizeof(text)),
			rep->nr_problems > 1 && i == rep->primary ? " (where libbpf stops)" : "");
}

/* ---- the command ------------------------------------------------------------ */

struct relocate_args {
	const char *base, *output, *dist_base, *built_against, *input;
	bool json, quirks;
};

static int parse_args(int argc, char **argv, struct relocate_args *a)
{
	enum { OPT_DIST_BASE = 256, OPT_BUILT_AGAINST, OPT_QUIRKS };
	static const struct option longopts[] = {
		{"base", required_argument, NULL, 'B'},
		{"output", required_argument, NULL, 'o'},
		{"json", no_argument, NULL, 'j'},
		{"dist-base", required_argument, NULL, OPT_DIST_BASE},
		{"built-against", required_argument, NULL, OPT_BUILT_AGAINST},
		{"libbpf-quirks", no_argument, NULL, OPT_QUIRKS},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "B:o:j", longopts, NULL)) != -1) {
		switch (c) {
		case 'B': a->base = optarg; break;
		case 'o': a->output = optarg; break;
		case 'j': a->json = true; break;
		case OPT_DIST_BASE: a->dist_base = optarg; break;
		case OPT_BUILT_AGAINST: a->built_against = optarg; break;
		case OPT_QUIRKS: a->quirks = true; break;
		default: return cli_usage_error("relocate", "unknown option");
		}
	}
	if (!a->base)
		return cli_usage_error("relocate", "-B NEW_BASE is required");
	if (optind != argc - 1)
		return cli_usage_error("relocate", "give one MODULE (or SPLIT with --dist-base)");
	if (a->dist_base && a->built_against)
		return cli_usage_error("relocate", "--dist-base and --built-against exclude each other");
	if (a->json && a->output && !strcmp(a->output, "-"))
		return cli_usage_error("relocate", "-j and -o - both want standard output");
	a->input = argv[optind];
	return EXIT_OK;
}

/* The input as a module object; with --dist-base, a raw split blob given
 * its distilled base. */
static int open_input(const struct relocate_args *a, struct bk_module **m, struct bk_error *err)
{
	struct bk_btf *dist;
	int e = bk_module_open(a->input, m, err);
	if (e || !a->dist_base)
		return e;
	if ((e = bk_btf_load_section(a->dist_base, ".BTF", NULL, &dist, err)) ||
	    (e = bk_module_set_dist_base(*m, dist, err))) {
		bk_module_close(*m);
		*m = NULL;
	}
	return e;
}

static int write_output(const char *path, const struct bk_btf *out, struct bk_error *err)
{
	void *data;
	size_t size;
	int e = bk_btf_write(out, NULL, &data, &size, err);
	if (!e) {
		e = bk_write_file(path, data, size, err);
		free(data);
	}
	return e;
}

static void report(const struct relocate_args *a, const struct bk_btf *out,
		   const struct bk_reloc_report *rep)
{
	if (a->json) {
		fputs("{\"module\":", stdout);
		cli_json_str(stdout, a->input);
		printf(",\"status\":\"%s\",\"problems\":", out ? "relocates" : "fails");
		cli_reloc_problems_json(stdout, rep);
		puts("}");
		return;
	}
	if (out && !(a->output && !strcmp(a->output, "-")))
		printf("%s: relocates onto %s (%u types from ID %u)\n", a->input, a->base,
		       bk_btf_nr_types(out), bk_btf_start_id(out));
	if (!out) {
		fprintf(stderr, "btfkit: %s: does not relocate onto %s: %zu problem%s\n", a->input,
			a->base, rep->nr_problems, rep->nr_problems == 1 ? "" : "s");
		cli_reloc_problems_text(stderr, rep, "  ");
	}
}

/* Relocation needs a distilled base (its own, or made against
 * --built-against): bk_module_distilled says why there is none, then the
 * module is placed on the new base from it. */
static int relocate(const struct relocate_args *a, struct bk_module *m,
		    const struct bk_btf *base, const struct bk_btf *against,
		    struct bk_reloc_report **rep, struct bk_btf **out, struct bk_error *err)
{
	BK_OPTS(bk_module_place_opts, po, .built_against = against, .libbpf_quirks = a->quirks,
		.report = rep);
	const struct bk_btf *dist, *split;
	int e = bk_module_distilled(m, against, &dist, &split, err);
	return e ? e : bk_module_place(m, base, &po, out, err);
}

int cmd_relocate(int argc, char **argv)
{
	struct relocate_args a = {0};
	struct bk_btf *base = NULL, *against = NULL, *out = NULL;
	struct bk_module *m = NULL;
	struct bk_reloc_report *rep = NULL;
	struct bk_error err = {0};
	int status = parse_args(argc, argv, &a);
	if (status)
		return status;
	if (cli_load_base(a.base, &base, &err) || cli_load_base(a.built_against, &against, &err) ||
	    open_input(&a, &m, &err)) {
		status = cli_fail(&err);
	} else if (relocate(&a, m, base, against, &rep, &out, &err)) {
		/* a report: the module does not relocate (1); else err says why */
		if (rep)
			report(&a, NULL, rep);
		status = rep ? EXIT_INVALID : cli_fail(&err);
	} else if (a.output && write_output(a.output, out, &err)) {
		status = cli_fail(&err);
	} else {
		report(&a, out, NULL);
	}
	bk_reloc_report_free(rep);
	bk_btf_free(out);
	bk_module_close(m);
	bk_btf_free(against);
	bk_btf_free(base);
	return status;
}
