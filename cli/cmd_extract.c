// SPDX-License-Identifier: MIT
/* btfkit extract: a file's .BTF or .BTF.base section as a raw blob. */
#include <getopt.h>
#include <string.h>

#include "cli.h"

const char cmd_extract_usage[] =
	"usage: btfkit extract FILE [-s|--section .BTF|.BTF.base] -o OUT\n"
	"\n"
	"Write one BTF section of FILE to OUT as a raw blob: its bytes exactly as they\n"
	"are in FILE (byte order included), like\n"
	"`objcopy --dump-section .BTF=OUT FILE /dev/null`.\n"
	"\n"
	"FILE is an ELF file (vmlinux, a kernel module .ko, signed or not, an object\n"
	"file .o) or a raw BTF blob, which has only .BTF; it may be compressed with\n"
	"xz, zstd or gzip (told by content).\n"
	"\n"
	"options:\n"
	"  -s, --section NAME  the section to write: .BTF (default) or .BTF.base (the\n"
	"                      distilled base BTF of a module)\n"
	"  -o, --output OUT    the file to write (replaced atomically; '-' for standard\n"
	"                      output, which must not be a terminal)\n"
	"  -h, --help          show this help\n"
	"\n"
	"exit status:\n"
	"  0  written\n"
	"  1  invalid input: FILE is neither BTF nor ELF, is corrupt, or has no such\n"
	"     section\n"
	"  2  usage error, or FILE cannot be read or OUT written\n";

static const struct option long_opts[] = {
	{"section", required_argument, NULL, 's'},
	{"output", required_argument, NULL, 'o'},
	{NULL, 0, NULL, 0},
};

int cmd_extract(int argc, char **argv)
{
	const char *section = ".BTF", *out_path = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:o:", long_opts, NULL)) != -1) {
		switch (c) {
		case 's':
			section = optarg;
			break;
		case 'o':
			out_path = optarg;
			break;
		default:
			return cli_usage_error("extract", "unknown option or missing argument");
		}
	}
	if (strcmp(section, ".BTF") && strcmp(section, ".BTF.base"))
		return cli_usage_error("extract", "--section must be .BTF or .BTF.base, not '%s'",
				       section);
	if (!out_path)
		return cli_usage_error("extract", "-o OUT missing");
	if (argc - optind != 1)
		return cli_usage_error("extract", argc - optind ? "one FILE only" : "FILE missing");

	struct bk_error err = {0};
	struct bk_file *f = NULL;
	const void *data;
	size_t size;
	int e = bk_file_open(argv[optind], &f, &err);
	if (!e)
		e = bk_file_section_bytes(f, section, &data, &size, &err);
	if (!e)
		e = bk_write_file(out_path, data, size, &err);
	bk_file_close(f);
	return e ? cli_fail(&err) : EXIT_OK;
}
