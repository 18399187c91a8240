/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_VALIDATE_H
#define BTFKIT_VALIDATE_H

#include "btfkit/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Validation: the kernel's rules on load
 *
 * The rules are those of the kernel's BTF verifier (kernel/bpf/btf.c) as the
 * 6.18 kernel applies them on BPF_BTF_LOAD (base BTF) and on module load
 * (split BTF on vmlinux): the header and its sections, the string section,
 * a first pass over every type record (names, vlen, kind_flag, sizes,
 * member offsets, ...), then the resolve pass (every referenced type exists,
 * has a size where one is needed, no loops, members fit their struct,
 * FUNC_PROTO parameters, DATASEC variables, DECL_TAG targets) and the
 * TYPE_TAG ordering check, in the kernel's order, so that the first fault
 * is the one the kernel reports.
 *
 * Resolving follows references with an explicit stack of at most
 * BK_VALIDATE_MAX_DEPTH types, as the kernel does: a longer chain of
 * modifiers, arrays or embedded structs is refused ("depth") even without a
 * loop. Nothing recurses on the input.
 *
 * Not checked: the BPF-specific struct fields (bpf_spin_lock, kptr tags,
 * graph roots...) that BPF_BTF_LOAD also inspects, and the kernel's
 * 'Invalid resolve state' self-check (it cannot fail on what is checked
 * here). The base of split BTF is taken as valid. */

#define BK_VALIDATE_MAX_DEPTH 32          /* the kernel's MAX_RESOLVE_DEPTH */
#define BK_VALIDATE_MAX_BLOB (16u << 20)  /* BPF_BTF_LOAD's BTF_MAX_SIZE */

/* Why a blob is refused: a stable code, carried in bk_error.reason of every
 * fault reported. The names (bk_fault_name) are part of the interface too. */
enum bk_fault {
	BK_FAULT_NONE = 0,
	/* the blob: header, sections, strings */
	BK_FAULT_TOO_BIG,          /* over BK_VALIDATE_MAX_BLOB (base BTF) */
	BK_FAULT_HDR_TRUNCATED,    /* shorter than its header */
	BK_FAULT_HDR_UNSUPPORTED,  /* non-zero header bytes the kernel does not know (layout) */
	BK_FAULT_MAGIC,
	BK_FAULT_VERSION,
	BK_FAULT_FLAGS,
	BK_FAULT_NO_DATA,          /* nothing after the header */
	BK_FAULT_SECTION_OFFSET,   /* a section starts past the end */
	BK_FAULT_SECTION_GAP,      /* bytes that belong to no section */
	BK_FAULT_SECTION_OVERLAP,
	BK_FAULT_SECTION_LENGTH,   /* a section ends past the end */
	BK_FAULT_STR_NOT_LAST,     /* the string section does not end the blob */
	BK_FAULT_STR_SECTION,      /* empty, too long, no NUL at the end or start */
	BK_FAULT_TYPE_ALIGN,       /* type_off not 4-byte aligned */
	BK_FAULT_NO_TYPES,         /* base BTF without types */
	/* a type record, first pass */
	BK_FAULT_TRUNCATED,        /* the record runs past the type section */
	BK_FAULT_INFO,             /* reserved bits of info set */
	BK_FAULT_KIND,             /* unknown kind */
	BK_FAULT_TOO_MANY_TYPES,
	BK_FAULT_NAME_OFFSET,      /* a name offset outside the strings */
	BK_FAULT_NAME,             /* a name missing, present, or not valid where the kernel rules */
	BK_FAULT_VLEN,             /* vlen set on a kind without elements */
	BK_FAULT_KFLAG,            /* kind_flag set on a kind that has none */
	BK_FAULT_SIZE,             /* size (or the size/type word) not allowed */
	BK_FAULT_TYPE_ID,          /* a referenced type is missing or of the wrong kind */
	BK_FAULT_INT_BITS,         /* INT data: reserved bits, nr_bits/offset limits */
	BK_FAULT_INT_ENCODING,     /* more than one of SIGNED/CHAR/BOOL */
	BK_FAULT_ARRAY_ELEM,
	BK_FAULT_ARRAY_INDEX,
	BK_FAULT_ARRAY_SIZE,       /* the array's byte size overflows 32 bits */
	BK_FAULT_MEMBER_TYPE,      /* a member of type void, or of a type without size */
	BK_FAULT_MEMBER_OFFSET,    /* union offset, decreasing, misaligned, past the struct */
	BK_FAULT_MEMBER_SIZE,      /* a member ends past its struct */
	BK_FAULT_BITFIELD,         /* bitfield_size not allowed or too large */
	BK_FAULT_LINKAGE,          /* FUNC or VAR linkage the kernel does not take */
	BK_FAULT_RETURN,           /* FUNC_PROTO return type */
	BK_FAULT_PARAM,            /* FUNC_PROTO parameter (or FUNC's unnamed one) */
	BK_FAULT_DATASEC_VAR,      /* a DATASEC entry that is not a VAR of sized type */
	BK_FAULT_DATASEC_OFFSET,   /* entries unsorted, overlapping, past the section */
	BK_FAULT_DATASEC_SIZE,     /* entry size 0, too small for its VAR, or sum too big */
	BK_FAULT_COMPONENT_IDX,    /* DECL_TAG component_idx out of range */
	/* the resolve pass */
	BK_FAULT_LOOP,             /* a reference loop (not through a PTR) */
	BK_FAULT_DEPTH,            /* resolving needs more than BK_VALIDATE_MAX_DEPTH types */
	BK_FAULT_TAG_ORDER,        /* a TYPE_TAG after a CONST/VOLATILE/RESTRICT/TYPEDEF */
	BK_FAULT_CHAIN,            /* a modifier chain over 32 long */
	BK_NR_FAULTS
};

/* "magic", "member-offset", ...; "unknown" for anything else */
BK_API const char *bk_fault_name(int fault);
/* the fault with that name, or -1 */
BK_API int bk_fault_by_name(const char *name);

/* Called for each fault found; return non-zero to stop. e->reason is the
 * enum bk_fault, e->code the errno the kernel would return (negative:
 * -EINVAL, or -E2BIG, -ELOOP, -EOPNOTSUPP where the kernel differs),
 * e->type_id the type (0 for the blob's own faults). */
typedef int (*bk_report_fn)(const struct bk_error *e, void *ctx);

struct bk_validate_opts {
	size_t sz;         /* sizeof(struct bk_validate_opts): declare with BK_OPTS */
	bool first_only;   /* stop at the first fault, as the kernel does */
};

/* Check btf (its own types; the base is taken as valid) against the
 * kernel's rules. Returns 0 when valid, -EINVAL when there were faults
 * (each passed to report, when given), another negative errno on failure.
 * BTF that was read keeps the header facts the reader saw (a layout
 * section is a fault); the reader's own checks have passed already. */
BK_API int bk_validate(const struct bk_btf *btf, const struct bk_validate_opts *opts,
		       bk_report_fn report, void *ctx);

/* The same, from the raw bytes of a blob, header first: what BPF_BTF_LOAD
 * (base == NULL) or the kernel's module loader (base = vmlinux) does with
 * them. Blobs the reader refuses are checked too. A blob in the other byte
 * order is checked in its own order (as a kernel of that order would).
 * name is used in messages; section (may be NULL) too. */
BK_API int bk_validate_blob(const void *data, size_t size, const struct bk_btf *base,
			    const char *name, const char *section,
			    const struct bk_validate_opts *opts, bk_report_fn report, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
