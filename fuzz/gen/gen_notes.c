/* SPDX-License-Identifier: MIT */
/* fuzz_notes seeds: note bytes and their containers, encoded with
 * fuzz/format_notes.h. */
#include <stdint.h>

#include "elfgen.h"
#include "format_notes.h"
#include "gen.h"

/* The control byte, then as many {offset, size} containers as it counts
 * (PT_NOTE first), then the body. */
static void notes_seed(const char *name, unsigned ctl, const uint16_t (*cont)[2],
                       const struct elfgen_buf *body) {
  static uint8_t buf[65536];
  struct format_notes n = {.ctl = (uint8_t)ctl, .body = body->data, .body_len = body->len};
  for (unsigned i = 0; i < format_notes_nph(n.ctl) + format_notes_nsh(n.ctl); i++) {
    n.cont[i][0] = cont[i][0];
    n.cont[i][1] = cont[i][1];
  }
  struct fuzz_codec c = fuzz_writer(buf, sizeof(buf));
  format_notes_io(&c, &n);
  emit_encoded("fuzz_notes", name, &c);
}

void gen_notes_seeds(void) {
  struct elfgen_buf a = {0};
  static const uint16_t all[][2] = {{0, FORMAT_NOTES_TO_END}};
  elfgen_note(&a, "GNU", 3, "abcdefgh", 8);
  elfgen_note_pvh(&a, 0x100010, 4);
  notes_seed("pt-note-gnu-then-pvh4", FORMAT_NOTES_CTL(1, 0, 0), all, &a);
  notes_seed("sht-only", FORMAT_NOTES_CTL(0, 1, 0), all, &a);
  notes_seed("sht-only-table-unusable", FORMAT_NOTES_CTL(0, 1, FORMAT_NOTES_BAD_SHDRS), all, &a);
  notes_seed("pt-note-behind-pt-load", FORMAT_NOTES_CTL(1, 0, FORMAT_NOTES_EXTRA_LOAD), all, &a);
  notes_seed("null-error-pointer", FORMAT_NOTES_CTL(1, 0, FORMAT_NOTES_NULL_ERROR), all, &a);
  size_t first = a.len - 20; /* the PVH note is the last 20 bytes */
  const uint16_t split[][2] = {{0, (uint16_t)first}, {(uint16_t)first, 20}};
  notes_seed("two-pt-notes-split", FORMAT_NOTES_CTL(2, 0, 0), split, &a);
  notes_seed("pt-note-without-then-sht", FORMAT_NOTES_CTL(1, 1, 0), split, &a);
  const uint16_t oob[][2] = {{(uint16_t)first, 0x4000}};
  notes_seed("container-out-of-bounds", FORMAT_NOTES_CTL(1, 0, 0), oob, &a);
  const uint16_t empty[][2] = {{0, 0}, {0, FORMAT_NOTES_TO_END}};
  notes_seed("empty-container-then-full", FORMAT_NOTES_CTL(2, 0, 0), empty, &a);
  /* N1: 8-aligned containers pad to 8 (ctl bit 7). */
  static const uint8_t n8[] = {4,    0, 0,    0, 4,   0,   0,   0, 18, 0, 0, 0, 'X', 'e', 'n', 0,
                               0x10, 0, 0x10, 0, 0,   0,   0,   0, 4,  0, 0, 0, 8,   0,   0,   0,
                               3,    0, 0,    0, 'G', 'N', 'U', 0, 1,  2, 3, 4, 5,   6,   7,   8};
  struct elfgen_buf b8 = {0};
  elfgen_buf_append(&b8, n8, sizeof(n8));
  notes_seed("align8-pt-note-desc4-padded", FORMAT_NOTES_CTL(1, 0, FORMAT_NOTES_ALIGN8), all, &b8);
  notes_seed("align8-sht-note-desc4-padded", FORMAT_NOTES_CTL(0, 1, FORMAT_NOTES_ALIGN8), all, &b8);
  notes_seed("align4-reads-align8-notes", FORMAT_NOTES_CTL(1, 0, 0), all, &b8);
  /* The padding after the last desc cut by the container end (one byte short). */
  const uint16_t cut[][2] = {{0, (uint16_t)(sizeof(n8) - 1)}};
  notes_seed("align8-last-desc-padding-cut", FORMAT_NOTES_CTL(1, 0, FORMAT_NOTES_ALIGN8), cut, &b8);
  /* Two readings of an 8-aligned container (fuzz_notes is ELF64): only the
   * 4-byte one fits; both fit, one holds the entry; both agree; they differ. */
  struct elfgen_buf r = {0};
  static const uint8_t id[20] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  elfgen_note(&r, "GNU", 3, id, sizeof(id));
  elfgen_note_pvh(&r, 0x100000, 4);
  notes_seed("align8-4padded-buildid-then-pvh", FORMAT_NOTES_CTL(1, 0, FORMAT_NOTES_ALIGN8), all, &r);
  notes_seed("align8-sht-4padded-buildid-then-pvh", FORMAT_NOTES_CTL(0, 1, FORMAT_NOTES_ALIGN8), all, &r);
  elfgen_buf_free(&r);
  elfgen_notes_two_readings(&r, 0, 0);
  notes_seed("align8-two-readings-only-4-has-entry", FORMAT_NOTES_CTL(1, 0, FORMAT_NOTES_ALIGN8), all, &r);
  elfgen_buf_free(&r);
  elfgen_notes_two_readings(&r, ELFGEN_TWO_READINGS_ENTRY4, 1);
  notes_seed("align8-two-readings-same-entry", FORMAT_NOTES_CTL(1, 0, FORMAT_NOTES_ALIGN8), all, &r);
  elfgen_buf_free(&r);
  elfgen_notes_two_readings(&r, 0x100000, 1);
  notes_seed("align8-two-readings-differ", FORMAT_NOTES_CTL(1, 0, FORMAT_NOTES_ALIGN8), all, &r);
  elfgen_buf_free(&r);
  elfgen_buf_free(&b8);
  elfgen_buf_free(&a);

  elfgen_note_pvh(&a, 0xfffff000, 8);
  notes_seed("pvh8", FORMAT_NOTES_CTL(1, 0, 0), all, &a);
  elfgen_buf_free(&a);
  elfgen_note_pvh(&a, 0x100000000ull, 8);
  notes_seed("pvh8-above-4g", FORMAT_NOTES_CTL(1, 0, 0), all, &a);
  elfgen_buf_free(&a);
  elfgen_note_pvh(&a, 0x100000, 4);
  elfgen_note_pvh(&a, 0x200000, 4);
  notes_seed("conflict", FORMAT_NOTES_CTL(1, 0, 0), all, &a);
  const uint16_t halves[][2] = {{0, 20}, {20, 20}, {0, 20}};
  notes_seed("conflict-across-sht", FORMAT_NOTES_CTL(0, 2, 0), halves, &a);
  notes_seed("pt-note-wins-over-sht", FORMAT_NOTES_CTL(1, 1, 0), halves, &a);
  elfgen_buf_free(&a);
  elfgen_note_pvh(&a, 0x100000, 6);
  notes_seed("desc-size-6", FORMAT_NOTES_CTL(1, 0, 0), all, &a);
  elfgen_buf_free(&a);
  elfgen_note_raw(&a, 4, 0xfffffffdu, 18, "Xen", 4);
  notes_seed("descsz-pad-wraps-32", FORMAT_NOTES_CTL(1, 0, 0), all, &a);
  notes_seed("malformed-null-error-pointer", FORMAT_NOTES_CTL(1, 0, FORMAT_NOTES_NULL_ERROR), all, &a);
  elfgen_buf_free(&a);
  elfgen_note(&a, "Xen", 18, NULL, 0);
  elfgen_note_raw(&a, 0, 0, 0, NULL, 0);
  elfgen_note(&a, "XenX", 18, "\0\0\x10\0", 4);
  elfgen_note_raw(&a, 3, 4, 18, "Xen\0\0\0\x10\0", 8);
  elfgen_buf_append(&a, "\0\0\0\0\0\0\0", 7);
  notes_seed("near-miss-owners-and-tail", FORMAT_NOTES_CTL(1, 0, 0), all, &a);
  elfgen_buf_free(&a);
  for (unsigned i = 0; i < 4100; i++)
    elfgen_note_raw(&a, 0, 0, 1, NULL, 0);
  notes_seed("too-many-notes", FORMAT_NOTES_CTL(1, 0, 0), all, &a);
  elfgen_buf_free(&a);
}
