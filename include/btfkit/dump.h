/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_DUMP_H
#define BTFKIT_DUMP_H

#include <stdio.h>

#include "btfkit/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Printing: bpftool's raw text and JSON                               */

/* BK_DUMP_JSON_PRETTY: the JSON indented as `bpftool -p -j` prints it */
enum bk_dump_format { BK_DUMP_TEXT, BK_DUMP_JSON, BK_DUMP_JSON_PRETTY };

/* Print btf's own types as `bpftool btf dump file` does (text) or
 * `bpftool -j btf dump file` (JSON), byte for byte: a split BTF prints only
 * its own types, numbered after its base. Returns 0, or a negative errno
 * when writing to out fails (EPIPE, ENOSPC...; errno is left set too). */
BK_API int bk_dump(const struct bk_btf *btf, enum bk_dump_format fmt, FILE *out);

/* The same into memory: *text is malloc'd and NUL-terminated, *len its
 * length without the NUL. Returns 0 or -ENOMEM. */
BK_API int bk_dump_mem(const struct bk_btf *btf, enum bk_dump_format fmt, char **text, size_t *len);

/* Printing: C (`bpftool btf dump file F format c`, the vmlinux.h that BPF
 * programs include)                                                   */

/* Options that can grow (declare them with BK_OPTS, which sets sz). Zeroed
 * options (or NULL) print every type in bpftool 7.8's sorted order. */
struct bk_dump_c_opts {
	size_t sz;
	/* bpftool's `unsorted`: type-ID order */
	bool unsorted;
	/* reproduce bpftool 7.8 exactly: its sorted mode skips the type that
	 * sorts first (an anonymous enum, not void, which it means to skip) */
	bool bpftool_quirks;
	/* bpftool's `root_id`: only these types (up to 16, no repeats, each
	 * below bk_btf_type_cnt) and what they need, without the kfunc block */
	const uint32_t *root_ids;
	size_t nr_root_ids;
};

/* Print btf as C: the __VMLINUX_H__ guard and bpftool's macros, each type
 * after the types it needs (forward declarations where a cycle needs
 * one), the `extern` prototypes of the kfuncs, byte for byte as bpftool
 * 7.8 (on libbpf 1.8) prints them. A split BTF prints its base's types
 * too, as bpftool does. Errors: -EINVAL (bad options, a root ID out of
 * range or repeated), -E2BIG (more than 16 root IDs), -ELOOP (a type loop
 * no C declaration can write: err names the type; nothing is printed
 * then), -ENOMEM, or a write error (err->io set; errno left set too). */
BK_API int bk_dump_c(const struct bk_btf *btf, const struct bk_dump_c_opts *opts, FILE *out,
		     struct bk_error *err);

/* The same into memory: *text is malloc'd and NUL-terminated. */
BK_API int bk_dump_c_mem(const struct bk_btf *btf, const struct bk_dump_c_opts *opts,
			 char **text, size_t *len, struct bk_error *err);

#ifdef __cplusplus
}
#endif
#endif
