// SPDX-License-Identifier: MIT
/*
 * btfkit dump --format c against bpftool 7.8: the four goldens of
 * golden/c byte for byte with --bpftool-quirks; the default output differs
 * from them only by the type bpftool drops; unsorted and root-ID modes;
 * options refused; hostile inputs (type loops, a struct inside itself,
 * anonymous types nested 10,000 deep); the ___N of repeated names; every
 * corpus kernel's header compiles (cc, and clang -target bpf when there);
 * module headers on their vmlinux; the CLI.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

static const char HEADER_START[] = "#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n";
static const char FOOTER[] = "#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n"
			     "#endif\n\n#endif /* __VMLINUX_H__ */\n";

static char *dump_c(const struct bk_btf *btf, const struct bk_dump_c_opts *opts, size_t *len)
{
	char *text, msg[1200];
	struct bk_error err = {0};
	int e = bk_dump_c_mem(btf, opts, &text, len, &err);
	if (e)
		fail_msg("bk_dump_c_mem: %d %s", e, bk_error_str(&err, msg, sizeof(msg)));
	return text;
}

static const BK_OPTS(bk_dump_c_opts, QUIRKS, .bpftool_quirks = true);
static const BK_OPTS(bk_dump_c_opts, UNSORTED, .unsorted = true);

static size_t count(const char *text, const char *what)
{
	size_t n = 0, k = strlen(what);
	for (const char *p = text; (p = strstr(p, what)); p += k)
		n++;
	return n;
}

static struct bk_btf *assemble(const char *text, const struct bk_btf *base)
{
	struct bk_btf *btf = NULL;
	struct bk_error err = {0};
	char msg[1200];
	if (bk_asm(text, strlen(text), base, "crafted", &btf, &err))
		fail_msg("asm: %s", bk_error_str(&err, msg, sizeof(msg)));
	return btf;
}

/* The header around body, as bpftool prints it (root IDs: no kfuncs). */
static char *with_header(const char *body, bool kfuncs)
{
	static const char macros[] =
		"\n#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n"
		"#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n"
		"#endif\n\n#ifndef __ksym\n#define __ksym __attribute__((section(\".ksyms\")))\n"
		"#endif\n\n#ifndef __weak\n#define __weak __attribute__((weak))\n#endif\n\n"
		"#ifndef __bpf_fastcall\n#if __has_attribute(bpf_fastcall)\n"
		"#define __bpf_fastcall __attribute__((bpf_fastcall))\n#else\n"
		"#define __bpf_fastcall\n#endif\n#endif\n\n";
	const char *kf = kfuncs ? "\n/* BPF kfuncs */\n#ifndef BPF_NO_KFUNC_PROTOTYPES\n#endif\n\n" : "";
	size_t n = strlen(HEADER_START) + strlen(macros) + strlen(body) + strlen(kf) + strlen(FOOTER);
	char *s = malloc(n + 1);
	assert_non_null(s);
	snprintf(s, n + 1, "%s%s%s%s%s", HEADER_START, macros, body, kf, FOOTER);
	return s;
}

/* ---- the goldens ------------------------------------------------------------- */

struct golden {
	const char *input;  /* under BK_TESTDATA (vmlinux) or golden/ */
	const char *golden; /* golden/c/... (decompressed copies are found) */
	const char *restored; /* in the definition the default mode adds back */
};

static const struct golden goldens[] = {
	/* no anonymous enum: the named enum that sorts first, empty */
	{"dump/crafted/kinds_base.btf", "c/kinds_base.h", "enum empty_enum;\n\n"},
	{"dump/crafted/pahole_libbpf_all.btf", "c/pahole_libbpf_all.h", "\tBPF_ANY = 0,\n"},
	{"@6.1.0-47-amd64", "c/vmlinux-6.1.0-47-amd64.h", "\tAAFS_LOADDATA_ABI = 0,\n"},
	{"@running", "c/vmlinux-running.h", "ACOMP_WALK_SLEEP"},
};

static const struct bk_btf *golden_input(const struct golden *g, struct bk_btf **owned)
{
	*owned = NULL;
	if (g->input[0] == '@')
		return bkt_vmlinux_btf(g->input + 1);
	return *owned = bkt_load(bkt_golden(g->input), NULL);
}

static void test_goldens_quirks(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		struct bk_btf *owned;
		size_t len;
		char *text = dump_c(golden_input(&goldens[i], &owned), &QUIRKS, &len);
		bkt_assert_text_file(text, len, bkt_golden(goldens[i].golden));
		free(text);
		bk_btf_free(owned);
	}
}

