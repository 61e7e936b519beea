/* SPDX-License-Identifier: MIT */
/* A real Linux kernel through our PVH path under KVM, stage by stage:
 * pvhkvm VM with the in-kernel irqchip and PIT, CPUID masked on request,
 * pvhlinux's ACPI tables (RSDP passed in start_info), libpvh loads kernel +
 * initramfs (ours, built in memory, unless a file is given), the entry is
 * proved, and the console runs through the stage recognizer with the
 * expectation taken from the loader's report. Power-off through the FADT's
 * sleep register (ACPI S5) ends the run cleanly; so does an i8042 reset.
 *
 * This is what `pvhcheck boot --linux` calls:
 *   struct pvhlinux_boot_opts o; pvhlinux_boot_opts_init(&o);
 *   o.kernel_path = path; o.until = PVHLINUX_ST_MARKER;
 *   struct pvhlinux_boot_result r; pvhlinux_boot(&o, &r);
 *   if (r.status == PVHLINUX_BOOT_SKIP) { puts(r.why); exit(77 or 3); }
 *   r.json ? pvhlinux_stages_json(r.stages, o.until, stdout) : pvhlinux_boot_print(&r, stdout);
 *   exit(r.ok ? 0 : 1); pvhlinux_boot_result_free(&r);
 */
#ifndef PVHLINUX_BOOT_LINUX_H
#define PVHLINUX_BOOT_LINUX_H

#include <stdint.h>
#include <stdio.h>

#include "pvhlinux/stages.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pvhlinux_boot_opts {
  const char *dev_path;        /* NULL: /dev/kvm */
  const char *kernel_path;     /* ELF vmlinux with a PVH note */
  const char *initramfs_path;  /* NULL: build ours in memory (busybox_path, marker) */
  const char *busybox_path;    /* NULL: /bin/busybox */
  const char *cmdline;         /* NULL: PVHLINUX_DEFAULT_CMDLINE */
  uint64_t ram_size;           /* default 512 MiB */
  int acpi;                    /* default 1; 0: no tables, rsdp_paddr 0 (single CPU, PIC) */
  const char *cpuid_mask;      /* "cx16,xsave": features hidden from the guest; NULL none */
  int until;                   /* enum pvhlinux_stage; default PVHLINUX_ST_MARKER */
  double timeout_s;            /* wall clock; default 120 */
  int echo_fd;                 /* console copy; -1 none */
};

#define PVHLINUX_DEFAULT_CMDLINE "console=ttyS0 panic=-1"

void pvhlinux_boot_opts_init(struct pvhlinux_boot_opts *o);

enum pvhlinux_boot_status {
  PVHLINUX_BOOT_RAN = 0,  /* the kernel ran: see stages and ok */
  PVHLINUX_BOOT_SKIP,     /* this host cannot run KVM (why): tests skip */
  PVHLINUX_BOOT_ERROR,    /* bad input, loader rejected the kernel, KVM setup failed (why) */
};

struct pvhlinux_boot_result {
  enum pvhlinux_boot_status status;
  char why[512];
  struct pvhlinux_stages *stages; /* RAN: owned, freed by _free */
  int ok;                         /* pvhlinux_stages_ok(stages, until) */
  int end;                        /* enum pvhkvm_end of the run */
  char end_message[256];
  /* Emulation failure / internal error: where the guest was. */
  uint64_t rip, cr3;
  uint8_t insn[16];
  size_t insn_len;                /* 0: bytes could not be read */
  double wall_s;
  uint64_t initramfs_paddr, initramfs_size, rsdp_paddr;
};

enum pvhlinux_boot_status pvhlinux_boot(const struct pvhlinux_boot_opts *o, struct pvhlinux_boot_result *r);
void pvhlinux_boot_result_free(struct pvhlinux_boot_result *r);
/* Stage table plus how the run ended (and the instruction bytes if it failed). */
void pvhlinux_boot_print(const struct pvhlinux_boot_result *r, int until, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
