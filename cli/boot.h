/* SPDX-License-Identifier: MIT */
/* `pvhcheck boot`'s parsed options, shared by its modes: the self-test or
 * PVH kernel check (boot.c) and the Linux stage check (boot_linux_mode.c). */
#ifndef PVHCHECK_BOOT_H
#define PVHCHECK_BOOT_H

#include <stdint.h>

struct boot_args {
  const char *kernel, *initramfs, *cmdline, *expect, *cpuid_mask;
  const char *busybox; /* --linux: busybox for the built initramfs; NULL /bin/busybox */
  uint64_t mem;        /* after parsing: the mode's default when not given */
  double timeout;      /* 0: the mode's default */
  int json, quiet;
  int raw_console; /* echo the guest's bytes unescaped */
  int irqchip;     /* -1: default for the kernel kind */
  int env_exit;    /* exit code when KVM is not usable here */
  int proof;       /* enum pvhkvm_proof */
  /* Linux stage-check mode (--linux, implied by --until/--cpuid-mask/--no-acpi). */
  int linux_mode, until, acpi; /* until: enum pvhlinux_stage */
  /* What the kernel turned out to be (cmd_boot): the self-test guest (built
   * in, or an installed pvhtest-*.elf), or something that looks like Linux. */
  int selftest, looks_linux;
};

/* Runs the Linux stage check (boot_linux_mode.c); returns a pvhcheck exit
 * status. */
int boot_linux_mode_run(const struct boot_args *a);

#endif
