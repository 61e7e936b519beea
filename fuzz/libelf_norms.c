/* SPDX-License-Identifier: MIT */
/* libelf_norms_check: the differential oracle's normalisations (N1-N6 in
 * oracle_libelf.c) rest on how libelf behaves; this checks each of those
 * behaviours against the libelf the oracle was linked with (in OSS-Fuzz and
 * ClusterFuzzLite builds the pinned elfutils 0.188, see oss-fuzz/deps.sh), so
 * an image with another libelf cannot silently change the oracle's verdicts.
 * Exit 0: every assumption holds; 1: the ones that do not are printed. */
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define EXPECT(cond, ...)                                                                                    \
  do {                                                                                                       \
    if (!(cond)) {                                                                                           \
      fprintf(stderr, "libelf_norms_check: FAIL %s:%d: ", __FILE__, __LINE__);                               \
      fprintf(stderr, __VA_ARGS__);                                                                          \
      fputc('\n', stderr);                                                                                   \
      failures++;                                                                                            \
    }                                                                                                        \
  } while (0)

static void put(uint8_t *p, uint64_t v, unsigned width) {
  for (unsigned i = 0; i < width; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

/* A little-endian x86-64 (or i386) executable: ELF header, `nph` program
 * headers at 64 (ELF64) / 52 (ELF32), nothing else. */
static void ehdr(uint8_t *f, int is64, uint16_t nph, uint64_t phoff) {
  memcpy(f, "\177ELF", 4);
  f[4] = is64 ? 2 : 1;
  f[5] = 1; /* little endian */
  f[6] = 1;
  put(f + 16, 2, 2);             /* ET_EXEC */
  put(f + 18, is64 ? 62 : 3, 2); /* EM_X86_64 / EM_386 */
  put(f + 20, 1, 4);             /* EV_CURRENT */
  put(f + (is64 ? 32 : 28), phoff, is64 ? 8 : 4);
  put(f + (is64 ? 52 : 40), is64 ? 64 : 52, 2); /* e_ehsize */
  put(f + (is64 ? 54 : 42), is64 ? 56 : 32, 2); /* e_phentsize */
  put(f + (is64 ? 56 : 44), nph, 2);
  put(f + (is64 ? 58 : 46), is64 ? 64 : 40, 2); /* e_shentsize */
}

static void phdr64(uint8_t *f, unsigned i, uint32_t type, uint64_t off, uint64_t paddr, uint64_t filesz,
                   uint64_t memsz, uint64_t align) {
  uint8_t *p = f + 64 + 56 * i;
  put(p, type, 4);
  put(p + 4, 5, 4);
  put(p + 8, off, 8);
  put(p + 16, paddr, 8);
  put(p + 24, paddr, 8);
  put(p + 32, filesz, 8);
  put(p + 40, memsz, 8);
  put(p + 48, align, 8);
}

static Elf *open_mem(uint8_t *buf, size_t size) {
  Elf *e = elf_memory((char *)buf, size);
  EXPECT(e && elf_kind(e) == ELF_K_ELF, "elf_memory refused a well-formed header: %s", elf_errmsg(-1));
  return e;
}

/* N1: a note's name and desc are padded to 4 bytes as ELF_T_NHDR and to 8 as
 * ELF_T_NHDR8 (what libelf uses for 8-aligned note sections and segments). */
static void n1_padding(void) {
  /* namesz 5 ("Xen1\0"), descsz 4, then a second note: where the second one
   * starts tells the padding. */
  uint8_t notes[64] = {0};
  put(notes, 5, 4);
  put(notes + 4, 4, 4);
  put(notes + 8, 18, 4);
  memcpy(notes + 12, "Xen1", 5);
  Elf *e;
  uint8_t f[512] = {0};
  ehdr(f, 1, 1, 64);
  memcpy(f + 256, notes, sizeof(notes));
  phdr64(f, 0, PT_NOTE, 256, 0, sizeof(notes), sizeof(notes), 4);
  if (!(e = open_mem(f, sizeof(f))))
    return;
  for (int eight = 0; eight < 2; eight++) {
    Elf_Data *d = elf_getdata_rawchunk(e, 256, sizeof(notes), eight ? ELF_T_NHDR8 : ELF_T_NHDR);
    EXPECT(d != NULL, "elf_getdata_rawchunk(%s): %s", eight ? "NHDR8" : "NHDR", elf_errmsg(-1));
    if (!d)
      continue;
    GElf_Nhdr nh;
    size_t name_off, desc_off;
    size_t next = gelf_getnote(d, 0, &nh, &name_off, &desc_off);
    EXPECT(nh.n_namesz == 5 && nh.n_descsz == 4 && nh.n_type == 18, "note header read wrongly");
    EXPECT(name_off == 12, "name at %zu, not 12", name_off);
    /* 4-byte padding: name 5 -> 8, desc at 20, next note at 24. 8-byte: name
     * 5 -> 8 (12+5 rounded to 8 is 24: desc at 24), next at 32. */
    EXPECT(desc_off == (eight ? 24u : 20u), "%s: desc at %zu", eight ? "NHDR8" : "NHDR", desc_off);
    EXPECT(next == (eight ? 32u : 24u), "%s: next note at %zu", eight ? "NHDR8" : "NHDR", next);
  }
  elf_end(e);
}

/* N1, the rule itself: libelf reads a note section aligned to 8 as
 * ELF_T_NHDR8 and any other as ELF_T_NHDR (what libpvh follows). */
static void n1_section_type(void) {
  for (unsigned align = 0; align <= 16; align++) {
    uint8_t f[512] = {0};
    ehdr(f, 1, 0, 0);
    put(f + 40, 256, 8); /* e_shoff */
    put(f + 60, 2, 2);   /* e_shnum */
    uint8_t *sh = f + 256 + 64;
    put(sh + 4, SHT_NOTE, 4);
    put(sh + 24, 128, 8); /* sh_offset */
    put(sh + 32, 24, 8);  /* sh_size */
    put(sh + 48, align, 8);
    put(f + 128, 4, 4); /* a note: namesz 4, descsz 4, type 18, "Xen\0" */
    put(f + 132, 4, 4);
    put(f + 136, 18, 4);
    memcpy(f + 140, "Xen", 4);
    Elf *e = open_mem(f, sizeof(f));
    if (!e)
      return;
    Elf_Scn *scn = elf_getscn(e, 1);
    Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
    Elf_Type want = align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR;
    EXPECT(d && d->d_type == want, "sh_addralign %u: libelf reads the notes as type %d, want %s", align,
           d ? (int)d->d_type : -1, align == 8 ? "ELF_T_NHDR8" : "ELF_T_NHDR");
    elf_end(e);
  }
}

/* N2: libelf lists PT_LOAD entries with p_memsz 0 (the oracle drops them). */
static void n2_memsz_zero_listed(void) {
  uint8_t f[512] = {0};
  ehdr(f, 1, 2, 64);
  phdr64(f, 0, PT_LOAD, 0, 0x100000, 0x100, 0x100, 0x1000);
  phdr64(f, 1, PT_LOAD, 0, 0x200000, 0, 0, 0x1000);
  Elf *e = open_mem(f, sizeof(f));
  size_t n = 0;
  GElf_Phdr ph;
  if (!e)
    return;
  EXPECT(elf_getphdrnum(e, &n) == 0 && n == 2, "phnum %zu, want 2", n);
  EXPECT(gelf_getphdr(e, 1, &ph) && ph.p_type == PT_LOAD && ph.p_memsz == 0, "p_memsz 0 PT_LOAD not listed");
  elf_end(e);
}

/* N3: ELF32 fields are zero-extended (0x80000000 stays 0x80000000). */
static void n3_zero_extension(void) {
  uint8_t f[256] = {0};
  ehdr(f, 0, 1, 52);
  uint8_t *p = f + 52;
  put(p, PT_LOAD, 4);
  put(p + 4, 0, 4);
  put(p + 8, 0x80000000u, 4);
  put(p + 12, 0x80000000u, 4);
  put(p + 16, 0x10, 4);
  put(p + 20, 0xfffffff0u, 4);
  put(p + 24, 5, 4);
  Elf *e = open_mem(f, sizeof(f));
  GElf_Phdr ph;
  if (!e)
    return;
  EXPECT(gelf_getphdr(e, 0, &ph) && ph.p_paddr == 0x80000000ull && ph.p_memsz == 0xfffffff0ull,
         "ELF32 fields not zero-extended: paddr 0x%llx memsz 0x%llx", (unsigned long long)ph.p_paddr,
         (unsigned long long)ph.p_memsz);
  elf_end(e);
}

/* N4: gelf_getnote reports the owner's size with its NUL ("Xen\0" is 4) and
 * stops (returns 0) at a note that does not fit or at fewer than 12 bytes. */
static void n4_notes(void) {
  uint8_t f[512] = {0};
  uint8_t *n = f + 256;
  put(n, 4, 4);
  put(n + 4, 8, 4);
  put(n + 8, 18, 4);
  memcpy(n + 12, "Xen", 4);
  put(n + 16, 0x1000000, 8);
  /* a second note claiming more than is left */
  put(n + 24, 4, 4);
  put(n + 28, 0x100, 4);
  put(n + 32, 1, 4);
  ehdr(f, 1, 1, 64);
  phdr64(f, 0, PT_NOTE, 256, 0, 48, 48, 4);
  Elf *e = open_mem(f, sizeof(f));
  if (!e)
    return;
  Elf_Data *d = elf_getdata_rawchunk(e, 256, 48, ELF_T_NHDR);
  GElf_Nhdr nh;
  size_t name_off, desc_off, next = d ? gelf_getnote(d, 0, &nh, &name_off, &desc_off) : 0;
  EXPECT(next == 24 && nh.n_namesz == 4 && memcmp((char *)d->d_buf + name_off, "Xen", 4) == 0,
         "Xen note read wrongly (next %zu)", next);
  EXPECT(d && gelf_getnote(d, next, &nh, &name_off, &desc_off) == 0, "a note past the end was returned");
  elf_end(e);
}

/* N6: the case that made libpvh read 8-aligned containers both ways. A
 * PT_NOTE with p_align 8 holding a 4-padded GNU build-id note (20-byte desc)
 * and then the Xen PHYS32_ENTRY note, as linkers emit for Linux: walked as
 * ELF_T_NHDR8 the second note does not fit (the walk stops with bytes left);
 * walked as ELF_T_NHDR both fit and the entry is found. */
static void n6_four_padded_in_eight_aligned(void) {
  uint8_t notes[56] = {0};
  put(notes, 4, 4);
  put(notes + 4, 20, 4);
  put(notes + 8, 3, 4); /* NT_GNU_BUILD_ID */
  memcpy(notes + 12, "GNU", 4);
  for (unsigned i = 0; i < 20; i++)
    notes[16 + i] = (uint8_t)(i + 1);
  put(notes + 36, 4, 4);
  put(notes + 40, 4, 4);
  put(notes + 44, 18, 4);
  memcpy(notes + 48, "Xen", 4);
  put(notes + 52, 0x100000, 4);
  uint8_t f[512] = {0};
  ehdr(f, 1, 1, 64);
  memcpy(f + 256, notes, sizeof(notes));
  phdr64(f, 0, PT_NOTE, 256, 0, sizeof(notes), sizeof(notes), 8);
  Elf *e = open_mem(f, sizeof(f));
  if (!e)
    return;
  for (int eight = 1; eight >= 0; eight--) {
    Elf_Data *d = elf_getdata_rawchunk(e, 256, sizeof(notes), eight ? ELF_T_NHDR8 : ELF_T_NHDR);
    EXPECT(d != NULL, "elf_getdata_rawchunk: %s", elf_errmsg(-1));
    if (!d)
      continue;
    size_t pos = 0, next, name_off, desc_off;
    GElf_Nhdr nh;
    int entry_found = 0;
    while ((next = gelf_getnote(d, pos, &nh, &name_off, &desc_off)) > 0) {
      if (nh.n_type == 18 && nh.n_namesz == 4 && memcmp((char *)d->d_buf + name_off, "Xen", 4) == 0 &&
          nh.n_descsz == 4 && memcmp((char *)d->d_buf + desc_off, "\0\0\x10\0", 4) == 0)
        entry_found = 1;
      pos = next;
    }
    if (eight)
      EXPECT(sizeof(notes) - pos >= 12 && !entry_found, "NHDR8: the walk ended at %zu of %zu (entry %s)", pos,
             sizeof(notes), entry_found ? "found" : "not found");
    else
      EXPECT(pos == sizeof(notes) && entry_found, "NHDR: the walk ended at %zu of %zu (entry %s)", pos,
             sizeof(notes), entry_found ? "found" : "not found");
  }
  elf_end(e);
}

/* N5: libelf accepts what libpvh refuses (e_machine 0, ET_REL): only inputs
 * both accept are compared. And e_phoff 0 means no program header table. */
static void n5_acceptance(void) {
  uint8_t f[512] = {0};
  ehdr(f, 1, 1, 64);
  put(f + 16, 1, 2); /* ET_REL */
  put(f + 18, 0, 2); /* EM_NONE */
  phdr64(f, 0, PT_LOAD, 0, 0x100000, 0x10, 0x10, 0x1000);
  Elf *e = open_mem(f, sizeof(f));
  size_t n = 0;
  GElf_Phdr ph;
  if (!e)
    return;
  EXPECT(elf_getphdrnum(e, &n) == 0 && n == 1, "ET_REL/EM_NONE: phnum %zu", n);
  elf_end(e);
  ehdr(f, 1, 1, 0); /* e_phoff 0 */
  e = open_mem(f, sizeof(f));
  if (!e)
    return;
  EXPECT(elf_getphdrnum(e, &n) != 0 || n == 0 || !gelf_getphdr(e, 0, &ph),
         "e_phoff 0: libelf read a program header from the ELF header");
  elf_end(e);
}

int main(void) {
  if (elf_version(EV_CURRENT) == EV_NONE) {
    fprintf(stderr, "libelf_norms_check: elf_version: %s\n", elf_errmsg(-1));
    return 1;
  }
  n1_padding();
  n1_section_type();
  n2_memsz_zero_listed();
  n3_zero_extension();
  n4_notes();
  n5_acceptance();
  n6_four_padded_in_eight_aligned();
  if (failures) {
    fprintf(stderr, "libelf_norms_check: %d assumption(s) of the libelf oracle do not hold\n", failures);
    return 1;
  }
  printf("libelf_norms_check: the oracle's libelf normalisations N1-N6 hold\n");
  return 0;
}
