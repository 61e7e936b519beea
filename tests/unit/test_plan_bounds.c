/* SPDX-License-Identifier: MIT */
/* Boundary values of plan validation: two writes that touch (one ends where
 * the next starts) are fine, the same writes overlapping by one byte are not;
 * a write may end exactly at the end of RAM or at 4 GiB, one byte further is
 * refused. Off-by-one slips in these comparisons are what a patch gets wrong
 * and what a fuzzer rarely hits, so each edge is pinned here from both sides.
 * Also: the segment array grows geometrically (thousands of PT_LOADs). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pvh/guest_layout.h"

static uint8_t text_bytes[0x2000];
static struct pvh_image text_img; /* text_bytes as a memory image */
static const struct pvh_image *const text = &text_img;

/* A plan with the standard 64 MiB map and default layout, built step by step. */
struct bplan {
  struct pvh_mem_region map[8], *sorted;
  size_t n;
  struct pvh_load_config cfg;
  struct pvh_plan p;
  struct pvh_error err;
};

static void bp_init(struct bplan *b) {
  memset(b, 0, sizeof(*b));
  b->n = pvh_memmap_standard(64 * PVH_MIB, b->map, 8);
  assert_int_equal(pvh_memmap_sorted(b->map, b->n, &b->sorted, &b->err), PVH_OK);
  pvh_load_config_init(&b->cfg);
  b->cfg.cmdline = "console=ttyS0";
  pvh_plan_init(&b->p);
  /* The kernel's text, holding the entry. */
  assert_int_equal(
      pvh_plan_add_segment(&b->p, 0, PVH_PF_R | PVH_PF_X, 0x100000, 0x1000, 0x1000, 0, text, &b->err),
      PVH_OK);
  b->p.report.note.entry = 0x100010;
}

static void bp_free(struct bplan *b) {
  pvh_plan_free(&b->p);
  free(b->sorted);
}

/* Adds a data segment [paddr, paddr+filesz) + BSS up to memsz, then boot data,
 * then validates. Returns the first error. */
static enum pvh_err bp_run(struct bplan *b, uint64_t paddr, uint64_t filesz, uint64_t memsz) {
  enum pvh_err rc = pvh_plan_add_segment(&b->p, 1, PVH_PF_R | PVH_PF_W, paddr, filesz, memsz, 0x1000,
                                         filesz ? text : NULL, &b->err);
  if (rc == PVH_OK)
    rc = pvh_plan_boot_data(&b->p, b->sorted, b->n, &b->cfg, &b->err);
  if (rc == PVH_OK)
    rc = pvh_plan_validate(&b->p, b->sorted, b->n, &b->err);
  return rc;
}

/* pvh_plan_validate on the standard 64 MiB map, with the entry on the first
 * byte of segment 0 (which the caller made executable with file bytes). */
static enum pvh_err validate(struct pvh_plan *p) {
  struct pvh_mem_region map[8], *sorted;
  struct pvh_error err;
  size_t n = pvh_memmap_standard(64 * PVH_MIB, map, 8);
  assert_int_equal(pvh_memmap_sorted(map, n, &sorted, &err), PVH_OK);
  p->report.note.entry = p->report.segments[0].paddr;
  enum pvh_err rc = pvh_plan_validate(p, sorted, n, &err);
  free(sorted);
  return rc;
}

static enum pvh_err one(uint64_t paddr, uint64_t filesz, uint64_t memsz) {
  struct bplan b;
  bp_init(&b);
  enum pvh_err rc = bp_run(&b, paddr, filesz, memsz);
  if (rc != PVH_OK)
    assert_true(strlen(b.err.message) > 0);
  bp_free(&b);
  return rc;
}

/* Segment vs segment: the data segment starts right after the text
 * (0x101000) or one byte inside it; its BSS ends right where a third segment
 * starts, or one byte into it. */
