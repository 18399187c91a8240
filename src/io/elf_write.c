// SPDX-License-Identifier: MIT
/*
 * Writing sections back into an ELF file (a module given a .BTF.base, its
 * .BTF replaced), through libelf with the layout under our control
 * (ELF_F_LAYOUT):
 *  - every section keeps its index, header and bytes, except the ones
 *    edited and .shstrtab when a new name goes into it;
 *  - a section removed is gone when it is the last one; elsewhere its
 *    header stays, inactive (SHT_NULL, no name, no bytes), as the gABI
 *    allows: objcopy, which kbuild's pahole uses, puts .BTF.base before
 *    .symtab, and renumbering every later section would mean rewriting
 *    the symbols and relocations;
 *  - a section whose new bytes fit where it was stays at its offset; a
 *    grown or new section goes after the last section, in index order;
 *  - the section header table moves after all of them.
 * Keeping indices keeps the symbols (st_shndx) and relocations (sh_info,
 * sh_link) valid without touching them. Section bytes are copied as
 * ELF_T_BYTE, so libelf never converts them: every section's bytes are
 * exactly the input's, in either byte order and class.
 *
 * libelf writes to a file descriptor; it writes into an anonymous memory
 * file, and the image is then written out with bk_write_file (temporary +
 * rename), so the target is never left half-written.
 *
 * What libelf is given is checked first and what it made is checked after
 * (elf_layout.c): an input whose parts overlap is refused; a moved section
 * may ask for at most a page of alignment; an empty or SHT_NOBITS section
 * whose offset lies inside another part (or past the end) is put at the
 * end of the sections, because libelf's gap fill would otherwise zero what
 * it "covers"; and the image is read back and compared with the input
 * before a byte reaches the target.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/opts_internal.h"
#include "io/compress.h"
#include "io/elf_layout.h"
#include "io/elf_symbols.h"

struct out_sec {
	GElf_Shdr shdr;
	const void *bytes; /* NULL: no bytes in the file (NOBITS or empty) */
	bool moved;        /* placed after the last section */
};

struct plan {
	struct out_sec *secs;
	size_t nr;
	char *shstrtab; /* the grown name table, NULL when unchanged */
};

#define has_bytes bk_shdr_has_bytes

/* ------------------------------------------------------------------ */
/* What may be written                                                 */

/* A section can go when it is not loaded (SHF_ALLOC) and nothing refers
 * to it: no symbol defined in it, no section linking to it. */
static int check_removal(const struct bk_file *f, const char *name, struct bk_error *err)
{
	size_t idx = bk_file_sec_index(f, name), nr_syms = 0;
	struct bk_elf_sym *syms = NULL;
	if (!idx)
		return bk_err(err, -EINVAL, "cannot remove %s: there is no such section", name);
	if (idx == f->shstrndx)
		return bk_err(err, -ENOTSUP, "cannot remove %s: it is the section name table",
			      name);
	if (f->secs[idx].shdr.sh_flags & SHF_ALLOC)
		return bk_err(err, -ENOTSUP, "cannot remove %s: it is loaded into memory "
			      "(SHF_ALLOC)", name);
	for (size_t i = 1; i < f->nr_secs; i++) {
		const GElf_Shdr *sh = &f->secs[i].shdr;
		bool info_is_sec = sh->sh_type == SHT_REL || sh->sh_type == SHT_RELA ||
				   (sh->sh_flags & SHF_INFO_LINK);
		if (sh->sh_link == idx || (info_is_sec && sh->sh_info == idx))
			return bk_err(err, -ENOTSUP, "cannot remove %s: section [%zu] refers to it",
				      name, i);
	}
	int e = bk_file_section_symbols(f, idx, &syms, &nr_syms, err);
	free(syms);
	if (e == -ENOENT)
		e = 0;
	if (!e && nr_syms)
		e = bk_err(err, -ENOTSUP, "cannot remove %s: %zu symbols are defined in it", name,
			   nr_syms);
	return e;
}

