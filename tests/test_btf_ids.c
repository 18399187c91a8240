// SPDX-License-Identifier: MIT
/*
 * .BTF_ids: read (dump --btf-ids), rewritten by distill, written back by
 * relocate, compressed write-back.
 *
 * The outputs are judged by a checker of this file's own, written from
 * include/linux/btf_ids.h and resolve_btfids, not with btfkit's reader: it
 * walks the ELF symbols with libelf, and says what every entry names (a
 * list entry: its symbol and the type at its ID; a set: its members' names
 * and flags, its IDs ascending). A module rewritten right names the same
 * things before and after, in any numbering.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define KVER "6.1.0-47-amd64"

static const char *const modules[] = {"tcp_bbr", "nf_conntrack"};
static const char *const kernels[] = {"6.1.0-47-amd64", "6.1.0-56-amd64",
				      "6.12.107+deb12-amd64", "6.12.117+deb12-amd64", "running"};
/* which of them each module relocates onto (measured: the others fail on
 * types the kernel changed, e.g. INT 'char' without SIGNED in 6.12) */
static const bool relocates[2][5] = {{1, 1, 1, 1, 0}, {1, 1, 0, 0, 0}};

static const char *ko(const char *name)
{
	static char buf[4][512];
	static int n;
	char *b = buf[n++ % 4];
	snprintf(b, 512, "%s", bkt_shared("corpus/ko/"));
	snprintf(b + strlen(b), 512 - strlen(b), "%s.ko", name);
	return b;
}

/* bkt_tmp with more rotating buffers: a test here holds a dozen paths */
static const char *tp(const char *name)
{
	static char buf[64][320];
	static unsigned n;
	char *b = buf[n++ % 64];
	snprintf(b, sizeof(buf[0]), "%s/%s", bkt_tmpdir, name);
	return b;
}

/* ---- the independent checker ------------------------------------------------ */

struct desc {
	char *text;  /* sorted lines: what every entry names */
	size_t len, cap;
	int faults;  /* entries that do not name what their symbol asks */
	size_t nr_entries;
};

static void desc_add(struct desc *d, const char *line)
{
	size_t n = strlen(line);
	if (d->len + n + 2 > d->cap) {
		d->cap = (d->len + n + 2) * 2;
		d->text = realloc(d->text, d->cap);
		assert_non_null(d->text);
	}
	memcpy(d->text + d->len, line, n);
	d->len += n;
	d->text[d->len++] = '\n';
	d->text[d->len] = '\0';
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void desc_sort(struct desc *d)
{
	char *lines[512];
	size_t n = 0;
	if (!d->text)
		return;
	for (char *p = strtok(d->text, "\n"); p && n < 512; p = strtok(NULL, "\n"))
		lines[n++] = strdup(p);
	qsort(lines, n, sizeof(*lines), cmp_line);
	d->len = 0;
	for (size_t i = 0; i < n; i++) {
		desc_add(d, lines[i]);
		free(lines[i]);
	}
}

struct sym { char name[256]; uint64_t value, size; };

static const char *type_kind_word(const struct bk_type *t)
{
	switch (bk_kind(t)) {
	case BK_KIND_FUNC: return "func";
	case BK_KIND_STRUCT: return "struct";
	case BK_KIND_UNION: return "union";
	case BK_KIND_TYPEDEF: return "typedef";
	default: return "other";
	}
}

static uint32_t word_at(const uint8_t *d, uint64_t off)
{
	uint32_t v;
	memcpy(&v, d + off, 4); /* the corpus and crafted objects are little-endian */
	return v;
}

/* "kind name" of the type at id, "none" when there is none */
static void named(const struct bk_btf *btf, uint32_t id, char *buf, size_t len)
{
	const struct bk_type *t = id && id < bk_btf_type_cnt(btf) ? bk_btf_type(btf, id) : NULL;
	if (!t)
		snprintf(buf, len, "none(%u)", id);
	else
		snprintf(buf, len, "%s %s", type_kind_word(t), bk_btf_name(btf, t));
}

/* Symbols of section idx; returns how many. */
static size_t section_syms(Elf *elf, size_t idx, struct sym *out, size_t max)
{
	Elf_Scn *scn = NULL;
	size_t n = 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		gelf_getshdr(scn, &sh);
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		for (size_t i = 1; i < sh.sh_size / sh.sh_entsize && n < max; i++) {
			GElf_Sym s;
			gelf_getsym(data, (int)i, &s);
			if (s.st_shndx != idx)
				continue;
			snprintf(out[n].name, sizeof(out[n].name), "%s",
				 elf_strptr(elf, sh.sh_link, s.st_name));
			out[n].value = s.st_value;
			out[n].size = s.st_size;
			n++;
		}
	}
	return n;
}

