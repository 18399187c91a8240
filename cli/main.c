// SPDX-License-Identifier: MIT
/* btfkit: git-style subcommands dispatched from one table. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define ROW(n, summary) {#n, cmd_##n, summary, cmd_##n##_usage}

static const struct cli_command commands[] = {
	ROW(dump, "print BTF as bpftool does (raw text or JSON)"),
	ROW(validate, "check BTF against the kernel's rules"),
	ROW(extract, "write a file's .BTF or .BTF.base section as a raw blob"),
	ROW(asm, "turn bpftool's raw text back into BTF"),
	ROW(distill, "give a module a .BTF.base (distilled base BTF)"),
	ROW(relocate, "move split BTF onto a new base"),
	ROW(check, "tell which modules relocate onto a kernel"),
	ROW(diff, "tell what changed between two BTFs, and which modules it hits"),
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_overview(FILE *f)
{
	fprintf(f, "usage: btfkit <command> [options] [args]\n\n"
		   "BTF (BPF Type Format) tools: read, validate, print, write, distill and\n"
		   "relocate kernel and module BTF.\n\ncommands:\n");
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'btfkit help <command>' or 'btfkit <command> --help' for its options.\n"
		   "Exit status: 0 success, 1 invalid input or the operation fails on it,\n"
		   "2 usage or I/O errors.\n");
}

int cli_help(const char *name)
{
	const struct cli_command *c = find_command(name);
	if (!c) {
		fprintf(stderr, "btfkit: no command '%s'\n", name);
		return EXIT_USAGE;
	}
	fputs(c->usage, stdout);
	return cli_finish_stdout(EXIT_OK);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_overview(stderr);
		return EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		print_overview(stdout);
		return cli_finish_stdout(EXIT_OK);
	}
	if (!strcmp(name, "--version")) {
		printf("btfkit %s\n", BTFKIT_VERSION);
		return cli_finish_stdout(EXIT_OK);
	}
	if (!strcmp(name, "help")) {
		if (argc < 3) {
			print_overview(stdout);
			return cli_finish_stdout(EXIT_OK);
		}
		return cli_help(argv[2]);
	}
	const struct cli_command *c = find_command(name);
	if (!c) {
		fprintf(stderr, "btfkit: '%s' is not a command (see 'btfkit --help')\n", name);
		return EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return cli_help(name);
	/* a command's inputs are read once and let go: a vmlinux mapped
	 * (under a lease, safe from writers) loads much faster */
	bk_map_large_inputs(true);
	return cli_finish_stdout(c->fn(argc - 1, argv + 1));
}