static int check_edit(const struct bk_file *f, const struct bk_elf_section_edit *edits,
		      size_t i, struct bk_error *err)
{
	const struct bk_elf_section_edit *ed = &edits[i];
	if (!ed->name || !ed->name[0])
		return bk_err(err, -EINVAL, "section edit %zu has no name", i);
	if (!ed->data)
		return check_removal(f, ed->name, err);
	for (size_t j = 0; j < i; j++)
		if (!strcmp(edits[j].name, ed->name))
			return bk_err(err, -EINVAL, "section %s is edited twice", ed->name);
	const struct bk_elf_sec *s = bk_file_find_sec(f, ed->name);
	if (s && s == &f->secs[f->shstrndx])
		return bk_err(err, -EINVAL, "%s is the section name table: it cannot be replaced",
			      ed->name);
	if (s && s->shdr.sh_type == SHT_NOBITS)
		return bk_err(err, -EINVAL, "%s is SHT_NOBITS (no bytes in the file): cannot "
			      "give it content", ed->name);
	if (s && (s->shdr.sh_flags & SHF_COMPRESSED))
		return bk_err(err, -ENOTSUP, "%s is a compressed section: not supported",
			      ed->name);
	if (!s && !f->shstrndx)
		return bk_err(err, -EINVAL, "no section name table to add %s to", ed->name);
	return 0;
}

static int check_request(const struct bk_file *f, const struct bk_elf_section_edit *edits,
			 size_t nr_edits, bool strip_signature, struct bk_error *err)
{
	int e;
	if (!f->elf)
		return bk_err_r(err, -EINVAL, BK_E_ELF_EDIT,
				"not an ELF file: sections can only be written into ELF");
	if (f->sig_len && !strip_signature)
		return bk_err_r(err, -EPERM, BK_E_SIGNED,
			      "the module is signed (%zu-byte signature trailer) and changing it "
			      "voids the signature: refusing unless the signature is dropped",
			      f->sig_len);
	for (size_t i = 0; i < nr_edits; i++)
		if ((e = bk_err_tag(err, check_edit(f, edits, i, err), BK_E_ELF_EDIT)))
			return e;
	return bk_err_tag(err, bk_elf_layout_check(f, "cannot keep its layout", err),
			  BK_E_ELF_LAYOUT);
}

/* ------------------------------------------------------------------ */
/* The new section table                                               */

/* A new section: SHT_PROGBITS, alignment 1 and .BTF's flags, as pahole
 * and objcopy give .BTF.base. */
static GElf_Shdr new_shdr(const struct bk_file *f, uint32_t name_off)
{
	const struct bk_elf_sec *btf = bk_file_find_sec(f, ".BTF");
	GElf_Shdr sh;
	memset(&sh, 0, sizeof(sh));
	sh.sh_name = name_off;
	sh.sh_type = SHT_PROGBITS;
	sh.sh_flags = btf ? btf->shdr.sh_flags : 0;
	sh.sh_addralign = 1;
	return sh;
}

/* The name table with the new names appended; moved to the end since it grew. */
static int grow_shstrtab(const struct bk_file *f, const struct bk_elf_section_edit *edits,
			 size_t nr_edits, struct plan *p, struct bk_error *err)
{
	struct out_sec *st = &p->secs[f->shstrndx];
	size_t len = st->shdr.sh_size, add = 0;
	for (size_t i = 0; i < nr_edits; i++)
		if (!bk_file_find_sec(f, edits[i].name))
			add += strlen(edits[i].name) + 1;
	if (!add)
		return 0;
	if (!(p->shstrtab = malloc(len + add)))
		return bk_err(err, -ENOMEM, "out of memory");
	if (len)
		memcpy(p->shstrtab, st->bytes, len);
	size_t idx = f->nr_secs;
	for (size_t i = 0; i < nr_edits; i++) {
		if (bk_file_find_sec(f, edits[i].name))
			continue;
		if (len > UINT32_MAX)
			return bk_err(err, -EFBIG, "section name table too large");
		struct out_sec *s = &p->secs[idx++];
		s->shdr = new_shdr(f, (uint32_t)len);
		s->bytes = edits[i].data;
		s->shdr.sh_size = edits[i].size;
		s->moved = true;
		size_t n = strlen(edits[i].name) + 1;
		memcpy(p->shstrtab + len, edits[i].name, n);
		len += n;
	}
	st->bytes = p->shstrtab;
	st->shdr.sh_size = len;
	st->moved = true;
	return 0;
}

