// SPDX-License-Identifier: MIT
/*
 * btfkit asm: bpftool's raw text back into BTF.
 *
 * The goldens' text is bpftool's dump of a real blob, so for every golden:
 *  - dump(asm(text)) must give the text back byte for byte;
 *  - asm(text) must hold the same types as the blob the text was made from
 *    (strings compared by content: string order is the writer's choice);
 *  - where libbpf wrote the blob (examples, distill), asm(text) must give the
 *    blob's exact bytes: libbpf lays strings out in the order it meets them.
 * Then every module of both corpus kernels makes the round trip, and the
 * error cases check line:column and what the message says was expected.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* ---- helpers ------------------------------------------------------------------ */

static struct bk_btf *asm_mem(const char *text, size_t len, const struct bk_btf *base,
			      const char *name)
{
	struct bk_error err;
	struct bk_btf *btf = NULL;
	char msg[1200];
	if (bk_asm(text, len, base, name, &btf, &err))
		fail_msg("asm %s: %s", name, bk_error_str(&err, msg, sizeof(msg)));
	return btf;
}

static struct bk_btf *asm_file(const char *path, const struct bk_btf *base)
{
	size_t len;
	char *text = bkt_read(path, &len);
	if (!text)
		fail_msg("%s is missing", path);
	struct bk_btf *btf = asm_mem(text, len, base, path);
	free(text);
	return btf;
}

static void assert_dump_is(const struct bk_btf *btf, const char *want_path)
{
	char *text;
	size_t len;
	assert_int_equal(bk_dump_mem(btf, BK_DUMP_TEXT, &text, &len), 0);
	bkt_assert_text_file(text, len, want_path);
	free(text);
}

