/* SPDX-License-Identifier: MIT */
/* The page walk that turns a failing RIP into instruction bytes, over a
 * synthetic guest memory with 4 KiB, 2 MiB and 1 GiB mappings; and the CPUID
 * feature-name parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pvhkvm/cpuid_features.h"
#include "pvhkvm/guestmem.h"

#define MEM_SIZE (4u << 20)
static uint8_t mem[MEM_SIZE];

static int rd(void *ctx, uint64_t pa, void *dst, size_t len) {
  (void)ctx;
  if (pa >= MEM_SIZE || len > MEM_SIZE - pa)
    return -1;
  memcpy(dst, mem + pa, len);
  return 0;
}
static void put64(uint64_t pa, uint64_t v) { memcpy(mem + pa, &v, 8); }
static void put32(uint64_t pa, uint32_t v) { memcpy(mem + pa, &v, 4); }

/* Tables at 0x1000 (PML4), 0x2000 (PDPT), 0x3000 (PD), 0x4000 (PT).
 *   va 0xffffffff81000000 (kernel text): PML4[511] PDPT[510] PD[8] -> PT[0] -> 0x200000 (4K)
 *   va 0xffffffff81001000: PT[1] -> 0x201000, where an instruction straddles into
 *   va 0x0000000000400000: PML4[0] PDPT[0] PD[2] 2 MiB page -> 0x200000
 *   va 0x0000000040000000: PDPT[1] 1 GiB page -> 0 */
static void build(void) {
  memset(mem, 0, sizeof(mem));
  put64(0x1000 + 511 * 8, 0x2000 | 1);
  put64(0x2000 + 510 * 8, 0x3000 | 1);
  put64(0x3000 + 8 * 8, 0x4000 | 1);
  put64(0x4000 + 0 * 8, 0x200000 | 1);
  put64(0x4000 + 1 * 8, 0x201000 | 1);
  put64(0x1000 + 0 * 8, 0x2000 | 1); /* same PDPT page for the low half, other slots */
  put64(0x2000 + 0 * 8, 0x3000 | 1);
  put64(0x3000 + 2 * 8, 0x200000 | 0x80 | 1);
  put64(0x2000 + 1 * 8, 0x0 | 0x80 | 1);
  static const uint8_t insn[] = {0xf0, 0x48, 0x0f, 0xc7, 0x0e}; /* lock cmpxchg16b (%rsi) */
  memcpy(mem + 0x200ffe, insn, 2);                              /* last two bytes of the first 4K page */
  memcpy(mem + 0x201000, insn + 2, 3);                          /* rest on the next one */
}

static void test_walk(void **state) {
  (void)state;
  build();
  uint64_t pa;
  assert_int_equal(pvhkvm_virt_to_phys(rd, NULL, PVHKVM_PAGING_4LEVEL, 0x1000, 0xffffffff81000123ull, &pa),
                   0);
  assert_int_equal(pa, 0x200123);
  assert_int_equal(pvhkvm_virt_to_phys(rd, NULL, PVHKVM_PAGING_4LEVEL, 0x1000, 0x400abcull, &pa), 0);
  assert_int_equal(pa, 0x200abc); /* 2 MiB page */
  assert_int_equal(pvhkvm_virt_to_phys(rd, NULL, PVHKVM_PAGING_4LEVEL, 0x1000, 0x40001234ull, &pa), 0);
  assert_int_equal(pa, 0x1234); /* 1 GiB page */
  assert_int_equal(pvhkvm_virt_to_phys(rd, NULL, PVHKVM_PAGING_4LEVEL, 0x1000, 0xffffffff81002000ull, &pa),
                   -1); /* PT[2] absent */
  assert_int_equal(pvhkvm_virt_to_phys(rd, NULL, PVHKVM_PAGING_4LEVEL, 0x1000, 0x7f0000000000ull, &pa),
                   -1);                                                                  /* PML4 absent */
  assert_int_equal(pvhkvm_virt_to_phys(rd, NULL, PVHKVM_PAGING_OFF, 0, 0x1234, &pa), 0); /* no paging */
  assert_int_equal(pa, 0x1234);
  assert_int_equal(pvhkvm_virt_to_phys(rd, NULL, PVHKVM_PAGING_4LEVEL, 0x7ff000, 0, &pa),
                   -1); /* CR3 unbacked */
}

