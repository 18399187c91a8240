// SPDX-License-Identifier: MIT
/*
 * btfkit check over whole module sets. Every Debian 6.1.0-47 module is
 * checked against 6.1.0-56, 6.12.117 and the running kernel with the real
 * tool, and each module's verdict is compared with a deliberately simple
 * re-implementation of btfkit's matching rule written here: a sorted name
 * table searched with bsearch, and the rules spelled out one by one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

/* ---- the simple re-implementation -------------------------------------------- */

struct named {
	const char *name;
	uint32_t id;
};

struct table {
	const struct bk_btf *btf;
	struct named *v;
	size_t n;
};

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static void table_build(struct table *t, const struct bk_btf *btf)
{
	t->btf = btf;
	t->v = calloc(bk_btf_type_cnt(btf), sizeof(*t->v));
	t->n = 0;
	for (uint32_t id = 1; id < bk_btf_type_cnt(btf); id++) {
		const char *name = bk_btf_str(btf, bk_btf_type(btf, id)->name_off);
		if (name && *name)
			t->v[t->n++] = (struct named){name, id};
	}
	qsort(t->v, t->n, sizeof(*t->v), cmp_named);
}

/* all entries named so: [*first, *first + count) */
static size_t table_find(const struct table *t, const char *name, size_t *first)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(t->v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < t->n && !strcmp(t->v[end].name, name))
		end++;
	*first = lo;
	return end - lo;
}

static bool composite(unsigned k) { return k == BK_KIND_STRUCT || k == BK_KIND_UNION; }

static uint32_t int_enc(const struct bk_type *t)
{
	return bk_int_encoding(*(const uint32_t *)(t + 1));
}

/* Is dist type d (of split) held in place by a split STRUCT/UNION member? */
static bool embedded(const struct bk_btf *split, uint32_t d)
{
	for (uint32_t id = bk_btf_start_id(split); id < bk_btf_type_cnt(split); id++) {
		const struct bk_type *t = bk_btf_type(split, id);
		if (!composite(bk_kind(t)))
			continue;
		const struct bk_member *m = (const void *)(t + 1);
		for (uint32_t k = 0; k < bk_vlen(t); k++) {
			uint32_t cur = m[k].type;
			for (int hops = 0; cur && hops < 1000; hops++) {
				const struct bk_type *c = bk_btf_type(split, cur);
				unsigned ck = bk_kind(c);
				if (ck == BK_KIND_ARRAY)
					cur = ((const struct bk_array *)(c + 1))->type;
				else if (ck == BK_KIND_CONST || ck == BK_KIND_VOLATILE ||
					 ck == BK_KIND_RESTRICT || ck == BK_KIND_TYPEDEF ||
					 ck == BK_KIND_TYPE_TAG)
					cur = c->type;
				else {
					if (composite(ck) && cur == d)
						return true;
					break;
				}
			}
		}
	}
	return false;
}

/* btfkit's rule for one candidate b of distilled type d */
static bool accepts(const struct bk_type *d, const struct bk_type *b, bool emb,
		    size_t composites_of_name)
{
	unsigned dk = bk_kind(d), k = bk_kind(b);
	if (composite(k) && composites_of_name > 1 && b->size != d->size)
		return false;
	if (dk == BK_KIND_INT)
		return k == BK_KIND_INT && b->size == d->size && int_enc(b) == int_enc(d);
	if (dk == BK_KIND_FLOAT)
		return k == BK_KIND_FLOAT && b->size == d->size;
	if (dk == BK_KIND_ENUM)
		return (k == BK_KIND_ENUM || k == BK_KIND_ENUM64) && b->size == d->size;
	if (dk == BK_KIND_FWD) {
		bool is_union = bk_kflag(d);
		if (k == BK_KIND_FWD)
			return bk_kflag(b) == is_union;
		return k == (is_union ? BK_KIND_UNION : BK_KIND_STRUCT);
	}
	/* STRUCT / UNION */
	if (k == dk)
		return !emb || b->size == d->size;
	return k == BK_KIND_FWD && !emb && bk_kflag(b) == (dk == BK_KIND_UNION);
}