static void assert_blob_is(const struct bk_btf *btf, const struct bk_write_opts *opts,
			   const char *want_path)
{
	struct bk_error err;
	void *data;
	size_t size;
	assert_int_equal(bk_btf_write(btf, opts, &data, &size, &err), 0);
	bkt_assert_bytes_file(data, size, want_path);
	free(data);
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The same types, word for word, except string offsets, which must name
 * equal strings. The text does not show a DECL_TAG's or TYPE_TAG's
 * kind_flag (attribute form), so it is not compared there. */
static void assert_same_types(const struct bk_btf *got, const struct bk_btf *want,
			      const char *what)
{
	assert_int_equal(bk_btf_start_id(got), bk_btf_start_id(want));
	if (bk_btf_nr_types(got) != bk_btf_nr_types(want))
		fail_msg("%s: %u types, want %u", what, bk_btf_nr_types(got),
			 bk_btf_nr_types(want));
	uint8_t *gb = NULL, *wb = NULL;
	for (uint32_t id = bk_btf_start_id(want); id < bk_btf_type_cnt(want); id++) {
		const struct bk_type *g = bk_btf_type(got, id), *w = bk_btf_type(want, id);
		size_t size = bk_type_size(w);
		if (bk_type_size(g) != size)
			fail_msg("%s: [%u] is %zu bytes, want %zu", what, id, bk_type_size(g), size);
		gb = realloc(gb, size);
		wb = realloc(wb, size);
		memcpy(gb, g, size);
		memcpy(wb, w, size);
		struct bk_field_iter gi, wi;
		bk_field_iter_init(&gi, (struct bk_type *)gb, BK_ITER_STRS);
		bk_field_iter_init(&wi, (struct bk_type *)wb, BK_ITER_STRS);
		uint32_t *gf, *wf;
		while ((gf = bk_field_iter_next(&gi)) && (wf = bk_field_iter_next(&wi))) {
			if (!same_str(bk_btf_str(got, *gf), bk_btf_str(want, *wf)))
				fail_msg("%s: [%u] names '%s', want '%s'", what, id,
					 bk_btf_str(got, *gf), bk_btf_str(want, *wf));
			*gf = *wf = 0;
		}
		unsigned kind = bk_kind(w);
		if (kind == BK_KIND_DECL_TAG || kind == BK_KIND_TYPE_TAG) {
			((struct bk_type *)gb)->info &= ~(1u << 31);
			((struct bk_type *)wb)->info &= ~(1u << 31);
		}
		if (memcmp(gb, wb, size))
			fail_msg("%s: [%u] %s differs from the blob's", what, id,
				 bk_kind_name(kind));
	}
	free(gb);
	free(wb);
}

/* asm(text) == blob: the round trip through the text, the same types, and
 * (exact) the same bytes. */
static void check_golden(const char *txt, const char *blob, const struct bk_btf *base, bool exact)
{
	struct bk_btf *btf = asm_file(txt, base);
	assert_dump_is(btf, txt);
	if (blob) {
		struct bk_btf *want = bkt_load(blob, base);
		assert_same_types(btf, want, txt);
		if (exact)
			assert_blob_is(btf, NULL, blob);
		bk_btf_free(want);
	}
	bk_btf_free(btf);
}

/* ---- goldens --------------------------------------------------------------- */

static const char *example(const char *name, const char *ext)
{
	static char buf[4][512];
	static unsigned i;
	char rel[512];
	snprintf(rel, sizeof(rel), "examples/%s.%s", name, ext);
	char *b = buf[i++ % 4];
	snprintf(b, 512, "%s", bkt_golden(rel));
	return b;
}

/* Every example blob: base "" is none, "running" the 6.18 vmlinux. libbpf
 * wrote them all; the relocated ones keep the split's old string section
 * (offsets shifted, nothing re-added), so only their types can match. */
static void test_examples(void **state)
{
	static const struct {
		const char *name, *base;
		bool exact;
	} cases[] = {
		{"doc_base", "", true},
		{"doc_dist_base", "", true},
		{"doc_dup_base", "", true},
		{"doc_missing_base", "", true},
		{"doc_new_base", "", true},
		{"doc_resized_base", "", true},
		{"emb_dist_base", "", true},
		{"kinds_base", "", false}, /* DECL_TAG/TYPE_TAG attr kind_flag: not in the text */
		{"kinds_dist_base", "", true},
		{"quirk_base", "", true},
		{"quirk_dist_base", "", true},
		{"quirk_enum_only_base", "", true},
		{"vmlinux_bigsplit_dist_base", "", true},
		{"vmlinux_bigsplit_ambig_dist_base", "", true},
		{"doc_split", "doc_base", true},
		{"doc_split_distilled", "doc_dist_base", true},
		{"doc_split_relocated_doc_base", "doc_base", true},
		{"doc_split_relocated_doc_new_base", "doc_new_base", true},
		{"doc_split_relocated_doc_resized_base", "doc_resized_base", true},
		{"emb_split", "doc_base", true},
		{"emb_split_distilled", "emb_dist_base", true},
		{"emb_split_relocated_doc_new_base", "doc_new_base", true},
		{"kinds_split", "kinds_base", true},
		{"kinds_split_distilled", "kinds_dist_base", true},
		{"kinds_split_relocated_kinds_base", "kinds_base", false},
		{"quirk_split", "quirk_base", true},
		{"quirk_split_distilled", "quirk_dist_base", true},
		{"quirk_split_relocated_quirk_enum_only_base", "quirk_enum_only_base", true},
		{"vmlinux_bigsplit", "running", true},
		{"vmlinux_bigsplit_split_distilled", "vmlinux_bigsplit_dist_base", true},
		{"vmlinux_bigsplit_split_relocated_running", "running", false},
		{"vmlinux_bigsplit_ambig", "running", true},
		{"vmlinux_bigsplit_ambig_split_distilled", "vmlinux_bigsplit_ambig_dist_base", true},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bk_btf *own = NULL;
		const struct bk_btf *base = NULL;
		if (!strcmp(cases[i].base, "running"))
			base = bkt_vmlinux_btf("running");
		else if (cases[i].base[0])
			base = own = bkt_load(example(cases[i].base, "btf"), NULL);
		check_golden(example(cases[i].name, "txt"), example(cases[i].name, "btf"), base,
			     cases[i].exact);
		bk_btf_free(own);
	}
}

/* The text of kinds_base differs from the blob only in the attribute
 * kind_flag of two DECL_TAGs and a TYPE_TAG: exactly those bits. */
static void test_kinds_base_lost_bits(void **state)
{
	(void)state;
	struct bk_btf *btf = asm_file(example("kinds_base", "txt"), NULL);
	struct bk_btf *want = bkt_load(example("kinds_base", "btf"), NULL);
	unsigned differ = 0;
	for (uint32_t id = 1; id < bk_btf_type_cnt(want); id++) {
		const struct bk_type *g = bk_btf_type(btf, id), *w = bk_btf_type(want, id);
		if (g->info == w->info)
			continue;
		assert_true(bk_kind(w) == BK_KIND_DECL_TAG || bk_kind(w) == BK_KIND_TYPE_TAG);
		assert_true(bk_kflag(w));
		assert_int_equal(g->info, w->info & ~(1u << 31));
		differ++;
	}
	assert_int_equal(differ, 3);
	bk_btf_free(want);
	bk_btf_free(btf);
}

/* distill/: the distilled base alone, the new split on the base blob; libbpf
 * wrote both, so the bytes must match. */
static void test_distill(void **state)
{
	(void)state;
	const char **mods;
	size_t n = bkt_sample(&mods);
	char rel[512], base_blob[4096];
	for (size_t i = 0; i < n; i++) {
		const char *m = bkt_basename(mods[i]);
		snprintf(rel, sizeof(rel), "distill/%s.base.btf", m);
		snprintf(base_blob, sizeof(base_blob), "%s", bkt_golden(rel));
		snprintf(rel, sizeof(rel), "distill/%s.base.txt", m);
		check_golden(bkt_golden(rel), base_blob, NULL, true);
		struct bk_btf *base = bkt_load(base_blob, NULL);
		char split_txt[4096];
		snprintf(rel, sizeof(rel), "distill/%s.split.txt", m);
		snprintf(split_txt, sizeof(split_txt), "%s", bkt_golden(rel));
		snprintf(rel, sizeof(rel), "distill/%s.split.btf", m);
		check_golden(split_txt, bkt_golden(rel), base, true);
		bk_btf_free(base);
	}
}

/* dump/<mod>.txt: the sample modules on 6.1.0-47 (pahole wrote those blobs,
 * in its own string order: types only). */
static void test_dump_modules(void **state)
{
	(void)state;
	const char **mods;
	size_t n = bkt_sample(&mods);
	const struct bk_btf *vmlinux = bkt_vmlinux_btf("6.1.0-47-amd64");
	char rel[512], txt[4096];
	for (size_t i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "dump/%s.txt", bkt_basename(mods[i]));
		snprintf(txt, sizeof(txt), "%s", bkt_golden(rel));
		check_golden(txt, bkt_module("6.1.0-47-amd64", mods[i]), vmlinux, false);
	}
}

