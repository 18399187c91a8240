// SPDX-License-Identifier: MIT
/*
 * Validation with the kernel's rules: the kernel selftests' hand-made blobs
 * (tests/validate/kernel_raw_tests.txt, verdicts and causes from the 6.18
 * kernel), every corpus kernel and module, the crafted goldens, hand-built
 * cases for depth, loops and reporting, and the CLI.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"

#define CASES "tests/validate/kernel_raw_tests.txt"

/* ---- collecting faults ---- */

struct faults {
	unsigned n;
	int first_reason;
	uint32_t first_id;
	char first_msg[800];
};

static int collect(const struct bk_error *e, void *ctx)
{
	struct faults *f = ctx;
	assert_true(e->code < 0);
	assert_true(e->reason > BK_FAULT_NONE && e->reason < BK_NR_FAULTS);
	assert_true(e->msg[0] != '\0');
	if (!f->n++) {
		f->first_reason = e->reason;
		f->first_id = e->type_id;
		bk_error_str(e, f->first_msg, sizeof(f->first_msg));
	}
	return 0;
}

static int validate_bytes(const void *d, size_t n, const struct bk_btf *base, bool first,
			  struct faults *f)
{
	BK_OPTS(bk_validate_opts, o, .first_only = first);
	memset(f, 0, sizeof(*f));
	return bk_validate_blob(d, n, base, "blob", NULL, &o, collect, f);
}

/* ---- the selftest cases ---- */

struct kcase {
	unsigned n;
	char descr[160];
	bool reject;
	char cause[32];
	uint32_t cause_id;
	uint8_t *blob;
	size_t len;
};

static bool next_case(char **p, struct kcase *c)
{
	memset(c, 0, sizeof(*c));
	char *s = strstr(*p, "\ncase ");
	if (!s)
		return false;
	s++;
	size_t cap = 4096;
	c->blob = malloc(cap);
	for (;;) {
		char *eol = strchr(s, '\n');
		size_t len = eol ? (size_t)(eol - s) : strlen(s);
		char line[4096];
		snprintf(line, sizeof(line), "%.*s", (int)len, s);
		if (!line[0] && c->n)
			break;
		if (!strncmp(line, "case ", 5))
			sscanf(line, "case %u %159[^\n]", &c->n, c->descr);
		else if (!strncmp(line, "verdict ", 8))
			c->reject = !strcmp(line + 8, "reject");
		else if (!strncmp(line, "cause ", 6))
			sscanf(line, "cause %31s %u", c->cause, &c->cause_id);
		else if (!strncmp(line, "  ", 2))
			for (char *h = line + 2; h[0] && h[1]; h += 2) {
				if (c->len == cap)
					c->blob = realloc(c->blob, cap *= 2);
				unsigned b;
				sscanf(h, "%2x", &b);
				c->blob[c->len++] = (uint8_t)b;
			}
		if (!eol)
			break;
		s = eol + 1;
	}
	*p = s;
	return c->n != 0;
}

/*
 * Where btfkit deliberately names another cause than the kernel. Every
 * entry is a kernel quirk, explained; the verdict still agrees.
 */
static const struct {
	unsigned n;
	const char *fault;
	const char *why;
} known_cause_differences[] = {
	{0, NULL, NULL},
};

static const char *expected_cause(const struct kcase *c)
{
	for (size_t i = 0; known_cause_differences[i].fault; i++)
		if (known_cause_differences[i].n == c->n)
			return known_cause_differences[i].fault;
	return c->cause;
}

static void test_kernel_selftest_cases(void **state)
{
	(void)state;
	char *text = bkt_read(CASES, NULL), *p = text;
	assert_non_null(text);
	unsigned total = 0, verdict_ok = 0, cause_ok = 0, id_ok = 0, rejects = 0;
	struct kcase c;
	while (next_case(&p, &c)) {
		struct faults f;
		total++;
		validate_bytes(c.blob, c.len, NULL, true, &f);
		bool rejected = f.n > 0;
		if (rejected == c.reject)
			verdict_ok++;
		else
			printf("case %u (%s): kernel %s, btfkit %s %s\n", c.n, c.descr,
			       c.reject ? "rejects" : "accepts", rejected ? "rejects:" : "accepts",
			       rejected ? f.first_msg : "");
		if (c.reject && rejected) {
			rejects++;
			const char *want = expected_cause(&c);
			if (!strcmp(bk_fault_name(f.first_reason), want))
				cause_ok++;
			else
				printf("case %u (%s): kernel cause %s [%u], btfkit %s: %s\n", c.n, c.descr,
				       want, c.cause_id, bk_fault_name(f.first_reason), f.first_msg);
			/* the kernel names no type for some faults (TYPE_TAG order) */
			if (f.first_id == c.cause_id || !c.cause_id)
				id_ok++;
			else
				printf("case %u (%s): kernel names type [%u], btfkit [%u]\n", c.n,
				       c.descr, c.cause_id, f.first_id);
		}
		free(c.blob);
	}
	printf("kernel selftest raw_tests: %u cases, verdict agrees on %u; of %u both reject, "
	       "cause agrees on %u, type ID on %u\n",
	       total, verdict_ok, rejects, cause_ok, id_ok);
	free(text);
	assert_true(total >= 170);
	assert_int_equal(verdict_ok, total);
	assert_int_equal(cause_ok, rejects);
	assert_int_equal(id_ok, rejects);
}

