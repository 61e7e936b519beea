/* SPDX-License-Identifier: MIT */
/* The peer VMM: boots the same kernel, initramfs and command line under QEMU
 * microvm (PVH entry via -kernel) and feeds its serial console through the
 * stage recognizer, so pvhcheck's stages can be compared with QEMU's on one
 * machine. QEMU places the initramfs and builds the memory map and ACPI
 * tables itself, so only what we control is verified: the command line, the
 * initramfs size; the map and RSDP are parsed and shown. */
#ifndef PVHLINUX_QEMU_H
#define PVHLINUX_QEMU_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/error.h"
#include "pvhlinux/stages.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pvhlinux_qemu_opts {
  const char *qemu;   /* NULL: "qemu-system-x86_64" from PATH */
  const char *kernel; /* ELF vmlinux with a PVH note */
  const char *initrd; /* NULL: none */
  const char *cmdline;
  uint64_t ram_size; /* default 512 MiB */
  const char *accel; /* NULL: "tcg" (no /dev/kvm here); "kvm" where it works */
  double timeout_s;  /* wall clock; default 120 */
  int echo_fd;       /* also copy the console here; -1 none (default) */
  /* TCG only: -icount shift=N,sleep=off. The guest's clocks (TSC, PIT) then
   * advance with executed instructions, not host time, so the kernel's TSC
   * calibration against the PIT cannot fail when the host is loaded (it does
   * under plain TCG on a busy 2-core host, and the boot then stalls after
   * "tsc: Marking TSC unstable"). Guest times become instruction counts, not
   * seconds. -1: off (default). */
  int icount_shift;
  /* Instead of -kernel/-initrd/-append: a firmware (QEMU -bios) that enters a
   * kernel our loader already placed, with its RAM pieces passed as
   * extra_args (-device loader,...). kernel/initrd/cmdline then only name
   * what the expectation is about. */
  const char *bios;
  const char *machine;           /* NULL: "microvm,pit=on,pic=on,rtc=on" */
  const char *const *extra_args; /* NULL-terminated, may be NULL */
  int clean_exit_code;           /* QEMU exit status that means a clean end; default 0 */
};

void pvhlinux_qemu_opts_init(struct pvhlinux_qemu_opts *o);

struct pvhlinux_qemu_result {
  int started;           /* QEMU was spawned */
  int exited, exit_code; /* normal exit and its status */
  int signaled, signal;
  int timed_out; /* killed at timeout_s */
  double wall_s;
  uint64_t console_bytes;
  char why[512]; /* spawn failure, or QEMU's first stderr line on failure */
};

/* Fills *ex for a QEMU boot of these options (cmdline, initramfs size);
 * -1 with err (io-error) when the initramfs cannot be read. */
int pvhlinux_qemu_expect(const struct pvhlinux_qemu_opts *o, struct pvhlinux_expect *ex,
                         uint64_t *initrd_size, struct pvh_error *err);

/* Runs QEMU to its end or the timeout, feeding *st; marks the END stage
 * (reached when QEMU exited 0 after the kernel powered down). Returns 0 when
 * QEMU ran, -1 when it could not be started (res->why). */
int pvhlinux_qemu_boot(const struct pvhlinux_qemu_opts *o, struct pvhlinux_stages *st,
                       struct pvhlinux_qemu_result *res);

#ifdef __cplusplus
}
#endif
#endif
