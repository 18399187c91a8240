// SPDX-License-Identifier: MIT
/*
 * btfkit diff. Crafted pairs, written in bpftool's text and assembled, show
 * each kind of change record; then the corpus kernels: 6.1.0-47 -> 6.1.0-56
 * (struct device gains `flags` at byte 744 and 86 types shift with it; the
 * modules that embed it), 6.1.0-47 -> 6.12.117 (`char` loses SIGNED: one
 * record), every kernel against itself (nothing), and every pair swapped
 * (the inverse records). The CLI's exit status, JSON Lines and text last.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* ---- helpers ------------------------------------------------------------------ */

static struct bk_btf *asm_text(const char *text, const struct bk_btf *base)
{
	struct bk_error err;
	struct bk_btf *btf = NULL;
	char msg[1200];
	if (bk_asm(text, strlen(text), base, "crafted", &btf, &err))
		fail_msg("asm: %s\n%s", bk_error_str(&err, msg, sizeof(msg)), text);
	return btf;
}

static struct bk_diff_result *diff_btf(const struct bk_btf *a, const struct bk_btf *b)
{
	BK_OPTS(bk_diff_opts, opts);
	struct bk_diff_result *res = NULL;
	struct bk_error err;
	char msg[1200];
	if (bk_diff(a, b, &opts, &res, &err))
		fail_msg("diff: %s", bk_error_str(&err, msg, sizeof(msg)));
	return res;
}

static const struct bk_diff_record *find_rec(const struct bk_diff_result *r,
					     enum bk_diff_class cls, const char *name)
{
	for (size_t i = 0; i < r->nr_records; i++)
		if (r->records[i].cls == cls && !strcmp(r->records[i].name, name))
			return &r->records[i];
	fail_msg("no record for %s %s", bk_diff_class_name(cls), name);
	return NULL;
}

static const struct bk_diff_change *find_change(const struct bk_diff_record *r,
						enum bk_diff_what w, const char *name)
{
	for (size_t i = 0; i < r->nr_changes; i++)
		if (r->changes[i].what == w && (!name || !strcmp(r->changes[i].name, name)))
			return &r->changes[i];
	fail_msg("%s %s: no %s change%s%s", bk_diff_class_name(r->cls), r->name,
		 bk_diff_what_name(w), name ? " of " : "", name ? name : "");
	return NULL;
}

static bool has_change(const struct bk_diff_record *r, enum bk_diff_what w)
{
	for (size_t i = 0; i < r->nr_changes; i++)
		if (r->changes[i].what == w)
			return true;
	return false;
}

static enum bk_diff_what inverse_what(enum bk_diff_what w)
{
	switch (w) {
	case BK_DIFF_MEMBER_ADDED: return BK_DIFF_MEMBER_REMOVED;
	case BK_DIFF_MEMBER_REMOVED: return BK_DIFF_MEMBER_ADDED;
	case BK_DIFF_ENUMERATOR_ADDED: return BK_DIFF_ENUMERATOR_REMOVED;
	case BK_DIFF_ENUMERATOR_REMOVED: return BK_DIFF_ENUMERATOR_ADDED;
	case BK_DIFF_PARAM_ADDED: return BK_DIFF_PARAM_REMOVED;
	case BK_DIFF_PARAM_REMOVED: return BK_DIFF_PARAM_ADDED;
	default: return w;
	}
}

static size_t count_what(const struct bk_diff_record *r, enum bk_diff_what w)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nr_changes; i++)
		n += r->changes[i].what == w;
	return n;
}

/* OLD/NEW swapped: the same keys, added <-> removed, sizes swapped, and
 * each change kind as often as its inverse was */
static void assert_inverse(const struct bk_diff_result *ab, const struct bk_diff_result *ba)
{
	assert_int_equal(ab->nr_records, ba->nr_records);
	for (size_t i = 0; i < ab->nr_records; i++) {
		const struct bk_diff_record *x = &ab->records[i], *y = &ba->records[i];
		if (x->cls != y->cls || strcmp(x->name, y->name))
			fail_msg("record %zu: %s %s vs %s %s", i, bk_diff_class_name(x->cls), x->name,
				 bk_diff_class_name(y->cls), y->name);
		enum bk_diff_op inv = x->op == BK_DIFF_ADDED     ? BK_DIFF_REMOVED
				      : x->op == BK_DIFF_REMOVED ? BK_DIFF_ADDED
								 : BK_DIFF_CHANGED;
		if (y->op != inv || x->old_size != y->new_size || x->new_size != y->old_size)
			fail_msg("%s %s: not the inverse", bk_diff_class_name(x->cls), x->name);
		for (int w = 0; w < BK_DIFF_NR_WHATS; w++) {
			if (w == BK_DIFF_MEMBER_MOVED || w == BK_DIFF_MEMBER_RENAMED)
				continue; /* runs and pairings are counted in each side's order */
			if (count_what(x, w) != count_what(y, inverse_what(w)))
				fail_msg("%s %s: %zu %s, swapped %zu %s", bk_diff_class_name(x->cls),
					 x->name, count_what(x, w), bk_diff_what_name(w),
					 count_what(y, inverse_what(w)),
					 bk_diff_what_name(inverse_what(w)));
		}
		assert_int_equal(has_change(x, BK_DIFF_MEMBER_MOVED), has_change(y, BK_DIFF_MEMBER_MOVED));
		assert_int_equal(x->shifted_by >= 0, y->shifted_by >= 0);
	}
}

struct pair {
	struct bk_btf *a, *b;
	struct bk_diff_result *ab, *ba;
};

/* diff both ways, check the inverse, keep OLD -> NEW */
static struct pair diff_texts(const char *old_text, const char *new_text)
{
	struct pair p = {asm_text(old_text, NULL), asm_text(new_text, NULL), NULL, NULL};
	p.ab = diff_btf(p.a, p.b);
	p.ba = diff_btf(p.b, p.a);
	assert_inverse(p.ab, p.ba);
	return p;
}

static void pair_free(struct pair *p)
{
	bk_diff_free(p->ab);
	bk_diff_free(p->ba);
	bk_btf_free(p->a);
	bk_btf_free(p->b);
}

#define INTS                                                                        \
	"[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"           \
	"[2] INT 'long' size=8 bits_offset=0 nr_bits=64 encoding=SIGNED\n"          \
	"[3] INT 'char' size=1 bits_offset=0 nr_bits=8 encoding=SIGNED\n"           \
	"[4] TYPEDEF 'long_t' type_id=2\n"

/* ---- structs ------------------------------------------------------------------- */

