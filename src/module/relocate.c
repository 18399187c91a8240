// SPDX-License-Identifier: MIT
/*
 * Relocation: split BTF on a distilled base (a module's .BTF.base) becomes
 * split BTF on a real kernel's BTF, as libbpf's btf__relocate() and the
 * kernel's module loader do it.
 *
 * libbpf walks every new-base type and binary-searches a name-sorted copy
 * of the distilled base. Here it is the other way round: each distilled
 * type looks its name up in the new base's shared hash index, so the cost
 * is the size of the distilled base, not of the kernel. The candidates are
 * filtered by libbpf's rules (the matcher, match.c), and every distilled type is
 * judged, so that every problem can be reported, not only the first;
 * libbpf's own first failure is marked as the primary one.
 *
 * The input is never written: the result is a copy with its IDs and string
 * offsets rewritten.
 */
#include <stdlib.h>
#include <string.h>

#include "core/btf_internal.h"
#include "core/opts_internal.h"
#include "core/vocab.h"
#include "module/match.h"

#define MAX_NEAR_MISSES 16

struct reloc {
	const struct bk_btf *split, *dist, *base;
	bool quirks;
	uint32_t nr_dist;         /* the distilled base's type count (last ID + 1) */
	uint32_t nr_types;        /* the split BTF's type count */
	uint32_t *id_map;         /* old ID -> new ID */
	struct bk_matcher m;      /* the candidates, what the split embeds */
	uint32_t *second;         /* AMBIGUOUS: the 2nd candidate's ID, per problem */
	struct bk_reloc_report *report;
};

/* ---- describing types (messages) ---------------------------------------- */

/* " size=N", plus the INT encoding or the FWD kind: what matching looks at */
static void shape_str(unsigned kind, bool kflag, uint32_t size, uint32_t enc, char *buf,
		      size_t len)
{
	if (kind == BK_KIND_INT)
		snprintf(buf, len, " size=%u encoding=%s", size, bk_int_enc_word(enc));
	else if (kind == BK_KIND_FWD)
		snprintf(buf, len, " fwd_kind=%s", bk_fwd_kind_word(kflag));
	else if (bk_kind_is_sized(kind))
		snprintf(buf, len, " size=%u", size);
	else
		buf[0] = '\0';
}

const char *bk_reloc_cand_str(const struct bk_reloc_problem *p, const struct bk_reloc_cand *c,
			      char *buf, size_t len)
{
	char shape[64];
	shape_str(c->kind, c->kflag, c->size, c->int_enc, shape, sizeof(shape));
	snprintf(buf, len, "[%u] %s '%s'%s", c->id, bk_kind_name(c->kind), p->name, shape);
	return buf;
}

const char *bk_reloc_fault_name(enum bk_reloc_fault f)
{
	switch (f) {
	case BK_RELOC_NOT_FOUND: return "not found";
	case BK_RELOC_AMBIGUOUS: return "ambiguous";
	case BK_RELOC_SIZE_DIFFERS: return "size differs";
	}
	return "unknown";
}

const char *bk_reloc_fault_id(enum bk_reloc_fault f)
{
	switch (f) {
	case BK_RELOC_NOT_FOUND: return "not-found";
	case BK_RELOC_AMBIGUOUS: return "ambiguous";
	case BK_RELOC_SIZE_DIFFERS: return "size-differs";
	}
	return "unknown";
}

static size_t append(char *buf, size_t len, size_t at, const char *s)
{
	if (at < len)
		snprintf(buf + at, len - at, "%s", s);
	return at + strlen(s);
}

const char *bk_reloc_problem_str(const struct bk_reloc_problem *p, char *buf, size_t len)
{
	char shape[64], cand[160], head[320];
	size_t at;
	shape_str(p->dist_kind, p->dist_kflag, p->dist_size, p->dist_int_enc, shape, sizeof(shape));
	snprintf(head, sizeof(head), "[%u] %s '%s'%s: %s", p->dist_id, bk_kind_name(p->dist_kind),
		 p->name, shape, bk_reloc_fault_name(p->fault));
	buf[0] = '\0';
	at = append(buf, len, 0, head);
	if (p->fault == BK_RELOC_AMBIGUOUS)
		at = append(buf, len, at, ": the new base has several candidates:");
	else if (p->fault == BK_RELOC_SIZE_DIFFERS)
		at = append(buf, len, at, ": the new base has");
	else
		at = append(buf, len, at,
			    p->nr_cands ? ": near misses in the new base:"
					: ": the new base has no type of that name");
	for (size_t i = 0; i < p->nr_cands; i++) {
		at = append(buf, len, at, i ? ", " : " ");
		at = append(buf, len, at, bk_reloc_cand_str(p, &p->cands[i], cand, sizeof(cand)));
	}
	if (p->embed_id) {
		at = append(buf, len, at, "; the module embeds it in ");
		at = append(buf, len, at, p->embed_desc);
	}
	return buf;
}