/* ---- real kernels and modules: all valid ---- */

static const char *const kernels[] = {"6.1.0-47-amd64", "6.1.0-56-amd64", "6.12.107+deb12-amd64",
				      "6.12.117+deb12-amd64", "running"};

static void test_vmlinux_valid(void **state)
{
	(void)state;
	for (size_t i = 0; i < 5; i++) {
		size_t n;
		char *d = bkt_read(bkt_vmlinux(kernels[i]), &n);
		struct faults f;
		assert_non_null(d);
		assert_int_equal(validate_bytes(d, n, NULL, false, &f), 0);
		assert_int_equal(bk_validate(bkt_vmlinux_btf(kernels[i]), NULL, collect, &f), 0);
		assert_int_equal(f.n, 0);
		free(d);
	}
}

static void check_modules(const char *kver)
{
	char **list;
	size_t n = bkt_corpus_modules(kver, &list), bad = 0;
	const struct bk_btf *base = bkt_vmlinux_btf(kver);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		char *d = bkt_read(bkt_module(kver, list[i]), &len);
		struct faults f;
		assert_non_null(d);
		if (validate_bytes(d, len, base, true, &f)) {
			printf("%s %s: %s\n", kver, list[i], f.first_msg);
			bad++;
		}
		free(d);
	}
	printf("%s: %zu modules valid on their vmlinux, %zu not\n", kver, n - bad, bad);
	bkt_free_list(list, n);
	assert_true(n > 0);
	assert_int_equal(bad, 0);
}

static void test_modules_valid(void **state)
{
	(void)state;
	check_modules("6.1.0-47-amd64");
	check_modules("6.12.117+deb12-amd64");
}

/* ---- hand-built blobs: depth, loops, pointers ---- */

struct builder {
	uint32_t *w;
	size_t n, cap;
};

static void put(struct builder *b, uint32_t a, uint32_t i, uint32_t c)
{
	if (b->n + 4 > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->w = realloc(b->w, b->cap * sizeof(*b->w));
		assert_non_null(b->w);
	}
	b->w[b->n++] = a;
	b->w[b->n++] = i;
	b->w[b->n++] = c;
}

/* a base blob of the words, strings "\0a\0" (offset 1 is "a") */
static uint8_t *finish(const struct builder *b, size_t *len)
{
	static const char strs[] = "\0a";
	uint32_t tl = (uint32_t)(b->n * 4), hdr[6] = {0x0001eb9f, 24, 0, tl, tl, sizeof(strs)};
	*len = 24 + tl + sizeof(strs);
	uint8_t *d = malloc(*len);
	memcpy(d, hdr, 24);
	memcpy(d + 24, b->w, tl);
	memcpy(d + 24 + tl, strs, sizeof(strs));
	return d;
}

static void add_int(struct builder *b)
{
	put(b, 1, bk_info(BK_KIND_INT, 0, false), 4);
	b->w[b->n++] = 32 | (BK_INT_SIGNED << 24); /* put() left room */
}

/* [1] INT, then n CONSTs each on the next, the last on the INT */
static uint8_t *const_chain(unsigned n, size_t *len)
{
	struct builder b = {0};
	add_int(&b);
	for (unsigned i = 0; i < n; i++)
		put(&b, 0, bk_info(BK_KIND_CONST, 0, false), i + 1 < n ? i + 3 : 1);
	uint8_t *d = finish(&b, len);
	free(b.w);
	return d;
}

static void expect(const uint8_t *d, size_t len, int fault, uint32_t id)
{
	struct faults f;
	validate_bytes(d, len, NULL, true, &f);
	if (fault == BK_FAULT_NONE) {
		if (f.n)
			printf("unexpected: %s\n", f.first_msg);
		assert_int_equal(f.n, 0);
		return;
	}
	assert_int_equal(f.n, 1);
	assert_string_equal(bk_fault_name(f.first_reason), bk_fault_name(fault));
	assert_int_equal(f.first_id, id);
}

