// SPDX-License-Identifier: MIT
/* btfkit distill: give a module a .BTF.base, as pahole's distilled_base
 * feature does (libbpf's btf__distill_base()). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_distill_usage[] =
	"usage: btfkit distill -B VMLINUX MODULE (-o OUT | --in-place)\n"
	"       btfkit distill -B VMLINUX MODULE --base-out FILE --split-out FILE\n"
	"\n"
	"Distill MODULE's split BTF against VMLINUX, exactly as libbpf's\n"
	"btf__distill_base() does: a small distilled base (.BTF.base: the names,\n"
	"kinds and sizes of the kernel types the module uses) and a new .BTF on top\n"
	"of it. A kernel that supports .BTF.base (6.11 and later) relocates such a\n"
	"module's BTF onto its own vmlinux BTF at load time, so the module keeps\n"
	"working BTF across kernel builds.\n"
	"\n"
	"MODULE is a kernel module (.ko, ELF; also compressed: .ko.xz, .ko.zst,\n"
	".ko.gz, told by content; '-' is standard input) or a raw split BTF blob.\n"
	"For ELF, the output is MODULE with .BTF replaced and a .BTF.base section\n"
	"added; every other section keeps its bytes. A raw blob has only the raw\n"
	"outputs. Binary output to standard output ('-') is refused on a terminal.\n"
	"\n"
	"options:\n"
	"  -B, --base VMLINUX  the kernel's BTF the module was built against (raw\n"
	"                      blob or ELF vmlinux); required\n"
	"  -o, --output OUT    write the distilled module to OUT\n"
	"  -i, --in-place      replace MODULE itself (atomically)\n"
	"      --base-out FILE write the distilled base as a raw blob\n"
	"      --split-out FILE write the new split BTF as a raw blob\n"
	"      --hdr-len N     BTF header length of the blobs written: 32 (default,\n"
	"                      libbpf's) or 24 (the classic header older tools read)\n"
	"      --force         distill again a module that already has .BTF.base\n"
	"                      (its BTF is first relocated onto VMLINUX)\n"
	"      --strip-signature\n"
	"                      allow writing a signed module: its signature is\n"
	"                      dropped, and the module must be signed again\n"
	"      --strict        treat warnings as errors (exit 1, nothing written)\n"
	"      --no-validate   distill a MODULE whose BTF the kernel would refuse\n"
	"                      (by default it is checked against the kernel's\n"
	"                      rules, as 'btfkit validate' does, and refused)\n"
	"  -h, --help          show this help\n"
	"\n"
	".BTF_ids (kfunc sets and BTF_ID lists, found through the module's\n"
	"__BTF_ID__ symbols) is rewritten into the distilled numbering, as the\n"
	"kernel's resolve_btfids would have written it: list entries in place, set\n"
	"IDs sorted. A kernel type it names is kept in .BTF.base even when .BTF does\n"
	"not use it. A .BTF_ids that cannot be rewritten (no symbols, an entry that\n"
	"names no type) is refused: exit 1, nothing written.\n"
	"\n"
	"Warnings: a distilled type that relocation would match with two or more\n"
	"types of VMLINUX (e.g. two 'struct bpf_map_desc' of the same size) makes\n"
	"relocation fail, even onto this very kernel; each one is named.\n"
	"\n"
	"A compressed module (.ko.xz, .ko.zst, .ko.gz) is written back compressed:\n"
	"--in-place in the format it came in, -o in the one OUT's name says (xz with\n"
	"the CRC32 check kmod expects, as kbuild writes it). --in-place on a symlink\n"
	"replaces its target, keeping its mode and owner.\n"
	"\n"
	"A module that already has .BTF.base is not distilled again without\n"
	"--force: --in-place leaves it alone, -o copies it unchanged, and\n"
	"--base-out/--split-out get its .BTF.base and .BTF as they are (exit 0).\n"
	"Outputs are written whole or not at all, and as a set: either every\n"
	"output named is replaced or none is.\n"
	"\n"
	"exit status:\n"
	"  0  written (or nothing to do)\n"
	"  1  invalid input: MODULE or VMLINUX is not valid BTF, MODULE's BTF breaks\n"
	"     the kernel's rules (without --no-validate), MODULE does not fit\n"
	"     VMLINUX (built against another kernel), MODULE refers to kernel types\n"
	"     that cannot be distilled, MODULE is signed (without --strip-signature),\n"
	"     or warnings with --strict\n"
	"  2  usage error, a file cannot be read or written, or out of memory\n";

enum {
	OPT_BASE_OUT = 256,
	OPT_SPLIT_OUT,
	OPT_HDR_LEN,
	OPT_FORCE,
	OPT_STRIP_SIG,
	OPT_STRICT,
	OPT_NO_VALIDATE
};

static const struct option long_opts[] = {
	{"base", required_argument, NULL, 'B'},
	{"output", required_argument, NULL, 'o'},
	{"in-place", no_argument, NULL, 'i'},
	{"base-out", required_argument, NULL, OPT_BASE_OUT},
	{"split-out", required_argument, NULL, OPT_SPLIT_OUT},
	{"hdr-len", required_argument, NULL, OPT_HDR_LEN},
	{"force", no_argument, NULL, OPT_FORCE},
	{"strip-signature", no_argument, NULL, OPT_STRIP_SIG},
	{"strict", no_argument, NULL, OPT_STRICT},
	{"no-validate", no_argument, NULL, OPT_NO_VALIDATE},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct distill_args {
	const char *base_path, *module, *out, *base_out, *split_out;
	uint32_t hdr_len;
	bool in_place, force, strip_signature, strict, no_validate;
};

/* The two blobs and what they came from. */
struct distilled {
	struct bk_btf *split, *dist, *nsplit;
	struct bk_btf_ids *ids, *new_ids; /* .BTF_ids: as read (in split's numbering), rewritten */
	void *base_blob, *split_blob;
	size_t base_size, split_size;
};

