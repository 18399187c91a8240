// SPDX-License-Identifier: MIT
/* placeholder until the command lands */
#include "cli.h"

const char cmd_relocate_usage[] = "usage: btfkit relocate\n";

int cmd_relocate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("relocate", "not built yet");
}
