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
#ifndef BTFKIT_H
#define BTFKIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BTFKIT_VERSION "0.1.0"

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
const char *bk_kind_name(unsigned kind);
/* the kind whose name is s, or -1 */
int bk_kind_by_name(const char *s);
/* the byte size of a type record, or 0 when its kind is unknown */
size_t bk_type_size(const struct bk_type *t);

/* ------------------------------------------------------------------ */
/* Errors                                                              */

struct bk_error {
	int code;          /* negative errno; 0 when there was no error */
	int reason;        /* a layer's stable fault code (validate: enum bk_fault), 0 none */
	uint32_t type_id;  /* the type the fault is in, 0 when none */
	int line, column;  /* text input (asm): where the fault is, 0 when none */
	bool io;           /* reading or writing a file failed (not bad content) */
	char file[256];    /* the input the fault is in, "" when none */
	char section[16];  /* ".BTF", ".BTF.base", or "" for a raw blob */
	char msg[768];     /* the fault, e.g. "[12] PTR '(anon)': type_id 99 out of range" */
};

void bk_error_clear(struct bk_error *e);
/* "file: section: msg" (parts that are empty left out); returns buf */
const char *bk_error_str(const struct bk_error *e, char *buf, size_t len);
/* the exit status a tool should give: 1 invalid input, 2 I/O or usage */
int bk_error_exit_status(const struct bk_error *e);

/* ------------------------------------------------------------------ */
/* The model                                                           */

struct bk_btf;

/* Parse a raw BTF blob (either byte order). With base != NULL the blob is
 * split BTF on it. The data is copied. Structure, bounds, type-ID and
 * string-offset ranges are checked (what readers need to be safe); the
 * kernel's full rules are bk_validate()'s. name is used in messages. */
int bk_btf_parse(const void *data, size_t size, const struct bk_btf *base,
		 const char *name, struct bk_btf **out, struct bk_error *err);

/* Load a file: a raw blob or an ELF file, told apart by content. For ELF
 * the .BTF section is read. When base is NULL and the ELF file has a
 * .BTF.base section, that distilled base is loaded too and owned by the
 * result. When base is given and the file has .BTF.base, the split BTF is
 * relocated onto base (see bk_relocate). */
int bk_btf_load(const char *path, const struct bk_btf *base, struct bk_btf **out,
		struct bk_error *err);

/* Load one section of a file as BTF (".BTF" or ".BTF.base"); a raw blob
 * has only ".BTF". -ENOENT (exit 1) when the section is missing. */
int bk_btf_load_section(const char *path, const char *section, const struct bk_btf *base,
			struct bk_btf **out, struct bk_error *err);

/* An empty BTF: a base (base == NULL) or split BTF on base, to build on. */
struct bk_btf *bk_btf_new(const struct bk_btf *base);
void bk_btf_free(struct bk_btf *btf);

const struct bk_btf *bk_btf_base(const struct bk_btf *btf);
/* Make btf own its base: freed with it. */
void bk_btf_own_base(struct bk_btf *btf, struct bk_btf *base);
/* the first ID of this BTF's own types (1 for base BTF) */
uint32_t bk_btf_start_id(const struct bk_btf *btf);
/* the number of this BTF's own types */
uint32_t bk_btf_nr_types(const struct bk_btf *btf);
/* last ID + 1: the first ID a split BTF on top of this one would get */
uint32_t bk_btf_type_cnt(const struct bk_btf *btf);
/* the type with this ID, through the base chain; NULL for void or out of range */
const struct bk_type *bk_btf_type(const struct bk_btf *btf, uint32_t id);
/* the string at this offset, through the base chain; NULL when out of range */
const char *bk_btf_str(const struct bk_btf *btf, uint32_t off);
/* a type's name, "" for anonymous, NULL when the offset is invalid */
static inline const char *bk_btf_name(const struct bk_btf *btf, const struct bk_type *t)
{
	return bk_btf_str(btf, t->name_off);
}
/* the first string offset this BTF's own strings get (base's total length) */
uint32_t bk_btf_start_str_off(const struct bk_btf *btf);
/* this BTF's own string section */
const char *bk_btf_strs(const struct bk_btf *btf, uint32_t *len);
/* the name the BTF was read from ("" when built) */
const char *bk_btf_source(const struct bk_btf *btf);
void bk_btf_set_source(struct bk_btf *btf, const char *name, const char *section);
const char *bk_btf_section(const struct bk_btf *btf);
bool bk_btf_big_endian(const struct bk_btf *btf);
/* the header length read (24 or 32...), 0 for BTF that btfkit built */
uint32_t bk_btf_hdr_len(const struct bk_btf *btf);