/* __BTF_ID__<kind>__<name>__<n> -> "kind name" */
static bool id_symbol(const char *sym, char *buf, size_t len)
{
	const char *rest = sym + strlen("__BTF_ID__"), *sep = strstr(rest, "__");
	const char *last = strrchr(rest, '_');
	if (strncmp(sym, "__BTF_ID__", 10) || !sep || !strncmp(rest, "set", 3))
		return false;
	snprintf(buf, len, "%.*s %.*s", (int)(sep - rest), rest, (int)(last - 1 - sep - 2),
		 sep + 2);
	return true;
}

static void check_set(struct desc *d, const struct sym *set, const struct sym *syms, size_t n,
		      const uint8_t *data, const struct bk_btf *btf)
{
	bool set8 = !strncmp(set->name, "__BTF_ID__set8__", 16);
	uint64_t hdr = set8 ? 8 : 4, cnt = (set->size - hdr) / hdr;
	const char *sname = set->name + (set8 ? 16 : 15);
	char members[64][300], line[700], what[300];
	size_t nm = 0;
	assert_int_equal(word_at(data, set->value), cnt);
	for (size_t i = 0; i < n; i++)
		if (syms[i].value >= set->value + hdr && syms[i].value < set->value + set->size &&
		    id_symbol(syms[i].name, members[nm], sizeof(members[nm])))
			nm++;
	uint32_t prev = 0;
	for (uint64_t k = 0; k < cnt; k++) {
		uint64_t off = set->value + hdr + k * hdr;
		uint32_t id = word_at(data, off);
		if (id < prev) /* the kernel binary-searches sets */
			d->faults++;
		prev = id;
		named(btf, id, what, sizeof(what));
		bool member = false;
		for (size_t m = 0; m < nm && !member; m++)
			member = !strcmp(members[m], what);
		d->faults += !member;
		if (set8 && strncmp(what, "func ", 5) == 0) {
			const struct bk_type *t = bk_btf_type(btf, id);
			const struct bk_type *p = bk_btf_type(btf, t->type);
			d->faults += !p || bk_kind(p) != BK_KIND_FUNC_PROTO;
		}
		if (set8)
			snprintf(line, sizeof(line), "set8 %s: %s flags=0x%x", sname, what,
				 word_at(data, off + 4));
		else
			snprintf(line, sizeof(line), "set %s: %s", sname, what);
		desc_add(d, line);
		d->nr_entries++;
	}
	snprintf(line, sizeof(line), "%s %s: cnt %llu flags 0x%x", set8 ? "set8" : "set", sname,
		 (unsigned long long)cnt, set8 ? word_at(data, set->value + 4) : 0);
	desc_add(d, line);
}

static bool in_a_set(const struct sym *syms, size_t n, uint64_t off)
{
	for (size_t i = 0; i < n; i++)
		if (!strncmp(syms[i].name, "__BTF_ID__set", 13) && off >= syms[i].value &&
		    off < syms[i].value + syms[i].size)
			return true;
	return false;
}

/* What every .BTF_ids entry of the ELF image names in btf. */
static struct desc describe_image(const void *image, size_t size, const struct bk_btf *btf)
{
	struct desc d = {0};
	static struct sym syms[512];
	elf_version(EV_CURRENT);
	Elf *elf = elf_memory((char *)image, size);
	size_t shstrndx, idx = 0;
	Elf_Scn *scn = NULL;
	const uint8_t *data = NULL;
	assert_non_null(elf);
	elf_getshdrstrndx(elf, &shstrndx);
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		gelf_getshdr(scn, &sh);
		if (!strcmp(elf_strptr(elf, shstrndx, sh.sh_name), ".BTF_ids")) {
			idx = elf_ndxscn(scn);
			data = (const uint8_t *)image + sh.sh_offset;
		}
	}
	assert_true(idx != 0);
	size_t n = section_syms(elf, idx, syms, 512);
	char line[700], want[300], what[300];
	for (size_t i = 0; i < n; i++) {
		if (!strncmp(syms[i].name, "__BTF_ID__set", 13)) {
			check_set(&d, &syms[i], syms, n, data, btf);
		} else if (id_symbol(syms[i].name, want, sizeof(want)) &&
			   !in_a_set(syms, n, syms[i].value)) {
			named(btf, word_at(data, syms[i].value), what, sizeof(what));
			d.faults += strcmp(want, what) != 0;
			snprintf(line, sizeof(line), "list @%llu %s -> %s",
				 (unsigned long long)syms[i].value, want, what);
			desc_add(&d, line);
			d.nr_entries++;
		}
	}
	elf_end(elf);
	desc_sort(&d);
	return d;
}