static void test_struct_members(void **state)
{
	(void)state;
	struct pair p = diff_texts(
		INTS "[5] STRUCT 's' size=40 vlen=7\n"
		"\t'a' type_id=1 bits_offset=0\n"
		"\t'gone' type_id=1 bits_offset=32\n"
		"\t'b' type_id=2 bits_offset=64\n"
		"\t'c' type_id=2 bits_offset=128\n"
		"\t'd' type_id=2 bits_offset=192\n"
		"\t'w' type_id=1 bits_offset=256\n"
		"\t'bits' type_id=1 bits_offset=288 bitfield_size=3\n",
		INTS "[5] STRUCT 's' size=48 vlen=8\n"
		"\t'a' type_id=2 bits_offset=0\n"
		"\t'b' type_id=4 bits_offset=64\n"
		"\t'new' type_id=2 bits_offset=128\n"
		"\t'c' type_id=2 bits_offset=192\n"
		"\t'd' type_id=2 bits_offset=256\n"
		"\t'w2' type_id=1 bits_offset=320\n"
		"\t'bits' type_id=1 bits_offset=352 bitfield_size=5\n"
		"\t'pad' type_id=3 bits_offset=384\n");
	const struct bk_diff_record *r = find_rec(p.ab, BK_DIFF_STRUCT, "s");
	assert_int_equal(r->op, BK_DIFF_CHANGED);
	assert_int_equal(r->severity, BK_DIFF_BREAKING);
	assert_int_equal(r->old_size, 40);
	assert_int_equal(r->new_size, 48);
	assert_true(r->shifted_by < 0);
	const struct bk_diff_change *c = find_change(r, BK_DIFF_SIZE, NULL);
	assert_int_equal(c->old_val, 40);
	c = find_change(r, BK_DIFF_MEMBER_ADDED, "new");
	assert_string_equal(c->new_text, "long");
	assert_int_equal(c->new_val, 128);
	assert_int_equal(c->new_size, 64);
	assert_int_equal(c->severity, BK_DIFF_COMPATIBLE);
	c = find_change(r, BK_DIFF_MEMBER_REMOVED, "gone");
	assert_int_equal(c->old_val, 32);
	assert_int_equal(c->severity, BK_DIFF_BREAKING);
	/* int -> long: another size */
	c = find_change(r, BK_DIFF_MEMBER_RETYPED, "a");
	assert_string_equal(c->old_text, "int");
	assert_string_equal(c->new_text, "long");
	assert_int_equal(c->old_size, 4);
	assert_int_equal(c->new_size, 8);
	assert_int_equal(c->severity, BK_DIFF_BREAKING);
	/* long -> long_t: the same type spelt through a typedef */
	c = find_change(r, BK_DIFF_MEMBER_RETYPED, "b");
	assert_string_equal(c->new_text, "long_t");
	assert_int_equal(c->severity, BK_DIFF_COSMETIC);
	c = find_change(r, BK_DIFF_MEMBER_BITFIELD, "bits");
	assert_int_equal(c->old_val, 3);
	assert_int_equal(c->new_val, 5);
	/* c and d moved by +64 together: one change; w renamed at its new place
	 * does not count (offset differs), so it is removed + added */
	c = find_change(r, BK_DIFF_MEMBER_MOVED, "c");
	assert_string_equal(c->name2, "d");
	assert_int_equal(c->count, 2);
	assert_int_equal(c->delta, 64);
	find_change(r, BK_DIFF_MEMBER_REMOVED, "w");
	find_change(r, BK_DIFF_MEMBER_ADDED, "w2");
	find_change(r, BK_DIFF_MEMBER_MOVED, "bits");
	pair_free(&p);
}

static void test_struct_renamed_and_padding(void **state)
{
	(void)state;
	struct pair p = diff_texts(INTS "[5] STRUCT 'cfs_rq' size=16 vlen=2\n"
				   "\t'load' type_id=2 bits_offset=0\n"
				   "\t'nr_running' type_id=1 bits_offset=64\n",
				   INTS "[5] STRUCT 'cfs_rq' size=16 vlen=3\n"
				   "\t'load' type_id=2 bits_offset=0\n"
				   "\t'nr_queued' type_id=1 bits_offset=64\n"
				   "\t'spare' type_id=1 bits_offset=96\n");
	const struct bk_diff_record *r = find_rec(p.ab, BK_DIFF_STRUCT, "cfs_rq");
	const struct bk_diff_change *c = find_change(r, BK_DIFF_MEMBER_RENAMED, "nr_running");
	assert_string_equal(c->name2, "nr_queued");
	assert_string_equal(c->old_text, "int");
	find_change(r, BK_DIFF_MEMBER_ADDED, "spare");
	assert_false(has_change(r, BK_DIFF_SIZE));
	/* a member added into padding, no offset moved: compatible */
	assert_int_equal(r->severity, BK_DIFF_COMPATIBLE);
	assert_int_equal(r->nr_changes, 2);
	pair_free(&p);
}

/* an unnamed anonymous union is folded into its owner (absolute offsets, no
 * path step); a named member of anonymous type gets a path; moving into
 * an anonymous union at the same offset is regrouping */
static void test_anonymous_members(void **state)
{
	(void)state;
	struct pair p = diff_texts(
		INTS "[5] STRUCT 'sock' size=24 vlen=3\n"
		"\t'head' type_id=2 bits_offset=0\n"
		"\t'sk_timer' type_id=2 bits_offset=64\n"
		"\t'ws' type_id=6 bits_offset=128\n"
		"[6] STRUCT '(anon)' size=8 vlen=2\n"
		"\t'flags' type_id=1 bits_offset=0\n"
		"\t'count' type_id=1 bits_offset=32\n",
		INTS "[5] STRUCT 'sock' size=24 vlen=3\n"
		"\t'head' type_id=2 bits_offset=0\n"
		"\t'(anon)' type_id=7 bits_offset=64\n"
		"\t'ws' type_id=6 bits_offset=128\n"
		"[6] STRUCT '(anon)' size=8 vlen=2\n"
		"\t'count' type_id=1 bits_offset=0\n"
		"\t'flags' type_id=1 bits_offset=32\n"
		"[7] UNION '(anon)' size=8 vlen=2\n"
		"\t'sk_timer' type_id=2 bits_offset=0\n"
		"\t'mptcp_timer' type_id=2 bits_offset=0\n");
	const struct bk_diff_record *r = find_rec(p.ab, BK_DIFF_STRUCT, "sock");
	assert_int_equal(find_change(r, BK_DIFF_MEMBER_REGROUPED, "sk_timer")->severity,
			 BK_DIFF_COSMETIC);
	const struct bk_diff_change *c = find_change(r, BK_DIFF_MEMBER_ADDED, "mptcp_timer");
	assert_int_equal(c->new_val, 64);
	c = find_change(r, BK_DIFF_MEMBER_MOVED, "ws.flags");
	assert_int_equal(c->old_val, 128);
	assert_int_equal(c->new_val, 160);
	find_change(r, BK_DIFF_MEMBER_MOVED, "ws.count");
	/* no record of its own for an anonymous struct or union */
	assert_int_equal(p.ab->nr_records, 1);
	pair_free(&p);
}

