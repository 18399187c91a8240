// SPDX-License-Identifier: MIT
/*
 * C declarators and the definitions that hold them, as libbpf 1.8's
 * btf_dump writes them: struct/union bodies, typedefs, and declarators
 * (pointers, arrays, function prototypes, qualifiers, type tags).
 *
 * libbpf writes a declaration by recursion: an anonymous struct inside a
 * declarator prints its members' declarators, which may hold another
 * anonymous struct, and so on. Here the same steps are tasks on an
 * explicit stack (struct task): a step that would recurse pushes what is
 * left of itself and then the inner step. The order of the output is the
 * same; the C stack stays flat however deep the nesting. Most
 * declarations need no nesting and are printed at once (decl_now): the
 * commonest, a named type or a pointer to one, without even building its
 * chain (c_simple.c).
 */
#include <stdlib.h>

#include "text/c_internal.h"

/* ---- the declarator machine ------------------------------------------------------- */

enum task_op {
	T_DECL,       /* push id's chain, then print it (btf_dump_emit_type_decl) */
	T_CHAIN,      /* print a chain view (btf_dump_emit_type_chain) */
	T_RESET,      /* drop a chain's ids from the decl stack */
	T_ARRAY_END,  /* ")" unless multidimensional, then "[n]" */
	T_CLOSE,      /* ")" */
	T_PARAMS,     /* a prototype's parameter list, from param i */
	T_MEMBER,     /* a struct/union body, from member i */
	T_MEMBER_END, /* after member i's declarator: ": bits;" */
};

struct task {
	uint8_t op;
	bool flag;    /* T_CHAIN: last_was_ptr; T_MEMBER*: prev_bitfield; T_ARRAY_END: multidim */
	bool packed;  /* T_MEMBER* */
	int lvl;
	uint32_t id, i;
	uint32_t lo, cnt; /* T_CHAIN: the view decl.v[lo .. lo + cnt) */
	uint32_t fname; /* the declared name (c_emit_decl) */
	int64_t off;  /* T_MEMBER*: bit offset after the previous member */
};

static __attribute__((noinline)) bool grow_tasks(struct cdump *d)
{
	void *tasks = bk_grow_array(d->tasks, &d->tasks_cap, d->nr_tasks, sizeof(struct task), 256);
	if (tasks)
		d->tasks = tasks;
	return tasks;
}

/* pushed tasks never fail silently: on ENOMEM the machine stops with it
 * (inline, its growing not) */
static inline struct task *push_task(struct cdump *d, enum task_op op)
{
	if (__builtin_expect(d->nr_tasks >= d->tasks_cap, 0) && !grow_tasks(d))
		return NULL;
	struct task *t = (struct task *)d->tasks + d->nr_tasks++;
	*t = (struct task){.op = (uint8_t)op};
	return t;
}

static bool is_mod(const struct bk_type *t)
{
	unsigned k = bk_kind(t);
	return k == BK_KIND_VOLATILE || k == BK_KIND_CONST || k == BK_KIND_RESTRICT ||
	       k == BK_KIND_TYPE_TAG;
}

/* const/volatile/restrict at the top of the view, written before a type */
static void put_mods(struct cdump *d, struct task *c)
{
	for (; c->cnt; c->cnt--)
		if (!c_put_qualifier(d, bk_kind(c_type(d, d->decl.v[c->lo + c->cnt - 1]))))
			return;
}

/* qualifiers of arrays and prototypes mean nothing in C (GCC quirks) */
static void drop_mods(struct cdump *d, struct task *c)
{
	while (c->cnt && is_mod(c_type(d, d->decl.v[c->lo + c->cnt - 1])))
		c->cnt--;
}

static bool fname_is_empty(const struct cdump *d, uint32_t fname)
{
	if (fname == FNAME_TYPEDEF) /* (a deferred one is taken as named) */
		return !d->mentions && !d->tname[0];
	return !c_str(d, fname)[0];
}

