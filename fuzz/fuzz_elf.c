// SPDX-License-Identifier: MIT
/*
 * Input files: bk_file_open_mem on any bytes (ELF, signed modules, raw
 * blobs, compressed data), then its sections and the BTF in them the way
 * bk_btf_load does it: .BTF.base first when present, .BTF on top of it.
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
	bk_btf_free(btf);
	bk_btf_free(base);
	bk_file_close(f);
	return bad;
}

BK_FUZZ_MAIN(bk_fuzz_elf)
