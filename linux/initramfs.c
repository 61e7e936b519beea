/* SPDX-License-Identifier: MIT */
/* The boot-check initramfs: just enough userland to prove init ran. busybox
 * is static (Debian's busybox-static), so no loader or libraries are needed. */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvhlinux/initramfs.h"

#define BUSYBOX_MAX (64u << 20) /* refuse absurd inputs; busybox-static is ~2 MiB */
#define PVHLINUX_PT_INTERP 3u
/* Every busybox binary carries its banner, "BusyBox v1.35.0 (Debian ...)". */
#define PVHLINUX_BUSYBOX_SIGNATURE "BusyBox v"

size_t pvhlinux_init_script(const char *marker, char *out, size_t cap) {
  if (!marker || !*marker || strlen(marker) > 64)
    return 0;
  for (const char *p = marker; *p; p++) {
    char ch = *p;
    int ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
             ch == '.' || ch == ':' || ch == '=' || ch == '-';
    if (!ok)
      return 0;
  }
  /* The uptime in the marker line gives the host a guest timestamp for a line
   * that printk does not prefix. poweroff -f skips init's shutdown scripts and
   * goes straight to reboot(2): the kernel logs "reboot: Power down". */
  int n = snprintf(out, cap,
                   "#!/bin/busybox sh\n"
                   "/bin/busybox mount -t proc proc /proc\n"
                   "/bin/busybox mount -t sysfs sysfs /sys\n"
                   "/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null\n"
                   "read up idle </proc/uptime\n"
                   "echo \"%s uptime=$up\"\n"
                   "/bin/busybox poweroff -f\n"
                   "/bin/busybox sleep 5\n",
                   marker);
  if (n < 0 || (size_t)n >= cap)
    return 0;
  return (size_t)n;
}

int pvhlinux_elf_class(const uint8_t *data, size_t len) {
  if (!data || len < 5 ||
      memcmp(data,
             "\x7f"
             "ELF",
             4) != 0)
    return 0;
  return data[4] == 1 ? 32 : data[4] == 2 ? 64 : 0; /* EI_CLASS: ELFCLASS32, ELFCLASS64 */
}

static int read_file(const char *path, uint8_t **out, size_t *len, struct pvh_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    pvh_fail(err, PVH_E_IO, "%s: %s (install busybox-static)", path, strerror(errno));
    return -1;
  }
  uint8_t *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      if (cap >= BUSYBOX_MAX) {
        pvh_fail(err, PVH_E_IO, "%s: larger than %u bytes", path, BUSYBOX_MAX);
        goto fail;
      }
      cap = cap ? cap * 2 : (1u << 20);
      uint8_t *p = realloc(buf, cap);
      if (!p) {
        pvh_fail(err, PVH_E_NOMEM, "out of memory reading %s", path);
        goto fail;
      }
      buf = p;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  if (ferror(f)) {
    pvh_fail(err, PVH_E_IO, "%s: read error", path);
    goto fail;
  }
  fclose(f);
  *out = buf;
  *len = n;
  return 0;
fail:
  free(buf);
  fclose(f);
  return -1;
}

static uint64_t le(const uint8_t *p, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = n; i-- > 0;)
    v = v << 8 | p[i];
  return v;
}

/* Whether an ELF (class 32 or 64, little endian) has a PT_INTERP program
 * header: 1 yes, 0 no, -1 the table is not inside the file. Every offset is
 * checked against len before it is read. */
static int has_interp(const uint8_t *b, size_t len, int elf_class) {
  int is64 = elf_class == 64;
  size_t ehdr = is64 ? 64 : 52;
  if (len < ehdr)
    return -1;
  uint64_t phoff = is64 ? le(b + 0x20, 8) : le(b + 0x1c, 4);
  uint64_t entsize = le(b + (is64 ? 0x36 : 0x2a), 2), num = le(b + (is64 ? 0x38 : 0x2c), 2);
  if (num == 0)
    return 0;
  if (entsize < 4 || phoff > len || num > (len - phoff) / entsize)
    return -1;
  for (uint64_t i = 0; i < num; i++)
    if (le(b + phoff + i * entsize, 4) == PVHLINUX_PT_INTERP)
      return 1;
  return 0;
}

/* /init runs /bin/busybox before anything else exists in the initramfs: it
 * must be an ELF the kernel can run (a 32-bit kernel cannot run a 64-bit
 * one), static (no PT_INTERP: there is no dynamic loader or libc in the
 * archive), and busybox (the script calls its applets). Each is refused here
 * with the reason, instead of the kernel's "No working init found". */
