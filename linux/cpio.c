/* SPDX-License-Identifier: MIT */
/* newc cpio writer (the format Linux's initramfs unpacker reads): a 110-byte
 * ASCII header of 13 8-hex-digit fields, the NUL-terminated name, padding to 4,
 * the data, padding to 4. Every field is fixed except the inode number, which
 * counts up, so archives are reproducible. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvhlinux/initramfs.h"

#define NEWC_HDR_LEN 110u
/* A fixed, non-zero mtime (2020-01-01) keeps output reproducible without
 * looking like a missing timestamp. */
#define NEWC_MTIME 1577836800u

void pvhlinux_cpio_init(struct pvhlinux_cpio *c) {
  memset(c, 0, sizeof(*c));
  c->next_ino = 1;
}

void pvhlinux_cpio_free(struct pvhlinux_cpio *c) {
  free(c->data);
  pvhlinux_cpio_init(c);
}

static int reserve(struct pvhlinux_cpio *c, size_t more) {
  if (more > SIZE_MAX - c->len)
    return -1;
  size_t need = c->len + more;
  if (need <= c->cap)
    return 0;
  size_t cap = c->cap ? c->cap : 4096;
  while (cap < need) {
    if (cap > SIZE_MAX / 2)
      return -1;
    cap *= 2;
  }
  uint8_t *p = realloc(c->data, cap);
  if (!p)
    return -1;
  c->data = p;
  c->cap = cap;
  return 0;
}

static void put(struct pvhlinux_cpio *c, const void *src, size_t len) {
  if (len)
    memcpy(c->data + c->len, src, len);
  c->len += len;
}

static void pad4(struct pvhlinux_cpio *c) {
  static const uint8_t zeros[4];
  put(c, zeros, (4 - (c->len & 3)) & 3);
}

static int entry(struct pvhlinux_cpio *c, const char *name, uint32_t mode, uint32_t nlink, const void *data,
                 size_t len, uint32_t rmaj, uint32_t rmin) {
  if (c->failed)
    return -1;
  size_t namesz = name ? strlen(name) + 1 : 0;
  if (namesz < 2 || namesz - 1 > PVHLINUX_CPIO_MAX_NAME || name[0] == '/' || len > PVHLINUX_CPIO_MAX_FILE ||
      (len && !data)) {
    c->failed = 1;
    return -1;
  }
  /* header + name + pad (<=3) + data + pad (<=3); all small or bounded above. */
  if (len > SIZE_MAX - (NEWC_HDR_LEN + namesz + 6) || reserve(c, NEWC_HDR_LEN + namesz + 6 + len)) {
    c->failed = 1;
    return -1;
  }
  char hdr[NEWC_HDR_LEN + 1];
  int n =
      snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", c->next_ino++,
               mode, 0u, 0u, nlink, NEWC_MTIME, (uint32_t)len, 0u, 0u, rmaj, rmin, (uint32_t)namesz, 0u);
  if (n != (int)NEWC_HDR_LEN) {
    c->failed = 1;
    return -1;
  }
  put(c, hdr, NEWC_HDR_LEN);
  put(c, name, namesz);
  pad4(c);
  put(c, data, len);
  pad4(c);
  return 0;
}

int pvhlinux_cpio_dir(struct pvhlinux_cpio *c, const char *name, uint32_t mode) {
  return entry(c, name, 0040000u | (mode & 07777u), 2, NULL, 0, 0, 0);
}

int pvhlinux_cpio_file(struct pvhlinux_cpio *c, const char *name, uint32_t mode, const void *data,
                       size_t len) {
  return entry(c, name, 0100000u | (mode & 07777u), 1, data, len, 0, 0);
}

int pvhlinux_cpio_symlink(struct pvhlinux_cpio *c, const char *name, const char *target) {
  /* A symlink's data is its target, without a NUL. */
  return entry(c, name, 0120777u, 1, target, target ? strlen(target) : 0, 0, 0);
}

int pvhlinux_cpio_chardev(struct pvhlinux_cpio *c, const char *name, uint32_t mode, uint32_t major,
                          uint32_t minor) {
  return entry(c, name, 0020000u | (mode & 07777u), 1, NULL, 0, major, minor);
}

int pvhlinux_cpio_finish(struct pvhlinux_cpio *c) {
  if (entry(c, "TRAILER!!!", 0, 1, NULL, 0, 0, 0))
    return -1;
  return c->failed ? -1 : 0;
}
