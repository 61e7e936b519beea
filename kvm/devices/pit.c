/* SPDX-License-Identifier: MIT */
/* The in-kernel PIT, created at the guest's first access to it.
 *
 * KVM_CREATE_PIT2 starts a kernel thread (kvm-pit/PID) and waits for
 * kthreadd to fork it, which takes a scheduler slice when the CPUs are busy
 * (kvm/README.md has the measurements), and a guest that never touches the
 * PIT (the tiny boot-check guests) paid it for nothing. So with the in-kernel
 * irqchip the VM is created without the PIT; the first port access that
 * belongs to it (0x40-0x43, or 0x61, which KVM's PIT also handles) exits to
 * us because no device claims it yet, and then:
 *   1. the vCPU registers are saved;
 *   2. the PIT is created;
 *   3. KVM_RUN with immediate_exit retires the pending access without
 *      entering the guest (our answer to an IN is overwritten in step 5);
 *   4. the registers from before the instruction go back: for IN/OUT,
 *      where KVM advanced RIP in step 3 (VMX, SVM) the saved RIP is on it
 *      already; where RIP was past it at the exit (kvm-pvm), the
 *      instruction is read back from guest memory (E4-E7 ib with ib ==
 *      port, or EC-EF with DX == port, and the operand-size prefix its
 *      size needs). For INS/OUTS (rep or not) the instruction is found at
 *      RIP or, for an OUTS that KVM wrote back at the exit, ending at RIP;
 *      an OUTS's RSI (and RCX for rep) are moved back by the elements this
 *      exit carried, in the direction EFLAGS.DF says, and RIP goes to it;
 *   5. the next KVM_RUN executes the instruction again, against the PIT
 *      (an INS stores again over the bytes step 3 stored).
 * If retiring did more than the pending chunk (a rep that went on against
 * the new PIT would hand it elements twice) the run ends with an error
 * that says the access cannot be replayed exactly, never a guess.
 * An unprogrammed PIT raises no interrupt, so a guest sees the same PIT as
 * with eager creation; only its counters start at the first access instead
 * of at VM creation, which nothing can tell apart before programming. */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "pvhkvm/guestmem.h"
#include "pvhkvm/insn.h"

#define RFLAGS_DF (1ull << 10) /* string instructions walk down */

int pvhkvm_pit_create(struct pvhkvm_vm *vm) {
  struct kvm_pit_config pit = {.flags = KVM_PIT_SPEAKER_DUMMY};
  if (kvm_ioctl(vm->vm_fd, KVM_CREATE_PIT2, (uintptr_t)(&pit)) < 0)
    return -1;
  vm->pit_pending = 0;
  return 0;
}

int pvhkvm_pit_port(uint16_t port) { return (port >= 0x40 && port <= 0x43) || port == 0x61; }

/* 1 if d (at bytes p) is the IN, OUT, INS or OUTS that made this exit:
 * same port, direction and size; *string: an INS/OUTS. */
static int is_this_access(const struct pvhkvm_insn *d, const uint8_t *p, const struct pvh_entry_state *st,
                          const struct kvm_run *run, int *string) {
  if (d->map != 0)
    return 0;
  uint8_t op = d->opcode;
  int imm_form = op >= 0xe4 && op <= 0xe7, dx_form = op >= 0xec && op <= 0xef;
  *string = op >= 0x6c && op <= 0x6f;
  if (!imm_form && !dx_form && !*string)
    return 0;
  uint16_t port = imm_form ? p[d->len - 1] : (uint16_t)st->rdx;
  uint32_t size = (op & 1) == 0 ? 1 : d->opsize_16 ? 2 : 4;
  int out = *string ? op >= 0x6e : (op & 2) != 0;
  return port == run->io.port && out == (run->io.direction == KVM_EXIT_IO_OUT) && size == run->io.size &&
         (*string || run->io.count == 1);
}

/* A string access as decoded: where it starts, its length, its rep prefix
 * and the width of its address registers (RSI/RDI/RCX). */
struct string_access {
  uint64_t rip, len;
  int rep, addr_bits;
};

/* Finds the INS/OUTS that made this exit: at RIP (an IN, which KVM has not
 * written back yet, or a rep in progress) or, for an OUT that KVM already
 * wrote back, ending at RIP. 0 if there is none. */
static int find_string_access(struct pvhkvm_vm *vm, const struct pvh_entry_state *st,
                              const struct kvm_run *run, struct string_access *a) {
  int bits = pvhkvm_mode_bits(st);
  uint64_t mask = bits == 64 ? ~0ull : 0xffffffffull, at = (st->cs.base + st->rip) & mask;
  uint8_t b[15 + 4];
  for (unsigned behind = 0; behind <= 4; behind++) { /* 0: at RIP; k: k bytes before RIP */
    if (behind > at || (behind && run->io.direction != KVM_EXIT_IO_OUT))
      break;
    size_t n = pvhkvm_read_virt(pvhkvm_vm_phys_read, vm, pvhkvm_paging_of(st), st->cr3, at - behind, b, 15);
    struct pvhkvm_insn d;
    int string;
    if (!n || pvhkvm_insn_decode(b, n, bits, &d) != 0 || (behind && d.len != behind) ||
        !is_this_access(&d, b, st, run, &string) || !string)
      continue;
    int a67 = 0;
    a->rep = 0;
    for (size_t i = 0; i + 1 < d.len; i++) {
      a->rep |= b[i] == 0xf3 || b[i] == 0xf2;
      a67 |= b[i] == 0x67;
    }
    a->addr_bits = bits == 64 ? (a67 ? 32 : 64) : bits == 32 ? (a67 ? 16 : 32) : (a67 ? 32 : 16);
    a->rip = st->rip - behind;
    a->len = d.len;
    return 1;
  }
  return 0;
}

