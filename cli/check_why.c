// SPDX-License-Identifier: MIT
/* check's "size differs", explained by the diff of --built-against and -B:
 * what changed inside the type, or which embedded type it moved with. */
#include <stdio.h>

#include "cli.h"

static bool wants_diff(const struct bk_check_result *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; r[i].report && k < r[i].report->nr_problems; k++)
			if (r[i].report->problems[k].fault == BK_RELOC_SIZE_DIFFERS)
				return true;
	return false;
}

struct bk_diff_result *cli_check_diff(const struct bk_btf *against, const struct bk_btf *kernel,
				      const struct bk_check_result *r, size_t n)
{
	BK_OPTS(bk_diff_opts, opts);
	struct bk_diff_result *d = NULL;
	struct bk_error err = {0};
	if (!against || !wants_diff(r, n) || bk_diff(against, kernel, &opts, &d, &err))
		return NULL; /* no explanation is no failure: the check stands */
	return d;
}

static int64_t record_of(const struct bk_diff_result *d, const struct bk_reloc_problem *p)
{
	if (!d || p->fault != BK_RELOC_SIZE_DIFFERS)
		return -1;
	if (p->dist_kind == BK_KIND_STRUCT)
		return bk_diff_find(d, BK_DIFF_STRUCT, p->name);
	if (p->dist_kind == BK_KIND_UNION)
		return bk_diff_find(d, BK_DIFF_UNION, p->name);
	if (p->dist_kind == BK_KIND_ENUM || p->dist_kind == BK_KIND_ENUM64)
		return bk_diff_find(d, BK_DIFF_ENUM, p->name);
	return -1;
}

void cli_check_why_text(const struct bk_diff_result *d, const struct bk_reloc_report *rep,
			const char *indent)
{
	char buf[1024];
	for (size_t k = 0; rep && k < rep->nr_problems; k++) {
		int64_t i = record_of(d, &rep->problems[k]);
		if (i >= 0)
			printf("%swhy: %s\n", indent, bk_diff_explain(d, (size_t)i, buf, sizeof(buf)));
	}
}

void cli_check_why_json(const struct bk_diff_result *d, const struct bk_reloc_report *rep)
{
	char buf[1024];
	bool first = true;
	if (!d)
		return;
	fputs(",\"why\":[", stdout);
	for (size_t k = 0; rep && k < rep->nr_problems; k++) {
		int64_t i = record_of(d, &rep->problems[k]);
		if (i < 0)
			continue;
		const struct bk_diff_record *r = &d->records[i];
		const struct bk_diff_record *root = &d->records[r->root >= 0 ? r->root : i];
		printf("%s{\"kind\":\"%s\",\"name\":", first ? "" : ",", bk_diff_class_name(r->cls));
		cli_json_str(stdout, r->name);
		printf(",\"size\":[%lld,%lld],\"cause\":\"%s\",\"root\":{\"kind\":\"%s\",\"name\":",
		       (long long)r->old_size, (long long)r->new_size,
		       r->shifted_by >= 0 ? "shifted" : "root", bk_diff_class_name(root->cls));
		cli_json_str(stdout, root->name);
		fputs("},\"text\":", stdout);
		cli_json_str(stdout, bk_diff_explain(d, (size_t)i, buf, sizeof(buf)));
		putchar('}');
		first = false;
	}
	putchar(']');
}
