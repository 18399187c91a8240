// SPDX-License-Identifier: MIT
/* Input files: real modules (signed and not), ELF classes and byte orders,
 * .BTF.base, compressed inputs, ELF write-back, `btfkit extract`, and
 * hostile input of every kind. */
#include <dirent.h>
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/decompress.h"
#include "io/elf_symbols.h"
#include "support.h"

#define KVER "6.1.0-47-amd64"

static const char *const kos[] = {
	"cast_common", "crc16", "crc16.nosig", "dummy", "dummy.nosig", "nls_utf8", "pcspkr",
	"tcp_bbr",
};
#define NR_KOS (sizeof(kos) / sizeof(kos[0]))

static const char *ko_path(const char *ko)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "corpus/ko/%s.ko", ko);
	return bkt_shared(rel);
}

/* "crc16.nosig" -> the corpus blob of kernel/lib/crc16 (path from sample.txt) */
static const char *ko_module_blob(const char *ko)
{
	const char **paths;
	size_t n = bkt_sample(&paths), len = strcspn(ko, ".");
	for (size_t i = 0; i < n; i++) {
		const char *b = bkt_basename(paths[i]);
		if (strlen(b) == len && !strncmp(b, ko, len))
			return bkt_module(KVER, paths[i]);
	}
	fail_msg("%s is not in sample.txt", ko);
	return NULL;
}

static char *ko_base_name(const char *ko, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int)strcspn(ko, "."), ko);
	return buf;
}

static void write_bytes(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static struct bk_file *open_ok(const char *path)
{
	struct bk_error err = {0};
	struct bk_file *f = NULL;
	char msg[1200];
	if (bk_file_open(path, &f, &err))
		fail_msg("opening %s: %s", path, bk_error_str(&err, msg, sizeof(msg)));
	return f;
}

/* Opening fails, and the message says what it should. */
static void assert_open_fails(const char *path, const char *want)
{
	struct bk_error err = {0};
	struct bk_file *f = NULL;
	char msg[1200];
	int e = bk_file_open(path, &f, &err);
	if (!e) {
		const void *d;
		size_t n;
		/* a file that opens must at least not yield a .BTF past its end */
		e = bk_file_section_bytes(f, ".BTF", &d, &n, &err);
		bk_file_close(f);
	}
	if (!e)
		fail_msg("%s: opened, expected an error with '%s'", path, want);
	bk_error_str(&err, msg, sizeof(msg));
	if (want && !strstr(msg, want))
		fail_msg("%s: message '%s' lacks '%s'", path, msg, want);
	assert_non_null(strstr(msg, path));
}

static void assert_section_equals_file(const struct bk_file *f, const char *section,
				       const char *want_path)
{
	const void *data;
	size_t size;
	assert_int_equal(bk_file_section(f, section, &data, &size), 0);
	bkt_assert_bytes_file(data, size, want_path);
}

static char *dump_text(const struct bk_btf *b, size_t *len)
{
	char *text;
	assert_int_equal(bk_dump_mem(b, BK_DUMP_TEXT, &text, len), 0);
	return text;
}

static void assert_dump_golden(const struct bk_btf *b, const char *golden_rel)
{
	size_t len;
	char *text = dump_text(b, &len);
	bkt_assert_text_file(text, len, bkt_golden(golden_rel));
	free(text);
}

/* ------------------------------------------------------------------ */
/* Real modules                                                        */

static void test_ko_btf_is_the_corpus_blob(void **state)
{
	(void)state;
	for (size_t i = 0; i < NR_KOS; i++) {
		struct bk_file *f = open_ok(ko_path(kos[i]));
		assert_true(bk_file_is_elf(f));
		assert_int_equal(bk_file_section(f, ".BTF.base", &(const void *){0}, &(size_t){0}),
				 -ENOENT);
		assert_section_equals_file(f, ".BTF", ko_module_blob(kos[i]));
		bool signed_ko = !strstr(kos[i], "nosig");
		assert_int_equal(bk_file_signature_len(f) > 0, signed_ko);
		bk_file_close(f);

		/* and as split BTF on its kernel: the same types as the blob's */
		struct bk_btf *a = bkt_load(ko_path(kos[i]), bkt_vmlinux_btf(KVER));
		struct bk_btf *b = bkt_load(ko_module_blob(kos[i]), bkt_vmlinux_btf(KVER));
		assert_int_equal(bk_btf_nr_types(a), bk_btf_nr_types(b));
		assert_true(bk_btf_nr_types(a) > 0);
		assert_string_equal(bk_btf_section(a), ".BTF");
		assert_string_equal(bk_btf_source(a), ko_path(kos[i]));
		bk_btf_free(a);
		bk_btf_free(b);
	}
}

/* The nosig files are the signed ones cut at the ELF end (corpus README). */
static void test_signature_length(void **state)
{
	(void)state;
	static const char *const pairs[] = {"crc16", "dummy"};
	for (size_t i = 0; i < 2; i++) {
		char nosig[64];
		snprintf(nosig, sizeof(nosig), "%s.nosig", pairs[i]);
		struct bk_file *s = open_ok(ko_path(pairs[i])), *u = open_ok(ko_path(nosig));
		size_t ss, us;
		const uint8_t *sd = bk_file_data(s, &ss), *ud = bk_file_data(u, &us);
		assert_int_equal(bk_file_signature_len(u), 0);
		assert_int_equal(ss - bk_file_signature_len(s), us);
		assert_memory_equal(sd, ud, us);
		bk_file_close(s);
		bk_file_close(u);
	}
}

/* A corrupt trailer: the signature length claims more than the file. */
static void test_signature_corrupt(void **state)
{
	(void)state;
	size_t len;
	uint8_t *d = (uint8_t *)bkt_read(ko_path("crc16"), &len);
	d[len - 28 - 4] = 0x7f; /* big-endian length's top byte */
	write_bytes(bkt_tmp("badsig.ko"), d, len);
	assert_open_fails(bkt_tmp("badsig.ko"), "signature");
	free(d);
}

/* ------------------------------------------------------------------ */
/* ELF classes and byte orders (golden dump/endian)                    */

static void test_endian_objects(void **state)
{
	(void)state;
	static const struct {
		const char *obj, *blob;
		bool big;
	} objs[] = {
		{"dump/endian/doc_base.elf32-big.o", "dump/endian/doc_base.be.btf", true},
		{"dump/endian/kinds_base.elf64-big.o", "dump/endian/kinds_base.be.btf", true},
		{"dump/endian/kinds_base.elf32-little.o", "dump/crafted/kinds_base.btf", false},
	};
	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		const char *path = bkt_golden(objs[i].obj);
		size_t raw_len, len;
		char *raw = bkt_read(path, &raw_len);
		struct bk_file *f = open_ok(path);
		assert_true(bk_file_is_elf(f));
		assert_section_equals_file(f, ".BTF", bkt_golden(objs[i].blob));
		/* libelf read the headers without touching our copy of the bytes */
		const void *d = bk_file_data(f, &len);
		assert_int_equal(len, raw_len);
		assert_memory_equal(d, raw, len);
		bk_file_close(f);
		free(raw);

		struct bk_btf *b = bkt_load(path, NULL);
		assert_int_equal(bk_btf_big_endian(b), objs[i].big);
		char golden[256];
		snprintf(golden, sizeof(golden), "%s.txt", objs[i].obj);
		assert_dump_golden(b, golden);
		bk_btf_free(b);
	}
}

