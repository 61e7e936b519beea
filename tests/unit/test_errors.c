/* SPDX-License-Identifier: MIT */
/* Every error code that input can trigger, one table row per rejection class.
 * Each row starts from the valid default test kernel (harness.h), breaks one
 * thing, and asserts the specific code, its short name, a non-empty message,
 * and that the recording bus saw zero writes. Rows run for ELF64 and ELF32
 * unless the malformation only exists in one class. A final test checks that
 * the rows together reached every code except PVH_OK and PVH_E_NOMEM (which no
 * input can cause); the few codes that are not about the kernel file (I/O, bus)
 * are exercised by their own tests here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

struct error_case {
  const char *what;
  int only_class;                                         /* 0: both */
  void (*pre)(struct test_kernel *k, struct harness *h);  /* before building */
  void (*post)(struct test_kernel *k, struct harness *h); /* on the built image */
  enum pvh_err code;
  const char *name; /* expected short name */
  const char *msg;  /* the message names the offending field or value (NULL: no check) */
};

/* ---- helpers for mutators ---- */

static void seth(struct test_kernel *k, enum elfgen_ehdr_field f, uint64_t v) {
  assert_int_equal(elfgen_set_ehdr(k->img, k->len, f, v), 0);
}
static void setp(struct test_kernel *k, size_t i, enum elfgen_phdr_field f, uint64_t v) {
  assert_int_equal(elfgen_set_phdr(k->img, k->len, i, f, v), 0);
}
static void sets(struct test_kernel *k, size_t i, enum elfgen_shdr_field f, uint64_t v) {
  assert_int_equal(elfgen_set_shdr(k->img, k->len, i, f, v), 0);
}

/* Moves the notes from the PT_NOTE into an SHT_NOTE section (the PT_NOTE
 * becomes PT_NULL), so the section table is needed and its errors surface. */
static void notes_in_section_only(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->segs[2].type = ELFGEN_PT_NULL;
  tk_add_sec(k, ELFGEN_NOTE_SEC(".note.Xen", &k->notes));
}

static void replace_notes(struct test_kernel *k, struct elfgen_buf *b) {
  assert_false(b->failed);
  tk_set_notes(k, b);
  elfgen_buf_free(b);
}

/* ---- ELF header ---- */

static void truncate_ident(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->len = 10;
}
static void truncate_empty(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->len = 0;
}
static void truncate_ehdr(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->len = elfgen_ehdr_size(k->spec.elf_class) - 1;
}
static void bad_magic(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->img[1] = 'e';
}
static void bad_class(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->img[4] = 3;
}
static void class_none(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->img[4] = 0;
}
static void big_endian(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->img[5] = 2;
}
static void bad_ident_version(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->img[6] = 0;
}
static void bad_e_version(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_VERSION, 2);
}
static void wrong_machine(struct test_kernel *k, struct harness *h) {
  (void)h; /* the other class's machine: ELF64 must be x86-64, ELF32 must be i386 */
  seth(k, ELFGEN_E_MACHINE, k->spec.elf_class == 64 ? ELFGEN_EM_386 : ELFGEN_EM_X86_64);
}
static void arm_machine(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_MACHINE, 40);
}
static void type_dyn(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_TYPE, ELFGEN_ET_DYN);
}
static void type_rel(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_TYPE, 1);
}
static void bad_ehsize(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_EHSIZE, elfgen_ehdr_size(k->spec.elf_class) + 4);
}
static void bad_phentsize(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_PHENTSIZE, elfgen_phdr_size(k->spec.elf_class) - 8);
}
static void zero_phentsize(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_PHENTSIZE, 0);
}
static void phoff_out(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_PHOFF, k->len - 8);
}
static void phoff_huge(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_PHOFF, k->spec.elf_class == 64 ? UINT64_MAX - 16 : UINT32_MAX - 16);
}
static void phnum_beyond_file(struct test_kernel *k, struct harness *h) {
  (void)h; /* under the count limit, but the table runs past the end */
  seth(k, ELFGEN_E_PHNUM, 4000);
}
static void too_many_phdrs(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_PHNUM, PVH_ELF_MAX_PHDRS + 1);
}
static void phnum_zero(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_PHNUM, 0);
}

/* ---- section table (only consulted when the notes live in sections) ---- */

static void sec_bad_shentsize(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_SHENTSIZE, 12);
}
static void sec_shoff_out(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_SHOFF, k->len - 4);
}
static void sec_shnum_beyond(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_SHNUM, 0xfeff);
}
static void sec_too_many(struct test_kernel *k, struct harness *h) {
  (void)h; /* SHN_XNUM: the real count lives in section 0's sh_size */
  seth(k, ELFGEN_E_SHNUM, 0);
  sets(k, 0, ELFGEN_SH_SIZE, PVH_ELF_MAX_SHDRS + 1);
}
static void sec_note_out(struct test_kernel *k, struct harness *h) {
  (void)h;
  sets(k, 1, ELFGEN_SH_OFFSET, k->len - 4);
}

