// SPDX-License-Identifier: MIT
/*
 * A module's .BTF_ids rewritten into another numbering, as the kernel's
 * resolve_btfids would have written it there (docs/btf_ids.md): distill
 * and relocate of whole modules keep their kfunc sets and BTF_ID lists
 * right.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module/btf_ids_internal.h"

/* ---- rewriting ----------------------------------------------------------- */

static const char *entry_label(const struct bk_btf_ids *ids, const struct bk_btf_ids_entry *en,
			       char *buf, size_t len)
{
	if (en->set >= 0)
		snprintf(buf, len, "%s %s slot at offset %u", bk_btf_ids_group_name(ids, en),
			 ids->sets[en->set].name, en->offset);
	else if (en->kind)
		snprintf(buf, len, "%s", en->symbol);
	else
		snprintf(buf, len, "unused slot at offset %u", en->offset);
	return buf;
}

/* Old ID -> new ID: a dense map (relocate's), or a few pairs (distill's
 * translation of just the IDs the section holds). 0: not in the result. */
struct id_lookup {
	const uint32_t *map;
	uint32_t map_len;
	const uint32_t *from, *to;
	size_t nr_pairs;
};

static uint32_t lookup(const struct id_lookup *l, uint32_t id)
{
	if (l->map)
		return id < l->map_len ? l->map[id] : 0;
	for (size_t i = 0; i < l->nr_pairs; i++)
		if (l->from[i] == id)
			return l->to[i];
	return 0;
}

/* The labels are made only for an error: a distill rewrites every entry,
 * and a few snprintf calls per entry cost more than the rest of the
 * rewrite (docs/btf_ids.md, speed). */
static int remap_entry(const struct bk_btf_ids *ids, size_t i, const struct bk_btf *old,
		       const struct id_lookup *map, const struct bk_btf *new_btf, uint8_t *data,
		       struct bk_error *err)
{
	const struct bk_btf_ids_entry *en = &ids->entries[i];
	char why[400], where[200], label[200];
	if (bk_btf_ids_check_entry(ids, i, old, why, sizeof(why)))
		return bk_err(err, -EINVAL, "cannot rewrite .BTF_ids: %s: %s",
			      entry_label(ids, en, where, sizeof(where)), why);
	if (!en->kind && en->set < 0)
		return 0; /* unused: stays 0 */
	uint32_t nid = lookup(map, en->id);
	if (!nid)
		return bk_err(err, -EINVAL, "cannot rewrite .BTF_ids: %s: %s is not in the new "
			      "numbering", entry_label(ids, en, where, sizeof(where)),
			      bk_type_label(old, en->id, label, sizeof(label)));
	if (new_btf) {
		const struct bk_type *o = bk_btf_type(old, en->id), *t = bk_btf_type(new_btf, nid);
		const char *name = bk_btf_name(old, o);
		if (!t || !bk_ids_names_type(new_btf, t, (int)bk_kind(o), name ? name : ""))
			return bk_err(err, -EFAULT, "cannot rewrite .BTF_ids: %s: %s was mapped to "
				      "ID %u, which is another type",
				      entry_label(ids, en, where, sizeof(where)),
				      bk_type_label(old, en->id, label, sizeof(label)), nid);
	}
	bk_ids_put_word(ids, data, en->offset, nid);
	return 0;
}

struct slot { uint32_t id, flags; };

static int cmp_slot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

/* resolve_btfids sorts each set by ID (the kernel binary-searches it);
 * set8 pairs move with their flags. */
static int sort_set(const struct bk_btf_ids *ids, const struct bk_btf_ids_set *s, uint8_t *data,
		    struct bk_error *err)
{
	uint32_t hdr = s->set8 ? 8 : 4, step = hdr;
	struct slot few[64], *slots = few;
	if (s->cnt > sizeof(few) / sizeof(few[0]) && !(slots = malloc(s->cnt * sizeof(*slots))))
		return bk_err(err, -ENOMEM, "out of memory");
	for (uint32_t k = 0; k < s->cnt; k++) {
		uint32_t off = s->offset + hdr + k * step;
		slots[k].id = bk_ids_load_word(ids->big_endian, data, off);
		slots[k].flags = s->set8 ? bk_ids_load_word(ids->big_endian, data, off + 4) : 0;
	}
	bk_ids_sort(slots, s->cnt, sizeof(*slots), cmp_slot);
	for (uint32_t k = 0; k < s->cnt; k++) {
		uint32_t off = s->offset + hdr + k * step;
		bk_ids_put_word(ids, data, off, slots[k].id);
		if (s->set8)
			bk_ids_put_word(ids, data, off + 4, slots[k].flags);
	}
	if (slots != few)
		free(slots);
	return 0;
}

/* A deep copy of ids over new section bytes (taken over): the IDs and
 * flags of the entries read again from them. */
