/* SPDX-License-Identifier: MIT */
/* What every public header needs: the export marker and growable options. */
#ifndef BTFKIT_API_H
#define BTFKIT_API_H

#include <stddef.h>

#define BTFKIT_VERSION "0.1.0"

/* Marks the functions libbtfkit exports; everything else in the library is
 * built hidden (-fvisibility=hidden), so the shared object's symbols are
 * exactly the functions these headers declare. */
#if defined(BTFKIT_BUILDING) && defined(__GNUC__)
#define BK_API __attribute__((visibility("default")))
#else
#define BK_API
#endif

/*
 * Option structs that can grow: each starts with `size_t sz`, the size of
 * the struct as the caller was compiled with. A library that knows more
 * fields gives the missing ones their defaults; a library that knows fewer
 * refuses (-EINVAL) options whose unknown tail is not all zero. Declare
 * them with BK_OPTS so that sz is always right:
 *
 *   BK_OPTS(bk_relocate_opts, opts, .libbpf_quirks = true);
 *   bk_relocate_opts(split, base, &opts, &out, &err);
 */
#define BK_OPTS(type, name, ...) struct type name = {.sz = sizeof(struct type), __VA_ARGS__}

#endif /* BTFKIT_API_H */
