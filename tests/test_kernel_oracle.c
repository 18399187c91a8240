// SPDX-License-Identifier: MIT
/*
 * The running kernel as the oracle: feed BPF_BTF_LOAD and bk_validate_blob
 * the same blobs and require the same verdict; where both refuse, the
 * kernel's cause (its last log line, mapped to btfkit's fault names) and
 * the type it names must be btfkit's first fault too.
 *
 * Blobs: the crafted goldens, the corpus vmlinux blobs, the kernel
 * selftests' cases (tests/validate/kernel_raw_tests.txt), and mutants of
 * small valid blobs made with a fixed seed. Needs root (CAP_BPF); skipped,
 * saying so, when the kernel will not let us load BTF.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "support.h"

#define NR_MUTANTS 20000
#define SEED 0x5eed2026u
#define KERNEL_ENOTSUPP 524 /* the kernel's internal ENOTSUPP */

/* ---- the kernel ---- */

static char klog[1 << 20];

/* errno of BPF_BTF_LOAD (0: loaded); with want_log the log is in klog */
static int kernel_load(const void *data, size_t size, bool want_log)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.btf = (uintptr_t)data;
	a.btf_size = (uint32_t)size;
	if (want_log) {
		klog[0] = '\0';
		a.btf_log_buf = (uintptr_t)klog;
		a.btf_log_size = sizeof(klog);
		a.btf_log_level = 1;
	}
	int fd = (int)syscall(SYS_bpf, BPF_BTF_LOAD, &a, sizeof(a));
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

/* The kernel's message -> btfkit's fault name; first match wins. */
static const char *const messages[][2] = {
	{"Unsupported btf_header", "hdr-unsupported"}, {"hdr_len not found", "hdr-truncated"},
	{"btf_header not found", "hdr-truncated"}, {"Invalid magic", "magic"},
	{"Unsupported version", "version"}, {"Unsupported flags", "flags"},
	{"No data", "no-data"}, {"Invalid section offset", "section-offset"},
	{"Unsupported section found", "section-gap"}, {"Section overlap found", "section-overlap"},
	{"Total section length too long", "section-length"},
	{"String section is not at the end", "str-not-last"},
	{"Invalid string section", "str-section"}, {"Unaligned type_off", "type-align"},
	{"No type found", "no-types"}, {"Exceeded max num of types", "too-many-types"},
	{"meta_left", "truncated"}, {"Invalid btf_info kind_flag", "kflag"},
	{"Invalid btf_info size", "datasec-size"}, {"Invalid btf_info", "info"},
	{"Invalid kind", "kind"}, {"Invalid member name_offset", "name-offset"},
	{"Invalid name_offset", "name-offset"}, {"vlen != 0", "vlen"}, {"Invalid name", "name"},
	{"Invalid value", "name"}, {"size != 0", "size"}, {"size == 0", "size"},
	{"type != 0", "size"}, {"Unexpected size", "size"}, {"Invalid type_size", "size"},
	{"Invalid int_data", "int-bits"}, {"nr_bits exceeds", "int-bits"},
	{"Unsupported encoding", "int-encoding"}, {"Invalid elem", "array-elem"},
	{"Invalid array of int", "array-elem"}, {"Invalid index", "array-index"},
	{"Array size overflows U32_MAX", "array-size"},
	{"Invalid member bits_offset", "member-offset"},
	{"Member bits_offset exceeds its struct size", "member-offset"},
	{"Member is not byte aligned", "member-offset"}, {"Invalid member offset", "member-offset"},
	{"bits_offset exceeds U32_MAX", "member-offset"},
	{"Member is not properly aligned", "member-offset"},
	{"Member exceeds struct_size", "member-size"}, {"nr_copy_bits exceeds 128", "member-size"},
	{"Invalid member bitfield_size", "bitfield"}, {"Invalid member base type", "bitfield"},
	{"Invalid member", "member-type"}, {"Unsupported check_member", "member-type"},
	{"Unsupported check_kflag_member", "member-type"}, {"Invalid func linkage", "linkage"},
	{"Linkage not supported", "linkage"}, {"Invalid return type", "return"},
	{"Invalid arg#", "param"}, {"Not a VAR kind member", "datasec-var"},
	{"Invalid offset", "datasec-offset"}, {"Invalid size", "datasec-size"},
	{"Invalid component_idx", "component-idx"}, {"Loop detected", "loop"},
	{"Exceeded max resolving depth", "depth"},
	{"Type tags don't precede modifiers", "tag-order"}, {"Max chain length", "chain"},
	{"Invalid resolve state", "resolve-state"},
};

