/* SPDX-License-Identifier: MIT */
/* The two buses: flat (host memory slots) and recording (write log with
 * optional data, read-back, digest). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const struct pvh_mem_region map[] = {
    {0, 0x10000, PVH_MEM_RAM},
    {0x10000, 0x10000, PVH_MEM_RESERVED},
    {0x100000, 0x100000, PVH_MEM_RAM},
};

static void flat_slots(void **s) {
  (void)s;
  static uint8_t low[0x10000], high[0x100000];
  struct pvh_flat_bus fb;
  pvh_flat_bus_init(&fb, map, 3);
  assert_ptr_equal(fb.bus.regions, map);
  assert_int_equal(fb.bus.nr_regions, 3);
  assert_int_equal(pvh_flat_bus_add_slot(&fb, 0, sizeof(low), low), 0);
  assert_int_equal(pvh_flat_bus_add_slot(&fb, 0x100000, sizeof(high), high), 0);
  assert_int_equal(pvh_flat_bus_add_slot(&fb, 0xf000, 0x2000, high), -1); /* overlaps low */
  assert_int_equal(pvh_flat_bus_add_slot(&fb, 0x300000, 0, high), -1);    /* empty */
  assert_int_equal(pvh_flat_bus_add_slot(&fb, 0x300000, 16, NULL), -1);   /* no memory */
  assert_int_equal(pvh_flat_bus_add_slot(&fb, UINT64_MAX, 2, high), -1);  /* wraps */
  assert_ptr_equal(pvh_flat_bus_host(&fb, 0x10, 4), low + 0x10);
  assert_ptr_equal(pvh_flat_bus_host(&fb, 0x1ffff0, 0x10), high + 0xffff0);
  assert_null(pvh_flat_bus_host(&fb, 0xfff0, 0x20));      /* runs off the slot */
  assert_null(pvh_flat_bus_host(&fb, 0x80000, 1));        /* no slot */
  assert_null(pvh_flat_bus_host(&fb, UINT64_MAX - 1, 4)); /* wraps */

  memset(high, 0x77, sizeof(high));
  assert_int_equal(fb.bus.ops->write(fb.bus.ctx, 0x100010, "hello", 5), 0);
  assert_memory_equal(high + 0x10, "hello", 5);
  assert_int_equal(high[0x15], 0x77);
  assert_int_equal(fb.bus.ops->zero(fb.bus.ctx, 0x100011, 3), 0);
  assert_memory_equal(high + 0x10, "h\0\0\0o", 5);
  assert_int_equal(fb.bus.ops->write(fb.bus.ctx, 0x20000, "x", 1), -1);
  assert_int_equal(fb.bus.ops->zero(fb.bus.ctx, 0xffff, 2), -1);

  /* Full: PVH_FLAT_BUS_MAX_SLOTS in total. */
  static uint8_t tiny[PVH_FLAT_BUS_MAX_SLOTS][16];
  for (size_t i = 2; i < PVH_FLAT_BUS_MAX_SLOTS; i++)
    assert_int_equal(pvh_flat_bus_add_slot(&fb, 0x1000000 + i * 0x1000, 16, tiny[i]), 0);
  assert_int_equal(pvh_flat_bus_add_slot(&fb, 0x2000000, 16, tiny[0]), -1);

  /* A slot entirely below another one does not overlap it. */
  struct pvh_flat_bus fb2;
  pvh_flat_bus_init(&fb2, map, 3);
  assert_int_equal(pvh_flat_bus_add_slot(&fb2, 0x100000, sizeof(high), high), 0);
  assert_int_equal(pvh_flat_bus_add_slot(&fb2, 0x80000, sizeof(low), low), 0);
  assert_int_equal(pvh_flat_bus_add_slot(&fb2, 0x80000 + sizeof(low) - 1, 2, low), -1); /* one byte in */
}

