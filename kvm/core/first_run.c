/* SPDX-License-Identifier: MIT */
/* The first KVM_RUN of a VM, on the caller's current CPU.
 *
 * x86 KVM starts a kernel task for NX huge page recovery on the first
 * KVM_RUN ("kvm-nx-lpage-recovery", a vhost task). It is a thread of the
 * calling process, created from the calling thread, so the process only
 * ends (and its parent's wait returns) once that task has run to its exit.
 * It inherits the CPU mask of the thread that creates it, and by default
 * the scheduler puts it on whichever CPU looks idlest at that moment. On a
 * loaded machine that was a CPU busy with another process, where it waited
 * for a time slice, and the exit of `pvhcheck boot` waited with it
 * (bench/boot shows it; kvm/README.md has the measurements). Creating it while the calling thread is pinned to the CPU it is
 * on gives it that CPU, the one our exit frees. The thread's own CPU mask
 * is restored right after the call, so long runs migrate as usual; the
 * recovery task, which sleeps for minutes between passes, keeps the CPU. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>

#include "internal.h"

int pvhkvm_first_run(struct pvhkvm_vm *vm) {
  cpu_set_t saved, here;
  int cpu = sched_getcpu();
  int pinned = 0;
  /* A fake KVM starts no task; where the mask cannot be read or set, the
   * run goes ahead unpinned (only the exit latency is at stake). */
  if (pvhkvm_sys_is_libc() && cpu >= 0 && cpu < CPU_SETSIZE &&
      sched_getaffinity(0, sizeof(saved), &saved) == 0) {
    CPU_ZERO(&here);
    CPU_SET(cpu, &here);
    pinned = sched_setaffinity(0, sizeof(here), &here) == 0;
  }
  int rc = kvm_ioctl(vm->vcpu_fd, KVM_RUN, 0);
  if (pinned) {
    int e = errno; /* KVM_RUN's errno is what the caller looks at */
    (void)sched_setaffinity(0, sizeof(saved), &saved);
    errno = e;
  }
  return rc;
}
