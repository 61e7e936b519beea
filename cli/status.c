/* SPDX-License-Identifier: MIT */
/* The one place where a boot's status (struct pvhkvm_boot_result, shared by
 * `boot` and `boot --linux`) becomes pvhcheck's exit code, its stderr line
 * and, with --json, the failure object. */
#include <stdio.h>

#include "cli.h"
#include "json.h"

static int loader_says_ram(enum pvh_err e) {
  return e == PVH_E_SEG_NOT_RAM || e == PVH_E_LAYOUT_NOT_RAM || e == PVH_E_INITRAMFS_NO_ROOM;
}

/* JSON "status" for each outcome. An unreadable input has always been an
 * environment problem to pvhcheck (exit 3), so it keeps that name. */
static const char *json_status(enum pvhkvm_boot_status s) {
  return s == PVHKVM_BOOT_INPUT ? "environment" : pvhkvm_boot_status_name(s);
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

int cli_boot_failed(const struct cli_boot_out *out, const struct pvhkvm_boot_result *r) {
  int loader = r->status == PVHKVM_BOOT_REJECTED || r->status == PVHKVM_BOOT_INPUT;
  const char *code = loader ? pvh_err_name(r->load_err.code) : pvhkvm_err_name(r->kvm_err.kind);
  const char *msg = pvhkvm_boot_message(r);
  if (r->status == PVHKVM_BOOT_REJECTED)
    fprintf(stderr, "pvhcheck boot: kernel rejected: %s: %s%s\n", code, msg,
            loader_says_ram(r->load_err.code) ? " (is --mem large enough?)" : "");
  else
    fprintf(stderr, "pvhcheck boot: %s\n", msg);
  if (out->json) {
    struct json_writer w;
    json_init(&w, stdout);
    json_begin_object(&w);
    JSON_KV_STR(&w, "kernel", out->name);
    JSON_KV_BOOL(&w, "ok", 0);
    JSON_KV_STR(&w, "status", json_status(r->status));
    json_key(&w, "error");
    json_begin_object(&w);
    JSON_KV_STR(&w, "code", code);
    JSON_KV_STR(&w, "message", msg);
    json_end_object(&w);
    json_end_object(&w);
    json_finish(&w);
  }
  return cli_boot_exit(out, r, 0);
}
