/* SPDX-License-Identifier: MIT */
/* ACPI tables from pvhlinux_acpi_build: checksums, lengths, the pointer chain
 * RSDP -> XSDT -> FADT -> DSDT and XSDT -> MADT at the guest addresses asked
 * for, the fields Linux acts on. `test_acpi --dump DIR` writes each table to
 * DIR/<sig>.dat for iasl -d (tests/linux/test_acpi_iasl.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pvhlinux/acpi.h"

#define GPA 0xe0000ull

static uint32_t rd32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

/* Host pointer of a guest address inside the built blob. */
static const uint8_t *at(const uint8_t *buf, const struct pvhlinux_acpi_layout *l, uint64_t gpa) {
  assert_true(gpa >= GPA && gpa < GPA + l->total);
  return buf + (gpa - GPA);
}

static void check_sdt(const uint8_t *t, const char *sig, uint32_t want_len) {
  assert_memory_equal(t, sig, 4);
  assert_int_equal(rd32(t + 4), want_len);
  assert_int_equal(pvhlinux_acpi_sum(t, want_len), 0);
}

static void test_chain_and_checksums(void **state) {
  (void)state;
  uint8_t buf[PVHLINUX_ACPI_MAX_SIZE];
  struct pvhlinux_acpi_layout l;
  assert_int_equal(pvhlinux_acpi_build(NULL, GPA, buf, sizeof(buf), &l), 0);
  assert_int_equal(l.rsdp, GPA);
  const uint8_t *r = at(buf, &l, l.rsdp);
  assert_memory_equal(r, "RSD PTR ", 8);
  assert_int_equal(pvhlinux_acpi_sum(r, 20), 0); /* ACPI 1.0 checksum */
  assert_int_equal(pvhlinux_acpi_sum(r, 36), 0); /* extended checksum */
  assert_int_equal(r[15], 2);
  assert_int_equal(rd32(r + 20), 36);
  assert_int_equal(rd64(r + 24), l.xsdt);

  const uint8_t *x = at(buf, &l, l.xsdt);
  check_sdt(x, "XSDT", 52);
  assert_int_equal(rd64(x + 36), l.fadt);
  assert_int_equal(rd64(x + 44), l.madt);

  const uint8_t *f = at(buf, &l, l.fadt);
  check_sdt(f, "FACP", 276);
  assert_int_equal(f[8], 6);
  assert_int_equal(rd32(f + 40), l.dsdt);
  assert_int_equal(rd64(f + 140), l.dsdt);
  assert_true(rd32(f + 112) & (1u << 20)); /* HW_REDUCED_ACPI */
  assert_int_equal(f[109] & 0x23, 0x20);   /* NO_CMOS_RTC, no legacy devices, no 8042 */
  assert_int_equal(f[244], 1);             /* sleep control: system I/O */
  assert_int_equal(rd64(f + 248), PVHLINUX_ACPI_SLEEP_PORT);
  assert_int_equal(rd64(f + 260), PVHLINUX_ACPI_SLEEP_PORT + 1);

  const uint8_t *d = at(buf, &l, l.dsdt);
  check_sdt(d, "DSDT", l.dsdt_len);
  assert_memory_equal(d + 36, "\x08_S5_\x12", 6);

  const uint8_t *m = at(buf, &l, l.madt);
  check_sdt(m, "APIC", l.madt_len);
  assert_int_equal(rd32(m + 36), 0xfee00000u);
  /* Walk the entries: each length must land exactly on the end. */
  uint32_t off = 44, lapics = 0, ioapics = 0, isos = 0, nmis = 0;
  while (off < l.madt_len) {
    uint8_t type = m[off], len = m[off + 1];
    assert_true(len >= 2 && off + len <= l.madt_len);
    if (type == 0) {
      lapics++;
      assert_int_equal(rd32(m + off + 4), 1);
    }
    if (type == 1) {
      ioapics++;
      assert_int_equal(rd32(m + off + 4), 0xfec00000u);
    }
    if (type == 2) {
      isos++;
      assert_int_equal(m[off + 3], 9);
    }
    if (type == 4)
      nmis++;
    off += len;
  }
  assert_int_equal(off, l.madt_len);
  assert_int_equal(lapics, 1);
  assert_int_equal(ioapics, 1);
  assert_int_equal(isos, 1);
  assert_int_equal(nmis, 1);
  /* Tables do not overlap and are 16-byte aligned. */
  assert_true(l.rsdp + l.rsdp_len <= l.xsdt && l.xsdt + l.xsdt_len <= l.fadt);
  assert_true(l.fadt + l.fadt_len <= l.madt && l.madt + l.madt_len <= l.dsdt);
  assert_int_equal((l.xsdt | l.fadt | l.madt | l.dsdt) & 15, 0);
  assert_int_equal(l.total, l.dsdt + l.dsdt_len - GPA);
}

