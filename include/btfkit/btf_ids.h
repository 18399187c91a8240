/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_BTF_IDS_H
#define BTFKIT_BTF_IDS_H
#include "btfkit/distill.h"
#include "btfkit/file.h"
#include "btfkit/relocate.h"
#ifdef __cplusplus
extern "C" {
#endif

/*
 * A module's .BTF_ids section: type IDs the kernel's resolve_btfids wrote
 * at build time (include/linux/btf_ids.h). Its entries are found through
 * the module's symbols in that section:
 *  - __BTF_ID__<kind>__<name>__<n> (kind func, struct, union, typedef): one
 *    4-byte ID, the first type of that kind and name; in a BTF_ID list it
 *    stays where it is;
 *  - __BTF_ID__set__<name>: BTF_SET, u32 cnt then cnt IDs, sorted ascending;
 *  - __BTF_ID__set8__<name>: BTF_SET8, u32 cnt, u32 flags, then cnt pairs
 *    {u32 id, u32 flags}, sorted by id;
 *  (the symbol's size gives a set's count). A word outside every set that
 *  no symbol names is a BTF_ID_UNUSED slot (zero).
 * After the sort, a set's slots no longer line up with its ID symbols: a
 * set's IDs are checked against the names of all its symbols.
 */
struct bk_btf_ids_set {
	char *name;      /* "tcp_bbr_check_kfunc_ids" */
	char *symbol;    /* "__BTF_ID__set8__tcp_bbr_check_kfunc_ids" */
	bool set8;
	uint32_t offset; /* of its count word in the section */
	uint32_t cnt;    /* entries, from the symbol's size */
	uint32_t stored_cnt; /* the count word as stored */
	uint32_t flags;  /* set8: the header's flags */
};

struct bk_btf_ids_entry {
	uint32_t offset; /* of the ID word in the section */
	int set;         /* index in sets[], -1 for a BTF_ID list entry */
	int kind;        /* BK_KIND_FUNC, _STRUCT, _UNION, _TYPEDEF; 0: no symbol here
			  * (BTF_ID_UNUSED, or a set slot without one) */
	char *symbol;    /* the symbol at this place, "" when none */
	char *name;      /* the type name it asks for, "" when none */
	uint32_t id;     /* as stored */
	uint32_t flags;  /* set8: the pair's flags */
};

struct bk_btf_ids {
	struct bk_btf_ids_set *sets;
	size_t nr_sets;
	struct bk_btf_ids_entry *entries; /* in section order */
	size_t nr_entries;
	uint8_t *data; /* a copy of the section */
	size_t size;
	bool big_endian;
};

/* Read f's .BTF_ids. -ENOENT when there is none; -EINVAL (exit 1) when it
 * cannot be read: no symbol table, no __BTF_ID__ symbols, a symbol past
 * the section's end, a set whose size is not whole entries, an unknown
 * kind word. */
BK_API int bk_btf_ids_read(const struct bk_file *f, struct bk_btf_ids **out,
			   struct bk_error *err);
BK_API void bk_btf_ids_free(struct bk_btf_ids *ids);

/* "list", "set", "set8" */
BK_API const char *bk_btf_ids_group_name(const struct bk_btf_ids *ids,
					 const struct bk_btf_ids_entry *e);

/* Does entry i name what its symbol asks for in btf (the module's BTF on
 * its base, in the numbering the section is in)? A list entry: the type
 * at its ID has the symbol's kind and name. A set slot: the type at its ID
 * is one its set's symbols name. A set8 FUNC also needs a FUNC_PROTO (the
 * kernel's btf_check_kfunc_protos). An unused slot: 0. Returns 0, or 1 with
 * the fault in why ("ID 100640 is past the last type (100656)"). */
BK_API int bk_btf_ids_check_entry(const struct bk_btf_ids *ids, size_t i,
				  const struct bk_btf *btf, char *why, size_t len);

/* For a set slot: the entry of its set whose symbol names the type at
 * entry i's ID in btf (after the sort, maybe not the slot's own symbol);
 * for a list entry: i itself. -1 when none does. */
BK_API long bk_btf_ids_set_member(const struct bk_btf_ids *ids, size_t i,
				  const struct bk_btf *btf);

/* ids rewritten into another numbering, as resolve_btfids would write
 * it: every ID through map (old ID -> new ID, map_len entries; the old IDs
 * must name what their symbols ask for in old), list entries in place,
 * each set's IDs sorted ascending (set8 pairs with their flags). new_btf,
 * when given, is checked to hold the same kind and name at each new ID.
 * The result (*out; its data are the new section bytes, of the same size)
 * is freed with bk_btf_ids_free. Fails (-EINVAL) naming the entry that
 * cannot be rewritten; nothing is allocated then. */
BK_API int bk_btf_ids_remap(const struct bk_btf_ids *ids, const struct bk_btf *old,
			    const uint32_t *map, uint32_t map_len, const struct bk_btf *new_btf,
			    struct bk_btf_ids **out, struct bk_error *err);

/* The base types (IDs below bk_btf_start_id(btf)) that the section's
 * entries name in btf, sorted, malloc'd (*nr 0 and NULL when none). */
BK_API int bk_btf_ids_base_types(const struct bk_btf_ids *ids, const struct bk_btf *btf,
				 uint32_t **out, size_t *nr, struct bk_error *err);

/* bk_distill() for a whole module: split (its .BTF on the kernel it was
 * built against) distilled keeping the base types ids names (may be NULL:
 * no .BTF_ids), and ids rewritten into the distilled numbering (*new_ids,
 * NULL without ids). Nothing is returned on failure. */
BK_API int bk_distill_module(const struct bk_btf *split, const struct bk_btf_ids *ids,
			     struct bk_btf **dist, struct bk_btf **nsplit,
			     struct bk_btf_ids **new_ids, struct bk_error *err);

/* bk_relocate_opts() for a whole module: split on its distilled base onto
 * new_base, and ids (in split's numbering, may be NULL) rewritten into the
 * result's. opts->id_map is not used. */
BK_API int bk_relocate_module(const struct bk_btf *split, const struct bk_btf *new_base,
			      const struct bk_relocate_opts *opts, const struct bk_btf_ids *ids,
			      struct bk_btf **out, struct bk_btf_ids **new_ids,
			      struct bk_error *err);

#ifdef __cplusplus
}
#endif
#endif