/* ---- checking the inputs ------------------------------------------------- */

static int check_inputs(const struct bk_btf *split, const struct bk_btf *new_base,
			struct bk_error *err)
{
	const struct bk_btf *dist = split->base;
	if (!dist)
		return bk_err(err, -EINVAL,
			      "%s: not split BTF: relocation needs a module's BTF on its distilled base",
			      bk_btf_source(split));
	if (dist->base)
		return bk_err(err, -EINVAL,
			      "%s: the base of this split BTF is itself split BTF, not a distilled base",
			      bk_btf_source(split));
	if (!new_base || new_base == dist)
		return bk_err(err, -EINVAL, "relocation needs a new base other than the distilled one");
	for (uint32_t id = 1; id < bk_btf_type_cnt(dist); id++) {
		const struct bk_type *t = bk_btf_type(dist, id);
		const char *name = bk_btf_str(dist, t->name_off);
		if (!bk_kind_is_distilled(bk_kind(t)))
			return bk_err_type(err, dist, id, -EINVAL,
					   "a distilled base holds only named INT, FLOAT, ENUM, "
					   "STRUCT, UNION and FWD types");
		if (!name || !*name)
			return bk_err_type(err, dist, id, -EINVAL,
					   "anonymous type in a distilled base (its types are "
					   "found by name)");
	}
	return 0;
}

/* ---- matching ------------------------------------------------------------- */

static void describe_embed(const struct reloc *r, struct bk_reloc_problem *p)
{
	const struct bk_embed_site *e = &r->m.embed[p->dist_id];
	const struct bk_type *t = bk_btf_type(r->split, e->id);
	const struct bk_member *m = bk_type_rest(t);
	const char *member = bk_btf_str(r->split, m[e->member].name_off);
	char label[200];
	p->embed_id = e->id;
	p->embed_member = e->member;
	snprintf(p->embed_desc, sizeof(p->embed_desc), "%s member %u '%s'%s",
		 bk_type_label(r->split, e->id, label, sizeof(label)), e->member,
		 member && *member ? member : "(anon)",
		 e->hops ? " (through typedefs, qualifiers or arrays)" : "");
}

static struct bk_reloc_cand cand_of(const struct bk_btf *btf, uint32_t id)
{
	const struct bk_type *t = bk_btf_type(btf, id);
	unsigned kind = bk_kind(t);
	return (struct bk_reloc_cand){
		.id = id,
		.kind = (uint8_t)kind,
		.kflag = bk_kflag(t),
		.size = bk_kind_is_sized(kind) ? t->size : 0,
		.int_enc = kind == BK_KIND_INT ? bk_int_encoding(*(const uint32_t *)bk_type_rest(t)) : 0,
	};
}

static struct bk_reloc_problem *add_problem(struct reloc *r, uint32_t dist_id,
					    enum bk_reloc_fault fault)
{
	struct bk_reloc_report *rep = r->report;
	const struct bk_type *d = bk_btf_type(r->dist, dist_id);
	/* one problem per distilled type at most: nr_dist bounds the array */
	struct bk_reloc_problem *p = &rep->problems[rep->nr_problems++];
	memset(p, 0, sizeof(*p));
	struct bk_reloc_cand self = cand_of(r->dist, dist_id);
	p->fault = fault;
	p->dist_id = dist_id;
	p->dist_kind = self.kind;
	p->dist_kflag = self.kflag;
	p->dist_size = d->size;
	p->dist_int_enc = self.int_enc;
	p->name = strdup(bk_btf_str(r->dist, d->name_off));
	return p->name ? p : NULL;
}

static int set_cands(struct reloc *r, struct bk_reloc_problem *p, const uint32_t *ids, size_t n)
{
	if (!n)
		return 0;
	p->cands = calloc(n, sizeof(*p->cands));
	if (!p->cands)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		p->cands[i] = cand_of(r->base, ids[i]);
	p->nr_cands = n;
	return 0;
}

