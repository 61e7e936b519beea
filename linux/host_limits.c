/* SPDX-License-Identifier: MIT */
/* Known limits of each kind of KVM for a Linux guest (host_limits.h). The
 * kvm-pvm rows are measured (kvm/README.md): its emulator stops on these
 * instructions with KVM_EXIT_INTERNAL_ERROR, and of the masks that would keep
 * Linux away from them only cx16 reaches the guest's CPUID. */
#include "pvhlinux/host_limits.h"

#include <stdio.h>
#include <string.h>

#include "pvhkvm/insn.h"

#define PVM_EMU "kvm-pvm's instruction emulator cannot run it"

// clang-format off: one row per instruction reads better aligned
static const struct pvhlinux_host_limit pvm_limits[] = {
    {"cmpxchg16b", "cx16", 1, PVM_EMU},
    {"xrstor", "xsave", 0, PVM_EMU},
    {"xrstors", "xsave", 0, PVM_EMU},
    {"xsave", "xsave", 0, PVM_EMU},
    {"xsaves", "xsave", 0, PVM_EMU},
    {"xsaveopt", "xsave", 0, PVM_EMU},
    {"lar", NULL, 0, PVM_EMU},
    {"lsl", NULL, 0, PVM_EMU},
    {"int3", NULL, 0, PVM_EMU " (the kernel's int3 self-test)"},
};
// clang-format on

const struct pvhlinux_host_limit *pvhlinux_host_limits(enum pvhkvm_host_kind k, size_t *n) {
  if (k == PVHKVM_HOST_KVM_PVM) {
    *n = sizeof(pvm_limits) / sizeof(pvm_limits[0]);
    return pvm_limits;
  }
  *n = 0;
  return NULL;
}

const struct pvhlinux_host_limit *pvhlinux_host_limit_of(enum pvhkvm_host_kind k, const char *instruction) {
  size_t n;
  const struct pvhlinux_host_limit *l = pvhlinux_host_limits(k, &n);
  for (size_t i = 0; instruction && i < n; i++)
    if (!strcmp(l[i].instruction, instruction))
      return &l[i];
  return NULL;
}

const char *pvhlinux_host_auto_masks(enum pvhkvm_host_kind k) {
  static char list[64];
  size_t n, off = 0;
  const struct pvhlinux_host_limit *l = pvhlinux_host_limits(k, &n);
  list[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    if (!l[i].cpuid_mask || !l[i].mask_applies || strstr(list, l[i].cpuid_mask))
      continue;
    int w = snprintf(list + off, sizeof(list) - off, "%s%s", off ? "," : "", l[i].cpuid_mask);
    if (w < 0 || (size_t)w >= sizeof(list) - off)
      break;
    off += (size_t)w;
  }
  return list[0] ? list : NULL;
}

char *pvhlinux_host_explain_name(enum pvhkvm_host_kind k, const char *name, char *out, size_t cap) {
  if (cap)
    out[0] = '\0';
  if (!name || !*name)
    return out;
  const struct pvhlinux_host_limit *l = pvhlinux_host_limit_of(k, name);
  if (!l)
    snprintf(out, cap, "%s", name);
  else if (l->cpuid_mask && l->mask_applies)
    snprintf(out, cap, "%s: %s; --cpuid-mask %s keeps the kernel away from it here", name, l->what,
             l->cpuid_mask);
  else if (l->cpuid_mask)
    snprintf(out, cap,
             "%s: %s, and this KVM does not apply --cpuid-mask %s, so an unmodified kernel stops here", name,
             l->what, l->cpuid_mask);
  else
    snprintf(out, cap, "%s: %s", name, l->what);
  return out;
}

char *pvhlinux_host_explain(enum pvhkvm_host_kind k, const uint8_t *bytes, size_t n, int mode_bits, char *out,
                            size_t cap) {
  struct pvhkvm_insn d;
  if (!bytes || !n || pvhkvm_insn_decode(bytes, n, mode_bits, &d) != 0) {
    if (cap)
      out[0] = '\0';
    return out;
  }
  return pvhlinux_host_explain_name(k, d.name, out, cap);
}
