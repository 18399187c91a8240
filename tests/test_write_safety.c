// SPDX-License-Identifier: MIT
/*
 * Fault-safe output (bk_write_file and the CLI's -o): whatever goes wrong
 * (a directory the process may not write, a read-only or full file system,
 * a file size limit, the process killed in the middle), the old file keeps
 * its bytes and no temporary file is left in the directory.
 *
 * CI runs as root, which permission bits do not stop: the cases that need
 * an unprivileged process or a mount run in a forked child that drops to
 * "nobody" or unshares a mount namespace; they are skipped, saying why,
 * where the system does not allow that.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#define NOBODY 65534
/* a child's exit status meaning "cannot set this case up here" */
#define CHILD_SKIP 77

struct scratch {
	char dir[256];
	char path[320]; /* dir/out.btf: the file being replaced */
};

static void scratch_init(struct scratch *s)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(s->dir, sizeof(s->dir), "%s/bk-write-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->path, sizeof(s->path), "%s/out.btf", s->dir);
}

static void scratch_remove(struct scratch *s)
{
	DIR *d = opendir(s->dir);
	struct dirent *e;
	char p[600];
	if (d) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
				snprintf(p, sizeof(p), "%s/%s", s->dir, e->d_name);
				unlink(p);
			}
		closedir(d);
	}
	rmdir(s->dir);
}

/* The names in dir other than keep (NULL: none allowed), joined; "" when none. */
static const char *strays(const char *dir, const char *keep)
{
	static char found[1024];
	DIR *d = opendir(dir);
	struct dirent *e;
	found[0] = '\0';
	if (!d)
		return "(cannot list the directory)";
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    (keep && !strcmp(e->d_name, keep)))
			continue;
		size_t l = strlen(found);
		snprintf(found + l, sizeof(found) - l, "%s%s", l ? ", " : "", e->d_name);
	}
	closedir(d);
	return found;
}

/* Content that tells versions apart: every byte depends on seed. */
static uint8_t *pattern(size_t size, unsigned seed)
{
	uint8_t *p = malloc(size);
	assert_non_null(p);
	for (size_t i = 0; i < size; i++)
		p[i] = (uint8_t)(seed * 131 + i * 7 + (i >> 12));
	return p;
}

static void put_file(const char *path, const void *data, size_t size, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, size), (ssize_t)size);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* 0 when path holds exactly data */
static int differs(const char *path, const void *data, size_t size)
{
	size_t len;
	char *got = bkt_read(path, &len);
	int d = !got || len != size || memcmp(got, data, size);
	free(got);
	return d;
}

/* What each failure case checks: the call failed with the expected errno
 * as an I/O error naming the file, the old bytes are there, nothing else
 * is in the directory. In a child, so failures are exit codes. */
static int check_failed_write(const struct scratch *s, const void *old, size_t old_size,
			      const void *data, size_t size, int want)
{
	struct bk_error err = {0};
	int e = bk_write_file(s->path, data, size, &err);
	if (e != -want) {
		fprintf(stderr, "bk_write_file: %d (%s), expected %d\n", e, err.msg, -want);
		return 1;
	}
	if (!err.io || bk_error_exit_status(&err) != 2 || strcmp(err.file, s->path) ||
	    !strstr(err.msg, strerror(want))) {
		fprintf(stderr, "error record: io=%d file='%s' msg='%s'\n", err.io, err.file, err.msg);
		return 2;
	}
	if (differs(s->path, old, old_size)) {
		fprintf(stderr, "%s: the old content was changed\n", s->path);
		return 3;
	}
	if (*strays(s->dir, "out.btf")) {
		fprintf(stderr, "left in %s: %s\n", s->dir, strays(s->dir, "out.btf"));
		return 4;
	}
	return 0;
}

/* Run fn in a child; returns its exit status (CHILD_SKIP: skipped). */
static int in_child(int (*fn)(struct scratch *, void *), struct scratch *s, void *arg)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn(s, arg));
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status))
		fail_msg("the child died with signal %d", WTERMSIG(status));
	return WEXITSTATUS(status);
}

static void expect_child(int status, const char *what)
{
	if (status == CHILD_SKIP) {
		print_message("skipped: %s is not possible here\n", what);
		skip();
	}
	if (status)
		fail_msg("%s: check %d failed (see stderr)", what, status);
}