struct kcause {
	const char *fault;
	uint32_t id; /* 0: the kernel names no type */
	char line[256];
};

static bool is_vsi_line(const char *l)
{
	unsigned a, b, c;
	return sscanf(l, "\t type_id=%u offset=%u size=%u", &a, &b, &c) == 3;
}

/* The cause in klog: its last line, and the type named on it or above it. */
static void kernel_cause(struct kcause *k)
{
	char *lines[64];
	int n = 0;
	memset(k, 0, sizeof(*k));
	/* the last lines are enough: walk back from the end */
	for (char *p = klog + strlen(klog); p > klog && n < 64;) {
		while (p > klog && (p[-1] == '\n' || p[-1] == ' '))
			*--p = '\0';
		char *s = p;
		while (s > klog && s[-1] != '\n')
			s--;
		if (s == p)
			break;
		lines[n++] = s;
		p = s;
	}
	if (!n)
		return;
	const char *last = lines[0];
	snprintf(k->line, sizeof(k->line), "%s", last);
	for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]) && !k->fault; i++)
		if (strstr(last, messages[i][0]))
			k->fault = messages[i][1];
	if (!k->fault && strstr(last, "Invalid type_id"))
		k->fault = "type-id";
	if (!k->fault && strstr(last, "Invalid type"))
		k->fault = "datasec-var";
	if (last[0] == '\t' && k->fault &&
	    (!strcmp(k->fault, "type-id") || !strcmp(k->fault, "size")))
		k->fault = is_vsi_line(last) ? (!strcmp(k->fault, "size") ? "datasec-size"
									 : "datasec-var")
					     : "member-type";
	for (int i = 0; i < n; i++) {
		if (sscanf(lines[i], "[%u]", &k->id) == 1)
			break;
		if (lines[i][0] != '\t')
			break;
	}
}

/* ---- btfkit ---- */

struct first {
	unsigned n;
	int reason, code;
	uint32_t id;
	char msg[800];
};

static int keep_first(const struct bk_error *e, void *ctx)
{
	struct first *f = ctx;
	if (!f->n++) {
		f->reason = e->reason;
		f->code = e->code;
		f->id = e->type_id;
		bk_error_str(e, f->msg, sizeof(f->msg));
	}
	return 0;
}

/* ---- comparing ---- */

struct tally {
	unsigned blobs, skipped, agree, both_reject, cause_agree, id_agree, errno_agree;
	unsigned mismatches;
	unsigned by_fault[BK_NR_FAULTS]; /* both reject: btfkit's first fault */
};

