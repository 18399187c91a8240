// SPDX-License-Identifier: MIT
/*
 * The raw writer and fault-safe file output.
 *
 * A blob is written as header, types, layout (when kept), strings: the
 * arrangement libbpf, pahole and the kernel use, so a blob read and written
 * back keeps its bytes. BTF that btfkit built gets libbpf 1.8's 32-byte
 * header with zero layout fields.
 */
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/btf_internal.h"
#include "core/opts_internal.h"

static void put32(uint8_t *p, uint32_t v, bool swap)
{
	if (swap)
		v = bk_bswap32(v);
	memcpy(p, &v, 4);
}

static bool want_swap(const struct bk_btf *b, enum bk_endian e)
{
	switch (e) {
	case BK_ENDIAN_LITTLE: return bk_host_big_endian();
	case BK_ENDIAN_BIG: return !bk_host_big_endian();
	case BK_ENDIAN_NATIVE: return false;
	default: return b->swapped;
	}
}

int bk_btf_write(const struct bk_btf *b, const struct bk_write_opts *opts, void **data,
		 size_t *size, struct bk_error *err)
{
	struct bk_write_opts o;
	int e = bk_opts_load(&o, sizeof(o), opts, "bk_write_opts", err);
	if (e)
		return e;
	opts = &o;
	uint32_t hdr_len = opts->hdr_len ? opts->hdr_len : b->hdr_len ? b->hdr_len : BK_HDR_LEN_LAYOUT;
	/* asked for: 24 or 32+; as read, 25..31 too (the reader takes them) */
	if (opts->hdr_len && hdr_len != BK_HDR_LEN_CLASSIC && hdr_len < BK_HDR_LEN_LAYOUT)
		return bk_err(err, -EINVAL, "header length %u: 24 or at least 32", hdr_len);
	uint32_t layout_len = hdr_len >= BK_HDR_LEN_LAYOUT ? b->layout_len : 0;
	if (b->layout_len && !layout_len)
		return bk_err(err, -EINVAL,
			      "a %u-byte header cannot hold the %u-byte layout section", hdr_len,
			      b->layout_len);
	uint64_t total = (uint64_t)hdr_len + b->types_len + layout_len + b->strs_len;
	if (total > UINT32_MAX)
		return bk_err(err, -E2BIG, "BTF of %llu bytes is too large", (unsigned long long)total);
	bool swap = want_swap(b, opts->endian);
	uint8_t *out = calloc(1, (size_t)total);
	if (!out)
		return bk_err(err, -ENOMEM, "out of memory for %llu bytes", (unsigned long long)total);

	uint16_t magic = swap ? bk_bswap16(BK_MAGIC) : BK_MAGIC;
	memcpy(out, &magic, 2);
	out[2] = BK_VERSION;
	out[3] = 0;
	uint32_t types_off = 0, layout_off = (uint32_t)b->types_len;
	uint32_t str_off = layout_off + layout_len;
	put32(out + 4, hdr_len, swap);
	put32(out + 8, types_off, swap);
	put32(out + 12, (uint32_t)b->types_len, swap);
	put32(out + 16, str_off, swap);
	put32(out + 20, (uint32_t)b->strs_len, swap);
	if (hdr_len >= BK_HDR_LEN_LAYOUT) {
		put32(out + 24, layout_len ? layout_off : 0, swap);
		put32(out + 28, layout_len, swap);
	}
	/* header bytes this version does not know: kept as read */
	uint32_t known = hdr_len >= BK_HDR_LEN_LAYOUT ? BK_HDR_LEN_LAYOUT : BK_HDR_LEN_CLASSIC;
	if (b->raw && hdr_len > known && b->hdr_len >= hdr_len)
		memcpy(out + known, (uint8_t *)b->raw + known, hdr_len - known);

	uint8_t *p = out + hdr_len;
	for (size_t i = 0; i + 4 <= b->types_len; i += 4) {
		uint32_t v;
		memcpy(&v, b->types + i, 4);
		put32(p + i, v, swap);
	}
	p += b->types_len;
	if (layout_len) {
		memcpy(p, b->layout, layout_len);
		/* each entry is {u8 info_sz, u8 elem_sz, u16 flags}: flags follow the order */
		if (swap != b->swapped)
			for (uint32_t i = 0; i + 4 <= layout_len; i += 4) {
				uint8_t t = p[i + 2];
				p[i + 2] = p[i + 3];
				p[i + 3] = t;
			}
		p += layout_len;
	}
	if (b->strs_len)
		memcpy(p, b->strs, b->strs_len);
	*data = out;
	*size = (size_t)total;
	return 0;
}