static int plan_sections(const struct bk_file *f, const struct bk_elf_section_edit *edits,
			 size_t nr_edits, struct plan *p, struct bk_error *err)
{
	size_t added = 0, removed = 0;
	for (size_t i = 0; i < nr_edits; i++) {
		added += !bk_file_find_sec(f, edits[i].name);
		removed += bk_elf_edit_drops_last(f, &edits[i]);
	}
	p->nr = f->nr_secs + added - removed;
	if (!(p->secs = calloc(f->nr_secs + added + 1, sizeof(*p->secs))))
		return bk_err(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < p->nr && i < f->nr_secs; i++) {
		struct out_sec *s = &p->secs[i];
		s->shdr = f->secs[i].shdr;
		s->bytes = i && has_bytes(&s->shdr) ? f->data + s->shdr.sh_offset : NULL;
	}
	for (size_t i = 0; i < nr_edits; i++) {
		const struct bk_elf_sec *old = bk_file_find_sec(f, edits[i].name);
		if (!old || bk_elf_edit_drops_last(f, &edits[i]))
			continue;
		struct out_sec *s = &p->secs[old - f->secs];
		if (!edits[i].data) { /* removed from the middle: an inactive header */
			memset(s, 0, sizeof(*s));
			continue;
		}
		s->bytes = edits[i].data;
		s->moved = edits[i].size > old->shdr.sh_size;
		s->shdr.sh_size = edits[i].size;
	}
	return grow_shstrtab(f, edits, nr_edits, p, err);
}

static uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

static uint64_t align_up(uint64_t v, uint64_t a)
{
	if (a < 2 || (a & (a - 1)))
		return v;
	return (v + a - 1) & ~(a - 1);
}

static const char *sec_name(const struct bk_file *f, size_t i)
{
	return i < f->nr_secs && f->secs[i].name ? f->secs[i].name : "(new section)";
}

/* A moved section goes at the next multiple of its alignment; more than a
 * page is refused rather than padded (2^32 would be a 4 GiB gap). */
static int moved_offset(const struct bk_file *f, size_t i, const GElf_Shdr *sh, uint64_t end,
			uint64_t *off, struct bk_error *err)
{
	if (sh->sh_addralign > BK_ELF_MAX_ALIGN)
		return bk_err_r(err, -EINVAL, BK_E_ELF_LAYOUT,
			      "section [%zu] %s asks for an alignment of %llu bytes (more than "
			      "%u): refusing to move it", i, sec_name(f, i),
			      (unsigned long long)sh->sh_addralign, BK_ELF_MAX_ALIGN);
	*off = align_up(end, sh->sh_addralign);
	return 0;
}

/* The output's parts with bytes, by their new offsets. */
static int output_layout(const struct bk_file *f, const struct plan *p, struct bk_elf_layout *l,
			 struct bk_error *err)
{
	l->n = 0;
	if (!(l->r = calloc(p->nr + 2, sizeof(*l->r))))
		return bk_err(err, -ENOMEM, "out of memory for %zu section ranges", p->nr);
	l->r[l->n++] = (struct bk_elf_range){0, f->ehdr.e_ehsize, 0, "the ELF header"};
	if (f->ehdr.e_phnum)
		l->r[l->n++] = (struct bk_elf_range){
			f->ehdr.e_phoff,
			f->ehdr.e_phoff + (uint64_t)f->ehdr.e_phnum * f->ehdr.e_phentsize, 0,
			"the program header table"};
	for (size_t i = 1; i < p->nr; i++)
		if (has_bytes(&p->secs[i].shdr))
			l->r[l->n++] = (struct bk_elf_range){
				p->secs[i].shdr.sh_offset,
				p->secs[i].shdr.sh_offset + p->secs[i].shdr.sh_size, i, NULL};
	bk_elf_layout_sort(l);
	return 0;
}

/* An empty or SHT_NOBITS section has no bytes to keep, but libelf's gap
 * fill (ELF_F_LAYOUT) goes back to its offset: inside another part (or
 * anywhere in the headers, which libelf writes before all sections), the
 * rest of that part is zeroed; past the end, the file grows to reach it.
 * Such a section is put at end, where it covers nothing. */
