// SPDX-License-Identifier: MIT
/*
 * Raw BTF blobs: the header, the sections, and the checks every reader needs
 * to be safe (what libbpf checks on parse): sections in bounds, a string
 * section that ends in NUL, known kinds, records that fit, and every type ID
 * and string offset in range. The kernel's semantic rules are validate.c's.
 *
 * Pass 1 walks the records, fills the ID index and finds the largest ID
 * and string offset; only when one is out of range (or a FUNC's type is
 * not a FUNC_PROTO seen before it) does pass 2 check type by type, for the
 * first fault. Both are bounded by the section, never by a count read
 * from the input.
 */
#include <fcntl.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/btf_internal.h"
#include "core/fresh.h"
#include "core/mapped.h"
#include "io/map.h"

struct hdr {
	uint32_t hdr_len, type_off, type_len, str_off, str_len, layout_off, layout_len;
};

static uint32_t word(const uint8_t *p, bool swap)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swap ? bk_bswap32(v) : v;
}

static int parse_header(struct bk_btf *b, const uint8_t *d, size_t size, struct hdr *h,
			struct bk_error *err)
{
	uint16_t magic;
	if (size < BK_HDR_LEN_CLASSIC)
		return bk_err(err, -EINVAL, "truncated header: %zu bytes, a BTF header has %d",
			      size, BK_HDR_LEN_CLASSIC);
	memcpy(&magic, d, 2);
	if (magic == bk_bswap16(BK_MAGIC))
		b->swapped = true;
	else if (magic != BK_MAGIC)
		return bk_err(err, -EINVAL, "bad magic 0x%04x (BTF has 0xeb9f)", magic);
	h->hdr_len = word(d + 4, b->swapped);
	if (h->hdr_len < BK_HDR_LEN_CLASSIC || h->hdr_len > size)
		return bk_err(err, -EINVAL, "header length %u out of range (%d..%zu)", h->hdr_len,
			      BK_HDR_LEN_CLASSIC, size);
	h->type_off = word(d + 8, b->swapped);
	h->type_len = word(d + 12, b->swapped);
	h->str_off = word(d + 16, b->swapped);
	h->str_len = word(d + 20, b->swapped);
	h->layout_off = h->layout_len = 0;
	if (h->hdr_len >= BK_HDR_LEN_LAYOUT) {
		h->layout_off = word(d + 24, b->swapped);
		h->layout_len = word(d + 28, b->swapped);
	}
	return 0;
}

static int check_section(const char *what, uint32_t off, uint32_t len, size_t room,
			 struct bk_error *err)
{
	if ((uint64_t)off + len > room)
		return bk_err(err, -EINVAL,
			      "%s section at %u + %u ends past the data (%zu bytes after the header)",
			      what, off, len, room);
	return 0;
}

static bool overlap(uint32_t a_off, uint32_t a_len, uint32_t b_off, uint32_t b_len)
{
	return a_len && b_len && (uint64_t)a_off < (uint64_t)b_off + b_len &&
	       (uint64_t)b_off < (uint64_t)a_off + a_len;
}

static int check_layout(const struct hdr *h, size_t size, bool split, struct bk_error *err)
{
	size_t room = size - h->hdr_len;
	int e;
	if ((e = check_section("type", h->type_off, h->type_len, room, err)) ||
	    (e = check_section("string", h->str_off, h->str_len, room, err)) ||
	    (e = check_section("layout", h->layout_off, h->layout_len, room, err)))
		return e;
	if (h->type_off % 4 || h->type_len % 4)
		return bk_err(err, -EINVAL, "type section at %u + %u is not 4-byte aligned",
			      h->type_off, h->type_len);
	if (overlap(h->type_off, h->type_len, h->str_off, h->str_len) ||
	    overlap(h->type_off, h->type_len, h->layout_off, h->layout_len) ||
	    overlap(h->layout_off, h->layout_len, h->str_off, h->str_len))
		return bk_err(err, -EINVAL,
			      "sections overlap: type %u + %u, string %u + %u, layout %u + %u",
			      h->type_off, h->type_len, h->str_off, h->str_len, h->layout_off,
			      h->layout_len);
	if (!h->str_len && !split)
		return bk_err(err, -EINVAL, "empty string section (base BTF needs at least \"\")");
	if (h->str_len > BK_MAX_ID)
		return bk_err(err, -EINVAL, "string section of %u bytes is too large", h->str_len);
	return 0;
}