static bool simple_relocates(const struct bk_btf *split, const struct table *kernel)
{
	const struct bk_btf *dist = bk_btf_base(split);
	for (uint32_t d = 1; d < bk_btf_type_cnt(dist); d++) {
		const struct bk_type *dt = bk_btf_type(dist, d);
		size_t first, n = table_find(kernel, bk_btf_str(dist, dt->name_off), &first);
		size_t composites = 0, hits = 0;
		bool emb = composite(bk_kind(dt)) && embedded(split, d);
		for (size_t i = 0; i < n; i++)
			composites += composite(bk_kind(bk_btf_type(kernel->btf, kernel->v[first + i].id)));
		for (size_t i = 0; i < n; i++)
			hits += accepts(dt, bk_btf_type(kernel->btf, kernel->v[first + i].id), emb,
					composites);
		if (hits != 1)
			return false;
	}
	return true;
}

/* ---- the tool's verdicts ------------------------------------------------------ */

static size_t json_count(const char *text, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	const char *s = strstr(text, "{\"summary\":");
	assert_non_null(s);
	const char *p = strstr(s, pat);
	assert_non_null(p);
	return (size_t)strtoul(p + strlen(pat), NULL, 10);
}

struct verdict {
	char *module, *status;
};

static int cmp_verdict(const void *a, const void *b)
{
	return strcmp(((const struct verdict *)a)->module, ((const struct verdict *)b)->module);
}

/* Split check's JSON Lines in place into (module, status), sorted. */
static size_t parse_verdicts(char *out, struct verdict **v)
{
	size_t n = 0, cap = 1024;
	*v = malloc(cap * sizeof(**v));
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char *m = strstr(line, "{\"module\":\""), *st = strstr(line, "\"status\":\"");
		if (!m || !st)
			continue;
		m += 11;
		st += 10;
		*strchr(m, '"') = '\0';
		*strchr(st, '"') = '\0';
		if (n == cap)
			*v = realloc(*v, (cap *= 2) * sizeof(**v));
		(*v)[n++] = (struct verdict){m, st};
	}
	qsort(*v, n, sizeof(**v), cmp_verdict);
	return n;
}

static const char *kver_src = "6.1.0-47-amd64";

static void check_against(const char *target)
{
	char cmd[8192];
	int status;
	/* the matching rules alone: these modules have no .BTF.base, so one
	 * that relocates needs rewriting whatever the kernel (even one that
	 * relocates at load: it does so only through a .BTF.base) */
	snprintf(cmd, sizeof(cmd), "%s check -j --kernel-relocates yes -B %s --built-against %s %s",
		 bkt_tool(), bkt_vmlinux(target), bkt_vmlinux(kver_src),
		 bkt_data("modules/6.1.0-47-amd64"));
	char *out = bkt_run(cmd, &status, NULL);
	size_t relocates = json_count(out, "needs-rewrite"), fails = json_count(out, "fails");
	assert_int_equal(json_count(out, "relocates"), 0);

	/* the same verdicts computed here, module by module */
	const struct bk_btf *src = bkt_vmlinux_btf(kver_src);
	struct table kernel;
	table_build(&kernel, bkt_vmlinux_btf(target));
	char **mods;
	size_t n = bkt_corpus_modules(kver_src, &mods), want_ok = 0, seen = 0;
	struct verdict *v = NULL;
	size_t nv = parse_verdicts(out, &v);
	for (size_t i = 0; i < n; i++) {
		struct bk_btf *full = bkt_load(bkt_module(kver_src, mods[i]), src), *dist, *split;
		struct bk_error err = {0};
		if (bk_distill(full, &dist, &split, &err))
			fail_msg("%s: distill failed", mods[i]);
		bool ok = simple_relocates(split, &kernel);
		want_ok += ok;
		bk_btf_free(split);
		bk_btf_free(dist);
		bk_btf_free(full);
		/* the tool's verdict on the same file */
		char key[4096];
		snprintf(key, sizeof(key), "%s", bkt_module(kver_src, mods[i]));
		struct verdict k = {.module = key}, *got = bsearch(&k, v, nv, sizeof(*v), cmp_verdict);
		if (!got)
			fail_msg("%s: not in the tool's output", key);
		if (strcmp(got->status, ok ? "needs-rewrite" : "fails"))
			fail_msg("%s onto %s: tool says %s, the simple rule %s", mods[i], target,
				 got->status, ok ? "needs-rewrite" : "fails");
		seen++;
	}
	free(v);
	print_message("6.1.0-47 modules onto %s: %zu relocate (so need rewriting), %zu fail (simple rule: %zu relocate)\n",
		      target, relocates, fails, want_ok);
	assert_int_equal(seen, n);
	if (!getenv("BK_CORPUS_STRIDE")) { /* a subset: per module only */
		assert_int_equal(relocates, want_ok);
		assert_int_equal(relocates + fails, n);
	}
	assert_int_equal(status, fails || relocates ? 1 : 0);
	free(kernel.v);
	bkt_free_list(mods, n);
	free(out);
}

