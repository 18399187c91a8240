// SPDX-License-Identifier: MIT
/*
 * read -> validate -> dump. Input: a blob, or base SEP split. Validation
 * with and without first_only must agree (same verdict, the first fault
 * first); every fault must carry a message; both dump formats must print
 * whatever the reader accepted, valid or not.
 */
#include "fuzz.h"

struct faults {
	unsigned n;
	int bad;
	char first[sizeof(((struct bk_error *)0)->msg)];
};

static int count_fault(const struct bk_error *e, void *ctx)
{
	struct faults *f = ctx;
	if (!e->msg[0] || e->code >= 0)
		f->bad = 1;
	if (!f->n++)
		memcpy(f->first, e->msg, sizeof(f->first));
	return 0;
}

static int check_validate(const struct bk_btf *btf)
{
	struct faults all = {0}, first = {0};
	BK_OPTS(bk_validate_opts, all_opts, .first_only = false); BK_OPTS(bk_validate_opts, first_opts, .first_only = true);
	int e_all = bk_validate(btf, &all_opts, count_fault, &all);
	int e_first = bk_validate(btf, &first_opts, count_fault, &first);
	if (all.bad || first.bad)
		return bk_fuzz_broken("dump", "a fault without a message or error code");
	if ((e_all == 0) != (all.n == 0) || (e_first == 0) != (first.n == 0))
		return bk_fuzz_broken("dump", "the verdict disagrees with the faults reported");
	if (e_all != e_first || first.n > 1)
		return bk_fuzz_broken("dump", "first_only changes the verdict");
	if (first.n && strcmp(first.first, all.first))
		return bk_fuzz_broken("dump", "first_only reports another first fault");
	if (bk_validate(btf, &first_opts, NULL, NULL) != e_all)
		return bk_fuzz_broken("dump", "no report callback changes the verdict");
	return 0;
}

static int check_dump(const struct bk_btf *btf, enum bk_dump_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return 0;
	int e = bk_dump(btf, fmt, f);
	fclose(f);
	int bad = 0;
	if (e)
		bad = bk_fuzz_broken("dump", "BTF that was read does not dump");
	else if (bk_btf_nr_types(btf) && fmt == BK_DUMP_TEXT && (!len || buf[len - 1] != '\n'))
		bad = bk_fuzz_broken("dump", "text dump does not end its last record");
	else if (strlen(buf) != len)
		bad = bk_fuzz_broken("dump", "a NUL byte in the dump");
	free(buf);
	return bad;
}

static int read_validate_dump(const struct bk_fuzz_part *p, const struct bk_btf *base,
			      struct bk_btf **keep)
{
	struct bk_error err = {0};
	struct bk_btf *btf = NULL;
	if (bk_btf_parse(p->data, p->size, base, "fuzz.btf", &btf, &err))
		return 0; /* refusals are fuzz_raw's business */
	int bad = check_validate(btf) || check_dump(btf, BK_DUMP_TEXT) ||
		  check_dump(btf, BK_DUMP_JSON);
	if (keep && !bad)
		*keep = btf;
	else
		bk_btf_free(btf);
	return bad;
}

int bk_fuzz_dump(const uint8_t *data, size_t size)
{
	struct bk_fuzz_part p[2] = {{0}};
	struct bk_btf *base = NULL;
	size_t n = bk_fuzz_split(data, size, p, 2);
	int bad = read_validate_dump(&p[0], NULL, n == 2 ? &base : NULL);
	if (!bad && base)
		bad = read_validate_dump(&p[1], base, NULL);
	bk_btf_free(base);
	return bad;
}

BK_FUZZ_MAIN(bk_fuzz_dump)
