/* SPDX-License-Identifier: MIT */
/* The case table. Each builder assembles its notes byte by byte (the point
 * is the padding, so nothing here pads for the caller) and builds the file
 * with elfgen. */
#include "readers_cases.h"

#include <stdlib.h>
#include <string.h>

#include "elfgen.h"

/* The PT_LOAD contents: a NOP sled to an "exit 0x7f" stub in the first page,
 * then a marker stub "mov al, k; out 0xf4, al; hlt" every 0x10 bytes,
 * hlt everywhere else. */
static void code_page(uint8_t *code, size_t len) {
  memset(code, 0x90, 0x1000);
  const uint8_t sled_exit[] = {0xb0, CASE_SLED_EXIT, 0xe6, 0xf4, 0xf4, 0xeb, 0xfd};
  memcpy(code + 0x1000 - 0x10, sled_exit, sizeof(sled_exit));
  memset(code + 0x1000, 0xf4, len - 0x1000);
  for (unsigned k = 1; k <= CASE_MARKERS; k++) {
    uint8_t stub[] = {0xb0, (uint8_t)k, 0xe6, 0xf4, 0xf4, 0xeb, 0xfd};
    memcpy(code + (CASE_MARKER(k) - CASE_LOAD_PADDR), stub, sizeof(stub));
  }
}

static void put32(struct elfgen_buf *b, uint32_t v) {
  uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  elfgen_buf_append(b, x, 4);
}

static void zeros(struct elfgen_buf *b, size_t n) { elfgen_buf_append(b, NULL, n); }

/* A note with the name and desc each padded to `pad` counted from the note
 * start (how a linker lays out an 8-aligned note). */
static void note(struct elfgen_buf *b, const char *owner, uint32_t namesz, uint32_t type, const void *desc,
                 uint32_t descsz, unsigned pad) {
  size_t start = b->len;
  put32(b, namesz);
  put32(b, descsz);
  put32(b, type);
  size_t olen = strlen(owner) + 1;
  elfgen_buf_append(b, owner, olen < namesz ? olen : namesz);
  if (namesz > olen)
    zeros(b, namesz - olen);
  while ((b->len - start) % pad)
    zeros(b, 1);
  elfgen_buf_append(b, desc, descsz);
  while ((b->len - start) % pad)
    zeros(b, 1);
}

static void build_id(struct elfgen_buf *b, unsigned pad) {
  const uint8_t id[20] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  note(b, "GNU", 4, 3, id, sizeof(id), pad);
}

static void pvh(struct elfgen_buf *b, uint64_t entry, uint32_t descsz, unsigned pad) {
  uint8_t d[8];
  for (unsigned i = 0; i < 8; i++)
    d[i] = (uint8_t)(entry >> (8 * i));
  note(b, "Xen", 4, ELFGEN_XEN_PHYS32_ENTRY, d, descsz, pad);
}

struct shape {
  int elf_class;
  struct elfgen_buf notes[2];
  uint64_t note_align[2];
  int nr_notes;   /* PT_NOTE segments */
  int as_section; /* notes[0] as an SHT_NOTE section instead of a PT_NOTE */
  uint64_t e_entry;
};

static int build_shape(struct shape *s, uint8_t **img, size_t *len) {
  static uint8_t code[0x2000];
  code_page(code, sizeof(code));
  struct elfgen_seg segs[3] = {
      ELFGEN_LOAD(CASE_LOAD_PADDR, sizeof(code), sizeof(code), ELFGEN_PF_R | ELFGEN_PF_X)};
  segs[0].data = code;
  segs[0].align = 0x200000; /* what a vmlinux has (linux-loader requires a 2 MiB multiple) */
  size_t nsegs = 1;
  for (int i = 0; i < s->nr_notes; i++) {
    segs[nsegs] = ELFGEN_NOTE_SEG(&s->notes[i]);
    segs[nsegs++].align = s->note_align[i];
  }
  struct elfgen_sec sec = ELFGEN_NOTE_SEC(".notes", &s->notes[0]);
  sec.align = s->note_align[0];
  struct elfgen_spec spec = {.elf_class = s->elf_class,
                             .entry = s->e_entry ? s->e_entry : CASE_MARKER(1),
                             .segs = segs,
                             .nr_segs = nsegs,
                             .secs = s->as_section ? &sec : NULL,
                             .nr_secs = s->as_section ? 1 : 0,
                             .section_table = 1};
  int rc = elfgen_build(&spec, img, len);
  for (int i = 0; i < 2; i++)
    elfgen_buf_free(&s->notes[i]);
  return rc;
}