static void test_check_6_1_0_56(void **state)
{
	(void)state;
	check_against("6.1.0-56-amd64");
}

static void test_check_6_12(void **state)
{
	(void)state;
	check_against("6.12.117+deb12-amd64");
}

static void test_check_running(void **state)
{
	(void)state;
	check_against("running");
}

/* ---- module files: compressed, bound, no BTF, errors, determinism --------------- */

static int setup_dir(void **state)
{
	if (bkt_tmpdir_setup(state))
		return -1;
	if (!bkt_have_corpus())
		return 0; /* the tests that use these files are skipped */
	char cmd[4096];
	snprintf(cmd, sizeof(cmd),
		 "mkdir -p %s/sub && cp %s/crc16.ko %s/dummy.ko %s/ && cp %s/tcp_bbr.ko %s/sub/ && "
		 "xz -k %s/dummy.ko && mv %s/dummy.ko.xz %s/sub/ && "
		 "gzip -c %s/crc16.ko > %s/sub/crc16.ko.gz && head -c 100 %s/dummy.ko > %s/broken.ko && "
		 "cp /bin/true %s/nobtf.ko && echo x > %s/notes.txt",
		 bkt_tmpdir, bkt_shared("corpus/ko"), bkt_shared("corpus/ko"), bkt_tmpdir,
		 bkt_shared("corpus/ko"), bkt_tmpdir, bkt_tmpdir, bkt_tmpdir, bkt_tmpdir,
		 bkt_tmpdir, bkt_tmpdir, bkt_tmpdir, bkt_tmpdir, bkt_tmpdir, bkt_tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_module_files(void **state)
{
	(void)state;
	char cmd[8192];
	int status;
	snprintf(cmd, sizeof(cmd), "%s check -j -t 3 --kernel-relocates yes -B %s --built-against %s %s",
		 bkt_tool(), bkt_vmlinux("6.1.0-56-amd64"), bkt_vmlinux("6.1.0-47-amd64"), bkt_tmpdir);
	char *out = bkt_run(cmd, &status, NULL);
	/* sorted by path; notes.txt is not a module */
	const char *want[][2] = {
		{"/broken.ko\"", "error"},   {"/crc16.ko\"", "needs-rewrite"},
		{"/dummy.ko\"", "needs-rewrite"}, {"/nobtf.ko\"", "no-btf"},
		{"/sub/crc16.ko.gz\"", "needs-rewrite"}, {"/sub/dummy.ko.xz\"", "needs-rewrite"},
		{"/sub/tcp_bbr.ko\"", "needs-rewrite"},
	};
	char *p = out;
	for (size_t i = 0; i < 7; i++) {
		char pat[128];
		p = strstr(p, want[i][0]);
		assert_non_null(p);
		snprintf(pat, sizeof(pat), "\"status\":\"%s\"", want[i][1]);
		char *eol = strchr(p, '\n');
		*eol = '\0';
		if (!strstr(p, pat))
			fail_msg("want %s: %s", want[i][1], p);
		/* a cut ELF file: the reason says so */
		if (i == 0 && !strstr(p, "\"problem\":\"error\",\"reason\":\"elf\""))
			fail_msg("want reason elf: %s", p);
		p = eol + 1;
	}
	assert_null(strstr(out, "notes.txt"));
	assert_non_null(strstr(p, "{\"summary\":{\"modules\":7,\"relocates\":0,\"fails\":0,\"bound\":0,"
				  "\"no-btf\":1,\"error\":1,\"needs-rewrite\":5,"));
	assert_int_equal(status, 1);
	free(out);

	/* without --built-against: bound, and they fit their own kernel */
	snprintf(cmd, sizeof(cmd), "%s check -j -B %s %s/sub/tcp_bbr.ko %s/dummy.ko", bkt_tool(),
		 bkt_vmlinux("6.1.0-47-amd64"), bkt_tmpdir, bkt_tmpdir);
	out = bkt_run(cmd, &status, NULL);
	/* a kernel's own modules that fit it: a success */
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "\"status\":\"bound\",\"problems\":[{\"problem\":\"bound\",\"fits\":true"));
	assert_non_null(strstr(out, "\"bound\":2"));
	free(out);
	/* ... but not the 6.12 kernel */
	snprintf(cmd, sizeof(cmd), "%s check -j -B %s %s/sub/tcp_bbr.ko", bkt_tool(),
		 bkt_vmlinux("6.12.117+deb12-amd64"), bkt_tmpdir);
	out = bkt_run(cmd, &status, NULL);
	assert_non_null(strstr(out, "\"fits\":false,\"reason\":\"base-misfit\""));
	assert_int_equal(status, 1);
	free(out);
}

