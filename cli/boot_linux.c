/* SPDX-License-Identifier: MIT */
/* pvhcheck boot --linux: a real Linux kernel, stage by stage (banner, our
 * command line echoed, our e820 map, RAMDISK where we put it, RSDP, console,
 * /init, marker, power-off), through pvhlinux_boot. Exit status: whether every
 * stage up to --until was reached with no mismatch anywhere; a boot that did
 * not run goes through the same status mapping as plain `boot` (status.c). */
#define _GNU_SOURCE /* open_memstream */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot_json.h"
#include "boot_linux.h"
#include "cli.h"
#include "pvhkvm/insn.h"
#include "report.h"

/* The stage table as pvhlinux writes it, as the "linux" member. */
static void stages_member(struct json_writer *w, const struct pvhlinux_boot_result *r, int until) {
  char *buf = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&buf, &len);
  if (mem) {
    pvhlinux_stages_json(r->stages, until, mem);
    fclose(mem);
  }
  json_key(w, "linux");
  if (buf && len)
    json_raw(w, buf);
  else
    json_null(w);
  free(buf);
}

static void print_json(const struct boot_args *a, const struct pvhlinux_boot_result *r, int until) {
  struct json_writer w;
  cli_report_begin(&w, stdout, a->kernel);
  cli_report_verdict(&w, r->ok, cli_boot_status(r->boot.status), NULL);
  cli_report_host(&w);
  JSON_KV_STR(&w, "mode", "linux");
  boot_json_run(&w, &r->boot);
  if (a->cpuid_mask) {
    json_key(&w, "cpuid_mask");
    json_begin_object(&w);
    JSON_KV_STR(&w, "features", a->cpuid_mask);
    JSON_KV_STR(&w, "source", "option");
    json_end_object(&w);
  }
  if (r->have_state) {
    char hex[64];
    json_key(&w, "stopped_at");
    json_begin_object(&w);
    JSON_KV_HEX(&w, "rip", r->rip);
    JSON_KV_HEX(&w, "cr0", r->cr0);
    JSON_KV_HEX(&w, "cr3", r->cr3);
    JSON_KV_HEX(&w, "cr4", r->cr4);
    JSON_KV_HEX(&w, "efer", r->efer);
    JSON_KV_STR(&w, "bytes", pvhkvm_insn_hex(r->insn, r->insn_len, hex, sizeof(hex)));
    json_end_object(&w);
  }
  stages_member(&w, r, until);
  json_end_object(&w);
  json_finish(&w);
}

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

  struct cli_boot_out out = {
      .name = a->kernel,
      .json = a->json,
      .env_exit = a->env_exit,
      .inputs = {{a->initramfs, "--initramfs"}, {a->busybox ? a->busybox : "/bin/busybox", "--busybox"}}};
  struct pvhlinux_boot_result r;
  int rc;
  if (pvhlinux_boot(&o, &r) != PVHKVM_BOOT_RAN) {
    rc = cli_boot_failed(&out, &r.boot);
  } else {
    if (a->json)
      print_json(a, &r, o.until);
    else
      pvhlinux_boot_print(&r, o.until, stdout);
    rc = cli_boot_exit(&out, &r.boot, r.ok);
  }
  pvhlinux_boot_result_free(&r);
  return rc;
}
