// SPDX-License-Identifier: MIT
/*
 * Open addressing with linear probing, in two arrays: a one-byte tag per
 * slot (0: empty; else 0x80 | seven bits of the hash) and the string's
 * offset. A probe reads the tags, which stay in cache (one byte a slot),
 * and touches an offset and its string only when the tag matches: most
 * lookups are of new strings, and those then cost no miss into the larger
 * arrays. The hash is not stored: growing recomputes it from the string.
 */
#include "strset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct bk_strset {
	uint8_t *tags;
	uint32_t *offs;
	size_t mask, used;
};

static uint8_t tag_of(uint32_t hash)
{
	return (uint8_t)(0x80 | (hash >> 25));
}

static uint64_t load64(const char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

/* 0 to 8 bytes as one word, with no call to memcpy for a length known
 * only at run time: two overlapping 4-byte loads, or three bytes */
static uint64_t load_short(const char *p, size_t len)
{
	if (len >= 4) {
		uint32_t a, b;
		memcpy(&a, p, 4);
		memcpy(&b, p + len - 4, 4);
		return (uint64_t)a << 32 | b;
	}
	if (!len)
		return 0;
	return (uint64_t)(uint8_t)p[0] << 16 | (uint64_t)(uint8_t)p[len / 2] << 8 |
	       (uint8_t)p[len - 1];
}

uint32_t bk_strset_hash(const char *str, size_t len)
{
	/* eight bytes at a time with a multiply-xorshift mix (names are short,
	 * and hashing them byte by byte dominated distilling large modules);
	 * the last word overlaps the one before it rather than being padded */
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;
	if (len > 8) {
		const char *last = str + len - 8;
		for (; str < last; str += 8) {
			h = (h ^ load64(str)) * 0xff51afd7ed558ccdull;
			h ^= h >> 32;
		}
		w = load64(last);
	} else {
		w = load_short(str, len);
	}
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return (uint32_t)h;
}

static size_t free_slot(const struct bk_strset *s, uint32_t hash)
{
	size_t j = hash & s->mask;
	while (s->tags[j])
		j = (j + 1) & s->mask;
	return j;
}

/* Room for want strings at a load of at most one half; buf holds the
 * strings already in the set (NULL when it is empty). */
static int grow(struct bk_strset *s, const char *buf, size_t want)
{
	size_t cap = 64;
	while (cap < want * 2)
		cap <<= 1;
	struct bk_strset n = {calloc(cap, 1), malloc(cap * sizeof(uint32_t)), cap - 1, s->used};
	if (!n.tags || !n.offs) {
		free(n.tags);
		free(n.offs);
		return -ENOMEM;
	}
	for (size_t i = 0; s->tags && i <= s->mask; i++) {
		if (!s->tags[i])
			continue;
		const char *str = buf + s->offs[i];
		uint32_t hash = bk_strset_hash(str, strlen(str));
		size_t j = free_slot(&n, hash);
		n.tags[j] = s->tags[i];
		n.offs[j] = s->offs[i];
	}
	free(s->tags);
	free(s->offs);
	*s = n;
	return 0;
}

struct bk_strset *bk_strset_new(size_t expected)
{
	struct bk_strset *s = calloc(1, sizeof(*s));
	if (!s || grow(s, NULL, expected ? expected : 16)) {
		free(s);
		return NULL;
	}
	return s;
}

void bk_strset_free(struct bk_strset *s)
{
	if (!s)
		return;
	free(s->tags);
	free(s->offs);
	free(s);
}

int64_t bk_strset_find(const struct bk_strset *s, const char *buf, const char *str, size_t len,
		       uint32_t hash)
{
	uint8_t tag = tag_of(hash);
	for (size_t j = hash & s->mask; s->tags[j]; j = (j + 1) & s->mask) {
		if (s->tags[j] != tag)
			continue;
		/* strncmp, not memcmp: a shorter candidate at the end of buf must
		 * not be read past its NUL */
		const char *cand = buf + s->offs[j];
		if (!strncmp(cand, str, len) && cand[len] == '\0')
			return s->offs[j];
	}
	return -1;
}

int bk_strset_insert_new(struct bk_strset *s, const char *buf, uint32_t off, uint32_t hash)
{
	if ((s->used + 1) * 2 > s->mask + 1 && grow(s, buf, s->used + 1))
		return -ENOMEM;
	size_t j = free_slot(s, hash);
	s->tags[j] = tag_of(hash);
	s->offs[j] = off;
	s->used++;
	return 0;
}

int64_t bk_strset_find_or_add(struct bk_strset *s, const char *buf, const char *str, size_t len,
			      uint32_t hash, uint32_t new_off)
{
	/* grow first: growing rehashes what buf holds, and str is not there yet */
	if ((s->used + 1) * 2 > s->mask + 1 && grow(s, buf, s->used + 1))
		return -ENOMEM;
	uint8_t tag = tag_of(hash);
	size_t j = hash & s->mask;
	for (; s->tags[j]; j = (j + 1) & s->mask) {
		if (s->tags[j] != tag)
			continue;
		const char *cand = buf + s->offs[j];
		if (!strncmp(cand, str, len) && cand[len] == '\0')
			return s->offs[j];
	}
	s->tags[j] = tag;
	s->offs[j] = new_off;
	s->used++;
	return new_off;
}

int bk_strset_insert(struct bk_strset *s, const char *buf, uint32_t off, uint32_t hash)
{
	const char *str = buf + off;
	if (bk_strset_find(s, buf, str, strlen(str), hash) >= 0)
		return 0;
	return bk_strset_insert_new(s, buf, off, hash);
}

int bk_strset_insert_all(struct bk_strset *s, const char *buf, size_t len)
{
	size_t off = 0;
	while (off < len) {
		size_t n = strnlen(buf + off, len - off);
		int err = bk_strset_insert(s, buf, (uint32_t)off, bk_strset_hash(buf + off, n));
		if (err)
			return err;
		off += n + 1;
	}
	return 0;
}
