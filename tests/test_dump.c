// SPDX-License-Identifier: MIT
/*
 * btfkit dump against bpftool's own outputs: every text and JSON golden of
 * golden/dump (sample modules, full vmlinux, crafted, endian), and every .txt
 * of golden/examples, golden/distill and golden/relocate; the whole corpus
 * (both module sets) dumps without error; JSON escaping and the odd cases
 * (invalid names, void in a DATASEC, unknown linkage) that no golden has;
 * and the CLI (options, exit statuses, write errors, JSON that parses).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define DUMP_KVER "6.1.0-47-amd64" /* the base of golden/dump/<mod>.* */

/* ---- helpers ---------------------------------------------------------------- */

static char *dump(const struct bk_btf *btf, enum bk_dump_format fmt, size_t *len)
{
	char *text;
	int e = bk_dump_mem(btf, fmt, &text, len);
	if (e)
		fail_msg("bk_dump_mem: %s", strerror(-e));
	return text;
}

/* A base spec: NULL none, "@KVER" a corpus vmlinux (cached), else a raw or
 * ELF file under golden/. *owned is what the caller frees. */
static const struct bk_btf *load_base(const char *spec, struct bk_btf **owned)
{
	*owned = NULL;
	if (!spec)
		return NULL;
	if (spec[0] == '@')
		return bkt_vmlinux_btf(spec + 1);
	return *owned = bkt_load(bkt_golden(spec), NULL);
}

/* Compare with a golden without stopping: print the first difference and
 * return false, so that one run lists every golden that differs. */
static bool same_as_golden(const char *got, size_t got_len, const char *golden_path)
{
	size_t want_len;
	char *want = bkt_read(golden_path, &want_len);
	if (!want) {
		print_error("golden %s is missing\n", golden_path);
		return false;
	}
	bool same = got_len == want_len && !memcmp(got, want, got_len);
	if (!same) {
		size_t i = 0, line = 1;
		while (i < got_len && i < want_len && got[i] == want[i])
			line += got[i++] == '\n';
		print_error("%s: differs at line %zu, byte %zu (got %zu bytes, want %zu)\n",
			    golden_path, line, i, got_len, want_len);
	}
	free(want);
	return same;
}

/* Load input (under golden/ unless absolute) on base and compare its dump in
 * fmt with the golden; a load failure counts as a difference. */
