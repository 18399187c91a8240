/* SPDX-License-Identifier: MIT */
/* Errors: the record every fallible function fills. */
#ifndef BTFKIT_ERRORS_H
#define BTFKIT_ERRORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btfkit/api.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Errors                                                              */

struct bk_error {
	int code;          /* negative errno; 0 when there was no error */
	int reason;        /* a layer's stable fault code (validate: enum bk_fault), 0 none */
	uint32_t type_id;  /* the type the fault is in, 0 when none */
	int line, column;  /* text input (asm): where the fault is, 0 when none */
	bool io;           /* reading or writing a file failed (not bad content) */
	char file[256];    /* the input the fault is in, "" when none */
	char section[16];  /* ".BTF", ".BTF.base", or "" for a raw blob */
	char msg[768];     /* the fault, e.g. "[12] PTR '(anon)': type_id 99 out of range" */
};

BK_API void bk_error_clear(struct bk_error *e);
/* "file: section: msg" (parts that are empty left out); returns buf */
BK_API const char *bk_error_str(const struct bk_error *e, char *buf, size_t len);
/* the exit status a tool should give: 1 invalid input, 2 I/O, out of
 * memory (-ENOMEM) or usage */
BK_API int bk_error_exit_status(const struct bk_error *e);

#ifdef __cplusplus
}
#endif
#endif /* BTFKIT_ERRORS_H */
