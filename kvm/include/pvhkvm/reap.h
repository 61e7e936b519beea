/* SPDX-License-Identifier: MIT */
/* Deferred VM teardown. Destroying a VM is most of a tiny guest's boot check
 * on a real host: the last close of the VM fd waits in KVM for SRCU/RCU grace
 * periods (longest with the in-kernel irqchip and PIT), far longer than
 * creating, loading and running a tiny guest together (kvm/README.md has the
 * measurements). Nothing in a report depends on that wait.
 *
 * pvhkvm_vm_reap releases everything this process holds at once and lets the
 * kernel finish KVM's part later: the KVM fds are handed to a throwaway
 * io_uring as registered files and then closed; closing the ring drops their
 * last references from the kernel's io_uring exit work, not from this thread.
 * No helper process or thread is left behind, and the caller does not wait. Where io_uring is unavailable (ENOSYS, disabled by sysctl or a
 * seccomp filter), or PVHKVM_SYNC_TEARDOWN=1 is set in the environment, it
 * destroys synchronously, as pvhkvm_vm_destroy does. */
#ifndef PVHKVM_REAP_H
#define PVHKVM_REAP_H

#include "pvhkvm/pvhkvm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Releases vm (NULL: nothing). Returns 1 when KVM's teardown was handed to
 * the kernel to finish asynchronously, 0 when it was done here. */
int pvhkvm_vm_reap(struct pvhkvm_vm *vm);

#ifdef __cplusplus
}
#endif
#endif