static int busybox_usable(const uint8_t *bb, size_t len, const char *path, int kernel_class,
                          struct pvh_error *err) {
  int bb_class = pvhlinux_elf_class(bb, len);
  if (!bb_class) {
    pvh_fail(err, PVH_E_IO, "%s is not an ELF executable", path);
    return -1;
  }
  if (kernel_class == 32 && bb_class == 64) {
    pvh_fail(err, PVH_E_INVALID_ARG,
             "busybox %s is ELF64 but the kernel is ELF32: a 32-bit kernel cannot run it; give an i386 "
             "busybox-static with --busybox (linux/fetch-i386.sh puts one in ~/.cache/pvhcheck/i386/busybox)",
             path);
    return -1;
  }
  int dynamic = has_interp(bb, len, bb_class);
  if (dynamic < 0) {
    pvh_fail(err, PVH_E_INVALID_ARG, "busybox %s: its program header table lies outside the file", path);
    return -1;
  }
  if (dynamic) {
    pvh_fail(err, PVH_E_INVALID_ARG,
             "busybox %s is dynamically linked (it has a PT_INTERP), but the initramfs holds no loader or "
             "libraries: give a static busybox (Debian's busybox-static installs /bin/busybox)",
             path);
    return -1;
  }
  if (!memmem(bb, len, PVHLINUX_BUSYBOX_SIGNATURE, strlen(PVHLINUX_BUSYBOX_SIGNATURE))) {
    pvh_fail(err, PVH_E_INVALID_ARG,
             "%s is not busybox (no \"%s\" in it), and /init runs busybox applets: give busybox-static's "
             "/bin/busybox with --busybox",
             path, PVHLINUX_BUSYBOX_SIGNATURE);
    return -1;
  }
  return 0;
}

/* The archive of a run that ends before /init: the same directories and
 * console node, and an /init that says why there is no userland. */
static int placeholder(struct pvhlinux_cpio *c, struct pvh_error *err) {
  static const char init[] =
      "#!/bin/busybox sh\n"
      "# pvhcheck: this run checks only the stages before /init, so no busybox was added\n";
  static const char *const dirs[] = {"bin", "dev", "proc", "sys"};
  for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
    pvhlinux_cpio_dir(c, dirs[i], 0755);
  pvhlinux_cpio_chardev(c, "dev/console", 0600, 5, 1);
  pvhlinux_cpio_file(c, "init", 0755, init, sizeof(init) - 1);
  if (pvhlinux_cpio_finish(c)) {
    pvh_fail(err, PVH_E_NOMEM, "cpio writer failed (out of memory?)");
    pvhlinux_cpio_free(c);
    return -1;
  }
  return 0;
}

int pvhlinux_initramfs_build(const struct pvhlinux_initramfs_opts *o, struct pvhlinux_cpio *c,
                             struct pvh_error *err) {
  const char *bb_path = (o && o->busybox_path) ? o->busybox_path : "/bin/busybox";
  const char *marker = (o && o->marker) ? o->marker : PVHLINUX_INIT_MARKER;
  pvhlinux_cpio_init(c);

  char script[1024];
  size_t script_len = pvhlinux_init_script(marker, script, sizeof(script));
  if (!script_len) {
    pvh_fail(err, PVH_E_INVALID_ARG, "marker '%s' is empty, too long or not [A-Za-z0-9_.:=-]", marker);
    return -1;
  }
  if (o && o->no_userland)
    return placeholder(c, err);
  uint8_t *bb = NULL;
  size_t bb_len = 0;
  if (read_file(bb_path, &bb, &bb_len, err))
    return -1;
  if (busybox_usable(bb, bb_len, bb_path, o ? o->kernel_elf_class : 0, err)) {
    free(bb);
    return -1;
  }

  static const char *const dirs[] = {"bin", "dev", "proc", "sys", "sbin", "tmp", "root"};
  for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
    pvhlinux_cpio_dir(c, dirs[i], 0755);
  /* The kernel opens /dev/console for init's stdio before devtmpfs exists. */
  pvhlinux_cpio_chardev(c, "dev/console", 0600, 5, 1);
  pvhlinux_cpio_file(c, "bin/busybox", 0755, bb, bb_len);
  static const char *const applets[] = {"sh", "mount", "echo", "cat", "poweroff", "sleep"};
  for (size_t i = 0; i < sizeof(applets) / sizeof(applets[0]); i++) {
    char name[32];
    snprintf(name, sizeof(name), "bin/%s", applets[i]);
    pvhlinux_cpio_symlink(c, name, "busybox");
  }
  pvhlinux_cpio_file(c, "init", 0755, script, script_len);
  free(bb);
  if (pvhlinux_cpio_finish(c)) {
    pvh_fail(err, PVH_E_NOMEM, "cpio writer failed (out of memory?)");
    pvhlinux_cpio_free(c);
    return -1;
  }
  return 0;
}