static bool check_one(const char *input, const struct bk_btf *base, enum bk_dump_format fmt,
		      const char *golden_path)
{
	char in[4096], msg[1200];
	snprintf(in, sizeof(in), "%s", input[0] == '/' ? input : bkt_golden(input));
	struct bk_error err = {0};
	struct bk_btf *btf = NULL;
	if (bk_btf_load(in, base, &btf, &err)) {
		print_error("%s: cannot load %s: %s\n", golden_path, in,
			    bk_error_str(&err, msg, sizeof(msg)));
		return false;
	}
	size_t len;
	char *text = dump(btf, fmt, &len);
	bool same = same_as_golden(text, len, golden_path);
	free(text);
	bk_btf_free(btf);
	return same;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

/* The names in a directory under $SHARED that end in one of the suffixes,
 * with a trailing ".xz" dropped. Sorted. */
static size_t list_files(const char *dir, const char *const *suffixes, char ***out)
{
	DIR *d = opendir(bkt_shared(dir));
	assert_non_null(d);
	size_t n = 0, cap = 64;
	char **list = malloc(cap * sizeof(*list));
	struct dirent *e;
	while ((e = readdir(d))) {
		char name[512];
		snprintf(name, sizeof(name), "%s", e->d_name);
		if (has_suffix(name, ".xz"))
			name[strlen(name) - 3] = '\0';
		bool match = false;
		for (const char *const *s = suffixes; *s; s++)
			match |= has_suffix(name, *s);
		if (!match)
			continue;
		if (n == cap)
			list = realloc(list, (cap *= 2) * sizeof(*list));
		list[n++] = strdup(name);
	}
	closedir(d);
	for (size_t i = 1; i < n; i++) /* insertion sort: a few hundred names */
		for (size_t j = i; j > 0 && strcmp(list[j - 1], list[j]) > 0; j--) {
			char *t = list[j];
			list[j] = list[j - 1];
			list[j - 1] = t;
		}
	*out = list;
	return n;
}

/* ---- golden/dump: the sample modules and whole kernels ------------------------ */

static void test_sample_modules(void **state)
{
	(void)state;
	const char **paths;
	size_t n = bkt_sample(&paths), failed = 0, json = 0;
	const struct bk_btf *base = bkt_vmlinux_btf(DUMP_KVER);
	assert_int_equal(n, 43);
	for (size_t i = 0; i < n; i++) {
		char rel[512], mod[4096];
		const char *name = bkt_basename(paths[i]);
		snprintf(mod, sizeof(mod), "%s", bkt_module(DUMP_KVER, paths[i]));
		snprintf(rel, sizeof(rel), "dump/%s.txt", name);
		failed += !check_one(mod, base, BK_DUMP_TEXT, bkt_golden(rel));
		snprintf(rel, sizeof(rel), "dump/%s.json", name);
		if (!bkt_exists(bkt_golden(rel)))
			continue;
		json++;
		failed += !check_one(mod, base, BK_DUMP_JSON, bkt_golden(rel));
	}
	assert_int_equal(json, 8); /* golden/README: 8 modules have a .json */
	if (failed)
		fail_msg("%zu of %zu sample-module goldens differ", failed, n + json);
}

/* corpus/ko: whole signed and unsigned .ko files of sample modules, the
 * very files dump/<mod>.* were made from */
static void test_ko_files(void **state)
{
	(void)state;
	static const char *const suffixes[] = {".ko", NULL};
	const struct bk_btf *base = bkt_vmlinux_btf(DUMP_KVER);
	char **names;
	size_t n = list_files("corpus/ko", suffixes, &names), failed = 0, checked = 0;
	assert_true(n >= 8);
	for (size_t i = 0; i < n; i++) {
		char ko[4096], mod[256], rel[512];
		snprintf(ko, sizeof(ko), "%s", bkt_shared("corpus/ko"));
		snprintf(ko + strlen(ko), sizeof(ko) - strlen(ko), "/%s", names[i]);
		snprintf(mod, sizeof(mod), "%s", names[i]);
		*strstr(mod, ".ko") = '\0';
		if (strstr(mod, ".nosig"))
			*strstr(mod, ".nosig") = '\0';
		for (int j = 0; j < 2; j++) {
			snprintf(rel, sizeof(rel), "dump/%s.%s", mod, j ? "json" : "txt");
			if (!bkt_exists(bkt_golden(rel)))
				continue;
			checked++;
			failed += !check_one(ko, base, j ? BK_DUMP_JSON : BK_DUMP_TEXT,
					     bkt_golden(rel));
		}
		free(names[i]);
	}
	free(names);
	assert_true(checked >= n);
	if (failed)
		fail_msg("%zu of %zu .ko goldens differ", failed, checked);
}

static void test_whole_kernels(void **state)
{
	(void)state;
	size_t failed = 0;
	struct {
		const char *kver, *golden;
		enum bk_dump_format fmt;
	} cases[] = {
		{"running", "dump/vmlinux-running.txt", BK_DUMP_TEXT},
		{"running", "dump/vmlinux-running.json", BK_DUMP_JSON},
		{"6.1.0-47-amd64", "dump/vmlinux-6.1.0-47-amd64.txt", BK_DUMP_TEXT},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		char *text = dump(bkt_vmlinux_btf(cases[i].kver), cases[i].fmt, &len);
		failed += !same_as_golden(text, len, bkt_golden(cases[i].golden));
		free(text);
	}
	if (failed)
		fail_msg("%zu whole-kernel goldens differ", failed);
}

/* ---- golden/dump/crafted, golden/dump/endian, golden/examples ----------------- */

/* One input and its base; its goldens are PREFIX.txt and PREFIX.json (those
 * that exist). The bases come from the READMEs; each directory is then
 * checked to have no golden left that a row does not cover. */
struct golden_case {
	const char *input, *base, *prefix; /* paths under golden/ */
};

#define C(f) "dump/crafted/" f
static const struct golden_case crafted_cases[] = {
	{C("fake_mod_nobase.ko"), "@running", C("fake_mod_nobase.ko")},
	{C("fake_mod_distilled.ko"), "@running", C("fake_mod_distilled.ko")},
	{C("fake_mod_distilled.ko"), NULL, C("fake_mod_distilled.ko.nobase")},
	{C("kinds_base.btf"), NULL, C("kinds_base")},
	{C("kinds_split.btf"), C("kinds_base.btf"), C("kinds_split")},
	{C("pahole_layout_base.btf"), NULL, C("pahole_layout_base")},
	{C("pahole_libbpf_all.btf"), NULL, C("pahole_libbpf_all")},
	{C("pahole_local_base.btf"), NULL, C("pahole_local_base")},
	{C("pahole_local_base_v2.btf"), NULL, C("pahole_local_base_v2")},
	{C("pahole_local_base_v3.btf"), NULL, C("pahole_local_base_v3")},
	{C("pahole_local_mod.BTF.base"), NULL, C("pahole_local_mod.BTF.base")},
	{C("pahole_local_mod.BTF"), C("pahole_local_mod.BTF.base"), C("pahole_local_mod.BTF")},
	{C("pahole_local_mod.o"), C("pahole_local_base.btf"), C("pahole_local_mod.o")},
	{C("pahole_local_mod.o"), NULL, C("pahole_local_mod.o.nobase")},
	{C("pahole_local_mod.o"), C("pahole_local_base_v2.btf"), C("pahole_local_mod.o.on_base_v2")},
	{C("pahole_local_mod_global_var.BTF.base"), NULL, C("pahole_local_mod_global_var.BTF.base")},
	{C("pahole_local_mod_global_var.BTF"), C("pahole_local_mod_global_var.BTF.base"),
	 C("pahole_local_mod_global_var.BTF")},
	{C("pahole_local_mod_global_var.o"), C("pahole_local_base.btf"),
	 C("pahole_local_mod_global_var.o")},
	{C("pahole_local_mod_gnu_objcopy.o"), C("pahole_local_base.btf"),
	 C("pahole_local_mod_gnu_objcopy.o")},
	{C("pahole_vmlinux_mod.BTF.base"), NULL, C("pahole_vmlinux_mod.BTF.base")},
	{C("pahole_vmlinux_mod.BTF"), C("pahole_vmlinux_mod.BTF.base"), C("pahole_vmlinux_mod.BTF")},
	{C("pahole_vmlinux_mod.o"), "@running", C("pahole_vmlinux_mod.o")},
	{C("vmlinux_split.btf"), "@running", C("vmlinux_split")},
	{C("vmlinux_split_dist_base.btf"), NULL, C("vmlinux_split_dist_base")},
	{C("vmlinux_split_distilled.btf"), C("vmlinux_split_dist_base.btf"), C("vmlinux_split_distilled")},
	{C("vmlinux_split_relocated.btf"), "@running", C("vmlinux_split_relocated")},
	{NULL, NULL, NULL},
};
#undef C

#define E(f) "dump/endian/" f
static const struct golden_case endian_cases[] = {
	{E("crc16.be.btf"), "@" DUMP_KVER, E("crc16.be.btf")},
	{E("doc_base.be.btf"), NULL, E("doc_base.be.btf")},
	{E("doc_base.elf32-big.o"), NULL, E("doc_base.elf32-big.o")},
	{E("kinds_base.be.btf"), NULL, E("kinds_base.be.btf")},
	{E("kinds_base.elf32-little.o"), NULL, E("kinds_base.elf32-little.o")},
	{E("kinds_base.elf64-big.o"), NULL, E("kinds_base.elf64-big.o")},
	{NULL, NULL, NULL},
};
#undef E

/* examples/README.md: X.txt is X.btf, split blobs on the base named here */
#define X(f) "examples/" f
#define EX(name, base) {X(name ".btf"), base, X(name)}
#define EX_BASE(name) EX(name, NULL)
static const struct golden_case example_cases[] = {
	EX_BASE("doc_base"),
	EX_BASE("doc_dist_base"),
	EX_BASE("doc_dup_base"),
	EX_BASE("doc_missing_base"),
	EX_BASE("doc_new_base"),
	EX_BASE("doc_resized_base"),
	EX_BASE("emb_dist_base"),
	EX_BASE("kinds_base"),
	EX_BASE("kinds_dist_base"),
	EX_BASE("quirk_base"),
	EX_BASE("quirk_dist_base"),
	EX_BASE("quirk_enum_only_base"),
	EX_BASE("vmlinux_bigsplit_dist_base"),
	EX_BASE("vmlinux_bigsplit_ambig_dist_base"),
	EX("doc_split", X("doc_base.btf")),
	EX("doc_split_distilled", X("doc_dist_base.btf")),
	EX("doc_split_relocated_doc_base", X("doc_base.btf")),
	EX("doc_split_relocated_doc_new_base", X("doc_new_base.btf")),
	EX("doc_split_relocated_doc_resized_base", X("doc_resized_base.btf")),
	EX("emb_split", X("doc_base.btf")),
	EX("emb_split_distilled", X("emb_dist_base.btf")),
	EX("emb_split_relocated_doc_new_base", X("doc_new_base.btf")),
	EX("kinds_split", X("kinds_base.btf")),
	EX("kinds_split_distilled", X("kinds_dist_base.btf")),
	EX("kinds_split_relocated_kinds_base", X("kinds_base.btf")),
	EX("quirk_split", X("quirk_base.btf")),
	EX("quirk_split_distilled", X("quirk_dist_base.btf")),
	EX("quirk_split_relocated_quirk_enum_only_base", X("quirk_enum_only_base.btf")),
	EX("vmlinux_bigsplit", "@running"),
	EX("vmlinux_bigsplit_ambig", "@running"),
	EX("vmlinux_bigsplit_split_distilled", X("vmlinux_bigsplit_dist_base.btf")),
	EX("vmlinux_bigsplit_ambig_split_distilled", X("vmlinux_bigsplit_ambig_dist_base.btf")),
	EX("vmlinux_bigsplit_split_relocated_running", "@running"),
	{NULL, NULL, NULL},
};
#undef EX
#undef EX_BASE
#undef X

static bool covered(char **done, size_t n_done, const char *rel)
{
	for (size_t i = 0; i < n_done; i++)
		if (!strcmp(done[i], rel))
			return true;
	return false;
}

static void check_cases(const struct golden_case *cases, const char *dir)
{
	static const char *const suffixes[] = {".txt", ".json", NULL};
	char *done[256];
	size_t n_done = 0, failed = 0, checked = 0;
	for (const struct golden_case *c = cases; c->input; c++) {
		struct bk_btf *owned;
		const struct bk_btf *base = load_base(c->base, &owned);
		for (int j = 0; j < 2; j++) {
			char rel[512];
			snprintf(rel, sizeof(rel), "%s%s", c->prefix, suffixes[j]);
			if (!bkt_exists(bkt_golden(rel)))
				continue;
			assert_true(n_done < 256);
			done[n_done++] = strdup(rel);
			checked++;
			failed += !check_one(c->input, base, j ? BK_DUMP_JSON : BK_DUMP_TEXT,
					     bkt_golden(rel));
		}
		bk_btf_free(owned);
	}
	/* every golden of the directory is one that a row above checked */
	char **names;
	char golden_dir[256];
	snprintf(golden_dir, sizeof(golden_dir), "golden/%s", dir);
	size_t n = list_files(golden_dir, suffixes, &names), missed = 0;
	for (size_t i = 0; i < n; i++) {
		char rel[512];
		snprintf(rel, sizeof(rel), "%s/%s", dir, names[i]);
		if (!covered(done, n_done, rel)) {
			print_error("%s: no test case\n", rel);
			missed++;
		}
		free(names[i]);
	}
	free(names);
	for (size_t i = 0; i < n_done; i++)
		free(done[i]);
	if (failed || missed)
		fail_msg("%s: %zu of %zu goldens differ, %zu not covered", dir, failed, checked,
			 missed);
}

static void test_crafted(void **state)
{
	(void)state;
	check_cases(crafted_cases, "dump/crafted");
}

static void test_endian(void **state)
{
	(void)state;
	check_cases(endian_cases, "dump/endian");
}

static void test_examples(void **state)
{
	(void)state;
	check_cases(example_cases, "examples");
}

/* pahole_local_mod.o.on_base_v3.err: bpftool refuses (an embedded struct was
 * resized); so must we. */
static void test_crafted_relocation_failure(void **state)
{
	(void)state;
	struct bk_btf *base = bkt_load(bkt_golden("dump/crafted/pahole_local_base_v3.btf"), NULL);
	struct bk_btf *btf = NULL;
	struct bk_error err = {0};
	assert_true(bk_btf_load(bkt_golden("dump/crafted/pahole_local_mod.o"), base, &btf, &err) <
		    0);
	assert_null(btf);
	bk_btf_free(base);
}

/* ---- golden/distill and golden/relocate ---------------------------------------- */

static void test_distill_goldens(void **state)
{
	(void)state;
	const char **paths;
	size_t n = bkt_sample(&paths), failed = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = bkt_basename(paths[i]);
		char base_in[512], split_in[512], rel[512];
		snprintf(base_in, sizeof(base_in), "distill/%s.base.btf", name);
		snprintf(split_in, sizeof(split_in), "distill/%s.split.btf", name);
		struct bk_btf *base = bkt_load(bkt_golden(base_in), NULL);
		snprintf(rel, sizeof(rel), "distill/%s.base.txt", name);
		failed += !check_one(base_in, NULL, BK_DUMP_TEXT, bkt_golden(rel));
		snprintf(rel, sizeof(rel), "distill/%s.split.txt", name);
		failed += !check_one(split_in, base, BK_DUMP_TEXT, bkt_golden(rel));
		bk_btf_free(base);
	}
	if (failed)
		fail_msg("%zu of %zu distill goldens differ", failed, 2 * n);
}

