/* SPDX-License-Identifier: MIT */
/* The 32-bit page walks, for reports on 32-bit kernels (pvhkvm/guestmem.h covers long
 * mode and paging off): legacy PAE paging (CR4.PAE: 4 PDPTEs at CR3, then
 * 512-entry PD with 2 MiB leaves, PT) and 2-level paging (1024-entry PD with
 * 4 MiB leaves when CR4.PSE, PT). Intel SDM vol. 3, 4.3 and 4.4. */
#ifndef PVHLINUX_GUESTMEM32_H
#define PVHLINUX_GUESTMEM32_H

#include <stddef.h>
#include <stdint.h>

#include "pvhkvm/guestmem.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Translates the 32-bit linear address va; pae and pse are CR4.PAE and
 * CR4.PSE. Returns 0 and *pa, or -1 when a level is not present or unreadable. */
int pvhlinux_virt_to_phys32(pvhkvm_phys_read_fn rd, void *ctx, uint32_t cr3, int pae, int pse, uint32_t va,
                            uint64_t *pa);

/* Reads up to len bytes at va, page by page; returns the count read. */
size_t pvhlinux_read_virt32(pvhkvm_phys_read_fn rd, void *ctx, uint32_t cr3, int pae, int pse, uint32_t va,
                            uint8_t *dst, size_t len);

#ifdef __cplusplus
}
#endif
#endif
