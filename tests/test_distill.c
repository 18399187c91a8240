// SPDX-License-Identifier: MIT
/*
 * Distill: both outputs byte-identical to libbpf's btf__distill_base() for
 * every golden (43 Debian modules, the crafted examples, the big fixtures
 * on the running vmlinux); every module of two kernels distils to a base of
 * named INT/FLOAT/FWD/ENUM/STRUCT/UNION only; the misfit checks; the
 * ambiguity warnings against libbpf's recorded relocation failures; the
 * CLI on raw blobs and on whole .ko files.
 */
#include "module/match.h"
#include "support.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KVER "6.1.0-47-amd64"
#define KVER_612 "6.12.117+deb12-amd64"

static char *blob_of(const struct bk_btf *btf, uint32_t hdr_len, size_t *size)
{
	BK_OPTS(bk_write_opts, o, .hdr_len = hdr_len);
	struct bk_error err = {0};
	void *data = NULL;
	char msg[1200];
	if (bk_btf_write(btf, &o, &data, size, &err))
		fail_msg("write: %s", bk_error_str(&err, msg, sizeof(msg)));
	return data;
}

static void distill_or_fail(const struct bk_btf *split, struct bk_btf **d, struct bk_btf **s)
{
	struct bk_error err = {0};
	char msg[1200];
	if (bk_distill(split, d, s, &err))
		fail_msg("distill %s: %s", bk_btf_source(split), bk_error_str(&err, msg, sizeof(msg)));
}

/* Distill split and compare both blobs with the goldens. */
static void assert_distills_to(const struct bk_btf *split, const char *want_base,
			       const char *want_split)
{
	struct bk_btf *d, *s;
	distill_or_fail(split, &d, &s);
	size_t n;
	char *blob = blob_of(d, 0, &n);
	bkt_assert_bytes_file(blob, n, want_base);
	free(blob);
	blob = blob_of(s, 0, &n);
	bkt_assert_bytes_file(blob, n, want_split);
	free(blob);
	bk_btf_free(s);
	bk_btf_free(d);
}

static void example(const char *base, const char *split, const char *stem)
{
	char p[3][512];
	snprintf(p[0], sizeof(p[0]), "examples/%s.btf", base);
	struct bk_btf *b = bkt_load(bkt_golden(p[0]), NULL);
	snprintf(p[0], sizeof(p[0]), "examples/%s.btf", split);
	struct bk_btf *s = bkt_load(bkt_golden(p[0]), b);
	snprintf(p[1], sizeof(p[1]), "examples/%s_dist_base.btf", stem);
	snprintf(p[2], sizeof(p[2]), "examples/%s_split_distilled.btf", stem);
	assert_distills_to(s, bkt_golden(p[1]), bkt_golden(p[2]));
	bk_btf_free(s);
	bk_btf_free(b);
}

static void test_examples(void **state)
{
	(void)state;
	example("doc_base", "doc_split", "doc");
	example("doc_base", "emb_split", "emb");
	example("quirk_base", "quirk_split", "quirk");
	example("kinds_base", "kinds_split", "kinds");
}

static void test_bigsplit_on_running(void **state)
{
	(void)state;
	const struct bk_btf *running = bkt_vmlinux_btf("running");
	const char *stems[] = {"vmlinux_bigsplit", "vmlinux_bigsplit_ambig"};
	for (size_t i = 0; i < 2; i++) {
		char p[3][512];
		snprintf(p[0], sizeof(p[0]), "examples/%s.btf", stems[i]);
		snprintf(p[1], sizeof(p[1]), "examples/%s_dist_base.btf", stems[i]);
		snprintf(p[2], sizeof(p[2]), "examples/%s_split_distilled.btf", stems[i]);
		struct bk_btf *s = bkt_load(bkt_golden(p[0]), running);
		assert_distills_to(s, bkt_golden(p[1]), bkt_golden(p[2]));
		bk_btf_free(s);
	}
}