static void distilled_free(struct distilled *d)
{
	bk_btf_free(d->nsplit);
	bk_btf_free(d->dist);
	bk_btf_free(d->split);
	bk_btf_ids_free(d->ids);
	bk_btf_ids_free(d->new_ids);
	free(d->base_blob);
	free(d->split_blob);
}

static int parse_args(int argc, char **argv, struct distill_args *a)
{
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "B:o:ih", long_opts, NULL)) != -1) {
		switch (c) {
		case 'B': a->base_path = optarg; break;
		case 'o': a->out = optarg; break;
		case 'i': a->in_place = true; break;
		case OPT_BASE_OUT: a->base_out = optarg; break;
		case OPT_SPLIT_OUT: a->split_out = optarg; break;
		case OPT_FORCE: a->force = true; break;
		case OPT_STRIP_SIG: a->strip_signature = true; break;
		case OPT_STRICT: a->strict = true; break;
		case OPT_NO_VALIDATE: a->no_validate = true; break;
		case OPT_HDR_LEN:
			if (strcmp(optarg, "24") && strcmp(optarg, "32"))
				return cli_usage_error("distill", "--hdr-len is 24 or 32, not '%s'",
						       optarg);
			a->hdr_len = (uint32_t)atoi(optarg);
			break;
		case 'h': return -1;
		default: return cli_usage_error("distill", "unknown option");
		}
	}
	if (optind != argc - 1)
		return cli_usage_error("distill", "give one MODULE");
	a->module = argv[optind];
	if (!a->base_path)
		return cli_usage_error("distill", "-B VMLINUX is required");
	if (a->out && a->in_place)
		return cli_usage_error("distill", "-o and --in-place exclude each other");
	if (!a->out && !a->in_place && !a->base_out && !a->split_out)
		return cli_usage_error("distill",
				       "nothing to write: give -o, --in-place or --base-out and "
				       "--split-out");
	if (!a->base_out != !a->split_out)
		return cli_usage_error("distill", "--base-out and --split-out go together");
	if (a->in_place)
		a->out = a->module;
	return 0;
}

static void print_warnings(const struct distill_args *a, const struct bk_distill_warnings *w)
{
	for (size_t i = 0; i < w->count; i++)
		fprintf(stderr, "btfkit: %s: warning: %s\n", a->module, w->items[i].msg);
}

static int keep_first_fault(const struct bk_error *e, void *ctx)
{
	*(struct bk_error *)ctx = *e;
	return 1;
}

/* What the kernel would refuse to load is not distilled (the help's
 * promise): the first fault, as 'btfkit validate' words it. */
