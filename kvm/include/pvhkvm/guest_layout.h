/* SPDX-License-Identifier: MIT */
/* What pvhkvm's VMs hold in guest-physical space besides the loader's boot
 * data (pvh/guest_layout.h), each address with the reason it is where it is.
 * docs/guest-layout.md has the same table for readers; keep the two together.
 *
 *   0x000e0000  RESERVED ACPI tables (pvhlinux)        PVHKVM_GUEST_ACPI
 *   0xfec00000           IOAPIC                        PVHKVM_GUEST_IOAPIC
 *   0xfee00000           LAPIC                         PVHKVM_GUEST_LAPIC
 *   0xfffbc000           KVM identity-map page         PVHKVM_GUEST_KVM_IDENTITY_MAP
 *   0xfffbd000           KVM TSS (3 pages)             PVHKVM_GUEST_KVM_TSS
 */
#ifndef PVHKVM_GUEST_LAYOUT_H
#define PVHKVM_GUEST_LAYOUT_H

#include "pvh/guest_layout.h" /* the loader's boot data and the map bounds */

/* ACPI tables (pvhlinux builds them, a VM backs them): the RESERVED BIOS area
 * [0x9fc00, 1 MiB), where a PC BIOS keeps them; backed by guest RAM but never
 * RAM to the guest. */
#define PVHKVM_GUEST_ACPI 0xe0000ull

/* Interrupt controllers at their PC addresses, inside the MMIO hole. */
#define PVHKVM_GUEST_IOAPIC 0xfec00000ull
#define PVHKVM_GUEST_LAPIC 0xfee00000ull

/* KVM_SET_IDENTITY_MAP_ADDR (1 page) and KVM_SET_TSS_ADDR (3 pages): Intel
 * VMX needs both for real mode; they must not be guest RAM, so they sit in
 * the MMIO hole just below the 4 GiB BIOS flash window, where QEMU puts them. */
#define PVHKVM_GUEST_KVM_IDENTITY_MAP 0xfffbc000ull
#define PVHKVM_GUEST_KVM_TSS 0xfffbd000ull

#endif
