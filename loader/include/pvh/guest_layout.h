/* SPDX-License-Identifier: MIT */
/* The loader's default boot-data layout (pvh_layout_default) and the memory
 * map bounds it sits in, each address with the reason it is where it is.
 * Whatever else a VMM places in guest-physical space is the VMM's own
 * choice and lives with it. docs/guest-layout.md has the table for readers;
 * keep the two together.
 *
 *   0x00000000  RAM      real-mode IVT/BDA (untouched)
 *   0x00001000  RAM      boot GDT                      PVH_GUEST_GDT
 *   0x00002000  RAM      hvm_start_info + modlist      PVH_GUEST_START_INFO
 *   0x00003000  RAM      memory map (0x5000 bytes)     PVH_GUEST_MEMMAP
 *   0x00020000  RAM      command line (64 KiB)         PVH_GUEST_CMDLINE
 *   0x0009fc00  RESERVED EBDA .. BIOS area             PVH_LOW_RAM_END
 *   0x00100000  RAM      kernels are linked here+      PVH_HIGH_RAM_START
 *   <= 2 GiB    RAM      initramfs, top-down           PVH_GUEST_INITRAMFS_CEILING
 *               (above the kernel; when there is no room there, below it but
 *                not under 1 MiB                       PVH_GUEST_INITRAMFS_FLOOR)
 *   0xc0000000  RESERVED 32-bit MMIO hole, 3..4 GiB    PVH_MMIO_HOLE_START
 */
#ifndef PVH_GUEST_LAYOUT_H
#define PVH_GUEST_LAYOUT_H

#include "pvh/memmap.h" /* PVH_LOW_RAM_END, PVH_HIGH_RAM_START, PVH_MMIO_HOLE_START */

/* Boot data the loader writes (pvh_layout_default). All in the first 640 KiB,
 * below the EBDA and out of the way of kernels linked at 1 MiB and above;
 * page 0 stays free (real-mode IVT and BIOS data area). */
#define PVH_GUEST_GDT 0x1000ull           /* PVH_GDT_SIZE bytes */
#define PVH_GUEST_START_INFO 0x2000ull    /* start_info + one modlist entry */
#define PVH_GUEST_MEMMAP 0x3000ull        /* up to PVH_GUEST_MEMMAP_SIZE bytes */
#define PVH_GUEST_MEMMAP_SIZE 0x5000ull   /* 853 hvm_memmap_table_entry */
#define PVH_GUEST_CMDLINE 0x20000ull      /* clear of the memmap, below the EBDA */
#define PVH_GUEST_CMDLINE_SIZE 0x10000ull /* including the NUL */
/* The initramfs goes at the top of RAM below this: 2 GiB is what 32-bit
 * kernels can reach before they set up their own mappings. */
#define PVH_GUEST_INITRAMFS_CEILING 0x80000000ull
#define PVH_GUEST_INITRAMFS_ALIGN 0x1000ull
/* The lowest address the below-the-kernel fallback uses: under 1 MiB are the
 * boot data, the EBDA and the BIOS area. */
#define PVH_GUEST_INITRAMFS_FLOOR 0x100000ull

/* The standard map (pvh_memmap_standard) has at most this many regions:
 * low RAM, EBDA/BIOS, RAM up to 3 GiB, the MMIO hole, RAM above 4 GiB.
 * Arrays for it use this size, leaving room for regions a caller adds. */
#define PVH_MEMMAP_STANDARD_MAX 8u

#endif
