// SPDX-License-Identifier: MIT
/* btfkit dump: print BTF as `bpftool [-j] btf dump file [format c]` does. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_dump_usage[] =
	"usage: btfkit dump [-B BASE] [-j|--json] FILE\n"
	"       btfkit dump [-B BASE] --format raw|json|c [--unsorted] [--root-id ID]...\n"
	"                   [--bpftool-quirks] FILE\n"
	"\n"
	"Print the BTF of FILE exactly as `bpftool btf dump file FILE` does: its raw\n"
	"text format, JSON (`bpftool -j`), or C (`format c`, the vmlinux.h that BPF\n"
	"programs include).\n"
	"\n"
	"FILE is a raw BTF blob (either byte order) or an ELF file (vmlinux, a kernel\n"
	"module .ko, an object .o), whose .BTF section is read. Raw text and JSON\n"
	"print only FILE's own types (split BTF is numbered after its base); C prints\n"
	"the base's types too, as bpftool does.\n"
	"\n"
	"options:\n"
	"  -B, --base BASE     FILE is split BTF on top of BASE (a raw blob or an ELF\n"
	"                      file's .BTF, e.g. the kernel's vmlinux for a module).\n"
	"                      When FILE also has a .BTF.base section (a distilled base),\n"
	"                      its types are relocated onto BASE first.\n"
	"  --format FMT        raw (the default), json, or c\n"
	"  -j, --json          the same as --format json\n"
	"  -p, --pretty        JSON indented as `bpftool -p` prints it (implies JSON)\n"
	"  -h, --help          show this help\n"
	"\n"
	"C options (--format c):\n"
	"  --unsorted          types in ID order (bpftool's `unsorted`), not sorted\n"
	"  --root-id ID        only type ID and what it needs, without the kfunc block\n"
	"                      (bpftool's `root_id`); up to 16, no repeats\n"
	"  --bpftool-quirks    reproduce bpftool 7.8 exactly: its sorted output drops\n"
	"                      the type that sorts first (an anonymous enum; in the\n"
	"                      running kernel ACOMP_WALK_SLEEP's), which btfkit prints\n"
	"\n"
	"Without -B, an ELF file with a .BTF.base section is shown on top of that\n"
	"distilled base, as bpftool does.\n"
	"\n"
	"FILE may be compressed with xz, zstd or gzip (told by content); '-' is\n"
	"standard input. As bpftool does, a file of /sys/kernel/btf/ other than\n"
	"vmlinux (a module's BTF) is read on /sys/kernel/btf/vmlinux when -B is not\n"
	"given (so is a file of any directory .../kernel/btf/ that has a vmlinux).\n"
	"\n"
	"exit status:\n"
	"  0  printed\n"
	"  1  invalid input: FILE or BASE is not valid BTF, FILE does not fit on BASE,\n"
	"     relocation onto BASE fails, or (C) a type loop no C can declare\n"
	"  2  usage error, or a file cannot be read or standard output written\n";

enum { OPT_FORMAT = 256, OPT_UNSORTED, OPT_ROOT_ID, OPT_QUIRKS };

static const struct option long_opts[] = {
	{"base", required_argument, NULL, 'B'},
	{"json", no_argument, NULL, 'j'},
	{"pretty", no_argument, NULL, 'p'},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"unsorted", no_argument, NULL, OPT_UNSORTED},
	{"root-id", required_argument, NULL, OPT_ROOT_ID},
	{"bpftool-quirks", no_argument, NULL, OPT_QUIRKS},
	{NULL, 0, NULL, 0},
};

enum dump_fmt { FMT_RAW, FMT_JSON, FMT_C };

struct dump_args {
	const char *base_path;
	enum dump_fmt fmt;
	bool c_only; /* a C option was given */
	bool pretty;
	uint32_t roots[16];
	struct bk_dump_c_opts c;
};

static int parse_root_id(struct dump_args *a, const char *s)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 0);
	if (!*s || *end || errno || v > UINT32_MAX)
		return cli_usage_error("dump", "cannot parse '%s' as a root ID", s);
	if (a->c.nr_root_ids == 16)
		return cli_usage_error("dump", "only 16 --root-id are supported");
	for (size_t i = 0; i < a->c.nr_root_ids; i++)
		if (a->roots[i] == v)
			return cli_usage_error("dump", "duplicate --root-id %lu", v);
	a->roots[a->c.nr_root_ids++] = (uint32_t)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct dump_args *a)
{
	int c;
	optind = 1;
	/* ":" first: getopt stays quiet, the messages are ours */
	while ((c = getopt_long(argc, argv, ":B:jp", long_opts, NULL)) != -1) {
		switch (c) {
		case 'B':
			a->base_path = optarg;
			break;
		case 'j':
			a->fmt = FMT_JSON;
			break;
		case 'p':
			a->pretty = true;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "raw"))
				a->fmt = FMT_RAW;
			else if (!strcmp(optarg, "json"))
				a->fmt = FMT_JSON;
			else if (!strcmp(optarg, "c"))
				a->fmt = FMT_C;
			else
				return cli_usage_error("dump", "unknown format '%s' (raw, json or c)",
						       optarg);
			break;
		case OPT_UNSORTED:
			a->c.unsorted = a->c_only = true;
			break;
		case OPT_QUIRKS:
			a->c.bpftool_quirks = a->c_only = true;
			break;
		case OPT_ROOT_ID:
			a->c_only = true;
			if (parse_root_id(a, optarg))
				return EXIT_USAGE;
			break;
		case ':':
			return cli_usage_error("dump", "%s needs an argument", argv[optind - 1]);
		default:
			return cli_usage_error("dump", "unknown option %s", argv[optind - 1]);
		}
	}
	/* bpftool: -p is JSON, pretty */
	if (a->pretty && a->fmt == FMT_RAW)
		a->fmt = FMT_JSON;
	if (a->pretty && a->fmt == FMT_C)
		return cli_usage_error("dump", "--pretty is for JSON, not --format c");
	if (a->c_only && a->fmt != FMT_C)
		return cli_usage_error("dump", "--unsorted, --root-id and --bpftool-quirks "
					       "need --format c");
	if (argc - optind != 1)
		return cli_usage_error("dump", argc - optind ? "one FILE only" : "FILE missing");
	a->c.sz = sizeof(a->c);
	a->c.root_ids = a->roots;
	return 0;
}

int cmd_dump(int argc, char **argv)
{
	struct dump_args a = {0};
	if (parse_args(argc, argv, &a))
		return EXIT_USAGE;

	a.base_path = cli_auto_base(argv[optind], a.base_path);
	struct bk_error err = {0};
	struct bk_btf *base = NULL, *btf = NULL;
	int status = EXIT_OK, write_err = 0;
	if (cli_load_base(a.base_path, &base, &err) ||
	    bk_btf_load(argv[optind], base, &btf, &err)) {
		status = cli_fail(&err);
	} else if (a.fmt == FMT_C) {
		int e = bk_dump_c(btf, &a.c, stdout, &err);
		if (e && err.io)
			write_err = e, status = EXIT_USAGE;
		else if (e)
			status = cli_fail(&err);
	} else if ((write_err = bk_dump(btf, a.fmt == FMT_RAW ? BK_DUMP_TEXT
					: a.pretty	     ? BK_DUMP_JSON_PRETTY
							     : BK_DUMP_JSON,
					stdout))) {
		/* stdout's error flag is set: cli_finish_stdout (in main)
		 * reports it once, from errno */
		status = EXIT_USAGE;
	}
	bk_btf_free(btf);
	bk_btf_free(base);
	if (write_err)
		errno = -write_err;
	return status;
}
