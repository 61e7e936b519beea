/* SPDX-License-Identifier: MIT */
/* pvh_gen_corpus: writes the seed corpora of every fuzz target into
 * OUTDIR/<target>/<descriptive-name>. fuzz/scripts/gen-corpus.sh renames them
 * to their sha1 and writes corpus/<target>.seeds (sha1 → name), so the
 * checked-in seeds are reproducible with one command.
 *
 * fuzz_load seeds are ELF32 and ELF64 PVH kernels (built with the test ELF
 * builder, tests/support/elfgen, which shares no code with libpvh) in every
 * shape the loader accepts, and near-misses: one defect each, one per error
 * the loader can give. fuzz_notes and fuzz_layout seeds follow the input
 * formats documented at the top of fuzz/fuzz_notes.c and fuzz/fuzz_layout.c.
 *
 * Everything is deterministic: same source, same bytes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "elfgen.h"

#define XEN_ELFNOTE_ENTRY 1u
#define XEN_ELFNOTE_HYPERCALL_PAGE 2u
#define XEN_ELFNOTE_GUEST_OS 6u
#define XEN_ELFNOTE_XEN_VERSION 5u
#define PT_GNU_STACK 0x6474e551u
#define RX (ELFGEN_PF_R | ELFGEN_PF_X)
#define RW (ELFGEN_PF_R | ELFGEN_PF_W)

static const char *outdir;
static unsigned written;

static void die(const char *what) {
  fprintf(stderr, "pvh_gen_corpus: %s: %s\n", what, errno ? strerror(errno) : "failed");
  exit(1);
}

static void emit(const char *target, const char *name, const void *data, size_t len) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", outdir, target);
  if (mkdir(path, 0755) != 0 && errno != EEXIST)
    die(path);
  snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
    die(path);
  written++;
}

/* ------------------------------------------------------------------------ */
/* fuzz_load: kernels                                                         */
/* ------------------------------------------------------------------------ */

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
 * 3 GiB and an initramfs ceiling of 2 GiB. */
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
  high_kernel(c, "ok-ends-at-ram-end-initramfs-below", 0xc0000000);
  high_kernel(c, "bad-ends-one-byte-past-ram", 0xc0000001);
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

/* ------------------------------------------------------------------------ */
/* fuzz_notes                                                                 */
/* ------------------------------------------------------------------------ */

struct blob {
  uint8_t d[65536];
  size_t n;
};

static void put(struct blob *b, uint64_t v, unsigned width) {
  for (unsigned i = 0; i < width && b->n < sizeof(b->d); i++)
    b->d[b->n++] = (uint8_t)(v >> (8 * i));
}

/* ctl, containers as {offset, size} (PT_NOTE first), then the body. */
static void notes_seed(const char *name, unsigned ctl, const uint16_t (*cont)[2], size_t ncont,
                       const struct elfgen_buf *body) {
  struct blob b = {.n = 0};
  put(&b, ctl, 1);
  for (size_t i = 0; i < ncont; i++) {
    put(&b, cont[i][0], 2);
    put(&b, cont[i][1], 2);
  }
  if (body->len + b.n > sizeof(b.d))
    die("notes seed too large");
  memcpy(b.d + b.n, body->data, body->len);
  b.n += body->len;
  emit("fuzz_notes", name, b.d, b.n);
}

#define CTL(nph, nsh, bad, load) ((nph) | ((nsh) << 2) | ((bad) << 4) | ((load) << 5))

