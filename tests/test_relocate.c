// SPDX-License-Identifier: MIT
/*
 * Relocation against libbpf's own outputs: every golden in golden/relocate/
 * (43 modules x 4 kernels) and golden/examples/, byte for byte where libbpf
 * succeeds, the same failing type and kind of failure where it fails; the
 * two deliberate differences from libbpf on crafted cases; the round trip
 * over both module sets; bad input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static const char *const targets[] = {"6.1.0-56-amd64", "6.12.117+deb12-amd64", "running",
				      "6.1.0-47-amd64"};

static char *errstr(const struct bk_error *e)
{
	static char buf[1400];
	return (char *)bk_error_str(e, buf, sizeof(buf));
}

static void *write_blob(const struct bk_btf *b, size_t *size)
{
	struct bk_error err = {0};
	void *data = NULL;
	if (bk_btf_write(b, NULL, &data, size, &err))
		fail_msg("write: %s", errstr(&err));
	return data;
}

/* What a golden .err says libbpf failed on: the distilled type's ID and
 * name, and whether it was "not mapped" or "multiple candidates". */
struct libbpf_failure {
	uint32_t id;
	char name[128];
	bool ambiguous;
};

static bool read_err(const char *path, struct libbpf_failure *f)
{
	char *text = bkt_read(path, NULL);
	if (!text)
		return false;
	const char *p = strstr(text, "distilled base BTF type '");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "distilled base BTF type '%127[^']' [%u]", f->name, &f->id), 2);
	f->ambiguous = strstr(p, "multiple candidates") != NULL;
	assert_true(f->ambiguous || strstr(p, "is not mapped") != NULL);
	free(text);
	return true;
}

/* A deliberately plain scan (no name index) for a same-kind, same-name type
 * of another size in base: what "size differs" claims. */
static bool base_has_resized(const struct bk_btf *base, const char *name, unsigned kind,
			     uint32_t size)
{
	for (uint32_t id = 1; id < bk_btf_type_cnt(base); id++) {
		const struct bk_type *t = bk_btf_type(base, id);
		const char *n = bk_btf_str(base, t->name_off);
		if (bk_kind(t) == kind && t->size != size && n && !strcmp(n, name))
			return true;
	}
	return false;
}

static void assert_same_failure(const struct bk_reloc_report *rep, const struct libbpf_failure *f,
				const struct bk_btf *new_base, const char *what)
{
	assert_non_null(rep);
	const struct bk_reloc_problem *p = &rep->problems[rep->primary];
	if (p->dist_id != f->id || strcmp(p->name, f->name))
		fail_msg("%s: libbpf fails on '%s' [%u], btfkit on '%s' [%u]", what, f->name, f->id,
			 p->name, p->dist_id);
	if (f->ambiguous)
		assert_int_equal(p->fault, BK_RELOC_AMBIGUOUS);
	else
		assert_true(p->fault == BK_RELOC_NOT_FOUND || p->fault == BK_RELOC_SIZE_DIFFERS);
	if (p->fault == BK_RELOC_SIZE_DIFFERS) {
		assert_true(p->embed_id != 0);
		assert_true(base_has_resized(new_base, p->name, p->dist_kind, p->dist_size));
	}
	if (p->fault == BK_RELOC_AMBIGUOUS)
		assert_true(p->nr_cands >= 2);
}

/* Relocate split (on dist) onto new_base and compare with want_btf or the
 * failure in want_err; quirks selects libbpf's matching. */
static void check_one(const char *dist_path, const char *split_path, const struct bk_btf *new_base,
		      const char *want_btf, const char *want_err, bool quirks, const char *what)
{
	struct bk_btf *dist = bkt_load(dist_path, NULL);
	struct bk_btf *split = bkt_load(split_path, dist);
	struct bk_reloc_report *rep = NULL;
	BK_OPTS(bk_relocate_opts, opts, .libbpf_quirks = quirks, .report = &rep);
	struct bk_error err = {0};
	struct bk_btf *out = NULL;
	size_t before_len, after_len;
	void *before = write_blob(split, &before_len);
	int e = bk_relocate_opts(split, new_base, &opts, &out, &err);
	if (want_btf && bkt_exists(want_btf)) {
		if (e)
			fail_msg("%s: libbpf relocates, btfkit fails: %s", what, errstr(&err));
		size_t len;
		void *got = write_blob(out, &len);
		bkt_assert_bytes_file(got, len, want_btf);
		free(got);
	} else {
		struct libbpf_failure f;
		if (!read_err(want_err, &f))
			fail_msg("%s: neither %s nor %s", what, want_btf, want_err);
		if (!e)
			fail_msg("%s: libbpf fails on '%s', btfkit relocates", what, f.name);
		assert_int_equal(e, -EINVAL);
		assert_int_equal(err.type_id, f.id);
		assert_same_failure(rep, &f, new_base, what);
	}
	/* the input is untouched either way */
	void *after = write_blob(split, &after_len);
	assert_int_equal(before_len, after_len);
	assert_memory_equal(before, after, before_len);
	free(before);
	free(after);
	bk_reloc_report_free(rep);
	bk_btf_free(out);
	bk_btf_free(split);
	bk_btf_free(dist);
}