/* ---- the happy paths: content, mode, no leftovers --------------------- */

static void test_replaces_keeping_mode(void **state)
{
	(void)state;
	struct scratch s;
	struct bk_error err = {0};
	scratch_init(&s);
	uint8_t *old = pattern(1000, 1), *new = pattern(5000, 2);
	put_file(s.path, old, 1000, 0640);
	assert_int_equal(bk_write_file(s.path, new, 5000, &err), 0);
	assert_false(differs(s.path, new, 5000));
	struct stat st;
	assert_int_equal(stat(s.path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_string_equal(strays(s.dir, "out.btf"), "");
	/* a new file: 0666 less the umask */
	mode_t old_umask = umask(022);
	assert_int_equal(unlink(s.path), 0);
	assert_int_equal(bk_write_file(s.path, old, 1000, &err), 0);
	umask(old_umask);
	assert_int_equal(stat(s.path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_false(differs(s.path, old, 1000));
	/* an empty output is a file too */
	assert_int_equal(bk_write_file(s.path, "", 0, &err), 0);
	assert_int_equal(stat(s.path, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_string_equal(strays(s.dir, "out.btf"), "");
	free(old);
	free(new);
	scratch_remove(&s);
}

static void test_missing_directory(void **state)
{
	(void)state;
	struct bk_error err = {0};
	char path[400];
	struct scratch s;
	scratch_init(&s);
	snprintf(path, sizeof(path), "%s/no/such/dir/out.btf", s.dir);
	assert_int_equal(bk_write_file(path, "x", 1, &err), -ENOENT);
	assert_true(err.io);
	assert_int_equal(bk_error_exit_status(&err), 2);
	assert_string_equal(err.file, path);
	assert_string_equal(strays(s.dir, NULL), "");
	scratch_remove(&s);
}

/* The target is a directory: rename cannot replace it; nothing is left. */
static void test_target_is_a_directory(void **state)
{
	(void)state;
	struct bk_error err = {0};
	struct scratch s;
	scratch_init(&s);
	assert_int_equal(mkdir(s.path, 0755), 0);
	assert_int_equal(bk_write_file(s.path, "data", 4, &err), -EISDIR);
	assert_true(err.io);
	assert_string_equal(strays(s.dir, "out.btf"), "");
	struct stat st;
	assert_int_equal(stat(s.path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	rmdir(s.path);
	scratch_remove(&s);
}

/* ---- a directory the process may not write ----------------------------- */

static int write_as_nobody(struct scratch *s, void *arg)
{
	(void)arg;
	uint8_t *old = pattern(4096, 3), *new = pattern(8192, 4);
	if (geteuid() == 0 && (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)))
		return CHILD_SKIP;
	if (geteuid() == 0)
		return CHILD_SKIP; /* still privileged: the bits would not stop us */
	return check_failed_write(s, old, 4096, new, 8192, EACCES);
}

static void test_unwritable_directory(void **state)
{
	(void)state;
	struct scratch s;
	scratch_init(&s);
	uint8_t *old = pattern(4096, 3);
	put_file(s.path, old, 4096, 0644);
	/* readable and searchable by anyone, writable by its owner only; for a
	 * non-root run, not even by its owner */
	assert_int_equal(chmod(s.dir, geteuid() == 0 ? 0755 : 0555), 0);
	int status = in_child(write_as_nobody, &s, NULL);
	chmod(s.dir, 0700);
	free(old);
	scratch_remove(&s);
	expect_child(status, "dropping privileges to nobody");
}

/* ---- mounts: a read-only and a full file system ------------------------ */

/* In a private mount namespace, a small tmpfs over the scratch directory. */
static int mount_scratch(const struct scratch *s, const char *opts)
{
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", s->dir, "tmpfs", 0, opts))
		return -1;
	return 0;
}

static int write_on_read_only_fs(struct scratch *s, void *arg)
{
	(void)arg;
	uint8_t *old = pattern(3000, 5), *new = pattern(6000, 6);
	if (mount_scratch(s, "size=1m"))
		return CHILD_SKIP;
	put_file(s->path, old, 3000, 0644);
	if (mount(NULL, s->dir, NULL, MS_REMOUNT | MS_RDONLY, NULL))
		return CHILD_SKIP;
	return check_failed_write(s, old, 3000, new, 6000, EROFS);
}

static void test_read_only_file_system(void **state)
{
	(void)state;
	struct scratch s;
	scratch_init(&s);
	int status = in_child(write_on_read_only_fs, &s, NULL);
	scratch_remove(&s);
	expect_child(status, "mounting a read-only tmpfs in a mount namespace");
}

static int write_on_full_fs(struct scratch *s, void *arg)
{
	(void)arg;
	uint8_t *old = pattern(8192, 7), *big = pattern(1 << 20, 8);
	struct statvfs before, after;
	if (mount_scratch(s, "size=256k"))
		return CHILD_SKIP;
	put_file(s->path, old, 8192, 0644);
	if (statvfs(s->dir, &before))
		return 10;
	int bad = check_failed_write(s, old, 8192, big, 1 << 20, ENOSPC);
	/* the unnamed temporary's blocks are given back, too */
	if (!bad && (statvfs(s->dir, &after) || after.f_bfree != before.f_bfree)) {
		fprintf(stderr, "free blocks %lu before, %lu after\n",
			(unsigned long)before.f_bfree, (unsigned long)after.f_bfree);
		bad = 11;
	}
	return bad;
}

static void test_full_file_system(void **state)
{
	(void)state;
	struct scratch s;
	scratch_init(&s);
	int status = in_child(write_on_full_fs, &s, NULL);
	scratch_remove(&s);
	expect_child(status, "mounting a 256 KiB tmpfs in a mount namespace");
}

/* RLIMIT_FSIZE: needs no privilege; with SIGXFSZ ignored, write() fails EFBIG. */
static int write_past_size_limit(struct scratch *s, void *arg)
{
	(void)arg;
	uint8_t *old = pattern(2048, 9), *big = pattern(1 << 20, 10);
	struct rlimit lim = {64 << 10, 64 << 10};
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &lim))
		return CHILD_SKIP;
	return check_failed_write(s, old, 2048, big, 1 << 20, EFBIG);
}

static void test_file_size_limit(void **state)
{
	(void)state;
	struct scratch s;
	scratch_init(&s);
	uint8_t *old = pattern(2048, 9);
	put_file(s.path, old, 2048, 0644);
	int status = in_child(write_past_size_limit, &s, NULL);
	free(old);
	scratch_remove(&s);
	expect_child(status, "setting RLIMIT_FSIZE");
}

/* ---- through the CLI ------------------------------------------------------ */

struct cli_case {
	const char *what;
	char cmd[2048];
};

/* The commands that write files, each writing dir/out.btf (distill also
 * dir/split.btf); stderr goes to err_path. */
static size_t cli_cases(const struct scratch *s, const char *err_path, struct cli_case *c)
{
	const char *tool = bkt_tool();
	size_t n = 0;
	c[n].what = "extract";
	snprintf(c[n++].cmd, sizeof(c->cmd), "%s extract %s -o %s 2>%s", tool,
		 bkt_shared("corpus/ko/crc16.ko"), s->path, err_path);
	c[n].what = "asm";
	snprintf(c[n++].cmd, sizeof(c->cmd), "%s asm -o %s %s 2>%s", tool, s->path,
		 bkt_golden("examples/kinds_base.txt"), err_path);
	c[n].what = "distill";
	snprintf(c[n++].cmd, sizeof(c->cmd),
		 "%s distill -B %s %s --base-out %s --split-out %s/split.btf 2>%s", tool,
		 bkt_vmlinux("6.1.0-47-amd64"), bkt_shared("corpus/ko/crc16.ko"), s->path, s->dir,
		 err_path);
	c[n].what = "relocate";
	snprintf(c[n++].cmd, sizeof(c->cmd), "%s relocate -B %s --dist-base %s -o %s %s >/dev/null 2>%s",
		 tool, bkt_golden("examples/doc_new_base.btf"),
		 bkt_golden("examples/doc_dist_base.btf"), s->path,
		 bkt_golden("examples/doc_split_distilled.btf"), err_path);
	return n;
}

static int run_status(const char *cmd)
{
	int st = system(cmd);
	return st == -1 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Each command works on the writable tmpfs (so that a refusal later means
 * something), then, the tmpfs made read-only, fails with status 2 and a
 * message naming the output, leaving the old file and nothing else. */
static int cli_on_read_only_fs(struct scratch *s, void *arg)
{
	(void)arg;
	struct cli_case cases[8];
	char err_path[] = "/tmp/bk-cli-err-XXXXXX", split[400];
	uint8_t *old = pattern(1000, 11);
	int fd = mkstemp(err_path);
	if (fd < 0 || mount_scratch(s, "size=8m"))
		return CHILD_SKIP;
	close(fd);
	size_t n = cli_cases(s, err_path, cases);
	snprintf(split, sizeof(split), "%s/split.btf", s->dir);
	for (size_t i = 0; i < n; i++) {
		int st = run_status(cases[i].cmd);
		if (st) {
			fprintf(stderr, "%s: exit %d on a writable directory: %s\n", cases[i].what, st,
				cases[i].cmd);
			return 20;
		}
		unlink(split);
	}
	put_file(s->path, old, 1000, 0644);
	if (mount(NULL, s->dir, NULL, MS_REMOUNT | MS_RDONLY, NULL))
		return CHILD_SKIP;
	for (size_t i = 0; i < n; i++) {
		int st = run_status(cases[i].cmd);
		char *msg = bkt_read(err_path, NULL);
		if (st != 2 || !msg || !strstr(msg, s->dir)) {
			fprintf(stderr, "%s on a read-only directory: exit %d, stderr '%s'\n",
				cases[i].what, st, msg ? msg : "");
			return 21;
		}
		free(msg);
		if (differs(s->path, old, 1000) || *strays(s->dir, "out.btf")) {
			fprintf(stderr, "%s: old file changed or left: '%s'\n", cases[i].what,
				strays(s->dir, "out.btf"));
			return 22;
		}
	}
	unlink(err_path);
	return 0;
}

static void test_cli_read_only_directory(void **state)
{
	(void)state;
	bkt_need_shared(); /* here, not in the child */
	struct scratch s;
	scratch_init(&s);
	int status = in_child(cli_on_read_only_fs, &s, NULL);
	scratch_remove(&s);
	expect_child(status, "mounting a read-only tmpfs in a mount namespace");
}

/* extract a 4 MiB vmlinux blob into a 1 MiB tmpfs */
static int cli_on_full_fs(struct scratch *s, void *arg)
{
	(void)arg;
	char cmd[2048];
	uint8_t *old = pattern(1000, 12);
	if (mount_scratch(s, "size=1m"))
		return CHILD_SKIP;
	put_file(s->path, old, 1000, 0644);
	snprintf(cmd, sizeof(cmd), "%s extract %s -o %s 2>/dev/null", bkt_tool(),
		 bkt_vmlinux("6.1.0-47-amd64"), s->path);
	int st = run_status(cmd);
	if (st != 2) {
		fprintf(stderr, "extract onto a full file system: exit %d\n", st);
		return 23;
	}
	if (differs(s->path, old, 1000) || *strays(s->dir, "out.btf")) {
		fprintf(stderr, "old file changed or left: '%s'\n", strays(s->dir, "out.btf"));
		return 24;
	}
	return 0;
}

static void test_cli_full_file_system(void **state)
{
	(void)state;
	bkt_need_shared(); /* here, not in the child */
	struct scratch s;
	scratch_init(&s);
	int status = in_child(cli_on_full_fs, &s, NULL);
	scratch_remove(&s);
	expect_child(status, "mounting a 1 MiB tmpfs in a mount namespace");
}

/* Temporaries left by writers killed between naming and renaming are
 * removed by the next write to the same file; a live writer's are not. */
static void test_stale_temporaries_removed(void **state)
{
	(void)state;
	struct scratch s;
	struct bk_error err = {0};
	char dead[512], live[512], other[512];
	scratch_init(&s);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid); /* pid is now no process */
	snprintf(dead, sizeof(dead), "%s.btfkit-%d-0", s.path, (int)pid);
	snprintf(live, sizeof(live), "%s.btfkit-%d-0", s.path, (int)getppid());
	snprintf(other, sizeof(other), "%s/other.btf.btfkit-%d-0", s.dir, (int)pid);
	const char *names[] = {dead, live, other};
	for (int i = 0; i < 3; i++) {
		FILE *f = fopen(names[i], "w");
		assert_non_null(f);
		fclose(f);
	}
	assert_int_equal(bk_write_file(s.path, "new", 3, &err), 0);
	assert_false(bkt_exists(dead));
	assert_true(bkt_exists(live));  /* its writer may still rename it */
	assert_true(bkt_exists(other)); /* another file's: not this write's business */
	unlink(live);
	unlink(other);
	scratch_remove(&s);
}

/* ---- killed in the middle ----------------------------------------------- */

#define KILL_SIZE (8u << 20)
#define KILL_ROUNDS 40

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A child replaces an 8 MiB file with the other of two versions, and is
 * killed with SIGKILL after a random delay up to a little more than one
 * write takes. Each time the file must be the old version or the whole
 * new one, and nothing else may be in the directory but, when the kill
 * fell between naming and renaming, the whole new version under a
 * temporary name that the next write removes.
 */
static void test_killed_mid_write(void **state)
{
	(void)state;
	struct scratch s;
	struct bk_error err = {0};
	unsigned seed = (unsigned)time(NULL);
	uint8_t *versions[2] = {pattern(KILL_SIZE, 100), pattern(KILL_SIZE, 101)};
	scratch_init(&s);
	double t0 = now();
	assert_int_equal(bk_write_file(s.path, versions[0], KILL_SIZE, &err), 0);
	double one_write = now() - t0;
	unsigned current = 0, kept_old = 0, got_new = 0, named_left = 0;
	srand(seed);
	for (unsigned r = 1; r <= KILL_ROUNDS; r++) {
		unsigned next = current ^ 1;
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			_exit(bk_write_file(s.path, versions[next], KILL_SIZE, NULL) ? 1 : 0);
		useconds_t delay = (useconds_t)(one_write * 1.2e6 * rand() / RAND_MAX);
		usleep(delay);
		kill(pid, SIGKILL);
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!differs(s.path, versions[next], KILL_SIZE)) {
			current = next;
			got_new++;
		} else if (!differs(s.path, versions[current], KILL_SIZE)) {
			kept_old++;
		} else {
			fail_msg("round %u (seed %u, killed after %u us): the file is neither the "
				 "old version nor the new one", r, seed, (unsigned)delay);
		}
		/* SIGKILL in the microseconds between naming the new file and
		 * renaming it may leave that name: it must hold the whole new
		 * version, and the next write must remove it */
		const char *left = strays(s.dir, "out.btf");
		if (*left) {
			char stray[sizeof(s.dir) + 1100];
			snprintf(stray, sizeof(stray), "%s/%s", s.dir, left);
			if (!strstr(left, "out.btf.btfkit-") || strchr(left, ',') ||
			    differs(stray, versions[next], KILL_SIZE))
				fail_msg("round %u (seed %u, killed after %u us): left behind: %s", r,
					 seed, (unsigned)delay, left);
			named_left++;
			assert_int_equal(bk_write_file(s.path, versions[current], KILL_SIZE, &err), 0);
			if (*strays(s.dir, "out.btf"))
				fail_msg("round %u: the next write did not remove %s", r,
					 strays(s.dir, "out.btf"));
		}
	}
	print_message("killed %u writers (one write: %.1f ms): %u left the old file, %u had "
		      "finished, %u were killed between naming and renaming\n", KILL_ROUNDS,
		      one_write * 1e3, kept_old, got_new, named_left);
	/* the test means something only if some kills landed mid-write */
	assert_true(kept_old > 0);
	free(versions[0]);
	free(versions[1]);
	scratch_remove(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replaces_keeping_mode),
		cmocka_unit_test(test_missing_directory),
		cmocka_unit_test(test_target_is_a_directory),
		cmocka_unit_test(test_unwritable_directory),
		cmocka_unit_test(test_read_only_file_system),
		cmocka_unit_test(test_full_file_system),
		cmocka_unit_test(test_file_size_limit),
		cmocka_unit_test(test_stale_temporaries_removed),
		cmocka_unit_test(test_killed_mid_write),
		cmocka_unit_test(test_cli_read_only_directory),
		cmocka_unit_test(test_cli_full_file_system),
	};
	return cmocka_run_group_tests_name("fault-safe writes", tests, NULL, NULL);
}
