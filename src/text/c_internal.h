/* SPDX-License-Identifier: MIT */
/*
 * Private to src/text: the C printer (`bpftool btf dump file F format c`,
 * which is libbpf's btf_dump under bpftool's header and sort).
 *
 * c_dump.c: the driver (header, modes, kfunc block); c_sort.c: bpftool's
 * sort, c_names.c: the names it compares, numbered; c_types.c: what is known per type before printing (chain ends,
 * alignment, the pointer size); c_order.c: the topological order of
 * definitions and the emitting of what each needs.
 * c_defs.c: the ___N names, enums, forward declarations, struct layout.
 * c_emit.c: declarators and the struct bodies and typedefs that hold them;
 * c_simple.c: the common declaration ("T name", "T *name") at once, memoised.
 *
 * Nothing here recurses over the type graph: every walk that libbpf does
 * recursively runs on an explicit stack on the heap, so that a chain of a
 * million types needs no more C stack than a chain of one.
 */
#ifndef BTFKIT_TEXT_C_INTERNAL_H
#define BTFKIT_TEXT_C_INTERNAL_H

#include "core/btf_internal.h"
#include "core/fresh.h"
#include "text/out.h"

/* type_states bits (libbpf's per-type aux state) */
enum {
	ST_ORDERING = 1 << 0,  /* topological order: on the current path */
	ST_ORDERED = 1 << 1,   /* topological order: done */
	ST_EMITTING = 1 << 2,  /* emit: being defined (a forward decl may be needed) */
	ST_EMITTED = 1 << 3,   /* emit: done */
	ST_FWD_EMITTED = 1 << 4,
	ST_REFERENCED = 1 << 5, /* some type refers to it */
	ST_WALKED_TO = 1 << 6, /* a type that ordering walks through refers to it */
};

#define ALIGN_UNSET (-1)
#define ALIGN_VISITING (-2)

/* a growable array of u32 */
struct u32vec {
	uint32_t *v;
	size_t n, cap;
};

/* name -> number of times it was given out (libbpf's type_names and
 * ident_names maps) */
struct name_map {
	struct name_slot *slots;
	size_t mapped; /* the slots' mapping's length (0: malloc'ed) */
	size_t mask, used;
	size_t hint; /* how many names it may get (sizes the first table) */
};

struct frame {
	uint32_t id, i;
	uint8_t phase;
	bool flag;   /* order: through_ptr; emit: unused */
	bool strong; /* order, prototypes: some part is a strong link */
	uint32_t cont; /* emit: the containing struct (0: top level) */
};

enum { PH_START, PH_PTR, PH_MEMBERS, PH_TYPEDEF, PH_PROTO, PH_STRUCT_END };

struct fstack {
	struct frame *f;
	size_t n, cap;
	size_t limit; /* deeper than this is a loop libbpf would never leave */
};

/* A set of IDs: a bit each, and the count of members before each word of
 * bits, so that a member's rank (its index among the members, in ID
 * order) is a popcount away. Tables of what only the members have are
 * indexed by it (c_ranked_*, below). */
struct c_ranked {
	uint64_t *bits;
	uint32_t *before;
};

struct helper;

