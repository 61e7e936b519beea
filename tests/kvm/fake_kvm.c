/* SPDX-License-Identifier: MIT */
#include "fake_kvm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "internal.h"

struct fake_kvm fk;

enum { FD_NONE, FD_KVM, FD_VM, FD_VCPU };
static int fd_kind[FAKE_MAX_FDS];
#define FD_BASE 900 /* far from real fds, so a mix-up shows */

static int new_fd(int kind) {
  for (int i = 0; i < FAKE_MAX_FDS; i++)
    if (fd_kind[i] == FD_NONE) {
      fd_kind[i] = kind;
      fk.open_fds++;
      return FD_BASE + i;
    }
  errno = EMFILE;
  return -1;
}

static int kind_of(int fd) {
  if (fd < FD_BASE || fd >= FD_BASE + FAKE_MAX_FDS)
    return FD_NONE;
  return fd_kind[fd - FD_BASE];
}

static int f_open(const char *path, int flags) {
  (void)path;
  (void)flags;
  if (fk.open_errno) {
    errno = fk.open_errno;
    return -1;
  }
  return new_fd(FD_KVM);
}

static int f_close(int fd) {
  if (kind_of(fd) == FD_NONE) {
    errno = EBADF;
    return -1;
  }
  fd_kind[fd - FD_BASE] = FD_NONE;
  fk.open_fds--;
  return 0;
}

static void *f_mmap_vcpu(size_t len, int fd) {
  if (kind_of(fd) != FD_VCPU) {
    errno = EBADF;
    return MAP_FAILED;
  }
  void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return p;
  fk.run = p;
  fk.run_size = len;
  fk.vcpu_mapped = 1;
  return p;
}

static int f_munmap_vcpu(void *p, size_t len) {
  if (p != fk.run || len != fk.run_size)
    return -1;
  fk.vcpu_mapped = 0;
  fk.run = NULL;
  return munmap(p, len);
}

static int fail(int e) {
  errno = e;
  return -1;
}

/* Collects what the VMM answered to the previous IN / MMIO read. */
static void collect_answer(void) {
  if (fk.last_step < 0)
    return;
  const struct fake_step *s = &fk.steps[fk.last_step];
  const uint8_t *src = NULL;
  size_t n = 0;
  if (s->kind == STEP_IN) {
    src = (const uint8_t *)fk.run + fk.run->io.data_offset;
    n = (size_t)s->size * (s->count ? s->count : 1);
  } else if (s->kind == STEP_MMIO_READ) {
    src = fk.run->mmio.data;
    n = s->size;
  }
  if (src && fk.in_len + n <= sizeof(fk.in_log)) {
    memcpy(fk.in_log + fk.in_len, src, n);
    fk.in_len += n;
  }
  fk.last_step = -1;
}

/* Blocks like a guest that never exits: returns EINTR on immediate_exit or
 * when a signal interrupts the sleep (KVM_RUN's behaviour with a pending
 * signal), as KVM_EXIT_INTR. */
static int spin(void) {
  for (;;) {
    if (fk.run->immediate_exit)
      break;
    struct timespec ts = {0, 1000000};
    if (nanosleep(&ts, NULL) != 0 && errno == EINTR)
      break;
  }
  fk.run->exit_reason = KVM_EXIT_INTR;
  fk.eintr_runs++;
  fk.pos--; /* the spinning step stays current */
  return fail(EINTR);
}