/* typedef struct {...} foo_t is keyed by the typedef; an anonymous enum by
 * its first enumerator */
static void test_anonymous_keys(void **state)
{
	(void)state;
	struct pair p = diff_texts(INTS "[5] STRUCT '(anon)' size=4 vlen=1\n"
				   "\t'x' type_id=1 bits_offset=0\n"
				   "[6] TYPEDEF 'foo_t' type_id=5\n"
				   "[7] ENUM '(anon)' encoding=UNSIGNED size=4 vlen=2\n"
				   "\t'FIRST_A' val=0\n"
				   "\t'SECOND' val=1\n",
				   INTS "[5] ENUM '(anon)' encoding=UNSIGNED size=4 vlen=3\n"
				   "\t'FIRST_A' val=0\n"
				   "\t'SECOND' val=2\n"
				   "\t'THIRD' val=3\n"
				   "[6] STRUCT '(anon)' size=8 vlen=2\n"
				   "\t'x' type_id=1 bits_offset=0\n"
				   "\t'y' type_id=1 bits_offset=32\n"
				   "[7] TYPEDEF 'foo_t' type_id=6\n");
	const struct bk_diff_record *r = find_rec(p.ab, BK_DIFF_STRUCT, "foo_t");
	assert_true(r->anon);
	assert_int_equal(r->new_size, 8);
	find_change(r, BK_DIFF_MEMBER_ADDED, "y");
	r = find_rec(p.ab, BK_DIFF_ENUM, "FIRST_A");
	assert_true(r->anon);
	const struct bk_diff_change *c = find_change(r, BK_DIFF_ENUMERATOR_VALUE, "SECOND");
	assert_int_equal(c->old_val, 1);
	assert_int_equal(c->new_val, 2);
	assert_int_equal(find_change(r, BK_DIFF_ENUMERATOR_ADDED, "THIRD")->severity,
			 BK_DIFF_COMPATIBLE);
	/* the typedef's target text is "struct {...}" on both sides: no record */
	assert_int_equal(p.ab->nr_records, 2);
	pair_free(&p);
}

static void test_enums(void **state)
{
	(void)state;
	struct pair p = diff_texts(INTS "[5] ENUM 'e' encoding=UNSIGNED size=4 vlen=2\n"
				   "\t'E_A' val=1\n"
				   "\t'E_OLD' val=2\n"
				   "[6] ENUM 'wide' encoding=UNSIGNED size=4 vlen=1\n"
				   "\t'W' val=1\n",
				   INTS "[5] ENUM 'e' encoding=SIGNED size=4 vlen=1\n"
				   "\t'E_A' val=1\n"
				   "[6] ENUM64 'wide' encoding=UNSIGNED size=8 vlen=1\n"
				   "\t'W' val=1ULL\n");
	const struct bk_diff_record *r = find_rec(p.ab, BK_DIFF_ENUM, "e");
	const struct bk_diff_change *c = find_change(r, BK_DIFF_ENUM_SIGNED, NULL);
	assert_int_equal(c->old_val, 0);
	assert_int_equal(c->new_val, 1);
	assert_int_equal(find_change(r, BK_DIFF_ENUMERATOR_REMOVED, "E_OLD")->severity,
			 BK_DIFF_BREAKING);
	/* ENUM and ENUM64 are one class: the change is its size */
	r = find_rec(p.ab, BK_DIFF_ENUM, "wide");
	assert_int_equal(find_change(r, BK_DIFF_SIZE, NULL)->new_val, 8);
	assert_int_equal(r->nr_changes, 1);
	pair_free(&p);
}

/* ---- functions, typedefs, vars, ints, declarations ----------------------------------- */

#define PROTOS                                                                      \
	"[5] STRUCT 'device' size=8 vlen=1\n"                                       \
	"\t'x' type_id=2 bits_offset=0\n"                                           \
	"[6] PTR '(anon)' type_id=5\n"

static void test_functions(void **state)
{
	(void)state;
	struct pair p = diff_texts(
		INTS PROTOS "[7] FUNC_PROTO '(anon)' ret_type_id=1 vlen=2\n"
		"\t'dev' type_id=6\n"
		"\t'n' type_id=1\n"
		"[8] FUNC 'probe' type_id=7 linkage=global\n"
		"[9] FUNC_PROTO '(anon)' ret_type_id=1 vlen=1\n"
		"\t'dev' type_id=6\n"
		"[10] FUNC 'rename_only' type_id=9 linkage=static\n"
		"[11] FUNC_PROTO '(anon)' ret_type_id=2 vlen=1\n"
		"\t'__unused' type_id=6\n"
		"[12] FUNC '__ia32_sys_x' type_id=11 linkage=static\n"
		"[13] FUNC_PROTO '(anon)' ret_type_id=2 vlen=1\n"
		"\t'regs' type_id=6\n"
		"[14] FUNC '__ia32_sys_x' type_id=13 linkage=static\n"
		"[15] FUNC 'gone' type_id=9 linkage=global\n",
		INTS PROTOS "[7] FUNC_PROTO '(anon)' ret_type_id=2 vlen=3\n"
		"\t'dev' type_id=6\n"
		"\t'n' type_id=2\n"
		"\t'flags' type_id=1\n"
		"[8] FUNC 'probe' type_id=7 linkage=global\n"
		"[9] FUNC_PROTO '(anon)' ret_type_id=1 vlen=1\n"
		"\t'd' type_id=6\n"
		"[10] FUNC 'rename_only' type_id=9 linkage=static\n"
		"[11] FUNC_PROTO '(anon)' ret_type_id=2 vlen=1\n"
		"\t'regs' type_id=6\n"
		"[12] FUNC '__ia32_sys_x' type_id=11 linkage=static\n");
	const struct bk_diff_record *r = find_rec(p.ab, BK_DIFF_FUNC, "probe");
	assert_int_equal(r->severity, BK_DIFF_BREAKING);
	assert_string_equal(r->old_text, "int probe(struct device *dev, int n)");
	assert_string_equal(r->new_text, "long probe(struct device *dev, long n, int flags)");
	const struct bk_diff_change *c = find_change(r, BK_DIFF_RETURN, NULL);
	assert_string_equal(c->old_text, "int");
	c = find_change(r, BK_DIFF_PARAM_RETYPED, "n");
	assert_int_equal(c->index, 1);
	c = find_change(r, BK_DIFF_PARAM_ADDED, "flags");
	assert_int_equal(c->index, 2);
	r = find_rec(p.ab, BK_DIFF_FUNC, "rename_only");
	assert_int_equal(r->severity, BK_DIFF_COSMETIC);
	c = find_change(r, BK_DIFF_PARAM_NAME, "dev");
	assert_string_equal(c->name2, "d");
	/* two definitions differing in parameter names only are one function,
	 * and one of them is the new one: no record */
	for (size_t i = 0; i < p.ab->nr_records; i++)
		assert_string_not_equal(p.ab->records[i].name, "__ia32_sys_x");
	r = find_rec(p.ab, BK_DIFF_FUNC, "gone");
	assert_int_equal(r->op, BK_DIFF_REMOVED);
	assert_string_equal(r->old_text, "int gone(struct device *dev)");
	pair_free(&p);
}

