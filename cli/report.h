/* SPDX-License-Identifier: MIT */
/* pvhcheck's output contract, the one place that defines it (the JSON Schema
 * is docs/schema/pvhcheck.schema.json; tests validate every output against it).
 *
 * Every --json output is one object that starts with the same members:
 *   "schema"  CLI_JSON_SCHEMA (an integer; bumped when a member changes meaning
 *             or goes away, never for a new member)
 *   "command" "inspect", "boot", ...
 *   "kernel"  the kernel as the user named it, or null (the built-in guest,
 *             or a usage error before one was named)
 *   "ok"      the verdict
 *   "status"  how far the command got: "ran" (to a verdict), "rejected" (the
 *             loader refused the kernel), "environment" (this host or an
 *             input file: no /dev/kvm, I/O), "setup" (the VM could not be
 *             built), "usage" (the command line)
 *   "error"   null, or {"code", "field", "message"}: a stable short code, the
 *             option or file the error is about ("--initramfs", "kernel",
 *             "/dev/kvm") or null, and the human sentence
 *   "host"    where a VM ran or was asked for: {"kind", ...}
 * then the command's own members.
 *
 * One rule for integers: an address or a register value (paddr, rip, cr0,
 * selector, segment base and limit) is a string "0x" + lowercase hex, because
 * 64-bit values do not survive consumers that read JSON numbers as doubles
 * (jq, JavaScript); a size, count, length or time is a JSON number.
 *
 * Errors on stderr have one shape for every command:
 *   pvhcheck CMD: error: CODE: MESSAGE
 * where MESSAGE starts with the option or file it is about. */
#ifndef PVHCHECK_REPORT_H
#define PVHCHECK_REPORT_H

#include <stdarg.h>
#include <stdio.h>

#include "json.h"

#define CLI_JSON_SCHEMA 1

/* What went wrong, for the stderr line and the JSON "error" member. */
struct cli_error {
  const char *code; /* "io-error", "usage", a loader or KVM error name */
  char field[64];   /* "--initramfs", "kernel", "/dev/kvm"; "": none (JSON null) */
  char message[512];
};

/* Called first by each command (cmd_inspect, cmd_boot, ...): names the
 * command in every report and error line, and notes whether argv asks for
 * --json (before any "--"), so that a usage error is one JSON object too. */
void cli_report_enter(const char *command, int argc, char **argv);
const char *cli_report_command(void);

/* Opens the object and writes schema, command, kernel. */
void cli_report_begin(struct json_writer *w, FILE *out, const char *kernel);
/* ok, status, error (NULL: null). */
void cli_report_verdict(struct json_writer *w, int ok, const char *status, const struct cli_error *err);
/* "host": {"kind": ...} for the commands that run a VM. */
void cli_report_host(struct json_writer *w);

/* Formats err->message; field is its option or file (may be NULL). */
void cli_error_set(struct cli_error *err, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* "pvhcheck CMD: error: CODE: MESSAGE" on stderr. */
void cli_error_print(const struct cli_error *err);
/* A whole failure object: begin, verdict, host when with_host, end. */
void cli_report_failure(FILE *out, const char *kernel, const char *status, const struct cli_error *err,
                        int with_host);

/* The option or file a message is about when it starts with "--name" (the
 * option parser's messages do): copied into buf, else NULL. */
const char *cli_error_field_of(const char *message, char *buf, size_t cap);

#endif
