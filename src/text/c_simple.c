// SPDX-License-Identifier: MIT
/*
 * The most common declarations, a named type (or void), pointers to it,
 * qualified or not, and arrays of those: "T name", "const T *name",
 * "T *name[4]". They are printed at once, without the chain of c_emit.c,
 * their words before and after the name memoised.
 *
 * Most members are of a few hundred types (u32, struct list_head *...),
 * each read again at a random place with its names. So what was printed
 * for a type around the name, when it is final (nothing was deferred: its names' ___N are
 * decided or none), and the type's size are kept per printing thread in a
 * small table by ID, and copied from there the next time.
 */
#include <stdlib.h>

#include "text/c_internal.h"

bool c_is_named_end(uint32_t id, const struct bk_type *t)
{
	switch (bk_kind(t)) {
	case BK_KIND_INT:
	case BK_KIND_FLOAT:
	case BK_KIND_FWD:
	case BK_KIND_TYPEDEF:
		return true;
	case BK_KIND_STRUCT:
	case BK_KIND_UNION:
	case BK_KIND_ENUM:
	case BK_KIND_ENUM64:
		return t->name_off != 0;
	default:
		return !id;
	}
}

void c_put_named_end(struct cdump *d, uint32_t id, const struct bk_type *t)
{
	switch (id ? bk_kind(t) : BK_KIND_UNKN) {
	case BK_KIND_INT:
	case BK_KIND_FLOAT:
		c_put_str(d, t->name_off);
		break;
	case BK_KIND_STRUCT:
	case BK_KIND_UNION:
		c_emit_struct_fwd(d, id);
		break;
	case BK_KIND_ENUM:
	case BK_KIND_ENUM64:
		PUT_LIT(d->o, "enum ");
		c_put_type_name(d, id);
		break;
	case BK_KIND_FWD:
		c_emit_fwd_def(d, id);
		break;
	case BK_KIND_TYPEDEF:
		c_put_ident_name(d, id);
		break;
	default:
		PUT_LIT(d->o, "void");
		break;
	}
}

/* A simple declaration's shape, outside in: up to SIMPLE_ARRAYS_MAX
 * arrays, up to SIMPLE_PTRS_MAX pointers, up to SIMPLE_MODS_MAX of const,
 * volatile and restrict, and a named end. The chain (c_emit.c) prints it
 * as: the qualifiers (the innermost first), the named end, the pointers'
 * stars, the name (after a space unless a star is before it) and the
 * arrays' sizes (the outermost first). */
#define SIMPLE_ARRAYS_MAX 4
#define SIMPLE_PTRS_MAX 3
#define SIMPLE_MODS_MAX 3
#define SIMPLE_AFTER_MAX (SIMPLE_ARRAYS_MAX * 12) /* "[4294967295]" each */

struct shape {
	uint32_t end;
	const struct bk_type *t;         /* end's */
	unsigned ptrs, nr_mods;
	uint8_t mods[SIMPLE_MODS_MAX];   /* kinds, outside in */
	uint32_t after_len;
	char after[SIMPLE_AFTER_MAX];
};

static bool is_qualifier(unsigned kind)
{
	return kind == BK_KIND_CONST || kind == BK_KIND_VOLATILE || kind == BK_KIND_RESTRICT;
}

/* id's shape: false when it is none of the above */
static bool simple_shape(const struct cdump *d, uint32_t id, struct shape *sh)
{
	const struct bk_type *t = c_type(d, id);
	sh->after_len = 0;
	for (unsigned arrays = 0; id && bk_kind(t) == BK_KIND_ARRAY; arrays++) {
		const struct bk_array *a = bk_type_rest(t);
		if (arrays == SIMPLE_ARRAYS_MAX)
			return false;
		char *after = sh->after + sh->after_len;
		*after++ = '[';
		after = fmt_u32(after, a->nelems);
		*after++ = ']';
		sh->after_len = (uint32_t)(after - sh->after);
		t = c_type(d, id = a->type);
	}
	for (sh->ptrs = 0; id && bk_kind(t) == BK_KIND_PTR && sh->ptrs < SIMPLE_PTRS_MAX; sh->ptrs++)
		t = c_type(d, id = t->type);
	for (sh->nr_mods = 0; id && is_qualifier(bk_kind(t)); sh->nr_mods++) {
		if (sh->nr_mods == SIMPLE_MODS_MAX)
			return false;
		sh->mods[sh->nr_mods] = (uint8_t)bk_kind(t);
		t = c_type(d, id = t->type);
	}
	sh->end = id;
	sh->t = t;
	return c_is_named_end(id, t);
}

