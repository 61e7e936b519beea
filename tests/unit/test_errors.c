/* SPDX-License-Identifier: MIT */
/* Every error code that input can trigger, one table row per rejection class.
 * Each row starts from the valid default test kernel (harness.h), breaks one
 * thing, and asserts the specific code, its short name, a non-empty message,
 * and that the recording bus saw zero writes. Rows run for ELF64 and ELF32
 * unless the malformation only exists in one class. A final test checks that
 * the rows together reached every code except PVH_OK and PVH_E_NOMEM (which no
 * input can cause); the few codes that are not about the kernel file (I/O, bus)
 * are exercised by their own tests here. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* What a row breaks, as data. Image edits change the built file; spec edits
 * change the kernel before it is built; layout edits change the load
 * configuration. A value is `base` plus `value` (modulo 2^64, so a negative
 * value counts down from the base). */
enum edit_kind {
  EDIT_END = 0,
  EDIT_LEN,    /* image: k->len = value (truncates) */
  EDIT_BYTE,   /* image: k->img[at] = value */
  EDIT_EHDR,   /* image: ELF header field `field` */
  EDIT_PHDR,   /* image: program header `at`, field `field` */
  EDIT_SHDR,   /* image: section header `at`, field `field` */
  EDIT_SEG,    /* spec: segment `at`, field `field` (P_TYPE, P_PADDR, P_VADDR, P_FILESZ, P_MEMSZ) */
  EDIT_ENTRY,  /* spec: the notes become one PVH note, PHYS32_ENTRY value, desc size `at` */
  EDIT_LAYOUT, /* config: the uint64_t at byte offset `at` of cfg.layout */
};
enum value_base {
  BASE_ZERO = 0,
  BASE_LEN,           /* the built image's length */
  BASE_EHDR_SIZE,     /* the class's ELF header size */
  BASE_PHDR_SIZE,     /* the class's program header size */
  BASE_CLASS_MAX,     /* the largest address of the class (UINT64_MAX or UINT32_MAX) */
  BASE_OTHER_MACHINE, /* the other class's machine: ELF64 must be x86-64, ELF32 must be i386 */
};
struct edit {
  enum edit_kind kind;
  int field;
  uint64_t at;
  enum value_base base;
  uint64_t value;
};

#define LEN(base, v)                                                                                         \
  { EDIT_LEN, 0, 0, base, v }
#define BYTE(i, v)                                                                                           \
  { EDIT_BYTE, 0, i, BASE_ZERO, v }
