// SPDX-License-Identifier: MIT
/*
 * Limits: inputs built to exhaust memory, time or stack are refused, or
 * processed in bounded memory and time, with a clear message.
 *
 * Each operation runs in a forked child, on a thread with a small stack
 * (recursion that a crafted chain can drive deep overflows it at once,
 * instead of passing on 8 MiB by luck), under an alarm. The parent reads
 * the child's peak memory (wait4) and fails the test naming the operation
 * when the child crashed, overran its time or grew past its memory bound.
 * Children report their own failures on stderr and with their exit code.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

/* ample for code that does not recurse on its input; 100,000 frames of
 * even 16 bytes would not fit */
#define OP_STACK (512u << 10)

/* ---- running an operation under bounds ---------------------------------- */

typedef int (*op_fn)(void *arg);

struct op {
	op_fn fn;
	void *arg;
	int ret;
};

static void *op_thread(void *p)
{
	struct op *op = p;
	op->ret = op->fn(op->arg);
	return NULL;
}

static long rss_kib(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run fn(arg) in a child on a small stack; it must return 0 within
 * max_seconds, and the child may grow by at most max_mib. */
static void run_bounded(const char *what, op_fn fn, void *arg, unsigned max_seconds,
			long max_mib)
{
	long base_kib = rss_kib();
	double t0 = now();
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct op op = {fn, arg, -1};
		pthread_attr_t attr;
		pthread_t th;
		alarm(max_seconds);
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, OP_STACK);
		if (pthread_create(&th, &attr, op_thread, &op))
			_exit(99);
		pthread_join(th, NULL);
		_exit(op.ret ? 1 : 0);
	}
	int status;
	struct rusage ru;
	assert_int_equal(wait4(pid, &status, 0, &ru), pid);
	double secs = now() - t0;
	long grew_mib = (ru.ru_maxrss - base_kib) / 1024;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		fail_msg("%s: still running after %u s", what, max_seconds);
	if (WIFSIGNALED(status))
		fail_msg("%s: crashed with signal %d (%s; stack overflow from recursion?)", what,
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	if (WEXITSTATUS(status))
		fail_msg("%s: failed (exit %d, see stderr)", what, WEXITSTATUS(status));
	if (grew_mib > max_mib)
		fail_msg("%s: used %ld MiB more memory (bound %ld MiB)", what, grew_mib, max_mib);
	print_message("  %-58s %7.2f s %6ld MiB\n", what, secs, grew_mib > 0 ? grew_mib : 0);
}

