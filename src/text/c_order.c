// SPDX-License-Identifier: MIT
/*
 * `bpftool btf dump file F format c` (bpftool 7.8 on libbpf 1.8), byte for
 * byte: the header, every type in bpftool's order each after what it
 * needs (libbpf's btf_dump__dump_type), the kfunc prototypes, the footer.
 *
 * libbpf orders definitions by a recursive walk that returns whether a
 * link is strong (the target must be defined first) or weak (a forward
 * declaration will do), and emits them by another recursive walk that
 * decides forward declarations. Both run here on explicit stacks of
 * frames (struct frame) that resume where a recursive call would return.
 * All ordering is done before the first byte is written, so that a type
 * loop is reported with nothing printed. What is known per type before
 * (chains, alignment, each one's kind, header ID and name) is c_types.c's.
 */
#include <stdlib.h>

#include "text/c_internal.h"

/* ---- topological order (libbpf's btf_dump_order_type) ------------------------------ */

static __attribute__((noinline)) bool fgrow(struct fstack *s)
{
	struct frame *frames = bk_grow_array(s->f, &s->cap, s->n, sizeof(*frames), 256);
	if (frames)
		s->f = frames;
	return frames;
}

/* inline, its growing not: both walks push a frame a type they visit */
static inline struct frame *fpush(struct fstack *s, uint32_t id)
{
	if (__builtin_expect(s->n >= s->cap, 0) && !fgrow(s))
		return NULL;
	struct frame *f = &s->f[s->n++];
	*f = (struct frame){.id = id};
	return f;
}

static int enqueue(struct cdump *d, uint32_t id)
{
	return u32vec_push(&d->queue, id);
}

static int order_loop_error(struct cdump *d, uint32_t id)
{
	return bk_err_type(d->err, d->btf, id, -ELOOP,
			   "unsatisfiable type cycle (no C declaration can write it)");
}

static int order_resume(struct cdump *d, struct fstack *s, struct frame *f, int *ret);

/* Start a frame: returns 1 with *ret set when it is done at once, 0 when
 * it waits for a child, <0 on error. */
static int order_start(struct cdump *d, struct fstack *s, struct frame *f, int *ret)
{
	uint8_t *st = &d->state[f->id];
	if (*st & ST_ORDERED) /* (most are) */
		return *ret = 1, 1;
	unsigned kind = d->kind[f->id];
	uint32_t next = d->next[f->id];
	bool named = c_named(d, f->id);
	if (*st & ST_ORDERING) {
		/* a loop that a forward declaration resolves */
		if (bk_kind_is_composite(kind) && f->flag && named)
			return *ret = 0, 1;
		return order_loop_error(d, f->id);
	}
	struct frame *c;
	switch (kind) {
	case BK_KIND_INT:
	case BK_KIND_FLOAT:
		*st |= ST_ORDERED;
		return *ret = 0, 1;
	case BK_KIND_PTR:
		if (d->state[next] & ST_ORDERED) { /* what PH_PTR would make of it */
			*st |= ST_ORDERED;
			return *ret = 1, 1;
		}
		f->phase = PH_PTR;
		if (!(c = fpush(s, next)))
			return -ENOMEM;
		c->flag = true;
		return 0;
	case BK_KIND_ARRAY:
	case BK_KIND_VOLATILE:
	case BK_KIND_CONST:
	case BK_KIND_RESTRICT:
	case BK_KIND_TYPE_TAG: {
		/* the same question about the target: this frame becomes it */
		f->flag = kind == BK_KIND_ARRAY ? false : f->flag;
		f->id = next;
		return 2;
	}
	case BK_KIND_STRUCT:
	case BK_KIND_UNION:
		/* a strong link only when embedded, or anonymous (defined inline) */
		if (f->flag && named)
			return *ret = 0, 1;
		*st |= ST_ORDERING;
		f->phase = PH_MEMBERS;
		return 2;
	case BK_KIND_ENUM:
	case BK_KIND_ENUM64:
	case BK_KIND_FWD:
		/* named ones and unreferenced anonymous enums are top level */
		if ((named || !(*st & ST_REFERENCED)) && enqueue(d, f->id))
			return -ENOMEM;
		*st |= ST_ORDERED;
		return *ret = 1, 1;
	case BK_KIND_TYPEDEF:
		if (d->state[next] & ST_ORDERED) { /* what PH_TYPEDEF would make of it */
			if (enqueue(d, f->id))
				return -ENOMEM;
			*st |= ST_ORDERED;
			return *ret = 1, 1;
		}
		f->phase = PH_TYPEDEF;
		if (!(c = fpush(s, next)))
			return -ENOMEM;
		c->flag = s->f[s->n - 2].flag;
		return 0;
	case BK_KIND_FUNC_PROTO:
		f->phase = PH_PROTO;
		f->i = 0;
		f->strong = false;
		if (d->state[next] & ST_ORDERED) /* the return type would return 1 */
			return *ret = 1, order_resume(d, s, f, ret);
		if (!(c = fpush(s, next)))
			return -ENOMEM;
		c->flag = s->f[s->n - 2].flag;
		return 0;
	case BK_KIND_FUNC:
	case BK_KIND_VAR:
	case BK_KIND_DATASEC:
	case BK_KIND_DECL_TAG:
		*st |= ST_ORDERED;
		return *ret = 0, 1;
	default:
		return bk_err_type(d->err, d->btf, f->id, -EINVAL, "unknown kind %u", kind);
	}
}

