/* SPDX-License-Identifier: MIT */
/* Private to libbtfkit: what making a written file durable takes on the
 * file system it is on (write.c; the reasoning is in docs/fuzzing.md,
 * "Outputs that land as a set"). */
#ifndef BTFKIT_DURABLE_H
#define BTFKIT_DURABLE_H
#include <stdbool.h>

/* Is fd's file system one whose metadata goes through one journal that
 * commits in order and flushes the device before each commit, with file
 * data written no later than the commit that refers to it: ext4 with a
 * journal in data=ordered or data=writeback mode? There, data written
 * out and waited for (no flush of its own) is made durable, with the
 * renames that follow, by the directory's one fsync. false when unsure. */
bool bk_fs_orders_data(int fd);

/* The same told from the text of /proc/fs/ext4/DEV/options (one option a
 * line): true for data=ordered or data=writeback (a journal; without one
 * the kernel prints no data= line), false for data=journal or none. */
bool bk_ext4_options_order_data(const char *options);
#endif
