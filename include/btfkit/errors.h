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
	int reason;        /* a stable code: enum bk_reason below, or validate's bk_fault */
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

/* Why an operation failed: a stable code in struct bk_error's reason, next
 * to the errno in code. The numbers are part of the interface (they never
 * change meaning; new ones are added at the end of their group), and so
 * are the names bk_reason_name gives. Programs and tests decide on the
 * reason, never on the wording of the message.
 *
 *   0        no reason recorded (a plain errno: out of memory, ...)
 *   1..99    enum bk_fault: the kernel's rules (bk_validate, validate.h)
 *   100..    the other layers: files, reading BTF, modules on bases, text
 *
 * The reason also says which exit status a tool gives: BK_E_IO (err->io)
 * is 2; every other failure on content is invalid input, 1. */
enum bk_reason {
	BK_E_NONE = 0,

	/* files (io) */
	BK_E_IO = 100,          /* a file cannot be read or written */
	BK_E_NOT_BTF = 101,     /* neither BTF nor ELF (nor xz/zstd/gzip), or empty */
	BK_E_DECOMPRESS = 102,  /* a corrupt, truncated or oversized compressed stream */
	BK_E_ELF = 103,         /* corrupt ELF */
	BK_E_NO_SECTION = 104,  /* the section asked for is not in the file */
	BK_E_SECTION = 105,     /* it is, but unusable: twice, SHT_NOBITS, compressed */
	BK_E_SIGNATURE = 106,   /* a module signature trailer that does not add up */
	BK_E_ELF_EDIT = 107,    /* a section edit ELF write-back cannot make */
	BK_E_ELF_LAYOUT = 108,  /* an ELF layout write-back cannot keep (parts that
				 * overlap, an absurd alignment), or an image that
				 * does not read back as the input with the edits */

	/* reading a BTF blob */
	BK_E_BTF_HEADER = 120,  /* header: truncated, magic, length, section layout */
	BK_E_BTF_STRINGS = 121, /* the string section */
	BK_E_BTF_TYPE = 122,    /* a record truncated, of an unknown kind, too many */
	BK_E_TYPE_ID = 123,     /* a type ID out of range, or a FUNC's not a FUNC_PROTO
				 * (type_id says where) */
	BK_E_STR_OFF = 124,     /* a string offset out of range (type_id says where) */

	/* modules and bases */
	BK_E_BASE_MISFIT = 140, /* split BTF does not fit the base it is put on
				 * (built against another kernel) */
	BK_E_NO_DIST_BASE = 141, /* no .BTF.base, and no kernel to distil it against */
	BK_E_NOT_SPLIT = 142,   /* split BTF was needed */
	BK_E_DISTILL = 143,     /* refers to base types distill cannot take */
	BK_E_RELOCATE = 144,    /* a distilled type cannot be placed on the new base */
	BK_E_SIGNED = 145,      /* writing a signed module would void its signature */
	BK_E_BTF_IDS = 146,     /* a .BTF_ids that cannot be read, or rewritten into
				 * another numbering (docs/btf_ids.md) */

	/* text */
	BK_E_ASM = 160,         /* text that does not assemble (line, column say where) */
};

/* "io", "not-btf", "base-misfit", ... for the codes above 100, "none" for 0
 * (1..99: bk_fault_name), "unknown" for anything else */
BK_API const char *bk_reason_name(int reason);

#ifdef __cplusplus
}
#endif
#endif /* BTFKIT_ERRORS_H */