/* Resume a frame after its child returned ret; the same returns as above. */
static int order_resume(struct cdump *d, struct fstack *s, struct frame *f, int *ret)
{
	const struct bk_type *t;
	struct frame *c;
	switch (f->phase) {
	case PH_PTR:
		d->state[f->id] |= ST_ORDERED;
		return 1; /* *ret: the target's */
	case PH_MEMBERS: {
		t = c_type(d, f->id);
		const struct bk_member *m = bk_type_rest(t);
		/* a member already ordered would return at once: not pushed */
		while (f->i < bk_vlen(t) && (d->state[m[f->i].type] & ST_ORDERED))
			f->i++;
		if (f->i < bk_vlen(t)) {
			if (!(c = fpush(s, m[f->i++].type)))
				return -ENOMEM;
			return 0;
		}
		if (c_named(d, f->id) && enqueue(d, f->id))
			return -ENOMEM;
		d->state[f->id] = (uint8_t)((d->state[f->id] & ~ST_ORDERING) | ST_ORDERED);
		return *ret = 1, 1;
	}
	case PH_TYPEDEF:
		/* like a struct: through a pointer a weak link will do */
		if (f->flag && !*ret)
			return *ret = 0, 1;
		if (enqueue(d, f->id))
			return -ENOMEM;
		d->state[f->id] |= ST_ORDERED;
		return *ret = 1, 1;
	case PH_PROTO: {
		t = c_type(d, f->id);
		const struct bk_param *p = bk_type_rest(t);
		if (*ret > 0)
			f->strong = true;
		/* a parameter already ordered would return 1 at once: not pushed */
		for (; f->i < bk_vlen(t) && (d->state[p[f->i].type] & ST_ORDERED); f->i++)
			f->strong = true;
		if (f->i < bk_vlen(t)) {
			bool through_ptr = f->flag;
			if (!(c = fpush(s, p[f->i++].type)))
				return -ENOMEM;
			c->flag = through_ptr;
			return 0;
		}
		return *ret = f->strong, 1;
	}
	default:
		return -EINVAL;
	}
}

static int order_type(struct cdump *d, struct fstack *s, uint32_t root)
{
	int ret = 0;
	s->n = 0;
	if (!fpush(s, root))
		return -ENOMEM;
	bool resume = false;
	while (s->n) {
		if (s->n > s->limit)
			return order_loop_error(d, root);
		struct frame *f = &s->f[s->n - 1];
		size_t depth = s->n;
		int r = resume ? order_resume(d, s, f, &ret) : order_start(d, s, f, &ret);
		if (r < 0)
			return r;
		if (r == 2) { /* a tail call or a loop to start: run the frame again */
			resume = f->phase != PH_START;
			if (resume)
				ret = 0;
			continue;
		}
		if (r == 1) {
			s->n = depth - 1;
			resume = true;
		} else {
			resume = false; /* a child was pushed */
		}
	}
	return 0;
}

/* All of one root's definitions, in order, onto d->queue. */
int c_order(struct cdump *d, uint32_t root)
{
	d->fs.limit = 4 * (size_t)d->n + 64;
	return order_type(d, &d->fs, root);
}

/* ---- emitting what a definition needs first (libbpf's btf_dump_emit_type) ------------ */

static bool is_blacklisted(const struct cdump *d, uint32_t id)
{
	/* a compiler built-in: defining it breaks other compilers */
	const struct bk_type *t = c_type(d, id);
	return t->name_off && !strcmp(c_name(d, t), "__builtin_va_list");
}

static int end_def(struct cdump *d, int e)
{
	if (!e)
		PUT_LIT(d->o, ";\n\n");
	return e;
}

/* One printed thing of the walk (c_put_item prints it, or what was
 * printed of it ahead). */