/* No candidate passed: tell a resized embedded composite from a missing type. */
static int report_unplaced(struct reloc *r, uint32_t dist_id)
{
	const struct bk_type *d = bk_btf_type(r->dist, dist_id);
	bool embedded = bk_matcher_embedded(&r->m, dist_id);
	size_t n = r->m.nr_named;
	enum bk_reloc_fault fault = BK_RELOC_NOT_FOUND;
	for (size_t i = 0; i < n && embedded; i++) {
		const struct bk_type *b = bk_btf_type(r->base, r->m.named[i]);
		if (bk_kind(b) == bk_kind(d) && b->size != d->size)
			fault = BK_RELOC_SIZE_DIFFERS;
	}
	struct bk_reloc_problem *p = add_problem(r, dist_id, fault);
	if (!p)
		return -ENOMEM;
	if (embedded)
		describe_embed(r, p);
	return set_cands(r, p, r->m.named, n < MAX_NEAR_MISSES ? n : MAX_NEAR_MISSES);
}

/* Place one distilled type: id_map[dist_id], or a problem. */
static int match_one(struct reloc *r, uint32_t dist_id)
{
	uint32_t pass_ids[2 * MAX_NEAR_MISSES];
	size_t passed;
	int e = bk_match(&r->m, dist_id, pass_ids, 2 * MAX_NEAR_MISSES, &passed);
	if (e)
		return e;
	if (passed == 1) {
		r->id_map[dist_id] = pass_ids[0];
		return 0;
	}
	if (!passed)
		return report_unplaced(r, dist_id);
	r->second[r->report->nr_problems] = pass_ids[1];
	struct bk_reloc_problem *p = add_problem(r, dist_id, BK_RELOC_AMBIGUOUS);
	if (!p)
		return -ENOMEM;
	if (bk_matcher_embedded(&r->m, dist_id))
		describe_embed(r, p);
	return set_cands(r, p, pass_ids, passed < 2 * MAX_NEAR_MISSES ? passed : 2 * MAX_NEAR_MISSES);
}

/* libbpf scans the new base in ID order and stops at the first type that
 * is a second candidate; with no ambiguity, at the lowest unplaced ID. */
static size_t primary_problem(const struct reloc *r)
{
	const struct bk_reloc_report *rep = r->report;
	size_t best = rep->nr_problems;
	for (size_t i = 0; i < rep->nr_problems; i++) {
		if (rep->problems[i].fault != BK_RELOC_AMBIGUOUS)
			continue;
		if (best == rep->nr_problems || r->second[i] < r->second[best])
			best = i;
	}
	return best < rep->nr_problems ? best : 0;
}

static int match_all(struct reloc *r)
{
	int e = bk_matcher_init(&r->m, r->split, r->base, r->quirks);
	if (e)
		return e;
	for (uint32_t id = 1; id < r->nr_dist; id++)
		if ((e = match_one(r, id)))
			return e;
	if (r->report->nr_problems)
		r->report->primary = primary_problem(r);
	return 0;
}

/* ---- rewriting ------------------------------------------------------------ */

/* Distilled-base string offset -> new-base string offset: the matched
 * type's name. Where several distilled types share a name offset, libbpf's
 * last write wins: the one matched to the highest new-base ID. */
static int build_str_map(const struct reloc *r, uint32_t **str_map)
{
	uint32_t len = (uint32_t)r->dist->strs_len;
	uint32_t *map = calloc(len ? len : 1, sizeof(*map));
	uint32_t *from = calloc(len ? len : 1, sizeof(*from));
	if (!map || !from) {
		free(map);
		free(from);
		return -ENOMEM;
	}
	for (uint32_t id = 1; id < r->nr_dist; id++) {
		const struct bk_type *d = bk_btf_type(r->dist, id);
		uint32_t to = r->id_map[id];
		if (to > from[d->name_off]) {
			from[d->name_off] = to;
			map[d->name_off] = bk_btf_type(r->base, to)->name_off;
		}
	}
	free(from);
	*str_map = map;
	return 0;
}

