/* SPDX-License-Identifier: MIT */
/* One boot check: create, load (plan, poison BSS, commit), set the vCPU,
 * prove the entry, run, destroy. Every resource is released on every path. */
#include <string.h>

#include "internal.h"
#include "pvhkvm/boot.h"

void pvhkvm_boot_opts_init(struct pvhkvm_boot_opts *o) {
  memset(o, 0, sizeof(*o));
  pvhkvm_vm_opts_init(&o->vm);
  pvhkvm_run_opts_init(&o->run);
  o->poison_bss = 0xa5;
}

static double since(uint64_t t) { return (double)(pvhkvm_now_ns() - t) / 1e9; }

static void poison_bss(struct pvhkvm_vm *vm, const struct pvh_plan *plan, int byte) {
  for (size_t i = 0; i < plan->nr_ops; i++) {
    const struct pvh_write_op *op = &plan->ops[i];
    if (op->kind != PVH_W_BSS)
      continue;
    uint8_t *h = pvhkvm_vm_host(vm, op->gpa, op->len);
    if (h)
      memset(h, byte, op->len);
  }
}

enum pvhkvm_boot_status pvhkvm_boot(const struct pvhkvm_boot_opts *o, struct pvhkvm_boot_result *res) {
  struct pvhkvm_vm *vm = NULL;
  struct pvh_plan plan;
  memset(res, 0, sizeof(*res));
  pvh_plan_init(&plan);

  uint64_t t = pvhkvm_now_ns();
  if (pvhkvm_vm_create(&o->vm, &vm, &res->kvm_err) != PVHKVM_OK) {
    res->status = pvhkvm_err_is_environment(res->kvm_err.kind) ? PVHKVM_BOOT_ENV : PVHKVM_BOOT_SETUP;
    return res->status;
  }
  res->create_s = since(t);

  t = pvhkvm_now_ns();
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  cfg.cmdline = o->cmdline;
  cfg.initramfs = o->initramfs;
  cfg.rsdp_paddr = o->rsdp_paddr;
  if (o->before_load && o->before_load(o->before_load_ctx, vm, &cfg) != 0) {
    pvhkvm_set_err(&res->kvm_err, PVHKVM_E_INVALID, 0, "before_load hook failed");
    res->status = PVHKVM_BOOT_SETUP;
    goto out;
  }
  size_t nr;
  const struct pvh_mem_region *map = pvhkvm_vm_memmap(vm, &nr);
  /* Plan, then poison the BSS ranges, then commit: the guest's BSS check can
   * then only pass if the loader really zero-filled them. */
  if (pvh_plan_build(o->kernel, map, nr, &cfg, &plan, &res->load_err) != PVH_OK) {
    res->status = PVHKVM_BOOT_REJECTED;
    goto out;
  }
  if (o->poison_bss >= 0)
    poison_bss(vm, &plan, o->poison_bss);
  if (pvh_plan_commit(&plan, pvhkvm_vm_bus(vm), &res->load_err) != PVH_OK) {
    res->status = PVHKVM_BOOT_REJECTED;
    goto out;
  }
  res->report = plan.report;
  res->report.segments = NULL; /* owned by the plan, freed below */
  res->report.nr_segments = plan.report.nr_segments;
  res->entry = plan.entry;
  res->load_s = since(t);

  struct pvh_entry_state vcpu_state = plan.entry;
  if (o->after_load)
    o->after_load(o->after_load_ctx, vm, &plan, &vcpu_state);
  if (pvhkvm_vcpu_set_entry(vm, &vcpu_state, &res->kvm_err) != PVHKVM_OK) {
    res->status = PVHKVM_BOOT_SETUP;
    goto out;
  }
  struct pvhkvm_run_opts ro = o->run;
  ro.prove_entry = &res->entry; /* always against the loader's state */
  pvhkvm_run(vm, &ro, &res->run);
  res->status = PVHKVM_BOOT_RAN;
out:
  pvh_plan_free(&plan);
  t = pvhkvm_now_ns();
  pvhkvm_vm_destroy(vm);
  res->destroy_s = since(t);
  return res->status;
}

void pvhkvm_boot_result_free(struct pvhkvm_boot_result *res) {
  if (res)
    pvhkvm_run_result_free(&res->run);
}