void c_put_decl_name(struct cdump *d, uint32_t fname, bool last_was_ptr)
{
	if (fname == FNAME_TYPEDEF) {
		if (!fname_is_empty(d, fname) && !last_was_ptr)
			put_char(d->o, ' ');
		if (d->mentions)
			c_put_ident_name(d, d->tname_id); /* its ___N decided later */
		else
			put_str(d->o, d->tname);
		return;
	}
	const char *lim, *name = c_str_lim(d, fname, &lim);
	if (name[0] && !last_was_ptr)
		put_char(d->o, ' ');
	c_put_text(d->o, name, lim);
}

/* Push id's declaration chain onto d->decl (libbpf's decl_stack): the
 * modifiers, pointers, arrays and prototypes down to a named or terminal
 * type. A chain longer than there are types goes round a loop. */
static int build_chain(struct cdump *d, uint32_t id)
{
	for (uint32_t steps = 0;; steps++) {
		const struct bk_type *t = c_type(d, id);
		if (steps > d->n)
			return bk_err_type(d->err, d->btf, id, -ELOOP, "type loop in a declaration");
		if (d->decl.n < d->decl.cap) /* (most: without the call) */
			d->decl.v[d->decl.n++] = id;
		else if (u32vec_push(&d->decl, id))
			return -ENOMEM;
		if (!id)
			return 0;
		unsigned k = bk_kind(t);
		if (k == BK_KIND_PTR || k == BK_KIND_VOLATILE || k == BK_KIND_CONST ||
		    k == BK_KIND_RESTRICT || k == BK_KIND_FUNC_PROTO || k == BK_KIND_TYPE_TAG)
			id = t->type;
		else if (k == BK_KIND_ARRAY)
			id = ((const struct bk_array *)bk_type_rest(t))->type;
		else
			return 0;
	}
}

/* Whether printing the chain at decl.v[start..] needs no nested step: no
 * prototype, no anonymous struct/union (defined inline), no array with
 * more than qualifiers outside it. Most members' declarations are. */
static bool chain_is_flat(const struct cdump *d, size_t start)
{
	bool only_mods_outside = true;
	for (size_t k = start; k < d->decl.n; k++) {
		const struct bk_type *t = c_type(d, d->decl.v[k]);
		switch (bk_kind(t)) {
		case BK_KIND_FUNC_PROTO:
			return false;
		case BK_KIND_STRUCT:
		case BK_KIND_UNION:
			if (!t->name_off && d->decl.v[k])
				return false;
			break;
		case BK_KIND_ARRAY:
			if (!only_mods_outside)
				return false;
			break;
		default:
			break;
		}
		if (!is_mod(t) || !d->decl.v[k])
			only_mods_outside = false;
	}
	return true;
}

static int run_chain(struct cdump *d, struct task c);

/* A prototype's parameter list whose parameters are all simple
 * (c_simple_known), as run_params prints it */
static void put_simple_params(struct cdump *d, const struct bk_type *proto)
{
	const struct bk_param *par = bk_type_rest(proto);
	uint32_t vlen = bk_vlen(proto);
	int64_t sz;
	put_char(d->o, '(');
	if (!vlen || (vlen == 1 && !par[0].type)) { /* no parameters: (void) */
		PUT_LIT(d->o, "void)");
		return;
	}
	for (uint32_t i = 0; i < vlen; i++) {
		if (i)
			PUT_LIT(d->o, ", ");
		if (i == vlen - 1 && !par[i].type) {
			PUT_LIT(d->o, "...)"); /* a last void parameter is the vararg */
			return;
		}
		c_put_simple_decl(d, par[i].type, par[i].name_off, &sz);
	}
	put_char(d->o, ')');
}

/* A prototype, or a pointer to one, whose return type and parameters are
 * simple (most callbacks: "int (*fn)(struct sock *, int)"), printed at
 * once as the chain would: 1; 0 (nothing printed) for any other. */