static void test_dump_vmlinux(void **state)
{
	(void)state;
	static const char *const kvers[] = {"6.1.0-47-amd64", "running"};
	char rel[512], txt[4096];
	for (size_t i = 0; i < 2; i++) {
		snprintf(rel, sizeof(rel), "dump/vmlinux-%s.txt", kvers[i]);
		snprintf(txt, sizeof(txt), "%s", bkt_golden(rel));
		struct bk_btf *btf = asm_file(txt, NULL);
		assert_dump_is(btf, txt);
		assert_same_types(btf, bkt_vmlinux_btf(kvers[i]), txt);
		bk_btf_free(btf);
	}
}

static const char *crafted(const char *name)
{
	static char buf[4][512];
	static unsigned i;
	char rel[512];
	snprintf(rel, sizeof(rel), "dump/crafted/%s", name);
	char *b = buf[i++ % 4];
	snprintf(b, 512, "%s", bkt_golden(rel));
	return b;
}

/* dump/crafted: each text on the base it was printed on ("" none, "running",
 * or a crafted blob; "ko:F" the .BTF.base section of ELF file F). */
static void test_dump_crafted(void **state)
{
	static const struct {
		const char *txt, *base;
	} cases[] = {
		{"kinds_base.txt", ""},
		{"kinds_split.txt", "kinds_base.btf"},
		{"pahole_layout_base.txt", ""},
		{"pahole_libbpf_all.txt", ""},
		{"pahole_local_base.txt", ""},
		{"pahole_local_base_v2.txt", ""},
		{"pahole_local_base_v3.txt", ""},
		{"pahole_local_mod.BTF.base.txt", ""},
		{"pahole_local_mod.BTF.txt", "pahole_local_mod.BTF.base"},
		{"pahole_local_mod.o.nobase.txt", "pahole_local_mod.BTF.base"},
		{"pahole_local_mod.o.txt", "pahole_local_base.btf"},
		{"pahole_local_mod.o.on_base_v2.txt", "pahole_local_base_v2.btf"},
		{"pahole_local_mod_global_var.BTF.base.txt", ""},
		{"pahole_local_mod_global_var.BTF.txt", "pahole_local_mod_global_var.BTF.base"},
		{"pahole_local_mod_global_var.o.txt", "pahole_local_base.btf"},
		{"pahole_local_mod_gnu_objcopy.o.txt", "pahole_local_base.btf"},
		{"pahole_vmlinux_mod.BTF.base.txt", ""},
		{"pahole_vmlinux_mod.BTF.txt", "pahole_vmlinux_mod.BTF.base"},
		{"pahole_vmlinux_mod.o.txt", "running"},
		{"vmlinux_split.txt", "running"},
		{"vmlinux_split_dist_base.txt", ""},
		{"vmlinux_split_distilled.txt", "vmlinux_split_dist_base.btf"},
		{"vmlinux_split_relocated.txt", "running"},
		{"fake_mod_nobase.ko.txt", "running"},
		{"fake_mod_distilled.ko.txt", "running"},
		{"fake_mod_distilled.ko.nobase.txt", "ko:fake_mod_distilled.ko"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *b = cases[i].base;
		struct bk_btf *own = NULL;
		const struct bk_btf *base = NULL;
		if (!strcmp(b, "running")) {
			base = bkt_vmlinux_btf("running");
		} else if (!strncmp(b, "ko:", 3)) {
			struct bk_error err;
			char msg[1200];
			if (bk_btf_load_section(crafted(b + 3), ".BTF.base", NULL, &own, &err))
				fail_msg("%s: %s", b + 3, bk_error_str(&err, msg, sizeof(msg)));
			base = own;
		} else if (*b) {
			base = own = bkt_load(crafted(b), NULL);
		}
		struct bk_btf *btf = asm_file(crafted(cases[i].txt), base);
		assert_dump_is(btf, crafted(cases[i].txt));
		bk_btf_free(btf);
		bk_btf_free(own);
	}
}

/* relocate/<mod>.<target>.txt on the target vmlinux, against the blob. */
static void test_relocate(void **state)
{
	static const char *const targets[] = {"6.1.0-47-amd64", "6.1.0-56-amd64",
					      "6.12.117+deb12-amd64", "running"};
	(void)state;
	const char **mods;
	size_t n = bkt_sample(&mods), done = 0;
	char rel[512], txt[4096];
	for (size_t t = 0; t < 4; t++)
		for (size_t i = 0; i < n; i++) {
			const char *m = bkt_basename(mods[i]);
			snprintf(rel, sizeof(rel), "relocate/%s.%s.txt", m, targets[t]);
			snprintf(txt, sizeof(txt), "%s", bkt_golden(rel));
			if (!bkt_exists(txt))
				continue; /* libbpf refused: a .err golden instead */
			snprintf(rel, sizeof(rel), "relocate/%s.%s.btf", m, targets[t]);
			check_golden(txt, bkt_golden(rel), bkt_vmlinux_btf(targets[t]), false);
			done++;
		}
	/* the goldens' README: 27 + 8 + 0 + 43 relocations succeeded */
	assert_int_equal(done, 78);
}

/* dump/endian: the text of big-endian blobs; written big-endian, the bytes match. */
static void test_endian(void **state)
{
	(void)state;
	BK_OPTS(bk_write_opts, big, .endian = BK_ENDIAN_BIG);
	struct bk_btf *btf = asm_file(bkt_golden("dump/endian/doc_base.be.btf.txt"), NULL);
	assert_blob_is(btf, &big, bkt_golden("dump/endian/doc_base.be.btf"));
	bk_btf_free(btf);
	/* a module: libbpf kept the 24-byte header of pahole's blob */
	BK_OPTS(bk_write_opts, big24, .endian = BK_ENDIAN_BIG, .hdr_len = 24);
	btf = asm_file(bkt_golden("dump/endian/crc16.be.btf.txt"), bkt_vmlinux_btf("6.1.0-47-amd64"));
	assert_blob_is(btf, &big24, bkt_golden("dump/endian/crc16.be.btf"));
	bk_btf_free(btf);
}

/* ---- the whole corpus -------------------------------------------------------- */

static void corpus_roundtrip(const char *kver)
{
	char **mods;
	size_t n = bkt_corpus_modules(kver, &mods);
	const struct bk_btf *vmlinux = bkt_vmlinux_btf(kver);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		struct bk_btf *mod = bkt_load(bkt_module(kver, mods[i]), vmlinux);
		char *text, *again;
		size_t len, again_len;
		assert_int_equal(bk_dump_mem(mod, BK_DUMP_TEXT, &text, &len), 0);
		struct bk_btf *btf = asm_mem(text, len, vmlinux, mods[i]);
		assert_same_types(btf, mod, mods[i]);
		assert_int_equal(bk_dump_mem(btf, BK_DUMP_TEXT, &again, &again_len), 0);
		if (again_len != len || memcmp(again, text, len))
			fail_msg("%s %s: dump(asm(dump)) differs from dump", kver, mods[i]);
		free(again);
		free(text);
		bk_btf_free(btf);
		bk_btf_free(mod);
	}
	print_message("%s: %zu modules round-tripped\n", kver, n);
	bkt_free_list(mods, n);
}

