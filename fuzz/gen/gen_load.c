/* SPDX-License-Identifier: MIT */
/* fuzz_load seeds: ELF32 and ELF64 PVH kernels (built with the test ELF
 * builder, tests/support/elfgen, which shares no code with libpvh) in every
 * shape the loader accepts, and near-misses: one defect each, one per error
 * the loader can give; then the edges of fuzz_load's fixed VMM
 * (fuzz/format_load.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfgen.h"
#include "format_load.h"
#include "gen.h"

#define XEN_ELFNOTE_ENTRY 1u
#define XEN_ELFNOTE_HYPERCALL_PAGE 2u
#define XEN_ELFNOTE_GUEST_OS 6u
#define XEN_ELFNOTE_XEN_VERSION 5u
#define PT_GNU_STACK 0x6474e551u
#define RX (ELFGEN_PF_R | ELFGEN_PF_X)
#define RW (ELFGEN_PF_R | ELFGEN_PF_W)

struct kernel {
  int cls;
  struct elfgen_seg segs[8];
  size_t nsegs;
  struct elfgen_sec secs[4];
  size_t nsecs;
  struct elfgen_buf notes, notes2, secnotes;
  int use_xnum, section_table;
  uint8_t *img;
  size_t len;
};

/* The default shape: text RX at 1 MiB, data+bss RW at 2 MiB, PT_NOTE with a
 * GNU build-id note and the PVH note (4-byte desc for ELF32, 8 for ELF64). */
