/* SPDX-License-Identifier: MIT */
/* Guest memory maps: the standard PC layout for a RAM size, and validation of a
 * caller-supplied map (sizes, overflow, overlaps) into a sorted copy. */
#ifndef PVH_MEMMAP_H
#define PVH_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/bus.h"
#include "pvh/error.h"
#include "pvh/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PVH_MIB (1024ull * 1024ull)
#define PVH_GIB (1024ull * PVH_MIB)
#define PVH_4G (4ull * PVH_GIB)
#define PVH_LOW_RAM_END 0x9fc00ull        /* RAM below the EBDA */
#define PVH_HIGH_RAM_START 0x100000ull    /* 1 MiB */
#define PVH_MMIO_HOLE_START 0xc0000000ull /* 3 GiB: 32-bit MMIO, LAPIC, IOAPIC */
#define PVH_MEMMAP_MAX_REGIONS 4096u      /* regions accepted from a caller */

/* The layout a simple PC VMM gives a guest of `ram_size` bytes:
 *   RAM [0, 0x9fc00), RESERVED [0x9fc00, 0x100000), RAM [1 MiB, min(ram, 3 GiB)),
 *   RESERVED [3 GiB, 4 GiB) when RAM reaches it, RAM [4 GiB, ...) for the rest.
 * Returns the number of regions written (at most 5, cap must be >= 5), 0 if
 * ram_size is below 1 MiB + 4 KiB. Guest RAM backing: low slot [0, min(ram,3G)),
 * high slot [4G, 4G + ram - 3G) when ram > 3 GiB. */
PVH_API size_t pvh_memmap_standard(uint64_t ram_size, struct pvh_mem_region *out, size_t cap);

/* Validates regions (non-zero size, no wrap, no overlap, known type, count <=
 * PVH_MEMMAP_MAX_REGIONS) and writes a copy sorted by address to *sorted
 * (malloc'd; the caller frees it with free()). Errors: PVH_E_MEMMAP_INVALID
 * (the region and value in the message), PVH_E_NOMEM; *sorted is NULL then. */
PVH_API enum pvh_err pvh_memmap_sorted(const struct pvh_mem_region *regions, size_t n,
                                       struct pvh_mem_region **sorted, struct pvh_error *err);

/* True if every byte of [addr, addr+len) is RAM: inside one RAM region or a
 * chain of RAM regions that touch end to start (len 0 is never RAM). The
 * regions need not be sorted. Reads only; never fails. */
PVH_API int pvh_memmap_is_ram(const struct pvh_mem_region *regions, size_t n, uint64_t addr, uint64_t len);

/* Parses "256M", "1G", "4096K", "1048576", "0x1000" (bytes; decimal or 0x hex,
 * never octal; K/M/G/T with optional "iB"/"B"). Returns 0 and sets *out, or
 * -1 (no sign, no spaces, no overflow) leaving *out alone. */
PVH_API int pvh_parse_size(const char *s, uint64_t *out);

#ifdef __cplusplus
}
#endif
#endif