/* ---- PN_XNUM ---- */

static void want_xnum(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->spec.use_xnum = 1;
}
static void xnum_no_shdrs(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_SHOFF, 0);
}
static void xnum_bad_shentsize(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_SHENTSIZE, 1);
}
static void xnum_shoff_out(struct test_kernel *k, struct harness *h) {
  (void)h;
  seth(k, ELFGEN_E_SHOFF, k->len);
}
static void xnum_count_zero(struct test_kernel *k, struct harness *h) {
  (void)h;
  sets(k, 0, ELFGEN_SH_INFO, 0);
}
static void xnum_count_huge(struct test_kernel *k, struct harness *h) {
  (void)h;
  sets(k, 0, ELFGEN_SH_INFO, 100000);
}
static void xnum_count_past_file(struct test_kernel *k, struct harness *h) {
  (void)h;
  sets(k, 0, ELFGEN_SH_INFO, 4000);
}

/* ---- segments ---- */

static void no_load(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->segs[0].type = 6;          /* PT_PHDR */
  k->segs[1].type = 0x6474e551; /* PT_GNU_STACK */
}
static void loads_empty(struct test_kernel *k, struct harness *h) {
  (void)h; /* PT_LOADs that occupy no memory do not count as a kernel */
  k->segs[0].filesz = k->segs[0].memsz = 0;
  k->segs[1].filesz = k->segs[1].memsz = 0;
}
static void seg_offset_out(struct test_kernel *k, struct harness *h) {
  (void)h;
  setp(k, 0, ELFGEN_P_OFFSET, k->len - 16);
}
static void seg_filesz_out(struct test_kernel *k, struct harness *h) {
  (void)h;
  setp(k, 1, ELFGEN_P_FILESZ, k->len);
  setp(k, 1, ELFGEN_P_MEMSZ, k->len);
}
static void seg_offset_wrap(struct test_kernel *k, struct harness *h) {
  (void)h;
  setp(k, 0, ELFGEN_P_OFFSET, k->spec.elf_class == 64 ? UINT64_MAX - 0x100 : UINT32_MAX - 0x100);
}
static void filesz_gt_memsz(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->segs[1].memsz = TK_DATA_FILESZ - 1;
}
static void memsz_zero_filesz(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->segs[1].memsz = 0;
}
static void addr_wraps(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->segs[1].paddr = UINT64_MAX - 0xfff;
}
static void above_4g(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->segs[1].paddr = 0x100000000ull;
}
static void straddles_4g(struct test_kernel *k, struct harness *h) {
  (void)h; /* ELF32 too: paddr + memsz may end past 4 GiB */
  k->segs[1].paddr = 0xfffff000ull;
}
static void in_reserved(struct test_kernel *k, struct harness *h) {
  (void)h; /* the VGA/BIOS hole of the standard map */
  k->segs[1].paddr = 0xa0000;
}
static void past_ram(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->segs[1].paddr = H_RAM + 0x10000;
}
static void straddles_ram_end(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->segs[1].paddr = H_RAM - 0x1000; /* file bytes fit, the BSS does not */
}
static void overlap_segments(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->segs[1].paddr = TK_TEXT + 0x1000;
}
static void overlap_bss(struct test_kernel *k, struct harness *h) {
  (void)h; /* a third segment that lands in segment 1's zero-fill */
  tk_add_seg(k, ELFGEN_LOAD(TK_DATA + TK_DATA_MEMSZ - 0x800, 0x100, 0x100, ELFGEN_PF_R));
}

/* ---- notes ---- */