/* The 43 golden modules, distilled by libbpf against vmlinux 6.1.0-47. */
static void test_golden_modules(void **state)
{
	(void)state;
	const struct bk_btf *vmlinux = bkt_vmlinux_btf(KVER);
	const char **mods;
	size_t n = bkt_sample(&mods);
	assert_int_equal(n, 43);
	for (size_t i = 0; i < n; i++) {
		const char *name = bkt_basename(mods[i]);
		char wb[512], ws[512];
		snprintf(wb, sizeof(wb), "distill/%s.base.btf", name);
		snprintf(ws, sizeof(ws), "distill/%s.split.btf", name);
		struct bk_btf *s = bkt_load(bkt_module(KVER, mods[i]), vmlinux);
		assert_distills_to(s, bkt_golden(wb), bkt_golden(ws));
		bk_btf_free(s);
	}
}

/* ---- every module of two kernels -------------------------------------------- */

static bool distilled_kind_ok(const struct bk_type *t)
{
	unsigned k = bk_kind(t);
	return t->name_off && (k == BK_KIND_INT || k == BK_KIND_FLOAT || k == BK_KIND_FWD ||
			       k == BK_KIND_ENUM || k == BK_KIND_STRUCT || k == BK_KIND_UNION);
}

static void corpus(const char *kver, size_t min_modules)
{
	const struct bk_btf *vmlinux = bkt_vmlinux_btf(kver);
	char **mods;
	size_t n = bkt_corpus_modules(kver, &mods), nr_warned = 0;
	const char *stride = getenv("BK_CORPUS_STRIDE");
	if (!stride || atoi(stride) <= 1)
		assert_true(n >= min_modules);
	for (size_t i = 0; i < n; i++) {
		struct bk_btf *s = bkt_load(bkt_module(kver, mods[i]), vmlinux), *d, *ns;
		struct bk_error err = {0};
		char msg[1200];
		if (bk_split_check_base(s, &err))
			fail_msg("%s: %s", mods[i], bk_error_str(&err, msg, sizeof(msg)));
		distill_or_fail(s, &d, &ns);
		for (uint32_t id = 1; id < bk_btf_type_cnt(d); id++)
			if (!distilled_kind_ok(bk_btf_type(d, id)))
				fail_msg("%s: distilled base [%u] is %s", mods[i], id,
					 bk_kind_name(bk_kind(bk_btf_type(d, id))));
		/* S' sits right on D, its own types first, none left pointing
		 * past its end */
		assert_int_equal(bk_btf_start_id(ns), bk_btf_type_cnt(d));
		assert_true(bk_btf_nr_types(ns) >= bk_btf_nr_types(s));
		struct bk_distill_warnings w;
		assert_int_equal(bk_distill_warnings(vmlinux, ns, &w, &err), 0);
		nr_warned += w.count > 0;
		bk_distill_warnings_free(&w);
		bk_btf_free(ns);
		bk_btf_free(d);
		bk_btf_free(s);
	}
	print_message("%s: %zu modules distilled, %zu with relocation warnings\n", kver, n,
		      nr_warned);
	bkt_free_list(mods, n);
}

/* The matcher's one pass over a base (distill's warnings for one module)
 * gives the candidates its name index gives, in the same order: every
 * distilled type of every 4th 6.1 module matched onto the 6.12 kernel (two
 * reads of it: one never indexed, one indexed). */
