// SPDX-License-Identifier: MIT
/* Open addressing with linear probing; a slot holds offset + 1 (0: empty). */
#include "strset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	uint32_t off1; /* offset + 1 */
	uint32_t hash;
};

struct bk_strset {
	struct slot *slots;
	size_t mask, used;
};

uint32_t bk_strset_hash(const char *str, size_t len)
{
	/* eight bytes at a time with a multiply-xorshift mix: names are short,
	 * and hashing dominated distilling large modules byte by byte */
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;
	for (; len >= 8; str += 8, len -= 8) {
		memcpy(&w, str, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, str, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return (uint32_t)h;
}

static int grow(struct bk_strset *s, size_t want)
{
	size_t cap = 64;
	while (cap < want * 2)
		cap <<= 1;
	struct slot *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; s->slots && i <= s->mask; i++) {
		if (!s->slots[i].off1)
			continue;
		size_t j = s->slots[i].hash & (cap - 1);
		while (slots[j].off1)
			j = (j + 1) & (cap - 1);
		slots[j] = s->slots[i];
	}
	free(s->slots);
	s->slots = slots;
	s->mask = cap - 1;
	return 0;
}

struct bk_strset *bk_strset_new(size_t expected)
{
	struct bk_strset *s = calloc(1, sizeof(*s));
	if (!s || grow(s, expected ? expected : 16)) {
		free(s);
		return NULL;
	}
	return s;
}

void bk_strset_free(struct bk_strset *s)
{
	if (!s)
		return;
	free(s->slots);
	free(s);
}

int64_t bk_strset_find(const struct bk_strset *s, const char *buf, const char *str, size_t len,
		       uint32_t hash)
{
	for (size_t j = hash & s->mask; s->slots[j].off1; j = (j + 1) & s->mask) {
		const struct slot *sl = &s->slots[j];
		const char *cand = buf + sl->off1 - 1;
		if (sl->hash == hash && !memcmp(cand, str, len) && cand[len] == '\0')
			return sl->off1 - 1;
	}
	return -1;
}

int bk_strset_insert_new(struct bk_strset *s, uint32_t off, uint32_t hash)
{
	if ((s->used + 1) * 2 > s->mask + 1 && grow(s, s->used + 1))
		return -ENOMEM;
	size_t j = hash & s->mask;
	while (s->slots[j].off1)
		j = (j + 1) & s->mask;
	s->slots[j].off1 = off + 1;
	s->slots[j].hash = hash;
	s->used++;
	return 0;
}

int bk_strset_insert(struct bk_strset *s, const char *buf, uint32_t off, uint32_t hash)
{
	const char *str = buf + off;
	if (bk_strset_find(s, buf, str, strlen(str), hash) >= 0)
		return 0;
	return bk_strset_insert_new(s, off, hash);
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
