/* SPDX-License-Identifier: MIT */
/* pvh_elf_parse on generated files: the class-neutral view matches what the
 * generator wrote, field by field, for ELF32 and ELF64; extended numbering;
 * section-table problems are parked in shdr_error instead of failing. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static void parse(struct test_kernel *k, struct pvh_elf *elf, enum pvh_err want) {
  struct pvh_image img;
  struct pvh_error err;
  pvh_image_from_buffer(&img, k->img, k->len, "elf");
  enum pvh_err rc = pvh_elf_parse(&img, elf, &err);
  if (rc != want)
    fail_msg("pvh_elf_parse: %s (%s), expected %s", pvh_err_name(rc), err.message, pvh_err_name(want));
}

/* Every field of every program header equals the spec (and the offset the
 * generator chose, read back with its own accessor). */
static void check_phdrs(const struct test_kernel *k, const struct pvh_elf *elf) {
  assert_int_equal(elf->nr_phdrs, k->spec.nr_segs);
  for (size_t i = 0; i < k->spec.nr_segs; i++) {
    const struct elfgen_seg *g = &k->segs[i];
    const struct pvh_phdr *p = &elf->phdrs[i];
    assert_int_equal(p->type, g->type);
    assert_int_equal(p->flags, g->flags);
    assert_int_equal(p->vaddr, g->vaddr);
    assert_int_equal(p->paddr, g->paddr);
    assert_int_equal(p->filesz, g->filesz);
    assert_int_equal(p->memsz, g->memsz);
    assert_int_equal(p->align, g->align);
    assert_int_equal(p->offset, elfgen_get_phdr(k->img, k->len, i, ELFGEN_P_OFFSET));
  }
}

static void parse_both_classes(void **s) {
  (void)s;
  for (int cls = 32; cls <= 64; cls += 32) {
    struct test_kernel k;
    struct pvh_elf elf;
    tk_init(&k, cls);
    k.spec.entry = 0x1234560;
    /* Distinct values in every field, so a swapped pair of offsets shows. */
    tk_add_seg(&k, (struct elfgen_seg){.type = 0x6474e550,
                                       .flags = 0x5,
                                       .paddr = 0x11111000,
                                       .vaddr = 0x22222000,
                                       .filesz = 0x33,
                                       .memsz = 0x44444,
                                       .align = 0x100000});
    tk_add_sec(&k, (struct elfgen_sec){.name = ".data",
                                       .type = ELFGEN_SHT_PROGBITS,
                                       .flags = 3,
                                       .addr = 0x400000,
                                       .size = 0x10,
                                       .align = 32});
    tk_build(&k);
    parse(&k, &elf, PVH_OK);
    assert_int_equal(elf.elf_class, cls);
    assert_int_equal(elf.machine, cls == 64 ? 62 : 3);
    assert_int_equal(elf.type, 2);
    assert_int_equal(elf.e_entry, 0x1234560);
    check_phdrs(&k, &elf);
    assert_int_equal(elf.shdr_error.code, PVH_OK);
    assert_int_equal(elf.nr_shdrs, 3); /* null, .data, .shstrtab */
    assert_int_equal(elf.shdrs[0].type, 0);
    assert_int_equal(elf.shdrs[1].type, ELFGEN_SHT_PROGBITS);
    assert_int_equal(elf.shdrs[1].flags, 3);
    assert_int_equal(elf.shdrs[1].addr, 0x400000);
    assert_int_equal(elf.shdrs[1].size, 0x10);
    assert_int_equal(elf.shdrs[1].align, 32);
    assert_int_equal(elf.shdrs[1].offset, elfgen_get_shdr(k.img, k.len, 1, ELFGEN_SH_OFFSET));
    assert_int_equal(elf.shdrs[2].type, ELFGEN_SHT_STRTAB);
    pvh_elf_free(&elf);
    assert_null(elf.phdrs);
    assert_null(elf.shdrs);
    tk_free(&k);
  }
}

static void no_section_table(void **s) {
  (void)s;
  struct test_kernel k;
  struct pvh_elf elf;
  tk_init(&k, 64);
  tk_build(&k);
  parse(&k, &elf, PVH_OK);
  assert_int_equal(elf.nr_shdrs, 0);
  assert_null(elf.shdrs);
  assert_int_equal(elf.shdr_error.code, PVH_OK);
  pvh_elf_free(&elf);
  tk_free(&k);
}

