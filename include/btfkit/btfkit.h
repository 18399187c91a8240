/* SPDX-License-Identifier: MIT */
/*
 * btfkit: read, validate, write, print, distill and relocate BTF.
 * The umbrella header: every layer's API. Each header below also compiles
 * on its own.
 */
#ifndef BTFKIT_H
#define BTFKIT_H

#include "btfkit/api.h"
#include "btfkit/errors.h"
#include "btfkit/core.h"
#include "btfkit/file.h"
#include "btfkit/validate.h"
#include "btfkit/dump.h"
#include "btfkit/asm.h"
#include "btfkit/distill.h"
#include "btfkit/relocate.h"
#include "btfkit/check.h"
#include "btfkit/module.h"
#include "btfkit/diff.h"
#include "btfkit/report.h"

#endif /* BTFKIT_H */