static void test_relocate_goldens(void **state)
{
	(void)state;
	static const char *const targets[] = {"6.1.0-47-amd64", "6.1.0-56-amd64",
					      "6.12.117+deb12-amd64", "running"};
	static const char *const suffixes[] = {".txt", NULL};
	char **names;
	size_t n = list_files("golden/relocate", suffixes, &names), failed = 0;
	assert_true(n >= 78); /* README: 27 + 8 + 0 + 43 relocations succeeded */
	for (size_t i = 0; i < n; i++) {
		/* <mod>.<target>.txt is <mod>.<target>.btf on vmlinux(<target>) */
		const char *kver = NULL;
		for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
			char suffix[64];
			snprintf(suffix, sizeof(suffix), ".%s.txt", targets[t]);
			if (has_suffix(names[i], suffix))
				kver = targets[t];
		}
		if (!kver)
			fail_msg("relocate/%s: unknown target", names[i]);
		char in[512], rel[512];
		snprintf(rel, sizeof(rel), "relocate/%s", names[i]);
		snprintf(in, sizeof(in), "relocate/%.*s.btf", (int)(strlen(names[i]) - 4), names[i]);
		failed += !check_one(in, bkt_vmlinux_btf(kver), BK_DUMP_TEXT, bkt_golden(rel));
		free(names[i]);
	}
	free(names);
	if (failed)
		fail_msg("%zu of %zu relocate goldens differ", failed, n);
}

