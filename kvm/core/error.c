/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

const char *pvhkvm_err_name(enum pvhkvm_err_kind kind) {
  switch (kind) {
  case PVHKVM_OK: return "ok";
  case PVHKVM_E_NO_DEVICE: return "no-device";
  case PVHKVM_E_UNUSABLE: return "kvm-unusable";
  case PVHKVM_E_PERMISSION: return "permission-denied";
  case PVHKVM_E_API: return "kvm-api";
  case PVHKVM_E_SYSCALL: return "syscall-failed";
  case PVHKVM_E_NOMEM: return "out-of-memory";
  case PVHKVM_E_INVALID: return "invalid-argument";
  }
  return "unknown";
}

int pvhkvm_err_is_environment(enum pvhkvm_err_kind kind) {
  return kind == PVHKVM_E_NO_DEVICE || kind == PVHKVM_E_UNUSABLE || kind == PVHKVM_E_PERMISSION ||
         kind == PVHKVM_E_API;
}

enum pvhkvm_err_kind pvhkvm_set_err(struct pvhkvm_error *err, enum pvhkvm_err_kind kind, int sys_errno,
                                    const char *fmt, ...) {
  if (err) {
    va_list ap;
    err->kind = kind;
    err->sys_errno = sys_errno;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
  }
  return kind;
}

enum pvhkvm_err_kind pvhkvm_open_errno_kind(int e) {
  switch (e) {
  case ENOENT: return PVHKVM_E_NO_DEVICE;
  case ENODEV:
  case ENXIO: return PVHKVM_E_UNUSABLE;
  case EACCES:
  case EPERM: return PVHKVM_E_PERMISSION;
  case ENOMEM: return PVHKVM_E_NOMEM;
  default: return PVHKVM_E_SYSCALL;
  }
}

uint64_t pvhkvm_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
