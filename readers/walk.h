/* SPDX-License-Identifier: MIT */
/* The note walks of the reader models, one per walking style, and the small
 * bounded readers they share. Private to pvhreaders. */
#ifndef PVHREADERS_WALK_H
#define PVHREADERS_WALK_H

#include <stdarg.h>
#include <stdint.h>

#include "pvhreaders/readers.h"

#define PVHR_NOTE_HDR 12u
#define PVHR_XEN_PHYS32_ENTRY 18u
#define PVHR_MAX_NOTES 65536u /* notes one model walks in a file (Xen's own total limit) */
#define PVHR_MAX_STRING 4096u /* bytes a model scans for a NUL-terminated owner name */

struct pvhr_walk_ctx {
  const struct pvh_image *img;
  const struct pvh_elf *elf;
  const struct pvhr_rules *rules;
  struct pvhr_result *out;
  uint32_t notes; /* notes walked so far, against PVHR_MAX_NOTES */
};

/* Little-endian read of `width` (1..8) bytes at `off`; 0 when inside the file, -1 when any byte is outside. */
int pvhr_read_le(const struct pvh_image *img, uint64_t off, unsigned width, uint64_t *value);
/* Sets the verdict, entry and a printf-style reason; returns the verdict. */
enum pvhr_verdict pvhr_set(struct pvhr_result *out, enum pvhr_verdict v, int has_entry, uint64_t entry,
                           const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The padding a rule gives a container of alignment `align` in an ELF of `elf_class`. */
uint64_t pvhr_padding_for(enum pvhr_padding p, int elf_class, uint64_t align);

void pvhr_walk_qemu(struct pvhr_walk_ctx *c);
void pvhr_walk_xen(struct pvhr_walk_ctx *c);
void pvhr_walk_linux_loader(struct pvhr_walk_ctx *c);
void pvhr_walk_clean(struct pvhr_walk_ctx *c);

#endif
