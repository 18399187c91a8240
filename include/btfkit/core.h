/* SPDX-License-Identifier: MIT */
/*
 * btfkit: read, validate, write, print, distill and relocate BTF.
 *
 * Conventions
 * - Functions that can fail return 0 (or a non-negative value) on success and
 *   a negative errno on failure, and fill the caller's struct bk_error.
 *   The library never prints and never exits.
 * - Type IDs are global: a split BTF's own IDs continue after its base's.
 *   ID 0 is void.
 * - Types are kept in host byte order in their on-disk layout; the struct
 *   views below (struct bk_type and the per-kind records after it) are the
 *   on-disk layout of include/uapi/linux/btf.h.
 */
#ifndef BTFKIT_CORE_H
#define BTFKIT_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btfkit/api.h"
#include "btfkit/errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* The format                                                          */

#define BK_MAGIC 0xeB9F
#define BK_VERSION 1
#define BK_HDR_LEN_CLASSIC 24 /* magic..str_len */
#define BK_HDR_LEN_LAYOUT 32  /* + layout_off, layout_len (libbpf 1.8) */
#define BK_MAX_VLEN 0xffffff  /* vlen is bits 0-23 of info */
#define BK_MAX_ID 0x7fffffffu

enum bk_kind {
	BK_KIND_UNKN = 0,
	BK_KIND_INT = 1,
	BK_KIND_PTR = 2,
	BK_KIND_ARRAY = 3,
	BK_KIND_STRUCT = 4,
	BK_KIND_UNION = 5,
	BK_KIND_ENUM = 6,
	BK_KIND_FWD = 7,
	BK_KIND_TYPEDEF = 8,
	BK_KIND_VOLATILE = 9,
	BK_KIND_CONST = 10,
	BK_KIND_RESTRICT = 11,
	BK_KIND_FUNC = 12,
	BK_KIND_FUNC_PROTO = 13,
	BK_KIND_VAR = 14,
	BK_KIND_DATASEC = 15,
	BK_KIND_FLOAT = 16,
	BK_KIND_DECL_TAG = 17,
	BK_KIND_TYPE_TAG = 18,
	BK_KIND_ENUM64 = 19,
	BK_NR_KINDS
};

/* INT encoding bits (the top byte of the INT's trailing word) */
#define BK_INT_SIGNED (1u << 0)
#define BK_INT_CHAR (1u << 1)
#define BK_INT_BOOL (1u << 2)

enum bk_func_linkage { BK_FUNC_STATIC = 0, BK_FUNC_GLOBAL = 1, BK_FUNC_EXTERN = 2 };
enum bk_var_linkage { BK_VAR_STATIC = 0, BK_VAR_GLOBAL = 1, BK_VAR_EXTERN = 2 };

struct bk_type {
	uint32_t name_off;
	uint32_t info; /* vlen: bits 0-23, kind: bits 24-30, kind_flag: bit 31 */
	union {
		uint32_t size; /* INT ENUM STRUCT UNION DATASEC FLOAT ENUM64 */
		uint32_t type; /* every other kind: the type it refers to */
	};
};

struct bk_array { uint32_t type, index_type, nelems; };
struct bk_member { uint32_t name_off, type, offset; };
struct bk_enum { uint32_t name_off; int32_t val; };
struct bk_enum64 { uint32_t name_off, val_lo32, val_hi32; };
struct bk_param { uint32_t name_off, type; };
struct bk_var { uint32_t linkage; };
struct bk_var_secinfo { uint32_t type, offset, size; };
struct bk_decl_tag { int32_t component_idx; };

static inline unsigned bk_kind(const struct bk_type *t) { return (t->info >> 24) & 0x7f; }
static inline uint32_t bk_vlen(const struct bk_type *t) { return t->info & BK_MAX_VLEN; }
static inline bool bk_kflag(const struct bk_type *t) { return t->info >> 31; }
static inline uint32_t bk_info(unsigned kind, uint32_t vlen, bool kflag)
{
	return (kflag ? 1u << 31 : 0) | ((uint32_t)kind << 24) | (vlen & BK_MAX_VLEN);
}
static inline const void *bk_type_rest(const struct bk_type *t) { return t + 1; }
static inline uint32_t bk_int_encoding(uint32_t w) { return (w >> 24) & 0x0f; }
static inline uint32_t bk_int_offset(uint32_t w) { return (w >> 16) & 0xff; }
static inline uint32_t bk_int_bits(uint32_t w) { return w & 0xff; }
/* STRUCT/UNION member offsets when the parent's kind_flag is set */
static inline uint32_t bk_member_bit_offset(const struct bk_type *t, const struct bk_member *m)
{
	return bk_kflag(t) ? m->offset & 0xffffff : m->offset;
}
static inline uint32_t bk_member_bitfield_size(const struct bk_type *t, const struct bk_member *m)
{
	return bk_kflag(t) ? m->offset >> 24 : 0;
}

/* "INT", "STRUCT", ...; "UNKN" for anything not a kind */
BK_API const char *bk_kind_name(unsigned kind);
/* the kind whose name is s, or -1 */
BK_API int bk_kind_by_name(const char *s);
/* the byte size of a type record, or 0 when its kind is unknown */
BK_API size_t bk_type_size(const struct bk_type *t);


/* ------------------------------------------------------------------ */
/* The model                                                           */

struct bk_btf;

/* Parse a raw BTF blob (either byte order). With base != NULL the blob is
 * split BTF on it. The data is copied. Structure, bounds, type-ID and
 * string-offset ranges are checked (what readers need to be safe); the
 * kernel's full rules are bk_validate()'s. name is used in messages. */
BK_API int bk_btf_parse(const void *data, size_t size, const struct bk_btf *base,
			const char *name, struct bk_btf **out, struct bk_error *err);

