/* SPDX-License-Identifier: MIT */
/* Private to libbtfkit: the model's layout and helpers shared by src/. */
#ifndef BTFKIT_BTF_INTERNAL_H
#define BTFKIT_BTF_INTERNAL_H

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "btfkit/btfkit.h"
#include "core/strset.h"

/* The groups a kind belongs to (bk_kind_desc.groups): each kind's row
 * says which, and the bk_kind_is_* predicates below read them, so that no
 * other file lists the kinds of a group. */
enum bk_kind_group {
	BK_KG_NAMED = 1u << 0,       /* may have a name (the kernel accepts one) */
	BK_KG_COMPOSITE = 1u << 1,   /* STRUCT, UNION: members (libbpf's btf_is_composite) */
	BK_KG_MODIFIER = 1u << 2,    /* stands for its target: TYPEDEF, VOLATILE, CONST,
				      * RESTRICT, TYPE_TAG (the kernel's btf_type_is_modifier) */
	BK_KG_ENUM = 1u << 3,        /* ENUM, ENUM64 (libbpf's btf_is_any_enum) */
	BK_KG_SIZED = 1u << 4,       /* size_or_type is a byte size */
	BK_KG_NOSIZE = 1u << 5,      /* no size as a value: FWD, FUNC, FUNC_PROTO, DECL_TAG
				      * (the kernel's btf_type_nosize, which adds void) */
	BK_KG_DECL = 1u << 6,        /* a declaration, not a type (FUNC, VAR, DATASEC,
				      * DECL_TAG): no value or reference may be one, and
				      * libbpf refuses to distill a reference to one */
	BK_KG_SOURCE_ONLY = 1u << 7, /* refers to types, no type may refer to it: VAR,
				      * DATASEC, DECL_TAG (btf_type_is_resolve_source_only) */
	BK_KG_RESOLVED = 1u << 8,    /* the kernel's verifier resolves it (has a resolve step) */
	BK_KG_TAGGABLE = 1u << 9,    /* a DECL_TAG may be attached to it */
	BK_KG_DISTILLED = 1u << 10,  /* a distilled base may hold it (named): what
				      * btf__distill_base() writes */
};

/* Room for one more element in a growing array of n used elements of
 * elem_sz bytes, *cap allocated: the array as it is while there is room,
 * else reallocated to twice *cap (min_cap at first). NULL when memory runs
 * out; the old array is then still the caller's, unchanged. */
static inline void *bk_grow_array(void *items, size_t *cap, size_t n, size_t elem_sz,
				  size_t min_cap)
{
	if (n < *cap)
		return items;
	size_t c = *cap ? *cap * 2 : min_cap;
	void *p = c <= SIZE_MAX / elem_sz ? realloc(items, c * elem_sz) : NULL;
	if (p)
		*cap = c;
	return p;
}

/* One row per kind: everything about a kind's shape. Sizing, byte order,
 * the field iterators, the read-time checks and dump all read it. */
struct bk_kind_desc {
	const char *name;
	uint8_t info_sz;          /* fixed trailing bytes after struct bk_type */
	uint8_t elem_sz;          /* bytes per vlen element */
	bool type_is_id;          /* size_or_type holds a type ID */
	uint8_t nr_fixed_ids;     /* type-ID fields in the fixed trailing data */
	uint8_t fixed_id_offs[2]; /* their byte offsets in it */
	int8_t elem_id_off;       /* byte offset of the type ID in an element, -1 none */
	int8_t elem_str_off;      /* byte offset of the name in an element, -1 none */
	uint16_t groups;          /* enum bk_kind_group bits */
	const char *elem_label;   /* what an element is called in messages */
};

extern const struct bk_kind_desc bk_kinds[BK_NR_KINDS];

static inline const struct bk_kind_desc *bk_kind_desc(unsigned kind)
{
	return kind < BK_NR_KINDS && kind != BK_KIND_UNKN ? &bk_kinds[kind] : NULL;
}

/* Kind groups, from the table: false for a kind it does not know. */
static inline bool bk_kind_in(unsigned kind, unsigned groups)
{
	return kind < BK_NR_KINDS && (bk_kinds[kind].groups & groups);
}
static inline bool bk_kind_is_named(unsigned k) { return bk_kind_in(k, BK_KG_NAMED); }
static inline bool bk_kind_is_composite(unsigned k) { return bk_kind_in(k, BK_KG_COMPOSITE); }
static inline bool bk_kind_is_modifier(unsigned k) { return bk_kind_in(k, BK_KG_MODIFIER); }
static inline bool bk_kind_is_enum(unsigned k) { return bk_kind_in(k, BK_KG_ENUM); }
static inline bool bk_kind_is_sized(unsigned k) { return bk_kind_in(k, BK_KG_SIZED); }
static inline bool bk_kind_is_nosize(unsigned k) { return bk_kind_in(k, BK_KG_NOSIZE); }
static inline bool bk_kind_is_decl(unsigned k) { return bk_kind_in(k, BK_KG_DECL); }
static inline bool bk_kind_is_source_only(unsigned k) { return bk_kind_in(k, BK_KG_SOURCE_ONLY); }
static inline bool bk_kind_is_resolved(unsigned k) { return bk_kind_in(k, BK_KG_RESOLVED); }
static inline bool bk_kind_is_taggable(unsigned k) { return bk_kind_in(k, BK_KG_TAGGABLE); }
static inline bool bk_kind_is_distilled(unsigned k) { return bk_kind_in(k, BK_KG_DISTILLED); }