static int place_empty_sections(const struct bk_file *f, struct plan *p, uint64_t headers_end,
				uint64_t end, struct bk_error *err)
{
	struct bk_elf_layout l;
	int e = output_layout(f, p, &l, err);
	if (e)
		return e;
	for (size_t i = 1; i < p->nr; i++) {
		GElf_Shdr *sh = &p->secs[i].shdr;
		if (!has_bytes(sh) && (sh->sh_offset < headers_end || sh->sh_offset > end ||
				       bk_elf_offset_inside(&l, sh->sh_offset)))
			sh->sh_offset = end;
	}
	bk_elf_layout_free(&l);
	return 0;
}

/* Offsets of the moved sections and of the section header table. */
static int place_sections(const struct bk_file *f, struct plan *p, uint64_t *shoff,
			  struct bk_error *err)
{
	bool is64 = gelf_getclass(f->elf) == ELFCLASS64;
	uint64_t end = f->ehdr.e_ehsize;
	int e;
	if (f->ehdr.e_phnum)
		end = max_u64(end, f->ehdr.e_phoff + (uint64_t)f->ehdr.e_phnum * f->ehdr.e_phentsize);
	uint64_t headers_end = end;
	for (size_t i = 1; i < p->nr; i++)
		if (!p->secs[i].moved && has_bytes(&p->secs[i].shdr))
			end = max_u64(end, p->secs[i].shdr.sh_offset + p->secs[i].shdr.sh_size);
	for (size_t i = 1; i < p->nr; i++) {
		struct out_sec *s = &p->secs[i];
		if (!s->moved)
			continue;
		if ((e = moved_offset(f, i, &s->shdr, end, &s->shdr.sh_offset, err)))
			return e;
		end = s->shdr.sh_offset + s->shdr.sh_size;
	}
	if ((e = place_empty_sections(f, p, headers_end, end, err)))
		return e;
	*shoff = align_up(end, is64 ? 8 : 4);
	uint64_t total = *shoff + (uint64_t)p->nr * (is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr));
	if (!is64 && total > UINT32_MAX)
		return bk_err(err, -EFBIG, "the result (%llu bytes) does not fit in ELF32",
			      (unsigned long long)total);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Rendering through libelf                                            */

static int libelf_fault(struct bk_error *err, const char *what)
{
	return bk_err(err, -EIO, "libelf: %s: %s", what, elf_errmsg(-1));
}

static int copy_phdrs(const struct bk_file *f, Elf *out, struct bk_error *err)
{
	size_t n;
	GElf_Phdr ph;
	if (elf_getphdrnum(f->elf, &n))
		return libelf_fault(err, "program headers");
	if (!n)
		return 0;
	if (!gelf_newphdr(out, n))
		return libelf_fault(err, "program headers");
	for (size_t i = 0; i < n; i++)
		if (!gelf_getphdr(f->elf, (int)i, &ph) || !gelf_update_phdr(out, (int)i, &ph))
			return libelf_fault(err, "program header");
	return 0;
}

static int add_section(Elf *out, size_t i, const struct out_sec *s, struct bk_error *err)
{
	Elf_Scn *scn = elf_newscn(out);
	if (!scn || elf_ndxscn(scn) != i)
		return libelf_fault(err, "new section");
	if (s->bytes) {
		Elf_Data *d = elf_newdata(scn);
		if (!d)
			return libelf_fault(err, "section data");
		d->d_buf = (void *)(uintptr_t)s->bytes;
		d->d_size = s->shdr.sh_size;
		d->d_type = ELF_T_BYTE; /* raw bytes: never converted */
		d->d_align = 1;
		d->d_off = 0;
		d->d_version = EV_CURRENT;
	}
	GElf_Shdr sh = s->shdr;
	if (!gelf_update_shdr(scn, &sh))
		return libelf_fault(err, "section header");
	return 0;
}

static int build_elf(const struct bk_file *f, const struct plan *p, uint64_t shoff, Elf *out,
		     struct bk_error *err)
{
	GElf_Ehdr eh = f->ehdr;
	GElf_Shdr sh0;
	int e;
	if (!gelf_newehdr(out, gelf_getclass(f->elf)))
		return libelf_fault(err, "ELF header");
	if ((e = copy_phdrs(f, out, err)))
		return e;
	for (size_t i = 1; i < p->nr; i++)
		if ((e = add_section(out, i, &p->secs[i], err)))
			return e;
	/* section 0 carries the counts of extended numbering: keep it */
	sh0 = p->secs[0].shdr;
	if (p->nr && !gelf_update_shdr(elf_getscn(out, 0), &sh0))
		return libelf_fault(err, "section 0");
	eh.e_shoff = shoff;
	if (!gelf_update_ehdr(out, &eh))
		return libelf_fault(err, "ELF header");
	elf_flagelf(out, ELF_C_SET, ELF_F_LAYOUT);
	return 0;
}