static int check_strings(const struct bk_btf *b, bool split, struct bk_error *err)
{
	if (!b->strs_len)
		return 0;
	if (b->strs[b->strs_len - 1] != '\0')
		return bk_err(err, -EINVAL, "string section does not end with a NUL byte");
	if (!split && b->strs[0] != '\0')
		return bk_err(err, -EINVAL,
			      "string section does not start with \"\" (split BTF read without "
			      "its base?)");
	if ((uint64_t)b->start_str_off + b->strs_len > BK_MAX_ID)
		return bk_err(err, -EINVAL, "string offsets past %u", BK_MAX_ID);
	return 0;
}

/* The precise message for a field found out of range (the slow path). */
static int field_error(const struct bk_btf *b, uint32_t id, struct bk_type *t, uint32_t cnt,
		       uint32_t str_end, struct bk_error *err)
{
	struct bk_field_iter it;
	uint32_t *f;
	char what[64];
	bk_field_iter_begin(&it, t, BK_ITER_STRS);
	while ((f = bk_field_iter_next(&it)))
		if (*f >= str_end)
			return bk_err_tag(err, bk_err_type(err, b, id, -EINVAL,
						    "%s offset %u out of range (strings end at %u)",
						    bk_field_iter_describe(&it, what, sizeof(what)),
						    *f, str_end), BK_E_STR_OFF);
	bk_field_iter_begin(&it, t, BK_ITER_IDS);
	while ((f = bk_field_iter_next(&it)))
		if (*f >= cnt)
			return bk_err_tag(err, bk_err_type(err, b, id, -EINVAL,
						    "%s %u out of range (last is %u)",
						    bk_field_iter_describe(&it, what, sizeof(what)),
						    *f, cnt - 1), BK_E_TYPE_ID);
	return bk_err_tag(err, bk_err_type(err, b, id, -EINVAL, "field out of range"), BK_E_TYPE_ID);
}

/* The largest ID and string offset any field holds: pass 1 keeps them, so
 * that one comparison at its end clears every field (or sends the reader
 * to check_types for the precise first fault). */
struct field_max {
	uint32_t id, str;
};

/*
 * Each kind's record as 32-bit words, from the kind table: the pass reads
 * a record's fields through it with masks instead of a branch per field
 * (a mask of 0 where a kind has no such field, its word read for
 * nothing), the loop over the elements the same for every kind.
 */
#define SHAPE_IDS 2 /* ID fields before the elements: no kind has more */

struct shape {
	uint32_t head_bytes;             /* the record less its elements */
	uint32_t elem_bytes;             /* 0 for a kind without elements */
	uint32_t vlen_mask;              /* 0 for a kind without elements */
	uint32_t elem_words;
	uint32_t id_word[SHAPE_IDS], id_mask[SHAPE_IDS]; /* size_or_type, fixed IDs */
	uint32_t elem_id, elem_id_mask, elem_str, elem_str_mask;
	const struct bk_kind_desc *desc; /* NULL: not a kind */
};

/* indexed by the 7 bits of bk_kind */
#define NR_SHAPES 128

/* made once from the kind table, for every read */
static struct shape kind_shapes[NR_SHAPES];
static pthread_once_t shapes_once = PTHREAD_ONCE_INIT;

