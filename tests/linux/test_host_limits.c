/* SPDX-License-Identifier: MIT */
/* What pvhcheck knows of each kind of KVM (pvhlinux/host_limits.h): the
 * instructions kvm-pvm's emulator stops on are named with the limit and the
 * CPUID mask that helps, the mask applied by itself is the one kvm-pvm
 * honours (cx16, not xsave), and an ordinary KVM has no limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pvhkvm/cpuid_features.h"
#include "pvhlinux/host_limits.h"

static void test_names_and_limits(void **state) {
  (void)state;
  char out[256];
  static const uint8_t cmpxchg16b[] = {0xf0, 0x48, 0x0f, 0xc7, 0x4d, 0x20}; /* lock cmpxchg16b [rbp+0x20] */
  static const uint8_t xrstor[] = {0x48, 0x0f, 0xae, 0x2f};                 /* xrstor64 [rdi] */
  pvhlinux_host_explain(PVHKVM_HOST_KVM_PVM, cmpxchg16b, sizeof(cmpxchg16b), 64, out, sizeof(out));
  assert_string_equal(out,
                      "cmpxchg16b: kvm-pvm's instruction emulator cannot run it; --cpuid-mask cx16 keeps the "
                      "kernel away from it here");
  pvhlinux_host_explain(PVHKVM_HOST_KVM_PVM, xrstor, sizeof(xrstor), 64, out, sizeof(out));
  assert_non_null(strstr(out,
                         "xrstor: kvm-pvm's instruction emulator cannot run it, and this KVM does not apply "
                         "--cpuid-mask xsave"));
  /* The same bytes on an ordinary KVM: named, no limit claimed. */
  pvhlinux_host_explain(PVHKVM_HOST_KVM, cmpxchg16b, sizeof(cmpxchg16b), 64, out, sizeof(out));
  assert_string_equal(out, "cmpxchg16b");
  /* Bytes that do not decode: nothing is claimed. */
  pvhlinux_host_explain(PVHKVM_HOST_KVM_PVM, cmpxchg16b, 2, 64, out, sizeof(out));
  assert_string_equal(out, "");
}

static void test_auto_masks(void **state) {
  (void)state;
  assert_string_equal(pvhlinux_host_auto_masks(PVHKVM_HOST_KVM_PVM), "cx16");
  assert_null(pvhlinux_host_auto_masks(PVHKVM_HOST_KVM));
  assert_null(pvhlinux_host_auto_masks(PVHKVM_HOST_NONE));
  /* Every mask the table names is one the CPUID parser knows. */
  size_t n;
  const struct pvhlinux_host_limit *l = pvhlinux_host_limits(PVHKVM_HOST_KVM_PVM, &n);
  assert_true(n >= 4);
  for (size_t i = 0; i < n; i++) {
    struct pvhkvm_cpuid_mask m[4];
    size_t nm;
    char why[256];
    if (l[i].cpuid_mask)
      assert_int_equal(pvhkvm_cpuid_masks_parse(l[i].cpuid_mask, m, 4, &nm, why, sizeof(why)), 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names_and_limits),
      cmocka_unit_test(test_auto_masks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