/* The default output is the quirks output with one top-level enum more:
 * taking one stretch out of it gives the quirks output, and that stretch
 * is one definition (one more "\nenum", one more ";\n\n" at line end). */
static void check_only_enum_added(const char *def, size_t dlen, const char *q, size_t qlen,
				  const char *restored)
{
	assert_true(dlen > qlen);
	size_t p = 0, extra = dlen - qlen;
	while (p < qlen && def[p] == q[p])
		p++;
	assert_memory_equal(def + p + extra, q + p, qlen - p);
	assert_int_equal(count(def, "\nenum "), count(q, "\nenum ") + 1);
	assert_int_equal(count(def, ";\n\n"), count(q, ";\n\n") + 1);
	assert_int_equal(count(def, restored), count(q, restored) + 1);
}

static void test_default_restores_the_dropped_enum(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		struct bk_btf *owned;
		const struct bk_btf *btf = golden_input(&goldens[i], &owned);
		size_t dlen, qlen;
		char *def = dump_c(btf, NULL, &dlen), *q = dump_c(btf, &QUIRKS, &qlen);
		check_only_enum_added(def, dlen, q, qlen, goldens[i].restored);
		free(def);
		free(q);
		bk_btf_free(owned);
	}
}

/* unsorted: ID order, with every type (bpftool's unsorted keeps the enum) */
static void test_unsorted(void **state)
{
	(void)state;
	const struct bk_btf *btf = bkt_vmlinux_btf("running");
	size_t ulen, dlen;
	char *u = dump_c(btf, &UNSORTED, &ulen), *def = dump_c(btf, NULL, &dlen);
	assert_non_null(strstr(u, "ACOMP_WALK_SLEEP"));
	assert_int_equal(count(u, "};\n\n"), count(def, "};\n\n"));
	assert_int_equal(count(u, "\nextern "), count(def, "\nextern "));
	assert_true(ulen != dlen || memcmp(u, def, ulen)); /* another order */
	/* the first definitions are those of the first IDs */
	struct bk_btf *kinds = bkt_load(bkt_golden("dump/crafted/kinds_base.btf"), NULL);
	char *k = dump_c(kinds, &UNSORTED, &ulen);
	const char *first = strstr(k, "#endif\n#endif\n\n");
	assert_non_null(first);
	assert_int_equal(strncmp(first + 15, "struct fwd_struct;\n\nunion fwd_union;\n\n", 37), 0);
	free(k);
	bk_btf_free(kinds);
	free(u);
	free(def);
}

/* ---- small cases: what each part of libbpf's printer does ------------------------ */

static const char kinds_text[] =
	"[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"
	"[2] PTR '(anon)' type_id=3\n"
	"[3] STRUCT 'node' size=16 vlen=2\n"
	"\t'next' type_id=2 bits_offset=0\n"
	"\t'v' type_id=1 bits_offset=64\n"
	"[4] STRUCT 'packed' size=5 vlen=2\n"
	"\t'c' type_id=5 bits_offset=0\n"
	"\t'i' type_id=1 bits_offset=8\n"
	"[5] INT 'char' size=1 bits_offset=0 nr_bits=8 encoding=SIGNED\n"
	"[6] STRUCT 'bits' size=8 vlen=2\n"
	"\t'a' type_id=1 bits_offset=0 bitfield_size=3\n"
	"\t'b' type_id=1 bits_offset=40 bitfield_size=2\n"
	"[7] TYPEDEF 'node_t' type_id=3\n"
	"[8] STRUCT 'node' size=4 vlen=1\n"
	"\t'x' type_id=1 bits_offset=0\n"
	"[9] FUNC_PROTO '(anon)' ret_type_id=1 vlen=2\n"
	"\t'a' type_id=2\n"
	"\t'(anon)' type_id=0\n"
	"[10] PTR '(anon)' type_id=9\n"
	"[11] TYPEDEF 'cb_t' type_id=10\n";

