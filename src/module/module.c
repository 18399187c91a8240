// SPDX-License-Identifier: MIT
/*
 * The module object: one open module file and the one policy for putting
 * its BTF on a kernel's. The file is read and decompressed once
 * (bk_file_open); its BTF is parsed when first asked for and kept.
 *
 * Placing (bk_module_place) is a short recipe:
 *  1. the module has a distilled base (.BTF.base, or one given): relocate
 *     its .BTF from there onto the base;
 *  2. it has none, but the kernel it was built against is known: read .BTF
 *     on that kernel, distill it, then relocate as in 1;
 *  3. neither: read .BTF as split BTF on the base as it is. IDs or string
 *     offsets out of range then mean it was built against another kernel,
 *     and the error says so (and only then).
 */
#include <stdlib.h>
#include <string.h>

#include "btfkit/distill.h"
#include "btfkit/relocate.h"
#include "core/opts_internal.h"
#include "module/module_internal.h"

const char *bk_compression_name(enum bk_compression c)
{
	static const char *const names[] = {"none", "xz", "zstd", "gzip"};
	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "unknown";
}

static enum bk_compression compression_by_name(const char *s)
{
	if (!s)
		return BK_COMPRESSION_NONE;
	if (!strcmp(s, "xz"))
		return BK_COMPRESSION_XZ;
	return !strcmp(s, "zstd") ? BK_COMPRESSION_ZSTD : BK_COMPRESSION_GZIP;
}

static bool has_bytes(const struct bk_file *f, const char *name)
{
	const void *data;
	size_t size;
	return bk_file_section(f, name, &data, &size) == 0;
}

/* The module over an open file (taken over, also on failure). */
static int module_of(struct bk_file *f, struct bk_module **out, struct bk_error *err)
{
	struct bk_module *m = calloc(1, sizeof(*m));
	*out = NULL;
	if (!m) {
		bk_file_close(f);
		return bk_err(err, -ENOMEM, "out of memory");
	}
	m->file = f;
	m->compression = compression_by_name(m->file->compression);
	m->has_btf = has_bytes(m->file, ".BTF");
	/* by name: a .BTF.base without bytes is a fault to report, not absent */
	m->has_base_sec = m->file->elf && bk_file_find_sec(m->file, ".BTF.base");
	*out = m;
	return 0;
}

int bk_module_open(const char *path, struct bk_module **out, struct bk_error *err)
{
	struct bk_file *f;
	int e = bk_file_open(path, &f, err);
	*out = NULL;
	return e ? e : module_of(f, out, err);
}

int bk_module_open_mem(const void *data, size_t size, const char *name,
		       struct bk_module **out, struct bk_error *err)
{
	struct bk_file *f;
	int e = bk_file_open_mem(data, size, name, &f, err);
	*out = NULL;
	return e ? e : module_of(f, out, err);
}

static void drop_btf(struct bk_module *m)
{
	bk_btf_free(m->split);
	bk_btf_free(m->dist);
	m->split = m->dist = NULL;
	m->distilled_on = NULL;
}

void bk_module_close(struct bk_module *m)
{
	if (!m)
		return;
	drop_btf(m);
	bk_btf_free(m->plain);
	bk_file_close(m->file);
	free(m);
}

const char *bk_module_name(const struct bk_module *m) { return bk_file_name(m->file); }
const struct bk_file *bk_module_file(const struct bk_module *m) { return m->file; }
bool bk_module_is_elf(const struct bk_module *m) { return bk_file_is_elf(m->file); }
enum bk_compression bk_module_compression(const struct bk_module *m) { return m->compression; }
size_t bk_module_signature_len(const struct bk_module *m) { return m->file->sig_len; }
bool bk_module_has_btf(const struct bk_module *m) { return m->has_btf; }

bool bk_module_has_dist_base(const struct bk_module *m)
{
	return m->has_base_sec || m->dist_given;
}

