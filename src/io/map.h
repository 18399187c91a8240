/* SPDX-License-Identifier: MIT */
/* Private to src/io: large input files mapped under a read lease (map.c). */
#ifndef BTFKIT_IO_MAP_H
#define BTFKIT_IO_MAP_H

#include <stddef.h>

/* The regular file open on fd, of size bytes, mapped (private, readable
 * and writable: writes stay in this process) under a read lease: an
 * input buffer for bk_buf_free. NULL when mapping is off
 * (bk_map_large_inputs), the file is small, or no lease or mapping is to
 * be had: then read it. fd stays the caller's. */
void *bk_map_file(int fd, size_t size);

#endif
