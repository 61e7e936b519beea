/* SPDX-License-Identifier: MIT */
/* Every fixed guest-physical address and size pvhcheck uses, in one place,
 * each with the reason it is where it is. docs/guest-layout.md has the same
 * table for readers; keep the two together.
 *
 *   0x00000000  RAM      real-mode IVT/BDA (untouched)
 *   0x00001000  RAM      boot GDT                      PVH_GUEST_GDT
 *   0x00002000  RAM      hvm_start_info + modlist      PVH_GUEST_START_INFO
 *   0x00003000  RAM      memory map (0x5000 bytes)     PVH_GUEST_MEMMAP
 *   0x00020000  RAM      command line (64 KiB)         PVH_GUEST_CMDLINE
 *   0x0009fc00  RESERVED EBDA .. BIOS area             PVH_LOW_RAM_END
 *   0x000e0000  RESERVED ACPI tables (pvhlinux)        PVH_GUEST_ACPI
 *   0x00100000  RAM      kernels are linked here+      PVH_HIGH_RAM_START
 *   <= 2 GiB    RAM      initramfs, top-down           PVH_GUEST_INITRAMFS_CEILING
 *               (above the kernel; when there is no room there, below it but
 *                not under 1 MiB                       PVH_GUEST_INITRAMFS_FLOOR)
 *   0xc0000000  RESERVED 32-bit MMIO hole, 3..4 GiB    PVH_MMIO_HOLE_START
 *   0xfec00000           IOAPIC                        PVH_GUEST_IOAPIC
 *   0xfee00000           LAPIC                         PVH_GUEST_LAPIC
 *   0xfffbc000           KVM identity-map page         PVH_GUEST_KVM_IDENTITY_MAP
 *   0xfffbd000           KVM TSS (3 pages)             PVH_GUEST_KVM_TSS
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

/* ACPI tables (pvhlinux): the RESERVED BIOS area [0x9fc00, 1 MiB), where a PC
 * BIOS keeps them; backed by guest RAM but never RAM to the guest. */
#define PVH_GUEST_ACPI 0xe0000ull

/* Interrupt controllers at their PC addresses, inside the MMIO hole. */
#define PVH_GUEST_IOAPIC 0xfec00000ull
#define PVH_GUEST_LAPIC 0xfee00000ull

/* KVM_SET_IDENTITY_MAP_ADDR (1 page) and KVM_SET_TSS_ADDR (3 pages): Intel
 * VMX needs both for real mode; they must not be guest RAM, so they sit in
 * the MMIO hole just below the 4 GiB BIOS flash window, where QEMU puts them. */
#define PVH_GUEST_KVM_IDENTITY_MAP 0xfffbc000ull
#define PVH_GUEST_KVM_TSS 0xfffbd000ull

/* The standard map (pvh_memmap_standard) has at most this many regions:
 * low RAM, EBDA/BIOS, RAM up to 3 GiB, the MMIO hole, RAM above 4 GiB.
 * Arrays for it use this size, with room for a caller's pvhkvm_vm_mark. */
#define PVH_MEMMAP_STANDARD_MAX 8u

#endif
