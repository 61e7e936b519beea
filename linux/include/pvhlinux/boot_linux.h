/* SPDX-License-Identifier: MIT */
/* A real Linux kernel through our PVH path under KVM, stage by stage:
 * pvhkvm_boot with the in-kernel irqchip and PIT, CPUID masked on request,
 * pvhlinux's ACPI tables (RSDP passed in start_info), libpvh loads kernel +
 * initramfs (ours, built in memory, unless a file is given), the entry is
 * proved, and the console runs through the stage recognizer with the
 * expectation taken from the loader's report. Power-off through the FADT's
 * sleep register (ACPI S5) ends the run cleanly; so does an i8042 reset.
 *
 * What `pvhcheck boot --linux` (cli/boot_linux.c) does with it:
 *   struct pvhlinux_boot_opts o; pvhlinux_boot_opts_init(&o);
 *   o.kernel_path = path; o.until = PVHLINUX_ST_MARKER;
 *   struct pvhlinux_boot_result r;
 *   if (pvhlinux_boot(&o, &r) != PVHKVM_BOOT_RAN)
 *     ... r.boot.status / load_err / kvm_err say why (cli/status.c maps them) ...
 *   else
 *     json ? pvhlinux_stages_json(r.stages, o.until, stdout) : pvhlinux_boot_print(&r, o.until, stdout);
 *   pvhlinux_boot_result_free(&r);
 */
#ifndef PVHLINUX_BOOT_LINUX_H
#define PVHLINUX_BOOT_LINUX_H

#include <stdint.h>
#include <stdio.h>

#include "pvhkvm/boot.h"
#include "pvhlinux/stages.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Console on the first UART; on panic, reboot (which the VMM sees as the end
 * of the run) instead of hanging until the timeout. */
#define PVHLINUX_DEFAULT_CMDLINE "console=ttyS0 panic=-1"

/* Guest RAM a Linux boot check gets unless told otherwise: room for a
 * distribution kernel and our initramfs. */
#define PVHLINUX_DEFAULT_RAM (512ull << 20)

struct pvhlinux_boot_opts {
  const char *dev_path;    /* NULL: /dev/kvm */
  const char *kernel_path; /* ELF vmlinux with a PVH note */
  /* Instead of kernel_path: an ELF already in memory (a bzImage's vmlinux,
   * cli/kernel_file.c), borrowed for the call. */
  const uint8_t *kernel_data;
  size_t kernel_size;
  const char *initramfs_path; /* NULL: build ours in memory (busybox_path) */
  const char *busybox_path;   /* NULL: /bin/busybox */
  const char *cmdline;        /* NULL: PVHLINUX_DEFAULT_CMDLINE */
  uint64_t ram_size;          /* default PVHLINUX_DEFAULT_RAM */
  int acpi;                   /* default 1; 0: no tables, rsdp_paddr 0 (single CPU, PIC) */
  const char *cpuid_mask;     /* "cx16,xsave": features hidden from the guest; NULL none */
  int until;                  /* enum pvhlinux_stage; default PVHLINUX_ST_MARKER */
  double timeout_s;           /* wall clock; default 120 */
  int echo_fd;                /* console copy; -1 none */
  void (*echo_fn)(void *ctx, const char *data, size_t len); /* or this, instead (pvhkvm_run_opts.echo_fn) */
  void *echo_ctx;
  enum pvhkvm_proof proof; /* entry proof method; default auto */
  /* What the contract leaves open, chosen by the caller (pvhkvm/open.h,
   * pvhcheck conform); NULL: defaults. Its memmap is also what the e820
   * stage expects. */
  const struct pvhkvm_open_choices *open;
};

void pvhlinux_boot_opts_init(struct pvhlinux_boot_opts *o);

struct pvhlinux_boot_result {
  /* The status contract shared with pvhkvm_boot: status, load_err, kvm_err,
   * report (initramfs, RSDP), run (end as enum pvhkvm_end, message, wall_s).
   * Inputs that cannot be read are PVHKVM_BOOT_INPUT; a bad cpuid_mask or
   * until is PVHKVM_BOOT_SETUP with kvm_err.kind PVHKVM_E_INVALID. */
  struct pvhkvm_boot_result boot;
  struct pvhlinux_stages *stages; /* RAN: owned, freed by _free */
  int ok;                         /* pvhlinux_stages_ok(stages, until) */
  /* Emulation failure, internal error, or a shutdown (triple fault) before
   * the marker: where the guest was. have_state says these were read. */
  int have_state;
  uint64_t rip, cr0, cr3, cr4, efer;
  uint8_t insn[16];
  size_t insn_len; /* 0: bytes could not be read */
  /* 32-bit PAE (CR4.PAE, not long mode): the 4 PDPTEs at CR3, which the CPU
   * loads and checks when paging is enabled; have_pdpte 0 when not PAE. */
  int have_pdpte;
  uint64_t pdpte[4];
};

/* Returns r->boot.status. Free the result with pvhlinux_boot_result_free. */
enum pvhkvm_boot_status pvhlinux_boot(const struct pvhlinux_boot_opts *o, struct pvhlinux_boot_result *r);
void pvhlinux_boot_result_free(struct pvhlinux_boot_result *r);
/* RAN: the stage table plus how the run ended (and the instruction bytes if it failed). */
void pvhlinux_boot_print(const struct pvhlinux_boot_result *r, int until, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
