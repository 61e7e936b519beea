/* SPDX-License-Identifier: MIT */
/* Conversions between libpvh's entry state and KVM's register structures.
 * Kept out of pvhkvm.h so most users never need <linux/kvm.h>. */
#ifndef PVHKVM_KVM_STATE_H
#define PVHKVM_KVM_STATE_H

#include <linux/kvm.h>

#include "pvh/entry.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Overwrites the fields of *regs / *sregs that the PVH entry state defines
 * (GPRs, RIP, RFLAGS, CR0/2/3/4, EFER, every segment, GDTR, IDTR); leaves the
 * rest (CR8, APIC base, interrupt bitmap) as the caller read it from KVM. */
void pvhkvm_state_to_kvm(const struct pvh_entry_state *st, struct kvm_regs *regs, struct kvm_sregs *sregs);
void pvhkvm_state_from_kvm(const struct kvm_regs *regs, const struct kvm_sregs *sregs,
                           struct pvh_entry_state *st);

void pvhkvm_seg_to_kvm(const struct pvh_segment *s, struct kvm_segment *k);
void pvhkvm_seg_from_kvm(const struct kvm_segment *k, struct pvh_segment *s);

#ifdef __cplusplus
}
#endif
#endif
