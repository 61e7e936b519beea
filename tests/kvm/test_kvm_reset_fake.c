/* SPDX-License-Identifier: MIT */
/* Fast reset of a reused VM (pvhkvm/reset.h) and large memory maps
 * (pvhkvm_vm_set_memmap) against the scripted fake KVM: which pages come
 * back and from where, which vCPU state each way of ending restores, that a
 * VM runs again after a reset, and maps up to libpvh's 4096 regions. That a
 * real KVM's dirty log names the pages a guest wrote is what fuzz_boot's
 * replay shows in the KVM lab. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_kvm.h"
#include "internal.h"
#include "pvhkvm/reset.h"

static struct pvhkvm_vm *make_vm(uint64_t ram) {
  struct pvhkvm_vm *vm = NULL;
  struct pvhkvm_error e;
  assert_int_equal(fake_kvm_vm_create(ram, &vm, &e), PVHKVM_OK);
  return vm;
}

static int page_is(struct pvhkvm_vm *vm, uint64_t gpa, uint8_t v) {
  const uint8_t *h = pvhkvm_vm_host(vm, gpa, 4096);
  for (size_t i = 0; i < 4096; i++)
    if (h[i] != v)
      return 0;
  return 1;
}

static void test_pages_come_back(void **unused) {
  (void)unused;
  struct pvhkvm_vm *vm = make_vm(16ull << 20);
  struct pvhkvm_error e;
  /* Data before enable is the baseline of its page. */
  memset(pvhkvm_vm_host(vm, 0x5000, 4096), 0x11, 4096);
  assert_int_equal(pvhkvm_reset_enable(vm, &e), PVHKVM_OK);
  assert_true(fk.slots[0].flags & KVM_MEM_LOG_DIRTY_PAGES);
  struct pvhkvm_reset_stats st;
  pvhkvm_reset_get_stats(vm, &st);
  assert_int_equal(st.baseline_pages, 1);

  assert_int_equal(fake_kvm_guest_write(0x200123, 0x77), 0);  /* guest: logged by KVM */
  assert_int_equal(fake_kvm_guest_write(0x5010, 0x22), 0);    /* guest, over a baseline page */
  memset(pvhkvm_vm_host(vm, 0x300000, 0x2001), 0x33, 0x2001); /* host, marked: 3 pages */
  pvhkvm_reset_mark(vm, 0x300000, 0x2001);
  memset(pvhkvm_vm_host(vm, 0x400000, 16), 0x44, 16); /* host, not marked: the caller's to mark */
  pvhkvm_reset_mark(vm, 0x7ff0000000ull, 4096);       /* outside RAM: ignored */

  assert_int_equal(pvhkvm_reset(vm, PVHKVM_END_EXIT_PORT, 1, &e), PVHKVM_OK);
  assert_true(page_is(vm, 0x200000, 0));
  assert_true(page_is(vm, 0x5000, 0x11));
  assert_true(page_is(vm, 0x300000, 0) && page_is(vm, 0x301000, 0) && page_is(vm, 0x302000, 0));
  assert_int_equal(pvhkvm_vm_host(vm, 0x400000, 1)[0], 0x44);
  pvhkvm_reset_get_stats(vm, &st);
  assert_int_equal(st.resets, 1);
  assert_int_equal(st.guest_pages, 2);
  assert_int_equal(st.host_pages, 3);
  assert_int_equal(fake_kvm_count(KVM_GET_DIRTY_LOG), 1);

  /* The log was read and cleared: a second reset restores nothing. */
  memset(pvhkvm_vm_host(vm, 0x200000, 1), 0x55, 1);
  assert_int_equal(pvhkvm_reset(vm, PVHKVM_END_EXIT_PORT, 1, &e), PVHKVM_OK);
  assert_int_equal(pvhkvm_vm_host(vm, 0x200000, 1)[0], 0x55);
  pvhkvm_vm_destroy(vm);
}

/* The host's marks go back byte by byte: bytes of a marked page that were
 * not marked stay (they are the caller's to mark), a page the guest also
 * wrote goes back whole, a baseline page gets its baseline bytes; more
 * marks than the reset keeps as ranges restore whole pages. */