static void test_typedef_var_int_fwd(void **state)
{
	(void)state;
	struct pair p = diff_texts(INTS "[5] TYPEDEF 'size_t' type_id=1\n"
				   "[6] VAR 'jiffies' type_id=1, linkage=global\n"
				   "[7] STRUCT 'opaque' size=4 vlen=1\n"
				   "\t'x' type_id=1 bits_offset=0\n"
				   "[8] TYPEDEF 'spelt' type_id=2\n"
				   "[9] FWD 'later' fwd_kind=struct\n",
				   "[1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"
				   "[2] INT 'long' size=8 bits_offset=0 nr_bits=64 encoding=SIGNED\n"
				   "[3] INT 'char' size=1 bits_offset=0 nr_bits=8 encoding=(none)\n"
				   "[4] TYPEDEF 'long_t' type_id=2\n"
				   "[5] TYPEDEF 'size_t' type_id=2\n"
				   "[6] VAR 'jiffies' type_id=2, linkage=global\n"
				   "[7] FWD 'opaque' fwd_kind=struct\n"
				   "[8] TYPEDEF 'spelt' type_id=4\n"
				   "[9] STRUCT 'later' size=8 vlen=1\n"
				   "\t'y' type_id=2 bits_offset=0\n");
	const struct bk_diff_record *r = find_rec(p.ab, BK_DIFF_TYPEDEF, "size_t");
	const struct bk_diff_change *c = find_change(r, BK_DIFF_TARGET, NULL);
	assert_string_equal(c->old_text, "int");
	assert_string_equal(c->new_text, "long");
	assert_int_equal(c->severity, BK_DIFF_BREAKING);
	r = find_rec(p.ab, BK_DIFF_TYPEDEF, "spelt");
	assert_int_equal(find_change(r, BK_DIFF_TARGET, NULL)->severity, BK_DIFF_COSMETIC);
	r = find_rec(p.ab, BK_DIFF_VAR, "jiffies");
	assert_string_equal(find_change(r, BK_DIFF_VAR_TYPE, NULL)->new_text, "long");
	/* char losing SIGNED is one record of the INT */
	r = find_rec(p.ab, BK_DIFF_INT, "char");
	c = find_change(r, BK_DIFF_ENCODING, NULL);
	assert_int_equal(c->old_val, BK_INT_SIGNED);
	assert_int_equal(c->new_val, 0);
	assert_int_equal(r->nr_changes, 1);
	/* a FWD goes with its struct: lost / gained the definition */
	r = find_rec(p.ab, BK_DIFF_STRUCT, "opaque");
	assert_int_equal(r->op, BK_DIFF_CHANGED);
	assert_int_equal(find_change(r, BK_DIFF_DEFINITION, NULL)->new_val, 0);
	assert_int_equal(r->severity, BK_DIFF_BREAKING);
	r = find_rec(p.ab, BK_DIFF_STRUCT, "later");
	assert_int_equal(find_change(r, BK_DIFF_DEFINITION, NULL)->new_val, 1);
	pair_free(&p);
}

/* ---- several definitions, cause --------------------------------------------------------- */

static void test_variants(void **state)
{
	(void)state;
	struct pair p = diff_texts(INTS "[5] STRUCT 'dup' size=4 vlen=1\n"
				   "\t'a' type_id=1 bits_offset=0\n"
				   "[6] STRUCT 'dup' size=8 vlen=1\n"
				   "\t'b' type_id=2 bits_offset=0\n"
				   "[7] STRUCT 'dup' size=4 vlen=1\n"
				   "\t'a' type_id=1 bits_offset=0\n",
				   INTS "[5] STRUCT 'dup' size=8 vlen=2\n"
				   "\t'b' type_id=2 bits_offset=0\n"
				   "\t'c' type_id=1 bits_offset=0\n");
	const struct bk_diff_record *r = find_rec(p.ab, BK_DIFF_STRUCT, "dup");
	/* three definitions, two equal: 2 -> 1, paired with the closest */
	assert_int_equal(r->old_variants, 2);
	assert_int_equal(r->new_variants, 1);
	assert_int_equal(r->old_size, 8);
	assert_int_equal(r->nr_changes, 1);
	find_change(r, BK_DIFF_MEMBER_ADDED, "c");
	pair_free(&p);
}

