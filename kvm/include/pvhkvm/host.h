/* SPDX-License-Identifier: MIT */
/* Which kind of KVM this host has. The kinds differ in what they can do for a
 * guest (kvm/README.md has the table): kvm-pvm runs guests in ring 3 with
 * shadow paging and cannot emulate LAR/LSL, so the self-test guest is told to
 * skip those checks there and says so in its report. */
#ifndef PVHKVM_HOST_H
#define PVHKVM_HOST_H

#ifdef __cplusplus
extern "C" {
#endif

enum pvhkvm_host_kind {
  PVHKVM_HOST_NONE = 0, /* no /dev/kvm */
  PVHKVM_HOST_KVM,      /* ordinary KVM (VMX or SVM) */
  PVHKVM_HOST_KVM_PVM,  /* KVM with the PVM module: /sys/module/kvm_pvm exists */
};

/* From /dev/kvm and /sys/module/kvm_pvm; the environment variable
 * PVHKVM_HOST=none|kvm|kvm-pvm overrides it (tests, and a user who knows
 * better). An unknown override value is ignored. */
enum pvhkvm_host_kind pvhkvm_host_kind(void);
const char *pvhkvm_host_kind_name(enum pvhkvm_host_kind k); /* "none", "kvm", "kvm-pvm" */

/* The self-test guest's pvhtest.skip= value for checks this host cannot run
 * ("lar-lsl" on kvm-pvm), or NULL when every check can run. */
const char *pvhkvm_host_selftest_skips(enum pvhkvm_host_kind k);

#ifdef __cplusplus
}
#endif
#endif
