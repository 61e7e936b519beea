/* SPDX-License-Identifier: MIT */
/* Runs the built `pvhcheck inspect` (path in argv[1]) on generated kernels and
 * checks exit codes (0 loadable, 1 rejected, 2 usage, 3 I/O), the text report
 * and the --json fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static const char *pvhcheck;
static char tmpdir[] = "/tmp/pvh-test-cli-XXXXXX";

struct run {
  int status; /* exit code, or 128 + signal */
  char *out, *err;
};

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *buf = NULL;
  size_t len = 0, cap = 0, n;
  char chunk[4096];
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
    if (len + n + 1 > cap) {
      cap = (len + n + 1) * 2;
      buf = realloc(buf, cap);
      assert_non_null(buf);
    }
    memcpy(buf + len, chunk, n);
    len += n;
  }
  fclose(f);
  if (!buf)
    buf = calloc(1, 1);
  buf[len] = '\0';
  return buf;
}

/* Runs pvhcheck with the NULL-terminated args, capturing stdout and stderr. */
static struct run run_cli(const char *const *args) {
  char out_path[64], err_path[64];
  snprintf(out_path, sizeof(out_path), "%s/stdout", tmpdir);
  snprintf(err_path, sizeof(err_path), "%s/stderr", tmpdir);
  const char *argv[32];
  size_t n = 0;
  argv[n++] = pvhcheck;
  while (*args && n < 31)
    argv[n++] = *args++;
  argv[n] = NULL;
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    if (!freopen(out_path, "w", stdout) || !freopen(err_path, "w", stderr))
      _exit(126);
    execv(pvhcheck, (char *const *)argv);
    _exit(127);
  }
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  struct run r;
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

static void run_free(struct run *r) {
  free(r->out);
  free(r->err);
}