static int proto_now(struct cdump *d, uint32_t id, uint32_t fname)
{
	const struct bk_type *t = c_type(d, id);
	bool ptr = id && bk_kind(t) == BK_KIND_PTR;
	uint32_t proto = ptr ? t->type : id;
	const struct bk_type *pt = c_type(d, proto);
	if (!proto || bk_kind(pt) != BK_KIND_FUNC_PROTO || !c_simple_known(d, pt->type, false))
		return 0;
	const struct bk_param *par = bk_type_rest(pt);
	for (uint32_t i = 0; i < bk_vlen(pt); i++)
		if (!c_simple_known(d, par[i].type, true))
			return 0;
	int64_t sz;
	if (ptr) {
		/* the return type, then the rest of the chain in parentheses */
		c_put_simple_decl(d, pt->type, 0, &sz); /* (string 0 is "") */
		PUT_LIT(d->o, " (*");
		c_put_decl_name(d, fname, true);
		put_char(d->o, ')');
	} else {
		c_put_simple_decl(d, pt->type, fname, &sz);
	}
	put_simple_params(d, pt);
	return 1;
}

/* Print a declaration that needs no nested step at once: 1; or 0 (nothing
 * printed) when it needs the task machine; <0 on error. *size (unless
 * NULL): c_resolve_size(id). The simple ones (c_simple.c) inline, the
 * others (prototypes, flat chains) apart. */
static __attribute__((noinline)) int decl_now_nested(struct cdump *d, uint32_t id,
						     uint32_t fname, int lvl, int64_t *size)
{
	if (size)
		*size = c_resolve_size(d, id);
	if (proto_now(d, id, fname))
		return 1;
	size_t start = d->decl.n;
	int e = build_chain(d, id);
	if (!e && chain_is_flat(d, start)) {
		struct task c = {.op = T_CHAIN, .flag = true, .lvl = lvl, .lo = (uint32_t)start,
				 .cnt = (uint32_t)(d->decl.n - start), .fname = fname};
		e = run_chain(d, c);
		d->decl.n = start;
		return e ? e : 1;
	}
	d->decl.n = start;
	return e;
}

static inline int decl_now(struct cdump *d, uint32_t id, uint32_t fname, int lvl, int64_t *size)
{
	int64_t simple_size;
	if (c_put_simple_decl(d, id, fname, &simple_size)) {
		if (size)
			*size = simple_size;
		return 1;
	}
	return decl_now_nested(d, id, fname, lvl, size);
}

static int run_decl(struct cdump *d, struct task *task)
{
	uint32_t start = (uint32_t)d->decl.n;
	int e = build_chain(d, task->id);
	if (e)
		return e;
	struct task *r = push_task(d, T_RESET), *c;
	if (!r)
		return -ENOMEM;
	r->lo = start;
	if (!(c = push_task(d, T_CHAIN)))
		return -ENOMEM;
	c->lo = start;
	c->cnt = (uint32_t)d->decl.n - start;
	c->fname = task->fname;
	c->lvl = task->lvl;
	c->flag = true;
	return 0;
}

static int push_member(struct cdump *d, uint32_t id, uint32_t i, int lvl, int64_t off,
		       bool prev_bitfield, bool packed)
{
	struct task *m = push_task(d, T_MEMBER);
	if (!m)
		return -ENOMEM;
	m->id = id;
	m->i = i;
	m->lvl = lvl;
	m->off = off;
	m->flag = prev_bitfield;
	m->packed = packed;
	return 0;
}

/* The members' names lie at random places in the strings: asked for all
 * at once, their cache misses overlap instead of coming one by one. */
static void prefetch_member_names(const struct cdump *d, const struct bk_type *t)
{
	const struct bk_member *m = bk_type_rest(t);
	for (uint32_t i = 0; i < bk_vlen(t); i++)
		__builtin_prefetch(c_str(d, m[i].name_off));
}

/* "struct name {" and the members, as tasks (btf_dump_emit_struct_def) */
static int start_struct_def(struct cdump *d, uint32_t id, int lvl)
{
	const struct bk_type *t = c_type(d, id);
	prefetch_member_names(d, t);
	bool packed = bk_kind(t) == BK_KIND_STRUCT && c_struct_is_packed(d, id);
	c_emit_struct_fwd(d, id);
	PUT_LIT(d->o, " {");
	return push_member(d, id, 0, lvl, 0, false, packed);
}

