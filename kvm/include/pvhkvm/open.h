/* SPDX-License-Identifier: MIT */
/* What the PVH contract leaves to the VMM, chosen by a caller instead of
 * pvhcheck's defaults: `pvhcheck conform` boots one kernel many times, each
 * time with other choices. pvhkvm_boot (and pvhlinux_boot, which passes it
 * on) applies them at three points of the one boot sequence:
 *   plan      the loader plans against `memmap` with `layout`;
 *   fill      the fresh VM's RAM, before anything is written into it;
 *   choose    after the loader committed: rewrite what the VMM may arrange
 *             differently in guest memory (the map's order, where the module
 *             list sits, a GDT of other selectors) and change the entry
 *             state; the entry proof then compares against the chosen state.
 * Every field may be NULL: that part keeps pvhcheck's default. */
#ifndef PVHKVM_OPEN_H
#define PVHKVM_OPEN_H

#include <stddef.h>

#include "pvh/loader.h"
#include "pvhkvm/pvhkvm.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pvhkvm_open_choices {
  const struct pvh_layout *layout;     /* NULL: pvh_layout_default */
  const struct pvh_mem_region *memmap; /* planned against and handed to the guest; NULL: the
                                        * standard map for vm.ram_size. Must describe only
                                        * backed RAM as RAM. */
  size_t nr_memmap;
  int (*fill)(void *ctx, struct pvhkvm_vm *vm, struct pvhkvm_error *err);
  int (*choose)(void *ctx, struct pvhkvm_vm *vm, const struct pvh_plan *plan, struct pvh_entry_state *entry,
                struct pvhkvm_error *err);
  void *ctx;
};

#ifdef __cplusplus
}
#endif
#endif