/* the words before the name */
static void put_shape_words(struct cdump *d, const struct shape *sh)
{
	for (unsigned i = sh->nr_mods; i--;)
		c_put_qualifier(d, sh->mods[i]);
	c_put_named_end(d, sh->end, sh->t);
	if (sh->ptrs)
		put_bytes(d->o, " ***", sh->ptrs + 1); /* the first after a space */
}

/* The memo: slots by a hash of the ID, a newer type taking the slot of
 * an older (88 bytes each: on running.btf's header 1024 slots miss 20.2 k
 * times, 2048 18.9 k, 4096 17.7 k: most types that miss are met for the
 * first time, and a printer's memory counts more than a few misses).
 * Printed ahead, the words may hold one name whose ___N is deferred (a
 * mention: c_defs.c's defer_name): it is kept with them, and noted again
 * at its place each time they are copied. That its ___N may be decided
 * by then does not matter: the writer puts in the same ___N either way. */
#define MEMO_SLOTS 1024 /* a power of two */
#define MEMO_TEXT 48
#define MEMO_AFTER 16

struct memo_slot {
	uint32_t id1;    /* the type's ID + 1; 0: empty */
	uint8_t len;     /* of text */
	uint8_t after_len;
	bool ptr;        /* text ends in a pointer */
	uint8_t m_kind;  /* the mention's M_* + 1 (0: none) */
	int64_t size;    /* c_resolve_size */
	uint32_t m_at, m_val; /* the mention: where in text, its value */
	char text[MEMO_TEXT];   /* before the name */
	char after[MEMO_AFTER]; /* after it */
};

static inline struct memo_slot *memo_slot(struct cdump *d, uint32_t id)
{
	if (__builtin_expect(!d->memo, 0) &&
	    !(d->memo = bk_zalloc(MEMO_SLOTS, sizeof(struct memo_slot))))
		return NULL; /* (no memory: printed without the memo) */
	return (struct memo_slot *)d->memo + ((id * 0x9e3779b1u) >> 16) % MEMO_SLOTS;
}

/* The declaration of a simple shape, its words kept in the slot (if any)
 * when they deferred at most one name and are short enough. The room is
 * made first, so that such words are printed without a flush and can be
 * read back from the buffer. */
static void put_shape(struct cdump *d, struct memo_slot *slot, uint32_t id, uint32_t fname,
		      const struct shape *sh, int64_t *size)
{
	struct u32vec *m = d->mentions;
	size_t deferred = m ? m->n : 0;
	bool room = out_reserve(d->o, 2 * MEMO_TEXT);
	size_t start = d->o->len;
	put_shape_words(d, sh);
	size_t len = d->o->len - start, mentioned = (m ? m->n : 0) - deferred;
	*size = c_resolve_size(d, id);
	if (slot && room && len <= MEMO_TEXT && sh->after_len <= MEMO_AFTER && !d->o->err &&
	    mentioned <= 3) {
		/* (fixed sizes: no calls; the room and sh->after hold them) */
		memcpy(slot->text, d->o->buf + start, MEMO_TEXT);
		slot->len = (uint8_t)len;
		memcpy(slot->after, sh->after, MEMO_AFTER);
		slot->after_len = (uint8_t)sh->after_len;
		slot->ptr = sh->ptrs != 0;
		slot->size = *size;
		slot->m_kind = 0;
		if (mentioned) {
			slot->m_at = m->v[deferred] - (uint32_t)start;
			slot->m_kind = (uint8_t)(m->v[deferred + 1] + 1);
			slot->m_val = m->v[deferred + 2];
		}
		slot->id1 = id + 1;
	}
	c_put_decl_name(d, fname, sh->ptrs != 0);
	put_bytes(d->o, sh->after, sh->after_len);
}

/* the slot's mention noted again, its words copied at p */
static void mention_again(struct cdump *d, const struct memo_slot *slot, const char *p)
{
	struct u32vec *m = d->mentions;
	if (u32vec_push(m, (uint32_t)(p - d->o->buf) + slot->m_at) ||
	    u32vec_push(m, slot->m_kind - 1u) || u32vec_push(m, slot->m_val))
		d->o->err = d->o->err ? d->o->err : -ENOMEM;
}

