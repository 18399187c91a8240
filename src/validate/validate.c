// SPDX-License-Identifier: MIT
/*
 * Validation with the kernel's rules: the two front ends (raw bytes, or a
 * struct bk_btf that was read or built), the header and section checks,
 * the string section, names, and fault reporting. The per-type first pass
 * is validate_types.c, the resolve pass validate_resolve.c.
 *
 * The order of the checks is the kernel's (btf_parse: header, sections,
 * strings, type records one by one, resolve in ID order, TYPE_TAG order),
 * so that with first_only the fault reported is the one BPF_BTF_LOAD
 * names. Facts about the rules come from reading kernel/bpf/btf.c and from
 * loading blobs into a running 6.18 kernel (tests/test_kernel_oracle.c).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/opts_internal.h"
#include "validate/validate_internal.h"

static const char *const fault_names[BK_NR_FAULTS] = {
	[BK_FAULT_NONE] = "none",
	[BK_FAULT_TOO_BIG] = "too-big",
	[BK_FAULT_HDR_TRUNCATED] = "hdr-truncated",
	[BK_FAULT_HDR_UNSUPPORTED] = "hdr-unsupported",
	[BK_FAULT_MAGIC] = "magic",
	[BK_FAULT_VERSION] = "version",
	[BK_FAULT_FLAGS] = "flags",
	[BK_FAULT_NO_DATA] = "no-data",
	[BK_FAULT_SECTION_OFFSET] = "section-offset",
	[BK_FAULT_SECTION_GAP] = "section-gap",
	[BK_FAULT_SECTION_OVERLAP] = "section-overlap",
	[BK_FAULT_SECTION_LENGTH] = "section-length",
	[BK_FAULT_STR_NOT_LAST] = "str-not-last",
	[BK_FAULT_STR_SECTION] = "str-section",
	[BK_FAULT_TYPE_ALIGN] = "type-align",
	[BK_FAULT_NO_TYPES] = "no-types",
	[BK_FAULT_TRUNCATED] = "truncated",
	[BK_FAULT_INFO] = "info",
	[BK_FAULT_KIND] = "kind",
	[BK_FAULT_TOO_MANY_TYPES] = "too-many-types",
	[BK_FAULT_NAME_OFFSET] = "name-offset",
	[BK_FAULT_NAME] = "name",
	[BK_FAULT_VLEN] = "vlen",
	[BK_FAULT_KFLAG] = "kflag",
	[BK_FAULT_SIZE] = "size",
	[BK_FAULT_TYPE_ID] = "type-id",
	[BK_FAULT_INT_BITS] = "int-bits",
	[BK_FAULT_INT_ENCODING] = "int-encoding",
	[BK_FAULT_ARRAY_ELEM] = "array-elem",
	[BK_FAULT_ARRAY_INDEX] = "array-index",
	[BK_FAULT_ARRAY_SIZE] = "array-size",
	[BK_FAULT_MEMBER_TYPE] = "member-type",
	[BK_FAULT_MEMBER_OFFSET] = "member-offset",
	[BK_FAULT_MEMBER_SIZE] = "member-size",
	[BK_FAULT_BITFIELD] = "bitfield",
	[BK_FAULT_LINKAGE] = "linkage",
	[BK_FAULT_RETURN] = "return",
	[BK_FAULT_PARAM] = "param",
	[BK_FAULT_DATASEC_VAR] = "datasec-var",
	[BK_FAULT_DATASEC_OFFSET] = "datasec-offset",
	[BK_FAULT_DATASEC_SIZE] = "datasec-size",
	[BK_FAULT_COMPONENT_IDX] = "component-idx",
	[BK_FAULT_LOOP] = "loop",
	[BK_FAULT_DEPTH] = "depth",
	[BK_FAULT_TAG_ORDER] = "tag-order",
	[BK_FAULT_CHAIN] = "chain",
};

const char *bk_fault_name(int fault)
{
	return fault >= 0 && fault < BK_NR_FAULTS ? fault_names[fault] : "unknown";
}

int bk_fault_by_name(const char *name)
{
	for (int f = 0; f < BK_NR_FAULTS; f++)
		if (!strcmp(name, fault_names[f]))
			return f;
	return -1;
}

/* ------------------------------------------------------------------ */
/* The view                                                            */