static void segment_touch_vs_overlap(void **s) {
  (void)s;
  assert_int_equal(one(0x101000, 0x100, 0x1000), PVH_OK);
  assert_int_equal(one(0x100fff, 0x100, 0x1000), PVH_E_SEG_OVERLAP);
  /* Pure BSS (no file bytes) right after the text, or one byte inside it. */
  assert_int_equal(one(0x101000, 0, 0x1000), PVH_OK);
  assert_int_equal(one(0x100fff, 0, 0x1000), PVH_E_SEG_OVERLAP);

  struct bplan b;
  bp_init(&b);
  assert_int_equal(pvh_plan_add_segment(&b.p, 2, PVH_PF_R, 0x300000, 0x10, 0x10, 0, text, &b.err), PVH_OK);
  assert_int_equal(bp_run(&b, 0x200000, 0x800, 0x100000), PVH_OK); /* BSS ends at 0x300000 */
  bp_free(&b);
  bp_init(&b);
  assert_int_equal(pvh_plan_add_segment(&b.p, 2, PVH_PF_R, 0x300000, 0x10, 0x10, 0, text, &b.err), PVH_OK);
  assert_int_equal(bp_run(&b, 0x200000, 0x800, 0x100001), PVH_E_SEG_OVERLAP);
  bp_free(&b);
}

/* Segment vs boot data: the GDT at 0x1000 (PVH_GDT_SIZE bytes), start_info
 * at 0x2000. A segment ending at the GDT's first byte or starting right after
 * its last is fine; one byte more either way overlaps it. */
static void segment_touch_vs_overlap_boot_data(void **s) {
  (void)s;
  const uint64_t gdt = PVH_GUEST_GDT, gdt_end = PVH_GUEST_GDT + PVH_GDT_SIZE;
  assert_int_equal(one(0x800, 0x10, gdt - 0x800), PVH_OK);
  assert_int_equal(one(0x800, 0x10, gdt - 0x800 + 1), PVH_E_LAYOUT_OVERLAP);
  assert_int_equal(one(gdt_end, 0x10, 0x100), PVH_OK);
  assert_int_equal(one(gdt_end - 1, 0x10, 0x100), PVH_E_LAYOUT_OVERLAP);
  /* A segment inside the gap between the GDT and start_info, exactly filling it. */
  assert_int_equal(one(gdt_end, 0x10, PVH_GUEST_START_INFO - gdt_end), PVH_OK);
  assert_int_equal(one(gdt_end, 0x10, PVH_GUEST_START_INFO - gdt_end + 1), PVH_E_LAYOUT_OVERLAP);
}

/* The overlap scan keeps the write that reaches furthest: a small write
 * nested inside a big one must not hide a third that overlaps the big one by
 * a single byte. */
static void overlap_after_nested_write(void **s) {
  (void)s;
  struct pvh_plan p;
  struct pvh_error err;
  pvh_plan_init(&p);
  assert_int_equal(pvh_plan_add_segment(&p, 0, PVH_PF_X, 0x200000, 0x10, 0x10000, 0, text, &err), PVH_OK);
  assert_int_equal(pvh_plan_add_segment(&p, 1, PVH_PF_R, 0x201000, 0, 0x100, 0, NULL, &err), PVH_OK);
  assert_int_equal(pvh_plan_add_segment(&p, 2, PVH_PF_R, 0x20ffff, 0, 0x100, 0, NULL, &err), PVH_OK);
  assert_int_equal(validate(&p), PVH_E_SEG_OVERLAP);
  pvh_plan_free(&p);

  pvh_plan_init(&p);
  assert_int_equal(pvh_plan_add_segment(&p, 0, PVH_PF_X, 0x200000, 0x10, 0x10000, 0, text, &err), PVH_OK);
  assert_int_equal(pvh_plan_add_segment(&p, 1, PVH_PF_R, 0x201000, 0, 0x100, 0, NULL, &err), PVH_OK);
  assert_int_equal(pvh_plan_add_segment(&p, 2, PVH_PF_R, 0x210000, 0, 0x100, 0, NULL, &err), PVH_OK);
  /* 0x201000 is nested in segment 0: still an overlap, found on its own. */
  assert_int_equal(validate(&p), PVH_E_SEG_OVERLAP);
  pvh_plan_free(&p);

  pvh_plan_init(&p);
  assert_int_equal(pvh_plan_add_segment(&p, 0, PVH_PF_X, 0x200000, 0x10, 0x10000, 0, text, &err), PVH_OK);
  assert_int_equal(pvh_plan_add_segment(&p, 2, PVH_PF_R, 0x210000, 0, 0x100, 0, NULL, &err), PVH_OK);
  assert_int_equal(pvh_plan_add_segment(&p, 1, PVH_PF_R, 0x1ff000, 0, 0x1000, 0, NULL, &err), PVH_OK);
  assert_int_equal(validate(&p), PVH_OK); /* three touching, out of order */
  pvh_plan_free(&p);
}