struct cdump {
	const struct bk_btf *btf;
	uint32_t n;                  /* types, void included: last ID + 1 */
	/* types by ID (c_type): the BTF's own from its offsets, the base's
	 * and void ([0], zeroed) from a table */
	const uint8_t *own_types;
	const uint32_t *own_offs;
	uint32_t own_start;
	const struct bk_type **types; /* IDs below own_start */
	/* one mapping (bk_map_fresh) holds the tables by ID below, state to
	 * name_done: they are touched all over at once */
	void *tables;
	size_t tables_len;
	uint8_t *state;              /* ST_* by ID */
	uint8_t *kind;               /* BK_KIND_* by ID: read without the type */
	/* also read without the type, by ordering and emitting, which would
	 * otherwise miss the cache twice a type (its offset, its record):
	 * the ID in its header (c_head_next), whether it is named (a bit an ID) */
	uint32_t *next;
	uint64_t *named;
	uint32_t *dup;               /* the ___N of a type's name, 0/1 none */
	/* a bit an ID: its ___N is decided (dup); set by the walk alone */
	uint64_t *name_done;
	uint32_t *end;               /* the end of its typedef/modifier/pointer/array chain */
	/* the chain's part of bpftool's sort hash (c_chain_hash), kept for
	 * the links only (an end's is 0): by rank among them */
	uint64_t *chain_hash;
	struct c_ranked links;
	uint32_t nr_links;
	int8_t *align;               /* btf__align_of, memoised (at most 8); ALIGN_UNSET */
	int ptr_sz;
	struct u32vec queue;         /* the definitions one dump_type orders (where end was) */
	struct u32vec decl;          /* declaration chains (libbpf's decl_stack) */
	struct u32vec work;          /* scratch stack of the walks */
	struct helper *helper;       /* the helper thread (c_helper.c), or NULL */
	/* set: names with a ___N are not printed but noted here as (offset
	 * in d->o, M_*, ID or name offset) triples, for c_put_mention */
	struct u32vec *mentions;
	uint32_t tname_id;           /* with mentions: the typedef being defined */
	struct fstack fs;            /* ordering's and emitting's frames */
	struct align_frame *astack;  /* c_align_of's stack */
	size_t nr_astack, astack_cap;
	char tname[256];             /* the typedef being defined, with its ___N (no mentions) */
	void *tasks;                 /* the emitter's explicit stack (c_emit.c) */
	void *memo;                  /* the memo of simple declarations (c_simple.c) */
	size_t nr_tasks, tasks_cap;
	struct name_map type_names, ident_names;
	/* the string offsets of names that the maps can give out only once
	 * (c_sort.c's note_single_names; NULL: not known) */
	uint64_t *single;
	uint64_t single_total;
	/* blocks freed by one phase for a later one to take (memory already
	 * touched: fresh pages cost a fault each) */
	void *spare[2];
	size_t spare_sz[2], spare_mapped[2];
	struct out *o;
	struct bk_error *err;
};

/* room for one more (c_types.c); pushing one, inline: the walks and the
 * printer's mentions push in their inner loops */
int u32vec_grow(struct u32vec *s);
static inline int u32vec_push(struct u32vec *s, uint32_t v)
{
	if (__builtin_expect(s->n >= s->cap, 0) && u32vec_grow(s))
		return -ENOMEM;
	s->v[s->n++] = v;
	return 0;
}
/* c_dump.c: hand a block of sz bytes on (or release it), malloc'ed
 * (mapped 0) or a mapping of mapped bytes; take one of at least sz bytes
 * (NULL: none), *mapped saying which it is */
void c_give_spare(struct cdump *d, void *p, size_t sz, size_t mapped);
void *c_take_spare(struct cdump *d, size_t sz, size_t *mapped);

static inline const struct bk_type *c_type(const struct cdump *d, uint32_t id)
{
	if (__builtin_expect(id >= d->own_start, 1))
		return (const struct bk_type *)(d->own_types + d->own_offs[id - d->own_start]);
	return d->types[id];
}

/* The set bits of a word. __builtin_popcountll is a call into libgcc
 * where the build does not assume the instruction (x86-64's baseline has
 * none): this inline count takes a third of its time. Ranks in the
 * bitmaps by ID (links, ...) are counted with it. */
static inline uint32_t c_popcount64(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555ull;
	x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
	return (uint32_t)((x * 0x0101010101010101ull) >> 56);
}

/* c_types.c: room for a set of the IDs (or string offsets) below n, empty
 * (-ENOMEM); once its bits are set, the counts before each word, and how
 * many members */
int c_ranked_alloc(struct c_ranked *r, uint64_t n);
uint32_t c_ranked_count(struct c_ranked *r, uint64_t n);
void c_ranked_free(struct c_ranked *r);

static inline bool c_ranked_has(const struct c_ranked *r, uint32_t id)
{
	return r->bits[id / 64] >> (id % 64) & 1;
}

static inline void c_ranked_add(struct c_ranked *r, uint32_t id)
{
	r->bits[id / 64] |= 1ull << (id % 64);
}

/* (of a member) */
static inline uint32_t c_ranked_rank(const struct c_ranked *r, uint32_t id)
{
	return r->before[id / 64] + c_popcount64(r->bits[id / 64] & ((1ull << (id % 64)) - 1));
}

static inline uint64_t c_chain_hash(const struct cdump *d, uint32_t id)
{
	return c_ranked_has(&d->links, id) ? d->chain_hash[c_ranked_rank(&d->links, id)] : 0;
}

/* bk_btf_str inline ("" when out of range): names are read everywhere */
static inline const char *c_str(const struct cdump *d, uint32_t off)
{
	uint32_t rel;
	const struct bk_btf *t = bk_str_table(d->btf, off, &rel);
	return t ? t->strs + rel : "";
}

