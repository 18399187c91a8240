// SPDX-License-Identifier: MIT
/*
 * Input files: raw BTF blobs or ELF objects (vmlinux, modules, pahole
 * output), possibly compressed. Everything is told by content: compression
 * by its magic (decompress.c), then the ELF magic or the BTF magic.
 *
 * ELF goes through libelf over the bytes in memory; a kernel module's
 * signature trailer is cut off first, so libelf sees only the ELF image.
 * A section's bytes are handed out exactly as they are in the file (BTF
 * carries its own byte order), after checking that they lie in the file.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/mapped.h"
#include "io/decompress.h"
#include "io/file_internal.h"

#define SIG_MAGIC "~Module signature appended~\n"
#define SIG_MAGIC_LEN (sizeof(SIG_MAGIC) - 1)
#define SIG_INFO_LEN 12 /* struct module_signature; its last 4 bytes: sig length (BE) */

static const uint8_t elf_magic[] = {0x7f, 'E', 'L', 'F'};

static pthread_once_t elf_once = PTHREAD_ONCE_INIT;
static bool elf_ready;

static void elf_init(void)
{
	elf_ready = elf_version(EV_CURRENT) != EV_NONE;
}

/* ------------------------------------------------------------------ */
/* Module signature                                                    */

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The length of the signature trailer (signature, struct module_signature,
 * magic) at the end of a module, 0 when there is none. */
static int find_signature(struct bk_file *f, struct bk_error *err)
{
	const uint8_t *end = f->data + f->size;
	f->sig_len = 0;
	if (f->size < SIG_MAGIC_LEN || memcmp(end - SIG_MAGIC_LEN, SIG_MAGIC, SIG_MAGIC_LEN))
		return 0;
	size_t room = f->size - SIG_MAGIC_LEN;
	if (room < SIG_INFO_LEN)
		return bk_err_r(err, -EINVAL, BK_E_SIGNATURE, "module signature trailer truncated: %zu bytes before "
			      "its magic, struct module_signature has %d", room, SIG_INFO_LEN);
	uint32_t sig = be32(end - SIG_MAGIC_LEN - 4);
	if (sig > room - SIG_INFO_LEN)
		return bk_err_r(err, -EINVAL, BK_E_SIGNATURE, "module signature of %u bytes is longer than the "
			      "%zu bytes before it", sig, room - SIG_INFO_LEN);
	f->sig_len = SIG_MAGIC_LEN + SIG_INFO_LEN + sig;
	return 0;
}

/* ------------------------------------------------------------------ */
/* ELF                                                                 */

static int elf_fault(struct bk_error *err, const char *what)
{
	return bk_err(err, -EINVAL, "corrupt ELF: %s: %s", what, elf_errmsg(-1));
}

/* Every section with bytes in the file must lie inside the ELF image. */
static int check_sec_bounds(const struct bk_file *f, size_t i, struct bk_error *err)
{
	const GElf_Shdr *sh = &f->secs[i].shdr;
	size_t elf_size = f->size - f->sig_len;
	if (sh->sh_type == SHT_NOBITS || !sh->sh_size)
		return 0;
	if (sh->sh_offset > elf_size || sh->sh_size > elf_size - sh->sh_offset)
		return bk_err(err, -EINVAL,
			      "corrupt ELF: section [%zu] %s at offset %llu + %llu bytes ends past "
			      "the end of the ELF data (%zu bytes)",
			      i, f->secs[i].name ? f->secs[i].name : "(unnamed)",
			      (unsigned long long)sh->sh_offset, (unsigned long long)sh->sh_size,
			      elf_size);
	return 0;
}

static int index_section(struct bk_file *f, size_t i, struct bk_error *err)
{
	Elf_Scn *scn = elf_getscn(f->elf, i);
	struct bk_elf_sec *s = &f->secs[i];
	char what[64];
	snprintf(what, sizeof(what), "section [%zu] header", i);
	if (!scn || !gelf_getshdr(scn, &s->shdr))
		return elf_fault(err, what);
	s->name = NULL;
	if (i && f->shstrndx) {
		s->name = elf_strptr(f->elf, f->shstrndx, s->shdr.sh_name);
		if (!s->name)
			return bk_err(err, -EINVAL,
				      "corrupt ELF: section [%zu]: name offset %u is not in the "
				      "section name table: %s", i, s->shdr.sh_name, elf_errmsg(-1));
	}
	return check_sec_bounds(f, i, err);
}

/* BTF sections must be unique: which of two would a reader take? */
static int check_unique(const struct bk_file *f, const char *name, struct bk_error *err)
{
	size_t first = 0;
	for (size_t i = 1; i < f->nr_secs; i++) {
		if (!f->secs[i].name || strcmp(f->secs[i].name, name))
			continue;
		if (first)
			return bk_err_r(err, -EINVAL, BK_E_SECTION, "two %s sections: [%zu] and [%zu]",
					name, first, i);
		first = i;
	}
	return 0;
}

/* The section header table must lie in the file: libelf would otherwise
 * see no sections at all, and the message would not say why. */
