/* SPDX-License-Identifier: MIT */
/* Host side of the self-test guest's protocol: what the host expects travels
 * only on the PVH command line, as pvhtest.* tokens the guest parses. */
#ifndef PVHKVM_SELFTEST_H
#define PVHKVM_SELFTEST_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/image.h"
#include "pvhkvm/host.h"
#include "pvhkvm/pvhkvm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* CRC-32 as zlib/gzip compute it (start with 0), the guest's checksum. */
uint32_t pvhkvm_crc32(uint32_t crc, const void *data, size_t len);

/* Writes "<base> [pvhtest.initrd_crc=0x... pvhtest.initrd_size=N]
 * pvhtest.modules=M pvhtest.cmdline_len=L" to out, where L is the length of
 * the whole string (a fixed point). base may be NULL. Returns 0, -1 when out
 * is too small, or -2 when the initramfs cannot be read (a file that shrank or
 * failed since it was opened). */
int pvhkvm_selftest_cmdline(char *out, size_t cap, const char *base, const struct pvh_image *initramfs);
/* The same for a guest that will run on a KVM of the given kind: adds
 * pvhtest.skip=<checks> for checks that host cannot run (pvhkvm/host.h), which
 * the guest then lists as "not checked" with the reason. */
int pvhkvm_selftest_cmdline_for_host(char *out, size_t cap, const char *base,
                                     const struct pvh_image *initramfs, enum pvhkvm_host_kind host);

/* The CPUID leaf the self-test guest reported on its console ("pvhtest:
 * cpuid 0xLEAF.INDEX eax ebx ecx edx"): 0 and regs, or -1 when absent. */
int pvhkvm_selftest_cpuid(const char *console, uint32_t leaf, uint32_t index, uint32_t regs[4]);

/* Whether each mask reached the guest, judged from what the self-test guest
 * reported: every bit a mask clears must read 0 and every bit it sets 1.
 * Returns the number of masks that did not (a leaf the guest did not report
 * counts as not reached) and describes them in why ("leaf 0x1 ecx bits
 * 0x1c000000 still set; ..."). */
size_t pvhkvm_selftest_cpuid_unapplied(const char *console, const struct pvhkvm_cpuid_mask *m, size_t n,
                                       char *why, size_t why_len);

#ifdef __cplusplus
}
#endif
#endif
