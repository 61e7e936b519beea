/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "boot_cpuid.h"
#include "pvhkvm/boot.h"
#include "pvhkvm/host.h"
#include "pvhkvm/selftest.h"
#include "pvhkvm/cpuid_features.h"

size_t boot_cpuid_unapplied(const char *list, const char *console, char *out, size_t cap) {
  size_t bad = 0, off = 0;
  if (cap)
    out[0] = 0;
  for (const char *p = list; p && *p;) {
    size_t len = strcspn(p, ",");
    char name[64];
    snprintf(name, sizeof(name), "%.*s", (int)(len < sizeof(name) - 1 ? len : sizeof(name) - 1), p);
    struct pvhkvm_cpuid_mask m[4];
    size_t n = 0;
    char why[160];
    if (len && pvhkvm_cpuid_masks_parse(name, m, 4, &n, why, sizeof(why)) == 0 &&
        pvhkvm_selftest_cpuid_unapplied(console, m, n, why, sizeof(why)) > 0) {
      int k = snprintf(out + off, cap > off ? cap - off : 0, "%s%s", bad ? ", " : "", name);
      off += k > 0 ? (size_t)k : 0;
      bad++;
    }
    p += len;
    if (*p == ',')
      p++;
  }
  return bad;
}

int boot_cpuid_probe(const struct boot_args *a, char *why, size_t cap) {
  struct pvhkvm_cpuid_mask masks[PVHKVM_CPUID_FEATURES_MAX];
  size_t n = 0;
  char perr[256];
  if (pvhkvm_cpuid_masks_parse(a->cpuid_mask, masks, PVHKVM_CPUID_FEATURES_MAX, &n, perr, sizeof(perr)) !=
          0 ||
      n == 0)
    return 0; /* the Linux boot reports a bad list itself */
  struct pvh_image guest;
  size_t len;
  const uint8_t *g = pvhkvm_builtin_guest(&len);
  pvh_image_from_buffer(&guest, g, len, "<built-in self-test guest>");
  char cmdline[1024];
  if (pvhkvm_selftest_cmdline_for_host(cmdline, sizeof(cmdline), "console=ttyS0", NULL, pvhkvm_host_kind()) !=
      0)
    return 0;
  struct pvhkvm_boot_opts o;
  struct pvhkvm_boot_result r;
  pvhkvm_boot_opts_init(&o);
  o.vm.ram_size = 64ull << 20;
  o.vm.cpuid_masks = masks;
  o.vm.nr_cpuid_masks = n;
  o.kernel = &guest;
  o.cmdline = cmdline;
  o.run.timeout_s = 10;
  int verdict = 0;
  if (pvhkvm_boot(&o, &r) == PVHKVM_BOOT_RAN && r.run.console) {
    char names[256];
    if (boot_cpuid_unapplied(a->cpuid_mask, r.run.console, names, sizeof(names)) > 0) {
      snprintf(
          why, cap,
          "--cpuid-mask %s: this KVM does not apply CPUID to the guest: a probe guest booted with the mask "
          "still sees %s, so the kernel would use it anyway",
          a->cpuid_mask, names);
      verdict = 1;
    }
  }
  pvhkvm_boot_result_free(&r);
  return verdict;
}
