// SPDX-License-Identifier: MIT
#include "support.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *next_buf(void)
{
	static char bufs[16][4096];
	static unsigned i;
	return bufs[i++ % 16];
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);
	return v && *v ? v : def;
}

static bool shared_has(const char *rel)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", env_or("SHARED", "../shared"), rel);
	return stat(path, &st) == 0;
}

bool bkt_have_corpus(void)
{
	return shared_has("corpus/sample.txt");
}

bool bkt_have_golden(void)
{
	return shared_has("golden");
}

static void need_shared_for(const char *rel);

void bkt_need_shared(void)
{
	need_shared_for("corpus");
	need_shared_for("golden");
}

/* The process that runs the tests: a skip in a child it forked would
 * longjmp into the child's copy of the test runner. */
static pid_t runner_pid;
__attribute__((constructor)) static void note_runner(void)
{
	runner_pid = getpid();
}

/* Skip the running test when the shared data that rel lies in is absent
 * (a checkout without ../shared): run.sh counts the skips and says how to
 * get the corpus. With the data present a missing file still fails. */
static void need_shared_for(const char *rel)
{
	bool golden = !strncmp(rel, "golden", 6);
	if (golden ? !bkt_have_golden() : !bkt_have_corpus()) {
		if (getpid() != runner_pid) {
			fprintf(stderr, "a forked child asked for %s without the corpus: call "
					"bkt_need_shared() in the test, before forking\n", rel);
			_exit(1);
		}
		print_message("needs %s (absent from %s)\n", golden ? "the goldens" : "the corpus",
			      env_or("SHARED", "../shared"));
		skip();
	}
}

const char *bkt_shared(const char *rel)
{
	need_shared_for(rel);
	char *b = next_buf();
	snprintf(b, 4096, "%s/%s", env_or("SHARED", "../shared"), rel);
	return b;
}

const char *bkt_data(const char *rel)
{
	need_shared_for(rel);
	char *b = next_buf();
	snprintf(b, 4096, "%s/%s", env_or("BK_TESTDATA", "build/testdata"), rel);
	return b;
}

bool bkt_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

const char *bkt_golden(const char *rel)
{
	char r[4096];
	snprintf(r, sizeof(r), "golden/%s", rel);
	const char *p = bkt_shared(r);
	return bkt_exists(p) ? p : bkt_data(r);
}

/* The corpus's "running" kernel is the project's machines' (corpus
 * README); a corpus made by scripts/get-corpus.sh elsewhere holds that
 * machine's kernel instead, named in vmlinux/running.RELEASE: the tests
 * that know the project's kernel (type counts, goldens) are skipped then. */
#define PROJECT_RUNNING_KERNEL "6.18.44-fc-v595"

static void need_project_running_kernel(void)
{
	char *release = bkt_read(bkt_shared("corpus/vmlinux/running.RELEASE"), NULL);
	if (release) {
		release[strcspn(release, "\n")] = '\0';
		if (strcmp(release, PROJECT_RUNNING_KERNEL)) {
			print_message("needs the corpus's running kernel %s (this corpus has %s's)\n",
				      PROJECT_RUNNING_KERNEL, release);
			free(release);
			skip();
		}
		free(release);
	}
}

const char *bkt_vmlinux(const char *kver)
{
	if (!strcmp(kver, "running"))
		need_project_running_kernel();
	char r[512];
	snprintf(r, sizeof(r), "vmlinux/%s.btf", kver);
	return bkt_data(r);
}

const char *bkt_module(const char *kver, const char *rel)
{
	char r[1024];
	snprintf(r, sizeof(r), "modules/%s/%s.btf", kver, rel);
	return bkt_data(r);
}

const char *bkt_tool(void)
{
	char *b = next_buf();
	snprintf(b, 4096, "%s/btfkit", env_or("BK_BUILD", "build"));
	return b;
}

const char *bkt_basename(const char *rel)
{
	const char *s = strrchr(rel, '/');
	return s ? s + 1 : rel;
}

size_t bkt_sample(const char ***paths)
{
	static const char *list[64];
	static size_t n;
	if (!n) {
		char *text = bkt_read(bkt_shared("corpus/sample.txt"), NULL);
		assert_non_null(text);
		for (char *line = strtok(text, "\n"); line && n < 64; line = strtok(NULL, "\n")) {
			if (line[0] == '#' || !line[0])
				continue;
			char *dot = strstr(line, ".ko");
			if (dot)
				*dot = '\0';
			list[n++] = line; /* text stays allocated for the process */
		}
	}
	*paths = list;
	return n;
}

static void walk(const char *root, const char *rel, char ***list, size_t *n, size_t *cap)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char sub[4096];
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		size_t l = strlen(sub);
		if (l > 4 && !strcmp(sub + l - 4, ".btf")) {
			if (*n == *cap) {
				*cap = *cap ? *cap * 2 : 1024;
				*list = realloc(*list, *cap * sizeof(**list));
			}
			sub[l - 4] = '\0';
			(*list)[(*n)++] = strdup(sub);
		} else if (e->d_type == DT_DIR) {
			walk(root, sub, list, n, cap);
		}
	}
	closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t bkt_corpus_modules(const char *kver, char ***paths)
{
	char rel[512];
	size_t n = 0, cap = 0, kept = 0;
	char **all = NULL;
	snprintf(rel, sizeof(rel), "modules/%s", kver);
	walk(bkt_data(rel), "", &all, &n, &cap);
	qsort(all, n, sizeof(*all), cmp_str);
	size_t stride = (size_t)atoi(env_or("BK_CORPUS_STRIDE", "1"));
	if (stride < 1)
		stride = 1;
	for (size_t i = 0; i < n; i++) {
		if (i % stride == 0)
			all[kept++] = all[i];
		else
			free(all[i]);
	}
	*paths = all;
	return kept;
}