static void test_shifted(void **state)
{
	(void)state;
	struct pair p = diff_texts(INTS "[5] STRUCT 'inner' size=8 vlen=1\n"
				   "\t'x' type_id=2 bits_offset=0\n"
				   "[6] STRUCT 'outer' size=16 vlen=2\n"
				   "\t'in' type_id=5 bits_offset=0\n"
				   "\t'after' type_id=2 bits_offset=64\n"
				   "[7] TYPEDEF 'outer_t' type_id=6\n"
				   "[8] ARRAY '(anon)' type_id=7 index_type_id=1 nr_elems=2\n"
				   "[9] STRUCT 'top' size=40 vlen=2\n"
				   "\t'o' type_id=8 bits_offset=0\n"
				   "\t'z' type_id=2 bits_offset=256\n"
				   "[10] STRUCT 'own' size=16 vlen=2\n"
				   "\t'in' type_id=5 bits_offset=0\n"
				   "\t'after' type_id=2 bits_offset=64\n",
				   INTS "[5] STRUCT 'inner' size=16 vlen=2\n"
				   "\t'x' type_id=2 bits_offset=0\n"
				   "\t'flags' type_id=2 bits_offset=64\n"
				   "[6] STRUCT 'outer' size=24 vlen=2\n"
				   "\t'in' type_id=5 bits_offset=0\n"
				   "\t'after' type_id=2 bits_offset=128\n"
				   "[7] TYPEDEF 'outer_t' type_id=6\n"
				   "[8] ARRAY '(anon)' type_id=7 index_type_id=1 nr_elems=2\n"
				   "[9] STRUCT 'top' size=56 vlen=2\n"
				   "\t'o' type_id=8 bits_offset=0\n"
				   "\t'z' type_id=2 bits_offset=384\n"
				   "[10] STRUCT 'own' size=24 vlen=3\n"
				   "\t'in' type_id=5 bits_offset=0\n"
				   "\t'new' type_id=1 bits_offset=64\n"
				   "\t'after' type_id=2 bits_offset=128\n");
	const struct bk_diff_result *res = p.ab;
	const struct bk_diff_record *inner = find_rec(res, BK_DIFF_STRUCT, "inner");
	const struct bk_diff_record *outer = find_rec(res, BK_DIFF_STRUCT, "outer");
	const struct bk_diff_record *top = find_rec(res, BK_DIFF_STRUCT, "top");
	const struct bk_diff_record *own = find_rec(res, BK_DIFF_STRUCT, "own");
	int64_t i_inner = inner - res->records, i_outer = outer - res->records;
	assert_int_equal(inner->shifted_by, -1);
	assert_int_equal(inner->root, i_inner);
	assert_int_equal(inner->nr_shifted, 2);
	assert_int_equal(outer->shifted_by, i_inner);
	/* through a typedef and an array */
	assert_int_equal(top->shifted_by, i_outer);
	assert_int_equal(top->root, i_inner);
	/* a member of its own added: a root of its own */
	assert_int_equal(own->shifted_by, -1);
	assert_int_equal(res->nr_roots, 2);
	assert_int_equal(res->nr_shifted, 2);
	pair_free(&p);
}

/* split BTF: two builds of one module on two bases */
static void test_split(void **state)
{
	(void)state;
	struct bk_btf *ba = asm_text(INTS, NULL), *bb = asm_text(INTS, NULL);
	struct bk_btf *a = asm_text("[5] STRUCT 'mod_priv' size=4 vlen=1\n"
				    "\t'n' type_id=1 bits_offset=0\n",
				    ba);
	struct bk_btf *b = asm_text("[5] STRUCT 'mod_priv' size=8 vlen=1\n"
				    "\t'n' type_id=4 bits_offset=0\n",
				    bb);
	struct bk_diff_result *r = diff_btf(a, b);
	assert_int_equal(r->nr_records, 1);
	const struct bk_diff_change *c =
		find_change(find_rec(r, BK_DIFF_STRUCT, "mod_priv"), BK_DIFF_MEMBER_RETYPED, "n");
	assert_string_equal(c->new_text, "long_t");
	assert_int_equal(c->severity, BK_DIFF_BREAKING);
	bk_diff_free(r);
	bk_btf_free(a);
	bk_btf_free(b);
	bk_btf_free(ba);
	bk_btf_free(bb);
}

/* type texts: pointers, qualifiers, arrays and function pointers */
static void test_type_texts(void **state)
{
	(void)state;
	struct pair p = diff_texts(INTS "[5] STRUCT 't' size=8 vlen=1\n"
				   "\t'a' type_id=1 bits_offset=0\n",
				   INTS "[5] STRUCT 't' size=8 vlen=5\n"
				   "\t'a' type_id=1 bits_offset=0\n"
				   "\t'p' type_id=7 bits_offset=0\n"
				   "\t'arr' type_id=9 bits_offset=0\n"
				   "\t'fn' type_id=11 bits_offset=0\n"
				   "\t'cp' type_id=12 bits_offset=0\n"
				   "[6] CONST '(anon)' type_id=3\n"
				   "[7] PTR '(anon)' type_id=6\n"
				   "[8] PTR '(anon)' type_id=5\n"
				   "[9] ARRAY '(anon)' type_id=8 index_type_id=1 nr_elems=4\n"
				   "[10] FUNC_PROTO '(anon)' ret_type_id=1 vlen=2\n"
				   "\t'(anon)' type_id=8\n"
				   "\t'(anon)' type_id=0\n"
				   "[11] PTR '(anon)' type_id=10\n"
				   "[12] CONST '(anon)' type_id=7\n");
	const struct bk_diff_record *r = find_rec(p.ab, BK_DIFF_STRUCT, "t");
	assert_string_equal(find_change(r, BK_DIFF_MEMBER_ADDED, "p")->new_text, "const char *");
	assert_string_equal(find_change(r, BK_DIFF_MEMBER_ADDED, "arr")->new_text, "struct t *[4]");
	assert_string_equal(find_change(r, BK_DIFF_MEMBER_ADDED, "fn")->new_text,
			    "int (*)(struct t *, ...)");
	assert_string_equal(find_change(r, BK_DIFF_MEMBER_ADDED, "cp")->new_text, "const char *const");
	pair_free(&p);
}

/* ---- bad input: bounded time and stack ----------------------------------------------- */

static uint32_t add_ref(struct bk_btf *b, unsigned kind, uint32_t to)
{
	struct bk_type t = {0, bk_info(kind, 0, 0), {.type = to}};
	int id = bk_btf_add_type(b, &t, sizeof(t));
	assert_true(id > 0);
	return (uint32_t)id;
}

/* an anonymous struct with two unnamed members of the one below it, 40 deep
 * (2^40 members if folded naively), a million-deep pointer chain, a cycle
 * of anonymous pointers: the diff ends, bounded */
static struct bk_btf *hostile(uint32_t size)
{
	struct bk_btf *b = bk_btf_new(NULL);
	struct {
		struct bk_type t;
		uint32_t enc;
	} i = {{(uint32_t)bk_btf_add_str(b, "int"), bk_info(BK_KIND_INT, 0, 0), {4}}, 32 | (1u << 24)};
	uint32_t prev = (uint32_t)bk_btf_add_type(b, &i.t, sizeof(i));
	for (int d = 0; d < 40; d++) {
		struct {
			struct bk_type t;
			struct bk_member m[2];
		} s = {{0, bk_info(BK_KIND_STRUCT, 2, 0), {8}}, {{0, prev, 0}, {0, prev, 0}}};
		prev = (uint32_t)bk_btf_add_type(b, &s.t, sizeof(s));
	}
	uint32_t chain = prev;
	for (int k = 0; k < 1000000; k++)
		chain = add_ref(b, BK_KIND_PTR, chain);
	uint32_t loop = add_ref(b, BK_KIND_PTR, 0);
	bk_btf_type_mut(b, loop)->type = add_ref(b, BK_KIND_PTR, loop);
	struct {
		struct bk_type t;
		struct bk_member m[3];
	} top = {{(uint32_t)bk_btf_add_str(b, "top"), bk_info(BK_KIND_STRUCT, 3, 0), {size}},
		 {{(uint32_t)bk_btf_add_str(b, "deep"), prev, 0},
		  {(uint32_t)bk_btf_add_str(b, "chain"), chain, 64},
		  {(uint32_t)bk_btf_add_str(b, "loop"), loop, 128}}};
	assert_true(bk_btf_add_type(b, &top.t, sizeof(top)) > 0);
	return b;
}

