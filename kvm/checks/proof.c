/* SPDX-License-Identifier: MIT */
/* The entry proof: the vCPU starts exactly where, and in exactly the state,
 * the loader planned. Two ways to stop it at the entry, because KVMs differ
 * (kvm/README.md): a hardware breakpoint on the entry (#DB before any
 * instruction), or a single-step trap after the first instruction. "auto"
 * arms both: a KVM that delivers the breakpoint stops there first; one that
 * does not stops after one instruction, and that instruction is decoded from
 * guest memory so the check stays strict: RIP must be the entry plus its
 * length and only the registers it can write may differ. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "internal.h"
#include "pvhkvm/guestmem.h"
#include "pvhkvm/insn.h"

#define RFLAGS_TF (1ull << 8)
#define DR7_G0 (1ull << 1)
#define DR7_FIXED (1ull << 10)

const char *pvhkvm_proof_name(enum pvhkvm_proof p) {
  switch (p) {
  case PVHKVM_PROOF_AUTO: return "auto";
  case PVHKVM_PROOF_HW_BREAKPOINT: return "hw-breakpoint";
  case PVHKVM_PROOF_SINGLE_STEP: return "single-step";
  }
  return "unknown";
}

int pvhkvm_proof_parse(const char *s, enum pvhkvm_proof *out) {
  static const enum pvhkvm_proof all[] = {PVHKVM_PROOF_AUTO, PVHKVM_PROOF_HW_BREAKPOINT,
                                          PVHKVM_PROOF_SINGLE_STEP};
  for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
    if (s && strcmp(s, pvhkvm_proof_name(all[i])) == 0) {
      *out = all[i];
      return 0;
    }
  return -1;
}

const char *pvhkvm_proof_summary(const struct pvhkvm_run_result *res) {
  if (res->entry_method == PVHKVM_PROOF_SINGLE_STEP)
    return "single-step from the PVH entry: RIP after one instruction and the state equal the loader's "
           "(except what that instruction writes)";
  return "hardware breakpoint at the PVH entry, state equals the loader's";
}

static uint64_t linear_of(const struct pvh_entry_state *st, uint64_t rip) {
  uint64_t l = st->cs.base + rip;
  return pvhkvm_mode_bits(st) == 64 ? l : l & 0xffffffffull;
}

int pvhkvm_proof_arm(struct pvhkvm_vm *vm, const struct pvh_entry_state *want, enum pvhkvm_proof proof,
                     struct pvhkvm_run_result *res) {
  uint64_t linear = linear_of(want, want->rip);
  /* Read the instruction now, before the guest can change it. */
  uint8_t bytes[15];
  size_t n = pvhkvm_read_virt(pvhkvm_vm_phys_read, vm, pvhkvm_paging_of(want), want->cr3, linear, bytes,
                              sizeof(bytes));
  struct pvhkvm_insn d;
  memcpy(res->entry_insn, bytes, n);
  res->entry_insn_len = 0;
  res->entry_insn_name[0] = 0;
  if (n && pvhkvm_insn_decode(bytes, n, pvhkvm_mode_bits(want), &d) == 0) {
    res->entry_insn_len = d.len;
    if (d.name)
      snprintf(res->entry_insn_name, sizeof(res->entry_insn_name), "%s", d.name);
  } else {
    res->entry_insn_len = 0;
    memset(res->entry_insn + n, 0, sizeof(res->entry_insn) - n);
  }

  /* KVM hides RFLAGS.TF from reads while it single-steps (it sets TF
   * itself), so TF is read now, before arming, and judged from this copy. */
  vm->proof_stepping = proof != PVHKVM_PROOF_HW_BREAKPOINT;
  if (vm->proof_stepping) {
    struct kvm_regs r;
    if (kvm_ioctl(vm->vcpu_fd, KVM_GET_REGS, (uintptr_t)(&r)) < 0)
      return -1;
    vm->proof_pre_rflags = r.rflags;
  }
  struct kvm_guest_debug dbg;
  memset(&dbg, 0, sizeof(dbg));
  dbg.control = KVM_GUESTDBG_ENABLE;
  if (proof != PVHKVM_PROOF_SINGLE_STEP) {
    dbg.control |= KVM_GUESTDBG_USE_HW_BP;
    dbg.arch.debugreg[0] = linear;
    /* DR7: G0 enables DR0 globally; R/W0 = 00 (instruction fetch) and
     * LEN0 = 00 (1 byte) make it an execution breakpoint; bit 10 reads 1. */
    dbg.arch.debugreg[7] = DR7_FIXED | DR7_G0;
  }
  if (proof != PVHKVM_PROOF_HW_BREAKPOINT)
    dbg.control |= KVM_GUESTDBG_SINGLESTEP;
  return kvm_ioctl(vm->vcpu_fd, KVM_SET_GUEST_DEBUG, (uintptr_t)(&dbg));
}