static int kvm_run_ioctl(void) {
  struct kvm_run *r = fk.run;
  fk.runs++;
  collect_answer();
  if (r->immediate_exit) {
    fk.eintr_runs++;
    return fail(EINTR);
  }
  uint64_t linear = fk.sregs.cs.base + fk.regs.rip;
  if (!fk.no_hw_bp && (fk.dbg.control & KVM_GUESTDBG_ENABLE) && (fk.dbg.control & KVM_GUESTDBG_USE_HW_BP) &&
      (fk.dbg.arch.debugreg[7] & 0x3) && fk.dbg.arch.debugreg[0] == linear) {
    /* An execution breakpoint on the current instruction: #DB before it runs. */
    fk.bp_fired++;
    r->exit_reason = KVM_EXIT_DEBUG;
    r->debug.arch.exception = 1;
    r->debug.arch.pc = linear;
    r->debug.arch.dr6 = 0xffff0ff1;
    r->debug.arch.dr7 = fk.dbg.arch.debugreg[7];
    return 0;
  }
  if ((fk.dbg.control & KVM_GUESTDBG_ENABLE) && (fk.dbg.control & KVM_GUESTDBG_SINGLESTEP) && fk.step_len) {
    /* One instruction "runs", then the single-step trap (DR6.BS). */
    fk.regs.rip += fk.step_len;
    if (fk.step_clobber_rcx)
      fk.regs.rcx ^= 1;
    fk.steps_taken++;
    r->exit_reason = KVM_EXIT_DEBUG;
    r->debug.arch.exception = 1;
    r->debug.arch.pc = fk.sregs.cs.base + fk.regs.rip;
    r->debug.arch.dr6 = 0xffff4ff0;
    r->debug.arch.dr7 = fk.dbg.arch.debugreg[7];
    return 0;
  }
  if (fk.pos >= fk.nsteps)
    return (fk.pos++, spin());
  int idx = fk.pos++;
  const struct fake_step *s = &fk.steps[idx];
  switch (s->kind) {
  case STEP_OUT:
  case STEP_IN:
    r->exit_reason = KVM_EXIT_IO;
    r->io.direction = s->kind == STEP_OUT ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
    r->io.size = s->size;
    r->io.port = s->port;
    r->io.count = s->count ? s->count : 1;
    r->io.data_offset = 4096; /* KVM_PIO_PAGE_OFFSET pages into the mapping */
    memset((uint8_t *)r + 4096, 0xcc, 64);
    if (s->kind == STEP_OUT)
      memcpy((uint8_t *)r + 4096, s->data, (size_t)s->size * r->io.count);
    break;
  case STEP_MMIO_READ:
  case STEP_MMIO_WRITE:
    r->exit_reason = KVM_EXIT_MMIO;
    r->mmio.phys_addr = s->addr;
    r->mmio.len = s->size;
    r->mmio.is_write = s->kind == STEP_MMIO_WRITE;
    memcpy(r->mmio.data, s->data, sizeof(r->mmio.data));
    break;
  case STEP_HLT: r->exit_reason = KVM_EXIT_HLT; break;
  case STEP_SHUTDOWN: r->exit_reason = KVM_EXIT_SHUTDOWN; break;
  case STEP_INTERNAL:
    r->exit_reason = KVM_EXIT_INTERNAL_ERROR;
    r->internal.suberror = 1;
    r->internal.ndata = 0;
    if (s->size) { /* an emulation failure that hands the instruction bytes */
      r->emulation_failure.ndata = 3;
      r->emulation_failure.flags = KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
      r->emulation_failure.insn_size = s->size;
      memset(r->emulation_failure.insn_bytes, 0x90, sizeof(r->emulation_failure.insn_bytes));
      memcpy(r->emulation_failure.insn_bytes, s->data, s->size);
    }
    break;
  case STEP_FAIL_ENTRY:
    r->exit_reason = KVM_EXIT_FAIL_ENTRY;
    r->fail_entry.hardware_entry_failure_reason = 0x80000021;
    break;
  case STEP_SPIN: return spin();
  case STEP_HALT_IRQCHIP: fk.halted = 1; return spin();
  }
  fk.last_step = idx;
  return 0;
}

static int set_slot(const struct kvm_userspace_memory_region *m) {
  if (m->slot >= FAKE_MAX_SLOTS)
    return fail(EINVAL);
  int fresh = fk.slots[m->slot].memory_size == 0;
  if (!fresh && (fk.slots[m->slot].guest_phys_addr != m->guest_phys_addr ||
                 fk.slots[m->slot].memory_size != m->memory_size))
    return fail(EINVAL); /* KVM only lets flags change on a live slot */
  fk.slots[m->slot] = *m;
  if (fresh)
    fk.nslots++;
  if ((m->flags & KVM_MEM_LOG_DIRTY_PAGES) && !fk.dirty[m->slot])
    fk.dirty[m->slot] = calloc((m->memory_size / 4096 + 63) / 64, sizeof(uint64_t));
  return 0;
}

