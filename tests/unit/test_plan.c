/* SPDX-License-Identifier: MIT */
/* The step API (pvh_plan_add_segment / _boot_data / _validate / _commit) that
 * fuzzers and tools use directly, the documented layout defaults, and plan
 * properties pvh_load relies on. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static void layout_defaults(void **s) {
  (void)s;
  struct pvh_load_config cfg;
  memset(&cfg, 0x5a, sizeof(cfg));
  pvh_load_config_init(&cfg);
  /* The values loader.h documents. */
  assert_int_equal(cfg.layout.gdt_paddr, 0x1000);
  assert_int_equal(cfg.layout.start_info_paddr, 0x2000);
  assert_int_equal(cfg.layout.memmap_paddr, 0x3000);
  assert_int_equal(cfg.layout.memmap_size, 0x5000);
  assert_int_equal(cfg.layout.memmap_size / sizeof(struct hvm_memmap_table_entry), 853);
  assert_int_equal(cfg.layout.cmdline_paddr, 0x20000);
  assert_int_equal(cfg.layout.cmdline_size, 0x10000);
  assert_int_equal(cfg.layout.initramfs_ceiling, 2 * PVH_GIB);
  assert_int_equal(cfg.layout.initramfs_align, 4096);
  assert_null(cfg.cmdline);
  assert_null(cfg.initramfs);
  assert_int_equal(cfg.rsdp_paddr, 0);
  /* The default areas do not overlap each other and sit below the EBDA. */
  const struct pvh_layout *l = &cfg.layout;
  const uint64_t lo[] = {l->gdt_paddr, l->start_info_paddr, l->memmap_paddr, l->cmdline_paddr};
  const uint64_t len[] = {PVH_GDT_SIZE, PVH_START_INFO_AREA, l->memmap_size, l->cmdline_size};
  for (int i = 0; i < 4; i++) {
    assert_true(lo[i] + len[i] <= PVH_LOW_RAM_END);
    for (int j = i + 1; j < 4; j++)
      assert_true(lo[i] + len[i] <= lo[j] || lo[j] + len[j] <= lo[i]);
  }
}

static void add_segment(void **s) {
  (void)s;
  static const uint8_t bytes[0x140];
  struct pvh_image img, *src = &img;
  pvh_image_from_buffer(&img, bytes, sizeof(bytes), "segment bytes");
  struct pvh_plan p;
  struct pvh_error err;
  pvh_plan_init(&p);
  assert_int_equal(pvh_plan_add_segment(&p, 3, PVH_PF_R | PVH_PF_X, 0x200000, 0x100, 0x1000, 0x40, src, &err),
                   PVH_OK);
  assert_int_equal(p.nr_ops, 2);
  assert_int_equal(p.ops[0].kind, PVH_W_SEGMENT);
  assert_int_equal(p.ops[0].index, 3);
  assert_int_equal(p.ops[0].gpa, 0x200000);
  assert_int_equal(p.ops[0].len, 0x100);
  assert_ptr_equal(p.ops[0].image, src);
  assert_int_equal(p.ops[0].offset, 0x40);
  assert_int_equal(p.ops[1].kind, PVH_W_BSS);
  assert_int_equal(p.ops[1].gpa, 0x200100);
  assert_int_equal(p.ops[1].len, 0xf00);
  assert_null(p.ops[1].image);
  assert_int_equal(p.report.nr_segments, 1);
  assert_int_equal(p.report.segments[0].offset, 0x40);
  assert_int_equal(p.report.kernel_start, 0x200000);
  assert_int_equal(p.report.kernel_end, 0x201000);

  /* filesz == memsz: no BSS op; lower segment moves kernel_start. */
  assert_int_equal(pvh_plan_add_segment(&p, 4, PVH_PF_R, 0x100000, 0x80, 0x80, 0, src, &err), PVH_OK);
  assert_int_equal(p.nr_ops, 3);
  assert_int_equal(p.report.kernel_start, 0x100000);
  assert_int_equal(p.report.kernel_end, 0x201000);
  /* Pure BSS: one zero-fill op. */
  assert_int_equal(pvh_plan_add_segment(&p, 5, PVH_PF_R | PVH_PF_W, 0x300000, 0, 0x2000, 0, NULL, &err),
                   PVH_OK);
  assert_int_equal(p.nr_ops, 4);
  assert_int_equal(p.ops[3].kind, PVH_W_BSS);
  assert_int_equal(p.report.kernel_end, 0x302000);
  /* memsz 0: nothing placed, nothing reported. */
  assert_int_equal(pvh_plan_add_segment(&p, 6, PVH_PF_R, 0x900000, 0, 0, 0, NULL, &err), PVH_OK);
  assert_int_equal(p.nr_ops, 4);
  assert_int_equal(p.report.nr_segments, 3);
  assert_int_equal(p.report.bytes_planned, 0x1000 + 0x80 + 0x2000);

  /* Rejections leave the plan as it was. */
  const struct {
    uint64_t paddr, filesz, memsz, offset;
    const struct pvh_image *src;
    enum pvh_err code;
  } bad[] = {
      {0x400000, 0x10, 0x8, 0, src, PVH_E_SEG_FILESZ},
      {UINT64_MAX - 0x10, 0, 0x20, 0, NULL, PVH_E_SEG_OVERFLOW},
      {0xfffff000, 0, 0x1001, 0, NULL, PVH_E_SEG_ABOVE_4G},
      {0x100000000ull, 0, 1, 0, NULL, PVH_E_SEG_ABOVE_4G},
      {0x400000, 0x10, 0x10, 0, NULL, PVH_E_INVALID_ARG},         /* file bytes, no image */
      {0x400000, 0x10, 0x10, 0x131, src, PVH_E_INVALID_ARG},      /* one byte past the image */
      {0x400000, 0x10, 0x10, UINT64_MAX, src, PVH_E_INVALID_ARG}, /* offset wraps */
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    pvh_error_clear(&err);
    assert_int_equal(pvh_plan_add_segment(&p, 9, PVH_PF_R, bad[i].paddr, bad[i].filesz, bad[i].memsz,
                                          bad[i].offset, bad[i].src, &err),
                     bad[i].code);
    assert_int_equal(err.code, bad[i].code);
    assert_true(strlen(err.message) > 0);
    assert_int_equal(p.nr_ops, 4);
    assert_int_equal(p.report.nr_segments, 3);
  }
  /* Exactly up to 4 GiB is fine. */
  assert_int_equal(pvh_plan_add_segment(&p, 7, PVH_PF_R, 0xfffff000, 0, 0x1000, 0, NULL, &err), PVH_OK);
  pvh_plan_free(&p);
  assert_int_equal(p.nr_ops, 0);
  assert_null(p.ops);
}

