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
	char *after = sh->after;
	for (unsigned arrays = 0; id && bk_kind(t) == BK_KIND_ARRAY; arrays++) {
		const struct bk_array *a = bk_type_rest(t);
		if (arrays == SIMPLE_ARRAYS_MAX)
			return false;
		*after++ = '[';
		after = fmt_u32(after, a->nelems);
		*after++ = ']';
		t = c_type(d, id = a->type);
	}
	sh->after_len = (uint32_t)(after - sh->after);
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
	for (unsigned i = sh->nr_mods; i--;) {
		switch (sh->mods[i]) {
		case BK_KIND_VOLATILE:
			PUT_LIT(d->o, "volatile ");
			break;
		case BK_KIND_CONST:
			PUT_LIT(d->o, "const ");
			break;
		default:
			PUT_LIT(d->o, "restrict ");
			break;
		}
	}
	c_put_named_end(d, sh->end, sh->t);
	if (sh->ptrs)
		put_bytes(d->o, " ***", sh->ptrs + 1); /* the first after a space */
}

/* The memo: slots by a hash of the ID, a newer type taking the slot of
 * an older (1024 slots keep about as many as 8192 would: most types that
 * miss are met for the first time, or their names are still deferred) */
#define MEMO_SLOTS 2048 /* a power of two */
#define MEMO_TEXT 48
#define MEMO_AFTER 16

struct memo_slot {
	uint32_t id1;    /* the type's ID + 1; 0: empty */
	uint8_t len;     /* of text */
	uint8_t after_len;
	bool ptr;        /* text ends in a pointer */
	int64_t size;    /* c_resolve_size */
	char text[MEMO_TEXT];   /* before the name */
	char after[MEMO_AFTER]; /* after it */
};

static inline struct memo_slot *memo_slot(struct cdump *d, uint32_t id)
{
	if (__builtin_expect(!d->memo, 0) &&
	    !(d->memo = calloc(MEMO_SLOTS, sizeof(struct memo_slot))))
		return NULL; /* (no memory: printed without the memo) */
	return (struct memo_slot *)d->memo + ((id * 0x9e3779b1u) >> 16) % MEMO_SLOTS;
}

/* The declaration of a simple shape, its words kept in the slot (if any)
 * when they deferred nothing and are short enough. The room is made first,
 * so that such words are printed without a flush and can be read back
 * from the buffer. */
static void put_shape(struct cdump *d, struct memo_slot *slot, uint32_t id, uint32_t fname,
		      const struct shape *sh, int64_t *size)
{
	size_t deferred = d->mentions ? d->mentions->n : 0;
	bool room = out_reserve(d->o, 2 * MEMO_TEXT);
	size_t start = d->o->len;
	put_shape_words(d, sh);
	size_t len = d->o->len - start;
	*size = c_resolve_size(d, id);
	if (slot && room && len <= MEMO_TEXT && sh->after_len <= MEMO_AFTER && !d->o->err &&
	    deferred == (d->mentions ? d->mentions->n : 0)) {
		memcpy(slot->text, d->o->buf + start, len);
		slot->len = (uint8_t)len;
		memcpy(slot->after, sh->after, sh->after_len);
		slot->after_len = (uint8_t)sh->after_len;
		slot->ptr = sh->ptrs != 0;
		slot->size = *size;
		slot->id1 = id + 1;
	}
	c_put_decl_name(d, fname, sh->ptrs != 0);
	put_bytes(d->o, sh->after, sh->after_len);
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

bool c_put_simple_decl(struct cdump *d, uint32_t id, uint32_t fname, int64_t *size)
{
	struct memo_slot *slot = memo_slot(d, id);
	if (__builtin_expect(!slot || slot->id1 != id + 1, 0))
		return put_missed(d, slot, id, fname, size);
	/* the words, a fixed size copied (no call), the name and the sizes
	 * through one cursor */
	*size = slot->size;
	char *p = out_room(d->o, MEMO_TEXT + 1 + OUT_TEXT_ROOM + MEMO_AFTER);
	memcpy(p, slot->text, MEMO_TEXT);
	p += slot->len;
	if (__builtin_expect(fname == FNAME_TYPEDEF, 0)) {
		out_commit(d->o, p);
		c_put_decl_name(d, fname, slot->ptr);
		put_bytes(d->o, slot->after, slot->after_len);
		return true;
	}
	const char *lim, *name = c_str_lim(d, fname, &lim);
	*p = ' ';
	p += name[0] && !slot->ptr;
	p = out_put_text(d->o, p, name, lim, MEMO_AFTER);
	memcpy(p, slot->after, MEMO_AFTER);
	out_commit(d->o, p + slot->after_len);
	return true;
}
