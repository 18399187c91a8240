/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_MODULE_H
#define BTFKIT_MODULE_H

#include <stdbool.h>
#include <stddef.h>

#include "btfkit/core.h"
#include "btfkit/errors.h"
#include "btfkit/file.h"
#include "btfkit/relocate.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The module object: a kernel module (ELF .ko, possibly .ko.xz/.zst/.gz) or
 * a raw split BTF blob, opened once. Everything about it is reached from
 * here: its .BTF, its distilled base (.BTF.base), its signature, the
 * compression it came in (to write it back the same way), and one policy
 * for putting its BTF on a kernel's (bk_module_place). dump, distill,
 * relocate and check all go through it.
 *
 * A module is used by one thread at a time; the BTF it hands out as const
 * is owned by it and lives until bk_module_close. */

struct bk_module;

/* How the file was compressed on disk (by content, not by name). */
enum bk_compression {
	BK_COMPRESSION_NONE = 0,
	BK_COMPRESSION_XZ,
	BK_COMPRESSION_ZSTD,
	BK_COMPRESSION_GZIP,
};

/* "none", "xz", "zstd", "gzip" */
BK_API const char *bk_compression_name(enum bk_compression c);

/* Open a module file: read it whole, decompress it, index its ELF sections
 * and find its signature trailer. Nothing is parsed as BTF yet. */
BK_API int bk_module_open(const char *path, struct bk_module **out, struct bk_error *err);
/* The same over bytes in memory (copied); name is used in messages. */
BK_API int bk_module_open_mem(const void *data, size_t size, const char *name,
			      struct bk_module **out, struct bk_error *err);
BK_API void bk_module_close(struct bk_module *m);

BK_API const char *bk_module_name(const struct bk_module *m);
/* the file underneath (for bk_elf_write_sections and bk_file_* reads) */
BK_API const struct bk_file *bk_module_file(const struct bk_module *m);
BK_API bool bk_module_is_elf(const struct bk_module *m);
BK_API enum bk_compression bk_module_compression(const struct bk_module *m);
/* the signature trailer's length, 0 when it is not signed */
BK_API size_t bk_module_signature_len(const struct bk_module *m);
/* it has a .BTF section (a raw blob always has) */
BK_API bool bk_module_has_btf(const struct bk_module *m);
/* it has a distilled base: its .BTF.base section, or one given to it with
 * bk_module_set_dist_base */
BK_API bool bk_module_has_dist_base(const struct bk_module *m);

/* Give a raw split blob its distilled base (relocate --dist-base): m takes
 * dist over (freed with m). It is used instead of a .BTF.base section. */
BK_API int bk_module_set_dist_base(struct bk_module *m, struct bk_btf *dist, struct bk_error *err);

/* Its BTF on the base it carries: .BTF on its distilled base, or plain .BTF
 * when it has none (then it is not split BTF). Parsed on first use; owned
 * by m. */
BK_API int bk_module_own_btf(struct bk_module *m, const struct bk_btf **btf, struct bk_error *err);

/* Its BTF on a distilled base, ready to relocate: .BTF on its .BTF.base;
 * or, when it has none, .BTF read on built_against (the kernel it was built
 * for) and distilled on the fly. Without a distilled base and without
 * built_against: -ENOENT, reason BK_E_NO_DIST_BASE. Owned by m (a later
 * call with another built_against distils again). */
BK_API int bk_module_distilled(struct bk_module *m, const struct bk_btf *built_against,
			const struct bk_btf **dist, const struct bk_btf **split,
			struct bk_error *err);

struct bk_module_place_opts {
	size_t sz; /* sizeof(struct bk_module_place_opts): declare with BK_OPTS */
	/* a module without a distilled base was built against this kernel:
	 * it is distilled against it, then relocated onto base */
	const struct bk_btf *built_against;
	bool libbpf_quirks;                 /* see struct bk_relocate_opts */
	/* without a distilled base or built_against: also check what .BTF
	 * refers to in base (bk_split_check_base), not only its ranges */
	bool check_fit;
	/* out, optional: every problem when relocation fails */
	struct bk_reloc_report **report;
};

/* Put the module's BTF on base, returned in *out (split BTF on base, the
 * caller's to free):
 * - with a distilled base, its BTF is relocated onto base (bk_relocate);
 * - without one, with opts->built_against: distilled against that kernel,
 *   then relocated onto base;
 * - without either: .BTF is read as split BTF on base as it is (it is
 *   sure to work only on the kernel it was built for). IDs or string
 *   offsets out of range for base (or, with opts->check_fit, what they
 *   refer to there: bk_split_check_base) fail with reason BK_E_BASE_MISFIT
 *   and a message that says it was built against another kernel.
 * base is required (-EINVAL without); opts may be NULL (the defaults). */
BK_API int bk_module_place(struct bk_module *m, const struct bk_btf *base,
		    const struct bk_module_place_opts *opts, struct bk_btf **out,
		    struct bk_error *err);

/* Load a file's BTF in one call: the module's own BTF (bk_module_own_btf,
 * base == NULL) or placed on base (bk_module_place), owned by the caller.
 * When the result is split BTF on a distilled base, it owns that base. */
BK_API int bk_btf_load(const char *path, const struct bk_btf *base, struct bk_btf **out,
		struct bk_error *err);

#ifdef __cplusplus
}
#endif
#endif
