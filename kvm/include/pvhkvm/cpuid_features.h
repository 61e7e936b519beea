/* SPDX-License-Identifier: MIT */
/* CPUID features a boot check may hide from the guest, by name, turned into
 * pvhkvm CPUID masks (pvhkvm_vm_opts.cpuid_masks). On purpose: a kernel boot
 * check should say which CPU it promised. Some hosts' KVM cannot emulate what
 * a feature leads the kernel to execute (kvm-pvm: cmpxchg16b -> hide "cx16";
 * xrstor -> "xsave", though the kernel option noxsave is more reliable
 * there). */
#ifndef PVHKVM_CPUID_FEATURES_H
#define PVHKVM_CPUID_FEATURES_H

#include <stddef.h>

#include "pvhkvm/pvhkvm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most features one list may name. */
#define PVHKVM_CPUID_FEATURES_MAX 32u

/* Comma-separated names ("cx16,xsave,avx"); see pvhkvm_cpuid_feature_names.
 * Writes one mask per name to out. Returns 0, or -1 with why on an unknown
 * name or too many. An empty or NULL list gives *n = 0. */
int pvhkvm_cpuid_masks_parse(const char *list, struct pvhkvm_cpuid_mask *out, size_t cap, size_t *n,
                             char *why, size_t why_len);
/* Space-separated list of the known names, for --help and errors. */
const char *pvhkvm_cpuid_feature_names(void);

#ifdef __cplusplus
}
#endif
#endif
