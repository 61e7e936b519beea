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
 *
 * Conventions for the whole library (each function below says only where it
 * differs):
 *  - Errors: a fallible function returns enum pvh_err (PVH_OK or a code) and,
 *    when `err` is non-NULL, fills it with the code and a message naming the
 *    field and value. `err` may always be NULL. Nothing is printed.
 *  - Ownership: the caller owns every struct it passes in (stack or heap);
 *    libpvh allocates only inside a plan, an ELF view, a recording bus, a
 *    sorted memory map or an opened image, each released by its own _free /
 *    _close function, which is safe to call twice and on a zeroed struct.
 *  - Lifetimes: pointers libpvh keeps are listed per function (a plan's ops
 *    point into the kernel and initramfs images; a bus keeps its map pointer).
 *  - Thread-safety: no global or static mutable state; every function is
 *    reentrant. Different objects may be used from different threads at once;
 *    one object (plan, bus, image being opened) from one thread at a time.
 *    Read-only inputs (images, configs, memory maps) may be shared.
 *  - Memory: a hostile kernel cannot make libpvh read outside the image,
 *    allocate without bound (counts are capped) or write guest memory before
 *    the whole plan is validated. */
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
#include "pvh/version.h"

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

/* Fills *layout with the defaults above (pvh/guest_layout.h). Never fails. */
PVH_API void pvh_layout_default(struct pvh_layout *layout);

struct pvh_load_config {
  const char *cmdline;               /* NULL: no command line (cmdline_paddr 0) */
  const struct pvh_image *initramfs; /* NULL: no module */
  uint64_t rsdp_paddr;               /* 0: none */
  struct pvh_layout layout;
};

/* Zeroes *cfg (no cmdline, no initramfs, no RSDP) with the default layout.
 * The config keeps cmdline and initramfs by pointer: they must stay valid
 * until the load (pvh_load / pvh_plan_build) returns. Never fails. */
PVH_API void pvh_load_config_init(struct pvh_load_config *cfg);

/* One guest write the plan will perform. PT_LOAD file bytes and the initramfs
 * come from an image (image[offset, offset+len)), read at commit time; BSS is
 * zero-filled; boot data comes from buffers the plan owns. */
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
  const struct pvh_image *image; /* segment/initramfs: where the bytes come from; else NULL */
  uint64_t offset;               /* ... at this offset of the image */
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
  /* Boot data owned by the plan, written by the boot-data ops. */
  uint8_t start_info_area[PVH_START_INFO_AREA];
  struct hvm_memmap_table_entry *memmap;
  char *cmdline;
  uint64_t gdt[PVH_GDT_ENTRIES];
};

/* ---- The one call most users want ---- */

/* Plans against bus->regions, validates, commits. On error *plan is empty
 * (safe to pvh_plan_free). On success the caller owns *plan (free with
 * pvh_plan_free): plan->entry is the vCPU state, plan->report what went where.
 * plan->ops[].image point to `kernel` and cfg->initramfs: the images may be
 * closed after pvh_load returns, but then the ops must not be replayed.
 * Errors: any code of the parse/plan/validate steps below (nothing was
 * written), PVH_E_INVALID_ARG (NULL kernel/config/bus), PVH_E_NOMEM, and two
 * that can come during the commit, after some writes: PVH_E_BUS (the bus
 * refused a write: its backing disagrees with bus->regions) and PVH_E_IO (a
 * file image shrank or failed while its bytes were copied). After those two,
 * guest memory may be partly written: discard the guest. Not thread-safe on
 * one bus or plan; see the conventions above. */
PVH_API enum pvh_err pvh_load(const struct pvh_image *kernel, const struct pvh_load_config *cfg,
                              struct pvh_bus *bus, struct pvh_plan *plan, struct pvh_error *err);

/* ---- The steps, for fuzzers and tools ---- */

/* Empties *plan (no allocation). */
PVH_API void pvh_plan_init(struct pvh_plan *plan);
/* Frees what the plan owns and empties it; safe twice and on an empty plan. */
PVH_API void pvh_plan_free(struct pvh_plan *plan);