static void test_corpus_6_1(void **state)
{
	(void)state;
	corpus_roundtrip("6.1.0-47-amd64");
}

static void test_corpus_6_12(void **state)
{
	(void)state;
	corpus_roundtrip("6.12.117+deb12-amd64");
}

/* ---- hand-written cases (tests/asm/) ----------------------------------------- */

static const char *src_path(const char *rel)
{
	static char buf[4][512];
	static unsigned i;
	const char *dir = getenv("BK_SRCDIR");
	char *b = buf[i++ % 4];
	snprintf(b, 512, "%s/%s", dir && *dir ? dir : ".", rel);
	return b;
}

static const uint32_t *rest32(const struct bk_btf *btf, uint32_t id)
{
	return bk_type_rest(bk_btf_type(btf, id));
}

static const char *name_of(const struct bk_btf *btf, uint32_t id)
{
	return bk_btf_name(btf, bk_btf_type(btf, id));
}

/* What the text does not spell out, rebuilt as the format defines it. */
static void test_all_kinds(void **state)
{
	(void)state;
	const char *txt = src_path("tests/asm/all_kinds.txt");
	struct bk_btf *btf = asm_file(txt, NULL);
	assert_dump_is(btf, txt);
	assert_int_equal(bk_btf_nr_types(btf), 37);
	/* INT encodings; UNKN is SIGNED|CHAR; 255-bit offset and size */
	assert_int_equal(rest32(btf, 1)[0], 0x01000020u);
	assert_int_equal(rest32(btf, 3)[0], 0x02000008u);
	assert_int_equal(rest32(btf, 4)[0], 0x03000008u);
	assert_int_equal(rest32(btf, 5)[0], 0x04000008u);
	assert_int_equal(rest32(btf, 6)[0], 0x00ff00ffu);
	/* PTR to a struct defined later */
	assert_int_equal(bk_btf_type(btf, 7)->type, 9);
	/* bitfields: kind_flag, size in the top byte */
	const struct bk_type *node = bk_btf_type(btf, 9);
	assert_true(bk_kflag(node));
	assert_int_equal(node->size, 0xffffffffu);
	const struct bk_member *m = bk_type_rest(node);
	assert_int_equal(m[0].offset, 0);
	assert_int_equal(m[1].name_off, 0);
	assert_int_equal(m[2].offset, 0xff000080u);
	assert_int_equal(m[3].offset, 0x01ffffffu);
	/* no bitfield: kind_flag 0, the whole 32-bit offset */
	assert_false(bk_kflag(bk_btf_type(btf, 10)));
	assert_int_equal(((const struct bk_member *)rest32(btf, 10))[0].offset, 0xffffffffu);
	assert_int_equal(bk_btf_type(btf, 10)->name_off, 0);
	/* enums */
	assert_false(bk_kflag(bk_btf_type(btf, 12)));
	assert_int_equal(((const struct bk_enum *)rest32(btf, 12))[2].val, -1);
	assert_true(bk_kflag(bk_btf_type(btf, 13)));
	assert_int_equal(((const struct bk_enum *)rest32(btf, 13))[0].val, INT32_MIN);
	const struct bk_enum64 *e64 = (const void *)rest32(btf, 14);
	assert_int_equal(e64[0].val_lo32, 0xffffffffu);
	assert_int_equal(e64[0].val_hi32, 0xffffffffu);
	e64 = (const void *)rest32(btf, 15);
	assert_true(bk_kflag(bk_btf_type(btf, 15)));
	assert_int_equal(e64[0].val_lo32, 0);
	assert_int_equal(e64[0].val_hi32, 0x80000000u);
	/* FWD kind, FUNC linkage in vlen, vararg, VAR linkage, DECL_TAG index */
	assert_false(bk_kflag(bk_btf_type(btf, 16)));
	assert_true(bk_kflag(bk_btf_type(btf, 17)));
	assert_int_equal(bk_vlen(bk_btf_type(btf, 23)), 3);
	const struct bk_param *p = (const void *)rest32(btf, 23);
	assert_int_equal(p[2].name_off, 0);
	assert_int_equal(p[2].type, 0);
	assert_int_equal(bk_vlen(bk_btf_type(btf, 25)), 0);
	assert_int_equal(bk_vlen(bk_btf_type(btf, 26)), 1);
	assert_int_equal(bk_vlen(bk_btf_type(btf, 27)), 2);
	assert_int_equal(rest32(btf, 28)[0], 0);
	assert_int_equal(rest32(btf, 29)[0], 1);
	assert_int_equal(rest32(btf, 30)[0], 2);
	const struct bk_var_secinfo *v = (const void *)rest32(btf, 31);
	assert_int_equal(v[1].type, 29);
	assert_int_equal(v[1].offset, 8);
	assert_int_equal(v[1].size, 8);
	assert_int_equal((int32_t)rest32(btf, 33)[0], -1);
	assert_int_equal(rest32(btf, 34)[0], 3);
	/* a name with spaces; one string per distinct name ('tag' twice) */
	assert_string_equal(name_of(btf, 36), "odd name with spaces");
	assert_int_equal(bk_btf_type(btf, 33)->name_off, bk_btf_type(btf, 34)->name_off);

	/* the split form, on it: IDs from 38, base strings reused */
	const char *split = src_path("tests/asm/split_on_all_kinds.txt");
	struct bk_btf *s = asm_file(split, btf);
	assert_dump_is(s, split);
	assert_int_equal(bk_btf_start_id(s), 38);
	assert_int_equal(bk_btf_nr_types(s), 6);
	assert_int_equal(bk_btf_type(s, 43)->name_off, bk_btf_type(btf, 1)->name_off);
	assert_int_equal(((const struct bk_member *)rest32(s, 39))[2].type, 40);
	bk_btf_free(s);
	bk_btf_free(btf);
}

