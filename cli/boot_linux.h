/* SPDX-License-Identifier: MIT */
/* The Linux stage-check mode of `pvhcheck boot` (cli/boot_linux.c). */
#ifndef PVHCHECK_BOOT_LINUX_H
#define PVHCHECK_BOOT_LINUX_H

#include <stdint.h>

struct boot_linux_args {
  const char *kernel, *initramfs, *cmdline, *cpuid_mask;
  uint64_t mem;
  double timeout; /* <= 0: pvhlinux's default (120 s) */
  int until;      /* enum pvhlinux_stage */
  int acpi, json, quiet;
};

/* Parses a stage name for --until; prints a usage error and returns -1 if unknown. */
int boot_linux_until(const char *name, int *stage);
/* Runs the check; returns a pvhcheck exit status. */
int boot_linux_run(const struct boot_linux_args *a);

#endif