/* An empty BTF: a base (base == NULL) or split BTF on base, to build on. */
BK_API struct bk_btf *bk_btf_new(const struct bk_btf *base);
BK_API void bk_btf_free(struct bk_btf *btf);

BK_API const struct bk_btf *bk_btf_base(const struct bk_btf *btf);
/* Make btf own its base: freed with it. */
BK_API void bk_btf_own_base(struct bk_btf *btf, struct bk_btf *base);
/* the first ID of this BTF's own types (1 for base BTF) */
BK_API uint32_t bk_btf_start_id(const struct bk_btf *btf);
/* the number of this BTF's own types */
BK_API uint32_t bk_btf_nr_types(const struct bk_btf *btf);
/* last ID + 1: the first ID a split BTF on top of this one would get */
BK_API uint32_t bk_btf_type_cnt(const struct bk_btf *btf);
/* the type with this ID, through the base chain; NULL for void or out of range */
BK_API const struct bk_type *bk_btf_type(const struct bk_btf *btf, uint32_t id);
/* the string at this offset, through the base chain; NULL when out of range */
BK_API const char *bk_btf_str(const struct bk_btf *btf, uint32_t off);
/* a type's name, "" for anonymous, NULL when the offset is invalid */
static inline const char *bk_btf_name(const struct bk_btf *btf, const struct bk_type *t)
{
	return bk_btf_str(btf, t->name_off);
}
/* the first string offset this BTF's own strings get (base's total length) */
BK_API uint32_t bk_btf_start_str_off(const struct bk_btf *btf);
/* this BTF's own string section */
BK_API const char *bk_btf_strs(const struct bk_btf *btf, uint32_t *len);
/* the name the BTF was read from ("" when built) */
BK_API const char *bk_btf_source(const struct bk_btf *btf);
BK_API void bk_btf_set_source(struct bk_btf *btf, const char *name, const char *section);
BK_API const char *bk_btf_section(const struct bk_btf *btf);
BK_API bool bk_btf_big_endian(const struct bk_btf *btf);
/* the header length read (24 or 32...), 0 for BTF that btfkit built */
BK_API uint32_t bk_btf_hdr_len(const struct bk_btf *btf);

/* Find types by name, through the base chain (base first), without a scan:
 * a hash index is built on first use (bk_btf_index builds it up front, for
 * threads that share a base). kind < 0: any kind. Stores up to max IDs in
 * ids, in ID order, and returns how many there are in all. */
BK_API size_t bk_btf_find(const struct bk_btf *btf, const char *name, int kind, uint32_t *ids,
			  size_t max);
BK_API int bk_btf_index(const struct bk_btf *btf);

/* Building: append a type record (struct bk_type plus its trailing data,
 * size bytes). Returns the new type's ID, or a negative errno. */
BK_API int bk_btf_add_type(struct bk_btf *btf, const struct bk_type *t, size_t size);
/* the mutable type of one of this BTF's own IDs (for rewriting) */
BK_API struct bk_type *bk_btf_type_mut(struct bk_btf *btf, uint32_t id);
/* Add a string (deduplicated; a split BTF reuses its base's strings) and
 * return its offset, or a negative errno. */
BK_API int64_t bk_btf_add_str(struct bk_btf *btf, const char *s);
/* the offset of s if present (through the base chain), or -ENOENT */
BK_API int64_t bk_btf_find_str(const struct bk_btf *btf, const char *s);


/* ------------------------------------------------------------------ */
/* Field iterators: every type-ID field or every string-offset field of a
 * type, as pointers that can be rewritten in place.                    */

enum bk_iter_mode { BK_ITER_IDS, BK_ITER_STRS };

struct bk_field_iter {
	uint8_t *type;       /* the record */
	uint32_t step;       /* the next field to yield: fixed ones, then elements' */
	uint32_t nr_fixed;   /* fields in the record's fixed part */
	uint32_t nr_total;   /* all fields */
	uint8_t *elem;       /* the next element's field */
	uint16_t fixed_off[3]; /* byte offsets of the fixed fields in the record */
	uint16_t elem_sz;    /* bytes from one element's field to the next */
	uint8_t mode;
	uint8_t kind;
};

BK_API void bk_field_iter_init(struct bk_field_iter *it, struct bk_type *t, enum bk_iter_mode mode);

/* the next field, or NULL at the end (inline: distill, relocate and the
 * reader spend their time here) */
static inline uint32_t *bk_field_iter_next(struct bk_field_iter *it)
{
	uint32_t s = it->step;
	if (s >= it->nr_total)
		return NULL;
	it->step = s + 1;
	if (s < it->nr_fixed)
		return (uint32_t *)(void *)(it->type + it->fixed_off[s]);
	uint8_t *field = it->elem;
	it->elem += it->elem_sz;
	return (uint32_t *)(void *)field;
}


/* ------------------------------------------------------------------ */
/* Writing                                                             */

enum bk_endian { BK_ENDIAN_KEEP = 0, BK_ENDIAN_LITTLE, BK_ENDIAN_BIG, BK_ENDIAN_NATIVE };

struct bk_write_opts {
	size_t sz; /* sizeof(struct bk_write_opts): declare with BK_OPTS */
	uint32_t hdr_len;      /* 0: as read (32 for built BTF); 24 or 32 */
	enum bk_endian endian; /* KEEP: as read (native for built BTF) */
};

/* The raw blob of btf's own types and strings, malloc'd into *data. */
BK_API int bk_btf_write(const struct bk_btf *btf, const struct bk_write_opts *opts, void **data,
			size_t *size, struct bk_error *err);

#ifdef __cplusplus
}
#endif
#endif /* BTFKIT_CORE_H */
