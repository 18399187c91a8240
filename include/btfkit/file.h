/* SPDX-License-Identifier: MIT */
/* Files: loading BTF from raw blobs and ELF files (compressed too),
 * fault-safe output, ELF section write-back. */
#ifndef BTFKIT_FILE_H
#define BTFKIT_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "btfkit/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Loading BTF from files                                              */

/* Loading a module's BTF, placed on a base (relocated through its
 * .BTF.base): bk_btf_load in module.h. */

/* Load one section of a file as BTF (".BTF" or ".BTF.base"); a raw blob
 * has only ".BTF". -ENOENT (exit 1) when the section is missing. */
BK_API int bk_btf_load_section(const char *path, const char *section, const struct bk_btf *base,
			       struct bk_btf **out, struct bk_error *err);

/* Write a file through a temporary in the same directory, fsync and rename:
 * the old file is untouched on any failure. path "-" writes stdout, unless
 * it is a terminal (-ENOTTY, an I/O error: binary data is not for screens). */
BK_API int bk_write_file(const char *path, const void *data, size_t size, struct bk_error *err);
/* Several outputs of one command, landing as a set: every file is written
 * and synced to a temporary first, and only then are they all renamed into
 * place; any failure before that leaves every target as it was (and a
 * failed rename is undone). Only a SIGKILL or power cut between the first
 * and the last rename can leave some targets new and some old. "-" (at
 * most meaningful once) is written after the files are in place. The
 * error names the output that failed. */
struct bk_output {
	const char *path;
	const void *data;
	size_t size;
};
BK_API int bk_write_files(const struct bk_output *outs, size_t n, struct bk_error *err);


/* ------------------------------------------------------------------ */
/* Input files: raw blobs or ELF (libelf), possibly compressed          */

struct bk_file;

/* Map large input files (1 MiB and more) from the page cache instead of
 * copying them into memory: a vmlinux loads in a fraction of the time. Off
 * by default, because it takes a signal for the process: a file is mapped
 * only under a read lease (fcntl F_SETLEASE), so that nobody can change or
 * truncate it under the mapping, and when someone tries, the kernel sends
 * SIGIO; btfkit's handler then copies the mapping into memory of its own
 * at the same address and gives the lease back (the writer waits for the
 * copy only). A SIGIO handler that was there before is still called, and
 * SIGIO must not be blocked in every thread. A child forked without exec
 * shares the mappings, and so holds the leases too until it exits or
 * execs: fork before loading, or exec. Files that cannot be leased
 * (another user's, on a file system without leases) are read as usual;
 * the kernel's BTF in sysfs, which cannot change, is mapped read-only. */
BK_API void bk_map_large_inputs(bool on);

/* Read a whole file (decompressing .xz/.zst/.gz by content) and, when it is
 * ELF, index its sections. path "-" reads standard input (named "<stdin>");
 * so do bk_btf_load and bk_btf_load_section. */
BK_API int bk_file_open(const char *path, struct bk_file **out, struct bk_error *err);
BK_API int bk_file_open_mem(const void *data, size_t size, const char *name, struct bk_file **out,
			    struct bk_error *err);
BK_API void bk_file_close(struct bk_file *f);
BK_API bool bk_file_is_elf(const struct bk_file *f);
BK_API const char *bk_file_name(const struct bk_file *f);
/* the whole (decompressed) content */
BK_API const void *bk_file_data(const struct bk_file *f, size_t *size);
/* A section's bytes; a raw blob has only ".BTF". -ENOENT when absent. */
BK_API int bk_file_section(const struct bk_file *f, const char *name, const void **data, size_t *size);
/* The same, saying in err why there are no bytes: no such section (-ENOENT),
 * SHT_NOBITS (-EINVAL), compressed (-ENOTSUP). */
BK_API int bk_file_section_bytes(const struct bk_file *f, const char *name, const void **data,
				 size_t *size, struct bk_error *err);
/* Kernel module signature trailer ("~Module signature appended~"): its
 * length, 0 when unsigned. */
BK_API size_t bk_file_signature_len(const struct bk_file *f);

/* Parse a file's section as BTF (see bk_btf_parse). */
BK_API int bk_file_btf(const struct bk_file *f, const char *section, const struct bk_btf *base,
		       struct bk_btf **out, struct bk_error *err);