static void test_hostile(void **state)
{
	(void)state;
	struct bk_btf *a = hostile(24), *b = hostile(32);
	struct bk_diff_result *r = diff_btf(a, a);
	assert_int_equal(r->nr_records, 0);
	bk_diff_free(r);
	r = diff_btf(a, b);
	const struct bk_diff_record *top = find_rec(r, BK_DIFF_STRUCT, "top");
	assert_int_equal(find_change(top, BK_DIFF_SIZE, NULL)->new_val, 32);
	bk_diff_free(r);
	bk_btf_free(a);
	bk_btf_free(b);
}

/* ---- the corpus ------------------------------------------------------------------------- */

static const char *const kernels[] = {"6.1.0-47-amd64", "6.1.0-56-amd64", "6.12.107+deb12-amd64",
				      "6.12.117+deb12-amd64", "running"};

static void test_corpus_self(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
		struct bk_diff_result *r = diff_btf(bkt_vmlinux_btf(kernels[i]), bkt_vmlinux_btf(kernels[i]));
		if (r->nr_records)
			fail_msg("%s against itself: %zu records", kernels[i], r->nr_records);
		bk_diff_free(r);
	}
}

/* either byte order: a vmlinux written big-endian diffs empty against itself,
 * and an ELF module against the raw blob of its .BTF */
static void test_byte_order_and_elf(void **state)
{
	(void)state;
	const struct bk_btf *le = bkt_vmlinux_btf("6.1.0-56-amd64");
	BK_OPTS(bk_write_opts, wo, .endian = BK_ENDIAN_BIG);
	struct bk_error err;
	struct bk_btf *be = NULL;
	void *blob;
	size_t size;
	assert_int_equal(bk_btf_write(le, &wo, &blob, &size, &err), 0);
	assert_int_equal(bk_btf_parse(blob, size, NULL, "be", &be, &err), 0);
	free(blob);
	assert_true(bk_btf_big_endian(be));
	struct bk_diff_result *r = diff_btf(be, le);
	assert_int_equal(r->nr_records, 0);
	bk_diff_free(r);
	r = diff_btf(bkt_vmlinux_btf("6.1.0-47-amd64"), be);
	assert_int_equal(find_rec(r, BK_DIFF_STRUCT, "device")->new_size, 752);
	bk_diff_free(r);
	bk_btf_free(be);
	const char *base = bkt_vmlinux("6.1.0-47-amd64");
	assert_int_equal(bkt_cmd("%s diff -B %s %s %s >/dev/null", bkt_tool(), base,
				 bkt_shared("corpus/ko/tcp_bbr.ko"),
				 bkt_module("6.1.0-47-amd64", "kernel/net/ipv4/tcp_bbr")), 0);
}

static void test_corpus_6_1_device(void **state)
{
	(void)state;
	const struct bk_btf *a = bkt_vmlinux_btf("6.1.0-47-amd64"), *b = bkt_vmlinux_btf("6.1.0-56-amd64");
	struct bk_diff_result *r = diff_btf(a, b), *back = diff_btf(b, a);
	assert_inverse(r, back);
	const struct bk_diff_record *dev = find_rec(r, BK_DIFF_STRUCT, "device");
	assert_int_equal(dev->old_size, 744);
	assert_int_equal(dev->new_size, 752);
	assert_int_equal(dev->shifted_by, -1);
	assert_int_equal(dev->nr_changes, 2);
	const struct bk_diff_change *c = find_change(dev, BK_DIFF_MEMBER_ADDED, "flags");
	assert_int_equal(c->new_val, 744 * 8);
	assert_int_equal(c->new_size, 64);
	assert_string_equal(c->new_text, "long unsigned int[1]");
	/* its containers shift with it, directly or through another */
	int64_t idev = dev - r->records;
	assert_int_equal(dev->nr_shifted, 86);
	const struct bk_diff_record *pd = find_rec(r, BK_DIFF_STRUCT, "platform_device");
	assert_int_equal(pd->shifted_by, idev);
	const struct bk_diff_record *x86 = find_rec(r, BK_DIFF_STRUCT, "x86_cpu");
	assert_int_equal(x86->root, idev);
	assert_int_equal(r->records[x86->shifted_by].cls, BK_DIFF_STRUCT);
	assert_string_equal(r->records[x86->shifted_by].name, "cpu");
	/* root_device: reached from no function, still reported */
	assert_int_equal(find_rec(r, BK_DIFF_STRUCT, "root_device")->root, idev);
	assert_int_equal(r->count[BK_DIFF_STRUCT][BK_DIFF_CHANGED] + r->count[BK_DIFF_UNION][BK_DIFF_CHANGED],
			 220);
	assert_int_equal(r->nr_shifted, 104);
	/* 6.1.0-47 has ~500 FUNC names twice (e.g. __ia32_sys_* with __unused vs
	 * regs): none of them is a change by itself */
	assert_int_equal(r->count[BK_DIFF_FUNC][BK_DIFF_CHANGED], 84);
	bk_diff_free(r);
	bk_diff_free(back);
}

static void test_corpus_6_12_char(void **state)
{
	(void)state;
	const struct bk_btf *a = bkt_vmlinux_btf("6.1.0-47-amd64"), *b = bkt_vmlinux_btf("6.12.117+deb12-amd64");
	struct bk_diff_result *r = diff_btf(a, b), *back = diff_btf(b, a);
	assert_inverse(r, back);
	const struct bk_diff_record *ch = find_rec(r, BK_DIFF_INT, "char");
	assert_int_equal(ch->nr_changes, 1);
	assert_int_equal(find_change(ch, BK_DIFF_ENCODING, NULL)->old_val, BK_INT_SIGNED);
	assert_int_equal(r->count[BK_DIFF_INT][BK_DIFF_CHANGED], 1);
	/* and no member record says char: member texts are equal */
	for (size_t i = 0; i < r->nr_records; i++)
		for (size_t k = 0; k < r->records[i].nr_changes; k++) {
			const struct bk_diff_change *c = &r->records[i].changes[k];
			if (c->what == BK_DIFF_MEMBER_RETYPED && !strcmp(c->old_text, c->new_text))
				fail_msg("%s: retyped to the same text %s", r->records[i].name, c->old_text);
		}
	assert_int_equal(find_rec(r, BK_DIFF_STRUCT, "device")->new_size, 768);
	bk_diff_free(r);
	bk_diff_free(back);
}

