/* SPDX-License-Identifier: MIT */
/* pvhkvm against the scripted fake KVM: the whole VMM side (creation order,
 * CPUID fix-ups, state handed over, entry proof, exits, timeouts, stop,
 * errors, fd and mapping hygiene) runs here without /dev/kvm. What only a real
 * KVM can show (that a CPU enters the state) is in test_kvm.c. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fake_kvm.h"
#include "internal.h"
#include "pvhkvm/boot.h"
#include "pvhkvm/kvm_state.h"
#include "pvhkvm/selftest.h"

/* One boot check of the built-in guest on a fresh fake KVM: the image, the
 * options every case starts from, and the result. */
struct fake_boot {
  struct pvh_image img;
  struct pvhkvm_boot_opts o;
  struct pvhkvm_boot_result r;
};

static void assert_released(void) {
  assert_int_equal(fk.open_fds, 0);
  assert_int_equal(fk.vcpu_mapped, 0);
}

/* Installs a fresh fake (so set fk's configuration after this) and loads the
 * options: 16 MiB, a 5 s timeout, a console command line. */
static void boot_begin(struct fake_boot *b) {
  fake_kvm_install();
  size_t len;
  const uint8_t *g = pvhkvm_builtin_guest(&len);
  pvh_image_from_buffer(&b->img, g, len, "builtin");
  pvhkvm_boot_opts_init(&b->o);
  b->o.vm.ram_size = 16ull << 20;
  b->o.run.timeout_s = 5;
  b->o.kernel = &b->img;
  b->o.cmdline = "console=ttyS0";
}

/* Frees the result; the VMM must have closed every fd and unmapped kvm_run. */
static void boot_end(struct fake_boot *b) {
  pvhkvm_boot_result_free(&b->r);
  assert_released();
}

/* The happy path: entry proved, console through the UART, exit port 0. */
static void test_boot_pass(void **unused) {
  (void)unused;
  struct fake_boot b;
  boot_begin(&b);
  struct pvhkvm_cpuid_mask mask = {.function = 1, .clear = {0, 0, 0x1, 0}};
  b.o.vm.cpuid_masks = &mask;
  b.o.vm.nr_cpuid_masks = 1;
  fake_kvm_push((struct fake_step){.kind = STEP_IN, .port = 0x3fd, .size = 1});
  fake_kvm_push_out_str(0x3f8, "ok\n");
  fake_kvm_push_exit(0);
  pvhkvm_boot(&b.o, &b.r);
  assert_int_equal(b.r.status, PVHKVM_BOOT_RAN);
  assert_true(b.r.run.entry_checked);
  assert_true(b.r.run.entry_proved);
  assert_int_equal(b.r.run.entry_rip, b.r.report.note.entry);
  assert_int_equal(b.r.run.entry_rbx, b.r.report.start_info_paddr);
  assert_int_equal(b.r.run.end, PVHKVM_END_EXIT_PORT);
  assert_int_equal(b.r.run.exit_value, 0);
  assert_string_equal(b.r.run.console, "ok\n");
  assert_int_equal(b.r.run.unknown_pio, 0);
  assert_int_equal(fk.bp_fired, 1);
  assert_int_equal(fk.in_log[0], 0x60); /* LSR: THRE|TEMT */
  /* What KVM was given. */
  assert_true(fk.tss_set && fk.idmap_set);
  assert_int_equal(fk.nslots, 1);
  assert_int_equal(fk.sregs.cs.limit, 0xffffffffu);
  assert_int_equal(fk.sregs.cs.selector, PVH_SEL_CS);
  assert_int_equal(fk.sregs.tr.type, 0xb);
  assert_int_equal(fk.sregs.apic_base, 0xfee00900); /* kept from KVM_GET_SREGS */
  assert_int_equal(fk.fpu.fcw, 0x37f);
  assert_int_equal(fk.fpu.mxcsr, 0x1f80);
  assert_int_equal(fk.dbg.control, 0); /* breakpoint removed before the guest ran */
  assert_int_equal(fk.ncpuid, 2);
  assert_int_equal(fk.cpuid[1].ebx >> 24, 0); /* APIC id 0 */
  assert_true(fk.cpuid[1].ecx & (1u << 31));  /* hypervisor bit */
  assert_int_equal(fk.cpuid[1].ecx & 1u, 0);  /* the caller's mask */
  assert_int_equal(fk.irqchip, 0);
  boot_end(&b);
}

