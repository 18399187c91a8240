/* SPDX-License-Identifier: MIT */
/*
 * Private to libbtfkit: the input buffers that are files mapped rather
 * than malloc'd (io/map.c makes them). Whoever owns an input buffer (a
 * file's bytes, a BTF's raw blob) releases it with bk_buf_free, which
 * tells the two apart.
 *
 * The table of mappings is fixed and lock-free, because a signal handler
 * walks it (io/map.c): each slot goes FREE -> SETUP -> LIVE, and to BUSY
 * while one party (the owner releasing it, or the handler copying it) has
 * it to itself.
 */
#ifndef BTFKIT_CORE_MAPPED_H
#define BTFKIT_CORE_MAPPED_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

enum { BK_MAP_FREE, BK_MAP_SETUP, BK_MAP_LIVE, BK_MAP_BUSY };

struct bk_mapping {
	atomic_int state;
	void *addr;
	size_t len;
	int fd; /* holds the file's lease; -1 once the bytes were copied (io/map.c) */
};

#define BK_MAX_MAPPINGS 16
extern struct bk_mapping bk_mappings[BK_MAX_MAPPINGS];

/* A FREE slot taken (SETUP), or NULL when all are in use. */
struct bk_mapping *bk_mapping_claim(void);
/* The slot filled in by its claimer is in use (LIVE). */
void bk_mapping_publish(struct bk_mapping *m, void *addr, size_t len, int fd);
/* A claimed slot given back unused. */
void bk_mapping_drop(struct bk_mapping *m);
/* Take a LIVE slot to oneself (BUSY); false when another party has it. */
static inline bool bk_mapping_take(struct bk_mapping *m)
{
	int live = BK_MAP_LIVE;
	return atomic_compare_exchange_strong(&m->state, &live, BK_MAP_BUSY);
}

/* Free an input buffer: unmap it (and give its file back) when it is a
 * mapping, else free() it. NULL does nothing. */
void bk_buf_free(void *p);

#endif