/* CRLF line ends and a missing final newline give the same BTF. */
static void test_line_ends(void **state)
{
	(void)state;
	size_t len;
	char *text = bkt_read(example("doc_base", "txt"), &len);
	char *crlf = malloc(2 * len + 1);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			crlf[n++] = '\r';
		crlf[n++] = text[i];
	}
	struct bk_btf *btf = asm_mem(crlf, n, NULL, "crlf");
	assert_blob_is(btf, NULL, example("doc_base", "btf"));
	bk_btf_free(btf);
	btf = asm_mem(text, len - 1, NULL, "no final newline");
	assert_blob_is(btf, NULL, example("doc_base", "btf"));
	bk_btf_free(btf);
	free(crlf);
	free(text);
}

static void test_empty(void **state)
{
	(void)state;
	struct bk_btf *btf = asm_mem("", 0, NULL, "empty");
	assert_int_equal(bk_btf_nr_types(btf), 0);
	const struct bk_btf *base = bkt_vmlinux_btf("6.1.0-47-amd64");
	struct bk_btf *s = asm_mem("", 0, base, "empty split");
	assert_int_equal(bk_btf_nr_types(s), 0);
	assert_int_equal(bk_btf_start_id(s), 100629);
	bk_btf_free(s);
	bk_btf_free(btf);
}

