/* SPDX-License-Identifier: MIT */
/* Shared pieces of the pvhcheck command line: subcommand entry points, exit
 * codes, and the one mapping from a boot's status to exit code and JSON. */
#ifndef PVHCHECK_CLI_H
#define PVHCHECK_CLI_H

#include <stdint.h>
#include <stdio.h>

/* Exit codes, the same for every subcommand. */
enum {
  PVHCLI_EXIT_OK = 0,          /* loadable / boot check passed */
  PVHCLI_EXIT_FAIL = 1,        /* kernel rejected / boot check failed */
  PVHCLI_EXIT_USAGE = 2,       /* bad command line */
  PVHCLI_EXIT_ENV = 3,         /* environment: no /dev/kvm, no permission, I/O */
  PVHCLI_EXIT_INTERRUPTED = 4, /* SIGINT or SIGTERM ended the command (verdict "interrupted") */
};

int cmd_inspect(int argc, char **argv);
int cmd_extract(int argc, char **argv);
#ifdef PVH_HAVE_KVM
int cmd_boot(int argc, char **argv);
int cmd_conform(int argc, char **argv);

#include "pvhkvm/boot.h"

/* How a boot reports (cli/status.c). */
struct cli_boot_out {
  const char *name; /* the kernel as the user named it; NULL: the built-in guest */
  int json;         /* --json: one object on stdout, failures included */
  int env_exit;     /* exit code when this host cannot run KVM (--env-exit-code; default 3) */
  int linux_mode;   /* boot --linux (for the KVM lab command the error suggests) */
  /* The input files besides the kernel, so an unreadable one is named by
   * its option ("--initramfs") in the error. */
  struct {
    const char *path, *field;
  } inputs[2];
};
struct cli_error;
/* The exit code for a boot's status; ok is the verdict of a run. */
int cli_boot_exit(const struct cli_boot_out *out, const struct pvhkvm_boot_result *r, int ok);
/* A boot that did not run: the reason on stderr and, with --json, the
 * failure object of report.h on stdout. Returns cli_boot_exit. */
int cli_boot_failed(const struct cli_boot_out *out, const struct pvhkvm_boot_result *r);
/* The error of a boot that did not run (code, field, message). */
void cli_boot_error(const struct cli_boot_out *out, const struct pvhkvm_boot_result *r, struct cli_error *e);
/* The JSON "status" of a boot status. */
const char *cli_boot_status(enum pvhkvm_boot_status s);
#endif

#endif
