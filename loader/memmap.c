/* SPDX-License-Identifier: MIT */
#include "pvh/memmap.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "le.h"

size_t pvh_memmap_standard(uint64_t ram_size, struct pvh_mem_region *out, size_t cap) {
  if (cap < 5 || ram_size < PVH_HIGH_RAM_START + 4096)
    return 0;
  size_t n = 0;
  uint64_t low_end = ram_size < PVH_MMIO_HOLE_START ? ram_size : PVH_MMIO_HOLE_START;
  out[n++] = (struct pvh_mem_region){0, PVH_LOW_RAM_END, PVH_MEM_RAM};
  /* EBDA, VGA and BIOS ROM area: never RAM for a PC guest. */
  out[n++] = (struct pvh_mem_region){PVH_LOW_RAM_END, PVH_HIGH_RAM_START - PVH_LOW_RAM_END, PVH_MEM_RESERVED};
  out[n++] = (struct pvh_mem_region){PVH_HIGH_RAM_START, low_end - PVH_HIGH_RAM_START, PVH_MEM_RAM};
  if (ram_size > PVH_MMIO_HOLE_START) {
    out[n++] = (struct pvh_mem_region){PVH_MMIO_HOLE_START, PVH_4G - PVH_MMIO_HOLE_START, PVH_MEM_RESERVED};
    out[n++] = (struct pvh_mem_region){PVH_4G, ram_size - PVH_MMIO_HOLE_START, PVH_MEM_RAM};
  }
  return n;
}

#define SORT_SMALL 32 /* maps up to this size are sorted by insertion */

/* Sorts s[0..n) by address, stably: regions at the same address keep the
 * caller's order, so which two an overlap message names is fixed (it was
 * glibc's qsort, a stable merge sort, before). tmp holds n regions.
 *
 * The map is sorted on every plan, and qsort's comparator calls over a
 * 4096-entry map were most of a fuzz_boot boot. This is a least-significant-
 * digit radix sort, a byte per pass, over only the bits where the addresses
 * differ: a map of pages below 4 GiB takes two or three passes of two loops
 * each. Sorted input (the usual map) costs the one pass that finds those bits. */
static void sort_by_addr(struct pvh_mem_region *s, struct pvh_mem_region *tmp, size_t n) {
  uint64_t differ = 0;
  int sorted = 1;
  for (size_t i = 1; i < n; i++) {
    differ |= s[i].addr ^ s[0].addr;
    sorted &= s[i - 1].addr <= s[i].addr;
  }
  if (sorted)
    return;
  if (n <= SORT_SMALL) {
    for (size_t k = 1; k < n; k++) {
      struct pvh_mem_region x = s[k];
      size_t j = k;
      for (; j > 0 && s[j - 1].addr > x.addr; j--)
        s[j] = s[j - 1];
      s[j] = x;
    }
    return;
  }
  /* differ != 0 here: equal addresses everywhere would be sorted. */
  unsigned lo = (unsigned)__builtin_ctzll(differ), hi = 64u - (unsigned)__builtin_clzll(differ);
  struct pvh_mem_region *src = s, *dst = tmp;
  for (unsigned shift = lo; shift < hi; shift += 8) {
    size_t start[256] = {0}, sum = 0;
    for (size_t i = 0; i < n; i++)
      start[(src[i].addr >> shift) & 0xff]++;
    for (size_t b = 0; b < 256; b++) {
      size_t c = start[b];
      start[b] = sum;
      sum += c;
    }
    for (size_t i = 0; i < n; i++) /* in order: equal digits keep theirs */
      dst[start[(src[i].addr >> shift) & 0xff]++] = src[i];
    struct pvh_mem_region *t = src;
    src = dst, dst = t;
  }
  if (src != s)
    memcpy(s, src, n * sizeof(*s));
}

