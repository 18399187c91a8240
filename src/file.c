// SPDX-License-Identifier: MIT
/*
 * Input files. FIRST CUT: raw blobs only; ELF (libelf), compressed modules
 * and .BTF.base handling are being added.
 */
#include <stdlib.h>
#include <string.h>

#include "btf_internal.h"

struct bk_file {
	char *name;
	void *data;
	size_t size;
};

int bk_file_open_mem(const void *data, size_t size, const char *name, struct bk_file **out,
		     struct bk_error *err)
{
	struct bk_file *f = calloc(1, sizeof(*f));
	if (!f || !(f->data = malloc(size ? size : 1)) || !(f->name = strdup(name))) {
		bk_file_close(f);
		return bk_err(err, -ENOMEM, "out of memory");
	}
	memcpy(f->data, data, size);
	f->size = size;
	*out = f;
	return 0;
}

int bk_file_open(const char *path, struct bk_file **out, struct bk_error *err)
{
	void *data;
	size_t size;
	int e = bk_read_file(path, &data, &size, err);
	if (e)
		return e;
	e = bk_file_open_mem(data, size, path, out, err);
	free(data);
	return e;
}

void bk_file_close(struct bk_file *f)
{
	if (!f)
		return;
	free(f->data);
	free(f->name);
	free(f);
}

bool bk_file_is_elf(const struct bk_file *f) { (void)f; return false; }
const char *bk_file_name(const struct bk_file *f) { return f->name; }
size_t bk_file_signature_len(const struct bk_file *f) { (void)f; return 0; }

const void *bk_file_data(const struct bk_file *f, size_t *size)
{
	*size = f->size;
	return f->data;
}

int bk_file_section(const struct bk_file *f, const char *name, const void **data, size_t *size)
{
	if (strcmp(name, ".BTF"))
		return -ENOENT;
	*data = f->data;
	*size = f->size;
	return 0;
}

int bk_file_btf(const struct bk_file *f, const char *section, const struct bk_btf *base,
		struct bk_btf **out, struct bk_error *err)
{
	const void *data;
	size_t size;
	if (bk_file_section(f, section, &data, &size)) {
		bk_err_set_source(err, f->name, NULL);
		return bk_err(err, -ENOENT, "no %s section", section);
	}
	int e = bk_btf_parse(data, size, base, f->name, out, err);
	if (!e && bk_file_is_elf(f))
		bk_btf_set_source(*out, f->name, section);
	return e;
}

int bk_btf_load_section(const char *path, const char *section, const struct bk_btf *base,
			struct bk_btf **out, struct bk_error *err)
{
	struct bk_file *f;
	int e = bk_file_open(path, &f, err);
	if (e)
		return e;
	e = bk_file_btf(f, section, base, out, err);
	bk_file_close(f);
	return e;
}

int bk_btf_load(const char *path, const struct bk_btf *base, struct bk_btf **out,
		struct bk_error *err)
{
	return bk_btf_load_section(path, ".BTF", base, out, err);
}

int bk_elf_write_sections(const struct bk_file *f, const struct bk_elf_section_edit *edits,
			  size_t nr_edits, bool strip_signature, const char *out_path,
			  struct bk_error *err)
{
	(void)f; (void)edits; (void)nr_edits; (void)strip_signature; (void)out_path;
	return bk_err(err, -ENOTSUP, "ELF output is not built yet");
}
