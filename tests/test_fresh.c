// SPDX-License-Identifier: MIT
/* Fresh memory (core/fresh.h) and the output buffer that a held C header
 * keeps in one of its mappings (text/out.h: out_use_buffer, out_let_go). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fresh.h"
#include "text/out.h"
#include "support.h"

static void test_zalloc_zeroes_and_refuses_overflow(void **state)
{
	(void)state;
	uint8_t *p = bk_zalloc(3 << 20, 1); /* (a block malloc maps on its own) */
	assert_non_null(p);
	for (size_t i = 0; i < (3u << 20); i += 4093)
		assert_int_equal(p[i], 0);
	free(p);
	assert_null(bk_zalloc(SIZE_MAX / 8 + 2, 8));
	void *empty = bk_zalloc(0, 16); /* (something free() takes) */
	assert_non_null(empty);
	free(empty);
}

static void test_map_fresh_released(void **state)
{
	(void)state;
	size_t len = 0;
	uint8_t *p = bk_map_fresh(BK_HUGE_PAGE, &len);
	assert_non_null(p);
	assert_true(len >= BK_HUGE_PAGE);
	assert_int_equal(p[0] | p[len - 1], 0);
	p[len - 1] = 1;
	bk_fresh_release(p, len);
	bk_fresh_release(malloc(16), 0);
}

/* what f holds, whole */
static char *file_text(FILE *f, size_t *len)
{
	assert_int_equal(fflush(f), 0);
	long end = ftell(f);
	assert_true(end >= 0);
	char *text = malloc((size_t)end + 1);
	assert_non_null(text);
	rewind(f);
	*len = fread(text, 1, (size_t)end, f);
	assert_int_equal(*len, (size_t)end);
	return text;
}

/* n bytes of a pattern from seed on */
static void put_pattern(struct out *o, size_t n, unsigned seed)
{
	char b[4096];
	for (size_t done = 0; done < n;) {
		size_t k = n - done < sizeof(b) ? n - done : sizeof(b);
		for (size_t i = 0; i < k; i++)
			b[i] = (char)('a' + (seed + done + i) % 26);
		put_bytes(o, b, k);
		done += k;
	}
}

static void assert_pattern(const char *text, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (text[i] != (char)('a' + (seed + i) % 26))
			fail_msg("byte %zu of %zu differs: %.20s", i, n, text + i);
}

/* Held output moved into a mapping, grown past it (into malloc'ed memory)
 * or not, then let go: the file gets every byte in order, once, and the
 * mapping is cut back to a file's buffer. */
static void held_in_mapping(size_t held, size_t after)
{
	FILE *f = tmpfile();
	assert_non_null(f);
	struct out o;
	assert_int_equal(out_open(&o, f), 0);
	o.hold = true;
	put_pattern(&o, 100, 0);
	size_t len;
	void *block = bk_map_fresh(1 << 20, &len);
	assert_non_null(block);
	out_use_buffer(&o, block, len, len);
	put_pattern(&o, held, 100);
	assert_int_equal(o.mapped != 0, 100 + held <= len);
	out_let_go(&o);
	assert_false(o.hold);
	assert_int_equal(o.len, 0);
	if (o.mapped)
		assert_int_equal(o.cap, OUT_CHUNK);
	out_let_go(&o); /* (once: nothing more happens) */
	put_pattern(&o, after, (unsigned)(100 + held));
	assert_int_equal(out_close_file(&o), 0);
	size_t n;
	char *text = file_text(f, &n);
	assert_int_equal(n, 100 + held + after);
	assert_pattern(text, n, 0);
	free(text);
	fclose(f);
}

static void test_held_output_in_a_mapping(void **state)
{
	(void)state;
	held_in_mapping(300 * 1024, 3 << 20);
	held_in_mapping(0, 10);
	held_in_mapping(3 << 20, 1000); /* (past the mapping: moved to malloc) */
}

/* collected in memory, a mapping becomes what the caller may free() */
static void test_mem_output_from_a_mapping(void **state)
{
	(void)state;
	struct out o;
	assert_int_equal(out_open(&o, NULL), 0);
	size_t len;
	void *block = bk_map_fresh(1 << 20, &len);
	assert_non_null(block);
	put_pattern(&o, 10, 0);
	out_use_buffer(&o, block, len, len);
	put_pattern(&o, 5000, 10);
	char *text;
	size_t n;
	assert_int_equal(out_close_mem(&o, &text, &n), 0);
	assert_int_equal(n, 5010);
	assert_pattern(text, n, 0);
	assert_int_equal(text[n], '\0');
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zalloc_zeroes_and_refuses_overflow),
		cmocka_unit_test(test_map_fresh_released),
		cmocka_unit_test(test_held_output_in_a_mapping),
		cmocka_unit_test(test_mem_output_from_a_mapping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
