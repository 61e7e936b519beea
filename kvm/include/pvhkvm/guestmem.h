/* SPDX-License-Identifier: MIT */
/* Reading guest memory the way the guest's CPU sees it, for reports: when a
 * run stops on an emulation failure or a triple fault, the host has RIP (a
 * virtual address) and the control registers, and wants the instruction
 * bytes. Every x86 paging mode a PVH kernel can be in: none (CR0.PG clear, as
 * at the PVH entry), 32-bit 2-level (4 MiB pages with CR4.PSE), 32-bit PAE and
 * long-mode 4-level (2 MiB and 1 GiB pages). Intel SDM vol. 3, 4.3-4.5. No
 * permission or reserved-bit checks: a report only has to find the bytes the
 * CPU fetched. Pure C over a physical-read callback, so it is tested without KVM. */
#ifndef PVHKVM_GUESTMEM_H
#define PVHKVM_GUESTMEM_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/entry.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Copies len bytes of guest-physical memory at pa to dst; 0 or -1 (not backed). */
typedef int (*pvhkvm_phys_read_fn)(void *ctx, uint64_t pa, void *dst, size_t len);

enum pvhkvm_paging {
  PVHKVM_PAGING_OFF = 0,    /* CR0.PG clear: linear = physical */
  PVHKVM_PAGING_4LEVEL = 1, /* long mode (EFER.LMA) */
  PVHKVM_PAGING_PAE,        /* 32-bit, CR4.PAE: 4 PDPTEs at CR3 */
  PVHKVM_PAGING_32,         /* 32-bit 2-level, CR4.PSE clear */
  PVHKVM_PAGING_32_PSE,     /* 32-bit 2-level with 4 MiB pages */
};

/* The paging mode the CPU is in, from CR0, CR4 and EFER. */
enum pvhkvm_paging pvhkvm_paging_of(const struct pvh_entry_state *st);

/* The width the CPU decodes instructions in: 64 in long mode with CS.L, else
 * 32 or 16 by CS.D. */
int pvhkvm_mode_bits(const struct pvh_entry_state *st);

/* Translates va through the page tables at cr3 in the given mode. Returns 0
 * and *pa, or -1 when a level is not present or unreadable (or va is beyond
 * 4 GiB in a 32-bit mode). */
int pvhkvm_virt_to_phys(pvhkvm_phys_read_fn rd, void *ctx, enum pvhkvm_paging paging, uint64_t cr3,
                        uint64_t va, uint64_t *pa);

/* Reads up to len bytes at va, page by page; returns the count read (stops at
 * the first unmapped page or the end of the address space). */
size_t pvhkvm_read_virt(pvhkvm_phys_read_fn rd, void *ctx, enum pvhkvm_paging paging, uint64_t cr3,
                        uint64_t va, uint8_t *dst, size_t len);

#ifdef __cplusplus
}
#endif
#endif