static void test_scan_matches_index(void **state)
{
	(void)state;
	const struct bk_btf *vmlinux = bkt_vmlinux_btf(KVER);
	struct bk_btf *scanned = bkt_load(bkt_vmlinux(KVER_612), NULL);
	struct bk_btf *indexed = bkt_load(bkt_vmlinux(KVER_612), NULL);
	assert_int_equal(bk_btf_index(indexed), 0);
	char **mods;
	size_t n = bkt_corpus_modules(KVER, &mods), compared = 0, ambiguous = 0;
	for (size_t i = 0; i < n; i += 4) {
		struct bk_btf *s = bkt_load(bkt_module(KVER, mods[i]), vmlinux), *d, *ns;
		struct bk_matcher a, b;
		distill_or_fail(s, &d, &ns);
		assert_int_equal(bk_matcher_init(&a, ns, scanned, true), 0);
		assert_int_equal(bk_matcher_scan_base(&a), 0);
		assert_non_null(a.scan);
		assert_int_equal(bk_matcher_init(&b, ns, indexed, true), 0);
		assert_int_equal(bk_matcher_scan_base(&b), 0);
		assert_null(b.scan); /* indexed: looked up through the index */
		for (uint32_t id = 1; id < a.nr_dist; id++) {
			uint32_t ia[8] = {0}, ib[8] = {0};
			size_t na, nb;
			assert_int_equal(bk_match(&a, id, ia, 8, &na), 0);
			assert_int_equal(bk_match(&b, id, ib, 8, &nb), 0);
			assert_int_equal(na, nb);
			assert_int_equal(a.nr_named, b.nr_named);
			assert_memory_equal(a.named, b.named, a.nr_named * sizeof(*a.named));
			assert_memory_equal(ia, ib, sizeof(ia));
			ambiguous += na > 1;
			compared++;
		}
		bk_matcher_free(&a);
		bk_matcher_free(&b);
		bk_btf_free(ns);
		bk_btf_free(d);
		bk_btf_free(s);
	}
	print_message("%zu distilled types compared, %zu ambiguous\n", compared, ambiguous);
	assert_true(compared > 1000);
	bkt_free_list(mods, n);
	bk_btf_free(scanned);
	bk_btf_free(indexed);
}

static void test_corpus_61(void **state)
{
	(void)state;
	corpus(KVER, 4022);
}

static void test_corpus_612(void **state)
{
	(void)state;
	corpus(KVER_612, 4230);
}

/* A module on the wrong vmlinux: the reader, the misfit check or distill
 * itself refuses it, for every module of the 6.1 set on the 6.12 kernel. */
static void test_wrong_vmlinux(void **state)
{
	(void)state;
	const struct bk_btf *wrong = bkt_vmlinux_btf(KVER_612);
	char **mods;
	size_t n = bkt_corpus_modules(KVER, &mods), caught = 0;
	for (size_t i = 0; i < n; i++) {
		struct bk_error err = {0};
		struct bk_btf *s = NULL, *d, *ns;
		if (bk_btf_load(bkt_module(KVER, mods[i]), wrong, &s, &err) ||
		    bk_split_check_base(s, &err) || bk_distill(s, &d, &ns, &err)) {
			assert_int_not_equal(err.msg[0], '\0');
			caught++;
		} else {
			print_message("not caught: %s\n", mods[i]);
			bk_btf_free(ns);
			bk_btf_free(d);
		}
		bk_btf_free(s);
	}
	assert_int_equal(caught, n);
	bkt_free_list(mods, n);
}

/* ---- errors -------------------------------------------------------------------- */

static struct bk_btf *tiny_base(void)
{
	/* [1] INT 'int', [2] FUNC_PROTO int(void), [3] FUNC 'f', [4] VAR 'v' */
	struct bk_btf *b = bk_btf_new(NULL);
	struct {
		struct bk_type t;
		uint32_t enc;
	} i = {{(uint32_t)bk_btf_add_str(b, "int"), bk_info(BK_KIND_INT, 0, false), {4}},
	       (BK_INT_SIGNED << 24) | 32};
	assert_int_equal(bk_btf_add_type(b, &i.t, sizeof(i)), 1);
	struct bk_type proto = {0, bk_info(BK_KIND_FUNC_PROTO, 0, false), {1}};
	assert_int_equal(bk_btf_add_type(b, &proto, sizeof(proto)), 2);
	struct bk_type fn = {(uint32_t)bk_btf_add_str(b, "f"), bk_info(BK_KIND_FUNC, 1, false), {2}};
	assert_int_equal(bk_btf_add_type(b, &fn, sizeof(fn)), 3);
	struct {
		struct bk_type t;
		struct bk_var v;
	} var = {{(uint32_t)bk_btf_add_str(b, "v"), bk_info(BK_KIND_VAR, 0, false), {1}}, {1}};
	assert_int_equal(bk_btf_add_type(b, &var.t, sizeof(var)), 4);
	return b;
}