/* ---- fault-safe file output --------------------------------------------- */

static int write_all(int fd, const void *data, size_t size)
{
	const uint8_t *p = data;
	while (size) {
		ssize_t n = write(fd, p, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

static int write_stdout(const void *data, size_t size, struct bk_error *err)
{
	/* what goes out here is binary (BTF, ELF): never onto a terminal,
	 * where it would only garble the screen; "-" is for pipes and files */
	if (isatty(STDOUT_FILENO)) {
		bk_err(err, -ENOTTY, "will not write binary data to a terminal; name a file "
				     "or redirect standard output");
		if (err) {
			bk_err_set_source(err, "<stdout>", NULL);
			err->io = true;
		}
		return -ENOTTY;
	}
	int e = write_all(STDOUT_FILENO, data, size);
	return e ? bk_err_io(err, e, "<stdout>", "cannot write") : 0;
}

/* The mode a new file gets: the old file's, or 0666 less the umask. */
static mode_t target_mode(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0)
		return st.st_mode & 07777;
	mode_t um = umask(0);
	umask(um);
	return 0666 & ~um;
}

/* Temporary names are "NAME.btfkit-PID-...", beside NAME. A writer killed
 * (SIGKILL) in the microseconds between naming its file and renaming it
 * leaves one behind: the next write to NAME removes those whose writer is
 * gone. */
static void remove_stale_temps(const char *dir, const char *name)
{
	char prefix[NAME_MAX + 16];
	snprintf(prefix, sizeof(prefix), "%s.btfkit-", name);
	size_t plen = strlen(prefix);
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char *end;
		if (strncmp(e->d_name, prefix, plen))
			continue;
		long pid = strtol(e->d_name + plen, &end, 10);
		if (end == e->d_name + plen || *end != '-' || pid <= 0 || pid == getpid())
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue; /* its writer is alive: not ours to touch */
		unlinkat(dirfd(d), e->d_name, 0);
	}
	if (d)
		closedir(d);
}

/* Give the unnamed file fd its name: straight at path when path does not
 * exist yet (no temporary name at all), else at a temporary name in tmp,
 * for the caller to rename. Returns 0 when done, 1 when tmp needs the
 * rename, or a negative errno. */
static int name_tmpfile(int fd, const char *path, char *tmp, size_t len)
{
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	for (int i = 0; i < 100; i++) {
		snprintf(tmp, len, "%s.btfkit-%d-%d", path, (int)getpid(), i);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0)
			return 1;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/*
 * Write to an unnamed O_TMPFILE in the target's directory (nothing is left
 * if the process dies while writing), fsync it, and only then give it a
 * name: the target's own when there is no target yet, else a temporary one
 * renamed over the target at once, with catchable signals blocked. Where
 * O_TMPFILE is not supported, a mkstemp() file is used and removed on
 * failure.
 */
int bk_write_file(const char *path, const void *data, size_t size, struct bk_error *err)
{
	if (!strcmp(path, "-"))
		return write_stdout(data, size, err);
	char dirbuf[PATH_MAX], namebuf[PATH_MAX], tmp[PATH_MAX + 48];
	snprintf(dirbuf, sizeof(dirbuf), "%s", path);
	snprintf(namebuf, sizeof(namebuf), "%s", path);
	const char *dir = dirname(dirbuf);
	sigset_t all, old;
	int e = 0, fd;
	bool named = false;

	remove_stale_temps(dir, basename(namebuf));
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(tmp, sizeof(tmp), "%s.btfkit-%d-XXXXXX", path, (int)getpid());
		fd = mkstemp(tmp);
		if (fd < 0)
			return bk_err_io(err, -errno, path, "cannot create a temporary file");
		named = true;
	}
	if ((e = write_all(fd, data, size)) || (fchmod(fd, target_mode(path)) && (e = -errno)) ||
	    (fsync(fd) && (e = -errno)))
		goto fail;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	if (!named) {
		e = name_tmpfile(fd, path, tmp, sizeof(tmp));
		named = e == 1;
	}
	if (named && rename(tmp, path))
		e = -errno;
	else if (e == 1)
		e = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (e)
		goto fail;
	close(fd);
	/* the new name is durable once the directory is synced */
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
fail:
	if (named)
		unlink(tmp);
	close(fd);
	return bk_err_io(err, e, path, "cannot write");
}
