/* SPDX-License-Identifier: MIT */
#include <linux/io_uring.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "pvhkvm/reap.h"

#if defined(SYS_io_uring_setup) && defined(SYS_io_uring_register)
/* Hands fds[0..n) to a new io_uring as registered files. On success the
 * ring holds a reference to each and its fd is returned; -1 otherwise. */
static int ring_hold(const int *fds, unsigned n) {
  struct io_uring_params p;
  memset(&p, 0, sizeof(p));
  int ring = (int)syscall(SYS_io_uring_setup, 1, &p);
  if (ring < 0)
    return -1;
  if (syscall(SYS_io_uring_register, ring, IORING_REGISTER_FILES, fds, n) < 0) {
    close(ring);
    return -1;
  }
  return ring;
}
#else
static int ring_hold(const int *fds, unsigned n) {
  (void)fds;
  (void)n;
  return -1;
}
#endif

int pvhkvm_vm_reap(struct pvhkvm_vm *vm) {
  if (!vm)
    return 0;
  /* Only real KVM fds go to the ring: the fake KVM's are not files.
   * PVHKVM_SYNC_TEARDOWN=1 keeps the old synchronous path (benchmarks' "before"). */
  const char *sync = getenv("PVHKVM_SYNC_TEARDOWN");
  if ((sync && strcmp(sync, "1") == 0) || !pvhkvm_sys_is_libc() || vm->kvm_fd < 0 || vm->vm_fd < 0 ||
      vm->vcpu_fd < 0) {
    pvhkvm_vm_destroy(vm);
    return 0;
  }
  int fds[3] = {vm->vcpu_fd, vm->vm_fd, vm->kvm_fd};
  int ring = ring_hold(fds, 3);
  if (ring < 0) {
    pvhkvm_vm_destroy(vm);
    return 0;
  }
  /* The ring now holds the files; our fds and mappings go as usual. Guest
   * RAM may be unmapped while KVM still has the memslots: KVM follows the
   * unmapping through its MMU notifier, as for any munmap of guest memory. */
  if (vm->run)
    kvm_munmap_vcpu(vm->run, vm->run_size);
  vm->run = NULL;
  kvm_close(vm->vcpu_fd);
  kvm_close(vm->vm_fd);
  kvm_close(vm->kvm_fd);
  vm->vcpu_fd = vm->vm_fd = vm->kvm_fd = -1;
  /* The last references drop in the ring's exit work, off this thread. */
  close(ring);
  pvhkvm_vm_destroy(vm); /* what is left: RAM mappings, device state, the struct */
  return 1;
}