/* ---- the whole corpus ----------------------------------------------------------- */

static size_t count(const char *text, const char *what)
{
	size_t n = 0, k = strlen(what);
	for (const char *p = text; (p = strstr(p, what)); p += k)
		n++;
	return n;
}

/* Every module of both module sets dumps in both formats, one record per
 * type (text records start a line with '[', JSON ones with {"id":). */
static void check_corpus(const char *kver)
{
	char **mods;
	size_t n = bkt_corpus_modules(kver, &mods), failed = 0;
	const struct bk_btf *base = bkt_vmlinux_btf(kver);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		struct bk_btf *btf = bkt_load(bkt_module(kver, mods[i]), base);
		uint32_t nr = bk_btf_nr_types(btf);
		size_t tlen, jlen;
		char *text = dump(btf, BK_DUMP_TEXT, &tlen), *json = dump(btf, BK_DUMP_JSON, &jlen);
		size_t records = (text[0] == '[') + count(text, "\n[");
		bool ok = records == nr && count(json, "{\"id\":") == nr && tlen &&
			  text[tlen - 1] == '\n' && !strncmp(json, "{\"types\":[", 10) &&
			  !strcmp(json + jlen - 3, "]}\n");
		if (!ok) {
			print_error("%s/%s: %zu text records for %u types\n", kver, mods[i], records,
				    nr);
			failed++;
		}
		free(text);
		free(json);
		bk_btf_free(btf);
	}
	bkt_free_list(mods, n);
	if (failed)
		fail_msg("%s: %zu of %zu modules dump wrongly", kver, failed, n);
}

