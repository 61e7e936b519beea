/* SPDX-License-Identifier: MIT */
/* Page walks for reports (see pvhkvm/guestmem.h). */
#include "pvhkvm/guestmem.h"

#define CR0_PG (1ull << 31)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define EFER_LMA (1ull << 10)

#define PTE_P 0x1ull
#define PTE_PS 0x80ull
#define PTE_ADDR 0x000ffffffffff000ull /* bits 51:12 of a 64-bit (PAE or long-mode) entry */

enum pvhkvm_paging pvhkvm_paging_of(const struct pvh_entry_state *st) {
  if (!(st->cr0 & CR0_PG))
    return PVHKVM_PAGING_OFF;
  if (st->efer & EFER_LMA)
    return PVHKVM_PAGING_4LEVEL;
  if (st->cr4 & CR4_PAE)
    return PVHKVM_PAGING_PAE;
  return (st->cr4 & CR4_PSE) ? PVHKVM_PAGING_32_PSE : PVHKVM_PAGING_32;
}

int pvhkvm_mode_bits(const struct pvh_entry_state *st) {
  if ((st->efer & EFER_LMA) && st->cs.l)
    return 64;
  return st->cs.db ? 32 : 16;
}

/* Long mode: PML4 -> PDPT (1 GiB leaf if PS) -> PD (2 MiB leaf if PS) -> PT.
 * No 5-level paging (no kernel we boot enables LA57). */
static int walk_4level(pvhkvm_phys_read_fn rd, void *ctx, uint64_t cr3, uint64_t va, uint64_t *pa) {
  uint64_t table = cr3 & PTE_ADDR;
  for (int level = 4; level >= 1; level--) {
    unsigned shift = 12u + 9u * (unsigned)(level - 1);
    uint64_t e;
    if (rd(ctx, table + ((va >> shift) & 0x1ffu) * 8, &e, sizeof(e)) || !(e & PTE_P))
      return -1;
    if ((level == 3 || level == 2) && (e & PTE_PS)) {
      uint64_t mask = (1ull << shift) - 1;
      *pa = ((e & PTE_ADDR) & ~mask) | (va & mask);
      return 0;
    }
    table = e & PTE_ADDR;
  }
  *pa = table | (va & 0xfffu);
  return 0;
}

/* 32-bit PAE: a PDPT of 4 entries, 32-byte aligned anywhere below 4 GiB (CR3
 * bits 31:5) -> PD (2 MiB leaf if PS) -> PT. */
static int walk_pae(pvhkvm_phys_read_fn rd, void *ctx, uint32_t cr3, uint32_t va, uint64_t *pa) {
  uint64_t e;
  if (rd(ctx, (uint64_t)(cr3 & 0xffffffe0u) + ((va >> 30) & 3u) * 8u, &e, sizeof(e)) || !(e & PTE_P))
    return -1;
  if (rd(ctx, (e & PTE_ADDR) + ((va >> 21) & 0x1ffu) * 8u, &e, sizeof(e)) || !(e & PTE_P))
    return -1;
  if (e & PTE_PS) {
    *pa = (e & PTE_ADDR & ~0x1fffffull) | (va & 0x1fffffu);
    return 0;
  }
  if (rd(ctx, (e & PTE_ADDR) + ((va >> 12) & 0x1ffu) * 8u, &e, sizeof(e)) || !(e & PTE_P))
    return -1;
  *pa = (e & PTE_ADDR) | (va & 0xfffu);
  return 0;
}

/* 32-bit 2-level: a 1024-entry PD (4 MiB leaf if CR4.PSE and PS; PSE-36 high
 * bits ignored) -> a 1024-entry PT. */
static int walk_2level(pvhkvm_phys_read_fn rd, void *ctx, uint32_t cr3, int pse, uint32_t va, uint64_t *pa) {
  uint32_t e;
  if (rd(ctx, (uint64_t)(cr3 & 0xfffff000u) + (va >> 22) * 4u, &e, sizeof(e)) || !(e & PTE_P))
    return -1;
  if (pse && (e & PTE_PS)) {
    *pa = (uint64_t)(e & 0xffc00000u) | (va & 0x3fffffu);
    return 0;
  }
  if (rd(ctx, (uint64_t)(e & 0xfffff000u) + ((va >> 12) & 0x3ffu) * 4u, &e, sizeof(e)) || !(e & PTE_P))
    return -1;
  *pa = (uint64_t)(e & 0xfffff000u) | (va & 0xfffu);
  return 0;
}

int pvhkvm_virt_to_phys(pvhkvm_phys_read_fn rd, void *ctx, enum pvhkvm_paging paging, uint64_t cr3,
                        uint64_t va, uint64_t *pa) {
  switch (paging) {
  case PVHKVM_PAGING_OFF: *pa = va; return 0;
  case PVHKVM_PAGING_4LEVEL: return walk_4level(rd, ctx, cr3, va, pa);
  case PVHKVM_PAGING_PAE:
  case PVHKVM_PAGING_32:
  case PVHKVM_PAGING_32_PSE: break;
  }
  if (va > 0xffffffffull)
    return -1; /* a 32-bit linear address space */
  if (paging == PVHKVM_PAGING_PAE)
    return walk_pae(rd, ctx, (uint32_t)cr3, (uint32_t)va, pa);
  return walk_2level(rd, ctx, (uint32_t)cr3, paging == PVHKVM_PAGING_32_PSE, (uint32_t)va, pa);
}

size_t pvhkvm_read_virt(pvhkvm_phys_read_fn rd, void *ctx, enum pvhkvm_paging paging, uint64_t cr3,
                        uint64_t va, uint8_t *dst, size_t len) {
  size_t done = 0;
  while (done < len) {
    uint64_t v = va + done, pa;
    if (v < va)
      break; /* wrapped past the top of the address space */
    if (pvhkvm_virt_to_phys(rd, ctx, paging, cr3, v, &pa))
      break;
    size_t in_page = (size_t)(4096u - (v & 0xfffu));
    size_t n = len - done < in_page ? len - done : in_page;
    if (rd(ctx, pa, dst + done, n))
      break;
    done += n;
  }
  return done;
}