/* the same, and the end of its table: a copy may read on to there */
static inline const char *c_str_lim(const struct cdump *d, uint32_t off, const char **lim)
{
	uint32_t rel;
	const struct bk_btf *t = bk_str_table(d->btf, off, &rel);
	if (!t) {
		*lim = "";
		return *lim;
	}
	*lim = t->strs + t->strs_len;
	return t->strs + rel;
}

/* The string s, which ends in a NUL before lim, into the output: out.h's
 * shared copy, its fast path inline (no strlen, no call) */
static inline void c_put_text(struct out *o, const char *s, const char *lim)
{
	out_commit(o, out_put_text(o, out_room(o, OUT_TEXT_ROOM), s, lim, 0));
}

static inline void c_put_str(struct cdump *d, uint32_t off)
{
	const char *lim, *s = c_str_lim(d, off, &lim);
	c_put_text(d->o, s, lim);
}

static inline const char *c_name(const struct cdump *d, const struct bk_type *t)
{
	return t->name_off ? c_str(d, t->name_off) : "";
}

/* a name whose ___N is none (its first time) and that no other name
 * counts against: the maps need not hear of it */
static inline bool c_name_single(const struct cdump *d, uint32_t off)
{
	return d->single && off < d->single_total && (d->single[off / 64] >> (off % 64) & 1);
}

static inline bool c_name_is_done(const struct cdump *d, uint32_t id)
{
	return __atomic_load_n(&d->name_done[id / 64], __ATOMIC_ACQUIRE) >> (id % 64) & 1;
}

static inline bool c_is_composite(const struct bk_type *t)
{
	return bk_kind_is_composite(bk_kind(t));
}

/* libbpf's str_hash: h * 31 + c over the bytes as (signed) char; bpftool's
 * sort hashes names with it */
static inline uint64_t c_str_hash(const char *s)
{
	uint64_t h = 0;
	for (; *s; s++)
		h = h * 31 + (uint64_t)(int64_t)(signed char)*s;
	return h;
}

/* the next link of a typedef/modifier/pointer/array chain */
static inline uint32_t c_chain_next(const struct bk_type *t)
{
	if (bk_kind(t) == BK_KIND_ARRAY)
		return ((const struct bk_array *)bk_type_rest(t))->type;
	return t->type;
}

/* the ID a type's header names: a chain's next link (c_chain_next), a
 * prototype's return type, a FUNC's prototype, ...; 0 for none */
static inline uint32_t c_head_next(const struct bk_type *t)
{
	unsigned kind = bk_kind(t);
	if (kind == BK_KIND_ARRAY)
		return ((const struct bk_array *)bk_type_rest(t))->type;
	return bk_kind_desc(kind) && bk_kind_desc(kind)->type_is_id ? t->type : 0;
}

static inline bool c_named(const struct cdump *d, uint32_t id)
{
	return d->named[id / 64] >> (id % 64) & 1;
}

/* c_types.c: libbpf's btf__align_of (0 when it has none), the memo's
 * answer inline; btf__resolve_size */
int c_align_of_slow(struct cdump *d, uint32_t id);
/* x % a for an alignment a (> 0): a power of two but in odd BTF, so a
 * mask where it is one (no division), the remainder itself where not */
static inline uint32_t c_align_rem(uint32_t x, uint32_t a)
{
	return a & (a - 1) ? x % a : x & (a - 1);
}
static inline int c_align_of(struct cdump *d, uint32_t id)
{
	int a = d->align[id];
	return a >= 0 ? a : c_align_of_slow(d, id);
}
int64_t c_resolve_size(const struct cdump *d, uint32_t id);

/* c_types.c: the pointer size, referenced types, chain ends (and type
 * loops through them: -ELOOP) */
int c_prepare(struct cdump *d);
/* c_notes.c: c_prepare's pass over every type (kind, next, named, links,
 * references, name hints; each link's own hash in chain_hash by rank, its
 * end where it is plain, else C_END_UNSET) */
#define C_END_UNSET UINT32_MAX
int c_note_types(struct cdump *d);
/* c_order.c: one root's definitions, in order, onto d->queue (libbpf's
 * btf_dump_order_type); emitting one queued definition after what it
 * needs (btf_dump_emit_type) */
