// SPDX-License-Identifier: MIT
/* The model: reading, writing back, byte orders, field iterators, the name
 * index, strings, and hostile input to the reader. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static const char *const kernels[] = {
	"6.1.0-47-amd64", "6.1.0-56-amd64", "6.12.107+deb12-amd64", "6.12.117+deb12-amd64",
	"running",
};

static void assert_writes_back(const struct bk_btf *b, const void *orig, size_t orig_len,
			       const char *what)
{
	struct bk_error err = {0};
	void *out;
	size_t len;
	assert_int_equal(bk_btf_write(b, NULL, &out, &len, &err), 0);
	if (len != orig_len || memcmp(out, orig, len))
		fail_msg("%s: written blob differs from the one read (%zu vs %zu bytes)", what, len,
			 orig_len);
	free(out);
}

static struct bk_btf *parse_file(const char *path, const struct bk_btf *base, char **data,
				 size_t *len)
{
	struct bk_error err = {0};
	struct bk_btf *b = NULL;
	char msg[1200];
	*data = bkt_read(path, len);
	if (!*data)
		fail_msg("cannot read %s", path);
	if (bk_btf_parse(*data, *len, base, path, &b, &err))
		fail_msg("%s", bk_error_str(&err, msg, sizeof(msg)));
	return b;
}

static void test_vmlinux_write_back(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
		char *data;
		size_t len;
		struct bk_btf *b = parse_file(bkt_vmlinux(kernels[i]), NULL, &data, &len);
		assert_int_equal(bk_btf_start_id(b), 1);
		assert_int_equal(bk_btf_hdr_len(b), 24);
		assert_writes_back(b, data, len, kernels[i]);
		bk_btf_free(b);
		free(data);
	}
}

/* The corpus README gives each kernel's type count: check ours. */
static void test_vmlinux_type_counts(void **state)
{
	(void)state;
	static const uint32_t counts[] = {100628, 100750, 112518, 112768, 126572};
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(bk_btf_nr_types(bkt_vmlinux_btf(kernels[i])), counts[i]);
}

static void write_back_module_set(const char *kver)
{
	const struct bk_btf *base = bkt_vmlinux_btf(kver);
	char **mods;
	size_t n = bkt_corpus_modules(kver, &mods);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		char *data;
		size_t len;
		struct bk_btf *b = parse_file(bkt_module(kver, mods[i]), base, &data, &len);
		assert_int_equal(bk_btf_start_id(b), bk_btf_type_cnt(base));
		assert_writes_back(b, data, len, mods[i]);
		bk_btf_free(b);
		free(data);
	}
	printf("  %s: %zu modules read and written back\n", kver, n);
	bkt_free_list(mods, n);
}

static void test_modules_61_write_back(void **state)
{
	(void)state;
	write_back_module_set("6.1.0-47-amd64");
}

static void test_modules_612_write_back(void **state)
{
	(void)state;
	write_back_module_set("6.12.117+deb12-amd64");
}

/* Writing in the other byte order and reading that back gives the same types. */
static void test_byte_order_round_trip(void **state)
{
	(void)state;
	struct bk_error err = {0};
	const struct bk_btf *b = bkt_vmlinux_btf("running");
	BK_OPTS(bk_write_opts, big, .endian = BK_ENDIAN_BIG);
	BK_OPTS(bk_write_opts, little, .endian = BK_ENDIAN_LITTLE);
	void *be, *le, *orig;
	size_t be_len, le_len, orig_len;
	struct bk_btf *back;
	assert_int_equal(bk_btf_write(b, NULL, &orig, &orig_len, &err), 0);
	assert_int_equal(bk_btf_write(b, &big, &be, &be_len, &err), 0);
	assert_int_equal(((uint8_t *)be)[0], 0xeb); /* big-endian magic */
	assert_int_equal(bk_btf_parse(be, be_len, NULL, "be", &back, &err), 0);
	assert_true(bk_btf_big_endian(back));
	assert_int_equal(bk_btf_nr_types(back), bk_btf_nr_types(b));
	assert_int_equal(bk_btf_write(back, NULL, &le, &le_len, &err), 0);
	assert_memory_equal(le, be, be_len); /* kept big-endian */
	free(le);
	assert_int_equal(bk_btf_write(back, &little, &le, &le_len, &err), 0);
	assert_int_equal(le_len, orig_len);
	assert_memory_equal(le, orig, orig_len);
	free(be);
	free(le);
	free(orig);
	bk_btf_free(back);
}