struct corrupt {
  int what;
};
static void corrupt_hook(void *ctx, struct pvhkvm_vm *vm, const struct pvh_plan *plan,
                         struct pvh_entry_state *st) {
  (void)vm;
  (void)plan;
  switch (((struct corrupt *)ctx)->what) {
  case 0: st->cs.limit = 0x0fffffff; break;
  case 1: st->rip += 2; break; /* the breakpoint never fires */
  case 2: st->rbx = 0; break;
  case 3: st->ldt.unusable = 0; break;
  }
}

static void test_corrupt_state_fails_proof(void **unused) {
  (void)unused;
  static const char *const want[] = {"cs limit", "first exit was KVM_EXIT_IO", "rbx", "ldt unusable"};
  for (int i = 0; i < 4; i++) {
    struct fake_boot b;
    struct corrupt c = {i};
    boot_begin(&b);
    b.o.after_load = corrupt_hook;
    b.o.after_load_ctx = &c;
    fake_kvm_push_out_str(0x3f8, "x");
    fake_kvm_push_exit(0);
    pvhkvm_boot(&b.o, &b.r);
    assert_int_equal(b.r.status, PVHKVM_BOOT_RAN);
    assert_true(b.r.run.entry_checked);
    assert_false(b.r.run.entry_proved);
    assert_int_equal(b.r.run.end, PVHKVM_END_ENTRY_FAILED);
    if (!strstr(b.r.run.entry_why, want[i]))
      fail_msg("case %d: '%s' does not mention '%s'", i, b.r.run.entry_why, want[i]);
    assert_true(fk.pos <= 1); /* the guest was not run on */
    boot_end(&b);
  }
}

static void test_unknown_io_and_hlt(void **unused) {
  (void)unused;
  struct fake_boot b;
  boot_begin(&b);
  struct fake_step s = {.kind = STEP_OUT, .port = 0x1234, .size = 1, .count = 1};
  fake_kvm_push(s);
  fake_kvm_push((struct fake_step){.kind = STEP_IN, .port = 0x1235, .size = 2});
  fake_kvm_push((struct fake_step){.kind = STEP_MMIO_READ, .addr = 0xfec00000, .size = 4});
  fake_kvm_push((struct fake_step){.kind = STEP_MMIO_WRITE, .addr = 0xfee000b0, .size = 4});
  fake_kvm_push((struct fake_step){.kind = STEP_IN, .port = 0x64, .size = 1});
  struct fake_step rep = {.kind = STEP_OUT, .port = 0x3f8, .size = 1, .count = 3, .data = {'a', 'b', 'c'}};
  fake_kvm_push(rep); /* rep outsb: three bytes in one exit */
  fake_kvm_push((struct fake_step){.kind = STEP_HLT});
  pvhkvm_boot(&b.o, &b.r);
  assert_int_equal(b.r.run.end, PVHKVM_END_HLT);
  assert_false(b.r.run.hlt_if);
  assert_int_equal(b.r.run.unknown_pio, 2);
  assert_int_equal(b.r.run.first_unknown_port, 0x1234);
  assert_int_equal(b.r.run.unknown_mmio, 2);
  assert_int_equal(b.r.run.first_unknown_mmio, 0xfec00000);
  assert_string_equal(b.r.run.console, "abc");
  /* in_log: 2 bytes for port 0x1235, 4 for the MMIO read, 1 for 0x64 */
  assert_int_equal(fk.in_len, 7);
  assert_int_equal(fk.in_log[0], 0xff);
  assert_int_equal(fk.in_log[1], 0xff);
  assert_int_equal(fk.in_log[2], 0xff);
  assert_int_equal(fk.in_log[6], 0x00); /* i8042 status: input buffer empty */
  boot_end(&b);
}