static void pt_note_out(struct test_kernel *k, struct harness *h) {
  (void)h;
  setp(k, 2, ELFGEN_P_OFFSET, k->len - 8);
}
static void pt_note_filesz_out(struct test_kernel *k, struct harness *h) {
  (void)h;
  setp(k, 2, ELFGEN_P_FILESZ, k->len);
}
static void note_desc_past_end(struct test_kernel *k, struct harness *h) {
  (void)h; /* descsz says 100 but the container ends after 8 */
  struct elfgen_buf b = {0};
  elfgen_note_raw(&b, 4, 100, 18, "Xen\0\0\0\x10\0\0\0\0\0", 12);
  replace_notes(k, &b);
}
static void note_name_huge(struct test_kernel *k, struct harness *h) {
  (void)h; /* namesz near 2^32: the padded size must not wrap */
  struct elfgen_buf b = {0};
  elfgen_note_raw(&b, 0xfffffffdu, 4, 18, "Xen\0\0\0\x10\0", 8);
  replace_notes(k, &b);
}
static void note_pvh_then_bad(struct test_kernel *k, struct harness *h) {
  (void)h; /* a good PVH note followed by a broken one: the walk still fails */
  struct elfgen_buf b = {0};
  elfgen_note_pvh(&b, TK_ENTRY, 4);
  elfgen_note_raw(&b, 8, 8, 1, "GNU", 4);
  replace_notes(k, &b);
}
static void note_unpadded_desc(struct test_kernel *k, struct harness *h) {
  (void)h; /* desc of 3 bytes with its padding missing at the container end */
  struct elfgen_buf b = {0};
  elfgen_note_pvh(&b, TK_ENTRY, 4);
  elfgen_note_raw(&b, 4, 3, 7, "Xen\0abc", 7);
  replace_notes(k, &b);
}
static void too_many_notes(struct test_kernel *k, struct harness *h) {
  (void)h;
  struct elfgen_buf b = {0};
  for (unsigned i = 0; i < PVH_NOTE_MAX_COUNT; i++)
    elfgen_note(&b, NULL, 0, NULL, 0);
  elfgen_note_pvh(&b, TK_ENTRY, 4); /* note number MAX+1 */
  replace_notes(k, &b);
}
static void too_many_notes_across(struct test_kernel *k, struct harness *h) {
  (void)h;                       /* the limit is for the whole file, not per container */
  static struct elfgen_buf half; /* referenced by the segment until build */
  elfgen_buf_free(&half);
  for (unsigned i = 0; i < PVH_NOTE_MAX_COUNT / 2 + 1; i++)
    elfgen_note(&half, "X", 1, NULL, 0);
  tk_add_seg(k, ELFGEN_NOTE_SEG(&half));
  tk_add_seg(k, ELFGEN_NOTE_SEG(&half));
  k->segs[2].type = ELFGEN_PT_NULL;
}
static void pvh_desc(struct test_kernel *k, uint32_t size) {
  struct elfgen_buf b = {0};
  elfgen_note_pvh(&b, TK_ENTRY, size);
  replace_notes(k, &b);
}
static void desc_2(struct test_kernel *k, struct harness *h) {
  (void)h;
  pvh_desc(k, 2);
}
static void desc_0(struct test_kernel *k, struct harness *h) {
  (void)h;
  pvh_desc(k, 0);
}
static void desc_16(struct test_kernel *k, struct harness *h) {
  (void)h;
  pvh_desc(k, 16);
}
static void conflict_same(struct test_kernel *k, struct harness *h) {
  (void)h;
  struct elfgen_buf b = {0};
  elfgen_note_pvh(&b, TK_ENTRY, 4);
  elfgen_note_pvh(&b, TK_ENTRY + 4, 8);
  replace_notes(k, &b);
}
static void conflict_two_segments(struct test_kernel *k, struct harness *h) {
  (void)h;
  static struct elfgen_buf other;
  elfgen_buf_free(&other);
  elfgen_note_pvh(&other, TK_ENTRY + 0x10, 4);
  tk_add_seg(k, ELFGEN_NOTE_SEG(&other));
}
static void conflict_sections(struct test_kernel *k, struct harness *h) {
  static struct elfgen_buf other;
  notes_in_section_only(k, h);
  elfgen_buf_free(&other);
  elfgen_note_pvh(&other, 0x101000, 4);
  tk_add_sec(k, ELFGEN_NOTE_SEC(".note.other", &other));
}
static void no_pvh(struct test_kernel *k, struct harness *h) {
  (void)h; /* look-alikes only: other Xen notes, PHYS32_ENTRY type with other owners */
  struct elfgen_buf b = {0};
  elfgen_note(&b, "GNU", 3, "abcd", 4);
  elfgen_note(&b, "Xen", 1, "linux", 5); /* XEN_ELFNOTE_INFO... not 18 */
  elfgen_note(&b, "XEN", 18, "\x40\0\x10\0", 4);
  elfgen_note(&b, "Xe", 18, "\x40\0\x10\0", 4);
  elfgen_note(&b, "Xen!", 18, "\x40\0\x10\0", 4);
  replace_notes(k, &b);
}
static void no_notes_at_all(struct test_kernel *k, struct harness *h) {
  (void)h;
  k->segs[2].type = ELFGEN_PT_NULL;
}
static void entry_4g(struct test_kernel *k, struct harness *h) {
  (void)h;
  struct elfgen_buf b = {0};
  elfgen_note_pvh(&b, 0x100000000ull + TK_ENTRY, 8);
  replace_notes(k, &b);
}
/* QEMU treats PHYS32_ENTRY 0 as no PVH note; so does libpvh (entry-zero). */
static void entry_zero(struct test_kernel *k, struct harness *h) {
  (void)h;
  struct elfgen_buf b = {0};
  elfgen_note_pvh(&b, 0, 8);
  replace_notes(k, &b);
}
static void set_entry(struct test_kernel *k, uint64_t entry) {
  struct elfgen_buf b = {0};
  elfgen_note_pvh(&b, entry, 4);
  replace_notes(k, &b);
}
static void entry_in_data(struct test_kernel *k, struct harness *h) {
  (void)h;
  set_entry(k, TK_DATA + 0x10);
}
static void entry_nowhere(struct test_kernel *k, struct harness *h) {
  (void)h;
  set_entry(k, 0x800000);
}
static void entry_in_text_bss(struct test_kernel *k, struct harness *h) {
  (void)h; /* executable segment, but past its file bytes */
  k->segs[0].memsz = TK_TEXT_SIZE + 0x1000;
  set_entry(k, TK_TEXT + TK_TEXT_SIZE + 0x10);
}
static void entry_one_past(struct test_kernel *k, struct harness *h) {
  (void)h;
  set_entry(k, TK_TEXT + TK_TEXT_SIZE);
}

