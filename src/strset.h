/* SPDX-License-Identifier: MIT */
/* A set of NUL-terminated strings that live in a caller's buffer, found by
 * content: string deduplication for the BTF string section. It stores only
 * offsets, so the buffer may move (realloc) between calls. */
#ifndef BTFKIT_STRSET_H
#define BTFKIT_STRSET_H

#include <stddef.h>
#include <stdint.h>

struct bk_strset;

struct bk_strset *bk_strset_new(size_t expected);
void bk_strset_free(struct bk_strset *s);
uint32_t bk_strset_hash(const char *str, size_t len);
/* the offset of str (len bytes, no NUL) in buf, or -1 */
int64_t bk_strset_find(const struct bk_strset *s, const char *buf, const char *str, size_t len,
		       uint32_t hash);
/* Remember the string at buf + off (unless an equal one is already there:
 * the first offset wins). 0 or -ENOMEM. */
int bk_strset_insert(struct bk_strset *s, const char *buf, uint32_t off, uint32_t hash);
/* The same, for a string the caller knows is not in the set yet. */
int bk_strset_insert_new(struct bk_strset *s, const char *buf, uint32_t off, uint32_t hash);
/* The offset of str if the set has it; else remember new_off for it (the
 * caller then puts str there) and return new_off. -ENOMEM on failure. */
int64_t bk_strset_find_or_add(struct bk_strset *s, const char *buf, const char *str, size_t len,
			      uint32_t hash, uint32_t new_off);
/* Index every string of a section (offset 0 upward). */
int bk_strset_insert_all(struct bk_strset *s, const char *buf, size_t len);

#endif
