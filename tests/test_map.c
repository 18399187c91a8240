// SPDX-License-Identifier: MIT
/* Large inputs mapped under a read lease (io/map.c): the same bytes as a
 * read, and a file that someone writes or truncates meanwhile leaves the
 * mapping's bytes as they were, with no SIGBUS. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/btf_internal.h"
#include "core/mapped.h"
#include "io/map.h"
#include "support.h"

#define BIG (2u << 20)

/* the slot of the mapping at p, or NULL when p was read, not mapped */
static struct bk_mapping *mapping_of(const void *p)
{
	for (size_t i = 0; i < BK_MAX_MAPPINGS; i++)
		if (atomic_load(&bk_mappings[i].state) == BK_MAP_LIVE && bk_mappings[i].addr == p)
			return &bk_mappings[i];
	return NULL;
}

/* a file of n bytes, each byte's value seed + its offset */
static void write_pattern(const char *path, size_t n, unsigned seed)
{
	uint8_t *b = malloc(n);
	assert_non_null(b);
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 7);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	free(b);
}

static bool has_pattern(const uint8_t *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != (uint8_t)(seed + i * 7))
			return false;
	return true;
}

static void *read_whole(const char *path, size_t *size)
{
	void *data;
	struct bk_error err = {0};
	assert_int_equal(bk_read_file(path, &data, size, &err), 0);
	return data;
}

/* the first mapping in use, or NULL */
static struct bk_mapping *live_mapping(void)
{
	for (size_t i = 0; i < BK_MAX_MAPPINGS; i++)
		if (atomic_load(&bk_mappings[i].state) == BK_MAP_LIVE)
			return &bk_mappings[i];
	return NULL;
}

/* path loaded twice: read, then with mapping on */
static void load_both(const char *path, struct bk_btf **read_btf, struct bk_btf **mapped_btf)
{
	*read_btf = bkt_load(path, NULL);
	bk_map_large_inputs(true);
	*mapped_btf = bkt_load(path, NULL);
	bk_map_large_inputs(false);
}

/* both dump the same, and are freed with every mapping */
static void assert_same_dump_and_free(struct bk_btf *a, struct bk_btf *b, enum bk_dump_format fmt)
{
	char *at, *bt;
	size_t alen, blen;
	assert_int_equal(bk_dump_mem(a, fmt, &at, &alen), 0);
	assert_int_equal(bk_dump_mem(b, fmt, &bt, &blen), 0);
	assert_int_equal(alen, blen);
	assert_memory_equal(at, bt, alen);
	free(at);
	free(bt);
	bk_btf_free(a);
	bk_btf_free(b);
	assert_null(live_mapping());
}

static void test_vmlinux_mapped_same_dump(void **state)
{
	(void)state;
	struct bk_btf *read_btf, *mapped_btf;
	load_both(bkt_vmlinux("6.1.0-47-amd64"), &read_btf, &mapped_btf);
	struct bk_mapping *m = live_mapping();
	assert_non_null(m); /* the vmlinux is the one mapping */
	assert_true(m->fd >= 0);
	assert_same_dump_and_free(read_btf, mapped_btf, BK_DUMP_TEXT);
}

/* The running kernel's BTF in sysfs needs no lease (it cannot change):
 * mapped read-only where the kernel allows it (6.16 and later), else read;
 * the same dump either way. */
static void test_sysfs_vmlinux(void **state)
{
	(void)state;
	const char *path = "/sys/kernel/btf/vmlinux";
	if (access(path, R_OK))
		skip();
	struct bk_btf *read_btf, *mapped_btf;
	load_both(path, &read_btf, &mapped_btf);
	struct bk_mapping *m = live_mapping();
	if (m)
		assert_int_equal(m->fd, -1); /* no lease held */
	assert_same_dump_and_free(read_btf, mapped_btf, BK_DUMP_JSON);
}

/* A large compressed file is mapped, and let go once decompressed. */
static void test_compressed_mapping_released(void **state)
{
	(void)state;
	const char *plain = bkt_vmlinux("6.1.0-47-amd64"), *packed = bkt_tmp("vmlinux.xz");
	assert_int_equal(bkt_cmd("xz -0 -T1 -c '%s' > '%s'", plain, packed), 0);
	struct bk_file *f;
	struct bk_error err = {0};
	bk_map_large_inputs(true);
	int e = bk_file_open(packed, &f, &err);
	bk_map_large_inputs(false);
	assert_int_equal(e, 0);
	assert_null(live_mapping()); /* the compressed bytes were let go */
	size_t size, want_size;
	const void *data = bk_file_data(f, &size);
	char *want = bkt_read(plain, &want_size);
	assert_int_equal(size, want_size);
	assert_memory_equal(data, want, size);
	free(want);
	bk_file_close(f);
}

