/* SPDX-License-Identifier: MIT */
/* The PVH entry state and the boot GDT that describes the same segments. The
 * GDT is built *from* the state (pvh_gdt_build), so the two cannot drift: what
 * KVM is told and what the guest finds when it reloads a selector agree. */
#include "pvh/entry.h"

#include <stdio.h>
#include <string.h>

uint64_t pvh_gdt_encode(const struct pvh_segment *seg) {
  uint32_t limit = seg->limit;
  if (seg->g)
    limit >>= 12; /* granularity: the descriptor counts 4 KiB pages */
  uint64_t base = seg->base & 0xffffffffull;
  uint64_t d = 0;
  d |= (uint64_t)(limit & 0xffffu);
  d |= (base & 0xffffffull) << 16;
  d |= (uint64_t)(seg->type & 0xfu) << 40;
  d |= (uint64_t)(seg->s & 1u) << 44;
  d |= (uint64_t)(seg->dpl & 3u) << 45;
  d |= (uint64_t)(seg->present & 1u) << 47;
  d |= (uint64_t)((limit >> 16) & 0xfu) << 48;
  d |= (uint64_t)(seg->avl & 1u) << 52;
  d |= (uint64_t)(seg->l & 1u) << 53;
  d |= (uint64_t)(seg->db & 1u) << 54;
  d |= (uint64_t)(seg->g & 1u) << 55;
  d |= ((base >> 24) & 0xffull) << 56;
  return d;
}

struct pvh_segment pvh_gdt_decode(uint64_t d, uint16_t selector) {
  struct pvh_segment s;
  memset(&s, 0, sizeof(s));
  uint32_t limit = (uint32_t)((d & 0xffffu) | (((d >> 48) & 0xfu) << 16));
  s.base = ((d >> 16) & 0xffffffull) | (((d >> 56) & 0xffull) << 24);
  s.type = (uint8_t)((d >> 40) & 0xfu);
  s.s = (uint8_t)((d >> 44) & 1u);
  s.dpl = (uint8_t)((d >> 45) & 3u);
  s.present = (uint8_t)((d >> 47) & 1u);
  s.avl = (uint8_t)((d >> 52) & 1u);
  s.l = (uint8_t)((d >> 53) & 1u);
  s.db = (uint8_t)((d >> 54) & 1u);
  s.g = (uint8_t)((d >> 55) & 1u);
  s.limit = s.g ? (limit << 12) | 0xfffu : limit;
  s.selector = selector;
  s.unusable = !s.present;
  return s;
}

static struct pvh_segment flat_segment(uint16_t selector, uint8_t type) {
  struct pvh_segment s;
  memset(&s, 0, sizeof(s));
  s.base = 0;
  s.limit = 0xffffffffu; /* bytes: 4 GiB, as KVM wants it */
  s.selector = selector;
  s.type = type;
  s.present = 1;
  s.s = 1;
  s.db = 1;
  s.g = 1;
  return s;
}

void pvh_entry_state_init(struct pvh_entry_state *st, uint32_t entry, uint32_t start_info_paddr,
                          uint32_t gdt_paddr) {
  memset(st, 0, sizeof(*st));
  st->rip = entry;
  st->rbx = start_info_paddr;
  st->rflags = PVH_RFLAGS_FIXED; /* IF, TF, VM clear */
  st->cr0 = PVH_CR0_PE | PVH_CR0_ET;
  st->cr4 = 0;
  st->efer = 0;
  st->cs = flat_segment(PVH_SEL_CS, 0xb); /* execute/read, accessed */
  st->ds = flat_segment(PVH_SEL_DS, 0x3); /* read/write, accessed */
  st->es = st->ds;
  st->fs = st->ds;
  st->gs = st->ds;
  st->ss = st->ds;
  memset(&st->tr, 0, sizeof(st->tr));
  st->tr.selector = PVH_SEL_TR;
  st->tr.type = 0xb; /* 32-bit TSS, busy */
  st->tr.present = 1;
  st->tr.limit = 0x67;
  memset(&st->ldt, 0, sizeof(st->ldt));
  st->ldt.type = 0x2; /* LDT, but unusable: selector 0 */
  st->ldt.unusable = 1;
  st->gdt.base = gdt_paddr;
  st->gdt.limit = PVH_GDT_SIZE - 1;
  st->idt.base = 0;
  st->idt.limit = 0;
}

void pvh_gdt_build(const struct pvh_entry_state *st, uint64_t out[PVH_GDT_ENTRIES]) {
  memset(out, 0, PVH_GDT_ENTRIES * sizeof(out[0]));
  out[st->cs.selector >> 3] = pvh_gdt_encode(&st->cs);
  out[st->ds.selector >> 3] = pvh_gdt_encode(&st->ds);
  out[st->tr.selector >> 3] = pvh_gdt_encode(&st->tr);
}

int pvh_segment_diff(const struct pvh_segment *a, const struct pvh_segment *b, char *why, unsigned why_len) {
#define SEG_FIELD(f)                                                                                         \
  if (a->f != b->f) {                                                                                        \
    if (why && why_len)                                                                                      \
      snprintf(why, why_len, #f " 0x%llx != 0x%llx", (unsigned long long)a->f, (unsigned long long)b->f);    \
    return 1;                                                                                                \
  }
  SEG_FIELD(base)
  SEG_FIELD(limit)
  SEG_FIELD(selector)
  SEG_FIELD(type)
  SEG_FIELD(present)
  SEG_FIELD(dpl)
  SEG_FIELD(db)
  SEG_FIELD(s)
  SEG_FIELD(l)
  SEG_FIELD(g)
  SEG_FIELD(avl)
#undef SEG_FIELD
  return 0;
}