/* Parse, find the note, plan segments, plan boot data, validate. No writes;
 * reads the kernel's headers and notes, not its segments. `regions` is only
 * read during the call. On success the caller owns *plan; on error *plan is
 * empty. Errors: every code of pvh/error.h except PVH_E_BUS (PVH_E_IO: the
 * file shrank or could not be read). */
PVH_API enum pvh_err pvh_plan_build(const struct pvh_image *kernel, const struct pvh_mem_region *regions,
                                    size_t nr_regions, const struct pvh_load_config *cfg,
                                    struct pvh_plan *plan, struct pvh_error *err);

/* Adds one kernel PT_LOAD (file part and BSS part) to the plan. Its file
 * bytes are image[offset, offset+filesz), read at commit; the image is kept
 * by pointer and must outlive the plan's use. Checks filesz <= memsz
 * (PVH_E_SEG_FILESZ), address overflow (PVH_E_SEG_OVERFLOW) and the 4 GiB
 * limit (PVH_E_SEG_ABOVE_4G); PVH_E_INVALID_ARG (file bytes but no image, or
 * bytes outside it), PVH_E_NOMEM. A segment with memsz 0 adds nothing. After
 * an error the plan may hold part of the segment: free it. */
PVH_API enum pvh_err pvh_plan_add_segment(struct pvh_plan *plan, uint32_t phdr_index, uint32_t flags,
                                          uint64_t paddr, uint64_t filesz, uint64_t memsz, uint64_t offset,
                                          const struct pvh_image *image, struct pvh_error *err);

/* Plans start_info, memmap, cmdline, GDT and initramfs around the kernel
 * segments already in the plan; sets plan->entry from plan->report.note.entry.
 * `sorted` must come from pvh_memmap_sorted. The initramfs goes top-down above
 * the kernel, else below it (report.initramfs_placement). Errors:
 * PVH_E_LAYOUT_ABOVE_4G, PVH_E_ENTRY_ABOVE_4G, PVH_E_INVALID_ARG (layout
 * address 0, empty initramfs, alignment not a power of two),
 * PVH_E_MEMMAP_TOO_MANY, PVH_E_CMDLINE_TOO_LONG, PVH_E_INITRAMFS_NO_ROOM,
 * PVH_E_NOMEM. On error the plan holds a partial plan: free it. */
PVH_API enum pvh_err pvh_plan_boot_data(struct pvh_plan *plan, const struct pvh_mem_region *sorted,
                                        size_t nr_regions, const struct pvh_load_config *cfg,
                                        struct pvh_error *err);

/* Every op in RAM and below 4 GiB, no two ops overlapping, entry inside an
 * executable segment's file bytes. Reads only. Errors: PVH_E_SEG_NOT_RAM,
 * PVH_E_LAYOUT_NOT_RAM, PVH_E_SEG_OVERLAP, PVH_E_LAYOUT_OVERLAP,
 * PVH_E_LAYOUT_ABOVE_4G, PVH_E_ENTRY_NOT_LOADED. */
PVH_API enum pvh_err pvh_plan_validate(const struct pvh_plan *plan, const struct pvh_mem_region *sorted,
                                       size_t nr_regions, struct pvh_error *err);

/* Performs the ops in order through bus->ops (the images the ops point to
 * must still be open). Image bytes are written straight from a memory image,
 * and from a file image in chunks of at most PVH_COMMIT_CHUNK bytes read with
 * pread (one buffer of that size for the call); a bus with ops->place gets
 * their ranges instead and the images are not read. Fails when the bus refuses
 * a write (PVH_E_BUS: a bus whose backing disagrees with the map planned
 * against), when a file image can no longer give its bytes (PVH_E_IO: it
 * shrank, or the read failed) or PVH_E_NOMEM (the chunk buffer); the writes
 * before it stay done. */
#define PVH_COMMIT_CHUNK (256u << 10)
PVH_API enum pvh_err pvh_plan_commit(const struct pvh_plan *plan, struct pvh_bus *bus, struct pvh_error *err);

/* "segment", "bss", ...; a static string, "unknown" when out of range. */
PVH_API const char *pvh_write_kind_name(enum pvh_write_kind kind);

/* "above", "below", "none" (also for out-of-range values); a static string. */
PVH_API const char *pvh_initramfs_placement_name(enum pvh_initramfs_placement p);

#ifdef __cplusplus
}
#endif
#endif