/* ------------------------------------------------------------------ */
/* .BTF.base                                                           */

/* No base given: .BTF on its own .BTF.base, as bpftool shows it. */
static void test_distilled_base_no_base(void **state)
{
	(void)state;
	static const char *const objs[] = {"fake_mod_distilled.ko", "pahole_local_mod.o"};
	for (size_t i = 0; i < 2; i++) {
		char rel[256];
		snprintf(rel, sizeof(rel), "dump/crafted/%s", objs[i]);
		struct bk_btf *b = bkt_load(bkt_golden(rel), NULL);
		const struct bk_btf *base = bk_btf_base(b);
		assert_non_null(base);
		assert_string_equal(bk_btf_section(base), ".BTF.base");
		assert_string_equal(bk_btf_section(b), ".BTF");
		strcat(rel, ".nobase.txt");
		assert_dump_golden(b, rel);
		bk_btf_free(b); /* frees the owned base too (ASan would tell) */
	}
}

/* pahole's sections are the raw .BTF/.BTF.base files next to them. */
static void test_distilled_sections_bytes(void **state)
{
	(void)state;
	static const char *const mods[] = {"pahole_local_mod", "pahole_local_mod_global_var",
					   "pahole_vmlinux_mod"};
	for (size_t i = 0; i < 3; i++) {
		char o[256], btf[256], base[256];
		snprintf(o, sizeof(o), "dump/crafted/%s.o", mods[i]);
		snprintf(btf, sizeof(btf), "dump/crafted/%s.BTF", mods[i]);
		snprintf(base, sizeof(base), "dump/crafted/%s.BTF.base", mods[i]);
		struct bk_file *f = open_ok(bkt_golden(o));
		assert_section_equals_file(f, ".BTF", bkt_golden(btf));
		assert_section_equals_file(f, ".BTF.base", bkt_golden(base));
		bk_file_close(f);
	}
}