/*
 * bk_field_iter_init, inline for the loops that run it per type (distill,
 * the reader). The iterator yields, in order: for IDS the
 * size_or_type word when it is an ID, the fixed ID fields, then each
 * element's ID field; for STRS the name, then each element's name. The
 * offsets are worked out from the kind table here, once, so that next is
 * a compare and an add. A kind the table does not know yields nothing.
 */
static inline void bk_field_iter_begin(struct bk_field_iter *it, struct bk_type *t,
				       enum bk_iter_mode mode)
{
	const struct bk_kind_desc *d = bk_kind_desc(bk_kind(t));
	const uint16_t rest = sizeof(struct bk_type);
	uint32_t n = 0;
	int elem_field = -1;
	it->type = (uint8_t *)t;
	it->step = 0;
	it->mode = (uint8_t)mode;
	it->kind = (uint8_t)bk_kind(t);
	it->elem = NULL;
	it->elem_sz = 0;
	if (d && mode == BK_ITER_STRS) {
		it->fixed_off[n++] = offsetof(struct bk_type, name_off);
		elem_field = d->elem_str_off;
	} else if (d) {
		if (d->type_is_id)
			it->fixed_off[n++] = offsetof(struct bk_type, type);
		for (unsigned i = 0; i < d->nr_fixed_ids; i++)
			it->fixed_off[n++] = rest + d->fixed_id_offs[i];
		elem_field = d->elem_id_off;
	}
	it->nr_fixed = it->nr_total = n;
	if (elem_field >= 0) {
		it->elem = it->type + rest + d->info_sz + elem_field;
		it->elem_sz = d->elem_sz;
		it->nr_total += bk_vlen(t);
	}
}

/*
 * Every ID field and every string field of t, in record order: the type's
 * own, then each element's (its ID before its name). id(ctx, field) sees
 * each ID; str(ctx, field, elem) each name, elem 0 for the type's own and
 * k + 1 for element k's; a nonzero return from str stops the walk and is
 * returned. One pass over the record where the two iterators make two;
 * inline, so that constant callbacks are inlined into the caller's loop.
 */
static inline int bk_type_walk(struct bk_type *t, void *ctx, void (*id)(void *, uint32_t *),
			       int (*str)(void *, uint32_t *, uint32_t))
{
	const struct bk_kind_desc *d = bk_kind_desc(bk_kind(t));
	if (!d)
		return 0;
	uint8_t *rest = (uint8_t *)(t + 1), *elems = rest + d->info_sz;
	if (d->type_is_id)
		id(ctx, &t->type);
	for (unsigned k = 0; k < d->nr_fixed_ids; k++)
		id(ctx, (uint32_t *)(void *)(rest + d->fixed_id_offs[k]));
	int e = str(ctx, &t->name_off, 0);
	for (uint32_t k = 0, n = d->elem_sz ? bk_vlen(t) : 0; !e && k < n; k++) {
		uint8_t *elem = elems + (size_t)k * d->elem_sz;
		if (d->elem_id_off >= 0)
			id(ctx, (uint32_t *)(void *)(elem + d->elem_id_off));
		if (d->elem_str_off >= 0)
			e = str(ctx, (uint32_t *)(void *)(elem + d->elem_str_off), k + 1);
	}
	return e;
}

/* The name index: open hash of names to the first ID, chained by next[]. */
struct bk_name_index {
	uint32_t *heads;   /* hash bucket -> own index + 1 of the first type, 0 empty */
	uint32_t *next;    /* own index -> own index + 1 of the next same-bucket type */
	uint32_t mask;
};

struct bk_btf {
	const struct bk_btf *base;
	struct bk_btf *owned_base;

	uint32_t start_id;      /* ID of the first own type */
	uint32_t nr_types;      /* own types */
	uint32_t start_str_off; /* own string offsets start here (base's total) */

	/* own types, host order, on-disk layout; offs[i] is type start_id+i */
	uint8_t *types;
	size_t types_len, types_cap; /* cap 0: types points into raw */
	uint32_t *offs;
	size_t offs_cap;

