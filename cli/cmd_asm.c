// SPDX-License-Identifier: MIT
/* btfkit asm: bpftool's raw text back into a BTF blob. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const char cmd_asm_usage[] =
	"usage: btfkit asm [-B BASE] [-o OUT] [--hdr-len 24|32]\n"
	"                  [--big-endian|--little-endian] [TEXT]\n"
	"\n"
	"Turn the raw text that `bpftool btf dump file` prints back into BTF.\n"
	"TEXT is a file, or standard input when absent or '-'.\n"
	"\n"
	"  -B, --base BASE   the text is split BTF on BASE (a raw blob or an ELF\n"
	"                    file's .BTF), as `bpftool -B BASE` prints it: its first\n"
	"                    ID must be the one after BASE's last\n"
	"  -o, --output OUT  write the blob to OUT (atomically); without -o it goes\n"
	"                    to standard output, which must not be a terminal\n"
	"  --hdr-len N       header length: 32 (default, as libbpf 1.8 writes, with\n"
	"                    zero layout fields) or 24 (the classic header)\n"
	"  --big-endian, --little-endian\n"
	"                    byte order of the blob (default: the host's)\n"
	"\n"
	"IDs in the text must run on without gaps; a type may refer to one defined\n"
	"later. What the text does not show is rebuilt: STRUCT/UNION kind_flag is\n"
	"set when a member shows bitfield_size; encoding=UNKN is SIGNED|CHAR;\n"
	"'(anon)' is no name. Strings are laid out in the order they are met, as\n"
	"libbpf's builders do.\n"
	"\n"
	"Exit status: 0 success, 1 the text is invalid (the message gives\n"
	"FILE:LINE:COLUMN), 2 usage or I/O error.\n";

struct asm_opts {
	const char *base, *out, *in;
	struct bk_write_opts wr;
};

static int parse_args(int argc, char **argv, struct asm_opts *o)
{
	enum { OPT_HDR = 256, OPT_BIG, OPT_LITTLE };
	static const struct option longopts[] = {
		{"base", required_argument, NULL, 'B'},
		{"output", required_argument, NULL, 'o'},
		{"hdr-len", required_argument, NULL, OPT_HDR},
		{"big-endian", no_argument, NULL, OPT_BIG},
		{"little-endian", no_argument, NULL, OPT_LITTLE},
		{NULL, 0, NULL, 0},
	};
	int ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":B:o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'B': o->base = optarg; break;
		case 'o': o->out = optarg; break;
		case OPT_HDR:
			if (strcmp(optarg, "24") && strcmp(optarg, "32"))
				return cli_usage_error("asm", "--hdr-len takes 24 or 32, not '%s'",
						       optarg);
			o->wr.hdr_len = (uint32_t)atoi(optarg);
			break;
		case OPT_BIG:
		case OPT_LITTLE: {
			enum bk_endian e = ch == OPT_BIG ? BK_ENDIAN_BIG : BK_ENDIAN_LITTLE;
			if (o->wr.endian && o->wr.endian != e)
				return cli_usage_error("asm", "--big-endian and --little-endian "
							      "exclude each other");
			o->wr.endian = e;
			break;
		}
		case ':':
			return cli_usage_error("asm", "option '%s' needs an argument",
					       argv[optind - 1]);
		default:
			return cli_usage_error("asm", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind > 1)
		return cli_usage_error("asm", "one TEXT at most");
	o->in = optind < argc ? argv[optind] : "-";
	if (!o->out && isatty(STDOUT_FILENO))
		return cli_usage_error("asm", "will not write binary BTF to a terminal; use -o OUT "
					      "or redirect standard output");
	return EXIT_OK;
}

/* An I/O failure (exit status 2) on path. */
static int io_fail(struct bk_error *err, int code, const char *path, const char *what)
{
	bk_error_clear(err);
	err->code = code;
	err->reason = BK_E_IO;
	err->io = true;
	snprintf(err->file, sizeof(err->file), "%s", path);
	snprintf(err->msg, sizeof(err->msg), "%s: %s", what, strerror(-code));
	return code;
}

/* The whole stream into a malloc'd buffer. */
static int read_stream(FILE *f, const char *path, char **data, size_t *size,
		       struct bk_error *err)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
		if (len == cap) {
			char *b = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
			if (!b) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = b;
			cap *= 2;
		}
	}
	if (!buf || ferror(f)) {
		int e = buf ? -EIO : -ENOMEM;
		free(buf);
		return io_fail(err, e, path, "cannot read");
	}
	*data = buf;
	*size = len;
	return 0;
}

static int read_text(const char *path, char **data, size_t *size, struct bk_error *err)
{
	if (!strcmp(path, "-"))
		return read_stream(stdin, "<stdin>", data, size, err);
	FILE *f = fopen(path, "rb");
	if (!f)
		return io_fail(err, -errno, path, "cannot open");
	int e = read_stream(f, path, data, size, err);
	fclose(f);
	return e;
}

static int assemble_text(const struct asm_opts *o, const struct bk_btf *base,
			 struct bk_btf **btf, struct bk_error *err)
{
	char *text;
	size_t len;
	int e = read_text(o->in, &text, &len, err);
	if (e)
		return e;
	e = bk_asm(text, len, base, strcmp(o->in, "-") ? o->in : "<stdin>", btf, err);
	free(text);
	return e;
}

static int assemble_and_write(const struct asm_opts *o, const struct bk_btf *base,
			      struct bk_error *err)
{
	struct bk_btf *btf;
	int e = assemble_text(o, base, &btf, err);
	if (e)
		return e;
	void *blob;
	size_t size;
	e = bk_btf_write(btf, &o->wr, &blob, &size, err);
	bk_btf_free(btf);
	if (e)
		return e;
	e = bk_write_file(o->out ? o->out : "-", blob, size, err);
	free(blob);
	return e;
}

int cmd_asm(int argc, char **argv)
{
	struct asm_opts o = {.wr = {.sz = sizeof(o.wr)}};
	int st = parse_args(argc, argv, &o);
	if (st != EXIT_OK)
		return st;
	struct bk_error err;
	struct bk_btf *base = NULL;
	bk_error_clear(&err);
	int e = cli_load_base(o.base, &base, &err);
	if (!e)
		e = assemble_and_write(&o, base, &err);
	bk_btf_free(base);
	return e ? cli_fail(&err) : EXIT_OK;
}
