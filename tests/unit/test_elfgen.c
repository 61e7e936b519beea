/* SPDX-License-Identifier: MIT */
/* The generator checked against an independent reader (elfutils libelf):
 * if elfgen wrote a wrong offset or wrong note padding, every loader test
 * built on it would be testing the wrong thing. */
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static Elf *open_mem(struct test_kernel *k) {
  assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
  Elf *e = elf_memory((char *)k->img, k->len);
  assert_non_null(e);
  assert_int_equal(elf_kind(e), ELF_K_ELF);
  return e;
}

/* Every note libelf finds in `data`, in order: owner and type. */
static size_t libelf_notes(Elf_Data *data, char owners[][16], uint32_t *types, size_t cap) {
  size_t off = 0, next, name_off, desc_off, n = 0;
  GElf_Nhdr nh;
  while ((next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0 && n < cap) {
    snprintf(owners[n], 16, "%.*s", (int)nh.n_namesz, (const char *)data->d_buf + name_off);
    types[n] = nh.n_type;
    n++;
    off = next;
  }
  return n;
}

static void headers_match_libelf(void **s) {
  (void)s;
  for (int cls = 32; cls <= 64; cls += 32) {
    struct test_kernel k;
    tk_init(&k, cls);
    k.spec.entry = 0x1000abc;
    tk_add_sec(&k, ELFGEN_NOTE_SEC(".note.Xen", &k.notes));
    tk_add_sec(
        &k, (struct elfgen_sec){.name = ".bss", .type = ELFGEN_SHT_NOBITS, .size = 0x2000, .addr = 0x401000});
    tk_build(&k);
    Elf *e = open_mem(&k);
    assert_int_equal(gelf_getclass(e), cls == 64 ? ELFCLASS64 : ELFCLASS32);
    GElf_Ehdr eh;
    assert_non_null(gelf_getehdr(e, &eh));
    assert_int_equal(eh.e_type, ET_EXEC);
    assert_int_equal(eh.e_machine, cls == 64 ? EM_X86_64 : EM_386);
    assert_int_equal(eh.e_entry, 0x1000abc);
    assert_int_equal(eh.e_ident[EI_DATA], ELFDATA2LSB);
    size_t phnum, shnum, shstrndx;
    assert_int_equal(elf_getphdrnum(e, &phnum), 0);
    assert_int_equal(phnum, 3);
    for (size_t i = 0; i < phnum; i++) {
      GElf_Phdr ph;
      assert_non_null(gelf_getphdr(e, (int)i, &ph));
      assert_int_equal(ph.p_type, k.segs[i].type);
      assert_int_equal(ph.p_flags, k.segs[i].flags);
      assert_int_equal(ph.p_paddr, k.segs[i].paddr);
      assert_int_equal(ph.p_vaddr, k.segs[i].vaddr);
      assert_int_equal(ph.p_filesz, k.segs[i].filesz);
      assert_int_equal(ph.p_memsz, k.segs[i].memsz);
      assert_int_equal(ph.p_align, k.segs[i].align);
      assert_true(ph.p_offset + ph.p_filesz <= k.len);
      for (uint64_t b = 0; b < ph.p_filesz && k.segs[i].type == ELFGEN_PT_LOAD; b++)
        assert_int_equal(k.img[ph.p_offset + b], elfgen_pattern(k.segs[i].seed, b));
    }
    /* The PT_NOTE: libelf's walk (with its own padding rules) sees both notes. */
    GElf_Phdr note;
    gelf_getphdr(e, 2, &note);
    Elf_Data *nd = elf_getdata_rawchunk(e, (int64_t)note.p_offset, note.p_filesz, ELF_T_NHDR);
    assert_non_null(nd);
    char owners[8][16];
    uint32_t types[8];
    assert_int_equal(libelf_notes(nd, owners, types, 8), 2);
    assert_string_equal(owners[0], "GNU");
    assert_int_equal(types[0], 3);
    assert_string_equal(owners[1], "Xen");
    assert_int_equal(types[1], 18);

    /* Sections: null, .note.Xen, .bss, .shstrtab, names resolvable. */
    assert_int_equal(elf_getshdrnum(e, &shnum), 0);
    assert_int_equal(shnum, 4);
    assert_int_equal(elf_getshdrstrndx(e, &shstrndx), 0);
    assert_int_equal(shstrndx, 3);
    const char *want[] = {"", ".note.Xen", ".bss", ".shstrtab"};
    for (size_t i = 0; i < shnum; i++) {
      GElf_Shdr sh;
      Elf_Scn *scn = elf_getscn(e, i);
      assert_non_null(gelf_getshdr(scn, &sh));
      assert_string_equal(elf_strptr(e, shstrndx, sh.sh_name), want[i]);
      if (i == 1) {
        Elf_Data *d = elf_getdata(scn, NULL);
        assert_non_null(d);
        assert_int_equal(libelf_notes(d, owners, types, 8), 2);
        assert_string_equal(owners[1], "Xen");
      }
    }
    elf_end(e);
    tk_free(&k);
  }
}

/* PN_XNUM as libelf understands it. */
static void xnum_matches_libelf(void **s) {
  (void)s;
  struct test_kernel k;
  tk_init(&k, 64);
  k.spec.use_xnum = 1;
  tk_build(&k);
  Elf *e = open_mem(&k);
  size_t phnum;
  assert_int_equal(elf_getphdrnum(e, &phnum), 0);
  assert_int_equal(phnum, 3);
  elf_end(e);
  tk_free(&k);
}

/* Counts that do not fit the 16-bit header fields move to section 0, both for
 * program headers (PN_XNUM -> sh_info) and sections (SHN_XINDEX -> sh_size /
 * sh_link), as libelf expects. */
static void huge_counts(void **s) {
  (void)s;
  const size_t nsegs = 0x10000 + 5, nsecs = 0xff00 + 3;
  struct elfgen_seg *segs = calloc(nsegs, sizeof(*segs));
  struct elfgen_sec *secs = calloc(nsecs, sizeof(*secs));
  assert_non_null(segs);
  assert_non_null(secs);
  segs[0] = ELFGEN_LOAD(TK_TEXT, 16, 16, ELFGEN_PF_R | ELFGEN_PF_X);
  secs[nsecs - 1] =
      (struct elfgen_sec){.name = ".last", .type = ELFGEN_SHT_PROGBITS, .size = 4, .data = "last"};
  struct elfgen_spec spec = {.elf_class = 64, .segs = segs, .nr_segs = nsegs, .secs = secs, .nr_secs = nsecs};
  struct test_kernel k = {0};
  assert_int_equal(elfgen_build(&spec, &k.img, &k.len), 0);
  assert_int_equal(elfgen_get_ehdr(k.img, k.len, ELFGEN_E_PHNUM), 0xffff);
  assert_int_equal(elfgen_get_ehdr(k.img, k.len, ELFGEN_E_SHNUM), 0);
  Elf *e = open_mem(&k);
  size_t phnum, shnum, shstrndx;
  assert_int_equal(elf_getphdrnum(e, &phnum), 0);
  assert_int_equal(phnum, nsegs);
  assert_int_equal(elf_getshdrnum(e, &shnum), 0);
  assert_int_equal(shnum, nsecs + 2);
  assert_int_equal(elf_getshdrstrndx(e, &shstrndx), 0);
  assert_int_equal(shstrndx, nsecs + 1);
  GElf_Shdr sh;
  assert_non_null(gelf_getshdr(elf_getscn(e, nsecs), &sh));
  assert_string_equal(elf_strptr(e, shstrndx, sh.sh_name), ".last");
  elf_end(e);
  free(k.img);
  free(segs);
  free(secs);
}

/* The setters write where the readers (and libelf) look. */
static void setters_round_trip(void **s) {
  (void)s;
  for (int cls = 32; cls <= 64; cls += 32) {
    struct test_kernel k;
    tk_init(&k, cls);
    k.spec.section_table = 1;
    tk_build(&k);
    assert_int_equal(elfgen_set_phdr(k.img, k.len, 1, ELFGEN_P_PADDR, 0x7654000), 0);
    assert_int_equal(elfgen_set_phdr(k.img, k.len, 1, ELFGEN_P_FLAGS, 7), 0);
    assert_int_equal(elfgen_set_ehdr(k.img, k.len, ELFGEN_E_ENTRY, 0x1234), 0);
    assert_int_equal(elfgen_set_shdr(k.img, k.len, 1, ELFGEN_SH_ADDRALIGN, 64), 0);
    assert_int_equal(elfgen_get_phdr(k.img, k.len, 1, ELFGEN_P_PADDR), 0x7654000);
    assert_int_equal(elfgen_get_phdr(k.img, k.len, 0, ELFGEN_P_PADDR), TK_TEXT); /* neighbour intact */
    assert_int_equal(elfgen_get_phdr(k.img, k.len, 1, ELFGEN_P_VADDR), TK_DATA);
    Elf *e = open_mem(&k);
    GElf_Phdr ph;
    GElf_Ehdr eh;
    GElf_Shdr sh;
    gelf_getphdr(e, 1, &ph);
    assert_int_equal(ph.p_paddr, 0x7654000);
    assert_int_equal(ph.p_flags, 7);
    gelf_getehdr(e, &eh);
    assert_int_equal(eh.e_entry, 0x1234);
    gelf_getshdr(elf_getscn(e, 1), &sh);
    assert_int_equal(sh.sh_addralign, 64);
    elf_end(e);
    /* Out of range: refused, nothing written. */
    assert_int_equal(elfgen_set_phdr(k.img, k.len, 1000, ELFGEN_P_TYPE, 1), -1);
    assert_int_equal(elfgen_set_shdr(k.img, 8, 0, ELFGEN_SH_TYPE, 1), -1);
    tk_free(&k);
  }
}

/* Specs the generator must refuse instead of writing a silently wrong file. */
static void bad_specs(void **s) {
  (void)s;
  uint8_t *img;
  size_t len;
  struct elfgen_seg seg = ELFGEN_LOAD(0x100000000ull, 16, 16, ELFGEN_PF_R);
  struct elfgen_spec spec = {.elf_class = 32, .segs = &seg, .nr_segs = 1};
  assert_int_equal(elfgen_build(&spec, &img, &len), -1); /* paddr does not fit ELF32 */
  assert_null(img);
  spec.elf_class = 64;
  assert_int_equal(elfgen_build(&spec, &img, &len), 0);
  free(img);
  spec.elf_class = 16;
  assert_int_equal(elfgen_build(&spec, &img, &len), -1);
  seg.filesz = ELFGEN_MAX_FILE + 1;
  spec.elf_class = 64;
  assert_int_equal(elfgen_build(&spec, &img, &len), -1);
}

static void note_encoding(void **s) {
  (void)s;
  struct elfgen_buf b = {0};
  assert_int_equal(elfgen_note_pvh(&b, 0x1122334455667788ull, 8), 0);
  static const uint8_t want8[] = {4,   0,   0,   0, 8,    0,    0,    0,    18,   0,    0,    0,
                                  'X', 'e', 'n', 0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
  assert_int_equal(b.len, sizeof(want8));
  assert_memory_equal(b.data, want8, sizeof(want8));
  elfgen_buf_free(&b);
  assert_int_equal(elfgen_note(&b, "ab", 5, "xyzzy", 5), 0);
  static const uint8_t want[] = {3,   0,   0, 0, 5,   0,   0,   0,   5,   0, 0, 0,
                                 'a', 'b', 0, 0, 'x', 'y', 'z', 'z', 'y', 0, 0, 0};
  assert_int_equal(b.len, sizeof(want));
  assert_memory_equal(b.data, want, sizeof(want));
  elfgen_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(headers_match_libelf),
      cmocka_unit_test(xnum_matches_libelf),
      cmocka_unit_test(huge_counts),
      cmocka_unit_test(setters_round_trip),
      cmocka_unit_test(bad_specs),
      cmocka_unit_test(note_encoding),
  };
  return cmocka_run_group_tests_name("elfgen", tests, NULL, NULL);
}
