/* SPDX-License-Identifier: MIT */
/* pvhcheck boot --linux: a real Linux kernel, stage by stage (banner, our
 * command line echoed, our e820 map, RAMDISK where we put it, RSDP, console,
 * /init, marker, power-off), through pvhlinux_boot. Exit status: whether every
 * stage up to --until was reached with no mismatch anywhere; a boot that did
 * not run goes through the same status mapping as plain `boot` (status.c). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "boot.h"
#include "cli.h"
#include "pvhlinux/boot_linux.h"

int boot_linux_mode_run(const struct boot_args *a) {
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
  struct pvhlinux_boot_result r;
  int rc;
  if (pvhlinux_boot(&o, &r) != PVHKVM_BOOT_RAN) {
    rc = cli_boot_failed(&out, &r.boot);
  } else {
    if (a->json)
      pvhlinux_stages_json(r.stages, o.until, stdout);
    else
      pvhlinux_boot_print(&r, o.until, stdout);
    rc = cli_boot_exit(&out, &r.boot, r.ok);
  }
  pvhlinux_boot_result_free(&r);
  return rc;
}