static void notes_seeds(void) {
  struct elfgen_buf a = {0};
  static const uint16_t all[][2] = {{0, 0xffff}};
  elfgen_note(&a, "GNU", 3, "abcdefgh", 8);
  elfgen_note_pvh(&a, 0x100010, 4);
  notes_seed("pt-note-gnu-then-pvh4", CTL(1, 0, 0, 0), all, 1, &a);
  notes_seed("sht-only", CTL(0, 1, 0, 0), all, 1, &a);
  notes_seed("sht-only-table-unusable", CTL(0, 1, 1, 0), all, 1, &a);
  notes_seed("pt-note-behind-pt-load", CTL(1, 0, 0, 1), all, 1, &a);
  notes_seed("null-error-pointer", CTL(1, 0, 0, 0) | 0x40, all, 1, &a);
  size_t first = a.len - 20; /* the PVH note is the last 20 bytes */
  const uint16_t split[][2] = {{0, (uint16_t)first}, {(uint16_t)first, 20}};
  notes_seed("two-pt-notes-split", CTL(2, 0, 0, 0), split, 2, &a);
  notes_seed("pt-note-without-then-sht", CTL(1, 1, 0, 0), split, 2, &a);
  const uint16_t oob[][2] = {{(uint16_t)first, 0x4000}};
  notes_seed("container-out-of-bounds", CTL(1, 0, 0, 0), oob, 1, &a);
  const uint16_t empty[][2] = {{0, 0}, {0, 0xffff}};
  notes_seed("empty-container-then-full", CTL(2, 0, 0, 0), empty, 2, &a);
  /* N1: 8-aligned containers pad to 8 (ctl bit 7). */
  static const uint8_t n8[] = {4,    0, 0,    0, 4,   0,   0,   0, 18, 0, 0, 0, 'X', 'e', 'n', 0,
                               0x10, 0, 0x10, 0, 0,   0,   0,   0, 4,  0, 0, 0, 8,   0,   0,   0,
                               3,    0, 0,    0, 'G', 'N', 'U', 0, 1,  2, 3, 4, 5,   6,   7,   8};
  struct elfgen_buf b8 = {0};
  elfgen_buf_append(&b8, n8, sizeof(n8));
  notes_seed("align8-pt-note-desc4-padded", CTL(1, 0, 0, 0) | 0x80, all, 1, &b8);
  notes_seed("align8-sht-note-desc4-padded", CTL(0, 1, 0, 0) | 0x80, all, 1, &b8);
  notes_seed("align4-reads-align8-notes", CTL(1, 0, 0, 0), all, 1, &b8);
  /* The padding after the last desc cut by the container end (one byte short). */
  const uint16_t cut[][2] = {{0, (uint16_t)(sizeof(n8) - 1)}};
  notes_seed("align8-last-desc-padding-cut", CTL(1, 0, 0, 0) | 0x80, cut, 1, &b8);
  /* Two readings of an 8-aligned container (fuzz_notes is ELF64): only the
   * 4-byte one fits; both fit, one holds the entry; both agree; they differ. */
  struct elfgen_buf r = {0};
  static const uint8_t id[20] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  elfgen_note(&r, "GNU", 3, id, sizeof(id));
  elfgen_note_pvh(&r, 0x100000, 4);
  notes_seed("align8-4padded-buildid-then-pvh", CTL(1, 0, 0, 0) | 0x80, all, 1, &r);
  notes_seed("align8-sht-4padded-buildid-then-pvh", CTL(0, 1, 0, 0) | 0x80, all, 1, &r);
  elfgen_buf_free(&r);
  elfgen_notes_two_readings(&r, 0, 0);
  notes_seed("align8-two-readings-only-4-has-entry", CTL(1, 0, 0, 0) | 0x80, all, 1, &r);
  elfgen_buf_free(&r);
  elfgen_notes_two_readings(&r, ELFGEN_TWO_READINGS_ENTRY4, 1);
  notes_seed("align8-two-readings-same-entry", CTL(1, 0, 0, 0) | 0x80, all, 1, &r);
  elfgen_buf_free(&r);
  elfgen_notes_two_readings(&r, 0x100000, 1);
  notes_seed("align8-two-readings-differ", CTL(1, 0, 0, 0) | 0x80, all, 1, &r);
  elfgen_buf_free(&r);
  elfgen_buf_free(&b8);
  elfgen_buf_free(&a);

  elfgen_note_pvh(&a, 0xfffff000, 8);
  notes_seed("pvh8", CTL(1, 0, 0, 0), all, 1, &a);
  elfgen_buf_free(&a);
  elfgen_note_pvh(&a, 0x100000000ull, 8);
  notes_seed("pvh8-above-4g", CTL(1, 0, 0, 0), all, 1, &a);
  elfgen_buf_free(&a);
  elfgen_note_pvh(&a, 0x100000, 4);
  elfgen_note_pvh(&a, 0x200000, 4);
  notes_seed("conflict", CTL(1, 0, 0, 0), all, 1, &a);
  const uint16_t halves[][2] = {{0, 20}, {20, 20}, {0, 20}};
  notes_seed("conflict-across-sht", CTL(0, 2, 0, 0), halves, 2, &a);
  notes_seed("pt-note-wins-over-sht", CTL(1, 1, 0, 0), halves, 2, &a);
  elfgen_buf_free(&a);
  elfgen_note_pvh(&a, 0x100000, 6);
  notes_seed("desc-size-6", CTL(1, 0, 0, 0), all, 1, &a);
  elfgen_buf_free(&a);
  elfgen_note_raw(&a, 4, 0xfffffffdu, 18, "Xen", 4);
  notes_seed("descsz-pad-wraps-32", CTL(1, 0, 0, 0), all, 1, &a);
  notes_seed("malformed-null-error-pointer", CTL(1, 0, 0, 0) | 0x40, all, 1, &a);
  elfgen_buf_free(&a);
  elfgen_note(&a, "Xen", 18, NULL, 0);
  elfgen_note_raw(&a, 0, 0, 0, NULL, 0);
  elfgen_note(&a, "XenX", 18, "\0\0\x10\0", 4);
  elfgen_note_raw(&a, 3, 4, 18, "Xen\0\0\0\x10\0", 8);
  elfgen_buf_append(&a, "\0\0\0\0\0\0\0", 7);
  notes_seed("near-miss-owners-and-tail", CTL(1, 0, 0, 0), all, 1, &a);
  elfgen_buf_free(&a);
  for (unsigned i = 0; i < 4100; i++)
    elfgen_note_raw(&a, 0, 0, 1, NULL, 0);
  notes_seed("too-many-notes", CTL(1, 0, 0, 0), all, 1, &a);
  elfgen_buf_free(&a);
}

