/* SPDX-License-Identifier: MIT */
/* One boot check: plan, create, commit (plan -> poison BSS -> commit, in
 * load.c), set the vCPU, prove the entry, run, release the VM (KVM finishes
 * its teardown asynchronously, pvhkvm/reap.h). Every resource is released on
 * every path. */
#include <string.h>

#include "internal.h"
#include "pvhkvm/boot.h"
#include "pvhkvm/load.h"
#include "pvhkvm/reap.h"

void pvhkvm_boot_opts_init(struct pvhkvm_boot_opts *o) {
  memset(o, 0, sizeof(*o));
  pvhkvm_vm_opts_init(&o->vm);
  pvhkvm_run_opts_init(&o->run);
  o->poison_bss = PVHKVM_BSS_POISON;
}

const char *pvhkvm_boot_status_name(enum pvhkvm_boot_status s) {
  switch (s) {
  case PVHKVM_BOOT_RAN: return "ran";
  case PVHKVM_BOOT_ENV: return "environment";
  case PVHKVM_BOOT_REJECTED: return "rejected";
  case PVHKVM_BOOT_SETUP: return "setup-failed";
  case PVHKVM_BOOT_INPUT: return "input";
  }
  return "unknown";
}

const char *pvhkvm_boot_message(const struct pvhkvm_boot_result *r) {
  switch (r->status) {
  case PVHKVM_BOOT_RAN: return r->run.message;
  case PVHKVM_BOOT_REJECTED:
  case PVHKVM_BOOT_INPUT: return r->load_err.message;
  case PVHKVM_BOOT_ENV:
  case PVHKVM_BOOT_SETUP: break;
  }
  return r->kvm_err.message;
}

static double since(uint64_t t) { return (double)(pvhkvm_now_ns() - t) / 1e9; }

/* The loader's failure as a boot status: a kernel or initramfs file that
 * shrank or failed while it was read (the loader reads it during the plan
 * and the commit) is an input problem, anything else a rejection. */
static enum pvhkvm_boot_status load_failure(const struct pvh_error *e) {
  return e->code == PVH_E_IO ? PVHKVM_BOOT_INPUT : PVHKVM_BOOT_REJECTED;
}

enum pvhkvm_boot_status pvhkvm_boot(const struct pvhkvm_boot_opts *o, struct pvhkvm_boot_result *res) {
  struct pvhkvm_vm *vm = NULL;
  struct pvh_plan plan;
  memset(res, 0, sizeof(*res));
  pvh_plan_init(&plan);

  /* The plan first, against the map the VM will have: a rejected kernel is
   * reported as such on any host, and this is the only plan of the boot. */
  uint64_t t = pvhkvm_now_ns();
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  cfg.cmdline = o->cmdline;
  cfg.initramfs = o->initramfs;
  cfg.rsdp_paddr = o->rsdp_paddr;
  const struct pvhkvm_open_choices *open = o->open;
  if (open && open->layout)
    cfg.layout = *open->layout;
  enum pvh_err planned =
      open && open->memmap
          ? pvh_plan_build(o->kernel, open->memmap, open->nr_memmap, &cfg, &plan, &res->load_err)
          : pvhkvm_plan(o->vm.ram_size, o->kernel, &cfg, &plan, &res->load_err);
  if (planned != PVH_OK) {
    res->status = load_failure(&res->load_err);
    goto out;
  }
  res->report = plan.report;
  res->report.segments = NULL; /* owned by the plan, freed below */
  res->entry = plan.entry;
  res->load_s = since(t);

  t = pvhkvm_now_ns();
  if (pvhkvm_vm_create(&o->vm, &vm, &res->kvm_err) != PVHKVM_OK) {
    res->status = pvhkvm_err_is_environment(res->kvm_err.kind) ? PVHKVM_BOOT_ENV : PVHKVM_BOOT_SETUP;
    goto out;
  }
  res->create_s = since(t);
  if (open && open->fill && open->fill(open->ctx, vm, &res->kvm_err) != 0) {
    res->status = PVHKVM_BOOT_SETUP;
    goto out;
  }
  if (o->setup_vm && o->setup_vm(o->setup_vm_ctx, vm, &plan, &res->kvm_err) != 0) {
    res->status = PVHKVM_BOOT_SETUP;
    goto out;
  }

  t = pvhkvm_now_ns();
  if (pvhkvm_commit(pvhkvm_vm_bus(vm), &plan, o->poison_bss, &res->load_err) != PVH_OK) {
    res->status = load_failure(&res->load_err);
    goto out;
  }
  res->load_s += since(t);

  /* The chosen entry state is the one the vCPU gets and the proof holds it to. */
  if (open && open->choose && open->choose(open->ctx, vm, &plan, &res->entry, &res->kvm_err) != 0) {
    res->status = PVHKVM_BOOT_SETUP;
    goto out;
  }
  struct pvh_entry_state vcpu_state = res->entry;
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
  if (o->after_run)
    o->after_run(o->after_run_ctx, vm, &res->run);
out:
  pvh_plan_free(&plan);
  t = pvhkvm_now_ns();
  res->destroy_deferred = pvhkvm_vm_reap(vm) == 1; /* KVM's teardown off our path (pvhkvm/reap.h) */
  res->destroy_s = vm ? since(t) : 0;
  return res->status;
}

void pvhkvm_boot_result_free(struct pvhkvm_boot_result *res) {
  if (res)
    pvhkvm_run_result_free(&res->run);
}