static void test_ends(void **unused) {
  (void)unused;
  static const struct {
    enum fake_step_kind step;
    enum pvhkvm_end end;
  } cases[] = {
      {STEP_SHUTDOWN, PVHKVM_END_SHUTDOWN},
      {STEP_INTERNAL, PVHKVM_END_INTERNAL_ERROR},
      {STEP_FAIL_ENTRY, PVHKVM_END_FAIL_ENTRY},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct fake_boot b;
    boot_begin(&b);
    fake_kvm_push((struct fake_step){.kind = cases[i].step});
    pvhkvm_boot(&b.o, &b.r);
    assert_true(b.r.run.entry_proved);
    assert_int_equal(b.r.run.end, cases[i].end);
    boot_end(&b);
  }
  struct fake_boot b; /* the i8042 reset line */
  boot_begin(&b);
  fake_kvm_push((struct fake_step){.kind = STEP_OUT, .port = 0x64, .size = 1, .data = {0xfe}});
  pvhkvm_boot(&b.o, &b.r);
  assert_int_equal(b.r.run.end, PVHKVM_END_SYSTEM_EVENT);
  boot_end(&b);
}

/* The entry proof on each kind of KVM (kvm/README.md): where the breakpoint
 * fires, auto proves by it; where it does not, by one single step, judged
 * against the decoded length of the guest's first instruction (5 bytes). */
