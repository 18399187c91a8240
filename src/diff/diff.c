// SPDX-License-Identifier: MIT
/*
 * btfkit diff: what changed between two BTFs' named types.
 *
 * Each side's named types become entities keyed by (class, name), with a
 * structural signature made of name texts (dtype_hash): equal signatures
 * mean nothing to report, so only the few types that differ are compared
 * in detail. Several definitions of one key collapse when equal; the rest
 * are paired by least difference. Then a cause pass marks the types whose
 * only changes come from an embedded type that changed size.
 */
#include <stdlib.h>
#include <string.h>

#include "core/opts_internal.h"
#include "diff/diff_internal.h"

struct bk_diff_private {
	struct darena *arena;
	int32_t *rec_of_old; /* old ID -> record index, -1 none */
	uint32_t old_cnt;
};

static const char *const class_names[BK_DIFF_NR_CLASSES] = {
	"struct", "union", "enum", "typedef", "func", "var", "int", "float"};
static const char *const op_names[BK_DIFF_NR_OPS] = {"added", "removed", "changed"};
static const char *const severity_names[BK_DIFF_NR_SEVERITIES] = {"cosmetic", "compatible",
								   "breaking"};
static const char *const what_names[BK_DIFF_NR_WHATS] = {
	[BK_DIFF_SIZE] = "size",
	[BK_DIFF_DEFINITION] = "definition",
	[BK_DIFF_MEMBER_ADDED] = "member-added",
	[BK_DIFF_MEMBER_REMOVED] = "member-removed",
	[BK_DIFF_MEMBER_RENAMED] = "member-renamed",
	[BK_DIFF_MEMBER_RETYPED] = "member-retyped",
	[BK_DIFF_MEMBER_BITFIELD] = "member-bitfield",
	[BK_DIFF_MEMBER_MOVED] = "member-moved",
	[BK_DIFF_MEMBER_REGROUPED] = "member-regrouped",
	[BK_DIFF_ENUM_SIGNED] = "signed",
	[BK_DIFF_ENUMERATOR_ADDED] = "enumerator-added",
	[BK_DIFF_ENUMERATOR_REMOVED] = "enumerator-removed",
	[BK_DIFF_ENUMERATOR_VALUE] = "enumerator-value",
	[BK_DIFF_RETURN] = "return",
	[BK_DIFF_PARAM_ADDED] = "param-added",
	[BK_DIFF_PARAM_REMOVED] = "param-removed",
	[BK_DIFF_PARAM_RETYPED] = "param-retyped",
	[BK_DIFF_PARAM_NAME] = "param-name",
	[BK_DIFF_LINKAGE] = "linkage",
	[BK_DIFF_TARGET] = "target",
	[BK_DIFF_VAR_TYPE] = "type",
	[BK_DIFF_ENCODING] = "encoding",
	[BK_DIFF_BITS] = "bits",
};

const char *bk_diff_class_name(enum bk_diff_class c)
{
	return c < BK_DIFF_NR_CLASSES ? class_names[c] : "?";
}

int bk_diff_class_by_name(const char *s)
{
	for (int i = 0; i < BK_DIFF_NR_CLASSES; i++)
		if (!strcmp(s, class_names[i]))
			return i;
	return -1;
}

const char *bk_diff_op_name(enum bk_diff_op op)
{
	return op < BK_DIFF_NR_OPS ? op_names[op] : "?";
}

const char *bk_diff_severity_name(enum bk_diff_severity s)
{
	return s < BK_DIFF_NR_SEVERITIES ? severity_names[s] : "?";
}

int bk_diff_severity_by_name(const char *s)
{
	for (int i = 0; i < BK_DIFF_NR_SEVERITIES; i++)
		if (!strcmp(s, severity_names[i]))
			return i;
	return -1;
}

const char *bk_diff_what_name(enum bk_diff_what w)
{
	return w < BK_DIFF_NR_WHATS ? what_names[w] : "?";
}

/* ---- records ------------------------------------------------------------------- */

/* one key's entities on one side, sorted by dentity_cmp (definitions
 * first, by signature) */
struct group {
	const struct dentity *v;
	size_t n;
};

struct builder {
	struct dside o, n;
	struct darena *arena;
	struct bk_diff_record *recs; /* in the order they are found; sorted by finish */
	size_t nr, cap;
	int32_t *rec_of_old;         /* old ID -> record, as found */
	bool oom;
};

