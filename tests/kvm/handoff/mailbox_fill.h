/* SPDX-License-Identifier: MIT */
/* Writing the handoff firmware's mailbox (mailbox.h) from a committed plan,
 * through the structures pvhkvm gives KVM (pvhkvm_state_to_kvm), so what the
 * firmware enters is exactly what pvhkvm would hand KVM. Shared by both
 * harnesses: handoff.c (self-test guest) and tests/linux/linux_handoff.c. */
#ifndef HANDOFF_MAILBOX_FILL_H
#define HANDOFF_MAILBOX_FILL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mailbox.h"
#include "pvh/loader.h"
#include "pvhkvm/kvm_state.h"
#include "pvhkvm/load.h"

static inline void mb_put(uint8_t *p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

/* Fills the mailbox in guest RAM (ram = guest address 0). Returns NULL, or
 * why the state cannot be entered by the firmware. */
static inline const char *handoff_fill_mailbox(uint8_t *ram, const struct pvh_plan *plan) {
  struct kvm_regs r;
  struct kvm_sregs s;
  memset(&r, 0, sizeof(r));
  memset(&s, 0, sizeof(s));
  pvhkvm_state_to_kvm(&plan->entry, &r, &s);
  if (r.rip > 0xffffffffu || s.gdt.base > 0xffffffffu || s.idt.base > 0xffffffffu || s.efer)
    return "entry state not representable by the 32-bit firmware";
  /* Nothing of ours may sit under the mailbox or the firmware's few stack bytes. */
  for (size_t i = 0; i < plan->nr_ops; i++) {
    uint64_t a = plan->ops[i].gpa, e = a + plan->ops[i].len;
    if ((a < MB_ADDR + MB_SIZE && e > MB_ADDR) || (a < FW_STACK && e > FW_STACK - 16))
      return "boot data overlaps the firmware's mailbox or stack";
  }
  uint8_t *mb = ram + MB_ADDR;
  mb_put(mb + MB_GDT, s.gdt.limit, 2);
  mb_put(mb + MB_GDT + 2, s.gdt.base, 4);
  mb_put(mb + MB_IDT, s.idt.limit, 2);
  mb_put(mb + MB_IDT + 2, s.idt.base, 4);
  const struct {
    int off, bytes;
    uint64_t v;
  } f[] = {{MB_EIP, 4, r.rip},        {MB_EAX, 4, r.rax},        {MB_EBX, 4, r.rbx},
           {MB_ECX, 4, r.rcx},        {MB_EDX, 4, r.rdx},        {MB_ESI, 4, r.rsi},
           {MB_EDI, 4, r.rdi},        {MB_ESP, 4, r.rsp},        {MB_EBP, 4, r.rbp},
           {MB_EFLAGS, 4, r.rflags},  {MB_CR0, 4, s.cr0},        {MB_CR4, 4, s.cr4},
           {MB_CS, 2, s.cs.selector}, {MB_DS, 2, s.ds.selector}, {MB_ES, 2, s.es.selector},
           {MB_FS, 2, s.fs.selector}, {MB_GS, 2, s.gs.selector}, {MB_SS, 2, s.ss.selector},
           {MB_TR, 2, s.tr.selector}};
  for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
    mb_put(mb + f[i].off, f[i].v, f[i].bytes);
  return NULL;
}

/* A harness's whole load: pvhkvm_load (plan, poison BSS, commit) into the
 * flat bus over ram, then the mailbox. Returns NULL, or why not (for a
 * loader error, err's message; err->code says which). */
static inline const char *handoff_load(struct pvh_bus *bus, uint8_t *ram, const struct pvh_image *kernel,
                                       const struct pvh_load_config *cfg, struct pvh_plan *plan,
                                       struct pvh_error *err) {
  if (pvhkvm_load(bus, kernel, cfg, PVHKVM_BSS_POISON, plan, err) != PVH_OK)
    return err->message;
  return handoff_fill_mailbox(ram, plan);
}

#endif
