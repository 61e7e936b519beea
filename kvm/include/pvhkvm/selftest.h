/* SPDX-License-Identifier: MIT */
/* Host side of the self-test guest's protocol: what the host expects travels
 * only on the PVH command line, as pvhtest.* tokens the guest parses. */
#ifndef PVHKVM_SELFTEST_H
#define PVHKVM_SELFTEST_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/image.h"
#include "pvhkvm/host.h"

#ifdef __cplusplus
extern "C" {
#endif

/* CRC-32 as zlib/gzip compute it (start with 0), the guest's checksum. */
uint32_t pvhkvm_crc32(uint32_t crc, const void *data, size_t len);

/* Writes "<base> [pvhtest.initrd_crc=0x... pvhtest.initrd_size=N]
 * pvhtest.modules=M pvhtest.cmdline_len=L" to out, where L is the length of
 * the whole string (a fixed point). base may be NULL. Returns 0, or -1 when
 * out is too small. */
int pvhkvm_selftest_cmdline(char *out, size_t cap, const char *base, const struct pvh_image *initramfs);
/* The same for a guest that will run on a KVM of the given kind: adds
 * pvhtest.skip=<checks> for checks that host cannot run (pvhkvm/host.h), which
 * the guest then lists as "not checked" with the reason. */
int pvhkvm_selftest_cmdline_for_host(char *out, size_t cap, const char *base,
                                     const struct pvh_image *initramfs, enum pvhkvm_host_kind host);

#ifdef __cplusplus
}
#endif
#endif