static void test_host_marks_by_byte(void **unused) {
  (void)unused;
  struct pvhkvm_vm *vm = make_vm(16ull << 20);
  struct pvhkvm_error e;
  memset(pvhkvm_vm_host(vm, 0x5000, 4096), 0x11, 4096);
  assert_int_equal(pvhkvm_reset_enable(vm, &e), PVHKVM_OK);

  uint8_t *p = pvhkvm_vm_host(vm, 0x300000, 0x3000);
  memset(p, 0x33, 0x3000);
  pvhkvm_reset_mark(vm, 0x300100, 0x10); /* inside one page */
  pvhkvm_reset_mark(vm, 0x301ff0, 0x20); /* across a page boundary */
  memset(pvhkvm_vm_host(vm, 0x5000, 4096), 0x22, 4096);
  pvhkvm_reset_mark(vm, 0x5800, 0x10);                       /* a baseline page */
  assert_int_equal(fake_kvm_guest_write(0x302000, 0x44), 0); /* the guest wrote this page */
  pvhkvm_reset_mark(vm, 0x302010, 0x10);
  struct pvhkvm_reset_stats st0, st;
  pvhkvm_reset_get_stats(vm, &st0);
  assert_int_equal(pvhkvm_reset(vm, PVHKVM_END_EXIT_PORT, 1, &e), PVHKVM_OK);
  for (size_t i = 0; i < 0x2000; i++) {
    int marked = (i >= 0x100 && i < 0x110) || (i >= 0x1ff0 && i < 0x2010);
    assert_int_equal(p[i], marked ? 0 : 0x33);
  }
  assert_true(page_is(vm, 0x302000, 0));
  const uint8_t *b = pvhkvm_vm_host(vm, 0x5000, 4096);
  for (size_t i = 0; i < 4096; i++)
    assert_int_equal(b[i], i >= 0x800 && i < 0x810 ? 0x11 : 0x22);
  pvhkvm_reset_get_stats(vm, &st);
  /* 0x300100+0x10, 0x301ff0+0x10 (its other half is in the guest's page), 0x5800+0x10. */
  assert_int_equal(st.host_bytes - st0.host_bytes, 0x30);
  assert_int_equal(st.host_pages - st0.host_pages, 3);
  assert_int_equal(st.guest_pages - st0.guest_pages, 1);

  /* 65 marks: whole pages, as the marks' pages. */
  memset(p, 0x33, 0x3000);
  for (int i = 0; i < 65; i++)
    pvhkvm_reset_mark(vm, 0x300000 + (uint64_t)i * 0x20, 1);
  assert_int_equal(pvhkvm_reset(vm, PVHKVM_END_EXIT_PORT, 1, &e), PVHKVM_OK);
  assert_true(page_is(vm, 0x300000, 0));
  assert_true(page_is(vm, 0x301000, 0x33));
  pvhkvm_reset_get_stats(vm, &st0);
  assert_int_equal(st0.host_bytes - st.host_bytes, 4096);

  /* The next cycle keeps ranges again. */
  pvhkvm_reset_mark(vm, 0x301000, 1);
  assert_int_equal(pvhkvm_reset(vm, PVHKVM_END_EXIT_PORT, 1, &e), PVHKVM_OK);
  assert_int_equal(p[0x1000], 0);
  assert_int_equal(p[0x1001], 0x33);
  pvhkvm_vm_destroy(vm);
}

static void test_vcpu_by_end(void **unused) {
  (void)unused;
  struct pvhkvm_vm *vm = make_vm(16ull << 20);
  struct pvhkvm_error e;
  fk.regs.rsi = 0x1234;
  fk.debugregs.dr7 = 0x400;
  assert_int_equal(pvhkvm_reset_enable(vm, &e), PVHKVM_OK);

  /* A clean end, entry state next: debug registers only. */
  fk.regs.rsi = 0xdead;
  fk.debugregs.dr7 = 0x401;
  fk.nlog = 0;
  assert_int_equal(pvhkvm_reset(vm, PVHKVM_END_EXIT_PORT, 1, &e), PVHKVM_OK);
  assert_int_equal(fk.debugregs.dr7, 0x400);
  assert_int_equal(fake_kvm_count(KVM_SET_REGS), 0);
  assert_int_equal(fake_kvm_count(KVM_SET_SREGS), 0);
  assert_int_equal(fake_kvm_count(KVM_SET_VCPU_EVENTS), 0);
  assert_int_equal(fk.regs.rsi, 0xdead);

  /* A clean end without an entry state next: registers too. */
  fk.nlog = 0;
  assert_int_equal(pvhkvm_reset(vm, PVHKVM_END_HLT, 0, &e), PVHKVM_OK);
  assert_int_equal(fk.regs.rsi, 0x1234);
  assert_int_equal(fake_kvm_count(KVM_SET_VCPU_EVENTS), 0);

  /* A triple fault: the whole baseline, guest debugging off, even with an
   * entry state next. */
  fk.regs.rsi = 0xdead;
  fk.events.exception.injected = 1;
  fk.halted = 1;
  fk.dbg.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP;
  fk.nlog = 0;
  assert_int_equal(pvhkvm_reset(vm, PVHKVM_END_SHUTDOWN, 1, &e), PVHKVM_OK);
  assert_int_equal(fk.regs.rsi, 0x1234);
  assert_int_equal(fk.events.exception.injected, 0);
  assert_int_equal(fk.halted, 0);
  assert_int_equal(fk.dbg.control, 0);
  assert_int_equal(fake_kvm_count(KVM_SET_FPU), 1);
  assert_int_equal(fake_kvm_count(KVM_SET_SREGS), 1);
  struct pvhkvm_reset_stats st;
  pvhkvm_reset_get_stats(vm, &st);
  assert_int_equal(st.full_vcpu, 1);
  pvhkvm_vm_destroy(vm);
}

