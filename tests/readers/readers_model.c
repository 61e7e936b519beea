/* SPDX-License-Identifier: MIT */
#include "readers_model.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int model_verdict(const char *reader, const uint8_t *img, size_t len, struct pvhr_result *out) {
  memset(out, 0, sizeof(*out));
  const struct pvhr_reader *r = pvhr_reader_find(reader);
  struct pvh_image im;
  struct pvh_elf elf;
  struct pvh_error err;
  out->verdict = PVHR_UNKNOWN;
  if (!r) {
    snprintf(out->why, sizeof(out->why), "no reader model named %s", reader);
    return -1;
  }
  pvh_image_from_buffer(&im, img, len, "case");
  if (pvh_elf_parse(&im, &elf, &err) != PVH_OK) {
    snprintf(out->why, sizeof(out->why), "libpvh cannot parse the ELF headers: %.120s", err.message);
    return -1;
  }
  pvhr_judge(r, &im, &elf, out);
  pvh_elf_free(&elf);
  return 0;
}

void model_word(const struct pvhr_result *r, char *buf, size_t len) {
  if (r->verdict == PVHR_ENTRY)
    snprintf(buf, len, "entry:0x%" PRIx64, r->entry);
  else
    snprintf(buf, len, "%s", pvhr_verdict_name(r->verdict));
}
