/* SPDX-License-Identifier: MIT */
/* The output contract (report.h): the members every --json object starts
 * with, and the one stderr error line. */
#include "report.h"

#include "pvhutil/opt.h"

#include <string.h>

#ifdef PVH_HAVE_KVM
#include "pvhkvm/host.h"
#endif

static const char *current_command = "pvhcheck";
static int current_json;

static void usage_error_json(const char *message);

void cli_report_enter(const char *command, int argc, char **argv) {
  current_command = command;
  current_json = 0;
  for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
    if (!strcmp(argv[i], "--json"))
      current_json = 1;
  cli_opt_error_hook = usage_error_json;
}

const char *cli_report_command(void) { return current_command; }

void cli_report_begin(struct json_writer *w, FILE *out, const char *kernel) {
  json_init(w, out);
  json_begin_object(w);
  JSON_KV_U64(w, "schema", CLI_JSON_SCHEMA);
  JSON_KV_STR(w, "command", current_command);
  json_key(w, "kernel");
  if (kernel)
    json_string(w, kernel);
  else
    json_null(w);
}

void cli_report_verdict(struct json_writer *w, int ok, const char *status, const struct cli_error *err) {
  JSON_KV_BOOL(w, "ok", ok);
  JSON_KV_STR(w, "status", status);
  json_key(w, "error");
  if (!err) {
    json_null(w);
    return;
  }
  json_begin_object(w);
  JSON_KV_STR(w, "code", err->code);
  json_key(w, "field");
  if (err->field[0])
    json_string(w, err->field);
  else
    json_null(w);
  JSON_KV_STR(w, "message", err->message);
  json_end_object(w);
}

void cli_report_host(struct json_writer *w) {
  json_key(w, "host");
  json_begin_object(w);
#ifdef PVH_HAVE_KVM
  enum pvhkvm_host_kind k = pvhkvm_host_kind();
  const char *skips = pvhkvm_host_selftest_skips(k);
  JSON_KV_STR(w, "kind", pvhkvm_host_kind_name(k));
  json_key(w, "selftest_skips");
  if (skips)
    json_string(w, skips);
  else
    json_null(w);
#else
  JSON_KV_STR(w, "kind", "none");
  json_key(w, "selftest_skips");
  json_null(w);
#endif
  json_end_object(w);
}

void cli_error_set(struct cli_error *err, const char *code, const char *field, const char *fmt, ...) {
  va_list ap;
  err->code = code;
  snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof(err->message), fmt, ap);
  va_end(ap);
}

void cli_error_print(const struct cli_error *err) {
  fprintf(stderr, "pvhcheck %s: error: %s: %s\n", current_command, err->code, err->message);
}

void cli_report_failure(FILE *out, const char *kernel, const char *status, const struct cli_error *err,
                        int with_host) {
  struct json_writer w;
  cli_report_begin(&w, out, kernel);
  cli_report_verdict(&w, 0, status, err);
  if (with_host)
    cli_report_host(&w);
  json_end_object(&w);
  json_finish(&w);
}

const char *cli_error_field_of(const char *message, char *buf, size_t cap) {
  if (strncmp(message, "--", 2) != 0 || cap == 0)
    return NULL;
  size_t n = 2;
  while (message[n] && (message[n] == '-' || (message[n] >= 'a' && message[n] <= 'z') ||
                        (message[n] >= '0' && message[n] <= '9')))
    n++;
  if (n == 2 || n >= cap)
    return NULL;
  memcpy(buf, message, n);
  buf[n] = '\0';
  return buf;
}

/* The option parser's usage errors: with --json they are one object too. */
static void usage_error_json(const char *message) {
  if (!current_json)
    return;
  char field[64];
  struct cli_error err;
  cli_error_set(&err, "usage", cli_error_field_of(message, field, sizeof(field)), "%s", message);
  cli_report_failure(stdout, NULL, "usage", &err, 0);
}
