// SPDX-License-Identifier: MIT
/*
 * check --report: the run as a release manager reads it (text, JSON Lines,
 * a self-contained HTML page), and --compare: the modules whose verdict
 * changed since a previous run's JSON Lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define LIST_TEXT 10 /* modules named per breaker in text */

/* ---- a previous run ------------------------------------------------------------ */

struct verdict {
	char *key;   /* bk_check_module_key */
	char status[16];
};

struct previous {
	struct verdict *v;
	size_t n;
};

/* the string value after "key": in a JSON line (check's own output), or NULL */
static char *json_field(const char *line, const char *key)
{
	char pat[32];
	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	const char *p = strstr(line, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	char *out = malloc(strlen(p) + 1), *o = out;
	if (!out)
		return NULL;
	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		*o++ = *p;
	}
	*o = 0;
	return out;
}

static int cmp_verdict(const void *a, const void *b)
{
	return strcmp(((const struct verdict *)a)->key, ((const struct verdict *)b)->key);
}

static int read_previous(const char *path, struct previous *prev)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, vcap = 0;
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		char *module = json_field(line, "module"), *status = json_field(line, "status");
		if (module && status && (prev->n < vcap || (vcap = vcap ? vcap * 2 : 1024,
			   (prev->v = realloc(prev->v, vcap * sizeof(*prev->v)))))) {
			char key[4096];
			prev->v[prev->n].key = strdup(bk_check_module_key(module, key, sizeof(key)));
			snprintf(prev->v[prev->n].status, sizeof(prev->v[0].status), "%s", status);
			prev->n++;
		}
		free(module);
		free(status);
	}
	free(line);
	fclose(f);
	if (prev->n)
		qsort(prev->v, prev->n, sizeof(*prev->v), cmp_verdict);
	return 0;
}

static void free_previous(struct previous *prev)
{
	for (size_t i = 0; i < prev->n; i++)
		free(prev->v[i].key);
	free(prev->v);
}

struct change {
	size_t module;         /* index into results, or SIZE_MAX: gone */
	const struct verdict *old; /* NULL: new */
};

/* modules whose verdict differs, new ones, and ones gone (old order) */
static struct change *changes(const struct previous *prev, const struct bk_check_result *r,
			      size_t n, size_t *nr, size_t *nr_new, size_t *nr_gone)
{
	struct change *c = calloc(n + prev->n + 1, sizeof(*c));
	bool *seen = calloc(prev->n + 1, 1);
	*nr = *nr_new = *nr_gone = 0;
	if (!c || !seen) {
		free(c);
		free(seen);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		char key[4096];
		struct verdict k = {.key = (char *)bk_check_module_key(r[i].module, key, sizeof(key))};
		const struct verdict *old = prev->n ? bsearch(&k, prev->v, prev->n, sizeof(k), cmp_verdict) : NULL;
		if (old)
			seen[old - prev->v] = true;
		if (!old)
			(*nr_new)++;
		if (!old || strcmp(old->status, bk_check_status_name(r[i].status)))
			c[(*nr)++] = (struct change){i, old};
	}
	for (size_t j = 0; j < prev->n; j++)
		if (!seen[j]) {
			c[(*nr)++] = (struct change){SIZE_MAX, &prev->v[j]};
			(*nr_gone)++;
		}
	free(seen);
	return c;
}

/* ---- text and JSON --------------------------------------------------------------- */

static void subsystems_text(const struct bk_check_report *rep)
{
	printf("\nverdicts per subsystem (the directories under kernel/):\n  %-32s %7s", "subsystem",
	       "modules");
	for (int k = 0; k < BK_CHECK_NR_STATUS; k++)
		printf(" %9s", bk_check_status_name(k));
	putchar('\n');
	for (size_t s = 0; s < rep->nr_subsystems; s++) {
		const struct bk_check_subsys *x = &rep->subsystems[s];
		printf("  %-32s %7zu", x->name, x->total);
		for (int k = 0; k < BK_CHECK_NR_STATUS; k++)
			printf(" %9zu", x->count[k]);
		putchar('\n');
	}
}