static void compare(struct tally *t, const char *what, const uint8_t *d, size_t n)
{
	uint16_t magic = 0;
	if (n >= 2)
		memcpy(&magic, d, 2);
	if (magic == 0x9feb) { /* the other byte order: btfkit checks it as such */
		t->skipped++;
		return;
	}
	t->blobs++;
	int kerr = kernel_load(d, n, false);
	struct first f = {0};
	BK_OPTS(bk_validate_opts, o, .first_only = true);
	bk_validate_blob(d, n, NULL, what, NULL, &o, keep_first, &f);
	bool krej = kerr != 0, brej = f.n != 0;
	if (krej != brej) {
		if (krej)
			kernel_load(d, n, true);
		printf("DISAGREE %s: kernel %s (errno %d: %.200s), btfkit %s %s\n", what,
		       krej ? "rejects" : "accepts", kerr, krej ? klog : "",
		       brej ? "rejects:" : "accepts", brej ? f.msg : "");
		t->mismatches++;
		return;
	}
	t->agree++;
	if (!krej)
		return;
	t->both_reject++;
	if (kerr == KERNEL_ENOTSUPP)
		kerr = EOPNOTSUPP;
	if (kerr == -f.code)
		t->errno_agree++;
	kernel_load(d, n, true);
	struct kcause k;
	kernel_cause(&k);
	const char *mine = bk_fault_name(f.reason);
	if (f.reason > 0 && f.reason < BK_NR_FAULTS)
		t->by_fault[f.reason]++;
	if (k.fault && !strcmp(k.fault, mine))
		t->cause_agree++;
	else
		printf("cause %s: kernel '%s' (%s), btfkit %s: %s\n", what, k.line,
		       k.fault ? k.fault : "?", mine, f.msg);
	if (!k.id || k.id == f.id)
		t->id_agree++;
	else
		printf("type %s: kernel [%u] ('%s'), btfkit [%u]: %s\n", what, k.id, k.line, f.id,
		       f.msg);
}

static void report(const char *set, const struct tally *t)
{
	printf("oracle %s: %u blobs compared (%u in the other byte order skipped), verdict agrees "
	       "on %u; both reject %u: cause agrees %u, type %u, errno %u\n",
	       set, t->blobs, t->skipped, t->agree, t->both_reject, t->cause_agree, t->id_agree,
	       t->errno_agree);
	printf("  causes:");
	for (int i = 1; i < BK_NR_FAULTS; i++)
		if (t->by_fault[i])
			printf(" %s %u", bk_fault_name(i), t->by_fault[i]);
	printf("\n");
}

static void assert_tally(const struct tally *t)
{
	assert_int_equal(t->mismatches, 0);
	assert_int_equal(t->agree, t->blobs);
	assert_int_equal(t->cause_agree, t->both_reject);
	assert_int_equal(t->id_agree, t->both_reject);
	assert_int_equal(t->errno_agree, t->both_reject);
}

static int need_kernel(void **state)
{
	(void)state;
	static const uint8_t probe[] = {
		0x9f, 0xeb, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 16, 0, 0, 0, 5, 0, 0, 0,
		/* [1] INT 'int' size 4, 32 bits signed */
		1, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0, 32, 0, 0, 1, 0, 'i', 'n', 't', 0};
	int e = kernel_load(probe, sizeof(probe), false);
	if (e == EPERM || e == ENOSYS || e == EACCES) {
		printf("SKIPPED: BPF_BTF_LOAD not permitted here (%s): run as root\n", strerror(e));
		return -1;
	}
	if (e)
		printf("the probe blob was refused: %s\n", strerror(e));
	return e ? -1 : 0;
}

/* ---- the blob sets ---- */

static void compare_file(struct tally *t, const char *path)
{
	size_t n;
	char *d = bkt_read(path, &n);
	assert_non_null(d);
	compare(t, path, (const uint8_t *)d, n);
	free(d);
}