static void test_proof_methods(void **unused) {
  (void)unused;
  static const struct {
    enum pvhkvm_proof proof;
    int no_hw_bp, clobber;
    unsigned step_len;
    int proved;
    enum pvhkvm_proof method;
    const char *why;
  } cases[] = {
      {PVHKVM_PROOF_AUTO, 0, 0, 5, 1, PVHKVM_PROOF_HW_BREAKPOINT, NULL},
      {PVHKVM_PROOF_AUTO, 1, 0, 5, 1, PVHKVM_PROOF_SINGLE_STEP, NULL},
      {PVHKVM_PROOF_SINGLE_STEP, 0, 0, 5, 1, PVHKVM_PROOF_SINGLE_STEP, NULL},
      {PVHKVM_PROOF_AUTO, 1, 0, 4, 0, PVHKVM_PROOF_SINGLE_STEP, "want the entry 0x100020 + 5"},
      {PVHKVM_PROOF_AUTO, 1, 1, 5, 0, PVHKVM_PROOF_SINGLE_STEP, "rcx 0x0 != 0x1"},
      {PVHKVM_PROOF_HW_BREAKPOINT, 1, 0, 5, 0, PVHKVM_PROOF_HW_BREAKPOINT, "first exit was KVM_EXIT_IO"},
      {PVHKVM_PROOF_SINGLE_STEP, 1, 0, 0, 0, PVHKVM_PROOF_SINGLE_STEP, "first exit was KVM_EXIT_IO"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct fake_boot b;
    boot_begin(&b);
    fk.no_hw_bp = cases[i].no_hw_bp;
    fk.step_len = cases[i].step_len;
    fk.step_clobber_rcx = cases[i].clobber;
    b.o.run.proof = cases[i].proof;
    fake_kvm_push_exit(0);
    pvhkvm_boot(&b.o, &b.r);
    assert_int_equal(b.r.run.entry_insn_len, 5); /* mov %eax, moffs32 at the guest's entry */
    assert_true(b.r.run.entry_checked);
    assert_int_equal(b.r.run.entry_proved, cases[i].proved);
    assert_int_equal(b.r.run.entry_method, cases[i].method);
    if (cases[i].proved) {
      assert_int_equal(b.r.run.end, PVHKVM_END_EXIT_PORT);
      uint64_t want_rip = b.r.report.note.entry + (cases[i].method == PVHKVM_PROOF_SINGLE_STEP ? 5 : 0);
      assert_int_equal(b.r.run.entry_rip, want_rip);
    } else {
      assert_int_equal(b.r.run.end, PVHKVM_END_ENTRY_FAILED);
      if (!strstr(b.r.run.entry_why, cases[i].why))
        fail_msg("case %zu: reason \"%s\" lacks \"%s\"", i, b.r.run.entry_why, cases[i].why);
    }
    assert_int_equal(fk.dbg.control, 0); /* guest debugging cleared after the proof */
    boot_end(&b);
  }
}

/* An emulation failure names the instruction: from KVM's bytes when it hands
 * them, else read from guest memory at the linear RIP. */
static void test_emulation_failure_report(void **unused) {
  (void)unused;
  struct fake_boot b;
  boot_begin(&b);
  fake_kvm_push((struct fake_step){.kind = STEP_INTERNAL, .size = 3, .data = {0x0f, 0x02, 0xcf}});
  pvhkvm_boot(&b.o, &b.r);
  assert_int_equal(b.r.run.end, PVHKVM_END_INTERNAL_ERROR);
  assert_true(b.r.run.fault_known);
  assert_true(b.r.run.fault_insn_from_kvm);
  assert_int_equal(b.r.run.fault_insn_len, 3);
  assert_string_equal(b.r.run.fault_insn_name, "lar");
  assert_int_equal(b.r.run.fault_rip, b.r.report.note.entry); /* the fake does not move RIP */
  assert_non_null(strstr(b.r.run.message, "lar (bytes 0f 02 cf, from KVM)"));
  boot_end(&b);

  /* No bytes from KVM: the page walk (paging off here) reads the guest's
   * first instruction, the 5-byte mov %eax, moffs32 (a3 imm32). */
  boot_begin(&b);
  fake_kvm_push((struct fake_step){.kind = STEP_INTERNAL});
  pvhkvm_boot(&b.o, &b.r);
  assert_true(b.r.run.fault_known);
  assert_false(b.r.run.fault_insn_from_kvm);
  assert_int_equal(b.r.run.fault_insn_len, 5);
  assert_int_equal(b.r.run.fault_insn[0], 0xa3);
  assert_non_null(strstr(b.r.run.message, "from a guest page walk"));
  boot_end(&b);
}

/* Port 0xe9: kept apart and also part of the console; reads return 0xe9. */
static void test_debugcon(void **unused) {
  (void)unused;
  struct fake_boot b;
  boot_begin(&b);
  b.o.run.expect = "shim up";
  fake_kvm_push_out_str(0x3f8, "uart ");
  fake_kvm_push((struct fake_step){.kind = STEP_IN, .port = 0xe9, .size = 1});
  fake_kvm_push_out_str(0xe9, "shim up\n");
  fake_kvm_push_exit(0);
  pvhkvm_boot(&b.o, &b.r);
  assert_int_equal(fk.in_len, 1);
  assert_int_equal(fk.in_log[0], 0xe9);
  assert_string_equal(b.r.run.debugcon, "shim up"); /* stopped by --expect before the newline */
  assert_int_equal(b.r.run.debugcon_total, 7);
  assert_string_equal(b.r.run.console, "uart shim up");
  assert_true(b.r.run.expect_seen);
  boot_end(&b);
}

static void test_timeout(void **unused) {
  (void)unused;
  struct fake_boot b;
  boot_begin(&b);
  b.o.run.timeout_s = 0.2;
  fake_kvm_push_out_str(0x3f8, "spin");
  fake_kvm_push((struct fake_step){.kind = STEP_SPIN});
  pvhkvm_boot(&b.o, &b.r);
  assert_int_equal(b.r.run.end, PVHKVM_END_TIMEOUT);
  assert_true(b.r.run.wall_s >= 0.2 && b.r.run.wall_s < 2.0);
  assert_true(fk.eintr_runs >= 1);
  assert_string_equal(b.r.run.console, "spin");
  boot_end(&b);
}

static void test_irqchip_halt_poll(void **unused) {
  (void)unused;
  struct fake_boot b;
  boot_begin(&b);
  b.o.vm.irqchip = 1;
  fake_kvm_push((struct fake_step){.kind = STEP_HALT_IRQCHIP});
  pvhkvm_boot(&b.o, &b.r);
  assert_int_equal(b.r.run.end, PVHKVM_END_HLT);
  assert_false(b.r.run.hlt_if);
  assert_true(b.r.run.wall_s < 1.0); /* found by the 20 ms poll, not the 5 s timeout */
  assert_true(fk.irqchip && fk.pit);
  uint32_t lvt0, lvt1;
  memcpy(&lvt0, fk.lapic.regs + 0x350, 4);
  memcpy(&lvt1, fk.lapic.regs + 0x360, 4);
  assert_int_equal(lvt0 & 0x700, 0x700); /* ExtINT */
  assert_int_equal(lvt1 & 0x700, 0x400); /* NMI */
  boot_end(&b);
}

struct stopper {
  struct pvhkvm_vm *vm;
};
static void *stop_later(void *arg) {
  struct stopper *s = arg;
  struct timespec ts = {0, 100 * 1000000};
  nanosleep(&ts, NULL);
  pvhkvm_vm_request_stop(s->vm);
  return NULL;
}

static void test_request_stop_and_expect(void **unused) {
  (void)unused;
  struct pvhkvm_vm *vm;
  struct pvhkvm_error e;
  assert_int_equal(fake_kvm_vm_create(4ull << 20, &vm, &e), PVHKVM_OK);
  fake_kvm_push((struct fake_step){.kind = STEP_SPIN});
  struct pvhkvm_run_opts ro;
  struct pvhkvm_run_result r;
  pvhkvm_run_opts_init(&ro);
  struct stopper s = {vm};
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, stop_later, &s), 0);
  pvhkvm_run(vm, &ro, &r);
  pthread_join(th, NULL);
  assert_int_equal(r.end, PVHKVM_END_STOPPED);
  assert_true(r.wall_s < 2.0);
  pvhkvm_run_result_free(&r);
  struct pvhkvm_run_result again;
  pvhkvm_run(vm, &ro, &again); /* one run per VM */
  assert_int_equal(again.end, PVHKVM_END_KVM_ERROR);
  pvhkvm_run_result_free(&again);
  pvhkvm_vm_destroy(vm);
  assert_released();

  struct fake_boot b;
  boot_begin(&b);
  b.o.run.expect = "READY";
  fake_kvm_push_out_str(0x3f8, "boot\nREADY\n");
  fake_kvm_push((struct fake_step){.kind = STEP_SPIN});
  pvhkvm_boot(&b.o, &b.r);
  assert_int_equal(b.r.run.end, PVHKVM_END_STOPPED);
  assert_true(b.r.run.expect_seen);
  assert_string_equal(b.r.run.console, "boot\nREADY");
  boot_end(&b);
}

