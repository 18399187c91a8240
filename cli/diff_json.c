// SPDX-License-Identifier: MIT
/* btfkit diff -j: the records as JSON Lines (the schema: docs/diff.md). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void jpair_i(const char *key, int64_t o, int64_t n)
{
	printf(",\"%s\":[%" PRId64 ",%" PRId64 "]", key, o, n);
}

static void jpair_s(const char *key, const char *o, const char *n)
{
	printf(",\"%s\":[", key);
	cli_json_str(stdout, o);
	putchar(',');
	cli_json_str(stdout, n);
	putchar(']');
}

static void jstr(const char *key, const char *s)
{
	printf(",\"%s\":", key);
	cli_json_str(stdout, s);
}

const char *cli_linkage_name(int64_t l)
{
	return l == 0 ? "static" : l == 1 ? "global" : l == 2 ? "extern" : "?";
}

void cli_encoding_text(int64_t e, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", e & BK_INT_SIGNED ? "SIGNED " : "", e & BK_INT_CHAR ? "CHAR " : "",
		 e & BK_INT_BOOL ? "BOOL " : "", e & 7 ? "" : "(none) ");
	buf[strlen(buf) - 1] = 0;
}

static void change_json(const struct bk_diff_change *c)
{
	char eo[32], en[32];
	printf("{\"op\":\"%s\",\"severity\":\"%s\"", bk_diff_what_name(c->what),
	       bk_diff_severity_name(c->severity));
	switch (c->what) {
	case BK_DIFF_SIZE: jpair_i("size", c->old_val, c->new_val); break;
	case BK_DIFF_DEFINITION:
		printf(",\"defined\":[%s,%s]", c->old_val ? "true" : "false", c->new_val ? "true" : "false");
		break;
	case BK_DIFF_MEMBER_ADDED: case BK_DIFF_MEMBER_REMOVED: {
		bool added = c->what == BK_DIFF_MEMBER_ADDED;
		jstr("name", c->name);
		jstr("type", added ? c->new_text : c->old_text);
		printf(",\"offset\":%" PRId64 ",\"size\":%" PRId64, added ? c->new_val : c->old_val,
		       added ? c->new_size : c->old_size);
		break;
	}
	case BK_DIFF_MEMBER_RENAMED:
		jpair_s("name", c->name, c->name2);
		jstr("type", c->old_text);
		printf(",\"offset\":%" PRId64, c->old_val);
		break;
	case BK_DIFF_MEMBER_RETYPED:
		jstr("name", c->name);
		jpair_s("type", c->old_text, c->new_text);
		jpair_i("size", c->old_size, c->new_size);
		jpair_i("offset", c->old_val, c->new_val);
		break;
	case BK_DIFF_MEMBER_BITFIELD:
		jstr("name", c->name);
		jpair_i("bitfield_size", c->old_val, c->new_val);
		break;
	case BK_DIFF_MEMBER_MOVED:
		jstr("first", c->name);
		jstr("last", c->name2);
		printf(",\"count\":%u", c->count);
		jpair_i("offset", c->old_val, c->new_val);
		printf(",\"delta\":%" PRId64, c->delta);
		break;
	case BK_DIFF_MEMBER_REGROUPED: jstr("name", c->name); break;
	case BK_DIFF_ENUM_SIGNED:
		printf(",\"signed\":[%s,%s]", c->old_val ? "true" : "false", c->new_val ? "true" : "false");
		break;
	case BK_DIFF_ENUMERATOR_ADDED: case BK_DIFF_ENUMERATOR_REMOVED:
		jstr("name", c->name);
		printf(",\"value\":%" PRId64,
		       c->what == BK_DIFF_ENUMERATOR_ADDED ? c->new_val : c->old_val);
		break;
	case BK_DIFF_ENUMERATOR_VALUE:
		jstr("name", c->name);
		jpair_i("value", c->old_val, c->new_val);
		break;
	case BK_DIFF_RETURN: jpair_s("type", c->old_text, c->new_text); break;
	case BK_DIFF_PARAM_ADDED: case BK_DIFF_PARAM_REMOVED:
		printf(",\"index\":%u", c->index);
		jstr("name", c->name);
		jstr("type", c->what == BK_DIFF_PARAM_ADDED ? c->new_text : c->old_text);
		break;
	case BK_DIFF_PARAM_RETYPED:
		printf(",\"index\":%u", c->index);
		jstr("name", c->name);
		jpair_s("type", c->old_text, c->new_text);
		break;
	case BK_DIFF_PARAM_NAME:
		printf(",\"index\":%u", c->index);
		jpair_s("name", c->name, c->name2);
		break;
	case BK_DIFF_LINKAGE: jpair_s("linkage", cli_linkage_name(c->old_val), cli_linkage_name(c->new_val)); break;
	case BK_DIFF_TARGET: case BK_DIFF_VAR_TYPE:
		jpair_s("type", c->old_text, c->new_text);
		jpair_i("size", c->old_size, c->new_size);
		break;
	case BK_DIFF_ENCODING:
		cli_encoding_text(c->old_val, eo, sizeof(eo));
		cli_encoding_text(c->new_val, en, sizeof(en));
		jpair_s("encoding", eo, en);
		break;
	case BK_DIFF_BITS:
		jpair_i("bits", c->old_val, c->new_val);
		jpair_i("bit_offset", c->old_size, c->new_size);
		break;
	default: break;
	}
	putchar('}');
}

static void record_ref_json(const char *key, const struct bk_diff_result *res, int64_t i)
{
	const struct bk_diff_record *r = &res->records[i];
	printf(",\"%s\":{\"kind\":\"%s\",\"name\":", key, bk_diff_class_name(r->cls));
	cli_json_str(stdout, r->name);
	putchar('}');
}

void cli_diff_record_json(const struct bk_diff_result *res, size_t i)
{
	const struct bk_diff_record *r = &res->records[i];
	printf("{\"kind\":\"%s\",\"name\":", bk_diff_class_name(r->cls));
	cli_json_str(stdout, r->name);
	printf(",\"op\":\"%s\",\"severity\":\"%s\"", bk_diff_op_name(r->op),
	       bk_diff_severity_name(r->severity));
	if (r->anon)
		fputs(",\"anonymous\":true", stdout);
	if (r->old_size >= 0 || r->new_size >= 0)
		jpair_i("size", r->old_size, r->new_size);
	jpair_i("variants", r->old_variants, r->new_variants);
	if (*r->old_text || *r->new_text)
		jpair_s("text", r->old_text, r->new_text);
	if (r->op == BK_DIFF_CHANGED) {
		printf(",\"cause\":\"%s\"", r->shifted_by >= 0 ? "shifted" : "root");
		if (r->shifted_by >= 0) {
			record_ref_json("shifted_by", res, r->shifted_by);
			record_ref_json("root", res, r->root);
		} else {
			printf(",\"shifted\":%zu", r->nr_shifted);
		}
	}
	fputs(",\"changes\":[", stdout);
	for (size_t k = 0; k < r->nr_changes; k++) {
		if (k)
			putchar(',');
		change_json(&r->changes[k]);
	}
	putchar(']');
	if (res->have_modules) {
		printf(",\"impact\":{\"modules_embed\":%zu,\"modules_ref\":%zu", r->impact.embed,
		       r->impact.ref);
		if (r->shifted_by < 0)
			printf(",\"modules_embed_total\":%zu,\"modules_ref_total\":%zu",
			       r->impact.embed_total, r->impact.ref_total);
		fputs(",\"modules\":[", stdout);
		for (size_t k = 0; k < r->impact.embed; k++) {
			if (k)
				putchar(',');
			cli_json_str(stdout, res->modules[r->impact.embedders[k]]);
		}
		fputs("]}", stdout);
	}
	puts("}");
}

static void counts_json(const struct bk_diff_result *res, enum bk_diff_op op)
{
	printf("%s\"%s\":{", op ? "," : "", bk_diff_op_name(op));
	for (int c = 0; c < BK_DIFF_NR_CLASSES; c++)
		printf("%s\"%s\":%zu", c ? "," : "", bk_diff_class_name(c), res->count[c][op]);
	putchar('}');
}

void cli_diff_summary_json(const struct bk_diff_result *res, const char *old, const char *new_path,
			   double secs)
{
	fputs("{\"summary\":{\"old\":", stdout);
	cli_json_str(stdout, old);
	fputs(",\"new\":", stdout);
	cli_json_str(stdout, new_path);
	putchar(',');
	for (int op = 0; op < BK_DIFF_NR_OPS; op++)
		counts_json(res, op);
	for (int s = 0; s < BK_DIFF_NR_SEVERITIES; s++)
		printf(",\"%s\":%zu", bk_diff_severity_name(s), res->severity[s]);
	printf(",\"records\":%zu,\"roots\":%zu,\"shifted\":%zu,\"seconds\":%.3f", res->nr_records,
	       res->nr_roots, res->nr_shifted, secs);
	if (res->have_modules)
		printf(",\"modules\":{\"total\":%zu,\"fail\":%zu,\"touch\":%zu,\"error\":%zu}",
		       res->nr_modules, res->modules_fail, res->modules_touch, res->modules_error);
	puts("}}");
}