/* reg + delta in an address register of `bits` bits (upper bits kept). */
static uint64_t addr_add(uint64_t reg, int64_t delta, int bits) {
  if (bits == 64)
    return reg + (uint64_t)delta;
  uint64_t m = (1ull << bits) - 1;
  return (reg & ~m) | ((reg + (uint64_t)delta) & m);
}

/* Length of the IN/OUT that ends at st's RIP and made this exit; 0 if the
 * bytes before RIP are not such an instruction. An IN/OUT is 1 to 3 bytes
 * (0x66, the opcode, an imm8 port): each length is tried, shortest first,
 * with the project's decoder (pvhkvm/insn.h) reading prefixes and operand size. */
static uint64_t io_insn_len_before(struct pvhkvm_vm *vm, const struct pvh_entry_state *st,
                                   const struct kvm_run *run) {
  int bits = pvhkvm_mode_bits(st);
  uint64_t end = st->cs.base + st->rip;
  if (bits != 64)
    end &= 0xffffffffull;
  uint8_t b[3];
  if (end < sizeof(b) || pvhkvm_read_virt(pvhkvm_vm_phys_read, vm, pvhkvm_paging_of(st), st->cr3,
                                          end - sizeof(b), b, sizeof(b)) != sizeof(b))
    return 0;
  for (size_t k = 1; k <= sizeof(b); k++) {
    const uint8_t *p = b + sizeof(b) - k;
    struct pvhkvm_insn d;
    int string;
    if (pvhkvm_insn_decode(p, k, bits, &d) == 0 && d.len == k && is_this_access(&d, p, st, run, &string) &&
        !string)
      return k;
  }
  return 0;
}

int pvhkvm_pit_create_at_access(struct pvhkvm_vm *vm) {
  struct kvm_run *run = vm->run;
  struct kvm_regs regs, after;
  struct pvh_entry_state st;
  struct pvhkvm_error err;
  if (kvm_ioctl(vm->vcpu_fd, KVM_GET_REGS, (uintptr_t)(&regs)) < 0 ||
      pvhkvm_vcpu_get_state(vm, &st, &err) != PVHKVM_OK)
    return -1;
  struct string_access sa = {0, 0, 0, 64};
  int string = find_string_access(vm, &st, run, &sa);
  if (!string && run->io.count > 1) {
    errno = ENOEXEC; /* a string access, but not one we can find again */
    return -1;
  }
  /* The registers from before the instruction. An OUT's chunk is written
   * back when it exits (RSI, and RCX for rep, moved by count elements; RIP
   * past it unless a rep goes on); an IN's is written back when it retires. */
  struct kvm_regs origin = regs;
  int64_t step = (int64_t)run->io.size * run->io.count, dir = (regs.rflags & RFLAGS_DF) ? -1 : 1;
  if (string && run->io.direction == KVM_EXIT_IO_OUT) {
    origin.rsi = addr_add(regs.rsi, -dir * step, sa.addr_bits);
    if (sa.rep)
      origin.rcx = addr_add(regs.rcx, (int64_t)run->io.count, sa.addr_bits);
  }
  if (string)
    origin.rip = sa.rip;
  if (pvhkvm_pit_create(vm) < 0)
    return -1;
  if (run->io.direction == KVM_EXIT_IO_IN && run->io.data_offset < vm->run_size &&
      (uint64_t)run->io.size * run->io.count <= vm->run_size - run->io.data_offset)
    memset((uint8_t *)run + run->io.data_offset, 0xff, (size_t)run->io.size * run->io.count);
  run->immediate_exit = 1;
  int rc = kvm_ioctl(vm->vcpu_fd, KVM_RUN, 0);
  int e = errno;
  run->immediate_exit = 0;
  /* EINTR: retired, guest not entered. A debug exit: retiring the access
   * completed a single step the entry proof armed; the step is taken
   * again with the access. Anything else: KVM failed or ran the guest. */
  if (rc == 0 ? run->exit_reason != KVM_EXIT_DEBUG : (e != EINTR && e != EAGAIN)) {
    errno = rc == 0 ? EPROTO : e;
    return -1;
  }
  if (kvm_ioctl(vm->vcpu_fd, KVM_GET_REGS, (uintptr_t)(&after)) < 0)
    return -1;
  if (string) {
    /* Retiring must have done this chunk and no more: a rep that went on
     * against the new PIT would hand it those elements twice. */
    uint64_t want_rcx = run->io.direction == KVM_EXIT_IO_IN && sa.rep
                            ? addr_add(regs.rcx, -(int64_t)run->io.count, sa.addr_bits)
                            : regs.rcx;
    if (sa.rep && after.rcx != want_rcx) {
      errno = ENOEXEC;
      return -1;
    }
    return kvm_ioctl(vm->vcpu_fd, KVM_SET_REGS, (uintptr_t)(&origin)) < 0 ? -1 : 0;
  }
  if (after.rip == regs.rip) { /* RIP was past the access already at the exit */
    uint64_t len = io_insn_len_before(vm, &st, run);
    if (len == 0) {
      errno = ENOEXEC; /* cannot find the instruction to run again */
      return -1;
    }
    regs.rip -= len;
  }
  return kvm_ioctl(vm->vcpu_fd, KVM_SET_REGS, (uintptr_t)(&regs)) < 0 ? -1 : 0;
}
