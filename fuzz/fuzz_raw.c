// SPDX-License-Identifier: MIT
/*
 * Raw BTF reading: bk_btf_parse on a blob as base BTF and as split BTF on
 * a small built-in base; with two parts (base SEP split), the second as
 * split BTF on the first. What reads must walk cleanly, write back to the
 * same bytes, and survive a trip through the other byte order.
 */
#include "fuzz.h"

/* A small base: int, struct foo { int a; int *p; }, int *, an enum. */
static struct bk_btf *small_base(void)
{
	static struct bk_btf *base;
	if (base)
		return base;
	struct bk_btf *b = bk_btf_new(NULL);
	struct {
		struct bk_type t;
		uint32_t rest[6];
	} r;
	r.t = (struct bk_type){(uint32_t)bk_btf_add_str(b, "int"), bk_info(BK_KIND_INT, 0, 0), {4}};
	r.rest[0] = (BK_INT_SIGNED << 24) | 32;
	bk_btf_add_type(b, &r.t, sizeof(r.t) + 4); /* [1] int */
	r.t = (struct bk_type){0, bk_info(BK_KIND_PTR, 0, 0), {1}};
	bk_btf_add_type(b, &r.t, sizeof(r.t)); /* [2] int * */
	r.t = (struct bk_type){(uint32_t)bk_btf_add_str(b, "foo"), bk_info(BK_KIND_STRUCT, 2, 0), {16}};
	uint32_t members[6] = {(uint32_t)bk_btf_add_str(b, "a"), 1, 0,
			       (uint32_t)bk_btf_add_str(b, "p"), 2, 64};
	memcpy(r.rest, members, sizeof(members));
	bk_btf_add_type(b, &r.t, sizeof(r.t) + sizeof(members)); /* [3] struct foo */
	r.t = (struct bk_type){(uint32_t)bk_btf_add_str(b, "e"), bk_info(BK_KIND_ENUM, 1, 0), {4}};
	r.rest[0] = (uint32_t)bk_btf_add_str(b, "E1");
	r.rest[1] = 1;
	bk_btf_add_type(b, &r.t, sizeof(r.t) + 8); /* [4] enum e */
	base = b;
	return base;
}

/* The other byte order, then native again: same bytes as native. */
static int check_byte_orders(const struct bk_btf *btf)
{
	bool big = bk_btf_big_endian(btf);
	BK_OPTS(bk_write_opts, other, .endian = big ? BK_ENDIAN_LITTLE : BK_ENDIAN_BIG);
	BK_OPTS(bk_write_opts, native, .endian = BK_ENDIAN_NATIVE);
	struct bk_error err = {0};
	struct bk_btf *swapped = NULL;
	void *w_other = NULL, *w_native = NULL, *w_back = NULL;
	size_t s_other, s_native, s_back;
	int bad = 0;
	if (bk_btf_write(btf, &other, &w_other, &s_other, &err) ||
	    bk_btf_write(btf, &native, &w_native, &s_native, &err))
		bad = bk_fuzz_broken("raw", "a blob that was read does not write");
	else if (bk_btf_parse(w_other, s_other, bk_btf_base(btf), "swapped", &swapped, &err))
		bad = bk_fuzz_broken("raw", "a byte-swapped blob does not read back");
	else if (bk_btf_big_endian(swapped) == big)
		bad = bk_fuzz_broken("raw", "the byte order was not changed");
	else if (bk_btf_write(swapped, &native, &w_back, &s_back, &err) || s_back != s_native ||
		 memcmp(w_back, w_native, s_native))
		bad = bk_fuzz_broken("raw", "a trip through the other byte order changes the BTF");
	bk_btf_free(swapped);
	free(w_other);
	free(w_native);
	free(w_back);
	return bad;
}

/* Parse one blob; 0 when it is refused properly or reads, walks and writes back. */
static int try_parse(const uint8_t *data, size_t size, const struct bk_btf *base,
		     struct bk_btf **keep)
{
	struct bk_error err = {0};
	struct bk_btf *btf = NULL;
	int e = bk_btf_parse(data, size, base, "fuzz.btf", &btf, &err);
	if (e)
		return btf ? bk_fuzz_broken("raw", "failure with a result") :
			     bk_fuzz_check_error("raw", e, &err);
	int bad = bk_fuzz_walk("raw", btf);
	if (!bad)
		bad = bk_fuzz_write_round_trip("raw", btf, NULL, NULL, NULL);
	if (!bad)
		bad = check_byte_orders(btf);
	if (keep && !bad)
		*keep = btf;
	else
		bk_btf_free(btf);
	return bad;
}

int bk_fuzz_raw(const uint8_t *data, size_t size)
{
	struct bk_fuzz_part p[2] = {{0}};
	size_t n = bk_fuzz_split(data, size, p, 2);
	struct bk_btf *base = NULL;
	int bad;
	if (n == 1)
		return try_parse(data, size, NULL, NULL) || try_parse(data, size, small_base(), NULL);
	bad = try_parse(p[0].data, p[0].size, NULL, &base);
	if (!bad && base)
		bad = try_parse(p[1].data, p[1].size, base, NULL);
	bk_btf_free(base);
	return bad;
}

BK_FUZZ_MAIN(bk_fuzz_raw)