int c_emit_item(struct cdump *d, unsigned op, uint32_t id)
{
	switch (op) {
	case OP_STRUCT_FWD:
		c_emit_struct_fwd(d, id);
		return end_def(d, 0);
	case OP_TYPEDEF:
		if (is_blacklisted(d, id)) /* (checked here, where its name is read anyway) */
			return 0;
		return end_def(d, c_emit_typedef_def(d, id, 0));
	case OP_ENUM:
		c_emit_enum_def(d, id, 0);
		return end_def(d, 0);
	case OP_FWD:
		c_emit_fwd_def(d, id);
		return end_def(d, 0);
	case OP_STRUCT:
		return end_def(d, c_emit_struct_def(d, id, 0));
	case OP_ALIASES:
		c_emit_missing_aliases(d, id);
		return 0;
	default:
		return -EINVAL;
	}
}

/* A type met again while it is being defined: a forward declaration may
 * be what the containing definition needs. */
static int emit_while_emitting(struct cdump *d, uint32_t id, uint32_t cont)
{
	uint8_t *st = &d->state[id];
	if (*st & ST_FWD_EMITTED)
		return 0;
	switch (d->kind[id]) {
	case BK_KIND_STRUCT:
	case BK_KIND_UNION:
		/* inside itself no forward declaration is needed; an anonymous
		 * loop cannot have one (libbpf warns and goes on) */
		if (id == cont || !c_named(d, id))
			return 0;
		*st |= ST_FWD_EMITTED;
		return c_put_item(d, OP_STRUCT_FWD, id);
	case BK_KIND_TYPEDEF: {
		/* the typedef now, usable through pointers only */
		int e = c_put_item(d, OP_TYPEDEF, id); /* (a compiler built-in prints nothing) */
		*st |= ST_FWD_EMITTED;
		return e;
	}
	default:
		return 0;
	}
}

/* What a frame for id becomes through pointers, qualifiers, type tags
 * and arrays (emit_start's tail calls, which change nothing on the way):
 * the walk pushes that at once, and skips it when it is emitted. (No
 * loop: c_prepare found the ends of all such chains.) */
#define EMIT_LINKS                                                                            \
	(1u << BK_KIND_PTR | 1u << BK_KIND_VOLATILE | 1u << BK_KIND_CONST |                        \
	 1u << BK_KIND_RESTRICT | 1u << BK_KIND_TYPE_TAG | 1u << BK_KIND_ARRAY)

static inline uint32_t emit_target(const struct cdump *d, uint32_t id)
{
	while (d->kind[id] < 32 && (EMIT_LINKS >> d->kind[id] & 1))
		id = d->next[id];
	return id;
}

/* a frame's result after its last step: 1 (done) unless it failed */
static int finished(int e)
{
	return e ? e : 1;
}

/* Start a frame: 1 when it is done, 0 when it pushed a child or set a
 * phase to resume in, 2 when it became its target (run again). */
static int emit_start(struct cdump *d, struct fstack *s, struct frame *f)
{
	uint8_t *st = &d->state[f->id];
	if (*st & ST_EMITTED) /* (most are) */
		return 1;
	bool top_level = f->cont == 0;
	if (*st & ST_EMITTING) {
		int e = emit_while_emitting(d, f->id, f->cont);
		return e ? e : 1;
	}
	switch (d->kind[f->id]) {
	case BK_KIND_INT:
		*st |= ST_EMITTED;
		return finished(c_put_item(d, OP_ALIASES, f->id));
	case BK_KIND_ENUM:
	case BK_KIND_ENUM64:
		if (top_level) {
			*st |= ST_EMITTED;
			return finished(c_put_item(d, OP_ENUM, f->id));
		}
		*st |= ST_EMITTED;
		return 1;
	case BK_KIND_PTR:
	case BK_KIND_VOLATILE:
	case BK_KIND_CONST:
	case BK_KIND_RESTRICT:
	case BK_KIND_TYPE_TAG:
	case BK_KIND_ARRAY:
		f->id = d->next[f->id];
		return 2;
	case BK_KIND_FWD:
		*st |= ST_EMITTED;
		return finished(c_put_item(d, OP_FWD, f->id));
	case BK_KIND_TYPEDEF: {
		*st |= ST_EMITTING;
		f->phase = PH_TYPEDEF;
		uint32_t id = f->id, target = emit_target(d, d->next[id]);
		if (d->state[target] & ST_EMITTED)
			return 0; /* (it would return at once: not pushed) */
		struct frame *c = fpush(s, target);
		if (!c)
			return -ENOMEM;
		c->cont = id;
		return 0;
	}
	case BK_KIND_STRUCT:
	case BK_KIND_UNION:
		/* a definition here (top level, or anonymous so inline) names its
		 * members' types: they need what they need first */
		if (top_level || !c_named(d, f->id)) {
			*st |= ST_EMITTING;
			f->phase = PH_MEMBERS;
			f->i = 0;
			return 0;
		}
		/* else at most a forward declaration, at once (libbpf marks it
		 * emitting for no step between: not marked) */
		if (!(*st & ST_FWD_EMITTED) && f->id != f->cont) {
			*st |= ST_FWD_EMITTED;
			return finished(c_put_item(d, OP_STRUCT_FWD, f->id));
		}
		return 1;
	case BK_KIND_FUNC_PROTO:
		f->phase = PH_PROTO;
		f->i = 0;
		return 0;
	default:
		return 1;
	}
}