/* ---- predicting the kernel's load ------------------------------------------------ */

static void test_kernel_relocates(void **state)
{
	(void)state;
	static const struct { const char *kver; bool relocates; } k[] = {
		{"6.1.0-47-amd64", false}, {"6.1.0-56-amd64", false},
		{"6.12.107+deb12-amd64", true}, {"6.12.117+deb12-amd64", true}, {"running", true},
	};
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		assert_int_equal(bk_kernel_relocates(bkt_vmlinux_btf(k[i].kver)), k[i].relocates);
}

/* One module through every case of a load: the kernel relocates or not (told
 * from its BTF, or by option), through .BTF.base or --built-against, and
 * the remedy (relocate -o) checked again. */
static void test_predicts_load(void **state)
{
	(void)state;
	char *out;
	int st;
	const char *bbr = bkt_shared("corpus/ko/tcp_bbr.ko");
	char dist[300], fixed[300];
	snprintf(dist, sizeof(dist), "%s/bbr.dist.ko", bkt_tmpdir);
	snprintf(fixed, sizeof(fixed), "%s/bbr.fixed.ko", bkt_tmpdir);
	/* 6.1.0-56 does not relocate: the module only fits relocated */
	out = bkt_runf(&st, NULL, "%s check -B %s --built-against %s %s", bkt_tool(),
		       bkt_vmlinux("6.1.0-56-amd64"), bkt_vmlinux("6.1.0-47-amd64"), bbr);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "needs-rewrite"));
	assert_non_null(strstr(out, "btfkit relocate -B"));
	assert_non_null(strstr(out, "does not relocate module BTF at load"));
	free(out);
	/* ... nor does one that does, for a module without .BTF.base: it
	 * relocates module BTF only through one */
	out = bkt_runf(&st, NULL, "%s check -j --kernel-relocates yes -B %s --built-against %s %s",
		       bkt_tool(), bkt_vmlinux("6.1.0-56-amd64"), bkt_vmlinux("6.1.0-47-amd64"), bbr);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "\"via\":\"built-against\",\"status\":\"needs-rewrite\",\"problems\":"
				    "[{\"problem\":\"needs-rewrite\",\"text\":\"no .BTF.base: "));
	assert_non_null(strstr(out, "\"kernel_relocates\":true,\"kernel_relocates_from\":\"option\""));
	free(out);
	out = bkt_runf(&st, NULL, "%s check -B %s --built-against %s %s", bkt_tool(),
		       bkt_vmlinux("6.12.117+deb12-amd64"), bkt_vmlinux("6.1.0-47-amd64"), bbr);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "needs-rewrite"));
	assert_non_null(strstr(out, "or, for the 1 without .BTF.base, once given one, which this "
				    "kernel relocates at load: btfkit distill -B "));
	free(out);
	/* 6.12 relocates, through a real .BTF.base */
	assert_int_equal(bkt_cmd("%s distill -B %s %s -o %s --strip-signature 2>/dev/null", bkt_tool(),
				 bkt_vmlinux("6.1.0-47-amd64"), bbr, dist), 0);
	out = bkt_runf(&st, NULL, "%s check -j -B %s %s", bkt_tool(),
		       bkt_vmlinux("6.12.117+deb12-amd64"), dist);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "\"via\":\".BTF.base\",\"status\":\"relocates\",\"problems\":[]"));
	assert_non_null(strstr(out, "\"kernel_relocates\":true,\"kernel_relocates_from\":\"btf\""));
	free(out);
	out = bkt_runf(&st, NULL, "%s check --kernel-relocates no -B %s %s", bkt_tool(),
		       bkt_vmlinux("6.12.117+deb12-amd64"), dist);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "needs-rewrite"));
	free(out);
	/* the remedy: written for 6.1.0-56, it fits that kernel as it is */
	assert_int_equal(bkt_cmd("%s relocate -B %s %s -o %s >/dev/null", bkt_tool(),
				 bkt_vmlinux("6.1.0-56-amd64"), dist, fixed), 0);
	out = bkt_runf(&st, NULL, "%s check -j -B %s %s", bkt_tool(), bkt_vmlinux("6.1.0-56-amd64"),
		       fixed);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "\"status\":\"bound\",\"problems\":[{\"problem\":\"bound\",\"fits\":true"));
	free(out);
}