static void test_environment_errors(void **unused) {
  (void)unused;
  static const struct {
    int open_errno;
    enum pvhkvm_err_kind kind;
    const char *text;
  } cases[] = {
      {ENOENT, PVHKVM_E_NO_DEVICE, "/dev/kvm not found"},
      {ENODEV, PVHKVM_E_UNUSABLE, "KVM present but not usable (nested/PVM host?)"},
      {ENXIO, PVHKVM_E_UNUSABLE, "KVM present but not usable (nested/PVM host?)"},
      {EACCES, PVHKVM_E_PERMISSION, "add user to group kvm"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct fake_boot b;
    boot_begin(&b);
    fk.open_errno = cases[i].open_errno;
    assert_int_equal(pvhkvm_boot(&b.o, &b.r), PVHKVM_BOOT_ENV);
    assert_int_equal(b.r.kvm_err.kind, cases[i].kind);
    assert_non_null(strstr(b.r.kvm_err.message, cases[i].text));
    boot_end(&b);
  }
  struct pvhkvm_error e;
  fake_kvm_install();
  fk.api_version = 11;
  assert_int_equal(pvhkvm_probe(NULL, &e), PVHKVM_E_API);
  assert_released();
  fake_kvm_install();
  fk.missing_cap = KVM_CAP_IMMEDIATE_EXIT;
  assert_int_equal(pvhkvm_probe(NULL, &e), PVHKVM_E_API);
  assert_non_null(strstr(e.message, "KVM_CAP_IMMEDIATE_EXIT"));
  assert_released();
  struct fake_boot b;
  boot_begin(&b);
  fk.missing_cap = KVM_CAP_SET_GUEST_DEBUG; /* no proof possible: says so, does not run */
  pvhkvm_boot(&b.o, &b.r);
  assert_int_equal(b.r.run.end, PVHKVM_END_ENTRY_FAILED);
  assert_non_null(strstr(b.r.run.entry_why, "KVM_CAP_SET_GUEST_DEBUG"));
  boot_end(&b);
}

/* Every setup step failing in turn leaves nothing behind. */
static void test_setup_failures_release(void **unused) {
  (void)unused;
  static const unsigned long reqs[] = {
      KVM_CREATE_VM,
      KVM_SET_TSS_ADDR,
      KVM_SET_IDENTITY_MAP_ADDR,
      KVM_SET_USER_MEMORY_REGION,
      KVM_CREATE_IRQCHIP,
      KVM_CREATE_PIT2,
      KVM_CREATE_VCPU,
      KVM_GET_VCPU_MMAP_SIZE,
      KVM_GET_SUPPORTED_CPUID,
      KVM_SET_CPUID2,
      KVM_SET_FPU,
      KVM_GET_LAPIC,
      KVM_SET_LAPIC,
  };
  for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
    fake_kvm_install();
    fk.fail_req = reqs[i];
    struct pvhkvm_vm_opts vo;
    struct pvhkvm_vm *vm = (struct pvhkvm_vm *)1;
    struct pvhkvm_error e;
    pvhkvm_vm_opts_init(&vo);
    vo.irqchip = 1;
    assert_int_not_equal(pvhkvm_vm_create(&vo, &vm, &e), PVHKVM_OK);
    assert_null(vm);
    assert_released();
  }
  /* After creation: KVM_SET_SREGS refused -> SETUP, still released. */
  struct fake_boot b;
  boot_begin(&b);
  fk.fail_req = KVM_SET_SREGS;
  assert_int_equal(pvhkvm_boot(&b.o, &b.r), PVHKVM_BOOT_SETUP);
  boot_end(&b);
  /* KVM_RUN failing is a KVM error, reported with errno. */
  boot_begin(&b);
  fk.fail_req = KVM_RUN;
  pvhkvm_boot(&b.o, &b.r);
  assert_int_equal(b.r.run.end, PVHKVM_END_KVM_ERROR);
  assert_int_equal(b.r.run.sys_errno, EINVAL);
  boot_end(&b);
}

