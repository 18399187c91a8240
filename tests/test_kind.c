// SPDX-License-Identifier: MIT
/*
 * The kind table's groups and bpftool's words, held against the lists the
 * kernel and libbpf write out by hand (btf_type_is_modifier, btf_is_composite,
 * btf_type_nosize, btf_type_is_resolve_source_only...; bpftool's btf.c).
 * An internal test: it sees src/ on purpose.
 */
#include "support.h"

#include <string.h>

#include "core/btf_internal.h"
#include "core/vocab.h"

#define K(x) (1u << BK_KIND_##x)

struct group {
	const char *name;
	bool (*is)(unsigned kind);
	uint32_t kinds; /* bit per kind */
};

static const struct group groups[] = {
	{"composite", bk_kind_is_composite, K(STRUCT) | K(UNION)},
	{"modifier", bk_kind_is_modifier,
	 K(TYPEDEF) | K(VOLATILE) | K(CONST) | K(RESTRICT) | K(TYPE_TAG)},
	{"enum", bk_kind_is_enum, K(ENUM) | K(ENUM64)},
	{"sized", bk_kind_is_sized,
	 K(INT) | K(STRUCT) | K(UNION) | K(ENUM) | K(DATASEC) | K(FLOAT) | K(ENUM64)},
	{"nosize", bk_kind_is_nosize, K(FWD) | K(FUNC) | K(FUNC_PROTO) | K(DECL_TAG)},
	{"decl", bk_kind_is_decl, K(FUNC) | K(VAR) | K(DATASEC) | K(DECL_TAG)},
	{"source-only", bk_kind_is_source_only, K(VAR) | K(DATASEC) | K(DECL_TAG)},
	{"resolved", bk_kind_is_resolved,
	 K(TYPEDEF) | K(VOLATILE) | K(CONST) | K(RESTRICT) | K(TYPE_TAG) | K(STRUCT) | K(UNION) |
		 K(PTR) | K(ARRAY) | K(VAR) | K(FUNC) | K(DECL_TAG) | K(DATASEC)},
	{"taggable", bk_kind_is_taggable, K(STRUCT) | K(UNION) | K(TYPEDEF) | K(FUNC) | K(VAR)},
	{"distilled", bk_kind_is_distilled,
	 K(INT) | K(FLOAT) | K(ENUM) | K(STRUCT) | K(UNION) | K(FWD)},
	/* every kind but the anonymous-only PTR, ARRAY, qualifiers, FUNC_PROTO */
	{"named", bk_kind_is_named,
	 K(INT) | K(STRUCT) | K(UNION) | K(ENUM) | K(FWD) | K(TYPEDEF) | K(FUNC) | K(VAR) |
		 K(DATASEC) | K(FLOAT) | K(DECL_TAG) | K(TYPE_TAG) | K(ENUM64)},
};

static void test_groups(void **state)
{
	(void)state;
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (unsigned k = 0; k < 128; k++) { /* bits 24-30 of info */
			bool want = k < BK_NR_KINDS && (groups[g].kinds >> k & 1);
			if (groups[g].is(k) != want)
				fail_msg("kind %u (%s): %s is %d", k, bk_kind_name(k), groups[g].name,
					 !want);
		}
}

static void test_words(void **state)
{
	(void)state;
	const char *enc[] = {"(none)", "SIGNED", "CHAR", "UNKN", "BOOL", "UNKN", "UNKN", "UNKN",
			     "UNKN"};
	for (uint32_t e = 0; e < sizeof(enc) / sizeof(enc[0]); e++)
		assert_string_equal(bk_int_enc_word(e), enc[e]);
	assert_string_equal(bk_linkage_word(0), "static");
	assert_string_equal(bk_linkage_word(2), "extern");
	assert_string_equal(bk_linkage_word(3), "(unknown)");
	assert_string_equal(bk_fwd_kind_word(true), "union");
	assert_string_equal(bk_enum_sign_word(false), "UNSIGNED");
	assert_string_equal(bk_kind_word(BK_KIND_UNKN), "UNKNOWN");
	assert_string_equal(bk_kind_word(BK_NR_KINDS), "UNKNOWN");
	assert_string_equal(bk_kind_word(BK_KIND_TYPE_TAG), "TYPE_TAG");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
