// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cli_fail(const struct bk_error *e)
{
	char buf[1200];
	fprintf(stderr, "btfkit: %s\n", bk_error_str(e, buf, sizeof(buf)));
	return bk_error_exit_status(e);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "btfkit %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see 'btfkit help %s')\n", cmd);
	return EXIT_USAGE;
}

int cli_load_base(const char *path, struct bk_btf **base, struct bk_error *err)
{
	*base = NULL;
	if (!path)
		return 0;
	return bk_btf_load_section(path, ".BTF", NULL, base, err);
}

void cli_json_str(FILE *out, const char *s)
{
	static const char short_escape[0x20] = {['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n',
						['\r'] = 'r', ['\t'] = 't'};
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 && short_escape[*p])
			fprintf(out, "\\%c", short_escape[*p]);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

int cli_finish_stdout(int status)
{
	if (fflush(stdout) || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "btfkit: cannot write standard output: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	return status;
}
