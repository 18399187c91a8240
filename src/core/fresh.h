/* SPDX-License-Identifier: MIT */
/*
 * Private to libbtfkit: large buffers of fresh memory. On the machines
 * btfkit is measured on, a page touched for the first time costs more than
 * what is written into it: the kernel faults and clears each 4 KiB page,
 * and a virtual machine's host backs it (about 0.9 ms a MiB here, against
 * 0.15 ms in huge pages). So a buffer of megabytes is asked for in whole
 * huge pages and advised to get them. It is plain malloc memory all the
 * same (free() releases it); where huge pages are not offered, it is what
 * malloc gives.
 */
#ifndef BTFKIT_CORE_FRESH_H
#define BTFKIT_CORE_FRESH_H

#include <stddef.h>

#define BK_HUGE_PAGE ((size_t)2 << 20)

/* At least *cap bytes (*cap: what was given, rounded up to whole huge
 * pages, less malloc's bookkeeping, from half a huge page on: what is
 * touched of the last huge page is backed whole, so a block rounded up
 * from 1 MiB may hold up to 1 MiB resident for nothing); NULL when memory
 * runs out. */
void *bk_malloc_fresh(size_t *cap);

/* calloc(n, size) (NULL when memory runs out or n * size overflows;
 * free() releases it), each page of it written first. calloc leaves a large block's pages
 * unbacked, and a page that is read before it is written (a hash table's
 * slot, a bitmap's word) gets the shared zero page: the write that
 * follows replaces it, which flushes that page from the TLB of every
 * processor the process runs on, an interprocessor interrupt (about 15 us
 * in a virtual machine) as soon as it has two threads. For tables that
 * are read before they are written. */
void *bk_zalloc(size_t n, size_t size);

/* A zeroed mapping of sz (> 0) bytes, *len of them mapped (for munmap):
 * in huge pages where it fills them at least half (so no more than 1 MiB
 * of it resident for nothing), the rest in small pages. For tables that
 * are touched all over from the start, smaller ones than bk_malloc_fresh
 * takes. NULL when memory runs out. */
void *bk_map_fresh(size_t sz, size_t *len);

/* p released: a mapping of mapped bytes (bk_map_fresh's *len), or
 * malloc'ed memory where mapped is 0 */
void bk_fresh_release(void *p, size_t mapped);

#endif
