// SPDX-License-Identifier: MIT
/*
 * Outputs that land as a set (bk_write_files, distill --base-out B
 * --split-out S): when the second output cannot be written (a file size
 * limit, a full file system), the first keeps its old bytes, nothing else
 * is left in either directory, and the error names the output that
 * failed. Failure cases run in a forked child (limits, mount namespaces);
 * a child that cannot set its case up exits 77 and the case is skipped,
 * saying why.
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/durable.h"
#include "support.h"

#define CHILD_SKIP 77
#define KVER "6.1.0-47-amd64"
#define MODULE "corpus/ko/crc16.nosig.ko"

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static bool holds(const char *path, const char *text)
{
	size_t len;
	char *got = bkt_read(path, &len);
	bool same = got && len == strlen(text) && !memcmp(got, text, len);
	free(got);
	return same;
}

/* entries of dir besides . and .. */
static int nr_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* Run fn in a child: its exit status 0 passes, CHILD_SKIP skips (why). */
static void in_child(int (*fn)(void), const char *needs)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn());
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == CHILD_SKIP) {
		printf("[  SKIP    ] needs %s\n", needs);
		return;
	}
	assert_int_equal(WEXITSTATUS(st), 0);
}

static char *big_text(size_t n)
{
	char *t = malloc(n + 1);
	assert_non_null(t);
	memset(t, 'x', n);
	t[n] = '\0';
	return t;
}

static void test_set_replaces_all(void **state)
{
	(void)state;
	const char *b = bkt_tmp("b"), *s = bkt_tmp("s"), *c = bkt_tmp("c");
	put(b, "old-b");
	put(s, "old-s");
	remove(c);
	struct bk_output outs[] = {{b, "new-b", 5}, {s, "new-s", 5}, {c, "new-c", 5}};
	struct bk_error err = {0};
	assert_int_equal(bk_write_files(outs, 3, &err), 0);
	assert_true(holds(b, "new-b"));
	assert_true(holds(s, "new-s"));
	assert_true(holds(c, "new-c"));
	assert_int_equal(nr_entries(bkt_tmpdir), 3);
	/* one path twice: refused before anything is written */
	struct bk_output twice[] = {{b, "x", 1}, {b, "y", 1}};
	assert_int_equal(bk_write_files(twice, 2, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "given twice"));
	assert_true(holds(b, "new-b"));
	remove(b);
	remove(s);
	remove(c);
}

/* The second output past RLIMIT_FSIZE: the first keeps its old bytes. */
static int size_limit_child(void)
{
	const char *b = bkt_tmp("b"), *s = bkt_tmp("s");
	char *big = big_text(8192);
	struct rlimit lim = {4096, 4096};
	put(b, "old-b");
	put(s, "old-s");
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &lim))
		return CHILD_SKIP;
	struct bk_output outs[] = {{b, "new-b", 5}, {s, big, 8192}};
	struct bk_error err = {0};
	int e = bk_write_files(outs, 2, &err);
	if (e != -EFBIG || !err.io || bk_error_exit_status(&err) != 2 || strcmp(err.file, s)) {
		fprintf(stderr, "bk_write_files: %d, io %d, file '%s': %s\n", e, err.io, err.file,
			err.msg);
		return 1;
	}
	if (!holds(b, "old-b") || !holds(s, "old-s") || nr_entries(bkt_tmpdir) != 2) {
		fprintf(stderr, "a target changed or a temporary was left (%d entries)\n",
			nr_entries(bkt_tmpdir));
		return 2;
	}
	remove(b);
	remove(s);
	return 0;
}

static void test_set_size_limit(void **state)
{
	(void)state;
	in_child(size_limit_child, "setrlimit(RLIMIT_FSIZE)");
}

/* distill --base-out B --split-out S, S failing: exit 2 naming S, B old. */
static int distill_pair(const char *b, const char *s, char **text)
{
	int st;
	*text = bkt_runf(&st, NULL, "%s distill -B %s %s --base-out %s --split-out %s 2>&1",
			 bkt_tool(), bkt_vmlinux(KVER), bkt_shared(MODULE), b, s);
	return st;
}

