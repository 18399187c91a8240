/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_CHECK_H
#define BTFKIT_CHECK_H

#include "btfkit/btfkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Check: many modules against one kernel (the relocate layer's API). */

#ifdef __cplusplus
}
#endif
#endif
