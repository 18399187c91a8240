/* SPDX-License-Identifier: MIT */
/*
 * bpftool's words: how `bpftool btf dump` spells field values and kinds.
 * dump prints them, asm reads them back, relocate's reports describe
 * types with them; they are written here once. The arrays are indexed by
 * the value a word stands for.
 */
#ifndef BTFKIT_VOCAB_H
#define BTFKIT_VOCAB_H

#include "core/btf_internal.h"

/* INT encodings, by the 4-bit encoding: "(none)", "SIGNED", "CHAR",
 * "UNKN" (SIGNED|CHAR), "BOOL"; bpftool says UNKN for any other value */
#define BK_NR_INT_ENC_WORDS 5
extern const char *const bk_int_enc_words[BK_NR_INT_ENC_WORDS];
/* FUNC (in vlen) and VAR (in its trailing word) linkage: static, global, extern */
#define BK_NR_LINKAGE_WORDS 3
extern const char *const bk_linkage_words[BK_NR_LINKAGE_WORDS];
/* by kind_flag: a FWD's "struct" / "union", an ENUM's "UNSIGNED" / "SIGNED" */
extern const char *const bk_fwd_kind_words[2];
extern const char *const bk_enum_sign_words[2];

static inline const char *bk_int_enc_word(uint32_t enc)
{
	return enc < BK_NR_INT_ENC_WORDS ? bk_int_enc_words[enc] : "UNKN";
}

static inline const char *bk_linkage_word(uint32_t linkage)
{
	return linkage < BK_NR_LINKAGE_WORDS ? bk_linkage_words[linkage] : "(unknown)";
}

static inline const char *bk_fwd_kind_word(bool kflag) { return bk_fwd_kind_words[kflag]; }
static inline const char *bk_enum_sign_word(bool kflag) { return bk_enum_sign_words[kflag]; }

/* A kind as bpftool names it: "UNKNOWN" (not "UNKN") for void and any
 * kind it does not know */
static inline const char *bk_kind_word(unsigned kind)
{
	return bk_kind_desc(kind) ? bk_kinds[kind].name : "UNKNOWN";
}

#endif