#define EHDR(f, base, v)                                                                                     \
  { EDIT_EHDR, ELFGEN_##f, 0, base, v }
#define PHDR(i, f, base, v)                                                                                  \
  { EDIT_PHDR, ELFGEN_##f, i, base, v }
#define SHDR(i, f, base, v)                                                                                  \
  { EDIT_SHDR, ELFGEN_##f, i, base, v }
#define SEG(i, f, v)                                                                                         \
  { EDIT_SEG, ELFGEN_##f, i, BASE_ZERO, v }
#define ENTRY(e, descsz)                                                                                     \
  { EDIT_ENTRY, 0, descsz, BASE_ZERO, e }
#define LAYOUT(member, v)                                                                                    \
  { EDIT_LAYOUT, 0, offsetof(struct pvh_layout, member), BASE_ZERO, v }

#define MAX_EDITS 4

struct error_case {
  const char *what;
  int only_class; /* 0: both */
  enum pvh_err code;
  const char *name; /* expected short name */
  const char *msg;  /* the message names the offending field or value (NULL: no check) */
  struct edit edits[MAX_EDITS];
  void (*kernel)(struct test_kernel *k); /* on the spec, before the edits and the build */
  void (*config)(struct harness *h);     /* on the load configuration */
  const char *cmdline;                   /* non-NULL: the command line to pass */
  const struct pvh_mem_region *region;   /* non-NULL: appended to the memory map */
};

/* ---- kernels the edits cannot express ---- */

static void replace_notes(struct test_kernel *k, struct elfgen_buf *b) {
  assert_false(b->failed);
  tk_set_notes(k, b);
  elfgen_buf_free(b);
}

/* Moves the notes from the PT_NOTE into an SHT_NOTE section (the PT_NOTE
 * becomes PT_NULL), so the section table is needed and its errors surface. */
static void notes_in_section_only(struct test_kernel *k) {
  k->segs[2].type = ELFGEN_PT_NULL;
  tk_add_sec(k, ELFGEN_NOTE_SEC(".note.Xen", &k->notes));
}
static void want_xnum(struct test_kernel *k) { k->spec.use_xnum = 1; }
/* A third segment that lands in segment 1's zero-fill. */
static void overlap_bss(struct test_kernel *k) {
  tk_add_seg(k, ELFGEN_LOAD(TK_DATA + TK_DATA_MEMSZ - 0x800, 0x100, 0x100, ELFGEN_PF_R));
}
/* descsz says 100 but the container ends after 8. */
static void note_desc_past_end(struct test_kernel *k) {
  struct elfgen_buf b = {0};
  elfgen_note_raw(&b, 4, 100, 18, "Xen\0\0\0\x10\0\0\0\0\0", 12);
  replace_notes(k, &b);
}
/* namesz near 2^32: the padded size must not wrap. */
static void note_name_huge(struct test_kernel *k) {
  struct elfgen_buf b = {0};
  elfgen_note_raw(&b, 0xfffffffdu, 4, 18, "Xen\0\0\0\x10\0", 8);
  replace_notes(k, &b);
}
/* A good PVH note followed by a broken one: the walk still fails. */
static void note_pvh_then_bad(struct test_kernel *k) {
  struct elfgen_buf b = {0};
  elfgen_note_pvh(&b, TK_ENTRY, 4);
  elfgen_note_raw(&b, 8, 8, 1, "GNU", 4);
  replace_notes(k, &b);
}
/* A desc of 3 bytes with its padding missing at the container end. */
static void note_unpadded_desc(struct test_kernel *k) {
  struct elfgen_buf b = {0};
  elfgen_note_pvh(&b, TK_ENTRY, 4);
  elfgen_note_raw(&b, 4, 3, 7, "Xen\0abc", 7);
  replace_notes(k, &b);
}
static void too_many_notes(struct test_kernel *k) {
  struct elfgen_buf b = {0};
  for (unsigned i = 0; i < PVH_NOTE_MAX_COUNT; i++)
    elfgen_note(&b, NULL, 0, NULL, 0);
  elfgen_note_pvh(&b, TK_ENTRY, 4); /* note number MAX+1 */
  replace_notes(k, &b);
}
/* The limit is for the whole file, not per container. */
static void too_many_notes_across(struct test_kernel *k) {
  static struct elfgen_buf half; /* referenced by the segment until build */
  elfgen_buf_free(&half);
  for (unsigned i = 0; i < PVH_NOTE_MAX_COUNT / 2 + 1; i++)
    elfgen_note(&half, "X", 1, NULL, 0);
  tk_add_seg(k, ELFGEN_NOTE_SEG(&half));
  tk_add_seg(k, ELFGEN_NOTE_SEG(&half));
  k->segs[2].type = ELFGEN_PT_NULL;
}
/* An 8-aligned PT_NOTE whose notes read with 8- and 4-byte padding give two
 * different entries. */
static void note_two_readings(struct test_kernel *k) {
  struct elfgen_buf b = {0};
  elfgen_notes_two_readings(&b, TK_ENTRY, 1);
  replace_notes(k, &b);
  k->segs[2].align = 8;
}
static void conflict_same(struct test_kernel *k) {
  struct elfgen_buf b = {0};
  elfgen_note_pvh(&b, TK_ENTRY, 4);
  elfgen_note_pvh(&b, TK_ENTRY + 4, 8);
  replace_notes(k, &b);
}
static void conflict_two_segments(struct test_kernel *k) {
  static struct elfgen_buf other;
  elfgen_buf_free(&other);
  elfgen_note_pvh(&other, TK_ENTRY + 0x10, 4);
  tk_add_seg(k, ELFGEN_NOTE_SEG(&other));
}
static void conflict_sections(struct test_kernel *k) {
  static struct elfgen_buf other;
  notes_in_section_only(k);
  elfgen_buf_free(&other);
  elfgen_note_pvh(&other, 0x101000, 4);
  tk_add_sec(k, ELFGEN_NOTE_SEC(".note.other", &other));
}
/* Look-alikes only: other Xen notes, PHYS32_ENTRY type with other owners. */
static void no_pvh(struct test_kernel *k) {
  struct elfgen_buf b = {0};
  elfgen_note(&b, "GNU", 3, "abcd", 4);
  elfgen_note(&b, "Xen", 1, "linux", 5); /* XEN_ELFNOTE_INFO... not 18 */
  elfgen_note(&b, "XEN", 18, "\x40\0\x10\0", 4);
  elfgen_note(&b, "Xe", 18, "\x40\0\x10\0", 4);
  elfgen_note(&b, "Xen!", 18, "\x40\0\x10\0", 4);
  replace_notes(k, &b);
}

/* ---- configurations the edits cannot express ---- */

static void memmap_empty(struct harness *h) { h_set_map(h, h->map, 0); }
/* The caller map itself is capped at PVH_MEMMAP_MAX_REGIONS: pass one more. */
static void memmap_over_limit(struct harness *h) {
  static struct pvh_mem_region many[PVH_MEMMAP_MAX_REGIONS + 1];
  for (size_t i = 0; i < PVH_MEMMAP_MAX_REGIONS + 1; i++)
    many[i] = (struct pvh_mem_region){0x100000000ull + i * 0x1000, 0x1000, PVH_MEM_RESERVED};
  h->rb.bus.regions = many;
  h->rb.bus.nr_regions = PVH_MEMMAP_MAX_REGIONS + 1;
}
static uint8_t initrd_bytes[0x10000];
static struct pvh_image initrd;
static void with_initrd(struct harness *h, size_t size) {
  memset(initrd_bytes, 0x5a, sizeof(initrd_bytes));
  pvh_image_from_buffer(&initrd, initrd_bytes, size, "initrd");
  h->cfg.initramfs = &initrd;
}
static void initrd_full(struct harness *h) { with_initrd(h, sizeof(initrd_bytes)); }
static void initrd_empty(struct harness *h) { with_initrd(h, 0); }
static void initrd_small(struct harness *h) { with_initrd(h, 100); }
/* The kernel fills RAM to 8 MiB; the ceiling is above RAM, so the RAM end is the limit. */
static void initrd_no_room_ram(struct harness *h) {
  with_initrd(h, sizeof(initrd_bytes));
  uint64_t ram = TK_DATA + TK_DATA_MEMSZ + 0x4000;
  h->nmap = pvh_memmap_standard(ram, h->map, PVH_MEMMAP_MAX_REGIONS);
  h_set_map(h, h->map, h->nmap);
}
/* RAM above 4 GiB exists, but start_info must stay 32-bit addressable. */
static void high_ram_layout(struct harness *h) {
  h->nmap = pvh_memmap_standard(8ull << 30, h->map, PVH_MEMMAP_MAX_REGIONS);
  h_set_map(h, h->map, h->nmap);
  h->cfg.layout.start_info_paddr = 0x100001000ull;
}
static void memmap_on_start_info(struct harness *h) {
  h->cfg.layout.memmap_paddr = h->cfg.layout.start_info_paddr + 8;
}
static void gdt_in_memmap(struct harness *h) { h->cfg.layout.gdt_paddr = h->cfg.layout.memmap_paddr + 0x10; }

#define REGION(addr, size, type) (&(const struct pvh_mem_region){addr, size, type})
#define MEMMAP_ENTRY_SIZE sizeof(struct hvm_memmap_table_entry)

/* One row per rejection class: name, class (0: both), code, short name, what
 * the message must mention, then what to break. */
static const struct error_case cases[] = {
    /* ---- ELF header ---- */
    {"truncated-ident", 0, PVH_E_ELF_TRUNCATED, "elf-truncated", "10 bytes", .edits = {LEN(BASE_ZERO, 10)}},
    {"truncated-empty", 0, PVH_E_ELF_TRUNCATED, "elf-truncated", "0 bytes", .edits = {LEN(BASE_ZERO, 0)}},
    {"truncated-ehdr", 0, PVH_E_ELF_TRUNCATED, "elf-truncated", "header", .edits = {LEN(BASE_EHDR_SIZE, -1)}},
    {"bad-magic", 0, PVH_E_ELF_MAGIC, "elf-bad-magic", "magic", .edits = {BYTE(1, 'e')}},
    {"bad-class", 0, PVH_E_ELF_CLASS, "elf-bad-class", "EI_CLASS is 3", .edits = {BYTE(4, 3)}},
    {"class-none", 0, PVH_E_ELF_CLASS, "elf-bad-class", "EI_CLASS is 0", .edits = {BYTE(4, 0)}},
    {"big-endian", 0, PVH_E_ELF_DATA, "elf-not-little-endian", "EI_DATA is 2", .edits = {BYTE(5, 2)}},
    {"ident-version", 0, PVH_E_ELF_VERSION, "elf-bad-version", "EI_VERSION is 0", .edits = {BYTE(6, 0)}},
    {"e-version", 0, PVH_E_ELF_VERSION, "elf-bad-version", "e_version is 2",
     .edits = {EHDR(E_VERSION, BASE_ZERO, 2)}},
    {"machine-other-class", 0, PVH_E_ELF_MACHINE, "elf-bad-machine", "e_machine",
     .edits = {EHDR(E_MACHINE, BASE_OTHER_MACHINE, 0)}},
    {"machine-arm", 0, PVH_E_ELF_MACHINE, "elf-bad-machine", "e_machine is 40",
     .edits = {EHDR(E_MACHINE, BASE_ZERO, 40)}},
    {"type-dyn", 0, PVH_E_ELF_TYPE, "elf-bad-type", "e_type is 3",
     .edits = {EHDR(E_TYPE, BASE_ZERO, ELFGEN_ET_DYN)}},
    {"type-rel", 0, PVH_E_ELF_TYPE, "elf-bad-type", "e_type is 1", .edits = {EHDR(E_TYPE, BASE_ZERO, 1)}},
    {"ehsize", 0, PVH_E_ELF_EHSIZE, "elf-bad-ehsize", "e_ehsize",
     .edits = {EHDR(E_EHSIZE, BASE_EHDR_SIZE, 4)}},
    {"phentsize", 0, PVH_E_ELF_PHENTSIZE, "elf-bad-phentsize", "e_phentsize",
     .edits = {EHDR(E_PHENTSIZE, BASE_PHDR_SIZE, -8)}},
    {"phentsize-zero", 0, PVH_E_ELF_PHENTSIZE, "elf-bad-phentsize", "e_phentsize is 0",
     .edits = {EHDR(E_PHENTSIZE, BASE_ZERO, 0)}},
    {"phoff-out", 0, PVH_E_ELF_PHDRS_BOUNDS, "phdrs-out-of-file", "e_phoff",
     .edits = {EHDR(E_PHOFF, BASE_LEN, -8)}},
    {"phoff-wraps", 0, PVH_E_ELF_PHDRS_BOUNDS, "phdrs-out-of-file", "e_phoff",
     .edits = {EHDR(E_PHOFF, BASE_CLASS_MAX, -16)}},
    /* Under the count limit, but the table runs past the end. */
    {"phnum-past-file", 0, PVH_E_ELF_PHDRS_BOUNDS, "phdrs-out-of-file", "4000",
     .edits = {EHDR(E_PHNUM, BASE_ZERO, 4000)}},
    {"too-many-phdrs", 0, PVH_E_ELF_TOO_MANY_PHDRS, "too-many-phdrs", "4097",
     .edits = {EHDR(E_PHNUM, BASE_ZERO, PVH_ELF_MAX_PHDRS + 1)}},
    {"phnum-zero", 0, PVH_E_NO_LOAD_SEGMENTS, "no-load-segments", "e_phnum is 0",
     .edits = {EHDR(E_PHNUM, BASE_ZERO, 0)}},

    /* ---- section table (only consulted when the notes live in sections) ---- */
    {"shentsize", 0, PVH_E_ELF_SHENTSIZE, "elf-bad-shentsize", "e_shentsize is 12",
     .edits = {EHDR(E_SHENTSIZE, BASE_ZERO, 12)}, .kernel = notes_in_section_only},
    {"shoff-out", 0, PVH_E_ELF_SHDRS_BOUNDS, "shdrs-out-of-file", "e_shoff",
     .edits = {EHDR(E_SHOFF, BASE_LEN, -4)}, .kernel = notes_in_section_only},
    {"shnum-past-file", 0, PVH_E_ELF_SHDRS_BOUNDS, "shdrs-out-of-file", "65279",
     .edits = {EHDR(E_SHNUM, BASE_ZERO, 0xfeff)}, .kernel = notes_in_section_only},
    /* SHN_XNUM: the real count lives in section 0's sh_size. */
    {"too-many-shdrs", 0, PVH_E_ELF_TOO_MANY_SHDRS, "too-many-shdrs", "65537",
     .edits = {EHDR(E_SHNUM, BASE_ZERO, 0), SHDR(0, SH_SIZE, BASE_ZERO, PVH_ELF_MAX_SHDRS + 1)},
     .kernel = notes_in_section_only},
    {"sht-note-out", 0, PVH_E_NOTE_BOUNDS, "note-out-of-file", "section 1",
     .edits = {SHDR(1, SH_OFFSET, BASE_LEN, -4)}, .kernel = notes_in_section_only},

    /* ---- PN_XNUM ---- */
    {"xnum-no-shdrs", 0, PVH_E_ELF_XNUM, "elf-bad-xnum", "e_shoff is 0",
     .edits = {EHDR(E_SHOFF, BASE_ZERO, 0)}, .kernel = want_xnum},
    {"xnum-shentsize", 0, PVH_E_ELF_SHENTSIZE, "elf-bad-shentsize", "e_shentsize is 1",
     .edits = {EHDR(E_SHENTSIZE, BASE_ZERO, 1)}, .kernel = want_xnum},
    {"xnum-shoff-out", 0, PVH_E_ELF_SHDRS_BOUNDS, "shdrs-out-of-file", "e_shoff",
     .edits = {EHDR(E_SHOFF, BASE_LEN, 0)}, .kernel = want_xnum},
    {"xnum-count-zero", 0, PVH_E_NO_LOAD_SEGMENTS, "no-load-segments", NULL,
     .edits = {SHDR(0, SH_INFO, BASE_ZERO, 0)}, .kernel = want_xnum},
    {"xnum-count-huge", 0, PVH_E_ELF_TOO_MANY_PHDRS, "too-many-phdrs", "100000",
     .edits = {SHDR(0, SH_INFO, BASE_ZERO, 100000)}, .kernel = want_xnum},
    {"xnum-count-past-file", 0, PVH_E_ELF_PHDRS_BOUNDS, "phdrs-out-of-file", "4000",
     .edits = {SHDR(0, SH_INFO, BASE_ZERO, 4000)}, .kernel = want_xnum},

    /* ---- segments ---- */
    {"no-pt-load", 0, PVH_E_NO_LOAD_SEGMENTS, "no-load-segments", "PT_LOAD",
     .edits = {SEG(0, P_TYPE, 6 /* PT_PHDR */), SEG(1, P_TYPE, 0x6474e551 /* PT_GNU_STACK */)}},
    /* PT_LOADs that occupy no memory do not count as a kernel. */
    {"pt-load-all-empty", 0, PVH_E_NO_LOAD_SEGMENTS, "no-load-segments", NULL,
     .edits = {SEG(0, P_FILESZ, 0), SEG(0, P_MEMSZ, 0), SEG(1, P_FILESZ, 0), SEG(1, P_MEMSZ, 0)}},
    {"seg-offset-out", 0, PVH_E_SEG_FILE_BOUNDS, "segment-out-of-file", "PT_LOAD 0",
     .edits = {PHDR(0, P_OFFSET, BASE_LEN, -16)}},
    {"seg-filesz-out", 0, PVH_E_SEG_FILE_BOUNDS, "segment-out-of-file", "PT_LOAD 1",
     .edits = {PHDR(1, P_FILESZ, BASE_LEN, 0), PHDR(1, P_MEMSZ, BASE_LEN, 0)}},
    {"seg-offset-wraps", 0, PVH_E_SEG_FILE_BOUNDS, "segment-out-of-file", "PT_LOAD 0",
     .edits = {PHDR(0, P_OFFSET, BASE_CLASS_MAX, -0x100)}},
    {"filesz-gt-memsz", 0, PVH_E_SEG_FILESZ, "segment-filesz-exceeds-memsz", "p_filesz 0x1000",
     .edits = {SEG(1, P_MEMSZ, TK_DATA_FILESZ - 1)}},
    {"memsz-zero-with-file-bytes", 0, PVH_E_SEG_FILESZ, "segment-filesz-exceeds-memsz", "p_memsz 0x0",
     .edits = {SEG(1, P_MEMSZ, 0)}},
    {"addr-wraps", 64, PVH_E_SEG_OVERFLOW, "segment-address-overflow", "0xfffffffffffff000",
     .edits = {SEG(1, P_PADDR, UINT64_MAX - 0xfff)}},
    {"above-4g", 64, PVH_E_SEG_ABOVE_4G, "segment-above-4g", "0x100000000",
     .edits = {SEG(1, P_PADDR, 0x100000000ull)}},
    /* ELF32 too: paddr + memsz may end past 4 GiB. */
    {"straddles-4g", 0, PVH_E_SEG_ABOVE_4G, "segment-above-4g", "0xfffff000",
     .edits = {SEG(1, P_PADDR, 0xfffff000ull)}},
    /* The VGA/BIOS hole of the standard map. */
    {"in-reserved", 0, PVH_E_SEG_NOT_RAM, "segment-out-of-ram", "0xa0000",
     .edits = {SEG(1, P_PADDR, 0xa0000)}},
    {"past-ram", 0, PVH_E_SEG_NOT_RAM, "segment-out-of-ram", "0x10010000",
     .edits = {SEG(1, P_PADDR, H_RAM + 0x10000)}},
    /* The file bytes fit, the BSS does not. */
    {"bss-past-ram", 0, PVH_E_SEG_NOT_RAM, "segment-out-of-ram", "bss",
     .edits = {SEG(1, P_PADDR, H_RAM - 0x1000)}},
    {"overlap", 0, PVH_E_SEG_OVERLAP, "segment-overlap", "PT_LOAD 1",
     .edits = {SEG(1, P_PADDR, TK_TEXT + 0x1000)}},
    {"overlap-bss", 0, PVH_E_SEG_OVERLAP, "segment-overlap", "PT_LOAD 3", .kernel = overlap_bss},

    /* ---- notes ---- */
    {"pt-note-offset-out", 0, PVH_E_NOTE_BOUNDS, "note-out-of-file", "PT_NOTE 2",
     .edits = {PHDR(2, P_OFFSET, BASE_LEN, -8)}},
    {"pt-note-filesz-out", 0, PVH_E_NOTE_BOUNDS, "note-out-of-file", "PT_NOTE 2",
     .edits = {PHDR(2, P_FILESZ, BASE_LEN, 0)}},
    {"note-desc-past-end", 0, PVH_E_NOTE_MALFORMED, "note-malformed", "descsz 0x64",
     .kernel = note_desc_past_end},
    {"note-namesz-huge", 0, PVH_E_NOTE_MALFORMED, "note-malformed", "0xfffffffd", .kernel = note_name_huge},
    {"note-broken-after-pvh", 0, PVH_E_NOTE_MALFORMED, "note-malformed", "+0x14",
     .kernel = note_pvh_then_bad},
    {"note-unpadded-desc", 0, PVH_E_NOTE_MALFORMED, "note-malformed", "descsz 0x3",
     .kernel = note_unpadded_desc},
    {"too-many-notes", 0, PVH_E_NOTE_TOO_MANY, "too-many-notes", "4096", .kernel = too_many_notes},
    {"too-many-notes-across", 0, PVH_E_NOTE_TOO_MANY, "too-many-notes", NULL,
     .kernel = too_many_notes_across},
    {"pvh-desc-2", 0, PVH_E_NOTE_DESC_SIZE, "pvh-note-bad-size", "2 bytes", .edits = {ENTRY(TK_ENTRY, 2)}},
    {"pvh-desc-0", 0, PVH_E_NOTE_DESC_SIZE, "pvh-note-bad-size", "0 bytes", .edits = {ENTRY(TK_ENTRY, 0)}},
    {"pvh-desc-16", 0, PVH_E_NOTE_DESC_SIZE, "pvh-note-bad-size", "16 bytes", .edits = {ENTRY(TK_ENTRY, 16)}},
    {"conflict-one-segment", 0, PVH_E_NOTE_CONFLICT, "pvh-note-conflict", "0x100044",
     .kernel = conflict_same},
    {"conflict-two-segments", 0, PVH_E_NOTE_CONFLICT, "pvh-note-conflict", "0x100050",
     .kernel = conflict_two_segments},
    {"conflict-sections", 0, PVH_E_NOTE_CONFLICT, "pvh-note-conflict", "0x101000",
     .kernel = conflict_sections},
    {"note-ambiguous", 64, PVH_E_NOTE_AMBIGUOUS, "note-ambiguous", "0x100040 with 8-byte padding, 0x6e6558",
     .kernel = note_two_readings},
    {"no-pvh-note", 0, PVH_E_NO_PVH_NOTE, "no-pvh-note", "5 ", .kernel = no_pvh},
    {"no-notes", 0, PVH_E_NO_PVH_NOTE, "no-pvh-note", NULL, .edits = {SEG(2, P_TYPE, ELFGEN_PT_NULL)}},
    /* QEMU treats PHYS32_ENTRY 0 as no PVH note; so does libpvh (entry-zero). */
    {"entry-zero", 0, PVH_E_ENTRY_ZERO, "entry-zero", "PHYS32_ENTRY is 0", .edits = {ENTRY(0, 8)}},
    {"entry-4g", 0, PVH_E_ENTRY_ABOVE_4G, "entry-above-4g", "0x100100040",
     .edits = {ENTRY(0x100000000ull + TK_ENTRY, 8)}},
    {"entry-in-data", 0, PVH_E_ENTRY_NOT_LOADED, "entry-not-in-segment", "0x400010",
     .edits = {ENTRY(TK_DATA + 0x10, 4)}},
    {"entry-nowhere", 0, PVH_E_ENTRY_NOT_LOADED, "entry-not-in-segment", "0x800000",
     .edits = {ENTRY(0x800000, 4)}},
    /* An executable segment, but past its file bytes. */
    {"entry-in-text-bss", 0, PVH_E_ENTRY_NOT_LOADED, "entry-not-in-segment", "0x102010",
     .edits = {SEG(0, P_MEMSZ, TK_TEXT_SIZE + 0x1000), ENTRY(TK_TEXT + TK_TEXT_SIZE + 0x10, 4)}},
    {"entry-one-past-text", 0, PVH_E_ENTRY_NOT_LOADED, "entry-not-in-segment", "0x102000",
     .edits = {ENTRY(TK_TEXT + TK_TEXT_SIZE, 4)}},

    /* ---- config and layout ---- */
    /* 16 chars + NUL = 17. */
    {"cmdline-too-long", 0, PVH_E_CMDLINE_TOO_LONG, "cmdline-too-long", "16",
     .edits = {LAYOUT(cmdline_size, 16)}, .cmdline = "0123456789abcdef"},
    {"memmap-empty", 0, PVH_E_MEMMAP_INVALID, "memmap-invalid", NULL, .config = memmap_empty},
    {"memmap-zero-size", 0, PVH_E_MEMMAP_INVALID, "memmap-invalid", "size 0",
     .region = REGION(0x20000000, 0, PVH_MEM_RESERVED)},
    {"memmap-overlap", 0, PVH_E_MEMMAP_INVALID, "memmap-invalid", "overlap",
     .region = REGION(0x80000, 0x1000, PVH_MEM_ACPI)},
    {"memmap-type-8", 0, PVH_E_MEMMAP_INVALID, "memmap-invalid", "type 8",
     .region = REGION(0x20000000, 0x1000, 8)},
    {"memmap-type-0", 0, PVH_E_MEMMAP_INVALID, "memmap-invalid", "type 0",
     .region = REGION(0x20000000, 0x1000, 0)},
    {"memmap-wraps", 0, PVH_E_MEMMAP_INVALID, "memmap-invalid", "0xfffffffffffff000",
     .region = REGION(UINT64_MAX - 0xfff, 0x1000, PVH_MEM_RESERVED)},
    {"memmap-over-limit", 0, PVH_E_MEMMAP_INVALID, "memmap-invalid", "4097", .config = memmap_over_limit},
    /* 3 regions, room for 2. */
    {"memmap-area-small", 0, PVH_E_MEMMAP_TOO_MANY, "memmap-too-many-entries", "3 ",
     .edits = {LAYOUT(memmap_size, 2 * MEMMAP_ENTRY_SIZE)}},
    {"memmap-area-empty", 0, PVH_E_MEMMAP_TOO_MANY, "memmap-too-many-entries", NULL,
     .edits = {LAYOUT(memmap_size, MEMMAP_ENTRY_SIZE - 1)}},
    /* Only 0x8000 bytes between the kernel end and the ceiling. */
    {"initrd-ceiling", 0, PVH_E_INITRAMFS_NO_ROOM, "initramfs-no-room", "0x40b000",
     .edits = {LAYOUT(initramfs_ceiling, TK_DATA + TK_DATA_MEMSZ + 0x8000)}, .config = initrd_full},
    {"initrd-ram-full", 0, PVH_E_INITRAMFS_NO_ROOM, "initramfs-no-room", NULL, .config = initrd_no_room_ram},
    /* No room above; below, the kernel starts at the 1 MiB floor of the fallback. */
    {"initrd-only-below-kernel", 0, PVH_E_INITRAMFS_NO_ROOM, "initramfs-no-room", NULL,
     .edits = {LAYOUT(initramfs_ceiling, TK_DATA + TK_DATA_MEMSZ)}, .config = initrd_full},
    /* The gap above the kernel fits the size, but 1 MiB alignment lands below it. */
    {"initrd-align-below-kernel", 0, PVH_E_INITRAMFS_NO_ROOM, "initramfs-no-room", "aligned 0x100000",
     .edits = {LAYOUT(initramfs_align, 0x100000), LAYOUT(initramfs_ceiling, 0x480000)},
     .config = initrd_full},
    {"initrd-empty", 0, PVH_E_INVALID_ARG, "invalid-argument", "empty", .config = initrd_empty},
    {"initrd-align", 0, PVH_E_INVALID_ARG, "invalid-argument", "0x3000",
     .edits = {LAYOUT(initramfs_align, 0x3000)}, .config = initrd_small},
    /* start_info reads paddr 0 as "none": data placed there would be lost. */
    {"cmdline-at-paddr-0", 0, PVH_E_INVALID_ARG, "invalid-argument", "cmdline_paddr",
     .edits = {LAYOUT(cmdline_paddr, 0), LAYOUT(cmdline_size, 0x100)}, .cmdline = "console=ttyS0"},
    {"memmap-at-paddr-0", 0, PVH_E_INVALID_ARG, "invalid-argument", "memmap_paddr",
     .edits = {LAYOUT(memmap_paddr, 0), LAYOUT(memmap_size, 0x100)}},
    {"gdt-in-hole", 0, PVH_E_LAYOUT_NOT_RAM, "layout-out-of-ram", "gdt",
     .edits = {LAYOUT(gdt_paddr, 0xa0000)}},
    {"start-info-past-ram", 0, PVH_E_LAYOUT_NOT_RAM, "layout-out-of-ram", "start_info",
     .edits = {LAYOUT(start_info_paddr, H_RAM + 0x1000)}},
    /* Starts in RAM, runs into the EBDA. */
    {"memmap-into-ebda", 0, PVH_E_LAYOUT_NOT_RAM, "layout-out-of-ram", "memmap",
     .edits = {LAYOUT(memmap_paddr, PVH_LOW_RAM_END - 0x10), LAYOUT(memmap_size, 0x1000)}},
    /* + 0x10000 reserved ends past 4 GiB. */
    {"cmdline-above-4g", 0, PVH_E_LAYOUT_ABOVE_4G, "layout-above-4g", "cmdline",
     .edits = {LAYOUT(cmdline_paddr, 0xffff8000ull)}, .cmdline = "console=ttyS0"},
    {"gdt-at-4g", 0, PVH_E_LAYOUT_ABOVE_4G, "layout-above-4g", "gdt",
     .edits = {LAYOUT(gdt_paddr, 0x100000000ull)}},
    {"start-info-wraps", 0, PVH_E_LAYOUT_ABOVE_4G, "layout-above-4g", "start_info",
     .edits = {LAYOUT(start_info_paddr, UINT64_MAX - 8)}},
    {"start-info-high-ram", 0, PVH_E_LAYOUT_ABOVE_4G, "layout-above-4g", "start_info",
     .config = high_ram_layout},
    /* A kernel linked low, on top of the default boot data. */
    {"kernel-over-boot-data", 0, PVH_E_LAYOUT_OVERLAP, "layout-overlap", "gdt",
     .edits = {SEG(0, P_PADDR, 0), SEG(0, P_VADDR, 0), ENTRY(0x40, 4)}},
    /* In the BSS. */
    {"cmdline-in-kernel-bss", 0, PVH_E_LAYOUT_OVERLAP, "layout-overlap", "cmdline",
     .edits = {LAYOUT(cmdline_paddr, TK_DATA + 0x2000)}, .cmdline = "console=ttyS0"},
    {"memmap-on-start-info", 0, PVH_E_LAYOUT_OVERLAP, "layout-overlap", "memmap",
     .config = memmap_on_start_info},
    {"gdt-in-memmap", 0, PVH_E_LAYOUT_OVERLAP, "layout-overlap", "gdt", .config = gdt_in_memmap},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static uint64_t edit_value(const struct edit *e, const struct test_kernel *k) {
  int cls = k->spec.elf_class;
  uint64_t base = 0;
  switch (e->base) {
  case BASE_ZERO: break;
  case BASE_LEN: base = k->len; break;
  case BASE_EHDR_SIZE: base = elfgen_ehdr_size(cls); break;
  case BASE_PHDR_SIZE: base = elfgen_phdr_size(cls); break;
  case BASE_CLASS_MAX: base = cls == 64 ? UINT64_MAX : UINT32_MAX; break;
  case BASE_OTHER_MACHINE: base = cls == 64 ? ELFGEN_EM_386 : ELFGEN_EM_X86_64; break;
  }
  return base + e->value;
}

static void edit_seg(struct elfgen_seg *s, int field, uint64_t v) {
  switch (field) {
  case ELFGEN_P_TYPE: s->type = (uint32_t)v; break;
  case ELFGEN_P_PADDR: s->paddr = v; break;
  case ELFGEN_P_VADDR: s->vaddr = v; break;
  case ELFGEN_P_FILESZ: s->filesz = v; break;
  case ELFGEN_P_MEMSZ: s->memsz = v; break;
  default: fail_msg("segment field %d has no spec edit", field);
  }
}

/* The edits of one row that apply before the build (spec, layout). */
static void apply_early(const struct error_case *c, struct test_kernel *k, struct harness *h) {
  for (const struct edit *e = c->edits; e < c->edits + MAX_EDITS && e->kind; e++) {
    uint64_t v = edit_value(e, k);
    if (e->kind == EDIT_SEG) {
      edit_seg(&k->segs[e->at], e->field, v);
    } else if (e->kind == EDIT_ENTRY) {
      struct elfgen_buf b = {0};
      elfgen_note_pvh(&b, v, (uint32_t)e->at);
      replace_notes(k, &b);
    } else if (e->kind == EDIT_LAYOUT) {
      memcpy((uint8_t *)&h->cfg.layout + e->at, &v, sizeof(v));
    }
  }
}

/* The edits of one row on the built image. */
static void apply_late(const struct error_case *c, struct test_kernel *k) {
  for (const struct edit *e = c->edits; e < c->edits + MAX_EDITS && e->kind; e++) {
    uint64_t v = edit_value(e, k);
    switch (e->kind) {
    case EDIT_LEN: k->len = (size_t)v; break;
    case EDIT_BYTE: k->img[e->at] = (uint8_t)v; break;
    case EDIT_EHDR: assert_int_equal(elfgen_set_ehdr(k->img, k->len, e->field, v), 0); break;
    case EDIT_PHDR: assert_int_equal(elfgen_set_phdr(k->img, k->len, e->at, e->field, v), 0); break;
    case EDIT_SHDR: assert_int_equal(elfgen_set_shdr(k->img, k->len, e->at, e->field, v), 0); break;
    default: break;
    }
  }
}

/* cmocka state for one row and one class. */
struct row {
  const struct error_case *c;
  int elf_class;
};

static void run_row(void **state) {
  const struct row *r = *state;
  struct test_kernel k;
  struct harness *h = h_new(H_RAM);
  const struct error_case *c = r->c;
  tk_init(&k, r->elf_class);
  if (c->kernel)
    c->kernel(&k);
  if (c->config)
    c->config(h);
  if (c->cmdline)
    h->cfg.cmdline = c->cmdline;
  if (c->region) {
    h->map[h->nmap] = *c->region;
    h_set_map(h, h->map, h->nmap + 1);
  }
  apply_early(c, &k, h);
  tk_build(&k);
  apply_late(c, &k);
#ifdef PVH_TEST_NULL_ERR
  /* err is optional (pvh_fail accepts NULL): the same rejection without one.
   * A separate executable, because a memory error here (ASan) ends the
   * process and would hide every other row. */
  struct pvh_plan plan;
  pvh_image_from_buffer(&h->kernel, k.img, k.len, "test-kernel");
  assert_int_equal(pvh_load(&h->kernel, &h->cfg, &h->rb.bus, &plan, NULL), r->c->code);
  assert_int_equal(h->rb.nr_writes, 0);
  h_mark_seen(r->c->code);
#else
  h_load(h, k.img, k.len);
  h_expect_error(h, r->c->code, r->c->name);
  if (r->c->msg && !strstr(h->err.message, r->c->msg))
    fail_msg("message \"%s\" does not mention \"%s\"", h->err.message, r->c->msg);
#endif
  h_free(h);
  tk_free(&k);
}

/* The unbroken default loads: every row's failure is caused by its mutation. */
static void default_kernel_loads(void **state) {
  (void)state;
  for (int cls = 32; cls <= 64; cls += 32) {
    struct test_kernel k;
    struct harness *h = h_new(H_RAM);
    tk_init(&k, cls);
    tk_build(&k);
    h_load(h, k.img, k.len);
    h_expect_ok(h);
    assert_true(h->rb.nr_writes > 0);
    h_free(h);
    tk_free(&k);
  }
}

/* ---- codes that are not about the kernel bytes ---- */

static void io_errors(void **state) {
  (void)state;
  struct pvh_image img;
  struct pvh_error err;
  assert_int_equal(pvh_image_open(&img, "/nonexistent/pvhcheck/vmlinux", &err), PVH_E_IO);
  assert_string_equal(pvh_err_name(err.code), "io-error");
  assert_non_null(strstr(err.message, "/nonexistent/pvhcheck/vmlinux"));
  assert_int_equal(pvh_image_open(&img, "/", &err), PVH_E_IO); /* a directory */
  assert_true(strlen(err.message) > 0);
  h_mark_seen(PVH_E_IO);
}

static void invalid_args(void **state) {
  (void)state;
  struct test_kernel k;
  struct harness *h = h_new(H_RAM);
  struct pvh_plan plan;
  struct pvh_error err;
  tk_init(&k, 64);
  tk_build(&k);
  pvh_image_from_buffer(&h->kernel, k.img, k.len, "k");
  assert_int_equal(pvh_load(&h->kernel, &h->cfg, NULL, &plan, &err), PVH_E_INVALID_ARG);
  assert_true(strlen(err.message) > 0);
  assert_int_equal(pvh_load(NULL, &h->cfg, &h->rb.bus, &plan, &err), PVH_E_INVALID_ARG);
  assert_int_equal(pvh_load(&h->kernel, NULL, &h->rb.bus, &plan, &err), PVH_E_INVALID_ARG);
  assert_int_equal(h->rb.nr_writes, 0);
  h_free(h);
  tk_free(&k);
}

/* A bus whose memory does not back the map it claims: planning passes, the
 * commit fails with bus-write-failed on the first write and reports it. */
static void bus_refuses(void **state) {
  (void)state;
  struct test_kernel k;
  struct pvh_mem_region map[8];
  size_t n = pvh_memmap_standard(H_RAM, map, 8);
  struct pvh_flat_bus fb;
  struct pvh_plan plan;
  struct pvh_error err;
  struct pvh_image img;
  struct pvh_load_config cfg;
  pvh_flat_bus_init(&fb, map, n); /* no slots at all */
  pvh_load_config_init(&cfg);
  tk_init(&k, 64);
  tk_build(&k);
  pvh_image_from_buffer(&img, k.img, k.len, "k");
  assert_int_equal(pvh_load(&img, &cfg, &fb.bus, &plan, &err), PVH_E_BUS);
  assert_string_equal(pvh_err_name(err.code), "bus-write-failed");
  assert_true(strlen(err.message) > 0);
  assert_int_equal(plan.nr_ops, 0); /* the plan is freed on failure */
  h_mark_seen(PVH_E_BUS);
  tk_free(&k);
}

/* Every code has a distinct, non-empty short name made of [a-z0-9-] (scripts
 * match on them), in the order of the X-macro; out of range is "unknown-error". */
static void short_names(void **state) {
  (void)state;
  static const char *const expected[] = {
#define NAME_OF(code, name) name,
      PVH_ERROR_LIST(NAME_OF)
#undef NAME_OF
  };
  assert_int_equal(sizeof(expected) / sizeof(expected[0]), PVH_E__COUNT);
  for (int c = 0; c < PVH_E__COUNT; c++) {
    const char *n = pvh_err_name((enum pvh_err)c);
    assert_non_null(n);
    assert_string_equal(n, expected[c]);
    assert_true(strlen(n) > 0);
    assert_string_not_equal(n, "unknown-error");
    for (const char *p = n; *p; p++)
      if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
        fail_msg("short name \"%s\" has character '%c'", n, *p);
    for (int d = 0; d < c; d++)
      if (!strcmp(n, pvh_err_name((enum pvh_err)d)))
        fail_msg("codes %d and %d share the short name \"%s\"", d, c, n);
  }
  assert_string_equal(pvh_err_name(PVH_OK), "ok");
  assert_string_equal(pvh_err_name(PVH_E__COUNT), "unknown-error");
  assert_string_equal(pvh_err_name((enum pvh_err) - 1), "unknown-error");
  assert_string_equal(pvh_err_name((enum pvh_err)1000), "unknown-error");
}

/* pvh_fail sets and returns the code and formats the message (truncated to
 * fit, always terminated); a NULL error is allowed; pvh_error_clear resets. */
static void fail_and_clear(void **state) {
  (void)state;
  struct pvh_error err;
  assert_int_equal(pvh_fail(&err, PVH_E_SEG_OVERLAP, "PT_LOAD %u at 0x%x", 3u, 0x1000u), PVH_E_SEG_OVERLAP);
  assert_int_equal(err.code, PVH_E_SEG_OVERLAP);
  assert_string_equal(err.message, "PT_LOAD 3 at 0x1000");
  assert_int_equal(pvh_fail(NULL, PVH_E_IO, "x"), PVH_E_IO);
  char longer[PVH_ERROR_MSG_MAX * 2];
  memset(longer, 'y', sizeof(longer) - 1);
  longer[sizeof(longer) - 1] = '\0';
  pvh_fail(&err, PVH_E_NOTE_MALFORMED, "%s", longer);
  assert_int_equal(strlen(err.message), PVH_ERROR_MSG_MAX - 1);
  pvh_error_clear(&err);
  assert_int_equal(err.code, PVH_OK);
  assert_string_equal(err.message, "");
  pvh_error_clear(NULL);
}

static void every_code_covered(void **state) {
  (void)state;
  int missing = 0;
  for (int c = 1; c < PVH_E__COUNT; c++) {
    if (c == PVH_E_NOMEM) /* allocation failure: not reachable from input */
      continue;
    if (!h_codes_seen[c]) {
      print_error("error code %s (%d) is not exercised by any test\n", pvh_err_name((enum pvh_err)c), c);
      missing++;
    }
  }
  assert_int_equal(missing, 0);
}

int main(void) {
  static struct row rows[2 * NCASES];
  static struct CMUnitTest tests[2 * NCASES + 8];
  static char names[2 * NCASES][80];
  size_t n = 0, nr = 0;

  tests[n++] = (struct CMUnitTest){"default-kernel-loads", default_kernel_loads, NULL, NULL, NULL};
  for (size_t i = 0; i < NCASES; i++) {
    for (int cls = 64; cls >= 32; cls -= 32) {
      if (cases[i].only_class && cases[i].only_class != cls)
        continue;
      rows[nr] = (struct row){&cases[i], cls};
      snprintf(names[nr], sizeof(names[nr]), "elf%d/%s", cls, cases[i].what);
      tests[n++] = (struct CMUnitTest){names[nr], run_row, NULL, NULL, &rows[nr]};
      nr++;
    }
  }
  tests[n++] = (struct CMUnitTest){"short-names", short_names, NULL, NULL, NULL};
  tests[n++] = (struct CMUnitTest){"fail-and-clear", fail_and_clear, NULL, NULL, NULL};
  tests[n++] = (struct CMUnitTest){"io-errors", io_errors, NULL, NULL, NULL};
  tests[n++] = (struct CMUnitTest){"invalid-arguments", invalid_args, NULL, NULL, NULL};
  tests[n++] = (struct CMUnitTest){"bus-refuses", bus_refuses, NULL, NULL, NULL};
  tests[n++] = (struct CMUnitTest){"every-code-covered", every_code_covered, NULL, NULL, NULL};
#ifdef PVH_TEST_NULL_ERR
  return _cmocka_run_group_tests("errors-null-err", tests, n, NULL, NULL);
#else
  return _cmocka_run_group_tests("errors", tests, n, NULL, NULL);
#endif
}