int c_order(struct cdump *d, uint32_t root);
/* kinds that ordering only marks as done (FUNC, VAR, DATASEC, DECL_TAG) */
static inline bool c_orders_nothing(unsigned kind)
{
	return kind == BK_KIND_FUNC || kind == BK_KIND_VAR || kind == BK_KIND_DATASEC ||
	       kind == BK_KIND_DECL_TAG;
}
int c_emit_type(struct cdump *d, uint32_t id);
/* what the emit walk prints, one definition or declaration each */
enum { OP_STRUCT_FWD, OP_TYPEDEF, OP_ENUM, OP_FWD, OP_STRUCT, OP_ALIASES };
int c_emit_item(struct cdump *d, unsigned op, uint32_t id);
/* c_helper.c: a helper thread that prints the definitions ahead while
 * this one sorts, then walks the queue while this one orders: started once
 * the types are prepared (when that is worth it); told when the names
 * given out once are known, when ordering begins (c_helper_hold_output:
 * whether the helper walks, its output then held; then the queue's room,
 * reserved whole) and how far it has queued; ended after ordering with
 * its result (what the walk returned; on order_err the held output is
 * dropped). An item of the walk printed, from what was printed ahead
 * where it was: c_put_item. */
void c_helper_start(struct cdump *d);
void c_helper_names_known(struct cdump *d);
bool c_helper_hold_output(struct cdump *d);
void c_helper_order_begin(struct cdump *d);
void c_helper_queued(struct cdump *d);
int c_helper_end(struct cdump *d, int order_err);
int c_put_item(struct cdump *d, unsigned op, uint32_t id);
/* Work of this thread's that the helper may share: nr chunks, each run
 * once, by whichever thread claims it first (worker 0: this one, 1: the
 * helper, for scratch of their own). The helper takes chunks while it is
 * printing ahead or idle; c_share_job returns once all have run (on this
 * thread alone where there is no helper). */
struct c_job {
	void (*run)(void *arg, uint32_t chunk, unsigned worker);
	void *arg;
	uint32_t nr;
};
void c_share_job(struct cdump *d, const struct c_job *job);

/* c_sort.c: bpftool's sorted order of the IDs (void included) into ids,
 * *nr of them: those whose visit can only mark them ordered left out
 * (FUNCs, VARs and DATASECs that no walked type refers to: a mark that
 * nothing would read), unless exact_first and one of them could sort first */
int c_sort_types(struct cdump *d, uint32_t *ids, uint32_t *nr, bool exact_first);
/* c_names.c: the names the sort compares, numbered in strcmp order (equal
 * strings equally, "" 0), by string offset: the offsets marked (the count
 * of them before each word), the numbers of them in offset order */
struct c_names {
	struct c_ranked used;
	uint32_t *num;
	uint64_t total; /* string offsets: the base's and own */
	unsigned bits;  /* the numbers' width */
};
int c_names_init(struct c_names *nm, const struct cdump *d);
static inline void c_names_mark(struct c_names *nm, uint32_t off)
{
	if (off && off < nm->total)
		c_ranked_add(&nm->used, off);
}
/* number the marked names (marks: at most that many; room: scratch words
 * of the caller's, room_words of them); a marked name's number */
int c_names_number(struct cdump *d, struct c_names *nm, size_t marks, uint64_t *room,
		   size_t room_words);
static inline uint32_t c_names_num(const struct c_names *nm, uint32_t off)
{
	if (!off || off >= nm->total)
		return 0;
	return nm->num[c_ranked_rank(&nm->used, off)];
}
/* the names given out only once: counted in seen by number as the keys
 * are made (a type's and its enumerators'), then kept as d->single */
void c_names_count(const struct cdump *d, const struct c_names *nm, uint8_t *seen, uint32_t id,
		   uint32_t name_off, uint32_t num);
void c_names_keep_single(struct cdump *d, struct c_names *nm, const uint8_t *seen);
void c_names_free(struct c_names *nm);
static inline uint32_t c_enumerator_name_off(const struct bk_type *t, uint32_t i)
{
	if (bk_kind(t) == BK_KIND_ENUM64)
		return ((const struct bk_enum64 *)bk_type_rest(t))[i].name_off;
	return ((const struct bk_enum *)bk_type_rest(t))[i].name_off;
}
/* whether a type's place in the sorted order matters: visiting a FUNC, VAR
 * or DATASEC that no walked type refers to only marks it ordered (and
 * they all rank last, so that only exact_first needs them) */
