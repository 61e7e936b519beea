/* SPDX-License-Identifier: MIT */
/* CPUID features a boot check may hide from the guest, by name, turned into
 * pvhkvm CPUID masks. On purpose: a kernel boot check should say which CPU it
 * promised. Some hosts' KVM cannot emulate what a feature leads the kernel to
 * execute (kvm-pvm: cmpxchg16b -> hide "cx16"; xrstor -> "xsave", though the
 * kernel option noxsave is more reliable there). */
#ifndef PVHLINUX_CPUID_H
#define PVHLINUX_CPUID_H

#include <stddef.h>

#include "pvhkvm/pvhkvm.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PVHLINUX_CPUID_MAX_MASKS 32u

/* Comma-separated names ("cx16,xsave,avx"); see pvhlinux_cpuid_feature_names.
 * Writes one mask per name to out. Returns 0, or -1 with why on an unknown
 * name or too many. An empty or NULL list gives *n = 0. */
int pvhlinux_cpuid_masks_parse(const char *list, struct pvhkvm_cpuid_mask *out, size_t cap, size_t *n,
                               char *why, size_t why_len);
/* Space-separated list of the known names, for --help. */
const char *pvhlinux_cpuid_feature_names(void);

#ifdef __cplusplus
}
#endif
#endif