/* The steps by hand: segments, boot data, validate, commit. */
static void steps_by_hand(void **s) {
  (void)s;
  static uint8_t text_bytes[0x1000];
  memset(text_bytes, 0x90, sizeof(text_bytes));
  struct pvh_image text;
  pvh_image_from_buffer(&text, text_bytes, sizeof(text_bytes), "text");
  struct pvh_mem_region map[8], *sorted;
  size_t n = pvh_memmap_standard(64 * PVH_MIB, map, 8);
  struct pvh_error err;
  assert_int_equal(pvh_memmap_sorted(map, n, &sorted, &err), PVH_OK);
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  cfg.cmdline = "quiet";
  struct pvh_plan p;
  pvh_plan_init(&p);
  assert_int_equal(
      pvh_plan_add_segment(&p, 0, PVH_PF_R | PVH_PF_X, 0x100000, sizeof(text_bytes), 0x2000, 0, &text, &err),
      PVH_OK);
  p.report.note.entry = 0x100123;
  assert_int_equal(pvh_plan_boot_data(&p, sorted, n, &cfg, &err), PVH_OK);
  assert_int_equal(p.entry.rip, 0x100123);
  assert_int_equal(p.entry.rbx, cfg.layout.start_info_paddr);
  int seen[PVH_W_INITRAMFS + 1] = {0};
  for (size_t i = 0; i < p.nr_ops; i++)
    seen[p.ops[i].kind]++;
  assert_int_equal(seen[PVH_W_SEGMENT], 1);
  assert_int_equal(seen[PVH_W_BSS], 1);
  assert_int_equal(seen[PVH_W_START_INFO], 1);
  assert_int_equal(seen[PVH_W_MEMMAP], 1);
  assert_int_equal(seen[PVH_W_CMDLINE], 1);
  assert_int_equal(seen[PVH_W_GDT], 1);
  assert_int_equal(seen[PVH_W_INITRAMFS], 0);
  assert_int_equal(pvh_plan_validate(&p, sorted, n, &err), PVH_OK);

  /* Commit performs exactly the ops, in order. */
  struct pvh_rec_bus rb;
  pvh_rec_bus_init(&rb, map, n, 1);
  assert_int_equal(pvh_plan_commit(&p, &rb.bus, &err), PVH_OK);
  assert_int_equal(rb.nr_writes, p.nr_ops);
  for (size_t i = 0; i < p.nr_ops; i++) {
    assert_int_equal(rb.writes[i].gpa, p.ops[i].gpa);
    assert_int_equal(rb.writes[i].len, p.ops[i].len);
    assert_int_equal(rb.writes[i].is_zero, p.ops[i].kind == PVH_W_BSS);
  }
  uint64_t digest = pvh_rec_bus_digest(&rb);

  /* A plan moved to another address still commits the same bytes: boot data
   * is taken from the plan being committed, not from stale pointers. */
  struct pvh_plan *moved = malloc(sizeof(*moved));
  assert_non_null(moved);
  memcpy(moved, &p, sizeof(p));
  memset(p.start_info_area, 0xee, sizeof(p.start_info_area));
  memset(p.gdt, 0xee, sizeof(p.gdt));
  pvh_rec_bus_reset(&rb);
  assert_int_equal(pvh_plan_commit(moved, &rb.bus, &err), PVH_OK);
  assert_int_equal(pvh_rec_bus_digest(&rb), digest);

  /* Validation re-checks the entry against the executable file bytes. */
  moved->report.note.entry = 0x101800; /* in the BSS part */
  assert_int_equal(pvh_plan_validate(moved, sorted, n, &err), PVH_E_ENTRY_NOT_LOADED);
  moved->report.note.entry = 0x100123;
  moved->report.segments[0].flags = PVH_PF_R; /* no longer executable */
  assert_int_equal(pvh_plan_validate(moved, sorted, n, &err), PVH_E_ENTRY_NOT_LOADED);

  pvh_plan_free(moved);
  free(moved);
  pvh_rec_bus_free(&rb);
  free(sorted);
}

