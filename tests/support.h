/* SPDX-License-Identifier: MIT */
/* Shared helpers for btfkit's cmocka tests: where the data is, reading
 * files, loading BTF, comparing text with a golden. */
#ifndef BTFKIT_TEST_SUPPORT_H
#define BTFKIT_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "btfkit/btfkit.h"

/* Paths (each call returns one of a few rotating static buffers). A test
 * that asks for a path under ../shared when that data is absent (no corpus,
 * no goldens) is skipped, not failed: call these inside a test. */
bool bkt_have_corpus(void);                    /* $SHARED/corpus/sample.txt exists */
bool bkt_have_golden(void);                    /* $SHARED/golden exists */
void bkt_need_shared(void);                    /* skip the test without corpus or goldens */
const char *bkt_shared(const char *rel);       /* $SHARED/rel (default ../shared) */
const char *bkt_data(const char *rel);         /* $BK_TESTDATA/rel: decompressed data */
const char *bkt_golden(const char *rel);       /* golden/rel, or its decompressed copy */
const char *bkt_vmlinux(const char *kver);     /* raw vmlinux BTF of a corpus kernel */
const char *bkt_module(const char *kver, const char *rel); /* a module's .BTF; rel "kernel/lib/crc16" */
const char *bkt_tool(void);                    /* the built btfkit binary */

/* The 43 sample modules (paths like "kernel/lib/crc16", no suffix). */
size_t bkt_sample(const char ***paths);
/* Every module of a corpus kernel, with a stride: BK_CORPUS_STRIDE=N keeps
 * every Nth (the sanitizer run uses a subset). Free with bkt_free_list. */
size_t bkt_corpus_modules(const char *kver, char ***paths);
void bkt_free_list(char **list, size_t n);
/* a module's basename: "kernel/lib/crc16" -> "crc16" */
const char *bkt_basename(const char *rel);

/* The whole file, NUL-terminated; NULL when absent. */
char *bkt_read(const char *path, size_t *len);
bool bkt_exists(const char *path);

/* Load BTF or fail the test with the error. */
struct bk_btf *bkt_load(const char *path, const struct bk_btf *base);
/* A corpus kernel's vmlinux, loaded once per process and shared. */
const struct bk_btf *bkt_vmlinux_btf(const char *kver);

/* Assert that got equals the file's content, naming the first difference. */
void bkt_assert_text_file(const char *got, size_t got_len, const char *want_path);
void bkt_assert_bytes_file(const void *got, size_t got_len, const char *want_path);

/* A fresh directory /tmp/btfkit-TAG-XXXXXX, its path into dir; 0 or -1. */
int bkt_mkdtemp(char *dir, size_t len, const char *tag);
/* Remove a directory tree (bkt_mkdtemp's); 0 or -1. */
int bkt_rmtree(const char *dir);

/* A scratch directory as a cmocka fixture: bkt_tmpdir_setup makes
 * bkt_tmpdir, bkt_tmpdir_teardown removes it; bkt_tmp(NAME) is a path in
 * it (eight rotating buffers: up to eight in one expression). */
extern char bkt_tmpdir[256];
int bkt_tmpdir_setup(void **state);
int bkt_tmpdir_teardown(void **state);
const char *bkt_tmp(const char *name);

/* Run a command line through the shell; capture stdout (and its exit status). */
char *bkt_run(const char *cmdline, int *status, size_t *out_len);
/* The same for a command line made with printf's format. */
char *bkt_runf(int *status, size_t *out_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Run a formatted command line for its exit status alone. */
int bkt_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