static int expect_pair_failed(const char *b, const char *s, const char *sdir)
{
	char *text;
	int st = distill_pair(b, s, &text);
	if (st != 2 || !strstr(text, s)) {
		fprintf(stderr, "distill: exit %d, '%s' (expected 2 naming %s)\n", st, text, s);
		return 1;
	}
	free(text);
	if (!holds(b, "old-b") || !holds(s, "old-s")) {
		fprintf(stderr, "%s or %s changed\n", b, s);
		return 2;
	}
	if (nr_entries(bkt_tmpdir) != 2 || /* b and s, or b and the tmpfs */
	    (sdir && nr_entries(sdir) != 2)) {
		fprintf(stderr, "temporaries left beside the targets\n");
		return 3;
	}
	return 0;
}

/* The blobs are 180 (B) and 315 (S) bytes: a 250-byte limit stops S. */
static int cli_size_limit_child(void)
{
	const char *b = bkt_tmp("b"), *s = bkt_tmp("s");
	struct rlimit lim = {250, 250};
	put(b, "old-b");
	put(s, "old-s");
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &lim))
		return CHILD_SKIP;
	int bad = expect_pair_failed(b, s, NULL);
	remove(b);
	remove(s);
	return bad;
}

static void test_cli_pair_size_limit(void **state)
{
	(void)state;
	const char *b = bkt_tmp("b"), *s = bkt_tmp("s");
	char *text;
	/* without the limit: both written, libbpf's blobs */
	assert_int_equal(distill_pair(b, s, &text), 0);
	free(text);
	size_t nb, ns;
	char *gb = bkt_read(bkt_golden("distill/crc16.base.btf"), &nb);
	char *gs = bkt_read(bkt_golden("distill/crc16.split.btf"), &ns);
	assert_true(nb < 250 && ns > 250); /* what the limit below relies on */
	bkt_assert_bytes_file(gb, nb, b);
	bkt_assert_bytes_file(gs, ns, s);
	free(gb);
	free(gs);
	in_child(cli_size_limit_child, "setrlimit(RLIMIT_FSIZE)");
}

/* S in a full tmpfs (a private mount namespace), B on the scratch disk. */
static int cli_full_fs_child(void)
{
	char full[300];
	snprintf(full, sizeof(full), "%s", bkt_tmp("full"));
	const char *b = bkt_tmp("b"), *s = bkt_tmp("full/s");
	if (mkdir(full, 0755) || unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", full, "tmpfs", 0, "size=64k"))
		return CHILD_SKIP;
	put(b, "old-b");
	put(s, "old-s");
	/* fill it */
	FILE *f = fopen(bkt_tmp("full/filler"), "w");
	char block[4096] = {0};
	while (f && fwrite(block, 1, sizeof(block), f) == sizeof(block) && !fflush(f))
		;
	if (f)
		fclose(f);
	int bad = expect_pair_failed(b, s, full);
	umount(full);
	remove(b);
	rmdir(full);
	return bad;
}

static void test_cli_pair_full_fs(void **state)
{
	(void)state;
	bkt_need_shared(); /* here, not in the child */
	in_child(cli_full_fs_child, "a tmpfs mounted in a mount namespace");
}

/* Set or clear the immutable attribute; false where that is not allowed. */
static bool set_immutable(const char *path, bool on)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), flags = 0;
	bool ok = fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
	flags = on ? flags | FS_IMMUTABLE_FL : flags & ~FS_IMMUTABLE_FL;
	ok = ok && ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* The last rename fails (S is immutable: it can be neither linked nor
 * replaced): B, already renamed into place, is put back from its old name. */
static void test_failed_rename_undone(void **state)
{
	(void)state;
	const char *b = bkt_tmp("b"), *s = bkt_tmp("s");
	put(b, "old-b");
	put(s, "old-s");
	if (!set_immutable(s, true)) {
		printf("[  SKIP    ] needs the immutable attribute (root, ext4/tmpfs)\n");
		remove(b);
		remove(s);
		return;
	}
	struct bk_output outs[] = {{b, "new-b", 5}, {s, "new-s", 5}};
	struct bk_error err = {0};
	int e = bk_write_files(outs, 2, &err);
	set_immutable(s, false);
	assert_int_equal(e, -EPERM);
	assert_true(err.io);
	assert_string_equal(err.file, s);
	assert_true(holds(b, "old-b"));
	assert_true(holds(s, "old-s"));
	assert_int_equal(nr_entries(bkt_tmpdir), 2);
	remove(b);
	remove(s);
}