static struct bk_diff_record *new_rec(struct builder *b, const struct dentity *e,
				      enum bk_diff_op op)
{
	struct bk_diff_record *p = bk_grow_array(b->recs, &b->cap, b->nr, sizeof(*p), 256);
	if (!p) {
		b->oom = true;
		return NULL;
	}
	b->recs = p;
	struct bk_diff_record *d = &b->recs[b->nr++];
	*d = (struct bk_diff_record){.cls = e->cls, .op = op, .name = e->name, .anon = e->anon,
				     .old_size = -1, .new_size = -1, .old_text = "", .new_text = "",
				     .shifted_by = -1, .root = -1};
	return d;
}

static int64_t size_of_entity(const struct dside *s, const struct dentity *e)
{
	const struct bk_type *t = bk_btf_type(s->btf, e->id);
	return bk_kind_is_sized(bk_kind(t)) ? (int64_t)t->size : -1;
}

/* the distinct definitions of a key: FWDs only when there is nothing else;
 * one entity per signature (they are sorted by it) */
static size_t distinct(const struct dentity *e, size_t n, const struct dentity **out, size_t max)
{
	size_t k = 0, defs = 0;
	while (defs < n && !e[defs].decl)
		defs++;
	size_t end = defs ? defs : n;
	for (size_t i = 0; i < end && k < max; i++)
		if (!i || e[i].sig != e[i - 1].sig)
			out[k++] = &e[i];
	return k;
}

static bool has_sig(const struct dentity *const *v, size_t n, uint64_t sig)
{
	for (size_t i = 0; i < n; i++)
		if (v[i]->sig == sig)
			return true;
	return false;
}

/* full hashes (FUNC: with parameter names) of one side all found in the other */
static bool fulls_within(const struct dentity *a, size_t na, const struct dentity *b, size_t nb)
{
	for (size_t i = 0; i < na; i++) {
		bool found = false;
		for (size_t j = 0; j < nb && !found; j++)
			found = a[i].full == b[j].full && a[i].decl == b[j].decl;
		if (!found && !a[i].decl)
			return false;
	}
	return true;
}

#define MAX_VARIANTS 16

static void fill_old(struct bk_diff_record *d, const struct dside *o, const struct dentity *a)
{
	d->old_id = a->id;
	d->old_size = a->decl ? -1 : size_of_entity(o, a);
}

static void fill_new(struct bk_diff_record *d, const struct dside *n, const struct dentity *b)
{
	d->new_id = b->id;
	d->new_size = b->decl ? -1 : size_of_entity(n, b);
}

static enum bk_diff_severity worst(const struct bk_diff_change *c, size_t n)
{
	enum bk_diff_severity s = BK_DIFF_COSMETIC;
	for (size_t i = 0; i < n; i++)
		if (c[i].severity > s)
			s = c[i].severity;
	return s;
}

/* the old definitions of the last record's key lead to it */
static void keep_old_ids(struct builder *b, const struct group *g)
{
	for (size_t i = 0; i < g->n; i++)
		b->rec_of_old[g->v[i].id] = (int32_t)(b->nr - 1);
}

