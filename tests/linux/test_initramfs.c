/* SPDX-License-Identifier: MIT */
/* The boot-check initramfs builder: busybox must be an ELF the kernel can run
 * (a 64-bit busybox under a 32-bit kernel is refused up front with the
 * reason, instead of a kernel panic "No working init found" minutes later),
 * the archive carries the given busybox byte for byte, and it is
 * deterministic. Stand-in busybox files: an ELF header and a payload. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pvhlinux/initramfs.h"

static char dir[] = "/tmp/pvh-test-initramfs.XXXXXX";

/* Writes a stand-in executable of ELF class `cls` (1 or 2; 0: not ELF). */
static const char *fake_busybox(const char *name, int cls) {
  static char path[256];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  uint8_t b[96] = {0x7f, 'E', 'L', 'F', (uint8_t)cls, 1, 1};
  if (!cls)
    memcpy(b, "#!/bin/sh\n", 10);
  memcpy(b + 64, "BusyBox v0-PAYLOAD", 18); /* past the ELF header: the banner that names busybox */
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(b, 1, sizeof(b), f), sizeof(b));
  fclose(f);
  return path;
}

static int setup(void **state) {
  (void)state;
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char p[300];
  const char *names[] = {"bb32", "bb64", "text", "dyn", "nobb", "bb"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
    unlink(p);
  }
  return rmdir(dir);
}

static void test_elf_class(void **state) {
  (void)state;
  assert_int_equal(pvhlinux_elf_class((const uint8_t *)"\x7f"
                                                       "ELF\x01",
                                      5),
                   32);
  assert_int_equal(pvhlinux_elf_class((const uint8_t *)"\x7f"
                                                       "ELF\x02",
                                      5),
                   64);
  assert_int_equal(pvhlinux_elf_class((const uint8_t *)"\x7f"
                                                       "ELF\x03",
                                      5),
                   0);
  assert_int_equal(pvhlinux_elf_class((const uint8_t *)"\x7f"
                                                       "ELF",
                                      4),
                   0); /* too short */
  assert_int_equal(pvhlinux_elf_class((const uint8_t *)"#!/bi", 5), 0);
  assert_int_equal(pvhlinux_elf_class(NULL, 5), 0);
}

static void test_class_check(void **state) {
  (void)state;
  const char *bb64 = strdup(fake_busybox("bb64", 2));
  const char *bb32 = strdup(fake_busybox("bb32", 1));
  struct pvhlinux_cpio c;
  struct pvh_error err;

  /* 64-bit busybox, 32-bit kernel: refused, naming the file and the fix. */
  struct pvhlinux_initramfs_opts o = {.busybox_path = bb64, .kernel_elf_class = 32};
  assert_int_equal(pvhlinux_initramfs_build(&o, &c, &err), -1);
  assert_int_equal(err.code, PVH_E_INVALID_ARG);
  assert_non_null(strstr(err.message, bb64));
  assert_non_null(strstr(err.message, "ELF64"));
  assert_non_null(strstr(err.message, "--busybox"));

  /* Every pairing a kernel can run is accepted, with busybox inside. */
  const struct {
    const char *bb;
    int kclass;
  } ok[] = {{bb32, 32}, {bb32, 64}, {bb64, 64}, {bb64, 0}, {bb32, 0}};
  for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
    o.busybox_path = ok[i].bb;
    o.kernel_elf_class = ok[i].kclass;
    assert_int_equal(pvhlinux_initramfs_build(&o, &c, &err), 0);
    assert_non_null(memmem(c.data, c.len, "bin/busybox", 12));
    assert_non_null(memmem(c.data, c.len, "BusyBox v0-PAYLOAD", 18));
    assert_non_null(memmem(c.data, c.len, PVHLINUX_INIT_MARKER, strlen(PVHLINUX_INIT_MARKER)));
    pvhlinux_cpio_free(&c);
  }

  /* Not an ELF at all: io-error whatever the kernel. */
  o.busybox_path = fake_busybox("text", 0);
  o.kernel_elf_class = 32;
  assert_int_equal(pvhlinux_initramfs_build(&o, &c, &err), -1);
  assert_int_equal(err.code, PVH_E_IO);
  assert_non_null(strstr(err.message, "not an ELF"));
  free((void *)bb64);
  free((void *)bb32);
}

/* Writes an ELF64 stand-in with one program header of type `ptype` at 64
 * and, if banner, the busybox banner after it. */
static const char *elf64_with_phdr(const char *name, uint32_t ptype, int banner) {
  static char path[256];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  uint8_t b[160] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
  b[0x20] = 64;              /* e_phoff */
  b[0x36] = 56;              /* e_phentsize */
  b[0x38] = 1;               /* e_phnum */
  memcpy(b + 64, &ptype, 4); /* p_type (little endian host) */
  if (banner)
    memcpy(b + 128, "BusyBox v1.36.1", 15);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(b, 1, sizeof(b), f), sizeof(b));
  fclose(f);
  return path;
}

/* Busybox must be static (no PT_INTERP: /bin/ls is refused) and busybox
 * (its banner); a run that stops before /init reads none at all. */
static void test_static_busybox(void **state) {
  (void)state;
  struct pvhlinux_cpio c;
  struct pvh_error err;
  struct pvhlinux_initramfs_opts o = {.busybox_path = elf64_with_phdr("dyn", 3, 1), .kernel_elf_class = 64};
  assert_int_equal(pvhlinux_initramfs_build(&o, &c, &err), -1);
  assert_int_equal(err.code, PVH_E_INVALID_ARG);
  assert_non_null(strstr(err.message, "is dynamically linked"));
  o.busybox_path = elf64_with_phdr("nobb", 1, 0);
  assert_int_equal(pvhlinux_initramfs_build(&o, &c, &err), -1);
  assert_non_null(strstr(err.message, "is not busybox"));
  o.busybox_path = elf64_with_phdr("bb", 1, 1); /* PT_LOAD only, with the banner */
  assert_int_equal(pvhlinux_initramfs_build(&o, &c, &err), 0);
  pvhlinux_cpio_free(&c);
  o.busybox_path = "/nonexistent/busybox";
  o.no_userland = 1;
  assert_int_equal(pvhlinux_initramfs_build(&o, &c, &err), 0);
  assert_null(memmem(c.data, c.len, "bin/busybox", 12));
  assert_non_null(memmem(c.data, c.len, "init", 4));
  pvhlinux_cpio_free(&c);
}

static void test_deterministic(void **state) {
  (void)state;
  struct pvhlinux_initramfs_opts o = {.busybox_path = fake_busybox("bb32", 1), .kernel_elf_class = 32};
  struct pvhlinux_cpio a, b;
  struct pvh_error err;
  assert_int_equal(pvhlinux_initramfs_build(&o, &a, &err), 0);
  assert_int_equal(pvhlinux_initramfs_build(&o, &b, &err), 0);
  assert_int_equal(a.len, b.len);
  assert_memory_equal(a.data, b.data, a.len);
  assert_memory_equal(a.data, "070701", 6); /* newc */
  pvhlinux_cpio_free(&a);
  pvhlinux_cpio_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_elf_class),
      cmocka_unit_test(test_static_busybox),
      cmocka_unit_test(test_class_check),
      cmocka_unit_test(test_deterministic),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
