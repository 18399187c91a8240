// SPDX-License-Identifier: MIT
/* btfkit dump --btf-ids: a module's .BTF_ids, every entry and what its ID
 * names in the module's BTF. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* The BTF the section's IDs are in: .BTF on .BTF.base when the module has
 * one (not relocated: the IDs are in the distilled numbering), else .BTF
 * as it is on the kernel it was built against. */
static int numbering(struct bk_module *m, const char *base_path, struct bk_btf **base,
		     const struct bk_btf **btf, struct bk_btf **placed, struct bk_error *err)
{
	*base = *placed = NULL;
	if (bk_module_has_dist_base(m))
		return bk_module_own_btf(m, btf, err);
	if (!base_path) {
		bk_error_clear(err);
		snprintf(err->file, sizeof(err->file), "%s", bk_module_name(m));
		snprintf(err->msg, sizeof(err->msg), "no .BTF.base: give -B VMLINUX, the kernel's "
			 "BTF the module was built against, to tell what its .BTF_ids name");
		return err->code = -EINVAL;
	}
	int e = cli_load_base(base_path, base, err);
	if (!e)
		e = bk_module_place(m, *base, NULL, placed, err);
	*btf = *placed;
	return e;
}

/* The symbol an entry is shown by: for a set slot, the set's symbol that
 * names what the ID names (the sort moved the IDs). */
static const struct bk_btf_ids_entry *shown(const struct bk_btf_ids *ids, size_t i,
					    const struct bk_btf *btf)
{
	long m = bk_btf_ids_set_member(ids, i, btf);
	return m >= 0 ? &ids->entries[m] : &ids->entries[i];
}

static const char *kind_word(int kind)
{
	switch (kind) {
	case BK_KIND_FUNC: return "func";
	case BK_KIND_STRUCT: return "struct";
	case BK_KIND_UNION: return "union";
	case BK_KIND_TYPEDEF: return "typedef";
	default: return "unused";
	}
}

static void target_text(const struct bk_btf *btf, uint32_t id, char *buf, size_t len)
{
	const struct bk_type *t = id && id < bk_btf_type_cnt(btf) ? bk_btf_type(btf, id) : NULL;
	const char *name = t ? bk_btf_name(btf, t) : NULL;
	if (!t)
		snprintf(buf, len, "%s", id ? "no type" : "void");
	else
		snprintf(buf, len, "[%u] %s '%s'", id, bk_kind_name(bk_kind(t)),
			 name && *name ? name : "(anon)");
}

static void entry_text(const struct bk_btf_ids *ids, size_t i, const struct bk_btf *btf,
		       const char *why)
{
	const struct bk_btf_ids_entry *en = &ids->entries[i], *s = shown(ids, i, btf);
	char target[300];
	target_text(btf, en->id, target, sizeof(target));
	printf("[0x%x] %s", en->offset, bk_btf_ids_group_name(ids, en));
	if (en->set >= 0)
		printf(" '%s'", ids->sets[en->set].name);
	if (s->kind)
		printf(" %s '%s'", kind_word(s->kind), s->name);
	else
		printf(" unused");
	printf(" id=%u", en->id);
	if (en->set >= 0 && ids->sets[en->set].set8)
		printf(" flags=0x%x", en->flags);
	printf(" -> %s", target);
	if (s->kind)
		printf(" (%s)", s->symbol);
	if (*why)
		printf(" FAULT: %s", why);
	putchar('\n');
}