/* root IDs: only those types and what they need, in the order given */
static void test_root_ids(void **state)
{
	(void)state;
	struct bk_btf *btf = assemble(kinds_text, NULL);
	uint32_t roots[] = {11, 4, 6, 8};
	struct bk_dump_c_opts o = {.sz = sizeof(o), .root_ids = roots, .nr_root_ids = 4};
	size_t len;
	char *got = dump_c(btf, &o, &len);
	char *want = with_header("struct node;\n\n"
				 "typedef int (*cb_t)(struct node *a, ...);\n\n"
				 "struct packed {\n\tchar c;\n\tint i;\n} __attribute__((packed));\n\n"
				 "struct bits {\n\tint a: 3;\n\tint: 29;\n\tchar: 8;\n\tint b: 2;\n};\n\n"
				 "struct node___2 {\n\tint x;\n};\n\n",
				 false);
	assert_string_equal(got, want);
	free(got);
	free(want);
	bk_btf_free(btf);
}

static void expect_dump_error(const struct bk_btf *btf, const struct bk_dump_c_opts *o, int code,
			      const char *needle)
{
	char *text = (char *)"untouched";
	size_t len = 99;
	struct bk_error err = {0};
	int e = bk_dump_c_mem(btf, o, &text, &len, &err);
	assert_int_equal(e, code);
	assert_null(text); /* nothing half printed */
	assert_int_equal(len, 0);
	if (!strstr(err.msg, needle))
		fail_msg("message '%s' does not say '%s'", err.msg, needle);
}

static void test_bad_options(void **state)
{
	(void)state;
	struct bk_btf *btf = assemble(kinds_text, NULL);
	uint32_t roots[17] = {1, 12};
	struct bk_dump_c_opts o = {.sz = sizeof(o), .root_ids = roots, .nr_root_ids = 2};
	expect_dump_error(btf, &o, -EINVAL, "invalid root ID: 12");
	roots[1] = 1;
	expect_dump_error(btf, &o, -EINVAL, "duplicate root ID 1");
	o.nr_root_ids = 17;
	expect_dump_error(btf, &o, -E2BIG, "16 root IDs");
	o = (struct bk_dump_c_opts){.sz = 2};
	expect_dump_error(btf, &o, -EINVAL, "sz");
	/* a newer caller's struct: bigger, its unknown tail zero, is accepted */
	struct {
		struct bk_dump_c_opts o;
		uint64_t future;
	} big = {{.sz = sizeof(big), .bpftool_quirks = true}, 0};
	size_t len;
	free(dump_c(btf, &big.o, &len));
	big.future = 1;
	expect_dump_error(btf, &big.o, -EINVAL, "does not know");
	bk_btf_free(btf);
}

/* ---- hostile inputs ------------------------------------------------------------- */