enum pvh_err pvh_memmap_sorted(const struct pvh_mem_region *regions, size_t n, struct pvh_mem_region **sorted,
                               struct pvh_error *err) {
  *sorted = NULL;
  if (n == 0)
    return pvh_fail(err, PVH_E_MEMMAP_INVALID, "the memory map is empty");
  if (n > PVH_MEMMAP_MAX_REGIONS)
    return pvh_fail(err, PVH_E_MEMMAP_INVALID, "%zu memory regions, limit %u", n, PVH_MEMMAP_MAX_REGIONS);
  for (size_t i = 0; i < n; i++) {
    uint64_t end;
    if (regions[i].size == 0)
      return pvh_fail(err, PVH_E_MEMMAP_INVALID, "region %zu at 0x%llx has size 0", i,
                      (unsigned long long)regions[i].addr);
    /* A region may not reach 2^64: every end address must be representable. */
    if (add_overflows(regions[i].addr, regions[i].size, &end))
      return pvh_fail(err, PVH_E_MEMMAP_INVALID, "region %zu 0x%llx+0x%llx wraps past 2^64", i,
                      (unsigned long long)regions[i].addr, (unsigned long long)regions[i].size);
    if (regions[i].type < PVH_MEM_RAM || regions[i].type > PVH_MEM_PMEM)
      return pvh_fail(err, PVH_E_MEMMAP_INVALID, "region %zu at 0x%llx has type %u, not 1..7", i,
                      (unsigned long long)regions[i].addr, regions[i].type);
  }
  /* One allocation: the copy, then the sort's scratch (n <= 4096). */
  struct pvh_mem_region *s = malloc(2 * n * sizeof(*s));
  if (!s)
    return pvh_fail(err, PVH_E_NOMEM, "cannot copy %zu memory regions", n);
  memcpy(s, regions, n * sizeof(*s));
  sort_by_addr(s, s + n, n);
  for (size_t i = 1; i < n; i++) {
    if (s[i].addr < s[i - 1].addr + s[i - 1].size) {
      enum pvh_err rc = pvh_fail(err, PVH_E_MEMMAP_INVALID, "regions 0x%llx+0x%llx and 0x%llx+0x%llx overlap",
                                 (unsigned long long)s[i - 1].addr, (unsigned long long)s[i - 1].size,
                                 (unsigned long long)s[i].addr, (unsigned long long)s[i].size);
      free(s);
      return rc;
    }
  }
  *sorted = s;
  return PVH_OK;
}

int pvh_memmap_is_ram(const struct pvh_mem_region *regions, size_t n, uint64_t addr, uint64_t len) {
  uint64_t end;
  if (len == 0 || add_overflows(addr, len, &end))
    return 0;
  /* Follow the range through RAM regions that touch end to start: a map may
   * describe one stretch of RAM as several entries (firmware, hotplug slots).
   * Each step needs a RAM region holding `cur`, so at most n steps. */
  uint64_t cur = addr;
  for (size_t steps = 0; steps <= n; steps++) {
    const struct pvh_mem_region *hit = NULL;
    for (size_t i = 0; i < n && !hit; i++) {
      const struct pvh_mem_region *r = &regions[i];
      if (r->type == PVH_MEM_RAM && cur >= r->addr && cur - r->addr < r->size)
        hit = r;
    }
    if (!hit)
      return 0;
    if (end - hit->addr <= hit->size) /* the rest fits in this region */
      return 1;
    cur = hit->addr + hit->size; /* < end, and no wrap: end did not wrap */
  }
  return 0;
}

int pvh_parse_size(const char *s, uint64_t *out) {
  if (!s || !isdigit((unsigned char)s[0]))
    return -1;
  errno = 0;
  char *end;
  /* Decimal, or hex with 0x; never octal: "010M" is ten mebibytes to a user. */
  int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  unsigned long long v = strtoull(s, &end, hex ? 16 : 10);
  if (errno)
    return -1;
  unsigned shift = 0;
  switch (*end) {
  case '\0': break;
  case 'k':
  case 'K':
    shift = 10;
    end++;
    break;
  case 'm':
  case 'M':
    shift = 20;
    end++;
    break;
  case 'g':
  case 'G':
    shift = 30;
    end++;
    break;
  case 't':
  case 'T':
    shift = 40;
    end++;
    break;
  default: return -1;
  }
  /* Past a unit letter (with none, *end is already the NUL): accept
   * "MiB"-style suffixes, 256MiB, 1GiB. */
  if (*end == 'i')
    end++;
  if (*end == 'b' || *end == 'B')
    end++;
  if (*end != '\0')
    return -1;
  if (shift && v > (UINT64_MAX >> shift))
    return -1;
  *out = (uint64_t)v << shift;
  return 0;
}