/* libbpf's big-endian crc16 (golden) on the little-endian vmlinux equals the
 * module's own little-endian blob once written little-endian. */
static void test_golden_big_endian_split(void **state)
{
	(void)state;
	struct bk_error err = {0};
	char *data, *want;
	size_t len, want_len;
	const struct bk_btf *base = bkt_vmlinux_btf("6.1.0-47-amd64");
	struct bk_btf *b = parse_file(bkt_golden("dump/endian/crc16.be.btf"), base, &data, &len);
	BK_OPTS(bk_write_opts, little, .endian = BK_ENDIAN_LITTLE);
	void *out;
	size_t out_len;
	assert_true(bk_btf_big_endian(b));
	assert_int_equal(bk_btf_write(b, &little, &out, &out_len, &err), 0);
	want = bkt_read(bkt_module("6.1.0-47-amd64", "kernel/lib/crc16"), &want_len);
	assert_int_equal(out_len, want_len);
	assert_memory_equal(out, want, want_len);
	assert_writes_back(b, data, len, "crc16.be.btf");
	free(out);
	free(want);
	free(data);
	bk_btf_free(b);
}

/* A 32-byte header with a layout section (pahole --btf_features=layout). */
static void test_layout_header(void **state)
{
	(void)state;
	char *data;
	size_t len;
	struct bk_btf *b = parse_file(bkt_golden("dump/crafted/pahole_layout_base.btf"), NULL, &data,
				      &len);
	assert_int_equal(bk_btf_hdr_len(b), 32);
	assert_writes_back(b, data, len, "pahole_layout_base.btf");
	/* and its byte-swapped twin keeps the layout entries */
	struct bk_error err = {0};
	BK_OPTS(bk_write_opts, big, .endian = BK_ENDIAN_BIG);
	BK_OPTS(bk_write_opts, little, .endian = BK_ENDIAN_LITTLE);
	void *be, *le;
	size_t be_len, le_len;
	struct bk_btf *back;
	assert_int_equal(bk_btf_write(b, &big, &be, &be_len, &err), 0);
	assert_int_equal(bk_btf_parse(be, be_len, NULL, "be", &back, &err), 0);
	assert_int_equal(bk_btf_write(back, &little, &le, &le_len, &err), 0);
	assert_int_equal(le_len, len);
	assert_memory_equal(le, data, len);
	free(be);
	free(le);
	bk_btf_free(back);
	bk_btf_free(b);
	free(data);
}

/* The numbers after type_id=, ret_type_id= and index_type_id= in one
 * record of bpftool's text, in order: what the ID iterator must yield. */
static size_t ids_in_record(const char *rec, const char *end, uint32_t *ids, size_t max)
{
	size_t n = 0;
	for (const char *p = rec; p < end && (p = strstr(p, "type_id=")) && p < end; p += 8) {
		if (n < max)
			ids[n] = (uint32_t)strtoul(p + 8, NULL, 10);
		n++;
	}
	return n;
}

static void test_field_iterators_match_bpftool(void **state)
{
	(void)state;
	char *data, *text;
	size_t len;
	struct bk_btf *b = parse_file(bkt_golden("dump/crafted/kinds_base.btf"), NULL, &data, &len);
	text = bkt_read(bkt_golden("dump/crafted/kinds_base.txt"), NULL);
	assert_non_null(text);
	uint32_t id = 1;
	for (char *rec = text; *rec; id++) {
		char *end = strstr(rec + 1, "\n[");
		end = end ? end + 1 : rec + strlen(rec);
		uint32_t want[64], *f;
		size_t nwant = ids_in_record(rec, end, want, 64), n = 0;
		struct bk_field_iter it;
		bk_field_iter_init(&it, (struct bk_type *)bk_btf_type(b, id), BK_ITER_IDS);
		while ((f = bk_field_iter_next(&it))) {
			assert_true(n < nwant);
			assert_int_equal(*f, want[n]);
			n++;
		}
		assert_int_equal(n, nwant);
		rec = end;
	}
	assert_int_equal(id - 1, bk_btf_nr_types(b));
	free(text);
	bk_btf_free(b);
	free(data);
}