const struct bk_type kv_void; /* ID 0: kind 0, no size */

bool kv_name_off_valid(const struct kv *v, uint32_t off)
{
	return off <= KV_MAX_NAME_OFFSET && kv_str(v, off);
}

/*
 * The kernel's character classes (lib/ctype.c), which are Latin-1: bytes
 * 0xc0-0xff are letters there, 0xa0-0xbf printable. The kernel is built
 * with unsigned char, so every byte is looked up as 0-255. One table,
 * built once: names are checked by the hundred thousand.
 */
enum { C_FIRST = 1, C_NEXT = 2, C_PRINT = 4 };
static uint8_t char_class[256];
static pthread_once_t char_class_once = PTHREAD_ONCE_INIT;

static bool k_isalpha(unsigned c)
{
	if (c < 0x80)
		return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
	return c >= 0xc0 && c != 0xd7 && c != 0xf7;
}

static void build_char_class(void)
{
	for (unsigned c = 0; c < 256; c++) {
		/* the kernel lets '.' in anywhere: LLVM names statics "f.llvm.123" */
		bool first = k_isalpha(c) || c == '_' || c == '.';
		bool next = first || (c >= '0' && c <= '9');
		bool print = (c >= 0x20 && c < 0x7f) || c >= 0xa0;
		char_class[c] = (uint8_t)((first ? C_FIRST : 0) | (next ? C_NEXT : 0) |
					  (print ? C_PRINT : 0));
	}
}

/* s[0] in first_class, the rest in class, at most KV_NAME_LEN characters
 * (the kernel's limit), as the kernel counts them */
static bool name_chars_ok(const uint8_t *s, uint8_t first_class, uint8_t class)
{
	pthread_once(&char_class_once, build_char_class);
	if (!s || !(char_class[s[0]] & first_class))
		return false;
	size_t i = 1;
	while (i < KV_NAME_LEN && s[i] && (char_class[s[i]] & class))
		i++;
	return !s[i];
}

/* Own names are remembered by offset, two bits each (checked, valid):
 * vmlinux names the same members, parameters and values over and over. */
bool kv_is_identifier(struct kv *v, uint32_t off)
{
	uint32_t rel = off - v->start_str_off, shift = (rel & 3) * 2;
	uint8_t *memo = v->ident_memo && off >= v->start_str_off && rel < v->strs_len
				? &v->ident_memo[rel >> 2]
				: NULL;
	if (memo && (*memo >> shift & 1))
		return *memo >> shift & 2;
	bool ok = name_chars_ok((const uint8_t *)kv_str(v, off), C_FIRST, C_NEXT);
	if (memo)
		*memo |= (uint8_t)((ok ? 3u : 1u) << shift);
	return ok;
}

/* not empty, printable (the first character is checked like the rest) */
bool kv_is_section_name(const struct kv *v, uint32_t off)
{
	return name_chars_ok((const uint8_t *)kv_str(v, off), C_PRINT, C_PRINT);
}

/* ------------------------------------------------------------------ */
/* Reporting                                                           */

static void type_label(const struct kv *v, uint32_t id, char *buf, size_t len)
{
	const struct bk_type *t = kv_type(v, id);
	if (!t || t == &kv_void || !bk_kind_desc(bk_kind(t))) {
		snprintf(buf, len, "[%u]", id);
		return;
	}
	const char *name = t->name_off ? kv_str(v, t->name_off) : "(anon)";
	snprintf(buf, len, "[%u] %s '%.*s'", id, bk_kind_name(bk_kind(t)), 64,
		 name ? name : "(invalid)");
}

