// SPDX-License-Identifier: MIT
/* One error record for the whole library; the CLI renders it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/btf_internal.h"

void bk_error_clear(struct bk_error *e)
{
	if (e)
		memset(e, 0, sizeof(*e));
}

void bk_err_set_source(struct bk_error *e, const char *file, const char *section)
{
	if (!e)
		return;
	snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
	snprintf(e->section, sizeof(e->section), "%s", section ? section : "");
}

static int vset(struct bk_error *e, int code, const char *fmt, va_list ap)
{
	if (e) {
		e->code = code;
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	}
	return code;
}

int bk_err(struct bk_error *e, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int bk_err_type(struct bk_error *e, const struct bk_btf *btf, uint32_t id, int code,
		const char *fmt, ...)
{
	if (!e)
		return code;
	char label[160], what[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	bk_err_set_source(e, btf->source, btf->section);
	e->type_id = id;
	return bk_err(e, code, "%s: %s", bk_type_label(btf, id, label, sizeof(label)), what);
}

const char *bk_error_str(const struct bk_error *e, char *buf, size_t len)
{
	char where[64] = "";
	if (e->line)
		snprintf(where, sizeof(where), ":%d:%d", e->line, e->column);
	snprintf(buf, len, "%s%s%s%s%s%s", e->file, where, e->file[0] || where[0] ? ": " : "",
		 e->section, e->section[0] ? ": " : "", e->msg[0] ? e->msg : strerror(-e->code));
	return buf;
}

int bk_error_exit_status(const struct bk_error *e)
{
	/* out of memory says nothing about the input: a resource, like I/O */
	return e->io || e->code == -ENOMEM ? 2 : 1;
}

int bk_err_io(struct bk_error *e, int code, const char *path, const char *what)
{
	if (e) {
		bk_err_set_source(e, path, NULL);
		e->io = true;
	}
	return bk_err(e, code, "%s: %s", what, strerror(-code));
}
