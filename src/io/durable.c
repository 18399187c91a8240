// SPDX-License-Identifier: MIT
/*
 * Which file systems make a file's data durable with the next journal
 * commit, so that a set of outputs needs one sync (of its directory)
 * rather than one per file and one per directory (write.c).
 *
 * Only ext4 with a journal qualifies, told from what the kernel shows:
 * its /proc/fs/ext4/DEV/options carries data=ordered or data=writeback
 * (ext4 without a journal, as ext2 is, prints no data= line). data=journal
 * is left out (the data go through the journal by another path), and so
 * is every other file system (XFS with an external log would need a flush
 * of the data device; btrfs logs per inode): they get an fdatasync a file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "io/durable.h"

#define EXT4_MAGIC 0xEF53 /* ext2, ext3 and ext4 alike: the options tell */

bool bk_ext4_options_order_data(const char *options)
{
	for (const char *line = options; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if ((len == 12 && !strncmp(line, "data=ordered", 12)) ||
		    (len == 14 && !strncmp(line, "data=writeback", 14)))
			return true;
		line = end ? end + 1 : NULL;
	}
	return false;
}

/* The kernel's name of the block device st_dev is on ("vda1", "dm-0"):
 * the last part of /sys/dev/block/MAJ:MIN's target. */
static bool block_name(dev_t dev, char *name, size_t len)
{
	char link[64], target[512];
	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev), minor(dev));
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	const char *slash = strrchr(target, '/'), *base = slash ? slash + 1 : target;
	if (strlen(base) >= len)
		return false;
	memcpy(name, base, strlen(base) + 1);
	return name[0] && strcmp(name, ".") && strcmp(name, "..");
}

bool bk_fs_orders_data(int fd)
{
	struct statfs sfs;
	struct stat st;
	char name[256], path[320], options[4096];
	if (fstatfs(fd, &sfs) || sfs.f_type != EXT4_MAGIC || fstat(fd, &st) ||
	    !block_name(st.st_dev, name, sizeof(name)))
		return false;
	snprintf(path, sizeof(path), "/proc/fs/ext4/%s/options", name);
	int ofd = open(path, O_RDONLY | O_CLOEXEC);
	if (ofd < 0)
		return false;
	ssize_t n = read(ofd, options, sizeof(options) - 1);
	close(ofd);
	if (n <= 0)
		return false;
	options[n] = '\0';
	return bk_ext4_options_order_data(options);
}
