/* SPDX-License-Identifier: MIT */
/* Private to src/text: bpftool's pretty JSON (`-p`) from the compact form. */
#ifndef BTFKIT_TEXT_JSON_PRETTY_H
#define BTFKIT_TEXT_JSON_PRETTY_H

#include "text/out.h"

/* Write the compact JSON s (len bytes, as dump.c writes it) to o indented
 * as bpftool -p prints it. */
void bk_json_pretty(const char *s, size_t len, struct out *o);

#endif