/* .BTF_ids left in the old numbering (what distill did before it rewrote
 * them): relocation alone says "relocates", the kernel would use IDs past
 * the end: fails, one btf-ids problem per kfunc. */
static void test_btf_ids_problems(void **state)
{
	(void)state;
	char stale[300], ids[300];
	snprintf(stale, sizeof(stale), "%s/bbr.stale.ko", bkt_tmpdir);
	snprintf(ids, sizeof(ids), "%s/bbr.ids", bkt_tmpdir);
	const char *bbr = bkt_shared("corpus/ko/tcp_bbr.ko");
	assert_int_equal(bkt_cmd("%s distill -B %s %s -o %s --strip-signature 2>/dev/null && "
				 "objcopy --dump-section .BTF_ids=%s %s /dev/null && "
				 "objcopy --update-section .BTF_ids=%s %s",
				 bkt_tool(), bkt_vmlinux("6.1.0-47-amd64"), bbr, stale, ids, bbr, ids,
				 stale), 0);
	int st;
	char *out = bkt_runf(&st, NULL, "%s check -j -B %s %s", bkt_tool(),
			     bkt_vmlinux("6.12.117+deb12-amd64"), stale);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "\"status\":\"fails\",\"problems\":[{\"problem\":\"btf-ids\","
				    "\"set\":\"tcp_bbr_check_kfunc_ids\",\"symbol\":"));
	assert_non_null(strstr(out, "\"id\":100640,\"text\":\"ID 100640 is past the last type [65]\"}"));
	size_t n = 0;
	for (const char *p = out; (p = strstr(p, "\"btf-ids\"")); p++)
		n++;
	assert_int_equal(n, 8);
	free(out);
}

/* Said plainly: no modules under a path; a --built-against no module fits. */
static void test_said_plainly(void **state)
{
	(void)state;
	char empty[300], *out;
	int st;
	snprintf(empty, sizeof(empty), "%s/empty", bkt_tmpdir);
	assert_int_equal(bkt_cmd("mkdir -p %s", empty), 0);
	out = bkt_runf(&st, NULL, "%s check -B %s %s 2>&1", bkt_tool(), bkt_vmlinux("6.1.0-56-amd64"),
		       empty);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "no modules under"));
	free(out);
	out = bkt_runf(&st, NULL, "%s check -B %s --built-against %s %s 2>&1", bkt_tool(),
		       bkt_vmlinux("6.1.0-56-amd64"), bkt_vmlinux("6.12.117+deb12-amd64"),
		       bkt_data("modules/6.1.0-47-amd64/kernel/drivers/net"));
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "modules without .BTF.base fits --built-against"));
	assert_null(strstr(out, "\nerror "));
	free(out);
}

/* The same output on 1 thread and on 8 (the summary's timings aside). */
static void test_deterministic(void **state)
{
	(void)state;
	char cmd[8192];
	char *outs[2];
	const char *threads[] = {"1", "8"};
	for (int i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd), "%s check -j -t %s -B %s --built-against %s %s | grep -v summary",
			 bkt_tool(), threads[i], bkt_vmlinux("running"), bkt_vmlinux("6.1.0-47-amd64"),
			 bkt_data("modules/6.1.0-47-amd64/kernel/drivers/net"));
		outs[i] = bkt_run(cmd, NULL, NULL);
	}
	assert_true(strlen(outs[0]) > 1000);
	assert_string_equal(outs[0], outs[1]);
	free(outs[0]);
	free(outs[1]);
}

