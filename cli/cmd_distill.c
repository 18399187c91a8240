// SPDX-License-Identifier: MIT
/* placeholder until the command lands */
#include "cli.h"

const char cmd_distill_usage[] = "usage: btfkit distill\n";

int cmd_distill(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("distill", "not built yet");
}
