// SPDX-License-Identifier: MIT
/* placeholder until the command lands */
#include "cli.h"

const char cmd_dump_usage[] = "usage: btfkit dump\n";

int cmd_dump(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("dump", "not built yet");
}