/* A 1 MiB name is just a long string. */
static void test_long_line(void **state)
{
	(void)state;
	size_t big = 1 << 20;
	char *text = malloc(big + 100);
	int n = sprintf(text, "[1] STRUCT '");
	memset(text + n, 'x', big);
	n += (int)big;
	n += sprintf(text + n, "' size=0 vlen=0\n");
	struct bk_btf *btf = asm_mem(text, (size_t)n, NULL, "long");
	assert_int_equal(strlen(name_of(btf, 1)), big);
	bk_btf_free(btf);
	/* and a fault far along it is reported at its column */
	text[n - 2] = 'x'; /* vlen=x */
	struct bk_error err;
	assert_int_equal(bk_asm(text, (size_t)n, NULL, "long", &btf, &err), -EINVAL);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, n - 1);
	free(text);
}

/* ---- errors ---------------------------------------------------------------------- */

struct bad_case {
	const char *text;
	int line, column;
	const char *msg; /* a part of the message */
};

static void check_bad(const struct bad_case *c, const struct bk_btf *base)
{
	struct bk_error err;
	struct bk_btf *btf = (struct bk_btf *)1;
	char msg[1200];
	int e = bk_asm(c->text, strlen(c->text), base, "x.txt", &btf, &err);
	if (e != -EINVAL)
		fail_msg("accepted (%d): %s", e, c->text);
	assert_null(btf);
	bk_error_str(&err, msg, sizeof(msg));
	if (err.reason != BK_E_ASM || err.line != c->line || err.column != c->column ||
	    !strstr(err.msg, c->msg))
		fail_msg("%s\n  gave: %s\n  want: x.txt:%d:%d: ...%s...", c->text, msg, c->line,
			 c->column, c->msg);
	char where[64];
	snprintf(where, sizeof(where), "x.txt:%d:%d: ", c->line, c->column);
	assert_true(!strncmp(msg, where, strlen(where)));
	assert_int_equal(bk_error_exit_status(&err), 1);
}

#define INT1 "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"