/* The next member of f's struct whose type (its emit_target) is not
 * emitted, pushed: 0; 1 when there is none; <0 on error. (An emitted one
 * would return at once: it is not pushed.) */
static int push_next_member(struct cdump *d, struct fstack *s, struct frame *f)
{
	const struct bk_type *t = c_type(d, f->id);
	const struct bk_member *m = bk_type_rest(t);
	for (uint32_t vlen = bk_vlen(t); f->i < vlen; f->i++) {
		uint32_t target = emit_target(d, m[f->i].type);
		if (d->state[target] & ST_EMITTED)
			continue;
		uint32_t cont = t->name_off ? f->id : f->cont;
		f->i++; /* (before the push, which may move the frames) */
		struct frame *c = fpush(s, target);
		if (!c)
			return -ENOMEM;
		c->cont = cont;
		return 0;
	}
	return 1;
}

/* Resume a frame: 1 when done, 0 when it pushed a child, <0 on error. */
static int emit_resume(struct cdump *d, struct fstack *s, struct frame *f)
{
	const struct bk_type *t;
	uint8_t *st = &d->state[f->id];
	switch (f->phase) {
	case PH_TYPEDEF: {
		int e = 0;
		/* unless a pointer to it already made it emit the typedef */
		if (!(*st & ST_FWD_EMITTED))
			e = c_put_item(d, OP_TYPEDEF, f->id);
		*st = (uint8_t)((*st & ~ST_EMITTING) | ST_EMITTED);
		return e ? e : 1;
	}
	case PH_MEMBERS: {
		int r = push_next_member(d, s, f);
		if (r <= 0)
			return r;
		f->phase = PH_STRUCT_END;
	}
		/* fall through */
	case PH_STRUCT_END:
		if (f->cont == 0) {
			int e = c_put_item(d, OP_STRUCT, f->id);
			*st = (uint8_t)((*st & ~ST_EMITTING) | ST_EMITTED);
			return e ? e : 1;
		}
		*st &= (uint8_t)~ST_EMITTING; /* defined inline where it is used */
		return 1;
	case PH_PROTO: {
		t = c_type(d, f->id);
		const struct bk_param *p = bk_type_rest(t);
		uint32_t next;
		/* what is already emitted would return at once: not pushed */
		for (;; f->i++) {
			if (f->i > bk_vlen(t))
				return 1;
			next = emit_target(d, f->i == 0 ? t->type : p[f->i - 1].type);
			if (!(d->state[next] & ST_EMITTED))
				break;
		}
		f->i++;
		uint32_t cont = f->cont;
		struct frame *c = fpush(s, next);
		if (!c)
			return -ENOMEM;
		c->cont = cont;
		return 0;
	}
	default:
		return -EINVAL;
	}
}

/* A queued definition, after what it needs. */
int c_emit_type(struct cdump *d, uint32_t id)
{
	struct fstack *s = &d->fs;
	int e = 0;
	bool resume = false;
	s->n = 0;
	s->limit = 4 * (size_t)d->n + 64;
	if (!fpush(s, id))
		return -ENOMEM;
	while (s->n && !e && !d->o->err) {
		if (s->n > s->limit) {
			e = order_loop_error(d, id);
			break;
		}
		struct frame *f = &s->f[s->n - 1];
		size_t depth = s->n;
		int r = resume ? emit_resume(d, s, f) : emit_start(d, s, f);
		if (r < 0) {
			e = r;
		} else if (r == 2) {
			resume = false;
		} else if (r == 1) {
			s->n = depth - 1;
			resume = true;
		} else {
			/* a child pushed (run it), or a phase set (resume this one) */
			resume = s->n == depth;
		}
	}
	return e ? e : d->o->err;
}
