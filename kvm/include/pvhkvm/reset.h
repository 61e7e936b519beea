/* SPDX-License-Identifier: MIT */
/* Fast reset of a reused VM, as snapshot fuzzers (Nyx/kAFL on KVM, KF/x on
 * Xen) do it: create the VM once, and between two runs put back only what
 * the last run touched.
 *
 *   pvhkvm_vm_create(&o, &vm, &e);
 *   pvhkvm_reset_enable(vm, &e);          // baseline: RAM and vCPU as they are now
 *   for (each input) {
 *     pvh_load(..., pvhkvm_vm_bus(vm), &plan, ...);
 *     pvhkvm_reset_mark_plan(vm, &plan);  // the host's writes (KVM does not log them)
 *     pvhkvm_vcpu_set_entry(vm, &plan.entry, &e);
 *     pvhkvm_run(vm, &ro, &res);
 *     pvhkvm_reset(vm, res.end, 1, &e);   // back to the baseline
 *   }
 *
 * RAM: KVM's dirty log (KVM_MEM_LOG_DIRTY_PAGES on every RAM slot, read and
 * cleared with KVM_GET_DIRTY_LOG) gives the pages the guest wrote; the host's
 * own writes through the flat bus or pvhkvm_vm_host are not in it and are
 * marked by the caller. Each page the guest wrote gets its baseline bytes
 * back: zeros, or the copy taken at enable for the few pages that held data
 * then; of the other pages, only the bytes the host marked (all of each
 * marked page when a cycle marks more than 64 ranges).
 *
 * vCPU: after a run that ended cleanly (exit port, HLT) the registers, the
 * special registers and the debug registers; after any other end (triple
 * fault, emulation failure, timeout, a failed proof) the whole baseline:
 * FPU, pending events, MP state, XCRs and guest debugging too. The devices
 * pvhkvm emulates in user space own their state (devices/) and keep it: a
 * UART's or the CMOS's registers stay as the last guest left them (what the
 * run hands over, console and debug console, is per run anyway). VMs with
 * the in-kernel irqchip are refused: its PIC, IOAPIC, LAPIC and PIT state is
 * not restored here. */
#ifndef PVHKVM_RESET_H
#define PVHKVM_RESET_H

#include <stdint.h>

#include "pvh/loader.h"
#include "pvhkvm/pvhkvm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Turns on dirty logging and records the baseline. Once per VM, before its
 * first run. PVHKVM_E_INVALID for an irqchip VM or a second call;
 * PVHKVM_E_SYSCALL when KVM refuses dirty logging or a state read. */
enum pvhkvm_err_kind pvhkvm_reset_enable(struct pvhkvm_vm *vm, struct pvhkvm_error *err);

/* The host wrote guest-physical [gpa, gpa+len): restore it at the next
 * reset. Ranges outside the VM's RAM are ignored (nothing to restore). */
void pvhkvm_reset_mark(struct pvhkvm_vm *vm, uint64_t gpa, uint64_t len);
/* Marks every range the plan's ops write. */
void pvhkvm_reset_mark_plan(struct pvhkvm_vm *vm, const struct pvh_plan *plan);

/* Puts the VM back to the baseline (see above). `last` is how the last run
 * ended (PVHKVM_END_NONE if unknown: then everything is restored).
 * entry_follows: the caller sets the vCPU entry state next
 * (pvhkvm_vcpu_set_entry), so registers and special registers are not
 * restored here. After it, pvhkvm_run may be called again. */
enum pvhkvm_err_kind pvhkvm_reset(struct pvhkvm_vm *vm, enum pvhkvm_end last, int entry_follows,
                                  struct pvhkvm_error *err);

/* What resets cost, for profiles and benchmarks. */
struct pvhkvm_reset_stats {
  uint64_t resets;
  uint64_t full_vcpu;      /* resets that restored the whole vCPU baseline */
  uint64_t guest_pages;    /* pages restored because KVM's dirty log named them */
  uint64_t host_pages;     /* pages restored because the host marked them (and KVM did not) */
  uint64_t host_bytes;     /* bytes of those pages restored (only what was marked) */
  uint64_t baseline_pages; /* pages with data at enable (restored from a copy) */
  uint64_t ioctls;         /* KVM ioctls the resets made */
};
void pvhkvm_reset_get_stats(const struct pvhkvm_vm *vm, struct pvhkvm_reset_stats *out);

#ifdef __cplusplus
}
#endif
#endif
