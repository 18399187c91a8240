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
	"\n"
	"Writing the module back (for any kernel with NEW_BASE's BTF, before 6.11\n"
	"too, which cannot relocate at load time):\n"
	"  -o OUT.ko                 with OUT named *.ko, *.ko.xz, *.ko.zst or *.ko.gz:\n"
	"                            MODULE with .BTF the relocated split BTF (the bytes\n"
	"                            -o OUT.btf writes), no .BTF.base, and .BTF_ids in\n"
	"                            NEW_BASE's numbering; compressed as OUT's name says\n"
	"  -i, --in-place            the same over MODULE itself, compressed as it came;\n"
	"                            a symlink is written through, mode and owner kept\n"
	"      --strip-signature     allow rewriting a signed module: the output is\n"
	"                            unsigned. Sign it again before loading it on a\n"
	"                            kernel that enforces signatures: the kernel's\n"
	"                            scripts/sign-file sha256 KEY.pem CERT.der OUT.ko,\n"
	"                            or kmodsign on Ubuntu (compress after signing)\n"
	"With --built-against OLD, a module without .BTF.base is distilled on OLD\n"
	"and written for NEW_BASE in one step.\n"
	"\n"
	"exit status: 0 relocates (and written); 1 does not (also: a module without\n"
	".BTF.base and no --built-against, a .BTF_ids that cannot be rewritten, a\n"
	"signed module without --strip-signature); 2 bad input, usage or I/O\n";

/* ---- shared with check: problems as JSON and text --------------------------- */

void cli_json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

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
	fputc('[', out);
	cli_reloc_problems_json_items(out, rep);
	fputc(']', out);
}

void cli_reloc_problems_json_items(FILE *out, const struct bk_reloc_report *rep)
{
	char text[1200];
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
	bool json, quirks, in_place, strip_signature;
	bool module_out; /* write a module (-o *.ko[.xz|.zst|.gz] or --in-place) */
};

/* -o names a module when it ends in .ko, or .ko and a compression suffix */
static bool names_module(const char *path)
{
	static const char *const ends[] = {".ko", ".ko.xz", ".ko.zst", ".ko.gz"};
	size_t len = strlen(path);
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		size_t n = strlen(ends[i]);
		if (len > n && !strcmp(path + len - n, ends[i]))
			return true;
	}
	return false;
}

