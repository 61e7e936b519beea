/* SPDX-License-Identifier: MIT */
/* pvhcheck boot --linux: a real Linux kernel, stage by stage (banner, our
 * command line echoed, our e820 map, RAMDISK where we put it, RSDP, console,
 * /init, marker, power-off), through pvhlinux_boot. Exit status: whether every
 * stage up to --until was reached with no mismatch anywhere; a boot that did
 * not run goes through the same status mapping as plain `boot` (status.c). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "boot_linux.h"
#include "cli.h"
#include "kernel_file.h"

int boot_linux_run(const struct boot_args *a) {
  struct pvhlinux_boot_opts o;
  pvhlinux_boot_opts_init(&o);
  o.kernel_path = a->kernel;
  o.initramfs_path = a->initramfs;
  o.busybox_path = a->busybox;
  if (a->cmdline)
    o.cmdline = a->cmdline;
  o.ram_size = a->mem;
  o.acpi = a->acpi;
  o.cpuid_mask = a->cpuid_mask;
  o.proof = a->proof;
  o.until = a->until;
  if (a->timeout > 0)
    o.timeout_s = a->timeout;
  o.echo_fd = a->json || a->quiet ? -1 : STDERR_FILENO; /* stdout keeps the table */

  struct cli_boot_out out = {.name = a->kernel, .json = a->json, .env_exit = a->env_exit};
  /* A bzImage is unpacked here and handed over in memory; an ELF file is
   * opened by pvhlinux_boot itself, as before. */
  struct cli_kernel kf;
  struct cli_kernel_error kerr;
  enum cli_kernel_status ks = cli_kernel_open(&kf, a->kernel, &kerr);
  if (ks != CLI_KERNEL_OK)
    return cli_kernel_boot_failed(&out, ks, &kerr);
  if (kf.is_bzimage) {
    o.kernel_data = kf.vmlinux;
    o.kernel_size = kf.vmlinux_len;
  } else {
    cli_kernel_close(&kf); /* pvhlinux_boot reads the file itself */
  }
  struct pvhlinux_boot_result r;
  int rc;
  if (pvhlinux_boot(&o, &r) != PVHKVM_BOOT_RAN) {
    cli_kernel_explain(&kf, &r.boot.load_err);
    rc = cli_boot_failed(&out, &r.boot);
  } else {
    if (a->json) {
      cli_kernel_json_around(&kf, stdout, r.stages, o.until);
    } else {
      cli_kernel_boot_line(&kf, stdout);
      pvhlinux_boot_print(&r, o.until, stdout);
    }
    rc = cli_boot_exit(&out, &r.boot, r.ok);
  }
  pvhlinux_boot_result_free(&r);
  cli_kernel_close(&kf);
  return rc;
}