/* Distilling split fails for reason; the message names needle (a type). */
static void assert_distill_fails(const struct bk_btf *split, int reason, const char *needle)
{
	struct bk_error err = {0};
	struct bk_btf *d = (void *)1, *s = (void *)1;
	assert_int_equal(bk_distill(split, &d, &s, &err), -EINVAL);
	assert_ptr_equal(d, (void *)1); /* outputs untouched on failure */
	assert_ptr_equal(s, (void *)1);
	assert_int_equal(err.reason, reason);
	if (needle && !strstr(err.msg, needle))
		fail_msg("message '%s' lacks '%s'", err.msg, needle);
}

static void test_errors(void **state)
{
	(void)state;
	struct bk_btf *base = tiny_base();
	assert_distill_fails(base, BK_E_NOT_SPLIT, NULL);

	/* a split PTR to the base FUNC, then one to the base VAR */
	const char *kinds[] = {"FUNC 'f'", "VAR 'v'"};
	for (uint32_t target = 3; target <= 4; target++) {
		struct bk_btf *s = bk_btf_new(base);
		struct bk_type ptr = {0, bk_info(BK_KIND_PTR, 0, false), {target}};
		assert_int_equal(bk_btf_add_type(s, &ptr, sizeof(ptr)), 5);
		assert_distill_fails(s, BK_E_DISTILL, kinds[target - 3]);
		assert_distill_fails(s, BK_E_DISTILL, "[5] PTR");
		struct bk_error err = {0};
		assert_int_equal(bk_split_check_base(s, &err), -EINVAL);
		assert_int_equal(err.reason, BK_E_BASE_MISFIT);
		bk_btf_free(s);
	}

	/* misfits the reader lets through: a member whose base type is a
	 * FUNC_PROTO; a name that starts inside a base string */
	struct bk_btf *s = bk_btf_new(base);
	struct {
		struct bk_type t;
		struct bk_member m;
	} st = {{(uint32_t)bk_btf_add_str(s, "s"), bk_info(BK_KIND_STRUCT, 1, false), {8}},
		{(uint32_t)bk_btf_add_str(s, "m"), 2, 0}};
	assert_int_equal(bk_btf_add_type(s, &st.t, sizeof(st)), 5);
	struct bk_error err = {0};
	assert_int_equal(bk_split_check_base(s, &err), -EINVAL);
	assert_int_equal(err.reason, BK_E_BASE_MISFIT);
	assert_int_equal(err.type_id, 5);
	assert_non_null(strstr(err.msg, "member 0"));
	bk_btf_free(s);

	s = bk_btf_new(base);
	struct bk_type fwd = {2 /* "nt" inside "int" */, bk_info(BK_KIND_FWD, 0, false), {0}};
	assert_int_equal(bk_btf_add_type(s, &fwd, sizeof(fwd)), 5);
	assert_int_equal(bk_split_check_base(s, &err), -EINVAL);
	assert_int_equal(err.reason, BK_E_BASE_MISFIT);
	assert_int_equal(err.type_id, 5);
	bk_btf_free(s);
	bk_btf_free(base);
}

/* ---- ambiguity warnings ------------------------------------------------------ */

static struct bk_distill_warnings warnings_of(const struct bk_btf *base, const struct bk_btf *split)
{
	struct bk_btf *d, *s;
	struct bk_distill_warnings w;
	struct bk_error err = {0};
	distill_or_fail(split, &d, &s);
	assert_int_equal(bk_distill_warnings(base, s, &w, &err), 0);
	bk_btf_free(s);
	bk_btf_free(d);
	return w;
}

/* Compare with libbpf's relocation failure recorded in an .err golden:
 * "... type 'NAME' [N], size S has multiple candidates of the same size
 * (ids [A, B]) ..." */
