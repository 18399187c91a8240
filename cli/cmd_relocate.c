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
	"exit status: 0 relocates (and written); 1 does not, or invalid input (a\n"
	"file that is not valid BTF, a module without .BTF.base and no\n"
	"--built-against, a module that does not fit --built-against, a .BTF_ids\n"
	"that cannot be rewritten, a signed module without --strip-signature);\n"
	"2 usage or I/O\n";

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
		{"strip-signature", no_argument, NULL, OPT_STRIP_SIG},
		{"json", no_argument, NULL, 'j'},
		{"dist-base", required_argument, NULL, OPT_DIST_BASE},
		{"built-against", required_argument, NULL, OPT_BUILT_AGAINST},
		{"libbpf-quirks", no_argument, NULL, OPT_QUIRKS},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "B:o:ij", longopts, NULL)) != -1) {
		switch (c) {
		case 'B': a->base = optarg; break;
		case 'o': a->output = optarg; break;
		case 'i': a->in_place = true; break;
		case OPT_STRIP_SIG: a->strip_signature = true; break;
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

/* The module with .BTF the relocated split BTF (the bytes -o OUT.btf gets),
 * no .BTF.base, and .BTF_ids in the new base's numbering. */
static int write_module(const struct relocate_args *a, const struct bk_module *m,
			const struct bk_btf *out, const struct bk_btf_ids *new_ids,
			struct bk_error *err)
{
	void *data;
	size_t size, nr = 1;
	const void *d;
	int e = bk_btf_write(out, NULL, &data, &size, err);
	if (e)
		return e;
	struct bk_elf_section_edit edits[3] = {{".BTF", data, size}};
	if (!bk_file_section(bk_module_file(m), ".BTF.base", &d, &size))
		edits[nr++] = (struct bk_elf_section_edit){".BTF.base", NULL, 0};
	if (new_ids)
		edits[nr++] = (struct bk_elf_section_edit){".BTF_ids", new_ids->data, new_ids->size};
	BK_OPTS(bk_elf_write_opts, wo, .strip_signature = a->strip_signature,
		.compression = cli_output_compression(m, a->output, a->in_place));
	e = bk_elf_write_sections_opts(bk_module_file(m), edits, nr, &wo, a->output, err);
	free(data);
	return e;
}

/* Refusals before any work, for a module to write: a raw blob, a signed
 * module without --strip-signature. */
static int precheck(const struct relocate_args *a, const struct bk_module *m)
{
	if (!a->module_out)
		return EXIT_OK;
	if (!bk_module_is_elf(m))
		return cli_usage_error("relocate", "%s is not an ELF module: write the raw split BTF "
				       "with -o FILE.btf", a->input);
	if (bk_module_signature_len(m) && !a->strip_signature) {
		fprintf(stderr, "btfkit: %s is signed: rewriting it voids the signature, so it is "
			"left alone; --strip-signature writes it unsigned (sign it again: see "
			"'btfkit help relocate')\n", a->input);
		return EXIT_INVALID;
	}
	return EXIT_OK;
}

/* A module written back with .BTF_ids: the IDs follow the relocation (and
 * the distillation first, for one without .BTF.base). */
static int relocate_with_ids(const struct relocate_args *a, struct bk_module *m,
			     const struct bk_btf *base, const struct bk_btf *against,
			     const struct bk_btf_ids *ids, struct bk_reloc_report **rep,
			     struct bk_btf **out, struct bk_btf_ids **new_ids,
			     struct bk_error *err)
{
	BK_OPTS(bk_relocate_opts, ro, .libbpf_quirks = a->quirks, .report = rep);
	const struct bk_btf *dist, *split;
	struct bk_btf *full = NULL, *d = NULL, *s = NULL;
	struct bk_btf_ids *dist_ids = NULL;
	int e;
	if (bk_module_has_dist_base(m) || !against) {
		e = bk_module_distilled(m, NULL, &dist, &split, err);
		return e ? e : bk_relocate_module(split, base, &ro, ids, out, new_ids, err);
	}
	e = bk_file_btf(bk_module_file(m), ".BTF", against, &full, err);
	if (!e)
		e = bk_distill_module(full, ids, &d, &s, &dist_ids, err);
	if (!e)
		e = bk_relocate_module(s, base, &ro, dist_ids, out, new_ids, err);
	bk_btf_ids_free(dist_ids);
	bk_btf_free(s);
	bk_btf_free(d);
	bk_btf_free(full);
	return e;
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
	struct bk_btf_ids *ids = NULL, *new_ids = NULL;
	struct bk_error err = {0};
	int status = parse_args(argc, argv, &a), e;
	if (status)
		return status;
	if (cli_load_base(a.base, &base, &err) || cli_load_base(a.built_against, &against, &err) ||
	    open_input(&a, &m, &err)) {
		status = cli_fail(&err);
		goto out;
	}
	if ((status = precheck(&a, m)))
		goto out;
	/* a module written back needs its .BTF_ids right; a raw output does not
	 * use them */
	if (a.module_out && (e = bk_btf_ids_read(bk_module_file(m), &ids, &err)) && e != -ENOENT) {
		status = cli_fail(&err);
		goto out;
	}
	bk_error_clear(&err);
	e = ids ? relocate_with_ids(&a, m, base, against, ids, &rep, &out, &new_ids, &err)
		: relocate(&a, m, base, against, &rep, &out, &err);
	if (e) {
		/* a report: the module does not relocate (1); else err says why */
		if (!err.file[0])
			snprintf(err.file, sizeof(err.file), "%s", a.input);
		if (rep)
			report(&a, NULL, rep);
		status = rep ? EXIT_INVALID : cli_fail(&err);
	} else if (a.output && (a.module_out ? write_module(&a, m, out, new_ids, &err)
					     : write_output(a.output, out, &err))) {
		status = cli_fail(&err);
	} else {
		report(&a, out, NULL);
		if (a.module_out && a.strip_signature && bk_module_signature_len(m))
			fprintf(stderr, "btfkit: %s: the module signature was dropped: sign it again "
				"before loading it on a kernel that enforces signatures\n", a.output);
	}
out:
	bk_btf_ids_free(new_ids);
	bk_btf_ids_free(ids);
	bk_reloc_report_free(rep);
	bk_btf_free(out);
	bk_module_close(m);
	bk_btf_free(against);
	bk_btf_free(base);
	return status;
}