static void golden_modules(bool quirks)
{
	const char **mods;
	size_t n = bkt_sample(&mods), ok = 0, failed = 0;
	for (size_t t = 0; t < 4; t++) {
		const struct bk_btf *base = bkt_vmlinux_btf(targets[t]);
		for (size_t i = 0; i < n; i++) {
			const char *m = bkt_basename(mods[i]);
			char dist[512], split[512], btf[512], errp[512], what[600];
			snprintf(dist, sizeof(dist), "distill/%s.base.btf", m);
			snprintf(split, sizeof(split), "distill/%s.split.btf", m);
			snprintf(btf, sizeof(btf), "relocate/%s.%s.btf", m, targets[t]);
			snprintf(errp, sizeof(errp), "relocate/%s.%s.err", m, targets[t]);
			snprintf(what, sizeof(what), "%s onto %s", m, targets[t]);
			char gb[4096], ge[4096];
			snprintf(gb, sizeof(gb), "%s", bkt_golden(btf));
			snprintf(ge, sizeof(ge), "%s", bkt_golden(errp));
			check_one(bkt_golden(dist), bkt_golden(split), base, gb, ge, quirks, what);
			if (bkt_exists(gb))
				ok++;
			else
				failed++;
		}
	}
	/* golden/README.md's table: 27+8+0+43 relocate, 16+35+43+0 fail */
	assert_int_equal(ok, 78);
	assert_int_equal(failed, 94);
}

static void test_golden_modules(void **state)
{
	(void)state;
	golden_modules(false);
}

static void test_golden_modules_quirks(void **state)
{
	(void)state;
	golden_modules(true);
}

/* golden/examples: {distilled base, distilled split, new base, result} */
struct example {
	const char *dist, *split, *new_base, *result;
	bool differs; /* one of btfkit's deliberate differences: quirks only */
};

static const struct example examples[] = {
	{"doc_dist_base", "doc_split_distilled", "doc_new_base", "doc_split_relocated_doc_new_base", false},
	{"doc_dist_base", "doc_split_distilled", "doc_base", "doc_split_relocated_doc_base", false},
	{"doc_dist_base", "doc_split_distilled", "doc_resized_base", "doc_split_relocated_doc_resized_base", false},
	{"doc_dist_base", "doc_split_distilled", "doc_missing_base", "doc_split_relocated_doc_missing_base", false},
	{"doc_dist_base", "doc_split_distilled", "doc_dup_base", "doc_split_relocated_doc_dup_base", false},
	{"emb_dist_base", "emb_split_distilled", "doc_new_base", "emb_split_relocated_doc_new_base", false},
	{"emb_dist_base", "emb_split_distilled", "doc_resized_base", "emb_split_relocated_doc_resized_base", false},
	{"kinds_dist_base", "kinds_split_distilled", "kinds_base", "kinds_split_relocated_kinds_base", false},
	{"quirk_dist_base", "quirk_split_distilled", "quirk_base", "quirk_split_relocated_quirk_base", true},
	{"quirk_dist_base", "quirk_split_distilled", "quirk_enum_only_base", "quirk_split_relocated_quirk_enum_only_base", true},
	{"vmlinux_bigsplit_dist_base", "vmlinux_bigsplit_split_distilled", NULL, "vmlinux_bigsplit_split_relocated_running", false},
	{"vmlinux_bigsplit_ambig_dist_base", "vmlinux_bigsplit_ambig_split_distilled", NULL, "vmlinux_bigsplit_ambig_split_relocated_running", false},
};

static const char *ex(const char *name, const char *suffix)
{
	char rel[512];
	snprintf(rel, sizeof(rel), "examples/%s%s", name, suffix);
	return bkt_golden(rel);
}

/* Distill's warnings name exactly the distilled types that relocation finds
 * ambiguous (rep: its report, NULL when it relocated), with the same first
 * two candidates; how many. On its own kernel a module may have no other
 * problem. */
static size_t assert_warned_as_ambiguous(const struct bk_btf *base, const struct bk_btf *dsplit,
					 const struct bk_reloc_report *rep, bool own_kernel,
					 const char *what)
{
	struct bk_distill_warnings w;
	struct bk_error err = {0};
	if (bk_distill_warnings(base, dsplit, &w, &err))
		fail_msg("%s: warnings: %s", what, errstr(&err));
	size_t k = 0;
	for (size_t i = 0; rep && i < rep->nr_problems; i++) {
		const struct bk_reloc_problem *p = &rep->problems[i];
		if (p->fault != BK_RELOC_AMBIGUOUS && own_kernel)
			fail_msg("%s: [%u] '%s': %s", what, p->dist_id, p->name,
				 bk_reloc_fault_name(p->fault));
		if (p->fault != BK_RELOC_AMBIGUOUS)
			continue;
		if (k == w.count || w.items[k].dist_id != p->dist_id)
			fail_msg("%s: relocation finds [%u] '%s' ambiguous, distill warns of %s", what,
				 p->dist_id, p->name, k < w.count ? w.items[k].name : "nothing");
		assert_true(p->nr_cands >= 2);
		assert_int_equal(w.items[k].match_ids[0], p->cands[0].id);
		assert_int_equal(w.items[k].match_ids[1], p->cands[1].id);
		k++;
	}
	if (k < w.count)
		fail_msg("%s: distill warns of [%u] '%s', relocation places it", what,
			 w.items[k].dist_id, w.items[k].name);
	bk_distill_warnings_free(&w);
	return k;
}