/* Ending exactly at the end of RAM (64 MiB here) is fine, one byte past is
 * not RAM; ending exactly at 4 GiB passes the 4 GiB check, one byte past
 * fails it. */
static void end_exactly_at_a_limit(void **s) {
  (void)s;
  const uint64_t ram_end = 64 * PVH_MIB;
  assert_int_equal(one(ram_end - 0x1000, 0x10, 0x1000), PVH_OK);
  assert_int_equal(one(ram_end - 0x1000, 0x10, 0x1001), PVH_E_SEG_NOT_RAM);
  /* Starting exactly at the end of RAM: not RAM even for one byte. */
  assert_int_equal(one(ram_end, 0, 1), PVH_E_SEG_NOT_RAM);

  struct pvh_plan p;
  struct pvh_error err;
  pvh_plan_init(&p);
  assert_int_equal(pvh_plan_add_segment(&p, 0, PVH_PF_R, 0xfffff000, 0, 0x1000, 0, NULL, &err), PVH_OK);
  assert_int_equal(p.report.kernel_end, 0x100000000ull);
  assert_int_equal(pvh_plan_add_segment(&p, 1, PVH_PF_R, 0xfffff000, 0, 0x1001, 0, NULL, &err),
                   PVH_E_SEG_ABOVE_4G);
  assert_int_equal(pvh_plan_add_segment(&p, 1, PVH_PF_R, 0xffffffff, 0, 1, 0, NULL, &err), PVH_OK);
  assert_int_equal(pvh_plan_add_segment(&p, 1, PVH_PF_R, 0xffffffff, 0, 2, 0, NULL, &err),
                   PVH_E_SEG_ABOVE_4G);
  pvh_plan_free(&p);

  /* The entry on the last file byte of the text is loaded; one past is BSS. */
  struct bplan b;
  bp_init(&b);
  b.p.report.note.entry = 0x100fff;
  assert_int_equal(bp_run(&b, 0x200000, 0x10, 0x10), PVH_OK);
  bp_free(&b);
  bp_init(&b);
  b.p.report.note.entry = 0x101000;
  assert_int_equal(bp_run(&b, 0x200000, 0x10, 0x10), PVH_E_ENTRY_NOT_LOADED);
  bp_free(&b);
}

/* Order of the checks: a kernel segment outside RAM is reported as the
 * kernel's problem even when boot data is outside RAM too (the boot data may
 * only be there because of the kernel). */
static void kernel_reported_before_layout(void **s) {
  (void)s;
  struct bplan b;
  bp_init(&b);
  b.cfg.layout.cmdline_paddr = 0xc0000; /* the BIOS hole: not RAM */
  assert_int_equal(bp_run(&b, 0xb0000, 0x10, 0x100), PVH_E_SEG_NOT_RAM);
  bp_free(&b);
  bp_init(&b);
  b.cfg.layout.cmdline_paddr = 0xc0000;
  assert_int_equal(bp_run(&b, 0x200000, 0x10, 0x100), PVH_E_LAYOUT_NOT_RAM);
  bp_free(&b);
}

/* A segment's file bytes may end exactly at the end of the file; one byte
 * further is refused, not read. */
static void file_bytes_end_exactly_at_eof(void **s) {
  (void)s;
  for (int extra = 0; extra <= 1; extra++) {
    struct test_kernel k;
    tk_init(&k, 64);
    tk_build(&k);
    uint64_t off = elfgen_get_phdr(k.img, k.len, 1, ELFGEN_P_OFFSET);
    uint64_t filesz = k.len - off + (uint64_t)extra;
    assert_int_equal(elfgen_set_phdr(k.img, k.len, 1, ELFGEN_P_FILESZ, filesz), 0);
    assert_int_equal(
        elfgen_set_phdr(k.img, k.len, 1, ELFGEN_P_MEMSZ, filesz > TK_DATA_MEMSZ ? filesz : TK_DATA_MEMSZ), 0);
    struct harness *h = h_new(H_RAM);
    if (extra) {
      h_load(h, k.img, k.len);
      h_expect_error(h, PVH_E_SEG_FILE_BOUNDS, "segment-out-of-file");
    } else {
      h_load(h, k.img, k.len);
      h_expect_ok(h);
    }
    h_free(h);
    tk_free(&k);
  }
}