static void shapes_init(void)
{
	struct shape *sh = kind_shapes;
	for (unsigned k = 0; k < NR_SHAPES; k++) {
		const struct bk_kind_desc *d = bk_kind_desc(k);
		struct shape *s = &sh[k];
		if (!d)
			continue;
		unsigned ids = 0;
		s->desc = d;
		s->head_bytes = (uint32_t)(sizeof(struct bk_type) + d->info_sz);
		s->elem_bytes = d->elem_sz;
		s->elem_words = d->elem_sz / 4u;
		s->vlen_mask = d->elem_sz ? BK_MAX_VLEN : 0;
		if (d->type_is_id)
			s->id_word[ids++] = (uint32_t)offsetof(struct bk_type, type) / 4;
		for (unsigned i = 0; i < d->nr_fixed_ids && ids < SHAPE_IDS; i++)
			s->id_word[ids++] =
				(uint32_t)(sizeof(struct bk_type) + d->fixed_id_offs[i]) / 4;
		for (unsigned i = 0; i < ids; i++)
			s->id_mask[i] = ~0u;
		s->elem_id = d->elem_id_off >= 0 ? (uint32_t)d->elem_id_off / 4 : 0;
		s->elem_id_mask = d->elem_id_off >= 0 ? ~0u : 0;
		s->elem_str = d->elem_str_off >= 0 ? (uint32_t)d->elem_str_off / 4 : 0;
		s->elem_str_mask = d->elem_str_off >= 0 ? ~0u : 0;
	}
}

static inline uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* m grows to the largest ID and string offset in the record w of shape s */
static inline void note_fields(struct field_max *m, const uint32_t *w, const struct shape *s,
			       uint32_t vlen)
{
	uint32_t id = max_u32(m->id, w[s->id_word[0]] & s->id_mask[0]), str = max_u32(m->str, w[0]);
	id = max_u32(id, w[s->id_word[1]] & s->id_mask[1]);
	const uint32_t *e = (const uint32_t *)(const void *)((const uint8_t *)w + s->head_bytes);
	for (uint32_t k = 0, n = vlen & s->vlen_mask; k < n; k++, e += s->elem_words) {
		id = max_u32(id, e[s->elem_id] & s->elem_id_mask);
		str = max_u32(str, e[s->elem_str] & s->elem_str_mask);
	}
	m->id = id;
	m->str = str;
}

/* Every ID and string field of t in range? */
struct range_check {
	uint32_t cnt, str_end, bad;
};

static void check_id(void *ctx, uint32_t *f)
{
	struct range_check *c = ctx;
	c->bad |= *f >= c->cnt;
}

static int check_str(void *ctx, uint32_t *f, uint32_t elem)
{
	(void)elem;
	struct range_check *c = ctx;
	c->bad |= *f >= c->str_end;
	return 0;
}

static bool fields_in_range(struct bk_type *t, uint32_t cnt, uint32_t str_end)
{
	struct range_check c = {cnt, str_end, 0};
	bk_type_walk(t, &c, check_id, check_str);
	return !c.bad;
}

static int grow_offs(struct bk_btf *b, uint32_t n)
{
	if (n < b->offs_cap)
		return 0;
	/* a kernel's records average 25 bytes: most need no second step
	 * (room for as many as the section could hold would be twice as
	 * large: under a memory limit, that is where a reader would fail) */
	size_t cap = b->offs_cap ? b->offs_cap * 2 : b->types_len / 24 + 16;
	uint32_t *o = realloc(b->offs, cap * sizeof(*o));
	if (!o)
		return -ENOMEM;
	b->offs = o;
	b->offs_cap = cap;
	return 0;
}

/* Which own types seen so far are FUNC_PROTOs, one bit each: a FUNC's
 * type is looked up in it (a few KiB that stay in cache) instead of in the
 * records (a cache miss per FUNC in a kernel's 3 MB). The word of the
 * records being indexed is made in cur, stored once whole. */
struct proto_bits {
	uint64_t *w, cur;
};

