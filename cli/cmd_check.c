// SPDX-License-Identifier: MIT
/* placeholder until the command lands */
#include "cli.h"

const char cmd_check_usage[] = "usage: btfkit check\n";

int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("check", "not built yet");
}
