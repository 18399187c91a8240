// SPDX-License-Identifier: MIT
/* btfkit dump: print BTF as `bpftool [-j] btf dump file` does. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "cli.h"

const char cmd_dump_usage[] =
	"usage: btfkit dump [-B BASE] [-j|--json] FILE\n"
	"\n"
	"Print the BTF of FILE exactly as `bpftool btf dump file FILE` does (its raw\n"
	"text format), or as `bpftool -j btf dump file FILE` with -j.\n"
	"\n"
	"FILE is a raw BTF blob (either byte order) or an ELF file (vmlinux, a kernel\n"
	"module .ko, an object .o), whose .BTF section is read. Only FILE's own types\n"
	"are printed: split BTF is numbered after its base.\n"
	"\n"
	"options:\n"
	"  -B, --base BASE  FILE is split BTF on top of BASE (a raw blob or an ELF\n"
	"                   file's .BTF, e.g. the kernel's vmlinux for a module).\n"
	"                   When FILE also has a .BTF.base section (a distilled base),\n"
	"                   its types are relocated onto BASE first.\n"
	"  -j, --json       print JSON ({\"types\":[...]}) instead of text\n"
	"  -h, --help       show this help\n"
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
	"     or relocation onto BASE fails\n"
	"  2  usage error, or a file cannot be read or standard output written\n";

static const struct option long_opts[] = {
	{"base", required_argument, NULL, 'B'},
	{"json", no_argument, NULL, 'j'},
	{NULL, 0, NULL, 0},
};

int cmd_dump(int argc, char **argv)
{
	const char *base_path = NULL;
	enum bk_dump_format fmt = BK_DUMP_TEXT;
	int c;
	optind = 1;
	/* ":" first: getopt stays quiet, the messages are ours */
	while ((c = getopt_long(argc, argv, ":B:j", long_opts, NULL)) != -1) {
		switch (c) {
		case 'B':
			base_path = optarg;
			break;
		case 'j':
			fmt = BK_DUMP_JSON;
			break;
		case ':':
			return cli_usage_error("dump", "%s needs an argument", argv[optind - 1]);
		default:
			return cli_usage_error("dump", "unknown option %s", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("dump", argc - optind ? "one FILE only" : "FILE missing");

	base_path = cli_auto_base(argv[optind], base_path);
	struct bk_error err = {0};
	struct bk_btf *base = NULL, *btf = NULL;
	int status = EXIT_OK, write_err = 0;
	if (cli_load_base(base_path, &base, &err) ||
	    bk_btf_load(argv[optind], base, &btf, &err)) {
		status = cli_fail(&err);
	} else if ((write_err = bk_dump(btf, fmt, stdout))) {
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