static int get_dirty_log(struct kvm_dirty_log *log) {
  if (log->slot >= FAKE_MAX_SLOTS || !fk.dirty[log->slot])
    return fail(ENOENT); /* KVM: the slot does not log */
  size_t words = (fk.slots[log->slot].memory_size / 4096 + 63) / 64;
  memcpy(log->dirty_bitmap, fk.dirty[log->slot], words * sizeof(uint64_t));
  memset(fk.dirty[log->slot], 0, words * sizeof(uint64_t));
  return 0;
}

int fake_kvm_guest_write(uint64_t gpa, uint8_t v) {
  for (int i = 0; i < FAKE_MAX_SLOTS; i++) {
    const struct kvm_userspace_memory_region *m = &fk.slots[i];
    if (!m->memory_size || gpa < m->guest_phys_addr || gpa - m->guest_phys_addr >= m->memory_size)
      continue;
    uint64_t off = gpa - m->guest_phys_addr;
    ((uint8_t *)(uintptr_t)m->userspace_addr)[off] = v;
    if (fk.dirty[i])
      fk.dirty[i][off / 4096 / 64] |= 1ull << (off / 4096 % 64);
    return 0;
  }
  return -1;
}

int fake_kvm_count(unsigned long req) {
  int n = 0;
  for (int i = 0; i < fk.nlog; i++)
    n += fk.log[i] == req;
  return n;
}

static int f_ioctl(int fd, unsigned long req, uintptr_t arg) {
  int kind = kind_of(fd);
  void *p = (void *)arg;
  if (kind == FD_NONE)
    return fail(EBADF);
  if (req == fk.fail_req)
    return fail(EINVAL);
  if (fk.nlog < FAKE_MAX_LOG)
    fk.log[fk.nlog++] = req;
  switch (req) {
  case KVM_GET_API_VERSION: return fk.api_version;
  case KVM_CHECK_EXTENSION: return (long)arg == fk.missing_cap ? 0 : 1;
  case KVM_CREATE_VM: return new_fd(FD_VM);
  case KVM_GET_VCPU_MMAP_SIZE: return 3 * 4096;
  case KVM_GET_SUPPORTED_CPUID: {
    struct kvm_cpuid2 *c = p;
    if (c->nent < fk.cpuid_min_nent)
      return fail(E2BIG);
    c->nent = 2;
    memset(c->entries, 0, 2 * sizeof(c->entries[0]));
    c->entries[0].function = 0;
    c->entries[0].eax = 1;
    c->entries[1].function = 1;
    c->entries[1].ebx = 0x07000800; /* APIC id 7, to see it reset to 0 */
    c->entries[1].ecx = 0x00002001; /* SSE3, CX16 (so a cx16 mask shows) */
    c->entries[1].edx = 0x00000010;
    return 0;
  }
  case KVM_SET_TSS_ADDR: fk.tss_set = 1; return 0;
  case KVM_SET_IDENTITY_MAP_ADDR: fk.idmap_set = 1; return 0;
  case KVM_SET_USER_MEMORY_REGION: return set_slot(p);
  case KVM_GET_DIRTY_LOG: return get_dirty_log(p);
  case KVM_GET_FPU: memcpy(p, &fk.fpu, sizeof(fk.fpu)); return 0;
  case KVM_GET_DEBUGREGS: memcpy(p, &fk.debugregs, sizeof(fk.debugregs)); return 0;
  case KVM_SET_DEBUGREGS: memcpy(&fk.debugregs, p, sizeof(fk.debugregs)); return 0;
  case KVM_GET_VCPU_EVENTS: memcpy(p, &fk.events, sizeof(fk.events)); return 0;
  case KVM_SET_VCPU_EVENTS: memcpy(&fk.events, p, sizeof(fk.events)); return 0;
  case KVM_SET_MP_STATE:
    memcpy(&fk.mp, p, sizeof(fk.mp));
    fk.halted = 0;
    return 0;
  case KVM_GET_XCRS: memset(p, 0, sizeof(struct kvm_xcrs)); return 0;
  case KVM_SET_XCRS: return 0;
  case KVM_CREATE_IRQCHIP: fk.irqchip = 1; return 0;
  case KVM_CREATE_PIT2: fk.pit = 1; return 0;
  case KVM_IRQ_LINE: return 0;
  case KVM_CREATE_VCPU: return new_fd(FD_VCPU);
  case KVM_SET_CPUID2: {
    const struct kvm_cpuid2 *c = p;
    fk.ncpuid = c->nent < 8 ? c->nent : 8;
    memcpy(fk.cpuid, c->entries, fk.ncpuid * sizeof(c->entries[0]));
    return 0;
  }
  case KVM_SET_FPU: memcpy(&fk.fpu, p, sizeof(fk.fpu)); return 0;
  case KVM_GET_LAPIC: memcpy(p, &fk.lapic, sizeof(fk.lapic)); return 0;
  case KVM_SET_LAPIC: memcpy(&fk.lapic, p, sizeof(fk.lapic)); return 0;
  case KVM_GET_SREGS: memcpy(p, &fk.sregs, sizeof(fk.sregs)); return 0;
  case KVM_SET_SREGS:
    memcpy(&fk.sregs, p, sizeof(fk.sregs));
    fk.sregs.cr0 |= 0x10; /* as KVM: ET is hardwired */
    return 0;
  case KVM_GET_REGS: memcpy(p, &fk.regs, sizeof(fk.regs)); return 0;
  case KVM_SET_REGS: memcpy(&fk.regs, p, sizeof(fk.regs)); return 0;
  case KVM_SET_GUEST_DEBUG: memcpy(&fk.dbg, p, sizeof(fk.dbg)); return 0;
  case KVM_GET_MP_STATE:
    ((struct kvm_mp_state *)p)->mp_state = fk.halted ? KVM_MP_STATE_HALTED : KVM_MP_STATE_RUNNABLE;
    return 0;
  case KVM_GET_MSRS: {
    struct kvm_msrs *m = p;
    for (uint32_t i = 0; i < m->nmsrs; i++)
      m->entries[i].data = 1000 + (uint64_t)fk.runs;
    return (int)m->nmsrs;
  }
  case KVM_RUN: return kind == FD_VCPU ? kvm_run_ioctl() : fail(EINVAL);
  default: return fail(ENOTTY);
  }
}

