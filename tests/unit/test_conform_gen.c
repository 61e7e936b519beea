/* SPDX-License-Identifier: MIT */
/* pvhcheck conform's engine without KVM: every generated case is inside the
 * ABI (conform_case_check, written apart from the generators) and is loaded
 * by libpvh as generated; the same seed gives the same case; turning
 * variations off leaves the others' values alone; the shrinker finds a
 * planted cause. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pvhconform/conform.h"

static struct conform_ctx ctx_small(void) {
  /* The unit-test kernel: text at 1 MiB, data+bss up to 0x403000. */
  struct conform_ctx c = {.ram_size = H_RAM,
                          .kernel_start = TK_TEXT,
                          .kernel_end = TK_DATA + TK_DATA_MEMSZ,
                          .cmdline_size = 200,
                          .initramfs_size = 0x10000,
                          .rsdp_default = 0};
  return c;
}

static struct conform_ctx ctx_linux(void) {
  /* A Debian 6.1 vmlinux: 16 MiB .. ~60 MiB, 512 MiB of RAM, ACPI on. */
  struct conform_ctx c = {.ram_size = 512ull << 20,
                          .kernel_start = 0x1000000,
                          .kernel_end = 0x3c00000,
                          .cmdline_size = 24,
                          .initramfs_size = 0x180000,
                          .rsdp_default = 1};
  return c;
}

static void check_seeds(const struct conform_ctx *ctx, enum conform_realm realm, uint64_t first, unsigned n) {
  char why[256];
  for (uint64_t s = first; s < first + n; s++) {
    struct conform_case c;
    conform_case_generate(ctx, s, realm, &c);
    if (conform_case_check(&c, ctx, why, sizeof(why)) != 0)
      fail_msg("seed %llu realm %d: %s", (unsigned long long)s, (int)realm, why);
    /* Each variation alone too: the shrinker runs such cases. */
    for (unsigned v = 0; v < CV__COUNT; v++) {
      struct conform_case one = c;
      one.varied = 1u << v;
      if (conform_case_check(&one, ctx, why, sizeof(why)) != 0)
        fail_msg("seed %llu, %s alone: %s", (unsigned long long)s, conform_var_name((enum conform_var)v),
                 why);
    }
  }
}

static void test_inside_abi(void **state) {
  (void)state;
  struct conform_ctx a = ctx_small(), b = ctx_linux();
  check_seeds(&a, CONFORM_REALM_VMM, 1, 300);
  check_seeds(&a, CONFORM_REALM_ABI, 1000, 300);
  check_seeds(&b, CONFORM_REALM_VMM, 1, 300);
  check_seeds(&b, CONFORM_REALM_ABI, 1000, 300);
}

/* The oracle itself: a value outside the ABI is refused. */
static void test_check_refuses(void **state) {
  (void)state;
  struct conform_ctx ctx = ctx_small();
  struct conform_case c;
  char why[256];
  conform_case_generate(&ctx, 7, CONFORM_REALM_VMM, &c);
  struct conform_case bad = c;
  bad.rflags |= 0x200; /* IF */
  assert_int_equal(conform_case_check(&bad, &ctx, why, sizeof(why)), -1);
  assert_non_null(strstr(why, "eflags"));
  bad = c;
  bad.sel[3] = bad.sel[0]; /* SS on the code descriptor */
  assert_int_equal(conform_case_check(&bad, &ctx, why, sizeof(why)), -1);
  bad = c;
  bad.start_info_paddr = TK_TEXT + 0x100; /* inside the kernel */
  assert_int_equal(conform_case_check(&bad, &ctx, why, sizeof(why)), -1);
  bad = c;
  bad.esp = 0x100000000ull;
  assert_int_equal(conform_case_check(&bad, &ctx, why, sizeof(why)), -1);
  bad = c;
  bad.idt_base = 0x5000; /* not what a VMM leaves */
  assert_int_equal(conform_case_check(&bad, &ctx, why, sizeof(why)), -1);
}

static void test_same_seed_same_case(void **state) {
  (void)state;
  struct conform_ctx ctx = ctx_linux();
  for (uint64_t s = 0; s < 50; s++) {
    struct conform_case a, b;
    memset(&a, 0x11, sizeof(a));
    memset(&b, 0x22, sizeof(b)); /* padding too: generate must write every byte the same way */
    conform_case_generate(&ctx, s, CONFORM_REALM_ABI, &a);
    conform_case_generate(&ctx, s, CONFORM_REALM_ABI, &b);
    char da[4096], db[4096];
    conform_case_describe(&a, CONFORM_ALL_VARS, da, sizeof(da));
    conform_case_describe(&b, CONFORM_ALL_VARS, db, sizeof(db));
    assert_string_equal(da, db);
    struct pvh_mem_region ma[4200], mb[4200];
    size_t na = conform_case_memmap(&a, &ctx, ma, 4200), nb = conform_case_memmap(&b, &ctx, mb, 4200);
    assert_int_equal(na, nb);
    /* Entry by entry: the padding after .type is the caller's stack, not the map. */
    for (size_t i = 0; i < na; i++) {
      assert_int_equal(ma[i].addr, mb[i].addr);
      assert_int_equal(ma[i].size, mb[i].size);
      assert_int_equal(ma[i].type, mb[i].type);
    }
  }
  struct conform_case x, y;
  conform_case_generate(&ctx, 1, CONFORM_REALM_VMM, &x);
  conform_case_generate(&ctx, 2, CONFORM_REALM_VMM, &y);
  char dx[4096], dy[4096];
  conform_case_describe(&x, CONFORM_ALL_VARS, dx, sizeof(dx));
  conform_case_describe(&y, CONFORM_ALL_VARS, dy, sizeof(dy));
  assert_string_not_equal(dx, dy);
}