static void test_corpus_6_1(void **state)
{
	(void)state;
	check_corpus("6.1.0-47-amd64");
}

static void test_corpus_6_12(void **state)
{
	(void)state;
	check_corpus("6.12.117+deb12-amd64");
}

/* ---- what no golden shows: escaping and odd values ------------------------------ */

static uint32_t add(struct bk_btf *b, const void *rec, size_t size)
{
	int id = bk_btf_add_type(b, rec, size);
	assert_true(id > 0);
	return (uint32_t)id;
}

static uint32_t str(struct bk_btf *b, const char *s)
{
	int64_t off = bk_btf_add_str(b, s);
	assert_true(off > 0);
	return (uint32_t)off;
}

/* Expected bytes are written out by hand from bpftool's btf.c and
 * json_writer.c: jsonw_puts escapes \t \n \r \f \b \\ \" and \' and passes
 * every other byte through; an unsigned ENUM value goes to jsonw_uint as a
 * sign-extended s32; DATASEC labels any ID below the type count (void as
 * UNKNOWN '(anon)'); linkages past extern are "(unknown)". */
static struct bk_btf *odd_btf(void)
{
	struct bk_btf *b = bk_btf_new(NULL);
	struct {
		struct bk_type t;
		uint32_t w;
	} i = {{str(b, "q\"b\\s'c\t\n\r\f\b\x01\xc3\xa9"), bk_info(BK_KIND_INT, 0, 0), {4}},
	       (6u << 24) | 32}; /* CHAR|BOOL: UNKN */
	add(b, &i, sizeof(i));
	struct bk_type ptr = {0x7ffffff0, bk_info(BK_KIND_PTR, 0, 0), {.type = 1}};
	add(b, &ptr, sizeof(ptr)); /* [2] a name offset past the strings */
	struct {
		struct bk_type t;
		struct bk_enum v[2];
	} e = {{str(b, "e"), bk_info(BK_KIND_ENUM, 2, 0), {4}},
	       {{str(b, "M2"), -2}, {str(b, "MAX"), 0x7fffffff}}};
	add(b, &e, sizeof(e)); /* [3] */
	struct bk_type fp = {0, bk_info(BK_KIND_FUNC_PROTO, 0, 0), {.type = 0}};
	add(b, &fp, sizeof(fp)); /* [4] */
	struct bk_type fn = {str(b, "f"), bk_info(BK_KIND_FUNC, 3, 0), {.type = 4}};
	add(b, &fn, sizeof(fn)); /* [5] linkage 3 */
	struct {
		struct bk_type t;
		struct bk_var v;
	} var = {{str(b, "v"), bk_info(BK_KIND_VAR, 0, 0), {.type = 1}}, {9}};
	add(b, &var, sizeof(var)); /* [6] linkage 9 */
	struct {
		struct bk_type t;
		struct bk_var_secinfo s[3];
	} ds = {{str(b, ".d"), bk_info(BK_KIND_DATASEC, 3, 0), {16}},
		{{0, 0, 4}, {6, 4, 4}, {99, 8, 8}}};
	add(b, &ds, sizeof(ds)); /* [7] void, a VAR, an ID past the end */
	return b;
}

static void test_odd_values_text(void **state)
{
	(void)state;
	struct bk_btf *b = odd_btf();
	static const char want[] =
		"[1] INT 'q\"b\\s'c\t\n\r\f\b\x01\xc3\xa9' size=4 bits_offset=0 nr_bits=32 "
		"encoding=UNKN\n"
		"[2] PTR '(invalid)' type_id=1\n"
		"[3] ENUM 'e' encoding=UNSIGNED size=4 vlen=2\n"
		"\t'M2' val=4294967294\n"
		"\t'MAX' val=2147483647\n"
		"[4] FUNC_PROTO '(anon)' ret_type_id=0 vlen=0\n"
		"[5] FUNC 'f' type_id=4 linkage=(unknown)\n"
		"[6] VAR 'v' type_id=1, linkage=(unknown)\n"
		"[7] DATASEC '.d' size=16 vlen=3\n"
		"\ttype_id=0 offset=0 size=4 (UNKNOWN '(anon)')\n"
		"\ttype_id=6 offset=4 size=4 (VAR 'v')\n"
		"\ttype_id=99 offset=8 size=8\n";
	size_t len;
	char *text = dump(b, BK_DUMP_TEXT, &len);
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(text, want, len);
	free(text);
	bk_btf_free(b);
}

