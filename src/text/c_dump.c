// SPDX-License-Identifier: MIT
/*
 * The C printer's driver: bpftool 7.8's dump_btf_c. Its header and footer,
 * which types it dumps in which order (sorted, unsorted, root IDs), and
 * its kfunc block; all ordering before any output, so that an error
 * leaves nothing half printed.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "core/fresh.h"
#include "core/opts_internal.h"
#include "text/c_internal.h"

#define MAX_ROOT_IDS 16

static const char header[] =
	"#ifndef __VMLINUX_H__\n"
	"#define __VMLINUX_H__\n"
	"\n"
	"#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
	"#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n"
	"#endif\n"
	"\n"
	"#ifndef __ksym\n"
	"#define __ksym __attribute__((section(\".ksyms\")))\n"
	"#endif\n"
	"\n"
	"#ifndef __weak\n"
	"#define __weak __attribute__((weak))\n"
	"#endif\n"
	"\n"
	"#ifndef __bpf_fastcall\n"
	"#if __has_attribute(bpf_fastcall)\n"
	"#define __bpf_fastcall __attribute__((bpf_fastcall))\n"
	"#else\n"
	"#define __bpf_fastcall\n"
	"#endif\n"
	"#endif\n"
	"\n";

static const char footer[] =
	"#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
	"#pragma clang attribute pop\n"
	"#endif\n"
	"\n"
	"#endif /* __VMLINUX_H__ */\n";

/* the caller's options, as far as it knows them */
static int read_opts(const struct bk_dump_c_opts *in, struct bk_dump_c_opts *o,
		     struct bk_error *err)
{
	int e = bk_opts_load(o, sizeof(*o), in, "bk_dump_c_opts", err);
	if (e)
		return e;
	if (o->nr_root_ids > MAX_ROOT_IDS)
		return bk_err(err, -E2BIG, "only %d root IDs are supported", MAX_ROOT_IDS);
	if (o->nr_root_ids && !o->root_ids)
		return bk_err(err, -EINVAL, "bk_dump_c_opts: root_ids missing");
	return 0;
}

static int check_roots(const struct cdump *d, const struct bk_dump_c_opts *o)
{
	for (size_t i = 0; i < o->nr_root_ids; i++) {
		if (o->root_ids[i] >= d->n)
			return bk_err(d->err, -EINVAL, "invalid root ID: %u", o->root_ids[i]);
		for (size_t j = 0; j < i; j++)
			if (o->root_ids[j] == o->root_ids[i])
				return bk_err(d->err, -EINVAL, "duplicate root ID %u",
					      o->root_ids[i]);
	}
	return 0;
}

static const struct bk_type void_type;

#define TABLE_ALIGN ((size_t)64)

/* the per-type tables' places in a block at base (NULL: none yet);
 * returns the block's size */
static size_t place_tables(struct cdump *d, uint8_t *base)
{
	size_t n = d->n, bits = (n / 64 + 1) * sizeof(uint64_t);
	const size_t sz[] = {n, n, n, n * sizeof(*d->dup), n * sizeof(*d->next),
			     n * sizeof(*d->end), bits, bits};
	void *at[sizeof(sz) / sizeof(sz[0])];
	size_t off = 0;
	for (size_t i = 0; i < sizeof(sz) / sizeof(sz[0]); i++) {
		at[i] = base ? base + off : NULL;
		off += (sz[i] + TABLE_ALIGN - 1) & ~(TABLE_ALIGN - 1);
	}
	d->state = at[0];
	d->kind = at[1];
	d->align = at[2];
	d->dup = at[3];
	d->next = at[4];
	d->end = at[5];
	d->named = at[6];
	d->name_done = at[7];
	return off;
}