static const struct pvhkvm_sys fake_sys = {f_open, f_close, f_ioctl, f_mmap_vcpu, f_munmap_vcpu};

void fake_kvm_install(void) {
  for (int i = 0; i < FAKE_MAX_SLOTS; i++)
    free(fk.dirty[i]);
  memset(&fk, 0, sizeof(fk));
  memset(fd_kind, 0, sizeof(fd_kind));
  fk.api_version = KVM_API_VERSION;
  fk.missing_cap = -1;
  fk.fail_req = ~0ul;
  fk.last_step = -1;
  fk.sregs.cr0 = 0x60000010; /* reset values, as KVM reports them */
  fk.sregs.apic_base = 0xfee00900;
  fk.regs.rflags = 2;
  pvhkvm_sys_override(&fake_sys);
}

void fake_kvm_remove(void) { pvhkvm_sys_override(NULL); }

int fake_kvm_setup(void **state) {
  (void)state;
  fake_kvm_install();
  return 0;
}

int fake_kvm_teardown(void **state) {
  (void)state;
  fake_kvm_remove();
  return 0;
}

void fake_kvm_push(struct fake_step s) {
  if (fk.nsteps < FAKE_MAX_STEPS)
    fk.steps[fk.nsteps++] = s;
}

void fake_kvm_push_out_str(uint16_t port, const char *s) {
  for (; *s; s++) {
    struct fake_step st = {.kind = STEP_OUT, .port = port, .size = 1, .count = 1};
    st.data[0] = (uint8_t)*s;
    fake_kvm_push(st);
  }
}

void fake_kvm_push_exit(uint32_t value) {
  struct fake_step s = {.kind = STEP_OUT, .port = 0xf4, .size = 4, .count = 1};
  memcpy(s.data, &value, 4);
  fake_kvm_push(s);
}

enum pvhkvm_err_kind fake_kvm_vm_create(uint64_t ram_size, struct pvhkvm_vm **vm, struct pvhkvm_error *e) {
  struct pvhkvm_vm_opts o;
  pvhkvm_vm_opts_init(&o);
  o.ram_size = ram_size;
  return pvhkvm_vm_create(&o, vm, e);
}
