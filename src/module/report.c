// SPDX-License-Identifier: MIT
/*
 * A check run folded for a release manager: per subsystem, per breaking
 * type (the modules behind it), and the modules that one type alone fails.
 */
#include <stdlib.h>
#include <string.h>

#include "core/btf_internal.h"
#include "module/check_load.h"

/* where the tree starts: the first "kernel/" that is a whole path component
 * (arch/x86/kernel/ further down is a subsystem's own directory) */
static const char *tree_start(const char *path)
{
	for (const char *p = strstr(path, "kernel/"); p; p = strstr(p + 1, "kernel/"))
		if (p == path || p[-1] == '/')
			return p;
	return NULL;
}

const char *bk_check_subsystem(const char *path, char *buf, size_t len)
{
	const char *k = tree_start(path);
	if (!k) {
		snprintf(buf, len, "(other)");
		return buf;
	}
	k += strlen("kernel/");
	const char *a = strchr(k, '/'), *b = a ? strchr(a + 1, '/') : NULL;
	size_t n = !a ? 0 : b ? (size_t)(b - k) : (size_t)(a - k);
	if (!n)
		snprintf(buf, len, "(kernel)");
	else
		snprintf(buf, len, "%.*s", (int)n, k);
	return buf;
}

const char *bk_check_module_key(const char *path, char *buf, size_t len)
{
	static const char *const suffixes[] = {".ko.xz", ".ko.zst", ".ko.gz", ".ko", ".btf"};
	const char *k = tree_start(path);
	snprintf(buf, len, "%s", k ? k : path);
	size_t n = strlen(buf);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t s = strlen(suffixes[i]);
		if (n > s && !strcmp(buf + n - s, suffixes[i])) {
			buf[n - s] = 0;
			break;
		}
	}
	return buf;
}

static int cmp_cause(const void *a, const void *b)
{
	const struct bk_check_cause *x = a, *y = b;
	if (x->nr_modules != y->nr_modules)
		return x->nr_modules < y->nr_modules ? 1 : -1;
	return strcmp(x->type, y->type);
}

static int cmp_subsys(const void *a, const void *b)
{
	return strcmp(((const struct bk_check_subsys *)a)->name,
		      ((const struct bk_check_subsys *)b)->name);
}

static int subsystems(const struct bk_check_result *r, size_t n, struct bk_check_report *rep)
{
	rep->subsystems = calloc(n ? n : 1, sizeof(*rep->subsystems));
	rep->subsystem_of = calloc(n ? n : 1, sizeof(size_t));
	if (!rep->subsystems || !rep->subsystem_of)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		char name[128];
		bk_check_subsystem(r[i].module, name, sizeof(name));
		size_t s = 0;
		while (s < rep->nr_subsystems && strcmp(rep->subsystems[s].name, name))
			s++;
		if (s == rep->nr_subsystems)
			snprintf(rep->subsystems[rep->nr_subsystems++].name, sizeof(name), "%s", name);
	}
	qsort(rep->subsystems, rep->nr_subsystems, sizeof(*rep->subsystems), cmp_subsys);
	for (size_t i = 0; i < n; i++) {
		char name[128];
		struct bk_check_subsys key = {0}, *s;
		snprintf(key.name, sizeof(key.name), "%s", bk_check_subsystem(r[i].module, name, sizeof(name)));
		s = bsearch(&key, rep->subsystems, rep->nr_subsystems, sizeof(key), cmp_subsys);
		rep->subsystem_of[i] = (size_t)(s - rep->subsystems);
		s->total++;
		if (r[i].status < BK_CHECK_NR_STATUS)
			s->count[r[i].status]++;
	}
	return 0;
}

static int causes(const struct bk_check_result *r, size_t n, struct bk_check_report *rep)
{
	size_t nr = 0;
	struct bk_check_hit *h = bk_check_hits(r, n, &nr);
	size_t *per_module = calloc(n ? n : 1, sizeof(size_t));
	rep->sole_cause_of = malloc((n ? n : 1) * sizeof(int64_t));
	rep->causes = calloc(nr ? nr : 1, sizeof(*rep->causes));
	if (!h || !per_module || !rep->sole_cause_of || !rep->causes) {
		free(h);
		free(per_module);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nr; i++)
		per_module[h[i].module]++;
	for (size_t i = 0; i < nr;) {
		size_t j = i;
		while (j < nr && !strcmp(h[j].type, h[i].type))
			j++;
		struct bk_check_cause *c = &rep->causes[rep->nr_causes++];
		snprintf(c->type, sizeof(c->type), "%s", h[i].type);
		c->nr_modules = j - i;
		if (!(c->modules = malloc(c->nr_modules * sizeof(size_t)))) {
			free(h);
			free(per_module);
			return -ENOMEM;
		}
		for (size_t k = i; k < j; k++) {
			c->modules[k - i] = h[k].module;
			c->sole += per_module[h[k].module] == 1;
		}
		i = j;
	}
	qsort(rep->causes, rep->nr_causes, sizeof(*rep->causes), cmp_cause);
	for (size_t i = 0; i < n; i++)
		rep->sole_cause_of[i] = -1;
	for (size_t c = 0; c < rep->nr_causes; c++)
		for (size_t k = 0; k < rep->causes[c].nr_modules; k++)
			if (per_module[rep->causes[c].modules[k]] == 1)
				rep->sole_cause_of[rep->causes[c].modules[k]] = (int64_t)c;
	free(h);
	free(per_module);
	return 0;
}

void bk_check_report_free(struct bk_check_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->nr_causes; i++)
		free(rep->causes[i].modules);
	free(rep->causes);
	free(rep->subsystems);
	free(rep->subsystem_of);
	free(rep->sole_cause_of);
	free(rep);
}

int bk_check_report(const struct bk_check_result *r, size_t n, struct bk_check_report **out,
		    struct bk_error *err)
{
	struct bk_check_report *rep = calloc(1, sizeof(*rep));
	*out = NULL;
	if (!rep || subsystems(r, n, rep) || causes(r, n, rep)) {
		bk_check_report_free(rep);
		return bk_err(err, -ENOMEM, "out of memory");
	}
	*out = rep;
	return 0;
}