static void test_type_loops(void **state)
{
	(void)state;
	static const struct {
		const char *text, *needle;
	} cases[] = {
		{"[1] TYPEDEF 'a' type_id=2\n[2] TYPEDEF 'b' type_id=1\n",
		 "[1] TYPEDEF 'a': type loop through typedefs"},
		{"[1] PTR '(anon)' type_id=2\n[2] CONST '(anon)' type_id=1\n", "type loop"},
		/* a link that is its own next; a loop entered after a link that is
		 * not on it (the ends are resolved from the first link by ID) */
		{"[1] PTR '(anon)' type_id=1\n", "[1] PTR '(anon)': type loop"},
		{"[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"
		 "[2] ARRAY '(anon)' type_id=2 index_type_id=1 nr_elems=2\n",
		 "[2] ARRAY '(anon)': type loop"},
		{"[1] PTR '(anon)' type_id=2\n[2] TYPEDEF 'x' type_id=3\n[3] CONST '(anon)' type_id=2\n",
		 "[2] TYPEDEF 'x': type loop"},
		{"[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"
		 "[2] STRUCT 's' size=4 vlen=1\n\t'x' type_id=2 bits_offset=0\n",
		 "[2] STRUCT 's': unsatisfiable type cycle"},
		{"[1] STRUCT '(anon)' size=8 vlen=1\n\t'self' type_id=2 bits_offset=0\n"
		 "[2] PTR '(anon)' type_id=1\n",
		 "unsatisfiable type cycle"},
		{"[1] FUNC_PROTO '(anon)' ret_type_id=2 vlen=0\n[2] PTR '(anon)' type_id=1\n",
		 "unsatisfiable type cycle"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bk_btf *btf = assemble(cases[i].text, NULL);
		expect_dump_error(btf, NULL, -ELOOP, cases[i].needle);
		expect_dump_error(btf, &UNSORTED, -ELOOP, cases[i].needle);
		bk_btf_free(btf);
	}
}

/* A type loop that ordering meets last, in a BTF large enough that the
 * helper thread walks: the file gets nothing, as when one thread does it
 * all. Unsorted, so that ordering goes by ID: 12,000 structs (1.2 MB of C,
 * which the helper prints while this thread orders), then a chain of
 * 300,000 typedefs that takes ordering a while, then the loop. */
static void late_loop_prints_nothing(bool gnuc)
{
	enum { STRUCTS = 12000, CHAIN = 300000 };
	size_t cap = (size_t)STRUCTS * 200 + (size_t)CHAIN * 48 + 640, n = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	n += (size_t)snprintf(text + n, cap - n,
			      "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n");
	uint32_t id = 2;
	for (uint32_t k = 0; k < STRUCTS; k++, id++)
		n += (size_t)snprintf(text + n, cap - n,
				      "[%u] STRUCT 'a_struct_of_three_ints_%05u' size=12 vlen=3\n"
				      "\t'first' type_id=1 bits_offset=0\n\t'second' type_id=1 bits_offset=32\n"
				      "\t'third' type_id=1 bits_offset=64\n",
				      id, k);
	for (uint32_t k = 0; k < CHAIN; k++, id++)
		n += (size_t)snprintf(text + n, cap - n, "[%u] TYPEDEF 't%u' type_id=%u\n", id, k,
				      k + 1 < CHAIN ? id + 1 : 1);
	n += (size_t)snprintf(text + n, cap - n,
			      "[%u] STRUCT 'loop_a' size=4 vlen=1\n\t'b' type_id=%u bits_offset=0\n"
			      "[%u] STRUCT 'loop_b' size=4 vlen=1\n\t'a' type_id=%u bits_offset=0\n",
			      id, id + 1, id + 1, id);
	if (gnuc)
		snprintf(text + n, cap - n, "[%u] TYPEDEF '__gnuc_va_list' type_id=0\n", id + 2);
	struct bk_btf *btf = assemble(text, NULL);
	free(text);
	FILE *f = tmpfile();
	assert_non_null(f);
	struct bk_error err = {0};
	assert_int_equal(bk_dump_c(btf, &UNSORTED, f, &err), -ELOOP);
	assert_non_null(strstr(err.msg, "unsatisfiable type cycle"));
	assert_int_equal(ftell(f), 0);
	fclose(f);
	bk_btf_free(btf);
}

/* Also where the helper thread, started, finds that the BTF needs none
 * (old GCC's __gnuc_va_list: its text depends on its ___N) and this thread
 * prints it all. */
static void test_late_loop_prints_nothing(void **state)
{
	(void)state;
	late_loop_prints_nothing(false);
	late_loop_prints_nothing(true);
}

/* struct outer { struct { struct { ... int a; } a; } a; }: 10,000 deep */
static void test_nested_anonymous(void **state)
{
	(void)state;
	enum { DEPTH = 10000 };
	size_t cap = (size_t)DEPTH * 80 + 256, n = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	n += (size_t)snprintf(text + n, cap - n,
			      "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n");
	for (uint32_t id = 2; id < DEPTH + 2; id++)
		n += (size_t)snprintf(text + n, cap - n,
				      "[%u] STRUCT '(anon)' size=4 vlen=1\n\t'a' type_id=%u bits_offset=0\n",
				      id, id == DEPTH + 1 ? 1 : id + 1);
	snprintf(text + n, cap - n, "[%u] STRUCT 'outer' size=4 vlen=1\n\t'a' type_id=2 bits_offset=0\n",
		 DEPTH + 2);
	struct bk_btf *btf = assemble(text, NULL);
	free(text);
	size_t len;
	char *got = dump_c(btf, NULL, &len);
	assert_int_equal(count(got, "struct {\n"), DEPTH);
	assert_int_equal(count(got, "} a;"), DEPTH);
	assert_non_null(strstr(got, "struct outer {\n\tstruct {\n\t\tstruct {\n"));
	/* indentation stops growing at 13 tabs, as libbpf's */
	assert_non_null(strstr(got, "\n\t\t\t\t\t\t\t\t\t\t\t\t\tint a;\n\t\t\t\t\t\t\t\t\t\t\t\t\t} a;"));
	free(got);
	bk_btf_free(btf);
}

/* ___N where a name comes back: an anonymous enum printed in two places
 * counts its enumerators twice (R, found nowhere else, too; and against a
 * typedef of the same name),
 * two enums named alike take ___2 (their enumerators too), a struct of the
 * same name ___3; the names given out once (C, f, z) skip the maps in the
 * sorted modes (d->single), and must print the same. */
static void test_repeated_names(void **state)
{
	(void)state;
	static const char text[] =
		"[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"
		"[2] ENUM '(anon)' encoding=UNSIGNED size=4 vlen=3\n\t'A' val=0\n\t'Q' val=1\n"
		"\t'R' val=2\n"
		"[3] STRUCT 's' size=8 vlen=2\n\t'a' type_id=2 bits_offset=0\n"
		"\t'b' type_id=2 bits_offset=32\n"
		"[4] ENUM 'e' encoding=UNSIGNED size=4 vlen=1\n\t'B' val=0\n"
		"[5] ENUM 'e' encoding=UNSIGNED size=4 vlen=1\n\t'B' val=0\n"
		"[6] TYPEDEF 'Q' type_id=1\n"
		"[7] STRUCT 'e' size=4 vlen=1\n\t'z' type_id=6 bits_offset=0\n"
		"[8] TYPEDEF 'A' type_id=3\n"
		"[9] ENUM 'f' encoding=UNSIGNED size=4 vlen=1\n\t'C' val=0\n";
	static const char body[] =
		"enum e {\n\tB = 0,\n};\n\n"
		"enum e___2 {\n\tB___2 = 0,\n};\n\n"
		"enum f {\n\tC = 0,\n};\n\n"
		"typedef int Q;\n\n"
		"struct e___3 {\n\tQ z;\n};\n\n"
		"struct s {\n\tenum {\n\t\tA = 0,\n\t\tQ___2 = 1,\n\t\tR = 2,\n\t} a;\n"
		"\tenum {\n\t\tA___2 = 0,\n\t\tQ___3 = 1,\n\t\tR___2 = 2,\n\t} b;\n};\n\n"
		"typedef struct s A___3;\n\n";
	struct bk_btf *btf = assemble(text, NULL);
	char *want = with_header(body, true);
	const struct bk_dump_c_opts *modes[] = {NULL, &QUIRKS};
	for (size_t i = 0; i < 2; i++) {
		size_t len;
		char *got = dump_c(btf, modes[i], &len);
		assert_string_equal(got, want);
		free(got);
	}
	free(want);
	bk_btf_free(btf);
}

/* The common declarations printed at once and memoised (c_simple.c): a
 * type named again comes from the memo with its ___N; three pointers are
 * the most the memo takes, four go through the declarator chain; a text
 * longer than a memo slot (48 bytes) is printed anew each time. */
#define LONG_NAME "a_struct_name_long_enough_that_no_memo_slot_holds_it_pointer"

static void test_simple_declarations(void **state)
{
	(void)state;
	static const char text[] =
		"[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"
		"[2] ENUM 'e' encoding=UNSIGNED size=4 vlen=1\n\t'B' val=0\n"
		"[3] ENUM 'e' encoding=UNSIGNED size=4 vlen=1\n\t'B' val=0\n"
		"[4] TYPEDEF 'T' type_id=1\n"
		"[5] PTR '(anon)' type_id=4\n"
		"[6] STRUCT 's' size=64 vlen=9\n"
		"\t'x' type_id=3 bits_offset=0\n\t'y' type_id=3 bits_offset=32\n"
		"\t'p' type_id=5 bits_offset=64\n\t'q' type_id=5 bits_offset=128\n"
		"\t'r4' type_id=10 bits_offset=192\n\t'r3' type_id=9 bits_offset=256\n"
		"\t'v' type_id=11 bits_offset=320\n"
		"\t'l1' type_id=13 bits_offset=384\n\t'l2' type_id=13 bits_offset=448\n"
		"[7] PTR '(anon)' type_id=6\n"
		"[8] PTR '(anon)' type_id=7\n"
		"[9] PTR '(anon)' type_id=8\n"
		"[10] PTR '(anon)' type_id=9\n"
		"[11] PTR '(anon)' type_id=0\n"
		"[12] STRUCT '" LONG_NAME "' size=0 vlen=0\n"
		"[13] PTR '(anon)' type_id=12\n";
	static const char want[] =
		"struct s {\n\tenum e___2 x;\n\tenum e___2 y;\n\tT *p;\n\tT *q;\n"
		"\tstruct s ****r4;\n\tstruct s ***r3;\n\tvoid *v;\n"
		"\tstruct " LONG_NAME " *l1;\n\tstruct " LONG_NAME " *l2;\n};\n\n";
	struct bk_btf *btf = assemble(text, NULL);
	const struct bk_dump_c_opts *modes[] = {NULL, &UNSORTED};
	for (size_t i = 0; i < 2; i++) {
		size_t len;
		char *got = dump_c(btf, modes[i], &len);
		if (!strstr(got, want))
			fail_msg("mode %zu: no\n%s\nin\n%s", i, want, got);
		free(got);
	}
	bk_btf_free(btf);
}

/* ---- the output compiles ---------------------------------------------------------- */

static bool have_tool(const char *name)
{
	return bkt_cmd("command -v %s >/dev/null 2>&1", name) == 0;
}

static void compile_header(const char *path, const char *what)
{
	if (bkt_cmd("printf '#include \"%s\"\\nint main(void) { return 0; }\\n' | "
		    "cc -fsyntax-only -x c - 2>%s.cc.err", path, path))
		fail_msg("%s: cc -fsyntax-only fails (%s.cc.err)", what, path);
	if (have_tool("clang") &&
	    bkt_cmd("clang -target bpf -fsyntax-only -x c %s 2>%s.clang.err", path, path))
		fail_msg("%s: clang -target bpf -fsyntax-only fails (%s.clang.err)", what, path);
}

static void test_kernels_compile(void **state)
{
	(void)state;
	static const char *const kvers[] = {"6.1.0-47-amd64", "6.1.0-56-amd64",
					    "6.12.107+deb12-amd64", "6.12.117+deb12-amd64",
					    "running"};
	for (size_t i = 0; i < sizeof(kvers) / sizeof(kvers[0]); i++) {
		size_t len;
		char *text = dump_c(bkt_vmlinux_btf(kvers[i]), NULL, &len);
		const char *path = bkt_tmp(kvers[i]);
		struct bk_error err = {0};
		assert_int_equal(bk_write_file(path, text, len, &err), 0);
		free(text);
		compile_header(path, kvers[i]);
	}
}

static void test_nested_compiles(void **state)
{
	(void)state;
	struct bk_btf *btf = assemble(kinds_text, NULL);
	size_t len;
	char *text = dump_c(btf, NULL, &len);
	struct bk_error err = {0};
	assert_int_equal(bk_write_file(bkt_tmp("kinds.h"), text, len, &err), 0);
	compile_header(bkt_tmp("kinds.h"), "crafted kinds");
	free(text);
	bk_btf_free(btf);
}

/* Module headers (split on their vmlinux: the whole base and the module):
 * every 40th module of the corpus by default, as each prints all of
 * vmlinux (BK_CDUMP_MODULE_STRIDE=1: every module; BK_CORPUS_STRIDE thins
 * the corpus first). */
static size_t module_stride(void)
{
	const char *s = getenv("BK_CDUMP_MODULE_STRIDE");
	long v = s ? strtol(s, NULL, 10) : 0;
	return v > 0 ? (size_t)v : 40;
}

static void check_modules(const char *kver)
{
	char **mods;
	const size_t MODULE_STRIDE = module_stride();
	size_t n = bkt_corpus_modules(kver, &mods), done = 0;
	const struct bk_btf *base = bkt_vmlinux_btf(kver);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i += MODULE_STRIDE, done++) {
		struct bk_btf *btf = bkt_load(bkt_module(kver, mods[i]), base);
		size_t len;
		char *text = dump_c(btf, NULL, &len);
		if (len < sizeof(FOOTER) || strcmp(text + len - strlen(FOOTER), FOOTER))
			fail_msg("%s/%s: header cut short", kver, mods[i]);
		free(text);
		bk_btf_free(btf);
	}
	bkt_free_list(mods, n);
	print_message("  %s: %zu module headers\n", kver, done);
}

