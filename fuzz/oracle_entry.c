/* SPDX-License-Identifier: MIT */
/* The PVH entry state and the GDT that must encode it, decoded by the SDM's
 * bit layout rather than by libpvh's encoder. */
#include "oracle_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RFLAGS_TF 0x100ull
#define RFLAGS_IF 0x200ull
#define RFLAGS_VM 0x20000ull

/* ------------------------------------------------------------------------ */
/* Entry state and GDT                                                        */
/* ------------------------------------------------------------------------ */

struct oseg {
  uint64_t base;
  uint32_t limit;
  unsigned type, s, dpl, p, avl, l, db, g;
};

/* Decodes a descriptor by the SDM's bit layout. */
static struct oseg decode_desc(uint64_t d) {
  struct oseg s;
  uint32_t raw = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));
  s.base = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000ull);
  s.type = (d >> 40) & 0xf;
  s.s = (d >> 44) & 1;
  s.dpl = (d >> 45) & 3;
  s.p = (d >> 47) & 1;
  s.avl = (d >> 52) & 1;
  s.l = (d >> 53) & 1;
  s.db = (d >> 54) & 1;
  s.g = (d >> 55) & 1;
  s.limit = s.g ? (raw << 12) | 0xfff : raw;
  return s;
}

static void check_seg_vs_gdt(const char *name, const struct pvh_segment *seg,
                             const uint64_t gdt[PVH_GDT_ENTRIES]) {
  unsigned idx = seg->selector >> 3;
  if ((seg->selector & 7) != 0 || idx == 0 || idx >= PVH_GDT_ENTRIES)
    oracle_fail("gdt-state-mismatch", "%s selector 0x%x does not name a GDT entry with RPL 0", name,
                seg->selector);
  struct oseg d = decode_desc(gdt[idx]);
  if (d.base != seg->base || d.limit != seg->limit || d.type != seg->type || d.s != seg->s ||
      d.dpl != seg->dpl || d.p != seg->present || d.avl != seg->avl || d.l != seg->l || d.db != seg->db ||
      d.g != seg->g)
    oracle_fail("gdt-state-mismatch",
                "%s (selector 0x%x): state base 0x%llx limit 0x%x type 0x%x s%u dpl%u p%u l%u db%u g%u, GDT "
                "descriptor 0x%016llx says base 0x%llx limit 0x%x type 0x%x s%u dpl%u p%u l%u db%u g%u",
                name, seg->selector, (unsigned long long)seg->base, seg->limit, seg->type, seg->s, seg->dpl,
                seg->present, seg->l, seg->db, seg->g, (unsigned long long)gdt[idx],
                (unsigned long long)d.base, d.limit, d.type, d.s, d.dpl, d.p, d.l, d.db, d.g);
}

static void check_flat(const char *name, const struct pvh_segment *s, int code) {
  int ok = s->base == 0 && s->limit == 0xffffffffu && s->present && s->s && s->db && !s->l && !s->unusable;
  if (code)
    ok = ok && (s->type & 0x8) && (s->type & 0x2); /* code, readable */
  else
    ok = ok && !(s->type & 0x8) && (s->type & 0x2); /* data, writable */
  if (!ok)
    oracle_fail("entry-state",
                "%s is not a flat 32-bit %s segment (base 0x%llx limit 0x%x type 0x%x p%u s%u db%u l%u)",
                name, code ? "code" : "data", (unsigned long long)s->base, s->limit, s->type, s->present,
                s->s, s->db, s->l);
}

void oracle_check_entry_state(const struct pvh_entry_state *st, const uint64_t gdt[PVH_GDT_ENTRIES],
                              uint64_t entry, uint64_t start_info_paddr, uint64_t gdt_paddr) {
  if (st->rip != entry || entry >= LIMIT_4G)
    oracle_fail("entry-state", "RIP 0x%llx, PHYS32_ENTRY 0x%llx", (unsigned long long)st->rip,
                (unsigned long long)entry);
  if (st->rbx != start_info_paddr)
    oracle_fail("entry-state", "EBX 0x%llx is not start_info 0x%llx", (unsigned long long)st->rbx,
                (unsigned long long)start_info_paddr);
  if (!(st->cr0 & PVH_CR0_PE) || (st->cr0 & ~(PVH_CR0_PE | PVH_CR0_ET)) || st->cr4 || st->efer)
    oracle_fail("entry-state", "CR0 0x%llx CR4 0x%llx EFER 0x%llx: want PE only, no paging, no long mode",
                (unsigned long long)st->cr0, (unsigned long long)st->cr4, (unsigned long long)st->efer);
  if (!(st->rflags & PVH_RFLAGS_FIXED) || (st->rflags & (RFLAGS_TF | RFLAGS_IF | RFLAGS_VM)))
    oracle_fail("entry-state", "EFLAGS 0x%llx: bit 1 must be set, TF/IF/VM clear",
                (unsigned long long)st->rflags);
  check_flat("CS", &st->cs, 1);
  const struct {
    const char *name;
    const struct pvh_segment *s;
  } data[] = {{"DS", &st->ds}, {"ES", &st->es}, {"FS", &st->fs}, {"GS", &st->gs}, {"SS", &st->ss}};
  for (size_t i = 0; i < sizeof(data) / sizeof(data[0]); i++) {
    check_flat(data[i].name, data[i].s, 0);
    check_seg_vs_gdt(data[i].name, data[i].s, gdt);
  }
  check_seg_vs_gdt("CS", &st->cs, gdt);
  if (st->tr.base != 0 || st->tr.limit != 0x67 || st->tr.type != 0xb || st->tr.s || !st->tr.present ||
      st->tr.unusable)
    oracle_fail("entry-state",
                "TR is not a busy 32-bit TSS at 0 limit 0x67 (base 0x%llx limit 0x%x type 0x%x)",
                (unsigned long long)st->tr.base, st->tr.limit, st->tr.type);
  check_seg_vs_gdt("TR", &st->tr, gdt);
  if (st->gdt.base != gdt_paddr || st->gdt.limit != PVH_GDT_SIZE - 1)
    oracle_fail("entry-state", "GDTR 0x%llx/0x%x, the GDT was planned at 0x%llx (%u bytes)",
                (unsigned long long)st->gdt.base, st->gdt.limit, (unsigned long long)gdt_paddr, PVH_GDT_SIZE);
  if (gdt[0] != 0)
    oracle_fail("gdt-state-mismatch", "GDT entry 0 (the null descriptor) is 0x%016llx",
                (unsigned long long)gdt[0]);
}
