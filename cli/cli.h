/* SPDX-License-Identifier: MIT */
/* Shared pieces of the pvhcheck command line: subcommand entry points, exit
 * codes, and small helpers every subcommand uses. */
#ifndef PVHCHECK_CLI_H
#define PVHCHECK_CLI_H

#include <stdint.h>
#include <stdio.h>

/* Exit codes, the same for every subcommand. */
enum {
  PVHCLI_EXIT_OK = 0,       /* loadable / boot check passed */
  PVHCLI_EXIT_FAIL = 1,     /* kernel rejected / boot check failed */
  PVHCLI_EXIT_USAGE = 2,    /* bad command line */
  PVHCLI_EXIT_ENV = 3,      /* environment: no /dev/kvm, no permission, I/O */
};

int cmd_inspect(int argc, char **argv);
#ifdef PVH_HAVE_KVM
int cmd_boot(int argc, char **argv);
#endif

/* Reads a whole file into memory-mapped image-friendly form is in libpvh
 * (pvh_image_open); these are only CLI conveniences. */
int cli_parse_size(const char *opt, const char *s, uint64_t *out); /* prints usage error */
/* `pvhcheck boot --json` promises one object on stdout, failures included:
 * {"kernel","ok":false,"status","error":{"code","message"}}. No-op unless json. */
void boot_json_failure(int json, const char *kernel, const char *status, const char *code, const char *message);
void cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