/* A base given: the split BTF is relocated onto it (bpftool -B). */
static void test_distilled_base_relocated(void **state)
{
	(void)state;
	static const struct {
		const char *obj, *base, *golden;
	} cases[] = {
		{"dump/crafted/fake_mod_distilled.ko", NULL, "dump/crafted/fake_mod_distilled.ko.txt"},
		{"dump/crafted/pahole_vmlinux_mod.o", NULL, "dump/crafted/pahole_vmlinux_mod.o.txt"},
		{"dump/crafted/pahole_local_mod.o", "dump/crafted/pahole_local_base.btf",
		 "dump/crafted/pahole_local_mod.o.txt"},
		{"dump/crafted/pahole_local_mod_gnu_objcopy.o", "dump/crafted/pahole_local_base.btf",
		 "dump/crafted/pahole_local_mod_gnu_objcopy.o.txt"},
		{"dump/crafted/pahole_local_mod.o", "dump/crafted/pahole_local_base_v2.btf",
		 "dump/crafted/pahole_local_mod.o.on_base_v2.txt"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bk_btf *own = NULL;
		const struct bk_btf *base;
		if (cases[i].base)
			base = own = bkt_load(bkt_golden(cases[i].base), NULL);
		else
			base = bkt_vmlinux_btf("running");
		struct bk_btf *b = bkt_load(bkt_golden(cases[i].obj), base);
		assert_ptr_equal(bk_btf_base(b), base);
		assert_dump_golden(b, cases[i].golden);
		bk_btf_free(b);
		bk_btf_free(own);
	}
}

/* Relocation onto a base where an embedded struct changed size fails
 * (bpftool: pahole_local_mod.o.on_base_v3.err). */
static void test_distilled_base_relocation_fails(void **state)
{
	(void)state;
	struct bk_btf *base = bkt_load(bkt_golden("dump/crafted/pahole_local_base_v3.btf"), NULL);
	struct bk_btf *b = NULL;
	struct bk_error err = {0};
	assert_true(bk_btf_load(bkt_golden("dump/crafted/pahole_local_mod.o"), base, &b, &err) < 0);
	assert_null(b);
	assert_false(err.io);
	assert_int_equal(err.reason, BK_E_RELOCATE);
	assert_non_null(strstr(err.msg, "list_head"));
	bk_btf_free(base);
}

static void test_load_section(void **state)
{
	(void)state;
	struct bk_btf *b = NULL;
	struct bk_error err = {0};
	const char *o = bkt_golden("dump/crafted/pahole_local_mod.o");
	assert_int_equal(bk_btf_load_section(o, ".BTF.base", NULL, &b, &err), 0);
	assert_dump_golden(b, "dump/crafted/pahole_local_mod.BTF.base.txt");
	bk_btf_free(b);
	/* a raw blob has only .BTF; a module no .BTF.base: exit status 1 */
	assert_int_equal(bk_btf_load_section(bkt_vmlinux(KVER), ".BTF.base", NULL, &b, &err),
			 -ENOENT);
	assert_int_equal(bk_error_exit_status(&err), 1);
	assert_int_equal(err.reason, BK_E_NO_SECTION);
	bk_error_clear(&err);
	assert_int_equal(bk_btf_load_section(ko_path("crc16"), ".BTF.base", NULL, &b, &err),
			 -ENOENT);
	assert_string_equal(err.file, ko_path("crc16"));
	assert_int_equal(err.reason, BK_E_NO_SECTION);
	assert_int_equal(bk_error_exit_status(&err), 1);
}

/* Errors in an ELF file's BTF name the file and the section. */
static void test_error_names_section(void **state)
{
	(void)state;
	struct bk_btf *b = NULL;
	struct bk_error err = {0};
	char msg[1200], want[512];
	/* .BTF of a module read without its base: IDs out of range */
	assert_true(bk_btf_load(ko_path("crc16"), NULL, &b, &err) < 0);
	snprintf(want, sizeof(want), "%s: .BTF: ", ko_path("crc16"));
	bk_error_str(&err, msg, sizeof(msg));
	if (strncmp(msg, want, strlen(want)))
		fail_msg("'%s' does not start with '%s'", msg, want);
}

/* ------------------------------------------------------------------ */
/* Compressed inputs                                                   */

static void assert_same_content(const char *a_path, const char *b_path)
{
	struct bk_file *a = open_ok(a_path), *b = open_ok(b_path);
	size_t al, bl;
	const void *ad = bk_file_data(a, &al), *bd = bk_file_data(b, &bl);
	assert_int_equal(al, bl);
	assert_memory_equal(ad, bd, al);
	assert_int_equal(bk_file_is_elf(a), bk_file_is_elf(b));
	assert_int_equal(bk_file_signature_len(a), bk_file_signature_len(b));
	bk_file_close(a);
	bk_file_close(b);
}

static void test_compressed_modules(void **state)
{
	(void)state;
	for (size_t i = 0; i < NR_KOS; i++) {
		const char *src = ko_path(kos[i]);
		char name[128];
		snprintf(name, sizeof(name), "%s.ko", kos[i]);
		sh("xz -9 -c '%s' > '%s.xz' && zstd -q -19 -c '%s' > '%s.zst' && "
		   "gzip -9 -c '%s' > '%s.gz'",
		   src, bkt_tmp(name), src, bkt_tmp(name), src, bkt_tmp(name));
		static const char *const exts[] = {".xz", ".zst", ".gz"};
		for (size_t j = 0; j < 3; j++) {
			char path[600];
			snprintf(path, sizeof(path), "%s%s", bkt_tmp(name), exts[j]);
			assert_same_content(path, src);
			struct bk_file *f = open_ok(path);
			assert_section_equals_file(f, ".BTF", ko_module_blob(kos[i]));
			bk_file_close(f);
		}
	}
}

/* The corpus's own .xz vmlinux reads as the decompressed copy. */
static void test_compressed_vmlinux(void **state)
{
	(void)state;
	struct bk_btf *b = bkt_load(bkt_shared("corpus/vmlinux/" KVER ".btf.xz"), NULL);
	void *out;
	size_t len;
	struct bk_error err = {0};
	assert_int_equal(bk_btf_write(b, NULL, &out, &len, &err), 0);
	bkt_assert_bytes_file(out, len, bkt_vmlinux(KVER));
	free(out);
	bk_btf_free(b);
}

/* Concatenated streams/members are one file, as the tools read them. */
static void test_compressed_concatenated(void **state)
{
	(void)state;
	const char *a = ko_path("crc16.nosig");
	sh("xz -c '%s' > '%s' && head -c 1000 '%s' | xz -c >> '%s'", a, bkt_tmp("cat.xz"), a,
	   bkt_tmp("cat.xz"));
	sh("gzip -c '%s' > '%s' && head -c 1000 '%s' | gzip -c >> '%s'", a, bkt_tmp("cat.gz"), a,
	   bkt_tmp("cat.gz"));
	sh("zstd -q -c '%s' > '%s' && head -c 1000 '%s' | zstd -q -c >> '%s'", a,
	   bkt_tmp("cat.zst"), a, bkt_tmp("cat.zst"));
	/* what they decompress to */
	sh("{ cat '%s'; head -c 1000 '%s'; } > '%s'", a, a, bkt_tmp("cat.plain"));
	assert_same_content(bkt_tmp("cat.xz"), bkt_tmp("cat.plain"));
	assert_same_content(bkt_tmp("cat.gz"), bkt_tmp("cat.plain"));
	assert_same_content(bkt_tmp("cat.zst"), bkt_tmp("cat.plain"));
}

static void corrupt_variants(const char *src, const char *format)
{
	size_t len;
	char *d = bkt_read(src, &len), name[64];
	/* truncated at many lengths: always an error naming the format */
	for (size_t cut = 1; cut < len; cut += len / 40 + 1) {
		snprintf(name, sizeof(name), "cut.%s", format);
		write_bytes(bkt_tmp(name), d, cut);
		assert_open_fails(bkt_tmp(name), cut < 6 ? NULL : format);
	}
	/* flipped bytes in the middle of the compressed data: the checks fail */
	for (size_t at = len / 4; at < len - 8; at += len / 7 + 1) {
		d[at] ^= 0x55;
		snprintf(name, sizeof(name), "flip.%s", format);
		write_bytes(bkt_tmp(name), d, len);
		assert_open_fails(bkt_tmp(name), format);
		d[at] ^= 0x55;
	}
	free(d);
}

static void test_compressed_corrupt(void **state)
{
	(void)state;
	const char *src = ko_path("dummy.nosig");
	sh("xz -c '%s' > '%s'", src, bkt_tmp("good.xz"));
	sh("zstd -q -c '%s' > '%s'", src, bkt_tmp("good.zst"));
	sh("gzip -c '%s' > '%s'", src, bkt_tmp("good.gz"));
	corrupt_variants(bkt_tmp("good.xz"), "xz");
	corrupt_variants(bkt_tmp("good.zst"), "zstd");
	corrupt_variants(bkt_tmp("good.gz"), "gzip");
	/* trailing garbage after a gzip stream */
	sh("cp '%s' '%s' && printf 'garbage' >> '%s'", bkt_tmp("good.gz"), bkt_tmp("trail.gz"),
	   bkt_tmp("trail.gz"));
	assert_open_fails(bkt_tmp("trail.gz"), "trailing");
}

/* The output limit against decompression bombs, on 3 MiB of zeros. */
static void test_decompress_limit(void **state)
{
	(void)state;
	static const char *const fmts[][2] = {{"xz", "xz"}, {"zstd", "zstd -q"}, {"gzip", "gzip"}};
	const size_t unpacked = 3u << 20;
	for (size_t i = 0; i < 3; i++) {
		char name[64];
		snprintf(name, sizeof(name), "zeros.%s", fmts[i][0]);
		sh("head -c %zu /dev/zero | %s -c > '%s'", unpacked, fmts[i][1], bkt_tmp(name));
		size_t len;
		struct bk_error err = {0};
		void *d = bkt_read(bkt_tmp(name), &len);
		size_t size = len;
		assert_int_equal(bk_decompress(name, &d, &size, unpacked - 1, &err), -EFBIG);
		assert_int_equal(err.reason, BK_E_DECOMPRESS);
		assert_int_equal(size, len); /* untouched on failure */
		assert_int_equal(bk_decompress(name, &d, &size, unpacked, &err), 0);
		assert_int_equal(size, unpacked);
		assert_int_equal(((uint8_t *)d)[unpacked - 1], 0);
		free(d);
	}
}

/* ------------------------------------------------------------------ */
/* Hostile input                                                       */

static void test_truncated_elf(void **state)
{
	(void)state;
	size_t len;
	char *d = bkt_read(ko_path("crc16.nosig"), &len);
	/* the section header table is the file's end: every cut breaks it */
	for (size_t cut = 0; cut < len; cut += 7) {
		write_bytes(bkt_tmp("trunc.ko"), d, cut);
		assert_open_fails(bkt_tmp("trunc.ko"), NULL);
	}
	free(d);
}

struct shdr_edit {
	const char *what;
	size_t field_off; /* in Elf64_Ehdr when sec < 0, else in that section's Elf64_Shdr */
	int sec;
	uint64_t value;
	unsigned width;
	const char *want;
};

static void apply_edit(uint8_t *d, const struct shdr_edit *e)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)d;
	uint8_t *p = e->sec < 0 ? d + e->field_off
				: d + eh->e_shoff + (size_t)e->sec * sizeof(Elf64_Shdr) + e->field_off;
	memcpy(p, &e->value, e->width); /* little-endian host and file */
}