/* Relocate onto base in one mode: the ambiguities, all warned of. */
static size_t ambiguities(const struct bk_btf *dsplit, const struct bk_btf *base, bool quirks,
			  bool own_kernel, const char *what)
{
	struct bk_btf *out = NULL;
	struct bk_reloc_report *rep = NULL;
	BK_OPTS(bk_relocate_opts, opts, .libbpf_quirks = quirks, .report = &rep);
	struct bk_error err = {0};
	int e = bk_relocate_opts(dsplit, base, &opts, &out, &err);
	assert_true(e ? rep != NULL : out != NULL);
	size_t n = assert_warned_as_ambiguous(base, dsplit, rep, own_kernel, what);
	bk_reloc_report_free(rep);
	bk_btf_free(out);
	return n;
}

static void test_examples(void **state)
{
	(void)state;
	size_t warned = 0;
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		const struct example *x = &examples[i];
		struct bk_btf *owned = x->new_base ? bkt_load(ex(x->new_base, ".btf"), NULL) : NULL;
		const struct bk_btf *base = owned ? owned : bkt_vmlinux_btf("running");
		char want_btf[4096], want_err[4096], dist[4096], split[4096];
		snprintf(want_btf, sizeof(want_btf), "%s", ex(x->result, ".btf"));
		snprintf(want_err, sizeof(want_err), "%s", ex(x->result, ".err"));
		snprintf(dist, sizeof(dist), "%s", ex(x->dist, ".btf"));
		snprintf(split, sizeof(split), "%s", ex(x->split, ".btf"));
		check_one(dist, split, base, want_btf, want_err, true, x->result);
		if (!x->differs)
			check_one(dist, split, base, want_btf, want_err, false, x->result);
		/* distill's warnings are libbpf's view (btfkit's mode takes the
		 * STRUCT 'format_state' of bigsplit_ambig on the running kernel,
		 * which also has an ENUM of that name and size) */
		struct bk_btf *d = bkt_load(dist, NULL), *s = bkt_load(split, d);
		warned += ambiguities(s, base, true, false, x->result);
		bk_btf_free(s);
		bk_btf_free(d);
		bk_btf_free(owned);
	}
	/* doc_dup_base 1, quirk_base 1, bigsplit_ambig on the running kernel 15 */
	print_message("examples: %zu ambiguous types, all warned of by distill\n", warned);
	assert_int_equal(warned, 17);
}

/* ---- the deliberate differences --------------------------------------------- */

static struct bk_btf *load_example(const char *name, const struct bk_btf *base)
{
	return bkt_load(ex(name, ".btf"), base);
}

/* quirk_base has STRUCT 'fs' [2] and ENUM 'fs' [3], both 4 bytes: libbpf
 * calls it ambiguous; btfkit takes the STRUCT. */
static void test_struct_matches_struct_only(void **state)
{
	(void)state;
	struct bk_btf *dist = load_example("quirk_dist_base", NULL);
	struct bk_btf *split = load_example("quirk_split_distilled", dist);
	struct bk_btf *base = load_example("quirk_base", NULL);
	struct bk_btf *enum_only = load_example("quirk_enum_only_base", NULL);
	struct bk_btf *out = NULL;
	struct bk_reloc_report *rep = NULL;
	BK_OPTS(bk_relocate_opts, opts, .report = &rep);
	struct bk_error err = {0};
	uint32_t fs_struct[4], fs_enum[4];
	assert_int_equal(bk_btf_find(base, "fs", BK_KIND_STRUCT, fs_struct, 4), 1);
	assert_int_equal(bk_btf_find(base, "fs", BK_KIND_ENUM, fs_enum, 4), 1);

	if (bk_relocate(split, base, &out, &err))
		fail_msg("quirk_base: %s", errstr(&err));
	/* the split's only type is a PTR to the distilled STRUCT */
	const struct bk_type *ptr = bk_btf_type(out, bk_btf_start_id(out));
	assert_int_equal(bk_kind(ptr), BK_KIND_PTR);
	assert_int_equal(ptr->type, fs_struct[0]);
	bk_btf_free(out);

	/* an ENUM is no home for a struct: not found, the ENUM a near miss */
	assert_int_equal(bk_relocate_opts(split, enum_only, &opts, &out, &err), -EINVAL);
	assert_non_null(rep);
	assert_int_equal(rep->nr_problems, 1);
	assert_int_equal(rep->problems[0].fault, BK_RELOC_NOT_FOUND);
	assert_int_equal(rep->problems[0].nr_cands, 1);
	assert_int_equal(rep->problems[0].cands[0].kind, BK_KIND_ENUM);
	assert_non_null(strstr(err.msg, "'fs'"));
	bk_reloc_report_free(rep);
	bk_btf_free(enum_only);
	bk_btf_free(base);
	bk_btf_free(split);
	bk_btf_free(dist);
}