/* Another program writes the file (a new process: a fork of this one
 * would share the mapping, and with it the lease, until it execs), or
 * truncates it; both wait for the lease to be given back (timeout: not for
 * the 45 s of the kernel's lease-break-time, should it not be). */
static void run_writer(const char *path, bool truncate_only)
{
	int status = truncate_only ? bkt_cmd("timeout 5 perl -e 'truncate($ARGV[0], 0) or exit 1' '%s'", path)
				   : bkt_cmd("timeout 5 sh -c 'printf changed > \"$1\"' sh '%s'", path);
	assert_int_equal(status, 0);
}

static void check_writer_sees_copy(bool truncate_only)
{
	const char *path = bkt_tmp("big");
	size_t size;
	write_pattern(path, BIG, 3);
	bk_map_large_inputs(true);
	uint8_t *data = read_whole(path, &size);
	bk_map_large_inputs(false);
	struct bk_mapping *m = mapping_of(data);
	assert_non_null(m);
	assert_int_equal(size, BIG);
	run_writer(path, truncate_only);
	/* the handler copied the bytes and gave the lease back */
	assert_int_equal(m->fd, -1);
	assert_true(has_pattern(data, size, 3)); /* no SIGBUS, same bytes */
	size_t now;
	char *text = bkt_read(path, &now);
	assert_int_equal(now, truncate_only ? 0 : 7);
	free(text);
	bk_buf_free(data);
	assert_null(mapping_of(data));
}

static void test_writer_waits_for_copy(void **state)
{
	(void)state;
	check_writer_sees_copy(false);
}

static void test_truncate_waits_for_copy(void **state)
{
	(void)state;
	check_writer_sees_copy(true);
}

/* No lease while someone has the file open for writing: it is read. */
static void test_open_for_writing_is_read(void **state)
{
	(void)state;
	const char *path = bkt_tmp("busy");
	size_t size;
	write_pattern(path, BIG, 5);
	int wfd = open(path, O_WRONLY);
	assert_true(wfd >= 0);
	bk_map_large_inputs(true);
	uint8_t *data = read_whole(path, &size);
	bk_map_large_inputs(false);
	close(wfd);
	assert_null(mapping_of(data));
	assert_true(has_pattern(data, size, 5));
	bk_buf_free(data);
}

/* The size read before the lease must still be the file's under it: a
 * file cut short in between is not mapped (pages past its end) */
static void test_size_checked_under_lease(void **state)
{
	(void)state;
	const char *path = bkt_tmp("sized");
	write_pattern(path, BIG, 4);
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	bk_map_large_inputs(true);
	assert_null(bk_map_file(fd, BIG + 4096)); /* as if it had shrunk by a page */
	assert_null(live_mapping());
	uint8_t *data = bk_map_file(fd, BIG);
	bk_map_large_inputs(false);
	close(fd);
	assert_non_null(data);
	assert_true(has_pattern(data, BIG, 4));
	bk_buf_free(data);
	assert_null(live_mapping());
}

/* Small files are read; mapping off reads every file; past the last
 * free slot files are read too. */
static void test_small_off_and_full_are_read(void **state)
{
	(void)state;
	const char *small = bkt_tmp("small"), *big = bkt_tmp("big2");
	size_t size;
	write_pattern(small, 4096, 1);
	write_pattern(big, BIG, 2);
	uint8_t *data = read_whole(big, &size);
	assert_null(mapping_of(data));
	bk_buf_free(data);
	bk_map_large_inputs(true);
	data = read_whole(small, &size);
	assert_null(mapping_of(data));
	bk_buf_free(data);
	uint8_t *held[BK_MAX_MAPPINGS + 1];
	for (size_t i = 0; i <= BK_MAX_MAPPINGS; i++) {
		held[i] = read_whole(big, &size);
		assert_true(has_pattern(held[i], size, 2));
		if (i < BK_MAX_MAPPINGS)
			assert_non_null(mapping_of(held[i]));
		else
			assert_null(mapping_of(held[i]));
	}
	bk_map_large_inputs(false);
	for (size_t i = 0; i <= BK_MAX_MAPPINGS; i++)
		bk_buf_free(held[i]);
	for (size_t i = 0; i < BK_MAX_MAPPINGS; i++)
		assert_int_equal(atomic_load(&bk_mappings[i].state), BK_MAP_FREE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmlinux_mapped_same_dump),
		cmocka_unit_test(test_sysfs_vmlinux),
		cmocka_unit_test(test_compressed_mapping_released),
		cmocka_unit_test(test_writer_waits_for_copy),
		cmocka_unit_test(test_truncate_waits_for_copy),
		cmocka_unit_test(test_open_for_writing_is_read),
		cmocka_unit_test(test_size_checked_under_lease),
		cmocka_unit_test(test_small_off_and_full_are_read),
	};
	return cmocka_run_group_tests(tests, bkt_tmpdir_setup, bkt_tmpdir_teardown);
}
