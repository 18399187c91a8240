// SPDX-License-Identifier: MIT
/* btfkit validate: check BTF files against the kernel's rules on load. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

const char cmd_validate_usage[] =
	"usage: btfkit validate [-B BASE] [-1] [-j] FILE...\n"
	"\n"
	"Check each FILE's BTF against the rules the Linux kernel applies when it\n"
	"loads BTF (BPF_BTF_LOAD for base BTF, module loading for split BTF on\n"
	"vmlinux), from the raw bytes on: header, sections, strings, every type's\n"
	"names, sizes, members, references, loops and depth (at most 32 types in a\n"
	"chain, as the kernel). The rules are those of the 6.18 kernel.\n"
	"\n"
	"FILE is a raw BTF blob (either byte order) or an ELF file, whose .BTF\n"
	"section is checked. When the ELF file has a .BTF.base section (a distilled\n"
	"base), that is checked too and .BTF is checked on top of it.\n"
	"\n"
	"options:\n"
	"  -B, --base BASE  FILE is split BTF on top of BASE (a raw blob or an ELF\n"
	"                   file's .BTF, e.g. vmlinux for a module); BASE is taken\n"
	"                   as valid\n"
	"  -1, --first      stop at the first fault of each file, as the kernel does\n"
	"  -j, --json       print JSON instead of text\n"
	"  -h, --help       show this help\n"
	"\n"
	"output (standard output):\n"
	"  one line per fault: FILE: SECTION: [ID] KIND 'name': what is wrong (reason)\n"
	"  then one line per file: FILE: valid (N types) | FILE: invalid (N faults)\n"
	"  (FILE in single quotes when it has spaces, colons, quotes or bytes that\n"
	"  are not UTF-8). FILE '-' is standard input.\n"
	"  With -j: {\"files\":[{\"file\":F,\"section\":S,\"faults\":[{\"type_id\":N,\n"
	"  \"reason\":R,\"errno\":E,\"message\":M},...],\"valid\":B},...]}; reason is a stable name\n"
	"  (e.g. member-offset, loop, name), errno the one the kernel would return.\n"
	"  Errors that stop a file from being checked at all go to standard error;\n"
	"  with -j the file is listed too: {\"file\":F,\"error\":M,\"valid\":false}.\n"
	"  Strings are UTF-8; a byte of a path that is not is written \\u00XX.\n"
	"\n"
	"exit status:\n"
	"  0  every FILE is valid\n"
	"  1  some FILE is not\n"
	"  2  usage error, or a file cannot be read\n";

static const struct option long_opts[] = {
	{"base", required_argument, NULL, 'B'},
	{"first", no_argument, NULL, '1'},
	{"json", no_argument, NULL, 'j'},
	{NULL, 0, NULL, 0},
};

struct out {
	bool json;
	bool first_fault; /* JSON: no comma before the next fault */
	unsigned faults;
};

static int print_fault(const struct bk_error *e, void *ctx)
{
	struct out *o = ctx;
	char buf[1200];
	o->faults++;
	if (!o->json) {
		printf("%s (%s)\n", bk_error_str(e, buf, sizeof(buf)), bk_fault_name(e->reason));
		return 0;
	}
	printf("%s{\"type_id\":%u,\"reason\":", o->first_fault ? "" : ",", e->type_id);
	cli_json_str(stdout, bk_fault_name(e->reason));
	printf(",\"errno\":%d,\"message\":", -e->code);
	cli_json_str(stdout, e->msg);
	putchar('}');
	o->first_fault = false;
	return 0;
}

static bool first_file = true;

static void begin_file(struct out *o, const char *path, const char *section)
{
	o->faults = 0;
	o->first_fault = true;
	if (!o->json)
		return;
	printf("%s{\"file\":", first_file ? "" : ",");
	cli_json_str(stdout, path);
	printf(",\"section\":");
	cli_json_str(stdout, section);
	printf(",\"faults\":[");
	first_file = false;
}