/* A module file (plain, or .xz through xz itself) described on btf. */
static struct desc describe(const char *path, const struct bk_btf *btf)
{
	size_t len;
	char *image;
	if (strstr(path, ".xz") || strstr(path, ".zst")) {
		int st;
		image = bkt_runf(&st, &len, "%s -dc '%s'", strstr(path, ".xz") ? "xz" : "zstd", path);
		assert_int_equal(st, 0);
	} else {
		image = bkt_read(path, &len);
	}
	assert_non_null(image);
	struct desc d = describe_image(image, len, btf);
	free(image);
	return d;
}

static void assert_same_desc(const struct desc *got, const struct desc *want)
{
	assert_int_equal(got->faults, 0);
	assert_int_equal(got->nr_entries, want->nr_entries);
	assert_string_equal(got->text ? got->text : "", want->text ? want->text : "");
}


/* ---- corpus: distill ------------------------------------------------------------- */

static struct desc describe_on(const char *path, const struct bk_btf *base)
{
	struct bk_btf *btf = bkt_load(path, base);
	struct desc d = describe(path, btf);
	bk_btf_free(btf);
	return d;
}

/* .BTF_ids of the module as Debian built it, on the kernel it was built for */
static struct desc describe_original(const char *name)
{
	return describe_on(ko(name), bkt_vmlinux_btf(KVER));
}

static void test_original_modules(void **state)
{
	(void)state;
	for (size_t m = 0; m < 2; m++) {
		struct desc d = describe_original(modules[m]);
		assert_int_equal(d.faults, 0);
		assert_int_equal(d.nr_entries, m ? 12 : 8);
		free(d.text);
	}
}

static void test_distill_rewrites(void **state)
{
	(void)state;
	for (size_t m = 0; m < 2; m++) {
		struct desc want = describe_original(modules[m]);
		/* .ko.zst too: nf_conntrack's image fills the reader's first buffer
		 * exactly (a zstd frame read to its end at the buffer's end) */
		static const char *const outs[] = {"d.ko", "d.ko.xz", "d.ko.zst"};
		for (size_t o = 0; o < 3; o++) {
			const char *out = tp(outs[o]);
			assert_int_equal(bkt_cmd("%s distill -B %s %s -o %s --strip-signature "
						 "2>/dev/null", bkt_tool(), bkt_vmlinux(KVER),
						 ko(modules[m]), out), 0);
			if (o)
				assert_int_equal(bkt_cmd("%s %s", o == 1 ? "xz -t" : "zstd -tq", out), 0);
			/* on its own distilled base, no kernel needed */
			struct desc got = describe_on(out, NULL);
			assert_same_desc(&got, &want);
			free(got.text);
			assert_int_equal(bkt_cmd("%s dump --btf-ids %s >/dev/null", bkt_tool(), out), 0);
		}
		free(want.text);
	}
}

/* The .BTF_ids names nothing the split BTF does not use: distill stays
 * byte for byte libbpf's. */
static void test_distill_still_libbpf(void **state)
{
	(void)state;
	for (size_t m = 0; m < 2; m++) {
		char rel[128];
		assert_int_equal(bkt_cmd("%s distill -B %s %s -o %s --base-out %s --split-out %s "
					 "--strip-signature 2>/dev/null", bkt_tool(),
					 bkt_vmlinux(KVER), ko(modules[m]), tp("d.ko"),
					 tp("b.btf"), tp("s.btf")), 0);
		size_t len;
		char *got = bkt_read(tp("b.btf"), &len);
		snprintf(rel, sizeof(rel), "distill/%s.base.btf", modules[m]);
		bkt_assert_bytes_file(got, len, bkt_golden(rel));
		free(got);
		got = bkt_read(tp("s.btf"), &len);
		snprintf(rel, sizeof(rel), "distill/%s.split.btf", modules[m]);
		bkt_assert_bytes_file(got, len, bkt_golden(rel));
		free(got);
	}
}

/* ---- corpus: relocate written back ------------------------------------------------- */

static void assert_btf_section_is(const char *module, const char *raw)
{
	struct bk_file *f;
	struct bk_error err = {0};
	const void *sec;
	size_t size, len;
	assert_int_equal(bk_file_open(module, &f, &err), 0);
	assert_int_equal(bk_file_section(f, ".BTF", &sec, &size), 0);
	assert_int_not_equal(bk_file_section(f, ".BTF.base", &sec, &len), 0);
	assert_int_equal(bk_file_section(f, ".BTF", &sec, &size), 0);
	char *want = bkt_read(raw, &len);
	assert_int_equal(size, len);
	assert_memory_equal(sec, want, len);
	free(want);
	bk_file_close(f);
}

/* For every corpus kernel: onto those it relocates onto, the module written
 * back (from the Debian module with --built-against, and from the distilled
 * one; raw and compressed) names what it named; onto the others, exit 1
 * and nothing written. */