/* An unfilled copy of the split BTF's own types and strings on new_base. */
static int copy_split(const struct reloc *r, struct bk_btf **out)
{
	const struct bk_btf *s = r->split;
	struct bk_btf *o = bk_btf_new(r->base);
	if (!o)
		return -ENOMEM;
	o->nr_types = s->nr_types;
	o->hdr_len = s->hdr_len;
	o->swapped = s->swapped;
	o->types = malloc(s->types_len ? s->types_len : 1);
	o->types_len = s->types_len;
	o->types_cap = s->types_len ? s->types_len : 1;
	o->offs = malloc((s->nr_types ? s->nr_types : 1) * sizeof(*o->offs));
	o->offs_cap = s->nr_types;
	o->strs = malloc(s->strs_len ? s->strs_len : 1);
	o->strs_len = s->strs_len;
	o->strs_cap = s->strs_len ? s->strs_len : 1;
	if (s->layout_len && (o->raw = malloc(s->layout_len))) {
		memcpy(o->raw, s->layout, s->layout_len);
		o->layout = o->raw;
		o->layout_len = s->layout_len;
	}
	bk_btf_set_source(o, s->source, s->section);
	if (!o->types || !o->offs || !o->strs || (s->layout_len && !o->raw)) {
		bk_btf_free(o);
		return -ENOMEM;
	}
	/* an empty section may have no buffer at all: memcpy wants one */
	if (s->types_len)
		memcpy(o->types, s->types, s->types_len);
	if (s->nr_types)
		memcpy(o->offs, s->offs, s->nr_types * sizeof(*o->offs));
	if (s->strs_len)
		memcpy(o->strs, s->strs, s->strs_len);
	*out = o;
	return 0;
}

/* One string field: a new-base name for a distilled-base offset, a shift
 * for the split's own strings. */
static inline bool rewrite_str(uint32_t *f, const uint32_t *str_map, uint32_t dist_len,
			       uint32_t shift)
{
	if (*f >= dist_len)
		*f += shift; /* modulo 2^32: the new base may have fewer strings */
	else if (*f && !(*f = str_map[*f]))
		return false;
	return true;
}

static int unmapped_str(const struct reloc *r, uint32_t id, uint32_t elem, uint32_t off,
			struct bk_error *err)
{
	const struct bk_type *t = bk_btf_type(r->split, id);
	const struct bk_kind_desc *d = &bk_kinds[bk_kind(t)];
	char what[64] = "name";
	if (elem)
		snprintf(what, sizeof(what), "%s %u: name", d->elem_label, elem - 1);
	return bk_err_type(err, r->split, id, -EINVAL,
			   "%s offset %u ('%s') points into the distilled base's strings, but at "
			   "no type's name",
			   what, off, bk_btf_str(r->dist, off));
}

/* What the walk over each type needs, and where a string failed. */
struct rewrite_ctx {
	const uint32_t *id_map, *str_map;
	uint32_t dist_len, shift;
	uint32_t bad_off; /* the offset that no name matched */
};

static void rewrite_id(void *ctx, uint32_t *f)
{
	*f = ((const struct rewrite_ctx *)ctx)->id_map[*f];
}

/* 0, or elem + 1 (see bk_type_walk) of a name that maps to nothing */
static int rewrite_name(void *ctx, uint32_t *f, uint32_t elem)
{
	struct rewrite_ctx *c = ctx;
	uint32_t orig = *f;
	if (!rewrite_str(f, c->str_map, c->dist_len, c->shift)) {
		c->bad_off = orig;
		return (int)elem + 1;
	}
	return 0;
}

/* Every ID and string field of every type, in one walk of each record. */
static int rewrite(const struct reloc *r, struct bk_btf *o, const uint32_t *str_map,
		   struct bk_error *err)
{
	struct rewrite_ctx c = {r->id_map, str_map, (uint32_t)r->dist->strs_len, 0, 0};
	c.shift = o->start_str_off - c.dist_len;
	for (uint32_t i = 0; i < o->nr_types; i++) {
		int bad = bk_type_walk(bk_own_type(o, i), &c, rewrite_id, rewrite_name);
		if (bad)
			return unmapped_str(r, r->split->start_id + i, (uint32_t)bad - 1, c.bad_off,
					    err);
	}
	return 0;
}

static int check_limits(const struct reloc *r, struct bk_error *err)
{
	uint64_t last_id = (uint64_t)bk_btf_type_cnt(r->base) + r->split->nr_types;
	uint64_t str_end = (uint64_t)bk_btf_start_str_off(r->base) + r->base->strs_len +
			   r->split->strs_len;
	if (last_id > BK_MAX_ID || str_end > BK_MAX_ID)
		return bk_err(err, -E2BIG, "%s: relocated onto %s, IDs or string offsets pass %u",
			      bk_btf_source(r->split), bk_btf_source(r->base), BK_MAX_ID);
	return 0;
}

