// SPDX-License-Identifier: MIT
/*
 * Distill's warnings: the distilled types that relocation onto a given base
 * would find ambiguous (two or more candidates), as libbpf and the kernel's
 * module loader judge it: the matcher (match.c) with libbpf's rules.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/btf_internal.h"
#include "module/match.h"

static int add_warning(struct bk_distill_warnings *out, const struct bk_btf *dist, uint32_t id,
		       const uint32_t *matches, size_t nr, bool embedded, struct bk_error *err)
{
	struct bk_distill_warning *w = realloc(out->items, (out->count + 1) * sizeof(*w));
	if (!w)
		return bk_err(err, -ENOMEM, "out of memory");
	out->items = w;
	w += out->count++;
	memset(w, 0, sizeof(*w));
	const struct bk_type *t = bk_btf_type(dist, id);
	w->dist_id = id;
	w->nr_matches = (uint32_t)nr;
	w->match_ids[0] = matches[0];
	w->match_ids[1] = matches[1];
	snprintf(w->name, sizeof(w->name), "%s", bk_btf_str(dist, t->name_off));
	snprintf(w->msg, sizeof(w->msg),
		 "[%u] %s '%s' (size %u%s) cannot be relocated: the base has %zu types it matches "
		 "([%u], [%u]%s); libbpf and the kernel's module loader fail on it as ambiguous",
		 id, bk_kind_name(bk_kind(t)), w->name, t->size, embedded ? ", embedded" : "", nr,
		 matches[0], matches[1], nr > 2 ? ", ..." : "");
	return 0;
}

/* The base of the last call: one module's few distilled names onto a
 * vmlinux read for it (btfkit distill) are found by one pass over the base,
 * which beats indexing its 100k names (4.5 ms of a 20 ms distill); a
 * second call on the same base (a program distilling many modules) builds
 * the index, as a base indexed already is looked up through it. A base at
 * the address of one freed only costs the index. */
static _Atomic uintptr_t last_base;

static bool first_on(const struct bk_btf *base)
{
	return atomic_exchange(&last_base, (uintptr_t)base) != (uintptr_t)base;
}

int bk_distill_warnings(const struct bk_btf *base, const struct bk_btf *new_split,
			struct bk_distill_warnings *out, struct bk_error *err)
{
	const struct bk_btf *dist = bk_btf_base(new_split);
	struct bk_matcher m;
	memset(out, 0, sizeof(*out));
	if (!dist)
		return bk_err(err, -EINVAL, "not split BTF: there is no distilled base");
	if (bk_matcher_init(&m, new_split, base, true))
		return bk_err(err, -ENOMEM, "out of memory");
	if (first_on(base) && bk_matcher_scan_base(&m)) {
		bk_matcher_free(&m);
		return bk_err(err, -ENOMEM, "out of memory");
	}
	int e = 0;
	for (uint32_t id = 1; id < m.nr_dist && !e; id++) {
		const char *name = bk_btf_str(dist, bk_btf_type(dist, id)->name_off);
		uint32_t matches[2] = {0, 0};
		size_t nr;
		if (!name || !*name)
			continue;
		if (bk_match(&m, id, matches, 2, &nr))
			e = bk_err(err, -ENOMEM, "out of memory");
		else if (nr > 1)
			e = add_warning(out, dist, id, matches, nr, bk_matcher_embedded(&m, id), err);
	}
	bk_matcher_free(&m);
	if (e)
		bk_distill_warnings_free(out);
	return e;
}

void bk_distill_warnings_free(struct bk_distill_warnings *w)
{
	if (!w)
		return;
	free(w->items);
	w->items = NULL;
	w->count = 0;
}