static void test_many_cpus_and_limits(void **state) {
  (void)state;
  uint8_t buf[PVHLINUX_ACPI_MAX_SIZE];
  struct pvhlinux_acpi_layout l;
  struct pvhlinux_acpi_opts o;
  pvhlinux_acpi_opts_init(&o);
  o.nr_cpus = PVHLINUX_ACPI_MAX_CPUS;
  assert_int_equal(pvhlinux_acpi_build(&o, GPA, buf, sizeof(buf), &l), 0);
  const uint8_t *m = buf + (l.madt - GPA);
  assert_int_equal(pvhlinux_acpi_sum(m, l.madt_len), 0);
  assert_int_equal(m[44 + 8 * 63 + 3], 63); /* last LAPIC's APIC id */
  o.nr_cpus = PVHLINUX_ACPI_MAX_CPUS + 1;
  assert_int_equal(pvhlinux_acpi_build(&o, GPA, buf, sizeof(buf), &l), -1);
  o.nr_cpus = 0;
  assert_int_equal(pvhlinux_acpi_build(&o, GPA, buf, sizeof(buf), &l), -1);
  pvhlinux_acpi_opts_init(&o);
  assert_int_equal(pvhlinux_acpi_build(&o, GPA + 8, buf, sizeof(buf), &l), -1);       /* unaligned */
  assert_int_equal(pvhlinux_acpi_build(&o, 0xffffff00ull, buf, sizeof(buf), &l), -1); /* crosses 4G */
  assert_int_equal(pvhlinux_acpi_build(&o, GPA, buf, 100, &l), -1);                   /* too small */
  o.sci_irq = 16;
  assert_int_equal(pvhlinux_acpi_build(&o, GPA, buf, sizeof(buf), &l), -1);
  /* QEMU's wiring: an extra override IRQ 0 -> GSI 2, before the SCI one. */
  pvhlinux_acpi_opts_init(&o);
  o.timer_gsi = 2;
  struct pvhlinux_acpi_layout l2;
  assert_int_equal(pvhlinux_acpi_build(&o, GPA, buf, sizeof(buf), &l2), 0);
  const uint8_t *m2 = buf + (l2.madt - GPA);
  assert_int_equal(pvhlinux_acpi_sum(m2, l2.madt_len), 0);
  const uint8_t *iso = m2 + 44 + 8 + 12;
  assert_int_equal(iso[0], 2);
  assert_int_equal(iso[3], 0);
  assert_int_equal(rd32(iso + 4), 2);
  assert_int_equal(iso[10], 2);
  assert_int_equal(iso[13], 9);
  o.timer_gsi = 24;
  assert_int_equal(pvhlinux_acpi_build(&o, GPA, buf, sizeof(buf), &l2), -1);
}

static void test_poweroff_decode(void **state) {
  (void)state;
  assert_true(pvhlinux_acpi_is_poweroff(0x34));  /* SLP_TYP 5 << 2 | SLP_EN */
  assert_false(pvhlinux_acpi_is_poweroff(0x14)); /* no SLP_EN */
  assert_false(pvhlinux_acpi_is_poweroff(0x2c)); /* S3 */
  assert_false(pvhlinux_acpi_is_poweroff(0x80)); /* WAK_STS clear written to status */
}

static int dump(const char *dir) {
  uint8_t buf[PVHLINUX_ACPI_MAX_SIZE];
  struct pvhlinux_acpi_layout l;
  if (pvhlinux_acpi_build(NULL, GPA, buf, sizeof(buf), &l))
    return 1;
  const struct {
    const char *name;
    uint64_t gpa;
    uint32_t len;
  } t[] = {{"rsdp", l.rsdp, l.rsdp_len},
           {"xsdt", l.xsdt, l.xsdt_len},
           {"facp", l.fadt, l.fadt_len},
           {"apic", l.madt, l.madt_len},
           {"dsdt", l.dsdt, l.dsdt_len}};
  for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s.dat", dir, t[i].name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf + (t[i].gpa - GPA), 1, t[i].len, f) != t[i].len || fclose(f))
      return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--dump") == 0)
    return dump(argv[2]);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_chain_and_checksums),
      cmocka_unit_test(test_many_cpus_and_limits),
      cmocka_unit_test(test_poweroff_decode),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