/* ---- config and layout ---- */

static void cmdline_too_long(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->cfg.layout.cmdline_size = 16;
  h->cfg.cmdline = "0123456789abcdef"; /* 16 chars + NUL = 17 */
}
static void memmap_empty(struct test_kernel *k, struct harness *h) {
  (void)k;
  h_set_map(h, h->map, 0);
}
static void memmap_zero_size(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->map[h->nmap] = (struct pvh_mem_region){0x20000000, 0, PVH_MEM_RESERVED};
  h_set_map(h, h->map, h->nmap + 1);
}
static void memmap_overlap(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->map[h->nmap] = (struct pvh_mem_region){0x80000, 0x1000, PVH_MEM_ACPI};
  h_set_map(h, h->map, h->nmap + 1);
}
static void memmap_bad_type(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->map[h->nmap] = (struct pvh_mem_region){0x20000000, 0x1000, 8};
  h_set_map(h, h->map, h->nmap + 1);
}
static void memmap_type_zero(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->map[h->nmap] = (struct pvh_mem_region){0x20000000, 0x1000, 0};
  h_set_map(h, h->map, h->nmap + 1);
}
static void memmap_wraps(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->map[h->nmap] = (struct pvh_mem_region){UINT64_MAX - 0xfff, 0x1000, PVH_MEM_RESERVED};
  h_set_map(h, h->map, h->nmap + 1);
}
static void memmap_over_limit(struct test_kernel *k, struct harness *h) {
  (void)k; /* the caller map itself is capped at PVH_MEMMAP_MAX_REGIONS: pass one more */
  static struct pvh_mem_region many[PVH_MEMMAP_MAX_REGIONS + 1];
  for (size_t i = 0; i < PVH_MEMMAP_MAX_REGIONS + 1; i++)
    many[i] = (struct pvh_mem_region){0x100000000ull + i * 0x1000, 0x1000, PVH_MEM_RESERVED};
  h->rb.bus.regions = many;
  h->rb.bus.nr_regions = PVH_MEMMAP_MAX_REGIONS + 1;
}
static void memmap_area_too_small(struct test_kernel *k, struct harness *h) {
  (void)k; /* 3 regions, room for 2 */
  h->cfg.layout.memmap_size = 2 * sizeof(struct hvm_memmap_table_entry);
}
static void memmap_area_empty(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->cfg.layout.memmap_size = sizeof(struct hvm_memmap_table_entry) - 1;
}
static uint8_t initrd_bytes[0x10000];
static struct pvh_image initrd;
static void with_initrd(struct harness *h, size_t size) {
  memset(initrd_bytes, 0x5a, sizeof(initrd_bytes));
  pvh_image_from_buffer(&initrd, initrd_bytes, size, "initrd");
  h->cfg.initramfs = &initrd;
}
static void initrd_no_room_ceiling(struct test_kernel *k, struct harness *h) {
  (void)k; /* only 0x8000 bytes between the kernel end and the ceiling */
  with_initrd(h, sizeof(initrd_bytes));
  h->cfg.layout.initramfs_ceiling = TK_DATA + TK_DATA_MEMSZ + 0x8000;
}
static void initrd_no_room_ram(struct test_kernel *k, struct harness *h) {
  (void)k; /* ceiling above RAM: the RAM end is the limit; kernel fills RAM to 8 MiB */
  with_initrd(h, sizeof(initrd_bytes));
  uint64_t ram = TK_DATA + TK_DATA_MEMSZ + 0x4000;
  h->nmap = pvh_memmap_standard(ram, h->map, PVH_MEMMAP_MAX_REGIONS);
  h_set_map(h, h->map, h->nmap);
}
static void initrd_below_kernel_only(struct test_kernel *k, struct harness *h) {
  (void)k; /* no room above; below, the kernel starts at the 1 MiB floor of the fallback */
  with_initrd(h, sizeof(initrd_bytes));
  h->cfg.layout.initramfs_ceiling = TK_DATA + TK_DATA_MEMSZ;
}
static void initrd_align_below_kernel(struct test_kernel *k, struct harness *h) {
  (void)k; /* the gap above the kernel fits the size, but 1 MiB alignment lands below it */
  with_initrd(h, sizeof(initrd_bytes));
  h->cfg.layout.initramfs_align = 0x100000;
  h->cfg.layout.initramfs_ceiling = 0x480000;
}
static void initrd_empty(struct test_kernel *k, struct harness *h) {
  (void)k;
  with_initrd(h, 0);
}
static void initrd_bad_align(struct test_kernel *k, struct harness *h) {
  (void)k;
  with_initrd(h, 100);
  h->cfg.layout.initramfs_align = 0x3000;
}
/* start_info reads paddr 0 as "none": data placed there would be lost
 * (found by the fuzz_layout campaign, fixed in 9c4f64f). */