static void test_corrupt_headers(void **state)
{
	(void)state;
	/* crc16: 26 sections, .BTF is [22], .shstrtab [25] (readelf -S) */
	const struct shdr_edit edits[] = {
		{"shoff past EOF", offsetof(Elf64_Ehdr, e_shoff), -1, 1u << 30, 8, "section header"},
		{"shnum too large", offsetof(Elf64_Ehdr, e_shnum), -1, 2000, 2, "section header"},
		{"shentsize wrong", offsetof(Elf64_Ehdr, e_shentsize), -1, 40, 2, "header size"},
		{"shstrndx out of range", offsetof(Elf64_Ehdr, e_shstrndx), -1, 300, 2, NULL},
		{".BTF past EOF", offsetof(Elf64_Shdr, sh_offset), 22, 0x100000, 8, ".BTF"},
		{".BTF too long", offsetof(Elf64_Shdr, sh_size), 22, 0xffffffffffff, 8, ".BTF"},
		{".BTF NOBITS", offsetof(Elf64_Shdr, sh_type), 22, SHT_NOBITS, 4, "SHT_NOBITS"},
		{"name out of range", offsetof(Elf64_Shdr, sh_name), 22, 99999, 4, "name"},
		{"shstrtab past EOF", offsetof(Elf64_Shdr, sh_offset), 25, 1u << 20, 8, NULL},
	};
	size_t len;
	uint8_t *orig = (uint8_t *)bkt_read(ko_path("crc16.nosig"), &len);
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		uint8_t *d = malloc(len);
		memcpy(d, orig, len);
		apply_edit(d, &edits[i]);
		write_bytes(bkt_tmp("hdr.ko"), d, len);
		print_message("  %s\n", edits[i].what);
		assert_open_fails(bkt_tmp("hdr.ko"), edits[i].want);
		free(d);
	}
	/* [21] .note.GNU-stack renamed .BTF: which .BTF would be meant? */
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)orig;
	Elf64_Shdr *shdrs = (Elf64_Shdr *)(orig + eh->e_shoff);
	shdrs[21].sh_name = shdrs[22].sh_name;
	write_bytes(bkt_tmp("hdr.ko"), orig, len);
	assert_open_fails(bkt_tmp("hdr.ko"), "two .BTF sections: [21] and [22]");
	free(orig);
}

/* Random bytes over the ELF and section headers: errors, never a crash. */
static void test_scrambled_headers(void **state)
{
	(void)state;
	size_t len;
	uint8_t *orig = (uint8_t *)bkt_read(ko_path("crc16.nosig"), &len), *d = malloc(len);
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)orig;
	unsigned seed = 12345, opened = 0;
	for (int round = 0; round < 3000; round++) {
		memcpy(d, orig, len);
		for (int k = 0; k < 4; k++) {
			seed = seed * 1103515245 + 12345;
			size_t span = len - eh->e_shoff + 64;
			size_t at = (seed >> 8) % span;
			at = at < 64 ? at : eh->e_shoff + (at - 64);
			d[at] = (uint8_t)(seed >> 20);
		}
		struct bk_file *f = NULL;
		struct bk_error err = {0};
		struct bk_btf *b = NULL;
		if (bk_file_open_mem(d, len, "scrambled.ko", &f, &err) == 0) {
			opened++;
			bk_file_btf(f, ".BTF", bkt_vmlinux_btf(KVER), &b, &err);
			bk_btf_free(b);
			bk_file_close(f);
		} else {
			assert_true(err.msg[0] != '\0');
			assert_true(err.reason == BK_E_ELF || err.reason == BK_E_NOT_BTF ||
				    err.reason == BK_E_SECTION || err.reason == BK_E_SIGNATURE ||
				    err.reason == BK_E_DECOMPRESS);
		}
	}
	print_message("  %u of 3000 scrambled files still opened\n", opened);
	free(d);
	free(orig);
}