static const char *const golden_blobs[] = {
	"examples/doc_base.btf", "examples/doc_dist_base.btf", "examples/doc_dup_base.btf",
	"examples/doc_missing_base.btf", "examples/doc_new_base.btf",
	"examples/doc_resized_base.btf", "examples/doc_split.btf", "examples/emb_dist_base.btf",
	"examples/emb_split.btf", "examples/kinds_base.btf", "examples/kinds_dist_base.btf",
	"examples/kinds_split.btf", "examples/quirk_base.btf", "examples/quirk_dist_base.btf",
	"examples/quirk_enum_only_base.btf", "examples/quirk_split.btf",
	"examples/vmlinux_bigsplit.btf", "examples/vmlinux_bigsplit_dist_base.btf",
	"examples/vmlinux_bigsplit_ambig_dist_base.btf", "dump/crafted/pahole_layout_base.btf",
	"dump/crafted/pahole_libbpf_all.btf", "dump/crafted/pahole_local_base.btf",
	"dump/crafted/pahole_local_base_v2.btf", "dump/crafted/pahole_local_base_v3.btf",
	"dump/crafted/pahole_local_mod.BTF.base", "dump/crafted/vmlinux_split_dist_base.btf",
	"dump/crafted/vmlinux_split.btf",
};

static void test_goldens_and_vmlinux(void **state)
{
	(void)state;
	struct tally t = {0};
	for (size_t i = 0; i < sizeof(golden_blobs) / sizeof(golden_blobs[0]); i++)
		compare_file(&t, bkt_golden(golden_blobs[i]));
	static const char *const kernels[] = {"6.1.0-47-amd64", "6.1.0-56-amd64",
					      "6.12.107+deb12-amd64", "6.12.117+deb12-amd64",
					      "running"};
	for (size_t i = 0; i < 5; i++)
		compare_file(&t, bkt_vmlinux(kernels[i]));
	report("goldens+vmlinux", &t);
	assert_tally(&t);
}

/* the blobs of tests/validate/kernel_raw_tests.txt, decoded into one buffer each */
static size_t load_cases(uint8_t ***blobs, size_t **lens)
{
	char *text = bkt_read("tests/validate/kernel_raw_tests.txt", NULL);
	assert_non_null(text);
	size_t n = 0, cap = 256;
	*blobs = calloc(cap, sizeof(**blobs));
	*lens = calloc(cap, sizeof(**lens));
	uint8_t *cur = NULL;
	size_t len = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strncmp(line, "blob", 4)) {
			assert_true(n < cap);
			cur = (*blobs)[n] = malloc(1 << 16);
			len = 0;
			n++;
		} else if (!strncmp(line, "  ", 2) && cur) {
			for (char *h = line + 2; h[0] && h[1] && len < (1 << 16); h += 2) {
				unsigned b;
				sscanf(h, "%2x", &b);
				cur[len++] = (uint8_t)b;
			}
			(*lens)[n - 1] = len;
		} else {
			cur = NULL;
		}
	}
	free(text);
	return n;
}

static void test_selftest_cases(void **state)
{
	(void)state;
	uint8_t **blobs;
	size_t *lens, n = load_cases(&blobs, &lens);
	struct tally t = {0};
	char what[64];
	for (size_t i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "selftest blob %zu", i + 1);
		compare(&t, what, blobs[i], lens[i]);
		free(blobs[i]);
	}
	free(blobs);
	free(lens);
	report("selftest cases", &t);
	assert_true(t.blobs >= 170);
	assert_tally(&t);
}

/* ---- mutants ---- */

static uint32_t rng_state = SEED;
static uint32_t rnd(void) /* xorshift32: the same mutants on every run */
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static const uint32_t interesting[] = {0,          1,          2,          3,
				       4,          7,          8,          12,
				       16,         24,         31,         32,
				       33,         64,         127,        128,
				       0xff,       0xffff,     0x10000,    0xffffff,
				       0x1000000,  0x7fffffff, 0x80000000, 0xfffffffe,
				       0xffffffff, 0x000fffff, 0x00100000, 0x9f00ffff};

/* One mutation of a copy of the seed: a bit, a byte, a word, a kind, a
 * vlen, a header field, or the length. Word mutations go to the types and
 * strings (after the 24-byte header), where most rules are. Returns the
 * new length. */