int kv_fault(struct kv *v, uint32_t id, enum bk_fault fault, int errno_code, const char *fmt, ...)
{
	v->nr_faults++;
	if (v->stop)
		return -EINVAL;
	if (v->report) {
		struct bk_error e;
		char what[600], label[128] = "";
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(what, sizeof(what), fmt, ap);
		va_end(ap);
		bk_error_clear(&e);
		bk_err_set_source(&e, v->file, v->section);
		if (id)
			type_label(v, id, label, sizeof(label));
		bk_err(&e, errno_code, "%s%s%s", label, id ? ": " : "", what);
		e.reason = fault;
		e.type_id = id;
		if (v->report(&e, v->ctx))
			v->stop = true;
	}
	if (v->first_only)
		v->stop = true;
	return -EINVAL;
}

/* ------------------------------------------------------------------ */
/* The header and its sections (raw bytes only)                        */

struct kv_hdr {
	uint16_t magic;
	uint8_t version, flags;
	uint32_t hdr_len, type_off, type_len, str_off, str_len;
};

static uint32_t rd32(const uint8_t *p, bool swap)
{
	uint32_t x;
	memcpy(&x, p, 4);
	return swap ? bk_bswap32(x) : x;
}

/* The kernel copies min(hdr_len, 24) bytes over a zeroed header: a short
 * hdr_len leaves the later fields 0. */
static void read_hdr(const uint8_t *d, size_t size, bool swap, struct kv_hdr *h)
{
	uint8_t raw[BK_HDR_LEN_CLASSIC] = {0};
	memset(h, 0, sizeof(*h));
	h->hdr_len = rd32(d + 4, swap);
	size_t n = h->hdr_len < sizeof(raw) ? h->hdr_len : sizeof(raw);
	memcpy(raw, d, n < size ? n : size);
	uint16_t m;
	memcpy(&m, raw, 2);
	h->magic = swap ? bk_bswap16(m) : m;
	h->version = raw[2];
	h->flags = raw[3];
	h->type_off = rd32(raw + 8, swap);
	h->type_len = rd32(raw + 12, swap);
	h->str_off = rd32(raw + 16, swap);
	h->str_len = rd32(raw + 20, swap);
}

struct sec { uint32_t off, len; };

/* The kernel sorts with (int)(a - b) on u32: keep its order exactly. */
static bool sec_after(const struct sec *a, const struct sec *b)
{
	int d = (int)(a->off - b->off);
	return (d ? d : (int)(a->len - b->len)) > 0;
}

static int check_sections(struct kv *v, const struct kv_hdr *h, size_t size)
{
	struct sec s[2] = {{h->type_off, h->type_len}, {h->str_off, h->str_len}};
	if (sec_after(&s[0], &s[1])) {
		struct sec t = s[0];
		s[0] = s[1];
		s[1] = t;
	}
	uint32_t total = 0, expected = (uint32_t)(size - h->hdr_len);
	for (int i = 0; i < 2; i++) {
		if (expected < s[i].off)
			return kv_fault(v, 0, BK_FAULT_SECTION_OFFSET, -EINVAL,
					"section at %u starts past the data (%u bytes after the header)",
					s[i].off, expected);
		if (total < s[i].off)
			return kv_fault(v, 0, BK_FAULT_SECTION_GAP, -EINVAL,
					"bytes %u..%u after the header belong to no section", total,
					s[i].off);
		if (total > s[i].off)
			return kv_fault(v, 0, BK_FAULT_SECTION_OVERLAP, -EINVAL,
					"sections overlap at %u", s[i].off);
		if (expected - total < s[i].len)
			return kv_fault(v, 0, BK_FAULT_SECTION_LENGTH, -EINVAL,
					"section at %u + %u ends past the data (%u bytes)", s[i].off,
					s[i].len, expected);
		total += s[i].len;
	}
	if (total != expected)
		return kv_fault(v, 0, BK_FAULT_SECTION_GAP, -EINVAL,
				"%u bytes after the sections belong to no section", expected - total);
	return 0;
}

static bool unknown_header_bytes(const uint8_t *d, uint32_t hdr_len)
{
	for (uint32_t i = BK_HDR_LEN_CLASSIC; i < hdr_len; i++)
		if (d[i])
			return true;
	return false;
}

