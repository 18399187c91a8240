// SPDX-License-Identifier: MIT
/*
 * Check: which modules of a distribution relocate onto a kernel. Each
 * module is opened as a module object and placed on the kernel
 * (bk_module_place: relocated from its .BTF.base, or distilled first
 * against the kernel it was built for); modules are spread over threads
 * that share the kernels' BTF read-only.
 */
#include <dirent.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/btf_internal.h"
#include "core/opts_internal.h"
#include "module/check_load.h"

const char *bk_check_status_name(enum bk_check_status s)
{
	static const char *const names[BK_CHECK_NR_STATUS] = {"relocates", "fails", "bound",
							      "no-btf", "error", "needs-rewrite"};
	return s < BK_CHECK_NR_STATUS ? names[s] : "unknown";
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* No .BTF.base and nothing to distill against: does the split BTF at least
 * read on the kernel's BTF (IDs, strings and what they refer to)? Its
 * .BTF_ids are then in the kernel's numbering. */
static void check_bound(struct bk_module *m, const struct bk_check_opts *opts,
			const struct bk_btf_ids *ids, struct bk_check_result *res)
{
	BK_OPTS(bk_module_place_opts, po, .check_fit = true);
	struct bk_btf *split = NULL;
	res->status = BK_CHECK_BOUND;
	res->fits = bk_module_place(m, opts->kernel, &po, &split, &res->error) == 0;
	if (res->fits && ids && bk_check_ids(ids, split, res))
		res->status = BK_CHECK_ERROR;
	bk_btf_free(split);
}

/* Relocation onto the kernel, then what the kernel makes of it: one that
 * does not relocate at load (before 6.11) loads a module's .BTF as split
 * BTF on its own, so a module that only fits after relocation needs it
 * written back (btfkit relocate -o). */
static void relocate_onto(const struct bk_btf *split, const struct bk_check_opts *opts,
			  bool kernel_relocates, struct bk_check_result *res)
{
	struct bk_btf *out = NULL;
	BK_OPTS(bk_relocate_opts, ro, .libbpf_quirks = opts->libbpf_quirks, .report = &res->report);
	if (bk_relocate_opts(split, opts->kernel, &ro, &out, &res->error))
		res->status = res->report ? BK_CHECK_FAILS : BK_CHECK_ERROR;
	else
		res->status = kernel_relocates ? BK_CHECK_RELOCATES : BK_CHECK_NEEDS_REWRITE;
	bk_btf_free(out);
}

/* .BTF on its own .BTF.base: .BTF_ids are in the distilled numbering. */
static void check_distilled(struct bk_module *m, const struct bk_check_opts *opts,
			    const struct bk_btf_ids *ids, bool kernel_relocates,
			    struct bk_check_result *res)
{
	const struct bk_btf *dist, *split;
	if (bk_module_distilled(m, NULL, &dist, &split, &res->error))
		res->status = BK_CHECK_ERROR;
	else if (ids && bk_check_ids(ids, split, res))
		res->status = BK_CHECK_ERROR;
	else
		relocate_onto(split, opts, kernel_relocates, res);
}

/* No .BTF.base: read on the kernel it was built against (.BTF_ids are in
 * that numbering) and distilled here, keeping what .BTF_ids names. A
 * kernel relocates module BTF only through a .BTF.base (6.11 on): without
 * one, every kernel reads .BTF as split BTF on its own as it is, so a
 * module built for that very kernel loads (bound, and it fits), and any
 * other fits at best once rewritten (or given a .BTF.base). */
static void check_built_against(struct bk_module *m, const struct bk_check_opts *opts,
				const struct bk_btf_ids *ids, struct bk_check_result *res)
{
	struct bk_btf *full, *dist = NULL, *split = NULL;
	struct bk_btf_ids *dist_ids = NULL;
	if (bk_file_btf(bk_module_file(m), ".BTF", opts->built_against, &full, &res->error)) {
		res->status = BK_CHECK_ERROR;
		res->misfit = !res->error.io && res->error.code != -ENOMEM;
		return;
	}
	if (ids && bk_check_ids(ids, full, res)) {
		res->status = BK_CHECK_ERROR;
	} else if (bk_same_kernel(opts->built_against, opts->kernel)) {
		res->status = BK_CHECK_BOUND;
		res->fits = true;
	} else if (bk_distill_module(full, res->nr_ids_problems ? NULL : ids, &dist, &split,
				     &dist_ids, &res->error)) {
		res->status = BK_CHECK_ERROR;
	} else {
		relocate_onto(split, opts, false, res);
	}
	bk_btf_ids_free(dist_ids);
	bk_btf_free(split);
	bk_btf_free(dist);
	bk_btf_free(full);
}

static void check_opened(struct bk_module *m, const struct bk_check_opts *opts,
			 struct bk_check_result *res)
{
	struct bk_btf_ids *ids = NULL;
	bool kernel_relocates = bk_check_kernel_relocates(opts);
	res->had_base = bk_module_has_dist_base(m);
	if (!bk_module_has_btf(m)) {
		res->status = BK_CHECK_NO_BTF;
		return;
	}
	struct bk_error ids_err = {0};
	int e = bk_btf_ids_read(bk_module_file(m), &ids, &ids_err);
	if (e && e != -ENOENT && bk_check_ids_unreadable(&ids_err, res)) {
		res->status = BK_CHECK_ERROR;
		return;
	}
	if (res->had_base)
		check_distilled(m, opts, ids, kernel_relocates, res);
	else if (!opts->built_against)
		check_bound(m, opts, ids, res);
	else
		check_built_against(m, opts, ids, res);
	/* the kernel would take the IDs as they are: the module fails */
	if (res->nr_ids_problems && res->status != BK_CHECK_ERROR && res->status != BK_CHECK_FAILS)
		res->status = BK_CHECK_FAILS;
	bk_btf_ids_free(ids);
}

void bk_check_module(const char *path, const struct bk_check_opts *opts,
		     struct bk_check_result *res)
{
	struct bk_module *m;
	struct bk_check_opts o;
	double t0 = now();
	memset(res, 0, sizeof(*res));
	if (!(res->module = strdup(path))) {
		res->status = BK_CHECK_ERROR;
		bk_err_io(&res->error, -ENOMEM, path, "cannot check");
		return;
	}
	if (bk_opts_load(&o, sizeof(o), opts, "bk_check_opts", &res->error)) {
		res->status = BK_CHECK_ERROR;
		return;
	}
	opts = &o;
	if (bk_module_open(path, &m, &res->error)) {
		res->status = BK_CHECK_ERROR;
	} else {
		check_opened(m, opts, res);
		bk_module_close(m);
	}
	res->seconds = now() - t0;
}

/* ---- collecting the modules ------------------------------------------------ */

struct list {
	char **items;
	size_t n, cap;
};

static int push(struct list *l, const char *s)
{
	char **p = bk_grow_array(l->items, &l->cap, l->n, sizeof(*p), 256);
	if (!p)
		return -ENOMEM;
	l->items = p;
	if (!(l->items[l->n] = strdup(s)))
		return -ENOMEM;
	l->n++;
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static bool module_name(const char *name)
{
	return ends_with(name, ".ko") || ends_with(name, ".ko.xz") || ends_with(name, ".ko.zst") ||
	       ends_with(name, ".ko.gz") || ends_with(name, ".btf");
}

/* Walk one directory, queueing subdirectories (an explicit queue: no
 * recursion, and symlinked directories are not followed, so no loops). */
static int walk_dir(const char *dir, struct list *queue, struct list *files, struct bk_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int e = 0;
	if (!d)
		return bk_err_io(err, -errno, dir, "cannot read directory");
	while (!e && (de = readdir(d))) {
		char path[4096];
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path))
			continue;
		/* the entry's type as the directory tells it (one lstat a file
		 * saved on a tree of thousands), asked for where it does not */
		if (de->d_type == DT_DIR)
			st.st_mode = S_IFDIR;
		else if (de->d_type == DT_REG)
			st.st_mode = S_IFREG;
		else if (de->d_type == DT_LNK)
			st.st_mode = S_IFLNK;
		else if (de->d_type != DT_UNKNOWN || lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			e = push(queue, path);
		else if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && module_name(de->d_name))
			e = push(files, path);
	}
	closedir(d);
	return e ? bk_err(err, e, "out of memory") : 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void bk_check_free_files(char **files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
}

/* A file reached twice (a symlink beside its target, a path given twice)
 * is checked once, under its first path in path order. Files are told
 * apart by device and inode, links followed; "-" (standard input) and
 * files that cannot be stat'ed are kept (their error is reported later). */
struct file_id {
	dev_t dev;
	ino_t ino;
	size_t index;
};

static int cmp_file_id(const void *a, const void *b)
{
	const struct file_id *x = a, *y = b;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static size_t drop_same_files(char **files, size_t n)
{
	struct file_id *ids = malloc((n ? n : 1) * sizeof(*ids));
	size_t nr = 0, kept = 0;
	if (!ids)
		return n; /* checked twice rather than not at all */
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (strcmp(files[i], "-") && stat(files[i], &st) == 0)
			ids[nr++] = (struct file_id){st.st_dev, st.st_ino, i};
	}
	qsort(ids, nr, sizeof(*ids), cmp_file_id);
	for (size_t i = 1; i < nr; i++) {
		if (ids[i].dev == ids[i - 1].dev && ids[i].ino == ids[i - 1].ino) {
			free(files[ids[i].index]); /* a later path of the same file */
			files[ids[i].index] = NULL;
		}
	}
	free(ids);
	for (size_t i = 0; i < n; i++)
		if (files[i])
			files[kept++] = files[i];
	return kept;
}

int bk_check_collect(const char *const *paths, size_t nr_paths, char ***files, size_t *nr_files,
		     struct bk_error *err)
{
	struct list out = {0}, queue = {0};
	int e = 0;
	for (size_t i = 0; i < nr_paths && !e; i++) {
		struct stat st;
		if (!strcmp(paths[i], "-")) /* standard input: one module */
			e = push(&out, paths[i]);
		else if (stat(paths[i], &st))
			e = bk_err_io(err, -errno, paths[i], "cannot read");
		else
			e = S_ISDIR(st.st_mode) ? push(&queue, paths[i]) : push(&out, paths[i]);
	}
	for (size_t q = 0; q < queue.n && !e; q++)
		e = walk_dir(queue.items[q], &queue, &out, err);
	bk_check_free_files(queue.items, queue.n);
	if (e) {
		bk_check_free_files(out.items, out.n);
		return e == -ENOMEM ? bk_err(err, e, "out of memory") : e;
	}
	if (out.n)
		qsort(out.items, out.n, sizeof(*out.items), cmp_str);
	out.n = drop_same_files(out.items, out.n);
	*files = out.items;
	*nr_files = out.n;
	return 0;
}

/* ---- running on all cores ---------------------------------------------------- */

struct runner {
	char *const *files;
	size_t n;
	const struct bk_check_opts *opts;
	struct bk_check_result *results;
	atomic_size_t next;
	size_t done;
	pthread_mutex_t lock;
};

static void *worker(void *arg)
{
	struct runner *r = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&r->next, 1);
		if (i >= r->n)
			return NULL;
		bk_check_module(r->files[i], r->opts, &r->results[i]);
		if (r->opts->progress) {
			pthread_mutex_lock(&r->lock);
			r->opts->progress(++r->done, r->n, r->opts->ctx);
			pthread_mutex_unlock(&r->lock);
		}
	}
}