static void test_read_across_pages(void **state) {
  (void)state;
  build();
  uint8_t buf[16];
  size_t n = pvhkvm_read_virt(rd, NULL, PVHKVM_PAGING_4LEVEL, 0x1000, 0xffffffff81000ffeull, buf, 5);
  assert_int_equal(n, 5);
  assert_memory_equal(buf, "\xf0\x48\x0f\xc7\x0e", 5);
  /* The page after the second is unmapped: the read stops there. */
  n = pvhkvm_read_virt(rd, NULL, PVHKVM_PAGING_4LEVEL, 0x1000, 0xffffffff81001ffcull, buf, 16);
  assert_int_equal(n, 4);
}

static void test_cpuid_names(void **state) {
  (void)state;
  struct pvhkvm_cpuid_mask m[4];
  size_t n;
  char why[256];
  assert_int_equal(pvhkvm_cpuid_masks_parse("cx16,xsave,,pdpe1gb", m, 4, &n, why, sizeof(why)), 0);
  assert_int_equal(n, 3);
  assert_int_equal(m[0].function, 1);
  assert_int_equal(m[0].clear[2], 1u << 13); /* ECX.CX16 */
  assert_int_equal(m[1].clear[2], 7u << 26); /* XSAVE, OSXSAVE, AVX */
  assert_int_equal(m[2].function, 0x80000001u);
  assert_int_equal(m[2].clear[3], 1u << 26); /* EDX.Page1GB */
  assert_int_equal(m[0].set[0] | m[0].set[1] | m[0].set[2] | m[0].set[3], 0);
  assert_int_equal(pvhkvm_cpuid_masks_parse("cx16,nope", m, 4, &n, why, sizeof(why)), -1);
  assert_non_null(strstr(why, "unknown CPUID feature 'nope'"));
  /* The names in messages come from the same table as the parser. */
  assert_string_equal(pvhkvm_cpuid_feature_names(), "cx16 xsave avx x2apic pcid tsc-deadline rdrand fsgsbase "
                                                    "avx2 smep invpcid smap pku la57 pdpe1gb rdtscp");
  assert_non_null(strstr(why, pvhkvm_cpuid_feature_names()));
  assert_int_equal(pvhkvm_cpuid_masks_parse("cx16,cx16,cx16,cx16,cx16", m, 4, &n, why, sizeof(why)), -1);
  assert_int_equal(pvhkvm_cpuid_masks_parse(NULL, m, 4, &n, why, sizeof(why)), 0);
  assert_int_equal(n, 0);
  assert_int_equal(pvhkvm_cpuid_masks_parse("", m, 4, &n, why, sizeof(why)), 0);
  assert_int_equal(n, 0);
}

/* A 32-bit kernel's tables (Debian 686-pae maps PAGE_OFFSET 0xc0000000):
 *   PAE: PDPT at 0x5020 (CR3 is 32-byte aligned, not page aligned), PDPT[3] ->
 *   PD 0x6000; PD[8] -> PT 0x7000; PT[0] -> 0x300000, PT[1] -> 0x310000;
 *   PD[2] a 2 MiB page -> 0x200000. PDPT[3] carries bit 5, as QEMU TCG
 *   leaves it; a report must still find the bytes.
 *   2-level: PD at 0x8000; PD[0x304] -> PT 0x9000 (same leaves); PD[0x305] a
 *   4 MiB page at 0 (used only with CR4.PSE). */