static void test_depth_limit(void **state)
{
	(void)state;
	size_t len;
	/* resolving [2] stacks every CONST: 32 fit (the kernel's limit), 33 do not;
	 * the running kernel gives the same verdicts */
	uint8_t *d = const_chain(BK_VALIDATE_MAX_DEPTH, &len);
	expect(d, len, BK_FAULT_NONE, 0);
	free(d);
	d = const_chain(BK_VALIDATE_MAX_DEPTH + 1, &len);
	expect(d, len, BK_FAULT_DEPTH, 2);
	free(d);
	/* a chain of 100000 stays a fault, with no recursion on our side */
	d = const_chain(100000 / 3, &len);
	expect(d, len, BK_FAULT_DEPTH, 2);
	free(d);
}

static void test_loops(void **state)
{
	(void)state;
	size_t len;
	struct builder b = {0};
	/* [1] STRUCT a { [2] b; } [2] STRUCT a { [1] a; }: embedding loop */
	put(&b, 1, bk_info(BK_KIND_STRUCT, 1, false), 4);
	put(&b, 1, 2, 0);
	put(&b, 1, bk_info(BK_KIND_STRUCT, 1, false), 4);
	put(&b, 1, 1, 0);
	uint8_t *d = finish(&b, &len);
	expect(d, len, BK_FAULT_LOOP, 1);
	free(d);
	/* the same through a PTR is a list node: fine */
	b.n = 0;
	put(&b, 1, bk_info(BK_KIND_STRUCT, 1, false), 8);
	put(&b, 1, 2, 0);
	put(&b, 0, bk_info(BK_KIND_PTR, 0, false), 1);
	d = finish(&b, &len);
	expect(d, len, BK_FAULT_NONE, 0);
	free(d);
	/* TYPEDEF a -> CONST -> TYPEDEF a: a modifier loop */
	b.n = 0;
	put(&b, 1, bk_info(BK_KIND_TYPEDEF, 0, false), 2);
	put(&b, 0, bk_info(BK_KIND_CONST, 0, false), 1);
	d = finish(&b, &len);
	expect(d, len, BK_FAULT_LOOP, 1);
	free(d);
	/* PTR -> PTR -> PTR (itself): a pointer loop */
	b.n = 0;
	put(&b, 0, bk_info(BK_KIND_PTR, 0, false), 2);
	put(&b, 0, bk_info(BK_KIND_PTR, 0, false), 1);
	d = finish(&b, &len);
	expect(d, len, BK_FAULT_LOOP, 1);
	free(d);
	free(b.w);
}

/* ---- reporting: every fault, or the first; both entry points agree ---- */

static void test_all_faults_and_first(void **state)
{
	(void)state;
	size_t n;
	char *d = bkt_read(bkt_golden("dump/crafted/kinds_base.btf"), &n);
	struct faults all, first;
	assert_non_null(d);
	assert_int_equal(validate_bytes(d, n, NULL, false, &all), -EINVAL);
	assert_int_equal(validate_bytes(d, n, NULL, true, &first), -EINVAL);
	/* the kernel stops at [4] 'signed char' (SIGNED|CHAR): so does first_only */
	assert_int_equal(first.n, 1);
	assert_int_equal(first.first_reason, BK_FAULT_INT_ENCODING);
	assert_int_equal(first.first_id, 4);
	assert_true(all.n > 1);
	assert_string_equal(all.first_msg, first.first_msg);
	/* the parsed model gives the same faults */
	struct bk_btf *btf = bkt_load(bkt_golden("dump/crafted/kinds_base.btf"), NULL);
	struct faults model = {0};
	BK_OPTS(bk_validate_opts, o, .first_only = false);
	assert_int_equal(bk_validate(btf, &o, collect, &model), -EINVAL);
	assert_int_equal(model.n, all.n);
	assert_int_equal(model.first_id, all.first_id);
	bk_btf_free(btf);
	free(d);
}

static void test_byte_orders(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
		{"examples/doc_base.btf", "dump/endian/doc_base.be.btf"},
		{"dump/crafted/kinds_base.btf", "dump/endian/kinds_base.be.btf"},
	};
	for (size_t i = 0; i < 2; i++) {
		size_t n1, n2;
		char *le = bkt_read(bkt_golden(pairs[i][0]), &n1);
		char *be = bkt_read(bkt_golden(pairs[i][1]), &n2);
		struct faults f1, f2;
		assert_non_null(le);
		assert_non_null(be);
		int e1 = validate_bytes(le, n1, NULL, false, &f1);
		int e2 = validate_bytes(be, n2, NULL, false, &f2);
		assert_int_equal(e1, e2);
		assert_int_equal(f1.n, f2.n);
		assert_int_equal(f1.first_reason, f2.first_reason);
		free(le);
		free(be);
	}
}