/* ------------------------------------------------------------------------ */
/* fuzz_layout                                                                */
/* ------------------------------------------------------------------------ */

struct lregion {
  uint64_t addr, size;
  unsigned type;
  int raw;
};
struct lseg {
  unsigned flags;
  uint64_t paddr, filesz, memsz;
  int wide;
};
struct lspec {
  struct lregion r[16];
  size_t nr;
  unsigned mask;
  struct {
    unsigned w;
    uint64_t v;
  } f[8];
  int cmdline;
  uint32_t cmdline_len;
  int initramfs;
  uint32_t initramfs_size;
  struct lseg s[4];
  size_t ns;
  uint64_t entry, rsdp;
};

static void l_default(struct lspec *l) {
  memset(l, 0, sizeof(*l));
  const struct lregion pc[] = {{0, 0x9fc00, 1, 1},
                               {0x9fc00, 0x60400, 2, 1},
                               {0x100000, 0xbff00000, 1, 0},
                               {0xc0000000, 0x40000000, 2, 0},
                               {0x100000000, 0x40000000, 1, 0}};
  memcpy(l->r, pc, sizeof(pc));
  l->nr = 5;
  l->cmdline = 1;
  l->cmdline_len = 68;
  l->initramfs = 1;
  l->initramfs_size = 4219;
  l->s[0] = (struct lseg){RX, 0x100000, 0x300, 0x300, 0};
  l->s[1] = (struct lseg){RW, 0x200000, 0x80, 0x2000, 0};
  l->ns = 2;
  l->entry = 0x100010;
  l->rsdp = 0xf5a40;
}

static void l_field(struct lspec *l, unsigned i, unsigned w, uint64_t v) {
  l->mask |= 1u << i;
  l->f[i].w = w;
  l->f[i].v = v;
}

static int l_too_many; /* emit nr_regions 0xff: 4097 copies of region 0 */