static void test_odd_values_json(void **state)
{
	(void)state;
	struct bk_btf *b = odd_btf();
	static const char want[] =
		"{\"types\":["
		"{\"id\":1,\"kind\":\"INT\",\"name\":\"q\\\"b\\\\s\\'c\\t\\n\\r\\f\\b\x01\xc3\xa9\","
		"\"size\":4,\"bits_offset\":0,\"nr_bits\":32,\"encoding\":\"UNKN\"},"
		"{\"id\":2,\"kind\":\"PTR\",\"name\":\"(invalid)\",\"type_id\":1},"
		"{\"id\":3,\"kind\":\"ENUM\",\"name\":\"e\",\"encoding\":\"UNSIGNED\",\"size\":4,"
		"\"vlen\":2,\"values\":[{\"name\":\"M2\",\"val\":18446744073709551614},"
		"{\"name\":\"MAX\",\"val\":2147483647}]},"
		"{\"id\":4,\"kind\":\"FUNC_PROTO\",\"name\":\"(anon)\",\"ret_type_id\":0,\"vlen\":0,"
		"\"params\":[]},"
		"{\"id\":5,\"kind\":\"FUNC\",\"name\":\"f\",\"type_id\":4,\"linkage\":\"(unknown)\"},"
		"{\"id\":6,\"kind\":\"VAR\",\"name\":\"v\",\"type_id\":1,\"linkage\":\"(unknown)\"},"
		"{\"id\":7,\"kind\":\"DATASEC\",\"name\":\".d\",\"size\":16,\"vlen\":3,\"vars\":["
		"{\"type_id\":0,\"offset\":0,\"size\":4},{\"type_id\":6,\"offset\":4,\"size\":4},"
		"{\"type_id\":99,\"offset\":8,\"size\":8}]}"
		"]}\n";
	size_t len;
	char *text = dump(b, BK_DUMP_JSON, &len);
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(text, want, len);
	free(text);
	bk_btf_free(b);
}

/* No types: bpftool prints nothing as text, an empty list as JSON. */
/* Numbers at every change of length (fmt_u32 makes those of three to six
 * digits without a branch on their length): as printf writes them. */
static void test_number_lengths(void **state)
{
	(void)state;
	static const uint32_t sizes[] = {
		0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 1001, 9999, 10000, 10001, 99999, 100000,
		100001, 999999, 1000000, 1000001, 9999999, 10000000, 99999999, 100000000,
		999999999, 1000000000, 4294967295u, 123456, 654321, 70809,
	};
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	struct bk_btf *b = bk_btf_new(NULL);
	char want[N * 64], *w = want;
	for (unsigned i = 0; i < N; i++) {
		struct bk_type t = {str(b, "f"), bk_info(BK_KIND_FLOAT, 0, 0), {sizes[i]}};
		add(b, &t, sizeof(t));
		w += sprintf(w, "[%u] FLOAT 'f' size=%u\n", i + 1, sizes[i]);
	}
	size_t len;
	char *text = dump(b, BK_DUMP_TEXT, &len);
	assert_int_equal(len, (size_t)(w - want));
	assert_memory_equal(text, want, len);
	free(text);
	bk_btf_free(b);
}

static void test_empty(void **state)
{
	(void)state;
	struct bk_btf *b = bk_btf_new(NULL);
	size_t len;
	char *text = dump(b, BK_DUMP_TEXT, &len);
	assert_int_equal(len, 0);
	free(text);
	text = dump(b, BK_DUMP_JSON, &len);
	assert_string_equal(text, "{\"types\":[]}\n");
	free(text);
	bk_btf_free(b);
}

/* ---- bk_dump to a FILE -------------------------------------------------------- */

/* bk_dump of b to a file (the two-thread path, for a large BTF) writes
 * exactly want */
static void assert_file_dump(const struct bk_btf *b, int fmt, const char *want, size_t want_len)
{
	FILE *f = tmpfile();
	assert_non_null(f);
	assert_int_equal(bk_dump(b, fmt, f), 0);
	char *got = malloc(want_len + 1);
	assert_int_equal((size_t)ftell(f), want_len);
	rewind(f);
	assert_int_equal(fread(got, 1, want_len, f), want_len);
	assert_memory_equal(got, want, want_len);
	free(got);
	fclose(f);
}

/* Writing through the FILE buffer (many flushes, and one name longer than
 * the buffer) gives the same bytes as collecting in memory. */
static void test_file_output(void **state)
{
	(void)state;
	struct bk_btf *b = bk_btf_new(NULL);
	size_t long_len = 700 * 1024;
	char *long_name = malloc(long_len + 1);
	memset(long_name, 'n', long_len);
	long_name[long_len] = '\0';
	struct bk_type fwd = {str(b, long_name), bk_info(BK_KIND_FWD, 0, 1), {0}};
	for (int i = 0; i < 3; i++)
		add(b, &fwd, sizeof(fwd));
	free(long_name);
	const struct bk_btf *inputs[] = {b, bkt_vmlinux_btf("running")};
	for (size_t i = 0; i < 2; i++)
		for (int fmt = BK_DUMP_TEXT; fmt <= BK_DUMP_JSON; fmt++) {
			size_t mlen;
			char *mem = dump(inputs[i], fmt, &mlen);
			assert_file_dump(inputs[i], fmt, mem, mlen);
			free(mem);
		}
	bk_btf_free(b);
}