/* a key with definitions on both sides */
static void diff_key(struct builder *b, const struct group *og, const struct group *ng)
{
	const struct dentity *oe = og->v, *ne = ng->v;
	const struct dentity *ov[MAX_VARIANTS], *nv[MAX_VARIANTS];
	if (og->n == 1 && ng->n == 1 && oe->sig == ne->sig && oe->full == ne->full &&
	    oe->decl == ne->decl)
		return; /* the common case: one definition, unchanged */
	size_t on = distinct(oe, og->n, ov, MAX_VARIANTS), nn = distinct(ne, ng->n, nv, MAX_VARIANTS);
	bool same = on == nn;
	for (size_t x = 0; same && x < on; x++)
		same = has_sig(nv, nn, ov[x]->sig);
	if (same && (fulls_within(oe, og->n, ne, ng->n) || fulls_within(ne, ng->n, oe, og->n)))
		return;
	/* pair the variants that have no equal on the other side, by least cost
	 * (when one side has none left, any of its variants may pair) */
	const struct dentity *ua[MAX_VARIANTS], *ub[MAX_VARIANTS];
	size_t na = 0, nb = 0;
	for (size_t x = 0; x < on; x++)
		if (!has_sig(nv, nn, ov[x]->sig))
			ua[na++] = ov[x];
	for (size_t y = 0; y < nn; y++)
		if (!has_sig(ov, on, nv[y]->sig))
			ub[nb++] = nv[y];
	if (!na)
		memcpy(ua, ov, (na = on) * sizeof(*ua));
	if (!nb)
		memcpy(ub, nv, (nb = nn) * sizeof(*ub));
	const struct dentity *best_a = ua[0], *best_b = ub[0];
	size_t best = SIZE_MAX;
	uint64_t best_tie = UINT64_MAX;
	struct dchanges c = {.arena = &b->arena};
	const char *ot, *nt;
	for (size_t x = 0; x < na && (na > 1 || nb > 1); x++) {
		for (size_t y = 0; y < nb; y++) {
			c.n = 0;
			size_t cost = dcompare(&b->o, ua[x], &b->n, ub[y], &c, &ot, &nt);
			/* ties go to the pair with the least key made of both
			 * signatures, unordered: the same pair OLD/NEW swapped */
			uint64_t lo = ua[x]->sig < ub[y]->sig ? ua[x]->sig : ub[y]->sig;
			uint64_t hi = ua[x]->sig ^ ub[y]->sig ^ lo, tie = dh_mix(lo, hi);
			if (cost < best || (cost == best && tie < best_tie)) {
				best_tie = tie;
				best = cost;
				best_a = ua[x];
				best_b = ub[y];
			}
		}
	}
	c.n = 0;
	dcompare(&b->o, best_a, &b->n, best_b, &c, &ot, &nt);
	struct bk_diff_record *d = new_rec(b, oe, BK_DIFF_CHANGED);
	if (!d || c.oom) {
		b->oom = true;
		free(c.v);
		return;
	}
	fill_old(d, &b->o, best_a);
	fill_new(d, &b->n, best_b);
	keep_old_ids(b, og);
	d->old_variants = (uint32_t)on;
	d->new_variants = (uint32_t)nn;
	d->old_text = ot;
	d->new_text = nt;
	d->nr_changes = c.n;
	if (c.n && !(d->changes = darena_alloc(&b->arena, c.n * sizeof(*c.v))))
		b->oom = true;
	else if (c.n)
		memcpy(d->changes, c.v, c.n * sizeof(*c.v));
	d->severity = c.n ? worst(c.v, c.n) : BK_DIFF_COSMETIC;
	free(c.v);
}

/* a key on one side only */
static void one_side(struct builder *b, const struct group *g, bool old)
{
	const struct dentity *v[MAX_VARIANTS], *e = g->v;
	size_t nv = distinct(e, g->n, v, MAX_VARIANTS);
	struct bk_diff_record *d = new_rec(b, e, old ? BK_DIFF_REMOVED : BK_DIFF_ADDED);
	if (!d)
		return;
	if (old) {
		fill_old(d, &b->o, e);
		d->old_variants = (uint32_t)nv;
		keep_old_ids(b, g);
	} else {
		fill_new(d, &b->n, e);
		d->new_variants = (uint32_t)nv;
	}
	if (e->cls == BK_DIFF_FUNC)
		*(old ? &d->old_text : &d->new_text) =
			dproto_text(&b->arena, old ? &b->o : &b->n, e->id);
	d->severity = old ? BK_DIFF_BREAKING : BK_DIFF_COMPATIBLE;
}

/* ---- matching: a hash join on the key, no sort ------------------------------------ */

/* An open-addressing table of a side's entities by key: a slot holds the
 * key's high half (to skip most strangers without reading the entity) and
 * the entity's index + 1 (0: empty). Most keys have one definition a side:
 * those are known when the table is built, and need no lookup on their
 * own side. */
struct dslot {
	uint32_t tag, at;
};

struct dindex {
	struct dslot *slot;
	uint32_t mask;
	uint8_t *shared; /* entity -> another entity of this side has its key */
	uint8_t *seen;   /* entity already in a group */
};

static bool same_key(const struct dentity *a, const struct dentity *b)
{
	return a->key == b->key && a->cls == b->cls && !strcmp(a->name, b->name);
}

static uint32_t key_tag(uint64_t key)
{
	return (uint32_t)(key >> 32);
}

static int index_side(const struct dside *s, struct dindex *x)
{
	uint32_t size = 16; /* at most 2/3 full: a miss ends within a few slots */
	while (size < s->nr_ents + s->nr_ents / 2)
		size <<= 1;
	x->mask = size - 1;
	x->slot = calloc(size, sizeof(*x->slot));
	x->shared = calloc(s->nr_ents + 1, 1);
	x->seen = calloc(s->nr_ents + 1, 1);
	if (!x->slot || !x->shared || !x->seen)
		return -ENOMEM;
	for (size_t i = 0; i < s->nr_ents; i++) {
		const struct dentity *e = &s->ents[i];
		uint32_t h = (uint32_t)e->key & x->mask, tag = key_tag(e->key);
		for (; x->slot[h].at; h = (h + 1) & x->mask) {
			const struct dslot *o = &x->slot[h];
			if (o->tag == tag && !x->shared[i] && same_key(&s->ents[o->at - 1], e))
				x->shared[i] = x->shared[o->at - 1] = 1;
		}
		x->slot[h] = (struct dslot){tag, (uint32_t)i + 1};
	}
	return 0;
}

