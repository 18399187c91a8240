// SPDX-License-Identifier: MIT
/*
 * Large input files mapped instead of read, when the program asked for it
 * (bk_map_large_inputs). Reading a vmlinux copies 5.5 MB into memory that
 * the kernel must first find and clear; a mapping of the page cache needs
 * neither: the dump of a vmlinux takes half the time.
 *
 * A mapping is only as steady as its file, though. A process that writes
 * the file would change the bytes under a reader that has checked them,
 * and one that truncates it would make the next access raise SIGBUS. So a
 * file is mapped only under a read lease (fcntl F_SETLEASE, F_RDLCK): the
 * kernel grants one only while nobody has the file open for writing, and
 * then makes whoever opens it for writing or truncates it wait until the
 * lease is given back (up to /proc/sys/fs/lease-break-time, 45 s), having
 * sent the holder a signal (SIGIO). On that signal, the handler below
 * copies each mapping whose lease is being broken into anonymous memory,
 * moves the copy over the mapping at the same address (mremap) and gives
 * the lease back: the bytes the reader sees never change, and the writer
 * waits only for the copy. Where no lease is granted (another user's file
 * without CAP_LEASE, a file system without leases, a writer already
 * there), or no slot or mapping is left, the file is read as before.
 *
 * The handler uses only system calls and memcpy; it waits for nothing (a
 * slot someone else has is skipped: its owner is releasing it, which gives
 * the lease back too). A handler that was there before is called after.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "core/btf_internal.h"
#include "core/mapped.h"
#include "io/map.h"

#define MAP_MIN_SIZE ((size_t)1 << 20) /* below, reading costs less than mapping */
#define LEASE_SIGNAL SIGIO

static atomic_bool map_on;
static pthread_once_t handler_once = PTHREAD_ONCE_INIT;
static bool handler_ready;
static struct sigaction previous;

void bk_map_large_inputs(bool on)
{
	atomic_store(&map_on, on);
}

/* The mapping's bytes copied into anonymous memory at the same address;
 * false when there is no memory for the copy (the mapping stays). */
static bool copy_in_place(struct bk_mapping *m)
{
	void *copy = mmap(NULL, m->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (copy == MAP_FAILED)
		return false;
	memcpy(copy, m->addr, m->len);
	if (mremap(copy, m->len, m->len, MREMAP_MAYMOVE | MREMAP_FIXED, m->addr) == MAP_FAILED) {
		munmap(copy, m->len);
		return false;
	}
	return true;
}

/* m's file taken off it, when its lease is being broken (a writer waits).
 * Without memory for the copy the lease is kept: the writer then waits
 * for the mapping's release, or for the kernel's lease-break timeout. */
static void detach_if_breaking(struct bk_mapping *m)
{
	if (!bk_mapping_take(m))
		return;
	if (m->fd >= 0 && fcntl(m->fd, F_GETLEASE) != F_RDLCK && copy_in_place(m)) {
		close(m->fd); /* the lease goes with it */
		m->fd = -1;
	}
	atomic_store(&m->state, BK_MAP_LIVE);
}

static void on_lease_break(int sig, siginfo_t *info, void *ctx)
{
	int saved = errno;
	for (size_t i = 0; i < BK_MAX_MAPPINGS; i++)
		detach_if_breaking(&bk_mappings[i]);
	errno = saved;
	if (previous.sa_flags & SA_SIGINFO) {
		if (previous.sa_sigaction)
			previous.sa_sigaction(sig, info, ctx);
	} else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
		previous.sa_handler(sig);
	}
}

static void install_handler(void)
{
	struct sigaction sa = {.sa_sigaction = on_lease_break, .sa_flags = SA_SIGINFO | SA_RESTART};
	sigemptyset(&sa.sa_mask);
	handler_ready = !sigaction(LEASE_SIGNAL, &sa, &previous);
}

/* fd's file under a read lease, its signal ours, still size bytes long
 * (the size was read before the lease: a file cut short meanwhile would
 * map pages past its end); false when refused */
static bool take_lease(int fd, size_t size)
{
	struct stat st;
	if (pthread_once(&handler_once, install_handler) || !handler_ready)
		return false;
	return !fcntl(fd, F_SETSIG, LEASE_SIGNAL) && !fcntl(fd, F_SETLEASE, F_RDLCK) &&
	       !fstat(fd, &st) && (uint64_t)st.st_size == size;
}

/*
 * The kernel's own BTF in sysfs (/sys/kernel/btf/vmlinux: what BPF users
 * dump) cannot change, so it needs no lease; Linux 6.16 and later map it,
 * read-only only. Nothing writes to an input buffer except the byte swap
 * of a foreign blob (read.c) and libelf's conversions of a foreign ELF:
 * the kernel's BTF is neither, which the magic tells before it is mapped.
 */
static bool is_native_btf_in_sysfs(int fd)
{
	struct statfs fs;
	uint16_t magic;
	return !fstatfs(fd, &fs) && fs.f_type == SYSFS_MAGIC &&
	       pread(fd, &magic, sizeof(magic), 0) == sizeof(magic) && magic == BK_MAGIC;
}

static void *map_sysfs(int fd, size_t size, struct bk_mapping *m)
{
	void *addr = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (addr == MAP_FAILED)
		return NULL;
	bk_mapping_publish(m, addr, size, -1);
	return addr;
}

void *bk_map_file(int fd, size_t size)
{
	if (!atomic_load(&map_on) || size < MAP_MIN_SIZE)
		return NULL;
	struct bk_mapping *m = bk_mapping_claim();
	if (!m)
		return NULL;
	void *addr = MAP_FAILED;
	if (is_native_btf_in_sysfs(fd)) {
		if ((addr = map_sysfs(fd, size, m)))
			return addr;
		bk_mapping_drop(m);
		return NULL;
	}
	int lease_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (lease_fd >= 0 && take_lease(lease_fd, size))
		addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, lease_fd, 0);
	if (addr == MAP_FAILED) {
		if (lease_fd >= 0)
			close(lease_fd);
		bk_mapping_drop(m);
		return NULL;
	}
	bk_mapping_publish(m, addr, size, lease_fd);
	/* a break that began while the slot was being set up had no handler
	 * to see it: see to it now */
	detach_if_breaking(m);
	return addr;
}