static size_t mutate(uint8_t *d, size_t n)
{
	size_t words = n / 4, w = words > 6 ? 6 + rnd() % (words - 6) : 0;
	uint32_t v;
	static const uint8_t op_of[16] = {0, 0, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 7};
	switch (op_of[rnd() % 16]) {
	case 0: /* flip a bit */
		d[rnd() % n] ^= (uint8_t)(1u << (rnd() % 8));
		break;
	case 1: /* a random byte */
		d[rnd() % n] = (uint8_t)rnd();
		break;
	case 2: /* an interesting word */
		v = interesting[rnd() % (sizeof(interesting) / sizeof(interesting[0]))];
		memcpy(d + 4 * w, &v, 4);
		break;
	case 3: /* a small number: an ID, a count, an offset */
		v = rnd() % 40;
		memcpy(d + 4 * w, &v, 4);
		break;
	case 4: /* another kind in an info-like word (byte 3 of a word) */
		d[4 * w + 3] = (uint8_t)((rnd() % 21) | (rnd() % 4 == 0 ? 0x80 : 0));
		break;
	case 5: /* nudge a word by +-1 */
		memcpy(&v, d + 4 * w, 4);
		v += rnd() % 2 ? 1 : (uint32_t)-1;
		memcpy(d + 4 * w, &v, 4);
		break;
	case 6: /* a header field (words 1..5) */
		v = (uint32_t)(int32_t)(rnd() % 17 - 8);
		w = 1 + rnd() % 5;
		if (4 * w + 4 <= n) {
			uint32_t x;
			memcpy(&x, d + 4 * w, 4);
			x += v;
			memcpy(d + 4 * w, &x, 4);
		}
		break;
	default: /* cut the end */
		return n - 1 - rnd() % (n < 16 ? n - 1 : 16);
	}
	return n;
}

static void test_mutants(void **state)
{
	(void)state;
	uint8_t **seeds;
	size_t *lens, n = load_cases(&seeds, &lens);
	/* the seeds: the selftest blobs the kernel takes, and small goldens */
	size_t nr_seeds = 0;
	for (size_t i = 0; i < n; i++) {
		if (kernel_load(seeds[i], lens[i], false) == 0) {
			seeds[nr_seeds] = seeds[i];
			lens[nr_seeds++] = lens[i];
		} else {
			free(seeds[i]);
		}
	}
	static const char *const small[] = {"examples/doc_base.btf", "examples/quirk_base.btf",
					    "dump/crafted/pahole_local_base.btf",
					    "examples/kinds_dist_base.btf"};
	for (size_t i = 0; i < 4; i++) {
		size_t len;
		char *d = bkt_read(bkt_golden(small[i]), &len);
		assert_non_null(d);
		seeds[nr_seeds] = (uint8_t *)d;
		lens[nr_seeds++] = len;
	}
	struct tally t = {0};
	uint8_t buf[1 << 16];
	char what[64];
	for (unsigned i = 0; i < NR_MUTANTS; i++) {
		size_t s = rnd() % nr_seeds, len = lens[s];
		if (len > sizeof(buf) || len < 2)
			continue;
		memcpy(buf, seeds[s], len);
		for (unsigned k = 1 + rnd() % 3; k-- && len > 1;)
			len = mutate(buf, len);
		snprintf(what, sizeof(what), "mutant %u of seed %zu", i, s);
		compare(&t, what, buf, len);
	}
	for (size_t i = 0; i < nr_seeds; i++)
		free(seeds[i]);
	free(seeds);
	free(lens);
	report("mutants", &t);
	assert_true(t.blobs >= NR_MUTANTS * 9 / 10);
	assert_tally(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_goldens_and_vmlinux),
		cmocka_unit_test(test_selftest_cases),
		cmocka_unit_test(test_mutants),
	};
	if (need_kernel(NULL)) {
		/* cmocka's skip() inside each test: say why once, count them skipped */
		printf("[  SKIPPED ] %zu test(s): BPF_BTF_LOAD is not available\n",
		       sizeof(tests) / sizeof(tests[0]));
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
