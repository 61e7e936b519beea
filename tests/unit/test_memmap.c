/* SPDX-License-Identifier: MIT */
/* Standard PC layouts, caller map validation/sorting, the RAM predicate and
 * size parsing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Invariants any standard map must satisfy, whatever the RAM size. */
static void check_standard(uint64_t ram) {
  struct pvh_mem_region m[8];
  size_t n = pvh_memmap_standard(ram, m, 8);
  assert_true(n == 3 || n == 5);
  uint64_t ram_total = 0;
  for (size_t i = 0; i < n; i++) {
    assert_true(m[i].size > 0);
    if (i > 0)
      assert_int_equal(m[i].addr, m[i - 1].addr + m[i - 1].size); /* contiguous, sorted */
    if (m[i].type == PVH_MEM_RAM)
      ram_total += m[i].size;
  }
  assert_int_equal(m[0].addr, 0);
  assert_int_equal(m[0].type, PVH_MEM_RAM);
  assert_int_equal(m[0].size, PVH_LOW_RAM_END);
  assert_int_equal(m[1].type, PVH_MEM_RESERVED);
  assert_int_equal(m[2].addr, PVH_HIGH_RAM_START);
  /* All RAM the guest has is described (the EBDA/ROM hole is not RAM). */
  assert_int_equal(ram_total, ram - (PVH_HIGH_RAM_START - PVH_LOW_RAM_END));
  if (ram > PVH_MMIO_HOLE_START) {
    assert_int_equal(n, 5);
    assert_int_equal(m[3].addr, PVH_MMIO_HOLE_START);
    assert_int_equal(m[3].type, PVH_MEM_RESERVED);
    assert_int_equal(m[4].addr, PVH_4G);
    assert_int_equal(m[4].size, ram - PVH_MMIO_HOLE_START);
  } else {
    assert_int_equal(n, 3);
    assert_int_equal(m[2].addr + m[2].size, ram);
  }
  struct pvh_mem_region *sorted;
  struct pvh_error err;
  assert_int_equal(pvh_memmap_sorted(m, n, &sorted, &err), PVH_OK);
  assert_memory_equal(sorted, m, n * sizeof(*m));
  free(sorted);
}

static void standard_layouts(void **s) {
  (void)s;
  const uint64_t sizes[] = {PVH_HIGH_RAM_START + 4096, 2 * PVH_MIB, 256 * PVH_MIB, 3 * PVH_GIB,
                            3 * PVH_GIB + 4096,        4 * PVH_GIB, 64 * PVH_GIB};
  for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
    check_standard(sizes[i]);
  struct pvh_mem_region m[8];
  assert_int_equal(pvh_memmap_standard(PVH_HIGH_RAM_START + 4095, m, 8), 0);
  assert_int_equal(pvh_memmap_standard(0, m, 8), 0);
  assert_int_equal(pvh_memmap_standard(PVH_GIB, m, 4), 0); /* cap below 5 */
}

static void sorted_copy(void **s) {
  (void)s;
  struct pvh_mem_region in[] = {
      {0x300000, 0x1000, PVH_MEM_ACPI},
      {0x0, 0x1000, PVH_MEM_RAM},
      {0x1000, 0x1000, PVH_MEM_PMEM},
      {0x200000, 0x100000, PVH_MEM_NVS},
  };
  struct pvh_mem_region saved[4];
  memcpy(saved, in, sizeof(in));
  struct pvh_mem_region *out;
  struct pvh_error err;
  assert_int_equal(pvh_memmap_sorted(in, 4, &out, &err), PVH_OK);
  assert_int_equal(out[0].addr, 0x0);
  assert_int_equal(out[1].addr, 0x1000);
  assert_int_equal(out[1].type, PVH_MEM_PMEM);
  assert_int_equal(out[2].addr, 0x200000);
  assert_int_equal(out[3].addr, 0x300000);
  assert_memory_equal(in, saved, sizeof(in)); /* the input is not reordered */
  free(out);
  /* Touching regions are not overlapping; a region may end exactly at 2^64 - 1. */
  struct pvh_mem_region edge[] = {{UINT64_MAX - 0x1000, 0x1000, PVH_MEM_RESERVED}, {0, 0x1000, PVH_MEM_RAM}};
  assert_int_equal(pvh_memmap_sorted(edge, 2, &out, &err), PVH_OK);
  free(out);
}

/* xorshift64: the same maps on every run. */
static uint64_t next_rand(uint64_t *x) {
  *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
  return *x;
}

