/* SPDX-License-Identifier: MIT */
/* The PVH boot ABI as the guest reads it: hvm_start_info and the tables it
 * points to (little endian, packed without padding). */
#ifndef PVHTEST_PVH_ABI_H
#define PVHTEST_PVH_ABI_H

#include <stdint.h>

#define PVH_MAGIC 0x336ec578u

struct start_info {
  uint32_t magic, version, flags, nr_modules;
  uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
  uint32_t memmap_entries, reserved;
};
struct modlist_entry {
  uint64_t paddr, size, cmdline_paddr, reserved;
};
struct memmap_entry {
  uint64_t addr, size;
  uint32_t type, reserved;
};
_Static_assert(sizeof(struct start_info) == 56, "start_info");
_Static_assert(sizeof(struct memmap_entry) == 24, "memmap entry");

#endif