static void end_struct_def(struct cdump *d, struct task *m)
{
	const struct bk_type *t = c_type(d, m->id);
	if (bk_kind(t) == BK_KIND_STRUCT && m->off < (int64_t)t->size * 8)
		c_put_bit_padding(d, m->off, (int64_t)t->size * 8, c_align_of(d, m->id), false,
				m->lvl + 1);
	if (bk_vlen(t) || t->size)
		c_put_line(d->o, m->lvl);
	put_char(d->o, '}');
	if (m->packed)
		PUT_LIT(d->o, " __attribute__((packed))");
}

static int run_member(struct cdump *d, struct task m)
{
	const struct bk_type *t = c_type(d, m.id);
	for (;; m.i++) {
		if (m.i >= bk_vlen(t)) {
			end_struct_def(d, &m);
			return 0;
		}
		const struct bk_member *mem = (const struct bk_member *)bk_type_rest(t) + m.i;
		int64_t m_sz = bk_member_bitfield_size(t, mem), m_off = bk_member_bit_offset(t, mem);
		if (m.off < m_off) /* a gap before it (its alignment asked only then) */
			c_put_bit_padding(d, m.off, m_off, m.packed ? 1 : c_align_of(d, mem->type),
					  m.flag && m_sz, m.lvl + 1);
		int64_t sz;
		if (c_put_simple_member(d, mem->type, mem->name_off, m.lvl + 1, (uint32_t)m_sz, &sz)) {
			m.off = m_sz ? m_off + m_sz : m_off + (sz > 0 ? sz : 0) * 8;
			m.flag = m_sz != 0;
			continue;
		}
		c_put_line(d->o, m.lvl + 1);
		int r = decl_now_nested(d, mem->type, mem->name_off, m.lvl + 1, &sz);
		if (r < 0)
			return r;
		m.off = m_sz ? m_off + m_sz : m_off + (sz > 0 ? sz : 0) * 8;
		m.flag = m_sz != 0;
		if (r == 1) {
			if (m_sz) {
				PUT_LIT(d->o, ": ");
				put_i64(d->o, m_sz);
			}
			put_char(d->o, ';');
			continue;
		}
		/* a nested declaration: the rest after it */
		struct task *e = push_task(d, T_MEMBER_END), *decl;
		if (!e)
			return -ENOMEM;
		*e = m;
		e->op = T_MEMBER_END;
		if (!(decl = push_task(d, T_DECL)))
			return -ENOMEM;
		decl->id = mem->type;
		decl->fname = mem->name_off;
		decl->lvl = m.lvl + 1;
		return 0;
	}
}

static void put_type_tag(struct cdump *d, const struct bk_type *t)
{
	if (bk_kflag(t)) {
		PUT_LIT(d->o, " __attribute__((");
		put_str(d->o, c_name(d, t));
		PUT_LIT(d->o, "))");
	} else {
		PUT_LIT(d->o, " __attribute__((btf_type_tag(\"");
		put_str(d->o, c_name(d, t));
		PUT_LIT(d->o, "\")))");
	}
}

/* After an array or a prototype that has more of the chain to print: the
 * rest goes in parentheses (for a prototype) and the suffix after it. */
static int push_chain_rest(struct cdump *d, struct task *c)
{
	struct task *n = push_task(d, T_CHAIN);
	if (!n)
		return -ENOMEM;
	*n = *c;
	n->op = T_CHAIN;
	n->flag = true; /* the inner chain starts afresh */
	return 0;
}

static int push_params(struct cdump *d, uint32_t id, int lvl)
{
	struct task *p = push_task(d, T_PARAMS);
	if (!p)
		return -ENOMEM;
	p->id = id;
	p->lvl = lvl;
	return 0;
}

/* One turn of btf_dump_emit_type_chain; returns with *done set when the
 * chain is finished or continues in pushed tasks. */
