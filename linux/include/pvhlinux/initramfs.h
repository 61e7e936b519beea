/* SPDX-License-Identifier: MIT */
/* A newc ("070701") cpio writer and the project's own boot-check initramfs:
 * busybox-static as /bin/busybox, an /init that mounts proc/sys/dev, prints a
 * marker and powers the machine off. Output is deterministic (fixed inode
 * numbers, mtime, owner), so the same inputs give byte-identical archives. */
#ifndef PVHLINUX_INITRAMFS_H
#define PVHLINUX_INITRAMFS_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The marker /init prints, followed by " uptime=<seconds from /proc/uptime>". */
#define PVHLINUX_INIT_MARKER "PVHCHECK-INIT-OK"
/* cpio limits: one newc field is 8 hex digits; names are kept short on purpose. */
#define PVHLINUX_CPIO_MAX_NAME 255u
#define PVHLINUX_CPIO_MAX_FILE 0xffffffffu

struct pvhlinux_cpio {
  uint8_t *data;
  size_t len, cap;
  uint32_t next_ino;
  int failed; /* sticky: an append failed (no memory, bad argument) */
};

void pvhlinux_cpio_init(struct pvhlinux_cpio *c);
void pvhlinux_cpio_free(struct pvhlinux_cpio *c);
/* mode includes the file type bits (0040000 dir, 0100000 file, 0120000 link,
 * 0020000 char device). Names are archive paths without a leading '/'. */
int pvhlinux_cpio_dir(struct pvhlinux_cpio *c, const char *name, uint32_t mode);
int pvhlinux_cpio_file(struct pvhlinux_cpio *c, const char *name, uint32_t mode, const void *data,
                       size_t len);
int pvhlinux_cpio_symlink(struct pvhlinux_cpio *c, const char *name, const char *target);
int pvhlinux_cpio_chardev(struct pvhlinux_cpio *c, const char *name, uint32_t mode, uint32_t major,
                          uint32_t minor);
/* Appends the TRAILER!!! entry. Returns 0, or -1 if any append failed. */
int pvhlinux_cpio_finish(struct pvhlinux_cpio *c);

struct pvhlinux_initramfs_opts {
  const char *busybox_path; /* NULL: "/bin/busybox" (Debian busybox-static) */
  const char *marker;       /* NULL: PVHLINUX_INIT_MARKER */
  /* The kernel's ELF class (32 or 64), 0 unknown. A 32-bit kernel cannot run
   * a 64-bit busybox (its /init would fail with ENOEXEC and the kernel panic
   * "No working init found"), so that pairing is refused up front. A 32-bit
   * busybox under a 64-bit kernel is accepted (IA32 emulation). */
  int kernel_elf_class;
  /* The run stops before /init (e.g. --until entry): no busybox is read, and
   * /init is a placeholder, so a host without a usable busybox still checks
   * every stage up to the RAMDISK placement. */
  int no_userland;
};

/* The ELF class of a file's first bytes: 32, 64, or 0 when not ELF. */
int pvhlinux_elf_class(const uint8_t *data, size_t len);

/* Writes the /init script text for `marker` to out (NUL-terminated). Returns its
 * length, or 0 if cap is too small or the marker has characters a shell would
 * interpret (only [A-Za-z0-9_.:=-] are allowed). */
size_t pvhlinux_init_script(const char *marker, char *out, size_t cap);

/* Builds the whole archive into *c (initialised by the call). Returns 0, or -1
 * with err set: io-error (busybox unreadable or not an ELF), invalid-argument
 * (bad marker; a 64-bit busybox for a 32-bit kernel; a busybox that is not
 * static or not busybox), out-of-memory. */
int pvhlinux_initramfs_build(const struct pvhlinux_initramfs_opts *o, struct pvhlinux_cpio *c,
                             struct pvh_error *err);

#ifdef __cplusplus
}
#endif
#endif