static int parse_args(int argc, char **argv, struct relocate_args *a)
{
	enum { OPT_DIST_BASE = 256, OPT_BUILT_AGAINST, OPT_QUIRKS, OPT_STRIP_SIG };
	static const struct option longopts[] = {
		{"base", required_argument, NULL, 'B'},
		{"output", required_argument, NULL, 'o'},
		{"in-place", no_argument, NULL, 'i'},
		{"json", no_argument, NULL, 'j'},
		{"dist-base", required_argument, NULL, OPT_DIST_BASE},
		{"built-against", required_argument, NULL, OPT_BUILT_AGAINST},
		{"libbpf-quirks", no_argument, NULL, OPT_QUIRKS},
		{"strip-signature", no_argument, NULL, OPT_STRIP_SIG},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "B:o:ij", longopts, NULL)) != -1) {
		switch (c) {
		case 'B': a->base = optarg; break;
		case 'o': a->output = optarg; break;
		case 'i': a->in_place = true; break;
		case 'j': a->json = true; break;
		case OPT_DIST_BASE: a->dist_base = optarg; break;
		case OPT_BUILT_AGAINST: a->built_against = optarg; break;
		case OPT_QUIRKS: a->quirks = true; break;
		case OPT_STRIP_SIG: a->strip_signature = true; break;
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
	if (a->in_place && a->output)
		return cli_usage_error("relocate", "-o and --in-place exclude each other");
	a->input = argv[optind];
	a->module_out = a->in_place || (a->output && names_module(a->output));
	if (a->module_out && a->dist_base)
		return cli_usage_error("relocate", "a module is written from a module, not from "
				       "--dist-base blobs");
	if (a->in_place)
		a->output = a->input;
	return EXIT_OK;
}

/* Everything relocation reads and makes; freed by relocation_free. */
struct relocation {
	struct bk_file *f;                /* the module (NULL for --dist-base) */
	struct bk_btf *against, *full;    /* --built-against, and .BTF on it */
	struct bk_btf *dist, *split, *out;
	struct bk_btf_ids *ids, *dist_ids, *new_ids; /* as read, distilled, relocated */
	bool distilled_here;
	bool invalid; /* the failure is the module's content: exit 1 */
};

static void relocation_free(struct relocation *r)
{
	bk_btf_ids_free(r->new_ids);
	bk_btf_ids_free(r->dist_ids);
	bk_btf_ids_free(r->ids);
	bk_btf_free(r->out);
	bk_btf_free(r->split);
	bk_btf_free(r->dist);
	bk_btf_free(r->full);
	bk_btf_free(r->against);
	bk_file_close(r->f);
}

/* The module's .BTF_ids. Writing a module needs it right (an unreadable one
 * is refused); a report or a raw output does not use it. */
static int read_ids(const struct relocate_args *a, struct relocation *r, struct bk_error *err)
{
	int e = bk_btf_ids_read(r->f, &r->ids, err);
	if (e == -ENOENT || (e && !a->module_out)) {
		bk_error_clear(err);
		return 0;
	}
	r->invalid = e == -EINVAL;
	return e;
}

/* The input as split BTF on its distilled base (r->split on r->dist), with
 * its .BTF_ids in that numbering (r->dist_ids, or r->ids as read). */
static int load_input(const struct relocate_args *a, struct relocation *r, struct bk_error *err)
{
	const void *d;
	size_t n;
	int e;
	if (a->dist_base) {
		if ((e = bk_btf_load_section(a->dist_base, ".BTF", NULL, &r->dist, err)))
			return e;
		return bk_btf_load_section(a->input, ".BTF", r->dist, &r->split, err);
	}
	if ((e = cli_load_base(a->built_against, &r->against, err)) ||
	    (e = bk_file_open(a->input, &r->f, err)) || (e = read_ids(a, r, err)))
		return e;
	if (!r->against || !bk_file_section(r->f, ".BTF.base", &d, &n))
		return bk_module_distilled(r->f, NULL, &r->dist, &r->split, err);
	/* no .BTF.base: distilled here, on the kernel it was built against */
	r->distilled_here = true;
	if ((e = bk_file_btf(r->f, ".BTF", r->against, &r->full, err)))
		return e;
	e = bk_distill_module(r->full, r->ids, &r->dist, &r->split, &r->dist_ids, err);
	if (e && !err->file[0])
		snprintf(err->file, sizeof(err->file), "%s", a->input);
	r->invalid = e == -EINVAL;
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

/* The module with .BTF the relocated split BTF (the bytes -o OUT.btf gets),
 * no .BTF.base, and .BTF_ids in the new base's numbering. */
static int write_module(const struct relocate_args *a, const struct relocation *r,
			struct bk_error *err)
{
	void *data;
	size_t size, nr = 0;
	const void *d;
	int e = bk_btf_write(r->out, NULL, &data, &size, err);
	if (e)
		return e;
	struct bk_elf_section_edit edits[3] = {{".BTF", data, size}};
	nr = 1;
	if (!bk_file_section(r->f, ".BTF.base", &d, &size))
		edits[nr++] = (struct bk_elf_section_edit){".BTF.base", NULL, 0};
	if (r->new_ids)
		edits[nr++] = (struct bk_elf_section_edit){".BTF_ids", r->new_ids->data,
							   r->new_ids->size};
	BK_OPTS(bk_elf_write_opts, wo, .strip_signature = a->strip_signature,
		.compression = cli_output_compression(r->f, a->output, a->in_place));
	e = bk_elf_write_sections_opts(r->f, edits, nr, &wo, a->output, err);
	free(data);
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

/* Refusals before any work: a raw blob or a signed module to write. */
static int precheck(const struct relocate_args *a)
{
	struct bk_error err = {0};
	struct bk_file *f;
	if (!a->module_out)
		return EXIT_OK;
	if (bk_file_open(a->input, &f, &err))
		return cli_fail(&err);
	int st = EXIT_OK;
	if (!bk_file_is_elf(f))
		st = cli_usage_error("relocate", "%s is not an ELF module: write the raw split BTF "
				     "with -o FILE.btf", a->input);
	else if (bk_file_signature_len(f) && !a->strip_signature) {
		fprintf(stderr, "btfkit: %s is signed: rewriting it voids the signature, so it is "
			"left alone; --strip-signature writes it unsigned (sign it again: see "
			"'btfkit help relocate')\n", a->input);
		st = EXIT_INVALID;
	}
	bk_file_close(f);
	return st;
}

int cmd_relocate(int argc, char **argv)
{
	struct relocate_args a = {0};
	struct bk_btf *base = NULL;
	struct relocation r = {0};
	struct bk_reloc_report *rep = NULL;
	struct bk_error err = {0};
	int status = parse_args(argc, argv, &a);
	if (status || (status = precheck(&a)))
		return status;
	int e = cli_load_base(a.base, &base, &err);
	if (e || (e = load_input(&a, &r, &err))) {
		bk_btf_free(base);
		cli_fail(&err);
		/* 1 is "does not relocate": a module without .BTF.base (and nothing
		 * to distill it against) cannot, nor one whose .BTF_ids cannot be
		 * rewritten; other bad input is 2 */
		status = (e == -ENOENT && !err.io) || r.invalid ? EXIT_INVALID : EXIT_USAGE;
		relocation_free(&r);
		return status;
	}
	BK_OPTS(bk_relocate_opts, opts, .libbpf_quirks = a.quirks, .report = &rep);
	const struct bk_btf_ids *ids = r.dist_ids ? r.dist_ids : r.ids;
	if (bk_relocate_module(r.split, base, &opts, a.module_out ? ids : NULL, &r.out, &r.new_ids,
			       &err)) {
		if (!err.file[0])
			snprintf(err.file, sizeof(err.file), "%s", a.input);
		if (rep)
			report(&a, NULL, rep);
		else
			cli_fail(&err);
		status = rep || (err.code == -EINVAL && !err.io) ? EXIT_INVALID : EXIT_USAGE;
	} else if (a.output && (a.module_out ? write_module(&a, &r, &err)
					     : write_output(a.output, r.out, &err))) {
		status = cli_fail(&err);
	} else {
		report(&a, r.out, NULL);
		if (a.module_out && a.strip_signature && bk_file_signature_len(r.f))
			fprintf(stderr, "btfkit: %s: the module signature was dropped: sign it again "
				"before loading it on a kernel that enforces signatures\n", a.output);
	}
	bk_reloc_report_free(rep);
	relocation_free(&r);
	bk_btf_free(base);
	return status;
}