static int check_header(struct kv *v, const uint8_t *d, size_t size, bool swap, struct kv_hdr *h)
{
	if (size < 8)
		return kv_fault(v, 0, BK_FAULT_HDR_TRUNCATED, -EINVAL,
				"%zu bytes: too short for a BTF header", size);
	read_hdr(d, size, swap, h);
	if (size < h->hdr_len)
		return kv_fault(v, 0, BK_FAULT_HDR_TRUNCATED, -EINVAL,
				"header length %u is past the end (%zu bytes)", h->hdr_len, size);
	if (h->hdr_len > BK_HDR_LEN_CLASSIC && unknown_header_bytes(d, h->hdr_len))
		return kv_fault(v, 0, BK_FAULT_HDR_UNSUPPORTED, -E2BIG,
				"header bytes 24..%u are not all zero (a layout section or fields "
				"the kernel does not know)", h->hdr_len);
	if (h->magic != BK_MAGIC)
		return kv_fault(v, 0, BK_FAULT_MAGIC, -EINVAL, "bad magic 0x%04x", h->magic);
	if (h->version != BK_VERSION)
		return kv_fault(v, 0, BK_FAULT_VERSION, -EOPNOTSUPP, "version %u (the kernel takes 1)",
				h->version);
	if (h->flags)
		return kv_fault(v, 0, BK_FAULT_FLAGS, -EOPNOTSUPP, "flags 0x%x (must be 0)", h->flags);
	if (!v->base && size == h->hdr_len)
		return kv_fault(v, 0, BK_FAULT_NO_DATA, -EINVAL, "nothing after the header");
	return check_sections(v, h, size);
}

/* ------------------------------------------------------------------ */
/* The string section                                                  */

