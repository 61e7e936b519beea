/* SPDX-License-Identifier: MIT */
/* What a file that is neither an ELF nor a bzImage looks like, so a user who
 * passed the wrong file hears what they passed. */
#include <string.h>

#include "internal.h"

static int starts(const uint8_t *d, size_t n, const char *magic, size_t len) {
  return n >= len && !memcmp(d, magic, len);
}

/* Printable ASCII and common whitespace over the first 512 bytes. */
static int is_text(const uint8_t *d, size_t n) {
  size_t k = n < 512 ? n : 512;
  if (k == 0)
    return 0;
  for (size_t i = 0; i < k; i++)
    if (!(d[i] == '\n' || d[i] == '\r' || d[i] == '\t' || (d[i] >= 0x20 && d[i] < 0x7f)))
      return 0;
  return 1;
}

const char *pvhbz_describe(const uint8_t *d, size_t n) {
  if (!d || n == 0)
    return "an empty file";
  switch (pvhbz_method_by_magic(d, n)) {
  case PVHBZ_GZIP: return "a gzip file (a compressed vmlinux? unpack it first, or pass the bzImage)";
  case PVHBZ_XZ: return "an xz file";
  case PVHBZ_BZIP2: return "a bzip2 file";
  case PVHBZ_LZO: return "an lzop file";
  case PVHBZ_LZ4: return "an lz4 (legacy frame) file";
  case PVHBZ_ZSTD: return "a zstd file";
  case PVHBZ_LZMA: return "an lzma file";
  default: break;
  }
  if (starts(d, n, "\x04\x22\x4d\x18", 4))
    return "an lz4 file";
  if (starts(d, n,
             "\x7f"
             "ELF",
             4))
    return "an ELF file";
  if (starts(d, n, "MZ", 2)) {
    /* e_lfanew at 0x3c points at "PE\0\0" in a PE image (an EFI application, or an EFI-stub kernel). */
    if (n >= 0x40) {
      uint32_t pe = bz_le32(d + 0x3c);
      if (pe <= n - 4 && !memcmp(d + pe, "PE\0\0", 4))
        return "a PE/EFI image (but no bzImage setup header)";
    }
    return "a DOS MZ executable";
  }
  /* A Xen hypervisor image: xen.gz unpacked starts with a multiboot header
   * in its first 8 KiB; multiboot magic 0x1badb002 (1) or 0xe85250d6 (2). */
  for (size_t i = 0; i + 4 <= n && i < 8192; i += 4) {
    uint32_t v = bz_le32(d + i);
    if (v == 0x1badb002u || v == 0xe85250d6u)
      return "a multiboot image (a Xen hypervisor or a multiboot kernel)";
  }
  if (starts(d, n, "070701", 6) || starts(d, n, "070702", 6))
    return "a cpio archive (an initramfs?)";
  if (starts(d, n, "!<arch>\n", 8))
    return "an ar archive (a .deb? extract /boot/vmlinuz-* from it)";
  if (n >= 0x28 + 4 && !memcmp(d + 0x24, "\x18\x28\x6f\x01", 4))
    return "an ARM zImage";
  if (is_text(d, n))
    return "text";
  return "data of unknown format";
}
