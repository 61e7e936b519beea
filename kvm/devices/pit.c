/* SPDX-License-Identifier: MIT */
/* The in-kernel PIT, created at the guest's first access to it.
 *
 * KVM_CREATE_PIT2 starts a kernel thread (kvm-pit/PID) and waits for
 * kthreadd to fork it: 0.03 ms on a quiet kvm-pvm host, 2.6 ms on average
 * when both CPUs are busy, and a guest that never touches the PIT (the
 * tiny boot-check guests) paid it for nothing. So with the in-kernel
 * irqchip the VM is created without the PIT; the first port access that
 * belongs to it (0x40-0x43, or 0x61, which KVM's PIT also handles) exits to
 * us because no device claims it yet, and then:
 *   1. the vCPU registers are saved;
 *   2. the PIT is created;
 *   3. KVM_RUN with immediate_exit retires the pending access without
 *      entering the guest (our answer to an IN is overwritten in step 5);
 *   4. the saved registers go back with RIP on the IN/OUT: where KVM
 *      advanced RIP in step 3 (VMX, SVM) the saved RIP is on it already;
 *      where RIP was past it at the exit (kvm-pvm), the instruction is read
 *      back from guest memory (E4-E7 ib with ib == port, or EC-EF with DX ==
 *      port, and the operand-size prefix its size needs);
 *   5. the next KVM_RUN executes the instruction again, against the PIT.
 * An unprogrammed PIT raises no interrupt, so a guest sees the same PIT as
 * with eager creation; only its counters start at the first access instead
 * of at VM creation, which nothing can tell apart before programming. */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "pvhkvm/guestmem.h"
#include "pvhkvm/insn.h"

int pvhkvm_pit_create(struct pvhkvm_vm *vm) {
  struct kvm_pit_config pit = {.flags = KVM_PIT_SPEAKER_DUMMY};
  if (kvm_ioctl(vm->vm_fd, KVM_CREATE_PIT2, (uintptr_t)(&pit)) < 0)
    return -1;
  vm->pit_pending = 0;
  return 0;
}

int pvhkvm_pit_port(uint16_t port) { return (port >= 0x40 && port <= 0x43) || port == 0x61; }

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
    if (pvhkvm_insn_decode(p, k, bits, &d) != 0 || d.len != k || d.map != 0)
      continue;
    int dx_form = d.opcode >= 0xec && d.opcode <= 0xef;
    if (!dx_form && !(d.opcode >= 0xe4 && d.opcode <= 0xe7))
      continue;
    uint16_t port = dx_form ? (uint16_t)st->rdx : p[k - 1];
    uint32_t size = (d.opcode & 1) == 0 ? 1 : d.opsize_16 ? 2 : 4;
    int out = (d.opcode & 2) != 0;
    if (port == run->io.port && out == (run->io.direction == KVM_EXIT_IO_OUT) && size == run->io.size &&
        run->io.count == 1)
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
      pvhkvm_vcpu_get_state(vm, &st, &err) != PVHKVM_OK || pvhkvm_pit_create(vm) < 0)
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
