/* SPDX-License-Identifier: MIT */
/*
 * The btfkit tool: a thin layer over libbtfkit.
 *
 * Adding a command:
 *  1. write cli/cmd_NAME.c with `int cmd_NAME(int argc, char **argv)`; it
 *     parses its options with getopt_long (argv[0] is the command name) and
 *     calls the library;
 *     and `const char cmd_NAME_usage[]`, its full help (`btfkit help NAME`);
 *  2. declare it below with CLI_COMMAND(NAME) and add a row to commands[] in
 *     cli/main.c with its one-line summary;
 *  3. report errors with cli_fail() and return its exit status:
 *     0 success, 1 invalid input or the operation fails on it, 2 usage or I/O.
 */
#ifndef BTFKIT_CLI_H
#define BTFKIT_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "btfkit/btfkit.h"

enum { EXIT_OK = 0, EXIT_INVALID = 1, EXIT_USAGE = 2 };

struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *usage;
};

#define CLI_COMMAND(name)                      \
	int cmd_##name(int argc, char **argv); \
	extern const char cmd_##name##_usage[]
CLI_COMMAND(dump);
CLI_COMMAND(validate);
CLI_COMMAND(extract);
CLI_COMMAND(asm);
CLI_COMMAND(distill);
CLI_COMMAND(relocate);
CLI_COMMAND(check);
CLI_COMMAND(diff);

/* Print "btfkit: <error>" on stderr; returns the exit status it calls for. */
int cli_fail(const struct bk_error *e);
/* Print "btfkit CMD: <message>" and the usage hint; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print the usage text of a command to stdout; returns EXIT_OK. */
int cli_help(const char *cmd);
/* Load a base BTF file (raw or ELF .BTF) for -B; NULL path gives NULL. */
int cli_load_base(const char *path, struct bk_btf **base, struct bk_error *err);
/* Flush stdout and report a write error (EPIPE, ENOSPC) as an I/O error. */
int cli_finish_stdout(int status);
/* The length of the valid UTF-8 sequence at s (1..4); 0 when the byte
 * at s does not start one (a JSON or text writer escapes it). */
size_t cli_utf8_len(const unsigned char *s);
/* A path in a line of text: as it is when it is one plain word, else in
 * single quotes, with ' and \ escaped and bytes that are control or not
 * UTF-8 as \xNN. */
void cli_print_path(FILE *out, const char *path);
/* one or many: "1 module", "2 modules" */
const char *cli_plural(unsigned long long n, const char *one, const char *many);
/* The base to read FILE on: base when given; else, as bpftool does for
 * /sys/kernel/btf/<module>, the vmlinux beside a file (not vmlinux itself)
 * whose directory is .../kernel/btf; else NULL. */
const char *cli_auto_base(const char *file, const char *base);

/* The one JSON string writer of the tool (dump's bpftool-exact output has
 * its own, in the library): s quoted, with ", \ and control bytes escaped
 * (\n \t \r \b \f, others \u00XX), and every byte that is not part of
 * valid UTF-8 written \u00XX (its Latin-1 reading), so that the JSON is
 * valid whatever bytes a path holds; NULL writes "". */
void cli_json_str(FILE *out, const char *s);
/* relocate and check (cmd_relocate.c): a relocation report's problems as
 * a JSON array */
void cli_reloc_problems_json(FILE *out, const struct bk_reloc_report *rep);
/* the report as text lines, each starting with indent */
void cli_reloc_problems_text(FILE *out, const struct bk_reloc_report *rep, const char *indent);

/* diff (diff_json.c): one record as a JSON line, the summary line; the
 * words for a linkage and for INT encoding bits */
void cli_diff_record_json(const struct bk_diff_result *res, size_t i);
void cli_diff_summary_json(const struct bk_diff_result *res, const char *old, const char *new_path,
			   double secs);
const char *cli_linkage_name(int64_t linkage);
void cli_encoding_text(int64_t encoding, char *buf, size_t len);

/* check (check_why.c): the diff of the kernel a module set was built against
 * and the kernel checked, when some module has a "size differs" (NULL
 * otherwise); each such problem in words, as text lines or a JSON "why" */
struct bk_diff_result *cli_check_diff(const struct bk_btf *against, const struct bk_btf *kernel,
				      const struct bk_check_result *r, size_t n);
void cli_check_why_text(const struct bk_diff_result *d, const struct bk_reloc_report *rep,
			const char *indent);
void cli_check_why_json(const struct bk_diff_result *d, const struct bk_reloc_report *rep);

/* check --report / --compare / --html (check_report.c), after the modules'
 * lines and before the summary; returns an exit status (2: I/O) */
struct cli_report_args {
	bool report, json;
	bool name_kernel; /* JSON: each line names the kernel (several -B) */
	const char *compare, *html;
};
int cli_check_report(const struct cli_report_args *a, const char *kernel,
		     const struct bk_check_result *r, size_t n);
/* write the --html page (a section per kernel checked); 0 or -1 */
int cli_check_report_finish(const struct cli_report_args *a);

#endif
