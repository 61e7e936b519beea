/* SPDX-License-Identifier: MIT */
/* Feature names -> CPUID leaf/register/bit (Intel SDM vol. 2A, CPUID). Hiding
 * a feature clears its bit in what KVM_SET_CPUID2 gets; where hiding one bit
 * alone would leave the kernel half-enabled, dependent bits go with it
 * (xsave also clears OSXSAVE and AVX, which need it). */
#include <stdio.h>
#include <string.h>

#include "pvhlinux/cpuid.h"

enum { EAX = 0, EBX = 1, ECX = 2, EDX = 3 };

static const struct feature {
  const char *name;
  uint32_t leaf, index;
  int reg;
  uint32_t bits;
} features[] = {
    {"cx16", 1, 0, ECX, 1u << 13},
    {"xsave", 1, 0, ECX, (1u << 26) | (1u << 27) | (1u << 28)}, /* + OSXSAVE, AVX */
    {"avx", 1, 0, ECX, 1u << 28},
    {"x2apic", 1, 0, ECX, 1u << 21},
    {"pcid", 1, 0, ECX, 1u << 17},
    {"tsc-deadline", 1, 0, ECX, 1u << 24},
    {"rdrand", 1, 0, ECX, 1u << 30},
    {"fsgsbase", 7, 0, EBX, 1u << 0},
    {"avx2", 7, 0, EBX, 1u << 5},
    {"smep", 7, 0, EBX, 1u << 7},
    {"invpcid", 7, 0, EBX, 1u << 10},
    {"smap", 7, 0, EBX, 1u << 20},
    {"pku", 7, 0, ECX, 1u << 3},
    {"la57", 7, 0, ECX, 1u << 16},
    {"pdpe1gb", 0x80000001u, 0, EDX, 1u << 26},
    {"rdtscp", 0x80000001u, 0, EDX, 1u << 27},
};

const char *pvhlinux_cpuid_feature_names(void) {
  return "cx16 xsave avx x2apic pcid tsc-deadline rdrand fsgsbase avx2 smep invpcid smap pku la57 "
         "pdpe1gb rdtscp";
}

int pvhlinux_cpuid_masks_parse(const char *list, struct pvhkvm_cpuid_mask *out, size_t cap, size_t *n,
                               char *why, size_t why_len) {
  *n = 0;
  if (!list)
    return 0;
  const char *p = list;
  while (*p) {
    size_t len = strcspn(p, ",");
    if (len) {
      const struct feature *f = NULL;
      for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
        if (strlen(features[i].name) == len && strncmp(features[i].name, p, len) == 0)
          f = &features[i];
      if (!f) {
        snprintf(why, why_len, "unknown CPUID feature '%.*s' (known: %s)", (int)(len > 40 ? 40 : len), p,
                 pvhlinux_cpuid_feature_names());
        return -1;
      }
      if (*n == cap || *n == PVHLINUX_CPUID_MAX_MASKS) {
        snprintf(why, why_len, "more than %zu CPUID features", cap);
        return -1;
      }
      struct pvhkvm_cpuid_mask *m = &out[(*n)++];
      memset(m, 0, sizeof(*m));
      m->function = f->leaf;
      m->index = f->index;
      m->clear[f->reg] = f->bits;
    }
    p += len;
    if (*p == ',')
      p++;
  }
  return 0;
}