static uint32_t add(struct bk_btf *b, const char *name, unsigned kind, bool kflag, uint32_t size,
		    const void *rest, size_t rest_len)
{
	uint8_t buf[64];
	struct bk_type t = {.name_off = name ? (uint32_t)bk_btf_add_str(b, name) : 0,
			    .info = bk_info(kind, 0, kflag), .size = size};
	memcpy(buf, &t, sizeof(t));
	if (rest_len)
		memcpy(buf + sizeof(t), rest, rest_len);
	int id = bk_btf_add_type(b, (const struct bk_type *)buf, sizeof(t) + rest_len);
	assert_true(id > 0);
	return (uint32_t)id;
}

static uint32_t add_int(struct bk_btf *b, const char *name, uint32_t size, uint32_t enc)
{
	uint32_t w = enc << 24 | size * 8;
	return add(b, name, BK_KIND_INT, false, size, &w, 4);
}

/* Serialise and re-read, as a file would be. */
static struct bk_btf *reread(struct bk_btf *b, const struct bk_btf *base)
{
	size_t len;
	void *data = write_blob(b, &len);
	struct bk_btf *r = NULL;
	struct bk_error err = {0};
	if (bk_btf_parse(data, len, base, "crafted", &r, &err))
		fail_msg("crafted: %s", errstr(&err));
	free(data);
	bk_btf_free(b);
	return r;
}

/* A distilled FWD struct 'bf' and FWD union 'un'; the new base has STRUCT
 * 'bf' with bitfields (kind_flag 1) and UNION 'un' without (kind_flag 0).
 * libbpf tests those kind_flags and finds neither; btfkit finds both. */
static void test_fwd_matches_by_own_kflag(void **state)
{
	(void)state;
	struct bk_btf *dist = bk_btf_new(NULL), *base = bk_btf_new(NULL);
	uint32_t fwd_s = add(dist, "bf", BK_KIND_FWD, false, 0, NULL, 0);
	uint32_t fwd_u = add(dist, "un", BK_KIND_FWD, true, 0, NULL, 0);
	dist = reread(dist, NULL);
	add_int(base, "int", 4, BK_INT_SIGNED);
	struct bk_member m = {.name_off = (uint32_t)bk_btf_add_str(base, "x"), .type = 1,
			      .offset = 3u << 24}; /* a 3-bit bitfield */
	struct bk_type st = {.name_off = (uint32_t)bk_btf_add_str(base, "bf"),
			     .info = bk_info(BK_KIND_STRUCT, 1, true), .size = 4};
	uint8_t buf[64];
	memcpy(buf, &st, sizeof(st));
	memcpy(buf + sizeof(st), &m, sizeof(m));
	uint32_t struct_id = (uint32_t)bk_btf_add_type(base, (struct bk_type *)buf, sizeof(st) + sizeof(m));
	uint32_t union_id = add(base, "un", BK_KIND_UNION, false, 8, NULL, 0);
	base = reread(base, NULL);

	struct bk_btf *split = bk_btf_new(dist);
	uint32_t p1 = add(split, NULL, BK_KIND_PTR, false, fwd_s, NULL, 0);
	add(split, NULL, BK_KIND_PTR, false, fwd_u, NULL, 0);
	split = reread(split, dist);

	struct bk_btf *out = NULL;
	struct bk_error err = {0};
	struct bk_reloc_report *rep = NULL;
	BK_OPTS(bk_relocate_opts, quirks, .libbpf_quirks = true, .report = &rep);
	assert_int_equal(bk_relocate_opts(split, base, &quirks, &out, &err), -EINVAL);
	assert_int_equal(rep->nr_problems, 2);
	assert_int_equal(rep->problems[rep->primary].dist_id, fwd_s);
	bk_reloc_report_free(rep);

	uint32_t *map = NULL;
	BK_OPTS(bk_relocate_opts, fixed, .id_map = &map);
	if (bk_relocate_opts(split, base, &fixed, &out, &err))
		fail_msg("%s", errstr(&err));
	assert_int_equal(map[fwd_s], struct_id);
	assert_int_equal(map[fwd_u], union_id);
	assert_int_equal(map[p1], bk_btf_type_cnt(base));
	assert_int_equal(bk_btf_type(out, bk_btf_type_cnt(base))->type, struct_id);
	assert_int_equal(bk_btf_type(out, bk_btf_type_cnt(base) + 1)->type, union_id);
	free(map);
	bk_btf_free(out);
	bk_btf_free(split);
	bk_btf_free(base);
	bk_btf_free(dist);
}