static void l_emit(const struct lspec *l, const char *name) {
  struct blob b = {.n = 0};
  put(&b, l_too_many ? 0xff : l->nr, 1);
  for (size_t i = 0; i < l->nr; i++) {
    const struct lregion *r = &l->r[i];
    put(&b, (unsigned)r->raw | (r->type << 1), 1);
    if (r->raw) {
      put(&b, r->addr, 8);
      put(&b, r->size, 8);
    } else {
      put(&b, r->addr >> 12, 4);
      put(&b, r->size >> 12, 4);
    }
  }
  put(&b, l->mask, 1);
  for (unsigned i = 0; i < 8; i++) {
    if (!(l->mask & (1u << i)))
      continue;
    put(&b, l->f[i].w, 1);
    put(&b, l->f[i].v, (l->f[i].w & 1) ? 8 : 4);
  }
  put(&b, (uint64_t)l->cmdline, 1);
  if (l->cmdline)
    put(&b, l->cmdline_len, 4);
  put(&b, (uint64_t)l->initramfs, 1);
  if (l->initramfs)
    put(&b, l->initramfs_size, 4);
  put(&b, l->ns, 1);
  for (size_t i = 0; i < l->ns; i++) {
    const struct lseg *s = &l->s[i];
    unsigned w = s->wide ? 8 : 4;
    put(&b, s->flags | (s->wide ? 8u : 0u), 1);
    put(&b, s->paddr, w);
    put(&b, s->filesz, w);
    put(&b, s->memsz, w);
  }
  put(&b, l->entry, 8);
  put(&b, l->rsdp, 8);
  emit("fuzz_layout", name, b.d, b.n);
}

enum { F_GDT, F_SI, F_MM, F_MMSZ, F_CL, F_CLSZ, F_CEIL, F_ALIGN };