static void assert_warning_like(const struct bk_distill_warnings *w, const char *err_golden)
{
	char *text = bkt_read(bkt_golden(err_golden), NULL);
	assert_non_null(text);
	char name[128];
	unsigned id, size, a, b;
	const char *p = strstr(text, "type '");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "type '%127[^']' [%u], size %u has multiple candidates of the "
				   "same size (ids [%u, %u])",
				name, &id, &size, &a, &b),
			 5);
	free(text);
	for (size_t i = 0; i < w->count; i++) {
		const struct bk_distill_warning *x = &w->items[i];
		if (strcmp(x->name, name))
			continue;
		assert_int_equal(x->dist_id, id);
		assert_true(x->nr_matches >= 2);
		/* libbpf names the later candidate first */
		assert_int_equal(x->match_ids[0], b < a ? b : a);
		assert_int_equal(x->match_ids[1], b < a ? a : b);
		assert_non_null(strstr(x->msg, name));
		return;
	}
	fail_msg("no warning for '%s'", name);
}

static void test_warnings(void **state)
{
	(void)state;
	const struct bk_btf *running = bkt_vmlinux_btf("running");
	struct bk_btf *s = bkt_load(bkt_golden("examples/vmlinux_bigsplit_ambig.btf"), running);
	struct bk_distill_warnings w = warnings_of(running, s);
	assert_warning_like(&w, "examples/vmlinux_bigsplit_ambig_split_relocated_running.err");
	for (size_t i = 0; i < w.count; i++)
		print_message("bigsplit_ambig: %s\n", w.items[i].msg);
	bk_distill_warnings_free(&w);
	bk_btf_free(s);

	/* relocated fine onto the running kernel: no warning */
	s = bkt_load(bkt_golden("examples/vmlinux_bigsplit.btf"), running);
	w = warnings_of(running, s);
	assert_int_equal(w.count, 0);
	bk_btf_free(s);

	/* libbpf's quirk: a STRUCT and an ENUM of one name and size */
	struct bk_btf *qb = bkt_load(bkt_golden("examples/quirk_base.btf"), NULL);
	s = bkt_load(bkt_golden("examples/quirk_split.btf"), qb);
	w = warnings_of(qb, s);
	assert_int_equal(w.count, 1);
	assert_warning_like(&w, "examples/quirk_split_relocated_quirk_base.err");
	bk_distill_warnings_free(&w);
	bk_btf_free(s);
	bk_btf_free(qb);

	/* the 43 golden modules all relocated back onto 6.1.0-47 */
	const struct bk_btf *vmlinux = bkt_vmlinux_btf(KVER);
	const char **mods;
	size_t n = bkt_sample(&mods);
	for (size_t i = 0; i < n; i++) {
		char e[512];
		snprintf(e, sizeof(e), "relocate/%s.%s.err", bkt_basename(mods[i]), KVER);
		assert_false(bkt_exists(bkt_golden(e)));
		s = bkt_load(bkt_module(KVER, mods[i]), vmlinux);
		w = warnings_of(vmlinux, s);
		assert_int_equal(w.count, 0);
		bk_btf_free(s);
	}
}


/* ---- the CLI ------------------------------------------------------------------ */

