/* SPDX-License-Identifier: MIT */
/* pvhcheck boot --linux: a real Linux kernel, stage by stage (banner, our
 * command line echoed, our e820 map, RAMDISK where we put it, RSDP, console,
 * /init, marker, power-off), through pvhlinux_boot. Exit status: whether every
 * stage up to --until was reached with no mismatch anywhere. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "boot_linux.h"
#include "cli.h"
#include "pvh/loader.h"
#include "pvhlinux/boot_linux.h"
#include "pvhlinux/stages.h"

int boot_linux_until(const char *name, int *stage) {
  int s = pvhlinux_stage_parse(name);
  if (s < 0) {
    cli_usage_error("boot", "--until: unknown stage '%s' (entry banner cmdline e820 ramdisk acpi console init "
                            "marker poweroff end)",
                    name);
    return -1;
  }
  *stage = s;
  return 0;
}

/* Judge the kernel (and a user initramfs) with the loader before asking for
 * KVM: a rejected kernel is exit 1 on any host, not "no KVM". */
static int prejudge(const struct boot_linux_args *a) {
  struct pvh_image kernel, initrd;
  struct pvh_error err;
  memset(&initrd, 0, sizeof(initrd));
  if (pvh_image_open(&kernel, a->kernel, &err) != PVH_OK) {
    fprintf(stderr, "pvhcheck boot: %s\n", err.message);
    boot_json_failure(a->json, a->kernel, "environment", pvh_err_name(err.code), err.message);
    return PVHCLI_EXIT_ENV;
  }
  if (a->initramfs && pvh_image_open(&initrd, a->initramfs, &err) != PVH_OK) {
    fprintf(stderr, "pvhcheck boot: %s\n", err.message);
    pvh_image_close(&kernel);
    return PVHCLI_EXIT_ENV;
  }
  struct pvh_mem_region map[8];
  size_t nmap = pvh_memmap_standard(a->mem, map, 8);
  struct pvh_load_config cfg;
  struct pvh_plan plan;
  pvh_load_config_init(&cfg);
  cfg.cmdline = a->cmdline ? a->cmdline : PVHLINUX_DEFAULT_CMDLINE;
  cfg.initramfs = a->initramfs ? &initrd : NULL;
  int rc = PVHCLI_EXIT_OK;
  if (nmap == 0) {
    fprintf(stderr, "pvhcheck boot: --mem %llu bytes is too small\n", (unsigned long long)a->mem);
    rc = PVHCLI_EXIT_USAGE;
  } else if (pvh_plan_build(&kernel, map, nmap, &cfg, &plan, &err) != PVH_OK) {
    fprintf(stderr, "pvhcheck boot: kernel rejected: %s: %s\n", pvh_err_name(err.code), err.message);
    boot_json_failure(a->json, a->kernel, "rejected", pvh_err_name(err.code), err.message);
    rc = PVHCLI_EXIT_FAIL;
  }
  pvh_plan_free(&plan);
  pvh_image_close(&initrd);
  pvh_image_close(&kernel);
  return rc;
}

int boot_linux_run(const struct boot_linux_args *a) {
  int rc = prejudge(a);
  if (rc != PVHCLI_EXIT_OK)
    return rc;

  struct pvhlinux_boot_opts o;
  pvhlinux_boot_opts_init(&o);
  o.kernel_path = a->kernel;
  o.initramfs_path = a->initramfs;
  if (a->cmdline)
    o.cmdline = a->cmdline;
  o.ram_size = a->mem;
  o.acpi = a->acpi;
  o.cpuid_mask = a->cpuid_mask;
  o.until = a->until;
  if (a->timeout > 0)
    o.timeout_s = a->timeout;
  o.echo_fd = a->json || a->quiet ? -1 : STDERR_FILENO; /* stdout keeps the table */

  struct pvhlinux_boot_result r;
  switch (pvhlinux_boot(&o, &r)) {
  case PVHLINUX_BOOT_SKIP:
    fprintf(stderr, "pvhcheck boot: %s\n", r.why);
    boot_json_failure(a->json, a->kernel, "environment", "kvm-unusable", r.why);
    rc = PVHCLI_EXIT_ENV;
    break;
  case PVHLINUX_BOOT_ERROR:
    fprintf(stderr, "pvhcheck boot: %s\n", r.why);
    boot_json_failure(a->json, a->kernel, "setup-failed", "setup-failed", r.why);
    rc = PVHCLI_EXIT_ENV;
    break;
  case PVHLINUX_BOOT_RAN:
    if (a->json)
      pvhlinux_stages_json(r.stages, o.until, stdout);
    else
      pvhlinux_boot_print(&r, o.until, stdout);
    rc = r.ok ? PVHCLI_EXIT_OK : PVHCLI_EXIT_FAIL;
    break;
  }
  pvhlinux_boot_result_free(&r);
  return rc;
}