int bk_module_set_dist_base(struct bk_module *m, struct bk_btf *dist, struct bk_error *err)
{
	if (!dist) {
		bk_err_set_source(err, bk_module_name(m), NULL);
		return bk_err(err, -EINVAL, "no distilled base given");
	}
	drop_btf(m);
	m->dist = dist;
	m->dist_given = true;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */

/* The split BTF in err does not fit base: it was built against another
 * kernel. */
static void misfit(struct bk_error *err, const struct bk_btf *base)
{
	if (!err)
		return;
	bk_err_context(err, "does not fit %.200s (built against another kernel?)",
		       bk_btf_source(base));
	err->reason = BK_E_BASE_MISFIT;
}

/* Reading .BTF on a base failed: a misfit when IDs or string offsets are
 * out of range for it, and only then (a corrupt blob is just corrupt). */
static void misfit_context(struct bk_error *err, const struct bk_btf *base)
{
	if (err && (err->reason == BK_E_TYPE_ID || err->reason == BK_E_STR_OFF))
		misfit(err, base);
}

/* .BTF as split BTF on base, as it is; take: hand a raw blob's buffer over
 * (the module is spent afterwards: bk_btf_load's one shot). */
static int read_on(struct bk_module *m, const struct bk_btf *base, bool take,
		   struct bk_btf **out, struct bk_error *err)
{
	int e = take ? bk_file_take_btf(m->file, ".BTF", base, out, err)
		     : bk_file_btf(m->file, ".BTF", base, out, err);
	if (e && base)
		misfit_context(err, base);
	return e;
}

/* Its own distilled base and .BTF on it. */
static int read_own_dist(struct bk_module *m, struct bk_error *err)
{
	int e;
	if (!m->dist && (e = bk_file_btf(m->file, ".BTF.base", NULL, &m->dist, err)))
		return e;
	if (!m->split && (e = bk_file_btf(m->file, ".BTF", m->dist, &m->split, err)))
		return e;
	return 0;
}

int bk_module_own_btf(struct bk_module *m, const struct bk_btf **btf, struct bk_error *err)
{
	int e = 0;
	*btf = NULL;
	if (bk_module_has_dist_base(m))
		e = read_own_dist(m, err);
	else if (!m->plain)
		e = read_on(m, NULL, false, &m->plain, err);
	if (!e)
		*btf = bk_module_has_dist_base(m) ? m->split : m->plain;
	return e;
}

/* Distill .BTF as read on the kernel it was built against. */
static int distill_on(struct bk_module *m, const struct bk_btf *built_against,
		      struct bk_error *err)
{
	struct bk_btf *full;
	int e;
	drop_btf(m);
	if ((e = read_on(m, built_against, false, &full, err)))
		return e;
	if ((e = bk_distill(full, &m->dist, &m->split, err)))
		bk_err_set_source(err, bk_module_name(m), ".BTF");
	else
		m->distilled_on = built_against;
	bk_btf_free(full);
	return e;
}

int bk_module_distilled(struct bk_module *m, const struct bk_btf *built_against,
			const struct bk_btf **dist, const struct bk_btf **split,
			struct bk_error *err)
{
	int e;
	*dist = *split = NULL;
	if (bk_module_has_dist_base(m))
		e = read_own_dist(m, err);
	else if (!built_against) {
		bk_err_set_source(err, bk_module_name(m), NULL);
		e = bk_err_r(err, -ENOENT, BK_E_NO_DIST_BASE,
			     "no .BTF.base section: its .BTF is split BTF on the exact kernel it "
			     "was built for; give that kernel's BTF (--built-against) to distill it");
	} else if (m->dist && m->distilled_on == built_against)
		e = 0;
	else
		e = distill_on(m, built_against, err);
	if (!e) {
		*dist = m->dist;
		*split = m->split;
	}
	return e;
}

/* ------------------------------------------------------------------ */
/* Placing                                                             */

static int relocate_onto(struct bk_module *m, const struct bk_btf *base,
			 const struct bk_module_place_opts *opts, struct bk_btf **out,
			 struct bk_error *err)
{
	const struct bk_btf *dist, *split;
	BK_OPTS(bk_relocate_opts, ro, .libbpf_quirks = opts->libbpf_quirks, .report = opts->report);
	int e = bk_module_distilled(m, opts->built_against, &dist, &split, err);
	if (e)
		return e;
	if ((e = bk_relocate_opts(split, base, &ro, out, err))) {
		if (err && !err->file[0])
			bk_err_set_source(err, bk_module_name(m), ".BTF");
		if (err && e == -EINVAL && !err->reason)
			err->reason = BK_E_RELOCATE;
		return e;
	}
	if (!bk_btf_source(*out)[0])
		bk_btf_set_source(*out, bk_module_name(m), ".BTF");
	return 0;
}

int bk_module_place(struct bk_module *m, const struct bk_btf *base,
		    const struct bk_module_place_opts *opts, struct bk_btf **out,
		    struct bk_error *err)
{
	struct bk_module_place_opts o;
	int e;
	*out = NULL;
	if (!base) {
		bk_err_set_source(err, bk_module_name(m), NULL);
		return bk_err(err, -EINVAL, "no base to place the module on");
	}
	if ((e = bk_opts_load(&o, sizeof(o), opts, "bk_module_place_opts", err)))
		return e;
	if (o.report)
		*o.report = NULL;
	if (bk_module_has_dist_base(m) || o.built_against)
		return relocate_onto(m, base, &o, out, err);
	if ((e = read_on(m, base, false, out, err)) || !o.check_fit)
		return e;
	if ((e = bk_split_check_base(*out, err))) {
		bk_btf_free(*out);
		*out = NULL;
		misfit(err, base);
	}
	return e;
}

int bk_btf_load(const char *path, const struct bk_btf *base, struct bk_btf **out,
		struct bk_error *err)
{
	struct bk_module *m;
	int e = bk_module_open(path, &m, err);
	*out = NULL;
	if (e)
		return e;
	if (base && bk_module_has_dist_base(m)) {
		e = bk_module_place(m, base, NULL, out, err);
	} else if (!bk_module_has_dist_base(m)) {
		e = read_on(m, base, true, out, err);
	} else if (!(e = read_own_dist(m, err))) {
		/* the result owns its distilled base */
		bk_btf_own_base(m->split, m->dist);
		*out = m->split;
		m->split = m->dist = NULL;
	}
	bk_module_close(m);
	return e;
}