/* Checks the step API makes itself, which pvh_load never reaches because an
 * earlier stage already refused the input. */
static void step_api_guards(void **s) {
  (void)s;
  struct pvh_mem_region map[8], *sorted;
  size_t n = pvh_memmap_standard(8 * PVH_GIB, map, 8);
  struct pvh_error err;
  assert_int_equal(pvh_memmap_sorted(map, n, &sorted, &err), PVH_OK);
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  struct pvh_plan p;

  /* An entry >= 4 GiB handed straight to boot data planning. */
  pvh_plan_init(&p);
  p.report.note.entry = PVH_4G;
  assert_int_equal(pvh_plan_boot_data(&p, sorted, n, &cfg, &err), PVH_E_ENTRY_ABOVE_4G);
  pvh_plan_free(&p);

  /* A boot-data op crossing 4 GiB (in RAM: this guest has RAM above 4 GiB). */
  struct pvh_write_op ops[2] = {
      {PVH_W_SEGMENT, 0, 0x100000, 0x1000, NULL, 0},
      {PVH_W_GDT, 0, PVH_4G - 0x10, PVH_GDT_SIZE, NULL, 0},
  };
  struct pvh_placed_segment seg = {0, PVH_PF_R | PVH_PF_X, 0x100000, 0x1000, 0x1000, 0};
  pvh_plan_init(&p);
  p.ops = ops;
  p.nr_ops = 2;
  p.report.segments = &seg;
  p.report.nr_segments = 1;
  p.report.note.entry = 0x100000;
  assert_int_equal(pvh_plan_validate(&p, sorted, n, &err), PVH_E_LAYOUT_ABOVE_4G);
  ops[1].gpa = PVH_4G + 0x1000; /* entirely above: RAM, but not addressable at entry */
  assert_int_equal(pvh_plan_validate(&p, sorted, n, &err), PVH_E_LAYOUT_ABOVE_4G);
  ops[1].gpa = 0x1000;
  assert_int_equal(pvh_plan_validate(&p, sorted, n, &err), PVH_OK);
  p.nr_ops = 1; /* a single op has nothing to overlap */
  assert_int_equal(pvh_plan_validate(&p, sorted, n, &err), PVH_OK);
  free(sorted);
}

static void write_kind_names(void **s) {
  (void)s;
  const char *want[] = {"segment", "bss", "start_info", "memmap", "cmdline", "gdt", "initramfs"};
  for (int k = PVH_W_SEGMENT; k <= PVH_W_INITRAMFS; k++)
    assert_string_equal(pvh_write_kind_name((enum pvh_write_kind)k), want[k]);
  assert_string_equal(pvh_write_kind_name((enum pvh_write_kind)99), "unknown");
}

/* Loads the test kernel k with the recording bus as it comes, then again
 * after set_mode changed how it records: the writes and their sizes must be
 * the same both times. */
