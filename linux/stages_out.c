/* SPDX-License-Identifier: MIT */
/* The stage table as text for people and as JSON for CI. */
#include <stdio.h>

#include "stages_internal.h"

static void print_time(FILE *out, double s) {
  if (s < 0)
    fprintf(out, " %10s", "-");
  else
    fprintf(out, " %10.6f", s);
}

void pvhlinux_stages_print(const struct pvhlinux_stages *st, FILE *out) {
  fprintf(out, "%-9s %-12s %11s %11s  %s\n", "stage", "state", "guest_s", "host_s", "detail");
  for (int i = 0; i < PVHLINUX_ST__COUNT; i++) {
    const struct pvhlinux_stage_info *in = &st->info[i];
    fprintf(out, "%-9s %-12s", pvhlinux_stage_name((enum pvhlinux_stage)i), pvhlinux_state_name(in->state));
    print_time(out, in->guest_s);
    print_time(out, in->host_s);
    fprintf(out, "  %s\n", in->detail);
  }
  if (st->panic[0])
    fprintf(out, "panic: %s\n", st->panic);
}

void pvhlinux_stages_print_verdict(const struct pvhlinux_stages *st, int until, FILE *out) {
  pvhlinux_stages_print(st, out);
  int f = pvhlinux_stages_furthest(st);
  int ok = pvhlinux_stages_ok(st, (enum pvhlinux_stage)until);
  fprintf(out, "furthest: %s; until %s: %s\n", f >= 0 ? pvhlinux_stage_name((enum pvhlinux_stage)f) : "none",
          pvhlinux_stage_name((enum pvhlinux_stage)until), ok ? "reached" : "NOT reached");
  if (!ok)
    fprintf(out, "last console line: %s\n", pvhlinux_stages_last_line(st));
}

/* JSON string: escapes quotes, backslashes and control bytes; bytes >= 0x80
 * (console noise may be any byte) become \u00XX so the output stays ASCII. */
static void json_str(FILE *out, const char *s) {
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(out, "\\%c", *p);
    else if (*p == '\n')
      fputs("\\n", out);
    else if (*p < 0x20 || *p >= 0x7f)
      fprintf(out, "\\u%04x", *p);
    else
      fputc(*p, out);
  }
  fputc('"', out);
}

static void json_num(FILE *out, double v) {
  if (v < 0)
    fputs("null", out);
  else
    fprintf(out, "%.6f", v);
}

void pvhlinux_stages_json(const struct pvhlinux_stages *st, int until, FILE *out) {
  fputs("{\"stages\":[", out);
  for (int i = 0; i < PVHLINUX_ST__COUNT; i++) {
    const struct pvhlinux_stage_info *in = &st->info[i];
    fputs(i ? ",{\"name\":" : "{\"name\":", out);
    json_str(out, pvhlinux_stage_name((enum pvhlinux_stage)i));
    fputs(",\"state\":", out);
    json_str(out, pvhlinux_state_name(in->state));
    fputs(",\"guest_s\":", out);
    json_num(out, in->guest_s);
    fputs(",\"host_s\":", out);
    json_num(out, in->host_s);
    fputs(",\"detail\":", out);
    json_str(out, in->detail);
    fputc('}', out);
  }
  int f = pvhlinux_stages_furthest(st);
  fputs("],\"furthest\":", out);
  if (f < 0)
    fputs("null", out);
  else
    json_str(out, pvhlinux_stage_name((enum pvhlinux_stage)f));
  if (until >= 0 && until < PVHLINUX_ST__COUNT) {
    fputs(",\"until\":", out);
    json_str(out, pvhlinux_stage_name((enum pvhlinux_stage)until));
    fprintf(out, ",\"ok\":%s", pvhlinux_stages_ok(st, (enum pvhlinux_stage)until) ? "true" : "false");
  }
  fputs(",\"panic\":", out);
  if (st->panic[0])
    json_str(out, st->panic);
  else
    fputs("null", out);
  fputs(",\"last_line\":", out);
  json_str(out, st->last_line);
  fputs("}\n", out);
}
