// SPDX-License-Identifier: MIT
/*
 * ELF write-back (bk_elf_sections_image, what distill -o and --in-place
 * write). The input is a module, or a base blob, BK_FUZZ_SEP and a module
 * whose .BTF is split on that base. With a base, the module is distilled
 * and its .BTF and .BTF.base written back, as distill does; otherwise (or
 * when distilling fails) .BTF is shrunk in place or grown (moved) and a
 * new section added, which reaches the same placement code.
 *
 * The oracle is independent of the writer's own read-back check: libelf
 * reads the input and the image, and every section of the input must be in
 * the image at the same index with the same name and header (but for the
 * offset and an edited size), with its bytes unless edited, the edited
 * and added ones with the bytes asked for, and the image no larger than
 * the input, the edits and the new section table need. A refusal must
 * come with an error code and a message.
 */
#include <gelf.h>

#include "fuzz.h"

#define MAX_EDITS 3

struct edits {
	struct bk_elf_section_edit e[MAX_EDITS];
	size_t n;
	void *owned[MAX_EDITS];
};

static void edits_free(struct edits *ed)
{
	for (size_t i = 0; i < MAX_EDITS; i++)
		free(ed->owned[i]);
}

static void add_edit(struct edits *ed, const char *name, void *data, size_t size)
{
	ed->owned[ed->n] = data;
	ed->e[ed->n++] = (struct bk_elf_section_edit){name, data, size};
}

/* distill's edits: the new .BTF and .BTF.base (0 when not possible). */
static int distill_edits(const struct bk_file *f, const struct bk_btf *base, struct edits *ed)
{
	struct bk_error err = {0};
	struct bk_btf *split = NULL, *dist = NULL, *nsplit = NULL;
	void *b1 = NULL, *b2 = NULL;
	size_t s1, s2;
	int ok = base && !bk_file_btf(f, ".BTF", base, &split, &err) &&
		 !bk_distill(split, &dist, &nsplit, &err) &&
		 !bk_btf_write(nsplit, NULL, &b1, &s1, &err) &&
		 !bk_btf_write(dist, NULL, &b2, &s2, &err);
	if (ok) {
		add_edit(ed, ".BTF", b1, s1);
		add_edit(ed, ".BTF.base", b2, s2);
	} else {
		free(b1);
		free(b2);
	}
	bk_btf_free(nsplit);
	bk_btf_free(dist);
	bk_btf_free(split);
	return ok;
}

/* .BTF shrunk (stays) or grown (moves), chosen by the input; a section added. */
static void plain_edits(const struct bk_file *f, const uint8_t *data, size_t size,
			struct edits *ed)
{
	const void *btf;
	size_t len;
	if (bk_file_section(f, ".BTF", &btf, &len) == 0) {
		size_t want = size & 1 ? len / 2 : len + 64;
		uint8_t *b = calloc(1, want ? want : 1);
		if (b) {
			memcpy(b, btf, want < len ? want : len);
			add_edit(ed, ".BTF", b, want);
		}
	}
	uint8_t *x = malloc(16);
	if (x) {
		memset(x, 0, 16);
		memcpy(x, data, size < 16 ? size : 16);
		add_edit(ed, ".BTF.extra", x, 16);
	}
}

static const struct bk_elf_section_edit *edit_named(const struct edits *ed, const char *name)
{
	for (size_t i = 0; name && i < ed->n; i++)
		if (!strcmp(ed->e[i].name, name))
			return &ed->e[i];
	return NULL;
}

static const char *sec_name(Elf *elf, size_t shstrndx, const GElf_Shdr *sh)
{
	const char *n = elf_strptr(elf, shstrndx, sh->sh_name);
	return n ? n : "";
}

/* The section's bytes in the image, or NULL when they do not lie in it. */
static const uint8_t *bytes_in(const uint8_t *img, size_t size, const GElf_Shdr *sh)
{
	if (sh->sh_offset > size || sh->sh_size > size - sh->sh_offset)
		return NULL;
	return img + sh->sh_offset;
}

/* One section of the input, as found in the image. first: it is the first
 * of its name (the one an edit by name replaces). */
static int same_section(Elf *a, size_t sa, const uint8_t *ia, size_t za, Elf *b, size_t sb,
			const uint8_t *ib, size_t zb, size_t i, bool first, const struct edits *ed)
{
	GElf_Shdr x, y;
	if (!gelf_getshdr(elf_getscn(a, i), &x) || !gelf_getshdr(elf_getscn(b, i), &y))
		return bk_fuzz_broken("elfwrite", "a section header does not read");
	const char *name = sec_name(a, sa, &x);
	if (strcmp(name, sec_name(b, sb, &y)))
		return bk_fuzz_broken("elfwrite", "a section changed its name");
	const struct bk_elf_section_edit *e = first ? edit_named(ed, name) : NULL;
	if (x.sh_type != y.sh_type || x.sh_flags != y.sh_flags || x.sh_addr != y.sh_addr ||
	    x.sh_link != y.sh_link || x.sh_info != y.sh_info || x.sh_entsize != y.sh_entsize ||
	    x.sh_addralign != y.sh_addralign)
		return bk_fuzz_broken("elfwrite", "a section header changed");
	if (i == sa) /* the name table: grown by the new names, checked by them */
		return 0;
	if (e) {
		const uint8_t *got = bytes_in(ib, zb, &y);
		if (y.sh_size != e->size || (e->size && (!got || memcmp(got, e->data, e->size))))
			return bk_fuzz_broken("elfwrite", "an edited section lacks its new bytes");
		return 0;
	}
	if (x.sh_size != y.sh_size)
		return bk_fuzz_broken("elfwrite", "a section not edited changed its size");
	if (x.sh_type == SHT_NOBITS || !x.sh_size)
		return 0;
	const uint8_t *want = bytes_in(ia, za, &x), *got = bytes_in(ib, zb, &y);
	if (!want || !got || memcmp(want, got, x.sh_size))
		return bk_fuzz_broken("elfwrite", "a section not edited changed its bytes");
	return 0;
}

