// SPDX-License-Identifier: MIT
/*
 * Which modules a diff's changes hit. Every module (split BTF on the old
 * kernel) is read on its own thread's turn and its own types walked once:
 * a base type a member, array, typedef, qualifier or variable reaches by
 * value is embedded (its size is baked into the module: a size change fails
 * relocation); one reached through a pointer or a prototype is referenced.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/btf_internal.h"
#include "core/opts_internal.h"

enum { TOUCH_REF = 1, TOUCH_EMBED = 2 };

struct touch {
	uint32_t rec;
	uint8_t how;
};

struct mod_result {
	struct touch *v;
	size_t n, cap;
	bool error;
};

struct walker {
	const struct bk_diff_result *res;
	const struct bk_btf *old;
	uint8_t *seen;        /* per record: TOUCH_* of this module */
	struct mod_result *out;
};

static void touch(struct walker *w, int64_t rec, uint8_t how)
{
	if ((w->seen[rec] & how) == how)
		return;
	if (!w->seen[rec]) {
		struct mod_result *o = w->out;
		struct touch *p = bk_grow_array(o->v, &o->cap, o->n, sizeof(*p), 32);
		if (!p) {
			o->error = true;
			return;
		}
		o->v = p;
		o->v[o->n++] = (struct touch){(uint32_t)rec, 0};
	}
	w->seen[rec] |= how;
}

/* Follow a field through typedefs, qualifiers, arrays and pointers, the
 * module's own and the old kernel's: every changed type on the way is
 * touched, by value until a pointer is passed. A struct or union ends the
 * chain (a module's own is walked for itself). */
static void reach(struct walker *w, const struct bk_btf *m, uint32_t id, bool by_value)
{
	uint32_t base_cnt = bk_btf_type_cnt(w->old);
	for (int step = 0; step < 64 && id; step++) {
		if (id < base_cnt) {
			int64_t rec = bk_diff_record_of_old(w->res, id);
			if (rec >= 0)
				touch(w, rec, by_value ? TOUCH_EMBED : TOUCH_REF);
		}
		const struct bk_type *t = bk_btf_type(m, id);
		if (!t)
			return;
		switch (bk_kind(t)) {
		case BK_KIND_PTR:
			by_value = false;
			id = t->type;
			break;
		case BK_KIND_ARRAY:
			id = ((const struct bk_array *)bk_type_rest(t))->type;
			break;
		default:
			if (!bk_kind_is_modifier(bk_kind(t)))
				return;
			id = t->type;
		}
	}
}

/* Members and variables embed what they reach; prototypes, and arrays
 * seen on their own, reference it (a member of array type embeds through
 * it: the chain goes on). As libbpf's distilled base counts it: a size
 * change breaks what is embedded, a type that is gone breaks every use. */
static void walk_module(struct walker *w, const struct bk_btf *m)
{
	for (uint32_t id = bk_btf_start_id(m); id < bk_btf_type_cnt(m); id++) {
		const struct bk_type *t = bk_btf_type(m, id);
		unsigned k = bk_kind(t);
		bool by_value = bk_kind_is_composite(k) || k == BK_KIND_VAR;
		if (!by_value && k != BK_KIND_FUNC_PROTO && k != BK_KIND_ARRAY)
			continue;
		struct bk_field_iter it;
		uint32_t *f;
		bk_field_iter_init(&it, (struct bk_type *)t, BK_ITER_IDS);
		while ((f = bk_field_iter_next(&it)))
			reach(w, m, *f, by_value);
	}
}

/* the module's BTF on old: as it is, or relocated through its .BTF.base */
static bool load(const char *path, const struct bk_btf *old, struct bk_btf **out)
{
	struct bk_error err;
	struct bk_module *m;
	*out = NULL;
	if (bk_module_open(path, &m, &err))
		return false;
	int e = bk_module_place(m, old, NULL, out, &err);
	bk_module_close(m);
	return e == 0;
}

struct runner {
	const struct bk_diff_result *res;
	const struct bk_btf *old;
	char **files;
	size_t n;
	struct mod_result *out;
	atomic_size_t next;
};

static void *worker(void *arg)
{
	struct runner *r = arg;
	uint8_t *seen = calloc(r->res->nr_records ? r->res->nr_records : 1, 1);
	for (;;) {
		size_t i = atomic_fetch_add(&r->next, 1);
		if (i >= r->n)
			break;
		struct bk_btf *m;
		struct walker w = {r->res, r->old, seen, &r->out[i]};
		if (!seen || !load(r->files[i], r->old, &m)) {
			r->out[i].error = true;
			continue;
		}
		walk_module(&w, m);
		for (size_t k = 0; k < r->out[i].n; k++) {
			r->out[i].v[k].how = seen[r->out[i].v[k].rec];
			seen[r->out[i].v[k].rec] = 0;
		}
		bk_btf_free(m);
	}
	free(seen);
	return NULL;
}