/* A child-side check: print and return non-zero when cond is false. */
#define CHECK(cond, ...)                                        \
	do {                                                    \
		if (!(cond)) {                                  \
			fprintf(stderr, "%s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);           \
			fputc('\n', stderr);                    \
			return 1;                               \
		}                                               \
	} while (0)

/* ---- building BTF ----------------------------------------------------------- */

static uint32_t add_int(struct bk_btf *b, const char *name)
{
	struct {
		struct bk_type t;
		uint32_t enc;
	} r = {{(uint32_t)bk_btf_add_str(b, name), bk_info(BK_KIND_INT, 0, 0), {4}},
	       (BK_INT_SIGNED << 24) | 32};
	int id = bk_btf_add_type(b, &r.t, sizeof(r));
	assert_true(id > 0);
	return (uint32_t)id;
}

/* PTR, TYPEDEF, CONST, VOLATILE...: a one-word reference to type */
static uint32_t add_ref(struct bk_btf *b, unsigned kind, const char *name, uint32_t type)
{
	struct bk_type t = {name ? (uint32_t)bk_btf_add_str(b, name) : 0, bk_info(kind, 0, 0),
			    {type}};
	int id = bk_btf_add_type(b, &t, sizeof(t));
	assert_true(id > 0);
	return (uint32_t)id;
}

static uint32_t add_array(struct bk_btf *b, uint32_t elem, uint32_t index)
{
	struct {
		struct bk_type t;
		struct bk_array a;
	} r = {{0, bk_info(BK_KIND_ARRAY, 0, 0), {0}}, {elem, index, 2}};
	int id = bk_btf_add_type(b, &r.t, sizeof(r));
	assert_true(id > 0);
	return (uint32_t)id;
}

/* A struct of n members of the given types (types[i % nr_types]), 4 bytes apart. */
static uint32_t add_struct(struct bk_btf *b, const char *name, uint32_t n, const uint32_t *types,
			   uint32_t nr_types)
{
	size_t size = sizeof(struct bk_type) + (size_t)n * sizeof(struct bk_member);
	struct bk_type *t = malloc(size);
	assert_non_null(t);
	*t = (struct bk_type){(uint32_t)bk_btf_add_str(b, name), bk_info(BK_KIND_STRUCT, n, 0),
			      {4 * (n ? n : 1)}};
	struct bk_member *m = (struct bk_member *)(t + 1);
	uint32_t mname = (uint32_t)bk_btf_add_str(b, "m");
	for (uint32_t i = 0; i < n; i++)
		m[i] = (struct bk_member){mname, types[i % nr_types], 32 * i};
	int id = bk_btf_add_type(b, t, size);
	free(t);
	assert_true(id > 0);
	return (uint32_t)id;
}

/* ---- the operations ----------------------------------------------------------- */

static int fault_count(const struct bk_error *e, void *ctx)
{
	unsigned *n = ctx;
	if (!e->msg[0])
		fprintf(stderr, "a validation fault without a message\n");
	++*n;
	return *n >= 1000; /* enough to know */
}

/* validate: any verdict, but faults come with messages and a valid verdict
 * with none */
static int op_validate(void *arg)
{
	unsigned n = 0;
	BK_OPTS(bk_validate_opts, opts);
	int e = bk_validate(arg, &opts, fault_count, &n);
	CHECK(e == 0 || e == -EINVAL, "bk_validate returned %d", e);
	CHECK((e == 0) == (n == 0), "verdict %d with %u faults", e, n);
	return 0;
}

static int op_dump_text(void *arg)
{
	FILE *f = fopen("/dev/null", "w");
	CHECK(f, "cannot open /dev/null");
	int e = bk_dump(arg, BK_DUMP_TEXT, f);
	fclose(f);
	CHECK(e == 0, "bk_dump (text) returned %d", e);
	return 0;
}

static int op_dump_json(void *arg)
{
	FILE *f = fopen("/dev/null", "w");
	CHECK(f, "cannot open /dev/null");
	int e = bk_dump(arg, BK_DUMP_JSON, f);
	fclose(f);
	CHECK(e == 0, "bk_dump (JSON) returned %d", e);
	return 0;
}

/* C: a header, or a type loop refused with a message naming the type */
static int op_dump_c(void *arg)
{
	FILE *f = fopen("/dev/null", "w");
	struct bk_error err = {0};
	CHECK(f, "cannot open /dev/null");
	int e = bk_dump_c(arg, NULL, f, &err);
	fclose(f);
	CHECK(e == 0 || (e == -ELOOP && err.type_id && err.msg[0]), "bk_dump_c returned %d (%s)",
	      e, err.msg);
	return 0;
}

/* write, read back (on the same base), compare the type count */
static int op_write_read(void *arg)
{
	struct bk_btf *b = arg, *again = NULL;
	struct bk_error err = {0};
	char msg[1200];
	void *data;
	size_t size;
	CHECK(!bk_btf_write(b, NULL, &data, &size, &err), "write: %s",
	      bk_error_str(&err, msg, sizeof(msg)));
	int e = bk_btf_parse(data, size, bk_btf_base(b), "written", &again, &err);
	free(data);
	CHECK(!e, "read back: %s", bk_error_str(&err, msg, sizeof(msg)));
	CHECK(bk_btf_nr_types(again) == bk_btf_nr_types(b), "type count changed");
	bk_btf_free(again);
	return 0;
}

/* distill, then relocate the new split back onto the original base. Either
 * may refuse the input (with a message); neither may hang or blow up. */
static int op_distill_relocate(void *arg)
{
	const struct bk_btf *split = arg;
	struct bk_btf *dist = NULL, *new_split = NULL, *out = NULL;
	struct bk_error err = {0};
	int e = bk_distill(split, &dist, &new_split, &err);
	if (e) {
		CHECK(err.msg[0], "distill failed (%d) without a message", e);
		fprintf(stderr, "  (distill refused: %s)\n", err.msg);
		return 0;
	}
	e = bk_relocate(new_split, bk_btf_base(split), &out, &err);
	CHECK(!e || err.msg[0], "relocate failed (%d) without a message", e);
	if (e)
		fprintf(stderr, "  (relocate refused: %s)\n", err.msg);
	else
		CHECK(bk_btf_nr_types(out) == bk_btf_nr_types(new_split), "relocate lost types");
	bk_btf_free(out);
	bk_btf_free(new_split);
	bk_btf_free(dist);
	return 0;
}

/* relocate split (already on a distilled base) onto arg2's base */
struct reloc_args {
	const struct bk_btf *split, *target;
};

static int op_relocate(void *arg)
{
	const struct reloc_args *a = arg;
	struct bk_btf *out = NULL;
	struct bk_error err = {0};
	int e = bk_relocate(a->split, a->target, &out, &err);
	CHECK(!e || err.msg[0], "relocate failed (%d) without a message", e);
	bk_btf_free(out);
	return 0;
}

/* Every operation on a (base, split) pair. */
static void run_all(const char *what, struct bk_btf *base, struct bk_btf *split, unsigned secs,
		    long mib)
{
	char label[160];
	const struct { const char *name; op_fn fn; bool on_split; } ops[] = {
		{"write + read", op_write_read, false}, {"validate", op_validate, false},
		{"dump text", op_dump_text, false},     {"dump JSON", op_dump_json, false},
		{"dump C", op_dump_c, false},           {"split: dump C", op_dump_c, true},
		{"split: write + read", op_write_read, true},
		{"split: validate", op_validate, true}, {"split: dump text", op_dump_text, true},
		{"split: distill + relocate", op_distill_relocate, true},
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (ops[i].on_split && !split)
			continue;
		snprintf(label, sizeof(label), "%s: %s", what, ops[i].name);
		run_bounded(label, ops[i].fn, ops[i].on_split ? split : base, secs, mib);
	}
}

/* ---- refused up front: sizes the header or a record claims --------------- */

struct blob {
	uint8_t bytes[256];
	size_t size;
};

static void put_word(struct blob *b, size_t at, uint32_t v)
{
	memcpy(b->bytes + at, &v, 4);
}

/* header + one INT 'a' + strings "\0a\0" */
static void small_blob(struct blob *b)
{
	memset(b, 0, sizeof(*b));
	uint16_t magic = BK_MAGIC;
	memcpy(b->bytes, &magic, 2);
	b->bytes[2] = 1;
	put_word(b, 4, 24);
	put_word(b, 8, 0);
	put_word(b, 12, 16);
	put_word(b, 16, 16);
	put_word(b, 20, 3);
	put_word(b, 24, 1);
	put_word(b, 28, bk_info(BK_KIND_INT, 0, 0));
	put_word(b, 32, 4);
	put_word(b, 36, 32);
	memcpy(b->bytes + 40, "\0a\0", 3);
	b->size = 43;
}

static int expect_refused(const struct blob *b, const char *what, int reason, const char *needle)
{
	struct bk_error err = {0};
	struct bk_btf *btf = NULL;
	struct bk_file *f = NULL;
	int e = bk_btf_parse(b->bytes, b->size, NULL, "crafted.btf", &btf, &err);
	CHECK(e == -EINVAL && !btf, "%s: bk_btf_parse gave %d", what, e);
	CHECK(err.reason == reason, "%s: reason %s, not %s", what, bk_reason_name(err.reason),
	      bk_reason_name(reason));
	CHECK(strstr(err.msg, needle), "%s: message '%s' does not say '%s'", what, err.msg, needle);
	CHECK(!strcmp(err.file, "crafted.btf"), "%s: message does not name the file", what);
	/* the file layer says the same */
	CHECK(!bk_file_open_mem(b->bytes, b->size, "crafted.btf", &f, &err), "open_mem failed");
	e = bk_file_btf(f, ".BTF", NULL, &btf, &err);
	bk_file_close(f);
	CHECK(e == -EINVAL && !btf && err.reason == reason, "%s: bk_file_btf gave %d (%s)",
	      what, e, bk_reason_name(err.reason));
	return 0;
}

static int op_huge_sections(void *arg)
{
	(void)arg;
	static const struct {
		const char *what;
		uint32_t at, value;
		const char *needle;
	} cases[] = {
		{"4 GiB type section", 12, 0xfffffffc, "type section"},
		{"4 GiB string section", 20, 0xffffffff, "string section"},
		{"type offset near 4 GiB", 8, 0xfffffff0, "type section"},
		{"string offset near 4 GiB", 16, 0xfffffff0, "string section"},
		{"4 GiB header", 4, 0xffffffff, "header length"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct blob b;
		small_blob(&b);
		put_word(&b, cases[i].at, cases[i].value);
		if (expect_refused(&b, cases[i].what, BK_E_BTF_HEADER, cases[i].needle))
			return 1;
	}
	return 0;
}

static void test_header_claims_4gib(void **state)
{
	(void)state;
	run_bounded("header claiming 4 GiB sections", op_huge_sections, NULL, 10, 32);
}

/* Each kind with elements, vlen 2^24-1, in a blob of a few dozen bytes. */
static int op_max_vlen(void *arg)
{
	(void)arg;
	static const unsigned kinds[] = {BK_KIND_STRUCT, BK_KIND_UNION, BK_KIND_ENUM,
					 BK_KIND_FUNC_PROTO, BK_KIND_DATASEC, BK_KIND_ENUM64};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct blob b;
		small_blob(&b);
		put_word(&b, 28, bk_info(kinds[i], BK_MAX_VLEN, 0));
		if (expect_refused(&b, bk_kind_name(kinds[i]), BK_E_BTF_TYPE, "vlen 16777215"))
			return 1;
	}
	return 0;
}

static void test_max_vlen_in_small_blob(void **state)
{
	(void)state;
	run_bounded("vlen 2^24-1 in a 43-byte blob", op_max_vlen, NULL, 10, 32);
}

/* An ELF file whose .BTF section header claims 1 TiB at a far offset. */
static int op_elf_huge_section(void *arg)
{
	const char *path = arg;
	size_t len;
	uint8_t *elf = (uint8_t *)bkt_read(path, &len);
	CHECK(elf && len > 64 && elf[4] == 2 /* ELFCLASS64 */, "%s is not ELF64", path);
	uint64_t shoff;
	uint16_t shentsize, shnum, shstrndx;
	memcpy(&shoff, elf + 0x28, 8);
	memcpy(&shentsize, elf + 0x3a, 2);
	memcpy(&shnum, elf + 0x3c, 2);
	memcpy(&shstrndx, elf + 0x3e, 2);
	CHECK(shoff + (uint64_t)shnum * shentsize <= len && shstrndx < shnum, "bad headers");
	uint64_t names_off;
	memcpy(&names_off, elf + shoff + (uint64_t)shstrndx * shentsize + 0x18, 8);
	int patched = 0;
	for (uint16_t i = 0; i < shnum; i++) {
		uint8_t *sh = elf + shoff + (uint64_t)i * shentsize;
		uint32_t name;
		memcpy(&name, sh, 4);
		if (names_off + name + 5 > len || memcmp(elf + names_off + name, ".BTF", 5))
			continue;
		for (int variant = 0; variant < 2; variant++) {
			uint64_t off = variant ? 0xfffffffffffff000ull : 64, size = 1ull << 40;
			memcpy(sh + 0x18, &off, 8);
			memcpy(sh + 0x20, &size, 8);
			struct bk_error err = {0};
			struct bk_file *f = NULL;
			struct bk_btf *btf = NULL;
			int e = bk_file_open_mem(elf, len, "huge.ko", &f, &err);
			if (!e) {
				e = bk_file_btf(f, ".BTF", NULL, &btf, &err);
				bk_file_close(f);
			}
			CHECK(e < 0 && !btf, "a .BTF of 1 TiB at %llu was accepted",
			      (unsigned long long)off);
			CHECK(err.msg[0] && strstr(err.file, "huge.ko"),
			      "no message naming the file: '%s' '%s'", err.file, err.msg);
		}
		patched = 1;
	}
	free(elf);
	CHECK(patched, "no .BTF section in %s", path);
	return 0;
}

static void test_elf_section_claims_1tib(void **state)
{
	(void)state;
	run_bounded("ELF .BTF section header claiming 1 TiB", op_elf_huge_section,
		    (void *)bkt_shared("corpus/ko/crc16.nosig.ko"), 10, 32);
}

/* asm text claiming 2^24-1 members it does not have, and a huge ID */
static int op_asm_claims(void *arg)
{
	(void)arg;
	static const char *const texts[] = {
		"[1] STRUCT 'a' size=4 vlen=16777215\n",
		"[1] ENUM 'e' encoding=UNSIGNED size=4 vlen=16777215\n",
		"[1] FUNC_PROTO '(anon)' ret_type_id=0 vlen=16777215\n",
		"[1] DATASEC '.data' size=0 vlen=16777215\n",
		"[1] STRUCT 'a' size=4 vlen=4294967295\n",
		"[2147483647] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct bk_error err = {0};
		struct bk_btf *btf = NULL;
		int e = bk_asm(texts[i], strlen(texts[i]), NULL, "claims.txt", &btf, &err);
		CHECK(e < 0 && !btf, "accepted: %s", texts[i]);
		CHECK(err.msg[0] && err.line >= 1, "no message with a line for: %s", texts[i]);
	}
	return 0;
}

static void test_asm_claims(void **state)
{
	(void)state;
	run_bounded("asm text claiming 2^24-1 members", op_asm_claims, NULL, 10, 32);
}

/* ---- long chains ------------------------------------------------------------- */

#define MILLION 1000000u
#define DEEP 100000u

/* base: int, then n TYPEDEF 't' each naming the one before; split: a
 * struct embedding the last typedef and a pointer to it */
static void typedef_chain(uint32_t n, struct bk_btf **base_out, struct bk_btf **split_out)
{
	struct bk_btf *base = bk_btf_new(NULL);
	uint32_t prev = add_int(base, "int");
	for (uint32_t i = 0; i < n; i++)
		prev = add_ref(base, BK_KIND_TYPEDEF, "t", prev);
	struct bk_btf *split = bk_btf_new(base);
	uint32_t members[2] = {prev, add_ref(split, BK_KIND_PTR, NULL, prev)};
	add_struct(split, "user", 2, members, 2);
	*base_out = base;
	*split_out = split;
}

static int op_find_all(void *arg)
{
	size_t n = bk_btf_find(arg, "t", BK_KIND_TYPEDEF, NULL, 0);
	CHECK(n == MILLION, "bk_btf_find found %zu of %u", n, MILLION);
	return 0;
}

static void test_million_typedef_chain(void **state)
{
	(void)state;
	struct bk_btf *base, *split;
	double t0 = now();
	typedef_chain(MILLION, &base, &split);
	print_message("  built 1,000,001 types in %.2f s\n", now() - t0);
	run_bounded("1M typedef chain: name index", op_find_all, base, 60, 512);
	run_all("1M typedef chain", base, split, 120, 1536);
	bk_btf_free(split);
	bk_btf_free(base);
}

/* base: int and a million pointers, each to the one before; split: a
 * struct embedding the last */
static void test_million_pointer_chain(void **state)
{
	(void)state;
	struct bk_btf *base = bk_btf_new(NULL);
	uint32_t prev = add_int(base, "int");
	for (uint32_t i = 0; i < MILLION; i++)
		prev = add_ref(base, BK_KIND_PTR, NULL, prev);
	struct bk_btf *split = bk_btf_new(base);
	add_struct(split, "user", 1, &prev, 1);
	run_bounded("1M pointer chain: dump C", op_dump_c, base, 60, 512);
	run_bounded("1M pointer chain: split: dump C", op_dump_c, split, 60, 512);
	bk_btf_free(split);
	bk_btf_free(base);
}

/* anonymous structs nested 10,000 deep in a named one */
static void test_nested_anonymous_structs(void **state)
{
	(void)state;
	struct bk_btf *base = bk_btf_new(NULL);
	uint32_t prev = add_int(base, "int");
	for (uint32_t i = 0; i < 10000; i++) {
		struct {
			struct bk_type t;
			struct bk_member m;
		} r = {{0, bk_info(BK_KIND_STRUCT, 1, 0), {4}},
		       {(uint32_t)bk_btf_add_str(base, "a"), prev, 0}};
		int id = bk_btf_add_type(base, &r.t, sizeof(r));
		assert_true(id > 0);
		prev = (uint32_t)id;
	}
	add_struct(base, "outer", 1, &prev, 1);
	run_bounded("10k nested anonymous structs: dump C", op_dump_c, base, 30, 256);
	bk_btf_free(base);
}

/* base: int, then a chain of n cycling through PTR, TYPEDEF, CONST,
 * VOLATILE, RESTRICT and ARRAY; split: a struct embedding its top */
static void test_deep_mixed_chain(void **state)
{
	(void)state;
	static const unsigned kinds[] = {BK_KIND_PTR, BK_KIND_TYPEDEF, BK_KIND_CONST,
					 BK_KIND_VOLATILE, BK_KIND_RESTRICT};
	struct bk_btf *base = bk_btf_new(NULL);
	uint32_t intid = add_int(base, "int"), prev = intid;
	for (uint32_t i = 0; i < DEEP; i++) {
		if (i % 6 == 5)
			prev = add_array(base, prev, intid);
		else
			prev = add_ref(base, kinds[i % 6], kinds[i % 6] == BK_KIND_TYPEDEF ? "td" : NULL,
				       prev);
	}
	struct bk_btf *split = bk_btf_new(base);
	uint32_t members[1] = {prev};
	add_struct(split, "user", 1, members, 1);
	run_all("100k PTR/TYPEDEF/CONST/.../ARRAY chain", base, split, 60, 512);
	bk_btf_free(split);
	bk_btf_free(base);
}

/* The same kinds, each referring to the next ID: whoever resolves type 1
 * first must go 100,000 deep (the kernel stops at 32). */
static void test_deep_descending_chain(void **state)
{
	(void)state;
	static const unsigned kinds[] = {BK_KIND_TYPEDEF, BK_KIND_CONST, BK_KIND_PTR,
					 BK_KIND_VOLATILE, BK_KIND_RESTRICT};
	struct bk_btf *base = bk_btf_new(NULL);
	for (uint32_t i = 0; i < DEEP; i++) {
		uint32_t next = bk_btf_type_cnt(base) + 1;
		if (i % 6 == 5)
			add_array(base, next, DEEP + 1);
		else
			add_ref(base, kinds[i % 6], kinds[i % 6] == BK_KIND_TYPEDEF ? "td" : NULL,
				next);
	}
	add_int(base, "int"); /* [DEEP + 1] */
	struct bk_btf *split = bk_btf_new(base);
	uint32_t members[1] = {1};
	add_struct(split, "user", 1, members, 1);
	run_all("100k chain, each type naming the next ID", base, split, 60, 512);
	bk_btf_free(split);
	bk_btf_free(base);
}

/* ---- loops ---------------------------------------------------------------------- */

/* Every way a type can reach itself: typedef, pointer, qualifier pair,
 * struct member, array element, typedef pair, and a FUNC_PROTO returning
 * a pointer to itself; validate must refuse it; nothing may hang. */
static void self_loops(struct bk_btf **base_out, struct bk_btf **split_out)
{
	struct bk_btf *b = bk_btf_new(NULL);
	uint32_t intid = add_int(b, "int");                                /* [1] */
	uint32_t next = bk_btf_type_cnt(b);
	add_ref(b, BK_KIND_TYPEDEF, "loop", next);                         /* [2] -> 2 */
	add_ref(b, BK_KIND_PTR, NULL, next + 1);                           /* [3] -> 3 */
	add_ref(b, BK_KIND_CONST, NULL, next + 3);                         /* [4] -> 5 */
	add_ref(b, BK_KIND_VOLATILE, NULL, next + 2);                      /* [5] -> 4 */
	uint32_t self = next + 4;
	add_struct(b, "self", 1, &self, 1);                                /* [6] {6} */
	add_array(b, next + 5, intid);                                     /* [7] 7[] */
	add_ref(b, BK_KIND_TYPEDEF, "a", next + 7);                        /* [8] -> 9 */
	add_ref(b, BK_KIND_TYPEDEF, "b", next + 6);                        /* [9] -> 8 */
	struct bk_btf *s = bk_btf_new(b);
	uint32_t refs[8] = {next, next + 1, next + 2, next + 3, next + 4, next + 5, next + 6,
			    next + 7};
	add_struct(s, "user", 8, refs, 8);
	/* loops inside the split BTF too */
	uint32_t snext = bk_btf_type_cnt(s);
	add_ref(s, BK_KIND_TYPEDEF, "sloop", snext);
	add_ref(s, BK_KIND_CONST, NULL, snext + 2);
	add_ref(s, BK_KIND_TYPEDEF, "sl2", snext + 1);
	uint32_t srefs[3] = {snext, snext + 1, snext + 2};
	add_struct(s, "suser", 3, srefs, 3);
	*base_out = b;
	*split_out = s;
}

static int op_validate_refuses(void *arg)
{
	unsigned n = 0;
	BK_OPTS(bk_validate_opts, opts);
	int e = bk_validate(arg, &opts, fault_count, &n);
	CHECK(e == -EINVAL && n > 0, "loops passed validation (%d, %u faults)", e, n);
	return 0;
}

static void test_self_loops(void **state)
{
	(void)state;
	struct bk_btf *base, *split;
	self_loops(&base, &split);
	run_bounded("self-loops: validate refuses the base", op_validate_refuses, base, 10, 64);
	run_bounded("self-loops: validate refuses the split", op_validate_refuses, split, 10, 64);
	run_all("self-loops", base, split, 10, 64);
	bk_btf_free(split);
	bk_btf_free(base);
}

/*
 * Relocation looks through qualifiers, typedefs and arrays from every split
 * member to find what it embeds. n members that each lead into a long chain
 * (or a loop with n other types around) must not cost n times the chain.
 */
static void test_many_members_into_a_long_chain(void **state)
{
	(void)state;
	const uint32_t n = 50000;
	struct bk_btf *dist = bk_btf_new(NULL);
	uint32_t foo = add_struct(dist, "foo", 0, NULL, 1);
	struct bk_btf *split = bk_btf_new(dist);
	uint32_t prev = foo;
	for (uint32_t i = 0; i < n; i++)
		prev = add_ref(split, BK_KIND_CONST, NULL, prev);
	uint32_t loop = bk_btf_type_cnt(split);
	add_ref(split, BK_KIND_TYPEDEF, "l1", loop + 1);
	add_ref(split, BK_KIND_TYPEDEF, "l2", loop);
	uint32_t targets[2] = {prev, loop};
	add_struct(split, "user", n, targets, 2);
	struct bk_btf *target = bk_btf_new(NULL);
	add_struct(target, "foo", 0, NULL, 1);
	struct reloc_args a = {split, target};
	/* linear work is well under a second, sanitizers included */
	run_bounded("relocate: 50k members into a 50k chain and a loop", op_relocate, &a, 10, 256);
	bk_btf_free(target);
	bk_btf_free(split);
	bk_btf_free(dist);
}

/* ---- long strings --------------------------------------------------------------- */

static int op_long_name_dump(void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CHECK(f, "open_memstream");
	int e = bk_dump(arg, BK_DUMP_TEXT, f);
	fclose(f);
	CHECK(!e, "bk_dump returned %d", e);
	CHECK(len > (16u << 20) && strstr(buf, "xxxxxxxx'"), "the 16 MiB name was cut (%zu)", len);
	free(buf);
	return 0;
}

static void test_16mib_name(void **state)
{
	(void)state;
	struct bk_btf *b = bk_btf_new(NULL);
	size_t n = 16u << 20;
	char *name = malloc(n + 1);
	memset(name, 'x', n);
	name[n] = '\0';
	add_int(b, name);
	free(name);
	run_bounded("a 16 MiB type name: dump", op_long_name_dump, b, 30, 256);
	run_bounded("a 16 MiB type name: write + read", op_write_read, b, 30, 256);
	bk_btf_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_claims_4gib),
		cmocka_unit_test(test_max_vlen_in_small_blob),
		cmocka_unit_test(test_elf_section_claims_1tib),
		cmocka_unit_test(test_asm_claims),
		cmocka_unit_test(test_self_loops),
		cmocka_unit_test(test_deep_mixed_chain),
		cmocka_unit_test(test_deep_descending_chain),
		cmocka_unit_test(test_million_typedef_chain),
		cmocka_unit_test(test_million_pointer_chain),
		cmocka_unit_test(test_nested_anonymous_structs),
		cmocka_unit_test(test_many_members_into_a_long_chain),
		cmocka_unit_test(test_16mib_name),
	};
	return cmocka_run_group_tests_name("limits", tests, NULL, NULL);
}