static void test_usage(void **state)
{
	(void)state;
	char cmd[4096];
	int status;
	snprintf(cmd, sizeof(cmd), "%s check /tmp 2>/dev/null", bkt_tool());
	free(bkt_run(cmd, &status, NULL));
	assert_int_equal(status, 2);
	snprintf(cmd, sizeof(cmd), "%s check -B /nonexistent /tmp 2>/dev/null", bkt_tool());
	free(bkt_run(cmd, &status, NULL));
	assert_int_equal(status, 2);
	snprintf(cmd, sizeof(cmd), "%s check -B %s /nonexistent 2>/dev/null", bkt_tool(),
		 bkt_vmlinux("running"));
	free(bkt_run(cmd, &status, NULL));
	assert_int_equal(status, 2);
	/* relocate: a module without .BTF.base and no --built-against is 1 */
	snprintf(cmd, sizeof(cmd), "%s relocate -B %s %s 2>&1", bkt_tool(),
		 bkt_vmlinux("running"), bkt_shared("corpus/ko/crc16.ko"));
	char *out = bkt_run(cmd, &status, NULL);
	assert_int_equal(status, 1);
	assert_non_null(strstr(out, "no .BTF.base"));
	free(out);
}

/* relocate's report: every problem, text and JSON, exit 1 */
static void test_relocate_cli(void **state)
{
	(void)state;
	char cmd[8192];
	int status;
	snprintf(cmd, sizeof(cmd), "%s relocate -B %s --dist-base %s %s 2>&1", bkt_tool(),
		 bkt_vmlinux("running"), bkt_golden("distill/binfmt_misc.base.btf"),
		 bkt_golden("distill/binfmt_misc.split.btf"));
	char *out = bkt_run(cmd, &status, NULL);
	assert_int_equal(status, 1);
	assert_non_null(strstr(out, "does not relocate"));
	assert_non_null(strstr(out, "INT 'char' size=1 encoding=SIGNED: not found: near misses in the new base: "));
	assert_non_null(strstr(out, "encoding=(none)"));
	assert_non_null(strstr(out, "'modversion_info'"));
	free(out);
	snprintf(cmd, sizeof(cmd), "%s relocate -j -B %s --dist-base %s %s", bkt_tool(),
		 bkt_vmlinux("running"), bkt_golden("distill/binfmt_misc.base.btf"),
		 bkt_golden("distill/binfmt_misc.split.btf"));
	out = bkt_run(cmd, &status, NULL);
	assert_int_equal(status, 1);
	assert_non_null(strstr(out, "\"status\":\"fails\""));
	assert_non_null(strstr(out, "\"problem\":\"not-found\",\"type_id\":2,\"kind\":\"INT\",\"name\":\"char\""));
	free(out);
	/* and -o writes what libbpf writes */
	snprintf(cmd, sizeof(cmd), "%s relocate -B %s --dist-base %s %s -o %s/out.btf", bkt_tool(),
		 bkt_vmlinux("6.1.0-56-amd64"), bkt_golden("distill/dummy.base.btf"),
		 bkt_golden("distill/dummy.split.btf"), bkt_tmpdir);
	free(bkt_run(cmd, &status, NULL));
	assert_int_equal(status, 0);
	char path[512];
	snprintf(path, sizeof(path), "%s/out.btf", bkt_tmpdir);
	size_t len;
	char *got = bkt_read(path, &len);
	bkt_assert_bytes_file(got, len, bkt_golden("relocate/dummy.6.1.0-56-amd64.btf"));
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_module_files),
		cmocka_unit_test(test_kernel_relocates),
		cmocka_unit_test(test_predicts_load),
		cmocka_unit_test(test_btf_ids_problems),
		cmocka_unit_test(test_said_plainly),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_relocate_cli),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_check_6_1_0_56),
		cmocka_unit_test(test_check_6_12),
		cmocka_unit_test(test_check_running),
	};
	return cmocka_run_group_tests(tests, setup_dir, bkt_tmpdir_teardown);
}
