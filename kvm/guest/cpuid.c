/* SPDX-License-Identifier: MIT */
/* CPUID, as this guest sees it. */
#include <stdint.h>

#include "checks.h"
#include "io.h"
#include "lib.h"

/* Reports the leaves a CPUID mask (pvhcheck boot --cpuid-mask) can touch, in
 * a line the host parses ("pvhtest: cpuid LEAF.INDEX eax ebx ecx edx"), so the
 * host can tell whether its mask reached the guest; and the common features
 * by name for a reader. Information only: what the CPU offers is no part of
 * the PVH contract. */
void report_cpuid(void) {
  static const struct { uint32_t leaf, index; } leaves[] = {{1, 0}, {7, 0}, {0xd, 0}, {0x80000001u, 0}};
  uint32_t r[4], max_basic, max_ext;
  cpuid(0, 0, r);
  max_basic = r[0];
  cpuid(0x80000000u, 0, r);
  max_ext = r[0];
  for (unsigned i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
    uint32_t l = leaves[i].leaf;
    if (l < 0x80000000u ? l > max_basic : l > max_ext)
      continue;
    cpuid(l, leaves[i].index, r);
    gprintf("pvhtest: cpuid 0x%x.%u 0x%08x 0x%08x 0x%08x 0x%08x\n", l, leaves[i].index, r[0], r[1], r[2],
            r[3]);
  }
  static const struct {
    const char *name;
    uint32_t leaf;
    unsigned reg, bit;
  } named[] = {
      {"cx16", 1, 2, 13},    {"x2apic", 1, 2, 21}, {"tsc-deadline", 1, 2, 24}, {"xsave", 1, 2, 26},
      {"osxsave", 1, 2, 27}, {"avx", 1, 2, 28},    {"rdrand", 1, 2, 30},       {"hypervisor", 1, 2, 31},
      {"avx2", 7, 1, 5},     {"smep", 7, 1, 7},    {"smap", 7, 1, 20},         {"la57", 7, 2, 16},
  };
  gprintf("pvhtest: info cpu features:");
  for (unsigned i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
    if (named[i].leaf > max_basic)
      continue;
    cpuid(named[i].leaf, 0, r);
    if (r[named[i].reg] & (1u << named[i].bit))
      gprintf(" %s", named[i].name);
  }
  gprintf("\n");
}