/* A name for type i of the many-names test: up to 39 plain bytes, then
 * one that JSON escapes (or passes on: \x01, \xc3), then a tail; so that
 * the byte falls at every place in an 8-byte word and in both 16-byte
 * vectors of the inline copy, and names run past its 32 bytes. */
static void many_name(char *buf, unsigned i)
{
	static const char specials[] = "\"\\'\t\n\r\f\b\x01\xc3";
	unsigned plain = i % 40, n = 0;
	for (unsigned k = 0; k < plain; k++)
		buf[n++] = (char)('a' + k % 26);
	buf[n++] = specials[(i / 40) % (sizeof(specials) - 1)];
	n += (unsigned)sprintf(buf + n, "z%u", i / 40);
	buf[n] = '\0';
}

/* bpftool's escaping, byte by byte (the reference for the fast path) */
static size_t json_escaped(char *out, const char *s)
{
	size_t n = 0;
	for (; *s; s++) {
		const char *e = strchr("\"\\'\t\n\r\f\b", *s);
		if (e && *s) {
			out[n++] = '\\';
			out[n++] = "\"\\'tnrfb"[e - "\"\\'\t\n\r\f\b"];
		} else {
			out[n++] = *s;
		}
	}
	return n;
}

/* 20,000 types written to a file (two threads, in blocks) come out in
 * order, each name copied or escaped right wherever its odd byte falls in
 * a word, the same as bpftool's rules give byte by byte. */
static void test_file_output_many_names(void **state)
{
	(void)state;
	enum { N = 20000 };
	struct bk_btf *b = bk_btf_new(NULL);
	char name[64], esc[128];
	for (unsigned i = 0; i < N; i++) {
		many_name(name, i);
		struct {
			struct bk_type t;
			uint32_t enc;
		} rec = {{str(b, name), bk_info(BK_KIND_INT, 0, 0), {4}}, 1u << 24 | 32};
		add(b, &rec, sizeof(rec));
	}
	size_t cap = (size_t)N * 160 + 64;
	char *want_text = malloc(cap), *want_json = malloc(cap);
	size_t tl = 0, jl = (size_t)sprintf(want_json, "{\"types\":[");
	for (unsigned i = 0; i < N; i++) {
		many_name(name, i);
		tl += (size_t)sprintf(want_text + tl, "[%u] INT '%s' size=4 bits_offset=0 "
				      "nr_bits=32 encoding=SIGNED\n", i + 1, name);
		esc[json_escaped(esc, name)] = '\0';
		jl += (size_t)sprintf(want_json + jl, "%s{\"id\":%u,\"kind\":\"INT\",\"name\":\"%s\","
				      "\"size\":4,\"bits_offset\":0,\"nr_bits\":32,"
				      "\"encoding\":\"SIGNED\"}", i ? "," : "", i + 1, esc);
	}
	jl += (size_t)sprintf(want_json + jl, "]}\n");
	for (int fmt = BK_DUMP_TEXT; fmt <= BK_DUMP_JSON; fmt++) {
		const char *want = fmt == BK_DUMP_TEXT ? want_text : want_json;
		size_t want_len = fmt == BK_DUMP_TEXT ? tl : jl;
		assert_file_dump(b, fmt, want, want_len);
	}
	free(want_text);
	free(want_json);
	bk_btf_free(b);
}

static void test_write_error(void **state)
{
	(void)state;
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		skip();
	assert_int_equal(bk_dump(bkt_vmlinux_btf("running"), BK_DUMP_TEXT, f), -ENOSPC);
	fclose(f);
}

/* ---- the CLI ------------------------------------------------------------------- */

static void test_cli_goldens(void **state)
{
	(void)state;
	char base[4096], mod[4096];
	int st;
	size_t len;
	snprintf(base, sizeof(base), "%s", bkt_vmlinux(DUMP_KVER));
	snprintf(mod, sizeof(mod), "%s", bkt_module(DUMP_KVER, "kernel/lib/crc16"));
	char *out = bkt_runf(&st, &len, "'%s' dump -B '%s' '%s'", bkt_tool(), base, mod);
	assert_int_equal(st, 0);
	bkt_assert_text_file(out, len, bkt_golden("dump/crc16.txt"));
	free(out);
	out = bkt_runf(&st, &len, "'%s' dump -j --base '%s' '%s'", bkt_tool(), base, mod);
	assert_int_equal(st, 0);
	bkt_assert_text_file(out, len, bkt_golden("dump/crc16.json"));
	free(out);
	out = bkt_runf(&st, &len, "'%s' dump --json '%s'", bkt_tool(),
		       bkt_golden("dump/crafted/kinds_base.btf"));
	assert_int_equal(st, 0);
	bkt_assert_text_file(out, len, bkt_golden("dump/crafted/kinds_base.json"));
	free(out);
}