#define CHECK_STACK ((size_t)1 << 20)

static bool out_of_memory(const struct bk_check_result *res)
{
	return res->status == BK_CHECK_ERROR && res->error.code == -ENOMEM;
}

/* A module that ran out of memory beside the others is checked once more,
 * alone, now that they are done; if it fails again it stays an error with
 * its name (the one thing that must not be lost). */
static void retry_out_of_memory(struct runner *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct bk_check_result *res = &r->results[i];
		if (!out_of_memory(res))
			continue;
		struct bk_check_result again;
		bk_check_module(r->files[i], r->opts, &again);
		if (again.module) {
			free(res->module);
			bk_reloc_report_free(res->report);
			*res = again;
		}
		if (!res->module)
			res->module = strdup(r->files[i]);
	}
}

static unsigned nr_threads(const struct bk_check_opts *opts, size_t n)
{
	long cpus = opts->threads ? (long)opts->threads : sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1)
		cpus = 1;
	if ((size_t)cpus > n)
		cpus = n ? (long)n : 1;
	return cpus > 256 ? 256 : (unsigned)cpus;
}

int bk_check_run(char *const *files, size_t n, const struct bk_check_opts *opts,
		 struct bk_check_result **results, struct bk_error *err)
{
	struct bk_check_opts o;
	int e = bk_opts_load(&o, sizeof(o), opts, "bk_check_opts", err);
	if (e)
		return e;
	opts = &o;
	struct runner r = {.files = files, .n = n, .opts = opts};
	pthread_t tids[256];
	unsigned nt = nr_threads(opts, n), started = 0;
	if (!opts->kernel)
		return bk_err(err, -EINVAL, "no kernel BTF to check against");
	const struct bk_btf *unindexed = bk_btf_index(opts->kernel) ? opts->kernel
		: opts->built_against && bk_btf_index(opts->built_against) ? opts->built_against
		: NULL;
	if (unindexed) {
		bk_err_set_source(err, bk_btf_source(unindexed), NULL);
		return bk_err(err, -ENOMEM, "out of memory for the index of its type names");
	}
	if (!(r.results = calloc(n ? n : 1, sizeof(*r.results))))
		return bk_err(err, -ENOMEM, "out of memory for the results of %zu modules", n);
	atomic_init(&r.next, 0);
	pthread_mutex_init(&r.lock, NULL);
	/* Nothing here recurses on its input (the tests run it on 512 KiB):
	 * 8 MiB stacks would only take address space a memory limit counts,
	 * and glibc keeps the stacks of joined threads cached. */
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, CHECK_STACK);
	while (started < nt && pthread_create(&tids[started], &attr, worker, &r) == 0)
		started++;
	pthread_attr_destroy(&attr);
	if (!started)
		worker(&r); /* no thread could start: do it here */
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	pthread_mutex_destroy(&r.lock);
	retry_out_of_memory(&r);
	*results = r.results;
	return 0;
}

