/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_VALIDATE_H
#define BTFKIT_VALIDATE_H

#include "btfkit/btfkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Validation: the kernel's rules on load                              */

/* Called for each fault found; return non-zero to stop. */
typedef int (*bk_report_fn)(const struct bk_error *e, void *ctx);

struct bk_validate_opts {
	bool first_only;   /* stop at the first fault, as the kernel does */
};

/* Check btf (its own types; the base is taken as valid) against the
 * kernel's rules. Returns 0 when valid, -EINVAL when there were faults
 * (each passed to report, when given), another negative errno on failure. */
int bk_validate(const struct bk_btf *btf, const struct bk_validate_opts *opts,
		bk_report_fn report, void *ctx);


#ifdef __cplusplus
}
#endif
#endif
