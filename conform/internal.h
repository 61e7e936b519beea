/* SPDX-License-Identifier: MIT */
/* Shared by the generators: each variation's stream, the spots boot data may
 * take, and the areas pvhcheck's own defaults use (a generated spot stays
 * clear of them, so a case stays valid whichever variations the shrinker
 * turns off). */
#ifndef PVHCONFORM_INTERNAL_H
#define PVHCONFORM_INTERNAL_H

#include <stdarg.h>
#include <stdio.h>

#include "pvh/guest_layout.h"
#include "pvhconform/conform.h"

/* Lowest address a placement takes: the real-mode IVT and BIOS data area
 * below it are left alone by every VMM we know. */
#define CONFORM_LOW_FLOOR 0x500ull
/* pvhcheck's default boot data: GDT, start_info, the memmap (grown up to
 * CONFORM_MEMMAP_ABI entries in place) and the command line. */
#define CONFORM_DEFAULT_AREA_START PVH_GUEST_GDT
#define CONFORM_DEFAULT_AREA_END (PVH_GUEST_CMDLINE + PVH_GUEST_CMDLINE_SIZE)

/* Top of the low RAM slot (what RAM below the 3 GiB hole the VM has). */
uint64_t conform_low_top(const struct conform_ctx *ctx);

/* An aligned spot of size bytes in the realm's windows (VMM: below 640 KiB,
 * as QEMU, Firecracker and cloud-hypervisor place boot data; ABI: any RAM
 * below the 3 GiB hole), clear of the kernel, pvhcheck's default areas, the
 * BIOS area and avoid[]. 0 when none was found. */
uint64_t conform_pick_spot(struct conform_rng *r, const struct conform_ctx *ctx, enum conform_realm realm,
                           uint64_t size, uint64_t align, const struct conform_range *avoid, size_t nr_avoid);

/* The boot-data areas the case's own placements take (for later generators
 * and for holes and islands to avoid). Returns how many were written. */
size_t conform_case_spots(const struct conform_case *c, const struct conform_ctx *ctx,
                          struct conform_range *out, size_t cap);

/* Bytes a placement reserves. */
#define CONFORM_GDT_AREA (CONFORM_GDT_MAX * 8u + 0x100u)
#define CONFORM_START_INFO_AREA 0x60u
#define CONFORM_MODLIST_AREA 0x20u
uint64_t conform_cmdline_area(const struct conform_ctx *ctx);
/* Bytes above the kernel kept for the initramfs (initramfs-at's lowest
 * ceilings fall inside it). */
uint64_t conform_initramfs_room(const struct conform_ctx *ctx);

/* snprintf that never returns more than was written (0 on cap 0). */
int conform_fmt(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Generators and their descriptions (gen_cpu.c, gen_place.c, gen_memmap.c). */
#define CONFORM_X_DECL(id, name, varies, doc)                                                                \
  void conform_gen_##id(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream);             \
  int conform_desc_##id(const struct conform_case *c, char *out, size_t cap);
CONFORM_VAR_LIST(CONFORM_X_DECL)
#undef CONFORM_X_DECL

#endif