static void test_relocate_written_back(void **state)
{
	(void)state;
	for (size_t m = 0; m < 2; m++) {
		struct desc want = describe_original(modules[m]);
		const char *dist = tp("dist.ko");
		assert_int_equal(bkt_cmd("%s distill -B %s %s -o %s --strip-signature 2>/dev/null",
					 bkt_tool(), bkt_vmlinux(KVER), ko(modules[m]), dist), 0);
		for (size_t k = 0; k < 5; k++) {
			const struct bk_btf *kernel = bkt_vmlinux_btf(kernels[k]);
			const char *raw = tp("r.btf"), *out = tp("r.ko"),
				   *xz = tp("r.ko.xz"), *from_dist = tp("rd.ko");
			unlink(out);
			int st = bkt_cmd("%s relocate -B %s --built-against %s %s -o %s "
					 "--strip-signature >/dev/null 2>&1", bkt_tool(),
					 bkt_vmlinux(kernels[k]), bkt_vmlinux(KVER), ko(modules[m]), out);
			assert_int_equal(st, relocates[m][k] ? 0 : 1);
			if (!relocates[m][k]) {
				assert_false(bkt_exists(out));
				continue;
			}
			assert_int_equal(bkt_cmd("%s relocate -B %s %s -o %s >/dev/null", bkt_tool(),
						 bkt_vmlinux(kernels[k]), dist, raw), 0);
			assert_int_equal(bkt_cmd("%s relocate -B %s %s -o %s >/dev/null", bkt_tool(),
						 bkt_vmlinux(kernels[k]), dist, from_dist), 0);
			assert_int_equal(bkt_cmd("%s relocate -B %s %s -o %s >/dev/null", bkt_tool(),
						 bkt_vmlinux(kernels[k]), dist, xz), 0);
			assert_int_equal(bkt_cmd("xz -t %s", xz), 0);
			assert_btf_section_is(out, raw);
			assert_btf_section_is(from_dist, raw);
			const char *paths[] = {out, from_dist, xz};
			for (size_t p = 0; p < 3; p++) {
				struct desc got = describe_on(paths[p], kernel);
				assert_same_desc(&got, &want);
				free(got.text);
			}
		}
		free(want.text);
	}
}

/* The section at index idx of an ELF file: its type and name (NULL name
 * for none), and the file's section count. */
static size_t section_at(const char *path, size_t idx, GElf_Word *type, const char **name)
{
	static char buf[64];
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	elf_version(EV_CURRENT);
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	size_t n = 0, shstrndx = 0;
	GElf_Shdr sh;
	assert_non_null(e);
	assert_int_equal(elf_getshdrnum(e, &n), 0);
	assert_int_equal(elf_getshdrstrndx(e, &shstrndx), 0);
	assert_non_null(gelf_getshdr(elf_getscn(e, idx), &sh));
	const char *nm = elf_strptr(e, shstrndx, sh.sh_name);
	snprintf(buf, sizeof(buf), "%s", nm ? nm : "");
	*type = sh.sh_type;
	*name = buf;
	elf_end(e);
	close(fd);
	return n;
}

/* A module laid out as kbuild makes it since 6.11: pahole adds .BTF.base
 * with objcopy, which puts it before .symtab, not last. Written back
 * relocated, it has the same sections but for .BTF.base, whose header stays
 * inactive (SHT_NULL, no name), so no index moves; the .BTF is the raw
 * relocation's and .BTF_ids name what they named. */
static void test_relocate_kbuild_layout(void **state)
{
	(void)state;
	for (size_t m = 0; m < 2; m++) {
		struct desc want = describe_original(modules[m]);
		const char *base = tp("kb.base"), *split = tp("kb.split"), *ids = tp("kb.ids"),
			   *dist = tp("kb-dist.ko"), *kb = tp("kb.ko");
		/* the sections kbuild would have made (btfkit's), placed by objcopy */
		assert_int_equal(bkt_cmd("%s distill -B %s %s -o %s --strip-signature 2>/dev/null "
					 "&& objcopy --dump-section .BTF=%s --dump-section "
					 ".BTF.base=%s --dump-section .BTF_ids=%s %s && objcopy "
					 "--update-section .BTF=%s --update-section .BTF_ids=%s "
					 "--add-section .BTF.base=%s %s %s", bkt_tool(),
					 bkt_vmlinux(KVER), ko(modules[m]), dist, split, base, ids,
					 dist, split, ids, base, ko(modules[m]), kb), 0);
		/* objcopy dropped nothing but the signature; .BTF.base is not last */
		GElf_Word type;
		const char *name;
		size_t nr = section_at(kb, 1, &type, &name), at = 0;
		for (size_t i = 1; i < nr && !at; i++) {
			section_at(kb, i, &type, &name);
			at = !strcmp(name, ".BTF.base") ? i : 0;
		}
		assert_true(at && at < nr - 1);
		assert_int_equal(bkt_cmd("%s dump --btf-ids %s >/dev/null", bkt_tool(), kb), 0);
		for (size_t k = 0; k < 5; k++) {
			if (!relocates[m][k])
				continue;
			const char *raw = tp("kb.btf"), *out = tp("kb-out.ko");
			assert_int_equal(bkt_cmd("%s relocate -B %s %s -o %s >/dev/null", bkt_tool(),
						 bkt_vmlinux(kernels[k]), kb, raw), 0);
			assert_int_equal(bkt_cmd("%s relocate -B %s %s -o %s >/dev/null", bkt_tool(),
						 bkt_vmlinux(kernels[k]), kb, out), 0);
			assert_btf_section_is(out, raw);
			assert_int_equal(section_at(out, at, &type, &name), nr);
			assert_int_equal(type, SHT_NULL);
			assert_string_equal(name, "");
			struct desc got = describe_on(out, bkt_vmlinux_btf(kernels[k]));
			assert_same_desc(&got, &want);
			free(got.text);
			/* the kernel it was written for takes it as it is */
			assert_int_equal(bkt_cmd("%s check -q -B %s %s", bkt_tool(),
						 bkt_vmlinux(kernels[k]), out), 0);
		}
		free(want.text);
	}
}