static void test_not_btf(void **state)
{
	(void)state;
	write_bytes(bkt_tmp("empty"), "", 0);
	assert_open_fails(bkt_tmp("empty"), "empty");
	write_bytes(bkt_tmp("text"), "hello, world\n", 13);
	assert_open_fails(bkt_tmp("text"), "68 65 6c 6c 6f 2c 20 77");
	write_bytes(bkt_tmp("short"),
		    "\x7f"
		    "EL",
		    3);
	assert_open_fails(bkt_tmp("short"), "7f 45 4c");

	struct bk_file *f = NULL;
	struct bk_error err = {0};
	assert_int_equal(bk_file_open(bkt_tmpdir, &f, &err), -EISDIR);
	assert_int_equal(bk_error_exit_status(&err), 2);
	bk_error_clear(&err);
	assert_int_equal(bk_file_open(bkt_tmp("missing"), &f, &err), -ENOENT);
	assert_int_equal(bk_error_exit_status(&err), 2);
	assert_string_equal(err.file, bkt_tmp("missing"));
}

/* ------------------------------------------------------------------ */
/* ELF write-back                                                      */

static void *read_golden_blob(const char *rel, size_t *len)
{
	void *d = bkt_read(bkt_golden(rel), len);
	if (!d)
		fail_msg("golden %s missing", rel);
	return d;
}

/* Every input section is in the output, same index, header and bytes,
 * except the edited ones and .shstrtab (which may only grow). */
static void assert_sections_kept(const char *in_path, const char *out_path,
				 const char *const *edited, size_t nr_edited)
{
	struct bk_file *in = open_ok(in_path), *out = open_ok(out_path);
	size_t in_len, out_len;
	const uint8_t *id = bk_file_data(in, &in_len), *od = bk_file_data(out, &out_len);
	Elf *ie = elf_memory((char *)(uintptr_t)id, in_len - bk_file_signature_len(in));
	Elf *oe = elf_memory((char *)(uintptr_t)od, out_len);
	size_t in_n, out_n, in_str, out_str;
	assert_non_null(ie);
	assert_non_null(oe);
	assert_int_equal(elf_getshdrnum(ie, &in_n), 0);
	assert_int_equal(elf_getshdrnum(oe, &out_n), 0);
	assert_int_equal(elf_getshdrstrndx(ie, &in_str), 0);
	assert_int_equal(elf_getshdrstrndx(oe, &out_str), 0);
	assert_int_equal(in_str, out_str);
	assert_true(out_n >= in_n);
	for (size_t i = 1; i < in_n; i++) {
		GElf_Shdr a, b;
		assert_non_null(gelf_getshdr(elf_getscn(ie, i), &a));
		assert_non_null(gelf_getshdr(elf_getscn(oe, i), &b));
		const char *name = elf_strptr(ie, in_str, a.sh_name);
		assert_non_null(name);
		assert_string_equal(name, elf_strptr(oe, out_str, b.sh_name));
		bool edited_sec = i == in_str;
		for (size_t k = 0; k < nr_edited; k++)
			edited_sec |= !strcmp(name, edited[k]);
		assert_int_equal(a.sh_type, b.sh_type);
		assert_int_equal(a.sh_flags, b.sh_flags);
		assert_int_equal(a.sh_link, b.sh_link);
		assert_int_equal(a.sh_info, b.sh_info);
		assert_int_equal(a.sh_addralign, b.sh_addralign);
		assert_int_equal(a.sh_entsize, b.sh_entsize);
		if (edited_sec)
			continue;
		assert_int_equal(a.sh_offset, b.sh_offset);
		assert_int_equal(a.sh_size, b.sh_size);
		if (a.sh_type != SHT_NOBITS)
			assert_memory_equal(id + a.sh_offset, od + b.sh_offset, a.sh_size);
	}
	/* .shstrtab: the old names, then the new ones */
	GElf_Shdr a, b;
	gelf_getshdr(elf_getscn(ie, in_str), &a);
	gelf_getshdr(elf_getscn(oe, out_str), &b);
	assert_true(b.sh_size >= a.sh_size);
	assert_memory_equal(id + a.sh_offset, od + b.sh_offset, a.sh_size);
	elf_end(ie);
	elf_end(oe);
	bk_file_close(in);
	bk_file_close(out);
}