/* Find types by name, through the base chain (base first), without a scan:
 * a hash index is built on first use (bk_btf_index builds it up front, for
 * threads that share a base). kind < 0: any kind. Stores up to max IDs in
 * ids, in ID order, and returns how many there are in all. */
size_t bk_btf_find(const struct bk_btf *btf, const char *name, int kind, uint32_t *ids,
		   size_t max);
int bk_btf_index(const struct bk_btf *btf);

/* Building: append a type record (struct bk_type plus its trailing data,
 * size bytes). Returns the new type's ID, or a negative errno. */
int bk_btf_add_type(struct bk_btf *btf, const struct bk_type *t, size_t size);
/* the mutable type of one of this BTF's own IDs (for rewriting) */
struct bk_type *bk_btf_type_mut(struct bk_btf *btf, uint32_t id);
/* Add a string (deduplicated; a split BTF reuses its base's strings) and
 * return its offset, or a negative errno. */
int64_t bk_btf_add_str(struct bk_btf *btf, const char *s);
/* the offset of s if present (through the base chain), or -ENOENT */
int64_t bk_btf_find_str(const struct bk_btf *btf, const char *s);

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

void bk_field_iter_init(struct bk_field_iter *it, struct bk_type *t, enum bk_iter_mode mode);

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
	uint32_t hdr_len;      /* 0: as read (32 for built BTF); 24 or 32 */
	enum bk_endian endian; /* KEEP: as read (native for built BTF) */
};

/* The raw blob of btf's own types and strings, malloc'd into *data. */
int bk_btf_write(const struct bk_btf *btf, const struct bk_write_opts *opts, void **data,
		 size_t *size, struct bk_error *err);
/* Write a file through a temporary in the same directory, fsync and rename:
 * the old file is untouched on any failure. path "-" writes stdout. */
int bk_write_file(const char *path, const void *data, size_t size, struct bk_error *err);
/* Several outputs of one command, landing as a set: every file is written
 * and synced to a temporary first, and only then are they all renamed into
 * place; any failure before that leaves every target as it was (and a
 * failed rename is undone). Only a SIGKILL or power cut between the first
 * and the last rename can leave some targets new and some old. "-" (at
 * most meaningful once) is written after the files are in place. The
 * error names the output that failed. */
struct bk_output {
	const char *path;
	const void *data;
	size_t size;
};
int bk_write_files(const struct bk_output *outs, size_t n, struct bk_error *err);

/* ------------------------------------------------------------------ */
/* Input files: raw blobs or ELF (libelf), possibly compressed          */

struct bk_file;

/* Read a whole file (decompressing .xz/.zst/.gz by content) and, when it is
 * ELF, index its sections. */
int bk_file_open(const char *path, struct bk_file **out, struct bk_error *err);
int bk_file_open_mem(const void *data, size_t size, const char *name, struct bk_file **out,
		     struct bk_error *err);