static int check_shdr_table(const struct bk_file *f, size_t nr, struct bk_error *err)
{
	const GElf_Ehdr *eh = &f->ehdr;
	size_t elf_size = f->size - f->sig_len;
	uint64_t entsize = gelf_getclass(f->elf) == ELFCLASS64 ? sizeof(Elf64_Shdr)
								: sizeof(Elf32_Shdr);
	if (!eh->e_shoff)
		return 0;
	if (eh->e_shentsize != entsize)
		return bk_err(err, -EINVAL, "corrupt ELF: section header size %u, expected %llu",
			      eh->e_shentsize, (unsigned long long)entsize);
	if (eh->e_shoff > elf_size || nr > (elf_size - eh->e_shoff) / entsize)
		return bk_err(err, -EINVAL,
			      "corrupt ELF: section header table at offset %llu (%zu headers of "
			      "%llu bytes) ends past the end of the ELF data (%zu bytes)",
			      (unsigned long long)eh->e_shoff, nr, (unsigned long long)entsize,
			      elf_size);
	return 0;
}

static int open_elf(struct bk_file *f, struct bk_error *err)
{
	int e;
	pthread_once(&elf_once, elf_init);
	if (!elf_ready)
		return bk_err(err, -ENOTSUP, "libelf: %s", elf_errmsg(-1));
	if ((e = find_signature(f, err)))
		return e;
	f->elf = elf_memory((char *)f->data, f->size - f->sig_len);
	if (!f->elf)
		return elf_fault(err, "cannot read it");
	if (elf_kind(f->elf) != ELF_K_ELF)
		return bk_err(err, -EINVAL, "not an ELF object (an archive?)");
	if (!gelf_getehdr(f->elf, &f->ehdr))
		return elf_fault(err, "ELF header");
	/* with extended numbering, e_shnum is 0 and section 0 holds the count */
	if ((e = check_shdr_table(f, f->ehdr.e_shnum ? f->ehdr.e_shnum : 1, err)))
		return e;
	if (elf_getshdrnum(f->elf, &f->nr_secs) || elf_getshdrstrndx(f->elf, &f->shstrndx))
		return elf_fault(err, "section header table");
	if ((e = check_shdr_table(f, f->nr_secs, err)))
		return e;
	if (f->shstrndx >= f->nr_secs)
		return bk_err(err, -EINVAL, "corrupt ELF: section name table index %zu, but "
			      "there are %zu sections", f->shstrndx, f->nr_secs);
	f->secs = calloc(f->nr_secs ? f->nr_secs : 1, sizeof(*f->secs));
	if (!f->secs)
		return bk_err(err, -ENOMEM, "out of memory for %zu sections", f->nr_secs);
	for (size_t i = 0; i < f->nr_secs; i++)
		if ((e = index_section(f, i, err)))
			return e;
	if ((e = check_unique(f, ".BTF", err)) || (e = check_unique(f, ".BTF.base", err)))
		return e;
	return 0;
}

const struct bk_elf_sec *bk_file_find_sec(const struct bk_file *f, const char *name)
{
	/* most names start with '.': the second byte turns most away unread */
	for (size_t i = 1; i < f->nr_secs; i++) {
		const char *n = f->secs[i].name;
		if (n && n[0] == name[0] && (!n[0] || n[1] == name[1]) && !strcmp(n, name))
			return &f->secs[i];
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Opening                                                             */

/* What the data is when it is neither BTF nor ELF: its first bytes. */
static int unknown_content(const struct bk_file *f, struct bk_error *err)
{
	char hex[64] = "";
	size_t n = f->size < 8 ? f->size : 8;
	if (!f->size)
		return bk_err_r(err, -EINVAL, BK_E_NOT_BTF, "empty file: neither BTF nor ELF");
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ", f->data[i]);
	hex[3 * n - 1] = '\0';
	return bk_err_r(err, -EINVAL, BK_E_NOT_BTF,
			"neither BTF nor ELF (nor xz/zstd/gzip): the file starts with %s", hex);
}

static bool is_btf_magic(const uint8_t *d, size_t size)
{
	return size >= 2 && ((d[0] == 0x9f && d[1] == 0xeb) || (d[0] == 0xeb && d[1] == 0x9f));
}

/* Open over data (malloc'd; the file takes it over, even on failure). */
static int open_owned(void *data, size_t size, const char *name, struct bk_file **out,
		      struct bk_error *err)
{
	struct bk_file *f = calloc(1, sizeof(*f));
	int e;
	*out = NULL;
	if (!f || !(f->name = strdup(name))) {
		free(f);
		bk_buf_free(data);
		return bk_err(err, -ENOMEM, "out of memory");
	}
	f->data = data;
	f->size = size;
	f->compression = bk_compression_of(data, size);
	if ((e = bk_err_tag(err, bk_decompress(name, (void **)&f->data, &f->size,
					       BK_DECOMPRESS_MAX, err), BK_E_DECOMPRESS)))
		goto fail;
	if (f->size >= sizeof(elf_magic) && !memcmp(f->data, elf_magic, sizeof(elf_magic)))
		e = bk_err_tag(err, open_elf(f, err), BK_E_ELF);
	else if (!is_btf_magic(f->data, f->size))
		e = unknown_content(f, err);
	if (e)
		goto fail;
	*out = f;
	return 0;
fail:
	if (err && !err->file[0])
		bk_err_set_source(err, name, NULL);
	bk_file_close(f);
	return e;
}

int bk_file_open_mem(const void *data, size_t size, const char *name, struct bk_file **out,
		     struct bk_error *err)
{
	void *copy = malloc(size ? size : 1);
	if (!copy)
		return bk_err(err, -ENOMEM, "out of memory for %zu bytes", size);
	memcpy(copy, data, size);
	return open_owned(copy, size, name, out, err);
}

int bk_file_open(const char *path, struct bk_file **out, struct bk_error *err)
{
	void *data;
	size_t size;
	int e = bk_read_file(path, &data, &size, err);
	if (e)
		return e;
	return open_owned(data, size, strcmp(path, "-") ? path : BK_STDIN_NAME, out, err);
}

void bk_file_close(struct bk_file *f)
{
	if (!f)
		return;
	if (f->elf)
		elf_end(f->elf);
	free(f->secs);
	bk_buf_free(f->data);
	free(f->name);
	free(f);
}

bool bk_file_is_elf(const struct bk_file *f) { return f->elf != NULL; }
const char *bk_file_name(const struct bk_file *f) { return f->name; }
size_t bk_file_signature_len(const struct bk_file *f) { return f->sig_len; }
const char *bk_file_compression(const struct bk_file *f) { return f->compression; }

const char *bk_compression_for_name(const char *path)
{
	static const struct { const char *suffix, *format; } names[] = {
		{".xz", "xz"}, {".zst", "zstd"}, {".gz", "gzip"},
	};
	size_t len = strlen(path);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i].suffix);
		if (len > n && !strcmp(path + len - n, names[i].suffix))
			return names[i].format;
	}
	return NULL;
}