static void write_file(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

/* Writes the default test kernel of `cls` (optionally broken by `post`) and
 * returns its path (static buffer per call site is fine: callers copy). */
static void make_kernel(char *path, size_t cap, const char *name, int cls,
                        void (*post)(struct test_kernel *k)) {
  struct test_kernel k;
  tk_init(&k, cls);
  tk_build(&k);
  if (post)
    post(&k);
  snprintf(path, cap, "%s/%s", tmpdir, name);
  write_file(path, k.img, k.len);
  tk_free(&k);
}

static void expect_contains(const char *hay, const char *needle) {
  if (!strstr(hay, needle))
    fail_msg("expected \"%s\" in:\n%s", needle, hay);
}

/* ---- tests ---- */

static void inspect_text_ok(void **s) {
  (void)s;
  for (int cls = 32; cls <= 64; cls += 32) {
    char path[256], line[128];
    make_kernel(path, sizeof(path), "ok.elf", cls, NULL);
    struct run r = run_cli((const char *[]){"inspect", path, NULL});
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    snprintf(line, sizeof(line), "ELF%d %s", cls, cls == 64 ? "x86-64" : "i386");
    expect_contains(r.out, line);
    snprintf(line, sizeof(line), "PVH entry   0x%llx (PT_NOTE 2, %d-byte desc", (unsigned long long)TK_ENTRY,
             cls == 64 ? 8 : 4);
    expect_contains(r.out, line);
    expect_contains(r.out, "segments    2 PT_LOAD, 0x100000-0x403000");
    expect_contains(r.out, "RIP 0x100040 RBX 0x2000 RFLAGS 0x2");
    expect_contains(r.out, "result      loadable");
    run_free(&r);
  }
}

static void inspect_json_ok(void **s) {
  (void)s;
  char path[256], initrd[256];
  make_kernel(path, sizeof(path), "ok64.elf", 64, NULL);
  snprintf(initrd, sizeof(initrd), "%s/initrd.img", tmpdir);
  write_file(initrd, "0123456789", 10);
  struct run r = run_cli((const char *[]){"inspect", "--json", "--mem", "512M", "--cmdline", "console=ttyS0",
                                          "--initramfs", initrd, "--rsdp", "0xe0000", path, NULL});
  assert_int_equal(r.status, 0);
  expect_contains(r.out, "\"ok\":true");
  expect_contains(r.out, "\"error\":null");
  expect_contains(r.out, "\"mem\":536870912");
  expect_contains(r.out, "\"elf_class\":64");
  expect_contains(r.out, "\"entry\":\"0x100040\"");
  expect_contains(r.out, "\"note_source\":\"PT_NOTE\"");
  expect_contains(r.out, "\"note_desc_size\":8");
  expect_contains(r.out, "\"note_padding\":4");
  expect_contains(r.out, "\"value\":\"console=ttyS0\"");
  expect_contains(r.out, "\"len\":14");
  expect_contains(r.out, "\"size\":10,\"placement\":\"above\"");
  expect_contains(r.out, "\"rsdp\":\"0xe0000\"");
  expect_contains(r.out, "\"limit\":\"0xffffffff\"");
  expect_contains(r.out, "\"limit\":\"0x67\"");
  expect_contains(r.out, "\"cr4\":\"0x0\"");
  /* One JSON object, one line. */
  assert_int_equal(r.out[0], '{');
  size_t n = strlen(r.out);
  assert_true(n > 2);
  assert_true(r.out[n - 1] == '\n' ? r.out[n - 2] == '}' : r.out[n - 1] == '}');
  run_free(&r);
}

/* Strings from the user reach JSON escaped: quotes and backslashes cannot
 * end the string early. */
static void json_escapes(void **s) {
  (void)s;
  char path[256];
  make_kernel(path, sizeof(path), "ok.elf", 32, NULL);
  struct run r = run_cli((const char *[]){"inspect", "--json", "--cmdline", "a\"b\\c", path, NULL});
  assert_int_equal(r.status, 0);
  expect_contains(r.out, "\"value\":\"a\\\"b\\\\c\"");
  run_free(&r);
}

static void break_magic(struct test_kernel *k) { k->img[0] = 'X'; }
static void break_phentsize(struct test_kernel *k) { elfgen_set_ehdr(k->img, k->len, ELFGEN_E_PHENTSIZE, 7); }

static void inspect_rejects(void **s) {
  (void)s;
  char path[256];
  make_kernel(path, sizeof(path), "bad.elf", 64, break_magic);
  struct run r = run_cli((const char *[]){"inspect", path, NULL});
  assert_int_equal(r.status, 1);
  assert_string_equal(r.out, "");
  /* The one error line of every command: "pvhcheck CMD: error: CODE: MESSAGE". */
  assert_true(strncmp(r.err, "pvhcheck inspect: error: elf-bad-magic: ", 40) == 0);
  assert_true(strlen(r.err) > 41);
  run_free(&r);

  make_kernel(path, sizeof(path), "bad32.elf", 32, break_phentsize);
  r = run_cli((const char *[]){"inspect", "--json", path, NULL});
  assert_int_equal(r.status, 1);
  expect_contains(r.out, "\"ok\":false");
  expect_contains(r.out, "\"code\":\"elf-bad-phentsize\"");
  expect_contains(r.out, "\"message\":\"e_phentsize is 7");
  expect_contains(r.err, "error: elf-bad-phentsize: ");
  run_free(&r);

  /* A loadable kernel that does not fit the guest: rejected, not a usage error. */
  make_kernel(path, sizeof(path), "ok.elf", 32, NULL);
  r = run_cli((const char *[]){"inspect", "--mem", "2M", path, NULL});
  assert_int_equal(r.status, 1);
  expect_contains(r.err, "error: segment-out-of-ram: ");
  run_free(&r);
}

static void usage_and_io(void **s) {
  (void)s;
  char path[256];
  make_kernel(path, sizeof(path), "ok.elf", 64, NULL);
  const char *const *cases[] = {
      (const char *[]){NULL},
      (const char *[]){"inspect", NULL},
      (const char *[]){"inspect", path, path, NULL},
      (const char *[]){"inspect", "--bogus", path, NULL},
      (const char *[]){"inspect", "--mem", "lots", path, NULL},
      (const char *[]){"inspect", "--mem", "4K", path, NULL},
      (const char *[]){"inspect", "--rsdp", "0xzz", path, NULL},
      /* issue 11.3: strict addresses (no sign, no overflow, no spaces, digits after 0x) */
      (const char *[]){"inspect", "--rsdp", "-1", path, NULL},
      (const char *[]){"inspect", "--rsdp", "+5", path, NULL},
      (const char *[]){"inspect", "--rsdp", " 5", path, NULL},
      (const char *[]){"inspect", "--rsdp", "0x", path, NULL},
      (const char *[]){"inspect", "--rsdp", "", path, NULL},
      (const char *[]){"inspect", "--rsdp", "99999999999999999999999", path, NULL},
      (const char *[]){"inspect", "--rsdp", "0x10000000000000000", path, NULL},
      /* --mem beyond 64 TiB, and one whose map would wrap: usage, not a rejected kernel */
      (const char *[]){"inspect", "--mem", "0xffffffffffffffff", path, NULL},
      (const char *[]){"inspect", "--mem", "65T", path, NULL},
      (const char *[]){"boot", "--mem", "0xffffffffffffffff", path, NULL},
      (const char *[]){"inspect", path, "--cmdline", NULL},
      (const char *[]){"no-such-command", NULL},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct run r = run_cli(cases[i]);
    if (r.status != 2)
      fail_msg("case %zu: exit %d, expected 2 (stderr: %s)", i, r.status, r.err);
    assert_true(strlen(r.err) > 0);
    run_free(&r);
  }
  struct run r = run_cli((const char *[]){"inspect", "--help", NULL});
  assert_int_equal(r.status, 0);
  expect_contains(r.out, "usage: pvhcheck inspect");
  run_free(&r);

  char missing[256];
  snprintf(missing, sizeof(missing), "%s/does-not-exist", tmpdir);
  r = run_cli((const char *[]){"inspect", missing, NULL});
  assert_int_equal(r.status, 3);
  expect_contains(r.err, "error: io-error: ");
  run_free(&r);

  /* --json promises one object, an I/O error included. */
  r = run_cli((const char *[]){"inspect", "--json", missing, NULL});
  assert_int_equal(r.status, 3);
  assert_int_equal(r.out[0], '{');
  expect_contains(r.out, "\"ok\":false");
  expect_contains(r.out, "\"code\":\"io-error\"");
  expect_contains(r.out, "does-not-exist");
  assert_non_null(strchr(r.out, '}'));
  assert_null(strchr(strchr(r.out, '\n') ? strchr(r.out, '\n') + 1 : "", '{'));
  run_free(&r);
  r = run_cli((const char *[]){"inspect", "--json", "--initramfs", missing, path, NULL});
  assert_int_equal(r.status, 3);
  expect_contains(r.out, "\"code\":\"io-error\"");
  run_free(&r);
}

/* Addresses are decimal or 0x hex, never octal; 64 TiB of RAM is allowed. */
static void strict_numbers(void **s) {
  (void)s;
  char path[256];
  make_kernel(path, sizeof(path), "ok64.elf", 64, NULL);
  struct run r = run_cli((const char *[]){"inspect", "--json", "--rsdp", "0100000", path, NULL});
  assert_int_equal(r.status, 0);
  expect_contains(r.out, "\"rsdp\":\"0x186a0\""); /* 100000, not octal 0x8000 */
  run_free(&r);
  r = run_cli((const char *[]){"inspect", "--json", "--rsdp", "0XE0000", "--mem", "64T", path, NULL});
  assert_int_equal(r.status, 0);
  expect_contains(r.out, "\"rsdp\":\"0xe0000\"");
  run_free(&r);
}

/* --rsdp must name a place an RSDP can be: 16-byte aligned (so "010", ten,
 * is refused rather than passed on as 0xa), inside the map, and not under
 * anything the load writes. Each is a usage error naming --rsdp. */
static void rsdp_place(void **s) {
  (void)s;
  char path[256];
  make_kernel(path, sizeof(path), "ok64.elf", 64, NULL);
  static const struct {
    const char *arg, *why;
  } bad[] = {
      {"010", "--rsdp 0xa (10) is not 16-byte aligned"},
      {"0xe0008", "is not 16-byte aligned"},
      {"0xffffffff0", "not inside one region of the memory map"},
      {"0x2000", "the load writes [0x2000, "},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    struct run r = run_cli((const char *[]){"inspect", "--rsdp", bad[i].arg, path, NULL});
    assert_int_equal(r.status, 2);
    expect_contains(r.err, "pvhcheck inspect: error: usage: --rsdp ");
    expect_contains(r.err, bad[i].why);
    run_free(&r);
  }
}

/* Options after KERNEL, GNU style. */
static void options_after_kernel(void **s) {
  (void)s;
  char path[256];
  make_kernel(path, sizeof(path), "ok64.elf", 64, NULL);
  struct run r = run_cli((const char *[]){"inspect", path, "--json", "--mem", "512M", NULL});
  assert_int_equal(r.status, 0);
  expect_contains(r.out, "\"mem\":536870912");
  run_free(&r);
}

/* JSON strings carry UTF-8 through; bytes that are not UTF-8 become U+FFFD. */
static void json_utf8(void **s) {
  (void)s;
  char path[256];
  make_kernel(path, sizeof(path), "ok.elf", 32, NULL);
  struct run r = run_cli((const char *[]){"inspect", "--json", "--cmdline",
                                          "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7", path, NULL});
  assert_int_equal(r.status, 0);
  expect_contains(r.out, "\"value\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7\"");
  run_free(&r);
  /* A lone continuation byte, a truncated sequence, an overlong '/', a
   * surrogate, a byte above U+10FFFF, DEL and a control byte. */
  r = run_cli((const char *[]){"inspect", "--json", "--cmdline",
                               "a\x80"
                               "b\xc3 \xc0\xaf\xed\xa0\x80\xf5\x80\x80\x80\x7f\x01",
                               path, NULL});
  assert_int_equal(r.status, 0);
  expect_contains(
      r.out,
      "\"value\":\"a\\ufffdb\\ufffd \\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\u007f\\u0001\"");
  run_free(&r);
}

/* An empty initramfs file is a usage error (2), in inspect and in boot
 * (judged before KVM is asked for). */
static void empty_initramfs(void **s) {
  (void)s;
  char path[256], initrd[256];
  make_kernel(path, sizeof(path), "ok64.elf", 64, NULL);
  snprintf(initrd, sizeof(initrd), "%s/initrd.img", tmpdir);
  write_file(initrd, "", 0);
  const char *const *cases[] = {
      (const char *[]){"inspect", "--initramfs", initrd, path, NULL},
      (const char *[]){"inspect", "--json", "--initramfs", initrd, path, NULL},
      (const char *[]){"boot", "--initramfs", initrd, path, NULL},
      (const char *[]){"boot", "--linux", "--initramfs", initrd, path, NULL},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct run r = run_cli(cases[i]);
    if (r.status != 2)
      fail_msg("case %zu: exit %d, expected 2 (stderr: %s)", i, r.status, r.err);
    expect_contains(r.err, "is empty");
    run_free(&r);
  }
}

static int setup(void **s) {
  (void)s;
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **s) {
  (void)s;
  const char *names[] = {"stdout", "stderr", "ok.elf", "ok64.elf", "bad.elf", "bad32.elf", "initrd.img"};
  char p[256];
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    snprintf(p, sizeof(p), "%s/%s", tmpdir, names[i]);
    unlink(p);
  }
  rmdir(tmpdir);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2 || access(argv[1], X_OK) != 0) {
    fprintf(stderr, "usage: test_cli PATH-TO-PVHCHECK\n");
    return 2;
  }
  pvhcheck = argv[1];
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(inspect_text_ok),      cmocka_unit_test(inspect_json_ok),
      cmocka_unit_test(json_escapes),         cmocka_unit_test(inspect_rejects),
      cmocka_unit_test(usage_and_io),         cmocka_unit_test(strict_numbers),
      cmocka_unit_test(options_after_kernel), cmocka_unit_test(json_utf8),
      cmocka_unit_test(empty_initramfs),      cmocka_unit_test(rsdp_place),
  };
  return cmocka_run_group_tests_name("cli", tests, setup, teardown);
}