/* split BTF: the goldens' splits on their bases (the crafted bases are
 * taken as valid even where the kernel would refuse them) */
static void test_split_goldens(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
		{"examples/doc_split.btf", "examples/doc_base.btf"},
		{"examples/emb_split.btf", "examples/doc_base.btf"},
		{"examples/doc_split_distilled.btf", "examples/doc_dist_base.btf"},
		{"examples/kinds_split.btf", "examples/kinds_base.btf"},
		{"examples/vmlinux_bigsplit.btf", NULL},
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const struct bk_btf *base = pairs[i][1] ? bkt_load(bkt_golden(pairs[i][1]), NULL)
							: bkt_vmlinux_btf("running");
		size_t n;
		char *d = bkt_read(bkt_golden(pairs[i][0]), &n);
		struct faults f;
		assert_non_null(d);
		if (validate_bytes(d, n, base, false, &f))
			printf("%s: %s\n", pairs[i][0], f.first_msg);
		assert_int_equal(f.n, 0);
		/* without its base it is not valid base BTF */
		assert_int_equal(validate_bytes(d, n, NULL, true, &f), -EINVAL);
		free(d);
		if (pairs[i][1])
			bk_btf_free((struct bk_btf *)base);
	}
}

/* ---- the CLI ---- */

static void test_cli(void **state)
{
	(void)state;
	char cmd[4096];
	int st;
	size_t n;
	snprintf(cmd, sizeof(cmd), "%s validate %s %s", bkt_tool(), bkt_vmlinux("running"),
		 bkt_golden("examples/doc_base.btf"));
	char *out = bkt_run(cmd, &st, &n);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, ": .BTF: valid (126572 types)\n"));
	free(out);

	snprintf(cmd, sizeof(cmd), "%s validate %s", bkt_tool(),
		 bkt_golden("dump/crafted/kinds_base.btf"));
	out = bkt_run(cmd, &st, &n);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "[4] INT 'signed char': "));
	assert_non_null(strstr(out, "(int-encoding)\n"));
	assert_non_null(strstr(out, ": .BTF: invalid (6 faults)\n"));
	free(out);

	snprintf(cmd, sizeof(cmd), "%s validate -1 -j %s", bkt_tool(),
		 bkt_golden("dump/crafted/kinds_base.btf"));
	out = bkt_run(cmd, &st, &n);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "{\"files\":[{\"file\":"));
	assert_non_null(strstr(out, "\"faults\":[{\"type_id\":4,\"reason\":\"int-encoding\","
				    "\"errno\":95,\"message\":"));
	assert_non_null(strstr(out, "],\"valid\":false}]}\n"));
	assert_null(strstr(out, "\"type_id\":43")); /* -1: the first fault only */
	free(out);

	/* a module on its kernel; the module alone is not base BTF */
	snprintf(cmd, sizeof(cmd), "%s validate -B %s %s", bkt_tool(), bkt_vmlinux("6.1.0-47-amd64"),
		 bkt_shared("corpus/ko/dummy.ko"));
	out = bkt_run(cmd, &st, &n);
	assert_int_equal(st, 0);
	free(out);
	snprintf(cmd, sizeof(cmd), "%s validate %s 2>/dev/null", bkt_tool(),
		 bkt_shared("corpus/ko/dummy.ko"));
	out = bkt_run(cmd, &st, &n);
	assert_int_equal(st, 1);
	free(out);

	snprintf(cmd, sizeof(cmd), "%s validate /nonexistent 2>/dev/null", bkt_tool());
	out = bkt_run(cmd, &st, &n);
	assert_int_equal(st, 2);
	free(out);
	snprintf(cmd, sizeof(cmd), "%s validate 2>/dev/null", bkt_tool());
	out = bkt_run(cmd, &st, &n);
	assert_int_equal(st, 2);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_selftest_cases),
		cmocka_unit_test(test_vmlinux_valid),
		cmocka_unit_test(test_modules_valid),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_loops),
		cmocka_unit_test(test_all_faults_and_first),
		cmocka_unit_test(test_byte_orders),
		cmocka_unit_test(test_split_goldens),
		cmocka_unit_test(test_cli),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
