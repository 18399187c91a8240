/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_CHECK_H
#define BTFKIT_CHECK_H

#include "btfkit/file.h"
#include "btfkit/module.h"
#include "btfkit/relocate.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Check: many modules against one kernel (the relocate layer's API). */

enum bk_check_status {
	BK_CHECK_RELOCATES, /* relocates onto the kernel, through its .BTF.base */
	BK_CHECK_FAILS,     /* does not: report says why */
	BK_CHECK_BOUND,     /* no .BTF.base and no --built-against: its split BTF
			     * works only on the kernel it was built against */
	BK_CHECK_NO_BTF,    /* no .BTF section */
	BK_CHECK_ERROR,     /* unreadable or invalid: error says why */
	BK_CHECK_NEEDS_REWRITE, /* the module fits only after relocation, which
				 * the kernel will not do at load (before 6.11;
				 * or no .BTF.base: no kernel relocates such a
				 * module): `btfkit relocate -o` writes one that
				 * loads */
	BK_CHECK_NR_STATUS
};

/* "relocates", "fails", "bound", "no-btf", "error", "needs-rewrite" */
BK_API const char *bk_check_status_name(enum bk_check_status s);

/* Does this kernel relocate a module's BTF onto its own at load time
 * (Linux 6.11 and later)? Told from its BTF: a FUNC 'btf_relocate', or a
 * member 'base_id_map' of struct btf. */
BK_API bool bk_kernel_relocates(const struct bk_btf *kernel);

enum bk_kernel_relocates {
	BK_KERNEL_RELOCATES_AUTO = 0, /* told by bk_kernel_relocates() */
	BK_KERNEL_RELOCATES_YES,
	BK_KERNEL_RELOCATES_NO,
};

/* A .BTF_ids entry that does not hold what the kernel will use it as. */
struct bk_check_ids_problem {
	char set[96];     /* the set's name, "" for a list entry */
	char symbol[160]; /* the entry's symbol, "" when none */
	uint32_t offset;  /* in .BTF_ids */
	uint32_t id;
	char text[400];   /* the fault */
};

struct bk_check_opts {
	size_t sz; /* sizeof(struct bk_check_opts): declare with BK_OPTS */
	const struct bk_btf *kernel;        /* the kernel's BTF (required) */
	const struct bk_btf *built_against; /* to distill modules without .BTF.base */
	bool libbpf_quirks;                 /* see struct bk_relocate_opts */
	unsigned threads;                   /* 0: every online CPU */
	/* called after each module, one call at a time, from any thread */
	void (*progress)(size_t done, size_t total, void *ctx);
	void *ctx;
	enum bk_kernel_relocates kernel_relocates; /* AUTO: told from kernel */
};

struct bk_check_result {
	char *module;                  /* the path */
	enum bk_check_status status;
	bool had_base;                 /* it has .BTF.base (else distilled here) */
	bool fits;                     /* BOUND: its IDs and strings fit the kernel */
	struct bk_reloc_report *report; /* FAILS: every problem */
	struct bk_error error;         /* FAILS, ERROR, BOUND when it does not fit */
	double seconds;
	/* .BTF_ids entries the kernel would misuse (status FAILS); a .BTF_ids
	 * that cannot be read is one problem with offset and id 0 */
	struct bk_check_ids_problem *ids_problems;
	size_t nr_ids_problems;
	/* ERROR: the module's .BTF does not fit --built-against */
	bool misfit;
};

/* Check one module (a file: ELF, possibly compressed, or a raw blob). */
BK_API void bk_check_module(const char *path, const struct bk_check_opts *opts,
			    struct bk_check_result *res);

/* Expand paths: directories are walked for *.ko, *.ko.xz, *.ko.zst, *.ko.gz
 * and *.btf; files are taken as they are ("-" is standard input). The list
 * is sorted, and a file reached twice (a symlink and its target, a path
 * given twice: the same device and inode) is in it once, under its first
 * path. -errno (I/O, err filled) when a path cannot be read. */
BK_API int bk_check_collect(const char *const *paths, size_t nr_paths, char ***files, size_t *nr_files,
			    struct bk_error *err);
BK_API void bk_check_free_files(char **files, size_t n);

/* Check every file on opts->threads threads; results[i] is files[i]'s.
 * The kernel's and built_against's name indexes are built first, so the
 * threads share them read-only. */
BK_API int bk_check_run(char *const *files, size_t n, const struct bk_check_opts *opts,
			struct bk_check_result **results, struct bk_error *err);
/* The kernel relocation behaviour bk_check_run used: opts' override, else
 * bk_kernel_relocates(opts->kernel). */
BK_API bool bk_check_kernel_relocates(const struct bk_check_opts *opts);
BK_API void bk_check_results_free(struct bk_check_result *r, size_t n);

/* A distilled type that breaks modules: "STRUCT 'device'" and how many. */
struct bk_check_breaker {
	char type[160];
	size_t modules;
};

struct bk_check_summary {
	size_t total;
	size_t count[BK_CHECK_NR_STATUS];
	size_t slowest[5];       /* indexes into the results, slowest first */
	size_t nr_slowest;
	struct bk_check_breaker top[10]; /* most modules broken first */
	size_t nr_top;
};

/* Fills *s; the counts and the slowest modules are there even when
 * counting the breakers runs out of memory (-ENOMEM, nr_top 0). */
BK_API int bk_check_summarize(const struct bk_check_result *r, size_t n, struct bk_check_summary *s);

#ifdef __cplusplus
}
#endif
#endif
