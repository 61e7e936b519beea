/* SPDX-License-Identifier: MIT */
/* libpvh's top level: plan a PVH load completely, validate it, then commit it
 * through a memory bus. A rejected kernel writes nothing.
 *
 *   struct pvh_load_config cfg; pvh_load_config_init(&cfg);
 *   cfg.cmdline = "console=ttyS0";
 *   struct pvh_plan plan; struct pvh_error err;
 *   if (pvh_load(&kernel_image, &cfg, &bus, &plan, &err) != PVH_OK) puts(err.message);
 *   ... plan.entry is the vCPU state; plan.report says what went where ...
 *   pvh_plan_free(&plan);
 */
#ifndef PVH_LOADER_H
#define PVH_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/bus.h"
#include "pvh/elf.h"
#include "pvh/entry.h"
#include "pvh/error.h"
#include "pvh/image.h"
#include "pvh/memmap.h"
#include "pvh/note.h"
#include "pvh/start_info.h"
#include "pvh/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the boot data goes. Defaults (pvh_layout_default) sit in low memory,
 * below the EBDA, out of the way of kernels linked at 1 MiB and above. */
struct pvh_layout {
  uint64_t gdt_paddr;         /* PVH_GDT_SIZE bytes; default 0x1000 */
  uint64_t start_info_paddr;  /* start_info + one modlist entry; default 0x2000 */
  uint64_t memmap_paddr;      /* default 0x3000 */
  uint64_t memmap_size;       /* bytes reserved for the memmap; default 0x5000 (853 entries) */
  uint64_t cmdline_paddr;     /* default 0x20000 */
  uint64_t cmdline_size;      /* bytes reserved incl. NUL; default 0x10000 */
  uint64_t initramfs_ceiling; /* initramfs ends at or below this; default 2 GiB. Placed top-down
                                 above the kernel, else below it (not under 1 MiB) */
  uint64_t initramfs_align;   /* power of two; default 4096 */
};

#define PVH_START_INFO_AREA (sizeof(struct hvm_start_info) + sizeof(struct hvm_modlist_entry))

PVH_API void pvh_layout_default(struct pvh_layout *layout);

struct pvh_load_config {
  const char *cmdline;               /* NULL: no command line (cmdline_paddr 0) */
  const struct pvh_image *initramfs; /* NULL: no module */
  uint64_t rsdp_paddr;               /* 0: none */
  struct pvh_layout layout;
};

PVH_API void pvh_load_config_init(struct pvh_load_config *cfg);

/* One guest write the plan will perform. src NULL means zero-fill. */
enum pvh_write_kind {
  PVH_W_SEGMENT = 0, /* PT_LOAD file bytes */
  PVH_W_BSS,         /* PT_LOAD p_memsz - p_filesz zeros */
  PVH_W_START_INFO,  /* start_info + modlist */
  PVH_W_MEMMAP,
  PVH_W_CMDLINE,
  PVH_W_GDT,
  PVH_W_INITRAMFS,
};

struct pvh_write_op {
  enum pvh_write_kind kind;
  uint32_t index; /* phdr index for segment/bss, else 0 */
  uint64_t gpa;
  uint64_t len;
  const uint8_t *src; /* NULL: zero-fill */
};

struct pvh_placed_segment {
  uint32_t phdr_index;
  uint32_t flags; /* PF_* */
  uint64_t paddr, filesz, memsz, offset;
};

/* Where the initramfs went relative to the kernel: above it (the default), or
 * below it when there was no room above (see pvh_layout.initramfs_ceiling). */
enum pvh_initramfs_placement { PVH_INITRAMFS_NONE = 0, PVH_INITRAMFS_ABOVE = 1, PVH_INITRAMFS_BELOW = 2 };

struct pvh_load_report {
  int elf_class;
  uint16_t machine;
  struct pvh_entry_note note;
  struct pvh_placed_segment *segments;
  size_t nr_segments;
  uint64_t kernel_start, kernel_end; /* lowest paddr, highest paddr+memsz */
  uint64_t start_info_paddr, modlist_paddr;
  uint64_t memmap_paddr;
  uint32_t memmap_entries;
  uint64_t cmdline_paddr, cmdline_len; /* len includes the NUL; 0/0 when none */
  uint64_t gdt_paddr;
  uint64_t initramfs_paddr, initramfs_size; /* 0/0 when none */
  enum pvh_initramfs_placement initramfs_placement;
  uint64_t rsdp_paddr;
  uint64_t bytes_planned; /* sum of op lengths */
};

struct pvh_plan {
  struct pvh_write_op *ops;
  size_t nr_ops, cap_ops;
  struct pvh_load_report report;
  struct pvh_entry_state entry;
  /* Boot data owned by the plan, referenced by ops[].src. */
  uint8_t start_info_area[PVH_START_INFO_AREA];
  struct hvm_memmap_table_entry *memmap;
  char *cmdline;
  uint64_t gdt[PVH_GDT_ENTRIES];
};

/* ---- The one call most users want ---- */

/* Plans against bus->regions, validates, commits. On error nothing was written
 * and *plan is empty (safe to pvh_plan_free). */
PVH_API enum pvh_err pvh_load(const struct pvh_image *kernel, const struct pvh_load_config *cfg,
                              struct pvh_bus *bus, struct pvh_plan *plan, struct pvh_error *err);

/* ---- The steps, for fuzzers and tools ---- */

PVH_API void pvh_plan_init(struct pvh_plan *plan);
PVH_API void pvh_plan_free(struct pvh_plan *plan);

/* Parse, find the note, plan segments, plan boot data, validate. No writes. */
PVH_API enum pvh_err pvh_plan_build(const struct pvh_image *kernel, const struct pvh_mem_region *regions,
                                    size_t nr_regions, const struct pvh_load_config *cfg,
                                    struct pvh_plan *plan, struct pvh_error *err);

/* Adds one kernel PT_LOAD (file part and BSS part) to the plan. src must hold
 * filesz bytes. Checks filesz <= memsz, address overflow and the 4 GiB limit. */
PVH_API enum pvh_err pvh_plan_add_segment(struct pvh_plan *plan, uint32_t phdr_index, uint32_t flags,
                                          uint64_t paddr, uint64_t filesz, uint64_t memsz, uint64_t offset,
                                          const uint8_t *src, struct pvh_error *err);

/* Plans start_info, memmap, cmdline, GDT and initramfs around the kernel
 * segments already in the plan; sets plan->entry from plan->report.note.entry.
 * `sorted` must come from pvh_memmap_sorted. */
PVH_API enum pvh_err pvh_plan_boot_data(struct pvh_plan *plan, const struct pvh_mem_region *sorted,
                                        size_t nr_regions, const struct pvh_load_config *cfg,
                                        struct pvh_error *err);

/* Every op in RAM and below 4 GiB, no two ops overlapping, entry inside an
 * executable segment's file bytes. */
PVH_API enum pvh_err pvh_plan_validate(const struct pvh_plan *plan, const struct pvh_mem_region *sorted,
                                       size_t nr_regions, struct pvh_error *err);

/* Performs the ops in order. Only fails if the bus refuses a write (a bus whose
 * map disagrees with the one planned against). */
PVH_API enum pvh_err pvh_plan_commit(const struct pvh_plan *plan, struct pvh_bus *bus, struct pvh_error *err);

PVH_API const char *pvh_write_kind_name(enum pvh_write_kind kind); /* "segment", "bss", ... */

/* "above", "below", "none". */
PVH_API const char *pvh_initramfs_placement_name(enum pvh_initramfs_placement p);

#ifdef __cplusplus
}
#endif
#endif
