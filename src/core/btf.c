// SPDX-License-Identifier: MIT
/*
 * The model: a BTF's own types and strings, on top of an optional base.
 * Type lookup by ID is one array access (offs[]); strings resolve through
 * the base chain by offset; names resolve through a hash index built on
 * first use.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/btf_internal.h"
#include "core/mapped.h"

struct bk_btf *bk_btf_new(const struct bk_btf *base)
{
	struct bk_btf *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->base = base;
	b->start_id = base ? bk_btf_type_cnt(base) : 1;
	b->start_str_off = base ? base->start_str_off + (uint32_t)base->strs_len : 0;
	pthread_mutex_init(&b->index_lock, NULL);
	if (!base) {
		/* base BTF starts its strings with "" at offset 0 */
		b->strs = calloc(1, 64);
		if (!b->strs) {
			free(b);
			return NULL;
		}
		b->strs_len = 1;
		b->strs_cap = 64;
	}
	return b;
}

static void free_index(struct bk_name_index *ni)
{
	if (!ni)
		return;
	free(ni->heads);
	free(ni->next);
	free(ni);
}

void bk_btf_free(struct bk_btf *b)
{
	if (!b)
		return;
	if (b->types_cap)
		free(b->types);
	if (b->strs_cap)
		free(b->strs);
	free(b->offs);
	bk_buf_free(b->raw);
	free(b->source);
	bk_strset_free(atomic_load(&b->strset));
	free_index(atomic_load(&b->nidx));
	pthread_mutex_destroy(&b->index_lock);
	bk_btf_free(b->owned_base);
	free(b);
}

const struct bk_btf *bk_btf_base(const struct bk_btf *b) { return b->base; }
void bk_btf_own_base(struct bk_btf *b, struct bk_btf *base) { b->owned_base = base; }
uint32_t bk_btf_start_id(const struct bk_btf *b) { return b->start_id; }
uint32_t bk_btf_nr_types(const struct bk_btf *b) { return b->nr_types; }
uint32_t bk_btf_type_cnt(const struct bk_btf *b) { return b->start_id + b->nr_types; }
uint32_t bk_btf_start_str_off(const struct bk_btf *b) { return b->start_str_off; }
bool bk_btf_big_endian(const struct bk_btf *b) { return bk_host_big_endian() != b->swapped; }
uint32_t bk_btf_hdr_len(const struct bk_btf *b) { return b->hdr_len; }
const char *bk_btf_source(const struct bk_btf *b) { return b->source ? b->source : ""; }
const char *bk_btf_section(const struct bk_btf *b) { return b->section; }

const char *bk_btf_strs(const struct bk_btf *b, uint32_t *len)
{
	*len = (uint32_t)b->strs_len;
	return b->strs;
}

void bk_btf_set_source(struct bk_btf *b, const char *name, const char *section)
{
	free(b->source);
	b->source = name ? strdup(name) : NULL;
	snprintf(b->section, sizeof(b->section), "%s", section ? section : "");
}

const struct bk_type *bk_btf_type(const struct bk_btf *b, uint32_t id)
{
	while (b && id < b->start_id)
		b = b->base;
	if (!b || id == 0 || id - b->start_id >= b->nr_types)
		return NULL;
	return bk_own_type(b, id - b->start_id);
}

struct bk_type *bk_btf_type_mut(struct bk_btf *b, uint32_t id)
{
	if (id < b->start_id || id - b->start_id >= b->nr_types || bk_btf_make_mutable(b))
		return NULL;
	return bk_own_type(b, id - b->start_id);
}

const char *bk_btf_str(const struct bk_btf *b, uint32_t off)
{
	uint32_t rel;
	const struct bk_btf *t = bk_str_table(b, off, &rel);
	return t ? t->strs + rel : NULL;
}

const char *bk_type_label(const struct bk_btf *b, uint32_t id, char *buf, size_t len)
{
	const struct bk_type *t = bk_btf_type(b, id);
	if (!t) {
		snprintf(buf, len, "[%u]", id);
		return buf;
	}
	const char *name = bk_btf_str(b, t->name_off);
	snprintf(buf, len, "[%u] %s '%s'", id, bk_kind_name(bk_kind(t)),
		 !name ? "(invalid)" : *name ? name : "(anon)");
	return buf;
}

/* Lookups that go base first walk the chain from its root. Files give
 * chains of two or three (vmlinux, a distilled base, a module): walking
 * down from b again for each level is cheaper than filling an array. */
