/* SPDX-License-Identifier: MIT */
/* Private to libbtfkit: reading the growable option structs of the public
 * API (see BK_OPTS in include/btfkit/api.h). */
#ifndef BTFKIT_OPTS_INTERNAL_H
#define BTFKIT_OPTS_INTERNAL_H

#include <string.h>

#include "core/btf_internal.h"

/*
 * Copy the caller's options (src, NULL for all defaults) into dst, the
 * struct as this library knows it (dst_sz bytes): fields the caller's
 * struct lacks stay zero, their default. A caller built against a newer
 * library may pass a longer struct only when the fields this library does
 * not know are zero (they would be ignored otherwise). A struct whose sz
 * was not set (0) is refused: it was not declared with BK_OPTS.
 */
static inline int bk_opts_load(void *dst, size_t dst_sz, const void *src, const char *what,
			       struct bk_error *err)
{
	memset(dst, 0, dst_sz);
	if (!src)
		return 0;
	size_t sz = *(const size_t *)src;
	if (sz < sizeof(size_t))
		return bk_err(err, -EINVAL, "struct %s: sz is %zu (declare it with BK_OPTS)", what,
			      sz);
	for (size_t i = dst_sz; i < sz; i++)
		if (((const unsigned char *)src)[i])
			return bk_err(err, -EINVAL,
				      "struct %s: set a field at byte %zu that this libbtfkit "
				      "(%zu bytes) does not know",
				      what, i, dst_sz);
	memcpy(dst, src, sz < dst_sz ? sz : dst_sz);
	*(size_t *)dst = dst_sz;
	return 0;
}

#endif
