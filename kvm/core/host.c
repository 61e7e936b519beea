/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pvhkvm/host.h"

const char *pvhkvm_host_kind_name(enum pvhkvm_host_kind k) {
  switch (k) {
  case PVHKVM_HOST_NONE: return "none";
  case PVHKVM_HOST_KVM: return "kvm";
  case PVHKVM_HOST_KVM_PVM: return "kvm-pvm";
  }
  return "unknown";
}

enum pvhkvm_host_kind pvhkvm_host_kind(void) {
  const char *env = getenv("PVHKVM_HOST");
  if (env) {
    if (strcmp(env, "none") == 0)
      return PVHKVM_HOST_NONE;
    if (strcmp(env, "kvm") == 0)
      return PVHKVM_HOST_KVM;
    if (strcmp(env, "kvm-pvm") == 0)
      return PVHKVM_HOST_KVM_PVM;
  }
  if (access("/dev/kvm", F_OK) != 0)
    return PVHKVM_HOST_NONE;
  /* The PVM module registers itself like kvm_intel/kvm_amd do; its presence
   * is what says guests run in ring 3 under shadow paging. */
  if (access("/sys/module/kvm_pvm", F_OK) == 0)
    return PVHKVM_HOST_KVM_PVM;
  return PVHKVM_HOST_KVM;
}

const char *pvhkvm_host_selftest_skips(enum pvhkvm_host_kind k) {
  /* LAR and LSL trap to KVM's emulator under PVM, which does not implement
   * them (KVM_EXIT_INTERNAL_ERROR, emulation failure on 0f 02 / 0f 03). */
  return k == PVHKVM_HOST_KVM_PVM ? "lar-lsl" : NULL;
}