static void causes_text(const struct bk_check_report *rep, const struct bk_check_result *r)
{
	char key[4096];
	size_t sole = 0;
	for (size_t c = 0; c < rep->nr_causes; c++)
		sole += rep->causes[c].sole;
	if (!rep->nr_causes)
		return;
	printf("\nsole causes (%zu modules fail for one type only: fixing it saves them):\n", sole);
	for (size_t c = 0; c < rep->nr_causes; c++)
		if (rep->causes[c].sole)
			printf("  %s: %zu modules (of the %zu it fails)\n", rep->causes[c].type,
			       rep->causes[c].sole, rep->causes[c].nr_modules);
	puts("\nmodules behind each breaker:");
	for (size_t c = 0; c < rep->nr_causes; c++) {
		const struct bk_check_cause *x = &rep->causes[c];
		printf("  %s (%zu):", x->type, x->nr_modules);
		for (size_t k = 0; k < x->nr_modules && k < LIST_TEXT; k++)
			printf("%s %s", k ? "," : "", bk_check_module_key(r[x->modules[k]].module, key, sizeof(key)));
		if (x->nr_modules > LIST_TEXT)
			printf(", ... (%zu more)", x->nr_modules - LIST_TEXT);
		putchar('\n');
	}
}

static const char *json_kernel; /* several kernels: the one these lines are about */

static void kernel_field(void)
{
	if (json_kernel) {
		fputs(",\"kernel\":", stdout);
		cli_json_str(stdout, json_kernel);
	}
}

static void report_json(const struct bk_check_report *rep, const struct bk_check_result *r)
{
	char key[4096];
	for (size_t s = 0; s < rep->nr_subsystems; s++) {
		const struct bk_check_subsys *x = &rep->subsystems[s];
		fputs("{\"subsystem\":", stdout);
		cli_json_str(stdout, x->name);
		kernel_field();
		printf(",\"modules\":%zu", x->total);
		for (int k = 0; k < BK_CHECK_NR_STATUS; k++)
			printf(",\"%s\":%zu", bk_check_status_name(k), x->count[k]);
		puts("}");
	}
	for (size_t c = 0; c < rep->nr_causes; c++) {
		const struct bk_check_cause *x = &rep->causes[c];
		fputs("{\"breaker\":", stdout);
		cli_json_str(stdout, x->type);
		kernel_field();
		printf(",\"modules\":%zu,\"sole\":%zu,\"list\":[", x->nr_modules, x->sole);
		for (size_t k = 0; k < x->nr_modules; k++) {
			if (k)
				putchar(',');
			cli_json_str(stdout, bk_check_module_key(r[x->modules[k]].module, key, sizeof(key)));
		}
		puts("]}");
	}
}

static const char *new_status(const struct change *c, const struct bk_check_result *r)
{
	return c->module == SIZE_MAX ? "(gone)" : bk_check_status_name(r[c->module].status);
}

static const char *change_key(const struct change *c, const struct bk_check_result *r, char *buf,
			      size_t len)
{
	return c->module == SIZE_MAX ? c->old->key : bk_check_module_key(r[c->module].module, buf, len);
}

static void compare_out(const char *path, bool json, const struct change *c, size_t nr,
			size_t nr_new, size_t nr_gone, const struct bk_check_result *r)
{
	char key[4096];
	if (json) {
		for (size_t i = 0; i < nr; i++) {
			fputs("{\"changed\":", stdout);
			cli_json_str(stdout, change_key(&c[i], r, key, sizeof(key)));
			kernel_field();
			printf(",\"from\":\"%s\",\"to\":\"%s\"}\n", c[i].old ? c[i].old->status : "(new)",
			       new_status(&c[i], r));
		}
		fputs("{\"compare\":{\"file\":", stdout);
		cli_json_str(stdout, path);
		kernel_field();
		printf(",\"changed\":%zu,\"new\":%zu,\"gone\":%zu}}\n", nr - nr_new - nr_gone, nr_new,
		       nr_gone);
		return;
	}
	printf("\ncompared with %s: %zu modules changed verdict, %zu new, %zu gone\n", path,
	       nr - nr_new - nr_gone, nr_new, nr_gone);
	for (size_t i = 0; i < nr; i++)
		printf("  %s: %s -> %s\n", change_key(&c[i], r, key, sizeof(key)),
		       c[i].old ? c[i].old->status : "(new)", new_status(&c[i], r));
}

