/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_DIFF_H
#define BTFKIT_DIFF_H

#include "btfkit/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Diff: what changed between two BTFs' named types (the diff layer), and
 * which modules each change touches (bk_diff_modules, the module layer).
 * Types are matched by (class, name), never by ID; see docs/diff.md. */

enum bk_diff_class {
	BK_DIFF_STRUCT,  /* STRUCT, or FWD of a struct */
	BK_DIFF_UNION,   /* UNION, or FWD of a union */
	BK_DIFF_ENUM,    /* ENUM and ENUM64 */
	BK_DIFF_TYPEDEF,
	BK_DIFF_FUNC,
	BK_DIFF_VAR,
	BK_DIFF_INT,
	BK_DIFF_FLOAT,
	BK_DIFF_NR_CLASSES
};

enum bk_diff_op { BK_DIFF_ADDED, BK_DIFF_REMOVED, BK_DIFF_CHANGED, BK_DIFF_NR_OPS };

enum bk_diff_severity {
	BK_DIFF_COSMETIC,   /* parameter names, typedef spelling, regrouping */
	BK_DIFF_COMPATIBLE, /* added type, member in padding, added enumerator */
	BK_DIFF_BREAKING,   /* size, removal, move, retype to another size, ... */
	BK_DIFF_NR_SEVERITIES
};

/* What one change inside a changed type is. Offsets are in bits; type
 * sizes in bytes, member sizes in bits (as bpftool prints them). */
enum bk_diff_what {
	BK_DIFF_SIZE,              /* val: type size in bytes */
	BK_DIFF_DEFINITION,        /* val: 1 defined, 0 declaration only (FWD) */
	BK_DIFF_MEMBER_ADDED,      /* name, text, val: offset, size: bits */
	BK_DIFF_MEMBER_REMOVED,    /* the same, old */
	BK_DIFF_MEMBER_RENAMED,    /* name -> name2, same offset and type */
	BK_DIFF_MEMBER_RETYPED,    /* name, text: types, size: type sizes in bytes */
	BK_DIFF_MEMBER_BITFIELD,   /* name, val: bitfield widths */
	BK_DIFF_MEMBER_MOVED,      /* name .. name2 (count members), val: offsets
				    * of the first, delta = new - old */
	BK_DIFF_MEMBER_REGROUPED,  /* name: moved into/out of an anonymous struct/union */
	BK_DIFF_ENUM_SIGNED,       /* val: 1 signed, 0 unsigned */
	BK_DIFF_ENUMERATOR_ADDED,  /* name, val */
	BK_DIFF_ENUMERATOR_REMOVED,
	BK_DIFF_ENUMERATOR_VALUE,  /* name, val: values */
	BK_DIFF_RETURN,            /* text: return types */
	BK_DIFF_PARAM_ADDED,       /* index, name, text */
	BK_DIFF_PARAM_REMOVED,
	BK_DIFF_PARAM_RETYPED,     /* index, name, text */
	BK_DIFF_PARAM_NAME,        /* index, name -> name2 */
	BK_DIFF_LINKAGE,           /* val: linkages (static 0, global 1, extern 2) */
	BK_DIFF_TARGET,            /* typedef: text: targets */
	BK_DIFF_VAR_TYPE,          /* var: text: types */
	BK_DIFF_ENCODING,          /* int: val: encoding bits (BK_INT_*) */
	BK_DIFF_BITS,              /* int: val: bits; size: bit offsets */
	BK_DIFF_NR_WHATS
};

struct bk_diff_change {
	enum bk_diff_what what;
	enum bk_diff_severity severity;
	const char *name, *name2;        /* "" when not used */
	const char *old_text, *new_text; /* C-like type texts, "" when not used */
	int64_t old_val, new_val;
	int64_t old_size, new_size;
	int64_t delta;                   /* MOVED: offset change in bits */
	uint32_t count;                  /* MOVED: members in the run (1 or more) */
	uint32_t index;                  /* PARAM_*: position, 0-based */
};

/* The modules a change touches (filled by bk_diff_modules). */
struct bk_diff_impact {
	size_t embed;       /* modules that embed the type by value */
	size_t ref;         /* modules that only reference it (pointer, prototype) */
	size_t embed_total; /* a root: modules that embed it or a type it shifted */
	size_t ref_total;
	uint32_t *embedders; /* indexes into bk_diff_result.modules, embed of them */
};

