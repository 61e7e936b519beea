/* SPDX-License-Identifier: MIT */
/* The system calls that talk to KVM, behind one table: libc by default, a
 * scripted fake in the unit tests (tests/kvm/fake_kvm.c), so the run loop,
 * the entry proof and the error paths are exercised where /dev/kvm is not. */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

static int sys_open(const char *path, int flags) { return open(path, flags); }
static int sys_close(int fd) { return close(fd); }
static int sys_ioctl(int fd, unsigned long req, uintptr_t arg) { return ioctl(fd, req, arg); }
static void *sys_mmap_vcpu(size_t len, int fd) {
  return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
}
static int sys_munmap_vcpu(void *p, size_t len) { return munmap(p, len); }

static const struct pvhkvm_sys libc_sys = {sys_open, sys_close, sys_ioctl, sys_mmap_vcpu, sys_munmap_vcpu};
const struct pvhkvm_sys *pvhkvm_sys = &libc_sys;

void pvhkvm_sys_override(const struct pvhkvm_sys *s) { pvhkvm_sys = s ? s : &libc_sys; }

int pvhkvm_sys_is_libc(void) { return pvhkvm_sys == &libc_sys; }