static int check_kernel_rules(const struct distill_args *a, const struct bk_btf *split,
			      struct bk_error *err)
{
	BK_OPTS(bk_validate_opts, vo, .first_only = true);
	struct bk_error fault = {0};
	int e = bk_validate(split, &vo, keep_first_fault, &fault);
	if (!e)
		return 0;
	if (e != -EINVAL || !fault.code) {
		bk_error_clear(err);
		err->code = e;
		err->io = e == -ENOMEM;
		snprintf(err->file, sizeof(err->file), "%s", a->module);
		snprintf(err->msg, sizeof(err->msg), "checking the kernel's rules: %s",
			 strerror(-e));
		return e;
	}
	*err = fault;
	if (!err->file[0])
		snprintf(err->file, sizeof(err->file), "%s", a->module);
	size_t len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len,
		 " (the kernel would refuse this BTF; --no-validate distils it anyway)");
	err->io = false;
	return -EINVAL;
}

/* A module already distilled, with .BTF_ids: its BTF relocated onto base
 * and its .BTF_ids with it (into d->ids' place). */
static int place_relocated(struct bk_module *m, const struct bk_btf *base, struct distilled *d,
			   struct bk_error *err)
{
	const struct bk_btf *old_dist, *old_split;
	struct bk_btf_ids *moved = NULL;
	int e = bk_module_distilled(m, NULL, &old_dist, &old_split, err);
	if (!e)
		e = bk_relocate_module(old_split, base, NULL, d->ids, &d->split, &moved, err);
	if (!e) {
		bk_btf_ids_free(d->ids);
		d->ids = moved;
	}
	return e;
}

/* The module's .BTF_ids (none: NULL): one that cannot be read is refused,
 * distilling would leave its IDs pointing anywhere. */
static int read_ids(const struct bk_module *m, struct distilled *d, struct bk_error *err)
{
	int e = bk_btf_ids_read(bk_module_file(m), &d->ids, err);
	if (e == -ENOENT) {
		bk_error_clear(err);
		return 0;
	}
	return e;
}

/* Place on the base (relocated from its .BTF.base with --force; checked to
 * fit otherwise), distill keeping .BTF_ids right, weigh the warnings,
 * serialize. */
static int distill_module(const struct distill_args *a, struct bk_module *m,
			  const struct bk_btf *base, struct distilled *d, struct bk_error *err)
{
	BK_OPTS(bk_module_place_opts, po, .check_fit = true);
	int e = read_ids(m, d, err);
	if (!e)
		e = d->ids && bk_module_has_dist_base(m) ? place_relocated(m, base, d, err)
							  : bk_module_place(m, base, &po, &d->split, err);
	if (!e && !a->no_validate)
		e = check_kernel_rules(a, d->split, err);
	if (!e)
		e = bk_distill_module(d->split, d->ids, &d->dist, &d->nsplit, &d->new_ids, err);
	if (e && !err->file[0])
		snprintf(err->file, sizeof(err->file), "%s", a->module);
	if (e)
		return e;
	struct bk_distill_warnings w;
	if ((e = bk_distill_warnings(base, d->nsplit, &w, err)))
		return e;
	print_warnings(a, &w);
	size_t nr_warnings = w.count;
	bk_distill_warnings_free(&w);
	if (a->strict && nr_warnings) {
		bk_error_clear(err);
		err->code = -EINVAL;
		snprintf(err->file, sizeof(err->file), "%s", a->module);
		snprintf(err->msg, sizeof(err->msg), "%zu warning%s and --strict: nothing written",
			 nr_warnings, nr_warnings == 1 ? "" : "s");
		return err->code;
	}
	BK_OPTS(bk_write_opts, o, .hdr_len = a->hdr_len);
	e = bk_btf_write(d->dist, &o, &d->base_blob, &d->base_size, err);
	if (!e)
		e = bk_btf_write(d->nsplit, &o, &d->split_blob, &d->split_size, err);
	return e;
}

/* Everything is computed before the first byte is written, and the
 * outputs land as a set: all of them replaced, or none. */