static void rec_read_back(void **s) {
  (void)s;
  struct pvh_rec_bus rb;
  pvh_rec_bus_init(&rb, map, 3, 1);
  struct pvh_bus *b = &rb.bus;
  assert_int_equal(b->ops->write(b->ctx, 0x100000, "abcdefgh", 8), 0);
  assert_int_equal(b->ops->zero(b->ctx, 0x100002, 2), 0);
  assert_int_equal(b->ops->write(b->ctx, 0x100006, "XYZ", 3), 0); /* later write wins */
  assert_int_equal(rb.nr_writes, 3);
  assert_int_equal(rb.total_bytes, 13);
  assert_int_equal(rb.writes[1].is_zero, 1);
  assert_int_equal(rb.writes[1].gpa, 0x100002);
  assert_int_equal(rb.writes[1].len, 2);
  uint8_t out[12];
  assert_int_equal(pvh_rec_bus_read(&rb, 0x0ffffe, out, 12, 0xab), 0);
  assert_memory_equal(out,
                      "\xab\xab"
                      "ab\0\0efXYZ\xab",
                      12);

  /* A read range that wraps past 2^64 is refused. */
  assert_int_equal(pvh_rec_bus_read(&rb, UINT64_MAX - 1, out, 4, 0), -1);

  /* Writes outside RAM are refused and flagged. */
  assert_int_equal(b->ops->write(b->ctx, 0x10000, "r", 1), -1);
  assert_int_equal(b->ops->zero(b->ctx, 0x1ffff0, 0x20), -1);
  assert_int_equal(rb.out_of_ram, 1);
  assert_int_equal(rb.nr_writes, 3);

  /* The hash of a write is FNV-1a 64 of its bytes, zero-fills included. */
  assert_int_equal(rb.writes[0].hash, pvh_fnv1a64(PVH_FNV1A64_INIT, "abcdefgh", 8));
  assert_int_equal(rb.writes[1].hash, pvh_fnv1a64(PVH_FNV1A64_INIT, "\0\0", 2));

  pvh_rec_bus_reset(&rb);
  assert_int_equal(rb.nr_writes, 0);
  assert_int_equal(rb.total_bytes, 0);
  assert_int_equal(rb.out_of_ram, 0);
  assert_int_equal(rb.keep_data, 1); /* config kept */
  assert_int_equal(pvh_rec_bus_read(&rb, 0x100000, out, 4, 0x11), 0);
  assert_memory_equal(out, "\x11\x11\x11\x11", 4);
  pvh_rec_bus_free(&rb);
}

/* A huge zero-fill costs nothing and hashes like the explicit zeros. */
static void rec_zero_hash(void **s) {
  (void)s;
  static const struct pvh_mem_region big[] = {{0, 1ull << 40, PVH_MEM_RAM}};
  struct pvh_rec_bus rb;
  pvh_rec_bus_init(&rb, big, 1, 0);
  static uint8_t zeros[4099];
  for (uint64_t len = 0; len < sizeof(zeros); len += 97) {
    pvh_rec_bus_reset(&rb);
    assert_int_equal(rb.bus.ops->zero(rb.bus.ctx, 0, len ? len : 1), 0);
    assert_int_equal(rb.writes[0].hash, pvh_fnv1a64(PVH_FNV1A64_INIT, zeros, len ? len : 1));
  }
  pvh_rec_bus_reset(&rb);
  assert_int_equal(rb.bus.ops->zero(rb.bus.ctx, 0x1000, 1ull << 39), 0);
  assert_int_equal(rb.total_bytes, 1ull << 39);
  pvh_rec_bus_free(&rb);
}

/* FNV-1a 64 reference vectors (from the FNV specification's test suite). */
static void fnv_vectors(void **s) {
  (void)s;
  assert_int_equal(pvh_fnv1a64(PVH_FNV1A64_INIT, "", 0), 0xcbf29ce484222325ull);
  assert_int_equal(pvh_fnv1a64(PVH_FNV1A64_INIT, "a", 1), 0xaf63dc4c8601ec8cull);
  assert_int_equal(pvh_fnv1a64(PVH_FNV1A64_INIT, "foobar", 6), 0x85944171f73967e8ull);
  /* Incremental == one shot. */
  assert_int_equal(pvh_fnv1a64(pvh_fnv1a64(PVH_FNV1A64_INIT, "foo", 3), "bar", 3),
                   pvh_fnv1a64(PVH_FNV1A64_INIT, "foobar", 6));
}

