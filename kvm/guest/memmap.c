/* SPDX-License-Identifier: MIT */
/* The memory map start_info points to, and what the other checks ask of it:
 * whether a range is RAM, described at all, or clear of the kernel. */
#include <stdint.h>

#include "checks.h"
#include "options.h"
#include "pvh_abi.h"
#include "report.h"

/* The ABI does not cap the map; this is far beyond what a loader gives
 * (libpvh: 4096 regions). */
#ifdef PVHTEST_FRAGILE
/* The planted guest pvhcheck conform's tests shrink (pvhtest-elf64-fragile):
 * it makes two assumptions real guests have made, a small fixed memmap
 * buffer and a sorted map. Never a shape the boot tests run. */
#define MEMMAP_MAX 128u
#else
#define MEMMAP_MAX 4096u
#endif

static const struct memmap_entry *mm;
static uint32_t mm_n;

/* The map's non-empty entries sorted by address: the ABI does not promise a
 * sorted map, and a range may span several adjacent entries. */
struct span {
  uint64_t start, end;
  uint32_t type;
};
static struct span spans[MEMMAP_MAX];
static uint32_t n_spans;

static void sort_spans(void) {
  /* Shell sort: no recursion, no allocation, n log^2 n for 4096 entries. */
  for (uint32_t gap = n_spans / 2; gap > 0; gap /= 2)
    for (uint32_t i = gap; i < n_spans; i++) {
      struct span t = spans[i];
      uint32_t j = i;
      for (; j >= gap && spans[j - gap].start > t.start; j -= gap)
        spans[j] = spans[j - gap];
      spans[j] = t;
    }
}

/* Whether every byte of [addr, addr+len) is described by the map (RAM only,
 * or any type), through adjacent entries. */
static int covered(uint64_t addr, uint64_t len, int ram_only) {
  if (len == 0 || addr + len < addr)
    return 0;
  uint64_t cur = addr, end = addr + len;
  for (uint32_t i = 0; i < n_spans; i++) {
    if (spans[i].end <= cur)
      continue;
    if (spans[i].start > cur || (ram_only && spans[i].type != 1))
      return 0;
    cur = spans[i].end;
    if (cur >= end)
      return 1;
  }
  return 0;
}

int in_ram(uint64_t addr, uint64_t len) { return covered(addr, len, 1); }

static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen) {
  return a < b + blen && b < a + alen;
}

int overlaps_kernel(uint64_t a, uint64_t len) {
  return overlaps(a, len, (uintptr_t)__text_start, (uintptr_t)(__text_end - __text_start)) ||
         overlaps(a, len, (uintptr_t)__data_start, (uintptr_t)(__data_end - __data_start)) ||
         overlaps(a, len, (uintptr_t)__bss_start, (uintptr_t)(__stack_top - __bss_start));
}

/* Boot data must be described by the memory map (RAM or a reserved type) and
 * must not overlap the kernel: the kernel can only protect what it can see. */
void check_boot_data(const char *what, uint64_t addr, uint64_t len) {
  check(covered(addr, len, 0) && !overlaps_kernel(addr, len),
        "%s [0x%llx, +0x%llx) described by the memory map, clear of the kernel", what,
        (unsigned long long)addr, (unsigned long long)len);
}

void check_memmap(const struct start_info *si) {
  if (si->version < 1 || si->memmap_paddr == 0 || si->memmap_entries == 0) {
    check(0, "memmap present (version %u, paddr 0x%llx, entries %u)", si->version,
          (unsigned long long)si->memmap_paddr, si->memmap_entries);
    return;
  }
  if (si->memmap_entries > MEMMAP_MAX || si->memmap_paddr >= 0x100000000ull) {
    check(0, "memmap entries %u <= %u, below 4 GiB", si->memmap_entries, MEMMAP_MAX);
    return;
  }
  mm = phys(si->memmap_paddr);
  mm_n = si->memmap_entries;
  int in_order = 1, types = 1, overlap = 0;
  uint32_t empty = 0, wraps = 0;
  n_spans = 0;
  for (uint32_t i = 0; i < mm_n; i++) {
    note("memmap[%u] 0x%016llx-0x%016llx type %u", i, (unsigned long long)mm[i].addr,
         (unsigned long long)(mm[i].addr + mm[i].size), mm[i].type);
    if (mm[i].size == 0) {
      empty++;
      continue; /* judged below, and left out of the overlap check */
    }
    if (mm[i].addr + mm[i].size < mm[i].addr) {
      wraps++;
      continue;
    }
    if (mm[i].type < 1 || mm[i].type > 7)
      types = 0;
    if (n_spans && mm[i].addr < spans[n_spans - 1].start)
      in_order = 0;
    spans[n_spans].start = mm[i].addr;
    spans[n_spans].end = mm[i].addr + mm[i].size;
    spans[n_spans].type = mm[i].type;
    n_spans++;
  }
  sort_spans();
  for (uint32_t i = 1; i < n_spans; i++)
    if (spans[i].start < spans[i - 1].end)
      overlap++;
  check(wraps == 0, "memmap: %u entries, none wraps past 2^64", mm_n);
  check_w(empty == 0, W_MEMMAP_EMPTY, "memmap: no zero-size entries (%u found)", empty);
  check(types, "memmap: every type in 1..7");
#ifdef PVHTEST_FRAGILE
  check(in_order, "memmap: sorted (an assumption the ABI does not back)");
#endif
  check(overlap == 0, "memmap: no two entries overlap (%u do; entries %s, which the ABI allows either way)",
        overlap, in_order ? "in address order" : "not in address order");
  check(in_ram((uintptr_t)__text_start, (uintptr_t)(__text_end - __text_start)) &&
            in_ram((uintptr_t)__data_start, (uintptr_t)(__data_end - __data_start)) &&
            in_ram((uintptr_t)__bss_start, (uintptr_t)(__stack_top - __bss_start)),
        "memmap: kernel text [0x%x,0x%x) data [0x%x,0x%x) bss+stack [0x%x,0x%x) in RAM",
        (unsigned)(uintptr_t)__text_start, (unsigned)(uintptr_t)__text_end, (unsigned)(uintptr_t)__data_start,
        (unsigned)(uintptr_t)__data_end, (unsigned)(uintptr_t)__bss_start, (unsigned)(uintptr_t)__stack_top);
  check_boot_data("memmap table", si->memmap_paddr, (uint64_t)mm_n * sizeof(struct memmap_entry));
}