static int chain_step(struct cdump *d, struct task *c, bool *done)
{
	uint32_t id = d->decl.v[c->lo + --c->cnt];
	const struct bk_type *t = c_type(d, id);
	unsigned kind = bk_kind(t);
	if (c_is_named_end(id, t)) {
		put_mods(d, c);
		c_put_named_end(d, id, t);
		c->flag = false;
		return 0;
	}
	switch (kind) {
	case BK_KIND_STRUCT:
	case BK_KIND_UNION: {
		/* inline anonymous struct/union: the rest of the chain after it */
		put_mods(d, c);
		struct task saved = *c;
		saved.flag = false;
		struct task *n = push_task(d, T_CHAIN);
		if (!n)
			return -ENOMEM;
		*n = saved;
		*done = true;
		return start_struct_def(d, id, c->lvl);
	}
	case BK_KIND_ENUM:
	case BK_KIND_ENUM64:
		put_mods(d, c); /* anonymous: defined inline */
		c_emit_enum_def(d, id, c->lvl);
		break;
	case BK_KIND_PTR:
		if (c->flag)
			put_char(d->o, '*');
		else
			PUT_LIT(d->o, " *");
		break;
	case BK_KIND_VOLATILE:
		PUT_LIT(d->o, " volatile");
		break;
	case BK_KIND_CONST:
		PUT_LIT(d->o, " const");
		break;
	case BK_KIND_RESTRICT:
		PUT_LIT(d->o, " restrict");
		break;
	case BK_KIND_TYPE_TAG:
		put_mods(d, c);
		put_type_tag(d, t);
		break;
	case BK_KIND_ARRAY: {
		const struct bk_array *a = bk_type_rest(t);
		*done = true;
		drop_mods(d, c);
		if (!c->cnt) {
			c_put_decl_name(d, c->fname, c->flag);
			put_char(d->o, '[');
			put_u64(d->o, a->nelems);
			put_char(d->o, ']');
			return 0;
		}
		bool multidim = bk_kind(c_type(d, d->decl.v[c->lo + c->cnt - 1])) == BK_KIND_ARRAY;
		if (!fname_is_empty(d, c->fname) && !c->flag)
			put_char(d->o, ' ');
		if (!multidim)
			put_char(d->o, '(');
		struct task *e = push_task(d, T_ARRAY_END);
		if (!e)
			return -ENOMEM;
		e->flag = multidim;
		e->i = a->nelems;
		return push_chain_rest(d, c);
	}
	case BK_KIND_FUNC_PROTO:
		*done = true;
		drop_mods(d, c);
		if (!c->cnt) {
			c_put_decl_name(d, c->fname, c->flag);
			return push_params(d, id, c->lvl);
		}
		PUT_LIT(d->o, " (");
		int e = push_params(d, id, c->lvl);
		if (e || !push_task(d, T_CLOSE))
			return e ? e : -ENOMEM;
		return push_chain_rest(d, c);
	default:
		/* not a type C declares (FUNC, VAR, ...): libbpf warns and stops */
		*done = true;
		return 0;
	}
	c->flag = kind == BK_KIND_PTR;
	return 0;
}

static int run_chain(struct cdump *d, struct task c)
{
	bool done = false;
	while (c.cnt && !done) {
		int e = chain_step(d, &c, &done);
		if (e)
			return e;
	}
	if (!done)
		c_put_decl_name(d, c.fname, c.flag);
	return 0;
}

/* A prototype's parameter list from param p.i: the ones printed at once
 * in a loop, a nested one as tasks with the rest after it. */