/* Signed modules are refused without --strip-signature; the help tells how
 * to sign again. */
static void test_relocate_signed(void **state)
{
	(void)state;
	const char *out = tp("s.ko");
	assert_int_equal(bkt_cmd("%s relocate -B %s --built-against %s %s -o %s >/dev/null "
				 "2>&1", bkt_tool(), bkt_vmlinux("6.1.0-56-amd64"), bkt_vmlinux(KVER),
				 ko("tcp_bbr"), out), 1);
	assert_false(bkt_exists(out));
	assert_int_equal(bkt_cmd("%s help relocate | grep -q sign-file", bkt_tool()), 0);
}

/* The module distilled by a btfkit that left .BTF_ids alone: its set8
 * points past the end; dump --btf-ids says so (exit 1). */
static void test_dump_reports_stale_ids(void **state)
{
	(void)state;
	const char *d = tp("d.ko"), *ids = tp("ids.bin");
	assert_int_equal(bkt_cmd("%s distill -B %s %s -o %s --strip-signature 2>/dev/null",
				 bkt_tool(), bkt_vmlinux(KVER), ko("tcp_bbr"), d), 0);
	assert_int_equal(bkt_cmd("objcopy --dump-section .BTF_ids=%s %s /dev/null && "
				 "objcopy --update-section .BTF_ids=%s %s", ids, ko("tcp_bbr"), ids,
				 d), 0);
	int st;
	char *out = bkt_runf(&st, NULL, "%s dump --btf-ids %s", bkt_tool(), d);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "FAULT: ID 100640 is past the last type [65]"));
	assert_non_null(strstr(out, "8 faults"));
	free(out);
	out = bkt_runf(&st, NULL, "%s dump --btf-ids -j %s", bkt_tool(), d);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "\"faults\":8}"));
	free(out);
	/* the original, on the kernel it was built for */
	out = bkt_runf(&st, NULL, "%s dump --btf-ids -B %s %s", bkt_tool(), bkt_vmlinux(KVER),
		       ko("nf_conntrack"));
	assert_int_equal(st, 0);
	assert_non_null(strstr(out, "[0x0] list struct 'nf_conn' id=58450 -> [58450] STRUCT "
				    "'nf_conn' (__BTF_ID__struct__nf_conn__750189)\n"));
	assert_non_null(strstr(out, "[0x30] set8 'nf_ct_kfunc_set' func 'bpf_ct_release' "
				    "id=101240 flags=0x2 -> [101240] FUNC 'bpf_ct_release'"));
	free(out);
}

/* ---- crafted modules ----------------------------------------------------------- */

static const char base_txt[] =
	"[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"
	"[2] STRUCT 'alpha' size=4 vlen=1\n"
	"\t'x' type_id=1 bits_offset=0\n"
	"[3] STRUCT 'beta' size=4 vlen=1\n"
	"\t'y' type_id=1 bits_offset=0\n"
	"[4] STRUCT 'unused_s' size=8 vlen=0\n";
/* alpha and beta swapped: a set of both changes order when relocated */
static const char newbase_txt[] =
	"[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"
	"[2] STRUCT 'beta' size=4 vlen=1\n"
	"\t'y' type_id=1 bits_offset=0\n"
	"[3] STRUCT 'unused_s' size=8 vlen=0\n"
	"[4] STRUCT 'alpha' size=4 vlen=1\n"
	"\t'x' type_id=1 bits_offset=0\n";