static bool first_of_name(Elf *elf, size_t shstrndx, size_t i)
{
	GElf_Shdr sh, o;
	if (!gelf_getshdr(elf_getscn(elf, i), &sh))
		return false;
	for (size_t j = 1; j < i; j++)
		if (gelf_getshdr(elf_getscn(elf, j), &o) &&
		    !strcmp(sec_name(elf, shstrndx, &o), sec_name(elf, shstrndx, &sh)))
			return false;
	return true;
}

/* The image against the input, through libelf alone. */
static int compare(const uint8_t *in, size_t in_size, const uint8_t *img, size_t img_size,
		   const struct edits *ed)
{
	Elf *a = elf_memory((char *)(uintptr_t)in, in_size);
	Elf *b = elf_memory((char *)(uintptr_t)img, img_size);
	size_t na = 0, nb = 0, sa = 0, sb = 0, added = 0, room = in_size + 4 * 4096;
	int bad = 0;
	if (!a || !b || elf_getshdrnum(a, &na) || elf_getshdrnum(b, &nb) ||
	    elf_getshdrstrndx(a, &sa) || elf_getshdrstrndx(b, &sb))
		bad = bk_fuzz_broken("elfwrite", "the image (or the input) does not read as ELF");
	for (size_t i = 0; !bad && i < ed->n; i++) {
		room += ed->e[i].size + strlen(ed->e[i].name) + 1 + sizeof(Elf64_Shdr);
		added += 1;
	}
	if (!bad && (sa != sb || nb < na || nb > na + added))
		bad = bk_fuzz_broken("elfwrite", "the image has another section count");
	if (!bad && img_size > room)
		bad = bk_fuzz_broken("elfwrite", "the image is larger than the edits need");
	for (size_t i = 1; !bad && i < na; i++)
		bad = same_section(a, sa, in, in_size, b, sb, img, img_size, i,
				   first_of_name(a, sa, i), ed);
	for (size_t i = na; !bad && i < nb; i++) {
		GElf_Shdr y;
		const struct bk_elf_section_edit *e =
			gelf_getshdr(elf_getscn(b, i), &y) ? edit_named(ed, sec_name(b, sb, &y))
							   : NULL;
		const uint8_t *got = e ? bytes_in(img, img_size, &y) : NULL;
		if (!e || y.sh_size != e->size || (e->size && (!got || memcmp(got, e->data, e->size))))
			bad = bk_fuzz_broken("elfwrite", "an added section is not the one asked for");
	}
	if (b)
		elf_end(b);
	if (a)
		elf_end(a);
	return bad;
}

static int write_back(const struct bk_file *f, const struct edits *ed)
{
	struct bk_error err = {0};
	void *img = NULL;
	size_t img_size = 0, in_size;
	int e = bk_elf_sections_image(f, ed->e, ed->n, true, &img, &img_size, &err);
	if (e)
		return img ? bk_fuzz_broken("elfwrite", "failure with a result")
			   : bk_fuzz_check_error("elfwrite", e, &err);
	const uint8_t *in = bk_file_data(f, &in_size);
	int bad = compare(in, in_size - bk_file_signature_len(f), img, img_size, ed);
	free(img);
	return bad;
}

int bk_fuzz_elfwrite(const uint8_t *data, size_t size)
{
	struct bk_fuzz_part p[2] = {{0}};
	struct bk_error err = {0};
	struct bk_btf *base = NULL;
	struct bk_file *f = NULL;
	struct edits ed = {0};
	size_t n = bk_fuzz_split(data, size, p, 2);
	const struct bk_fuzz_part *mod = &p[n - 1];
	int bad = 0;
	elf_version(EV_CURRENT);
	if (n == 2 && bk_btf_parse(p[0].data, p[0].size, NULL, "base.btf", &base, &err))
		base = NULL;
	/* what does not open, or is not ELF, is fuzz_elf's business */
	if (!bk_file_open_mem(mod->data, mod->size, "fuzz.ko", &f, &err) && bk_file_is_elf(f)) {
		if (!distill_edits(f, base, &ed))
			plain_edits(f, mod->data, mod->size, &ed);
		bad = write_back(f, &ed);
	}
	edits_free(&ed);
	bk_file_close(f);
	bk_btf_free(base);
	return bad;
}

BK_FUZZ_MAIN(bk_fuzz_elfwrite)