static void test_errors(void **state)
{
	static const struct bad_case cases[] = {
		/* structure */
		{"[2] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n", 1, 2,
		 "expected type [1]"},
		{INT1 "[3] PTR '(anon)' type_id=1\n", 2, 2, "expected type [2]"},
		{INT1 "\n", 2, 1, "expected '['"},
		{"[1]INT 'x'\n", 1, 3, "expected '] '"},
		{"[99999999999] INT 'x'\n", 1, 2, "out of range"},
		{"[1] BLOB 'x'\n", 1, 5, "expected a kind"},
		{"[1] INT int\n", 1, 9, "expected '''"},
		{"[1] INT 'int size=4\n", 1, 9, "no closing quote"},
		{"[1] PTR '(anon)' typ_id=0\n", 1, 18, "expected 'type_id='"},
		{"[1] PTR '(anon)'type_id=0\n", 1, 17, "expected ' '"},
		{"[1] PTR '(anon)' type_id=\n", 1, 26, "expected a number, found end of line"},
		{"[1] PTR '(anon)' type_id=0 \n", 1, 27, "expected end of line"},
		{INT1 "[2] PTR '(anon)' type_id=1 x\n", 2, 27, "expected end of line, found ' x'"},
		/* numbers */
		{"[1] INT 'i' size=4294967296 bits_offset=0 nr_bits=32 encoding=SIGNED\n", 1, 18,
		 "out of range (maximum 4294967295)"},
		{"[1] INT 'i' size=99999999999999999999999 bits_offset=0 nr_bits=8 encoding=BOOL\n",
		 1, 18, "out of range"},
		{"[1] INT 'i' size=4 bits_offset=256 nr_bits=32 encoding=SIGNED\n", 1, 32,
		 "maximum 255"},
		{"[1] INT 'i' size=4 bits_offset=0 nr_bits=32 encoding=WIDE\n", 1, 54,
		 "expected one of '(none)', 'SIGNED'"},
		{"[1] STRUCT 's' size=4 vlen=16777216\n", 1, 28, "maximum 16777215"},
		{"[1] ENUM 'e' encoding=SIGNED size=4 vlen=1\n\t'A' val=2147483648\n", 2, 10,
		 "maximum 2147483647"},
		{"[1] ENUM 'e' encoding=SIGNED size=4 vlen=1\n\t'A' val=-2147483649\n", 2, 10,
		 "minimum -2147483648"},
		{"[1] ENUM 'e' encoding=UNSIGNED size=4 vlen=1\n\t'A' val=-1\n", 2, 10,
		 "expected a number"},
		{"[1] ENUM 'e' encoding=MAYBE size=4 vlen=0\n", 1, 23, "expected one of"},
		{"[1] ENUM64 'e' encoding=UNSIGNED size=8 vlen=1\n\t'A' val=18446744073709551616ULL\n",
		 2, 10, "out of range"},
		{"[1] ENUM64 'e' encoding=UNSIGNED size=8 vlen=1\n\t'A' val=1LL\n", 2, 11,
		 "expected 'ULL'"},
		{"[1] ENUM64 'e' encoding=SIGNED size=8 vlen=1\n\t'A' val=-9223372036854775809LL\n", 2,
		 10, "out of range"},
		{"[1] DECL_TAG 't' type_id=0 component_idx=2147483648\n", 1, 42, "out of range"},
		/* member lines */
		{"[1] STRUCT 's' size=4 vlen=2\n\t'a' type_id=0 bits_offset=0\n", 3, 1,
		 "ends after 1 of the 2 member lines of line 1"},
		{"[1] STRUCT 's' size=4 vlen=2\n\t'a' type_id=0 bits_offset=0\n" INT1, 3, 1,
		 "expected member line 2 of 2"},
		{"[1] STRUCT 's' size=4 vlen=1\n\t'a' type_id=0 bits_offset=0\n"
		 "\t'b' type_id=0 bits_offset=0\n", 3, 1, "beyond the vlen of [1]"},
		{"[1] STRUCT 's' size=4 vlen=1\n'a' type_id=0 bits_offset=0\n", 2, 1,
		 "expected member line 1 of 1"},
		{"[1] STRUCT 's' size=4 vlen=1\n\t'a' type_id=0 bits_offset=0 bitfield_size=256\n", 2,
		 44, "maximum 255"},
		{"[1] STRUCT 's' size=4 vlen=2\n\t'a' type_id=0 bits_offset=16777216\n"
		 "\t'b' type_id=0 bits_offset=0 bitfield_size=1\n", 2, 28, "beyond 24 bits"},
		{"[1] FUNC_PROTO '(anon)' ret_type_id=0 vlen=1\n\t'a' type_id\n", 2, 6,
		 "expected 'type_id='"},
		{"[1] DATASEC 'd' size=4 vlen=1\n\t offset=0\n", 2, 2, "expected 'type_id='"},
		{"[1] DATASEC 'd' size=4 vlen=1\n\ttype_id=0 offset=0 size=4 (UNKNOWN '(anon)'\n", 2,
		 45, "expected \"')\""},
		/* references */
		{"[1] PTR '(anon)' type_id=5\n", 1, 26, "type [5] is never defined (the last is [1])"},
		{"[1] STRUCT 's' size=4 vlen=1\n\t'a' type_id=7 bits_offset=0\n", 2, 14,
		 "type [7] is never defined"},
		{INT1 "[2] FUNC 'f' type_id=1 linkage=static\n", 2, 22, "must be a FUNC_PROTO"},
		{"[1] FUNC 'f' type_id=2 linkage=static\n"
		 "[2] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n", 1, 22, "must be a FUNC_PROTO"},
		{"[1] FUNC 'f' type_id=0 linkage=static\n", 1, 22, "is void"},
		{"[1] FUNC_PROTO '(anon)' ret_type_id=0 vlen=0\n[2] FUNC 'f' type_id=1 linkage=weak\n",
		 2, 32, "expected one of 'static', 'global', 'extern'"},
		{INT1 "[2] VAR 'v' type_id=1 linkage=static\n", 2, 22, "expected ','"},
		{INT1 "[2] VAR 'v' type_id=1, linkage=static\n[3] DATASEC 'd' size=4 vlen=1\n"
		      "\ttype_id=2 offset=0 size=4 (VAR 'w')\n", 4, 10,
		 "type_id 2 is VAR 'v', the text says VAR 'w'"},
		{"[1] DATASEC 'd' size=4 vlen=1\n\ttype_id=2 offset=0 size=4 (INT 'v')\n"
		 "[2] VAR 'v' type_id=0, linkage=static\n", 2, 10, "is VAR 'v', the text says INT"},
		{"[1] FWD 'f' fwd_kind=enum\n", 1, 22, "expected one of 'struct', 'union'"},
		{"[1] INT 'a\0b' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n", 1, 1, ""},
	};
	(void)state;
	/* the last case is cut at the NUL by strlen: checked on its own below */
	for (size_t i = 0; i + 1 < sizeof(cases) / sizeof(cases[0]); i++)
		check_bad(&cases[i], NULL);

	static const char nul[] = "[1] INT 'a\0b' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n";
	struct bk_btf *btf;
	struct bk_error err;
	assert_int_equal(bk_asm(nul, sizeof(nul) - 1, NULL, "x.txt", &btf, &err), -EINVAL);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 10);
	assert_int_equal(err.reason, BK_E_ASM);
	assert_non_null(strstr(err.msg, "NUL"));
}