static void test_walk32(void **state) {
  (void)state;
  memset(mem, 0, sizeof(mem));
  put64(0x5020 + 3 * 8, 0x6000 | 0x20 | 1);
  put64(0x6000 + 8 * 8, 0x7000 | 1);
  put64(0x6000 + 2 * 8, 0x200000 | 0x80 | 1);
  put64(0x7000 + 0 * 8, 0x300000 | 1);
  put64(0x7000 + 1 * 8, 0x310000 | 1);
  put32(0x8000 + 0x304 * 4, 0x9000 | 1);
  put32(0x8000 + 0x305 * 4, 0x0 | 0x80 | 1);
  put32(0x9000 + 0 * 4, 0x300000 | 1);
  put32(0x9000 + 1 * 4, 0x310000 | 1);
  static const uint8_t insn[] = {0x0f, 0x22, 0xc0, 0xea, 0x32}; /* mov %eax,%cr0; ljmp */
  memcpy(mem + 0x300ffe, insn, 2);
  memcpy(mem + 0x310000, insn + 2, 3);

  uint64_t pa;
  assert_int_equal(pvhkvm_virt_to_phys(rd, NULL, PVHKVM_PAGING_PAE, 0x5020, 0xc1000328u, &pa), 0);
  assert_int_equal(pa, 0x300328);
  assert_int_equal(pvhkvm_virt_to_phys(rd, NULL, PVHKVM_PAGING_PAE, 0x5020, 0xc0401234u, &pa), 0);
  assert_int_equal(pa, 0x201234); /* 2 MiB page */
  assert_int_equal(pvhkvm_virt_to_phys(rd, NULL, PVHKVM_PAGING_PAE, 0x5020, 0x40000000u, &pa),
                   -1); /* PDPT[1] absent */
  assert_int_equal(pvhkvm_virt_to_phys(rd, NULL, PVHKVM_PAGING_PAE, 0x5000, 0xc1000328u, &pa),
                   -1); /* wrong CR3 */
  assert_int_equal(pvhkvm_virt_to_phys(rd, NULL, PVHKVM_PAGING_32, 0x8000, 0xc1000328u, &pa), 0);
  assert_int_equal(pa, 0x300328);
  assert_int_equal(pvhkvm_virt_to_phys(rd, NULL, PVHKVM_PAGING_32_PSE, 0x8000, 0xc1400010u, &pa), 0);
  assert_int_equal(pa, 0x10); /* 4 MiB page with CR4.PSE */
  /* Without PSE the PS bit means nothing: entry 0x305 points at a page table
   * at 0, whose entry 0 is empty, so the 4 MiB leaf must not be taken. */
  assert_int_equal(pvhkvm_virt_to_phys(rd, NULL, PVHKVM_PAGING_32, 0x8000, 0xc1400010u, &pa), -1);

  uint8_t got[8];
  assert_int_equal(pvhkvm_read_virt(rd, NULL, PVHKVM_PAGING_PAE, 0x5020, 0xc1000ffeu, got, 5),
                   5); /* straddles */
  assert_memory_equal(got, insn, 5);
  assert_int_equal(pvhkvm_read_virt(rd, NULL, PVHKVM_PAGING_32, 0x8000, 0xc1000ffeu, got, 5), 5);
  assert_memory_equal(got, insn, 5);
  assert_int_equal(pvhkvm_read_virt(rd, NULL, PVHKVM_PAGING_PAE, 0x5020, 0xc1001ffeu, got, 8),
                   2); /* PT[2] absent */
  assert_int_equal(pvhkvm_read_virt(rd, NULL, PVHKVM_PAGING_PAE, 0x5020, 0xfffffffeu, got, 8),
                   0); /* unmapped top */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_walk),
      cmocka_unit_test(test_walk32),
      cmocka_unit_test(test_read_across_pages),
      cmocka_unit_test(test_cpuid_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
