// SPDX-License-Identifier: MIT
/*
 * ELF write-back on hostile layouts: a corpus module (crc16, unsigned)
 * with one section header patched, distilled with -o. Each case asserts
 * the exit status, the message, that the input is byte-identical
 * afterwards, and either that no output exists or that the output is the
 * distilled pristine module but for the one header field the writer had to
 * change (an empty section moved to where it covers nothing).
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "io/elf_layout.h"

#define KVER "6.1.0-47-amd64"
#define MODULE "corpus/ko/crc16.nosig.ko"

enum field { F_OFFSET, F_SIZE, F_ALIGN };

struct image {
	char *data;
	size_t len;
};

static Elf64_Shdr *shdr_at(const struct image *im, size_t i)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)(const void *)im->data;
	return (Elf64_Shdr *)(void *)(im->data + eh->e_shoff + i * sizeof(Elf64_Shdr));
}

/* The index of the section called name (the module is ELF64, host order). */
static size_t find_shdr(const struct image *im, const char *name)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)(const void *)im->data;
	assert_int_equal(eh->e_ident[EI_CLASS], ELFCLASS64);
	const char *names = im->data + shdr_at(im, eh->e_shstrndx)->sh_offset;
	for (size_t i = 1; i < eh->e_shnum; i++)
		if (!strcmp(names + shdr_at(im, i)->sh_name, name))
			return i;
	fail_msg("no section %s", name);
	return 0;
}

static struct image module_image(const char *path)
{
	struct image im;
	im.data = bkt_read(path, &im.len);
	assert_non_null(im.data);
	return im;
}

/* The module with one field of one section header set to value, at path. */
static struct image craft(const char *from, const char *name, enum field f, uint64_t value,
			  const char *path)
{
	struct image im = module_image(from);
	Elf64_Shdr *sh = shdr_at(&im, find_shdr(&im, name));
	if (f == F_OFFSET)
		sh->sh_offset = value;
	else if (f == F_SIZE)
		sh->sh_size = value;
	else
		sh->sh_addralign = value;
	FILE *out = fopen(path, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(im.data, 1, im.len, out), im.len);
	assert_int_equal(fclose(out), 0);
	return im;
}

static void assert_file_is(const char *path, const struct image *want)
{
	size_t len;
	char *got = bkt_read(path, &len);
	assert_non_null(got);
	if (len != want->len || memcmp(got, want->data, len))
		fail_msg("%s changed (%zu bytes, was %zu)", path, len, want->len);
	free(got);
}

/* distill -o; returns what it said on stderr (and stdout), sets *status */
static char *distill(const char *in, const char *out, int *status)
{
	remove(out);
	return bkt_runf(status, NULL, "%s distill -B %s %s -o %s 2>&1", bkt_tool(),
			bkt_vmlinux(KVER), in, out);
}

/* The pristine module distilled: what every accepted layout must give. */
static struct image reference(void)
{
	int st;
	free(distill(bkt_shared(MODULE), bkt_tmp("ref.ko"), &st));
	assert_int_equal(st, 0);
	return module_image(bkt_tmp("ref.ko"));
}

/* The layout is refused: exit 1 with msg, nothing written, input intact. */
static void expect_refused(const char *name, enum field f, uint64_t value, const char *msg)
{
	const char *in = bkt_tmp("in.ko"), *out = bkt_tmp("out.ko");
	struct image im = craft(bkt_shared(MODULE), name, f, value, in);
	int st;
	char *text = distill(in, out, &st);
	if (st != 1 || !strstr(text, msg))
		fail_msg("%s patched: exit %d, '%s' (expected 1 and '%s')", name, st, text, msg);
	assert_false(bkt_exists(out));
	assert_file_is(in, &im);
	free(text);
	/* --in-place: the same refusal, the module untouched */
	text = bkt_runf(&st, NULL, "%s distill -B %s %s --in-place 2>&1", bkt_tool(),
			bkt_vmlinux(KVER), in);
	if (st != 1 || !strstr(text, msg))
		fail_msg("%s patched, --in-place: exit %d, '%s'", name, st, text);
	assert_file_is(in, &im);
	free(text);
	free(im.data);
}

/* The layout is kept: exit 0, silent, and the output is the reference but
 * for where the one empty section sits (its sh_offset). */
static void expect_kept(const char *name, uint64_t offset)
{
	const char *in = bkt_tmp("in.ko"), *out = bkt_tmp("out.ko");
	struct image im = craft(bkt_shared(MODULE), name, F_OFFSET, offset, in);
	struct image ref = reference();
	int st;
	char *text = distill(in, out, &st);
	if (st != 0 || text[0])
		fail_msg("%s at %#llx: exit %d, '%s'", name, (unsigned long long)offset, st, text);
	assert_file_is(in, &im);
	struct image got = module_image(out);
	assert_int_equal(got.len, ref.len);
	Elf64_Shdr *moved = shdr_at(&got, find_shdr(&got, name));
	assert_int_equal(shdr_at(&got, find_shdr(&got, name))->sh_size, 0);
	/* not inside anything, not past the section header table */
	assert_true(moved->sh_offset <= ((Elf64_Ehdr *)(void *)got.data)->e_shoff);
	moved->sh_offset = shdr_at(&ref, find_shdr(&ref, name))->sh_offset;
	assert_memory_equal(got.data, ref.data, ref.len);
	assert_int_equal(bkt_cmd("%s validate %s >/dev/null", bkt_tool(), out), 0);
	free(text);
	free(got.data);
	free(ref.data);
	free(im.data);
}

