/* SPDX-License-Identifier: MIT */
/* Helpers shared by the oracle files (oracle_*.c); not used by the targets.
 * The oracles read the fuzz input with their own little-endian reader, not
 * libpvh's, so a bug in a libpvh helper cannot hide by agreeing with itself. */
#ifndef PVH_FUZZ_ORACLE_INTERNAL_H
#define PVH_FUZZ_ORACLE_INTERNAL_H

#include "oracle.h"

#define LIMIT_4G 0x100000000ull

static inline uint64_t rd(const uint8_t *p, unsigned width) {
  uint64_t v = 0;
  for (unsigned i = 0; i < width; i++)
    v |= (uint64_t)p[i] << (8 * i);
  return v;
}

static inline uint64_t pad4(uint64_t n) { return (n + 3u) & ~3ull; }

/* N1, the note padding rule (libelf's, the gABI's ELF_T_NHDR8): a container
 * aligned to 8 pads name and desc to 8, any other alignment to 4. */
static inline unsigned note_pad(uint64_t container_align) { return container_align == 8 ? 8u : 4u; }
static inline uint64_t pad_up(uint64_t n, unsigned pad) { return (n + pad - 1u) & ~(uint64_t)(pad - 1u); }

/* oracle_plan.c: the checks fuzz_layout runs on a plan, which fuzz_load runs
 * on the same bytes read back from guest memory. */
const char *oracle_kind_name(enum pvh_write_kind k);
void oracle_check_start_info_bytes(const uint8_t *area, const struct pvh_load_report *r,
                                   const struct pvh_load_config *cfg, size_t nr_regions,
                                   uint64_t initramfs_size);
void oracle_check_memmap_bytes(const uint8_t *bytes, const struct pvh_mem_region *regions, size_t n);
void oracle_check_report_layout(const struct pvh_plan *plan, const struct pvh_load_config *cfg,
                                uint64_t initramfs_size);

#endif