static int write_outputs(const struct distill_args *a, const struct bk_module *m,
			 const struct distilled *d, struct bk_error *err)
{
	struct bk_output outs[3];
	size_t n = 0;
	void *image = NULL;
	size_t image_size = 0;
	int e = 0;
	if (a->out) {
		struct bk_elf_section_edit edits[] = {
			{".BTF", d->split_blob, d->split_size},
			{".BTF.base", d->base_blob, d->base_size},
			{".BTF_ids", d->new_ids ? d->new_ids->data : NULL,
			 d->new_ids ? d->new_ids->size : 0},
		};
		e = bk_elf_sections_image(bk_module_file(m), edits, d->new_ids ? 3 : 2,
					  a->strip_signature, &image, &image_size, err);
		const char *z = cli_output_compression(m, a->out, a->in_place);
		if (!e && z) {
			void *packed;
			size_t packed_size;
			if (!(e = bk_compress_data(z, image, image_size, &packed, &packed_size, err))) {
				free(image);
				image = packed;
				image_size = packed_size;
			}
		}
		outs[n++] = (struct bk_output){a->out, image, image_size};
	}
	if (a->base_out) {
		outs[n++] = (struct bk_output){a->base_out, d->base_blob, d->base_size};
		outs[n++] = (struct bk_output){a->split_out, d->split_blob, d->split_size};
	}
	if (!e)
		e = bk_write_files(outs, n, err);
	free(image);
	return e;
}

/* A module that already has .BTF.base, without --force: every output named
 * is still written (as a set), from the module as it is: -o a copy of it,
 * --base-out/--split-out its .BTF.base and .BTF. */
static int pass_through(const struct distill_args *a, const struct bk_module *m,
			struct bk_error *err)
{
	const struct bk_file *f = bk_module_file(m);
	struct bk_output outs[3];
	size_t n = 0, size;
	const void *data;
	if (a->out && !a->in_place) {
		data = bk_file_data(f, &size);
		outs[n++] = (struct bk_output){a->out, data, size};
	}
	if (a->base_out) {
		if (bk_file_section_bytes(f, ".BTF.base", &data, &size, err))
			return cli_fail(err);
		outs[n++] = (struct bk_output){a->base_out, data, size};
		if (bk_file_section_bytes(f, ".BTF", &data, &size, err))
			return cli_fail(err);
		outs[n++] = (struct bk_output){a->split_out, data, size};
	}
	if (n && bk_write_files(outs, n, err))
		return cli_fail(err);
	fprintf(stderr,
		"btfkit: %s already has a .BTF.base (distilled base): not distilled again%s "
		"(--force distils it again)\n",
		a->module, n ? ", its outputs written from it unchanged" : ", left alone");
	return EXIT_OK;
}

/* Refusals that need no BTF work: raw input for ELF output, a module
 * already distilled, a signature. *done is set when there is nothing to do. */
static int precheck(const struct distill_args *a, const struct bk_module *m, bool *done,
		    struct bk_error *err)
{
	*done = false;
	if (a->out && !bk_module_is_elf(m))
		return cli_usage_error("distill",
				       "%s is not an ELF file: -o/--in-place write modules; use "
				       "--base-out and --split-out for a raw blob",
				       a->module);
	if (bk_module_has_dist_base(m) && !a->force) {
		*done = true;
		return pass_through(a, m, err);
	}
	if (a->out && bk_module_signature_len(m) && !a->strip_signature) {
		fprintf(stderr,
			"btfkit: %s is signed: changing its BTF voids the signature, so it is "
			"left alone; --strip-signature writes it without the signature (sign "
			"it again before loading it)\n",
			a->module);
		*done = true;
		return EXIT_INVALID;
	}
	return EXIT_OK;
}

int cmd_distill(int argc, char **argv)
{
	struct distill_args a = {0};
	int st = parse_args(argc, argv, &a);
	if (st)
		return st < 0 ? cli_help("distill") : st;

	struct bk_error err = {0};
	struct bk_btf *base = NULL;
	struct bk_module *m = NULL;
	struct distilled d = {0};
	bool done;
	if (cli_load_base(a.base_path, &base, &err) || bk_module_open(a.module, &m, &err)) {
		st = cli_fail(&err);
		goto out;
	}
	st = precheck(&a, m, &done, &err);
	if (st || done)
		goto out;
	if (distill_module(&a, m, base, &d, &err) || write_outputs(&a, m, &d, &err)) {
		if (!err.file[0]) /* out of memory in the middle of distilling, say */
			snprintf(err.file, sizeof(err.file), "%s", a.module);
		st = cli_fail(&err);
		goto out;
	}
	if (a.out && a.strip_signature && bk_module_signature_len(m))
		fprintf(stderr,
			"btfkit: %s: the module signature was dropped: sign the module again "
			"before loading it on a kernel that enforces signatures\n",
			a.out);
out:
	distilled_free(&d);
	bk_module_close(m);
	bk_btf_free(base);
	return st;
}