	/* own strings */
	char *strs;
	size_t strs_len, strs_cap;   /* cap 0: strs points into raw */
	struct bk_strset *_Atomic strset; /* own strings by content: built on first use */

	void *raw;                   /* the blob as read, host order */

	/* as read, so that writing gives the same bytes back */
	uint32_t hdr_len;            /* 0 for built BTF */
	bool swapped;                /* read in the non-native byte order */
	uint8_t *layout;             /* layout section bytes (not owned: in raw) */
	uint32_t layout_len;

	char *source;                /* file name for messages */
	char section[16];

	pthread_mutex_t index_lock;
	struct bk_name_index *_Atomic nidx;
};

static inline struct bk_type *bk_own_type(const struct bk_btf *b, uint32_t idx)
{
	return (struct bk_type *)(b->types + b->offs[idx]);
}

/* Error helpers: fill e (may be NULL) and return code. */
int bk_err(struct bk_error *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* ... with a stable reason (enum bk_reason, or bk_fault) */
int bk_err_r(struct bk_error *e, int code, int reason, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A failure (code) of one stage gets that stage's reason, unless it has
 * one already, is I/O or out of memory. Returns code. */
int bk_err_tag(struct bk_error *e, int code, int reason);
/* Add context in front of e's message ("context: message"), keeping its
 * code and reason: the one way a layer above says where a fault was met
 * (callers decide on e->reason whether the context applies). Returns
 * e->code. */
int bk_err_context(struct bk_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* ... with the file and section of btf, and the type's ID */
int bk_err_type(struct bk_error *e, const struct bk_btf *btf, uint32_t id, int code,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* an I/O failure on path (exit status 2): "what: strerror" */
int bk_err_io(struct bk_error *e, int code, const char *path, const char *what);
void bk_err_set_source(struct bk_error *e, const char *file, const char *section);

/* "[id] KIND 'name'" for messages into buf */
const char *bk_type_label(const struct bk_btf *btf, uint32_t id, char *buf, size_t len);

/* The BTF of b's base chain whose own strings hold offset off, with off
 * made relative to them; NULL when none does. Every reader of a name walks
 * the chain through this (bk_btf_str, the printers). */
static inline const struct bk_btf *bk_str_table(const struct bk_btf *b, uint32_t off,
						uint32_t *rel)
{
	while (b && off < b->start_str_off)
		b = b->base;
	if (!b || off - b->start_str_off >= b->strs_len)
		return NULL;
	*rel = off - b->start_str_off;
	return b;
}

/* The first eight bytes of s as a big-endian number, zero past its end:
 * two compared as integers order the strings' starts as strcmp does
 * (diff's and the C printer's sorts compare these before any strcmp). */
static inline uint64_t bk_str_prefix(const char *s)
{
	uint64_t k = 0;
	int i = 0;
	for (; i < 8 && s[i]; i++)
		k = k << 8 | (unsigned char)s[i];
	return i ? k << (8 * (8 - i)) : 0;
}

/* Byte order */
static inline uint32_t bk_bswap32(uint32_t v) { return __builtin_bswap32(v); }
static inline uint16_t bk_bswap16(uint16_t v) { return __builtin_bswap16(v); }
static inline bool bk_host_big_endian(void)
{
	return __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
}

/* What the field the iterator last yielded is, for messages:
 * "type_id", "member 3: type_id", "value 2: name"... */
const char *bk_field_iter_describe(const struct bk_field_iter *it, char *buf, size_t len);

/* Parse a blob whose buffer btf takes over (freed with it, or on error). */
int bk_btf_parse_owned(void *data, size_t size, const struct bk_btf *base, const char *name,
		       const char *section, struct bk_btf **out, struct bk_error *err);

/* Size the string set of a BTF being built for about nr strings (before
 * its first string is added): a large builder's set then never rehashes. */
int bk_btf_expect_strs(struct bk_btf *b, size_t nr);
/* bk_btf_add_str for a string whose length the caller knows */
int64_t bk_btf_add_strn(struct bk_btf *b, const char *s, size_t len);

/* Make the types/strings buffers owned and growable (copy out of raw). */
int bk_btf_make_mutable(struct bk_btf *b);

/* Read a whole file into memory: a regular file (or one of /sys's, whose
 * size is not told) of at most BK_READ_MAX bytes; anything else, a
 * character device (a symlink to /dev/zero) or a FIFO that never ends, is
 * refused by name. path "-" reads standard input (a pipe is fine there),
 * named BK_STDIN_NAME in messages. */
#define BK_READ_MAX ((size_t)1 << 30)
#define BK_STDIN_NAME "<stdin>"
int bk_read_file(const char *path, void **data, size_t *size, struct bk_error *err);

#endif
