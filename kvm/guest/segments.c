/* SPDX-License-Identifier: MIT */
/* The segment registers and TR, decoded from the GDT the guest was handed and
 * cross-checked with the CPU's own LAR/LSL. */
#include <stdint.h>

#include "checks.h"
#include "io.h"
#include "lib.h"
#include "options.h"
#include "regs.h"
#include "report.h"

struct desc {
  uint32_t base, limit; /* limit in bytes, granularity applied */
  unsigned type, s, dpl, p, avl, l, db, g;
};

static struct desc decode(uint64_t d) {
  struct desc x;
  uint32_t raw_limit = (uint32_t)(d & 0xffff) | (uint32_t)((d >> 32) & 0xf0000);
  x.base = (uint32_t)((d >> 16) & 0xffffff) | (uint32_t)(((d >> 56) & 0xff) << 24);
  x.type = (unsigned)(d >> 40) & 0xf;
  x.s = (unsigned)(d >> 44) & 1;
  x.dpl = (unsigned)(d >> 45) & 3;
  x.p = (unsigned)(d >> 47) & 1;
  x.avl = (unsigned)(d >> 52) & 1;
  x.l = (unsigned)(d >> 53) & 1;
  x.db = (unsigned)(d >> 54) & 1;
  x.g = (unsigned)(d >> 55) & 1;
  x.limit = x.g ? (raw_limit << 12) | 0xfff : raw_limit;
  return x;
}

/* Reads the descriptor for sel from the live GDT; 0 if the selector does not
 * index a GDT entry. */
static int gdt_read(const struct entry_regs *r, uint16_t sel, uint64_t *out) {
  if (sel & 4) /* TI: LDT */
    return 0;
  uint32_t off = sel & ~7u;
  if (off == 0 || off + 7 > r->gdtr.limit)
    return 0;
  memcpy(out, (const uint8_t *)phys(r->gdtr.base) + off, 8);
  return 1;
}

enum seg_kind { SEG_CODE, SEG_DATA };

static void check_flat(const struct entry_regs *r, const char *name, uint16_t sel, enum seg_kind kind,
                       int null_ok) {
  uint64_t raw;
  if (sel == 0 && null_ok) {
    note("%s selector 0 (null; the contract does not require %s)", name, name);
    return;
  }
  if (!gdt_read(r, sel, &raw)) {
    check(0, "%s selector 0x%x indexes the GDT (limit 0x%x)", name, sel, r->gdtr.limit);
    return;
  }
  struct desc d = decode(raw);
  int type_ok = kind == SEG_CODE ? (d.type & 0xa) == 0xa  /* code, readable */
                                 : (d.type & 0xa) == 0x2; /* data, writable */
  check(d.p && d.s && d.dpl == 0 && type_ok && d.db && !d.l && d.base == 0 && d.limit == 0xffffffffu &&
            (sel & 3) == 0,
        "%s sel 0x%x desc 0x%08x%08x: %s, 32-bit, base 0x%x limit 0x%x type 0x%x dpl %u", name, sel,
        (uint32_t)(raw >> 32), (uint32_t)raw, kind == SEG_CODE ? "code r/x" : "data r/w", d.base, d.limit,
        d.type, d.dpl);
  if (skips & S_LAR_LSL) {
    not_checked("pvhtest.skip=lar-lsl: this KVM cannot emulate LAR/LSL", "%s lar/lsl agree with the GDT",
                name);
    return;
  }
  uint32_t ar = 0, lim = 0;
  int ok = lar(sel, &ar) && lsl(sel, &lim);
  check(ok && lim == d.limit && ((ar >> 8) & 0xff) == (uint32_t)((raw >> 40) & 0xff),
        "%s lar/lsl agree with the GDT (lar 0x%x lsl 0x%x)", name, ar, lim);
}

void check_segments(const struct entry_regs *r) {
  note("gdtr base 0x%x limit 0x%x, idtr base 0x%x limit 0x%x", r->gdtr.base, r->gdtr.limit, r->idtr.base,
       r->idtr.limit);
  note("selectors cs 0x%x ds 0x%x es 0x%x ss 0x%x fs 0x%x gs 0x%x tr 0x%x ldtr 0x%x", r->cs, r->ds, r->es,
       r->ss, r->fs, r->gs, r->tr, r->ldtr);
  check_flat(r, "cs", r->cs, SEG_CODE, 0);
  check_flat(r, "ds", r->ds, SEG_DATA, 0);
  check_flat(r, "es", r->es, SEG_DATA, 0);
  check_flat(r, "ss", r->ss, SEG_DATA, 0);
  /* The Xen contract names only cs/ds/es/ss; FS/GS may be null. If they are
   * loaded they must be flat data like the others. */
  check_flat(r, "fs", r->fs, SEG_DATA, 1);
  check_flat(r, "gs", r->gs, SEG_DATA, 1);

  uint64_t raw;
  if (!gdt_read(r, r->tr, &raw)) {
    check_w(0, r->tr == 0 ? W_TR_NULL : 0,
            "tr selector 0x%x indexes the GDT (limit 0x%x): a 32-bit busy TSS is required", r->tr,
            r->gdtr.limit);
    return;
  }
  struct desc d = decode(raw);
  check(d.p && !d.s && d.type == 0xb && d.base == 0 && d.limit == 0x67,
        "tr sel 0x%x desc 0x%08x%08x: 32-bit busy TSS (type 0x%x), base 0x%x limit 0x%x", r->tr,
        (uint32_t)(raw >> 32), (uint32_t)raw, d.type, d.base, d.limit);
}
