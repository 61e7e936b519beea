/* SPDX-License-Identifier: MIT */
/* A scripted stand-in for /dev/kvm, installed through pvhkvm's syscall table
 * (kvm/core/sys.c). It keeps the state the VMM sets, answers reads the way KVM
 * does (CR0.ET reads 1), fires the entry breakpoint when RIP sits on it, and
 * otherwise plays a list of exits. It checks the VMM's side of the protocol
 * (fds closed, kvm_run unmapped, debug cleared), not a CPU. */
#ifndef FAKE_KVM_H
#define FAKE_KVM_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

#include "pvhkvm/pvhkvm.h"

enum fake_step_kind {
  STEP_OUT,        /* port, size, count, data */
  STEP_IN,         /* port, size: the VMM's answer is logged in in_log */
  STEP_MMIO_READ,  /* addr, size */
  STEP_MMIO_WRITE, /* addr, size, data */
  STEP_HLT,        /* KVM_EXIT_HLT */
  STEP_SHUTDOWN,
  STEP_INTERNAL, /* KVM_EXIT_INTERNAL_ERROR, suberror 1; size > 0: data[0..size) as KVM's instruction bytes */
  STEP_FAIL_ENTRY,
  STEP_SPIN,         /* never exits by itself: only a signal or immediate_exit */
  STEP_HALT_IRQCHIP, /* halts inside "KVM" (in-kernel LAPIC): mp_state HALTED, spins */
};

struct fake_step {
  enum fake_step_kind kind;
  uint16_t port;
  uint8_t size;
  uint32_t count;
  uint64_t addr;
  uint8_t data[64];
};

#define FAKE_MAX_STEPS 64
#define FAKE_MAX_FDS 16
#define FAKE_MAX_SLOTS 4
#define FAKE_MAX_LOG 512

struct fake_kvm {
  /* configuration */
  int open_errno;          /* nonzero: open fails with it */
  int api_version;         /* default 12 */
  long missing_cap;        /* KVM_CHECK_EXTENSION returns 0 for it */
  unsigned long fail_req;  /* this ioctl fails with EINVAL */
  uint32_t cpuid_min_nent; /* KVM_GET_SUPPORTED_CPUID: E2BIG below this */
  /* Debug exits, as the KVMs in kvm/README.md differ: no_hw_bp makes the
   * entry breakpoint never fire (the lab's kvm_amd on TCG); with
   * KVM_GUESTDBG_SINGLESTEP armed, step_len > 0 "executes" one instruction
   * of that many bytes (RIP += step_len; step_clobber_rcx also changes RCX,
   * which no instruction at the guest's entry writes) and traps. */
  int no_hw_bp;
  unsigned step_len;
  int step_clobber_rcx;
  struct fake_step steps[FAKE_MAX_STEPS];
  int nsteps;

  /* observed */
  int open_fds; /* fds handed out and not closed */
  int vcpu_mapped;
  int pos; /* next step */
  int runs, eintr_runs;
  int bp_fired, steps_taken;
  struct kvm_regs regs;
  struct kvm_sregs sregs;
  struct kvm_fpu fpu;
  struct kvm_guest_debug dbg;
  struct kvm_lapic_state lapic;
  struct kvm_cpuid_entry2 cpuid[8];
  uint32_t ncpuid;
  int irqchip, pit, tss_set, idmap_set, nslots;
  int halted;
  uint8_t in_log[64]; /* bytes the VMM answered to STEP_IN / STEP_MMIO_READ */
  size_t in_len;

  /* Memory slots as the VMM registered them, and a dirty log kept the way
   * KVM keeps it: only for slots with KVM_MEM_LOG_DIRTY_PAGES, only for
   * guest writes (fake_kvm_guest_write), cleared by KVM_GET_DIRTY_LOG. */
  struct kvm_userspace_memory_region slots[FAKE_MAX_SLOTS];
  uint64_t *dirty[FAKE_MAX_SLOTS];
  struct kvm_debugregs debugregs;
  struct kvm_vcpu_events events;
  struct kvm_mp_state mp;
  unsigned long log[FAKE_MAX_LOG]; /* every vCPU/VM ioctl request, in order */
  int nlog;

  /* internal */
  struct kvm_run *run;
  size_t run_size;
  int last_step; /* index of the step whose exit is pending, -1 none */
};

extern struct fake_kvm fk;

/* Resets fk to defaults (empty script) and installs the fake. */
void fake_kvm_install(void);
/* Back to libc. */
void fake_kvm_remove(void);
/* The same two as cmocka fixtures: every test starts on a fresh fake. */
int fake_kvm_setup(void **state);
int fake_kvm_teardown(void **state);
void fake_kvm_push(struct fake_step s);
void fake_kvm_push_out_str(uint16_t port, const char *s); /* one 1-byte OUT per char */
/* The guest writes value to the exit port (one 4-byte OUT to 0xf4). */
void fake_kvm_push_exit(uint32_t value);
/* A VM of ram_size bytes, pvhkvm's defaults otherwise, on the fake. */
enum pvhkvm_err_kind fake_kvm_vm_create(uint64_t ram_size, struct pvhkvm_vm **vm, struct pvhkvm_error *e);
/* The "guest" writes a byte at gpa: into the slot's host memory, logged as
 * dirty when the slot logs. Returns 0, or -1 when gpa is in no slot. */
int fake_kvm_guest_write(uint64_t gpa, uint8_t v);
/* How many times the VMM issued ioctl request `req` since install. */
int fake_kvm_count(unsigned long req);

#endif