static void entry_json(const struct bk_btf_ids *ids, size_t i, const struct bk_btf *btf,
		       const char *why)
{
	const struct bk_btf_ids_entry *en = &ids->entries[i], *s = shown(ids, i, btf);
	const struct bk_type *t = en->id && en->id < bk_btf_type_cnt(btf) ? bk_btf_type(btf, en->id)
									    : NULL;
	printf("%s{\"offset\":%u,\"group\":\"%s\",\"set\":", i ? "," : "", en->offset,
	       bk_btf_ids_group_name(ids, en));
	if (en->set >= 0)
		cli_json_str(stdout, ids->sets[en->set].name);
	else
		fputs("null", stdout);
	fputs(",\"symbol\":", stdout);
	cli_json_str(stdout, s->symbol);
	printf(",\"kind\":\"%s\",\"name\":", kind_word(s->kind));
	cli_json_str(stdout, s->name);
	printf(",\"id\":%u,\"flags\":%u,\"names\":", en->id, en->flags);
	if (t) {
		printf("{\"id\":%u,\"kind\":\"%s\",\"name\":", en->id, bk_kind_name(bk_kind(t)));
		cli_json_str(stdout, bk_btf_name(btf, t));
		putchar('}');
	} else {
		fputs("null", stdout);
	}
	fputs(",\"fault\":", stdout);
	if (*why)
		cli_json_str(stdout, why);
	else
		fputs("null", stdout);
	putchar('}');
}

static void sets_out(const struct bk_btf_ids *ids, bool json)
{
	for (size_t i = 0; i < ids->nr_sets; i++) {
		const struct bk_btf_ids_set *s = &ids->sets[i];
		if (json) {
			printf("%s{\"name\":", i ? "," : "");
			cli_json_str(stdout, s->name);
			fputs(",\"symbol\":", stdout);
			cli_json_str(stdout, s->symbol);
			printf(",\"type\":\"%s\",\"offset\":%u,\"cnt\":%u,\"stored_cnt\":%u,"
			       "\"flags\":%u}", s->set8 ? "set8" : "set", s->offset, s->cnt,
			       s->stored_cnt, s->flags);
		} else {
			printf("%s '%s' offset=0x%x cnt=%u flags=0x%x (%s)%s\n",
			       s->set8 ? "set8" : "set", s->name, s->offset, s->cnt, s->flags,
			       s->symbol, s->stored_cnt == s->cnt ? "" : " FAULT: stored cnt differs");
		}
	}
}

/* Every entry, faults counted; exit 1 when there is one. */
static int print_ids(const char *path, const struct bk_btf_ids *ids, const struct bk_btf *btf,
		     bool json)
{
	size_t faults = 0;
	char why[400];
	for (size_t i = 0; i < ids->nr_sets; i++)
		faults += ids->sets[i].stored_cnt != ids->sets[i].cnt;
	if (json) {
		fputs("{\"module\":", stdout);
		cli_json_str(stdout, path);
		printf(",\"size\":%zu,\"sets\":[", ids->size);
	} else {
		printf("%s: .BTF_ids, %zu bytes: %zu set%s, %zu entries\n", path, ids->size,
		       ids->nr_sets, ids->nr_sets == 1 ? "" : "s", ids->nr_entries);
	}
	sets_out(ids, json);
	if (json)
		fputs("],\"entries\":[", stdout);
	for (size_t i = 0; i < ids->nr_entries; i++) {
		faults += bk_btf_ids_check_entry(ids, i, btf, why, sizeof(why));
		(json ? entry_json : entry_text)(ids, i, btf, why);
	}
	if (json)
		printf("],\"faults\":%zu}\n", faults);
	else if (faults)
		printf("%zu fault%s\n", faults, faults == 1 ? "" : "s");
	return faults ? EXIT_INVALID : EXIT_OK;
}

int cli_dump_btf_ids(const char *path, const char *base_path, bool json)
{
	struct bk_error err = {0};
	struct bk_module *m = NULL;
	struct bk_btf *base = NULL, *placed = NULL;
	const struct bk_btf *btf;
	struct bk_btf_ids *ids = NULL;
	int st;
	if (bk_module_open(path, &m, &err) || bk_btf_ids_read(bk_module_file(m), &ids, &err) ||
	    numbering(m, base_path, &base, &btf, &placed, &err))
		st = cli_fail(&err);
	else
		st = print_ids(path, ids, btf, json);
	bk_btf_ids_free(ids);
	bk_btf_free(placed);
	bk_btf_free(base);
	bk_module_close(m);
	return st;
}
