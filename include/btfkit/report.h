/* SPDX-License-Identifier: MIT */
#ifndef BTFKIT_REPORT_H
#define BTFKIT_REPORT_H

#include "btfkit/check.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A check run as a release manager reads it (module layer): verdicts per
 * subsystem, the types that break modules, and which modules fail for one
 * type alone (fixing that type saves them). */

/* A module's subsystem: the (at most two) directories under "kernel/" in its
 * path ("drivers/ata" for .../kernel/drivers/ata/ahci.ko, "crypto" for
 * .../kernel/crypto/x.ko), or "(other)". Returns buf. */
BK_API const char *bk_check_subsystem(const char *path, char *buf, size_t len);
/* The path from "kernel/" on, without .ko/.ko.xz/.ko.zst/.ko.gz/.btf: the
 * same name for one module in two trees or two forms. Returns buf. */
BK_API const char *bk_check_module_key(const char *path, char *buf, size_t len);

struct bk_check_subsys {
	char name[128];
	size_t total;
	size_t count[BK_CHECK_NR_STATUS];
};

struct bk_check_cause {
	char type[160];      /* "STRUCT 'device'", as in bk_check_breaker */
	size_t nr_modules;   /* modules it fails */
	size_t sole;         /* of them, those it alone fails */
	size_t *modules;     /* indexes into the results, in path order */
};

struct bk_check_report {
	struct bk_check_subsys *subsystems; /* by name */
	size_t nr_subsystems;
	struct bk_check_cause *causes;      /* most modules first, then by type */
	size_t nr_causes;
	size_t *subsystem_of;               /* per result: its subsystem */
	int64_t *sole_cause_of;             /* per result: its one cause, -1 none or several */
};

BK_API int bk_check_report(const struct bk_check_result *r, size_t n,
			   struct bk_check_report **out, struct bk_error *err);
BK_API void bk_check_report_free(struct bk_check_report *rep);

#ifdef __cplusplus
}
#endif
#endif