static void test_empty_section_at_zero(void **state)
{
	(void)state;
	expect_kept(".note.GNU-stack", 0);
	expect_kept(".note.GNU-stack", 0x20); /* inside the ELF header */
	/* --in-place (the case: the first 64 bytes became zeros) */
	const char *in = bkt_tmp("in.ko");
	struct image im = craft(bkt_shared(MODULE), ".note.GNU-stack", F_OFFSET, 0, in);
	struct image ref = reference();
	assert_int_equal(bkt_cmd("%s distill -B %s %s --in-place", bkt_tool(), bkt_vmlinux(KVER),
				 in),
			 0);
	struct image got = module_image(in);
	assert_int_equal(got.len, ref.len);
	assert_memory_equal(got.data, ref.data, sizeof(Elf64_Ehdr));
	shdr_at(&got, find_shdr(&got, ".note.GNU-stack"))->sh_offset =
		shdr_at(&ref, find_shdr(&ref, ".note.GNU-stack"))->sh_offset;
	assert_memory_equal(got.data, ref.data, ref.len);
	free(got.data);
	free(ref.data);
	free(im.data);
}

static void test_empty_section_inside_text(void **state)
{
	(void)state;
	struct image im = module_image(bkt_shared(MODULE));
	uint64_t text = shdr_at(&im, find_shdr(&im, ".text"))->sh_offset;
	free(im.data);
	expect_kept(".note.GNU-stack", text + 8);
	expect_kept(".bss", text + 8); /* SHT_NOBITS: the same */
}

static void test_empty_section_past_end(void **state)
{
	(void)state;
	expect_kept(".note.GNU-stack", 256u << 20);
	expect_kept(".note.GNU-stack", UINT64_MAX);
}

static void test_absurd_alignment(void **state)
{
	(void)state;
	/* .shstrtab moves when .BTF.base is added; .BTF moves as it grows */
	expect_refused(".shstrtab", F_ALIGN, 1ull << 32,
		       "section [25] .shstrtab asks for an alignment of 4294967296 bytes (more "
		       "than 4096): refusing to move it");
	expect_refused(".shstrtab", F_ALIGN, 1ull << 40, "alignment of 1099511627776 bytes");
	expect_refused(".BTF", F_ALIGN, 8192, "section [22] .BTF asks for an alignment of 8192");
}

static void test_btf_overlaps_symtab(void **state)
{
	(void)state;
	struct image im = module_image(bkt_shared(MODULE));
	const Elf64_Shdr *btf = shdr_at(&im, find_shdr(&im, ".BTF"));
	const Elf64_Shdr *sym = shdr_at(&im, find_shdr(&im, ".symtab"));
	uint64_t btf_off = btf->sh_offset, btf_size = btf->sh_size, sym_off = sym->sh_offset;
	free(im.data);
	/* .BTF's header claims 32 bytes of .symtab */
	expect_refused(".BTF", F_SIZE, sym_off + 32 - btf_off,
		       "cannot keep its layout: section [23] .symtab (offset 2160, 576 bytes) "
		       "overlaps section [22] .BTF");
	/* .symtab starting in .BTF's last bytes */
	expect_refused(".symtab", F_OFFSET, btf_off + btf_size - 16, "overlaps section [22] .BTF");
}

static void test_overlaps_headers(void **state)
{
	(void)state;
	struct image im = module_image(bkt_shared(MODULE));
	uint64_t shoff = ((Elf64_Ehdr *)(void *)im.data)->e_shoff;
	free(im.data);
	expect_refused(".comment", F_OFFSET, 16,
		       "section [20] .comment (offset 16, 80 bytes) overlaps the ELF header "
		       "(offset 0, 64 bytes)");
	expect_refused(".comment", F_OFFSET, shoff + 8, "overlaps the section header table");
	/* a section with bytes past the end: refused when the module is read */
	expect_refused(".comment", F_OFFSET, 256u << 20, "section [20] .comment at offset "
		       "268435456 + 80 bytes ends past the end of the ELF data");
}

/* A .BTF.base (an existing section replaced in place) over the ELF header:
 * through the library, since distill --force reads .BTF.base first. */