/* Write f (an ELF file) to out_path with sections replaced or added, e.g.
 * a module's .BTF replaced and .BTF.base added after distilling:
 *
 *   struct bk_elf_section_edit ed[] = {
 *           {".BTF", split_blob, split_size},
 *           {".BTF.base", base_blob, base_size},
 *   };
 *   bk_elf_write_sections(f, ed, 2, strip_signature, "out.ko", &err);
 *
 * - edits[i].name names the section; data/size are its new bytes, written
 *   exactly as given (a BTF blob carries its own byte order: write it in
 *   the file's, see bk_btf_big_endian and struct bk_write_opts). The data
 *   is only read during the call.
 * - A section that exists is replaced (its header kept: type, flags,
 *   alignment, link); one that does not is added at the end of the section
 *   table as SHT_PROGBITS with .BTF's flags and alignment 1 (what pahole and
 *   objcopy give .BTF.base), its name appended to .shstrtab.
 * - Everything else is kept: every section's index, header and bytes, so
 *   symbols and relocations stay valid. Sections stay at their offsets,
 *   except that a grown or new section (and .shstrtab when it grows) goes
 *   after the last one, and the section header table after those.
 * - An edit with data NULL removes the section, when it is the last one
 *   and nothing refers to it (no symbol is defined in it, no section links
 *   to it): the other sections keep their indices. Any other removal is
 *   not supported (-ENOTSUP); neither is replacing .shstrtab, an SHT_NOBITS
 *   or a compressed section, nor a raw blob as f (-EINVAL).
 * - A signed kernel module (bk_file_signature_len(f) > 0): changing it voids
 *   its signature, so it is refused (-EPERM, exit status 1) unless
 *   strip_signature is true; then the output is the plain ELF, unsigned.
 *   strip_signature has no effect on an unsigned file.
 * - out_path is written through bk_write_file (temporary + rename; "-" is
 *   standard output): on any failure it is left as it was, and it may be
 *   f's own path. */
struct bk_elf_section_edit {
	const char *name;
	const void *data;
	size_t size;
};
BK_API int bk_elf_write_sections(const struct bk_file *f, const struct bk_elf_section_edit *edits,
				 size_t nr_edits, bool strip_signature, const char *out_path,
				 struct bk_error *err);
/* The same image, malloc'd into *image instead of written. Both refuse
 * (-EINVAL, nothing written) an input whose parts overlap (sections, the
 * ELF header, the section or program header table), a section to be moved
 * that asks for more than a page of alignment, and, having read the image
 * back, any difference from the input other than the edits: the output is
 * the input with the edits, or there is none. */
BK_API int bk_elf_sections_image(const struct bk_file *f,
				 const struct bk_elf_section_edit *edits, size_t nr_edits,
				 bool strip_signature, void **image, size_t *size,
				 struct bk_error *err);

/* The compression f was read in: "xz", "zstd", "gzip", or NULL. */
BK_API const char *bk_file_compression(const struct bk_file *f);
/* The compression an output name asks for: "xz" for *.xz, "zstd" for
 * *.zst, "gzip" for *.gz, NULL for anything else. */
BK_API const char *bk_compression_for_name(const char *path);

/* data compressed in format ("xz": CRC32 check and a 1 MiB dictionary as
 * kbuild writes modules, "zstd", "gzip"), malloc'd into *out. */
BK_API int bk_compress_data(const char *format, const void *data, size_t size, void **out,
			    size_t *out_size, struct bk_error *err);

/* bk_elf_write_sections() with options. */
struct bk_elf_write_opts {
	size_t sz; /* sizeof(struct bk_elf_write_opts): declare with BK_OPTS */
	bool strip_signature;
	/* the output compressed: "xz" (CRC32 check, 1 MiB dictionary: kbuild's
	 * settings, what kmod reads), "zstd", "gzip"; NULL or "": plain ELF */
	const char *compression;
};
BK_API int bk_elf_write_sections_opts(const struct bk_file *f,
				      const struct bk_elf_section_edit *edits, size_t nr_edits,
				      const struct bk_elf_write_opts *opts, const char *out_path,
				      struct bk_error *err);

#ifdef __cplusplus
}
#endif
#endif /* BTFKIT_FILE_H */