static int read_back(int fd, size_t size, void **image, struct bk_error *err)
{
	uint8_t *buf = malloc(size ? size : 1);
	size_t done = 0;
	if (!buf)
		return bk_err(err, -ENOMEM, "out of memory for %zu bytes", size);
	while (done < size) {
		ssize_t n = pread(fd, buf + done, size - done, (off_t)done);
		if (n <= 0) {
			free(buf);
			return bk_err(err, -EIO, "reading back the ELF image failed");
		}
		done += (size_t)n;
	}
	*image = buf;
	return 0;
}

static int render(const struct bk_file *f, const struct plan *p, uint64_t shoff, void **image,
		  size_t *size, struct bk_error *err)
{
	int fd = memfd_create("btfkit-elf", MFD_CLOEXEC), e;
	if (fd < 0)
		return bk_err(err, -errno, "cannot create a memory file: %s", strerror(errno));
	Elf *out = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!out) {
		close(fd);
		return libelf_fault(err, "elf_begin");
	}
	e = build_elf(f, p, shoff, out, err);
	if (!e) {
		off_t n = elf_update(out, ELF_C_WRITE);
		if (n < 0)
			e = libelf_fault(err, "writing the ELF image");
		else
			*size = (size_t)n;
	}
	elf_end(out);
	if (!e)
		e = read_back(fd, *size, image, err);
	close(fd);
	return e;
}

int bk_elf_sections_image(const struct bk_file *f, const struct bk_elf_section_edit *edits,
			  size_t nr_edits, bool strip_signature, void **image, size_t *size,
			  struct bk_error *err)
{
	struct plan p = {0};
	uint64_t shoff;
	int e = check_request(f, edits, nr_edits, strip_signature, err);
	*image = NULL;
	*size = 0;
	if (!e && !(e = plan_sections(f, edits, nr_edits, &p, err)) &&
	    !(e = place_sections(f, &p, &shoff, err)) &&
	    !(e = render(f, &p, shoff, image, size, err)))
		e = bk_err_tag(err, bk_elf_verify_image(f, edits, nr_edits, *image, *size, err),
			       BK_E_ELF_LAYOUT);
	if (e) {
		free(*image);
		*image = NULL;
		*size = 0;
		if (err && !err->file[0])
			bk_err_set_source(err, f->name, NULL);
	}
	free(p.secs);
	free(p.shstrtab);
	return e;
}

/* The image compressed in place of itself. */
static int compress_image(const char *format, void **image, size_t *size, struct bk_error *err)
{
	void *packed;
	size_t packed_size;
	int e = bk_compress(format, *image, *size, &packed, &packed_size, err);
	if (e)
		return e;
	free(*image);
	*image = packed;
	*size = packed_size;
	return 0;
}

int bk_elf_write_sections(const struct bk_file *f, const struct bk_elf_section_edit *edits,
			  size_t nr_edits, bool strip_signature, const char *out_path,
			  struct bk_error *err)
{
	BK_OPTS(bk_elf_write_opts, o, .strip_signature = strip_signature);
	return bk_elf_write_sections_opts(f, edits, nr_edits, &o, out_path, err);
}

int bk_elf_write_sections_opts(const struct bk_file *f, const struct bk_elf_section_edit *edits,
			       size_t nr_edits, const struct bk_elf_write_opts *user_opts,
			       const char *out_path, struct bk_error *err)
{
	struct bk_elf_write_opts o;
	void *image = NULL;
	size_t size = 0;
	int e = bk_opts_load(&o, sizeof(o), user_opts, "bk_elf_write_opts", err);
	if (!e)
		e = bk_elf_sections_image(f, edits, nr_edits, o.strip_signature, &image, &size, err);
	if (!e && o.compression && *o.compression)
		e = compress_image(o.compression, &image, &size, err);
	if (!e)
		e = bk_write_file(out_path, image, size, err);
	free(image);
	return e;
}