static void layout_seeds(void) {
  struct lspec l;
  l_default(&l);
  l_emit(&l, "ok-pc-4g-default-layout");
  l.cmdline = l.initramfs = 0;
  l_emit(&l, "ok-no-cmdline-no-initramfs");
  l_default(&l);
  l_field(&l, F_GDT, 0, 0x7000);
  l_field(&l, F_SI, 0, 0x6000);
  l_field(&l, F_MM, 0, 0x5000);
  l_field(&l, F_MMSZ, 0, 0x1000);
  l_field(&l, F_CL, 0, 0x8000);
  l_field(&l, F_CLSZ, 0, 0x800);
  l_emit(&l, "ok-custom-low-layout");
  l_default(&l);
  l_field(&l, F_CEIL, 0, 0x40000000);
  l_field(&l, F_ALIGN, 2, 21);
  l.initramfs_size = 0x3000000;
  l_emit(&l, "ok-initramfs-48m-2m-aligned-1g-ceiling");
  l_default(&l);
  l_field(&l, F_CEIL, 1, 0xffffffffffffffffull);
  l.initramfs_size = 0xffffffff;
  l_emit(&l, "bad-initramfs-4g-no-room");
  l_default(&l); /* fragmented RAM: the initramfs has to step down past clashes */
  l.nr = 0;
  for (unsigned i = 0; i < 16; i++)
    l.r[l.nr++] = (struct lregion){(uint64_t)i * 0x100000, 0x80000 + (i & 1) * 0x80000, i == 15 ? 2u : 1u, 0};
  l.s[0] = (struct lseg){RX, 0x100000, 0x300, 0x300, 0};
  l.s[1] = (struct lseg){RW, 0x500000, 0x100, 0x1000, 0};
  l.initramfs_size = 0x80000;
  l_field(&l, F_CEIL, 0, 0xd00000);
  l_field(&l, F_CL, 0, 0xc40000); /* in the highest fitting gap: the initramfs must step below it */
  l_emit(&l, "ok-fragmented-ram-initramfs-steps-down");
  l_default(&l);
  l_field(&l, F_MMSZ, 0, 24 * 4);
  l_emit(&l, "bad-memmap-too-many");
  l_default(&l);
  l.cmdline_len = 0x10000;
  l_emit(&l, "bad-cmdline-too-long");
  l.cmdline_len = 0xffff;
  l_emit(&l, "ok-cmdline-fills-area");
  l_default(&l);
  l_field(&l, F_GDT, 0, 0xfffffff0);
  l_emit(&l, "bad-gdt-above-4g");
  l_default(&l);
  l_field(&l, F_CL, 1, 0xffffffffffff0000ull);
  l_emit(&l, "bad-cmdline-area-wraps");
  l_default(&l);
  l_field(&l, F_SI, 0, 0xa0000);
  l_emit(&l, "bad-start-info-not-ram");
  l_default(&l);
  l_field(&l, F_CL, 0, 0x3050);
  l_emit(&l, "bad-cmdline-overlaps-memmap");
  l_default(&l);
  l_field(&l, F_ALIGN, 0, 3);
  l_emit(&l, "bad-align-not-power-of-two");
  l_default(&l);
  l.initramfs_size = 0;
  l_emit(&l, "bad-initramfs-empty");
  l_default(&l);
  l.s[1].paddr = 0x100100;
  l_emit(&l, "bad-segments-overlap");
  l_default(&l);
  l.entry = 0x200000;
  l_emit(&l, "bad-entry-in-data");
  l_default(&l);
  l.entry = 0x100000000ull;
  l_emit(&l, "bad-entry-above-4g");
  l_default(&l);
  l.s[1] = (struct lseg){RW, 0xfffffffffffff000ull, 0, 0x2000, 1};
  l_emit(&l, "bad-segment-wraps");
  l.s[1] = (struct lseg){RW, 0xfffff000, 0, 0x2000, 0};
  l_emit(&l, "bad-segment-above-4g");
  l.s[1] = (struct lseg){RW, 0x200000, 0x3000, 0x2000, 0};
  l_emit(&l, "bad-filesz-gt-memsz");
  l.s[1] = (struct lseg){RW, 0xfffff000, 0, 0, 0};
  l_emit(&l, "ok-memsz-0-segment-ignored");
  l_default(&l);
  l.s[1].paddr = 0xa0000;
  l_emit(&l, "bad-segment-not-ram");
  l_default(&l);
  l.r[2].size = 0;
  l_emit(&l, "bad-region-size-0");
  l_default(&l);
  l.r[1].type = 0;
  l_emit(&l, "bad-region-type-0");
  l_default(&l);
  l.r[3] = (struct lregion){0xfffffffffffff000ull, 0x2000, 2, 1};
  l_emit(&l, "bad-region-wraps");
  l_default(&l);
  l.r[3] = (struct lregion){0xb0000000, 0x20000000, 2, 0};
  l_emit(&l, "bad-regions-overlap");
  l_default(&l);
  l.nr = 0;
  l_emit(&l, "bad-empty-map");
  l_default(&l); /* 2 MiB alignment finds no aligned slot in a small high region */
  l.r[4] = (struct lregion){0x7fe01000, 0x100000, 1, 0};
  l.r[2].size = 0x10000000;
  l_field(&l, F_ALIGN, 2, 21);
  l_emit(&l, "ok-aligned-slot-missing-in-top-region");
  l_default(&l);
  l.s[1].flags |= 0x10;
  l_emit(&l, "bad-segment-without-source");
  l_default(&l);
  l_field(&l, F_ALIGN, 0, 0);
  l_emit(&l, "ok-initramfs-align-0-means-1");
  l_default(&l);
  l.r[1].type = 9;
  l_emit(&l, "bad-region-type-9");
  l_default(&l);
  l.nr = 1;
  l_too_many = 1;
  l_emit(&l, "bad-4097-regions");
  l_too_many = 0;
  l_default(&l); /* one stretch of RAM as two adjacent entries, a segment across the seam */
  l.r[2] = (struct lregion){0x100000, 0x100000, 1, 0};
  l.r[l.nr++] = (struct lregion){0x200000, 0xbfe00000, 1, 0};
  l.s[1] = (struct lseg){RW, 0x1ff000, 0x1800, 0x3000, 0};
  l_emit(&l, "ok-segment-across-adjacent-ram-entries");
  l.r[l.nr - 1].type = 2;
  l.initramfs = 0;
  l_emit(&l, "bad-segment-across-ram-and-reserved");
  l_default(&l); /* every non-RAM type in the map */
  for (unsigned t = 2; t <= 7; t++)
    l.r[l.nr++] = (struct lregion){0x200000000ull + t * 0x100000, 0x1000, t, 0};
  l_emit(&l, "ok-all-region-types");
}

/* ------------------------------------------------------------------------ */
/* fuzz_helpers                                                               */
/* ------------------------------------------------------------------------ */