/* The initramfs is placed top-down under the 2 GiB ceiling, around the
 * writes already planned: a command line ending exactly where the first
 * candidate starts leaves it there (touching); one ending a byte into it
 * pushes the initramfs below the command line. */
static enum pvh_err place_under_cmdline(uint64_t cmdline_end, uint64_t *initramfs_paddr) {
  static uint8_t rd_bytes[0x1000];
  static const char cmdline[] = "console=ttyS0"; /* 14 bytes with the NUL */
  struct pvh_mem_region map[8], *sorted;
  struct pvh_error err;
  size_t n = pvh_memmap_standard(3 * PVH_GIB, map, 8);
  assert_int_equal(pvh_memmap_sorted(map, n, &sorted, &err), PVH_OK);
  struct pvh_image rd;
  pvh_image_from_buffer(&rd, rd_bytes, sizeof(rd_bytes), "initramfs");
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  cfg.cmdline = cmdline;
  cfg.layout.cmdline_paddr = cmdline_end - sizeof(cmdline);
  cfg.initramfs = &rd;
  struct pvh_plan p;
  pvh_plan_init(&p);
  assert_int_equal(pvh_plan_add_segment(&p, 0, PVH_PF_R | PVH_PF_X, 0x100000, 0x10, 0x1000, 0, text, &err),
                   PVH_OK);
  p.report.note.entry = 0x100000;
  enum pvh_err rc = pvh_plan_boot_data(&p, sorted, n, &cfg, &err);
  if (rc == PVH_OK)
    rc = pvh_plan_validate(&p, sorted, n, &err);
  *initramfs_paddr = p.report.initramfs_paddr;
  pvh_plan_free(&p);
  free(sorted);
  return rc;
}

static void initramfs_touching_vs_overlapping_a_write(void **s) {
  (void)s;
  const uint64_t top = 2 * PVH_GIB - 0x1000; /* the first candidate */
  uint64_t at = 0;
  assert_int_equal(place_under_cmdline(top, &at), PVH_OK);
  assert_int_equal(at, top);
  assert_int_equal(place_under_cmdline(top + 1, &at), PVH_OK);
  assert_true(at + 0x1000 <= top + 1 - 14);
}

/* Thousands of PT_LOADs: every one is recorded, in order, and the array grows
 * geometrically (this took 0.69 s and 400 MB under ASan when it grew by one). */
static void many_segments(void **s) {
  (void)s;
  enum { N = 4096 };
  struct pvh_plan p;
  struct pvh_error err;
  pvh_plan_init(&p);
  for (uint32_t i = 0; i < N; i++)
    assert_int_equal(pvh_plan_add_segment(&p, i, PVH_PF_R | PVH_PF_X, 0x1000000 + (uint64_t)i * 0x1000, 0x10,
                                          0x1000, 0, text, &err),
                     PVH_OK);
  assert_int_equal(p.report.nr_segments, N);
  assert_int_equal(p.nr_ops, 2 * N);
  for (uint32_t i = 0; i < N; i++) {
    assert_int_equal(p.report.segments[i].phdr_index, i);
    assert_int_equal(p.report.segments[i].paddr, 0x1000000 + (uint64_t)i * 0x1000);
  }
  assert_int_equal(p.report.kernel_end, 0x1000000 + (uint64_t)N * 0x1000);
  assert_int_equal(validate(&p), PVH_OK);
  pvh_plan_free(&p);
}

int main(void) {
  memset(text_bytes, 0x90, sizeof(text_bytes));
  pvh_image_from_buffer(&text_img, text_bytes, sizeof(text_bytes), "text");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(segment_touch_vs_overlap),
      cmocka_unit_test(segment_touch_vs_overlap_boot_data),
      cmocka_unit_test(overlap_after_nested_write),
      cmocka_unit_test(end_exactly_at_a_limit),
      cmocka_unit_test(kernel_reported_before_layout),
      cmocka_unit_test(file_bytes_end_exactly_at_eof),
      cmocka_unit_test(initramfs_touching_vs_overlapping_a_write),
      cmocka_unit_test(many_segments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
