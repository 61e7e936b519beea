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
#include "boot.h"
#include "cli.h"
#include "guard.h"
#include "kernel_file.h"
#include "out.h"
#include "pvhlinux/boot_linux.h"
#include "pvhkvm/host.h"
#include "pvhkvm/insn.h"
#include "pvhlinux/host_limits.h"
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

/* The CPUID masks of a Linux boot: the user's (--cpuid-mask) and those this
 * kind of KVM needs and applies (pvhlinux/host_limits.h), each once. */
struct linux_masks {
  char all[512];
  const char *host; /* the host's list, or NULL when it adds none */
  const char *source;
};

static int has_feature(const char *list, const char *name) {
  size_t len = strlen(name);
  for (const char *p = list; p && *p;) {
    size_t n = strcspn(p, ",");
    if (n == len && !strncmp(p, name, len))
      return 1;
    p += n + (p[n] == ',');
  }
  return 0;
}

static void compose_masks(const struct boot_args *a, enum pvhkvm_host_kind kind, struct linux_masks *m) {
  size_t off = (size_t)snprintf(m->all, sizeof(m->all), "%s", a->cpuid_mask ? a->cpuid_mask : "");
  const char *auto_masks = pvhlinux_host_auto_masks(kind);
  int added = 0;
  for (const char *p = auto_masks; p && *p && off < sizeof(m->all);) {
    size_t n = strcspn(p, ",");
    char name[64];
    snprintf(name, sizeof(name), "%.*s", (int)(n < sizeof(name) - 1 ? n : sizeof(name) - 1), p);
    if (!has_feature(m->all, name)) {
      off += (size_t)snprintf(m->all + off, sizeof(m->all) - off, "%s%s", off ? "," : "", name);
      added = 1;
    }
    p += n + (p[n] == ',');
  }
  m->host = added ? auto_masks : NULL;
  m->source = a->cpuid_mask && added ? "option+host" : added ? "host" : "option";
}

/* Why the host's masks were applied, from the same table. */
static void host_masks_why(enum pvhkvm_host_kind kind, char *out, size_t cap) {
  size_t n, off = 0;
  const struct pvhlinux_host_limit *l = pvhlinux_host_limits(kind, &n);
  out[0] = '\0';
  for (size_t i = 0; i < n && off < cap; i++)
    if (l[i].cpuid_mask && l[i].mask_applies)
      off += (size_t)snprintf(out + off, cap - off, "%s%s: %s, and it applies --cpuid-mask %s",
                              off ? "; " : "", l[i].instruction, l[i].what, l[i].cpuid_mask);
}

static void print_json(const struct boot_args *a, const struct pvhlinux_boot_result *r, int until,
                       const struct linux_masks *m, const struct cli_kernel *kf) {
  struct json_writer w;
  cli_report_begin(&w, stdout, a->kernel);
  cli_report_verdict(&w, r->ok, cli_boot_status(r->boot.status), NULL);
  cli_report_host(&w);
  JSON_KV_STR(&w, "mode", "linux");
  cli_kernel_json(&w, kf);
  boot_json_run(&w, &r->boot);
  if (m->all[0]) {
    json_key(&w, "cpuid_mask");
    json_begin_object(&w);
    JSON_KV_STR(&w, "features", m->all);
    JSON_KV_STR(&w, "source", m->source);
    if (m->host) {
      char why[512];
      host_masks_why(pvhkvm_host_kind(), why, sizeof(why));
      JSON_KV_STR(&w, "host_features", m->host);
      JSON_KV_STR(&w, "why", why);
    }
    json_end_object(&w);
  }
  if (r->have_state) {
    char hex[64], why[200];
    json_key(&w, "stopped_at");
    json_begin_object(&w);
    JSON_KV_HEX(&w, "rip", r->rip);
    JSON_KV_HEX(&w, "cr0", r->cr0);
    JSON_KV_HEX(&w, "cr3", r->cr3);
    JSON_KV_HEX(&w, "cr4", r->cr4);
    JSON_KV_HEX(&w, "efer", r->efer);
    JSON_KV_STR(&w, "bytes", pvhkvm_insn_hex(r->insn, r->insn_len, hex, sizeof(hex)));
    const struct pvhkvm_run_result *run = &r->boot.run;
    if (run->fault_known && run->fault_insn_from_kvm && run->fault_insn_name[0])
      pvhlinux_host_explain_name(pvhkvm_host_kind(), run->fault_insn_name, why, sizeof(why));
    else
      pvhlinux_host_explain(pvhkvm_host_kind(), r->insn, r->insn_len, (r->efer & (1ull << 10)) ? 64 : 32, why,
                            sizeof(why));
    JSON_KV_STR(&w, "instruction", why);
    json_end_object(&w);
  }
  stages_member(&w, r, until);
  json_end_object(&w);
  json_finish(&w);
}

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
  /* On a KVM that needs them (kvm-pvm), the masks that keep Linux off the
   * instructions it cannot emulate, as far as it applies them, are added:
   * the user should not have to guess them. */
  enum pvhkvm_host_kind kind = pvhkvm_host_kind();
  struct linux_masks masks;
  compose_masks(a, kind, &masks);
  o.cpuid_mask = masks.all[0] ? masks.all : NULL;
  o.proof = a->proof;
  o.until = a->until;
  if (a->timeout > 0)
    o.timeout_s = a->timeout;
  struct cli_echo echo; /* on stderr: stdout keeps the table */
  cli_echo_init(&echo, STDERR_FILENO, CLI_ECHO_CAP, a->raw_console);
  if (!a->json && !a->quiet) {
    o.echo_fn = cli_echo_write;
    o.echo_ctx = &echo;
  }

  struct cli_boot_out out = {
      .name = a->kernel,
      .json = a->json,
      .env_exit = a->env_exit,
      .linux_mode = 1,
      .inputs = {{a->initramfs, "--initramfs"}, {a->busybox ? a->busybox : "/bin/busybox", "--busybox"}}};
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
  enum pvhkvm_boot_status st = pvhlinux_boot(&o, &r);
  if (o.echo_fn)
    cli_echo_end(&echo);
  cli_guard_reporting();
  if (st != PVHKVM_BOOT_RAN) {
    cli_kernel_explain(&kf, &r.boot.load_err);
    rc = cli_boot_failed(&out, &r.boot);
  } else {
    if (a->json) {
      print_json(a, &r, o.until, &masks, &kf);
    } else {
      cli_kernel_boot_line(&kf, stdout);
      pvhlinux_boot_print(&r, o.until, stdout);
      if (masks.host) {
        char why[512];
        host_masks_why(kind, why, sizeof(why));
        printf("host %s: pvhcheck hid CPUID %s from the kernel by itself (%s)\n", pvhkvm_host_kind_name(kind),
               masks.host, why);
      }
    }
    rc = cli_boot_exit(&out, &r.boot, r.ok);
  }
  pvhlinux_boot_result_free(&r);
  cli_kernel_close(&kf);
  return rc;
}
