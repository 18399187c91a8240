// SPDX-License-Identifier: MIT
/*
 * The most common declaration, a named type (or void) and pointers to it:
 * "T name", "T *name". Its words before the name are printed at once,
 * without the chain of c_emit.c, and memoised.
 *
 * Most members are of a few hundred types (u32, struct list_head *...),
 * each read again at a random place with its names. So what was printed
 * for a type, when it is final (nothing was deferred: its names' ___N are
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

/* The words before the name as the chain would print them (true, *ptr:
 * they end in a pointer), for a named end and up to SIMPLE_PTRS_MAX
 * pointers to it; false (nothing printed) for any other. */
#define SIMPLE_PTRS_MAX 3

static bool put_simple_type(struct cdump *d, uint32_t id, bool *ptr)
{
	const struct bk_type *t = c_type(d, id);
	unsigned ptrs = 0;
	for (; id && bk_kind(t) == BK_KIND_PTR && ptrs < SIMPLE_PTRS_MAX; ptrs++)
		t = c_type(d, id = t->type);
	if (!c_is_named_end(id, t))
		return false;
	c_put_named_end(d, id, t);
	if (ptrs)
		put_bytes(d->o, " ***", ptrs + 1); /* the first after a space */
	*ptr = ptrs != 0;
	return true;
}

/* The memo: slots by a hash of the ID, a newer type taking the slot of
 * an older (1024 slots keep about as many as 8192 would: most types that
 * miss are met for the first time, or their names are still deferred) */
#define MEMO_SLOTS 1024 /* a power of two */
#define MEMO_TEXT 48

struct memo_slot {
	uint32_t id1;  /* the type's ID + 1; 0: empty */
	uint8_t len;   /* of text */
	bool ptr;      /* text ends in a pointer */
	int64_t size;  /* c_resolve_size */
	char text[MEMO_TEXT];
};

static struct memo_slot *memo_slot(struct cdump *d, uint32_t id)
{
	if (!d->memo && !(d->memo = calloc(MEMO_SLOTS, sizeof(struct memo_slot))))
		return NULL; /* (no memory: printed without the memo) */
	return (struct memo_slot *)d->memo + ((id * 0x9e3779b1u) >> 16) % MEMO_SLOTS;
}

/* put_simple_type, kept in the slot when it deferred nothing and is short
 * enough. The room is made first, so that such a text is printed without
 * a flush and can be read back from the buffer. */
static bool memo_simple_type(struct cdump *d, struct memo_slot *slot, uint32_t id, bool *ptr)
{
	size_t deferred = d->mentions ? d->mentions->n : 0;
	bool room = out_reserve(d->o, 2 * MEMO_TEXT);
	size_t start = d->o->len;
	if (!put_simple_type(d, id, ptr))
		return false;
	size_t len = d->o->len - start;
	if (room && len <= MEMO_TEXT && !d->o->err &&
	    deferred == (d->mentions ? d->mentions->n : 0)) {
		memcpy(slot->text, d->o->buf + start, len);
		slot->len = (uint8_t)len;
		slot->ptr = *ptr;
		slot->size = c_resolve_size(d, id);
		slot->id1 = id + 1;
	}
	return true;
}

bool c_put_simple_type(struct cdump *d, uint32_t id, bool *ptr, int64_t *size)
{
	struct memo_slot *slot = memo_slot(d, id);
	if (!slot) {
		*size = c_resolve_size(d, id);
		return put_simple_type(d, id, ptr);
	}
	if (slot->id1 != id + 1) {
		if (!memo_simple_type(d, slot, id, ptr))
			return false;
		*size = slot->id1 == id + 1 ? slot->size : c_resolve_size(d, id);
		return true;
	}
	char *p = out_room(d->o, MEMO_TEXT);
	memcpy(p, slot->text, MEMO_TEXT); /* (a fixed size: no call) */
	out_commit(d->o, p + slot->len);
	*ptr = slot->ptr;
	*size = slot->size;
	return true;
}