static void test_runs_again_after_reset(void **unused) {
  (void)unused;
  struct pvhkvm_vm *vm = make_vm(16ull << 20);
  struct pvhkvm_error e;
  assert_int_equal(pvhkvm_reset_enable(vm, &e), PVHKVM_OK);
  fake_kvm_push_exit(7);
  fake_kvm_push_exit(9);
  struct pvhkvm_run_opts ro;
  struct pvhkvm_run_result r;
  pvhkvm_run_opts_init(&ro);
  assert_int_equal(pvhkvm_run(vm, &ro, &r), PVHKVM_END_EXIT_PORT);
  assert_int_equal(r.exit_value, 7);
  pvhkvm_run_result_free(&r);
  assert_int_equal(pvhkvm_run(vm, &ro, &r), PVHKVM_END_KVM_ERROR); /* without a reset: refused */
  pvhkvm_run_result_free(&r);
  assert_int_equal(pvhkvm_reset(vm, PVHKVM_END_EXIT_PORT, 0, &e), PVHKVM_OK);
  assert_int_equal(pvhkvm_run(vm, &ro, &r), PVHKVM_END_EXIT_PORT);
  assert_int_equal(r.exit_value, 9);
  pvhkvm_run_result_free(&r);
  pvhkvm_vm_destroy(vm);
  assert_int_equal(fk.open_fds, 0);
}

static void test_enable_refusals(void **unused) {
  (void)unused;
  struct pvhkvm_error e;
  struct pvhkvm_vm *vm = make_vm(16ull << 20);
  assert_int_equal(pvhkvm_reset(vm, PVHKVM_END_EXIT_PORT, 1, &e), PVHKVM_E_INVALID);
  assert_int_equal(pvhkvm_reset_enable(vm, &e), PVHKVM_OK);
  assert_int_equal(pvhkvm_reset_enable(vm, &e), PVHKVM_E_INVALID);
  pvhkvm_vm_destroy(vm);

  struct pvhkvm_vm_opts o;
  pvhkvm_vm_opts_init(&o);
  o.ram_size = 16ull << 20;
  o.irqchip = 1;
  assert_int_equal(pvhkvm_vm_create(&o, &vm, &e), PVHKVM_OK);
  assert_int_equal(pvhkvm_reset_enable(vm, &e), PVHKVM_E_INVALID);
  assert_non_null(strstr(e.message, "irqchip"));
  pvhkvm_vm_destroy(vm);

  /* KVM refusing dirty logging is an error naming it, and leaves no state. */
  vm = make_vm(16ull << 20);
  fk.fail_req = KVM_SET_USER_MEMORY_REGION;
  assert_int_equal(pvhkvm_reset_enable(vm, &e), PVHKVM_E_SYSCALL);
  assert_non_null(strstr(e.message, "KVM_MEM_LOG_DIRTY_PAGES"));
  assert_null(vm->reset);
  fk.fail_req = ~0ul;
  pvhkvm_vm_destroy(vm);
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
      cmocka_unit_test_setup_teardown(test_pages_come_back, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_host_marks_by_byte, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_vcpu_by_end, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_runs_again_after_reset, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_enable_refusals, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_large_memmap, fake_kvm_setup, fake_kvm_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
