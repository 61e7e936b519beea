/* SPDX-License-Identifier: MIT */
/* 32-bit page walks for reports (see pvhlinux/guestmem32.h). No permission or
 * reserved-bit checks: the walk only has to find the bytes the CPU fetched. */
#include "pvhlinux/guestmem32.h"

#define PTE_P 0x1ull
#define PTE_PS 0x80ull
#define PAE_ADDR 0x000ffffffffff000ull /* bits 51:12 of a PAE entry */

static int walk_pae(pvhkvm_phys_read_fn rd, void *ctx, uint32_t cr3, uint32_t va, uint64_t *pa) {
  uint64_t e;
  /* The PDPT is 32-byte aligned anywhere below 4 GiB (CR3 bits 31:5). */
  if (rd(ctx, (uint64_t)(cr3 & 0xffffffe0u) + ((va >> 30) & 3u) * 8u, &e, sizeof(e)) || !(e & PTE_P))
    return -1;
  if (rd(ctx, (e & PAE_ADDR) + ((va >> 21) & 0x1ffu) * 8u, &e, sizeof(e)) || !(e & PTE_P))
    return -1;
  if (e & PTE_PS) {
    *pa = (e & PAE_ADDR & ~0x1fffffull) | (va & 0x1fffffu);
    return 0;
  }
  if (rd(ctx, (e & PAE_ADDR) + ((va >> 12) & 0x1ffu) * 8u, &e, sizeof(e)) || !(e & PTE_P))
    return -1;
  *pa = (e & PAE_ADDR) | (va & 0xfffu);
  return 0;
}

static int walk_2level(pvhkvm_phys_read_fn rd, void *ctx, uint32_t cr3, int pse, uint32_t va, uint64_t *pa) {
  uint32_t e;
  if (rd(ctx, (uint64_t)(cr3 & 0xfffff000u) + (va >> 22) * 4u, &e, sizeof(e)) || !(e & PTE_P))
    return -1;
  if (pse && (e & PTE_PS)) { /* 4 MiB page; PSE-36 high bits ignored (reports only) */
    *pa = (uint64_t)(e & 0xffc00000u) | (va & 0x3fffffu);
    return 0;
  }
  if (rd(ctx, (uint64_t)(e & 0xfffff000u) + ((va >> 12) & 0x3ffu) * 4u, &e, sizeof(e)) || !(e & PTE_P))
    return -1;
  *pa = (uint64_t)(e & 0xfffff000u) | (va & 0xfffu);
  return 0;
}

int pvhlinux_virt_to_phys32(pvhkvm_phys_read_fn rd, void *ctx, uint32_t cr3, int pae, int pse, uint32_t va,
                            uint64_t *pa) {
  return pae ? walk_pae(rd, ctx, cr3, va, pa) : walk_2level(rd, ctx, cr3, pse, va, pa);
}

size_t pvhlinux_read_virt32(pvhkvm_phys_read_fn rd, void *ctx, uint32_t cr3, int pae, int pse, uint32_t va,
                            uint8_t *dst, size_t len) {
  size_t done = 0;
  while (done < len) {
    uint64_t v = (uint64_t)va + done, pa;
    if (v > 0xffffffffull)
      break; /* past the top of the 32-bit address space */
    if (pvhlinux_virt_to_phys32(rd, ctx, cr3, pae, pse, (uint32_t)v, &pa))
      break;
    size_t in_page = (size_t)(4096u - (v & 0xfffu));
    size_t n = len - done < in_page ? len - done : in_page;
    if (rd(ctx, pa, dst + done, n))
      break;
    done += n;
  }
  return done;
}
