/* SPDX-License-Identifier: MIT */
/* The vCPU state at the PVH entry, in the shape KVM wants it (segment limits in
 * bytes, attribute bits split out), and the boot GDT that encodes the same
 * segments. Nothing here depends on KVM headers. */
#ifndef PVH_ENTRY_H
#define PVH_ENTRY_H

#include <stdint.h>
#include "pvh/export.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pvh_segment {
  uint64_t base;
  uint32_t limit; /* in bytes, granularity already applied */
  uint16_t selector;
  uint8_t type; /* 4-bit descriptor type */
  uint8_t present, dpl, db, s, l, g, avl;
  uint8_t unusable;
};

struct pvh_dtable {
  uint64_t base;
  uint16_t limit;
};

struct pvh_entry_state {
  uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
  uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
  uint64_t rip, rflags;
  uint64_t cr0, cr2, cr3, cr4, efer;
  struct pvh_segment cs, ds, es, fs, gs, ss, tr, ldt;
  struct pvh_dtable gdt, idt;
};

#define PVH_CR0_PE 0x1ull
#define PVH_CR0_ET 0x10ull /* read-only on every CPU since the 486: reads as 1 */
#define PVH_RFLAGS_FIXED 0x2ull

/* Boot GDT: null, null, code (0x10), data (0x18), TSS (0x20). */
#define PVH_GDT_ENTRIES 5u
#define PVH_GDT_SIZE (PVH_GDT_ENTRIES * 8u)
#define PVH_SEL_CS 0x10u
#define PVH_SEL_DS 0x18u
#define PVH_SEL_TR 0x20u

/* Every function here is pure (no allocation, no failure, no state). */

/* 64-bit GDT descriptor for a segment (base/limit/attributes). */
PVH_API uint64_t pvh_gdt_encode(const struct pvh_segment *seg);
/* Inverse of pvh_gdt_encode; selector is set to `selector`. */
PVH_API struct pvh_segment pvh_gdt_decode(uint64_t desc, uint16_t selector);

/* Fills the architectural PVH entry state: RIP = entry, RBX = start_info,
 * CR0 = PE|ET, CR4 = EFER = 0, flat 4 GiB CS/DS/ES/FS/GS/SS, busy 32-bit TSS,
 * GDTR at gdt_paddr. */
PVH_API void pvh_entry_state_init(struct pvh_entry_state *st, uint32_t entry, uint32_t start_info_paddr,
                                  uint32_t gdt_paddr);

/* Writes the PVH_GDT_ENTRIES descriptors matching st (cs, ds, tr) to out. */
PVH_API void pvh_gdt_build(const struct pvh_entry_state *st, uint64_t out[PVH_GDT_ENTRIES]);

/* Compares two segments field by field; returns 0 if equal, else writes a
 * description of the first difference to `why` (may be NULL). */
PVH_API int pvh_segment_diff(const struct pvh_segment *a, const struct pvh_segment *b, char *why,
                             unsigned why_len);

#ifdef __cplusplus
}
#endif
#endif