void bkt_free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

char *bkt_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	size_t r;
	while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

struct bk_btf *bkt_load(const char *path, const struct bk_btf *base)
{
	struct bk_error err = {0};
	struct bk_btf *b = NULL;
	char msg[1200];
	if (bk_btf_load(path, base, &b, &err))
		fail_msg("loading %s: %s", path, bk_error_str(&err, msg, sizeof(msg)));
	return b;
}

const struct bk_btf *bkt_vmlinux_btf(const char *kver)
{
	static struct {
		char kver[64];
		struct bk_btf *btf;
	} cache[8];
	for (int i = 0; i < 8; i++) {
		if (cache[i].btf && !strcmp(cache[i].kver, kver))
			return cache[i].btf;
		if (!cache[i].btf) {
			snprintf(cache[i].kver, sizeof(cache[i].kver), "%s", kver);
			cache[i].btf = bkt_load(bkt_vmlinux(kver), NULL);
			return cache[i].btf;
		}
	}
	fail_msg("too many kernels");
	return NULL;
}

static void report_diff(const char *got, size_t got_len, const char *want, size_t want_len,
			const char *want_path)
{
	size_t i = 0, line = 1, bol = 0;
	while (i < got_len && i < want_len && got[i] == want[i]) {
		if (got[i] == '\n') {
			line++;
			bol = i + 1;
		}
		i++;
	}
	const char *ge = memchr(got + bol, '\n', got_len - bol);
	const char *we = memchr(want + bol, '\n', want_len - bol);
	int gl = (int)((ge ? (size_t)(ge - got) : got_len) - bol);
	int wl = (int)((we ? (size_t)(we - want) : want_len) - bol);
	fail_msg("%s: differs at line %zu (byte %zu; got %zu bytes, want %zu)\n got:  %.*s\n want: %.*s",
		 want_path, line, i, got_len, want_len, gl > 300 ? 300 : gl, got + bol,
		 wl > 300 ? 300 : wl, want + bol);
}

void bkt_assert_text_file(const char *got, size_t got_len, const char *want_path)
{
	size_t want_len;
	char *want = bkt_read(want_path, &want_len);
	if (!want)
		fail_msg("golden %s is missing", want_path);
	if (got_len != want_len || memcmp(got, want, got_len))
		report_diff(got, got_len, want, want_len, want_path);
	free(want);
}

void bkt_assert_bytes_file(const void *got, size_t got_len, const char *want_path)
{
	size_t want_len;
	char *want = bkt_read(want_path, &want_len);
	if (!want)
		fail_msg("golden %s is missing", want_path);
	if (got_len != want_len || memcmp(got, want, got_len)) {
		size_t i = 0;
		while (i < got_len && i < want_len && ((const char *)got)[i] == want[i])
			i++;
		free(want);
		fail_msg("%s: bytes differ at offset %zu (got %zu bytes, want %zu)", want_path, i,
			 got_len, want_len);
	}
	free(want);
}

char *bkt_run(const char *cmdline, int *status, size_t *out_len)
{
	FILE *p = popen(cmdline, "r");
	assert_non_null(p);
	size_t cap = 65536, n = 0, r;
	char *buf = malloc(cap + 1);
	while ((r = fread(buf + n, 1, cap - n, p)) > 0) {
		n += r;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
	}
	int st = pclose(p);
	buf[n] = '\0';
	if (status)
		*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (out_len)
		*out_len = n;
	return buf;
}

static char *vrun(int *status, size_t *out_len, const char *fmt, va_list ap)
{
	char cmd[8192];
	int n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		fail_msg("command line too long: %.80s...", cmd);
	return bkt_run(cmd, status, out_len);
}

char *bkt_runf(int *status, size_t *out_len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *out = vrun(status, out_len, fmt, ap);
	va_end(ap);
	return out;
}

int bkt_cmd(const char *fmt, ...)
{
	int st;
	va_list ap;
	va_start(ap, fmt);
	free(vrun(&st, NULL, fmt, ap));
	va_end(ap);
	return st;
}

int bkt_mkdtemp(char *dir, size_t len, const char *tag)
{
	snprintf(dir, len, "/tmp/btfkit-%s-XXXXXX", tag);
	return mkdtemp(dir) ? 0 : -1;
}

char bkt_tmpdir[256];

int bkt_tmpdir_setup(void **state)
{
	(void)state;
	return bkt_mkdtemp(bkt_tmpdir, sizeof(bkt_tmpdir), "test");
}

int bkt_tmpdir_teardown(void **state)
{
	(void)state;
	return bkt_rmtree(bkt_tmpdir);
}

const char *bkt_tmp(const char *name)
{
	static char bufs[8][512];
	static unsigned i;
	char *b = bufs[i++ % 8];
	snprintf(b, sizeof(bufs[0]), "%s/%s", bkt_tmpdir, name);
	return b;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int bkt_rmtree(const char *dir)
{
	return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
