// SPDX-License-Identifier: MIT
/*
 * Input files: bk_file_open_mem on any bytes (ELF, signed modules, raw
 * blobs, compressed data), then its sections and the BTF in them:
 * .BTF.base first when present, .BTF on top of it. Then the same bytes as
 * a module object (what bk_btf_load goes through): its facts agree with
 * the file's, a module with a distilled base is placed on a copy of it,
 * and every failure carries a reason code.
 */
#include "fuzz.h"

static int load_section(const struct bk_file *f, const char *section, const struct bk_btf *base,
			struct bk_btf **out)
{
	struct bk_error err = {0};
	const void *data;
	size_t size;
	*out = NULL;
	int sec = bk_file_section(f, section, &data, &size);
	int e = bk_file_btf(f, section, base, out, &err);
	if (e) {
		if (*out)
			return bk_fuzz_broken("elf", "failure with a result");
		if (sec && e != sec)
			return bk_fuzz_broken("elf", "bk_file_btf and bk_file_section disagree");
		return bk_fuzz_check_error("elf", e, &err);
	}
	if (sec)
		return bk_fuzz_broken("elf", "BTF read from a section that has no bytes");
	int bad = bk_fuzz_walk("elf", *out);
	if (!bad)
		bad = bk_fuzz_write_round_trip("elf", *out, NULL, NULL, NULL);
	return bad;
}

/* A failure of the module layer: an errno, a message, and a reason. */
static int module_failure(int e, const struct bk_error *err)
{
	int bad = bk_fuzz_check_error("elf", e, err);
	if (!bad && !err->reason && e != -ENOMEM)
		bad = bk_fuzz_broken("elf", "a module failure without a reason code");
	return bad;
}

static int place_on_copy(const struct bk_file *f, struct bk_module *m)
{
	struct bk_error err = {0};
	struct bk_btf *copy = NULL, *out = NULL;
	int bad = 0;
	if (bk_file_btf(f, ".BTF.base", NULL, &copy, &err))
		return 0; /* load_section judged it */
	int e = bk_module_place(m, copy, NULL, &out, &err);
	if (e)
		bad = out ? bk_fuzz_broken("elf", "failure with a result") : module_failure(e, &err);
	else if (bk_btf_base(out) != copy)
		bad = bk_fuzz_broken("elf", "placed, but not on the base given");
	else
		bad = bk_fuzz_walk("elf", out);
	bk_btf_free(out);
	bk_btf_free(copy);
	return bad;
}

static int through_module(const uint8_t *data, size_t size, const struct bk_file *f)
{
	struct bk_error err = {0};
	struct bk_module *m = NULL;
	const struct bk_btf *own;
	int e = bk_module_open_mem(data, size, "fuzz.ko", &m, &err), bad = 0;
	if (e)
		return bk_fuzz_broken("elf", "the file opens, the module does not");
	if (bk_module_signature_len(m) != bk_file_signature_len(f) ||
	    bk_module_is_elf(m) != bk_file_is_elf(f))
		bad = bk_fuzz_broken("elf", "the module and its file disagree");
	if (!bad && (e = bk_module_own_btf(m, &own, &err)))
		bad = module_failure(e, &err);
	else if (!bad && bk_module_has_dist_base(m))
		bad = place_on_copy(f, m);
	bk_module_close(m);
	return bad;
}

int bk_fuzz_elf(const uint8_t *data, size_t size)
{
	struct bk_error err = {0};
	struct bk_file *f = NULL;
	struct bk_btf *base = NULL, *btf = NULL;
	int e = bk_file_open_mem(data, size, "fuzz.ko", &f, &err);
	if (e)
		return f ? bk_fuzz_broken("elf", "failure with a result") :
			   bk_fuzz_check_error("elf", e, &err);
	size_t whole;
	const void *content = bk_file_data(f, &whole);
	int bad = 0;
	if (!content && whole)
		bad = bk_fuzz_broken("elf", "no content");
	if (!bad && bk_file_signature_len(f) > whole)
		bad = bk_fuzz_broken("elf", "signature longer than the file");
	if (!bad && strcmp(bk_file_name(f), "fuzz.ko") != 0)
		bad = bk_fuzz_broken("elf", "the file lost its name");
	if (!bad)
		bad = load_section(f, ".BTF.base", NULL, &base);
	if (!bad)
		bad = load_section(f, ".BTF", base, &btf);
	if (!bad)
		bad = through_module(data, size, f);
	bk_btf_free(btf);
	bk_btf_free(base);
	bk_file_close(f);
	return bad;
}

BK_FUZZ_MAIN(bk_fuzz_elf)