static void copy_file(const char *from, const char *to)
{
	size_t n;
	char *data = bkt_read(from, &n);
	assert_non_null(data);
	FILE *f = fopen(to, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	free(data);
}

static void assert_same_file(const char *a, const char *b)
{
	size_t n;
	char *data = bkt_read(a, &n);
	assert_non_null(data);
	bkt_assert_bytes_file(data, n, b);
	free(data);
}

/* Raw split blob in, raw blobs out: libbpf's bytes; --hdr-len 24 gives the
 * same blobs with the classic header. */
static void test_cli_raw(void **state)
{
	(void)state;
	const char *mods[] = {"kernel/lib/crc16", "kernel/net/ipv4/tcp_bbr"};
	for (size_t i = 0; i < 2; i++) {
		const char *name = bkt_basename(mods[i]);
		char wb[256], ws[256];
		snprintf(wb, sizeof(wb), "distill/%s.base.btf", name);
		snprintf(ws, sizeof(ws), "distill/%s.split.btf", name);
		assert_int_equal(bkt_cmd("%s distill -B %s %s --base-out %s --split-out %s",
					 bkt_tool(), bkt_vmlinux(KVER), bkt_module(KVER, mods[i]),
					 bkt_tmp("b"), bkt_tmp("s")),
				 0);
		assert_same_file(bkt_tmp("b"), bkt_golden(wb));
		assert_same_file(bkt_tmp("s"), bkt_golden(ws));

		assert_int_equal(
			bkt_cmd("%s distill --hdr-len 24 -B %s %s --base-out %s --split-out %s",
				bkt_tool(), bkt_vmlinux(KVER), bkt_module(KVER, mods[i]),
				bkt_tmp("b24"), bkt_tmp("s24")),
			0);
		const char *pairs[2][2] = {{bkt_tmp("b24"), bkt_golden(wb)},
					   {bkt_tmp("s24"), bkt_golden(ws)}};
		for (int k = 0; k < 2; k++) {
			size_t n24, n32;
			unsigned char *b24 = (unsigned char *)bkt_read(pairs[k][0], &n24);
			unsigned char *b32 = (unsigned char *)bkt_read(pairs[k][1], &n32);
			uint32_t hdr;
			memcpy(&hdr, b24 + 4, 4);
			assert_int_equal(hdr, 24);
			assert_int_equal(n24 + 8, n32);
			assert_memory_equal(b24 + 8, b32 + 8, 16); /* offsets and lengths */
			assert_memory_equal(b24 + 24, b32 + 32, n24 - 24);
			free(b24);
			free(b32);
		}
	}
	/* usage errors: no -B; -o for a raw blob; nothing to write */
	assert_int_equal(bkt_cmd("%s distill %s -o %s 2>/dev/null", bkt_tool(),
				 bkt_module(KVER, mods[0]), bkt_tmp("x")),
			 2);
	assert_int_equal(bkt_cmd("%s distill -B %s %s -o %s 2>/dev/null", bkt_tool(),
				 bkt_vmlinux(KVER), bkt_module(KVER, mods[0]), bkt_tmp("x")),
			 2);
	assert_int_equal(bkt_cmd("%s distill -B %s %s 2>/dev/null", bkt_tool(), bkt_vmlinux(KVER),
				 bkt_module(KVER, mods[0])),
			 2);
	assert_false(bkt_exists(bkt_tmp("x")));
}

/* name -> bytes of every section of an ELF file */
struct sections {
	size_t n;
	char *names[128];
	Elf_Data *data[128];
	GElf_Shdr shdr[128];
	Elf *elf;
	int fd;
};

static void read_sections(const char *path, struct sections *s)
{
	memset(s, 0, sizeof(*s));
	elf_version(EV_CURRENT);
	s->fd = open(path, O_RDONLY);
	assert_true(s->fd >= 0);
	s->elf = elf_begin(s->fd, ELF_C_READ, NULL);
	assert_non_null(s->elf);
	size_t shstrndx;
	assert_int_equal(elf_getshdrstrndx(s->elf, &shstrndx), 0);
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(s->elf, scn)) && s->n < 128; s->n++) {
		gelf_getshdr(scn, &s->shdr[s->n]);
		s->names[s->n] = elf_strptr(s->elf, shstrndx, s->shdr[s->n].sh_name);
		s->data[s->n] = elf_rawdata(scn, NULL);
	}
}

static void free_sections(struct sections *s)
{
	elf_end(s->elf);
	close(s->fd);
}

static const Elf_Data *section(const struct sections *s, const char *name, GElf_Shdr *sh)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], name)) {
			if (sh)
				*sh = s->shdr[i];
			return s->data[i];
		}
	return NULL;
}

static void assert_data_equals_file(const Elf_Data *d, const char *path)
{
	assert_non_null(d);
	bkt_assert_bytes_file(d->d_buf, d->d_size, path);
}

