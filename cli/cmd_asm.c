// SPDX-License-Identifier: MIT
/* placeholder until the command lands */
#include "cli.h"

const char cmd_asm_usage[] = "usage: btfkit asm\n";

int cmd_asm(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("asm", "not built yet");
}