void bk_check_results_free(struct bk_check_result *r, size_t n)
{
	if (!r)
		return;
	for (size_t i = 0; i < n; i++) {
		free(r[i].module);
		bk_reloc_report_free(r[i].report);
		free(r[i].ids_problems);
	}
	free(r);
}

/* ---- the summary ----------------------------------------------------------- */

static int cmp_hit(const void *a, const void *b)
{
	const struct bk_check_hit *x = a, *y = b;
	int c = strcmp(x->type, y->type);
	return c ? c : (x->module > y->module) - (x->module < y->module);
}

struct bk_check_hit *bk_check_hits(const struct bk_check_result *r, size_t n, size_t *nr)
{
	size_t total = 0, k = 0;
	for (size_t i = 0; i < n; i++)
		if (r[i].report)
			total += r[i].report->nr_problems;
	struct bk_check_hit *h = calloc(total ? total : 1, sizeof(*h));
	if (!h)
		return NULL;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; r[i].report && j < r[i].report->nr_problems; j++, k++) {
			const struct bk_reloc_problem *p = &r[i].report->problems[j];
			snprintf(h[k].type, sizeof(h[k].type), "%s '%s'", bk_kind_name(p->dist_kind),
				 p->name);
			h[k].module = i;
		}
	qsort(h, total, sizeof(*h), cmp_hit);
	size_t u = 0;
	for (size_t i = 0; i < total; i++)
		if (!u || cmp_hit(&h[i], &h[u - 1]))
			h[u++] = h[i];
	*nr = u;
	return h;
}