static int proto_bits_init(struct proto_bits *pb, const struct bk_btf *b)
{
	/* as many bits as there can be records */
	size_t max_types = b->types_len / sizeof(struct bk_type) + 1;
	pb->w = calloc((max_types + 63) / 64, sizeof(*pb->w));
	pb->cur = 0;
	return pb->w ? 0 : -ENOMEM;
}

static inline void proto_bits_note(struct proto_bits *pb, uint32_t idx, unsigned kind)
{
	if (idx % 64 == 0 && idx) {
		pb->w[idx / 64 - 1] = pb->cur;
		pb->cur = 0;
	}
	pb->cur |= (uint64_t)(kind == BK_KIND_FUNC_PROTO) << (idx % 64);
}

/* A FUNC's type: a FUNC_PROTO already indexed (the usual order), else
 * check_types decides (it may be one further on); n: the records indexed,
 * the FUNC's included */
static bool func_proto_seen(const struct bk_btf *b, const struct proto_bits *pb,
			    const struct bk_type *t, uint32_t n)
{
	if (t->type >= b->start_id) {
		uint32_t idx = t->type - b->start_id;
		if (idx >= n)
			return false;
		uint64_t w = idx / 64 == (n - 1) / 64 ? pb->cur : pb->w[idx / 64];
		return w >> (idx % 64) & 1;
	}
	const struct bk_type *p = bk_btf_type(b->base, t->type);
	return p && bk_kind(p) == BK_KIND_FUNC_PROTO;
}

/*
 * One pass over the records: each must have a known kind and fit in the
 * section; its offset goes into the ID index. IDs can refer forward, so the
 * ID range is only known at the end: the pass keeps the largest ID and
 * string offset it meets, and *clean says whether they and every FUNC
 * were found right (else check_types looks at each type).
 */
static int index_records(struct bk_btf *b, const struct shape *shapes, struct proto_bits *pb,
			 bool *clean, struct bk_error *err)
{
	/* b's fields in locals: a store to offs[] could be to any of them */
	const uint8_t *types = b->types;
	size_t len = b->types_len, off = 0;
	uint32_t start_id = b->start_id, n = 0, *offs = b->offs;
	size_t cap = b->offs_cap;
	struct field_max m = {0, 0};
	bool funcs_ok = true;
	while (off < len) {
		uint32_t id = start_id + n;
		if (len - off < sizeof(struct bk_type))
			return bk_err(err, -EINVAL, "[%u]: truncated type: %zu bytes left, need %zu",
				      id, len - off, sizeof(struct bk_type));
		const struct bk_type *t = (const struct bk_type *)(const void *)(types + off);
		unsigned kind = bk_kind(t);
		uint32_t vlen = bk_vlen(t);
		const struct shape *s = &shapes[kind];
		if (!s->desc)
			return bk_err(err, -EINVAL, "[%u]: unknown kind %u", id, kind);
		size_t sz = s->head_bytes + (size_t)vlen * s->elem_bytes;
		if (sz > len - off)
			return bk_err(err, -EINVAL,
				      "[%u] %s: truncated: vlen %u needs %zu bytes, %zu left", id,
				      s->desc->name, vlen, sz, len - off);
		if (id >= BK_MAX_ID)
			return bk_err(err, -EINVAL, "[%u]: too many types", id);
		if (n >= cap) {
			if (grow_offs(b, n))
				return bk_err(err, -ENOMEM, "out of memory indexing %u types", n);
			offs = b->offs;
			cap = b->offs_cap;
		}
		proto_bits_note(pb, n, kind);
		offs[n++] = (uint32_t)off;
		note_fields(&m, (const uint32_t *)(const void *)t, s, vlen);
		if (kind == BK_KIND_FUNC)
			funcs_ok &= func_proto_seen(b, pb, t, n);
		off += sz;
	}
	b->nr_types = n;
	*clean = funcs_ok && m.id < bk_btf_type_cnt(b) &&
		 (uint64_t)m.str < b->start_str_off + (uint64_t)b->strs_len;
	return 0;
}