/* The options text /proc/fs/ext4/DEV/options shows (one a line), cut to
 * the lines that matter: a journal's data= mode, or none without one. */
static void test_ext4_options_tell_the_journal(void **state)
{
	(void)state;
	assert_true(bk_ext4_options_order_data("rw\nbarrier\ndata=ordered\nauto_da_alloc\n"));
	assert_true(bk_ext4_options_order_data("rw\ndata=writeback"));
	assert_false(bk_ext4_options_order_data("rw\ndata=journal\n"));
	/* ext4 without a journal (and ext2): no data= line at all */
	assert_false(bk_ext4_options_order_data("rw\nbsddf\nbarrier\nauto_da_alloc\n"));
	assert_false(bk_ext4_options_order_data("rw\nxdata=ordered\n"));
	assert_false(bk_ext4_options_order_data("data=ordered_x\n"));
	assert_false(bk_ext4_options_order_data(""));
	/* tmpfs: not ext4, fdatasync (free there) a file */
	int fd = open("/dev/shm", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		assert_false(bk_fs_orders_data(fd));
		close(fd);
	}
}

/* mkfs.ext4 OPTS on a 16 MiB image, loop-mounted at dir (in this child's
 * own mount namespace): false where that cannot be done. */
static bool mount_ext4(const char *img, const char *dir, const char *opts)
{
	char cmd[2400];
	snprintf(cmd, sizeof(cmd), "truncate -s 16M '%s' && mkfs.ext4 -q -F %s '%s' >/dev/null 2>&1 "
		 "&& mount -o loop '%s' '%s' 2>/dev/null", img, opts, img, img, dir);
	return system(cmd) == 0;
}

/* One ext4 with a journal, one without: the probe tells them apart, and a
 * set lands whole on both (on the first, its data only waited for, then
 * made durable by the directory's fsync; on the second, fdatasync'd). */
static int ext4_child(void)
{
	char dir[300], img[320];
	int bad = 0;
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return CHILD_SKIP;
	for (int journal = 1; journal >= 0 && !bad; journal--) {
		snprintf(dir, sizeof(dir), "%s", bkt_tmp(journal ? "j" : "nj"));
		snprintf(img, sizeof(img), "%s.img", dir);
		if (mkdir(dir, 0755) || !mount_ext4(img, dir, journal ? "" : "-O ^has_journal"))
			return CHILD_SKIP;
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		bad |= fd < 0 || bk_fs_orders_data(fd) != journal;
		if (fd >= 0)
			close(fd);
		char b[320], s[320];
		snprintf(b, sizeof(b), "%s/b", dir);
		snprintf(s, sizeof(s), "%s/s", dir);
		put(b, "old-b");
		struct bk_output outs[] = {{b, "new-b", 5}, {s, "new-s", 5}};
		struct bk_error err = {0};
		bad |= bk_write_files(outs, 2, &err) != 0 || !holds(b, "new-b") ||
		       !holds(s, "new-s") || nr_entries(dir) != 3; /* b, s, lost+found */
		umount(dir);
		remove(img);
		rmdir(dir);
	}
	return bad;
}

static void test_set_on_ext4_with_and_without_journal(void **state)
{
	(void)state;
	in_child(ext4_child, "mkfs.ext4 and a loop mount in a mount namespace (root)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_replaces_all),
		cmocka_unit_test(test_set_size_limit),
		cmocka_unit_test(test_failed_rename_undone),
		cmocka_unit_test(test_cli_pair_size_limit),
		cmocka_unit_test(test_cli_pair_full_fs),
		cmocka_unit_test(test_ext4_options_tell_the_journal),
		cmocka_unit_test(test_set_on_ext4_with_and_without_journal),
	};
	return cmocka_run_group_tests(tests, bkt_tmpdir_setup, bkt_tmpdir_teardown);
}