/* The loader takes every generated layout and map: a case never fails in
 * the loader, only (if at all) in the guest. */
static void test_loader_accepts(void **state) {
  (void)state;
  struct test_kernel k;
  tk_init(&k, 64);
  tk_build(&k);
  struct conform_ctx ctx = ctx_small();
  static uint8_t initrd[0x10000];
  struct pvh_image kimg, iimg;
  pvh_image_from_buffer(&kimg, k.img, k.len, "test kernel");
  pvh_image_from_buffer(&iimg, initrd, sizeof(initrd), "initrd");
  char cmdline[200];
  memset(cmdline, 'x', sizeof(cmdline) - 1);
  cmdline[sizeof(cmdline) - 1] = '\0';
  static struct pvh_mem_region map[CONFORM_MEMMAP_ABI + 16];
  for (int realm = 0; realm < 2; realm++)
    for (uint64_t s = 0; s < 200; s++) {
      struct conform_case c;
      conform_case_generate(&ctx, s, (enum conform_realm)realm, &c);
      for (uint32_t mask = 0; mask < 2; mask++) {
        if (mask)
          c.varied = (uint32_t)(s * 2654435761u) & CONFORM_ALL_VARS; /* a subset, as the shrinker tries */
        struct pvh_load_config cfg;
        pvh_load_config_init(&cfg);
        cfg.cmdline = cmdline;
        cfg.initramfs = &iimg;
        conform_case_layout(&c, &ctx, &cfg.layout);
        size_t n = conform_case_memmap(&c, &ctx, map, CONFORM_MEMMAP_ABI + 16);
        assert_true(n > 0);
        struct pvh_plan plan;
        struct pvh_error err;
        if (pvh_plan_build(&kimg, map, n, &cfg, &plan, &err) != PVH_OK) {
          char d[4096];
          conform_case_describe(&c, c.varied, d, sizeof(d));
          fail_msg("seed %llu realm %d mask 0x%x: loader refused: %s\ncase: %s", (unsigned long long)s, realm,
                   c.varied, err.message, d);
        }
        assert_int_equal(plan.report.memmap_entries, n);
        pvh_plan_free(&plan);
      }
    }
  tk_free(&k);
}

struct planted {
  uint32_t cause;     /* the variation that breaks the fake guest */
  uint32_t threshold; /* memmap-entries: fails above this count */
  unsigned calls;
};

static int planted_fails(void *p, uint32_t mask, uint32_t entries) {
  struct planted *pl = p;
  pl->calls++;
  if (pl->cause == (1u << CV_MEMMAP_ENTRIES))
    return (mask & pl->cause) && entries > pl->threshold;
  return (mask & pl->cause) == pl->cause; /* needs every bit of cause */
}

static void test_shrink_planted(void **state) {
  (void)state;
  struct conform_shrunk s;
  struct planted one = {.cause = 1u << CV_ESP};
  conform_shrink(CONFORM_ALL_VARS, 4096, 3, planted_fails, &one, &s);
  assert_int_equal(s.mask, 1u << CV_ESP);
  assert_int_equal(s.runs, one.calls);

  /* Two variations together, neither alone: the greedy pass keeps both. */
  struct planted two = {.cause = (1u << CV_GDTR) | (1u << CV_SELECTORS)};
  conform_shrink(CONFORM_ALL_VARS, 4096, 3, planted_fails, &two, &s);
  assert_int_equal(s.mask, two.cause);

  /* "fails when: memmap has more than 128 entries". */
  struct planted many = {.cause = 1u << CV_MEMMAP_ENTRIES, .threshold = 128};
  conform_shrink(CONFORM_ALL_VARS, 853, 3, planted_fails, &many, &s);
  assert_int_equal(s.mask, 1u << CV_MEMMAP_ENTRIES);
  assert_int_equal(s.memmap_entries, 129);
  assert_int_equal(s.memmap_pass, 128);
  assert_true(s.runs <= 2 * CV__COUNT + 13);
  struct conform_ctx ctx = ctx_linux();
  struct conform_case c;
  conform_case_generate(&ctx, 3, CONFORM_REALM_ABI, &c);
  char text[512];
  conform_shrunk_describe(&s, &c, text, sizeof(text));
  assert_non_null(strstr(text, "fails when: memmap-entries: memmap split into 129 entries"));
  assert_non_null(strstr(text, "more than 128 entries"));
}

static void test_table(void **state) {
  (void)state;
  const struct conform_variation *t = conform_table();
  for (unsigned v = 0; v < CV__COUNT; v++) {
    assert_int_equal(t[v].id, v);
    assert_true(t[v].name && t[v].varies && t[v].doc && t[v].generate && t[v].describe);
    assert_int_equal(conform_var_parse(t[v].name), (int)v);
  }
  uint32_t m = 0;
  assert_int_equal(conform_vars_parse("esp,memmap-order", &m), 0);
  assert_int_equal(m, (1u << CV_ESP) | (1u << CV_MEMMAP_ORDER));
  assert_int_equal(conform_vars_parse("all", &m), 0);
  assert_int_equal(m, CONFORM_ALL_VARS);
  assert_int_equal(conform_vars_parse("esp,nope", &m), -1);
  assert_int_equal(conform_vars_parse("", &m), -1);
  assert_int_equal(conform_vars_parse("esp,,gpr", &m), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table),          cmocka_unit_test(test_inside_abi),
      cmocka_unit_test(test_check_refuses),  cmocka_unit_test(test_same_seed_same_case),
      cmocka_unit_test(test_loader_accepts), cmocka_unit_test(test_shrink_planted),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
