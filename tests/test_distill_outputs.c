// SPDX-License-Identifier: MIT
/*
 * distill's outputs always mean outputs: a module that already has
 * .BTF.base still gets every output named (copied from it unchanged), and
 * split BTF that the kernel would refuse is not distilled unless
 * --no-validate says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define KVER "6.1.0-47-amd64"

static void assert_same(const char *path, const void *want, size_t len)
{
	size_t got_len;
	char *got = bkt_read(path, &got_len);
	assert_non_null(got);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, want, len);
	free(got);
}

/* The bytes of one section of an ELF file. */
static void *section_of(const char *path, const char *name, size_t *len)
{
	struct bk_file *f;
	struct bk_error err = {0};
	const void *data;
	assert_int_equal(bk_file_open(path, &f, &err), 0);
	assert_int_equal(bk_file_section(f, name, &data, len), 0);
	void *copy = malloc(*len);
	assert_non_null(copy);
	memcpy(copy, data, *len);
	bk_file_close(f);
	return copy;
}

static void test_already_distilled_outputs(void **state)
{
	(void)state;
	const char *dist = bkt_tmp("dist.ko"), *out = bkt_tmp("out.ko");
	const char *b = bkt_tmp("b.btf"), *s = bkt_tmp("s.btf");
	int st;
	assert_int_equal(bkt_cmd("%s distill -B %s %s -o %s", bkt_tool(), bkt_vmlinux(KVER),
				 bkt_shared("corpus/ko/crc16.nosig.ko"), dist),
			 0);
	size_t len, base_len, split_len;
	char *module = bkt_read(dist, &len);
	void *base = section_of(dist, ".BTF.base", &base_len);
	void *split = section_of(dist, ".BTF", &split_len);

	/* -o: a copy, exit 0, saying so */
	remove(out);
	char *text = bkt_runf(&st, NULL, "%s distill -B %s %s -o %s 2>&1", bkt_tool(),
			      bkt_vmlinux(KVER), dist, out);
	assert_int_equal(st, 0);
	assert_non_null(strstr(text, "already has a .BTF.base (distilled base): not distilled "
				     "again, its outputs written from it unchanged"));
	free(text);
	assert_same(out, module, len);
	assert_same(dist, module, len);

	/* the raw blobs: its .BTF.base and .BTF */
	remove(b);
	remove(s);
	assert_int_equal(bkt_cmd("%s distill -B %s %s --base-out %s --split-out %s 2>/dev/null",
				 bkt_tool(), bkt_vmlinux(KVER), dist, b, s),
			 0);
	assert_same(b, base, base_len);
	assert_same(s, split, split_len);
	bkt_assert_bytes_file(base, base_len, bkt_golden("distill/crc16.base.btf"));

	/* --in-place: left alone, exit 0 */
	text = bkt_runf(&st, NULL, "%s distill -B %s %s --in-place 2>&1", bkt_tool(),
			bkt_vmlinux(KVER), dist);
	assert_int_equal(st, 0);
	assert_non_null(strstr(text, "not distilled again, left alone"));
	free(text);
	assert_same(dist, module, len);
	free(module);
	free(base);
	free(split);
}

/* A split BTF the reader takes but the kernel refuses (a member past its
 * struct): exit 1 with the kernel's fault, nothing written; --no-validate
 * distils it. */
static void test_invalid_split_refused(void **state)
{
	(void)state;
	const char *txt = bkt_tmp("bad.txt"), *bad = bkt_tmp("bad.btf");
	const char *b = bkt_tmp("b.btf"), *s = bkt_tmp("s.btf");
	const char *base = bkt_golden("examples/doc_base.btf");
	FILE *f = fopen(txt, "w");
	assert_non_null(f);
	fputs("[3] STRUCT 'bar' size=4 vlen=1\n\t'x' type_id=1 bits_offset=64\n"
	      "[4] PTR '(anon)' type_id=2\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(bkt_cmd("%s asm -B %s %s -o %s", bkt_tool(), base, txt, bad), 0);
	assert_int_equal(bkt_cmd("%s validate -B %s %s >/dev/null 2>&1", bkt_tool(), base, bad), 1);

	remove(b);
	remove(s);
	int st;
	char *text = bkt_runf(&st, NULL, "%s distill -B %s %s --base-out %s --split-out %s 2>&1",
			      bkt_tool(), base, bad, b, s);
	assert_int_equal(st, 1);
	assert_non_null(strstr(text, "[3] STRUCT 'bar': member 0: bit offset 64 is past the size "
				     "4 (the kernel would refuse this BTF; --no-validate distils it "
				     "anyway)"));
	free(text);
	assert_false(bkt_exists(b));
	assert_false(bkt_exists(s));

	assert_int_equal(bkt_cmd("%s distill --no-validate -B %s %s --base-out %s --split-out %s",
				 bkt_tool(), base, bad, b, s),
			 0);
	assert_true(bkt_exists(b));
	assert_true(bkt_exists(s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_already_distilled_outputs),
		cmocka_unit_test(test_invalid_split_refused),
	};
	return cmocka_run_group_tests(tests, bkt_tmpdir_setup, bkt_tmpdir_teardown);
}