static int clone_over(const struct bk_btf_ids *ids, uint8_t *data, struct bk_btf_ids **out,
		      struct bk_error *err)
{
	struct bk_btf_ids *c = bk_ids_clone_names(ids);
	if (!c) {
		free(data);
		return bk_err(err, -ENOMEM, "out of memory");
	}
	c->data = data;
	c->sets = malloc((ids->nr_sets + 1) * sizeof(*c->sets));
	c->entries = malloc((ids->nr_entries + 1) * sizeof(*c->entries));
	if (!c->sets || !c->entries) {
		bk_btf_ids_free(c);
		return bk_err(err, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < ids->nr_sets; i++, c->nr_sets++) {
		c->sets[i] = ids->sets[i];
		c->sets[i].symbol = bk_ids_rebase(ids, c, ids->sets[i].symbol);
		c->sets[i].name = bk_ids_rebase(ids, c, ids->sets[i].name);
	}
	for (size_t i = 0; i < ids->nr_entries; i++, c->nr_entries++) {
		struct bk_btf_ids_entry *en = &c->entries[i];
		*en = ids->entries[i];
		en->symbol = bk_ids_rebase(ids, c, en->symbol);
		en->name = bk_ids_rebase(ids, c, en->name);
		en->id = bk_ids_word(c, en->offset);
		if (en->set >= 0 && c->sets[en->set].set8)
			en->flags = bk_ids_word(c, en->offset + 4);
	}
	*out = c;
	return 0;
}

static int remap(const struct bk_btf_ids *ids, const struct bk_btf *old,
		 const struct id_lookup *map, const struct bk_btf *new_btf,
		 struct bk_btf_ids **out, struct bk_error *err)
{
	uint8_t *data = malloc(ids->size ? ids->size : 1);
	int e = 0;
	*out = NULL;
	if (!data)
		return bk_err(err, -ENOMEM, "out of memory");
	memcpy(data, ids->data, ids->size);
	for (size_t i = 0; i < ids->nr_entries && !e; i++)
		e = remap_entry(ids, i, old, map, new_btf, data, err);
	for (size_t i = 0; i < ids->nr_sets && !e; i++)
		e = sort_set(ids, &ids->sets[i], data, err);
	if (e) {
		free(data);
		return bk_err_tag(err, e, BK_E_BTF_IDS);
	}
	return clone_over(ids, data, out, err);
}

int bk_btf_ids_remap(const struct bk_btf_ids *ids, const struct bk_btf *old, const uint32_t *map,
		     uint32_t map_len, const struct bk_btf *new_btf, struct bk_btf_ids **out,
		     struct bk_error *err)
{
	struct id_lookup l = {.map = map, .map_len = map_len};
	return remap(ids, old, &l, new_btf, out, err);
}

int bk_btf_ids_base_types(const struct bk_btf_ids *ids, const struct bk_btf *btf, uint32_t **out,
			  size_t *nr, struct bk_error *err)
{
	uint32_t start = bk_btf_start_id(btf), *list = NULL;
	size_t n = 0;
	*out = NULL;
	*nr = 0;
	for (size_t i = 0; i < ids->nr_entries; i++) {
		const struct bk_btf_ids_entry *en = &ids->entries[i];
		if (!en->id || en->id >= start || bk_btf_ids_check_entry(ids, i, btf, NULL, 0))
			continue;
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = list[k] == en->id;
		if (seen)
			continue;
		uint32_t *grown = realloc(list, (n + 1) * sizeof(*list));
		if (!grown) {
			free(list);
			return bk_err(err, -ENOMEM, "out of memory");
		}
		list = grown;
		list[n++] = en->id;
	}
	for (size_t i = 1; i < n; i++) /* few: insertion sort */
		for (size_t k = i; k && list[k - 1] > list[k]; k--) {
			uint32_t t = list[k];
			list[k] = list[k - 1];
			list[k - 1] = t;
		}
	*out = list;
	*nr = n;
	return 0;
}

/* ---- distill and relocate, .BTF_ids kept right ---------------------------- */

int bk_distill_module(const struct bk_btf *split, const struct bk_btf_ids *ids,
		      struct bk_btf **dist, struct bk_btf **nsplit, struct bk_btf_ids **new_ids,
		      struct bk_error *err)
{
	BK_OPTS(bk_distill_opts, o);
	uint32_t *keep = NULL, *pairs;
	int e;
	*new_ids = NULL;
	if (!ids)
		return bk_distill(split, dist, nsplit, err);
	if ((e = bk_btf_ids_base_types(ids, split, &keep, &o.nr_keep, err)))
		return e;
	/* the IDs the section holds, translated by distill: from[i] -> to[i] */
	if (!(pairs = malloc(2 * (ids->nr_entries + 1) * sizeof(*pairs)))) {
		free(keep);
		return bk_err(err, -ENOMEM, "out of memory");
	}
	uint32_t *from = pairs, *to = pairs + ids->nr_entries + 1;
	for (size_t i = 0; i < ids->nr_entries; i++)
		from[i] = to[i] = ids->entries[i].id;
	o.keep_base_ids = keep;
	o.translate_ids = to;
	o.nr_translate = ids->nr_entries;
	e = bk_distill_opts(split, &o, dist, nsplit, err);
	free(keep);
	if (!e) {
		struct id_lookup l = {.from = from, .to = to, .nr_pairs = ids->nr_entries};
		e = remap(ids, split, &l, *nsplit, new_ids, err);
		if (e) {
			bk_btf_free(*nsplit);
			bk_btf_free(*dist);
			*nsplit = *dist = NULL;
		}
	}
	free(pairs);
	return e;
}

int bk_relocate_module(const struct bk_btf *split, const struct bk_btf *new_base,
		       const struct bk_relocate_opts *opts, const struct bk_btf_ids *ids,
		       struct bk_btf **out, struct bk_btf_ids **new_ids, struct bk_error *err)
{
	BK_OPTS(bk_relocate_opts, o);
	if (opts) {
		o.libbpf_quirks = opts->libbpf_quirks;
		o.report = opts->report;
	}
	uint32_t *map = NULL;
	int e;
	*new_ids = NULL;
	if (ids)
		o.id_map = &map;
	if ((e = bk_relocate_opts(split, new_base, &o, out, err)) || !ids)
		return e;
	e = bk_btf_ids_remap(ids, split, map, bk_btf_type_cnt(split), *out, new_ids, err);
	free(map);
	if (e) {
		bk_btf_free(*out);
		*out = NULL;
	}
	return e;
}