static int index_types(struct bk_btf *b, bool *clean, struct bk_error *err)
{
	struct proto_bits pb;
	if (proto_bits_init(&pb, b))
		return bk_err(err, -ENOMEM, "out of memory indexing %zu bytes of types",
			      b->types_len);
	pthread_once(&shapes_once, shapes_init);
	int e = index_records(b, kind_shapes, &pb, clean, err);
	free(pb.w);
	return e;
}

/* Every field in range, and FUNC pointing at a FUNC_PROTO (libbpf refuses
 * to read anything else): type by type, for the first fault. */
static int check_types(struct bk_btf *b, struct bk_error *err)
{
	uint32_t cnt = bk_btf_type_cnt(b), str_end = b->start_str_off + (uint32_t)b->strs_len;
	for (uint32_t i = 0; i < b->nr_types; i++) {
		struct bk_type *t = bk_own_type(b, i);
		unsigned kind = bk_kind(t);
		if (!fields_in_range(t, cnt, str_end))
			return field_error(b, b->start_id + i, t, cnt, str_end, err);
		if (kind == BK_KIND_FUNC) {
			const struct bk_type *p = bk_btf_type(b, t->type);
			if (!p || bk_kind(p) != BK_KIND_FUNC_PROTO)
				return bk_err_tag(err, bk_err_type(err, b, b->start_id + i, -EINVAL,
							    "type_id %u is not a FUNC_PROTO",
							    t->type), BK_E_TYPE_ID);
		}
	}
	return 0;
}

static void swap_words(uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 4 <= len; i += 4) {
		uint32_t v;
		memcpy(&v, p + i, 4);
		v = bk_bswap32(v);
		memcpy(p + i, &v, 4);
	}
}

int bk_btf_parse_owned(void *data, size_t size, const struct bk_btf *base, const char *name,
		       const char *section, struct bk_btf **out, struct bk_error *err)
{
	struct bk_btf *b = bk_btf_new(base);
	struct hdr h = {0};
	int e;
	*out = NULL;
	if (!b) {
		bk_buf_free(data);
		return bk_err(err, -ENOMEM, "out of memory");
	}
	bk_btf_set_source(b, name, section);
	free(b->strs); /* the empty table bk_btf_new made: the blob has its own */
	b->strs = NULL;
	b->strs_len = b->strs_cap = 0;
	b->raw = data;
	if ((e = bk_err_tag(err, parse_header(b, data, size, &h, err), BK_E_BTF_HEADER)) ||
	    (e = bk_err_tag(err, check_layout(&h, size, base, err), BK_E_BTF_HEADER)))
		goto fail;
	uint8_t *body = (uint8_t *)data + h.hdr_len;
	b->hdr_len = h.hdr_len;
	b->types = body + h.type_off;
	b->types_len = h.type_len;
	b->strs = (char *)body + h.str_off;
	b->strs_len = h.str_len;
	b->layout = h.layout_len ? body + h.layout_off : NULL;
	b->layout_len = h.layout_len;
	/* records are read through struct pointers: a header length that is
	 * not a multiple of 4 (which libbpf accepts) leaves them unaligned in
	 * the buffer, so they get an aligned copy */
	if ((uintptr_t)b->types % _Alignof(struct bk_type) && bk_btf_make_mutable(b)) {
		e = bk_err(err, -ENOMEM, "out of memory for %zu bytes of types", b->types_len);
		goto fail;
	}
	if (b->swapped)
		swap_words(b->types, b->types_len);
	bool clean = false;
	if ((e = bk_err_tag(err, check_strings(b, base, err), BK_E_BTF_STRINGS)) ||
	    (e = bk_err_tag(err, index_types(b, &clean, err), BK_E_BTF_TYPE)) ||
	    (!clean && (e = check_types(b, err))))
		goto fail;
	*out = b;
	return 0;
fail:
	if (err && !err->file[0])
		bk_err_set_source(err, name, section);
	bk_btf_free(b);
	return e;
}