int pvhkvm_proof_disarm(struct pvhkvm_vm *vm) {
  struct kvm_guest_debug dbg;
  memset(&dbg, 0, sizeof(dbg));
  return kvm_ioctl(vm->vcpu_fd, KVM_SET_GUEST_DEBUG, (uintptr_t)(&dbg));
}

static int why(struct pvhkvm_run_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int why(struct pvhkvm_run_result *res, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(res->entry_why, sizeof(res->entry_why), fmt, ap);
  va_end(ap);
  return 0;
}

/* The instruction at the entry as "mov (a3 20 30 10 00)" for messages. */
static const char *insn_text(const struct pvhkvm_run_result *res, char *out, size_t cap) {
  char hex[64];
  size_t n = res->entry_insn_len ? res->entry_insn_len : 8;
  pvhkvm_insn_hex(res->entry_insn, n, hex, sizeof(hex));
  snprintf(out, cap, "%s%s(%s)", res->entry_insn_name, res->entry_insn_name[0] ? " " : "", hex);
  return out;
}

static uint64_t *gpr_slot(struct pvh_entry_state *st, unsigned n) {
  uint64_t *regs[16] = {&st->rax, &st->rcx, &st->rdx, &st->rbx, &st->rsp, &st->rbp, &st->rsi, &st->rdi,
                        &st->r8,  &st->r9,  &st->r10, &st->r11, &st->r12, &st->r13, &st->r14, &st->r15};
  return regs[n & 15];
}

static void append(char *buf, size_t cap, const char *name) {
  size_t n = strlen(buf);
  snprintf(buf + n, cap - n, "%s%s", n ? " " : "", name);
}

/* Names what the proof compared and, with single-step, what the first
 * instruction writes and so was not compared (fx NULL: nothing written). A
 * report lists exactly these and never claims a register it did not check. */
static void list_compared(struct pvhkvm_run_result *res, const struct pvhkvm_insn_effects *fx) {
  static const char *gpr[16] = {"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
                                "R8",  "R9",  "R10", "R11", "R12", "R13", "R14", "R15"};
  static const struct {
    unsigned bit;
    const char *name;
  } sys[] = {{PVHKVM_FX_CR0, "CR0"}, {PVHKVM_FX_CR2, "CR2"},   {PVHKVM_FX_CR3, "CR3"},
             {PVHKVM_FX_CR4, "CR4"}, {PVHKVM_FX_EFER, "EFER"}, {PVHKVM_FX_CS, "CS"},
             {PVHKVM_FX_DS, "DS"},   {PVHKVM_FX_ES, "ES"},     {PVHKVM_FX_FS, "FS"},
             {PVHKVM_FX_GS, "GS"},   {PVHKVM_FX_SS, "SS"},     {PVHKVM_FX_TR, "TR"},
             {PVHKVM_FX_LDT, "LDT"}, {PVHKVM_FX_GDT, "GDTR"},  {PVHKVM_FX_IDT, "IDTR"}};
  char *yes = res->entry_compared, *no = res->entry_unchecked;
  size_t ycap = sizeof(res->entry_compared), ncap = sizeof(res->entry_unchecked);
  yes[0] = no[0] = 0;
  append(yes, ycap, fx ? "RIP(entry+length)" : "RIP");
  for (unsigned r = 0; r < 16; r++)
    append(fx && (fx->gprs & (1u << r)) ? no : yes, fx && (fx->gprs & (1u << r)) ? ncap : ycap, gpr[r]);
  if (fx && fx->rflags) {
    append(yes, ycap, "RFLAGS(other bits)");
    append(no, ncap, "RFLAGS(bits it sets)");
  } else
    append(yes, ycap, "RFLAGS");
  for (size_t i = 0; i < sizeof(sys) / sizeof(sys[0]); i++)
    append(fx && (fx->sys & sys[i].bit) ? no : yes, fx && (fx->sys & sys[i].bit) ? ncap : ycap, sys[i].name);
  res->entry_unchecked_rbx = fx && (fx->gprs & (1u << 3));
}

/* The single-step judgement: RIP is where one instruction leads, and the
 * state equals the loader's except what that instruction may write. */
static int judge_step(const struct pvh_entry_state *want, struct pvhkvm_run_result *res) {
  const struct pvh_entry_state *seen = &res->entry_seen;
  char it[96];
  struct pvhkvm_insn d;
  struct pvhkvm_insn_effects fx;
  if (!res->entry_insn_len ||
      pvhkvm_insn_decode(res->entry_insn, res->entry_insn_len, pvhkvm_mode_bits(want), &d) != 0)
    return why(
        res,
        "single-step: the instruction at the entry %s could not be decoded, so one step cannot be judged",
        insn_text(res, it, sizeof(it)));
  if (pvhkvm_insn_effects(&d, res->entry_insn, &fx) != 0)
    return why(res,
               "single-step: what the instruction at the entry %s writes is not known here, so one step "
               "cannot be judged (a KVM that delivers the hardware breakpoint can prove it)",
               insn_text(res, it, sizeof(it)));
  uint64_t mask = pvhkvm_mode_bits(want) == 64   ? ~0ull
                  : pvhkvm_mode_bits(want) == 32 ? 0xffffffffull
                                                 : 0xffffull;
  uint64_t next = (want->rip + d.len) & mask;
  uint64_t target = (uint64_t)((int64_t)next + fx.rel) & mask;
  int rip_ok = fx.branch == 1   ? seen->rip == target
               : fx.branch == 2 ? (seen->rip == next || seen->rip == target)
                                : seen->rip == next;
  if (!rip_ok)
    return why(
        res, "single-step: RIP 0x%llx after one instruction, want the entry 0x%llx + %zu (%s) = 0x%llx%s",
        (unsigned long long)seen->rip, (unsigned long long)want->rip, d.len, insn_text(res, it, sizeof(it)),
        (unsigned long long)(fx.branch == 1 ? target : next), fx.branch == 2 ? " or its branch target" : "");
  /* What the loader planned, with what that one instruction may write taken
   * from what KVM reports; everything else must still match exactly. */
  struct pvh_entry_state adj = *want;
  adj.rip = seen->rip;
  for (unsigned r = 0; r < 16; r++)
    if (fx.gprs & (1u << r))
      *gpr_slot(&adj, r) = *gpr_slot((struct pvh_entry_state *)seen, r);
  adj.rflags = (want->rflags & ~fx.rflags) | (seen->rflags & fx.rflags);
  if (fx.sys & PVHKVM_FX_CS)
    adj.cs = seen->cs;
  if (fx.sys & PVHKVM_FX_DS)
    adj.ds = seen->ds;
  if (fx.sys & PVHKVM_FX_ES)
    adj.es = seen->es;
  if (fx.sys & PVHKVM_FX_FS)
    adj.fs = seen->fs;
  if (fx.sys & PVHKVM_FX_GS)
    adj.gs = seen->gs;
  if (fx.sys & PVHKVM_FX_SS)
    adj.ss = seen->ss;
  if (fx.sys & PVHKVM_FX_TR)
    adj.tr = seen->tr;
  if (fx.sys & PVHKVM_FX_LDT)
    adj.ldt = seen->ldt;
  if (fx.sys & PVHKVM_FX_GDT)
    adj.gdt = seen->gdt;
  if (fx.sys & PVHKVM_FX_IDT)
    adj.idt = seen->idt;
  if (fx.sys & PVHKVM_FX_CR0)
    adj.cr0 = seen->cr0;
  if (fx.sys & PVHKVM_FX_CR2)
    adj.cr2 = seen->cr2;
  if (fx.sys & PVHKVM_FX_CR3)
    adj.cr3 = seen->cr3;
  if (fx.sys & PVHKVM_FX_CR4)
    adj.cr4 = seen->cr4;
  if (fx.sys & PVHKVM_FX_EFER)
    adj.efer = seen->efer;
  char diff[200];
  if (pvhkvm_entry_diff(&adj, seen, diff, sizeof(diff)))
    return why(res, "single-step: after %s the state differs from the loader's beyond what it writes: %s",
               insn_text(res, it, sizeof(it)), diff);
  list_compared(res, &fx);
  return 1;
}

int pvhkvm_proof_judge(struct pvhkvm_vm *vm, const struct pvh_entry_state *want, enum pvhkvm_proof proof,
                       struct pvhkvm_run_result *res) {
  struct kvm_run *run = vm->run;
  uint64_t linear = linear_of(want, want->rip);
  char it[96];
  res->entry_checked = 1;
  res->entry_method = proof;
  if (run->exit_reason != KVM_EXIT_DEBUG) {
    struct pvhkvm_insn d;
    struct pvhkvm_insn_effects fx;
    int exits = proof != PVHKVM_PROOF_HW_BREAKPOINT && res->entry_insn_len &&
                pvhkvm_insn_decode(res->entry_insn, res->entry_insn_len, pvhkvm_mode_bits(want), &d) == 0 &&
                pvhkvm_insn_effects(&d, res->entry_insn, &fx) == 0 && fx.exits_to_vmm;
    return why(res, "first exit was %s (%u), not a debug exit at the entry 0x%llx (proof %s)%s%s",
               pvhkvm_exit_name(run->exit_reason), run->exit_reason, (unsigned long long)linear,
               pvhkvm_proof_name(proof),
               exits ? "; the instruction at the entry exits to the VMM first: " : "",
               exits ? insn_text(res, it, sizeof(it)) : "");
  }
  struct pvhkvm_error err;
  if (pvhkvm_vcpu_get_state(vm, &res->entry_seen, &err) != PVHKVM_OK)
    return why(res, "reading the state back: %.200s", err.message);
  if (vm->proof_stepping)
    res->entry_seen.rflags = (res->entry_seen.rflags & ~RFLAGS_TF) | (vm->proof_pre_rflags & RFLAGS_TF);
  res->entry_rip = res->entry_seen.rip;
  res->entry_rbx = res->entry_seen.rbx;
  if (run->debug.arch.exception != 1)
    return why(res, "debug exit with vector %u, not #DB (pc 0x%llx)", run->debug.arch.exception,
               (unsigned long long)run->debug.arch.pc);
  /* A #DB at the entry's linear address, before anything ran, is the
   * breakpoint (DR6 is not required: not every KVM flavour fills B0 alike). */
  if (proof != PVHKVM_PROOF_SINGLE_STEP && run->debug.arch.pc == linear) {
    res->entry_method = PVHKVM_PROOF_HW_BREAKPOINT;
    if (res->entry_rip != want->rip || res->entry_rbx != want->rbx)
      return why(res, "at the breakpoint rip 0x%llx rbx 0x%llx, want rip 0x%llx rbx (start_info) 0x%llx",
                 (unsigned long long)res->entry_rip, (unsigned long long)res->entry_rbx,
                 (unsigned long long)want->rip, (unsigned long long)want->rbx);
    char diff[200];
    if (pvhkvm_entry_diff(want, &res->entry_seen, diff, sizeof(diff)))
      return why(res, "state read back from KVM differs: %s", diff);
    list_compared(res, NULL);
    return 1;
  }
  if (proof == PVHKVM_PROOF_HW_BREAKPOINT)
    return why(res, "debug exit is not the entry breakpoint: dr6 0x%llx pc 0x%llx, want #DB B0 at 0x%llx",
               (unsigned long long)run->debug.arch.dr6, (unsigned long long)run->debug.arch.pc,
               (unsigned long long)linear);
  res->entry_method = PVHKVM_PROOF_SINGLE_STEP;
  return judge_step(want, res);
}
