/* SPDX-License-Identifier: MIT */
/* The PVH entry state and the GDT encoding: architectural values, encode /
 * decode round trips, and the well-known flat descriptors. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

static void state_fields(void **s) {
  (void)s;
  struct pvh_entry_state st;
  memset(&st, 0x5a, sizeof(st)); /* every field must be set, not left over */
  pvh_entry_state_init(&st, 0x1000000, 0x7000, 0x500);
  assert_int_equal(st.rip, 0x1000000);
  assert_int_equal(st.rbx, 0x7000);
  assert_int_equal(st.rax | st.rcx | st.rdx | st.rsi | st.rdi | st.rsp | st.rbp, 0);
  assert_int_equal(st.r8 | st.r9 | st.r10 | st.r11 | st.r12 | st.r13 | st.r14 | st.r15, 0);
  assert_int_equal(st.rflags, 0x2);
  assert_int_equal(st.cr0, PVH_CR0_PE | PVH_CR0_ET);
  assert_int_equal(st.cr2 | st.cr3 | st.cr4 | st.efer, 0);
  assert_int_equal(st.gdt.base, 0x500);
  assert_int_equal(st.gdt.limit, PVH_GDT_SIZE - 1);
  assert_int_equal(st.cs.selector, PVH_SEL_CS);
  assert_int_equal(st.ds.selector, PVH_SEL_DS);
  assert_int_equal(st.tr.selector, PVH_SEL_TR);
  const struct pvh_segment *flat[] = {&st.cs, &st.ds, &st.es, &st.fs, &st.gs, &st.ss};
  for (size_t i = 0; i < 6; i++) {
    assert_int_equal(flat[i]->base, 0);
    assert_int_equal(flat[i]->limit, 0xffffffffu);
    assert_int_equal(flat[i]->present, 1);
    assert_int_equal(flat[i]->db, 1);
    assert_int_equal(flat[i]->l, 0);
    assert_int_equal(flat[i]->g, 1);
    assert_int_equal(flat[i]->s, 1);
    assert_int_equal(flat[i]->dpl, 0);
  }
  assert_int_equal(st.cs.type, 0xb);
  assert_int_equal(st.ss.type, 0x3);
  assert_int_equal(st.tr.type, 0xb);
  assert_int_equal(st.tr.limit, 0x67);
  assert_int_equal(st.tr.s, 0);
  assert_int_equal(st.tr.present, 1);
  assert_int_equal(st.ldt.unusable, 1);
}

/* The textbook flat 4 GiB descriptors: code 0x00cf9b000000ffff, data
 * 0x00cf93000000ffff; 32-bit busy TSS at base 0, limit 0x67: 0x00008b0000000067. */
static void known_descriptors(void **s) {
  (void)s;
  struct pvh_entry_state st;
  pvh_entry_state_init(&st, 0x100000, 0x2000, 0x1000);
  assert_int_equal(pvh_gdt_encode(&st.cs), 0x00cf9b000000ffffull);
  assert_int_equal(pvh_gdt_encode(&st.ds), 0x00cf93000000ffffull);
  assert_int_equal(pvh_gdt_encode(&st.tr), 0x00008b0000000067ull);
  uint64_t gdt[PVH_GDT_ENTRIES];
  memset(gdt, 0xff, sizeof(gdt));
  pvh_gdt_build(&st, gdt);
  assert_int_equal(gdt[0], 0);
  assert_int_equal(gdt[1], 0);
  assert_int_equal(gdt[PVH_SEL_CS >> 3], 0x00cf9b000000ffffull);
  assert_int_equal(gdt[PVH_SEL_DS >> 3], 0x00cf93000000ffffull);
  assert_int_equal(gdt[PVH_SEL_TR >> 3], 0x00008b0000000067ull);
}

/* decode(encode(x)) == x for segments a descriptor can express: byte limits
 * below 1 MiB with g=0, page-granular limits (low 12 bits set) with g=1. */
