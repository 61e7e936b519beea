/* SPDX-License-Identifier: MIT */
/* The one place where a boot's status (struct pvhkvm_boot_result, shared by
 * `boot` and `boot --linux`) becomes pvhcheck's exit code, its stderr line
 * and, with --json, the failure object (report.h has the contract). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "report.h"

static int loader_says_ram(enum pvh_err e) {
  return e == PVH_E_SEG_NOT_RAM || e == PVH_E_LAYOUT_NOT_RAM || e == PVH_E_INITRAMFS_NO_ROOM;
}

/* JSON "status" for each outcome, in the contract's words (report.h). An
 * unreadable input has always been an environment problem to pvhcheck
 * (exit 3), so it keeps that name; pvhkvm's "setup-failed" is "setup". */
const char *cli_boot_status(enum pvhkvm_boot_status s) {
  if (s == PVHKVM_BOOT_INPUT)
    return "environment";
  return s == PVHKVM_BOOT_SETUP ? "setup" : pvhkvm_boot_status_name(s);
}

int cli_boot_exit(const struct cli_boot_out *out, const struct pvhkvm_boot_result *r, int ok) {
  switch (r->status) {
  case PVHKVM_BOOT_RAN:
    if (r->run.end == PVHKVM_END_INTERRUPTED)
      return PVHCLI_EXIT_INTERRUPTED;
    return ok ? PVHCLI_EXIT_OK : PVHCLI_EXIT_FAIL;
  case PVHKVM_BOOT_REJECTED: return PVHCLI_EXIT_FAIL;
  case PVHKVM_BOOT_INPUT: return PVHCLI_EXIT_ENV;
  case PVHKVM_BOOT_SETUP: return r->kvm_err.kind == PVHKVM_E_INVALID ? PVHCLI_EXIT_USAGE : PVHCLI_EXIT_ENV;
  case PVHKVM_BOOT_ENV: break;
  }
  return out->env_exit;
}

/* Which input an unreadable-file message is about: the loader names the path. */
static const char *input_field(const struct cli_boot_out *out, const char *msg) {
  for (size_t i = 0; i < sizeof(out->inputs) / sizeof(out->inputs[0]); i++)
    if (out->inputs[i].path && out->inputs[i].field && strstr(msg, out->inputs[i].path))
      return out->inputs[i].field;
  return "kernel";
}

void cli_boot_error(const struct cli_boot_out *out, const struct pvhkvm_boot_result *r, struct cli_error *e) {
  int loader = r->status == PVHKVM_BOOT_REJECTED || r->status == PVHKVM_BOOT_INPUT;
  const char *code = loader ? pvh_err_name(r->load_err.code) : pvhkvm_err_name(r->kvm_err.kind);
  const char *msg = pvhkvm_boot_message(r);
  char field[64];
  switch (r->status) {
  case PVHKVM_BOOT_REJECTED:
    cli_error_set(e, code, "kernel", "kernel %s rejected: %s%s", out->name ? out->name : "(built-in guest)",
                  msg, loader_says_ram(r->load_err.code) ? " (is --mem large enough?)" : "");
    break;
  case PVHKVM_BOOT_INPUT: {
    const char *f = input_field(out, msg);
    cli_error_set(e, code, f, "%s: %s", strcmp(f, "kernel") ? f : "KERNEL", msg);
    break;
  }
  case PVHKVM_BOOT_ENV: {
    /* Every such host can still run the check: inside the KVM lab, which
     * puts each --file at /lab/files/<its name>. */
    const char *base = out->name ? strrchr(out->name, '/') : NULL;
    base = base ? base + 1 : out->name;
    if (out->name && r->kvm_err.kind != PVHKVM_E_API)
      cli_error_set(e, code, "/dev/kvm",
                    "%s; to boot-check here anyway, use the KVM lab: tools/kvm-lab.sh --file %s -- pvhcheck "
                    "boot%s /lab/files/%s (docs/kvm-lab.md)",
                    msg, out->name, out->linux_mode ? " --linux" : "", base);
    else if (r->kvm_err.kind != PVHKVM_E_API)
      cli_error_set(e, code, "/dev/kvm",
                    "%s; to boot-check here anyway, use the KVM lab: tools/kvm-lab.sh -R kvm_cli_boot "
                    "(docs/kvm-lab.md)",
                    msg);
    else
      cli_error_set(e, code, "/dev/kvm", "%s", msg);
    break;
  }
  default: {
    /* A VM that could not be built: the option the message names (--mem),
     * else the KVM device that refused. */
    const char *f = cli_error_field_of(msg, field, sizeof(field));
    cli_error_set(e, code, f ? f : r->status == PVHKVM_BOOT_SETUP ? "/dev/kvm" : NULL, "%s", msg);
    break;
  }
  }
}

int cli_boot_failed(const struct cli_boot_out *out, const struct pvhkvm_boot_result *r) {
  struct cli_error e;
  cli_boot_error(out, r, &e);
  cli_error_print(&e);
  if (out->json)
    cli_report_failure(stdout, out->name, cli_boot_status(r->status), &e, 1);
  return cli_boot_exit(out, r, 0);
}
