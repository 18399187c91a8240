// SPDX-License-Identifier: MIT
/*
 * bpftool's raw text and JSON dumps (`bpftool [-j] btf dump file F`),
 * byte for byte.
 *
 * One walk over the types serves both formats: each kind's printer emits
 * "fields" (key and value), "lists" (members, values, params, vars) and
 * "elements" through a small emitter that renders them as text
 * (` key=value`, `\n\t'name' ...`) or as bpftool's JSON (`,"key":value`,
 * `{"name":...}`). The few places where bpftool's two formats differ in
 * more than syntax are marked where they happen.
 *
 * Speed: a whole vmlinux is ~12 MB of text, so nothing here goes through
 * printf. Numbers are formatted by hand into a large buffer that is handed
 * to fwrite in big chunks (or grown, for bk_dump_mem).
 */
#include <stdlib.h>
#include <string.h>

#include "core/btf_internal.h"
#include "core/vocab.h"
#include "text/json_pretty.h"
#include "text/out.h"

/*
 * bpftool's json_writer escapes exactly these bytes (note \' which is not
 * JSON, but is what bpftool writes); every other byte, control characters
 * and non-ASCII included, goes out as it is.
 */
static const char json_escape[256] = {
	['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r', ['\f'] = 'f', ['\b'] = 'b',
	['\\'] = '\\', ['"'] = '"', ['\''] = '\'',
};

/* The slow way, for a string that may not fit in the buffer as it is. */
static void put_json_str_slow(struct out *o, const char *s)
{
	PUT_LIT(o, "\"");
	const char *run = s;
	for (; *s; s++) {
		char e = json_escape[(unsigned char)*s];
		if (!e)
			continue;
		put_bytes(o, run, (size_t)(s - run));
		char pair[2] = {'\\', e};
		put_bytes(o, pair, 2);
		run = s + 1;
	}
	put_bytes(o, run, (size_t)(s - run));
	PUT_LIT(o, "\"");
}

static void put_json_str(struct out *o, const char *s)
{
	size_t n = strlen(s);
	if (n > 4096 || !out_reserve(o, 2 * n + 2)) {
		put_json_str_slow(o, s);
		return;
	}
	/* room for the worst case (every byte escaped): no checks per byte */
	char *p = o->buf + o->len;
	*p++ = '"';
	for (; *s; s++) {
		char e = json_escape[(unsigned char)*s];
		if (e) {
			*p++ = '\\';
			*p++ = e;
		} else {
			*p++ = *s;
		}
	}
	*p++ = '"';
	o->len = (size_t)(p - o->buf);
}

/* ---- the emitter: fields, lists and elements in either format ---------------- */

/* Text: " key=" (no space first in an element); JSON: ",\"key\":". */
static void put_key(struct out *o, const char *key, size_t key_len)
{
	if (!out_reserve(o, key_len + 4)) /* keys are short: this always fits */
		return;
	char *p = o->buf + o->len;
	if (o->json) {
		if (!o->fresh)
			*p++ = ',';
		*p++ = '"';
		memcpy(p, key, key_len);
		p += key_len;
		*p++ = '"';
		*p++ = ':';
	} else {
		if (!o->fresh)
			*p++ = ' ';
		memcpy(p, key, key_len);
		p += key_len;
		*p++ = '=';
	}
	o->len = (size_t)(p - o->buf);
	o->fresh = false;
}


static void field_u(struct out *o, const char *key, size_t key_len, uint64_t v)
{
	put_key(o, key, key_len);
	put_u64(o, v);
}

static void field_i(struct out *o, const char *key, size_t key_len, int64_t v)
{
	put_key(o, key, key_len);
	put_i64(o, v);
}

/* a word: bare in text (encoding=SIGNED), a JSON string in JSON */
static void field_s(struct out *o, const char *key, size_t key_len, const char *v)
{
	put_key(o, key, key_len);
	if (o->json)
		put_json_str(o, v);
	else
		put_str(o, v);
}

#define FIELD_U(o, key, v) field_u(o, key, sizeof(key) - 1, v)
#define FIELD_I(o, key, v) field_i(o, key, sizeof(key) - 1, v)
#define FIELD_S(o, key, v) field_s(o, key, sizeof(key) - 1, v)

/* bpftool's name of a name offset */
static const char *type_name(const struct bk_btf *btf, uint32_t off)
{
	if (!off)
		return "(anon)";
	const char *s = bk_btf_str(btf, off);
	return s ? s : "(invalid)";
}

static void begin_type(struct out *o, uint32_t id, unsigned kind, const char *name)
{
	if (o->json) {
		PUT_LIT(o, "{\"id\":");
		put_u64(o, id);
		PUT_LIT(o, ",\"kind\":\"");
		put_str(o, bk_kind_word(kind));
		PUT_LIT(o, "\",\"name\":");
		put_json_str(o, name);
	} else {
		PUT_LIT(o, "[");
		put_u64(o, id);
		PUT_LIT(o, "] ");
		put_str(o, bk_kind_word(kind));
		PUT_LIT(o, " '");
		put_str(o, name);
		PUT_LIT(o, "'");
	}
	o->fresh = false;
}

static void end_type(struct out *o)
{
	if (o->json)
		PUT_LIT(o, "}");
	else
		PUT_LIT(o, "\n");
}

/* JSON: ,"key":[ ... ]. Text lists are just their elements. */
static void begin_list(struct out *o, const char *key, size_t key_len)
{
	if (o->json) {
		put_key(o, key, key_len);
		PUT_LIT(o, "[");
	}
	o->first_elem = true;
}

#define BEGIN_LIST(o, key) begin_list(o, key, sizeof(key) - 1)

static void end_list(struct out *o)
{
	if (o->json)
		PUT_LIT(o, "]");
	o->fresh = false;
}

/* An element: text "\n\t'name'" (or just "\n\t" when it has no name),
 * JSON {"name":"..." (or just {). Its fields follow. */
static void begin_elem(struct out *o, const char *name)
{
	if (o->json) {
		if (o->first_elem)
			PUT_LIT(o, "{");
		else
			PUT_LIT(o, ",{");
		o->fresh = true;
		if (name)
			FIELD_S(o, "name", name);
	} else {
		PUT_LIT(o, "\n\t");
		o->fresh = true;
		if (name) {
			PUT_LIT(o, "'");
			put_str(o, name);
			PUT_LIT(o, "'");
			o->fresh = false;
		}
	}
	o->first_elem = false;
}

static void end_elem(struct out *o)
{
	if (o->json)
		PUT_LIT(o, "}");
}

/* ---- the kinds -------------------------------------------------------------- */

typedef void kind_printer(struct out *o, const struct bk_btf *btf, const struct bk_type *t);

static void print_int(struct out *o, const struct bk_btf *btf, const struct bk_type *t)
{
	(void)btf;
	uint32_t w;
	memcpy(&w, bk_type_rest(t), sizeof(w));
	FIELD_U(o, "size", t->size);
	FIELD_U(o, "bits_offset", bk_int_offset(w));
	FIELD_U(o, "nr_bits", bk_int_bits(w));
	FIELD_S(o, "encoding", bk_int_enc_word(bk_int_encoding(w)));
}

/* PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG */
static void print_ref(struct out *o, const struct bk_btf *btf, const struct bk_type *t)
{
	(void)btf;
	FIELD_U(o, "type_id", t->type);
}

static void print_array(struct out *o, const struct bk_btf *btf, const struct bk_type *t)
{
	(void)btf;
	const struct bk_array *a = bk_type_rest(t);
	FIELD_U(o, "type_id", a->type);
	FIELD_U(o, "index_type_id", a->index_type);
	FIELD_U(o, "nr_elems", a->nelems);
}

static void print_composite(struct out *o, const struct bk_btf *btf, const struct bk_type *t)
{
	const struct bk_member *m = bk_type_rest(t);
	uint32_t vlen = bk_vlen(t);
	FIELD_U(o, "size", t->size);
	FIELD_U(o, "vlen", vlen);
	BEGIN_LIST(o, "members");
	for (uint32_t i = 0; i < vlen; i++, m++) {
		uint32_t bitfield_size = bk_member_bitfield_size(t, m);
		begin_elem(o, type_name(btf, m->name_off));
		FIELD_U(o, "type_id", m->type);
		FIELD_U(o, "bits_offset", bk_member_bit_offset(t, m));
		if (bitfield_size)
			FIELD_U(o, "bitfield_size", bitfield_size);
		end_elem(o);
	}
	end_list(o);
}

static void print_enum_head(struct out *o, const struct bk_type *t)
{
	FIELD_S(o, "encoding", bk_enum_sign_word(bk_kflag(t)));
	FIELD_U(o, "size", t->size);
	FIELD_U(o, "vlen", bk_vlen(t));
	BEGIN_LIST(o, "values");
}

static void print_enum(struct out *o, const struct bk_btf *btf, const struct bk_type *t)
{
	const struct bk_enum *v = bk_type_rest(t);
	uint32_t vlen = bk_vlen(t);
	print_enum_head(o, t);
	for (uint32_t i = 0; i < vlen; i++, v++) {
		begin_elem(o, type_name(btf, v->name_off));
		if (bk_kflag(t))
			FIELD_I(o, "val", v->val);
		else if (o->json)
			/* bpftool hands the s32 to a u64 writer: sign-extended */
			FIELD_U(o, "val", (uint64_t)(int64_t)v->val);
		else
			FIELD_U(o, "val", (uint32_t)v->val);
		end_elem(o);
	}
	end_list(o);
}

static void print_enum64(struct out *o, const struct bk_btf *btf, const struct bk_type *t)
{
	const struct bk_enum64 *v = bk_type_rest(t);
	uint32_t vlen = bk_vlen(t);
	print_enum_head(o, t);
	for (uint32_t i = 0; i < vlen; i++, v++) {
		uint64_t val = (uint64_t)v->val_hi32 << 32 | v->val_lo32;
		begin_elem(o, type_name(btf, v->name_off));
		if (bk_kflag(t))
			FIELD_I(o, "val", (int64_t)val);
		else
			FIELD_U(o, "val", val);
		if (!o->json) /* text only: C literal suffixes */
			put_str(o, bk_kflag(t) ? "LL" : "ULL");
		end_elem(o);
	}
	end_list(o);
}

static void print_fwd(struct out *o, const struct bk_btf *btf, const struct bk_type *t)
{
	(void)btf;
	FIELD_S(o, "fwd_kind", bk_fwd_kind_word(bk_kflag(t)));
}

static void print_func(struct out *o, const struct bk_btf *btf, const struct bk_type *t)
{
	(void)btf;
	FIELD_U(o, "type_id", t->type);
	FIELD_S(o, "linkage", bk_linkage_word(bk_vlen(t)));
}

static void print_func_proto(struct out *o, const struct bk_btf *btf, const struct bk_type *t)
{
	const struct bk_param *p = bk_type_rest(t);
	uint32_t vlen = bk_vlen(t);
	FIELD_U(o, "ret_type_id", t->type);
	FIELD_U(o, "vlen", vlen);
	BEGIN_LIST(o, "params");
	for (uint32_t i = 0; i < vlen; i++, p++) {
		begin_elem(o, type_name(btf, p->name_off));
		FIELD_U(o, "type_id", p->type);
		end_elem(o);
	}
	end_list(o);
}

static void print_var(struct out *o, const struct bk_btf *btf, const struct bk_type *t)
{
	(void)btf;
	const struct bk_var *v = bk_type_rest(t);
	FIELD_U(o, "type_id", t->type);
	if (!o->json) /* bpftool's text has "type_id=N, linkage=..." */
		PUT_LIT(o, ",");
	FIELD_S(o, "linkage", bk_linkage_word(v->linkage));
}

/* Text only: " (KIND 'name')" of a DATASEC entry's type. bpftool prints it
 * for any ID below the type count: void shows as "(UNKNOWN '(anon)')". */
static void put_var_label(struct out *o, const struct bk_btf *btf, uint32_t id)
{
	if (id >= bk_btf_type_cnt(btf))
		return;
	const struct bk_type *vt = bk_btf_type(btf, id);
	PUT_LIT(o, " (");
	put_str(o, bk_kind_word(vt ? bk_kind(vt) : BK_KIND_UNKN));
	PUT_LIT(o, " '");
	put_str(o, vt ? type_name(btf, vt->name_off) : "(anon)");
	PUT_LIT(o, "')");
}

static void print_datasec(struct out *o, const struct bk_btf *btf, const struct bk_type *t)
{
	const struct bk_var_secinfo *v = bk_type_rest(t);
	uint32_t vlen = bk_vlen(t);
	FIELD_U(o, "size", t->size);
	FIELD_U(o, "vlen", vlen);
	BEGIN_LIST(o, "vars");
	for (uint32_t i = 0; i < vlen; i++, v++) {
		begin_elem(o, NULL);
		FIELD_U(o, "type_id", v->type);
		FIELD_U(o, "offset", v->offset);
		FIELD_U(o, "size", v->size);
		if (!o->json)
			put_var_label(o, btf, v->type);
		end_elem(o);
	}
	end_list(o);
}

static void print_float(struct out *o, const struct bk_btf *btf, const struct bk_type *t)
{
	(void)btf;
	FIELD_U(o, "size", t->size);
}

static void print_decl_tag(struct out *o, const struct bk_btf *btf, const struct bk_type *t)
{
	(void)btf;
	const struct bk_decl_tag *tag = bk_type_rest(t);
	FIELD_U(o, "type_id", t->type);
	FIELD_I(o, "component_idx", tag->component_idx);
}

static kind_printer *const printers[BK_NR_KINDS] = {
	[BK_KIND_INT] = print_int,
	[BK_KIND_PTR] = print_ref,
	[BK_KIND_ARRAY] = print_array,
	[BK_KIND_STRUCT] = print_composite,
	[BK_KIND_UNION] = print_composite,
	[BK_KIND_ENUM] = print_enum,
	[BK_KIND_FWD] = print_fwd,
	[BK_KIND_TYPEDEF] = print_ref,
	[BK_KIND_VOLATILE] = print_ref,
	[BK_KIND_CONST] = print_ref,
	[BK_KIND_RESTRICT] = print_ref,
	[BK_KIND_FUNC] = print_func,
	[BK_KIND_FUNC_PROTO] = print_func_proto,
	[BK_KIND_VAR] = print_var,
	[BK_KIND_DATASEC] = print_datasec,
	[BK_KIND_FLOAT] = print_float,
	[BK_KIND_DECL_TAG] = print_decl_tag,
	[BK_KIND_TYPE_TAG] = print_ref,
	[BK_KIND_ENUM64] = print_enum64,
};

/* ---- the walk ----------------------------------------------------------------- */

static void dump_types(struct out *o, const struct bk_btf *btf)
{
	uint32_t first = bk_btf_start_id(btf), end = first + bk_btf_nr_types(btf);
	if (o->json)
		PUT_LIT(o, "{\"types\":[");
	for (uint32_t id = first; id < end && !o->err; id++) {
		const struct bk_type *t = bk_btf_type(btf, id);
		unsigned kind = bk_kind(t);
		if (o->json && id != first)
			PUT_LIT(o, ",");
		begin_type(o, id, kind, type_name(btf, t->name_off));
		/* an unknown kind (only in BTF built in memory) prints its head alone */
		if (kind < BK_NR_KINDS && printers[kind])
			printers[kind](o, btf, t);
		end_type(o);
	}
	if (o->json)
		PUT_LIT(o, "]}\n");
}

/* -p: the compact JSON collected, then re-indented into o */
static void dump_pretty(struct out *o, const struct bk_btf *btf)
{
	struct out compact;
	if (out_open(&compact, NULL)) {
		o->err = -ENOMEM;
		return;
	}
	compact.json = true;
	dump_types(&compact, btf);
	if (compact.err)
		o->err = compact.err;
	else
		bk_json_pretty(compact.buf, compact.len, o);
	free(compact.buf);
}

static void dump_any(struct out *o, const struct bk_btf *btf, enum bk_dump_format fmt)
{
	if (fmt == BK_DUMP_JSON_PRETTY)
		dump_pretty(o, btf);
	else
		dump_types(o, btf);
}

int bk_dump(const struct bk_btf *btf, enum bk_dump_format fmt, FILE *file)
{
	struct out o = {.cap = OUT_CHUNK, .file = file, .json = fmt == BK_DUMP_JSON};
	o.buf = malloc(o.cap);
	if (!o.buf)
		return -ENOMEM;
	errno = 0;
	dump_any(&o, btf, fmt);
	out_flush(&o);
	free(o.buf);
	if (o.err)
		errno = -o.err;
	return o.err;
}

int bk_dump_mem(const struct bk_btf *btf, enum bk_dump_format fmt, char **text, size_t *len)
{
	struct out o = {.cap = 4096, .json = fmt == BK_DUMP_JSON};
	*text = NULL;
	*len = 0;
	o.buf = malloc(o.cap);
	if (!o.buf)
		return -ENOMEM;
	dump_any(&o, btf, fmt);
	if (!o.err && out_reserve(&o, 1))
		o.buf[o.len] = '\0';
	if (o.err) {
		free(o.buf);
		return o.err;
	}
	*text = o.buf;
	*len = o.len;
	return 0;
}