/* Every string field of every type is a name bpftool prints in quotes. */
static void test_string_iterator(void **state)
{
	(void)state;
	char *data;
	size_t len;
	struct bk_btf *b = parse_file(bkt_golden("dump/crafted/kinds_base.btf"), NULL, &data, &len);
	size_t names = 0;
	for (uint32_t id = 1; id < bk_btf_type_cnt(b); id++) {
		struct bk_field_iter it;
		uint32_t *f;
		const struct bk_type *t = bk_btf_type(b, id);
		bk_field_iter_init(&it, (struct bk_type *)t, BK_ITER_STRS);
		size_t n = 0;
		while ((f = bk_field_iter_next(&it))) {
			assert_non_null(bk_btf_str(b, *f));
			n++;
		}
		/* the name, plus one per member/param/value */
		unsigned k = bk_kind(t);
		bool elems_named = k == BK_KIND_STRUCT || k == BK_KIND_UNION || k == BK_KIND_ENUM ||
				   k == BK_KIND_ENUM64 || k == BK_KIND_FUNC_PROTO;
		assert_int_equal(n, 1 + (elems_named ? bk_vlen(t) : 0));
		names += n;
	}
	assert_true(names > 56);
	bk_btf_free(b);
	free(data);
}

/* The name index against a plain scan, over every 37th name of a kernel. */
static void test_name_index_matches_scan(void **state)
{
	(void)state;
	const struct bk_btf *b = bkt_vmlinux_btf("running");
	uint32_t cnt = bk_btf_type_cnt(b);
	for (uint32_t id = 1; id < cnt; id += 37) {
		const char *name = bk_btf_name(b, bk_btf_type(b, id));
		if (!*name)
			continue;
		for (int kind = -1; kind <= 0; kind++) {
			int k = kind < 0 ? -1 : (int)bk_kind(bk_btf_type(b, id));
			uint32_t got[64], want[64];
			size_t nw = 0;
			for (uint32_t j = 1; j < cnt; j++) {
				const struct bk_type *t = bk_btf_type(b, j);
				if ((k < 0 || (int)bk_kind(t) == k) && !strcmp(bk_btf_name(b, t), name)) {
					if (nw < 64)
						want[nw] = j;
					nw++;
				}
			}
			size_t ng = bk_btf_find(b, name, k, got, 64);
			assert_int_equal(ng, nw);
			assert_memory_equal(got, want, (nw < 64 ? nw : 64) * sizeof(uint32_t));
		}
		if (id > 20000)
			break; /* the scan is quadratic: a sample is enough */
	}
}

/* A split BTF's lookups go through its base. */
static void test_split_lookup(void **state)
{
	(void)state;
	const struct bk_btf *base = bkt_vmlinux_btf("6.1.0-47-amd64");
	char *data;
	size_t len;
	struct bk_btf *s = parse_file(bkt_module("6.1.0-47-amd64", "kernel/lib/crc16"), base, &data,
				      &len);
	uint32_t ids[4];
	assert_int_equal(bk_btf_find(s, "crc16", BK_KIND_FUNC, ids, 4), 1);
	assert_true(ids[0] >= bk_btf_start_id(s));
	assert_true(bk_btf_find(s, "int", BK_KIND_INT, ids, 4) >= 1);
	assert_true(ids[0] < bk_btf_start_id(s));
	assert_ptr_equal(bk_btf_type(s, ids[0]), bk_btf_type(base, ids[0]));
	assert_null(bk_btf_type(s, bk_btf_type_cnt(s)));
	assert_null(bk_btf_type(s, 0));
	assert_null(bk_btf_str(s, bk_btf_start_str_off(s) + 1000000));
	bk_btf_free(s);
	free(data);
}

static void test_strings_dedup(void **state)
{
	(void)state;
	struct bk_btf *base = bk_btf_new(NULL), *split;
	assert_int_equal(bk_btf_add_str(base, ""), 0);
	int64_t foo = bk_btf_add_str(base, "foo");
	assert_int_equal(foo, 1);
	assert_int_equal(bk_btf_add_str(base, "bar"), 5);
	assert_int_equal(bk_btf_add_str(base, "foo"), foo);
	split = bk_btf_new(base);
	assert_int_equal(bk_btf_start_str_off(split), 9);
	assert_int_equal(bk_btf_add_str(split, "foo"), foo); /* the base's */
	assert_int_equal(bk_btf_add_str(split, "baz"), 9);
	assert_int_equal(bk_btf_add_str(split, "baz"), 9);
	assert_string_equal(bk_btf_str(split, 9), "baz");
	assert_string_equal(bk_btf_str(split, 5), "bar");
	assert_int_equal(bk_btf_find_str(split, "nope"), -ENOENT);
	bk_btf_free(split);
	bk_btf_free(base);
}