static void helpers_seeds(void) {
  struct blob b;
  static const struct {
    const char *name;
    uint64_t desc;
  } gdt[] = {{"gdt-code32-flat", 0x00cf9b000000ffffull},
             {"gdt-data32-flat", 0x00cf93000000ffffull},
             {"gdt-tss32-busy", 0x00008b0000000067ull},
             {"gdt-code64", 0x00af9b000000ffffull},
             {"gdt-null", 0},
             {"gdt-all-ones", 0xffffffffffffffffull}};
  for (size_t i = 0; i < sizeof(gdt) / sizeof(gdt[0]); i++) {
    b.n = 0;
    put(&b, 0, 1);
    put(&b, gdt[i].desc, 8);
    put(&b, 0x10 + 8 * i, 2);
    put(&b, i * 2, 1);
    emit("fuzz_helpers", gdt[i].name, b.d, b.n);
  }
  static const char *const sizes[] = {"256M",
                                      "1G",
                                      "4096K",
                                      "1048576",
                                      "0x1000",
                                      "2T",
                                      "256MiB",
                                      "1gb",
                                      "0",
                                      "12 ",
                                      "1X",
                                      "17179869184G",
                                      "99999999999999999999",
                                      "0x",
                                      "",
                                      "M",
                                      "-1",
                                      "1k",
                                      "1m",
                                      "1g",
                                      "1t",
                                      "1KiB",
                                      "1iB",
                                      "1MM",
                                      "0X1fM",
                                      "0x10000000000000000",
                                      "1b"};
  for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
    char name[64];
    b.n = 0;
    put(&b, 1, 1);
    memcpy(b.d + b.n, sizes[i], strlen(sizes[i]));
    b.n += strlen(sizes[i]);
    snprintf(name, sizeof(name), "size-%zu", i);
    emit("fuzz_helpers", name, b.d, b.n);
  }
  for (unsigned i = 0; i < 2; i++) { /* GDT diffs without a message buffer */
    b.n = 0;
    put(&b, 0, 1);
    put(&b, 0x00cf9b000000ffffull, 8);
    put(&b, 0x10, 2);
    put(&b, 0x80 | (i * 5), 1);
    emit("fuzz_helpers", i ? "gdt-diff-no-message-dpl" : "gdt-diff-no-message-base", b.d, b.n);
  }
  b.n = 0; /* error names: first, last, one past, far out */
  put(&b, 3, 1);
  put(&b, 0, 4);
  put(&b, 41, 4);
  put(&b, 42, 4);
  put(&b, 0xffffffffu, 4);
  emit("fuzz_helpers", "error-names", b.d, b.n);
  static const struct {
    const char *name;
    uint64_t ram;
  } maps[] = {{"map-512m", 512ull << 20},  {"map-3g", 3ull << 30},
              {"map-4g", 4ull << 30},      {"map-1g", 1ull << 30},
              {"map-too-small", 0x100fff}, {"map-reaches-2-64", 0xffffffffffffffffull}};
  for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
    b.n = 0;
    put(&b, 2, 1);
    put(&b, maps[i].ram, 8);
    put(&b, i == 0 ? 3 : 5, 1); /* the first with too small a table */
    const uint64_t q[][2] = {
        {0, 0x1000},         {0x9f000, 0x1000}, {0xfffff, 2},      {0xbffff000, 0x1000},
        {0x100000000ull, 1}, {0x1000, 0},       {0x9f000, 0x2000}, {0xfffffffffffffff0ull, 0x20}};
    for (size_t k = 0; k < sizeof(q) / sizeof(q[0]); k++) {
      put(&b, q[k][0], 8);
      put(&b, q[k][1], 8);
    }
    emit("fuzz_helpers", maps[i].name, b.d, b.n);
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  outdir = argv[1];
  if (mkdir(outdir, 0755) != 0 && errno != EEXIST)
    die(outdir);
  accepted_kernels(64);
  accepted_kernels(32);
  rejected_kernels(64);
  rejected_kernels(32);
  boundary_kernels(64);
  boundary_kernels(32);
  notes_seeds();
  layout_seeds();
  helpers_seeds();
  printf("pvh_gen_corpus: %u seeds in %s\n", written, outdir);
  return 0;
}