void bk_file_close(struct bk_file *f);
bool bk_file_is_elf(const struct bk_file *f);
const char *bk_file_name(const struct bk_file *f);
/* the whole (decompressed) content */
const void *bk_file_data(const struct bk_file *f, size_t *size);
/* A section's bytes; a raw blob has only ".BTF". -ENOENT when absent. */
int bk_file_section(const struct bk_file *f, const char *name, const void **data, size_t *size);
/* The same, saying in err why there are no bytes: no such section (-ENOENT),
 * SHT_NOBITS (-EINVAL), compressed (-ENOTSUP). */
int bk_file_section_bytes(const struct bk_file *f, const char *name, const void **data,
			  size_t *size, struct bk_error *err);
/* Kernel module signature trailer ("~Module signature appended~"): its
 * length, 0 when unsigned. */
size_t bk_file_signature_len(const struct bk_file *f);

/* Parse a file's section as BTF (see bk_btf_parse). */
int bk_file_btf(const struct bk_file *f, const char *section, const struct bk_btf *base,
		struct bk_btf **out, struct bk_error *err);

/* Write f (an ELF file) to out_path with sections replaced or added, e.g.
 * a module's .BTF replaced and .BTF.base added after distilling:
 *
 *   struct bk_elf_section_edit ed[] = {
 *           {".BTF", split_blob, split_size},
 *           {".BTF.base", base_blob, base_size},
 *   };
 *   bk_elf_write_sections(f, ed, 2, strip_signature, "out.ko", &err);
 *
 * - edits[i].name names the section; data/size are its new bytes, written
 *   exactly as given (a BTF blob carries its own byte order: write it in
 *   the file's, see bk_btf_big_endian and struct bk_write_opts). The data
 *   is only read during the call.
 * - A section that exists is replaced (its header kept: type, flags,
 *   alignment, link); one that does not is added at the end of the section
 *   table as SHT_PROGBITS with .BTF's flags and alignment 1 (what pahole and
 *   objcopy give .BTF.base), its name appended to .shstrtab.
 * - Everything else is kept: every section's index, header and bytes, so
 *   symbols and relocations stay valid. Sections stay at their offsets,
 *   except that a grown or new section (and .shstrtab when it grows) goes
 *   after the last one, and the section header table after those.
 * - Removing a section (data NULL) is not supported (-ENOTSUP); neither is
 *   replacing .shstrtab, an SHT_NOBITS or a compressed section, nor a raw
 *   blob as f (-EINVAL).
 * - A signed kernel module (bk_file_signature_len(f) > 0): changing it voids
 *   its signature, so it is refused (-EPERM, exit status 1) unless
 *   strip_signature is true; then the output is the plain ELF, unsigned.
 *   strip_signature has no effect on an unsigned file.
 * - out_path is written through bk_write_file (temporary + rename; "-" is
 *   standard output): on any failure it is left as it was, and it may be
 *   f's own path. */
struct bk_elf_section_edit {
	const char *name;
	const void *data;
	size_t size;
};
int bk_elf_write_sections(const struct bk_file *f, const struct bk_elf_section_edit *edits,
			  size_t nr_edits, bool strip_signature, const char *out_path,
			  struct bk_error *err);
/* The same image, malloc'd into *image instead of written. Both refuse
 * (-EINVAL, nothing written) an input whose parts overlap (sections, the
 * ELF header, the section or program header table), a section to be moved
 * that asks for more than a page of alignment, and, having read the image
 * back, any difference from the input other than the edits: the output is
 * the input with the edits, or there is none. */
int bk_elf_sections_image(const struct bk_file *f, const struct bk_elf_section_edit *edits,
			  size_t nr_edits, bool strip_signature, void **image, size_t *size,
			  struct bk_error *err);

#ifdef __cplusplus
}
#endif

/* Each layer's API has its own header. */
#include "btfkit/validate.h"
#include "btfkit/dump.h"
#include "btfkit/asm.h"
#include "btfkit/distill.h"
#include "btfkit/relocate.h"
#include "btfkit/check.h"

#endif /* BTFKIT_H */