/* The i-th string of a family that stresses the hash's word handling:
 * every length from 1 to 40, and names equal but for one byte at the start,
 * the middle or the end (where the overlapping last word and the short
 * loads read), some the prefix of another. */
static void stress_name(unsigned i, char *buf)
{
	unsigned len = 1 + i % 40, at = (i / 40) % 3, v = i / 120;
	memset(buf, 'a', len);
	buf[len] = '\0';
	size_t pos = at == 0 ? 0 : at == 1 ? len / 2 : len - 1;
	buf[pos] = (char)('A' + v % 26);
	if (v >= 26)
		buf[len > 1 ? len - 2 : 0] = (char)('0' + v / 26 % 10);
}

static void test_strings_dedup_many(void **state)
{
	(void)state;
	enum { N = 6000 }; /* past 2048 slots: the set grows several times */
	struct bk_btf *base = bk_btf_new(NULL), *split;
	static int64_t offs[N];
	char name[64];
	/* half in the base, all in the split: the split takes the base's */
	for (unsigned i = 0; i < N; i += 2) {
		stress_name(i, name);
		offs[i] = bk_btf_add_str(base, name);
		assert_true(offs[i] > 0);
	}
	split = bk_btf_new(base); /* after the base is complete: its strings end here */
	for (unsigned i = 0; i < N; i++) {
		stress_name(i, name);
		int64_t off = bk_btf_add_str(split, name);
		assert_true(off > 0);
		if (i % 2 == 0)
			assert_int_equal(off, offs[i]);
		offs[i] = off;
	}
	/* every name, added again, gives the same offset back, and equal names
	 * (the family repeats itself) got one offset between them */
	for (unsigned i = 0; i < N; i++) {
		stress_name(i, name);
		assert_int_equal(bk_btf_add_str(split, name), offs[i]);
		assert_int_equal(bk_btf_find_str(split, name), offs[i]);
		assert_string_equal(bk_btf_str(split, (uint32_t)offs[i]), name);
	}
	/* no string twice: the split's own section holds each name once */
	uint32_t len, nr = 0;
	const char *strs = bk_btf_strs(split, &len);
	for (uint32_t off = 0; off < len; off += (uint32_t)strlen(strs + off) + 1, nr++)
		assert_int_equal(bk_btf_find_str(split, strs + off), bk_btf_start_str_off(split) + off);
	assert_true(nr > 0);
	bk_btf_free(split);
	bk_btf_free(base);
}

/* ---- hostile input ------------------------------------------------------- */

static int parse_bytes(const void *d, size_t n, const struct bk_btf *base, struct bk_error *err)
{
	struct bk_btf *b = NULL;
	int e = bk_btf_parse(d, n, base, "x.btf", &b, err);
	if (!e) {
		/* what the reader accepts must be safe to walk */
		for (uint32_t id = bk_btf_start_id(b); id < bk_btf_type_cnt(b); id++) {
			struct bk_field_iter it;
			uint32_t *f;
			bk_field_iter_init(&it, (struct bk_type *)bk_btf_type(b, id), BK_ITER_IDS);
			while ((f = bk_field_iter_next(&it)))
				assert_true(*f < bk_btf_type_cnt(b));
		}
		bk_btf_free(b);
	}
	return e;
}

static void test_truncated_everywhere(void **state)
{
	(void)state;
	static const char *const blobs[] = {"examples/doc_base.btf", "dump/crafted/kinds_base.btf",
					    "dump/crafted/pahole_layout_base.btf"};
	for (size_t i = 0; i < 3; i++) {
		size_t len;
		char *data = bkt_read(bkt_golden(blobs[i]), &len);
		assert_non_null(data);
		for (size_t cut = 0; cut < len; cut++) {
			struct bk_error err = {0};
			char *copy = malloc(cut ? cut : 1);
			memcpy(copy, data, cut);
			assert_true(parse_bytes(copy, cut, NULL, &err) < 0);
			assert_true(err.msg[0]);
			/* a cut blob is a header or record fault, never a range one */
			assert_true(err.reason == BK_E_BTF_HEADER || err.reason == BK_E_BTF_STRINGS ||
				    err.reason == BK_E_BTF_TYPE);
			assert_string_equal(err.file, "x.btf");
			free(copy);
		}
		free(data);
	}
}