/* what relocation rejects: a type that is gone, whatever the use; one
 * whose size changed (or that lost its definition) when embedded */
static bool fails(const struct bk_diff_record *r, bool embed)
{
	if (r->op == BK_DIFF_REMOVED)
		return r->cls == BK_DIFF_STRUCT || r->cls == BK_DIFF_UNION || r->cls == BK_DIFF_ENUM ||
		       r->cls == BK_DIFF_INT || r->cls == BK_DIFF_FLOAT;
	if (r->op != BK_DIFF_CHANGED || !embed)
		return false;
	if (r->old_size >= 0 && r->new_size >= 0 && r->old_size != r->new_size)
		return true;
	for (size_t i = 0; i < r->nr_changes; i++)
		if (r->changes[i].what == BK_DIFF_DEFINITION && !r->changes[i].new_val)
			return true;
	return false;
}

static int add_embedder(struct bk_diff_record *r, uint32_t module)
{
	uint32_t *p = realloc(r->impact.embedders, (r->impact.embed + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	p[r->impact.embed++] = module;
	r->impact.embedders = p;
	return 0;
}

static int64_t root_of(const struct bk_diff_result *res, uint32_t rec)
{
	return res->records[rec].root >= 0 ? res->records[rec].root : (int64_t)rec;
}

/* Fold one module's touches into the records and the roots' totals: a
 * module counts for a root's embed_total when it embeds the root or a type
 * the root shifted, for ref_total when it touches that family otherwise. */
static int tally(struct bk_diff_result *res, uint32_t module, const struct mod_result *m,
		 size_t *stamp)
{
	bool fail = false;
	for (size_t k = 0; k < m->n; k++) {
		struct bk_diff_record *r = &res->records[m->v[k].rec];
		fail |= fails(r, m->v[k].how & TOUCH_EMBED);
		if (m->v[k].how & TOUCH_EMBED) {
			if (add_embedder(r, module))
				return -ENOMEM;
			int64_t root = root_of(res, m->v[k].rec);
			if (stamp[root] != module + 1u) {
				stamp[root] = module + 1u;
				res->records[root].impact.embed_total++;
			}
		} else {
			r->impact.ref++;
		}
	}
	for (size_t k = 0; k < m->n; k++) {
		int64_t root = root_of(res, m->v[k].rec);
		if (stamp[root] != module + 1u) {
			stamp[root] = module + 1u;
			res->records[root].impact.ref_total++;
		}
	}
	res->modules_fail += fail;
	res->modules_touch += m->n > 0;
	res->modules_error += m->error;
	return 0;
}

static unsigned nr_threads(unsigned want, size_t n)
{
	long cpus = want ? (long)want : sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1)
		cpus = 1;
	if ((size_t)cpus > n)
		cpus = n ? (long)n : 1;
	return cpus > 256 ? 256 : (unsigned)cpus;
}

int bk_diff_modules(struct bk_diff_result *res, const struct bk_btf *old,
		    const char *const *paths, size_t nr_paths,
		    const struct bk_diff_modules_opts *opts, struct bk_error *err)
{
	struct bk_diff_modules_opts o;
	char **files;
	size_t n;
	int e = bk_opts_load(&o, sizeof(o), opts, "bk_diff_modules_opts", err);
	if (e || (e = bk_check_collect(paths, nr_paths, &files, &n, err)))
		return e;
	struct runner r = {.res = res, .old = old, .files = files, .n = n};
	size_t nrec = res->nr_records ? res->nr_records : 1;
	size_t *stamp = calloc(nrec, sizeof(size_t));
	r.out = calloc(n ? n : 1, sizeof(*r.out));
	if (!r.out || !stamp) {
		e = bk_err(err, -ENOMEM, "out of memory");
		goto out;
	}
	atomic_init(&r.next, 0);
	pthread_t tids[256];
	unsigned nt = nr_threads(o.threads, n), started = 0;
	while (started < nt && pthread_create(&tids[started], NULL, worker, &r) == 0)
		started++;
	if (!started)
		worker(&r);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	res->have_modules = true;
	for (size_t i = 0; i < n && !e; i++)
		if (tally(res, (uint32_t)i, &r.out[i], stamp))
			e = bk_err(err, -ENOMEM, "out of memory");
	if (!e) {
		res->modules = files;
		res->nr_modules = n;
		files = NULL;
	}
out:
	for (size_t i = 0; r.out && i < n; i++)
		free(r.out[i].v);
	free(r.out);
	free(stamp);
	if (files)
		bk_check_free_files(files, n);
	return e;
}
