// SPDX-License-Identifier: MIT
/*
 * read -> C dump. Input: a blob, or base SEP split. Whatever the reader
 * accepts must print as C in every mode (sorted, bpftool's quirks,
 * unsorted, one root ID), or be refused with an error code and a message
 * (a type loop) and nothing printed; a header that was printed is whole
 * (it ends with the guard's #endif) and has no NUL byte.
 */
#include "fuzz.h"

static const char FOOTER[] = "#endif /* __VMLINUX_H__ */\n";

/* libbpf prints padding for as many bits as a struct claims: a crafted
 * 4 GiB struct is 67 million padding lines, which is right but is no
 * test of anything; such inputs are skipped */
static bool huge_composite(const struct bk_btf *btf)
{
	for (uint32_t id = 1; id < bk_btf_type_cnt(btf); id++) {
		const struct bk_type *t = bk_btf_type(btf, id);
		unsigned k = bk_kind(t);
		if ((k == BK_KIND_STRUCT || k == BK_KIND_UNION) && t->size > (1u << 16))
			return true;
		if (k == BK_KIND_STRUCT || k == BK_KIND_UNION) {
			const struct bk_member *m = bk_type_rest(t);
			for (uint32_t i = 0; i < bk_vlen(t); i++)
				if (bk_member_bit_offset(t, &m[i]) > (1u << 19))
					return true;
		}
	}
	return false;
}

static int check_c(const struct bk_btf *btf, const struct bk_dump_c_opts *opts)
{
	struct bk_error err = {0};
	char *text = NULL;
	size_t len = 0;
	int e = bk_dump_c_mem(btf, opts, &text, &len, &err);
	int bad = 0;
	if (e) {
		bad = bk_fuzz_check_error("dumpc", e, &err);
		if (!bad && (text || len))
			bad = bk_fuzz_broken("dumpc", "a refused dump left text");
	} else if (len < sizeof(FOOTER) - 1 || strcmp(text + len - (sizeof(FOOTER) - 1), FOOTER)) {
		bad = bk_fuzz_broken("dumpc", "a header without its end");
	} else if (strlen(text) != len) {
		bad = bk_fuzz_broken("dumpc", "a NUL byte in the header");
	}
	free(text);
	return bad;
}

static int read_dump_c(const struct bk_fuzz_part *p, const struct bk_btf *base,
		       struct bk_btf **keep)
{
	struct bk_error err = {0};
	struct bk_btf *btf = NULL;
	if (bk_btf_parse(p->data, p->size, base, "fuzz.btf", &btf, &err))
		return 0; /* refusals are fuzz_raw's business */
	int bad = 0;
	if (!huge_composite(btf)) {
		uint32_t root = bk_btf_type_cnt(btf) - 1;
		BK_OPTS(bk_dump_c_opts, sorted);
		BK_OPTS(bk_dump_c_opts, quirks, .bpftool_quirks = true);
		BK_OPTS(bk_dump_c_opts, unsorted, .unsorted = true);
		BK_OPTS(bk_dump_c_opts, roots, .root_ids = &root, .nr_root_ids = 1);
		bad = check_c(btf, &sorted) || check_c(btf, &quirks) || check_c(btf, &unsorted) ||
		      check_c(btf, &roots);
	}
	if (keep && !bad)
		*keep = btf;
	else
		bk_btf_free(btf);
	return bad;
}

int bk_fuzz_dumpc(const uint8_t *data, size_t size)
{
	struct bk_fuzz_part p[2] = {{0}};
	struct bk_btf *base = NULL;
	size_t n = bk_fuzz_split(data, size, p, 2);
	int bad = read_dump_c(&p[0], NULL, n == 2 ? &base : NULL);
	if (!bad && base)
		bad = read_dump_c(&p[1], base, NULL);
	bk_btf_free(base);
	return bad;
}

BK_FUZZ_MAIN(bk_fuzz_dumpc)
