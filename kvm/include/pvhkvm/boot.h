/* SPDX-License-Identifier: MIT */
/* One boot check in one call: create a VM, load a kernel with libpvh, set the
 * vCPU from the loader's entry state, prove the entry, run, tear down. This is
 * what `pvhcheck boot`, the KVM tests and the benchmark use; tools that need
 * more control (ACPI tables, CPUID masks) use pvhkvm.h directly or the hooks. */
#ifndef PVHKVM_BOOT_H
#define PVHKVM_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/image.h"
#include "pvh/loader.h"
#include "pvhkvm/pvhkvm.h"

#ifdef __cplusplus
extern "C" {
#endif

enum pvhkvm_boot_status {
  PVHKVM_BOOT_RAN = 0,      /* the vCPU ran; see run result */
  PVHKVM_BOOT_ENV,          /* VM could not be created (see kvm_err) */
  PVHKVM_BOOT_REJECTED,     /* the loader rejected the kernel (see load_err) */
  PVHKVM_BOOT_SETUP,        /* setting the vCPU state failed (see kvm_err) */
};

struct pvhkvm_boot_opts {
  struct pvhkvm_vm_opts vm;
  struct pvhkvm_run_opts run;
  const struct pvh_image *kernel;
  const struct pvh_image *initramfs; /* NULL: none */
  const char *cmdline;               /* NULL: none */
  /* Fill each BSS range with this byte before the loader commits, so a loader
   * that skips the zero-fill is caught by the guest's BSS check (fresh guest
   * RAM is already zero). -1: don't. Default 0xa5. */
  int poison_bss;
  /* Test hook: called after the loader planned and committed, before the vCPU
   * is set. It may change *vcpu_state (what KVM is given); the proof still
   * compares against the loader's plan. Also where ACPI tables can be added. */
  void (*after_load)(void *ctx, struct pvhkvm_vm *vm, const struct pvh_plan *plan,
                     struct pvh_entry_state *vcpu_state);
  void *after_load_ctx;
  /* Called right after the VM is created, before the loader plans (e.g. to
   * pvhkvm_vm_mark ACPI regions, write tables and set cfg->rsdp_paddr or
   * cfg->layout). cfg already holds cmdline/initramfs/rsdp_paddr from these
   * options. Nonzero return aborts (status SETUP). */
  int (*before_load)(void *ctx, struct pvhkvm_vm *vm, struct pvh_load_config *cfg);
  void *before_load_ctx;
  uint64_t rsdp_paddr;               /* passed in start_info; 0 = none */
};

void pvhkvm_boot_opts_init(struct pvhkvm_boot_opts *o);

struct pvhkvm_boot_result {
  enum pvhkvm_boot_status status;
  struct pvhkvm_error kvm_err;
  struct pvh_error load_err;
  struct pvh_load_report report;     /* valid from a successful load (segments not kept) */
  struct pvh_entry_state entry;      /* the loader's entry state */
  struct pvhkvm_run_result run;
  double create_s, load_s, destroy_s; /* phase timings, s */
};

/* Never leaves anything open. Free the result with pvhkvm_boot_result_free. */
enum pvhkvm_boot_status pvhkvm_boot(const struct pvhkvm_boot_opts *o, struct pvhkvm_boot_result *res);
void pvhkvm_boot_result_free(struct pvhkvm_boot_result *res);

/* The built-in self-test guest (ELF64, 4-byte note) embedded in the library. */
const uint8_t *pvhkvm_builtin_guest(size_t *len);

#ifdef __cplusplus
}
#endif
#endif