static void cmdline_at_zero(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->cfg.cmdline = "console=ttyS0";
  h->cfg.layout.cmdline_paddr = 0;
  h->cfg.layout.cmdline_size = 0x100;
}
static void memmap_at_zero(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->cfg.layout.memmap_paddr = 0;
  h->cfg.layout.memmap_size = 0x100;
}
static void gdt_in_hole(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->cfg.layout.gdt_paddr = 0xa0000;
}
static void start_info_past_ram(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->cfg.layout.start_info_paddr = H_RAM + 0x1000;
}
static void memmap_straddles_hole(struct test_kernel *k, struct harness *h) {
  (void)k; /* starts in RAM, runs into the EBDA */
  h->cfg.layout.memmap_paddr = PVH_LOW_RAM_END - 0x10;
  h->cfg.layout.memmap_size = 0x1000;
}
static void cmdline_above_4g(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->cfg.cmdline = "console=ttyS0";
  h->cfg.layout.cmdline_paddr = 0xffff8000ull; /* + 0x10000 reserved ends past 4 GiB */
}
static void gdt_at_4g(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->cfg.layout.gdt_paddr = 0x100000000ull;
}
static void start_info_wraps(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->cfg.layout.start_info_paddr = UINT64_MAX - 8;
}
static void high_ram_layout(struct test_kernel *k, struct harness *h) {
  (void)k; /* RAM above 4 GiB exists, but start_info must stay 32-bit addressable */
  h->nmap = pvh_memmap_standard(8ull << 30, h->map, PVH_MEMMAP_MAX_REGIONS);
  h_set_map(h, h->map, h->nmap);
  h->cfg.layout.start_info_paddr = 0x100001000ull;
}
static void kernel_over_gdt(struct test_kernel *k, struct harness *h) {
  (void)h; /* a kernel linked low, on top of the default boot data */
  k->segs[0].paddr = k->segs[0].vaddr = 0x0;
  set_entry(k, 0x40);
}
static void cmdline_in_kernel(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->cfg.cmdline = "console=ttyS0";
  h->cfg.layout.cmdline_paddr = TK_DATA + 0x2000; /* in the BSS */
}
static void memmap_on_start_info(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->cfg.layout.memmap_paddr = h->cfg.layout.start_info_paddr + 8;
}
static void gdt_in_memmap(struct test_kernel *k, struct harness *h) {
  (void)k;
  h->cfg.layout.gdt_paddr = h->cfg.layout.memmap_paddr + 0x10;
}

#define C(what, cls, pre, post, code, name, ...)                                                             \
  { what, cls, pre, post, code, name, __VA_ARGS__ }

