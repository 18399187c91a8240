/* SPDX-License-Identifier: MIT */
/* Private to src/diff: type texts and hashes, flattened members, entities. */
#ifndef BTFKIT_DIFF_INTERNAL_H
#define BTFKIT_DIFF_INTERNAL_H

#include "btfkit/diff.h"
#include "core/btf_internal.h"

/* ---- hashing -------------------------------------------------------------- */

static inline uint64_t dh_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h *= 0xff51afd7ed558ccdull;
	return h ^ (h >> 33);
}

static inline uint64_t dh_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; s && *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

/* ---- growable text ---------------------------------------------------------- */

struct dbuf {
	char *s;
	size_t len, cap;
	bool oom;
	bool borrowed; /* s is the caller's storage (dbuf_on): copied out when it fills */
};

/* start on the caller's buffer (a short text then costs no allocation) */
void dbuf_on(struct dbuf *b, char *buf, size_t cap);
void dbuf_add(struct dbuf *b, const char *s);
void dbuf_addn(struct dbuf *b, const char *s, size_t n);
void dbuf_add_u32(struct dbuf *b, uint32_t v);
void dbuf_addf(struct dbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dbuf_prepend(struct dbuf *b, const char *s);
void dbuf_free(struct dbuf *b);

/* ---- one side of the diff ---------------------------------------------------- */

/* A named type as the diff sees it: one definition of a key. */
struct dentity {
	uint64_t key;      /* dh(class, name) */
	uint64_t sig;      /* structure; FUNC: without parameter names */
	uint64_t full;     /* FUNC: with parameter names; else sig */
	const char *name;  /* the key's name (in the BTF's strings) */
	uint32_t id;
	uint8_t cls;       /* enum bk_diff_class */
	bool decl;         /* a FWD */
	bool anon;         /* keyed by a typedef or a first enumerator */
	bool has_sig;      /* sig and full made (dentity_sign) */
};

struct dside {
	const struct bk_btf *btf;
	uint32_t first, cnt;      /* own IDs: [first, cnt) */
	uint64_t *thash;          /* per ID: text hash, 0 unknown, 1 in progress */
	uint64_t *rhash;          /* per ID: hash with typedefs and qualifiers resolved */
	uint32_t *typedef_of;     /* own anonymous aggregate -> the typedef naming it */
	const char **texts;       /* per ID: its text (dtext, in the result's arena), NULL not yet */
	struct dentity *ents;
	size_t nr_ents;
};

int dside_init(struct dside *s, const struct bk_btf *btf);
void dside_free(struct dside *s);
/* the side's entities (entity.c), in ID order, keyed but not yet signed */
int dside_collect(struct dside *s);
/* its sig and full, when not yet made: only a key found on both sides, or
 * defined more than once on one, needs them (a type only added or removed,
 * once, is never compared) */
void dentity_sign(struct dside *s, struct dentity *e);
/* by key, class, name; definitions before FWDs; by signature, then ID
 * (both signed) */
int dentity_cmp(const void *x, const void *y);
/* shifted_by, root and nr_shifted of every record (cause.c); rec_of_old
 * maps the old side's IDs to records */
void dcause(const struct dside *o, struct bk_diff_result *res, const int32_t *rec_of_old);

/* text-equal hash (resolved: typedefs and qualifiers see through) */
uint64_t dtype_hash(struct dside *s, uint32_t id, bool resolved);
/* the C-like text of a type ("struct device *", "unsigned long[1]") */
void dtype_text(const struct bk_btf *b, uint32_t id, struct dbuf *out);
/* the byte size of a type, through typedefs, qualifiers and arrays */
uint64_t dtype_size(const struct bk_btf *b, uint32_t id);
/* skip typedefs (when through_typedef), qualifiers and type tags */
uint32_t dtype_strip(const struct bk_btf *b, uint32_t id, bool through_typedef);
/* an anonymous STRUCT/UNION not keyed by a typedef: flattened into its owner */
bool dtype_inline_aggr(const struct dside *s, uint32_t id);

/* ---- flattened members --------------------------------------------------------- */

struct dflat_frame {
	uint32_t id, idx, vlen, base;
	uint64_t path_h, group;
	uint32_t plen;
	const struct bk_type *t; /* id's */
};

/* Members of a struct/union with anonymous inner aggregates folded in:
 * unnamed ones add no path step, named ones add "name." */
/* at most this many members come out of one struct: anonymous types
 * shared by several members (a DAG) could otherwise multiply */
#define DFLAT_MAX_MEMBERS 65536

struct dflat {
	const struct dside *s;
	struct dflat_frame st[32];
	int top;
	uint32_t emitted;
	bool paths;               /* build path strings (else only hashes) */
	char path[1024];
};

struct dflat_member {
	const char *path;  /* valid until the next call (when paths) */
	const char *name;  /* the member's own name */
	uint64_t path_h, group;
	uint32_t type, offset, bitfield;
};

void dflat_begin(struct dflat *f, const struct dside *s, uint32_t id, bool paths);
bool dflat_next(struct dflat *f, struct dflat_member *m);

/* ---- records under construction ------------------------------------------------- */

struct darena;
void *darena_alloc(struct darena **a, size_t size);
const char *darena_str(struct darena **a, const char *s);
const char *darena_strn(struct darena **a, const char *s, size_t len);
void darena_free(struct darena *a);

struct dchanges {
	struct bk_diff_change *v;
	size_t n, cap;
	bool oom;
	struct darena **arena;
};

struct bk_diff_change *dchanges_push(struct dchanges *c, enum bk_diff_what what,
				     enum bk_diff_severity sev);

/* Compare two definitions of one key; fills c and the record's texts.
 * Returns a cost (number of changes). */
size_t dcompare(struct dside *o, const struct dentity *a, struct dside *n,
		const struct dentity *b, struct dchanges *c, const char **old_text,
		const char **new_text);
/* a FUNC's prototype text ("int probe(struct device *dev)") into the arena */
const char *dproto_text(struct darena **a, struct dside *s, uint32_t id);
/* type text into the arena, made once per ID and side */
const char *dtext(struct darena **a, struct dside *s, uint32_t id);

#endif
