/* SPDX-License-Identifier: MIT */
/* Runs every reader model on the kernel and prints the result. The models
 * live in readers/ (pvhreaders); this file only formats them. */
#include "portability.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pvh/elf.h"

void portability_judge(const struct pvh_image *kernel, struct portability *p) {
  memset(p, 0, sizeof(*p));
  struct pvh_elf elf;
  struct pvh_error err;
  pvh_error_clear(&err);
  if (!kernel || pvh_elf_parse(kernel, &elf, &err) != PVH_OK) {
    snprintf(p->error, sizeof(p->error), "ELF headers unreadable: %s", err.message);
    return;
  }
  p->n = pvhr_reader_count() < PORTABILITY_MAX_READERS ? pvhr_reader_count() : PORTABILITY_MAX_READERS;
  for (size_t i = 0; i < p->n; i++)
    pvhr_judge(pvhr_reader_at(i), kernel, &elf, &p->results[i]);
  pvh_elf_free(&elf);
  p->judged = 1;
  p->agree = pvhr_agree(p->results, p->n);
}

/* "entry 0x100000", "no PVH note found", ... */
static void short_verdict(const struct pvhr_result *r, char *buf, size_t len) {
  if (r->verdict == PVHR_ENTRY)
    snprintf(buf, len, "entry 0x%" PRIx64, r->entry);
  else if (r->verdict == PVHR_NO_ENTRY)
    snprintf(buf, len, "no PVH note found");
  else
    snprintf(buf, len, "%s", pvhr_verdict_name(r->verdict));
}

void portability_summary(const struct portability *p, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < p->n && used < len; i++) {
    const struct pvhr_reader *rd = pvhr_reader_at(i);
    char v[48];
    if (!rd->is_vmm)
      continue;
    short_verdict(&p->results[i], v, sizeof(v));
    int k = snprintf(buf + used, len - used, "%s%s: %s", used ? "; " : "", rd->name, v);
    if (k < 0)
      break;
    used += (size_t)k;
  }
}

void portability_print_text(FILE *out, const struct portability *p) {
  if (!p->judged) {
    fprintf(out, "portability not judged: %s\n", p->error);
    return;
  }
  char line[512];
  portability_summary(p, line, sizeof(line));
  fprintf(out, "portability %s (%s)\n", line, p->agree ? "all agree" : "readers DISAGREE");
  for (size_t i = 0; i < p->n; i++) {
    const struct pvhr_reader *rd = pvhr_reader_at(i);
    const struct pvhr_result *r = &p->results[i];
    char entry[24] = "-";
    if (r->has_entry)
      snprintf(entry, sizeof(entry), "0x%" PRIx64, r->entry);
    fprintf(out, "  %-16s %-12.12s %-9s %-11s %s\n", rd->name, rd->version, pvhr_verdict_name(r->verdict),
            entry, r->why);
  }
}

void portability_json(struct json_writer *w, const struct portability *p) {
  json_key(w, "portability");
  json_begin_array(w);
  for (size_t i = 0; p->judged && i < p->n; i++) {
    const struct pvhr_reader *rd = pvhr_reader_at(i);
    const struct pvhr_result *r = &p->results[i];
    json_begin_object(w);
    JSON_KV_STR(w, "reader", rd->name);
    JSON_KV_STR(w, "version", rd->version);
    JSON_KV_STR(w, "used_by", rd->used_by);
    JSON_KV_BOOL(w, "vmm", rd->is_vmm);
    JSON_KV_STR(w, "verdict", pvhr_verdict_name(r->verdict));
    json_key(w, "entry");
    if (r->has_entry)
      json_hex(w, r->entry);
    else
      json_null(w);
    JSON_KV_STR(w, "why", r->why);
    JSON_KV_STR(w, "source", rd->source);
    json_end_object(w);
  }
  json_end_array(w);
  JSON_KV_BOOL(w, "portable", p->judged && p->agree);
}
