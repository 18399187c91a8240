/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer targets (fuzz/fuzz_*.c) and their replay driver
 * (tests/test_regress.c, which includes every target with BK_FUZZ_NO_MAIN
 * and calls the same entry points on the committed inputs).
 *
 * Input framing: an input may hold several parts, joined by BK_FUZZ_SEP
 * (a base blob, then a split blob, then a new base...). The separator is a
 * plain string so that libFuzzer can find it with a dictionary and seeds
 * can be made with cat and printf.
 *
 * Every entry point returns 0 when the library behaved, and non-zero
 * (after printing why on stderr) when an invariant broke; crashes,
 * leaks and sanitizer reports are the sanitizers' to find.
 */
#ifndef BTFKIT_FUZZ_H
#define BTFKIT_FUZZ_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btfkit/btfkit.h"

#define BK_FUZZ_SEP "\n#btfkit-part#\n"
#define BK_FUZZ_MAX_PARTS 3

struct bk_fuzz_part {
	const uint8_t *data;
	size_t size;
};

/* The entry points, one per target (fuzz/fuzz_NAME.c). */
int bk_fuzz_raw(const uint8_t *data, size_t size);
int bk_fuzz_elf(const uint8_t *data, size_t size);
int bk_fuzz_asm(const uint8_t *data, size_t size);
int bk_fuzz_dump(const uint8_t *data, size_t size);
int bk_fuzz_dumpc(const uint8_t *data, size_t size);
int bk_fuzz_distill(const uint8_t *data, size_t size);
int bk_fuzz_elfwrite(const uint8_t *data, size_t size);
int bk_fuzz_check(const uint8_t *data, size_t size);
int bk_fuzz_btfids(const uint8_t *data, size_t size);

/* Cut data at the separators into at most max parts (the last part keeps
 * any further separators). Returns the number of parts (>= 1). */
static inline size_t bk_fuzz_split(const uint8_t *data, size_t size, struct bk_fuzz_part *parts,
				   size_t max)
{
	static const char sep[] = BK_FUZZ_SEP;
	const size_t sep_len = sizeof(sep) - 1;
	size_t n = 0;
	while (n + 1 < max) {
		const uint8_t *hit = memmem(data, size, sep, sep_len);
		if (!hit)
			break;
		parts[n].data = data;
		parts[n].size = (size_t)(hit - data);
		n++;
		size -= parts[n - 1].size + sep_len;
		data = hit + sep_len;
	}
	parts[n].data = data;
	parts[n].size = size;
	return n + 1;
}

/* An invariant broke: say which, and return non-zero. */
static inline int bk_fuzz_broken(const char *target, const char *what)
{
	fprintf(stderr, "fuzz_%s: invariant broken: %s\n", target, what);
	return 1;
}

/* A failure must come with an error code and a message. */
static inline int bk_fuzz_check_error(const char *target, int ret, const struct bk_error *err)
{
	char buf[1200];
	if (ret >= 0 || err->code != ret)
		return bk_fuzz_broken(target, "failure without a matching error code");
	if (!err->msg[0] || !bk_error_str(err, buf, sizeof(buf))[0])
		return bk_fuzz_broken(target, "failure without a message");
	return 0;
}

/* Read every type and string of btf's own types through the public
 * accessors and the field iterators; check what the reader promises:
 * every own type exists and every ID / name field it holds resolves. */
static inline int bk_fuzz_walk(const char *target, struct bk_btf *btf)
{
	uint32_t first = bk_btf_start_id(btf), cnt = bk_btf_type_cnt(btf);
	for (uint32_t id = first; id < cnt; id++) {
		struct bk_type *t = bk_btf_type_mut(btf, id);
		struct bk_field_iter it;
		uint32_t *f;
		if (!t || bk_btf_type(btf, id) != t)
			return bk_fuzz_broken(target, "an own type ID does not resolve");
		bk_field_iter_init(&it, t, BK_ITER_IDS);
		while ((f = bk_field_iter_next(&it)))
			if (*f && !bk_btf_type(btf, *f))
				return bk_fuzz_broken(target, "a type ID field does not resolve");
		bk_field_iter_init(&it, t, BK_ITER_STRS);
		while ((f = bk_field_iter_next(&it)))
			if (!bk_btf_str(btf, *f))
				return bk_fuzz_broken(target, "a name field does not resolve");
	}
	/* the name index agrees with the records (the first few named types) */
	for (uint32_t id = first, checked = 0; id < cnt && checked < 64; id++) {
		const struct bk_type *t = bk_btf_type(btf, id);
		const char *name = bk_btf_name(btf, t);
		uint32_t ids[256];
		size_t n, i;
		if (!name || !*name)
			continue;
		checked++;
		n = bk_btf_find(btf, name, (int)bk_kind(t), ids, 256);
		for (i = 0; i < n && i < 256 && ids[i] != id; i++)
			;
		if (n <= 256 && i == n)
			return bk_fuzz_broken(target, "bk_btf_find misses a named type");
	}
	return 0;
}

/* Write btf, read the result back (on the same base) and write again:
 * the two blobs must be identical. *out gets the first blob when asked. */
static inline int bk_fuzz_write_round_trip(const char *target, const struct bk_btf *btf,
					   const struct bk_write_opts *opts, void **out,
					   size_t *out_size)
{
	struct bk_error err = {0};
	struct bk_btf *again = NULL;
	void *w1 = NULL, *w2 = NULL;
	size_t s1, s2;
	int bad = 0, e;
	if ((e = bk_btf_write(btf, opts, &w1, &s1, &err)))
		return bk_fuzz_check_error(target, e, &err);
	if ((e = bk_btf_parse(w1, s1, bk_btf_base(btf), "written", &again, &err))) {
		char msg[1200];
		fprintf(stderr, "fuzz_%s: %s\n", target, bk_error_str(&err, msg, sizeof(msg)));
		bad = bk_fuzz_broken(target, "a written blob does not read back");
	} else if ((e = bk_btf_write(again, opts, &w2, &s2, &err))) {
		bad = bk_fuzz_broken(target, "a blob read back does not write");
	} else if (s1 != s2 || memcmp(w1, w2, s1)) {
		bad = bk_fuzz_broken(target, "write -> read -> write changes the bytes");
	}
	bk_btf_free(again);
	free(w2);
	if (out && !bad) {
		*out = w1;
		*out_size = s1;
	} else {
		free(w1);
	}
	return bad;
}

/* libFuzzer's entry: abort (a crash libFuzzer saves) when an invariant broke. */
#ifndef BK_FUZZ_NO_MAIN
#define BK_FUZZ_MAIN(fn)                                                     \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);        \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)         \
	{                                                                    \
		if (fn(data, size))                                          \
			abort();                                             \
		return 0;                                                    \
	}
#else
#define BK_FUZZ_MAIN(fn)
#endif

#endif
