/* SPDX-License-Identifier: MIT */
/* One boot check in one call: plan the load (libpvh, against the map the VM
 * will have, before any KVM call), create a VM, commit the plan (pvhkvm/load.h),
 * set the vCPU from the loader's entry state, prove the entry, run, tear down.
 * `pvhcheck boot`, `pvhcheck boot --linux` (through pvhlinux_boot), the KVM
 * tests and the benchmarks all boot through here; the hooks are where a
 * caller adds devices and tables or looks at the VM before it goes away.
 *
 * struct pvhkvm_boot_result is the status contract of every layer above the
 * loader: `status` says which part stopped the boot, load_err holds the
 * loader's enum pvh_err and message, kvm_err KVM's, run.end (enum pvhkvm_end)
 * and run.message how a run ended. pvhcheck maps it to its exit code and
 * JSON in one place (cli/status.c). */
#ifndef PVHKVM_BOOT_H
#define PVHKVM_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/image.h"
#include "pvh/loader.h"
#include "pvhkvm/open.h"
#include "pvhkvm/pvhkvm.h"

#ifdef __cplusplus
extern "C" {
#endif

enum pvhkvm_boot_status {
  PVHKVM_BOOT_RAN = 0,  /* the vCPU ran; see run (end, message) */
  PVHKVM_BOOT_ENV,      /* this host cannot run KVM (see kvm_err): tests skip */
  PVHKVM_BOOT_REJECTED, /* the loader rejected the kernel (see load_err) */
  PVHKVM_BOOT_SETUP,    /* VM, device or vCPU setup failed (see kvm_err; PVHKVM_E_INVALID: bad option) */
  PVHKVM_BOOT_INPUT,    /* an input could not be read (see load_err: io-error, out-of-memory) */
};
const char *pvhkvm_boot_status_name(enum pvhkvm_boot_status s); /* "ran", "environment", ... */

struct pvhkvm_boot_opts {
  struct pvhkvm_vm_opts vm;
  struct pvhkvm_run_opts run;
  const struct pvh_image *kernel;
  const struct pvh_image *initramfs; /* NULL: none */
  const char *cmdline;               /* NULL: none */
  uint64_t rsdp_paddr;               /* passed in start_info; 0 = none */
  /* Fill each BSS range with this byte before the loader commits (see
   * pvhkvm/load.h). -1: don't. Default PVHKVM_BSS_POISON. */
  int poison_bss;
  /* Called once the VM exists, before the plan is committed: add devices,
   * write the tables rsdp_paddr points at. The plan is final (it was made
   * before the VM). Nonzero return aborts with status SETUP and *err. */
  int (*setup_vm)(void *ctx, struct pvhkvm_vm *vm, const struct pvh_plan *plan, struct pvhkvm_error *err);
  void *setup_vm_ctx;
  /* What the contract leaves open, chosen by the caller (pvhkvm/open.h);
   * NULL: pvhcheck's defaults. */
  const struct pvhkvm_open_choices *open;
  /* Test hook: called after the loader committed, before the vCPU is set. It
   * may change *vcpu_state (what KVM is given); the proof still compares
   * against the loader's plan. */
  void (*after_load)(void *ctx, struct pvhkvm_vm *vm, const struct pvh_plan *plan,
                     struct pvh_entry_state *vcpu_state);
  void *after_load_ctx;
  /* Called after the run, before the VM is destroyed (e.g. to read where the
   * guest stopped). */
  void (*after_run)(void *ctx, struct pvhkvm_vm *vm, const struct pvhkvm_run_result *run);
  void *after_run_ctx;
};

void pvhkvm_boot_opts_init(struct pvhkvm_boot_opts *o);

struct pvhkvm_boot_result {
  enum pvhkvm_boot_status status;
  struct pvhkvm_error kvm_err;
  struct pvh_error load_err;
  struct pvh_load_report report; /* valid from a successful plan (segments not kept) */
  struct pvh_entry_state entry;  /* the loader's entry state */
  struct pvhkvm_run_result run;
  double create_s, load_s, destroy_s; /* phase timings, s */
  int destroy_deferred;               /* KVM finishes its teardown after we return (pvhkvm_vm_reap) */
};

/* Never leaves anything open. Free the result with pvhkvm_boot_result_free. */
enum pvhkvm_boot_status pvhkvm_boot(const struct pvhkvm_boot_opts *o, struct pvhkvm_boot_result *res);
void pvhkvm_boot_result_free(struct pvhkvm_boot_result *res);
/* The message for the status: the loader's, KVM's, or how the run ended. */
const char *pvhkvm_boot_message(const struct pvhkvm_boot_result *res);

/* The built-in self-test guest (ELF64, 4-byte note) embedded in the library. */
const uint8_t *pvhkvm_builtin_guest(size_t *len);

#ifdef __cplusplus
}
#endif
#endif