static size_t chain_depth(const struct bk_btf *b)
{
	size_t depth = 0;
	for (; b; b = b->base)
		depth++;
	return depth;
}

/* the BTF `up` levels above b (0: b itself) */
static const struct bk_btf *chain_up(const struct bk_btf *b, size_t up)
{
	while (up--)
		b = b->base;
	return b;
}

/* ---- building ---------------------------------------------------------- */

static int grow(void **buf, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 64;
	while (n < need)
		n *= 2;
	void *p = realloc(*buf, n * elem);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*cap = n;
	return 0;
}

int bk_btf_make_mutable(struct bk_btf *b)
{
	if (!b->types_cap && b->types_len) {
		uint8_t *t = malloc(b->types_len);
		if (!t)
			return -ENOMEM;
		memcpy(t, b->types, b->types_len);
		b->types = t;
		b->types_cap = b->types_len;
	}
	if (!b->strs_cap && b->strs_len) {
		char *s = malloc(b->strs_len);
		if (!s)
			return -ENOMEM;
		memcpy(s, b->strs, b->strs_len);
		b->strs = s;
		b->strs_cap = b->strs_len;
	}
	return 0;
}

int bk_btf_add_type(struct bk_btf *b, const struct bk_type *t, size_t size)
{
	if (size < sizeof(*t) || size > UINT32_MAX - b->types_len ||
	    bk_btf_type_cnt(b) > BK_MAX_ID)
		return -E2BIG;
	if (bk_btf_make_mutable(b) ||
	    grow((void **)&b->types, &b->types_cap, b->types_len + size, 1) ||
	    grow((void **)&b->offs, &b->offs_cap, b->nr_types + 1, sizeof(*b->offs)))
		return -ENOMEM;
	memcpy(b->types + b->types_len, t, size);
	b->offs[b->nr_types] = (uint32_t)b->types_len;
	b->types_len += size;
	/* a name index built before no longer covers every type */
	free_index(atomic_exchange(&b->nidx, NULL));
	return (int)(b->start_id + b->nr_types++);
}

/* The string set of b's own strings, built on first use. A base may be
 * shared by threads: the set is built once, under the lock, and read
 * without it afterwards. */
static struct bk_strset *build_strset(struct bk_btf *b, size_t expected)
{
	pthread_mutex_lock(&b->index_lock);
	struct bk_strset *s = atomic_load(&b->strset);
	if (!s) {
		s = bk_strset_new(expected > b->strs_len / 16 ? expected : b->strs_len / 16);
		if (s && bk_strset_insert_all(s, b->strs, b->strs_len)) {
			bk_strset_free(s);
			s = NULL;
		}
		atomic_store(&b->strset, s);
	}
	pthread_mutex_unlock(&b->index_lock);
	return s;
}

static inline struct bk_strset *own_strset(const struct bk_btf *cb, size_t expected)
{
	struct bk_btf *b = (struct bk_btf *)cb; /* a cache, guarded by the lock */
	struct bk_strset *s = atomic_load_explicit(&b->strset, memory_order_acquire);
	return s ? s : build_strset(b, expected);
}

int bk_btf_expect_strs(struct bk_btf *b, size_t nr)
{
	return own_strset(b, nr) ? 0 : -ENOMEM;
}

/* The offset of a string in x's own strings, or -ENOENT. */
static int64_t find_own_str(const struct bk_btf *x, const char *s, size_t len, uint32_t h)
{
	struct bk_strset *set = own_strset(x, 0);
	if (!set)
		return -ENOMEM;
	int64_t off = bk_strset_find(set, x->strs, s, len, h);
	return off >= 0 ? off + x->start_str_off : -ENOENT;
}

/* The offset of a string hashed once, looked up base first (split BTF
 * refers to a base string when there is one); -ENOENT when absent. */
static int64_t find_str_hashed(const struct bk_btf *b, const char *s, size_t len, uint32_t h)
{
	if (!b->base) /* the usual case: one level */
		return find_own_str(b, s, len, h);
	for (size_t up = chain_depth(b); up-- > 0;) {
		int64_t off = find_own_str(chain_up(b, up), s, len, h);
		if (off != -ENOENT)
			return off;
	}
	return -ENOENT;
}

int64_t bk_btf_find_str(const struct bk_btf *b, const char *s)
{
	size_t len = strlen(s);
	return find_str_hashed(b, s, len, bk_strset_hash(s, len));
}

