/* SPDX-License-Identifier: MIT */
/* boot --cpuid-mask: did the mask reach the guest? Some KVMs do not apply
 * KVM_SET_CPUID2 to what the guest's CPUID returns (kvm-pvm: measured for
 * xsave and avx; kvm/README.md). The self-test guest reports the leaves it
 * sees, and this judges them, so such a host is named as the cause instead of
 * the kernel failing later on an instruction it was told it may use. */
#ifndef PVHCHECK_BOOT_CPUID_H
#define PVHCHECK_BOOT_CPUID_H

#include <stddef.h>

#include "boot.h"

/* The feature names from LIST (comma-separated) whose masks the self-test
 * guest's console shows as not applied, comma-separated into out. Returns
 * their count. */
size_t boot_cpuid_unapplied(const char *list, const char *console, char *out, size_t cap);

/* Before a --linux boot with --cpuid-mask: boots the self-test guest with the
 * same masks. Returns 1 when some did not reach it (why says which and that
 * this KVM does not apply CPUID), else 0 (also when the probe could not run:
 * the real boot then reports why). */
int boot_cpuid_probe(const struct boot_args *a, char *why, size_t cap);

#endif