int bk_btf_parse(const void *data, size_t size, const struct bk_btf *base, const char *name,
		 struct bk_btf **out, struct bk_error *err)
{
	void *copy = malloc(size ? size : 1);
	if (!copy)
		return bk_err(err, -ENOMEM, "out of memory for %zu bytes", size);
	memcpy(copy, data, size);
	return bk_btf_parse_owned(copy, size, base, name, NULL, out, err);
}

static const char *file_kind(mode_t m)
{
	return S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
		: S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket" : "not a regular file";
}

static int too_big(struct bk_error *err, const char *path, uint64_t size)
{
	bk_err_io(err, -EFBIG, path, "cannot read");
	return bk_err_r(err, -EFBIG, BK_E_IO, "%llu bytes: larger than any module or BTF blob "
		      "(at most %zu MiB): refusing to read it", (unsigned long long)size,
		      BK_READ_MAX >> 20);
}

/* A file that is not regular (standard input may be a pipe or socket
 * too: it ends), or too large to be a module or a blob. */
static int refuse_file(const char *path, const struct stat *st, bool in, struct bk_error *err)
{
	if (S_ISDIR(st->st_mode))
		return bk_err_io(err, -EISDIR, path, "cannot read");
	if (!S_ISREG(st->st_mode) && !(in && (S_ISFIFO(st->st_mode) || S_ISSOCK(st->st_mode)))) {
		bk_err_io(err, -EINVAL, path, "cannot read");
		return bk_err_r(err, -EINVAL, BK_E_IO, "%s, not a regular file: refusing to read it",
			      file_kind(st->st_mode));
	}
	if ((uint64_t)st->st_size > BK_READ_MAX)
		return too_big(err, path, (uint64_t)st->st_size);
	return 0;
}

int bk_read_file(const char *path, void **data, size_t *size, struct bk_error *err)
{
	/* "-" is standard input, as bk_write_file's "-" is standard output
	 * (a duplicate, so that closing it leaves stdin open); O_NONBLOCK: opening
	 * a FIFO must not wait for a writer to refuse it */
	bool in = !strcmp(path, "-");
	int fd = in ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0)
		    : open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), e;
	struct stat st;
	if (in)
		path = BK_STDIN_NAME;
	if (fd < 0)
		return bk_err_io(err, -errno, path, "cannot open");
	if (fstat(fd, &st)) {
		e = -errno;
		close(fd);
		return bk_err_io(err, e, path, "cannot read");
	}
	if ((e = refuse_file(path, &st, in, err))) {
		close(fd);
		return e;
	}
	/* O_NONBLOCK means nothing to a regular file (all that is read here
	 * but standard input): two syscalls a module saved in a checked tree */
	if (!in && !S_ISREG(st.st_mode))
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	void *mapped = S_ISREG(st.st_mode) ? bk_map_file(fd, (size_t)st.st_size) : NULL;
	if (mapped) {
		close(fd);
		*data = mapped;
		*size = (size_t)st.st_size;
		return 0;
	}
	/* sysfs files may report a size that is not theirs: read to EOF */
	size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 65536, len = 0;
	/* (in huge pages when large: read() into fresh 4 KiB pages spends more
	 * time faulting them than copying, 10 ms against 3 for a vmlinux) */
	uint8_t *buf = bk_malloc_fresh(&cap);
	while (buf) {
		if (len == cap && cap > BK_READ_MAX) {
			free(buf);
			close(fd);
			return too_big(err, path, len);
		}
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = -errno;
			free(buf);
			close(fd);
			return bk_err_io(err, e, path, "cannot read");
		}
		if (n == 0) {
			close(fd);
			*data = buf;
			*size = len;
			return 0;
		}
		len += (size_t)n;
	}
	free(buf);
	close(fd);
	bk_err_io(err, -ENOMEM, path, "cannot read");
	return bk_err_r(err, -ENOMEM, BK_E_IO, "out of memory for %zu bytes", cap);
}
