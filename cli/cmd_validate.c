// SPDX-License-Identifier: MIT
/* placeholder until the command lands */
#include "cli.h"

const char cmd_validate_usage[] = "usage: btfkit validate\n";

int cmd_validate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("validate", "not built yet");
}
