/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"
#include "json.h"
#include "pvh/memmap.h"

void cli_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "pvhcheck %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nTry 'pvhcheck %s --help'.\n", cmd);
}

int cli_parse_size(const char *opt, const char *s, uint64_t *out) {
  if (pvh_parse_size(s, out) != 0 || *out == 0) {
    fprintf(stderr, "pvhcheck: %s: '%s' is not a size (examples: 256M, 1G, 4096K, 1048576)\n", opt, s);
    return -1;
  }
  return 0;
}

void boot_json_failure(int json, const char *kernel, const char *status, const char *code, const char *message) {
  if (!json)
    return;
  struct json_writer w;
  json_init(&w, stdout);
  json_begin_object(&w);
  JSON_KV_STR(&w, "kernel", kernel);
  JSON_KV_BOOL(&w, "ok", 0);
  JSON_KV_STR(&w, "status", status);
  json_key(&w, "error");
  json_begin_object(&w);
  JSON_KV_STR(&w, "code", code);
  JSON_KV_STR(&w, "message", message);
  json_end_object(&w);
  json_end_object(&w);
  json_finish(&w);
}