static int cdump_init(struct cdump *d, const struct bk_btf *btf, struct out *o,
		      struct bk_error *err)
{
	memset(d, 0, sizeof(*d));
	d->btf = btf;
	d->o = o;
	d->err = err;
	d->n = bk_btf_type_cnt(btf);
	d->own_start = btf->nr_types ? btf->start_id : d->n;
	d->own_types = btf->types;
	d->own_offs = btf->offs;
	d->types = malloc(d->own_start * sizeof(*d->types));
	d->tables = bk_map_fresh(place_tables(d, NULL), &d->tables_len);
	if (!d->types || !d->tables)
		return -ENOMEM;
	place_tables(d, d->tables);
	d->types[0] = &void_type;
	for (uint32_t id = 1; id < d->own_start; id++)
		d->types[id] = bk_btf_type(btf, id);
	/* (align is set ALIGN_UNSET by c_prepare, which uses it first) */
	/* void is always there */
	d->state[0] = ST_ORDERED | ST_EMITTED;
	return c_prepare(d);
}

void c_give_spare(struct cdump *d, void *p, size_t sz, size_t mapped)
{
	if (!p)
		return;
	for (int i = 0; i < 2; i++) {
		if (!d->spare[i]) {
			d->spare[i] = p;
			d->spare_sz[i] = sz;
			d->spare_mapped[i] = mapped;
			return;
		}
	}
	bk_fresh_release(p, mapped);
}

void *c_take_spare(struct cdump *d, size_t sz, size_t *mapped)
{
	for (int i = 0; i < 2; i++) {
		if (d->spare[i] && d->spare_sz[i] >= sz) {
			void *p = d->spare[i];
			*mapped = d->spare_mapped[i];
			d->spare[i] = NULL;
			return p;
		}
	}
	return NULL;
}

/* the spare blocks released: nothing will take them (the helper's ___N
 * maps are its own), and they would stay resident */
static void drop_spares(struct cdump *d)
{
	for (int i = 0; i < 2; i++) {
		if (d->spare[i])
			bk_fresh_release(d->spare[i], d->spare_mapped[i]);
		d->spare[i] = NULL;
	}
}

static void cdump_fini(struct cdump *d)
{
	c_helper_end(d, -ECANCELED); /* (when a failure came first) */
	free(d->single);
	drop_spares(d);
	free(d->types);
	free(d->chain_hash);
	c_ranked_free(&d->links);
	if (d->tables)
		munmap(d->tables, d->tables_len);
	free(d->decl.v);
	free(d->work.v);
	free(d->astack);
	free(d->fs.f);
	c_emit_fini(d);
}

/* The IDs that a loop in sorted order visits jump about the types: ask
 * for the type of the one eight ahead, and for where the type of the one
 * sixteen ahead is, before they are needed. */
static void prefetch_ahead(const struct cdump *d, const uint32_t *ids, size_t i, size_t n)
{
	if (i + 16 < n && ids[i + 16] >= d->own_start)
		__builtin_prefetch(&d->own_offs[ids[i + 16] - d->own_start]);
	if (i + 8 < n) {
		__builtin_prefetch(c_type(d, ids[i + 8]));
		__builtin_prefetch(&d->state[ids[i + 8]]);
	}
}

/* The chain ends are the sort's alone: their room (in the tables' block)
 * is the queue's once it is done, reserved whole (a type is queued once
 * at most): it never moves, and the helper reads it while it grows. */
static void ends_to_queue(struct cdump *d)
{
	d->queue = (struct u32vec){.v = d->end, .cap = d->n};
	d->end = NULL;
}

/* The output held while ordering goes (the helper's walk writes it) would
 * grow into fresh pages, some 450 faults for the running kernel's header:
 * it goes into the largest spare block instead (the sort's tables, touched
 * already), where that is larger than its buffer. The others are
 * released. */
static void hold_in_spare(struct cdump *d)
{
	int best = -1;
	for (int i = 0; i < 2; i++)
		if (d->spare[i] && d->spare_sz[i] > d->o->cap &&
		    (best < 0 || d->spare_sz[i] > d->spare_sz[best]))
			best = i;
	if (best >= 0) {
		out_use_buffer(d->o, d->spare[best], d->spare_sz[best], d->spare_mapped[best]);
		d->spare[best] = NULL;
	}
	drop_spares(d);
}