struct bk_diff_record {
	enum bk_diff_class cls;
	enum bk_diff_op op;
	enum bk_diff_severity severity;
	const char *name;           /* the key: a type's name; an anonymous
				     * aggregate's typedef; an anonymous enum's
				     * first enumerator */
	bool anon;                  /* keyed by a typedef or a first enumerator */
	uint32_t old_id, new_id;    /* a definition on each side, 0 when absent */
	int64_t old_size, new_size; /* bytes (struct, union, enum, int, float), -1 none */
	uint32_t old_variants, new_variants; /* distinct definitions of the key */
	const char *old_text, *new_text; /* func: prototype; typedef: target; var: type */
	struct bk_diff_change *changes;
	size_t nr_changes;
	/* cause: a struct/union whose only changes are moves and its size, all
	 * explained by an embedded type that changed size, is shifted by it */
	int64_t shifted_by;         /* index of that record, -1 when this is a root */
	int64_t root;               /* the root of the chain (its own index for a root) */
	size_t nr_shifted;          /* a root: records shifted because of it */
	struct bk_diff_impact impact;
};

struct bk_diff_result {
	struct bk_diff_record *records; /* sorted by (class, name) */
	size_t nr_records;
	size_t count[BK_DIFF_NR_CLASSES][BK_DIFF_NR_OPS];
	size_t severity[BK_DIFF_NR_SEVERITIES];
	size_t nr_roots, nr_shifted;
	/* module impact (bk_diff_modules) */
	bool have_modules;
	char **modules;       /* the module paths */
	size_t nr_modules;
	size_t modules_fail;  /* embed a type whose size changed, or that is gone */
	size_t modules_touch; /* embed or reference a changed or removed type */
	size_t modules_error; /* unreadable */
	struct bk_diff_private *priv;
};

/* declare with BK_OPTS(bk_diff_opts, opts): fields may be added after sz */
struct bk_diff_opts {
	size_t sz;
};

/* "struct", "union", "enum", "typedef", "func", "var", "int", "float" */
BK_API const char *bk_diff_class_name(enum bk_diff_class c);
BK_API int bk_diff_class_by_name(const char *s);
BK_API const char *bk_diff_op_name(enum bk_diff_op op);                   /* "added", ... */
BK_API const char *bk_diff_severity_name(enum bk_diff_severity s);        /* "breaking", ... */
BK_API int bk_diff_severity_by_name(const char *s);
BK_API const char *bk_diff_what_name(enum bk_diff_what w);                /* "member-added", ... */

/* Diff old's own types against new's (for split BTF: the split parts, on
 * their bases). opts may be NULL. *out is freed with bk_diff_free; it
 * refers to old's and new's strings, so free it before them. */
BK_API int bk_diff(const struct bk_btf *old, const struct bk_btf *new_btf,
		   const struct bk_diff_opts *opts, struct bk_diff_result **out,
		   struct bk_error *err);
BK_API void bk_diff_free(struct bk_diff_result *r);

/* The record of a changed or removed old type, -1 when it has none. */
BK_API int64_t bk_diff_record_of_old(const struct bk_diff_result *r, uint32_t old_id);

/* The record of (cls, name), -1 when that type did not change. */
BK_API int64_t bk_diff_find(const struct bk_diff_result *r, enum bk_diff_class cls,
			    const char *name);
/* Record i in words: "struct device 744 -> 752: member 'flags' (long
 * unsigned int[1]) added at byte 744"; a shifted type adds the type it
 * embeds and its root cause. Returns buf. */
BK_API const char *bk_diff_explain(const struct bk_diff_result *r, size_t i, char *buf,
				   size_t len);

/* Module impact (module layer): the modules at paths (files or directories,
 * as bk_check_collect takes them; split BTF built against old) are read and
 * each record gets the modules that embed or reference its type. */
struct bk_diff_modules_opts {
	size_t sz;        /* BK_OPTS(bk_diff_modules_opts, opts, ...) */
	unsigned threads; /* 0: every online CPU */
};
BK_API int bk_diff_modules(struct bk_diff_result *r, const struct bk_btf *old,
			   const char *const *paths, size_t nr_paths,
			   const struct bk_diff_modules_opts *opts, struct bk_error *err);

#ifdef __cplusplus
}
#endif
#endif
