// SPDX-License-Identifier: MIT
/*
 * .BTF_ids: bk_btf_ids_read on any ELF bytes (its symbols and the section
 * mutated), each entry checked against the module's own BTF, and the
 * section rewritten into the same numbering (the identity map): what the
 * reader accepts must check and rewrite without a crash, a rewrite keeps
 * the section's size, and every failure carries a reason.
 */
#include "fuzz.h"

static int rewrite_identity(const struct bk_btf_ids *ids, const struct bk_btf *btf)
{
	struct bk_error err = {0};
	struct bk_btf_ids *out = NULL;
	uint32_t cnt = bk_btf_type_cnt(btf);
	uint32_t *map = malloc((cnt ? cnt : 1) * sizeof(*map));
	if (!map)
		return 0;
	for (uint32_t i = 0; i < cnt; i++)
		map[i] = i;
	int bad = 0, e = bk_btf_ids_remap(ids, btf, map, cnt, btf, &out, &err);
	if (e) {
		bad = out ? bk_fuzz_broken("btfids", "failure with a result")
			  : bk_fuzz_check_error("btfids", e, &err);
		if (!bad && e != -ENOMEM && !err.reason)
			bad = bk_fuzz_broken("btfids", "a failure without a reason");
	} else if (out->size != ids->size || out->nr_entries != ids->nr_entries) {
		bad = bk_fuzz_broken("btfids", "a rewrite changed the section's shape");
	}
	bk_btf_ids_free(out);
	free(map);
	return bad;
}

int bk_fuzz_btfids(const uint8_t *data, size_t size)
{
	struct bk_error err = {0};
	struct bk_file *f = NULL;
	struct bk_btf_ids *ids = NULL;
	struct bk_btf *dist = NULL, *btf = NULL;
	char why[400];
	int bad = 0, e;
	if (bk_file_open_mem(data, size, "fuzz.ko", &f, &err))
		return 0;
	e = bk_btf_ids_read(f, &ids, &err);
	if (e) {
		bad = ids ? bk_fuzz_broken("btfids", "failure with a result")
			  : bk_fuzz_check_error("btfids", e, &err);
		goto out;
	}
	/* the module's own numbering: .BTF on .BTF.base, or .BTF alone */
	if (bk_file_btf(f, ".BTF.base", NULL, &dist, &err))
		dist = NULL;
	if (bk_file_btf(f, ".BTF", dist, &btf, &err))
		goto out;
	for (size_t i = 0; i < ids->nr_entries && !bad; i++) {
		const struct bk_btf_ids_entry *en = &ids->entries[i];
		if ((en->set >= 0 && (size_t)en->set >= ids->nr_sets) || en->offset + 4 > ids->size)
			bad = bk_fuzz_broken("btfids", "an entry outside the section or its sets");
		bk_btf_ids_check_entry(ids, i, btf, why, sizeof(why));
		bk_btf_ids_set_member(ids, i, btf);
	}
	if (!bad)
		bad = rewrite_identity(ids, btf);
out:
	bk_btf_free(btf);
	bk_btf_free(dist);
	bk_btf_ids_free(ids);
	bk_file_close(f);
	return bad;
}

BK_FUZZ_MAIN(bk_fuzz_btfids)