static int run_params(struct cdump *d, struct task p)
{
	const struct bk_type *t = c_type(d, p.id);
	const struct bk_param *par = bk_type_rest(t);
	uint32_t vlen = bk_vlen(t);
	if (!p.i) {
		put_char(d->o, '(');
		/* no parameters, or clang's single void one: (void) */
		if (!vlen || (vlen == 1 && !par[0].type)) {
			PUT_LIT(d->o, "void)");
			return 0;
		}
	}
	for (;; p.i++) {
		if (p.i >= vlen) {
			put_char(d->o, ')');
			return 0;
		}
		if (p.i)
			PUT_LIT(d->o, ", ");
		if (p.i == vlen - 1 && !par[p.i].type) {
			PUT_LIT(d->o, "...)"); /* a last void parameter is the vararg */
			return 0;
		}
		int r = decl_now(d, par[p.i].type, par[p.i].name_off, p.lvl, NULL);
		if (r < 0)
			return r;
		if (r == 1)
			continue;
		struct task *n = push_task(d, T_PARAMS), *decl;
		if (!n)
			return -ENOMEM;
		*n = p;
		n->i = p.i + 1;
		if (!(decl = push_task(d, T_DECL)))
			return -ENOMEM;
		decl->id = par[p.i].type;
		decl->fname = par[p.i].name_off;
		decl->lvl = p.lvl;
		return 0;
	}
}

static int run_tasks(struct cdump *d)
{
	int e = 0;
	while (d->nr_tasks && !e && !d->o->err) {
		struct task t = ((struct task *)d->tasks)[--d->nr_tasks];
		switch (t.op) {
		case T_DECL:
			e = run_decl(d, &t);
			break;
		case T_CHAIN:
			e = run_chain(d, t);
			break;
		case T_RESET:
			d->decl.n = t.lo;
			break;
		case T_ARRAY_END:
			if (!t.flag)
				put_char(d->o, ')');
			put_char(d->o, '[');
			put_u64(d->o, t.i);
			put_char(d->o, ']');
			break;
		case T_CLOSE:
			put_char(d->o, ')');
			break;
		case T_PARAMS:
			e = run_params(d, t);
			break;
		case T_MEMBER:
			e = run_member(d, t);
			break;
		case T_MEMBER_END:
			if (t.flag) {
				PUT_LIT(d->o, ": ");
				put_i64(d->o, t.off - bk_member_bit_offset(c_type(d, t.id),
					(const struct bk_member *)bk_type_rest(c_type(d, t.id)) + t.i));
			}
			put_char(d->o, ';');
			t.i++;
			e = run_member(d, t);
			break;
		}
	}
	d->nr_tasks = 0;
	d->decl.n = 0;
	if (!e && d->o->err)
		e = d->o->err;
	return e;
}

int c_emit_decl(struct cdump *d, uint32_t id, uint32_t fname, int lvl)
{
	int r = decl_now(d, id, fname, lvl, NULL);
	if (r)
		return r < 0 ? r : 0;
	struct task *t = push_task(d, T_DECL);
	if (!t)
		return -ENOMEM;
	t->id = id;
	t->fname = fname;
	t->lvl = lvl;
	return run_tasks(d);
}

int c_emit_struct_def(struct cdump *d, uint32_t id, int lvl)
{
	int e = start_struct_def(d, id, lvl);
	return e ? e : run_tasks(d);
}

int c_emit_typedef_def(struct cdump *d, uint32_t id, int lvl)
{
	const struct bk_type *t = c_type(d, id);
	if (d->mentions) {
		/* its ___N decided later (the caller made sure that it is no
		 * __gnuc_va_list on void) */
		d->tname_id = id;
		PUT_LIT(d->o, "typedef ");
		return c_emit_decl(d, t->type, FNAME_TYPEDEF, lvl);
	}
	uint32_t dup = c_resolve_dup(d, id, &d->ident_names);
	size_t n = c_format_name(d->tname, c_name(d, t), dup);
	d->tname[n] = '\0';
	/* old GCC's __gnuc_va_list on void: make it valid */
	if (!t->type && !strcmp(d->tname, "__gnuc_va_list")) {
		PUT_LIT(d->o, "typedef __builtin_va_list __gnuc_va_list");
		return 0;
	}
	PUT_LIT(d->o, "typedef ");
	return c_emit_decl(d, t->type, FNAME_TYPEDEF, lvl);
}

void c_emit_fini(struct cdump *d)
{
	free(d->memo);
	free(d->tasks);
	if (d->type_names.slots)
		bk_fresh_release(d->type_names.slots, d->type_names.mapped);
	if (d->ident_names.slots)
		bk_fresh_release(d->ident_names.slots, d->ident_names.mapped);
}
