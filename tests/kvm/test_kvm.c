/* SPDX-License-Identifier: MIT */
/* KVM boot tests. Each case is one process: `test_kvm CASE [ARG]`, exit 0
 * pass, 1 fail, 77 skipped (printed with the reason: no /dev/kvm, KVM
 * unusable on a nested/PVM host, or no permission). Nothing passes silently
 * without KVM. */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pvh/loader.h"
#include "pvhkvm/boot.h"
#include "pvhkvm/host.h"
#include "pvhkvm/pvhkvm.h"
#include "pvhkvm/reap.h"
#include "pvhkvm/selftest.h"

#define SKIP 77

static int failures;

static void expect(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void expect(int cond, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  printf("%s ", cond ? "ok  " : "FAIL");
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
  if (!cond)
    failures++;
}

static int need_kvm(void) {
  struct pvhkvm_error e;
  if (pvhkvm_probe(NULL, &e) == PVHKVM_OK)
    return 0;
  printf("SKIPPED: %s\n", e.message);
  return pvhkvm_err_is_environment(e.kind) ? SKIP : 1;
}

/* ---- the self-test guest through pvhkvm_boot ---- */

struct guest_case {
  struct pvh_image kernel, initrd;
  uint8_t *initrd_bytes;
  char cmdline[1024];
  struct pvhkvm_boot_opts o;
  struct pvhkvm_boot_result r;
};

static int guest_setup(struct guest_case *g, const char *file, int with_initrd) {
  struct pvh_error perr;
  memset(g, 0, sizeof(*g));
  if (file) {
    if (pvh_image_open(&g->kernel, file, &perr) != PVH_OK) {
      printf("FAIL cannot open %s: %s\n", file, perr.message);
      return -1;
    }
  } else {
    size_t len;
    const uint8_t *b = pvhkvm_builtin_guest(&len);
    pvh_image_from_buffer(&g->kernel, b, len, "builtin");
  }
  if (with_initrd) {
    size_t n = 300007; /* odd size, so the module does not end on a page */
    g->initrd_bytes = malloc(n);
    if (!g->initrd_bytes)
      return -1;
    for (size_t i = 0; i < n; i++)
      g->initrd_bytes[i] = (uint8_t)(i * 2654435761u >> 13);
    pvh_image_from_buffer(&g->initrd, g->initrd_bytes, n, "initrd");
  }
  if (pvhkvm_selftest_cmdline_for_host(g->cmdline, sizeof(g->cmdline), "console=ttyS0",
                                       with_initrd ? &g->initrd : NULL, pvhkvm_host_kind()))
    return -1;
  pvhkvm_boot_opts_init(&g->o);
  g->o.vm.ram_size = 64ull << 20;
  g->o.run.timeout_s = 10;
  g->o.kernel = &g->kernel;
  g->o.initramfs = with_initrd ? &g->initrd : NULL;
  g->o.cmdline = g->cmdline;
  return 0;
}

static void guest_teardown(struct guest_case *g) {
  pvhkvm_boot_result_free(&g->r);
  pvh_image_close(&g->kernel);
  free(g->initrd_bytes);
}

static void show(const struct pvhkvm_boot_result *r) {
  if (r->status != PVHKVM_BOOT_RAN) {
    printf("boot status %d: %s%s\n", r->status, r->kvm_err.message, r->load_err.message);
    return;
  }
  printf("--- console ---\n%s--- end: %s (%s); entry %s %s\n", r->run.console ? r->run.console : "",
         pvhkvm_end_name(r->run.end), r->run.message, r->run.entry_proved ? "proved" : "NOT proved",
         r->run.entry_why);
}

/* Boots one shape; the guest must pass its own checks and the entry must be
 * proved against the loader's state. */
static int case_shape(const char *file) {
  struct guest_case g;
  if (guest_setup(&g, file, 1) != 0)
    return 1;
  pvhkvm_boot(&g.o, &g.r);
  show(&g.r);
  expect(g.r.status == PVHKVM_BOOT_RAN, "loaded and ran");
  expect(g.r.run.entry_proved, "entry proved (RIP 0x%llx, EBX 0x%llx)", (unsigned long long)g.r.run.entry_rip,
         (unsigned long long)g.r.run.entry_rbx);
  /* hw-breakpoint stops at the entry; single-step (KVMs that do not deliver
   * the breakpoint) one instruction later, at entry + its decoded length. */
  uint64_t at =
      g.r.report.note.entry + (g.r.run.entry_method == PVHKVM_PROOF_SINGLE_STEP ? g.r.run.entry_insn_len : 0);
  expect(g.r.run.entry_method == PVHKVM_PROOF_HW_BREAKPOINT ||
             g.r.run.entry_method == PVHKVM_PROOF_SINGLE_STEP,
         "proved by %s", pvhkvm_proof_name(g.r.run.entry_method));
  expect(g.r.run.entry_rip == at, "RIP 0x%llx: the PVH entry 0x%llx + %zu",
         (unsigned long long)g.r.run.entry_rip, (unsigned long long)g.r.report.note.entry,
         g.r.run.entry_method == PVHKVM_PROOF_SINGLE_STEP ? g.r.run.entry_insn_len : 0);
  expect(g.r.run.entry_rbx == g.r.report.start_info_paddr, "EBX at start_info 0x%llx",
         (unsigned long long)g.r.report.start_info_paddr);
  expect(g.r.run.end == PVHKVM_END_EXIT_PORT && g.r.run.exit_value == 0, "guest wrote 0 to the exit port");
  expect(g.r.run.console && strstr(g.r.run.console, "pvhtest: RESULT PASS"), "guest reports RESULT PASS");
  expect(g.r.run.console && !strstr(g.r.run.console, "WAIVED"), "nothing waived under pvhkvm");
  const char *skips = pvhkvm_host_selftest_skips(pvhkvm_host_kind());
  expect(skips || (g.r.run.console && !strstr(g.r.run.console, "pvhtest: not checked ")),
         "every check ran (host %s skips %s)", pvhkvm_host_kind_name(pvhkvm_host_kind()),
         skips ? skips : "none");
  expect(g.r.run.unknown_pio == 0 && g.r.run.unknown_mmio == 0, "no unknown port or MMIO accesses");
  guest_teardown(&g);
  return failures ? 1 : 0;
}

/* A corrupted vCPU state (what KVM is given differs from the loader's plan)
 * must make the entry proof fail, naming the field. */
struct corrupt_ctx {
  const char *field;
};

static void corrupt(void *ctx, struct pvhkvm_vm *vm, const struct pvh_plan *plan,
                    struct pvh_entry_state *st) {
  const char *f = ((struct corrupt_ctx *)ctx)->field;
  (void)vm;
  (void)plan;
  if (!strcmp(f, "rbx"))
    st->rbx += 8;
  else if (!strcmp(f, "cs.limit"))
    st->cs.limit = 0x0fffffff; /* the classic pages-vs-bytes mistake */
  else if (!strcmp(f, "ds.base"))
    st->ds.base = 0x1000;
  else if (!strcmp(f, "cr4"))
    st->cr4 = 0x20; /* PAE */
  else if (!strcmp(f, "rflags"))
    st->rflags |= 0x100; /* TF */
  else if (!strcmp(f, "gdt.base"))
    st->gdt.base += 0x100;
  else if (!strcmp(f, "tr.type"))
    st->tr.type = 0x3; /* 16-bit busy TSS */
}

static int case_corrupt(const char *field) {
  struct guest_case g;
  struct corrupt_ctx c = {field};
  if (guest_setup(&g, NULL, 0) != 0)
    return 1;
  g.o.after_load = corrupt;
  g.o.after_load_ctx = &c;
  pvhkvm_boot(&g.o, &g.r);
  show(&g.r);
  /* KVM may refuse some states outright (KVM_SET_SREGS, or a failed VM entry
   * before the breakpoint); that also means the entry was not proved. */
  int refused = g.r.status == PVHKVM_BOOT_SETUP;
  expect(refused || (g.r.status == PVHKVM_BOOT_RAN && !g.r.run.entry_proved && g.r.run.entry_checked),
         "entry proof fails for a corrupted %s", field);
  if (!refused && g.r.run.end == PVHKVM_END_ENTRY_FAILED &&
      g.r.run.kvm_exit_reason == 4 /* KVM_EXIT_DEBUG */) {
    const char *dot = strchr(field, '.');
    char head[16];
    snprintf(head, sizeof(head), "%.*s", dot ? (int)(dot - field) : (int)strlen(field), field);
    expect(strstr(g.r.run.entry_why, head) != NULL, "the reason names %s: %s", head, g.r.run.entry_why);
  }
  expect(g.r.run.end != PVHKVM_END_EXIT_PORT, "the guest was not run after the failed proof");
  guest_teardown(&g);
  return failures ? 1 : 0;
}

/* Dirty the BSS after the loader zeroed it: the guest must catch it. */
static void dirty_bss(void *ctx, struct pvhkvm_vm *vm, const struct pvh_plan *plan,
                      struct pvh_entry_state *st) {
  (void)ctx;
  (void)st;
  for (size_t i = 0; i < plan->nr_ops; i++)
    if (plan->ops[i].kind == PVH_W_BSS) {
      uint8_t *h = pvhkvm_vm_host(vm, plan->ops[i].gpa + plan->ops[i].len / 2, 1);
      if (h)
        *h = 0x5a;
    }
}

static int case_guest_negative(const char *what) {
  struct guest_case g;
  if (guest_setup(&g, NULL, 1) != 0)
    return 1;
  const char *want = NULL;
  if (!strcmp(what, "bss")) {
    g.o.after_load = dirty_bss;
    want = "FAIL bss zeroed";
  } else if (!strcmp(what, "badcrc")) {
    char *p = strstr(g.cmdline, "initrd_crc=0x");
    if (!p)
      return 1;
    p += strlen("initrd_crc=0x");
    *p = *p == '0' ? '1' : '0'; /* same length, different value */
    want = "FAIL module 0 crc32";
  }
  pvhkvm_boot(&g.o, &g.r);
  show(&g.r);
  expect(g.r.run.entry_proved, "entry proved");
  expect(g.r.run.end == PVHKVM_END_EXIT_PORT && g.r.run.exit_value == 1,
         "guest reports failure (exit port 1)");
  expect(want && g.r.run.console && strstr(g.r.run.console, want), "console says \"%s\"", want ? want : "?");
  guest_teardown(&g);
  return failures ? 1 : 0;
}

/* ---- raw code through pvhkvm.h, no loader: run-loop behaviour ---- */

/* Called after the run, before the VM goes (NULL: nothing to look at). */
static void (*raw_inspect)(struct pvhkvm_vm *vm);

static int raw_run(const uint8_t *code, size_t len, double timeout, int irqchip,
                   struct pvhkvm_run_result *res) {
  struct pvhkvm_vm_opts vo;
  struct pvhkvm_vm *vm;
  struct pvhkvm_error e;
  pvhkvm_vm_opts_init(&vo);
  vo.ram_size = 8ull << 20;
  vo.irqchip = irqchip;
  if (pvhkvm_vm_create(&vo, &vm, &e) != PVHKVM_OK) {
    printf("FAIL vm create: %s\n", e.message);
    return -1;
  }
  struct pvh_entry_state st;
  uint64_t gdt[PVH_GDT_ENTRIES];
  pvh_entry_state_init(&st, 0x100000, 0x2000, 0x1000);
  pvh_gdt_build(&st, gdt);
  memcpy(pvhkvm_vm_host(vm, 0x1000, sizeof(gdt)), gdt, sizeof(gdt));
  /* A NOP at the entry: where the proof is a single step (KVMs that do not
   * deliver the breakpoint), the stepped instruction must not be the one the
   * case is about (an OUT or HLT exits to the VMM before the step traps). */
  *pvhkvm_vm_host(vm, 0x100000, 1) = 0x90;
  memcpy(pvhkvm_vm_host(vm, 0x100001, len), code, len);
  int rc = -1;
  if (pvhkvm_vcpu_set_entry(vm, &st, &e) == PVHKVM_OK) {
    struct pvhkvm_run_opts ro;
    pvhkvm_run_opts_init(&ro);
    ro.timeout_s = timeout;
    ro.prove_entry = &st;
    pvhkvm_run(vm, &ro, res);
    printf("end %s: %s (entry %s by %s)\n", pvhkvm_end_name(res->end), res->message,
           res->entry_proved ? "proved" : res->entry_why, pvhkvm_proof_name(res->entry_method));
    expect(res->entry_proved, "entry proved (%s)", pvhkvm_proof_name(res->entry_method));
    rc = 0;
  } else {
    printf("FAIL set entry: %s\n", e.message);
  }
  if (rc == 0 && raw_inspect)
    raw_inspect(vm);
  pvhkvm_vm_destroy(vm);
  return rc;
}

static int case_raw(const char *what) {
  struct pvhkvm_run_result r;
  if (!strcmp(what, "exit-port")) {
    /* in al,(0x1234) via dx ; mov eax,42 ; out 0xf4,eax */
    static const uint8_t code[] = {0x66, 0xba, 0x34, 0x12, 0xec, 0xb8, 42, 0, 0, 0, 0xe7, 0xf4, 0xf4};
    if (raw_run(code, sizeof(code), 5, 0, &r))
      return 1;
    expect(r.end == PVHKVM_END_EXIT_PORT && r.exit_value == 42, "exit port value 42");
    expect(r.unknown_pio == 1 && r.first_unknown_port == 0x1234, "unknown port 0x1234 counted, not fatal");
  } else if (!strcmp(what, "i8042-reset")) {
    static const uint8_t code[] = {0xe4, 0x80, 0xb0, 0xfe,
                                   0xe6, 0x64, 0xf4}; /* in al,0x80; mov al,0xfe; out 0x64,al */
    if (raw_run(code, sizeof(code), 5, 0, &r))
      return 1;
    expect(r.end == PVHKVM_END_SYSTEM_EVENT, "i8042 reset command ends the run as a reset request");
    expect(r.unknown_pio == 0, "ports 0x80 and 0x64 are known");
  } else if (!strcmp(what, "hlt")) {
    static const uint8_t code[] = {0xf4};
    if (raw_run(code, sizeof(code), 5, 0, &r))
      return 1;
    expect(r.end == PVHKVM_END_HLT && !r.hlt_if, "HLT with interrupts off ends the run");
  } else if (!strcmp(what, "hlt-irqchip")) {
    static const uint8_t code[] = {0xfa, 0xf4}; /* cli; hlt */
    if (raw_run(code, sizeof(code), 5, 1, &r))
      return 1;
    expect(r.end == PVHKVM_END_HLT && !r.hlt_if, "HLT with interrupts off detected with the in-kernel LAPIC");
  } else if (!strcmp(what, "pit-irqchip")) {
    /* Program PIT channel 0 (lo/hi, mode 2), latch its status with a
     * read-back command and report the status's mode bits at the exit port.
     * The first OUT is the access that creates the PIT (kvm/devices/pit.c): were it
     * lost instead of executed again, the mode would not be 2. */
    static const uint8_t code[] = {
        0xb0, 0x34, 0xe6, 0x43,             /* mov al,0x34 ; out 0x43,al: ch0, lo/hi, mode 2 */
        0xb0, 0xff, 0xe6, 0x40, 0xe6, 0x40, /* count 0xffff */
        0xb0, 0xe2, 0xe6, 0x43,             /* read-back: latch status of ch0 */
        0xe4, 0x40, 0x24, 0x3f,             /* in al,0x40 ; and al,0x3f */
        0x0f, 0xb6, 0xc0, 0xe7, 0xf4, 0xf4, /* movzx eax,al ; out 0xf4,eax ; hlt */
    };
    if (raw_run(code, sizeof(code), 5, 1, &r))
      return 1;
    expect(r.end == PVHKVM_END_EXIT_PORT && r.exit_value == 0x34,
           "the in-kernel PIT took the first OUT: status 0x%x (want 0x34: lo/hi, mode 2)", r.exit_value);
    expect(r.unknown_pio == 0, "no PIT port reached the VMM's devices (%llu unknown)",
           (unsigned long long)r.unknown_pio);
  } else if (!strcmp(what, "pit-dx-irqchip")) {
    /* The first PIT access is an IN with the port in DX, as Linux's first
     * (port 0x61): bits 7:6 read 0 from KVM's PIT, 1 from an empty bus. */
    static const uint8_t code[] = {
        0x66, 0xba, 0x61, 0x00, 0xec, /* mov dx,0x61 ; in al,dx */
        0x24, 0xc0, 0x0f, 0xb6, 0xc0, /* and al,0xc0 ; movzx eax,al */
        0xe7, 0xf4, 0xf4,             /* out 0xf4,eax ; hlt */
    };
    if (raw_run(code, sizeof(code), 5, 1, &r))
      return 1;
    expect(r.end == PVHKVM_END_EXIT_PORT && r.exit_value == 0,
           "the in-kernel PIT answered the first IN (bits 7:6 = 0x%x, want 0)", r.exit_value);
    expect(r.unknown_pio == 0, "port 0x61 did not reach the VMM's devices");
  } else if (!strcmp(what, "timeout")) {
    static const uint8_t code[] = {0xeb, 0xfe}; /* jmp . */
    if (raw_run(code, sizeof(code), 0.3, 0, &r))
      return 1;
    expect(r.end == PVHKVM_END_TIMEOUT, "a spinning guest is stopped by the timeout");
    expect(r.wall_s >= 0.3 && r.wall_s < 3.0, "after about 0.3 s (%.3f s)", r.wall_s);
  } else if (!strcmp(what, "triple-fault")) {
    static const uint8_t code[] = {0x0f, 0x0b}; /* ud2 with an empty IDT */
    if (raw_run(code, sizeof(code), 5, 0, &r))
      return 1;
    expect(r.end == PVHKVM_END_SHUTDOWN || r.end == PVHKVM_END_INTERNAL_ERROR,
           "triple fault ends the run as %s (shutdown, or internal-error on kvm-pvm hosts)",
           pvhkvm_end_name(r.end));
  } else if (!strcmp(what, "serial")) {
    /* mov dx,0x3fd; in al,dx (LSR) ; mov dx,0x3f8 ; out dx,al ; hlt:
     * writes the LSR value itself, which must be THRE|TEMT (0x60 = '`'). */
    static const uint8_t code[] = {0x66, 0xba, 0xfd, 0x03, 0xec, 0x66, 0xba, 0xf8, 0x03, 0xee, 0xf4};
    if (raw_run(code, sizeof(code), 5, 0, &r))
      return 1;
    expect(r.console_len == 1 && r.console[0] == 0x60,
           "UART LSR reads THRE|TEMT and THR reaches the console");
  } else {
    printf("unknown raw case %s\n", what);
    return 1;
  }
  pvhkvm_run_result_free(&r);
  return failures ? 1 : 0;
}

/* Each entry-proof method alone on the self-test guest. single-step was
 * delivered on every KVM tried and must prove; hw-breakpoint is not delivered
 * everywhere (kvm/README.md): where it is not, the run must end as not proved
 * with the reason, never pass. kvm-pvm is known to deliver it. */
static int case_proof(const char *method) {
  struct guest_case g;
  enum pvhkvm_proof p;
  if (pvhkvm_proof_parse(method, &p) != 0 || p == PVHKVM_PROOF_AUTO) {
    printf("FAIL unknown proof method %s\n", method);
    return 1;
  }
  if (guest_setup(&g, NULL, 0) != 0)
    return 1;
  g.o.run.proof = p;
  pvhkvm_boot(&g.o, &g.r);
  show(&g.r);
  expect(g.r.status == PVHKVM_BOOT_RAN, "loaded and ran");
  expect(g.r.run.entry_checked && g.r.run.entry_method == p, "judged by %s", method);
  uint64_t entry = g.r.report.note.entry;
  if (p == PVHKVM_PROOF_SINGLE_STEP) {
    expect(g.r.run.entry_proved, "entry proved by a single step");
    expect(g.r.run.entry_insn_len == 5 && g.r.run.entry_rip == entry + 5,
           "RIP 0x%llx = entry 0x%llx + 5 (mov %%eax, moffs32)", (unsigned long long)g.r.run.entry_rip,
           (unsigned long long)entry);
  } else if (g.r.run.entry_proved) {
    expect(g.r.run.entry_rip == entry, "breakpoint at the entry 0x%llx", (unsigned long long)entry);
  } else {
    expect(pvhkvm_host_kind() != PVHKVM_HOST_KVM_PVM, "kvm-pvm delivers the hardware breakpoint");
    expect(g.r.run.end == PVHKVM_END_ENTRY_FAILED && strstr(g.r.run.entry_why, "not a debug exit"),
           "this KVM does not deliver the hardware breakpoint: reported as not proved (%s)",
           g.r.run.entry_why);
  }
  if (g.r.run.entry_proved)
    expect(g.r.run.end == PVHKVM_END_EXIT_PORT && g.r.run.exit_value == 0, "guest wrote 0 to the exit port");
  guest_teardown(&g);
  return failures ? 1 : 0;
}

/* ---- the first KVM_RUN on the caller's CPU (kvm/core/first_run.c) ---- */

/* The value of FIELD ("Name", "Cpus_allowed_list") in /proc/self/task/TID/status. */
static int task_field(const char *tid, const char *field, char *out, size_t n) {
  char path[300], line[512];
  size_t flen = strlen(field);
  snprintf(path, sizeof(path), "/proc/self/task/%s/status", tid);
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  int found = -1;
  while (fgets(line, sizeof(line), f))
    if (!strncmp(line, field, flen) && line[flen] == ':') {
      const char *v = line + flen + 1;
      v += strspn(v, " \t");
      snprintf(out, n, "%.*s", (int)strcspn(v, "\n"), v);
      found = 0;
      break;
    }
  fclose(f);
  return found;
}

static char first_run_mask_before[256];

static void first_run_inspect(struct pvhkvm_vm *vm) {
  (void)vm; /* the VM is still alive, so is the task its first run started */
  char self[32], mask[256], name[64];
  snprintf(self, sizeof(self), "%d", (int)getpid());
  expect(task_field(self, "Cpus_allowed_list", mask, sizeof(mask)) == 0 &&
             !strcmp(mask, first_run_mask_before),
         "the caller's CPU mask is restored after the first run (before %s, after %s)", first_run_mask_before,
         mask);
  DIR *d = opendir("/proc/self/task");
  struct dirent *de;
  int tasks = 0;
  while (d && (de = readdir(d))) {
    if (de->d_name[0] == '.' || !strcmp(de->d_name, self))
      continue;
    if (task_field(de->d_name, "Name", name, sizeof(name)) != 0 || strncmp(name, "kvm-nx-lpage", 12) != 0)
      continue;
    tasks++;
    expect(task_field(de->d_name, "Cpus_allowed_list", mask, sizeof(mask)) == 0 &&
               strpbrk(mask, ",-") == NULL,
           "KVM's task %s (tid %s) was started on one CPU (%s)", name, de->d_name, mask);
  }
  if (d)
    closedir(d);
  if (!tasks)
    printf("no kvm-nx-lpage-recovery task in this process (this KVM starts none, e.g. nx_huge_pages=never): "
           "only the restored mask was checked\n");
}

static int case_first_run_cpu(void) {
  char self[32];
  snprintf(self, sizeof(self), "%d", (int)getpid());
  if (task_field(self, "Cpus_allowed_list", first_run_mask_before, sizeof(first_run_mask_before)) != 0) {
    printf("FAIL cannot read /proc/self/task/%s/status\n", self);
    return 1;
  }
  static const uint8_t code[] = {0xf4}; /* hlt */
  struct pvhkvm_run_result r;
  raw_inspect = first_run_inspect;
  if (raw_run(code, sizeof(code), 5, 1, &r))
    return 1;
  expect(r.end == PVHKVM_END_HLT, "the guest ran to its HLT");
  pvhkvm_run_result_free(&r);
  return failures ? 1 : 0;
}

static int fd_count(void) {
  int n = 0;
  for (int fd = 0; fd < 4096; fd++)
    if (fcntl(fd, F_GETFD) != -1)
      n++;
  return n;
}

/* Deferred teardown (pvhkvm/reap.h): every fd and mapping of the process is
 * released at once, VM after VM, with and without the in-kernel irqchip. */
static int case_reap(void) {
  int before = fd_count(), async = 0;
  for (int i = 0; i < 20; i++) {
    struct pvhkvm_vm_opts vo;
    struct pvhkvm_vm *vm;
    struct pvhkvm_error e;
    pvhkvm_vm_opts_init(&vo);
    vo.ram_size = 64ull << 20;
    vo.irqchip = i % 2;
    if (pvhkvm_vm_create(&vo, &vm, &e) != PVHKVM_OK) {
      printf("FAIL vm create: %s\n", e.message);
      return 1;
    }
    async += pvhkvm_vm_reap(vm);
  }
  printf("%d of 20 VMs handed to the kernel to finish asynchronously%s\n", async,
         async ? "" : " (io_uring unavailable here: destroyed synchronously)");
  expect(async == 0 || async == 20, "the same path for every VM (%d async)", async);
  expect(fd_count() == before, "no fd left open (%d before, %d after)", before, fd_count());
  return failures ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(
        stderr,
        "usage: test_kvm shape FILE | corrupt FIELD | negative bss|badcrc | raw CASE | proof METHOD | reap | first-run-cpu\n");
    return 2;
  }
  int s = need_kvm();
  if (s)
    return s;
  if (!strcmp(argv[1], "shape") && argc == 3)
    return case_shape(argv[2]);
  if (!strcmp(argv[1], "corrupt") && argc == 3)
    return case_corrupt(argv[2]);
  if (!strcmp(argv[1], "negative") && argc == 3)
    return case_guest_negative(argv[2]);
  if (!strcmp(argv[1], "raw") && argc == 3)
    return case_raw(argv[2]);
  if (!strcmp(argv[1], "proof") && argc == 3)
    return case_proof(argv[2]);
  if (!strcmp(argv[1], "reap") && argc == 2)
    return case_reap();
  if (!strcmp(argv[1], "first-run-cpu") && argc == 2)
    return case_first_run_cpu();
  fprintf(stderr, "test_kvm: bad arguments\n");
  return 2;
}
