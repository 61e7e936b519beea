/* SPDX-License-Identifier: MIT */
/* Plan, poison the BSS, commit: the load sequence, written once (load.h). */
#include <string.h>

#include "pvh/guest_layout.h"
#include "pvhkvm/load.h"

enum pvh_err pvhkvm_plan(uint64_t ram_size, const struct pvh_image *kernel, const struct pvh_load_config *cfg,
                         struct pvh_plan *plan, struct pvh_error *err) {
  struct pvh_mem_region map[PVH_MEMMAP_STANDARD_MAX];
  size_t n = pvh_memmap_standard(ram_size, map, PVH_MEMMAP_STANDARD_MAX);
  if (n == 0) {
    pvh_plan_init(plan);
    return pvh_fail(err, PVH_E_INVALID_ARG, "guest RAM of %llu bytes is below the minimum (1 MiB + 4 KiB)",
                    (unsigned long long)ram_size);
  }
  return pvh_plan_build(kernel, map, n, cfg, plan, err);
}

enum pvh_err pvhkvm_commit(struct pvh_bus *bus, const struct pvh_plan *plan, int poison_bss,
                           struct pvh_error *err) {
  if (poison_bss >= 0) {
    uint8_t chunk[4096];
    memset(chunk, poison_bss, sizeof(chunk));
    for (size_t i = 0; i < plan->nr_ops; i++) {
      const struct pvh_write_op *op = &plan->ops[i];
      if (op->kind != PVH_W_BSS)
        continue;
      for (uint64_t done = 0; done < op->len; done += sizeof(chunk)) {
        uint64_t n = op->len - done < sizeof(chunk) ? op->len - done : sizeof(chunk);
        if (bus->ops->write(bus->ctx, op->gpa + done, chunk, n) != 0)
          return pvh_fail(err, PVH_E_BUS, "poisoning BSS: the bus refused %llu bytes at 0x%llx",
                          (unsigned long long)n, (unsigned long long)(op->gpa + done));
      }
    }
  }
  return pvh_plan_commit(plan, bus, err);
}

enum pvh_err pvhkvm_load(struct pvh_bus *bus, const struct pvh_image *kernel,
                         const struct pvh_load_config *cfg, int poison_bss, struct pvh_plan *plan,
                         struct pvh_error *err) {
  enum pvh_err e = pvh_plan_build(kernel, bus->regions, bus->nr_regions, cfg, plan, err);
  if (e == PVH_OK)
    e = pvhkvm_commit(bus, plan, poison_bss, err);
  return e;
}