/* bpftool's JSON is JSON (as long as no name has a single quote) */
static void test_cli_json_parses(void **state)
{
	(void)state;
	int st;
	char *out = bkt_runf(&st, NULL, "command -v python3 >/dev/null");
	free(out);
	if (st)
		skip();
	const char *files[][2] = {
		{bkt_vmlinux("running"), NULL},
		{bkt_golden("dump/crafted/kinds_base.btf"), NULL},
		{bkt_module(DUMP_KVER, "kernel/net/ipv4/tcp_bbr"), bkt_vmlinux(DUMP_KVER)},
		{bkt_module("6.12.117+deb12-amd64", "kernel/fs/nls/nls_utf8"),
		 bkt_vmlinux("6.12.117+deb12-amd64")},
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char base_opt[4200] = "";
		if (files[i][1])
			snprintf(base_opt, sizeof(base_opt), "-B '%s'", files[i][1]);
		out = bkt_runf(
			&st, NULL,
			"'%s' dump -j %s '%s' | python3 -c "
			"'import json,sys; d=json.load(sys.stdin); print(len(d[\"types\"]))'",
			bkt_tool(), base_opt, files[i][0]);
		if (st)
			fail_msg("JSON of %s does not parse", files[i][0]);
		assert_true(atoi(out) > 0);
		free(out);
	}
}

static void test_cli_errors(void **state)
{
	(void)state;
	const char *tool = bkt_tool();
	int st;
	size_t len;
	char *out;

	/* usage: exit 2, nothing on stdout */
	const char *usage_cases[] = {"", "-j", "-x F", "a b", "-B"};
	for (size_t i = 0; i < sizeof(usage_cases) / sizeof(usage_cases[0]); i++) {
		out = bkt_runf(&st, &len, "'%s' dump %s 2>/dev/null", tool, usage_cases[i]);
		assert_int_equal(st, 2);
		assert_int_equal(len, 0);
		free(out);
	}
	/* --help: the usage text, exit 0 */
	out = bkt_runf(&st, NULL, "'%s' dump --help", tool);
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "usage: btfkit dump [-B BASE] [-j|--json] FILE"));
	free(out);
	/* a missing file or base: I/O, exit 2, the path in the message */
	out = bkt_runf(&st, NULL, "'%s' dump /nonexistent/x.btf 2>&1", tool);
	assert_int_equal(st, 2);
	assert_non_null(strstr(out, "/nonexistent/x.btf"));
	free(out);
	out = bkt_runf(&st, NULL, "'%s' dump -B /nonexistent/base '%s' 2>&1", tool,
		       bkt_golden("dump/crafted/kinds_split.btf"));
	assert_int_equal(st, 2);
	free(out);
	/* a split blob without its base: invalid input, exit 1 */
	out = bkt_runf(&st, &len, "'%s' dump '%s' 2>/dev/null", tool,
		       bkt_module(DUMP_KVER, "kernel/lib/crc16"));
	assert_int_equal(st, 1);
	assert_int_equal(len, 0);
	free(out);
	/* standard output cannot be written: exit 2 with a message */
	out = bkt_runf(&st, NULL, "'%s' dump '%s' 2>&1 >/dev/full", tool, bkt_vmlinux("running"));
	assert_int_equal(st, 2);
	assert_non_null(strstr(out, "No space left on device"));
	free(out);
}

/* A truncated blob is invalid input (exit 1), at every length. */
static void test_cli_truncated(void **state)
{
	(void)state;
	size_t len;
	char *blob = bkt_read(bkt_golden("dump/crafted/kinds_base.btf"), &len);
	char path[] = "/tmp/btfkit-dump-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	const size_t cuts[] = {0, 3, 23, 31, 100, len / 2, len - 1};
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		FILE *f = fopen(path, "wb");
		assert_int_equal(fwrite(blob, 1, cuts[i], f), cuts[i]);
		fclose(f);
		int st;
		size_t out_len;
		char *out = bkt_runf(&st, &out_len, "'%s' dump '%s' 2>/dev/null", bkt_tool(), path);
		if (st != 1)
			fail_msg("cut at %zu bytes: exit %d, want 1", cuts[i], st);
		assert_int_equal(out_len, 0);
		free(out);
	}
	unlink(path);
	free(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_odd_values_text),
		cmocka_unit_test(test_odd_values_json),
		cmocka_unit_test(test_number_lengths),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_sample_modules),
		cmocka_unit_test(test_ko_files),
		cmocka_unit_test(test_whole_kernels),
		cmocka_unit_test(test_crafted),
		cmocka_unit_test(test_crafted_relocation_failure),
		cmocka_unit_test(test_endian),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_distill_goldens),
		cmocka_unit_test(test_relocate_goldens),
		cmocka_unit_test(test_corpus_6_1),
		cmocka_unit_test(test_corpus_6_12),
		cmocka_unit_test(test_file_output),
		cmocka_unit_test(test_file_output_many_names),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_cli_goldens),
		cmocka_unit_test(test_cli_json_parses),
		cmocka_unit_test(test_cli_errors),
		cmocka_unit_test(test_cli_truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