/* The sort's reference: insertion sort, stable by construction. */
static void reference_sort(struct pvh_mem_region *r, size_t n) {
  for (size_t k = 1; k < n; k++) {
    struct pvh_mem_region x = r[k];
    size_t j = k;
    for (; j > 0 && r[j - 1].addr > x.addr; j--)
      r[j] = r[j - 1];
    r[j] = x;
  }
}

/* pvh_memmap_sorted against the reference on maps of every shape its sort
 * treats differently: sorted, reversed, shuffled, nearly sorted; small maps
 * (insertion) and large ones (radix) up to the 4096 limit; addresses that
 * differ in a few bytes or in all eight; and duplicate addresses, where a
 * stable sort decides which two regions the overlap error names. */
static void sort_matches_reference(void **s) {
  (void)s;
  static const size_t sizes[] = {1, 2, 3, 15, 16, 17, 31, 32, 33, 100, 255, 256, 257, 1000, 4095, 4096};
  static struct pvh_mem_region in[PVH_MEMMAP_MAX_REGIONS], want[PVH_MEMMAP_MAX_REGIONS];
  uint64_t x = 0x2545f4914f6cdd1dull;
  for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
    size_t n = sizes[si];
    for (int shape = 0; shape < 6; shape++) {
      /* Disjoint, each with its own size and type so a swap shows. */
      for (size_t i = 0; i < n; i++)
        in[i] =
            (struct pvh_mem_region){(uint64_t)i * 0x2000, 0x1000 + (i % 16) * 0x10, (uint32_t)(1 + i % 7)};
      if (shape == 1) /* reversed */
        for (size_t i = 0; i < n / 2; i++) {
          struct pvh_mem_region t = in[i];
          in[i] = in[n - 1 - i], in[n - 1 - i] = t;
        }
      if (shape == 2 || shape == 4) /* shuffled */
        for (size_t i = n; i-- > 1;) {
          size_t j = (size_t)(next_rand(&x) % (i + 1));
          struct pvh_mem_region t = in[i];
          in[i] = in[j], in[j] = t;
        }
      if (shape == 3 && n > 1) /* one pair out of place */
        for (int k = 0; k < 3; k++) {
          size_t i = (size_t)(next_rand(&x) % (n - 1));
          struct pvh_mem_region t = in[i];
          in[i] = in[i + 1], in[i + 1] = t;
        }
      if (shape == 5) { /* addresses that differ in every byte, shuffled */
        for (size_t i = 0; i < n; i++)
          in[i].addr = (uint64_t)i << 51 | (next_rand(&x) & 0x7ffffffffff0ull), in[i].size = 0x10;
        for (size_t i = n; i-- > 1;) {
          size_t j = (size_t)(next_rand(&x) % (i + 1));
          struct pvh_mem_region t = in[i];
          in[i] = in[j], in[j] = t;
        }
      }
      if (shape == 4 && n > 2) /* duplicate addresses: overlaps */
        for (int k = 0; k < 4; k++)
          in[next_rand(&x) % n].addr = in[next_rand(&x) % n].addr;
      memcpy(want, in, n * sizeof(*in));
      reference_sort(want, n);
      char msg[sizeof(((struct pvh_error *)0)->message)] = "";
      for (size_t i = 1; i < n && !msg[0]; i++)
        if (want[i].addr < want[i - 1].addr + want[i - 1].size)
          snprintf(msg, sizeof(msg), "regions 0x%llx+0x%llx and 0x%llx+0x%llx overlap",
                   (unsigned long long)want[i - 1].addr, (unsigned long long)want[i - 1].size,
                   (unsigned long long)want[i].addr, (unsigned long long)want[i].size);
      struct pvh_mem_region *out = NULL;
      struct pvh_error err;
      pvh_error_clear(&err);
      enum pvh_err rc = pvh_memmap_sorted(in, n, &out, &err);
      if (msg[0]) {
        assert_int_equal(rc, PVH_E_MEMMAP_INVALID);
        assert_string_equal(err.message, msg);
        assert_null(out);
      } else {
        assert_int_equal(rc, PVH_OK);
        assert_memory_equal(out, want, n * sizeof(*out));
        free(out);
      }
    }
  }
}

static void invalid_maps(void **s) {
  (void)s;
  const struct {
    struct pvh_mem_region r[2];
    size_t n;
  } bad[] = {
      {{{0, 0, PVH_MEM_RAM}}, 1},
      {{{0, 0x1000, 0}}, 1},
      {{{0, 0x1000, 8}}, 1},
      {{{1, UINT64_MAX, PVH_MEM_RAM}}, 1},
      {{{0, 0x2000, PVH_MEM_RAM}, {0x1fff, 1, PVH_MEM_RESERVED}}, 2},
      {{{0x1000, 0x1000, PVH_MEM_RAM}, {0x1000, 0x1000, PVH_MEM_RAM}}, 2},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    struct pvh_mem_region *out = (void *)1;
    struct pvh_error err;
    pvh_error_clear(&err);
    assert_int_equal(pvh_memmap_sorted(bad[i].r, bad[i].n, &out, &err), PVH_E_MEMMAP_INVALID);
    assert_null(out);
    assert_true(strlen(err.message) > 0);
  }
}

