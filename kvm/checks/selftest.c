/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvhkvm/selftest.h"

uint32_t pvhkvm_crc32(uint32_t crc, const void *data, size_t len) {
  static uint32_t table[256];
  static int ready;
  if (!ready) { /* benign race: every thread computes the same table */
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++)
        c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    ready = 1;
  }
  const uint8_t *p = data;
  crc = ~crc;
  while (len--)
    crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}

/* The CRC of a whole image, read in chunks (a file image is never in memory
 * as a whole). Returns 0, or -1 when the image cannot be read. */
static int image_crc32(const struct pvh_image *img, uint32_t *crc) {
  uint8_t chunk[64 * 1024];
  *crc = 0;
  for (uint64_t off = 0; off < img->size;) {
    uint64_t n = img->size - off < sizeof(chunk) ? img->size - off : sizeof(chunk);
    if (pvh_image_read(img, off, n, chunk, NULL) != PVH_OK)
      return -1;
    *crc = pvhkvm_crc32(*crc, chunk, (size_t)n);
    off += n;
  }
  return 0;
}

int pvhkvm_selftest_cmdline(char *out, size_t cap, const char *base, const struct pvh_image *initramfs) {
  return pvhkvm_selftest_cmdline_for_host(out, cap, base, initramfs, PVHKVM_HOST_KVM);
}

int pvhkvm_selftest_cmdline_for_host(char *out, size_t cap, const char *base,
                                     const struct pvh_image *initramfs, enum pvhkvm_host_kind host) {
  char head[4096 + 160];
  const char *skips = pvhkvm_host_selftest_skips(host);
  char skip_tok[64] = "";
  if (skips)
    snprintf(skip_tok, sizeof(skip_tok), "pvhtest.skip=%s ", skips);
  int n;
  uint32_t crc = 0;
  if (initramfs && image_crc32(initramfs, &crc) != 0)
    return -2;
  if (initramfs)
    n = snprintf(
        head, sizeof(head), "%s%s%spvhtest.initrd_crc=0x%08x pvhtest.initrd_size=%llu pvhtest.modules=1",
        base ? base : "", base && *base ? " " : "", skip_tok, crc, (unsigned long long)initramfs->size);
  else
    n = snprintf(head, sizeof(head), "%s%s%spvhtest.modules=0", base ? base : "", base && *base ? " " : "",
                 skip_tok);
  if (n < 0 || (size_t)n >= sizeof(head))
    return -1;
  /* The length includes its own digits: iterate to the fixed point (at most
   * two steps, when the digit count grows). */
  size_t len = (size_t)n + 21 + 1;
  for (int i = 0; i < 4; i++) {
    int m = snprintf(out, cap, "%s pvhtest.cmdline_len=%zu", head, len);
    if (m < 0 || (size_t)m >= cap)
      return -1;
    if ((size_t)m == len)
      return 0;
    len = (size_t)m;
  }
  return -1;
}

int pvhkvm_selftest_cpuid(const char *console, uint32_t leaf, uint32_t index, uint32_t regs[4]) {
  char key[48];
  snprintf(key, sizeof(key), "pvhtest: cpuid 0x%x.%u ", leaf, index);
  const char *p = console ? strstr(console, key) : NULL;
  if (!p)
    return -1;
  p += strlen(key);
  for (int r = 0; r < 4; r++) {
    char *end;
    unsigned long v = strtoul(p, &end, 16);
    if (end == p || v > 0xffffffffUL)
      return -1;
    regs[r] = (uint32_t)v;
    p = end;
  }
  return 0;
}

size_t pvhkvm_selftest_cpuid_unapplied(const char *console, const struct pvhkvm_cpuid_mask *m, size_t n,
                                       char *why, size_t why_len) {
  static const char *names[4] = {"eax", "ebx", "ecx", "edx"};
  size_t bad = 0, off = 0;
  if (why_len)
    why[0] = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t regs[4];
    int seen = pvhkvm_selftest_cpuid(console, m[i].function, m[i].any_index ? 0 : m[i].index, regs) == 0;
    for (int r = 0; r < 4; r++) {
      uint32_t still =
          seen ? (regs[r] & m[i].clear[r]) | (~regs[r] & m[i].set[r]) : (m[i].clear[r] | m[i].set[r]);
      if (!still)
        continue;
      bad++;
      if (off < why_len) {
        int k =
            snprintf(why + off, why_len - off, "%sleaf 0x%x %s bits 0x%08x %s", bad > 1 ? "; " : "",
                     m[i].function, names[r], still, seen ? "not as masked" : "not reported by the guest");
        off += k > 0 ? (size_t)k : 0;
      }
    }
  }
  return bad;
}