static int build_output(const struct reloc *r, struct bk_btf **out, struct bk_error *err)
{
	uint32_t *str_map;
	struct bk_btf *o;
	int e = check_limits(r, err);
	if (e)
		return e;
	if ((e = build_str_map(r, &str_map)))
		return bk_err(err, e, "out of memory");
	if ((e = copy_split(r, &o))) {
		free(str_map);
		return bk_err(err, e, "out of memory");
	}
	e = rewrite(r, o, str_map, err);
	free(str_map);
	if (e) {
		bk_btf_free(o);
		return e;
	}
	*out = o;
	return 0;
}

/* ---- the API -------------------------------------------------------------- */

void bk_reloc_report_free(struct bk_reloc_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->nr_problems; i++) {
		free(rep->problems[i].cands);
		free(rep->problems[i].name);
	}
	free(rep->problems);
	free(rep);
}

static int fail_with_report(const struct reloc *r, struct bk_error *err)
{
	const struct bk_reloc_report *rep = r->report;
	const struct bk_reloc_problem *p = &rep->problems[rep->primary];
	char text[600], more[64] = "";
	if (rep->nr_problems > 1)
		snprintf(more, sizeof(more), " (and %zu more)", rep->nr_problems - 1);
	bk_err_set_source(err, bk_btf_source(r->split), bk_btf_section(r->split));
	if (err)
		err->type_id = p->dist_id;
	return bk_err(err, -EINVAL, "cannot relocate onto %s: distilled base type %s%s",
		      *bk_btf_source(r->base) ? bk_btf_source(r->base) : "the new base",
		      bk_reloc_problem_str(p, text, sizeof(text)), more);
}

static int alloc_state(struct reloc *r)
{
	r->id_map = calloc(r->nr_types, sizeof(*r->id_map));
	r->second = calloc(r->nr_dist, sizeof(*r->second));
	r->report = calloc(1, sizeof(*r->report));
	if (r->report)
		r->report->problems = calloc(r->nr_dist, sizeof(*r->report->problems));
	if (!r->id_map || !r->second || !r->report || !r->report->problems)
		return -ENOMEM;
	/* split IDs move to follow the new base */
	for (uint32_t id = r->nr_dist; id < r->nr_types; id++)
		r->id_map[id] = id - r->nr_dist + bk_btf_type_cnt(r->base);
	return 0;
}

static void free_state(struct reloc *r)
{
	free(r->id_map);
	free(r->second);
	bk_matcher_free(&r->m);
	bk_reloc_report_free(r->report);
}

int bk_relocate_opts(const struct bk_btf *split, const struct bk_btf *new_base,
		     const struct bk_relocate_opts *opts, struct bk_btf **out,
		     struct bk_error *err)
{
	struct bk_relocate_opts o;
	struct reloc r = {0};
	int e;
	*out = NULL;
	if ((e = bk_opts_load(&o, sizeof(o), opts, "bk_relocate_opts", err)))
		return e;
	opts = &o;
	if (opts->id_map)
		*opts->id_map = NULL;
	if (opts->report)
		*opts->report = NULL;
	if ((e = bk_err_tag(err, check_inputs(split, new_base, err), BK_E_RELOCATE)))
		return e;
	r.split = split;
	r.dist = split->base;
	r.base = new_base;
	r.quirks = opts->libbpf_quirks;
	r.nr_dist = bk_btf_type_cnt(r.dist);
	r.nr_types = bk_btf_type_cnt(split);
	if ((e = alloc_state(&r)) || (e = match_all(&r))) {
		free_state(&r);
		return bk_err(err, e, "out of memory");
	}
	if (r.report->nr_problems) {
		e = bk_err_tag(err, fail_with_report(&r, err), BK_E_RELOCATE);
		if (opts->report) {
			*opts->report = r.report;
			r.report = NULL;
		}
	} else {
		e = bk_err_tag(err, build_output(&r, out, err), BK_E_RELOCATE);
	}
	if (!e && opts->id_map) {
		*opts->id_map = r.id_map;
		r.id_map = NULL;
	}
	free_state(&r);
	return e;
}

int bk_relocate(const struct bk_btf *split, const struct bk_btf *new_base, struct bk_btf **out,
		struct bk_error *err)
{
	return bk_relocate_opts(split, new_base, NULL, out, err);
}
