/* SPDX-License-Identifier: MIT */
/* What a kind of KVM (pvhkvm/host.h) is known not to do for a Linux guest,
 * one table: the instructions its emulator cannot run, and for each the CPUID
 * feature that keeps a kernel away from it and whether this KVM applies that
 * mask (kvm/README.md, "KVMs tried"). `pvhcheck boot --linux` applies the
 * masks that work there by itself and names the limit when a run stops on an
 * instruction:
 *
 *   const char *auto_masks = pvhlinux_host_auto_masks(pvhkvm_host_kind()); // "cx16" on kvm-pvm
 *   const struct pvhlinux_host_limit *l = pvhlinux_host_limit_of(kind, "xrstor");
 */
#ifndef PVHLINUX_HOST_LIMITS_H
#define PVHLINUX_HOST_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "pvhkvm/host.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pvhlinux_host_limit {
  const char *instruction; /* the decoder's name (pvhkvm/insn.h): "cmpxchg16b", "xrstor", ... */
  const char
      *cpuid_mask;  /* the feature that keeps Linux from using it (a pvhkvm/cpuid_features.h name), or NULL */
  int mask_applies; /* this KVM applies that mask to the guest's CPUID */
  const char *what; /* the limit, one phrase */
};

/* The known limits of a kind of KVM: *n entries (0 for an ordinary KVM). */
const struct pvhlinux_host_limit *pvhlinux_host_limits(enum pvhkvm_host_kind k, size_t *n);
/* The limit for an instruction on that kind of KVM, or NULL. */
const struct pvhlinux_host_limit *pvhlinux_host_limit_of(enum pvhkvm_host_kind k, const char *instruction);
/* The CPUID masks a Linux boot needs on that kind of KVM and it applies,
 * comma-separated ("cx16" on kvm-pvm), or NULL. Static storage. */
const char *pvhlinux_host_auto_masks(enum pvhkvm_host_kind k);
/* Names the instruction in bytes[0..n) as it runs in a mode of 32 or 64 bits
 * and, when that kind of KVM has a known limit there, says it:
 * "cmpxchg16b: kvm-pvm's instruction emulator cannot run it; ...". Writes
 * "" when the bytes do not decode. Returns out. */
char *pvhlinux_host_explain(enum pvhkvm_host_kind k, const uint8_t *bytes, size_t n, int mode_bits, char *out,
                            size_t cap);
/* The same for an instruction already named by the decoder. */
char *pvhlinux_host_explain_name(enum pvhkvm_host_kind k, const char *name, char *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