static void index_free(struct dindex *x)
{
	free(x->slot);
	free(x->shared);
	free(x->seen);
}

/* a growing buffer for the keys with several definitions */
struct gbuf {
	struct dentity *v;
	size_t cap;
};

/* the entities of e's key on side s into g (in buf when more than one),
 * sorted; marks them seen */
static int gather(struct dside *s, struct dindex *x, const struct dentity *e,
		  struct gbuf *buf, struct group *g)
{
	size_t n = 0;
	const struct dentity *one = NULL;
	uint32_t tag = key_tag(e->key);
	for (uint32_t h = (uint32_t)e->key & x->mask; x->slot[h].at; h = (h + 1) & x->mask) {
		uint32_t at = x->slot[h].at;
		struct dentity *c = &s->ents[at - 1];
		if (x->slot[h].tag != tag || !same_key(c, e))
			continue;
		x->seen[at - 1] = 1;
		dentity_sign(s, c);
		if (!n++ && !x->shared[at - 1]) {
			one = c;
			break; /* the only one */
		}
		struct dentity *p = bk_grow_array(buf->v, &buf->cap, n - 1, sizeof(*p), 16);
		if (!p)
			return -ENOMEM;
		buf->v = p;
		buf->v[n - 1] = *c;
	}
	*g = (struct group){one ? one : buf->v, n};
	if (n > 1)
		qsort(buf->v, n, sizeof(*buf->v), dentity_cmp);
	return 0;
}

/* the slot of a key a few entities on, and then its entity: fetched by the time they are needed */
static void prefetch_slot(const struct dindex *x, uint64_t key)
{
	__builtin_prefetch(&x->slot[(uint32_t)key & x->mask]);
}

static void prefetch_entity(const struct dside *s, const struct dindex *x, uint64_t key)
{
	uint32_t at = x->slot[(uint32_t)key & x->mask].at;
	if (at)
		__builtin_prefetch(&s->ents[at - 1]);
}

static int match(struct builder *b)
{
	struct dindex xo = {0}, xn = {0};
	struct gbuf bo = {0}, bn = {0};
	struct group go, gn;
	int e = index_side(&b->o, &xo) || index_side(&b->n, &xn) ? -ENOMEM : 0;
	for (size_t i = 0; !e && i < b->o.nr_ents && !b->oom; i++) {
		if (i + 16 < b->o.nr_ents)
			prefetch_slot(&xn, b->o.ents[i + 16].key);
		if (i + 8 < b->o.nr_ents)
			prefetch_entity(&b->n, &xn, b->o.ents[i + 8].key);
		if (xo.seen[i])
			continue;
		if (!xo.shared[i])
			go = (struct group){&b->o.ents[i], 1};
		else if (gather(&b->o, &xo, &b->o.ents[i], &bo, &go))
			e = -ENOMEM;
		if (!e && gather(&b->n, &xn, &b->o.ents[i], &bn, &gn))
			e = -ENOMEM;
		if (e)
			break;
		if (!gn.n) {
			one_side(b, &go, true);
		} else {
			dentity_sign(&b->o, &b->o.ents[i]); /* a group of one is not yet */
			diff_key(b, &go, &gn);
		}
	}
	for (size_t k = 0; !e && k < b->n.nr_ents && !b->oom; k++) {
		if (xn.seen[k])
			continue;
		if (!xn.shared[k])
			gn = (struct group){&b->n.ents[k], 1};
		else if (gather(&b->n, &xn, &b->n.ents[k], &bn, &gn))
			e = -ENOMEM;
		if (!e)
			one_side(b, &gn, false);
	}
	free(bo.v);
	free(bn.v);
	index_free(&xo);
	index_free(&xn);
	return e;
}

/* ---- the result ---------------------------------------------------------------------- */

/* what the records are sorted by, small so that sorting moves little:
 * (class, name), the name's first bytes big-endian to settle most pairs */
struct rec_order {
	uint64_t prefix;
	const char *name;
	uint32_t cls, rec;
};

static int cmp_order(const void *x, const void *y)
{
	const struct rec_order *a = x, *b = y;
	if (a->cls != b->cls)
		return a->cls < b->cls ? -1 : 1;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* put the records in sorted order where they are: ord[i].rec is the record
 * that goes to i (each cycle of the permutation followed once, marked done) */
static void permute(struct bk_diff_record *v, struct rec_order *ord, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ord[i].rec == i || ord[i].rec == UINT32_MAX)
			continue;
		struct bk_diff_record tmp = v[i];
		size_t j = i;
		for (;;) {
			size_t k = ord[j].rec;
			ord[j].rec = UINT32_MAX;
			if (k == i) {
				v[j] = tmp;
				break;
			}
			v[j] = v[k];
			j = k;
		}
	}
}