static inline bool c_sort_place_matters(const struct cdump *d, uint32_t id)
{
	unsigned kind = d->kind[id];
	/* (not short-circuit: asked of every ID in turn, whose kinds come
	 * mixed, a branch would often be mispredicted) */
	return ((kind != BK_KIND_FUNC) & (kind != BK_KIND_VAR) & (kind != BK_KIND_DATASEC)) |
	       !!(d->state[id] & ST_WALKED_TO);
}

/* the C word of a qualifier kind and its space; false for any other kind */
static inline bool c_put_qualifier(struct cdump *d, unsigned kind)
{
	switch (kind) {
	case BK_KIND_VOLATILE:
		PUT_LIT(d->o, "volatile ");
		return true;
	case BK_KIND_CONST:
		PUT_LIT(d->o, "const ");
		return true;
	case BK_KIND_RESTRICT:
		PUT_LIT(d->o, "restrict ");
		return true;
	default:
		return false;
	}
}

/* c_defs.c: names, definitions without declarators, struct layout */
/* A newline and libbpf's pfx(lvl): a tab a level, at most 13. All
 * sixteen bytes are written (a fixed-size copy, no call) and as many kept
 * as there are tabs. */
#define C_MAX_TABS 13
static inline void c_put_line(struct out *o, int lvl)
{
	char *p = out_room(o, 16);
	memcpy(p, "\n\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t", 16);
	out_commit(o, p + 1 + (lvl < C_MAX_TABS ? lvl : C_MAX_TABS));
}
uint32_t c_resolve_dup(struct cdump *d, uint32_t id, struct name_map *map);
size_t c_format_name(char *buf, const char *name, uint32_t dup);
void c_put_type_name(struct cdump *d, uint32_t id);
void c_put_ident_name(struct cdump *d, uint32_t id);
/* deferred names: a type's in type_names / ident_names (all of it, or
 * the ___N after the name already printed), an enumerator's ___N (counted
 * each time), a type's taken in type_names but not printed */
enum { M_TYPE, M_IDENT, M_TYPE_SUFFIX, M_IDENT_SUFFIX, M_ENUMERATOR_SUFFIX, M_TYPE_UNPRINTED };
void c_put_mention(struct cdump *d, unsigned kind, uint32_t val);
bool c_is_missing_base_type(const char *name);
bool c_struct_is_packed(struct cdump *d, uint32_t id);
void c_put_bit_padding(struct cdump *d, int64_t cur_off, int64_t next_off, int next_align,
		       bool in_bitfield, int lvl);

/* c_simple.c: whether a declarator chain ends at id with a type that is
 * printed by its name (void too), not defined inline; that name */
bool c_is_named_end(uint32_t id, const struct bk_type *t);
void c_put_named_end(struct cdump *d, uint32_t id, const struct bk_type *t);
/* A simple declaration (a named end, qualified or not, up to three
 * pointers to it, arrays of those) whole, its words memoised: true
 * (*size: c_resolve_size(id)); false, nothing printed, for any other.
 * fname as c_emit_decl's. */
bool c_put_simple_decl(struct cdump *d, uint32_t id, uint32_t fname, int64_t *size);
/* the same, a struct member's line whole: the newline and lvl tabs (as
 * c_put_line), the declaration, its bits (unless 0) and the semicolon */
bool c_put_simple_member(struct cdump *d, uint32_t id, uint32_t name_off, int lvl, uint32_t bits,
			 int64_t *size);
/* whether it would print id's (unless arrays: and id is no array) */
bool c_simple_known(struct cdump *d, uint32_t id, bool arrays);

/* c_emit.c (and c_defs.c): libbpf's btf_dump_emit_* of one thing */
void c_emit_struct_fwd(struct cdump *d, uint32_t id);
void c_emit_fwd_def(struct cdump *d, uint32_t id);
void c_emit_enum_def(struct cdump *d, uint32_t id, int lvl);
void c_emit_missing_aliases(struct cdump *d, uint32_t id);
int c_emit_struct_def(struct cdump *d, uint32_t id, int lvl);
int c_emit_typedef_def(struct cdump *d, uint32_t id, int lvl);
/* btf_dump_emit_type_decl(id, fname, lvl), the name fname a string
 * offset or FNAME_TYPEDEF: the typedef being defined (d->tname, or
 * d->tname_id's deferred) */
#define FNAME_TYPEDEF UINT32_MAX
int c_emit_decl(struct cdump *d, uint32_t id, uint32_t fname, int lvl);
/* the declared name, after a space unless it is empty or a star is before it */
void c_put_decl_name(struct cdump *d, uint32_t fname, bool last_was_ptr);
void c_emit_fini(struct cdump *d);

#endif