/* ---- HTML: one page, a section per kernel (-B) ---------------------------------- */

static struct {
	FILE *f;
	char *buf;
	size_t len;
	int sections;
} page;

/* "", "-1", "-2"...: element IDs of the kernel's section */
static const char *sfx(int section)
{
	static char b[16];
	b[0] = 0;
	if (section)
		snprintf(b, sizeof(b), "-%d", section);
	return b;
}

/* ---- HTML ----------------------------------------------------------------------- */

static void html_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	"<title>btfkit check report</title>\n<style>\n"
	"body{font:14px sans-serif;margin:1em 2em;color:#222}\n"
	"table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}\n"
	"th{background:#eee;cursor:pointer}td.n{text-align:right}\n"
	".relocates{fill:#4a4;background:#dfd}.fails{fill:#d44;background:#fdd}.bound{fill:#da3;background:#ffd}\n"
	".no-btf{fill:#999;background:#eee}.error{fill:#639;background:#ecf}\n"
	"svg text{font:11px sans-serif}\n</style></head><body>\n";

/* the chart: one stacked bar of verdicts per subsystem, the largest first */
static void html_chart(FILE *f, const struct bk_check_report *rep, int section)
{
	size_t order[40] = {0}, n = 0, max = 1;
	bool used[4096] = {0};
	while (n < 40 && n < rep->nr_subsystems && rep->nr_subsystems <= 4096) {
		size_t best = SIZE_MAX;
		for (size_t s = 0; s < rep->nr_subsystems; s++)
			if (!used[s] && (best == SIZE_MAX || rep->subsystems[s].total > rep->subsystems[best].total))
				best = s;
		used[best] = true;
		order[n++] = best;
	}
	for (size_t i = 0; i < n; i++)
		if (rep->subsystems[order[i]].total > max)
			max = rep->subsystems[order[i]].total;
	fprintf(f, "<h3>Verdicts per subsystem</h3>\n<svg id=\"chart%s\" width=\"900\" height=\"%zu\" "
		   "role=\"img\" aria-label=\"verdicts per subsystem\">\n", sfx(section), n * 18 + 24);
	for (size_t i = 0; i < n; i++) {
		const struct bk_check_subsys *x = &rep->subsystems[order[i]];
		double at = 220;
		fprintf(f, "<g data-subsystem=\"");
		html_str(f, x->name);
		fprintf(f, "\"><text x=\"0\" y=\"%zu\">", i * 18 + 13);
		html_str(f, x->name);
		fprintf(f, " (%zu)</text>", x->total);
		for (int k = 0; k < BK_CHECK_NR_STATUS; k++) {
			double w = 660.0 * (double)x->count[k] / (double)max;
			if (!x->count[k])
				continue;
			fprintf(f, "<rect class=\"%s\" x=\"%.1f\" y=\"%zu\" width=\"%.1f\" height=\"14\">"
				   "<title>%s: %zu</title></rect>",
				bk_check_status_name(k), at, i * 18 + 2, w, bk_check_status_name(k), x->count[k]);
			at += w;
		}
		fputs("</g>\n", f);
	}
	fprintf(f, "<g class=\"legend\">");
	for (int k = 0; k < BK_CHECK_NR_STATUS; k++)
		fprintf(f, "<rect class=\"%s\" x=\"%d\" y=\"%zu\" width=\"10\" height=\"10\"></rect>"
			   "<text x=\"%d\" y=\"%zu\">%s</text>",
			bk_check_status_name(k), 220 + k * 110, n * 18 + 8, 234 + k * 110, n * 18 + 17,
			bk_check_status_name(k));
	fputs("</g></svg>\n", f);
}