/* the swap of the two newest kernels (DECL_TAG, TYPE_TAG in running) */
static void test_corpus_running(void **state)
{
	(void)state;
	const struct bk_btf *a = bkt_vmlinux_btf("6.12.117+deb12-amd64"), *b = bkt_vmlinux_btf("running");
	struct bk_diff_result *r = diff_btf(a, b), *back = diff_btf(b, a);
	assert_inverse(r, back);
	assert_true(r->nr_records > 0);
	bk_diff_free(r);
	bk_diff_free(back);
}

static void modules_of(const char *kver, char ***paths, size_t *n)
{
	char **rel;
	*n = bkt_corpus_modules(kver, &rel);
	*paths = calloc(*n ? *n : 1, sizeof(char *));
	for (size_t i = 0; i < *n; i++) {
		(*paths)[i] = strdup(bkt_module(kver, rel[i]));
	}
	bkt_free_list(rel, *n);
}

static struct bk_diff_result *diff_modules(const char *from, const char *to, const char *mods,
					   size_t *nr)
{
	char **paths;
	struct bk_error err;
	char msg[1200];
	struct bk_diff_result *r = diff_btf(bkt_vmlinux_btf(from), bkt_vmlinux_btf(to));
	BK_OPTS(bk_diff_modules_opts, mo);
	modules_of(mods, &paths, nr);
	if (bk_diff_modules(r, bkt_vmlinux_btf(from), (const char *const *)paths, *nr, &mo, &err))
		fail_msg("modules: %s", bk_error_str(&err, msg, sizeof(msg)));
	bkt_free_list(paths, *nr);
	assert_int_equal(r->nr_modules, *nr);
	assert_int_equal(r->modules_error, 0);
	return r;
}

/* the figures `check` gives on the same modules (tests/test_check.c) */
static void test_modules_6_1(void **state)
{
	(void)state;
	size_t n;
	struct bk_diff_result *r = diff_modules("6.1.0-47-amd64", "6.1.0-56-amd64", "6.1.0-47-amd64", &n);
	const struct bk_diff_record *dev = find_rec(r, BK_DIFF_STRUCT, "device");
	assert_true(r->modules_fail <= r->modules_touch);
	assert_true(dev->impact.embed <= dev->impact.embed_total);
	if (n == 4022) { /* the whole set (not a BK_CORPUS_STRIDE subset) */
		assert_int_equal(r->modules_fail, 1816);
		assert_int_equal(r->modules_touch, 3333);
		assert_int_equal(dev->impact.embed, 1695);
		assert_int_equal(dev->impact.ref, 531);
		assert_int_equal(find_rec(r, BK_DIFF_STRUCT, "i2c_adapter")->impact.embed, 144);
	}
	/* an embedder of device is one of the module paths */
	assert_true(dev->impact.embed > 0);
	assert_non_null(strstr(r->modules[dev->impact.embedders[0]], "/modules/6.1.0-47-amd64/"));
	bk_diff_free(r);
}

/* The five modules that touch a changed type only through an array type no
 * member, variable or prototype of theirs uses: the type of a static array
 * (pahole writes the type, not the variable). They count as touching (the
 * array references the type), never as failing; a walk of members,
 * prototypes and variables alone finds 3,328 (docs/diff.md). */
static void test_modules_arrays_alone(void **state)
{
	(void)state;
	static const char *const rel[] = {
		"kernel/drivers/acpi/acpi_pad",       /* struct task_struct *[8192] */
		"kernel/drivers/hwmon/it87",          /* struct platform_device *[2] */
		"kernel/drivers/hwmon/nct6775",       /* struct platform_device *[2] */
		"kernel/drivers/misc/eeprom/ee1004",  /* struct i2c_client *[2] */
		"kernel/net/ipv6/ila/ila",            /* const struct nf_hook_ops[1] */
	};
	const char *paths[5];
	struct bk_error err;
	char msg[1200];
	for (size_t i = 0; i < 5; i++)
		paths[i] = strdup(bkt_module("6.1.0-47-amd64", rel[i]));
	struct bk_diff_result *r = diff_btf(bkt_vmlinux_btf("6.1.0-47-amd64"),
					    bkt_vmlinux_btf("6.1.0-56-amd64"));
	BK_OPTS(bk_diff_modules_opts, mo);
	if (bk_diff_modules(r, bkt_vmlinux_btf("6.1.0-47-amd64"), paths, 5, &mo, &err))
		fail_msg("modules: %s", bk_error_str(&err, msg, sizeof(msg)));
	assert_int_equal(r->modules_error, 0);
	assert_int_equal(r->modules_touch, 5);
	assert_int_equal(r->modules_fail, 0);
	assert_int_equal(find_rec(r, BK_DIFF_STRUCT, "platform_device")->impact.ref, 2);
	assert_int_equal(find_rec(r, BK_DIFF_STRUCT, "nf_hook_ops")->impact.ref, 1);
	assert_int_equal(find_rec(r, BK_DIFF_STRUCT, "nf_hook_ops")->impact.embed, 0);
	for (size_t i = 0; i < 5; i++)
		free((char *)paths[i]);
	bk_diff_free(r);
}

/* 6.12.117's modules on the running kernel: modversion_info is gone, so
 * every module fails (check says the same: its top breaker) */
static void test_modules_6_12(void **state)
{
	(void)state;
	size_t n;
	struct bk_diff_result *r = diff_modules("6.12.117+deb12-amd64", "running",
						"6.12.117+deb12-amd64", &n);
	assert_int_equal(r->modules_fail, n);
	assert_int_equal(find_rec(r, BK_DIFF_STRUCT, "modversion_info")->op, BK_DIFF_REMOVED);
	bk_diff_free(r);
}

/* ---- the CLI ---------------------------------------------------------------------------- */