static void test_module_headers(void **state)
{
	(void)state;
	check_modules("6.1.0-47-amd64");
	check_modules("6.12.117+deb12-amd64");
	/* one module header in full: it compiles too */
	const char **sample;
	size_t ns = bkt_sample(&sample);
	assert_true(ns > 0);
	struct bk_btf *btf = bkt_load(bkt_module("6.1.0-47-amd64", sample[0]),
				      bkt_vmlinux_btf("6.1.0-47-amd64"));
	size_t len;
	char *text = dump_c(btf, NULL, &len);
	struct bk_error err = {0};
	assert_int_equal(bk_write_file(bkt_tmp("module.h"), text, len, &err), 0);
	compile_header(bkt_tmp("module.h"), sample[0]);
	free(text);
	bk_btf_free(btf);
}

/* ---- the CLI ------------------------------------------------------------------------ */

/* ---- to a file: printed by two threads in blocks, names put in in order ---------- */

/* what bk_dump_c writes to a file, which must be what it collects in memory */
static void assert_file_equals_mem(const struct bk_btf *btf, const struct bk_dump_c_opts *o)
{
	size_t len, got_len;
	char *want = dump_c(btf, o, &len);
	FILE *f = tmpfile();
	assert_non_null(f);
	struct bk_error err = {0};
	assert_int_equal(bk_dump_c(btf, o, f, &err), 0);
	long end = ftell(f);
	assert_true(end >= 0);
	char *got = malloc((size_t)end + 1);
	assert_non_null(got);
	rewind(f);
	got_len = fread(got, 1, (size_t)end, f);
	fclose(f);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, want, len);
	free(got);
	free(want);
}