/* Every problem, not the first: a base without foo, with two bars and a
 * resized embedded baz. */
static void test_every_problem(void **state)
{
	(void)state;
	struct bk_btf *dist = bk_btf_new(NULL), *base = bk_btf_new(NULL);
	uint32_t foo = add(dist, "foo", BK_KIND_STRUCT, false, 8, NULL, 0);
	uint32_t bar = add(dist, "bar", BK_KIND_STRUCT, false, 8, NULL, 0);
	uint32_t baz = add(dist, "baz", BK_KIND_STRUCT, false, 16, NULL, 0);
	uint32_t chr = add_int(dist, "char", 1, BK_INT_SIGNED);
	dist = reread(dist, NULL);
	add(base, "bar", BK_KIND_STRUCT, false, 8, NULL, 0);
	add(base, "bar", BK_KIND_STRUCT, false, 8, NULL, 0);
	add(base, "baz", BK_KIND_STRUCT, false, 24, NULL, 0);
	add(base, "foo", BK_KIND_TYPEDEF, false, 0, NULL, 0); /* a near miss */
	add_int(base, "char", 1, 0);                          /* unsigned char: near miss */
	base = reread(base, NULL);

	struct bk_btf *split = bk_btf_new(dist);
	add(split, NULL, BK_KIND_PTR, false, foo, NULL, 0);
	add(split, NULL, BK_KIND_PTR, false, bar, NULL, 0);
	add(split, NULL, BK_KIND_PTR, false, chr, NULL, 0);
	uint32_t arr_id = add(split, NULL, BK_KIND_ARRAY, false, 0,
			      &(struct bk_array){.type = baz, .index_type = chr, .nelems = 2}, 12);
	struct bk_member m = {.name_off = (uint32_t)bk_btf_add_str(split, "inner"), .type = arr_id};
	struct bk_type holder = {.name_off = (uint32_t)bk_btf_add_str(split, "holder"),
				 .info = bk_info(BK_KIND_STRUCT, 1, false), .size = 32};
	uint8_t buf[64];
	memcpy(buf, &holder, sizeof(holder));
	memcpy(buf + sizeof(holder), &m, sizeof(m));
	uint32_t holder_id = (uint32_t)bk_btf_add_type(split, (struct bk_type *)buf, sizeof(holder) + sizeof(m));
	split = reread(split, dist);

	struct bk_btf *out = NULL;
	struct bk_error err = {0};
	struct bk_reloc_report *rep = NULL;
	BK_OPTS(bk_relocate_opts, opts, .report = &rep);
	assert_int_equal(bk_relocate_opts(split, base, &opts, &out, &err), -EINVAL);
	assert_null(out);
	assert_int_equal(rep->nr_problems, 4);
	assert_int_equal(rep->problems[0].dist_id, foo);
	assert_int_equal(rep->problems[0].fault, BK_RELOC_NOT_FOUND);
	assert_int_equal(rep->problems[0].nr_cands, 1);
	assert_int_equal(rep->problems[0].cands[0].kind, BK_KIND_TYPEDEF);
	assert_int_equal(rep->problems[1].dist_id, bar);
	assert_int_equal(rep->problems[1].fault, BK_RELOC_AMBIGUOUS);
	assert_int_equal(rep->problems[1].nr_cands, 2);
	assert_int_equal(rep->problems[2].dist_id, baz);
	assert_int_equal(rep->problems[2].fault, BK_RELOC_SIZE_DIFFERS);
	assert_int_equal(rep->problems[2].embed_id, holder_id);
	assert_int_equal(rep->problems[3].dist_id, chr);
	assert_int_equal(rep->problems[3].fault, BK_RELOC_NOT_FOUND);
	/* libbpf stops at the ambiguity first */
	assert_int_equal(rep->primary, 1);
	char text[800];
	bk_reloc_problem_str(&rep->problems[2], text, sizeof(text));
	assert_non_null(strstr(text, "'holder' member 0 'inner'"));
	assert_non_null(strstr(text, "size=24"));
	assert_non_null(strstr(err.msg, "and 3 more"));
	bk_reloc_report_free(rep);
	bk_btf_free(split);
	bk_btf_free(base);
	bk_btf_free(dist);
}

/* libbpf's name-and-size key holds 31 bits of a size: two new-base structs
 * 'big' of sizes 4 and 2^31 + 4 both match a distilled 'big' of size 4,
 * unless the module embeds it (that test compares all 32 bits). Relocation
 * and distill's warnings agree, in both modes. */