/* Every section but .BTF, .BTF.base, .shstrtab and .BTF_ids (rewritten
 * into the new numbering: test_btf_ids) kept its bytes and header flags;
 * .BTF and .BTF.base are libbpf's blobs. */
static void assert_distilled_ko(const char *in, const char *out, const char *name)
{
	struct sections a, b;
	read_sections(in, &a);
	read_sections(out, &b);
	assert_int_equal(b.n, a.n + 1);
	for (size_t i = 0; i < a.n; i++) {
		if (!strcmp(a.names[i], ".BTF") || !strcmp(a.names[i], ".shstrtab"))
			continue;
		bool ids = !strcmp(a.names[i], ".BTF_ids");
		GElf_Shdr sh;
		const Elf_Data *d = section(&b, a.names[i], &sh);
		if (!d && a.data[i] && a.data[i]->d_size)
			fail_msg("%s: section %s lost", out, a.names[i]);
		assert_int_equal(sh.sh_type, a.shdr[i].sh_type);
		assert_int_equal(sh.sh_flags, a.shdr[i].sh_flags);
		assert_int_equal(sh.sh_size, a.shdr[i].sh_size);
		if (a.shdr[i].sh_type != SHT_NOBITS && a.shdr[i].sh_size && !ids)
			assert_memory_equal(d->d_buf, a.data[i]->d_buf, a.shdr[i].sh_size);
	}
	char p[256];
	snprintf(p, sizeof(p), "distill/%s.split.btf", name);
	assert_data_equals_file(section(&b, ".BTF", NULL), bkt_golden(p));
	snprintf(p, sizeof(p), "distill/%s.base.btf", name);
	assert_data_equals_file(section(&b, ".BTF.base", NULL), bkt_golden(p));
	free_sections(&b);
	free_sections(&a);
}

/* The output loads back with no base as split BTF on its distilled base,
 * and `btfkit dump` shows it that way (bpftool -B base.btf split.btf). */
static void assert_loads_back(const char *out, const char *name)
{
	struct bk_btf *s = bkt_load(out, NULL);
	char p[256];
	size_t n;
	assert_non_null(bk_btf_base(s));
	char *blob = blob_of(s, 0, &n);
	snprintf(p, sizeof(p), "distill/%s.split.btf", name);
	bkt_assert_bytes_file(blob, n, bkt_golden(p));
	free(blob);
	blob = blob_of(bk_btf_base(s), 0, &n);
	snprintf(p, sizeof(p), "distill/%s.base.btf", name);
	bkt_assert_bytes_file(blob, n, bkt_golden(p));
	free(blob);
	bk_btf_free(s);

	int st;
	char *text = bkt_runf(&st, NULL, "%s dump %s", bkt_tool(), out);
	assert_int_equal(st, 0);
	snprintf(p, sizeof(p), "distill/%s.split.txt", name);
	bkt_assert_text_file(text, strlen(text), bkt_golden(p));
	free(text);
}