/* Room for len more bytes of strings, in a buffer b owns. */
static int reserve_strs(struct bk_btf *b, size_t len)
{
	if (b->start_str_off + b->strs_len + len > BK_MAX_ID)
		return -E2BIG;
	if (b->strs_cap && b->strs_len + len <= b->strs_cap)
		return 0;
	if (bk_btf_make_mutable(b) || grow((void **)&b->strs, &b->strs_cap, b->strs_len + len, 1))
		return -ENOMEM;
	return 0;
}

int64_t bk_btf_add_strn(struct bk_btf *b, const char *s, size_t len)
{
	uint32_t h = bk_strset_hash(s, len);
	int64_t off = b->base ? find_str_hashed(b->base, s, len, h) : -ENOENT;
	if (off != -ENOENT)
		return off;
	struct bk_strset *set = own_strset(b, 0);
	if (!set)
		return -ENOMEM;
	int e = reserve_strs(b, len + 1);
	if (e)
		return e;
	/* one probe finds the string or claims its slot at the end of strs */
	uint32_t end = (uint32_t)b->strs_len;
	off = bk_strset_find_or_add(set, b->strs, s, len, h, end);
	if (off == end) {
		memcpy(b->strs + end, s, len);
		b->strs[end + len] = '\0';
		b->strs_len += len + 1;
	}
	return off < 0 ? off : off + b->start_str_off;
}

int64_t bk_btf_add_str(struct bk_btf *b, const char *s)
{
	return bk_btf_add_strn(b, s, strlen(s));
}

/* ---- the name index ----------------------------------------------------- */

static struct bk_name_index *build_index(const struct bk_btf *b)
{
	struct bk_name_index *ni = calloc(1, sizeof(*ni));
	uint32_t cap = 16;
	while (cap < b->nr_types * 2u && cap < (1u << 30))
		cap <<= 1;
	if (!ni)
		return NULL;
	ni->mask = cap - 1;
	ni->heads = calloc(cap, sizeof(*ni->heads));
	ni->next = calloc(b->nr_types ? b->nr_types : 1, sizeof(*ni->next));
	if (!ni->heads || !ni->next) {
		free_index(ni);
		return NULL;
	}
	/* insert backwards so that each chain runs in ID order */
	for (uint32_t i = b->nr_types; i-- > 0;) {
		const struct bk_type *t = bk_own_type(b, i);
		const char *name = bk_btf_str(b, t->name_off);
		if (!name || !*name)
			continue;
		uint32_t h = bk_strset_hash(name, strlen(name)) & ni->mask;
		ni->next[i] = ni->heads[h];
		ni->heads[h] = i + 1;
	}
	return ni;
}

static const struct bk_name_index *get_index(const struct bk_btf *cb)
{
	struct bk_btf *b = (struct bk_btf *)cb; /* a cache, guarded by the lock */
	struct bk_name_index *ni = atomic_load(&b->nidx);
	if (ni)
		return ni;
	pthread_mutex_lock(&b->index_lock);
	ni = atomic_load(&b->nidx);
	if (!ni) {
		ni = build_index(b);
		atomic_store(&b->nidx, ni);
	}
	pthread_mutex_unlock(&b->index_lock);
	return ni;
}

int bk_btf_index(const struct bk_btf *b)
{
	for (; b; b = b->base)
		if (!get_index(b))
			return -ENOMEM;
	return 0;
}

static size_t find_own(const struct bk_btf *b, const char *name, uint32_t h, int kind,
		       uint32_t *ids, size_t max, size_t n)
{
	const struct bk_name_index *ni = get_index(b);
	if (!ni)
		return n;
	for (uint32_t i1 = ni->heads[h & ni->mask]; i1; i1 = ni->next[i1 - 1]) {
		const struct bk_type *t = bk_own_type(b, i1 - 1);
		if (kind >= 0 && bk_kind(t) != (unsigned)kind)
			continue;
		if (strcmp(bk_btf_str(b, t->name_off), name))
			continue;
		if (n < max)
			ids[n] = b->start_id + i1 - 1;
		n++;
	}
	return n;
}

size_t bk_btf_find(const struct bk_btf *b, const char *name, int kind, uint32_t *ids, size_t max)
{
	size_t n = 0;
	uint32_t h = bk_strset_hash(name, strlen(name));
	for (size_t up = chain_depth(b); up-- > 0;)
		n = find_own(chain_up(b, up), name, h, kind, ids, max, n);
	return n;
}