static void test_btf_base_over_elf_header(void **state)
{
	(void)state;
	struct image ref = reference();
	free(ref.data);
	const char *in = bkt_tmp("dist.ko"), *out = bkt_tmp("out.ko");
	struct image im = craft(bkt_tmp("ref.ko"), ".BTF.base", F_OFFSET, 0x20, in);
	struct bk_file *f;
	struct bk_error err = {0};
	assert_int_equal(bk_file_open(in, &f, &err), 0);
	static const char blob[8] = "smaller";
	struct bk_elf_section_edit ed = {".BTF.base", blob, sizeof(blob)};
	remove(out);
	assert_int_equal(bk_elf_write_sections(f, &ed, 1, false, out, &err), -EINVAL);
	assert_int_equal(err.reason, BK_E_ELF_LAYOUT);
	assert_string_equal(bk_reason_name(err.reason), "elf-layout");
	assert_int_equal(bk_error_exit_status(&err), 1);
	assert_string_equal(err.file, in);
	assert_non_null(strstr(err.msg, "section [26] .BTF.base (offset 32, 180 bytes) overlaps "
					"the ELF header"));
	assert_false(bkt_exists(out));
	bk_file_close(f);
	/* and the command: exit 1, the input intact */
	assert_int_equal(bkt_cmd("%s distill --force -B %s %s --in-place 2>/dev/null", bkt_tool(),
				 bkt_vmlinux(KVER), in),
			 1);
	assert_file_is(in, &im);
	free(im.data);
}

/* The read-back check can fail: an image with one byte changed in a
 * section not edited, in an edited one, or one byte longer. */
static void test_verifier_finds_differences(void **state)
{
	(void)state;
	struct bk_file *f;
	struct bk_error err = {0};
	assert_int_equal(bk_file_open(bkt_shared(MODULE), &f, &err), 0);
	static const char blob[] = "new bytes";
	struct bk_elf_section_edit ed = {".BTF.extra", blob, sizeof(blob)};
	void *image;
	size_t size;
	assert_int_equal(bk_elf_sections_image(f, &ed, 1, false, &image, &size, &err), 0);
	struct image im = {image, size};
	assert_int_equal(bk_elf_verify_image(f, &ed, 1, image, size, &err), 0);

	Elf64_Shdr *text = shdr_at(&im, find_shdr(&im, ".text"));
	im.data[text->sh_offset + 3] ^= 1;
	assert_int_equal(bk_elf_verify_image(f, &ed, 1, image, size, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "section [3] .text: its bytes changed"));
	im.data[text->sh_offset + 3] ^= 1;

	Elf64_Shdr *extra = shdr_at(&im, find_shdr(&im, ".BTF.extra"));
	im.data[extra->sh_offset] ^= 1;
	assert_int_equal(bk_elf_verify_image(f, &ed, 1, image, size, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "section [26] .BTF.extra: its bytes are not the ones "
					"asked for"));
	im.data[extra->sh_offset] ^= 1;

	text->sh_flags |= SHF_WRITE;
	assert_int_equal(bk_elf_verify_image(f, &ed, 1, image, size, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "section [3] .text: its header changed"));
	text->sh_flags &= ~(uint64_t)SHF_WRITE;

	char *longer = malloc(size + 1);
	assert_non_null(longer);
	memcpy(longer, image, size);
	longer[size] = 0;
	assert_int_equal(bk_elf_verify_image(f, &ed, 1, longer, size + 1, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "section header table ends at"));
	free(longer);
	free(image);
	bk_file_close(f);
}

/* Every corpus module written back (a section added) passes the check. */
static void test_corpus_modules_verify(void **state)
{
	(void)state;
	const char *kos[] = {"cast_common", "crc16", "dummy", "nls_utf8", "pcspkr", "tcp_bbr",
			     "nf_conntrack"};
	static const char blob[] = "x";
	struct bk_elf_section_edit ed = {".BTF.extra", blob, sizeof(blob)};
	for (size_t i = 0; i < sizeof(kos) / sizeof(kos[0]); i++) {
		char rel[128];
		snprintf(rel, sizeof(rel), "corpus/ko/%s.ko", kos[i]);
		struct bk_file *f;
		struct bk_error err = {0};
		void *image;
		size_t size;
		assert_int_equal(bk_file_open(bkt_shared(rel), &f, &err), 0);
		if (bk_elf_sections_image(f, &ed, 1, true, &image, &size, &err))
			fail_msg("%s: %s", kos[i], err.msg);
		free(image);
		bk_file_close(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_section_at_zero),
		cmocka_unit_test(test_empty_section_inside_text),
		cmocka_unit_test(test_empty_section_past_end),
		cmocka_unit_test(test_absurd_alignment),
		cmocka_unit_test(test_btf_overlaps_symtab),
		cmocka_unit_test(test_overlaps_headers),
		cmocka_unit_test(test_btf_base_over_elf_header),
		cmocka_unit_test(test_verifier_finds_differences),
		cmocka_unit_test(test_corpus_modules_verify),
	};
	return cmocka_run_group_tests(tests, bkt_tmpdir_setup, bkt_tmpdir_teardown);
}
