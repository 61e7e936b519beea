/* SPDX-License-Identifier: MIT */
/* The one load sequence every boot in pvhcheck uses: plan (libpvh), fill the
 * planned BSS ranges with a poison byte, commit. The poison makes a loader
 * that skips the zero-fill visible to the guest's BSS check (fresh guest RAM
 * is already zero). pvhkvm_boot, pvhlinux_boot (through pvhkvm_boot) and the
 * QEMU handoff harnesses, which load into a flat bus over plain host memory,
 * all come through here; that is why it takes a bus, not a VM:
 *
 *   struct pvh_plan plan; struct pvh_error err;
 *   if (pvhkvm_load(pvhkvm_vm_bus(vm), &kernel, &cfg, PVHKVM_BSS_POISON, &plan, &err)) ...
 *   pvhkvm_vcpu_set_entry(vm, &plan.entry, &kerr); ... pvhkvm_run ... pvh_plan_free(&plan);
 */
#ifndef PVHKVM_LOAD_H
#define PVHKVM_LOAD_H

#include <stdint.h>

#include "pvh/loader.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PVHKVM_BSS_POISON 0xa5

/* Plans against the map pvhkvm_vm_create gives a VM of ram_size bytes
 * (pvh_memmap_standard), without a VM: a kernel is judged on any host, and
 * the same plan is then committed into the VM. PVH_E_INVALID_ARG when
 * ram_size is below the standard map's minimum. */
enum pvh_err pvhkvm_plan(uint64_t ram_size, const struct pvh_image *kernel, const struct pvh_load_config *cfg,
                         struct pvh_plan *plan, struct pvh_error *err);

/* Fills each BSS op's range with poison_bss through the bus (-1: don't), then
 * commits the plan. */
enum pvh_err pvhkvm_commit(struct pvh_bus *bus, const struct pvh_plan *plan, int poison_bss,
                           struct pvh_error *err);

/* Plans against bus->regions, then pvhkvm_commit. On error *plan is empty
 * (safe to pvh_plan_free) and, if planning failed, nothing was written. */
enum pvh_err pvhkvm_load(struct pvh_bus *bus, const struct pvh_image *kernel,
                         const struct pvh_load_config *cfg, int poison_bss, struct pvh_plan *plan,
                         struct pvh_error *err);

#ifdef __cplusplus
}
#endif
#endif