static int cmp_breaker(const void *a, const void *b)
{
	const struct bk_check_breaker *x = a, *y = b;
	if (x->modules != y->modules)
		return x->modules < y->modules ? 1 : -1;
	return strcmp(x->type, y->type);
}

static void slowest(const struct bk_check_result *r, size_t n, struct bk_check_summary *s)
{
	for (size_t i = 0; i < n; i++) {
		size_t at = s->nr_slowest;
		while (at > 0 && r[s->slowest[at - 1]].seconds < r[i].seconds)
			at--;
		if (at >= 5)
			continue;
		size_t last = s->nr_slowest < 5 ? s->nr_slowest++ : 4;
		memmove(&s->slowest[at + 1], &s->slowest[at], (last - at) * sizeof(size_t));
		s->slowest[at] = i;
	}
}

/* Count, per distilled type ("STRUCT 'device'"), the modules it breaks. */
static int breakers(const struct bk_check_result *r, size_t n, struct bk_check_summary *s)
{
	size_t nr_hits = 0, nr_all = 0;
	struct bk_check_hit *hits = bk_check_hits(r, n, &nr_hits);
	struct bk_check_breaker *all = calloc(nr_hits ? nr_hits : 1, sizeof(*all));
	if (!hits || !all) {
		free(hits);
		free(all);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nr_hits; i++) { /* one hit per (type, module) */
		if (!i || strcmp(hits[i].type, hits[i - 1].type))
			snprintf(all[nr_all++].type, sizeof(all[0].type), "%s", hits[i].type);
		all[nr_all - 1].modules++;
	}
	qsort(all, nr_all, sizeof(*all), cmp_breaker);
	s->nr_top = nr_all < 10 ? nr_all : 10;
	memcpy(s->top, all, s->nr_top * sizeof(*all));
	free(hits);
	free(all);
	return 0;
}

int bk_check_summarize(const struct bk_check_result *r, size_t n, struct bk_check_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->total = n;
	for (size_t i = 0; i < n; i++)
		if (r[i].status < BK_CHECK_NR_STATUS)
			s->count[r[i].status]++;
	slowest(r, n, s);
	return breakers(r, n, s);
}