static void xnum(void **s) {
  (void)s;
  for (int cls = 32; cls <= 64; cls += 32) {
    struct test_kernel k;
    struct pvh_elf elf;
    tk_init(&k, cls);
    k.spec.use_xnum = 1;
    tk_build(&k);
    assert_int_equal(elfgen_get_ehdr(k.img, k.len, ELFGEN_E_PHNUM), 0xffff);
    assert_int_equal(elfgen_get_shdr(k.img, k.len, 0, ELFGEN_SH_INFO), 3);
    parse(&k, &elf, PVH_OK);
    check_phdrs(&k, &elf);
    pvh_elf_free(&elf);
    /* A smaller count in sh_info is taken as given: readers do not second-guess it. */
    elfgen_set_shdr(k.img, k.len, 0, ELFGEN_SH_INFO, 2);
    parse(&k, &elf, PVH_OK);
    assert_int_equal(elf.nr_phdrs, 2);
    pvh_elf_free(&elf);
    tk_free(&k);
  }
}

/* e_shnum == 0 with e_shoff set: the count is section 0's sh_size. */
static void shnum_extended(void **s) {
  (void)s;
  struct test_kernel k;
  struct pvh_elf elf;
  tk_init(&k, 64);
  k.spec.section_table = 1;
  tk_build(&k);
  elfgen_set_ehdr(k.img, k.len, ELFGEN_E_SHNUM, 0);
  elfgen_set_shdr(k.img, k.len, 0, ELFGEN_SH_SIZE, 2);
  parse(&k, &elf, PVH_OK);
  assert_int_equal(elf.nr_shdrs, 2);
  assert_int_equal(elf.shdrs[1].type, ELFGEN_SHT_STRTAB);
  pvh_elf_free(&elf);
  tk_free(&k);
}

/* SHN_XNUM with section 0 saying 0 sections: an empty table, not an error. */
static void shnum_extended_empty(void **s) {
  (void)s;
  struct test_kernel k;
  struct pvh_elf elf;
  tk_init(&k, 32);
  k.spec.section_table = 1;
  tk_build(&k);
  elfgen_set_ehdr(k.img, k.len, ELFGEN_E_SHNUM, 0);
  parse(&k, &elf, PVH_OK);
  assert_int_equal(elf.nr_shdrs, 0);
  assert_int_equal(elf.shdr_error.code, PVH_OK);
  pvh_elf_free(&elf);
  tk_free(&k);
}

