/* SPDX-License-Identifier: MIT */
/* pvhbz over small bzImages built in the test: a setup header around a
 * payload compressed by the real CLI tool with the kernel's options
 * (bzimage/mkbzimage.py), for each of the seven methods, and malformed ones:
 * sizes declared one byte off, truncated streams, bad magics, a huge
 * declared size, header fields out of the file.
 *
 *   test_pvhbz MKBZIMAGE_PY WORKDIR */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pvhbz/bzimage.h"

static const char *mkbz, *work;
static const char *const methods[] = {"gzip", "xz", "lzma", "bzip2", "lzo", "lz4", "zstd"};
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

struct buf {
  uint8_t *p;
  size_t n;
};

static struct buf slurp(const char *path) {
  struct buf b = {0};
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  b.n = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  b.p = malloc(b.n ? b.n : 1);
  assert_non_null(b.p);
  assert_int_equal(fread(b.p, 1, b.n, f), b.n);
  fclose(f);
  return b;
}

/* The input every bzImage wraps: compressible text and incompressible
 * bytes (a deterministic generator), `size` bytes. */
static const char *make_input(size_t size, const char *name) {
  static char path[512];
  snprintf(path, sizeof(path), "%s/%s", work, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (size_t i = 0; i < size; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    int c = (i / 4096) % 2 ? (int)(x & 0xff) : "pvh bzimage test line\n"[i % 22];
    fputc(c, f);
  }
  fclose(f);
  return path;
}

/* mkbzimage.py [args] METHOD INPUT OUT, then the bzImage's bytes. */
static struct buf mk(const char *method, const char *input, const char *args) {
  char out[512], cmd[2048];
  snprintf(out, sizeof(out), "%s/bz.%s", work, method);
  snprintf(cmd, sizeof(cmd), "python3 '%s' --fast %s %s '%s' '%s'", mkbz, args ? args : "", method, input,
           out);
  int rc = system(cmd);
  if (rc != 0)
    fail_msg("'%s' failed (%d): is the %s tool installed? (tools/setup.sh)", cmd, rc, method);
  return slurp(out);
}

static void expect_err(const struct buf *bz, enum pvhbz_err want, const char *needle1, const char *needle2) {
  struct pvhbz_header h;
  struct pvhbz_error err;
  uint8_t *vm = (uint8_t *)"untouched";
  size_t len = 7;
  enum pvhbz_err rc = pvhbz_parse(bz->p, bz->n, &h, &err);
  if (rc == PVHBZ_OK)
    rc = pvhbz_unpack(bz->p, bz->n, &h, PVHBZ_VMLINUX_MAX, &vm, &len, &err);
  if (rc != want)
    fail_msg("want %s, got %s: %s", pvhbz_err_name(want), pvhbz_err_name(rc), rc ? err.message : "");
  assert_int_equal(err.code, want);
  if (needle1 && !strstr(err.message, needle1))
    fail_msg("message '%s' lacks '%s'", err.message, needle1);
  if (needle2 && !strstr(err.message, needle2))
    fail_msg("message '%s' lacks '%s'", err.message, needle2);
}

static void each_method_round_trips(void **s) {
  (void)s;
  const char *in = make_input(100000, "input");
  struct buf ref = slurp(in);
  for (size_t i = 0; i < NMETHODS; i++) {
    struct buf bz = mk(methods[i], in, NULL);
    struct pvhbz_header h;
    struct pvhbz_error err;
    assert_int_equal(pvhbz_parse(bz.p, bz.n, &h, &err), PVHBZ_OK);
    assert_string_equal(pvhbz_method_name(h.method), methods[i]);
    assert_true(pvhbz_method_supported(h.method));
    assert_int_equal(h.protocol, 0x020f);
    assert_int_equal(h.setup_sects, 3);
    assert_int_equal(h.pm_start, 4 * 512);
    assert_int_equal(h.payload_start, 4 * 512 + 0x40);
    assert_int_equal(h.declared_size, ref.n);
    uint8_t *vm;
    size_t len;
    enum pvhbz_err rc = pvhbz_unpack(bz.p, bz.n, &h, PVHBZ_VMLINUX_MAX, &vm, &len, &err);
    if (rc != PVHBZ_OK)
      fail_msg("%s: %s: %s", methods[i], pvhbz_err_name(rc), err.message);
    assert_int_equal(len, ref.n);
    assert_memory_equal(vm, ref.p, ref.n);
    free(vm);
    /* A limit below the declared size refuses before decompressing. */
    rc = pvhbz_unpack(bz.p, bz.n, &h, ref.n - 1, &vm, &len, &err);
    assert_int_equal(rc, PVHBZ_E_SIZE_LIMIT);
    assert_null(vm);
    free(bz.p);
  }
  free(ref.p);
}

/* lz4's legacy frame cuts the input into 8 MiB blocks: two of them. */
static void lz4_several_blocks(void **s) {
  (void)s;
  const char *in = make_input((9u << 20) + 12345, "input-9m");
  struct buf ref = slurp(in);
  struct buf bz = mk("lz4", in, NULL);
  struct pvhbz_header h;
  struct pvhbz_error err;
  uint8_t *vm;
  size_t len;
  assert_int_equal(pvhbz_parse(bz.p, bz.n, &h, &err), PVHBZ_OK);
  assert_int_equal(pvhbz_unpack(bz.p, bz.n, &h, PVHBZ_VMLINUX_MAX, &vm, &len, &err), PVHBZ_OK);
  assert_int_equal(len, ref.n);
  assert_memory_equal(vm, ref.p, ref.n);
  free(vm);
  free(bz.p);
  free(ref.p);
}

static void declared_size_one_off(void **s) {
  (void)s;
  const char *in = make_input(50000, "input-small");
  char args[64], n1[32], n2[32];
  snprintf(n1, sizeof(n1), "%d", 50000);
  for (size_t i = 0; i < NMETHODS; i++) {
    snprintf(args, sizeof(args), "--declared %d", 50001);
    struct buf bz = mk(methods[i], in, args);
    snprintf(n2, sizeof(n2), "declares %d", 50001);
    expect_err(&bz, PVHBZ_E_SMALLER, n1, n2);
    free(bz.p);
    snprintf(args, sizeof(args), "--declared %d", 49999);
    bz = mk(methods[i], in, args);
    snprintf(n2, sizeof(n2), "declares %d", 49999);
    expect_err(&bz, PVHBZ_E_LARGER, "decompresses to 50000 bytes", n2);
    free(bz.p);
  }
}

static void truncated_stream(void **s) {
  (void)s;
  const char *in = make_input(50000, "input-small");
  for (size_t i = 0; i < NMETHODS; i++) {
    struct buf bz = mk(methods[i], in, "--truncate 9");
    /* gzip's ISIZE, kept as the trailer, is read as stream data: what it
     * decodes to decides between "truncated" and "corrupt". */
    if (!strcmp(methods[i], "gzip")) {
      struct pvhbz_header h;
      struct pvhbz_error err;
      uint8_t *vm;
      size_t len;
      assert_int_equal(pvhbz_parse(bz.p, bz.n, &h, &err), PVHBZ_OK);
      enum pvhbz_err rc = pvhbz_unpack(bz.p, bz.n, &h, PVHBZ_VMLINUX_MAX, &vm, &len, &err);
      assert_true(rc == PVHBZ_E_STREAM_TRUNCATED || rc == PVHBZ_E_CORRUPT);
    } else {
      expect_err(&bz, PVHBZ_E_STREAM_TRUNCATED, methods[i], NULL);
    }
    free(bz.p);
  }
}

static void header_faults(void **s) {
  (void)s;
  const char *in = make_input(5000, "input-tiny");
  struct buf bz = mk("gzip", in, "--magic HdrX");
  expect_err(&bz, PVHBZ_E_NOT_BZIMAGE, "HdrS", NULL);
  assert_false(pvhbz_looks_like_bzimage(bz.p, bz.n));
  free(bz.p);
  bz = mk("gzip", in, "--protocol 0x0207");
  expect_err(&bz, PVHBZ_E_PROTOCOL, "2.07", "2.08");
  free(bz.p);
  bz = mk("lz4", in, "--declared 0xffffffff");
  expect_err(&bz, PVHBZ_E_SIZE_LIMIT, "4294967295", NULL);
  free(bz.p);
  bz = mk("zstd", in, "--declared 0");
  expect_err(&bz, PVHBZ_E_SIZE_ZERO, NULL, NULL);
  free(bz.p);
  bz = mk("xz", in, "--length-delta 64");
  expect_err(&bz, PVHBZ_E_PAYLOAD_BOUNDS, "payload_length", NULL);
  free(bz.p);
  bz = mk("lz4", in, "--payload-offset 0xffffffff");
  expect_err(&bz, PVHBZ_E_PAYLOAD_BOUNDS, "0xffffffff", NULL);
  free(bz.p);
  bz = mk("lz4", in, "--setup-sects 0"); /* 0 means 4 */
  struct pvhbz_header h;
  struct pvhbz_error err;
  assert_int_equal(pvhbz_parse(bz.p, bz.n, &h, &err), PVHBZ_OK);
  assert_int_equal(h.setup_sects, 4);
  assert_int_equal(h.pm_start, 5 * 512);
  /* An unknown payload magic, named with its bytes. */
  bz.p[h.payload_start] = 0xee;
  expect_err(&bz, PVHBZ_E_METHOD_UNKNOWN, "ee 21 4c 18", NULL);
  /* The file cut inside the setup header. */
  struct buf cut = {bz.p, 0x240};
  expect_err(&cut, PVHBZ_E_HEADER_TRUNCATED, "576 bytes", "592");
  free(bz.p);
}

static void describes_foreign_files(void **s) {
  (void)s;
  uint8_t pe[0x100] = {'M', 'Z'};
  pe[0x3c] = 0x80;
  memcpy(pe + 0x80, "PE\0\0", 4);
  assert_non_null(strstr(pvhbz_describe(pe, sizeof(pe)), "PE/EFI"));
  assert_non_null(strstr(pvhbz_describe((const uint8_t *)"\x1f\x8b\x08\x00", 4), "gzip"));
  assert_non_null(strstr(pvhbz_describe((const uint8_t *)"\x28\xb5\x2f\xfd", 4), "zstd"));
  assert_non_null(strstr(pvhbz_describe((const uint8_t *)"\xfd"
                                                         "7zXZ\0",
                                        6),
                         "xz"));
  assert_string_equal(pvhbz_describe((const uint8_t *)"hello\n", 6), "text");
  uint8_t mb[64] = {0};
  memcpy(mb + 16, "\x02\xb0\xad\x1b", 4);
  assert_non_null(strstr(pvhbz_describe(mb, sizeof(mb)), "Xen"));
  assert_string_equal(pvhbz_describe((const uint8_t *)"\x01\x02\x03", 3), "data of unknown format");
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_pvhbz MKBZIMAGE_PY WORKDIR\n");
    return 2;
  }
  mkbz = argv[1];
  work = argv[2];
  mkdir(work, 0755);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(each_method_round_trips), cmocka_unit_test(lz4_several_blocks),
      cmocka_unit_test(declared_size_one_off),   cmocka_unit_test(truncated_stream),
      cmocka_unit_test(header_faults),           cmocka_unit_test(describes_foreign_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
