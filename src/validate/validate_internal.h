/* SPDX-License-Identifier: MIT */
/* Private to the validator (validate.c, validate_types.c, validate_resolve.c):
 * one view of the BTF being checked, whether it came from raw bytes or
 * from a struct bk_btf, and the fault reporter. */
#ifndef BTFKIT_VALIDATE_INTERNAL_H
#define BTFKIT_VALIDATE_INTERNAL_H

#include "core/btf_internal.h"
#include "btfkit/validate.h"

/* The kernel's limits */
#define KV_MAX_TYPE 0x000fffffu        /* BTF_MAX_TYPE */
#define KV_MAX_NAME_OFFSET 0x00ffffffu /* BTF_MAX_NAME_OFFSET */
#define KV_INFO_MASK 0x9f00ffffu       /* kind_flag, 5 kind bits, 16 vlen bits */
#define KV_INT_MASK 0x0fffffffu
#define KV_NAME_LEN 512                /* KSYM_NAME_LEN */
#define KV_PTR_SIZE 8u                 /* sizeof(void *) on the kernels we model */

enum kv_state { KV_NEW, KV_VISITING, KV_RESOLVED, KV_FAILED };

struct kv {
	/* what is checked */
	const struct bk_btf *base;   /* NULL for base BTF */
	const uint8_t *types;        /* own type records, host order */
	size_t types_len;
	const char *strs;            /* own string section */
	uint32_t strs_len;
	uint32_t start_id;           /* first own ID */
	uint32_t start_str_off;      /* first own string offset */
	uint32_t type_off;           /* as in the header (raw bytes only) */
	uint32_t nr;                 /* own records walked so far */
	uint32_t *offs;              /* own index -> record offset */

	uint8_t *ident_memo;         /* 2 bits per own string offset: checked, identifier */

	/* the resolve pass: per own type */
	uint8_t *state;
	uint32_t *res_id, *res_size;

	/* reporting */
	const char *file, *section;
	bool first_only;
	bk_report_fn report;
	void *ctx;
	unsigned nr_faults;
	bool stop;                   /* first_only hit, or report asked to stop */
};


extern const struct bk_type kv_void;

/* The type with this ID (&kv_void for 0), or NULL when there is none. */
static inline const struct bk_type *kv_type(const struct kv *v, uint32_t id)
{
	if (id >= v->start_id) {
		id -= v->start_id;
		return id < v->nr ? (const struct bk_type *)(v->types + v->offs[id]) : NULL;
	}
	if (id == 0)
		return &kv_void;
	return v->base ? bk_btf_type(v->base, id) : NULL;
}

/* The string at off, or NULL when off is not in any string section. */
static inline const char *kv_str(const struct kv *v, uint32_t off)
{
	if (off < v->start_str_off)
		return v->base ? bk_btf_str(v->base, off) : NULL;
	off -= v->start_str_off;
	return off < v->strs_len ? v->strs + off : NULL;
}

bool kv_name_off_valid(const struct kv *v, uint32_t off);
bool kv_is_identifier(struct kv *v, uint32_t off);
/* a DATASEC name: printable characters, not empty */
bool kv_is_section_name(const struct kv *v, uint32_t off);

/* Report a fault of type id (0: the blob itself); errno_code is negative.
 * Returns -EINVAL so that callers can `return kv_fault(...)`. */
int kv_fault(struct kv *v, uint32_t id, enum bk_fault fault, int errno_code, const char *fmt,
	     ...) __attribute__((format(printf, 5, 6)));

/* The first pass over the records (validate_types.c): fills offs and nr.
 * Returns 0, -EINVAL after faults (walking on where the record size is
 * known), -EBADMSG when the walk could not reach the end, -ENOMEM. */
int kv_check_records(struct kv *v);

/* The resolve pass and the TYPE_TAG order check (validate_resolve.c). */
int kv_resolve_all(struct kv *v);
int kv_check_type_tags(struct kv *v);

#endif
