/* SPDX-License-Identifier: MIT */
/* Describes where a vCPU stopped on KVM_EXIT_INTERNAL_ERROR, so a report
 * names the instruction KVM could not emulate (kvm-pvm cannot emulate LAR,
 * LSL, XRSTOR, ...) instead of a bare suberror. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "pvhkvm/guestmem.h"
#include "pvhkvm/insn.h"

void pvhkvm_describe_fault(struct pvhkvm_vm *vm, struct pvhkvm_run_result *res) {
  const struct kvm_run *run = vm->run;
  struct pvh_entry_state st;
  struct pvhkvm_error err;
  res->fault_known = 0;
  res->fault_insn_len = 0;
  res->fault_insn_from_kvm = 0;
  res->fault_insn_name[0] = 0;
  if (pvhkvm_vcpu_get_state(vm, &st, &err) != PVHKVM_OK)
    return;
  res->fault_known = 1;
  uint64_t linear = st.cs.base + st.rip;
  if (pvhkvm_mode_bits(&st) != 64)
    linear &= 0xffffffffull;
  res->fault_rip = linear;
#ifdef KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES
  /* emulation_failure overlays internal: data[0] is flags, then insn_size
   * and up to 15 bytes, valid only when the flag is set (ndata >= 3). */
  if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION && run->emulation_failure.ndata >= 3 &&
      (run->emulation_failure.flags & KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES)) {
    size_t n = run->emulation_failure.insn_size;
    if (n > sizeof(res->fault_insn))
      n = sizeof(res->fault_insn);
    memcpy(res->fault_insn, run->emulation_failure.insn_bytes, n);
    res->fault_insn_len = n;
    res->fault_insn_from_kvm = 1;
  }
#endif
  if (!res->fault_insn_from_kvm)
    res->fault_insn_len = pvhkvm_read_virt(pvhkvm_vm_phys_read, vm, pvhkvm_paging_of(&st), st.cr3, linear,
                                           res->fault_insn, sizeof(res->fault_insn));
  struct pvhkvm_insn d;
  if (res->fault_insn_len &&
      pvhkvm_insn_decode(res->fault_insn, res->fault_insn_len, pvhkvm_mode_bits(&st), &d) == 0 && d.len) {
    res->fault_insn_len = d.len; /* KVM hands 15 bytes; keep the instruction */
    if (d.name)
      snprintf(res->fault_insn_name, sizeof(res->fault_insn_name), "%s", d.name);
  }
}

void pvhkvm_fault_text(const struct pvhkvm_run_result *res, char *out, size_t cap) {
  if (!res->fault_known) {
    snprintf(out, cap, "the vCPU state could not be read");
    return;
  }
  if (!res->fault_insn_len) {
    snprintf(out, cap, "at linear RIP 0x%llx (instruction bytes unreadable)",
             (unsigned long long)res->fault_rip);
    return;
  }
  char hex[64];
  pvhkvm_insn_hex(res->fault_insn, res->fault_insn_len, hex, sizeof(hex));
  snprintf(out, cap, "at linear RIP 0x%llx: %s (bytes %s, %s)", (unsigned long long)res->fault_rip,
           res->fault_insn_name[0] ? res->fault_insn_name : "instruction not named", hex,
           res->fault_insn_from_kvm ? "from KVM" : "from a guest page walk");
}