static void k_init(struct kernel *k, int cls) {
  memset(k, 0, sizeof(*k));
  k->cls = cls;
  k->segs[k->nsegs++] = ELFGEN_LOAD(0x100000, 0x300, 0x300, RX);
  k->segs[k->nsegs++] = ELFGEN_LOAD(0x200000, 0x80, 0x2000, RW);
  elfgen_note(&k->notes, "GNU", 3, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  elfgen_note_pvh(&k->notes, 0x100010, cls == 64 ? 8 : 4);
}

static void k_notes_seg(struct kernel *k, struct elfgen_buf *b) { k->segs[k->nsegs++] = ELFGEN_NOTE_SEG(b); }

static void k_build(struct kernel *k) {
  struct elfgen_spec spec = {.elf_class = k->cls,
                             .entry = 0x100000,
                             .segs = k->segs,
                             .nr_segs = k->nsegs,
                             .secs = k->secs,
                             .nr_secs = k->nsecs,
                             .section_table = k->section_table,
                             .use_xnum = k->use_xnum};
  if (k->notes.failed || k->notes2.failed || k->secnotes.failed || elfgen_build(&spec, &k->img, &k->len) != 0)
    die("elfgen_build");
}

static void k_emit(struct kernel *k, const char *name) {
  char full[256];
  snprintf(full, sizeof(full), "elf%d-%s", k->cls, name);
  emit("fuzz_load", full, k->img, k->len);
  free(k->img);
  elfgen_buf_free(&k->notes);
  elfgen_buf_free(&k->notes2);
  elfgen_buf_free(&k->secnotes);
  memset(k, 0, sizeof(*k));
}

/* Default kernel with its PT_NOTE, built. */
static void k_default(struct kernel *k, int cls) {
  k_init(k, cls);
  k_notes_seg(k, &k->notes);
  k_build(k);
}

static void accepted_kernels(int c) {
  struct kernel k;

  k_default(&k, c);
  k_emit(&k, "ok-text-data-bss");

  k_init(&k, c); /* the smallest: one segment, only the PVH note */
  k.nsegs = 1;
  elfgen_buf_free(&k.notes);
  elfgen_note_pvh(&k.notes, 0x100000, 4);
  k_notes_seg(&k, &k.notes);
  k_build(&k);
  k_emit(&k, "ok-minimal-desc4");

  k_init(&k, c);
  elfgen_buf_free(&k.notes);
  elfgen_note_pvh(&k.notes, 0x100010, 8);
  k_notes_seg(&k, &k.notes);
  k_build(&k);
  k_emit(&k, "ok-desc8");

  k_init(&k, c); /* the PVH note only in a SHT_NOTE section */
  k.secs[k.nsecs++] = ELFGEN_NOTE_SEC(".note.Xen", &k.notes);
  k_build(&k);
  k_emit(&k, "ok-sht-note-fallback");

  k_init(&k, c); /* PT_NOTE without the PVH note, the section has it */
  elfgen_note(&k.notes2, "GNU", 3, "abcdefgh", 8);
  k_notes_seg(&k, &k.notes2);
  k.secs[k.nsecs++] = ELFGEN_NOTE_SEC(".note.Xen", &k.notes);
  k_build(&k);
  k_emit(&k, "ok-pt-note-without-pvh-then-sht");

  k_init(&k, c); /* two PT_NOTEs that agree */
  elfgen_note_pvh(&k.notes2, 0x100010, 4);
  k_notes_seg(&k, &k.notes);
  k_notes_seg(&k, &k.notes2);
  k_build(&k);
  k_emit(&k, "ok-two-pt-notes-agree");

  k_init(&k, c); /* PN_XNUM: the phdr count lives in section 0 */
  k_notes_seg(&k, &k.notes);
  k.use_xnum = 1;
  k_build(&k);
  k_emit(&k, "ok-pn-xnum");

  k_init(&k, c); /* headers that are not loaded: empty PT_LOAD, PT_GNU_STACK, PT_NULL */
  k_notes_seg(&k, &k.notes);
  k.segs[k.nsegs++] =
      (struct elfgen_seg){.type = ELFGEN_PT_LOAD, .flags = RW, .paddr = 0x300000, .align = 4096};
  k.segs[k.nsegs++] = (struct elfgen_seg){.type = PT_GNU_STACK, .flags = RW, .align = 16};
  k.segs[k.nsegs++] = (struct elfgen_seg){.type = ELFGEN_PT_NULL};
  k_build(&k);
  k_emit(&k, "ok-memsz0-gnu-stack-null");

  k_init(&k, c); /* Linux-like: high vaddr, paddr at 16 MiB, Xen notes around the PVH one */
  k.nsegs = 0;
  k.segs[k.nsegs++] = ELFGEN_LOAD(0x1000000, 0x400, 0x400, RX);
  k.segs[k.nsegs++] = ELFGEN_LOAD(0x1200000, 0x100, 0x100, ELFGEN_PF_R);
  k.segs[k.nsegs++] = ELFGEN_LOAD(0x1400000, 0x100, 0x80000, RW);
  for (size_t i = 0; i < 3; i++)
    k.segs[i].vaddr = (c == 64 ? 0xffffffff80000000ull : 0xc0000000ull) + k.segs[i].paddr;
  elfgen_buf_free(&k.notes);
  elfgen_note(&k.notes, "Xen", XEN_ELFNOTE_GUEST_OS, "linux", 6);
  elfgen_note(&k.notes, "Xen", XEN_ELFNOTE_XEN_VERSION, "xen-3.0", 8);
  elfgen_note(&k.notes, "Xen", XEN_ELFNOTE_ENTRY, "\x00\x00\x00\x81\xff\xff\xff\xff", 8);
  elfgen_note(&k.notes, "Xen", XEN_ELFNOTE_HYPERCALL_PAGE, "\x00\x10\x00\x81\xff\xff\xff\xff", 8);
  elfgen_note_pvh(&k.notes, 0x1000100, 4);
  elfgen_note(&k.notes, "Linux", 1, "6.1", 4);
  k_notes_seg(&k, &k.notes);
  k_build(&k);
  k_emit(&k, "ok-linux-like");

  k_init(&k, c); /* low RAM, clear of the boot data */
  k.segs[0] = ELFGEN_LOAD(0x40000, 0x200, 0x1000, RX);
  k.nsegs = 1;
  elfgen_buf_free(&k.notes);
  elfgen_note_pvh(&k.notes, 0x40000, 4);
  k_notes_seg(&k, &k.notes);
  k_build(&k);
  k_emit(&k, "ok-low-ram");

  k_init(&k, c); /* the kernel ends just below the 2 GiB initramfs ceiling */
  k.segs[0] = ELFGEN_LOAD(0x7fe00000, 0x100, 0x100000, RX);
  k.nsegs = 1;
  elfgen_buf_free(&k.notes);
  elfgen_note_pvh(&k.notes, 0x7fe000ff, 4);
  k_notes_seg(&k, &k.notes);
  k_build(&k);
  k_emit(&k, "ok-near-initramfs-ceiling");

  k_init(&k, c); /* 256 MiB of BSS */
  k.segs[1].memsz = 0x10000000;
  k_notes_seg(&k, &k.notes);
  k_build(&k);
  k_emit(&k, "ok-big-bss");

  k_init(&k, c); /* damaged section table, but the entry is in PT_NOTE */
  k_notes_seg(&k, &k.notes);
  k.section_table = 1;
  k_build(&k);
  elfgen_set_ehdr(k.img, k.len, ELFGEN_E_SHENTSIZE, 12);
  k_emit(&k, "ok-bad-shentsize-pt-note");

  k_init(&k, c); /* empty and odd notes, then padding shorter than a header */
  elfgen_buf_free(&k.notes);
  elfgen_note_raw(&k.notes, 0, 0, 0, NULL, 0);
  elfgen_note(&k.notes, "Xen", 7, NULL, 0);
  elfgen_note(&k.notes, "Xe", ELFGEN_XEN_PHYS32_ENTRY, "\x10\x00\x10\x00", 4);
  elfgen_note_pvh(&k.notes, 0x100010, 4);
  elfgen_buf_append(&k.notes, "\0\0\0\0\0\0\0\0", 8);
  k_notes_seg(&k, &k.notes);
  k_build(&k);
  k_emit(&k, "ok-odd-notes-trailing-pad");

  k_init(&k, c); /* entry on the last file byte of the text */
  elfgen_buf_free(&k.notes);
  elfgen_note_pvh(&k.notes, 0x100000 + 0x300 - 1, 4);
  k_notes_seg(&k, &k.notes);
  k_build(&k);
  k_emit(&k, "ok-entry-last-text-byte");

  k_init(&k, c); /* e_shnum 0 with the count in section 0 (SHN_XNUM), SHT fallback */
  k.secs[k.nsecs++] = ELFGEN_NOTE_SEC(".note.Xen", &k.notes);
  k_build(&k);
  {
    uint64_t shnum = elfgen_get_ehdr(k.img, k.len, ELFGEN_E_SHNUM);
    elfgen_set_shdr(k.img, k.len, 0, ELFGEN_SH_SIZE, shnum);
    elfgen_set_ehdr(k.img, k.len, ELFGEN_E_SHNUM, 0);
  }
  k_emit(&k, "ok-shn-xnum-sht-fallback");

  k_init(&k, c); /* e_shoff set, e_shnum 0 and section 0 size 0: an empty table */
  k_notes_seg(&k, &k.notes);
  k.section_table = 1;
  k_build(&k);
  elfgen_set_shdr(k.img, k.len, 0, ELFGEN_SH_SIZE, 0);
  elfgen_set_ehdr(k.img, k.len, ELFGEN_E_SHNUM, 0);
  k_emit(&k, "ok-shn-xnum-empty-table");

  k_init(&k, c); /* segments listed high to low, touching each other */
  k.segs[0] = ELFGEN_LOAD(0x101000, 0x100, 0x1000, RW);
  k.segs[1] = ELFGEN_LOAD(0x100000, 0x1000, 0x1000, RX);
  k_notes_seg(&k, &k.notes);
  k_build(&k);
  k_emit(&k, "ok-adjacent-unsorted");
}

/* A default kernel with one field changed. */
static void patched(int c, const char *name, void (*patch)(struct kernel *)) {
  struct kernel k;
  k_default(&k, c);
  patch(&k);
  k_emit(&k, name);
}

#define PATCH(fn, body)                                                                                      \
  static void fn(struct kernel *k) { body; }
PATCH(p_trunc_ident, k->len = 10)
PATCH(p_trunc_ehdr, k->len = 40)
PATCH(p_magic, k->img[1] = 'e')
PATCH(p_class3, k->img[4] = 3)
PATCH(p_bigendian, k->img[5] = 2)
PATCH(p_ident_version, k->img[6] = 0)
PATCH(p_version, elfgen_set_ehdr(k->img, k->len, ELFGEN_E_VERSION, 0))
PATCH(p_machine, elfgen_set_ehdr(k->img, k->len, ELFGEN_E_MACHINE, k->cls == 64 ? 3 : 62))
PATCH(p_type_dyn, elfgen_set_ehdr(k->img, k->len, ELFGEN_E_TYPE, ELFGEN_ET_DYN))
PATCH(p_ehsize, elfgen_set_ehdr(k->img, k->len, ELFGEN_E_EHSIZE, 60))
PATCH(p_phentsize, elfgen_set_ehdr(k->img, k->len, ELFGEN_E_PHENTSIZE, 40))
PATCH(p_phoff, elfgen_set_ehdr(k->img, k->len, ELFGEN_E_PHOFF, k->len - 8))
PATCH(p_xnum_shoff0, elfgen_set_ehdr(k->img, k->len, ELFGEN_E_PHNUM, 0xffff);
      elfgen_set_ehdr(k->img, k->len, ELFGEN_E_SHOFF, 0))
PATCH(p_phnum0, elfgen_set_ehdr(k->img, k->len, ELFGEN_E_PHNUM, 0))
PATCH(p_no_load, elfgen_set_phdr(k->img, k->len, 0, ELFGEN_P_TYPE, 6);
      elfgen_set_phdr(k->img, k->len, 1, ELFGEN_P_TYPE, 6))
PATCH(p_seg_file, elfgen_set_phdr(k->img, k->len, 0, ELFGEN_P_FILESZ, k->len))
PATCH(p_filesz_memsz, elfgen_set_phdr(k->img, k->len, 1, ELFGEN_P_MEMSZ, 0x40))
PATCH(p_not_ram, elfgen_set_phdr(k->img, k->len, 1, ELFGEN_P_PADDR, 0xa0000))
PATCH(p_overlap, elfgen_set_phdr(k->img, k->len, 1, ELFGEN_P_PADDR, 0x100200))
PATCH(p_above_4g32, elfgen_set_phdr(k->img, k->len, 1, ELFGEN_P_PADDR, 0xfffff000))
PATCH(p_note_file, elfgen_set_phdr(k->img, k->len, 2, ELFGEN_P_OFFSET, k->len - 4))
PATCH(p_note_malformed, elfgen_set_phdr(k->img, k->len, 2, ELFGEN_P_FILESZ,
                                        elfgen_get_phdr(k->img, k->len, 2, ELFGEN_P_FILESZ) - 4))
PATCH(p_layout_gdt, elfgen_set_phdr(k->img, k->len, 1, ELFGEN_P_PADDR, 0x1000))
PATCH(p_layout_cmdline, elfgen_set_phdr(k->img, k->len, 1, ELFGEN_P_PADDR, 0x20020))
PATCH(p_no_room, elfgen_set_phdr(k->img, k->len, 1, ELFGEN_P_PADDR, 0x80000000))
PATCH(p_entry_in_data, elfgen_set_phdr(k->img, k->len, 0, ELFGEN_P_FLAGS, ELFGEN_PF_R))
PATCH(p_entry_in_bss, elfgen_set_phdr(k->img, k->len, 0, ELFGEN_P_FILESZ, 0x10))

/* A kernel whose notes are `notes` (PT_NOTE) — for the note errors. */
static void with_notes(int c, const char *name, struct elfgen_buf *notes) {
  struct kernel k;
  k_init(&k, c);
  elfgen_buf_free(&k.notes);
  k.notes = *notes;
  memset(notes, 0, sizeof(*notes));
  k_notes_seg(&k, &k.notes);
  k_build(&k);
  k_emit(&k, name);
}

static void rejected_kernels(int c) {
  static const struct {
    const char *name;
    void (*fn)(struct kernel *);
  } p[] = {
      {"bad-truncated-ident", p_trunc_ident},
      {"bad-truncated-ehdr", p_trunc_ehdr},
      {"bad-magic", p_magic},
      {"bad-class", p_class3},
      {"bad-big-endian", p_bigendian},
      {"bad-ident-version", p_ident_version},
      {"bad-e-version", p_version},
      {"bad-machine", p_machine},
      {"bad-type-dyn", p_type_dyn},
      {"bad-ehsize", p_ehsize},
      {"bad-phentsize", p_phentsize},
      {"bad-phoff-out-of-file", p_phoff},
      {"bad-xnum-without-shdrs", p_xnum_shoff0},
      {"bad-phnum-0", p_phnum0},
      {"bad-no-load", p_no_load},
      {"bad-segment-out-of-file", p_seg_file},
      {"bad-filesz-gt-memsz", p_filesz_memsz},
      {"bad-segment-not-ram", p_not_ram},
      {"bad-segment-overlap", p_overlap},
      {"bad-segment-above-4g", p_above_4g32},
      {"bad-note-out-of-file", p_note_file},
      {"bad-note-truncated", p_note_malformed},
      {"bad-overlaps-gdt", p_layout_gdt},
      {"bad-overlaps-cmdline", p_layout_cmdline},
      {"bad-initramfs-no-room", p_no_room},
      {"bad-entry-not-executable", p_entry_in_data},
      {"bad-entry-in-bss", p_entry_in_bss},
  };
  for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
    patched(c, p[i].name, p[i].fn);

  struct elfgen_buf b = {0};
  elfgen_note_pvh(&b, 0x100010, 5);
  with_notes(c, "bad-pvh-desc-size", &b);
  elfgen_note_pvh(&b, 0x100010, 4);
  elfgen_note_pvh(&b, 0x100020, 4);
  with_notes(c, "bad-pvh-conflict", &b);
  elfgen_note(&b, "GNU", 3, "abcd", 4);
  elfgen_note(&b, "Xen", XEN_ELFNOTE_GUEST_OS, "linux", 6);
  with_notes(c, "bad-no-pvh-note", &b);
  elfgen_note_pvh(&b, 0x100000000ull, 8);
  with_notes(c, "bad-entry-above-4g", &b);
  elfgen_note_pvh(&b, 0x900000, 4);
  with_notes(c, "bad-entry-not-loaded", &b);
  elfgen_note_raw(&b, 4, 0xfffffff0u, 18, "Xen", 4);
  with_notes(c, "bad-note-descsz-huge", &b);
  for (unsigned i = 0; i < 4097; i++)
    elfgen_note_raw(&b, 0, 0, 0, NULL, 0);
  elfgen_note_pvh(&b, 0x100010, 4);
  with_notes(c, "bad-too-many-notes", &b);

  struct kernel k; /* the entry only in a section, and the section table is unusable */
  k_init(&k, c);
  k.secs[k.nsecs++] = ELFGEN_NOTE_SEC(".note.Xen", &k.notes);
  k_build(&k);
  elfgen_set_ehdr(k.img, k.len, ELFGEN_E_SHENTSIZE, 12);
  k_emit(&k, "bad-sht-only-shentsize");
  k_init(&k, c);
  k.secs[k.nsecs++] = ELFGEN_NOTE_SEC(".note.Xen", &k.notes);
  k_build(&k);
  elfgen_set_ehdr(k.img, k.len, ELFGEN_E_SHNUM, 0x7fff);
  k_emit(&k, "bad-sht-only-shdrs-out-of-file");
  k_init(&k, c);
  k.secs[k.nsecs++] = ELFGEN_NOTE_SEC(".note.Xen", &k.notes);
  k_build(&k);
  elfgen_set_shdr(k.img, k.len, 1, ELFGEN_SH_OFFSET, k.len);
  k_emit(&k, "bad-sht-note-out-of-file");

  k_init(&k, c); /* PN_XNUM with a count in section 0 above the limit */
  k_notes_seg(&k, &k.notes);
  k.use_xnum = 1;
  k_build(&k);
  elfgen_set_shdr(k.img, k.len, 0, ELFGEN_SH_INFO, 5000);
  k_emit(&k, "bad-xnum-too-many-phdrs");
  k_init(&k, c); /* SHN_XNUM section count above the limit, entry only in a section */
  k.secs[k.nsecs++] = ELFGEN_NOTE_SEC(".note.Xen", &k.notes);
  k_build(&k);
  elfgen_set_shdr(k.img, k.len, 0, ELFGEN_SH_SIZE, 70000);
  elfgen_set_ehdr(k.img, k.len, ELFGEN_E_SHNUM, 0);
  k_emit(&k, "bad-sht-only-too-many-shdrs");

  k_init(&k, c); /* PN_XNUM, but section 0 cannot be read: bad e_shentsize */
  k_notes_seg(&k, &k.notes);
  k.use_xnum = 1;
  k_build(&k);
  elfgen_set_ehdr(k.img, k.len, ELFGEN_E_SHENTSIZE, 24);
  k_emit(&k, "bad-xnum-shentsize");
  k_init(&k, c); /* PN_XNUM, section 0 past the end of the file */
  k_notes_seg(&k, &k.notes);
  k.use_xnum = 1;
  k_build(&k);
  elfgen_set_ehdr(k.img, k.len, ELFGEN_E_SHOFF, k.len - 8);
  k_emit(&k, "bad-xnum-section0-out-of-file");
  k_init(&k, c); /* SHN_XNUM with an unreadable section 0, entry only in a section */
  k.secs[k.nsecs++] = ELFGEN_NOTE_SEC(".note.Xen", &k.notes);
  k_build(&k);
  elfgen_set_ehdr(k.img, k.len, ELFGEN_E_SHNUM, 0);
  elfgen_set_ehdr(k.img, k.len, ELFGEN_E_SHENTSIZE, 24);
  k_emit(&k, "bad-shn-xnum-shentsize");

  if (c == 64) {
    k_default(&k, c);
    elfgen_set_phdr(k.img, k.len, 1, ELFGEN_P_PADDR, 0xfffffffffffff000ull);
    k_emit(&k, "bad-segment-wraps");
    k_default(&k, c);
    elfgen_set_phdr(k.img, k.len, 1, ELFGEN_P_PADDR, 0x100000000ull);
    k_emit(&k, "bad-segment-high-ram");
  }
}

/* Boundary seeds: each edge the validator compares against, on both sides
 * (touching vs one byte of overlap, ending exactly at a limit vs one past),
 * the note padding of an 8-aligned PT_NOTE, PHYS32_ENTRY 0, and an
 * initramfs that only fits below the kernel. fuzz_load's map has RAM up to
 * FORMAT_LOAD_LOW_RAM_END (3 GiB) and libpvh's default initramfs ceiling is 2 GiB. */
PATCH(p_touching, elfgen_set_phdr(k->img, k->len, 1, ELFGEN_P_PADDR, 0x100300))
PATCH(p_overlap_one, elfgen_set_phdr(k->img, k->len, 1, ELFGEN_P_PADDR, 0x1002ff))

/* A kernel high in RAM (text at 2 GiB - 16 MiB) whose data+bss (0x2000
 * bytes) ends at data_end: with no room between the kernel end and the
 * ceiling, the initramfs goes below the kernel. */
static void high_kernel(int c, const char *name, uint64_t data_end) {
  struct kernel k;
  k_init(&k, c);
  k.segs[0].paddr = k.segs[0].vaddr = 0x7f000000;
  k.segs[1].paddr = k.segs[1].vaddr = data_end - 0x2000;
  elfgen_buf_free(&k.notes);
  elfgen_note_pvh(&k.notes, 0x7f000010, 4);
  k_notes_seg(&k, &k.notes);
  k_build(&k);
  k_emit(&k, name);
}

static void note_entry_kernel(int c, const char *name, uint64_t entry) {
  struct elfgen_buf n = {0};
  elfgen_note_pvh(&n, entry, 4);
  with_notes(c, name, &n);
}

/* The data segment's file bytes run to the end of the file (ok), or one
 * byte past it (refused, and never read). */
static void file_end_kernel(int c, const char *name, uint64_t extra) {
  struct kernel k;
  k_default(&k, c);
  uint64_t off = elfgen_get_phdr(k.img, k.len, 1, ELFGEN_P_OFFSET);
  uint64_t filesz = k.len - off + extra;
  elfgen_set_phdr(k.img, k.len, 1, ELFGEN_P_FILESZ, filesz);
  elfgen_set_phdr(k.img, k.len, 1, ELFGEN_P_MEMSZ, filesz > 0x2000 ? filesz : 0x2000);
  k_emit(&k, name);
}

/* A kernel whose PT_NOTE holds `notes` (taken) with p_align 8; text_at moves
 * the text segment so that it holds the entry. */
static void align8_kernel(int c, const char *name, struct elfgen_buf *notes, uint64_t text_at) {
  struct kernel k;
  k_init(&k, c);
  k.segs[0].paddr = k.segs[0].vaddr = text_at;
  k.segs[0].filesz = k.segs[0].memsz = 0x1000;
  elfgen_buf_free(&k.notes);
  k.notes = *notes;
  memset(notes, 0, sizeof(*notes));
  k_notes_seg(&k, &k.notes);
  k.segs[k.nsegs - 1].align = 8;
  k_build(&k);
  k_emit(&k, name);
}

/* An 8-aligned PT_NOTE in an ELF64 file is read with 8- and with 4-byte
 * padding (ELF32: one reading, by the alignment). Each case of the rule: the
 * shape linkers give Linux (a 4-padded GNU build-id, then the PVH note: only
 * the 4-byte reading fits), one note both readings agree on, both fitting
 * with only the 4-byte one holding the entry, and two entries. */
static void two_readings_kernels(int c) {
  static const uint8_t id[20] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  const uint64_t text_entry4 = ELFGEN_TWO_READINGS_ENTRY4 & ~0xfffull; /* a text holding that entry */
  struct elfgen_buf n = {0};
  elfgen_note(&n, "GNU", 3, id, sizeof(id));
  elfgen_note_pvh(&n, 0x100010, 4);
  align8_kernel(c,
                c == 64 ? "ok-note-align8-4padded-buildid-then-pvh" : "bad-note-align8-4padded-one-reading",
                &n, 0x100000);
  elfgen_note_pvh(&n, 0x100010, 8);
  align8_kernel(c, "ok-note-align8-one-note-both-readings", &n, 0x100000);
  if (c != 64)
    return;
  elfgen_notes_two_readings(&n, 0, 0);
  align8_kernel(c, "ok-note-align8-only-4padded-reading-has-entry", &n, text_entry4);
  elfgen_notes_two_readings(&n, ELFGEN_TWO_READINGS_ENTRY4, 1);
  align8_kernel(c, "ok-note-align8-two-readings-same-entry", &n, text_entry4);
  elfgen_notes_two_readings(&n, 0x100010, 1);
  align8_kernel(c, "bad-note-align8-two-readings-differ", &n, text_entry4);
}

static void boundary_kernels(int c) {
  file_end_kernel(c, "ok-file-bytes-end-at-eof", 0);
  file_end_kernel(c, "bad-file-bytes-one-past-eof", 1);
  /* A PT_NOTE aligned to 16: notes are 4-byte padded (only 8 means 8). */
  struct kernel k16;
  k_init(&k16, c);
  k_notes_seg(&k16, &k16.notes);
  k16.segs[k16.nsegs - 1].align = 16;
  k_build(&k16);
  k_emit(&k16, "ok-note-align16-pads-4");

  patched(c, "ok-segments-touching", p_touching);
  patched(c, "bad-segments-overlap-one-byte", p_overlap_one);
  high_kernel(c, "ok-ends-at-ram-end-initramfs-below", FORMAT_LOAD_LOW_RAM_END);
  high_kernel(c, "bad-ends-one-byte-past-ram", FORMAT_LOAD_LOW_RAM_END + 1);
  high_kernel(c, "ok-ends-at-ceiling-initramfs-below", 0x80000000);
  high_kernel(c, "ok-ends-a-page-below-ceiling-initramfs-above", 0x80000000 - 0x2000);
  note_entry_kernel(c, "ok-entry-on-last-file-byte", 0x1002ff);
  note_entry_kernel(c, "bad-entry-one-past-file-bytes", 0x100300);
  note_entry_kernel(c, "bad-entry-zero", 0);

  /* N1: an 8-aligned PT_NOTE with 8-byte padded notes. The PVH note has a
   * 4-byte desc (padded to 8), so only an 8-byte walk finds the GNU note
   * after it where it is. */
  static const uint8_t n8[] = {4,    0, 0,    0, 4,   0,   0,   0, 18, 0, 0, 0, 'X', 'e', 'n', 0,
                               0x10, 0, 0x10, 0, 0,   0,   0,   0, 4,  0, 0, 0, 8,   0,   0,   0,
                               3,    0, 0,    0, 'G', 'N', 'U', 0, 1,  2, 3, 4, 5,   6,   7,   8};
  struct kernel k;
  k_init(&k, c);
  elfgen_buf_free(&k.notes);
  elfgen_buf_append(&k.notes, n8, sizeof(n8));
  k_notes_seg(&k, &k.notes);
  k.segs[k.nsegs - 1].align = 8;
  k_build(&k);
  k_emit(&k, "ok-note-align8-desc4");

  two_readings_kernels(c);
}

void gen_load_seeds(void) {
  accepted_kernels(64);
  accepted_kernels(32);
  rejected_kernels(64);
  rejected_kernels(32);
  boundary_kernels(64);
  boundary_kernels(32);
}