static const char html_script[] =
	"<script>\n"
	"Array.prototype.forEach.call(document.querySelectorAll('table.modules'), function (table) {\n"
	"  var body = table.tBodies[0], heads = table.tHead.rows[0].cells;\n"
	"  var note = document.getElementById(table.getAttribute('data-note'));\n"
	"  function sortBy(col, desc) {\n"
	"    var num = heads[col].hasAttribute('data-num');\n"
	"    var rows = Array.prototype.slice.call(body.rows);\n"
	"    rows.sort(function (a, b) {\n"
	"      var x = a.cells[col].textContent, y = b.cells[col].textContent;\n"
	"      var c = num ? Number(x) - Number(y) : x.localeCompare(y);\n"
	"      if (!c) c = a.cells[0].textContent.localeCompare(b.cells[0].textContent);\n"
	"      return desc ? -c : c;\n"
	"    });\n"
	"    rows.forEach(function (r) { body.appendChild(r); });\n"
	"    var key = heads[col].getAttribute('data-key');\n"
	"    table.setAttribute('data-sorted', key + (desc ? '-desc' : ''));\n"
	"    note.textContent = 'sorted by ' + key + (desc ? ' (descending)' : '');\n"
	"  }\n"
	"  Array.prototype.forEach.call(heads, function (h, i) {\n"
	"    h.addEventListener('click', function () {\n"
	"      sortBy(i, table.getAttribute('data-sorted') === h.getAttribute('data-key'));\n"
	"    });\n"
	"  });\n"
	"  var m = /sort=([a-z-]+?)(-desc)?$/.exec(location.hash);\n"
	"  if (m) Array.prototype.forEach.call(heads, function (h, i) {\n"
	"    if (h.getAttribute('data-key') === m[1]) sortBy(i, !!m[2]);\n"
	"  });\n"
	"});\n"
	"</script>\n";

