/* SPDX-License-Identifier: MIT */
/* Layout of the register snapshot entry.S takes before it changes anything.
 * Shared by the assembly (offsets) and the C checks (struct + static asserts). */
#ifndef PVHTEST_REGS_H
#define PVHTEST_REGS_H

#define R_EAX 0
#define R_EBX 4
#define R_ECX 8
#define R_EDX 12
#define R_ESI 16
#define R_EDI 20
#define R_ESP 24
#define R_EBP 28
#define R_EFLAGS 32
#define R_CR0 36
#define R_CR3 40
#define R_CR4 44
#define R_EFER_LO 48
#define R_EFER_HI 52
#define R_CS 56
#define R_DS 58
#define R_ES 60
#define R_FS 62
#define R_GS 64
#define R_SS 66
#define R_TR 68
#define R_LDTR 70
#define R_GDTR 72 /* 2-byte limit, 4-byte base */
#define R_IDTR 80
#define R_SIZE 88

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct __attribute__((packed)) dtr {
  uint16_t limit;
  uint32_t base;
};

struct entry_regs {
  uint32_t eax, ebx, ecx, edx, esi, edi, esp, ebp;
  uint32_t eflags, cr0, cr3, cr4, efer_lo, efer_hi;
  uint16_t cs, ds, es, fs, gs, ss, tr, ldtr;
  struct dtr gdtr;
  uint16_t pad0;
  struct dtr idtr;
  uint16_t pad1;
};

_Static_assert(offsetof(struct entry_regs, ebx) == R_EBX, "ebx");
_Static_assert(offsetof(struct entry_regs, eflags) == R_EFLAGS, "eflags");
_Static_assert(offsetof(struct entry_regs, efer_hi) == R_EFER_HI, "efer");
_Static_assert(offsetof(struct entry_regs, cs) == R_CS, "cs");
_Static_assert(offsetof(struct entry_regs, ldtr) == R_LDTR, "ldtr");
_Static_assert(offsetof(struct entry_regs, gdtr) == R_GDTR, "gdtr");
_Static_assert(offsetof(struct entry_regs, idtr) == R_IDTR, "idtr");
_Static_assert(sizeof(struct entry_regs) == R_SIZE, "size");
#endif

#endif