/* What binutils sees: symbols and relocations print the same. */
static void assert_binutils_agree(const char *in_path, const char *out_path)
{
	static const char *const tools[] = {"readelf -sW", "objdump -r", "readelf -hW"};
	for (size_t i = 0; i < 3; i++) {
		char cmd[1400];
		int st1, st2;
		/* the file name and the header's section counts/offsets may differ */
		const char *filter = "| grep -v -e '^.*file format' -e 'Number of section headers' "
				     "-e 'Start of section headers' -e 'Section header string'";
		snprintf(cmd, sizeof(cmd), "%s '%s' %s", tools[i], in_path, filter);
		char *a = bkt_run(cmd, &st1, NULL);
		snprintf(cmd, sizeof(cmd), "%s '%s' %s", tools[i], out_path, filter);
		char *b = bkt_run(cmd, &st2, NULL);
		assert_int_equal(st1, 0);
		assert_int_equal(st2, 0);
		assert_true(a[0] != '\0');
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
}

static void write_distilled(const char *ko, bool strip, const char *out_path)
{
	char mod[64], rel[256];
	ko_base_name(ko, mod, sizeof(mod));
	size_t split_len, base_len;
	snprintf(rel, sizeof(rel), "distill/%s.split.btf", mod);
	void *split = read_golden_blob(rel, &split_len);
	snprintf(rel, sizeof(rel), "distill/%s.base.btf", mod);
	void *base = read_golden_blob(rel, &base_len);
	struct bk_elf_section_edit ed[] = {
		{".BTF", split, split_len},
		{".BTF.base", base, base_len},
	};
	struct bk_file *f = open_ok(ko_path(ko));
	struct bk_error err = {0};
	char msg[1200];
	if (bk_elf_write_sections(f, ed, 2, strip, out_path, &err))
		fail_msg("%s", bk_error_str(&err, msg, sizeof(msg)));
	bk_file_close(f);

	/* the sections read back as written */
	f = open_ok(out_path);
	const void *d;
	size_t n;
	assert_int_equal(bk_file_signature_len(f), 0);
	assert_int_equal(bk_file_section(f, ".BTF", &d, &n), 0);
	assert_int_equal(n, split_len);
	assert_memory_equal(d, split, n);
	assert_int_equal(bk_file_section(f, ".BTF.base", &d, &n), 0);
	assert_int_equal(n, base_len);
	assert_memory_equal(d, base, n);
	bk_file_close(f);
	free(split);
	free(base);
}

/* Give every corpus module a .BTF.base (the golden distill output): the
 * rest of the file is unchanged, and the result loads back, relocating
 * onto its kernel as libbpf does (golden relocate/). */
static void test_write_back_modules(void **state)
{
	(void)state;
	static const char *const edited[] = {".BTF"};
	for (size_t i = 0; i < NR_KOS; i++) {
		char out_name[64], mod[64], rel[256];
		snprintf(out_name, sizeof(out_name), "%s.out.ko", kos[i]);
		const char *out = bkt_tmp(out_name);
		write_distilled(kos[i], true, out);
		assert_sections_kept(ko_path(kos[i]), out, edited, 1);
		assert_binutils_agree(ko_path(kos[i]), out);

		/* the new section: as pahole gives .BTF.base */
		char cmd[800];
		int st;
		snprintf(cmd, sizeof(cmd), "readelf -SW '%s' | grep -F ' .BTF.base '", out);
		char *line = bkt_run(cmd, &st, NULL);
		assert_int_equal(st, 0);
		assert_non_null(strstr(line, "PROGBITS"));
		assert_non_null(strstr(line, " 00      0   0  1\n"));
		free(line);

		struct bk_btf *b = bkt_load(out, NULL);
		assert_string_equal(bk_btf_section(bk_btf_base(b)), ".BTF.base");
		snprintf(rel, sizeof(rel), "distill/%s.split.txt", ko_base_name(kos[i], mod, 64));
		assert_dump_golden(b, rel);
		bk_btf_free(b);

		snprintf(rel, sizeof(rel), "relocate/%s." KVER ".btf", mod);
		b = bkt_load(out, bkt_vmlinux_btf(KVER));
		void *blob;
		size_t len;
		struct bk_error err = {0};
		assert_int_equal(bk_btf_write(b, NULL, &blob, &len, &err), 0);
		bkt_assert_bytes_file(blob, len, bkt_golden(rel));
		free(blob);
		bk_btf_free(b);
	}
}

/* A smaller .BTF stays where it was; nothing else moves. */
static void test_write_back_in_place(void **state)
{
	(void)state;
	struct bk_file *f = open_ok(ko_path("dummy.nosig"));
	const void *old;
	size_t old_len;
	assert_int_equal(bk_file_section(f, ".BTF", &old, &old_len), 0);
	size_t small_len;
	void *small = bkt_read(ko_module_blob("crc16"), &small_len);
	assert_true(small_len < old_len);
	struct bk_elf_section_edit ed = {".BTF", small, small_len};
	struct bk_error err = {0};
	assert_int_equal(bk_elf_write_sections(f, &ed, 1, false, bkt_tmp("inplace.ko"), &err), 0);
	static const char *const edited[] = {".BTF"};
	assert_sections_kept(ko_path("dummy.nosig"), bkt_tmp("inplace.ko"), edited, 1);
	assert_binutils_agree(ko_path("dummy.nosig"), bkt_tmp("inplace.ko"));
	struct bk_file *o = open_ok(bkt_tmp("inplace.ko"));
	const void *now;
	size_t now_len;
	assert_int_equal(bk_file_section(o, ".BTF", &now, &now_len), 0);
	assert_ptr_equal((const uint8_t *)now - (const uint8_t *)bk_file_data(o, &(size_t){0}),
			 (const uint8_t *)old - (const uint8_t *)bk_file_data(f, &(size_t){0}));
	assert_memory_equal(now, small, small_len);
	bk_file_close(o);
	bk_file_close(f);
	free(small);
}

/* ELF32 and big-endian objects: sections added, all else kept. */
static void test_write_back_endian(void **state)
{
	(void)state;
	static const char *const objs[][2] = {
		{"dump/endian/doc_base.elf32-big.o", "dump/endian/doc_base.be.btf"},
		{"dump/endian/kinds_base.elf64-big.o", "dump/endian/kinds_base.be.btf"},
		{"dump/endian/kinds_base.elf32-little.o", "dump/crafted/kinds_base.btf"},
	};
	for (size_t i = 0; i < 3; i++) {
		const char *in = bkt_golden(objs[i][0]);
		struct bk_file *f = open_ok(in);
		const void *btf;
		size_t btf_len;
		assert_int_equal(bk_file_section(f, ".BTF", &btf, &btf_len), 0);
		struct bk_elf_section_edit ed[] = {
			{".BTF.base", btf, btf_len},
			{".note.btfkit", "hello", 5},
		};
		struct bk_error err = {0};
		assert_int_equal(bk_elf_write_sections(f, ed, 2, false, bkt_tmp("endian.o"), &err),
				 0);
		assert_sections_kept(in, bkt_tmp("endian.o"), NULL, 0);
		assert_binutils_agree(in, bkt_tmp("endian.o"));
		struct bk_file *o = open_ok(bkt_tmp("endian.o"));
		assert_section_equals_file(o, ".BTF", bkt_golden(objs[i][1]));
		assert_section_equals_file(o, ".BTF.base", bkt_golden(objs[i][1]));
		const void *note;
		size_t note_len;
		assert_int_equal(bk_file_section(o, ".note.btfkit", &note, &note_len), 0);
		assert_int_equal(note_len, 5);
		assert_memory_equal(note, "hello", 5);
		bk_file_close(o);
		bk_file_close(f);
	}
}

static char *copy_to_tmp(const char *src, const char *name, size_t *len)
{
	char *d = bkt_read(src, len);
	write_bytes(bkt_tmp(name), d, *len);
	return d;
}

static void assert_file_bytes(const char *path, const void *want, size_t want_len)
{
	size_t len;
	char *d = bkt_read(path, &len);
	assert_non_null(d);
	assert_int_equal(len, want_len);
	assert_memory_equal(d, want, len);
	free(d);
}

static size_t dir_entries(const char *path)
{
	DIR *d = opendir(path);
	size_t n = 0;
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* A signed module without strip_signature: refused, the input untouched
 * (even when it is also the output). */
static void test_write_back_signed_refused(void **state)
{
	(void)state;
	size_t len;
	char *orig = copy_to_tmp(ko_path("crc16"), "signed.ko", &len);
	struct bk_file *f = open_ok(bkt_tmp("signed.ko"));
	struct bk_elf_section_edit ed = {".BTF.base", "x", 1};
	struct bk_error err = {0};
	assert_int_equal(bk_elf_write_sections(f, &ed, 1, false, bkt_tmp("signed.ko"), &err),
			 -EPERM);
	assert_int_equal(err.reason, BK_E_SIGNED);
	assert_int_equal(bk_error_exit_status(&err), 1);
	assert_file_bytes(bkt_tmp("signed.ko"), orig, len);

	/* dropping the signature, written over the input itself */
	bk_error_clear(&err);
	assert_int_equal(bk_elf_write_sections(f, &ed, 1, true, bkt_tmp("signed.ko"), &err), 0);
	bk_file_close(f);
	f = open_ok(bkt_tmp("signed.ko"));
	const void *d;
	size_t n;
	assert_int_equal(bk_file_signature_len(f), 0);
	assert_int_equal(bk_file_section(f, ".BTF.base", &d, &n), 0);
	assert_int_equal(n, 1);
	assert_section_equals_file(f, ".BTF", ko_module_blob("crc16"));
	bk_file_close(f);
	free(orig);
}

static void test_write_back_refusals(void **state)
{
	(void)state;
	struct bk_file *f = open_ok(ko_path("crc16.nosig")), *raw = open_ok(bkt_vmlinux(KVER));
	struct bk_error err = {0};
	/* .symtab links to .strtab; .text has symbols; the name table names all;
	 * .modinfo is loaded (SHF_ALLOC) */
	struct bk_elf_section_edit linked = {".strtab", NULL, 0}, defines = {".text", NULL, 0},
				   loaded = {".modinfo", NULL, 0},
				   names = {".shstrtab", NULL, 0}, shstr = {".shstrtab", "x", 1},
				   bss = {".bss", "x", 1}, good = {".BTF", "x", 1};
	struct bk_elf_section_edit twice[] = {good, good};
	assert_int_equal(bk_elf_write_sections(f, &linked, 1, false, bkt_tmp("r.ko"), &err),
			 -ENOTSUP);
	assert_int_equal(bk_elf_write_sections(f, &defines, 1, false, bkt_tmp("r.ko"), &err),
			 -ENOTSUP);
	assert_int_equal(bk_elf_write_sections(f, &loaded, 1, false, bkt_tmp("r.ko"), &err),
			 -ENOTSUP);
	assert_non_null(strstr(err.msg, "SHF_ALLOC"));
	assert_int_equal(bk_elf_write_sections(f, &names, 1, false, bkt_tmp("r.ko"), &err),
			 -ENOTSUP);
	assert_int_equal(bk_elf_write_sections(f, &shstr, 1, false, bkt_tmp("r.ko"), &err),
			 -EINVAL);
	assert_int_equal(bk_elf_write_sections(f, &bss, 1, false, bkt_tmp("r.ko"), &err), -EINVAL);
	assert_int_equal(bk_elf_write_sections(f, twice, 2, false, bkt_tmp("r.ko"), &err), -EINVAL);
	assert_int_equal(bk_elf_write_sections(raw, &good, 1, false, bkt_tmp("r.ko"), &err),
			 -EINVAL);
	assert_false(bkt_exists(bkt_tmp("r.ko")));
	bk_file_close(f);
	bk_file_close(raw);
}

/* A section removed from the middle (as relocate removes an objcopy-placed
 * .BTF.base) leaves an inactive header at its index: no other index moves,
 * and every other section keeps its bytes. */
static void test_write_back_removes_middle_section(void **state)
{
	(void)state;
	struct bk_file *f = open_ok(ko_path("crc16.nosig")), *out;
	struct bk_error err = {0};
	struct bk_elf_section_edit remove = {".BTF", NULL, 0};
	size_t idx = bk_file_sec_index(f, ".BTF");
	assert_true(idx > 0 && idx < f->nr_secs - 1);
	assert_int_equal(bk_elf_write_sections(f, &remove, 1, false, bkt_tmp("m.ko"), &err), 0);
	out = open_ok(bkt_tmp("m.ko"));
	assert_int_equal(out->nr_secs, f->nr_secs);
	const void *a, *b;
	size_t la, lb;
	assert_int_not_equal(bk_file_section(out, ".BTF", &b, &lb), 0);
	static const char *const kept[] = {".text", ".rela.text", ".symtab", ".strtab", ".modinfo"};
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		assert_int_equal(bk_file_section(f, kept[i], &a, &la), 0);
		assert_int_equal(bk_file_section(out, kept[i], &b, &lb), 0);
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la);
		assert_int_equal(bk_file_sec_index(out, kept[i]), bk_file_sec_index(f, kept[i]));
	}
	assert_int_equal(bkt_cmd("readelf -SW %s | grep -q '\\[ *%zu\\] *NULL'", bkt_tmp("m.ko"),
				 idx), 0);
	bk_file_close(out);
	bk_file_close(f);
}