const void *bk_file_data(const struct bk_file *f, size_t *size)
{
	*size = f->size;
	return f->data;
}

/* ------------------------------------------------------------------ */
/* Sections                                                            */

/* A section's bytes, or why there are none (err may be NULL). */
static int section_bytes(const struct bk_file *f, const char *name, const void **data,
			 size_t *size, struct bk_error *err)
{
	if (!f->elf) {
		if (strcmp(name, ".BTF"))
			return bk_err_r(err, -ENOENT, BK_E_NO_SECTION,
					"no %s section: a raw BTF blob has only .BTF", name);
		*data = f->data;
		*size = f->size;
		return 0;
	}
	const struct bk_elf_sec *s = bk_file_find_sec(f, name);
	if (!s)
		return bk_err_r(err, -ENOENT, BK_E_NO_SECTION, "no %s section", name);
	if (s->shdr.sh_type == SHT_NOBITS)
		return bk_err_r(err, -EINVAL, BK_E_SECTION, "%s has no bytes in the file (SHT_NOBITS)",
				name);
	if (s->shdr.sh_flags & SHF_COMPRESSED)
		return bk_err_r(err, -ENOTSUP, BK_E_SECTION, "%s is a compressed ELF section "
				"(SHF_COMPRESSED): not supported", name);
	*data = f->data + s->shdr.sh_offset;
	*size = s->shdr.sh_size;
	return 0;
}

int bk_file_section(const struct bk_file *f, const char *name, const void **data, size_t *size)
{
	return section_bytes(f, name, data, size, NULL);
}

int bk_file_section_bytes(const struct bk_file *f, const char *name, const void **data,
			  size_t *size, struct bk_error *err)
{
	int e = section_bytes(f, name, data, size, err);
	if (e)
		bk_err_set_source(err, f->name, NULL);
	return e;
}

int bk_file_btf(const struct bk_file *f, const char *section, const struct bk_btf *base,
		struct bk_btf **out, struct bk_error *err)
{
	const void *data;
	size_t size;
	const char *where = f->elf ? section : NULL;
	int e = section_bytes(f, section, &data, &size, err);
	*out = NULL;
	if (e) {
		bk_err_set_source(err, f->name, NULL);
		return e;
	}
	void *copy = malloc(size ? size : 1);
	if (!copy)
		return bk_err(err, -ENOMEM, "out of memory for %zu bytes", size);
	memcpy(copy, data, size);
	return bk_btf_parse_owned(copy, size, base, f->name, where, out, err);
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */

int bk_file_take_btf(struct bk_file *f, const char *section, const struct bk_btf *base,
		      struct bk_btf **out, struct bk_error *err)
{
	if (f->elf || strcmp(section, ".BTF") || !f->data)
		return bk_file_btf(f, section, base, out, err);
	void *data = f->data;
	f->data = NULL;
	return bk_btf_parse_owned(data, f->size, base, f->name, NULL, out, err);
}

int bk_btf_load_section(const char *path, const char *section, const struct bk_btf *base,
			struct bk_btf **out, struct bk_error *err)
{
	struct bk_file *f;
	int e = bk_file_open(path, &f, err);
	*out = NULL;
	if (e)
		return e;
	e = bk_file_take_btf(f, section, base, out, err);
	bk_file_close(f);
	return e;
}