/* Many types of the same names: their ___N (given in output order, an
 * enumerator's each time it is printed) cross the blocks that the two
 * threads print. With old GCC's __gnuc_va_list on void (whose text
 * depends on its ___N) it prints in one thread. */
static struct bk_btf *same_names(uint32_t copies, bool gnuc)
{
	size_t cap = (size_t)copies * 240 + 1024, n = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	n += (size_t)snprintf(text + n, cap - n,
			      "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n");
	uint32_t id = 2;
	for (uint32_t k = 0; k < copies; k++, id += 4)
		n += (size_t)snprintf(text + n, cap - n,
				      "[%u] STRUCT 's' size=4 vlen=1\n\t'x' type_id=1 bits_offset=0\n"
				      "[%u] TYPEDEF 't' type_id=%u\n"
				      "[%u] ENUM 'e' encoding=UNSIGNED size=4 vlen=1\n\t'E' val=%u\n"
				      "[%u] PTR '(anon)' type_id=%u\n",
				      id, id + 1, id, id + 2, k, id + 3, id + 1);
	/* a name so long that name___2 is cut at 255 bytes, as libbpf's */
	char long_name[254];
	memset(long_name, 'L', 253);
	long_name[253] = '\0';
	for (int k = 0; k < 2; k++, id++)
		n += (size_t)snprintf(text + n, cap - n,
				      "[%u] STRUCT '%s' size=4 vlen=1\n\t'x' type_id=1 bits_offset=0\n",
				      id, long_name);
	if (gnuc)
		snprintf(text + n, cap - n, "[%u] TYPEDEF '__gnuc_va_list' type_id=0\n", id);
	struct bk_btf *btf = assemble(text, NULL);
	free(text);
	return btf;
}