static void load_in_mode(struct harness *h, const struct test_kernel *k,
                         void (*set_mode)(struct pvh_rec_bus *)) {
  h_load(h, k->img, k->len);
  h_expect_ok(h);
  size_t nw = h->rb.nr_writes;
  uint64_t total = h->rb.total_bytes;
  set_mode(&h->rb);
  h_load(h, k->img, k->len);
  h_expect_ok(h);
  assert_int_equal(h->rb.nr_writes, nw);
  assert_int_equal(h->rb.total_bytes, total);
}

static void skip_hash(struct pvh_rec_bus *rb) { rb->skip_hash = 1; }

/* The recording bus with skip_hash: placement is recorded, data hashes are
 * left 0, kept bytes still read back. */
static void rec_skip_hash(void **s) {
  (void)s;
  struct test_kernel k;
  struct harness *h = h_new(H_RAM);
  tk_init(&k, 64);
  tk_build(&k);
  load_in_mode(h, &k, skip_hash);
  for (size_t i = 0; i < h->rb.nr_writes; i++)
    if (!h->rb.writes[i].is_zero)
      assert_int_equal(h->rb.writes[i].hash, 0);
  uint8_t b;
  assert_int_equal(pvh_rec_bus_read(&h->rb, TK_TEXT, &b, 1, 0), 0);
  assert_int_equal(b, elfgen_pattern(k.segs[0].seed, 0));
  h_free(h);
  tk_free(&k);
}

/* The recording bus that records placement only: the same writes where
 * they go, image bytes never read (they read back as unknown), boot data and
 * BSS still written. */
static void rec_placement_only(void **s) {
  (void)s;
  struct test_kernel k;
  struct harness *h = h_new(H_RAM);
  tk_init(&k, 64);
  tk_build(&k);
  load_in_mode(h, &k, pvh_rec_bus_placement_only);
  size_t placed = 0;
  for (size_t i = 0; i < h->rb.nr_writes; i++) {
    const struct pvh_rec_write *w = &h->rb.writes[i];
    assert_int_equal(w->placed, h->plan.ops[i].kind == PVH_W_SEGMENT);
    if (w->placed) {
      placed++;
      assert_int_equal(w->hash, 0);
      assert_null(w->data);
    }
  }
  assert_true(placed > 0);
  uint8_t b;
  assert_int_equal(pvh_rec_bus_read(&h->rb, TK_TEXT, &b, 1, 0), -1);
  uint32_t magic;
  assert_int_equal(pvh_rec_bus_read(&h->rb, h->plan.report.start_info_paddr, &magic, 4, 0), 0);
  assert_int_equal(magic, PVH_START_MAGIC);
  h_free(h);
  tk_free(&k);
}

/* The top-level calls refuse missing arguments with invalid-argument. */
static void missing_arguments(void **s) {
  (void)s;
  struct test_kernel k;
  tk_init(&k, 64);
  tk_build(&k);
  struct pvh_image img;
  pvh_image_from_buffer(&img, k.img, k.len, "k");
  struct pvh_mem_region map[8];
  size_t n = pvh_memmap_standard(64 * PVH_MIB, map, 8);
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  struct pvh_plan p;
  struct pvh_error err;
  assert_int_equal(pvh_plan_build(NULL, map, n, &cfg, &p, &err), PVH_E_INVALID_ARG);
  assert_int_equal(pvh_plan_build(&img, map, n, NULL, &p, &err), PVH_E_INVALID_ARG);
  assert_int_equal(pvh_plan_build(&img, NULL, n, &cfg, &p, &err), PVH_E_INVALID_ARG);
  assert_int_equal(pvh_plan_build(&img, NULL, 0, &cfg, &p, &err), PVH_E_MEMMAP_INVALID); /* no map at all */
  assert_int_equal(pvh_load(&img, &cfg, NULL, &p, &err), PVH_E_INVALID_ARG);
  struct pvh_bus no_ops = {NULL, NULL, map, n};
  assert_int_equal(pvh_load(&img, &cfg, &no_ops, &p, &err), PVH_E_INVALID_ARG);
  assert_int_equal(p.nr_ops, 0);
  tk_free(&k);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(layout_defaults), cmocka_unit_test(add_segment),
      cmocka_unit_test(steps_by_hand),   cmocka_unit_test(write_kind_names),
      cmocka_unit_test(rec_skip_hash),   cmocka_unit_test(rec_placement_only),
      cmocka_unit_test(step_api_guards), cmocka_unit_test(missing_arguments),
  };
  return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