static void test_cpuid_e2big_retry(void **unused) {
  (void)unused;
  fk.cpuid_min_nent = 200;
  struct pvhkvm_vm *vm;
  struct pvhkvm_error e;
  assert_int_equal(fake_kvm_vm_create(4ull << 20, &vm, &e), PVHKVM_OK);
  assert_int_equal(fk.ncpuid, 2);
  pvhkvm_vm_destroy(vm);
  assert_released();
}

static void test_high_ram_slot(void **unused) {
  (void)unused;
  struct pvhkvm_vm *vm;
  struct pvhkvm_error e;
  /* 4 GiB: 3 GiB low + 1 GiB from 4 GiB (NORESERVE, untouched) */
  assert_int_equal(fake_kvm_vm_create(4ull << 30, &vm, &e), PVHKVM_OK);
  assert_int_equal(fk.nslots, 2);
  size_t n;
  const struct pvh_mem_region *m = pvhkvm_vm_memmap(vm, &n);
  assert_int_equal(n, 5);
  assert_int_equal(m[4].addr, 4ull << 30);
  assert_int_equal(m[4].size, 1ull << 30);
  assert_non_null(pvhkvm_vm_host(vm, (4ull << 30) + 4096, 4096));
  assert_null(pvhkvm_vm_host(vm, 3ull << 30, 4096)); /* the MMIO hole is not backed */
  pvhkvm_vm_destroy(vm);
  assert_released();
  fake_kvm_install();
  assert_int_equal(fake_kvm_vm_create(512 * 1024, &vm, &e), PVHKVM_E_INVALID);
  assert_non_null(strstr(e.message, "RAM too small"));
  assert_released();
}

static int lines;
static uint64_t last_tsc;
static int count_lines(void *ctx, const char *d, size_t n, uint64_t host_ns, uint64_t tsc) {
  (void)ctx;
  (void)d;
  (void)n;
  (void)host_ns;
  lines++;
  last_tsc = tsc;
  return 0;
}

/* Many boot checks in one process: nothing accumulates. */
static void test_many_cycles_flat(void **unused) {
  (void)unused;
  for (int i = 0; i < 300; i++) {
    struct fake_boot b;
    boot_begin(&b);
    b.o.run.line_mode = 1;
    b.o.run.want_guest_tsc = 1;
    b.o.run.console_fn = count_lines;
    fake_kvm_push_out_str(0x3f8, "a\nb\n");
    fake_kvm_push_exit(7);
    pvhkvm_boot(&b.o, &b.r);
    assert_int_equal(b.r.run.end, PVHKVM_END_EXIT_PORT);
    assert_int_equal(b.r.run.exit_value, 7);
    boot_end(&b);
  }
  assert_int_equal(lines, 600);
  assert_true(last_tsc >= 1000); /* read through KVM_GET_MSRS */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_boot_pass, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_corrupt_state_fails_proof, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_unknown_io_and_hlt, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_ends, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_proof_methods, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_emulation_failure_report, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_debugcon, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_timeout, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_irqchip_halt_poll, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_request_stop_and_expect, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_environment_errors, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_setup_failures_release, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_cpuid_e2big_retry, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_high_ram_slot, fake_kvm_setup, fake_kvm_teardown),
      cmocka_unit_test_setup_teardown(test_many_cycles_flat, fake_kvm_setup, fake_kvm_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