/* Output that cannot be written: an error (exit 2) and nothing left behind. */
static void test_write_back_unwritable(void **state)
{
	(void)state;
	struct bk_file *f = open_ok(ko_path("crc16.nosig"));
	struct bk_elf_section_edit ed = {".BTF.base", "x", 1};
	struct bk_error err = {0};
	/* no such directory */
	assert_true(bk_elf_write_sections(f, &ed, 1, false, bkt_tmp("nodir/out.ko"), &err) < 0);
	assert_int_equal(bk_error_exit_status(&err), 2);
	/* the target is a directory: the rename fails after the temporary exists */
	sh("mkdir -p '%s/target.ko'", bkt_tmp("busy"));
	bk_error_clear(&err);
	assert_true(bk_elf_write_sections(f, &ed, 1, false, bkt_tmp("busy/target.ko"), &err) < 0);
	assert_int_equal(bk_error_exit_status(&err), 2);
	assert_int_equal(dir_entries(bkt_tmp("busy")), 1);
	/* a read-only directory (root may write anyway: then it succeeds) */
	sh("mkdir -p '%s' && chmod 0555 '%s'", bkt_tmp("ro"), bkt_tmp("ro"));
	bk_error_clear(&err);
	int e = bk_elf_write_sections(f, &ed, 1, false, bkt_tmp("ro/out.ko"), &err);
	if (geteuid() != 0) {
		assert_true(e < 0);
		assert_int_equal(dir_entries(bkt_tmp("ro")), 0);
	}
	sh("chmod 0755 '%s'", bkt_tmp("ro"));
	bk_file_close(f);
}