static void round_trip(void **s) {
  (void)s;
  uint32_t seed = 12345;
  for (int i = 0; i < 5000; i++) {
    struct pvh_segment a;
    memset(&a, 0, sizeof(a));
    seed = seed * 1103515245u + 12345u;
    uint32_t r1 = seed;
    seed = seed * 1103515245u + 12345u;
    uint32_t r2 = seed;
    a.base = r1;
    a.g = r2 & 1;
    a.limit = a.g ? ((r2 >> 1) << 12) | 0xfff : (r2 >> 12) & 0xfffff;
    a.type = (r2 >> 4) & 0xf;
    a.present = (r2 >> 8) & 1;
    a.dpl = (r2 >> 9) & 3;
    a.db = (r2 >> 11) & 1;
    a.s = (r2 >> 12) & 1;
    a.l = (r2 >> 13) & 1;
    a.avl = (r2 >> 14) & 1;
    a.selector = (uint16_t)(8 * (i % 5));
    struct pvh_segment b = pvh_gdt_decode(pvh_gdt_encode(&a), a.selector);
    char why[128];
    if (pvh_segment_diff(&a, &b, why, sizeof(why)) != 0)
      fail_msg("round trip %d: %s", i, why);
    assert_int_equal(b.unusable, !a.present);
  }
}

static void segment_diff_reports(void **s) {
  (void)s;
  struct pvh_entry_state st;
  pvh_entry_state_init(&st, 0, 0, 0);
  struct pvh_segment a = st.cs, b = st.cs;
  char why[64] = "";
  assert_int_equal(pvh_segment_diff(&a, &b, why, sizeof(why)), 0);
  b.limit = 0x0fffffff; /* the classic mistake: a page count instead of bytes */
  assert_int_equal(pvh_segment_diff(&a, &b, why, sizeof(why)), 1);
  assert_non_null(strstr(why, "limit"));
  b = a;
  b.db = 0;
  assert_int_equal(pvh_segment_diff(&a, &b, NULL, 0), 1);
}

/* Each compared field on its own: named in the message, and reported with no
 * message buffer (NULL, or a length of 0) too. */
static void segment_diff_every_field(void **s) {
  (void)s;
  struct pvh_entry_state st;
  pvh_entry_state_init(&st, 0, 0, 0);
  const struct pvh_segment a = st.ds;
  static const char *const names[] = {"base", "limit", "selector", "type", "present", "dpl",
                                      "db",   "s",     "l",        "g",    "avl"};
  for (unsigned f = 0; f < sizeof(names) / sizeof(names[0]); f++) {
    struct pvh_segment b = a;
    switch (f) {
    case 0: b.base = 0x1000; break;
    case 1: b.limit = 0xfff; break;
    case 2: b.selector = 0x28; break;
    case 3: b.type ^= 1; break;
    case 4: b.present ^= 1; break;
    case 5: b.dpl = 3; break;
    case 6: b.db ^= 1; break;
    case 7: b.s ^= 1; break;
    case 8: b.l ^= 1; break;
    case 9: b.g ^= 1; break;
    default: b.avl ^= 1; break;
    }
    char why[64] = "";
    assert_int_equal(pvh_segment_diff(&a, &b, why, sizeof(why)), 1);
    char want[16];
    snprintf(want, sizeof(want), "%s 0x", names[f]);
    assert_true(strncmp(why, want, strlen(want)) == 0);
    assert_int_equal(pvh_segment_diff(&a, &b, NULL, sizeof(why)), 1);
    char untouched[4] = "abc";
    assert_int_equal(pvh_segment_diff(&a, &b, untouched, 0), 1);
    assert_string_equal(untouched, "abc");
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(segment_diff_every_field), cmocka_unit_test(state_fields),
      cmocka_unit_test(known_descriptors),        cmocka_unit_test(round_trip),
      cmocka_unit_test(segment_diff_reports),
  };
  return cmocka_run_group_tests_name("entry", tests, NULL, NULL);
}
