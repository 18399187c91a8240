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

/* The one JSON string writer of the tool (dump's bpftool-exact output has
 * its own, in the library): s quoted, with ", \ and control bytes escaped
 * (\n \t \r \b \f, others \u00XX); NULL writes "". */
void cli_json_str(FILE *out, const char *s);
/* relocate and check (cmd_relocate.c): a relocation report's problems as
 * a JSON array */
void cli_reloc_problems_json(FILE *out, const struct bk_reloc_report *rep);
/* the report as text lines, each starting with indent */
void cli_reloc_problems_text(FILE *out, const struct bk_reloc_report *rep, const char *indent);

#endif