/* Image sources: bounds checks (overflow-safe), empty images, files. */
static void images(void **s) {
  (void)s;
  static const uint8_t data[16] = "0123456789abcdef";
  uint8_t got[16];
  struct pvh_image img;
  struct pvh_error err;
  pvh_image_from_buffer(&img, data, sizeof(data), NULL);
  assert_string_equal(img.name, "<buffer>");
  assert_int_equal(img.kind, PVH_IMAGE_MEMORY);
  assert_true(pvh_image_contains(&img, 0, 16));
  assert_true(pvh_image_contains(&img, 16, 0));
  assert_false(pvh_image_contains(&img, 15, 2));
  assert_false(pvh_image_contains(&img, 17, 0));
  assert_false(pvh_image_contains(&img, 1, UINT64_MAX));
  assert_false(pvh_image_contains(&img, UINT64_MAX, 2));
  assert_int_equal(pvh_image_read(&img, 0, 16, got, &err), PVH_OK);
  assert_memory_equal(got, data, 16);
  assert_int_equal(pvh_image_read(&img, 16, 0, NULL, &err), PVH_OK);
  assert_int_equal(pvh_image_read(&img, 15, 2, got, &err), PVH_E_IO); /* outside: never read */
  assert_non_null(strstr(err.message, "outside its 16 bytes"));
  pvh_image_close(&img); /* safe on a buffer image */

  pvh_image_from_buffer(&img, NULL, 0, "empty");
  assert_true(pvh_image_contains(&img, 0, 0));
  assert_false(pvh_image_contains(&img, 0, 1));
  assert_int_equal(pvh_image_read(&img, 0, 0, NULL, NULL), PVH_OK);

  char path[] = "/tmp/pvh-test-image-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(pvh_image_open(&img, path, &err), PVH_OK); /* empty file: valid, empty */
  assert_int_equal(img.size, 0);
  assert_int_equal(img.kind, PVH_IMAGE_FILE);
  assert_false(pvh_image_contains(&img, 0, 1));
  pvh_image_close(&img);
  assert_int_equal(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
  close(fd);
  assert_int_equal(pvh_image_open(&img, path, &err), PVH_OK);
  assert_int_equal(img.size, sizeof(data));
  assert_null(img.data); /* read on demand, never copied */
  assert_int_equal(pvh_image_read(&img, 4, 4, got, &err), PVH_OK);
  assert_memory_equal(got, "4567", 4);
  assert_string_equal(img.name, path);
  pvh_image_close(&img);
  pvh_image_close(&img); /* twice is fine */
  assert_int_equal(img.size, 0);
  assert_int_equal(img.fd, -1);
  unlink(path);
}

/* Section table damage is recorded, not fatal, for each kind of damage. */
static void shdr_errors_parked(void **s) {
  (void)s;
  const struct {
    enum elfgen_ehdr_field f;
    uint64_t v;
    enum pvh_err code;
  } cases[] = {
      {ELFGEN_E_SHENTSIZE, 10, PVH_E_ELF_SHENTSIZE},
      {ELFGEN_E_SHOFF, 1u << 30, PVH_E_ELF_SHDRS_BOUNDS},
      {ELFGEN_E_SHNUM, 5000, PVH_E_ELF_SHDRS_BOUNDS},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    for (int cls = 32; cls <= 64; cls += 32) {
      struct test_kernel k;
      struct pvh_elf elf;
      tk_init(&k, cls);
      k.spec.section_table = 1;
      tk_build(&k);
      elfgen_set_ehdr(k.img, k.len, cases[i].f, cases[i].v);
      parse(&k, &elf, PVH_OK);
      assert_int_equal(elf.shdr_error.code, cases[i].code);
      assert_true(strlen(elf.shdr_error.message) > 0);
      assert_int_equal(elf.nr_shdrs, 0);
      check_phdrs(&k, &elf);
      pvh_elf_free(&elf);
      tk_free(&k);
    }
  }
}

/* Exactly the limit of program headers is accepted. */
static void phdr_limit_exact(void **s) {
  (void)s;
  struct elfgen_seg *segs = calloc(PVH_ELF_MAX_PHDRS, sizeof(*segs));
  assert_non_null(segs);
  segs[0] = ELFGEN_LOAD(TK_TEXT, 0x100, 0x100, ELFGEN_PF_R | ELFGEN_PF_X);
  struct elfgen_spec spec = {.elf_class = 64, .segs = segs, .nr_segs = PVH_ELF_MAX_PHDRS};
  uint8_t *img;
  size_t len;
  assert_int_equal(elfgen_build(&spec, &img, &len), 0);
  struct pvh_image im;
  struct pvh_elf elf;
  struct pvh_error err;
  pvh_image_from_buffer(&im, img, len, "many");
  assert_int_equal(pvh_elf_parse(&im, &elf, &err), PVH_OK);
  assert_int_equal(elf.nr_phdrs, PVH_ELF_MAX_PHDRS);
  pvh_elf_free(&elf);
  elfgen_set_ehdr(img, len, ELFGEN_E_PHNUM, PVH_ELF_MAX_PHDRS + 1);
  assert_int_equal(pvh_elf_parse(&im, &elf, &err), PVH_E_ELF_TOO_MANY_PHDRS);
  free(img);
  free(segs);
}

/* Every prefix of a valid file parses or fails cleanly, never reads past it:
 * the buffer is copied to an exact-size allocation so ASan sees overreads. */
static void every_prefix(void **s) {
  (void)s;
  for (int cls = 32; cls <= 64; cls += 32) {
    struct test_kernel k;
    tk_init(&k, cls);
    k.spec.section_table = 1;
    tk_build(&k);
    size_t table_end = elfgen_ehdr_size(cls) + 3 * elfgen_phdr_size(cls);
    for (size_t n = 0; n <= k.len; n += (n < table_end + 8 ? 1 : 97)) {
      uint8_t *copy = malloc(n ? n : 1);
      memcpy(copy, k.img, n);
      struct pvh_image im;
      struct pvh_elf elf;
      struct pvh_error err;
      pvh_image_from_buffer(&im, copy, n, "prefix");
      enum pvh_err rc = pvh_elf_parse(&im, &elf, &err);
      if (n < elfgen_ehdr_size(cls))
        assert_int_equal(rc, PVH_E_ELF_TRUNCATED);
      else if (n < table_end)
        assert_int_equal(rc, PVH_E_ELF_PHDRS_BOUNDS);
      else
        assert_int_equal(rc, PVH_OK);
      pvh_elf_free(&elf);
      free(copy);
    }
    tk_free(&k);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parse_both_classes),
      cmocka_unit_test(no_section_table),
      cmocka_unit_test(xnum),
      cmocka_unit_test(shnum_extended),
      cmocka_unit_test(shdr_errors_parked),
      cmocka_unit_test(phdr_limit_exact),
      cmocka_unit_test(every_prefix),
      cmocka_unit_test(shnum_extended_empty),
      cmocka_unit_test(images),
  };
  return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
