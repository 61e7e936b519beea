/* SPDX-License-Identifier: MIT */
/* pvh_entry_state <-> kvm_regs/kvm_sregs, and the comparison that decides
 * whether KVM really holds the state the loader asked for. Pure functions:
 * unit-tested without /dev/kvm. */
#include <stdio.h>
#include <string.h>

#include "pvhkvm/kvm_state.h"
#include "pvhkvm/pvhkvm.h"

void pvhkvm_seg_to_kvm(const struct pvh_segment *s, struct kvm_segment *k) {
  memset(k, 0, sizeof(*k));
  k->base = s->base;
  k->limit = s->limit; /* bytes, as KVM wants (not the descriptor's 20 bits) */
  k->selector = s->selector;
  k->type = s->type;
  k->present = s->present;
  k->dpl = s->dpl;
  k->db = s->db;
  k->s = s->s;
  k->l = s->l;
  k->g = s->g;
  k->avl = s->avl;
  k->unusable = s->unusable;
}

void pvhkvm_seg_from_kvm(const struct kvm_segment *k, struct pvh_segment *s) {
  memset(s, 0, sizeof(*s));
  s->base = k->base;
  s->limit = k->limit;
  s->selector = k->selector;
  s->type = k->type;
  s->present = k->present;
  s->dpl = k->dpl;
  s->db = k->db;
  s->s = k->s;
  s->l = k->l;
  s->g = k->g;
  s->avl = k->avl;
  s->unusable = k->unusable;
}

/* One list of the fields both directions copy, so they cannot drift apart:
 * general registers (kvm_regs), control registers (kvm_sregs), segments. */
/* One register per X, in kvm_regs order (kept as written, hence clang-format off). */
// clang-format off
#define STATE_GPRS(X) \
  X(rax) X(rbx) X(rcx) X(rdx) X(rsi) X(rdi) X(rsp) X(rbp) \
  X(r8) X(r9) X(r10) X(r11) X(r12) X(r13) X(r14) X(r15) X(rip) X(rflags)
// clang-format on
#define STATE_CRS(X) X(cr0) X(cr2) X(cr3) X(cr4) X(efer)
#define STATE_SEGS(X) X(cs) X(ds) X(es) X(fs) X(gs) X(ss) X(tr) X(ldt)

void pvhkvm_state_to_kvm(const struct pvh_entry_state *st, struct kvm_regs *r, struct kvm_sregs *sr) {
#define TO_REGS(f) r->f = st->f;
#define TO_SREGS(f) sr->f = st->f;
#define TO_SEG(f) pvhkvm_seg_to_kvm(&st->f, &sr->f);
  STATE_GPRS(TO_REGS)
  STATE_CRS(TO_SREGS)
  STATE_SEGS(TO_SEG)
#undef TO_REGS
#undef TO_SREGS
#undef TO_SEG
  sr->gdt.base = st->gdt.base;
  sr->gdt.limit = st->gdt.limit;
  memset(sr->gdt.padding, 0, sizeof(sr->gdt.padding));
  sr->idt.base = st->idt.base;
  sr->idt.limit = st->idt.limit;
  memset(sr->idt.padding, 0, sizeof(sr->idt.padding));
}

void pvhkvm_state_from_kvm(const struct kvm_regs *r, const struct kvm_sregs *sr, struct pvh_entry_state *st) {
  memset(st, 0, sizeof(*st));
#define FROM_REGS(f) st->f = r->f;
#define FROM_SREGS(f) st->f = sr->f;
#define FROM_SEG(f) pvhkvm_seg_from_kvm(&sr->f, &st->f);
  STATE_GPRS(FROM_REGS)
  STATE_CRS(FROM_SREGS)
  STATE_SEGS(FROM_SEG)
#undef FROM_REGS
#undef FROM_SREGS
#undef FROM_SEG
  st->gdt.base = sr->gdt.base;
  st->gdt.limit = sr->gdt.limit;
  st->idt.base = sr->idt.base;
  st->idt.limit = sr->idt.limit;
}

#define RFLAGS_RF (1ull << 16)

static int seg_diff(const char *name, const struct pvh_segment *a, const struct pvh_segment *b, char *why,
                    size_t len) {
  char tmp[160];
  if (a->unusable || b->unusable) {
    /* KVM keeps only "unusable" for such a segment (VMX reports it with
     * present=0 and its own attribute bits), so nothing else is comparable. */
    if (a->unusable != b->unusable) {
      snprintf(why, len, "%s unusable %u != %u", name, a->unusable, b->unusable);
      return 1;
    }
    return 0;
  }
  if (pvh_segment_diff(a, b, tmp, sizeof(tmp))) {
    snprintf(why, len, "%s %s", name, tmp);
    return 1;
  }
  return 0;
}

int pvhkvm_entry_diff(const struct pvh_entry_state *w, const struct pvh_entry_state *g, char *why,
                      size_t why_len) {
  char dummy[1];
  if (!why || !why_len) {
    why = dummy;
    why_len = sizeof(dummy);
  }
  why[0] = '\0';
#define REG(f, want, got)                                                                                    \
  if ((want) != (got)) {                                                                                     \
    snprintf(why, why_len, #f " 0x%llx != 0x%llx", (unsigned long long)(want), (unsigned long long)(got));   \
    return 1;                                                                                                \
  }
  REG(rip, w->rip, g->rip)
  REG(rbx, w->rbx, g->rbx)
  REG(rax, w->rax, g->rax)
  REG(rcx, w->rcx, g->rcx)
  REG(rdx, w->rdx, g->rdx)
  REG(rsi, w->rsi, g->rsi)
  REG(rdi, w->rdi, g->rdi)
  REG(rsp, w->rsp, g->rsp)
  REG(rbp, w->rbp, g->rbp)
  REG(r8, w->r8, g->r8)
  REG(r9, w->r9, g->r9)
  REG(r10, w->r10, g->r10)
  REG(r11, w->r11, g->r11)
  REG(r12, w->r12, g->r12)
  REG(r13, w->r13, g->r13)
  REG(r14, w->r14, g->r14)
  REG(r15, w->r15, g->r15)
  REG(rflags, w->rflags & ~RFLAGS_RF, g->rflags & ~RFLAGS_RF)
  /* CR0.ET is hardwired to 1 since the 486: compare with it forced on. */
  REG(cr0, w->cr0 | PVH_CR0_ET, g->cr0 | PVH_CR0_ET)
  REG(cr2, w->cr2, g->cr2)
  REG(cr3, w->cr3, g->cr3)
  REG(cr4, w->cr4, g->cr4)
  REG(efer, w->efer, g->efer)
  REG(gdt.base, w->gdt.base, g->gdt.base)
  REG(gdt.limit, w->gdt.limit, g->gdt.limit)
  REG(idt.base, w->idt.base, g->idt.base)
  REG(idt.limit, w->idt.limit, g->idt.limit)
#undef REG
  if (seg_diff("cs", &w->cs, &g->cs, why, why_len) || seg_diff("ds", &w->ds, &g->ds, why, why_len) ||
      seg_diff("es", &w->es, &g->es, why, why_len) || seg_diff("fs", &w->fs, &g->fs, why, why_len) ||
      seg_diff("gs", &w->gs, &g->gs, why, why_len) || seg_diff("ss", &w->ss, &g->ss, why, why_len) ||
      seg_diff("tr", &w->tr, &g->tr, why, why_len) || seg_diff("ldt", &w->ldt, &g->ldt, why, why_len))
    return 1;
  return 0;
}