static void test_file_output(void **state)
{
	(void)state;
	const char *kernels[] = {"running", "6.1.0-47-amd64"};
	for (size_t i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
		const struct bk_btf *v = bkt_vmlinux_btf(kernels[i]);
		assert_file_equals_mem(v, NULL);
		assert_file_equals_mem(v, &QUIRKS);
		assert_file_equals_mem(v, &UNSORTED);
	}
	for (int gnuc = 0; gnuc < 2; gnuc++) {
		struct bk_btf *btf = same_names(3000, gnuc);
		size_t len;
		char *text = dump_c(btf, &UNSORTED, &len);
		assert_non_null(strstr(text, "\nstruct s___3000 {\n\tint x;\n};\n"));
		assert_non_null(strstr(text, "\ntypedef struct s___3000 t___3000;\n"));
		assert_non_null(strstr(text, "\n\tE___3000 = 2999,\n"));
		assert_non_null(strstr(text, "LLLL__ {\n"));
		assert_int_equal(count(text, "LLLL {\n"), 1);
		free(text);
		assert_file_equals_mem(btf, NULL);
		assert_file_equals_mem(btf, &UNSORTED);
		bk_btf_free(btf);
	}
}

static void test_cli(void **state)
{
	(void)state;
	int status;
	size_t len;
	char *out = bkt_runf(&status, &len, "%s dump --format c --bpftool-quirks %s", bkt_tool(),
			     bkt_golden("dump/crafted/kinds_base.btf"));
	assert_int_equal(status, 0);
	bkt_assert_text_file(out, len, bkt_golden("c/kinds_base.h"));
	free(out);
	out = bkt_runf(&status, &len, "%s dump --format c --root-id 17 --root-id 0 %s", bkt_tool(),
		       bkt_golden("dump/crafted/kinds_base.btf"));
	assert_int_equal(status, 0);
	assert_non_null(strstr(out, "struct plain {\n"));
	assert_null(strstr(out, "BPF kfuncs"));
	free(out);
	/* usage errors: exit 2 */
	static const char *const bad[] = {
		"--format cc", "--unsorted", "--format c --root-id x", "--format c --root-id 1 --root-id 1",
		"--bpftool-quirks --format raw",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(bkt_cmd("%s dump %s %s 2>/dev/null >/dev/null", bkt_tool(), bad[i],
					 bkt_golden("dump/crafted/kinds_base.btf")),
				 2);
	/* a root ID past the end: invalid input, exit 1, nothing on stdout */
	out = bkt_runf(&status, &len, "%s dump --format c --root-id 100000 %s 2>/dev/null",
		       bkt_tool(), bkt_golden("dump/crafted/kinds_base.btf"));
	assert_int_equal(status, 1);
	assert_int_equal(len, 0);
	free(out);
	/* --format raw and json name today's outputs */
	out = bkt_runf(&status, &len, "%s dump --format json %s", bkt_tool(),
		       bkt_golden("dump/crafted/kinds_base.btf"));
	assert_int_equal(status, 0);
	bkt_assert_text_file(out, len, bkt_golden("dump/crafted/kinds_base.json"));
	free(out);
	/* -p: bpftool -p's indentation (checked against bpftool 7.8 built from
	 * source); without the whitespace outside strings, the compact golden */
	out = bkt_runf(&status, &len, "%s dump -p %s", bkt_tool(),
		       bkt_golden("dump/crafted/kinds_base.btf"));
	assert_int_equal(status, 0);
	static const char pretty_start[] = "{\n    \"types\": [{\n            \"id\": 1,\n"
					   "            \"kind\": \"INT\",\n";
	assert_int_equal(strncmp(out, pretty_start, sizeof(pretty_start) - 1), 0);
	assert_non_null(strstr(out, "\n        },{\n            \"id\": 2,\n"));
	assert_non_null(strstr(out, "\"members\": [{\n                    \"name\": \"a\",\n"));
	char *compact = malloc(len + 1);
	size_t k = 0;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char c = out[i];
		if (in_str && c == '\\') {
			compact[k++] = c;
			compact[k++] = out[++i];
			continue;
		}
		if (c == '"')
			in_str = !in_str;
		if (in_str || (c != ' ' && c != '\n'))
			compact[k++] = c;
	}
	compact[k++] = '\n';
	bkt_assert_text_file(compact, k, bkt_golden("dump/crafted/kinds_base.json"));
	free(compact);
	free(out);
	/* a full disk: I/O, exit 2, one message */
	out = bkt_runf(&status, &len, "%s dump --format c %s 2>&1 >/dev/full", bkt_tool(),
		       bkt_vmlinux("running"));
	assert_int_equal(status, 2);
	assert_int_equal(count(out, "btfkit: "), 1);
	assert_non_null(strstr(out, "No space left on device"));
	free(out);
	FILE *full = fopen("/dev/full", "w");
	assert_non_null(full);
	struct bk_error err = {0};
	assert_int_equal(bk_dump_c(bkt_vmlinux_btf("running"), NULL, full, &err), -ENOSPC);
	assert_true(err.io);
	fclose(full);
	out = bkt_runf(&status, &len, "%s help dump", bkt_tool());
	assert_non_null(strstr(out, "--bpftool-quirks"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_goldens_quirks),
		cmocka_unit_test(test_default_restores_the_dropped_enum),
		cmocka_unit_test(test_unsorted),
		cmocka_unit_test(test_root_ids),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_type_loops),
		cmocka_unit_test(test_late_loop_prints_nothing),
		cmocka_unit_test(test_nested_anonymous),
		cmocka_unit_test(test_repeated_names),
		cmocka_unit_test(test_simple_declarations),
		cmocka_unit_test_setup_teardown(test_kernels_compile, bkt_tmpdir_setup,
						bkt_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_nested_compiles, bkt_tmpdir_setup,
						bkt_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_module_headers, bkt_tmpdir_setup,
						bkt_tmpdir_teardown),
		cmocka_unit_test(test_file_output),
		cmocka_unit_test(test_cli),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
