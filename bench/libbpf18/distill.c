// SPDX-License-Identifier: MIT
/*
 * The program issue 11 compares distill's whole process with: libbpf (1.5 or
 * later, for btf__distill_base) distills a module's split BTF and writes the
 * two blobs as any program would (open, write, close: no temporaries, no
 * renames, no syncs). Its outputs are byte for byte btfkit's.
 * Usage: distill VMLINUX MODULE BASE_OUT SPLIT_OUT   (run.sh builds and runs it)
 */
#include <bpf/btf.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static int put(const char *path, const void *data, __u32 size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	return fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: distill VMLINUX MODULE BASE_OUT SPLIT_OUT\n");
		return 2;
	}
	struct btf *vmlinux = btf__parse(argv[1], NULL);
	struct btf *split = vmlinux ? btf__parse_split(argv[2], vmlinux) : NULL;
	struct btf *base_out = NULL, *split_out = NULL;
	if (!split || btf__distill_base(split, &base_out, &split_out)) {
		fprintf(stderr, "distill: libbpf could not read or distill %s\n", argv[2]);
		return 1;
	}
	__u32 n1, n2;
	const void *b1 = btf__raw_data(base_out, &n1), *b2 = btf__raw_data(split_out, &n2);
	return put(argv[3], b1, n1) || put(argv[4], b2, n2);
}
