// SPDX-License-Identifier: MIT
/* The string set (strset.h): hashing, growing, bulk insertion. */
#include "core/strset.h"
#include "core/fresh.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

int bk_strset_grow(struct bk_strset *s, const char *buf, size_t want)
{
	size_t cap = 64;
	while (cap < want * 2)
		cap <<= 1;
	/* (the tags are probed before they are written) */
	struct bk_strset n = {bk_zalloc(cap, 1), malloc(cap * sizeof(uint32_t)), cap - 1, s->used};
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
	if (!s || bk_strset_grow(s, NULL, expected > 2048 ? expected : 2048)) {
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


int bk_strset_insert_all(struct bk_strset *s, const char *buf, size_t len)
{
	size_t off = 0;
	while (off < len) {
		size_t n = strnlen(buf + off, len - off);
		/* an equal string met again keeps the first offset */
		int64_t got = bk_strset_find_or_add(s, buf, buf + off, n, bk_strset_hash(buf + off, n),
						    (uint32_t)off);
		if (got < 0)
			return (int)got;
		off += n + 1;
	}
	return 0;
}