static void end_file(const struct out *o, const char *path, const char *section,
		     uint32_t nr_types)
{
	if (o->json) {
		printf("],\"valid\":%s}", o->faults ? "false" : "true");
		return;
	}
	cli_print_path(stdout, path);
	if (o->faults)
		printf(": %s: invalid (%u %s)\n", section, o->faults,
		       cli_plural(o->faults, "fault", "faults"));
	else
		printf(": %s: valid (%u %s)\n", section, nr_types, cli_plural(nr_types, "type", "types"));
}

/* One section: returns the exit status it calls for. */
static int check_section(struct out *o, const struct bk_file *f, const char *section,
			 const struct bk_btf *base, const struct bk_validate_opts *opts)
{
	const void *data;
	size_t size;
	struct bk_error err;
	bk_error_clear(&err);
	if (bk_file_section(f, section, &data, &size)) {
		fprintf(stderr, "btfkit: %s: no %s section\n", bk_file_name(f), section);
		return EXIT_INVALID;
	}
	begin_file(o, bk_file_name(f), section);
	int e = bk_validate_blob(data, size, base, bk_file_name(f), section, opts, print_fault, o);
	uint32_t nr = 0;
	struct bk_btf *btf = NULL;
	if (!e && !bk_btf_parse(data, size, base, bk_file_name(f), &btf, &err))
		nr = bk_btf_nr_types(btf);
	bk_btf_free(btf);
	end_file(o, bk_file_name(f), section, nr);
	if (e == -ENOMEM) {
		fprintf(stderr, "btfkit: %s: out of memory\n", bk_file_name(f));
		return EXIT_USAGE;
	}
	return e ? EXIT_INVALID : EXIT_OK;
}

/* A file that cannot be checked at all: on standard error, and in the JSON
 * too, so that every FILE is in it ({"file", "error", "valid": false}). */
static int unreadable(struct out *o, const char *path, const struct bk_error *err)
{
	int st = cli_fail(err);
	if (o->json) {
		char buf[1200];
		printf("%s{\"file\":", first_file ? "" : ",");
		cli_json_str(stdout, path);
		printf(",\"error\":");
		cli_json_str(stdout, bk_error_str(err, buf, sizeof(buf)));
		printf(",\"valid\":false}");
		first_file = false;
	}
	return st;
}

static int check_file(struct out *o, const char *path, const struct bk_btf *base,
		      const struct bk_validate_opts *opts)
{
	struct bk_file *f = NULL;
	struct bk_error err;
	const void *data;
	size_t size;
	bk_error_clear(&err);
	if (bk_file_open(path, &f, &err))
		return unreadable(o, path, &err);
	if (bk_file_section(f, ".BTF.base", &data, &size)) {
		int st = check_section(o, f, ".BTF", base, opts);
		bk_file_close(f);
		return st;
	}
	/* a distilled base: check it, then .BTF on top of it */
	struct bk_btf *dist = NULL;
	int st = check_section(o, f, ".BTF.base", NULL, opts);
	if (st == EXIT_OK && bk_btf_parse(data, size, NULL, path, &dist, &err) == 0) {
		bk_btf_set_source(dist, path, ".BTF.base");
		st = check_section(o, f, ".BTF", dist, opts);
	}
	bk_btf_free(dist);
	bk_file_close(f);
	return st;
}

int cmd_validate(int argc, char **argv)
{
	const char *base_path = NULL;
	BK_OPTS(bk_validate_opts, opts);
	struct out o = {0};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":B:1j", long_opts, NULL)) != -1) {
		switch (c) {
		case 'B':
			base_path = optarg;
			break;
		case '1':
			opts.first_only = true;
			break;
		case 'j':
			o.json = true;
			break;
		case ':':
			return cli_usage_error("validate", "%s needs an argument", argv[optind - 1]);
		default:
			return cli_usage_error("validate", "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error("validate", "no FILE given");
	struct bk_btf *base = NULL;
	struct bk_error err;
	bk_error_clear(&err);
	if (cli_load_base(base_path, &base, &err))
		return cli_fail(&err);
	int status = EXIT_OK;
	if (o.json)
		printf("{\"files\":[");
	for (int i = optind; i < argc; i++) {
		int st = check_file(&o, argv[i], base, &opts);
		if (st > status)
			status = st;
	}
	if (o.json)
		printf("]}\n");
	bk_btf_free(base);
	return status;
}
