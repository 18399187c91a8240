// SPDX-License-Identifier: MIT
/* Large buffers of fresh memory in huge pages (fresh.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/fresh.h"

#if defined(__linux__) && defined(MADV_HUGEPAGE) && !defined(MADV_COLLAPSE)
#define MADV_COLLAPSE 25 /* Linux 6.1; older C libraries do not name it */
#endif
/* malloc's bookkeeping before a block it maps on its own */
#define MALLOC_OVERHEAD 64

void *bk_malloc_fresh(size_t *cap)
{
#ifdef MADV_HUGEPAGE
	if (*cap >= BK_HUGE_PAGE / 2) {
		/* whole huge pages, less the bookkeeping: Linux places an
		 * anonymous mapping of whole huge pages on a huge-page boundary */
		size_t len = (*cap + MALLOC_OVERHEAD + BK_HUGE_PAGE - 1) / BK_HUGE_PAGE * BK_HUGE_PAGE;
		uint8_t *p = malloc(len - MALLOC_OVERHEAD);
		if (!p)
			return NULL;
		*cap = len - MALLOC_OVERHEAD;
		/* the pages the buffer lies on; only advice: nothing to do if refused */
		uintptr_t start = (uintptr_t)p & ~(uintptr_t)4095;
		uintptr_t end = ((uintptr_t)p + *cap + 4095) & ~(uintptr_t)4095;
		madvise((void *)start, end - start, MADV_HUGEPAGE);
		/* malloc wrote its bookkeeping before the advice: the first huge
		 * page's range already has a small page, unless collapsed now */
		if (!(start & (BK_HUGE_PAGE - 1)))
			madvise((void *)start, BK_HUGE_PAGE, MADV_COLLAPSE);
		return p;
	}
#endif
	return malloc(*cap);
}

void *bk_zalloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	size_t bytes = n * size;
	void *p = malloc(bytes ? bytes : 1);
	if (p)
		memset(p, 0, bytes);
	return p;
}

void *bk_map_fresh(size_t sz, size_t *len)
{
	size_t huge = 0;
#ifdef MADV_HUGEPAGE
	huge = (sz + BK_HUGE_PAGE / 2) / BK_HUGE_PAGE * BK_HUGE_PAGE;
#endif
	/* whole huge pages: Linux places the mapping on a huge-page boundary */
	*len = huge ? (sz + BK_HUGE_PAGE - 1) / BK_HUGE_PAGE * BK_HUGE_PAGE : sz;
	void *p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	if (huge)
		madvise(p, huge, MADV_HUGEPAGE); /* only advice: nothing to do if refused */
#endif
	return p;
}

void bk_fresh_release(void *p, size_t mapped)
{
	if (mapped)
		munmap(p, mapped);
	else
		free(p);
}
