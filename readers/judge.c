/* SPDX-License-Identifier: MIT */
/* Runs one reader's model: the class check every reader does first, then
 * the walk its rules name. Also the helpers the walks share. */
#include <stdio.h>
#include <string.h>

#include "walk.h"

int pvhr_read_le(const struct pvh_image *img, uint64_t off, unsigned width, uint64_t *value) {
  uint8_t b[8];
  struct pvh_error err;
  *value = 0;
  if (width == 0 || width > 8 || off > img->size || img->size - off < width)
    return -1;
  if (pvh_image_read(img, off, width, b, &err) != PVH_OK)
    return -1;
  for (unsigned i = width; i-- > 0;)
    *value = (*value << 8) | b[i];
  return 0;
}

enum pvhr_verdict pvhr_set(struct pvhr_result *out, enum pvhr_verdict v, int has_entry, uint64_t entry,
                           const char *fmt, ...) {
  va_list ap;
  out->verdict = v;
  out->has_entry = has_entry;
  out->entry = has_entry ? entry : 0;
  va_start(ap, fmt);
  vsnprintf(out->why, sizeof(out->why), fmt, ap);
  va_end(ap);
  return v;
}

uint64_t pvhr_padding_for(enum pvhr_padding p, int elf_class, uint64_t align) {
  switch (p) {
  case PVHR_PAD_CONTAINER_ALIGN: return align;
  case PVHR_PAD_8_ELF64_ALIGN_OVER_4: return elf_class == 64 && align > 4 ? 8 : 4;
  case PVHR_PAD_8_ALIGN_8: return align == 8 ? 8 : 4;
  case PVHR_PAD_4:
  default: return 4;
  }
}

const char *pvhr_verdict_name(enum pvhr_verdict v) {
  static const char *const names[] = {"entry", "no-entry", "refuses", "undefined", "unknown"};
  return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "unknown";
}

void pvhr_judge(const struct pvhr_reader *r, const struct pvh_image *img, const struct pvh_elf *elf,
                struct pvhr_result *out) {
  memset(out, 0, sizeof(*out));
  struct pvhr_walk_ctx c = {.img = img, .elf = elf, .rules = &r->rules, .out = out};
  if ((elf->elf_class == 32 && !r->rules.elf32) || (elf->elf_class == 64 && !r->rules.elf64)) {
    pvhr_set(out, PVHR_REFUSES, 0, 0, "does not load ELF%d kernels", elf->elf_class);
    return;
  }
  switch (r->rules.walk) {
  case PVHR_WALK_QEMU: pvhr_walk_qemu(&c); break;
  case PVHR_WALK_XEN: pvhr_walk_xen(&c); break;
  case PVHR_WALK_LINUX_LOADER: pvhr_walk_linux_loader(&c); break;
  case PVHR_WALK_CLEAN:
  default: pvhr_walk_clean(&c); break;
  }
}

int pvhr_agree(const struct pvhr_result *results, size_t n) {
  const struct pvhr_result *first = NULL;
  for (size_t i = 0; i < n && i < pvhr_reader_count(); i++) {
    if (!pvhr_reader_at(i)->is_vmm)
      continue;
    const struct pvhr_result *r = &results[i];
    if (!first) {
      first = r;
      continue;
    }
    if (r->verdict != first->verdict || r->has_entry != first->has_entry ||
        (r->has_entry && r->entry != first->entry))
      return 0;
  }
  return 1;
}
