/* SPDX-License-Identifier: MIT */
/* A set of NUL-terminated strings that live in a caller's buffer, found by
 * content: string deduplication for the BTF string section. It stores only
 * offsets, so the buffer may move (realloc) between calls. */
#ifndef BTFKIT_STRSET_H
#define BTFKIT_STRSET_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Open addressing with linear probing, in two arrays: a one-byte tag per
 * slot (0: empty; else 0x80 | seven bits of the hash) and the string's
 * offset. A probe reads the tags, which stay in cache (one byte a slot),
 * and touches an offset and its string only when the tag matches: most
 * lookups are of new strings, and those then cost no miss into the larger
 * arrays. The hash is not stored: growing recomputes it from the string.
 * Lookups are inline: adding strings runs them once per string.
 */
struct bk_strset {
	uint8_t *tags;
	uint32_t *offs;
	size_t mask, used;
};

struct bk_strset *bk_strset_new(size_t expected);
void bk_strset_free(struct bk_strset *s);
uint32_t bk_strset_hash(const char *str, size_t len);
/* Room for want strings at a load of at most one half; buf holds the
 * strings already in the set (NULL when it is empty). 0 or -ENOMEM. */
int bk_strset_grow(struct bk_strset *s, const char *buf, size_t want);

static inline uint8_t bk_strset_tag(uint32_t hash)
{
	return (uint8_t)(0x80 | (hash >> 25));
}

/* The slot that holds str (len bytes, no NUL) in buf, or the empty slot
 * that ends its probe. */
static inline size_t bk_strset_probe(const struct bk_strset *s, const char *buf, const char *str,
				     size_t len, uint32_t hash)
{
	uint8_t tag = bk_strset_tag(hash);
	size_t j = hash & s->mask;
	for (; s->tags[j]; j = (j + 1) & s->mask) {
		if (s->tags[j] != tag)
			continue;
		/* strncmp, not memcmp: a shorter candidate at the end of buf must
		 * not be read past its NUL */
		const char *cand = buf + s->offs[j];
		if (!strncmp(cand, str, len) && cand[len] == '\0')
			break;
	}
	return j;
}

/* the offset of str (len bytes, no NUL) in buf, or -1 */
static inline int64_t bk_strset_find(const struct bk_strset *s, const char *buf, const char *str,
				     size_t len, uint32_t hash)
{
	size_t j = bk_strset_probe(s, buf, str, len, hash);
	return s->tags[j] ? (int64_t)s->offs[j] : -1;
}

/* The offset of str if the set has it; else remember new_off for it (the
 * caller then puts str there) and return new_off. -ENOMEM on failure. */
static inline int64_t bk_strset_find_or_add(struct bk_strset *s, const char *buf, const char *str,
					    size_t len, uint32_t hash, uint32_t new_off)
{
	/* grow first: growing rehashes what buf holds, and str is not there yet */
	if ((s->used + 1) * 2 > s->mask + 1 && bk_strset_grow(s, buf, s->used + 1))
		return -ENOMEM;
	size_t j = bk_strset_probe(s, buf, str, len, hash);
	if (s->tags[j])
		return s->offs[j];
	s->tags[j] = bk_strset_tag(hash);
	s->offs[j] = new_off;
	s->used++;
	return new_off;
}

/* Index every string of a section (offset 0 upward). */
int bk_strset_insert_all(struct bk_strset *s, const char *buf, size_t len);

#endif
