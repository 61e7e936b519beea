/* SPDX-License-Identifier: MIT */
/* The entry state that needs no table to judge: the BSS the loader zeroed
 * and the registers entry.S saved before touching anything. */
#include <stdint.h>

#include "checks.h"
#include "lib.h"
#include "regs.h"
#include "report.h"

/* Touched by nothing before the BSS check. Large enough that a loader which
 * zeroes only a page of it is caught. */
static volatile uint8_t bss_probe[65536];

/* ---- BSS ---- */

/* Before anything writes the BSS; reported later by check_bss, once the
 * options (which live in .data) are read. */
struct bss_scan scan_bss(void) {
  /* Scan as bytes through a volatile pointer so nothing is optimised away. */
  const volatile uint8_t *p = (const volatile uint8_t *)__bss_start;
  struct bss_scan s = {(uint32_t)(__bss_end - __bss_start), 0, 0};
  for (uint32_t i = 0; i < s.len; i++)
    if (p[i] && !s.bad++)
      s.first = i;
  return s;
}

void check_bss(struct bss_scan s) {
  const volatile uint8_t *p = (const volatile uint8_t *)__bss_start;
  uint32_t len = s.len, bad = s.bad, first = s.first;
  check(bad == 0, "bss zeroed [0x%x, 0x%x) %u bytes%s", (unsigned)(uintptr_t)__bss_start,
        (unsigned)(uintptr_t)__bss_end, len, bad ? " -- not zero" : "");
  if (bad)
    note("bss: %u nonzero bytes, first at +0x%x (0x%x)", bad, first, p[first]);
  (void)bss_probe[0];
}

/* ---- Registers ---- */

void check_regs(const struct entry_regs *r) {
  const uint32_t CR0_PE = 1u << 0, CR0_ET = 1u << 4, CR0_PG = 1u << 31;
  check((r->cr0 & ~CR0_ET) == CR0_PE, "cr0 0x%08x: PE set, every other writable bit clear (ET may read 1)%s",
        r->cr0, (r->cr0 & CR0_PG) ? " -- PG set" : "");
  check(r->cr4 == 0, "cr4 0x%08x == 0", r->cr4);
  check(r->efer_lo == 0 && r->efer_hi == 0, "efer 0x%08x%08x == 0 (no long mode)", r->efer_hi, r->efer_lo);
  const uint32_t F_TF = 1u << 8, F_IF = 1u << 9, F_VM = 1u << 17, F_FIXED = 1u << 1;
  check((r->eflags & F_FIXED) && !(r->eflags & (F_TF | F_IF | F_VM)),
        "eflags 0x%08x: bit 1 set; VM, IF, TF clear", r->eflags);
  note("eax 0x%08x ebx 0x%08x ecx 0x%08x edx 0x%08x esi 0x%08x edi 0x%08x esp 0x%08x ebp 0x%08x", r->eax,
       r->ebx, r->ecx, r->edx, r->esi, r->edi, r->esp, r->ebp);
  note("cr3 0x%08x (unused: paging off)", r->cr3);
}
