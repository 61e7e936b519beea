/* SPDX-License-Identifier: MIT */
/* CPUID: what KVM supports on this host, with the few fix-ups a VMM owes the
 * guest (APIC id, hypervisor bit, TSC deadline), then the caller's masks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "internal.h"

#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)

static void apply_masks(struct kvm_cpuid2 *c, const struct pvhkvm_cpuid_mask *m, size_t n) {
  for (size_t i = 0; i < n; i++) {
    for (uint32_t j = 0; j < c->nent; j++) {
      struct kvm_cpuid_entry2 *e = &c->entries[j];
      if (e->function != m[i].function || (!m[i].any_index && e->index != m[i].index))
        continue;
      uint32_t *regs[4] = {&e->eax, &e->ebx, &e->ecx, &e->edx};
      for (int r = 0; r < 4; r++)
        *regs[r] = (*regs[r] & ~m[i].clear[r]) | m[i].set[r];
    }
  }
}

enum pvhkvm_err_kind pvhkvm_cpuid_setup(struct pvhkvm_vm *vm, const struct pvhkvm_cpuid_mask *masks, size_t n,
                                        struct pvhkvm_error *err) {
  struct kvm_cpuid2 *c = NULL;
  /* The table size is not known up front: grow on E2BIG. */
  for (uint32_t nent = 64; nent <= 4096; nent *= 2) {
    free(c);
    c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
    if (!c)
      return pvhkvm_set_err(err, PVHKVM_E_NOMEM, ENOMEM, "cannot allocate %u CPUID entries", nent);
    c->nent = nent;
    if (kvm_ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, (uintptr_t)(c)) == 0)
      break;
    if (errno != E2BIG) {
      int e = errno;
      free(c);
      return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, e, "KVM_GET_SUPPORTED_CPUID: %s", strerror(e));
    }
    c->nent = 0;
  }
  if (!c || c->nent == 0) {
    free(c);
    return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, E2BIG, "KVM_GET_SUPPORTED_CPUID: table larger than 4096");
  }
  int tsc_deadline = kvm_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, (uintptr_t)(KVM_CAP_TSC_DEADLINE_TIMER)) > 0;
  for (uint32_t i = 0; i < c->nent; i++) {
    struct kvm_cpuid_entry2 *e = &c->entries[i];
    if (e->function == 1) {
      e->ebx &= 0x00ffffffu; /* initial APIC id 0: our only vCPU */
      e->ecx |= CPUID_1_ECX_HYPERVISOR;
      if (tsc_deadline && vm->irqchip)
        e->ecx |= CPUID_1_ECX_TSC_DEADLINE;
    } else if (e->function == 0xb || e->function == 0x1f) {
      e->edx = 0; /* x2APIC id */
    }
  }
  apply_masks(c, masks, n);
  int rc = kvm_ioctl(vm->vcpu_fd, KVM_SET_CPUID2, (uintptr_t)(c));
  int e = errno;
  free(c);
  if (rc < 0)
    return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, e, "KVM_SET_CPUID2: %s", strerror(e));
  return PVHKVM_OK;
}