static const struct error_case cases[] = {
    C("truncated-ident", 0, NULL, truncate_ident, PVH_E_ELF_TRUNCATED, "elf-truncated", "10 bytes"),
    C("truncated-empty", 0, NULL, truncate_empty, PVH_E_ELF_TRUNCATED, "elf-truncated", "0 bytes"),
    C("truncated-ehdr", 0, NULL, truncate_ehdr, PVH_E_ELF_TRUNCATED, "elf-truncated", "header"),
    C("bad-magic", 0, NULL, bad_magic, PVH_E_ELF_MAGIC, "elf-bad-magic", "magic"),
    C("bad-class", 0, NULL, bad_class, PVH_E_ELF_CLASS, "elf-bad-class", "EI_CLASS is 3"),
    C("class-none", 0, NULL, class_none, PVH_E_ELF_CLASS, "elf-bad-class", "EI_CLASS is 0"),
    C("big-endian", 0, NULL, big_endian, PVH_E_ELF_DATA, "elf-not-little-endian", "EI_DATA is 2"),
    C("ident-version", 0, NULL, bad_ident_version, PVH_E_ELF_VERSION, "elf-bad-version", "EI_VERSION is 0"),
    C("e-version", 0, NULL, bad_e_version, PVH_E_ELF_VERSION, "elf-bad-version", "e_version is 2"),
    C("machine-other-class", 0, NULL, wrong_machine, PVH_E_ELF_MACHINE, "elf-bad-machine", "e_machine"),
    C("machine-arm", 0, NULL, arm_machine, PVH_E_ELF_MACHINE, "elf-bad-machine", "e_machine is 40"),
    C("type-dyn", 0, NULL, type_dyn, PVH_E_ELF_TYPE, "elf-bad-type", "e_type is 3"),
    C("type-rel", 0, NULL, type_rel, PVH_E_ELF_TYPE, "elf-bad-type", "e_type is 1"),
    C("ehsize", 0, NULL, bad_ehsize, PVH_E_ELF_EHSIZE, "elf-bad-ehsize", "e_ehsize"),
    C("phentsize", 0, NULL, bad_phentsize, PVH_E_ELF_PHENTSIZE, "elf-bad-phentsize", "e_phentsize"),
    C("phentsize-zero", 0, NULL, zero_phentsize, PVH_E_ELF_PHENTSIZE, "elf-bad-phentsize",
      "e_phentsize is 0"),
    C("phoff-out", 0, NULL, phoff_out, PVH_E_ELF_PHDRS_BOUNDS, "phdrs-out-of-file", "e_phoff"),
    C("phoff-wraps", 0, NULL, phoff_huge, PVH_E_ELF_PHDRS_BOUNDS, "phdrs-out-of-file", "e_phoff"),
    C("phnum-past-file", 0, NULL, phnum_beyond_file, PVH_E_ELF_PHDRS_BOUNDS, "phdrs-out-of-file", "4000"),
    C("too-many-phdrs", 0, NULL, too_many_phdrs, PVH_E_ELF_TOO_MANY_PHDRS, "too-many-phdrs", "4097"),
    C("phnum-zero", 0, NULL, phnum_zero, PVH_E_NO_LOAD_SEGMENTS, "no-load-segments", "e_phnum is 0"),
    C("shentsize", 0, notes_in_section_only, sec_bad_shentsize, PVH_E_ELF_SHENTSIZE, "elf-bad-shentsize",
      "e_shentsize is 12"),
    C("shoff-out", 0, notes_in_section_only, sec_shoff_out, PVH_E_ELF_SHDRS_BOUNDS, "shdrs-out-of-file",
      "e_shoff"),
    C("shnum-past-file", 0, notes_in_section_only, sec_shnum_beyond, PVH_E_ELF_SHDRS_BOUNDS,
      "shdrs-out-of-file", "65279"),
    C("too-many-shdrs", 0, notes_in_section_only, sec_too_many, PVH_E_ELF_TOO_MANY_SHDRS, "too-many-shdrs",
      "65537"),
    C("sht-note-out", 0, notes_in_section_only, sec_note_out, PVH_E_NOTE_BOUNDS, "note-out-of-file",
      "section 1"),
    C("xnum-no-shdrs", 0, want_xnum, xnum_no_shdrs, PVH_E_ELF_XNUM, "elf-bad-xnum", "e_shoff is 0"),
    C("xnum-shentsize", 0, want_xnum, xnum_bad_shentsize, PVH_E_ELF_SHENTSIZE, "elf-bad-shentsize",
      "e_shentsize is 1"),
    C("xnum-shoff-out", 0, want_xnum, xnum_shoff_out, PVH_E_ELF_SHDRS_BOUNDS, "shdrs-out-of-file", "e_shoff"),
    C("xnum-count-zero", 0, want_xnum, xnum_count_zero, PVH_E_NO_LOAD_SEGMENTS, "no-load-segments", NULL),
    C("xnum-count-huge", 0, want_xnum, xnum_count_huge, PVH_E_ELF_TOO_MANY_PHDRS, "too-many-phdrs", "100000"),
    C("xnum-count-past-file", 0, want_xnum, xnum_count_past_file, PVH_E_ELF_PHDRS_BOUNDS, "phdrs-out-of-file",
      "4000"),
    C("no-pt-load", 0, no_load, NULL, PVH_E_NO_LOAD_SEGMENTS, "no-load-segments", "PT_LOAD"),
    C("pt-load-all-empty", 0, loads_empty, NULL, PVH_E_NO_LOAD_SEGMENTS, "no-load-segments", NULL),
    C("seg-offset-out", 0, NULL, seg_offset_out, PVH_E_SEG_FILE_BOUNDS, "segment-out-of-file", "PT_LOAD 0"),
    C("seg-filesz-out", 0, NULL, seg_filesz_out, PVH_E_SEG_FILE_BOUNDS, "segment-out-of-file", "PT_LOAD 1"),
    C("seg-offset-wraps", 0, NULL, seg_offset_wrap, PVH_E_SEG_FILE_BOUNDS, "segment-out-of-file",
      "PT_LOAD 0"),
    C("filesz-gt-memsz", 0, filesz_gt_memsz, NULL, PVH_E_SEG_FILESZ, "segment-filesz-exceeds-memsz",
      "p_filesz 0x1000"),
    C("memsz-zero-with-file-bytes", 0, memsz_zero_filesz, NULL, PVH_E_SEG_FILESZ,
      "segment-filesz-exceeds-memsz", "p_memsz 0x0"),
    C("addr-wraps", 64, addr_wraps, NULL, PVH_E_SEG_OVERFLOW, "segment-address-overflow",
      "0xfffffffffffff000"),
    C("above-4g", 64, above_4g, NULL, PVH_E_SEG_ABOVE_4G, "segment-above-4g", "0x100000000"),
    C("straddles-4g", 0, straddles_4g, NULL, PVH_E_SEG_ABOVE_4G, "segment-above-4g", "0xfffff000"),
    C("in-reserved", 0, in_reserved, NULL, PVH_E_SEG_NOT_RAM, "segment-out-of-ram", "0xa0000"),
    C("past-ram", 0, past_ram, NULL, PVH_E_SEG_NOT_RAM, "segment-out-of-ram", "0x10010000"),
    C("bss-past-ram", 0, straddles_ram_end, NULL, PVH_E_SEG_NOT_RAM, "segment-out-of-ram", "bss"),
    C("overlap", 0, overlap_segments, NULL, PVH_E_SEG_OVERLAP, "segment-overlap", "PT_LOAD 1"),
    C("overlap-bss", 0, overlap_bss, NULL, PVH_E_SEG_OVERLAP, "segment-overlap", "PT_LOAD 3"),
    C("pt-note-offset-out", 0, NULL, pt_note_out, PVH_E_NOTE_BOUNDS, "note-out-of-file", "PT_NOTE 2"),
    C("pt-note-filesz-out", 0, NULL, pt_note_filesz_out, PVH_E_NOTE_BOUNDS, "note-out-of-file", "PT_NOTE 2"),
    C("note-desc-past-end", 0, note_desc_past_end, NULL, PVH_E_NOTE_MALFORMED, "note-malformed",
      "descsz 0x64"),
    C("note-namesz-huge", 0, note_name_huge, NULL, PVH_E_NOTE_MALFORMED, "note-malformed", "0xfffffffd"),
    C("note-broken-after-pvh", 0, note_pvh_then_bad, NULL, PVH_E_NOTE_MALFORMED, "note-malformed", "+0x14"),
    C("note-unpadded-desc", 0, note_unpadded_desc, NULL, PVH_E_NOTE_MALFORMED, "note-malformed",
      "descsz 0x3"),
    C("too-many-notes", 0, too_many_notes, NULL, PVH_E_NOTE_TOO_MANY, "too-many-notes", "4096"),
    C("too-many-notes-across", 0, too_many_notes_across, NULL, PVH_E_NOTE_TOO_MANY, "too-many-notes", NULL),
    C("pvh-desc-2", 0, desc_2, NULL, PVH_E_NOTE_DESC_SIZE, "pvh-note-bad-size", "2 bytes"),
    C("pvh-desc-0", 0, desc_0, NULL, PVH_E_NOTE_DESC_SIZE, "pvh-note-bad-size", "0 bytes"),
    C("pvh-desc-16", 0, desc_16, NULL, PVH_E_NOTE_DESC_SIZE, "pvh-note-bad-size", "16 bytes"),
    C("conflict-one-segment", 0, conflict_same, NULL, PVH_E_NOTE_CONFLICT, "pvh-note-conflict", "0x100044"),
    C("conflict-two-segments", 0, conflict_two_segments, NULL, PVH_E_NOTE_CONFLICT, "pvh-note-conflict",
      "0x100050"),
    C("conflict-sections", 0, conflict_sections, NULL, PVH_E_NOTE_CONFLICT, "pvh-note-conflict", "0x101000"),
    C("no-pvh-note", 0, no_pvh, NULL, PVH_E_NO_PVH_NOTE, "no-pvh-note", "5 "),
    C("no-notes", 0, no_notes_at_all, NULL, PVH_E_NO_PVH_NOTE, "no-pvh-note", NULL),
    C("entry-zero", 0, entry_zero, NULL, PVH_E_ENTRY_ZERO, "entry-zero", "PHYS32_ENTRY is 0"),
    C("entry-4g", 0, entry_4g, NULL, PVH_E_ENTRY_ABOVE_4G, "entry-above-4g", "0x100100040"),
    C("entry-in-data", 0, entry_in_data, NULL, PVH_E_ENTRY_NOT_LOADED, "entry-not-in-segment", "0x400010"),
    C("entry-nowhere", 0, entry_nowhere, NULL, PVH_E_ENTRY_NOT_LOADED, "entry-not-in-segment", "0x800000"),
    C("entry-in-text-bss", 0, entry_in_text_bss, NULL, PVH_E_ENTRY_NOT_LOADED, "entry-not-in-segment",
      "0x102010"),
    C("entry-one-past-text", 0, entry_one_past, NULL, PVH_E_ENTRY_NOT_LOADED, "entry-not-in-segment",
      "0x102000"),
    C("cmdline-too-long", 0, cmdline_too_long, NULL, PVH_E_CMDLINE_TOO_LONG, "cmdline-too-long", "16"),
    C("memmap-empty", 0, memmap_empty, NULL, PVH_E_MEMMAP_INVALID, "memmap-invalid", NULL),
    C("memmap-zero-size", 0, memmap_zero_size, NULL, PVH_E_MEMMAP_INVALID, "memmap-invalid", "size 0"),
    C("memmap-overlap", 0, memmap_overlap, NULL, PVH_E_MEMMAP_INVALID, "memmap-invalid", "overlap"),
    C("memmap-type-8", 0, memmap_bad_type, NULL, PVH_E_MEMMAP_INVALID, "memmap-invalid", "type 8"),
    C("memmap-type-0", 0, memmap_type_zero, NULL, PVH_E_MEMMAP_INVALID, "memmap-invalid", "type 0"),
    C("memmap-wraps", 0, memmap_wraps, NULL, PVH_E_MEMMAP_INVALID, "memmap-invalid", "0xfffffffffffff000"),
    C("memmap-over-limit", 0, memmap_over_limit, NULL, PVH_E_MEMMAP_INVALID, "memmap-invalid", "4097"),
    C("memmap-area-small", 0, memmap_area_too_small, NULL, PVH_E_MEMMAP_TOO_MANY, "memmap-too-many-entries",
      "3 "),
    C("memmap-area-empty", 0, memmap_area_empty, NULL, PVH_E_MEMMAP_TOO_MANY, "memmap-too-many-entries",
      NULL),
    C("initrd-ceiling", 0, initrd_no_room_ceiling, NULL, PVH_E_INITRAMFS_NO_ROOM, "initramfs-no-room",
      "0x40b000"),
    C("initrd-ram-full", 0, initrd_no_room_ram, NULL, PVH_E_INITRAMFS_NO_ROOM, "initramfs-no-room", NULL),
    C("initrd-only-below-kernel", 0, initrd_below_kernel_only, NULL, PVH_E_INITRAMFS_NO_ROOM,
      "initramfs-no-room", NULL),
    C("initrd-align-below-kernel", 0, initrd_align_below_kernel, NULL, PVH_E_INITRAMFS_NO_ROOM,
      "initramfs-no-room", "aligned 0x100000"),
    C("initrd-empty", 0, initrd_empty, NULL, PVH_E_INVALID_ARG, "invalid-argument", "empty"),
    C("initrd-align", 0, initrd_bad_align, NULL, PVH_E_INVALID_ARG, "invalid-argument", "0x3000"),
    C("cmdline-at-paddr-0", 0, cmdline_at_zero, NULL, PVH_E_INVALID_ARG, "invalid-argument", "cmdline_paddr"),
    C("memmap-at-paddr-0", 0, memmap_at_zero, NULL, PVH_E_INVALID_ARG, "invalid-argument", "memmap_paddr"),
    C("gdt-in-hole", 0, gdt_in_hole, NULL, PVH_E_LAYOUT_NOT_RAM, "layout-out-of-ram", "gdt"),
    C("start-info-past-ram", 0, start_info_past_ram, NULL, PVH_E_LAYOUT_NOT_RAM, "layout-out-of-ram",
      "start_info"),
    C("memmap-into-ebda", 0, memmap_straddles_hole, NULL, PVH_E_LAYOUT_NOT_RAM, "layout-out-of-ram",
      "memmap"),
    C("cmdline-above-4g", 0, cmdline_above_4g, NULL, PVH_E_LAYOUT_ABOVE_4G, "layout-above-4g", "cmdline"),
    C("gdt-at-4g", 0, gdt_at_4g, NULL, PVH_E_LAYOUT_ABOVE_4G, "layout-above-4g", "gdt"),
    C("start-info-wraps", 0, start_info_wraps, NULL, PVH_E_LAYOUT_ABOVE_4G, "layout-above-4g", "start_info"),
    C("start-info-high-ram", 0, high_ram_layout, NULL, PVH_E_LAYOUT_ABOVE_4G, "layout-above-4g",
      "start_info"),
    C("kernel-over-boot-data", 0, kernel_over_gdt, NULL, PVH_E_LAYOUT_OVERLAP, "layout-overlap", "gdt"),
    C("cmdline-in-kernel-bss", 0, cmdline_in_kernel, NULL, PVH_E_LAYOUT_OVERLAP, "layout-overlap", "cmdline"),
    C("memmap-on-start-info", 0, memmap_on_start_info, NULL, PVH_E_LAYOUT_OVERLAP, "layout-overlap",
      "memmap"),
    C("gdt-in-memmap", 0, gdt_in_memmap, NULL, PVH_E_LAYOUT_OVERLAP, "layout-overlap", "gdt"),
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* cmocka state for one row and one class. */
struct row {
  const struct error_case *c;
  int elf_class;
};

static void run_row(void **state) {
  const struct row *r = *state;
  struct test_kernel k;
  struct harness *h = h_new(H_RAM);
  tk_init(&k, r->elf_class);
  if (r->c->pre)
    r->c->pre(&k, h);
  tk_build(&k);
  if (r->c->post)
    r->c->post(&k, h);
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
