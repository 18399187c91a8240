// SPDX-License-Identifier: MIT
/*
 * asm: bpftool's text back to BTF. Input: text, or a raw base blob SEP
 * text (split types on that base). What assembles must dump, and that
 * dump must assemble to the same BTF: dump(asm(dump(asm(x)))) ==
 * dump(asm(x)), and the two builds write the same blob.
 */
#include "fuzz.h"

/* bk_dump's text of btf, malloc'd (NUL-terminated) */
static char *dump_text(const struct bk_btf *btf, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		return NULL;
	int e = bk_dump(btf, BK_DUMP_TEXT, f);
	if (fclose(f) || e) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int check_error_position(int e, const struct bk_error *err)
{
	if (bk_fuzz_check_error("asm", e, err))
		return 1;
	if (err->line < 0 || err->column < 0)
		return bk_fuzz_broken("asm", "a negative line or column");
	return 0;
}

/* asm(text) assembled: dump it, assemble the dump, compare. */
static int check_fixed_point(const struct bk_btf *first, const struct bk_btf *base)
{
	struct bk_error err = {0};
	struct bk_btf *second = NULL;
	size_t len1 = 0, len2 = 0;
	char *text1 = dump_text(first, &len1), *text2 = NULL;
	int bad = 0;
	if (!text1)
		return bk_fuzz_broken("asm", "assembled BTF does not dump");
	if (bk_asm(text1, len1, base, "dumped.txt", &second, &err)) {
		char msg[1200];
		fprintf(stderr, "fuzz_asm: %s\n", bk_error_str(&err, msg, sizeof(msg)));
		bad = bk_fuzz_broken("asm", "the dump of assembled BTF does not assemble");
	} else if (!(text2 = dump_text(second, &len2))) {
		bad = bk_fuzz_broken("asm", "re-assembled BTF does not dump");
	} else if (len1 != len2 || memcmp(text1, text2, len1)) {
		bad = bk_fuzz_broken("asm", "dump -> asm -> dump changes the text");
	}
	bk_btf_free(second);
	free(text1);
	free(text2);
	return bad;
}

int bk_fuzz_asm(const uint8_t *data, size_t size)
{
	struct bk_fuzz_part p[2] = {{0}};
	struct bk_error err = {0};
	struct bk_btf *base = NULL, *btf = NULL;
	size_t n = bk_fuzz_split(data, size, p, 2);
	const struct bk_fuzz_part *text = &p[n - 1];
	if (n == 2 && bk_btf_parse(p[0].data, p[0].size, NULL, "base.btf", &base, &err))
		return 0; /* the base is fuzz_raw's business */
	int bad = 0, e = bk_asm((const char *)text->data, text->size, base, "fuzz.txt", &btf, &err);
	if (e)
		bad = btf ? bk_fuzz_broken("asm", "failure with a result") :
			    check_error_position(e, &err);
	else
		bad = bk_fuzz_walk("asm", btf) ||
		      bk_fuzz_write_round_trip("asm", btf, NULL, NULL, NULL) ||
		      check_fixed_point(btf, base);
	bk_btf_free(btf);
	bk_btf_free(base);
	return bad;
}

BK_FUZZ_MAIN(bk_fuzz_asm)
