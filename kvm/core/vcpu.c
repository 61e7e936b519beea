/* SPDX-License-Identifier: MIT */
/* The one vCPU: creation, its kvm_run mapping, FPU and LAPIC defaults, and
 * moving the PVH entry state in and out. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "internal.h"
#include "pvhkvm/kvm_state.h"

#define APIC_LVT0 0x350
#define APIC_LVT1 0x360
#define APIC_MODE_MASK 0x700u
#define APIC_MODE_NMI 0x400u
#define APIC_MODE_EXTINT 0x700u

static void lvt_set_mode(struct kvm_lapic_state *la, unsigned off, uint32_t mode) {
  uint32_t v;
  memcpy(&v, la->regs + off, sizeof(v));
  v = (v & ~APIC_MODE_MASK) | mode;
  memcpy(la->regs + off, &v, sizeof(v));
}

enum pvhkvm_err_kind pvhkvm_vcpu_create(struct pvhkvm_vm *vm, struct pvhkvm_error *err) {
  vm->vcpu_fd = kvm_ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
  if (vm->vcpu_fd < 0)
    return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "KVM_CREATE_VCPU: %s", strerror(errno));
  int sz = kvm_ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
  if (sz < (int)sizeof(struct kvm_run))
    return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "KVM_GET_VCPU_MMAP_SIZE returned %d", sz);
  void *run = kvm_mmap_vcpu((size_t)sz, vm->vcpu_fd);
  if (run == MAP_FAILED)
    return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "mmap kvm_run: %s", strerror(errno));
  vm->run = run;
  vm->run_size = (size_t)sz;
  return PVHKVM_OK;
}

enum pvhkvm_err_kind pvhkvm_vcpu_defaults(struct pvhkvm_vm *vm, struct pvhkvm_error *err) {
  /* What firmware would leave: x87 control word and MXCSR at their reset
   * defaults with all exceptions masked (KVM's zeroed FPU unmasks them). */
  struct kvm_fpu fpu;
  memset(&fpu, 0, sizeof(fpu));
  fpu.fcw = 0x37f;
  fpu.mxcsr = 0x1f80;
  if (kvm_ioctl(vm->vcpu_fd, KVM_SET_FPU, (uintptr_t)(&fpu)) < 0)
    return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "KVM_SET_FPU: %s", strerror(errno));

  if (vm->irqchip) {
    /* Virtual-wire mode: the PIC reaches the CPU through LINT0 as ExtINT,
     * NMIs through LINT1. A kernel without ACPI/MP tables relies on it. */
    struct kvm_lapic_state la;
    if (kvm_ioctl(vm->vcpu_fd, KVM_GET_LAPIC, (uintptr_t)(&la)) < 0)
      return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "KVM_GET_LAPIC: %s", strerror(errno));
    lvt_set_mode(&la, APIC_LVT0, APIC_MODE_EXTINT);
    lvt_set_mode(&la, APIC_LVT1, APIC_MODE_NMI);
    if (kvm_ioctl(vm->vcpu_fd, KVM_SET_LAPIC, (uintptr_t)(&la)) < 0)
      return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "KVM_SET_LAPIC: %s", strerror(errno));
  }
  return PVHKVM_OK;
}

enum pvhkvm_err_kind pvhkvm_vcpu_set_entry(struct pvhkvm_vm *vm, const struct pvh_entry_state *st,
                                           struct pvhkvm_error *err) {
  struct kvm_regs regs;
  struct kvm_sregs sregs;
  /* Read first so the fields PVH says nothing about (APIC base, CR8, the
   * pending-interrupt bitmap) keep KVM's values. */
  if (kvm_ioctl(vm->vcpu_fd, KVM_GET_SREGS, (uintptr_t)(&sregs)) < 0)
    return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "KVM_GET_SREGS: %s", strerror(errno));
  memset(&regs, 0, sizeof(regs));
  pvhkvm_state_to_kvm(st, &regs, &sregs);
  if (kvm_ioctl(vm->vcpu_fd, KVM_SET_SREGS, (uintptr_t)(&sregs)) < 0)
    return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "KVM_SET_SREGS: %s", strerror(errno));
  if (kvm_ioctl(vm->vcpu_fd, KVM_SET_REGS, (uintptr_t)(&regs)) < 0)
    return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "KVM_SET_REGS: %s", strerror(errno));
  return PVHKVM_OK;
}

enum pvhkvm_err_kind pvhkvm_vcpu_get_state(struct pvhkvm_vm *vm, struct pvh_entry_state *st,
                                           struct pvhkvm_error *err) {
  struct kvm_regs regs;
  struct kvm_sregs sregs;
  if (kvm_ioctl(vm->vcpu_fd, KVM_GET_REGS, (uintptr_t)(&regs)) < 0)
    return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "KVM_GET_REGS: %s", strerror(errno));
  if (kvm_ioctl(vm->vcpu_fd, KVM_GET_SREGS, (uintptr_t)(&sregs)) < 0)
    return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "KVM_GET_SREGS: %s", strerror(errno));
  pvhkvm_state_from_kvm(&regs, &sregs, st);
  return PVHKVM_OK;
}