/* The shape: an 8-aligned PT_NOTE holding 4-padded notes, build-id first. */
static int c_buildid_first_align8(uint8_t **img, size_t *len) {
  struct shape s = {.elf_class = 64, .nr_notes = 1, .note_align = {8}};
  build_id(&s.notes[0], 4);
  pvh(&s.notes[0], CASE_MARKER(1), 4, 4);
  return build_shape(&s, img, len);
}

static int c_buildid_first_align4(uint8_t **img, size_t *len) {
  struct shape s = {.elf_class = 64, .nr_notes = 1, .note_align = {4}};
  build_id(&s.notes[0], 4);
  pvh(&s.notes[0], CASE_MARKER(1), 4, 4);
  return build_shape(&s, img, len);
}

static int c_genuinely_8_padded(uint8_t **img, size_t *len) {
  struct shape s = {.elf_class = 64, .nr_notes = 1, .note_align = {8}};
  build_id(&s.notes[0], 8);
  pvh(&s.notes[0], CASE_MARKER(2), 4, 8);
  return build_shape(&s, img, len);
}

static int c_pvh_only_align8(uint8_t **img, size_t *len) {
  struct shape s = {.elf_class = 64, .nr_notes = 1, .note_align = {8}};
  pvh(&s.notes[0], CASE_MARKER(3), 4, 4);
  return build_shape(&s, img, len);
}

static int c_elf32_buildid_first_align8(uint8_t **img, size_t *len) {
  struct shape s = {.elf_class = 32, .nr_notes = 1, .note_align = {8}};
  build_id(&s.notes[0], 4);
  pvh(&s.notes[0], CASE_MARKER(1), 4, 4);
  return build_shape(&s, img, len);
}

static int c_elf32_align4(uint8_t **img, size_t *len) {
  struct shape s = {.elf_class = 32, .nr_notes = 1, .note_align = {4}};
  pvh(&s.notes[0], CASE_MARKER(4), 4, 4);
  return build_shape(&s, img, len);
}

static int c_desc8_align4(uint8_t **img, size_t *len) {
  struct shape s = {.elf_class = 64, .nr_notes = 1, .note_align = {4}};
  pvh(&s.notes[0], CASE_MARKER(5), 8, 4);
  return build_shape(&s, img, len);
}

/* A 4-byte desc followed by another note: QEMU reads 8 bytes in ELF64. */
static int c_desc4_then_note(uint8_t **img, size_t *len) {
  struct shape s = {.elf_class = 64, .nr_notes = 1, .note_align = {4}};
  pvh(&s.notes[0], CASE_MARKER(6), 4, 4);
  build_id(&s.notes[0], 4);
  return build_shape(&s, img, len);
}

static int c_wrong_owner(uint8_t **img, size_t *len) {
  struct shape s = {.elf_class = 64, .nr_notes = 1, .note_align = {4}};
  uint8_t d[4] = {(uint8_t)CASE_MARKER(7), (uint8_t)(CASE_MARKER(7) >> 8), (uint8_t)(CASE_MARKER(7) >> 16),
                  0};
  note(&s.notes[0], "XEN", 4, ELFGEN_XEN_PHYS32_ENTRY, d, 4, 4);
  return build_shape(&s, img, len);
}

