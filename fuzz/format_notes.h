/* SPDX-License-Identifier: MIT */
/* fuzz_notes's input: a control byte, one (offset, size) pair per note
 * container, then the image the containers point into. format_notes_io is the
 * one description; fuzz/fuzz_notes.c decodes with it and fuzz/gen/gen_notes.c
 * encodes seeds with it (fuzz/format.h).
 *
 *   u8  ctl     bits 0-1: PT_NOTE containers (0-3)
 *               bits 2-3: SHT_NOTE containers (0-3)
 *               bit  4:   the section table is "unusable" (elf.shdr_error set)
 *               bit  5:   add a PT_LOAD before the notes (must be skipped)
 *               bit  6:   pass a NULL error pointer (callers may; the error
 *                         paths must not touch it)
 *               bit  7:   every container is 8-aligned (p_align/sh_addralign
 *                         8: 8-byte note padding), and so is the whole-image
 *                         walk
 *   then per container, PT_NOTE first: u16 offset, u16 size (little endian);
 *   size 0xffff means "to the end of the image"
 *   the rest: the image
 *
 * An input that ends inside the control byte or the container table is not
 * a test case (past_end is set after format_notes_io). */
#ifndef PVH_FUZZ_FORMAT_NOTES_H
#define PVH_FUZZ_FORMAT_NOTES_H

#include "format.h"

#define FORMAT_NOTES_BAD_SHDRS 0x10u
#define FORMAT_NOTES_EXTRA_LOAD 0x20u
#define FORMAT_NOTES_NULL_ERROR 0x40u
#define FORMAT_NOTES_ALIGN8 0x80u
#define FORMAT_NOTES_TO_END 0xffffu /* container size: up to the end of the image */
#define FORMAT_NOTES_MAX_CONTAINERS 6

/* The control byte for nph PT_NOTE and nsh SHT_NOTE containers plus flags. */
#define FORMAT_NOTES_CTL(nph, nsh, flags) ((unsigned)(nph) | (unsigned)(nsh) << 2 | (unsigned)(flags))
static inline unsigned format_notes_nph(uint8_t ctl) { return ctl & 3u; }
static inline unsigned format_notes_nsh(uint8_t ctl) { return (ctl >> 2) & 3u; }

struct format_notes {
  uint8_t ctl;
  uint16_t cont[FORMAT_NOTES_MAX_CONTAINERS][2]; /* {offset, size}, PT_NOTE first */
  const uint8_t *body;
  size_t body_len;
};

static inline void format_notes_io(struct fuzz_codec *c, struct format_notes *n) {
  fuzz_io_u8(c, &n->ctl);
  unsigned nc = format_notes_nph(n->ctl) + format_notes_nsh(n->ctl);
  for (unsigned i = 0; i < nc; i++) {
    fuzz_io_u16(c, &n->cont[i][0]);
    fuzz_io_u16(c, &n->cont[i][1]);
  }
  fuzz_io_rest(c, &n->body, &n->body_len);
}

#endif