static void test_size_key_31_bits(void **state)
{
	(void)state;
	struct bk_btf *dist = bk_btf_new(NULL), *base = bk_btf_new(NULL);
	uint32_t big = add(dist, "big", BK_KIND_STRUCT, false, 4, NULL, 0);
	dist = reread(dist, NULL);
	uint32_t small_id = add(base, "big", BK_KIND_STRUCT, false, 4, NULL, 0);
	uint32_t huge_id = add(base, "big", BK_KIND_STRUCT, false, 0x80000004u, NULL, 0);
	base = reread(base, NULL);
	for (int quirks = 0; quirks < 2; quirks++) {
		struct bk_btf *split = bk_btf_new(dist);
		add(split, NULL, BK_KIND_PTR, false, big, NULL, 0);
		split = reread(split, dist);
		struct bk_distill_warnings w;
		struct bk_error err = {0};
		assert_int_equal(ambiguities(split, base, quirks, false, "pointer to big"), 1);
		assert_int_equal(bk_distill_warnings(base, split, &w, &err), 0);
		assert_int_equal(w.count, 1);
		assert_int_equal(w.items[0].match_ids[0], small_id);
		assert_int_equal(w.items[0].match_ids[1], huge_id);
		bk_distill_warnings_free(&w);
		bk_btf_free(split);

		split = bk_btf_new(dist);
		struct bk_member m = {.name_off = (uint32_t)bk_btf_add_str(split, "b"), .type = big};
		struct bk_type holder = {.name_off = (uint32_t)bk_btf_add_str(split, "holder"),
					 .info = bk_info(BK_KIND_STRUCT, 1, false), .size = 4};
		uint8_t buf[64];
		memcpy(buf, &holder, sizeof(holder));
		memcpy(buf + sizeof(holder), &m, sizeof(m));
		assert_true(bk_btf_add_type(split, (struct bk_type *)buf, sizeof(holder) + sizeof(m)) > 0);
		split = reread(split, dist);
		uint32_t *map = NULL;
		struct bk_btf *out = NULL;
		BK_OPTS(bk_relocate_opts, opts, .libbpf_quirks = quirks, .id_map = &map);
		if (bk_relocate_opts(split, base, &opts, &out, &err))
			fail_msg("embedded big: %s", errstr(&err));
		assert_int_equal(map[big], small_id);
		assert_int_equal(ambiguities(split, base, quirks, false, "embedded big"), 0);
		free(map);
		bk_btf_free(out);
		bk_btf_free(split);
	}
	bk_btf_free(base);
	bk_btf_free(dist);
}

/* ---- bad input -------------------------------------------------------------- */

static void expect_failure(const struct bk_btf *split, const struct bk_btf *base, const char *needle)
{
	struct bk_btf *out = NULL;
	struct bk_error err = {0};
	int e = bk_relocate(split, base, &out, &err);
	assert_true(e < 0);
	assert_null(out);
	if (!strstr(err.msg, needle))
		fail_msg("want '%s' in: %s", needle, errstr(&err));
	assert_int_equal(err.reason, BK_E_RELOCATE);
	assert_int_equal(bk_error_exit_status(&err), 1);
}

static void test_bad_distilled_base(void **state)
{
	(void)state;
	struct bk_btf *base = bkt_load(ex("doc_base", ".btf"), NULL);
	/* forbidden kinds: PTR, TYPEDEF, ENUM64 */
	static const unsigned bad_kinds[] = {BK_KIND_PTR, BK_KIND_TYPEDEF, BK_KIND_ENUM64};
	for (size_t i = 0; i < 3; i++) {
		struct bk_btf *dist = bk_btf_new(NULL);
		add_int(dist, "int", 4, BK_INT_SIGNED);
		add(dist, "thing", bad_kinds[i], false, bad_kinds[i] == BK_KIND_ENUM64 ? 8 : 1, NULL, 0);
		dist = reread(dist, NULL);
		struct bk_btf *split = bk_btf_new(dist);
		add(split, NULL, BK_KIND_PTR, false, 2, NULL, 0);
		split = reread(split, dist);
		expect_failure(split, base, "distilled base holds only");
		bk_btf_free(split);
		bk_btf_free(dist);
	}
	/* an anonymous STRUCT */
	struct bk_btf *dist = bk_btf_new(NULL);
	add(dist, NULL, BK_KIND_STRUCT, false, 8, NULL, 0);
	dist = reread(dist, NULL);
	struct bk_btf *split = bk_btf_new(dist);
	add(split, NULL, BK_KIND_PTR, false, 1, NULL, 0);
	split = reread(split, dist);
	expect_failure(split, base, "anonymous");
	/* not split BTF at all, and relocating onto the distilled base itself */
	expect_failure(dist, base, "not split BTF");
	expect_failure(split, dist, "other than the distilled");
	bk_btf_free(split);
	bk_btf_free(dist);
	bk_btf_free(base);
}

/* A split name offset inside the distilled base's strings that is not a
 * type's name: libbpf's "string is not mapped". */
