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
		e->reason = BK_E_NONE;
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

int bk_err_r(struct bk_error *e, int code, int reason, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vset(e, code, fmt, ap);
	va_end(ap);
	if (e)
		e->reason = reason;
	return code;
}

int bk_err_tag(struct bk_error *e, int code, int reason)
{
	if (code && code != -ENOMEM && e && !e->reason && !e->io)
		e->reason = reason;
	return code;
}

int bk_err_context(struct bk_error *e, const char *fmt, ...)
{
	if (!e)
		return 0;
	char prefix[400], msg[sizeof(e->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(msg, e->msg, sizeof(msg));
	/* "prefix: message", the message cut where the record ends (done by
	 * hand: gcc's -Wformat-truncation cannot see that cutting is meant) */
	const char *rest = msg[0] ? msg : strerror(-e->code);
	size_t n = strlen(prefix), room = sizeof(e->msg) - n - 3, r = strlen(rest);
	memcpy(e->msg, prefix, n);
	memcpy(e->msg + n, ": ", 2);
	memcpy(e->msg + n + 2, rest, r < room ? r : room);
	e->msg[n + 2 + (r < room ? r : room)] = '\0';
	return e->code;
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

/* The one exit-status rule: I/O and out of memory are 2; any failure on
 * content (whatever file it is in: module, base, --built-against) is
 * invalid input, 1. */
int bk_error_exit_status(const struct bk_error *e)
{
	/* out of memory says nothing about the input: a resource, like I/O */
	return e->io || e->reason == BK_E_IO || e->code == -ENOMEM ? 2 : 1;
}

int bk_err_io(struct bk_error *e, int code, const char *path, const char *what)
{
	if (e) {
		bk_err_set_source(e, path, NULL);
		e->io = true;
	}
	bk_err(e, code, "%s: %s", what, strerror(-code));
	if (e)
		e->reason = BK_E_IO;
	return code;
}

const char *bk_reason_name(int reason)
{
	static const char *const names[] = {
		[BK_E_IO] = "io",
		[BK_E_NOT_BTF] = "not-btf",
		[BK_E_DECOMPRESS] = "decompress",
		[BK_E_ELF] = "elf",
		[BK_E_NO_SECTION] = "no-section",
		[BK_E_SECTION] = "section",
		[BK_E_SIGNATURE] = "signature",
		[BK_E_ELF_EDIT] = "elf-edit",
		[BK_E_ELF_LAYOUT] = "elf-layout",
		[BK_E_BTF_HEADER] = "btf-header",
		[BK_E_BTF_STRINGS] = "btf-strings",
		[BK_E_BTF_TYPE] = "btf-type",
		[BK_E_TYPE_ID] = "type-id",
		[BK_E_STR_OFF] = "str-off",
		[BK_E_BASE_MISFIT] = "base-misfit",
		[BK_E_NO_DIST_BASE] = "no-dist-base",
		[BK_E_NOT_SPLIT] = "not-split",
		[BK_E_DISTILL] = "distill",
		[BK_E_RELOCATE] = "relocate",
		[BK_E_SIGNED] = "signed",
		[BK_E_BTF_IDS] = "btf-ids",
		[BK_E_ASM] = "asm",
	};
	if (reason == BK_E_NONE)
		return "none";
	if (reason > 0 && (size_t)reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "unknown";
}
