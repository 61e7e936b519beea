/* SPDX-License-Identifier: MIT */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tk_init(struct test_kernel *k, int elf_class) {
  memset(k, 0, sizeof(*k));
  static const uint8_t build_id[20] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  assert_int_equal(elfgen_note(&k->notes, "GNU", 3, build_id, sizeof(build_id)), 0);
  assert_int_equal(elfgen_note_pvh(&k->notes, TK_ENTRY, elf_class == 64 ? 8 : 4), 0);
  k->spec.elf_class = elf_class;
  k->spec.entry = TK_TEXT;
  tk_add_seg(k, ELFGEN_LOAD(TK_TEXT, TK_TEXT_SIZE, TK_TEXT_SIZE, ELFGEN_PF_R | ELFGEN_PF_X));
  tk_add_seg(k, ELFGEN_LOAD(TK_DATA, TK_DATA_FILESZ, TK_DATA_MEMSZ, ELFGEN_PF_R | ELFGEN_PF_W));
  tk_add_seg(k, ELFGEN_NOTE_SEG(&k->notes));
}

size_t tk_add_seg(struct test_kernel *k, struct elfgen_seg seg) {
  assert_true(k->spec.nr_segs < TK_MAX_SEGS);
  k->segs[k->spec.nr_segs] = seg;
  k->spec.segs = k->segs;
  return k->spec.nr_segs++;
}

size_t tk_add_sec(struct test_kernel *k, struct elfgen_sec sec) {
  assert_true(k->spec.nr_secs < TK_MAX_SECS);
  k->secs[k->spec.nr_secs] = sec;
  k->spec.secs = k->secs;
  return k->spec.nr_secs++;
}

void tk_set_notes(struct test_kernel *k, const struct elfgen_buf *notes) {
  elfgen_buf_free(&k->notes);
  assert_int_equal(elfgen_buf_append(&k->notes, notes->data, notes->len), 0);
  k->segs[2].data = k->notes.data;
  k->segs[2].filesz = k->segs[2].memsz = k->notes.len;
}

void tk_build(struct test_kernel *k) {
  free(k->img);
  k->img = NULL;
  assert_int_equal(elfgen_build(&k->spec, &k->img, &k->len), 0);
}

void tk_free(struct test_kernel *k) {
  elfgen_buf_free(&k->notes);
  free(k->img);
  k->img = NULL;
}

struct harness *h_new(uint64_t ram) {
  struct harness *h = calloc(1, sizeof(*h));
  assert_non_null(h);
  h->nmap = pvh_memmap_standard(ram, h->map, PVH_MEMMAP_MAX_REGIONS);
  assert_true(h->nmap >= 3);
  pvh_rec_bus_init(&h->rb, h->map, h->nmap, 1);
  pvh_load_config_init(&h->cfg);
  pvh_plan_init(&h->plan);
  pvh_error_clear(&h->err);
  return h;
}

void h_set_map(struct harness *h, const struct pvh_mem_region *map, size_t n) {
  assert_true(n <= PVH_MEMMAP_MAX_REGIONS);
  if (map != h->map)
    memcpy(h->map, map, n * sizeof(*map));
  h->nmap = n;
  h->rb.bus.regions = h->map;
  h->rb.bus.nr_regions = n;
}

enum pvh_err h_load(struct harness *h, const uint8_t *img, size_t len) {
  pvh_plan_free(&h->plan);
  pvh_rec_bus_reset(&h->rb);
  pvh_error_clear(&h->err);
  pvh_image_from_buffer(&h->kernel, img, len, "test-kernel");
  h->rc = pvh_load(&h->kernel, &h->cfg, &h->rb.bus, &h->plan, &h->err);
  return h->rc;
}

void h_free(struct harness *h) {
  if (!h)
    return;
  pvh_plan_free(&h->plan);
  pvh_rec_bus_free(&h->rb);
  free(h);
}

unsigned char h_codes_seen[PVH_E__COUNT];

void h_mark_seen(enum pvh_err code) {
  if ((unsigned)code < PVH_E__COUNT)
    h_codes_seen[code] = 1;
}

void h_expect_error(struct harness *h, enum pvh_err code, const char *name) {
  if (h->rc != code)
    print_error("expected %s, got %s: %s\n", name, pvh_err_name(h->rc), h->err.message);
  assert_int_equal(h->rc, code);
  assert_int_equal(h->err.code, code);
  assert_string_equal(pvh_err_name(h->rc), name);
  assert_true(strlen(h->err.message) > 0);
  if (getenv("PVH_TEST_SHOW_ERRORS"))
    print_message("  %s: %s\n", name, h->err.message);
  /* Plan, then commit: a rejected kernel leaves guest memory untouched. */
  assert_int_equal(h->rb.nr_writes, 0);
  assert_int_equal(h->rb.total_bytes, 0);
  assert_int_equal(h->plan.nr_ops, 0);
  assert_null(h->plan.ops);
  h_mark_seen(code);
}

void expect_kernel_error(struct test_kernel *k, enum pvh_err code, const char *name) {
  struct harness *h = h_new(H_RAM);
  tk_build(k);
  h_load(h, k->img, k->len);
  h_expect_error(h, code, name);
  h_free(h);
  tk_free(k);
}

void h_expect_ok(struct harness *h) {
  if (h->rc != PVH_OK)
    print_error("load failed: %s: %s\n", pvh_err_name(h->rc), h->err.message);
  assert_int_equal(h->rc, PVH_OK);
  assert_int_equal(h->err.code, PVH_OK);
  assert_false(h->rb.out_of_ram);
  assert_false(h->rb.failed);
}

uint8_t *h_read(struct harness *h, uint64_t gpa, uint64_t len) {
  uint8_t *buf = malloc(len ? (size_t)len : 1);
  assert_non_null(buf);
  assert_int_equal(pvh_rec_bus_read(&h->rb, gpa, buf, len, H_UNWRITTEN), 0);
  return buf;
}

uint64_t h_read_u64(struct harness *h, uint64_t gpa) {
  uint8_t b[8];
  assert_int_equal(pvh_rec_bus_read(&h->rb, gpa, b, 8, H_UNWRITTEN), 0);
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--)
    v = (v << 8) | b[i];
  return v;
}

uint32_t h_read_u32(struct harness *h, uint64_t gpa) { return (uint32_t)h_read_u64(h, gpa); }