static void test_split_string_into_distilled_base(void **state)
{
	(void)state;
	struct bk_btf *base = bkt_load(ex("doc_base", ".btf"), NULL);
	struct bk_btf *dist = bk_btf_new(NULL);
	add(dist, "foo", BK_KIND_STRUCT, false, 8, NULL, 0);
	dist = reread(dist, NULL);
	struct bk_btf *split = bk_btf_new(dist);
	/* a TYPEDEF named "oo": the tail of "foo", offset 2 in the distilled base */
	struct bk_type td = {.name_off = 2, .info = bk_info(BK_KIND_TYPEDEF, 0, false), .type = 1};
	assert_true(bk_btf_add_type(split, &td, sizeof(td)) > 0);
	split = reread(split, dist);
	expect_failure(split, base, "] TYPEDEF 'oo': name offset 2 ('oo') points into the "
				    "distilled base's strings, but at no type's name");
	bk_btf_free(split);
	/* the same in a member's name: the message names the member */
	split = bk_btf_new(dist);
	struct {
		struct bk_type t;
		struct bk_member m[2];
	} st = {{.info = bk_info(BK_KIND_STRUCT, 2, false), .size = 16},
		{{.name_off = 1, .type = 1}, {.name_off = 2, .type = 1, .offset = 64}}};
	assert_true(bk_btf_add_type(split, &st.t, sizeof(st)) > 0);
	split = reread(split, dist);
	expect_failure(split, base, "member 1: name offset 2 ('oo') points into");
	bk_btf_free(split);
	bk_btf_free(dist);
	bk_btf_free(base);
}

/* Corrupt blobs never get as far as relocation: string offsets past the
 * end, IDs past the distilled base and the split types. */
static void test_corrupt_blobs(void **state)
{
	(void)state;
	size_t dlen, slen;
	char *d = bkt_read(ex("doc_dist_base", ".btf"), &dlen);
	char *s = bkt_read(ex("doc_split_distilled", ".btf"), &slen);
	struct bk_btf *dist = NULL, *split = NULL;
	struct bk_error err = {0};
	uint32_t hdr_len, str_len;
	memcpy(&hdr_len, d + 4, 4);
	/* the distilled STRUCT's name offset past the strings */
	memcpy(&str_len, d + 20, 4);
	uint32_t bad = str_len + 5;
	memcpy(d + hdr_len, &bad, 4);
	assert_true(bk_btf_parse(d, dlen, NULL, "dist", &dist, &err) < 0);
	assert_int_equal(err.reason, BK_E_STR_OFF);
	assert_int_equal(err.type_id, 1);
	/* the split PTR referring past every type */
	char *good = bkt_read(ex("doc_dist_base", ".btf"), &dlen);
	assert_int_equal(bk_btf_parse(good, dlen, NULL, "dist", &dist, &err), 0);
	memcpy(&hdr_len, s + 4, 4);
	uint32_t far = 99;
	memcpy(s + hdr_len + 8, &far, 4);
	assert_true(bk_btf_parse(s, slen, dist, "split", &split, &err) < 0);
	assert_int_equal(err.reason, BK_E_TYPE_ID);
	assert_int_equal(err.type_id, bk_btf_type_cnt(dist));
	bk_btf_free(dist);
	free(good);
	free(d);
	free(s);
}

/* ---- round trip ------------------------------------------------------------- */

/* Same types: walk both from each split type in step, mapping original IDs
 * to relocated ones; every pair must agree in kind, name, flags, sizes
 * and non-ID data, and the mapping must be one-to-one. */
struct pairing {
	const struct bk_btf *a, *b;
	uint32_t *a2b;
	uint32_t *stack;
	size_t top, cap;
};

static bool pair(struct pairing *p, uint32_t ia, uint32_t ib)
{
	if (!ia || !ib)
		return ia == ib;
	if (p->a2b[ia])
		return p->a2b[ia] == ib;
	p->a2b[ia] = ib;
	if (p->top == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 1024;
		p->stack = realloc(p->stack, p->cap * 2 * sizeof(*p->stack));
	}
	p->stack[2 * p->top] = ia;
	p->stack[2 * p->top + 1] = ib;
	p->top++;
	return true;
}

static bool same_type(struct pairing *p, uint32_t ia, uint32_t ib)
{
	const struct bk_type *ta = bk_btf_type(p->a, ia), *tb = bk_btf_type(p->b, ib);
	size_t sz = bk_type_size(ta);
	if (ta->info != tb->info || sz != bk_type_size(tb))
		return false;
	/* copy both, blank the ID and string fields, compare what is left */
	uint8_t *ca = malloc(sz), *cb = malloc(sz);
	memcpy(ca, ta, sz);
	memcpy(cb, tb, sz);
	struct bk_field_iter ia_it, ib_it;
	uint32_t *fa, *fb;
	bool ok = true;
	bk_field_iter_init(&ia_it, (struct bk_type *)ca, BK_ITER_STRS);
	bk_field_iter_init(&ib_it, (struct bk_type *)cb, BK_ITER_STRS);
	while (ok && (fa = bk_field_iter_next(&ia_it)) && (fb = bk_field_iter_next(&ib_it))) {
		ok = !strcmp(bk_btf_str(p->a, *fa), bk_btf_str(p->b, *fb));
		*fa = *fb = 0;
	}
	bk_field_iter_init(&ia_it, (struct bk_type *)ca, BK_ITER_IDS);
	bk_field_iter_init(&ib_it, (struct bk_type *)cb, BK_ITER_IDS);
	while (ok && (fa = bk_field_iter_next(&ia_it)) && (fb = bk_field_iter_next(&ib_it))) {
		ok = pair(p, *fa, *fb);
		*fa = *fb = 0;
	}
	ok = ok && !memcmp(ca, cb, sz);
	free(ca);
	free(cb);
	return ok;
}

