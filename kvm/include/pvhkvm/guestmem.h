/* SPDX-License-Identifier: MIT */
/* Reading guest memory the way the guest's CPU sees it, for reports: when a
 * run stops on an emulation failure, the host has RIP (a virtual address) and
 * CR3, and wants the instruction bytes. 4-level long-mode paging with 2 MiB
 * and 1 GiB pages, or no paging at all (CR0.PG clear). Pure C over a
 * physical-read callback, so it is tested without KVM. */
#ifndef PVHKVM_GUESTMEM_H
#define PVHKVM_GUESTMEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Copies len bytes of guest-physical memory at pa to dst; 0 or -1 (not backed). */
typedef int (*pvhkvm_phys_read_fn)(void *ctx, uint64_t pa, void *dst, size_t len);

/* Translates va through the page tables at cr3 (paging = 0: identity).
 * Returns 0 and *pa, or -1 when a level is not present or unreadable. */
int pvhkvm_virt_to_phys(pvhkvm_phys_read_fn rd, void *ctx, int paging, uint64_t cr3, uint64_t va,
                        uint64_t *pa);

/* Reads up to len bytes at va, page by page; returns the count read (stops at
 * the first unmapped page). */
size_t pvhkvm_read_virt(pvhkvm_phys_read_fn rd, void *ctx, int paging, uint64_t cr3, uint64_t va,
                        uint8_t *dst, size_t len);

#ifdef __cplusplus
}
#endif
#endif