/* Split text must continue the base's IDs. */
static void test_split_errors(void **state)
{
	(void)state;
	struct bk_btf *base = bkt_load(example("doc_base", "btf"), NULL);
	struct bad_case c = {"[1] PTR '(anon)' type_id=2\n", 1, 2, "expected type [3]"};
	check_bad(&c, base);
	struct bad_case d = {"[3] PTR '(anon)' type_id=9\n", 1, 26,
			     "type [9] is never defined (the last is [3])"};
	check_bad(&d, base);
	bk_btf_free(base);
}

/* ---- the command ----------------------------------------------------------------- */

static void test_cli(void **state)
{
	(void)state;
	char cmd[8192];
	int status;
	size_t len;
	/* standard output (a pipe here) */
	snprintf(cmd, sizeof(cmd), "%s asm %s", bkt_tool(), example("doc_base", "txt"));
	char *out = bkt_run(cmd, &status, &len);
	assert_int_equal(status, 0);
	bkt_assert_bytes_file(out, len, example("doc_base", "btf"));
	free(out);
	/* -B, standard input, -o */
	snprintf(cmd, sizeof(cmd),
		 "t=$(mktemp) && %s asm -B %s -o \"$t\" < %s && cat \"$t\"; rc=$?; rm -f \"$t\"; "
		 "exit $rc",
		 bkt_tool(), example("doc_base", "btf"), example("doc_split", "txt"));
	out = bkt_run(cmd, &status, &len);
	assert_int_equal(status, 0);
	bkt_assert_bytes_file(out, len, example("doc_split", "btf"));
	free(out);
	/* --hdr-len 24 --big-endian */
	snprintf(cmd, sizeof(cmd), "%s asm --hdr-len 24 --big-endian -B %s %s", bkt_tool(),
		 bkt_vmlinux("6.1.0-47-amd64"), bkt_golden("dump/endian/crc16.be.btf.txt"));
	out = bkt_run(cmd, &status, &len);
	assert_int_equal(status, 0);
	bkt_assert_bytes_file(out, len, bkt_golden("dump/endian/crc16.be.btf"));
	free(out);
	/* invalid text: exit 1, FILE:LINE:COLUMN on stderr */
	snprintf(cmd, sizeof(cmd), "printf '[1] PTR x\\n' | %s asm 2>&1 >/dev/null", bkt_tool());
	out = bkt_run(cmd, &status, &len);
	assert_int_equal(status, 1);
	assert_non_null(strstr(out, "<stdin>:1:9: expected '''"));
	free(out);
	/* usage and I/O: exit 2 */
	snprintf(cmd, sizeof(cmd), "%s asm --hdr-len 40 %s 2>/dev/null", bkt_tool(), example("doc_base", "txt"));
	free(bkt_run(cmd, &status, &len));
	assert_int_equal(status, 2);
	snprintf(cmd, sizeof(cmd), "%s asm /nonexistent/x.txt 2>/dev/null", bkt_tool());
	free(bkt_run(cmd, &status, &len));
	assert_int_equal(status, 2);
	snprintf(cmd, sizeof(cmd), "%s asm -o /nonexistent/dir/x.btf %s 2>/dev/null", bkt_tool(),
		 example("doc_base", "txt"));
	free(bkt_run(cmd, &status, &len));
	assert_int_equal(status, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_kinds),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_split_errors),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_kinds_base_lost_bits),
		cmocka_unit_test(test_distill),
		cmocka_unit_test(test_dump_modules),
		cmocka_unit_test(test_dump_vmlinux),
		cmocka_unit_test(test_dump_crafted),
		cmocka_unit_test(test_relocate),
		cmocka_unit_test(test_endian),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_corpus_6_1),
		cmocka_unit_test(test_corpus_6_12),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