/* a and b are split BTF on the same kernel BTF: base types must be the
 * same ID, except that b may hold its own copy of an anonymous one. */
static void assert_same_types(const struct bk_btf *a, const struct bk_btf *b, const char *what)
{
	struct pairing p = {.a = a, .b = b, .a2b = calloc(bk_btf_type_cnt(a), sizeof(uint32_t))};
	uint32_t na = bk_btf_nr_types(a);
	assert_true(bk_btf_nr_types(b) >= na);
	for (uint32_t i = 0; i < na; i++)
		if (!pair(&p, bk_btf_start_id(a) + i, bk_btf_start_id(b) + i))
			fail_msg("%s: type %u paired twice", what, bk_btf_start_id(a) + i);
	while (p.top) {
		p.top--;
		uint32_t ia = p.stack[2 * p.top], ib = p.stack[2 * p.top + 1];
		if (ia < bk_btf_start_id(a) && ia == ib)
			continue; /* the same kernel type */
		if (!same_type(&p, ia, ib))
			fail_msg("%s: [%u] and relocated [%u] differ", what, ia, ib);
	}
	free(p.a2b);
	free(p.stack);
}

/* Every module of a kernel distilled and relocated back onto that kernel:
 * the same types, or ambiguities only. Distill's warnings name exactly the
 * types relocation finds ambiguous, in both modes, on that kernel and on
 * the running one (which has same-sized namesakes: bpf_map_desc...). */
static void round_trip(const char *kver)
{
	const struct bk_btf *vmlinux = bkt_vmlinux_btf(kver);
	char **mods;
	size_t n = bkt_corpus_modules(kver, &mods), ok = 0, ambiguous = 0, warned = 0;
	size_t quirk_warned = 0, foreign = 0, foreign_quirks = 0;
	const struct bk_btf *running = bkt_vmlinux_btf("running");
	for (size_t i = 0; i < n; i++) {
		struct bk_btf *split = bkt_load(bkt_module(kver, mods[i]), vmlinux);
		struct bk_btf *dist = NULL, *dsplit = NULL, *out = NULL;
		struct bk_reloc_report *rep = NULL;
		BK_OPTS(bk_relocate_opts, opts, .report = &rep);
		struct bk_error err = {0};
		if (bk_distill(split, &dist, &dsplit, &err))
			fail_msg("%s: distill: %s", mods[i], errstr(&err));
		if (bk_relocate_opts(dsplit, vmlinux, &opts, &out, &err)) {
			/* only a name the kernel itself has twice at that size */
			assert_non_null(rep);
			ambiguous++;
		} else {
			assert_same_types(split, out, mods[i]);
			ok++;
		}
		warned += assert_warned_as_ambiguous(vmlinux, dsplit, rep, true, mods[i]);
		quirk_warned += ambiguities(dsplit, vmlinux, true, true, mods[i]);
		foreign += ambiguities(dsplit, running, false, false, mods[i]);
		foreign_quirks += ambiguities(dsplit, running, true, false, mods[i]);
		bk_reloc_report_free(rep);
		bk_btf_free(out);
		bk_btf_free(dsplit);
		bk_btf_free(dist);
		bk_btf_free(split);
	}
	print_message("round trip %s: %zu modules relocate back, %zu ambiguous on their own kernel "
		      "(%zu types, %zu in libbpf's mode); on the running kernel %zu (%zu) types "
		      "ambiguous: all warned of by distill\n",
		      kver, ok, ambiguous, warned, quirk_warned, foreign, foreign_quirks);
	assert_int_equal(warned, quirk_warned);
	assert_true(ok > 0);
	bkt_free_list(mods, n);
}

static void test_round_trip_6_1(void **state)
{
	(void)state;
	round_trip("6.1.0-47-amd64");
}

static void test_round_trip_6_12(void **state)
{
	(void)state;
	round_trip("6.12.117+deb12-amd64");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_struct_matches_struct_only),
		cmocka_unit_test(test_fwd_matches_by_own_kflag),
		cmocka_unit_test(test_every_problem),
		cmocka_unit_test(test_size_key_31_bits),
		cmocka_unit_test(test_bad_distilled_base),
		cmocka_unit_test(test_split_string_into_distilled_base),
		cmocka_unit_test(test_corrupt_blobs),
		cmocka_unit_test(test_golden_modules),
		cmocka_unit_test(test_golden_modules_quirks),
		cmocka_unit_test(test_round_trip_6_1),
		cmocka_unit_test(test_round_trip_6_12),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