static const char split_txt[] =
	"[5] PTR '(anon)' type_id=2\n"
	"[6] PTR '(anon)' type_id=3\n"
	"[7] FUNC_PROTO '(anon)' ret_type_id=1 vlen=2\n"
	"\t'a' type_id=5\n"
	"\t'b' type_id=6\n"
	"[8] FUNC 'f_one' type_id=7 linkage=static\n"
	"[9] FUNC 'f_two' type_id=7 linkage=static\n";

/* A list (alpha, unused_s, an unused slot), a set {alpha, beta}, a set8
 * of two kfuncs unsorted as written, an empty set8. */
static const char full_ids[] =
	"__BTF_ID__struct__alpha__1:\n\t.long 2\n"
	"__BTF_ID__struct__unused_s__2:\n\t.long 4\n"
	"\t.zero 4\n"
	"__BTF_ID__set__structs:\n\t.long 2\n"
	"__BTF_ID__struct__alpha__3:\n\t.long 2\n"
	"__BTF_ID__struct__beta__4:\n\t.long 3\n"
	"\t.size __BTF_ID__set__structs, . - __BTF_ID__set__structs\n"
	"__BTF_ID__set8__kfuncs:\n\t.long 2, 1\n"
	"__BTF_ID__func__f_two__5:\n\t.long 9, 5\n"
	"__BTF_ID__func__f_one__6:\n\t.long 8, 7\n"
	"\t.size __BTF_ID__set8__kfuncs, . - __BTF_ID__set8__kfuncs\n"
	"__BTF_ID__set8__empty:\n\t.long 0, 0\n"
	"\t.size __BTF_ID__set8__empty, 8\n";

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int crafted_setup(void **state)
{
	if (bkt_tmpdir_setup(state))
		return -1;
	write_text(tp("base.txt"), base_txt);
	write_text(tp("newbase.txt"), newbase_txt);
	write_text(tp("split.txt"), split_txt);
	return bkt_cmd("%s asm %s -o %s --hdr-len 24 && %s asm %s -o %s && "
		       "%s asm -B %s %s -o %s --hdr-len 24",
		       bkt_tool(), tp("base.txt"), tp("base.btf"), bkt_tool(),
		       tp("newbase.txt"), tp("newbase.btf"), bkt_tool(),
		       tp("base.btf"), tp("split.txt"), tp("split.btf"))
		       ? -1
		       : 0;
}

/* An object with .BTF (the crafted split BTF) and .BTF_ids as given. */
static const char *build_module(const char *name, const char *ids_asm)
{
	char src[64];
	snprintf(src, sizeof(src), "%s.S", name);
	FILE *f = fopen(tp(src), "w");
	assert_non_null(f);
	fprintf(f, "\t.section .BTF,\"\",@progbits\n\t.incbin \"%s\"\n"
		   "\t.section .BTF_ids,\"a\",@progbits\n%s",
		tp("split.btf"), ids_asm);
	fclose(f);
	const char *cc = getenv("CC") ? getenv("CC") : "cc";
	const char *out = tp(name);
	assert_int_equal(bkt_cmd("%s -c %s -o %s", cc, tp(src), out), 0);
	return out;
}

static const struct bk_btf *crafted_base(const char *which)
{
	static struct bk_btf *b[2];
	int i = !strcmp(which, "newbase.btf");
	bk_btf_free(b[i]);
	b[i] = bkt_load(tp(which), NULL);
	return b[i];
}

static uint32_t section_word(const char *path, const char *section, uint32_t off)
{
	struct bk_file *f;
	struct bk_error err = {0};
	const void *sec;
	size_t size;
	assert_int_equal(bk_file_open(path, &f, &err), 0);
	assert_int_equal(bk_file_section(f, section, &sec, &size), 0);
	assert_true(off + 4 <= size);
	uint32_t v = word_at(sec, off);
	bk_file_close(f);
	return v;
}

static void test_crafted_rewrite(void **state)
{
	(void)state;
	const char *m = build_module("m.ko", full_ids), *d = tp("d.ko"),
		   *r = tp("r.ko");
	struct bk_btf *orig = bkt_load(m, crafted_base("base.btf"));
	struct desc want = describe(m, orig);
	bk_btf_free(orig);
	/* as written the set8 is unsorted: the checker says so */
	assert_int_equal(want.faults, 1);
	want.faults = 0;
	assert_int_equal(bkt_cmd("%s distill -B %s %s -o %s", bkt_tool(), tp("base.btf"), m,
				 d), 0);
	struct desc got = describe_on(d, NULL);
	assert_same_desc(&got, &want);
	free(got.text);
	/* the set8 sorted with its flags: f_one [8] flags 7 first */
	assert_int_equal(section_word(d, ".BTF_ids", 0x20), 8);
	assert_int_equal(section_word(d, ".BTF_ids", 0x24), 7);
	/* unused slot and empty set stay zero */
	assert_int_equal(section_word(d, ".BTF_ids", 0x8), 0);
	assert_int_equal(section_word(d, ".BTF_ids", 0x30), 0);

	/* relocated onto a base with alpha and beta swapped: the set's order
	 * changes, beta (now [2]) first */
	assert_int_equal(bkt_cmd("%s relocate -B %s %s -o %s >/dev/null", bkt_tool(),
				 tp("newbase.btf"), d, r), 0);
	got = describe_on(r, crafted_base("newbase.btf"));
	assert_same_desc(&got, &want);
	free(got.text);
	assert_int_equal(section_word(r, ".BTF_ids", 0x10), 2);
	assert_int_equal(section_word(r, ".BTF_ids", 0x14), 4);
	assert_int_equal(section_word(r, ".BTF_ids", 0x0), 4);
	assert_int_equal(section_word(r, ".BTF_ids", 0x4), 3);
	free(want.text);
}