static void test_cli(void **state)
{
	(void)state;
	const char *a = bkt_vmlinux("6.1.0-47-amd64"), *b = bkt_vmlinux("6.1.0-56-amd64");
	int st;
	size_t len;
	assert_int_equal(bkt_cmd("%s diff %s %s >/dev/null", bkt_tool(), a, a), 0);
	assert_int_equal(bkt_cmd("%s diff %s %s >/dev/null", bkt_tool(), a, b), 1);
	assert_int_equal(bkt_cmd("%s diff %s 2>/dev/null", bkt_tool(), a), 2);
	assert_int_equal(bkt_cmd("%s diff --kind nope %s %s 2>/dev/null", bkt_tool(), a, b), 2);
	assert_int_equal(bkt_cmd("%s diff /nonexistent %s 2>/dev/null", bkt_tool(), b), 2);
	assert_int_equal(bkt_cmd("%s diff /etc/hostname %s 2>/dev/null", bkt_tool(), b), 2);

	char *out = bkt_runf(&st, &len, "%s diff --members 3 %s %s", bkt_tool(), a, b);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "struct device (breaking): size 744 -> 752; 86 types shifted\n"));
	assert_non_null(strstr(out, "member-added       flags: long unsigned int[1] at bit 5952 "
				    "(byte 744, 64 bits) [compatible]\n"));
	assert_non_null(strstr(out, "86 types shifted because they embed struct device"));
	assert_non_null(strstr(out, "\nfunction prototypes:\n"));
	assert_non_null(strstr(out, "(--all lists them)\n"));
	free(out);

	out = bkt_runf(&st, &len, "%s diff -j --kind struct --name 'dev*' %s %s", bkt_tool(), a, b);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "{\"kind\":\"struct\",\"name\":\"device\",\"op\":\"changed\","
				    "\"severity\":\"breaking\",\"size\":[744,752],\"variants\":[1,1],"
				    "\"cause\":\"root\",\"shifted\":86,\"changes\":[{\"op\":\"size\","));
	assert_non_null(strstr(out, "{\"op\":\"member-added\",\"severity\":\"compatible\",\"name\":"
				    "\"flags\",\"type\":\"long unsigned int[1]\",\"offset\":5952,"
				    "\"size\":64}"));
	assert_null(strstr(out, "\"name\":\"platform_device\""));
	/* one line a record, then the summary */
	size_t lines = 0;
	for (char *s = out; (s = strchr(s, '\n')); s++)
		lines++;
	char *last = out + len - 1;
	while (last > out && last[-1] != '\n')
		last--;
	assert_true(lines >= 2);
	assert_int_equal(strncmp(last, "{\"summary\":{", 12), 0);
	free(out);

	out = bkt_runf(&st, &len, "%s diff -j --severity breaking --kind func %s %s | grep -c '\"severity\":\"cosmetic\",\"op\"' ", bkt_tool(), a, b);
	assert_string_equal(out, "0\n");
	free(out);

	/* --modules: the header gives how many fail */
	out = bkt_runf(&st, &len, "%s diff --limit 1 %s %s --modules %s", bkt_tool(), a, b,
		       bkt_data("modules/6.1.0-47-amd64/kernel/lib"));
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "modules: "));
	assert_non_null(strstr(out, " fail relocation; "));
	free(out);
}

/* split BTF from the command line: one module's two builds */
static void test_cli_split(void **state)
{
	(void)state;
	const char *m47 = bkt_module("6.1.0-47-amd64", "kernel/lib/crc16");
	const char *m612 = bkt_module("6.12.117+deb12-amd64", "kernel/lib/crc16");
	int st;
	size_t len;
	assert_int_equal(bkt_cmd("%s diff -B %s %s %s >/dev/null", bkt_tool(),
				 bkt_vmlinux("6.1.0-47-amd64"), m47, m47), 0);
	char *out = bkt_runf(&st, &len, "%s diff -j -B %s %s --new-base %s %s", bkt_tool(),
			     bkt_vmlinux("6.1.0-47-amd64"), m47, bkt_vmlinux("6.12.117+deb12-amd64"), m612);
	assert_true(st == 0 || st == 1);
	assert_non_null(strstr(out, "{\"summary\":{"));
	free(out);
	/* a module without its base is not readable: 2 */
	assert_int_equal(bkt_cmd("%s diff %s %s 2>/dev/null", bkt_tool(), m47, m47), 2);
}

/* check explains a "size differs" with the diff of --built-against and -B */
static void test_check_why(void **state)
{
	(void)state;
	int st;
	size_t len;
	const char *a = bkt_vmlinux("6.1.0-47-amd64"), *b = bkt_vmlinux("6.1.0-56-amd64");
	const char *ahci = bkt_module("6.1.0-47-amd64", "kernel/drivers/ata/ahci");
	const char *amd = bkt_module("6.1.0-47-amd64", "kernel/drivers/i2c/busses/i2c-amd8111");
	char *out = bkt_runf(&st, &len, "%s check -B %s --built-against %s %s %s", bkt_tool(), b, a,
			     ahci, amd);
	assert_int_equal(st, 1);
	assert_non_null(strstr(out, "    why: struct device 744 -> 752: member 'flags' "
				    "(long unsigned int[1]) added at byte 744\n"));
	assert_non_null(strstr(out, "    why: struct i2c_adapter 1056 -> 1064: members "
				    "'locked_flags'..'addrs_in_instantiation' moved +64 bits (it embeds "
				    "struct device; root cause: struct device 744 -> 752: member 'flags'"));
	free(out);
	out = bkt_runf(&st, &len, "%s check -j -B %s --built-against %s %s", bkt_tool(), b, a, ahci);
	assert_non_null(strstr(out, ",\"why\":[{\"kind\":\"struct\",\"name\":\"device\","
				    "\"size\":[744,752],\"cause\":\"root\",\"root\":{\"kind\":"
				    "\"struct\",\"name\":\"device\"},\"text\":\"struct device 744 -> "
				    "752: member 'flags' (long unsigned int[1]) added at byte 744\"}]}"));
	free(out);
	/* without --built-against there is nothing to diff: no why */
	out = bkt_runf(&st, &len, "%s check -j -B %s %s", bkt_tool(), b, ahci);
	assert_null(strstr(out, "\"why\""));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_struct_members),
		cmocka_unit_test(test_struct_renamed_and_padding),
		cmocka_unit_test(test_anonymous_members),
		cmocka_unit_test(test_anonymous_keys),
		cmocka_unit_test(test_enums),
		cmocka_unit_test(test_functions),
		cmocka_unit_test(test_typedef_var_int_fwd),
		cmocka_unit_test(test_variants),
		cmocka_unit_test(test_shifted),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_type_texts),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_corpus_self),
		cmocka_unit_test(test_byte_order_and_elf),
		cmocka_unit_test(test_corpus_6_1_device),
		cmocka_unit_test(test_corpus_6_12_char),
		cmocka_unit_test(test_corpus_running),
		cmocka_unit_test(test_modules_6_1),
		cmocka_unit_test(test_modules_arrays_alone),
		cmocka_unit_test(test_modules_6_12),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_cli_split),
		cmocka_unit_test(test_check_why),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
