/* SPDX-License-Identifier: MIT */
/* Private to the module layer: what reading (btf_ids.c) and rewriting
 * (btf_ids_remap.c) a .BTF_ids section share. */
#ifndef BTFKIT_BTF_IDS_INTERNAL_H
#define BTFKIT_BTF_IDS_INTERNAL_H

#include <string.h>

#include "btfkit/btf_ids.h"
#include "core/btf_internal.h"

/* The section's words are in the ELF file's byte order. */
static inline uint32_t bk_ids_load_word(bool big_endian, const uint8_t *data, uint32_t off)
{
	uint32_t v;
	memcpy(&v, data + off, 4);
	return big_endian != bk_host_big_endian() ? bk_bswap32(v) : v;
}

static inline uint32_t bk_ids_word(const struct bk_btf_ids *ids, uint32_t off)
{
	return bk_ids_load_word(ids->big_endian, ids->data, off);
}

static inline void bk_ids_put_word(const struct bk_btf_ids *ids, uint8_t *data, uint32_t off,
				   uint32_t v)
{
	if (ids->big_endian != bk_host_big_endian())
		v = bk_bswap32(v);
	memcpy(data + off, &v, 4);
}

/* strcmp(a, b) == 0 without a call: the names compared are short and
 * mostly differ within a few bytes, and a set's check compares each of
 * its IDs' names with all of its symbols'. */
static inline bool bk_ids_same_name(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* Is t the type of this kind and name? */
static inline bool bk_ids_names_type(const struct bk_btf *btf, const struct bk_type *t, int kind,
				     const char *name)
{
	if ((int)bk_kind(t) != kind)
		return false;
	const char *n = bk_btf_name(btf, t);
	return n && bk_ids_same_name(n, name);
}

/* The "" of entries without a symbol: shared, never freed. */
extern char bk_ids_no_name[1];

/* qsort's contract; few items sorted by insertion (stable). */
void bk_ids_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/* Where the strings of ids' sets and entries are: after the struct, in
 * its one allocation (freed with it). A set's name is the end of its
 * symbol. */
char *bk_ids_names(const struct bk_btf_ids *ids);

/* A copy of ids' struct and strings (sets, entries and data not yet
 * filled: their counts 0, data NULL), or NULL. */
struct bk_btf_ids *bk_ids_clone_names(const struct bk_btf_ids *ids);

/* p, a string of from's (or bk_ids_no_name), as the same string of to
 * (made by bk_ids_clone_names(from)). */
char *bk_ids_rebase(const struct bk_btf_ids *from, const struct bk_btf_ids *to, const char *p);

#endif
