// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	size_t n;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 && short_escape[*p])
			fprintf(out, "\\%c", short_escape[*p]);
		else if (*p < 0x20 || !(n = cli_utf8_len(p)))
			fprintf(out, "\\u%04x", *p); /* not UTF-8: its Latin-1 reading */
		else {
			fwrite(p, 1, n, out);
			p += n - 1;
		}
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

size_t cli_utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	/* lead byte: sequence length and the range of the second byte that
	 * excludes overlong forms, surrogates and code points past U+10FFFF */
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		lo = s[0] == 0xe0 ? 0xa0 : 0x80;
		hi = s[0] == 0xed ? 0x9f : 0xbf;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		lo = s[0] == 0xf0 ? 0x90 : 0x80;
		hi = s[0] == 0xf4 ? 0x8f : 0xbf;
	} else
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* Characters a path may hold and still read as one word in a line of text. */
static bool path_plain(const unsigned char *p)
{
	if (!*p)
		return false;
	for (; *p; p++) {
		size_t n = cli_utf8_len(p);
		if (n > 1) {
			p += n - 1; /* printable enough: not a separator */
			continue;
		}
		bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9');
		if (!n || !(alnum || strchr("/._-+@%,=~<>", *p)))
			return false;
	}
	return true;
}

void cli_print_path(FILE *out, const char *path)
{
	const unsigned char *p = (const unsigned char *)path;
	if (path_plain(p)) {
		fputs(path, out);
		return;
	}
	fputc('\'', out);
	while (*p) {
		size_t n = cli_utf8_len(p);
		if (n == 1 && (*p < 0x20 || *p == 0x7f))
			fprintf(out, "\\x%02x", *p);
		else if (n == 1 && (*p == '\'' || *p == '\\'))
			fprintf(out, "\\%c", *p);
		else if (n)
			fwrite(p, 1, n, out);
		else
			fprintf(out, "\\x%02x", *p);
		p += n ? n : 1;
	}
	fputc('\'', out);
}

const char *cli_plural(unsigned long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

const char *cli_auto_base(const char *file, const char *base)
{
	static char vmlinux[4096];
	char real[4096];
	if (base || !realpath(file, real))
		return base;
	char *slash = strrchr(real, '/');
	if (!slash || !strcmp(slash + 1, "vmlinux"))
		return NULL;
	*slash = '\0';
	size_t len = strlen(real);
	if (len < 11 || strcmp(real + len - 11, "/kernel/btf"))
		return NULL;
	struct stat st;
	if (snprintf(vmlinux, sizeof(vmlinux), "%s/vmlinux", real) >= (int)sizeof(vmlinux))
		return NULL;
	return stat(vmlinux, &st) == 0 ? vmlinux : NULL;
}