/* A base type only .BTF_ids names is kept in .BTF.base; without it the
 * distilled base is what it is for the raw split BTF (libbpf's). */
static void test_crafted_keeps_named_base_type(void **state)
{
	(void)state;
	const char *m = build_module("m.ko", full_ids), *d = tp("d.ko");
	assert_int_equal(bkt_cmd("%s distill -B %s %s -o %s", bkt_tool(), tp("base.btf"), m,
				 d), 0);
	struct bk_btf *dist;
	struct bk_error err = {0};
	assert_int_equal(bk_btf_load_section(d, ".BTF.base", NULL, &dist, &err), 0);
	uint32_t id;
	assert_int_equal(bk_btf_find(dist, "unused_s", BK_KIND_STRUCT, &id, 1), 1);
	bk_btf_free(dist);

	const char *plain = build_module("p.ko",
					 "__BTF_ID__struct__alpha__1:\n\t.long 2\n"
					 "__BTF_ID__set8__k:\n\t.long 1, 0\n"
					 "__BTF_ID__func__f_one__2:\n\t.long 8, 0\n"
					 "\t.size __BTF_ID__set8__k, 16\n");
	assert_int_equal(bkt_cmd("%s distill -B %s %s --base-out %s --split-out %s", bkt_tool(),
				 tp("base.btf"), tp("split.btf"), tp("b1"),
				 tp("s1")), 0);
	assert_int_equal(bkt_cmd("%s distill -B %s %s --base-out %s --split-out %s", bkt_tool(),
				 tp("base.btf"), plain, tp("b2"), tp("s2")), 0);
	assert_int_equal(bkt_cmd("cmp -s %s %s && cmp -s %s %s", tp("b1"), tp("b2"),
				 tp("s1"), tp("s2")), 0);
}

/* What cannot be rewritten is refused, nothing written: no __BTF_ID__
 * symbols, a set or a symbol past the section's end, an unresolved name. */