/* The types bpftool dumps, in its order: the roots; or every ID from 1
 * (unsorted); or the sorted IDs (bpftool 7.8 starts at sorted index 1,
 * meaning to skip void, which does not sort first: with quirks the type
 * that does is skipped as bpftool does). */
static int order_all(struct cdump *d, const struct bk_dump_c_opts *o, bool *helper_walks)
{
	if (o->nr_root_ids) {
		ends_to_queue(d);
		for (size_t i = 0; i < o->nr_root_ids; i++) {
			int e = c_order(d, o->root_ids[i]);
			if (e)
				return e;
		}
		return 0;
	}
	uint32_t *ids = NULL, nr = d->n;
	size_t first = 1;
	if (!o->unsorted) {
		if (!(ids = malloc(d->n * sizeof(*ids))))
			return -ENOMEM;
		int e = c_sort_types(d, ids, &nr, o->bpftool_quirks);
		/* the sort's own tables: not needed after it */
		c_give_spare(d, d->chain_hash, d->nr_links * sizeof(*d->chain_hash), 0);
		d->chain_hash = NULL;
		if (e) {
			free(ids);
			return e;
		}
		first = o->bpftool_quirks ? 1 : 0;
	}
	ends_to_queue(d);
	/* a helper that walks writes as ordering goes, after the header */
	if ((*helper_walks = c_helper_hold_output(d))) {
		hold_in_spare(d);
		put_bytes(d->o, header, sizeof(header) - 1);
	}
	c_helper_order_begin(d);
	int e = 0;
	for (size_t i = first; i < nr && !e; i++) {
		uint32_t id = ids ? ids[i] : (uint32_t)i;
		if (ids)
			prefetch_ahead(d, ids, i, nr);
		if (d->state[id] & ST_ORDERED)
			continue; /* c_order would have nothing to do */
		if (c_orders_nothing(d->kind[id])) {
			d->state[id] |= ST_ORDERED; /* all c_order would do, unread */
		} else {
			e = c_order(d, id);
			c_helper_queued(d);
		}
	}
	/* the types the sort left out would only have been marked ordered,
	 * which nothing reads once ordering is over (no walked type refers
	 * to them): left as they are */
	free(ids);
	return e;
}

/* the definitions queued, each after what it needs */
static int emit_queued(struct cdump *d)
{
	int e = 0;
	for (size_t i = 0; i < d->queue.n && !e; i++) {
		prefetch_ahead(d, d->queue.v, i, d->queue.n);
		if (!(d->state[d->queue.v[i]] & ST_EMITTED)) /* printed as a dependency */
			e = c_emit_type(d, d->queue.v[i]);
	}
	return e;
}

static int compare_kfuncs(const struct cdump *d, uint32_t a, uint32_t b)
{
	int r = strcmp(c_name(d, c_type(d, a)), c_name(d, c_type(d, b)));
	return r ? r : (a > b) - (a < b);
}

/* by name (ties by ID, where bpftool's qsort leaves them as they come);
 * a plain insertion into place would be quadratic: a bottom-up merge */
static int sort_kfuncs(const struct cdump *d, uint32_t *v, size_t n)
{
	uint32_t *tmp = malloc((n ? n : 1) * sizeof(*tmp)), *src = v, *dst = tmp;
	if (!tmp)
		return -ENOMEM;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				dst[k++] = compare_kfuncs(d, src[j], src[i]) < 0 ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		uint32_t *x = src;
		src = dst;
		dst = x;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
	return 0;
}

/* the FUNCs that a DECL_TAG named tag marks as a whole (component -1) */
static bool func_tag(const struct cdump *d, uint32_t id, const char *tag, uint32_t *func)
{
	const struct bk_type *t = c_type(d, id);
	if (bk_kind(t) != BK_KIND_DECL_TAG ||
	    ((const struct bk_decl_tag *)bk_type_rest(t))->component_idx != -1)
		return false;
	if (t->type >= d->n || bk_kind(c_type(d, t->type)) != BK_KIND_FUNC)
		return false;
	*func = t->type;
	return !strcmp(c_name(d, t), tag);
}

