// SPDX-License-Identifier: MIT
/* The table of mapped input buffers (see mapped.h) and their release. */
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/mapped.h"

struct bk_mapping bk_mappings[BK_MAX_MAPPINGS];
/* how many slots are not FREE: bk_buf_free looks no further while 0 */
static atomic_int nr_claimed;

struct bk_mapping *bk_mapping_claim(void)
{
	for (size_t i = 0; i < BK_MAX_MAPPINGS; i++) {
		int free_state = BK_MAP_FREE;
		if (atomic_compare_exchange_strong(&bk_mappings[i].state, &free_state,
						   BK_MAP_SETUP)) {
			atomic_fetch_add(&nr_claimed, 1);
			return &bk_mappings[i];
		}
	}
	return NULL;
}

void bk_mapping_publish(struct bk_mapping *m, void *addr, size_t len, int fd)
{
	m->addr = addr;
	m->len = len;
	m->fd = fd;
	atomic_store(&m->state, BK_MAP_LIVE);
}

void bk_mapping_drop(struct bk_mapping *m)
{
	m->addr = NULL;
	atomic_store(&m->state, BK_MAP_FREE);
	atomic_fetch_sub(&nr_claimed, 1);
}

/* The LIVE slot of the mapping at p, taken (BUSY); NULL when p is none.
 * While the signal handler copies a mapping (BUSY) on another thread,
 * this waits for it to finish: the handler never waits, so no cycle. */
static struct bk_mapping *take_mapping_at(const void *p)
{
	for (size_t i = 0; i < BK_MAX_MAPPINGS; i++) {
		struct bk_mapping *m = &bk_mappings[i];
		int s = atomic_load(&m->state);
		if (s != BK_MAP_LIVE && s != BK_MAP_BUSY)
			continue;
		if (m->addr != p)
			continue;
		while (!bk_mapping_take(m))
			sched_yield();
		return m;
	}
	return NULL;
}

void bk_buf_free(void *p)
{
	if (!p)
		return;
	struct bk_mapping *m = atomic_load(&nr_claimed) ? take_mapping_at(p) : NULL;
	if (!m) {
		free(p);
		return;
	}
	munmap(m->addr, m->len);
	if (m->fd >= 0)
		close(m->fd); /* gives the lease back */
	bk_mapping_drop(m);
}