static int check_strings(struct kv *v)
{
	if (v->base && !v->strs_len)
		return 0;
	if (!v->strs_len)
		return kv_fault(v, 0, BK_FAULT_STR_SECTION, -EINVAL, "empty string section");
	if (v->strs_len - 1 > KV_MAX_NAME_OFFSET)
		return kv_fault(v, 0, BK_FAULT_STR_SECTION, -EINVAL,
				"string section of %u bytes is over the kernel's %u", v->strs_len,
				KV_MAX_NAME_OFFSET + 1);
	if (v->strs[v->strs_len - 1])
		return kv_fault(v, 0, BK_FAULT_STR_SECTION, -EINVAL,
				"string section does not end with a NUL byte");
	if (!v->base && v->strs[0])
		return kv_fault(v, 0, BK_FAULT_STR_SECTION, -EINVAL,
				"string section does not start with \"\" (split BTF without its base?)");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Running the passes                                                  */

static void kv_init(struct kv *v, const struct bk_btf *base, const char *file, const char *section,
		    const struct bk_validate_opts *opts, bk_report_fn report, void *ctx)
{
	memset(v, 0, sizeof(*v));
	v->base = base;
	v->start_id = base ? bk_btf_type_cnt(base) : 1;
	if (base) {
		uint32_t len;
		bk_btf_strs(base, &len);
		v->start_str_off = bk_btf_start_str_off(base) + len;
	}
	v->file = file;
	v->section = section;
	v->first_only = opts && opts->first_only;
	v->report = report;
	v->ctx = ctx;
}

static void kv_release(struct kv *v)
{
	free(v->ident_memo);
	free(v->offs);
	free(v->state);
	free(v->res_id);
	free(v->res_size);
}

/* Strings, then the type section: records, resolve, TYPE_TAG order. */
static int run_type_checks(struct kv *v)
{
	int e;
	if (check_strings(v))
		return -EINVAL;
	if (v->type_off & 3)
		return kv_fault(v, 0, BK_FAULT_TYPE_ALIGN, -EINVAL,
				"type_off %u is not 4-byte aligned", v->type_off);
	if (!v->base && !v->types_len)
		return kv_fault(v, 0, BK_FAULT_NO_TYPES, -EINVAL, "no types (base BTF needs one)");
	v->ident_memo = calloc(v->strs_len / 4 + 1, 1); /* only a cache: may fail */
	e = kv_check_records(v);
	if (e == -ENOMEM || e == -EBADMSG || v->stop)
		return e;
	e = kv_resolve_all(v);
	if (e == -ENOMEM || v->stop)
		return e;
	e = kv_check_type_tags(v);
	return e == -ENOMEM ? e : 0;
}

static int kv_finish(struct kv *v, int e)
{
	kv_release(v);
	if (e == -ENOMEM)
		return e;
	return v->nr_faults ? -EINVAL : 0;
}

int bk_validate(const struct bk_btf *btf, const struct bk_validate_opts *opts,
		bk_report_fn report, void *ctx)
{
	struct kv v;
	struct bk_validate_opts o;
	int e = bk_opts_load(&o, sizeof(o), opts, "bk_validate_opts", NULL);
	if (e)
		return e;
	kv_init(&v, btf->base, btf->source, btf->section[0] ? btf->section : NULL, &o, report, ctx);
	v.types = btf->types;
	v.types_len = btf->types_len;
	v.strs = btf->strs;
	v.strs_len = (uint32_t)btf->strs_len;
	if (btf->raw && btf->hdr_len > BK_HDR_LEN_CLASSIC &&
	    unknown_header_bytes(btf->raw, btf->hdr_len)) {
		kv_fault(&v, 0, BK_FAULT_HDR_UNSUPPORTED, -E2BIG,
			 "header bytes 24..%u are not all zero (%s)", btf->hdr_len,
			 btf->layout_len ? "a layout section, which the kernel refuses"
					 : "fields the kernel does not know");
		return kv_finish(&v, 0);
	}
	return kv_finish(&v, run_type_checks(&v));
}

static bool blob_swapped(const uint8_t *d, size_t size)
{
	uint16_t m;
	if (size < 2)
		return false;
	memcpy(&m, d, 2);
	return m == bk_bswap16(BK_MAGIC);
}

int bk_validate_blob(const void *data, size_t size, const struct bk_btf *base,
		     const char *name, const char *section,
		     const struct bk_validate_opts *opts, bk_report_fn report, void *ctx)
{
	const uint8_t *d = data;
	struct kv v;
	struct kv_hdr h;
	struct bk_validate_opts o;
	int e = bk_opts_load(&o, sizeof(o), opts, "bk_validate_opts", NULL);
	if (e)
		return e;
	kv_init(&v, base, name, section, &o, report, ctx);
	if (!base && size > BK_VALIDATE_MAX_BLOB) {
		kv_fault(&v, 0, BK_FAULT_TOO_BIG, -E2BIG, "%zu bytes: over BPF_BTF_LOAD's %u", size,
			 BK_VALIDATE_MAX_BLOB);
		return kv_finish(&v, 0);
	}
	bool swap = blob_swapped(d, size);
	if (check_header(&v, d, size, swap, &h))
		return kv_finish(&v, 0);
	const uint8_t *body = d + h.hdr_len;
	v.strs = (const char *)body + h.str_off;
	v.strs_len = h.str_len;
	if ((uint64_t)h.hdr_len + h.str_off + h.str_len != size) {
		kv_fault(&v, 0, BK_FAULT_STR_NOT_LAST, -EINVAL,
			 "the string section (%u + %u) does not end the blob", h.str_off, h.str_len);
		return kv_finish(&v, 0);
	}
	v.type_off = h.type_off;
	/* records are read as u32 words in host order: copy (and swap) them */
	uint8_t *types = malloc(h.type_len ? h.type_len : 1);
	if (!types)
		return kv_finish(&v, -ENOMEM);
	memcpy(types, body + h.type_off, h.type_len);
	if (swap)
		for (uint32_t i = 0; i + 4 <= h.type_len; i += 4) {
			uint32_t w = rd32(types + i, true);
			memcpy(types + i, &w, 4);
		}
	v.types = types;
	v.types_len = h.type_len;
	e = run_type_checks(&v);
	free(types);
	return kv_finish(&v, e);
}