/* ------------------------------------------------------------------ */
/* btfkit extract                                                      */

static void test_cli_extract(void **state)
{
	(void)state;
	char tool[512];
	const char *out = bkt_tmp("extract.btf");
	snprintf(tool, sizeof(tool), "%s", bkt_tool());
	for (size_t i = 0; i < NR_KOS; i++) {
		assert_int_equal(bkt_cmd("%s extract %s -o %s", tool, ko_path(kos[i]), out), 0);
		size_t len;
		char *got = bkt_read(out, &len);
		bkt_assert_bytes_file(got, len, ko_module_blob(kos[i]));
		free(got);
	}
	const char *o = bkt_golden("dump/crafted/pahole_local_mod.o");
	assert_int_equal(bkt_cmd("%s extract --section .BTF.base %s --output %s", tool, o, out), 0);
	size_t len;
	char *got = bkt_read(out, &len);
	bkt_assert_bytes_file(got, len, bkt_golden("dump/crafted/pahole_local_mod.BTF.base"));
	free(got);
	/* to standard output */
	int st;
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "%s extract -s .BTF %s -o -", tool, o);
	char *text = bkt_run(cmd, &st, &len);
	assert_int_equal(st, 0);
	bkt_assert_bytes_file(text, len, bkt_golden("dump/crafted/pahole_local_mod.BTF"));
	free(text);
}

static void test_cli_extract_errors(void **state)
{
	(void)state;
	char tool[512];
	const char *out = bkt_tmp("err.btf");
	snprintf(tool, sizeof(tool), "%s", bkt_tool());
	write_bytes(bkt_tmp("junk"), "junk", 4);
	assert_int_equal(bkt_cmd("%s extract %s -o %s 2>/dev/null", tool, bkt_tmp("missing"), out),
			 2);
	assert_int_equal(bkt_cmd("%s extract %s -o %s 2>/dev/null", tool, bkt_tmpdir, out), 2);
	assert_int_equal(bkt_cmd("%s extract %s -o %s 2>/dev/null", tool, bkt_tmp("junk"), out), 1);
	assert_int_equal(bkt_cmd("%s extract -s .BTF.base %s -o %s 2>/dev/null", tool,
				 ko_path("crc16"), out),
			 1);
	assert_int_equal(bkt_cmd("%s extract %s 2>/dev/null", tool, ko_path("crc16")), 2);
	assert_int_equal(
		bkt_cmd("%s extract -s .text %s -o %s 2>/dev/null", tool, ko_path("crc16"), out),
		2);
	assert_int_equal(bkt_cmd("%s extract -o %s 2>/dev/null", tool, out), 2);
	assert_int_equal(bkt_cmd("%s extract %s -o %s 2>/dev/null", tool, ko_path("crc16"),
				 bkt_tmp("nodir/x")),
			 2);
	assert_false(bkt_exists(out));
	/* the message names the file */
	int st;
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "%s extract %s -o %s 2>&1", tool, bkt_tmp("junk"), out);
	char *msg = bkt_run(cmd, &st, NULL);
	assert_non_null(strstr(msg, bkt_tmp("junk")));
	assert_non_null(strstr(msg, "6a 75 6e 6b"));
	free(msg);
}

/* ------------------------------------------------------------------ */
/* Memory: a raw vmlinux blob is held once                             */

static void test_vmlinux_load_memory(void **state)
{
	(void)state;
	const char *path = bkt_vmlinux("running");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rusage before, after;
		struct bk_btf *b = NULL;
		struct bk_error err = {0};
		getrusage(RUSAGE_SELF, &before);
		if (bk_btf_load(path, NULL, &b, &err))
			_exit(3);
		getrusage(RUSAGE_SELF, &after);
		long grown_kib = after.ru_maxrss - before.ru_maxrss;
		bk_btf_free(b);
		_exit(grown_kib * 1024 < 2 * st.st_size ? 0 : 4);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	elf_version(EV_CURRENT);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ko_btf_is_the_corpus_blob),
		cmocka_unit_test(test_signature_length),
		cmocka_unit_test(test_signature_corrupt),
		cmocka_unit_test(test_endian_objects),
		cmocka_unit_test(test_distilled_base_no_base),
		cmocka_unit_test(test_distilled_sections_bytes),
		cmocka_unit_test(test_distilled_base_relocated),
		cmocka_unit_test(test_distilled_base_relocation_fails),
		cmocka_unit_test(test_load_section),
		cmocka_unit_test(test_error_names_section),
		cmocka_unit_test(test_compressed_modules),
		cmocka_unit_test(test_compressed_vmlinux),
		cmocka_unit_test(test_compressed_concatenated),
		cmocka_unit_test(test_compressed_corrupt),
		cmocka_unit_test(test_decompress_limit),
		cmocka_unit_test(test_truncated_elf),
		cmocka_unit_test(test_corrupt_headers),
		cmocka_unit_test(test_scrambled_headers),
		cmocka_unit_test(test_not_btf),
		cmocka_unit_test(test_write_back_modules),
		cmocka_unit_test(test_write_back_in_place),
		cmocka_unit_test(test_write_back_endian),
		cmocka_unit_test(test_write_back_signed_refused),
		cmocka_unit_test(test_write_back_refusals),
		cmocka_unit_test(test_write_back_removes_middle_section),
		cmocka_unit_test(test_write_back_unwritable),
		cmocka_unit_test(test_cli_extract),
		cmocka_unit_test(test_cli_extract_errors),
		cmocka_unit_test(test_vmlinux_load_memory),
	};
	return cmocka_run_group_tests(tests, bkt_tmpdir_setup, bkt_tmpdir_teardown);
}