static void rec_keep_limits(void **s) {
  (void)s;
  struct pvh_rec_bus rb;
  uint8_t out[8];
  /* Without keep_data: hashes only, and reading written bytes fails. */
  pvh_rec_bus_init(&rb, map, 3, 0);
  assert_int_equal(rb.bus.ops->write(rb.bus.ctx, 0x100, "12345678", 8), 0);
  assert_null(rb.writes[0].data);
  assert_int_equal(pvh_rec_bus_read(&rb, 0x100, out, 8, 0), -1);
  assert_int_equal(pvh_rec_bus_read(&rb, 0x200, out, 8, 0), 0); /* untouched range is fine */
  pvh_rec_bus_free(&rb);

  /* keep_limit: copies stop once the budget would be exceeded. */
  pvh_rec_bus_init(&rb, map, 3, 1);
  rb.keep_limit = 10;
  assert_int_equal(rb.bus.ops->write(rb.bus.ctx, 0x100, "12345678", 8), 0);
  assert_int_equal(rb.bus.ops->write(rb.bus.ctx, 0x200, "abcdefgh", 8), 0);
  assert_non_null(rb.writes[0].data);
  assert_null(rb.writes[1].data);
  assert_int_equal(rb.kept_bytes, 8);
  assert_int_equal(pvh_rec_bus_read(&rb, 0x100, out, 8, 0), 0);
  assert_memory_equal(out, "12345678", 8);
  assert_int_equal(pvh_rec_bus_read(&rb, 0x1fc, out, 8, 0), -1);
  /* A limit lowered below what is already kept: nothing more is kept. */
  rb.keep_limit = 4;
  assert_int_equal(rb.bus.ops->write(rb.bus.ctx, 0x300, "z", 1), 0);
  assert_null(rb.writes[2].data);
  /* An empty write is no RAM: refused, nothing recorded. */
  assert_int_equal(rb.bus.ops->write(rb.bus.ctx, 0x400, "z", 0), -1);
  assert_int_equal(rb.nr_writes, 3);
  pvh_rec_bus_free(&rb);
}

static void digest(void **s) {
  (void)s;
  struct pvh_rec_bus a, b;
  pvh_rec_bus_init(&a, map, 3, 0);
  pvh_rec_bus_init(&b, map, 3, 1);
  assert_int_equal(pvh_rec_bus_digest(&a), pvh_rec_bus_digest(&b)); /* both empty */
  a.bus.ops->write(a.bus.ctx, 0x100, "xy", 2);
  b.bus.ops->write(b.bus.ctx, 0x100, "xy", 2);
  a.bus.ops->zero(a.bus.ctx, 0x200, 16);
  b.bus.ops->zero(b.bus.ctx, 0x200, 16);
  uint64_t d = pvh_rec_bus_digest(&a);
  assert_int_equal(d, pvh_rec_bus_digest(&b)); /* keep_data does not matter */
  b.bus.ops->write(b.bus.ctx, 0x300, "z", 1);
  assert_int_not_equal(d, pvh_rec_bus_digest(&b));
  /* Same bytes at another address, or another order: different digest. */
  pvh_rec_bus_reset(&b);
  b.bus.ops->write(b.bus.ctx, 0x101, "xy", 2);
  b.bus.ops->zero(b.bus.ctx, 0x200, 16);
  assert_int_not_equal(d, pvh_rec_bus_digest(&b));
  pvh_rec_bus_reset(&b);
  b.bus.ops->zero(b.bus.ctx, 0x200, 16);
  b.bus.ops->write(b.bus.ctx, 0x100, "xy", 2);
  assert_int_not_equal(d, pvh_rec_bus_digest(&b));
  pvh_rec_bus_free(&a);
  pvh_rec_bus_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(flat_slots),  cmocka_unit_test(rec_read_back),   cmocka_unit_test(rec_zero_hash),
      cmocka_unit_test(fnv_vectors), cmocka_unit_test(rec_keep_limits), cmocka_unit_test(digest),
  };
  return cmocka_run_group_tests_name("bus", tests, NULL, NULL);
}