static void is_ram(void **s) {
  (void)s;
  struct pvh_mem_region m[8];
  size_t n = pvh_memmap_standard(4 * PVH_GIB, m, 8);
  assert_true(pvh_memmap_is_ram(m, n, 0, 1));
  assert_true(pvh_memmap_is_ram(m, n, 0, PVH_LOW_RAM_END));
  assert_false(pvh_memmap_is_ram(m, n, 0, PVH_LOW_RAM_END + 1));
  assert_false(pvh_memmap_is_ram(m, n, PVH_LOW_RAM_END, 1));
  assert_false(pvh_memmap_is_ram(m, n, 0x1000, 0)); /* len 0 is never RAM */
  assert_true(pvh_memmap_is_ram(m, n, PVH_HIGH_RAM_START, PVH_MMIO_HOLE_START - PVH_HIGH_RAM_START));
  assert_false(pvh_memmap_is_ram(m, n, PVH_MMIO_HOLE_START - 1, 2));
  assert_true(pvh_memmap_is_ram(m, n, PVH_4G, PVH_GIB));
  assert_false(pvh_memmap_is_ram(m, n, PVH_4G, PVH_GIB + 1));
  assert_false(pvh_memmap_is_ram(m, n, UINT64_MAX, 2)); /* wraps */
  /* Adjacent RAM regions (listed in any order) form one stretch of RAM. */
  struct pvh_mem_region two[] = {{0x1000, 0x1000, PVH_MEM_RAM}, {0, 0x1000, PVH_MEM_RAM}};
  assert_true(pvh_memmap_is_ram(two, 2, 0x800, 0x800));
  assert_true(pvh_memmap_is_ram(two, 2, 0x800, 0x1000));
  assert_true(pvh_memmap_is_ram(two, 2, 0, 0x2000));
  assert_false(pvh_memmap_is_ram(two, 2, 0x800, 0x1801)); /* one byte past the chain */
  /* A gap, or a non-RAM neighbour, breaks the chain. */
  struct pvh_mem_region gap[] = {{0, 0x1000, PVH_MEM_RAM}, {0x1001, 0x1000, PVH_MEM_RAM}};
  assert_false(pvh_memmap_is_ram(gap, 2, 0x800, 0x1000));
  struct pvh_mem_region mixed[] = {{0, 0x1000, PVH_MEM_RAM}, {0x1000, 0x1000, PVH_MEM_ACPI}};
  assert_false(pvh_memmap_is_ram(mixed, 2, 0x800, 0x1000));
}

static void parse_size(void **s) {
  (void)s;
  const struct {
    const char *in;
    uint64_t want;
  } good[] = {{"0", 0},           {"1048576", 1048576}, {"4096K", 4096ull << 10}, {"256M", 256ull << 20},
              {"1G", 1ull << 30}, {"2T", 2ull << 40},   {"256MiB", 256ull << 20}, {"1gb", 1ull << 30},
              {"0x1000", 0x1000}, {"16m", 16ull << 20}};
  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
    uint64_t v = 12345;
    if (pvh_parse_size(good[i].in, &v) != 0)
      fail_msg("\"%s\" rejected", good[i].in);
    assert_int_equal(v, good[i].want);
  }
  const char *bad[] = {"",    "M", "-1", "1X", "1MM", "12 ", " 12", "99999999999999999999", "17179869184G",
                       "1iB", NULL};
  for (size_t i = 0; bad[i]; i++) {
    uint64_t v = 12345;
    if (pvh_parse_size(bad[i], &v) == 0)
      fail_msg("\"%s\" accepted as %llu", bad[i], (unsigned long long)v);
    assert_int_equal(v, 12345);
  }
  uint64_t v;
  assert_int_not_equal(pvh_parse_size(NULL, &v), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(standard_layouts),
      cmocka_unit_test(sorted_copy),
      cmocka_unit_test(sort_matches_reference),
      cmocka_unit_test(invalid_maps),
      cmocka_unit_test(is_ram),
      cmocka_unit_test(parse_size),
  };
  return cmocka_run_group_tests_name("memmap", tests, NULL, NULL);
}
