// SPDX-License-Identifier: MIT
/*
 * What check adds to "does it relocate" to predict what the kernel does
 * when it loads a module:
 *  - whether the kernel relocates module BTF at all (6.11 and later: the
 *    code that does, btf_relocate(), and the map it leaves in struct btf,
 *    base_id_map, are in its own BTF);
 *  - whether .BTF_ids holds what the kernel will take it for: it uses the
 *    IDs as they are (through base_id_map after relocating), unchecked.
 */
#include <stdlib.h>
#include <string.h>

#include "core/btf_internal.h"
#include "core/opts_internal.h"
#include "module/check_load.h"

static bool struct_has_member(const struct bk_btf *btf, uint32_t id, const char *member)
{
	const struct bk_type *t = bk_btf_type(btf, id);
	const struct bk_member *m = bk_type_rest(t);
	for (uint32_t i = 0; i < bk_vlen(t); i++) {
		const char *n = bk_btf_str(btf, m[i].name_off);
		if (n && !strcmp(n, member))
			return true;
	}
	return false;
}

bool bk_kernel_relocates(const struct bk_btf *kernel)
{
	uint32_t ids[8];
	if (bk_btf_find(kernel, "btf_relocate", BK_KIND_FUNC, NULL, 0))
		return true;
	size_t n = bk_btf_find(kernel, "btf", BK_KIND_STRUCT, ids, 8);
	for (size_t i = 0; i < n && i < 8; i++)
		if (struct_has_member(kernel, ids[i], "base_id_map"))
			return true;
	return false;
}

bool bk_check_kernel_relocates(const struct bk_check_opts *opts)
{
	struct bk_check_opts o;
	if (bk_opts_load(&o, sizeof(o), opts, "bk_check_opts", NULL) || !o.kernel)
		return false;
	if (o.kernel_relocates != BK_KERNEL_RELOCATES_AUTO)
		return o.kernel_relocates == BK_KERNEL_RELOCATES_YES;
	return bk_kernel_relocates(o.kernel);
}

bool bk_same_kernel(const struct bk_btf *a, const struct bk_btf *b)
{
	return a == b || (a && b && a->nr_types == b->nr_types && a->types_len == b->types_len &&
			  a->strs_len == b->strs_len);
}

static struct bk_check_ids_problem *add_problem(struct bk_check_result *res)
{
	struct bk_check_ids_problem *p =
		realloc(res->ids_problems, (res->nr_ids_problems + 1) * sizeof(*p));
	if (!p)
		return NULL;
	res->ids_problems = p;
	p += res->nr_ids_problems++;
	memset(p, 0, sizeof(*p));
	return p;
}

int bk_check_ids_unreadable(const struct bk_error *why, struct bk_check_result *res)
{
	struct bk_check_ids_problem *p = add_problem(res);
	if (!p)
		return -ENOMEM;
	snprintf(p->text, sizeof(p->text), ".BTF_ids cannot be read: %.360s", why->msg);
	return 0;
}

int bk_check_ids(const struct bk_btf_ids *ids, const struct bk_btf *btf,
		 struct bk_check_result *res)
{
	char why[400];
	for (size_t i = 0; i < ids->nr_sets; i++) {
		const struct bk_btf_ids_set *s = &ids->sets[i];
		if (s->stored_cnt == s->cnt)
			continue;
		struct bk_check_ids_problem *p = add_problem(res);
		if (!p)
			return -ENOMEM;
		snprintf(p->set, sizeof(p->set), "%s", s->name);
		snprintf(p->symbol, sizeof(p->symbol), "%s", s->symbol);
		p->offset = s->offset;
		p->id = s->stored_cnt;
		snprintf(p->text, sizeof(p->text), "the set's count word says %u, its symbol %u",
			 s->stored_cnt, s->cnt);
	}
	for (size_t i = 0; i < ids->nr_entries; i++) {
		if (!bk_btf_ids_check_entry(ids, i, btf, why, sizeof(why)))
			continue;
		const struct bk_btf_ids_entry *en = &ids->entries[i];
		struct bk_check_ids_problem *p = add_problem(res);
		if (!p)
			return -ENOMEM;
		if (en->set >= 0)
			snprintf(p->set, sizeof(p->set), "%s", ids->sets[en->set].name);
		snprintf(p->symbol, sizeof(p->symbol), "%s", en->symbol);
		p->offset = en->offset;
		p->id = en->id;
		snprintf(p->text, sizeof(p->text), "%s", why);
	}
	return 0;
}