bool c_simple_known(struct cdump *d, uint32_t id, bool arrays)
{
	struct memo_slot *slot = memo_slot(d, id);
	if (slot && slot->id1 == id + 1)
		return arrays || !slot->after_len;
	struct shape sh;
	return simple_shape(d, id, &sh) && (arrays || !sh.after_len);
}

/* (apart: the memo's hit, the common case, then needs few registers) */
static __attribute__((noinline)) bool put_missed(struct cdump *d, struct memo_slot *slot,
						 uint32_t id, uint32_t fname, int64_t *size)
{
	struct shape sh;
	if (!simple_shape(d, id, &sh))
		return false;
	put_shape(d, slot, id, fname, &sh, size);
	return true;
}

/* whether the slot holds id's words, for this printer (words with a
 * mention are no use to the writer, which the helper's printer ahead
 * becomes: c_helper.c) */
static inline bool memo_hit(const struct cdump *d, const struct memo_slot *slot, uint32_t id)
{
	return slot && slot->id1 == id + 1 && (!slot->m_kind || d->mentions);
}

/* A hit's declaration at p (room for MEMO_ROOM + after bytes): the words,
 * a fixed size copied (no call), the name and the sizes; the cursor after
 * it, with room for after more bytes. */
#define MEMO_ROOM (MEMO_TEXT + 1 + OUT_TEXT_ROOM + MEMO_AFTER)

static inline char *put_hit(struct cdump *d, const struct memo_slot *slot, char *p,
			    uint32_t name_off, size_t after)
{
	memcpy(p, slot->text, MEMO_TEXT);
	if (__builtin_expect(slot->m_kind, 0))
		mention_again(d, slot, p);
	p += slot->len;
	const char *lim, *name = c_str_lim(d, name_off, &lim);
	*p = ' ';
	p += name[0] && !slot->ptr;
	p = out_put_text(d->o, p, name, lim, MEMO_AFTER + after);
	memcpy(p, slot->after, MEMO_AFTER);
	return p + slot->after_len;
}

bool c_put_simple_decl(struct cdump *d, uint32_t id, uint32_t fname, int64_t *size)
{
	struct memo_slot *slot = memo_slot(d, id);
	if (__builtin_expect(!memo_hit(d, slot, id), 0))
		return put_missed(d, slot, id, fname, size);
	*size = slot->size;
	if (__builtin_expect(fname == FNAME_TYPEDEF, 0)) {
		char *p = out_room(d->o, MEMO_TEXT);
		memcpy(p, slot->text, MEMO_TEXT);
		if (slot->m_kind)
			mention_again(d, slot, p);
		out_commit(d->o, p + slot->len);
		c_put_decl_name(d, fname, slot->ptr);
		put_bytes(d->o, slot->after, slot->after_len);
		return true;
	}
	out_commit(d->o, put_hit(d, slot, out_room(d->o, MEMO_ROOM), fname, 0));
	return true;
}

bool c_put_simple_member(struct cdump *d, uint32_t id, uint32_t name_off, int lvl, uint32_t bits,
			 int64_t *size)
{
	struct memo_slot *slot = memo_slot(d, id);
	if (__builtin_expect(!memo_hit(d, slot, id), 0)) {
		struct shape sh;
		if (!simple_shape(d, id, &sh))
			return false;
		c_put_line(d->o, lvl);
		put_shape(d, slot, id, name_off, &sh, size);
		char *p = out_room(d->o, 16);
		if (bits) {
			memcpy(p, ": ", 2);
			p = fmt_u32(p + 2, bits);
		}
		*p++ = ';';
		out_commit(d->o, p);
		return true;
	}
	/* the line, the declaration and what ends it through one cursor */
	*size = slot->size;
	char *p = out_room(d->o, 16 + MEMO_ROOM + 16);
	memcpy(p, "\n\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t", 16); /* c_put_line's */
	p = put_hit(d, slot, p + 1 + (lvl < C_MAX_TABS ? lvl : C_MAX_TABS), name_off, 16);
	if (__builtin_expect(bits, 0)) {
		memcpy(p, ": ", 2);
		p = fmt_u32(p + 2, bits);
	}
	*p++ = ';';
	out_commit(d->o, p);
	return true;
}