static void test_header_fields_corrupted(void **state)
{
	(void)state;
	size_t len;
	char *data = bkt_read(bkt_golden("dump/crafted/kinds_base.btf"), &len);
	static const uint32_t values[] = {0, 1, 3, 4, 23, 24, 0x7fffffff, 0x80000000, 0xffffffff};
	int rejected = 0;
	for (size_t field = 4; field < 32; field += 4) {
		for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			char *copy = malloc(len);
			struct bk_error err = {0};
			memcpy(copy, data, len);
			memcpy(copy + field, &values[v], 4);
			if (parse_bytes(copy, len, NULL, &err) < 0) {
				assert_true(err.msg[0]);
				assert_true(err.reason >= BK_E_BTF_HEADER && err.reason <= BK_E_STR_OFF);
				rejected++;
			}
			free(copy);
		}
	}
	assert_true(rejected > 40);
	/* the magic and the byte order */
	char *copy = malloc(len);
	struct bk_error err = {0};
	memcpy(copy, data, len);
	copy[0] = 0x12;
	assert_int_equal(parse_bytes(copy, len, NULL, &err), -EINVAL);
	assert_int_equal(err.reason, BK_E_BTF_HEADER);
	assert_non_null(strstr(err.msg, "magic"));
	free(copy);
	free(data);
}

/* Build a small blob by hand: header + types + strings. */
static size_t make_blob(uint8_t *out, const uint32_t *types, size_t ntypes, const char *strs,
			size_t strs_len)
{
	uint32_t hdr[6] = {0x0001eb9f, 24, 0, (uint32_t)(ntypes * 4), (uint32_t)(ntypes * 4),
			   (uint32_t)strs_len};
	memcpy(out, hdr, 24);
	memcpy(out + 24, types, ntypes * 4);
	memcpy(out + 24 + ntypes * 4, strs, strs_len);
	return 24 + ntypes * 4 + strs_len;
}

#define INFO(kind, vlen) (((uint32_t)(kind) << 24) | (vlen))

static void test_ids_and_names_out_of_range(void **state)
{
	(void)state;
	static const char strs[] = "\0int\0foo\0a";
	uint8_t blob[512];
	struct bk_error err = {0};
	char msg[1200];
	/* [1] int; [2] struct foo { int a; <type 99> a; } */
	uint32_t types[] = {1, INFO(1, 0), 4, 32 | (1u << 24), 5, INFO(4, 2), 8,
			    9, 1, 0, 9, 99, 32};
	size_t n = make_blob(blob, types, 13, strs, sizeof(strs));
	assert_int_equal(parse_bytes(blob, n, NULL, &err), -EINVAL);
	assert_int_equal(err.type_id, 2);
	assert_int_equal(err.reason, BK_E_TYPE_ID);
	assert_string_equal(bk_error_str(&err, msg, sizeof(msg)),
			    "x.btf: [2] STRUCT 'foo': member 1: type_id 99 out of range (last is 2)");
	types[11] = 1;
	types[10] = 500; /* member name past the strings */
	n = make_blob(blob, types, 13, strs, sizeof(strs));
	assert_int_equal(parse_bytes(blob, n, NULL, &err), -EINVAL);
	assert_int_equal(err.reason, BK_E_STR_OFF);
	assert_int_equal(err.type_id, 2);
	types[10] = 9;
	types[5] = INFO(4, 0xffffff); /* huge vlen in a small blob */
	n = make_blob(blob, types, 13, strs, sizeof(strs));
	assert_int_equal(parse_bytes(blob, n, NULL, &err), -EINVAL);
	assert_int_equal(err.reason, BK_E_BTF_TYPE);
	types[5] = INFO(25, 0); /* a kind that does not exist */
	n = make_blob(blob, types, 13, strs, sizeof(strs));
	assert_int_equal(parse_bytes(blob, n, NULL, &err), -EINVAL);
	assert_int_equal(err.reason, BK_E_BTF_TYPE);
	assert_non_null(strstr(err.msg, "unknown kind 25"));
}

/* The reader checks fields and FUNCs in one pass when all is well; its
 * verdict and its first fault must be those of checking type by type: a
 * FUNC may name a FUNC_PROTO further on, and of two faults the one in the
 * lower ID is told, whichever kind of fault it is. */
