/* SPDX-License-Identifier: MIT */
/* A 4-level page walk (Intel SDM vol. 3, 4.5): PML4 -> PDPT (1 GiB leaf if
 * PS) -> PD (2 MiB leaf if PS) -> PT. Only what a report needs: no permission
 * checks, no 5-level paging (the Debian kernel does not enable LA57 here). */
#include "pvhkvm/guestmem.h"

#define PTE_P 0x1ull
#define PTE_PS 0x80ull
#define PTE_ADDR 0x000ffffffffff000ull /* bits 51:12 */

int pvhkvm_virt_to_phys(pvhkvm_phys_read_fn rd, void *ctx, int paging, uint64_t cr3, uint64_t va,
                        uint64_t *pa) {
  if (!paging) {
    *pa = va;
    return 0;
  }
  uint64_t table = cr3 & PTE_ADDR;
  for (int level = 4; level >= 1; level--) {
    unsigned shift = 12u + 9u * (unsigned)(level - 1);
    uint64_t idx = (va >> shift) & 0x1ffu;
    uint64_t e;
    if (rd(ctx, table + idx * 8, &e, sizeof(e)))
      return -1;
    if (!(e & PTE_P))
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

size_t pvhkvm_read_virt(pvhkvm_phys_read_fn rd, void *ctx, int paging, uint64_t cr3, uint64_t va,
                        uint8_t *dst, size_t len) {
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
