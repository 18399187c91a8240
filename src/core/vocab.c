// SPDX-License-Identifier: MIT
/* bpftool's words (see vocab.h), the one copy dump, asm and relocate share. */
#include "core/vocab.h"

const char *const bk_int_enc_words[BK_NR_INT_ENC_WORDS] = {"(none)", "SIGNED", "CHAR", "UNKN",
							   "BOOL"};
const char *const bk_linkage_words[BK_NR_LINKAGE_WORDS] = {"static", "global", "extern"};
const char *const bk_fwd_kind_words[2] = {"struct", "union"};
const char *const bk_enum_sign_words[2] = {"UNSIGNED", "SIGNED"};
