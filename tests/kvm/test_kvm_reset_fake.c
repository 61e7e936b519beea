/* SPDX-License-Identifier: MIT */
/* Large memory maps (pvhkvm_vm_set_memmap, pvhkvm_vm_mark) against the
 * scripted fake KVM: maps up to libpvh's 4096 regions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_kvm.h"
#include "internal.h"

static int setup(void **state) {
  (void)state;
  fake_kvm_install();
  return 0;
}
static int teardown(void **state) {
  (void)state;
  fake_kvm_remove();
  return 0;
}

static struct pvhkvm_vm *make_vm(uint64_t ram) {
  struct pvhkvm_vm_opts o;
  struct pvhkvm_vm *vm = NULL;
  struct pvhkvm_error e;
  pvhkvm_vm_opts_init(&o);
  o.ram_size = ram;
  assert_int_equal(pvhkvm_vm_create(&o, &vm, &e), PVHKVM_OK);
  return vm;
}

static void test_large_memmap(void **unused) {
  (void)unused;
  struct pvhkvm_vm *vm = make_vm(64ull << 20);
  struct pvhkvm_error e;
  size_t n = PVH_MEMMAP_MAX_REGIONS;
  struct pvh_mem_region *m = calloc(n + 1, sizeof(*m));
  assert_non_null(m);
  /* 4094 one-page RAM entries from 1 MiB, the legacy hole, low RAM; listed
   * backwards (the loader sorts). */
  m[0] = (struct pvh_mem_region){0, PVH_LOW_RAM_END, PVH_MEM_RAM};
  m[1] = (struct pvh_mem_region){PVH_LOW_RAM_END, 0x100000 - PVH_LOW_RAM_END, PVH_MEM_RESERVED};
  for (size_t i = 2; i < n; i++)
    m[n + 1 - i] = (struct pvh_mem_region){0x100000 + (i - 2) * 4096, 4096, PVH_MEM_RAM};
  assert_int_equal(pvhkvm_vm_set_memmap(vm, m, n, &e), PVHKVM_OK);
  size_t got;
  const struct pvh_mem_region *vm_map = pvhkvm_vm_memmap(vm, &got);
  assert_int_equal(got, n);
  assert_memory_equal(vm_map, m, n * sizeof(*m));
  assert_int_equal(pvhkvm_vm_bus(vm)->nr_regions, n);

  /* A reserved island past the VM's RAM needs no backing; RAM there does. */
  m[n - 1] = (struct pvh_mem_region){0xfec00000ull, 0x1000, PVH_MEM_RESERVED};
  assert_int_equal(pvhkvm_vm_set_memmap(vm, m, n, &e), PVHKVM_OK);
  m[n - 1].type = PVH_MEM_RAM;
  assert_int_equal(pvhkvm_vm_set_memmap(vm, m, n, &e), PVHKVM_E_INVALID);
  assert_non_null(strstr(e.message, "not backed"));
  m[n] = (struct pvh_mem_region){0x5000000, 4096, PVH_MEM_RAM};
  assert_int_equal(pvhkvm_vm_set_memmap(vm, m, n + 1, &e), PVHKVM_E_INVALID);
  m[n - 1] = (struct pvh_mem_region){0x100800, 4096, PVH_MEM_RESERVED}; /* overlaps */
  assert_int_equal(pvhkvm_vm_set_memmap(vm, m, n, &e), PVHKVM_E_INVALID);
  /* The map in force is still the last one accepted. */
  vm_map = pvhkvm_vm_memmap(vm, &got);
  assert_int_equal(got, n);
  assert_int_equal(vm_map[n - 1].addr, 0xfec00000ull);

  /* pvhkvm_vm_mark splits past the old 32-region limit. */
  for (int i = 0; i < 40; i++)
    assert_int_equal(pvhkvm_vm_mark(vm, 0x2000000 + (uint64_t)i * 0x2000, 0x1000, PVH_MEM_ACPI, &e),
                     PVHKVM_E_INVALID);
  free(m);
  pvhkvm_vm_destroy(vm);
  vm = make_vm(64ull << 20);
  for (int i = 0; i < 40; i++)
    assert_int_equal(pvhkvm_vm_mark(vm, 0x2000000 + (uint64_t)i * 0x2000, 0x1000, PVH_MEM_ACPI, &e),
                     PVHKVM_OK);
  pvhkvm_vm_memmap(vm, &got);
  assert_true(got > 64);
  pvhkvm_vm_destroy(vm);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_large_memmap, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
