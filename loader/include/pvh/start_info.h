/* SPDX-License-Identifier: MIT */
/* The Xen PVH boot ABI structures (xen/include/public/arch-x86/hvm/start_info.h),
 * little endian, no implicit padding. Offsets are pinned by static asserts. */
#ifndef PVH_START_INFO_H
#define PVH_START_INFO_H

#include <stddef.h>
#include <stdint.h>

#define PVH_START_MAGIC 0x336ec578u
#define PVH_START_INFO_VERSION 1u
#define PVH_XEN_ELFNOTE_PHYS32_ENTRY 18u

struct hvm_start_info {
  uint32_t magic;
  uint32_t version;
  uint32_t flags;
  uint32_t nr_modules;
  uint64_t modlist_paddr;
  uint64_t cmdline_paddr;
  uint64_t rsdp_paddr;
  uint64_t memmap_paddr;
  uint32_t memmap_entries;
  uint32_t reserved;
};

struct hvm_modlist_entry {
  uint64_t paddr;
  uint64_t size;
  uint64_t cmdline_paddr;
  uint64_t reserved;
};

struct hvm_memmap_table_entry {
  uint64_t addr;
  uint64_t size;
  uint32_t type;
  uint32_t reserved;
};

/* The layout is the ABI with the guest: checked at compile time in C11 and
 * C++11 alike (the header is meant for C++ VMMs too). */
#ifdef __cplusplus
#define PVH_STATIC_ASSERT static_assert
#else
#define PVH_STATIC_ASSERT _Static_assert
#endif
PVH_STATIC_ASSERT(sizeof(struct hvm_start_info) == 56, "hvm_start_info is 56 bytes");
PVH_STATIC_ASSERT(offsetof(struct hvm_start_info, modlist_paddr) == 16, "modlist_paddr at 16");
PVH_STATIC_ASSERT(offsetof(struct hvm_start_info, memmap_paddr) == 40, "memmap_paddr at 40");
PVH_STATIC_ASSERT(offsetof(struct hvm_start_info, memmap_entries) == 48, "memmap_entries at 48");
PVH_STATIC_ASSERT(sizeof(struct hvm_modlist_entry) == 32, "hvm_modlist_entry is 32 bytes");
PVH_STATIC_ASSERT(sizeof(struct hvm_memmap_table_entry) == 24, "hvm_memmap_table_entry is 24 bytes");

#endif