static int c_long_namesz(uint8_t **img, size_t *len) {
  struct shape s = {.elf_class = 64, .nr_notes = 1, .note_align = {4}};
  uint8_t d[4] = {(uint8_t)CASE_MARKER(8), (uint8_t)(CASE_MARKER(8) >> 8), (uint8_t)(CASE_MARKER(8) >> 16),
                  0};
  note(&s.notes[0], "Xen", 8, ELFGEN_XEN_PHYS32_ENTRY, d, 4, 4);
  return build_shape(&s, img, len);
}

static int c_section_only(uint8_t **img, size_t *len) {
  struct shape s = {.elf_class = 64, .nr_notes = 0, .as_section = 1, .note_align = {4}};
  pvh(&s.notes[0], CASE_MARKER(9), 4, 4);
  return build_shape(&s, img, len);
}

static int c_two_segments(uint8_t **img, size_t *len) {
  struct shape s = {.elf_class = 64, .nr_notes = 2, .note_align = {4, 4}};
  pvh(&s.notes[0], CASE_MARKER(10), 4, 4);
  pvh(&s.notes[1], CASE_MARKER(11), 4, 4);
  return build_shape(&s, img, len);
}

static int c_desc2(uint8_t **img, size_t *len) {
  struct shape s = {.elf_class = 64, .nr_notes = 1, .note_align = {4}};
  pvh(&s.notes[0], CASE_MARKER(12), 2, 4);
  return build_shape(&s, img, len);
}

static int c_align16(uint8_t **img, size_t *len) {
  struct shape s = {.elf_class = 64, .nr_notes = 1, .note_align = {16}};
  build_id(&s.notes[0], 4);
  pvh(&s.notes[0], CASE_MARKER(13), 4, 4);
  return build_shape(&s, img, len);
}

static int c_entry_zero(uint8_t **img, size_t *len) {
  struct shape s = {.elf_class = 64, .nr_notes = 1, .note_align = {4}};
  pvh(&s.notes[0], 0, 4, 4);
  return build_shape(&s, img, len);
}

static int c_align0(uint8_t **img, size_t *len) {
  struct shape s = {.elf_class = 64, .nr_notes = 1, .note_align = {0}};
  pvh(&s.notes[0], CASE_MARKER(14), 4, 4);
  return build_shape(&s, img, len);
}

static const struct reader_case cases[] = {
    {"buildid-first-align8", "ELF64, PT_NOTE p_align 8, 4-padded build-id then PVH note (the issue's shape)",
     c_buildid_first_align8},
    {"buildid-first-align4", "the same with p_align 4", c_buildid_first_align4},
    {"genuinely-8-padded", "ELF64, PT_NOTE p_align 8, both notes 8-padded", c_genuinely_8_padded},
    {"pvh-only-align8", "ELF64, PT_NOTE p_align 8, only the PVH note, 4-padded", c_pvh_only_align8},
    {"elf32-buildid-first-align8", "ELF32, PT_NOTE p_align 8, 4-padded build-id then PVH note",
     c_elf32_buildid_first_align8},
    {"elf32-align4", "ELF32, PT_NOTE p_align 4, PVH note", c_elf32_align4},
    {"desc8-align4", "ELF64, PVH note with an 8-byte desc", c_desc8_align4},
    {"desc4-then-note", "ELF64, 4-byte PVH desc followed by a build-id note", c_desc4_then_note},
    {"wrong-owner", "type 18 with owner \"XEN\"", c_wrong_owner},
    {"long-namesz", "owner \"Xen\" with namesz 8", c_long_namesz},
    {"section-only", "PVH note in an SHT_NOTE section, no PT_NOTE", c_section_only},
    {"two-segments", "two PT_NOTEs with different entries", c_two_segments},
    {"desc2", "PVH note with a 2-byte desc", c_desc2},
    {"align16", "ELF64, PT_NOTE p_align 16, 4-padded build-id then PVH note", c_align16},
    {"entry-zero", "PVH note with entry 0", c_entry_zero},
    {"align0", "PT_NOTE p_align 0", c_align0},
};

size_t reader_case_count(void) { return sizeof(cases) / sizeof(cases[0]); }

const struct reader_case *reader_case_at(size_t i) { return i < reader_case_count() ? &cases[i] : NULL; }
