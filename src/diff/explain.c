// SPDX-License-Identifier: MIT
/*
 * A record in words, for the tools that meet a change elsewhere: check's
 * "size differs" says what changed inside the type, and for a type that
 * only shifted, which embedded type it shifted with and what changed there.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diff/diff_internal.h"

int64_t bk_diff_find(const struct bk_diff_result *r, enum bk_diff_class cls, const char *name)
{
	size_t lo = 0, hi = r ? r->nr_records : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct bk_diff_record *x = &r->records[mid];
		int c = x->cls != cls ? (x->cls < cls ? -1 : 1) : strcmp(x->name, name);
		if (!c)
			return (int64_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static size_t put(char *buf, size_t len, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t put(char *buf, size_t len, size_t at, const char *fmt, ...)
{
	va_list ap;
	if (at >= len)
		return at;
	va_start(ap, fmt);
	int n = vsnprintf(buf + at, len - at, fmt, ap);
	va_end(ap);
	return n < 0 ? at : at + (size_t)n;
}

static size_t change_words(const struct bk_diff_change *c, char *buf, size_t len, size_t at)
{
	switch (c->what) {
	case BK_DIFF_MEMBER_ADDED:
		return put(buf, len, at, "member '%s' (%s) added at byte %" PRId64, c->name, c->new_text,
			   c->new_val / 8);
	case BK_DIFF_MEMBER_REMOVED:
		return put(buf, len, at, "member '%s' (%s) removed from byte %" PRId64, c->name,
			   c->old_text, c->old_val / 8);
	case BK_DIFF_MEMBER_RETYPED:
		return put(buf, len, at, "member '%s' retyped %s -> %s (%" PRId64 " -> %" PRId64 " bytes)",
			   c->name, c->old_text, c->new_text, c->old_size, c->new_size);
	case BK_DIFF_MEMBER_BITFIELD:
		return put(buf, len, at, "member '%s' %" PRId64 " -> %" PRId64 " bits wide", c->name,
			   c->old_val, c->new_val);
	case BK_DIFF_MEMBER_RENAMED:
		return put(buf, len, at, "member '%s' renamed '%s'", c->name, c->name2);
	case BK_DIFF_MEMBER_MOVED:
		if (c->count > 1)
			return put(buf, len, at, "members '%s'..'%s' moved %+" PRId64 " bits", c->name,
				   c->name2, c->delta);
		return put(buf, len, at, "member '%s' moved %+" PRId64 " bits", c->name, c->delta);
	case BK_DIFF_DEFINITION:
		return put(buf, len, at, c->new_val ? "gained its definition" : "lost its definition");
	case BK_DIFF_TARGET:
		return put(buf, len, at, "now %s (was %s)", c->new_text, c->old_text);
	default:
		return put(buf, len, at, "%s", bk_diff_what_name(c->what));
	}
}

/* the record's own changes, the size first, at most three more */
static size_t own_words(const struct bk_diff_record *r, char *buf, size_t len, size_t at)
{
	size_t shown = 0;
	at = put(buf, len, at, "%s %s", bk_diff_class_name(r->cls), r->name);
	if (r->op == BK_DIFF_REMOVED)
		return put(buf, len, at, " is gone");
	if (r->old_size >= 0 && r->new_size >= 0 && r->old_size != r->new_size)
		at = put(buf, len, at, " %" PRId64 " -> %" PRId64, r->old_size, r->new_size);
	for (size_t i = 0; i < r->nr_changes; i++) {
		const struct bk_diff_change *c = &r->changes[i];
		if (c->what == BK_DIFF_SIZE || c->severity == BK_DIFF_COSMETIC)
			continue;
		if (shown == 3) {
			at = put(buf, len, at, ", ...");
			break;
		}
		at = put(buf, len, at, shown++ ? ", " : ": ");
		at = change_words(c, buf, len, at);
	}
	return at;
}

const char *bk_diff_explain(const struct bk_diff_result *r, size_t i, char *buf, size_t len)
{
	if (!len)
		return buf;
	buf[0] = 0;
	if (!r || i >= r->nr_records)
		return buf;
	const struct bk_diff_record *rec = &r->records[i];
	size_t at = own_words(rec, buf, len, 0);
	if (rec->shifted_by >= 0) {
		const struct bk_diff_record *by = &r->records[rec->shifted_by];
		at = put(buf, len, at, " (it embeds %s %s", bk_diff_class_name(by->cls), by->name);
		if (rec->root >= 0 && rec->root != rec->shifted_by) {
			const struct bk_diff_record *root = &r->records[rec->root];
			at = put(buf, len, at, ", which embeds %s %s", bk_diff_class_name(root->cls),
				 root->name);
		}
		at = put(buf, len, at, "; root cause: ");
		at = own_words(&r->records[rec->root >= 0 ? rec->root : rec->shifted_by], buf, len, at);
		put(buf, len, at, ")");
	}
	return buf;
}