static void test_func_checks_in_order(void **state)
{
	(void)state;
	static const char strs[] = "\0int\0f";
	uint8_t blob[512];
	struct bk_error err = {0};
	char msg[1200];
	/* [1] FUNC f -> [3]; [2] int; [3] FUNC_PROTO int (void) */
	uint32_t fwd[] = {5, INFO(12, 1), 3, 1, INFO(1, 0), 4, 32 | (1u << 24), 0, INFO(13, 0), 2};
	size_t n = make_blob(blob, fwd, 10, strs, sizeof(strs));
	assert_int_equal(parse_bytes(blob, n, NULL, &err), 0);
	fwd[2] = 2; /* forward, to the int */
	n = make_blob(blob, fwd, 10, strs, sizeof(strs));
	assert_int_equal(parse_bytes(blob, n, NULL, &err), -EINVAL);
	assert_string_equal(bk_error_str(&err, msg, sizeof(msg)),
			    "x.btf: [1] FUNC 'f': type_id 2 is not a FUNC_PROTO");
	/* [1] int; [2] FUNC f -> [1] (back, not a FUNC_PROTO); [3] PTR -> 99 */
	uint32_t two[] = {1, INFO(1, 0), 4, 32 | (1u << 24), 5, INFO(12, 1), 1, 0, INFO(2, 0), 99};
	n = make_blob(blob, two, 10, strs, sizeof(strs));
	assert_int_equal(parse_bytes(blob, n, NULL, &err), -EINVAL);
	assert_string_equal(bk_error_str(&err, msg, sizeof(msg)),
			    "x.btf: [2] FUNC 'f': type_id 1 is not a FUNC_PROTO");
	/* the same two faults the other way round: [2] PTR -> 99; [3] FUNC -> [1] */
	uint32_t rev[] = {1, INFO(1, 0), 4, 32 | (1u << 24), 0, INFO(2, 0), 99, 5, INFO(12, 1), 1};
	n = make_blob(blob, rev, 10, strs, sizeof(strs));
	assert_int_equal(parse_bytes(blob, n, NULL, &err), -EINVAL);
	assert_int_equal(err.type_id, 2);
	assert_int_equal(err.reason, BK_E_TYPE_ID);
	assert_non_null(strstr(err.msg, "type_id 99 out of range (last is 3)"));
}

/* A split blob read on the wrong (too small) base is refused, not misread. */
static void test_split_on_wrong_base(void **state)
{
	(void)state;
	size_t len, blen;
	char *split = bkt_read(bkt_module("6.1.0-47-amd64", "kernel/drivers/net/dummy"), &len);
	char *small = bkt_read(bkt_golden("examples/doc_base.btf"), &blen);
	struct bk_error err = {0};
	struct bk_btf *base = NULL;
	assert_int_equal(bk_btf_parse(small, blen, NULL, "doc_base.btf", &base, &err), 0);
	assert_true(parse_bytes(split, len, base, &err) < 0);
	assert_true(err.reason == BK_E_TYPE_ID || err.reason == BK_E_STR_OFF);
	assert_true(err.type_id >= bk_btf_type_cnt(base));
	/* and read as base BTF, it is told apart from base BTF */
	assert_true(parse_bytes(split, len, NULL, &err) < 0);
	bk_btf_free(base);
	free(split);
	free(small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmlinux_write_back),
		cmocka_unit_test(test_vmlinux_type_counts),
		cmocka_unit_test(test_modules_61_write_back),
		cmocka_unit_test(test_modules_612_write_back),
		cmocka_unit_test(test_byte_order_round_trip),
		cmocka_unit_test(test_golden_big_endian_split),
		cmocka_unit_test(test_layout_header),
		cmocka_unit_test(test_field_iterators_match_bpftool),
		cmocka_unit_test(test_string_iterator),
		cmocka_unit_test(test_name_index_matches_scan),
		cmocka_unit_test(test_split_lookup),
		cmocka_unit_test(test_strings_dedup),
		cmocka_unit_test(test_strings_dedup_many),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_header_fields_corrupted),
		cmocka_unit_test(test_ids_and_names_out_of_range),
		cmocka_unit_test(test_func_checks_in_order),
		cmocka_unit_test(test_split_on_wrong_base),
	};
	return cmocka_run_group_tests_name("btf model", tests, NULL, NULL);
}