static void test_crafted_refused(void **state)
{
	(void)state;
	static const struct { const char *name, *ids, *msg; } cases[] = {
		{"nosym.ko", "foo:\n\t.long 2, 0, 8\n", "no __BTF_ID__ symbols"},
		{"trunc_set.ko",
		 "__BTF_ID__set8__k:\n\t.long 1, 0\n__BTF_ID__func__f_one__1:\n\t.long 8, 0\n"
		 "\t.size __BTF_ID__set8__k, 24\n",
		 "ends past the end of the section (16 bytes)"},
		{"trunc_id.ko", "start:\n\t.long 2\n\t.set __BTF_ID__struct__alpha__1, start + 4\n",
		 "past the end of the section (4 bytes)"},
		{"unresolved.ko", "__BTF_ID__struct__nosuch__1:\n\t.long 0\n",
		 "the name was not resolved"},
		{"wrong.ko", "__BTF_ID__struct__alpha__1:\n\t.long 3\n",
		 "ID 3 names [3] STRUCT 'beta', not STRUCT 'alpha'"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *m = build_module(cases[i].name, cases[i].ids), *out = tp("out.ko");
		int st;
		unlink(out);
		char *msg = bkt_runf(&st, NULL, "%s distill -B %s %s -o %s 2>&1", bkt_tool(),
				     tp("base.btf"), m, out);
		assert_int_equal(st, 1);
		if (!strstr(msg, cases[i].msg))
			fail_msg("%s: %s", cases[i].name, msg);
		free(msg);
		assert_false(bkt_exists(out));
		assert_int_equal(bkt_cmd("%s relocate -B %s --built-against %s %s -o %s "
					 ">/dev/null 2>&1", bkt_tool(), tp("newbase.btf"),
					 tp("base.btf"), m, out), 1);
		assert_false(bkt_exists(out));
		assert_int_equal(bkt_cmd("%s dump --btf-ids -B %s %s >/dev/null 2>&1", bkt_tool(),
					 tp("base.btf"), m), 1);
		/* the library's failure: invalid input, reason btf-ids */
		struct bk_file *f;
		struct bk_btf_ids *ids = NULL;
		struct bk_error err = {0};
		assert_int_equal(bk_file_open(m, &f, &err), 0);
		int e = bk_btf_ids_read(f, &ids, &err);
		if (!e) { /* read, but it cannot be rewritten */
			struct bk_btf *btf = bkt_load(m, crafted_base("base.btf")), *d, *sp;
			struct bk_btf_ids *rewritten = NULL;
			e = bk_distill_module(btf, ids, &d, &sp, &rewritten, &err);
			assert_null(rewritten);
			bk_btf_free(btf);
		}
		assert_int_equal(e, -EINVAL);
		assert_int_equal(err.reason, BK_E_BTF_IDS);
		assert_int_equal(bk_error_exit_status(&err), 1);
		bk_btf_ids_free(ids);
		bk_file_close(f);
	}
}

/* A .ko.xz is written back as .ko.xz (xz -t passes, CRC32 check) and reads
 * again; --in-place through a symlink replaces the target, keeps its mode. */
static void test_crafted_xz_round_trip(void **state)
{
	(void)state;
	const char *m = build_module("m.ko", full_ids), *x = tp("m.ko.xz"),
		   *link = tp("link.ko.xz");
	assert_int_equal(bkt_cmd("xz --check=crc32 --lzma2=dict=1MiB -c %s > %s && chmod 640 %s "
				 "&& ln -sf m.ko.xz %s", m, x, x, link), 0);
	assert_int_equal(bkt_cmd("%s distill -B %s %s --in-place", bkt_tool(),
				 tp("base.btf"), link), 0);
	assert_int_equal(bkt_cmd("test -L %s && xz -t %s && xz -lvv %s | grep -q CRC32 && "
				 "stat -c %%a %s | grep -qx 640", link, x, x, x), 0);
	/* the owner is kept where we may keep it (root: any owner) */
	if (geteuid() == 0) {
		assert_int_equal(bkt_cmd("chown 65534:65534 %s && %s distill --force -B %s %s "
					 "--in-place 2>/dev/null && stat -c %%u:%%g %s | grep -qx "
					 "65534:65534", x, bkt_tool(), tp("base.btf"), link, x), 0);
	}
	struct bk_file *f;
	struct bk_error err = {0};
	assert_int_equal(bk_file_open(x, &f, &err), 0);
	assert_string_equal(bk_file_compression(f), "xz");
	const void *sec;
	size_t size;
	assert_int_equal(bk_file_section(f, ".BTF.base", &sec, &size), 0);
	bk_file_close(f);
	assert_int_equal(bkt_cmd("%s dump --btf-ids %s >/dev/null", bkt_tool(), x), 0);
	/* relocated in place: still xz, no .BTF.base any more */
	assert_int_equal(bkt_cmd("%s relocate -B %s %s --in-place >/dev/null", bkt_tool(),
				 tp("newbase.btf"), link), 0);
	assert_int_equal(bkt_cmd("xz -t %s", x), 0);
	assert_int_equal(bk_file_open(x, &f, &err), 0);
	assert_int_not_equal(bk_file_section(f, ".BTF.base", &sec, &size), 0);
	bk_file_close(f);
	/* -o: the name decides */
	static const char *const outs[] = {"o.ko.zst", "o.ko.gz"};
	static const char *const tests[] = {"zstd -tq", "gzip -t"};
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(bkt_cmd("%s distill -B %s %s -o %s", bkt_tool(),
					 tp("base.btf"), m, tp(outs[i])), 0);
		assert_int_equal(bkt_cmd("%s %s", tests[i], tp(outs[i])), 0);
	}
}

int main(void)
{
	const struct CMUnitTest corpus[] = {
		cmocka_unit_test(test_original_modules),
		cmocka_unit_test(test_distill_rewrites),
		cmocka_unit_test(test_distill_still_libbpf),
		cmocka_unit_test(test_relocate_written_back),
		cmocka_unit_test(test_relocate_kbuild_layout),
		cmocka_unit_test(test_relocate_signed),
		cmocka_unit_test(test_dump_reports_stale_ids),
	};
	const struct CMUnitTest crafted[] = {
		cmocka_unit_test(test_crafted_rewrite),
		cmocka_unit_test(test_crafted_keeps_named_base_type),
		cmocka_unit_test(test_crafted_refused),
		cmocka_unit_test(test_crafted_xz_round_trip),
	};
	int failed = cmocka_run_group_tests_name("btf_ids corpus", corpus, bkt_tmpdir_setup,
						 bkt_tmpdir_teardown);
	return failed | cmocka_run_group_tests_name("btf_ids crafted", crafted, crafted_setup,
						    bkt_tmpdir_teardown);
}
