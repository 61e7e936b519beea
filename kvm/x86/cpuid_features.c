/* SPDX-License-Identifier: MIT */
/* Feature names -> CPUID leaf/register/bit (Intel SDM vol. 2A, CPUID). Hiding
 * a feature clears its bit in what KVM_SET_CPUID2 gets; where hiding one bit
 * alone would leave the kernel half-enabled, dependent bits go with it
 * (xsave also clears OSXSAVE and AVX, which need it). */
#include <stdio.h>
#include <string.h>

#include "pvhkvm/cpuid_features.h"

enum { EAX = 0, EBX = 1, ECX = 2, EDX = 3 };

/* The one table: X(name, leaf, index, register, bits cleared). Both the
 * parser and the list of names for messages are made from it. */
#define CPUID_FEATURES(X)                                                                                    \
  X("cx16", 1, 0, ECX, 1u << 13)                                                                             \
  X("xsave", 1, 0, ECX, (1u << 26) | (1u << 27) | (1u << 28)) /* + OSXSAVE, AVX */                           \
  X("avx", 1, 0, ECX, 1u << 28)                                                                              \
  X("x2apic", 1, 0, ECX, 1u << 21)                                                                           \
  X("pcid", 1, 0, ECX, 1u << 17)                                                                             \
  X("tsc-deadline", 1, 0, ECX, 1u << 24)                                                                     \
  X("rdrand", 1, 0, ECX, 1u << 30)                                                                           \
  X("fsgsbase", 7, 0, EBX, 1u << 0)                                                                          \
  X("avx2", 7, 0, EBX, 1u << 5)                                                                              \
  X("smep", 7, 0, EBX, 1u << 7)                                                                              \
  X("invpcid", 7, 0, EBX, 1u << 10)                                                                          \
  X("smap", 7, 0, EBX, 1u << 20)                                                                             \
  X("pku", 7, 0, ECX, 1u << 3)                                                                               \
  X("la57", 7, 0, ECX, 1u << 16)                                                                             \
  X("pdpe1gb", 0x80000001u, 0, EDX, 1u << 26)                                                                \
  X("rdtscp", 0x80000001u, 0, EDX, 1u << 27)

static const struct feature {
  const char *name;
  uint32_t leaf, index;
  int reg;
  uint32_t bits;
} features[] = {
#define FEATURE_ROW(name, leaf, index, reg, bits) {name, leaf, index, reg, bits},
    CPUID_FEATURES(FEATURE_ROW)
#undef FEATURE_ROW
};

/* " cx16 xsave ...": string literals joined at compile time, the first
 * space skipped by the caller. */
#define FEATURE_NAME(name, leaf, index, reg, bits) " " name
static const char feature_names[] = CPUID_FEATURES(FEATURE_NAME);
#undef FEATURE_NAME

const char *pvhkvm_cpuid_feature_names(void) { return feature_names + 1; }

int pvhkvm_cpuid_masks_parse(const char *list, struct pvhkvm_cpuid_mask *out, size_t cap, size_t *n,
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
                 pvhkvm_cpuid_feature_names());
        return -1;
      }
      if (*n == cap || *n == PVHKVM_CPUID_FEATURES_MAX) {
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