static int finish(struct builder *b, struct bk_diff_result *res)
{
	size_t n = b->nr;
	struct rec_order *ord = malloc((n ? n : 1) * sizeof(*ord));
	int32_t *sorted_at = malloc((n ? n : 1) * sizeof(*sorted_at));
	if (!ord || !sorted_at) {
		free(ord);
		free(sorted_at);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		ord[i] = (struct rec_order){bk_str_prefix(b->recs[i].name), b->recs[i].name,
					    b->recs[i].cls, (uint32_t)i};
	qsort(ord, n, sizeof(*ord), cmp_order);
	for (size_t i = 0; i < n; i++)
		sorted_at[ord[i].rec] = (int32_t)i;
	for (uint32_t id = 0; id < b->o.cnt; id++)
		if (b->rec_of_old[id] >= 0)
			b->rec_of_old[id] = sorted_at[b->rec_of_old[id]];
	permute(b->recs, ord, n);
	free(ord);
	free(sorted_at);
	/* the records become the result's (the room reserved for them shrinks) */
	struct bk_diff_record *recs = n ? realloc(b->recs, n * sizeof(*recs)) : NULL;
	res->records = recs ? recs : b->recs;
	res->nr_records = n;
	res->priv->old_cnt = b->o.cnt;
	res->priv->rec_of_old = b->rec_of_old;
	b->recs = NULL;
	b->rec_of_old = NULL;
	dcause(&b->o, res, res->priv->rec_of_old);
	for (size_t i = 0; i < n; i++) {
		struct bk_diff_record *r = &res->records[i];
		res->count[r->cls][r->op]++;
		res->severity[r->severity]++;
		if (r->op != BK_DIFF_CHANGED)
			continue;
		if (r->shifted_by >= 0)
			res->nr_shifted++;
		else
			res->nr_roots++;
	}
	return 0;
}

int64_t bk_diff_record_of_old(const struct bk_diff_result *r, uint32_t old_id)
{
	if (!r || !r->priv || old_id >= r->priv->old_cnt)
		return -1;
	return r->priv->rec_of_old[old_id];
}

void bk_diff_free(struct bk_diff_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nr_records; i++)
		free(r->records[i].impact.embedders);
	for (size_t i = 0; i < r->nr_modules; i++)
		free(r->modules[i]);
	free(r->modules);
	free(r->records);
	if (r->priv) {
		darena_free(r->priv->arena);
		free(r->priv->rec_of_old);
		free(r->priv);
	}
	free(r);
}

int bk_diff(const struct bk_btf *old, const struct bk_btf *new_btf,
	    const struct bk_diff_opts *opts, struct bk_diff_result **out, struct bk_error *err)
{
	struct builder b = {0};
	struct bk_diff_opts o;
	*out = NULL;
	int e = bk_opts_load(&o, sizeof(o), opts, "bk_diff_opts", err);
	if (e)
		return e;
	e = -ENOMEM;
	struct bk_diff_result *res = calloc(1, sizeof(*res));
	if (!res || !(res->priv = calloc(1, sizeof(*res->priv))))
		goto fail;
	if (dside_init(&b.o, old) || dside_init(&b.n, new_btf) || dside_collect(&b.o) || dside_collect(&b.n))
		goto fail;
	/* at most one record per key: room for all, so that it never moves
	 * (pages not written are never touched) */
	b.cap = b.o.nr_ents + b.n.nr_ents + 1;
	if (!(b.recs = malloc(b.cap * sizeof(*b.recs))) ||
	    !(b.rec_of_old = malloc((b.o.cnt ? b.o.cnt : 1) * sizeof(*b.rec_of_old))))
		goto fail;
	memset(b.rec_of_old, 0xff, b.o.cnt * sizeof(*b.rec_of_old));
	if (match(&b) || b.oom)
		goto fail;
	e = finish(&b, res);
	res->priv->arena = b.arena;
	b.arena = NULL;
	if (e)
		goto fail;
	dside_free(&b.o);
	dside_free(&b.n);
	*out = res;
	return 0;
fail:
	darena_free(b.arena);
	free(b.recs);
	free(b.rec_of_old);
	dside_free(&b.o);
	dside_free(&b.n);
	bk_diff_free(res);
	return bk_err(err, e, "out of memory");
}