static void test_cli_ko(void **state)
{
	(void)state;
	const char *kos[] = {"cast_common", "crc16", "crc16.nosig", "dummy", "dummy.nosig",
			     "nls_utf8", "pcspkr", "tcp_bbr"};
	for (size_t i = 0; i < sizeof(kos) / sizeof(kos[0]); i++) {
		char src[512], name[64];
		snprintf(src, sizeof(src), "corpus/ko/%s.ko", kos[i]);
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(kos[i], "."), kos[i]);
		const char *in = bkt_tmp("in.ko"), *out = bkt_tmp("out.ko");
		copy_file(bkt_shared(src), in);
		remove(out);
		bool is_signed = !strstr(kos[i], "nosig");
		const char *strip = is_signed ? "--strip-signature" : "";
		if (is_signed) {
			/* refused without --strip-signature: exit 1, nothing written */
			assert_int_equal(bkt_cmd("%s distill -B %s %s -o %s 2>/dev/null",
						 bkt_tool(), bkt_vmlinux(KVER), in, out),
					 1);
			assert_false(bkt_exists(out));
			assert_same_file(in, bkt_shared(src));
		}
		/* the wrong vmlinux: exit 1, nothing written, the input intact */
		assert_int_equal(bkt_cmd("%s distill %s -B %s %s -o %s 2>/dev/null", bkt_tool(),
					 strip, bkt_vmlinux(KVER_612), in, out),
				 1);
		assert_false(bkt_exists(out));

		assert_int_equal(bkt_cmd("%s distill %s -B %s %s -o %s 2>/dev/null", bkt_tool(),
					 strip, bkt_vmlinux(KVER), in, out),
				 0);
		assert_same_file(in, bkt_shared(src));
		assert_distilled_ko(in, out, name);
		assert_loads_back(out, name);

		/* already distilled: exit 0, left alone (in place too) */
		copy_file(out, bkt_tmp("again.ko"));
		assert_int_equal(bkt_cmd("%s distill -B %s %s --in-place 2>/dev/null", bkt_tool(),
					 bkt_vmlinux(KVER), bkt_tmp("again.ko")),
				 0);
		assert_same_file(bkt_tmp("again.ko"), out);
		/* --force distils it again: relocated onto vmlinux, then the same */
		assert_int_equal(bkt_cmd("%s distill --force -B %s %s --in-place 2>/dev/null",
					 bkt_tool(), bkt_vmlinux(KVER), bkt_tmp("again.ko")),
				 0);
		assert_same_file(bkt_tmp("again.ko"), out);

		/* --in-place gives the same file as -o */
		assert_int_equal(bkt_cmd("%s distill %s -B %s %s --in-place 2>/dev/null",
					 bkt_tool(), strip, bkt_vmlinux(KVER), in),
				 0);
		assert_same_file(in, out);
	}
}

/* The ambiguity warnings on stderr; --strict makes them fatal. */
static void test_cli_warnings(void **state)
{
	(void)state;
	int st;
	char *text = bkt_runf(&st, NULL, "%s distill -B %s %s --base-out %s --split-out %s 2>&1",
			      bkt_tool(), bkt_vmlinux("running"),
			      bkt_golden("examples/vmlinux_bigsplit_ambig.btf"), bkt_tmp("ab"),
			      bkt_tmp("as"));
	assert_int_equal(st, 0);
	assert_non_null(strstr(text, "warning"));
	assert_non_null(strstr(text, "'bpf_map_desc'"));
	assert_non_null(strstr(text, "'dir_entry'"));
	free(text);
	assert_same_file(bkt_tmp("ab"),
			 bkt_golden("examples/vmlinux_bigsplit_ambig_dist_base.btf"));

	text = bkt_runf(&st, NULL, "%s distill --strict -B %s %s --base-out %s --split-out %s 2>&1",
			bkt_tool(), bkt_vmlinux("running"),
			bkt_golden("examples/vmlinux_bigsplit_ambig.btf"), bkt_tmp("sb"),
			bkt_tmp("ss"));
	assert_int_equal(st, 1);
	assert_non_null(strstr(text, "--strict"));
	free(text);
	assert_false(bkt_exists(bkt_tmp("sb")));
	assert_false(bkt_exists(bkt_tmp("ss")));

	/* no warning, no noise */
	text = bkt_runf(&st, NULL, "%s distill --strict -B %s %s --base-out %s --split-out %s 2>&1",
			bkt_tool(), bkt_vmlinux("running"),
			bkt_golden("examples/vmlinux_bigsplit.btf"), bkt_tmp("nb"), bkt_tmp("ns"));
	assert_int_equal(st, 0);
	assert_string_equal(text, "");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test_setup_teardown(test_cli_raw, bkt_tmpdir_setup,
						bkt_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_cli_ko, bkt_tmpdir_setup, bkt_tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_cli_warnings, bkt_tmpdir_setup,
						bkt_tmpdir_teardown),
		cmocka_unit_test(test_bigsplit_on_running),
		cmocka_unit_test(test_golden_modules),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_scan_matches_index),
		cmocka_unit_test(test_corpus_61),
		cmocka_unit_test(test_corpus_612),
		cmocka_unit_test(test_wrong_vmlinux),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
