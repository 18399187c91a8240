// SPDX-License-Identifier: MIT
/*
 * What the ELF writer checks: that the input's layout is one it can keep,
 * and that the image it wrote is the input with the edits and nothing
 * else.
 *
 * The writer keeps every section at its offset and lets libelf write the
 * file with ELF_F_LAYOUT; libelf then trusts the offsets and fills the gaps
 * between sections with zeros. Two parts of the file that overlap cannot
 * both keep their bytes (a section written over the ELF header, a .BTF
 * that runs into .symtab), so such inputs are refused, naming both parts.
 * And since libelf's gap fill can still go wrong in ways no rule foresees,
 * the image is read back (libelf again, on the memory image) and compared
 * with the input before anything is written: a difference is an error,
 * never a damaged module.
 */
#include <stdlib.h>
#include <string.h>

#include "io/elf_layout.h"

static int cmp_range(const void *a, const void *b)
{
	const struct bk_elf_range *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

static bool add_range(struct bk_elf_layout *l, uint64_t off, uint64_t len, size_t sec,
		      const char *what)
{
	struct bk_elf_range *r = &l->r[l->n++];
	r->off = off;
	r->end = off + len;
	r->sec = sec;
	r->what = what;
	return r->end >= off; /* false: the range wraps around */
}

static uint64_t shentsize_of(const struct bk_file *f)
{
	return gelf_getclass(f->elf) == ELFCLASS64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
}

static uint64_t ehsize_of(const struct bk_file *f)
{
	uint64_t need = gelf_getclass(f->elf) == ELFCLASS64 ? sizeof(Elf64_Ehdr)
							      : sizeof(Elf32_Ehdr);
	return f->ehdr.e_ehsize > need ? f->ehdr.e_ehsize : need;
}

static const char *range_name(const struct bk_elf_range *r, char *buf, size_t len)
{
	if (r->sec)
		snprintf(buf, len, "section [%zu] %s (offset %llu, %llu bytes)", r->sec,
			 r->what ? r->what : "(unnamed)", (unsigned long long)r->off,
			 (unsigned long long)(r->end - r->off));
	else
		snprintf(buf, len, "%s (offset %llu, %llu bytes)", r->what,
			 (unsigned long long)r->off, (unsigned long long)(r->end - r->off));
	return buf;
}

int bk_elf_layout_build(const struct bk_file *f, struct bk_elf_layout *l, struct bk_error *err)
{
	const GElf_Ehdr *eh = &f->ehdr;
	bool ok = true;
	l->n = 0;
	if (!(l->r = calloc(f->nr_secs + 3, sizeof(*l->r))))
		return bk_err(err, -ENOMEM, "out of memory for %zu section ranges", f->nr_secs);
	ok &= add_range(l, 0, ehsize_of(f), 0, "the ELF header");
	if (eh->e_phnum)
		ok &= add_range(l, eh->e_phoff, (uint64_t)eh->e_phnum * eh->e_phentsize, 0,
				"the program header table");
	if (eh->e_shoff)
		ok &= add_range(l, eh->e_shoff, (uint64_t)f->nr_secs * shentsize_of(f), 0,
				"the section header table");
	for (size_t i = 1; i < f->nr_secs; i++)
		if (bk_shdr_has_bytes(&f->secs[i].shdr))
			ok &= add_range(l, f->secs[i].shdr.sh_offset, f->secs[i].shdr.sh_size, i,
					f->secs[i].name);
	if (!ok) {
		bk_elf_layout_free(l);
		return bk_err(err, -EINVAL, "a part of the ELF file ends past 2^64");
	}
	bk_elf_layout_sort(l);
	return 0;
}

void bk_elf_layout_sort(struct bk_elf_layout *l)
{
	qsort(l->r, l->n, sizeof(*l->r), cmp_range);
}

void bk_elf_layout_free(struct bk_elf_layout *l)
{
	free(l->r);
	l->r = NULL;
	l->n = 0;
}

bool bk_elf_offset_inside(const struct bk_elf_layout *l, uint64_t off)
{
	/* the ranges do not overlap (checked): the last one starting before off decides */
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->r[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && l->r[lo - 1].end > off;
}

int bk_elf_layout_check(const struct bk_file *f, const char *what, struct bk_error *err)
{
	struct bk_elf_layout l;
	uint64_t elf_size = f->size - f->sig_len;
	char a[160], b[160];
	int e = bk_elf_layout_build(f, &l, err);
	if (e)
		return e;
	const struct bk_elf_range *reach = NULL; /* the range that ends last so far */
	for (size_t i = 0; i < l.n && !e; i++) {
		const struct bk_elf_range *r = &l.r[i];
		if (r->end > elf_size)
			e = bk_err(err, -EINVAL, "%s: %s ends past the end of the ELF data (%llu "
				   "bytes)", what, range_name(r, a, sizeof(a)),
				   (unsigned long long)elf_size);
		else if (reach && r->off < reach->end && r->end > r->off)
			e = bk_err(err, -EINVAL, "%s: %s overlaps %s", what,
				   range_name(r, a, sizeof(a)), range_name(reach, b, sizeof(b)));
		else if (!reach || r->end > reach->end)
			reach = r;
	}
	bk_elf_layout_free(&l);
	return e;
}

/* ------------------------------------------------------------------ */
/* Reading back what was written                                       */

static const struct bk_elf_section_edit *edit_of(const struct bk_elf_section_edit *edits,
						 size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (!strcmp(edits[i].name, name))
			return &edits[i];
	return NULL;
}

static int differs(struct bk_error *err, size_t i, const char *name, const char *what)
{
	return bk_err(err, -EINVAL,
		      "the image written back differs from the input: section [%zu] %s: %s "
		      "(nothing written)", i, name ? name : "(unnamed)", what);
}

static int verify_ehdr(const struct bk_file *in, const struct bk_file *out, size_t expected,
		       struct bk_error *err)
{
	GElf_Ehdr a = in->ehdr, b = out->ehdr;
	if (out->nr_secs != expected || out->shstrndx != in->shstrndx)
		return bk_err(err, -EINVAL, "the image written back has %zu sections (name table "
			      "[%zu]), expected %zu ([%zu]) (nothing written)", out->nr_secs,
			      out->shstrndx, expected, in->shstrndx);
	/* where the section table is, and the counts, are the writer's to set */
	a.e_shoff = b.e_shoff;
	a.e_shnum = b.e_shnum;
	a.e_shstrndx = b.e_shstrndx;
	if (memcmp(&a, &b, sizeof(a)))
		return bk_err(err, -EINVAL, "the image written back has another ELF header than "
			      "the input (nothing written)");
	for (size_t i = 0; i < in->ehdr.e_phnum; i++) {
		GElf_Phdr pa, pb;
		if (!gelf_getphdr(in->elf, (int)i, &pa) || !gelf_getphdr(out->elf, (int)i, &pb) ||
		    memcmp(&pa, &pb, sizeof(pa)))
			return bk_err(err, -EINVAL, "the image written back differs from the "
				      "input: program header %zu (nothing written)", i);
	}
	return 0;
}

/* The bytes a section of the output must hold. */
static const void *expected_bytes(const struct bk_file *in, const struct bk_elf_section_edit *ed,
				  size_t i, uint64_t *size)
{
	if (ed) {
		*size = ed->size;
		return ed->data;
	}
	*size = in->secs[i].shdr.sh_size;
	return in->data + in->secs[i].shdr.sh_offset;
}

/* A section that was there: the same header but for an edited size and the
 * offset of a section that moved (grew) or has no bytes to keep. */
static int verify_old_section(const struct bk_file *in, const struct bk_file *out, size_t i,
			      const struct bk_elf_section_edit *edits, size_t nr_edits,
			      struct bk_error *err)
{
	const struct bk_elf_sec *s = &in->secs[i], *o = &out->secs[i];
	const struct bk_elf_section_edit *ed = i ? edit_of(edits, nr_edits, s->name) : NULL;
	GElf_Shdr want = s->shdr;
	bool name_table = i == in->shstrndx && i;
	if (ed && !ed->data) { /* removed, its index kept: an inactive header */
		GElf_Shdr none;
		memset(&none, 0, sizeof(none));
		none.sh_offset = o->shdr.sh_offset;
		if (memcmp(&none, &o->shdr, sizeof(none)))
			return differs(err, i, s->name, "it was not made inactive");
		return 0;
	}
	if ((!s->name) != (!o->name) || (s->name && strcmp(s->name, o->name)))
		return differs(err, i, s->name, "its name changed");
	if (ed)
		want.sh_size = ed->size;
	if (ed || name_table || !bk_shdr_has_bytes(&s->shdr))
		want.sh_offset = o->shdr.sh_offset;
	if (name_table)
		want.sh_size = o->shdr.sh_size;
	if (!i) { /* section 0: the counts of extended numbering grow with the table */
		want.sh_size = o->shdr.sh_size;
		want.sh_link = o->shdr.sh_link;
	}
	if (memcmp(&want, &o->shdr, sizeof(want)))
		return differs(err, i, s->name, "its header changed");
	if (!bk_shdr_has_bytes(&o->shdr))
		return 0;
	uint64_t size;
	const void *bytes = expected_bytes(in, ed, i, &size);
	if (name_table) /* grown: what it held comes first */
		size = s->shdr.sh_size;
	if (o->shdr.sh_size < size ||
	    memcmp(out->data + o->shdr.sh_offset, bytes, (size_t)size))
		return differs(err, i, s->name, ed ? "its bytes are not the ones asked for"
						   : "its bytes changed");
	return 0;
}

/* A section added: named as asked, SHT_PROGBITS, with the bytes asked for. */
static int verify_new_section(const struct bk_file *out, size_t i,
			      const struct bk_elf_section_edit *edits, size_t nr_edits,
			      struct bk_error *err)
{
	const struct bk_elf_sec *o = &out->secs[i];
	const struct bk_elf_section_edit *ed = edit_of(edits, nr_edits, o->name);
	if (!ed)
		return differs(err, i, o->name, "a section nobody asked for");
	if (o->shdr.sh_type != SHT_PROGBITS || o->shdr.sh_size != ed->size)
		return differs(err, i, o->name, "its header is not the one asked for");
	if (ed->size && memcmp(out->data + o->shdr.sh_offset, ed->data, ed->size))
		return differs(err, i, o->name, "its bytes are not the ones asked for");
	return 0;
}

/* The file ends with the section header table (libelf may not pad it). */
static int verify_size(const struct bk_file *out, struct bk_error *err)
{
	uint64_t end = out->ehdr.e_shoff + (uint64_t)out->nr_secs * shentsize_of(out);
	if (out->size != end)
		return bk_err(err, -EINVAL, "the image written back is %zu bytes, but its "
			      "section header table ends at %llu (nothing written)", out->size,
			      (unsigned long long)end);
	return 0;
}

int bk_elf_verify_image(const struct bk_file *in, const struct bk_elf_section_edit *edits,
			size_t nr_edits, const void *image, size_t size, struct bk_error *err)
{
	struct bk_file *out;
	size_t nr_new = 0, nr_gone = 0;
	for (size_t i = 0; i < nr_edits; i++) {
		nr_new += !bk_file_find_sec(in, edits[i].name);
		nr_gone += bk_elf_edit_drops_last(in, &edits[i]);
	}
	int e = bk_file_open_mem(image, size, "the image written back", &out, err);
	if (e == -ENOMEM)
		return e;
	if (e) {
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		bk_err_set_source(err, NULL, NULL); /* the caller names the input */
		return bk_err(err, -EINVAL, "the image written back does not read back: %s "
			      "(nothing written)", msg);
	}
	if (!out->elf || out->sig_len)
		e = bk_err(err, -EINVAL, "the image written back is not plain ELF");
	if (!e)
		e = verify_ehdr(in, out, in->nr_secs + nr_new - nr_gone, err);
	if (!e)
		e = bk_elf_layout_check(out, "the image written back", err);
	if (!e)
		e = verify_size(out, err);
	for (size_t i = 0; !e && i < out->nr_secs; i++)
		e = i < in->nr_secs ? verify_old_section(in, out, i, edits, nr_edits, err)
				    : verify_new_section(out, i, edits, nr_edits, err);
	bk_file_close(out);
	return e;
}