static void html_modules(FILE *f, const struct bk_check_report *rep, const struct bk_check_result *r,
			 size_t n, int section)
{
	char key[4096];
	fprintf(f, "<h3>Modules</h3>\n<p>Click a column to sort (again: descending). <span id=\"sorted%s\">"
		   "</span></p>\n<table class=\"modules\" id=\"modules%s\" data-note=\"sorted%s\">",
		sfx(section), sfx(section), sfx(section));
	fputs("<thead><tr><th data-key=\"module\">module</th>"
	      "<th data-key=\"subsystem\">subsystem</th><th data-key=\"status\">status</th>"
	      "<th data-key=\"causes\" data-num>causes</th><th data-key=\"sole\">sole cause</th>"
	      "<th data-key=\"types\">types</th></tr></thead><tbody>\n", f);
	for (size_t i = 0; i < n; i++) {
		const struct bk_reloc_report *p = r[i].status == BK_CHECK_FAILS ? r[i].report : NULL;
		fputs("<tr><td>", f);
		html_str(f, bk_check_module_key(r[i].module, key, sizeof(key)));
		fputs("</td><td>", f);
		html_str(f, rep->subsystems[rep->subsystem_of[i]].name);
		fprintf(f, "</td><td class=\"%s\">%s</td><td class=\"n\">%zu</td><td>",
			bk_check_status_name(r[i].status), bk_check_status_name(r[i].status),
			p ? p->nr_problems : 0);
		if (rep->sole_cause_of[i] >= 0)
			html_str(f, rep->causes[rep->sole_cause_of[i]].type);
		fputs("</td><td>", f);
		for (size_t k = 0; p && k < p->nr_problems; k++) {
			fprintf(f, "%s%s '", k ? ", " : "", bk_kind_name(p->problems[k].dist_kind));
			html_str(f, p->problems[k].name);
			fputs("'", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static void html_breakers(FILE *f, const struct bk_check_report *rep)
{
	fputs("<h3>Types that break modules</h3>\n<table class=\"breakers\"><thead><tr><th>type</th>"
	      "<th>modules</th><th>sole cause of</th></tr></thead><tbody>\n", f);
	for (size_t c = 0; c < rep->nr_causes; c++) {
		fputs("<tr><td>", f);
		html_str(f, rep->causes[c].type);
		fprintf(f, "</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr>\n",
			rep->causes[c].nr_modules, rep->causes[c].sole);
	}
	fputs("</tbody></table>\n", f);
}

/* the kernel's section of the page (begun at the first) */
static int html_section(const char *kernel, const struct bk_check_report *rep,
			const struct bk_check_result *r, size_t n, const struct change *ch, size_t nr_ch)
{
	char key[4096];
	size_t count[BK_CHECK_NR_STATUS] = {0};
	if (!page.f) {
		if (!(page.f = open_memstream(&page.buf, &page.len)))
			return -1;
		fputs(html_head, page.f);
		fputs("<h1>btfkit check</h1>\n", page.f);
	}
	FILE *f = page.f;
	int section = page.sections++;
	for (size_t i = 0; i < n; i++)
		if (r[i].status < BK_CHECK_NR_STATUS)
			count[r[i].status]++;
	fprintf(f, "<section id=\"kernel%s\"><h2>%zu modules against ", sfx(section), n);
	html_str(f, kernel);
	fprintf(f, "</h2>\n<p id=\"counts%s\">", sfx(section));
	for (int k = 0; k < BK_CHECK_NR_STATUS; k++)
		fprintf(f, "%s<span class=\"%s\">%zu %s</span>", k ? ", " : "", bk_check_status_name(k),
			count[k], bk_check_status_name(k));
	fputs("</p>\n", f);
	html_chart(f, rep, section);
	html_breakers(f, rep);
	if (ch) {
		fprintf(f, "<h3>Changed since the previous run</h3>\n<table class=\"changes\"><thead><tr>"
			   "<th>module</th><th>was</th><th>now</th></tr></thead><tbody>\n");
		for (size_t i = 0; i < nr_ch; i++) {
			fputs("<tr><td>", f);
			html_str(f, change_key(&ch[i], r, key, sizeof(key)));
			fprintf(f, "</td><td>%s</td><td>%s</td></tr>\n", ch[i].old ? ch[i].old->status : "(new)",
				new_status(&ch[i], r));
		}
		fputs("</tbody></table>\n", f);
	}
	html_modules(f, rep, r, n, section);
	fputs("</section>\n", f);
	return 0;
}

int cli_check_report_finish(const struct cli_report_args *a)
{
	struct bk_error err = {0};
	if (!a->html || !page.f)
		return 0;
	fputs(html_script, page.f);
	fputs("</body></html>\n", page.f);
	int e = fclose(page.f) ? -1 : bk_write_file(a->html, page.buf, page.len, &err);
	if (e && err.code)
		cli_fail(&err);
	free(page.buf);
	memset(&page, 0, sizeof(page));
	return e;
}

int cli_check_report(const struct cli_report_args *a, const char *kernel,
		     const struct bk_check_result *r, size_t n)
{
	struct bk_check_report *rep;
	struct bk_error err = {0};
	struct previous prev = {0};
	struct change *ch = NULL;
	size_t nr_ch = 0, nr_new = 0, nr_gone = 0;
	int status = EXIT_OK;
	if (bk_check_report(r, n, &rep, &err))
		return cli_fail(&err);
	json_kernel = a->name_kernel ? kernel : NULL;
	if (a->compare) {
		if (read_previous(a->compare, &prev)) {
			fprintf(stderr, "btfkit: %s: cannot read the previous run\n", a->compare);
			bk_check_report_free(rep);
			return EXIT_USAGE;
		}
		ch = changes(&prev, r, n, &nr_ch, &nr_new, &nr_gone);
	}
	if (a->report && a->json) {
		report_json(rep, r);
	} else if (a->report) {
		subsystems_text(rep);
		causes_text(rep, r);
	}
	if (ch)
		compare_out(a->compare, a->json, ch, nr_ch, nr_new, nr_gone, r);
	if (a->html && html_section(kernel, rep, r, n, ch, nr_ch))
		status = EXIT_USAGE;
	free(ch);
	free_previous(&prev);
	bk_check_report_free(rep);
	return status;
}
