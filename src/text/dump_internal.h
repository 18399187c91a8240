/* SPDX-License-Identifier: MIT */
/* Private to src/text: the raw/JSON dump's walk (dump.c) and the two
 * threads that share it for a large BTF written to a file (dump_relay.c). */
#ifndef BTFKIT_TEXT_DUMP_INTERNAL_H
#define BTFKIT_TEXT_DUMP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/btf_internal.h"
#include "core/vocab.h"
#include "text/out.h"

/* bpftool's words (vocab.h) with their lengths, copied in one move */
struct word {
	const char *s;
	size_t len;
	char pad[16];
};

/* The walk's state. The walk works on its own copy (its address never
 * leaves the inlined printers), so that what it reads of it stays in
 * registers: a store through the cursor could otherwise be to any of it,
 * and every field would be read again after each. */
struct dumper {
	struct out *o;
	char *end;                      /* o->buf + o->cap, as last synced */
	const struct bk_btf *btf;
	const char *strs, *strs_end;    /* btf's own strings */
	uint32_t str_start, strs_len;
	uint32_t type_cnt;
	struct word kinds[BK_NR_KINDS + 1]; /* the last: any kind past the table */
	struct word int_enc[BK_NR_INT_ENC_WORDS + 1];
	struct word linkage[BK_NR_LINKAGE_WORDS + 1];
	struct word fwd_kind[2], enum_sign[2];
};

void bk_dumper_init(struct dumper *d, struct out *o, const struct bk_btf *btf);
/* types [from, to) of d's BTF (own indexes) into d's buffer, each after a
 * "," in JSON but the first of all */
void bk_dump_range(const struct dumper *d, uint32_t from, uint32_t to);

/* The types of a large BTF go to the two threads in blocks of this many. */
#define BK_DUMP_BLOCK_TYPES 1024u
#define BK_DUMP_PARALLEL_MIN_TYPES (8 * BK_DUMP_BLOCK_TYPES)
/* btf's types into o (a file) by two threads; false: not started (no
 * thread or no memory), nothing written */
bool bk_dump_parallel(struct out *o, const struct bk_btf *btf);

#endif
