// SPDX-License-Identifier: MIT
/* placeholder until the command lands */
#include "cli.h"

const char cmd_extract_usage[] = "usage: btfkit extract\n";

int cmd_extract(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_usage_error("extract", "not built yet");
}