/* bpftool's dump_btf_kfuncs: `extern` prototypes of the bpf_kfunc FUNCs */
static int emit_kfuncs(struct cdump *d)
{
	struct u32vec kf = {0};
	uint8_t *fastcall = calloc(d->n / 8 + 1, 1);
	int e = fastcall ? 0 : -ENOMEM;
	for (uint32_t id = 1; id < d->n && !e; id++) {
		uint32_t f;
		if (d->kind[id] != BK_KIND_DECL_TAG)
			continue;
		if (func_tag(d, id, "bpf_kfunc", &f))
			e = u32vec_push(&kf, f);
		else if (func_tag(d, id, "bpf_fastcall", &f))
			fastcall[f / 8] |= (uint8_t)(1u << (f % 8));
	}
	if (!e)
		e = sort_kfuncs(d, kf.v, kf.n);
	PUT_LIT(d->o, "\n/* BPF kfuncs */\n#ifndef BPF_NO_KFUNC_PROTOTYPES\n");
	for (size_t i = 0; i < kf.n && !e; i++) {
		uint32_t f = kf.v[i];
		PUT_LIT(d->o, "extern ");
		if (fastcall[f / 8] & (1u << (f % 8)))
			PUT_LIT(d->o, "__bpf_fastcall ");
		e = c_emit_decl(d, c_type(d, f)->type, c_type(d, f)->name_off, 0);
		PUT_LIT(d->o, " __weak __ksym;\n");
	}
	PUT_LIT(d->o, "#endif\n\n");
	free(kf.v);
	free(fastcall);
	return e;
}

static int dump_c(const struct bk_btf *btf, const struct bk_dump_c_opts *in, struct out *o,
		  struct bk_error *err)
{
	struct bk_dump_c_opts opts;
	struct cdump d;
	int e = read_opts(in, &opts, err);
	if (e)
		return e;
	e = cdump_init(&d, btf, o, err);
	if (!e)
		e = check_roots(&d, &opts);
	/* a helper prints ahead while this thread sorts, and walks the queue
	 * while this thread orders (c_helper.c), held until ordering is over */
	if (!e && !opts.nr_root_ids)
		c_helper_start(&d);
	bool walked = false;
	if (!e)
		e = order_all(&d, &opts, &walked);
	int walk_err = c_helper_end(&d, e);
	if (!e) {
		if (!walked)
			put_bytes(o, header, sizeof(header) - 1);
		e = walked ? walk_err : emit_queued(&d);
		if (!e && !opts.nr_root_ids)
			e = emit_kfuncs(&d);
		put_bytes(o, footer, sizeof(footer) - 1);
	}
	cdump_fini(&d);
	if (o->err && (!e || e == o->err))
		return o->err; /* a write failure (or out of memory): the caller reports it */
	if (e == -ENOMEM && !err->code)
		bk_err(err, e, "out of memory");
	return e;
}

int bk_dump_c(const struct bk_btf *btf, const struct bk_dump_c_opts *opts, FILE *file,
	      struct bk_error *err)
{
	struct out o;
	struct bk_error tmp;
	if (!err)
		err = &tmp;
	bk_error_clear(err);
	if (out_open(&o, file))
		return bk_err(err, -ENOMEM, "out of memory");
	errno = 0;
	int e = dump_c(btf, opts, &o, err);
	int we = out_close_file(&o);
	if (we && (!e || e == we))
		e = bk_err_io(err, we, "output", "write");
	return e;
}

int bk_dump_c_mem(const struct bk_btf *btf, const struct bk_dump_c_opts *opts, char **text,
		  size_t *len, struct bk_error *err)
{
	struct out o;
	struct bk_error tmp;
	if (!err)
		err = &tmp;
	bk_error_clear(err);
	*text = NULL;
	*len = 0;
	if (out_open(&o, NULL))
		return bk_err(err, -ENOMEM, "out of memory");
	int e = dump_c(btf, opts, &o, err);
	if (e) {
		o.err = o.err ? o.err : e;
		out_close_mem(&o, text, len);
		if (e == -ENOMEM && !err->code)
			bk_err(err, e, "out of memory");
		return e;
	}
	return out_close_mem(&o, text, len);
}
