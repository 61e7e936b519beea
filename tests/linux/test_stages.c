/* SPDX-License-Identifier: MIT */
/* The stage recognizer on real console logs of the Debian cloud kernel
 * (captured under QEMU microvm TCG, tests/linux/data/), and on edited copies
 * of them: every echoed value is checked, not just matched. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pvh/guest_layout.h"
#include "pvh/loader.h"
#include "pvhlinux/boot_linux.h"
#include "pvhlinux/stages.h"

static const char *data_dir = "data";

/* QEMU microvm's map for -m 512M, its placement of our 1984588-byte
 * initramfs and its RSDP, as that boot printed them. */
static const struct pvh_mem_region qemu_map[] = {
    {0x0, 0x9fc00, PVH_MEM_RAM},         {0x9fc00, 0x30400, PVH_MEM_RESERVED},
    {0xd0000, 0x20000, PVH_MEM_NVS},     {0xf0000, 0x10000, PVH_MEM_RESERVED},
    {0x100000, 0x1ff00000, PVH_MEM_RAM},
};
#define QEMU_CMDLINE PVHLINUX_DEFAULT_CMDLINE
#define QEMU_INITRD_ADDR 0x1fe1b000ull
#define QEMU_INITRD_SIZE 1984588ull
#define QEMU_RSDP 0xf34d0ull

static char *read_log(const char *name, size_t *len) {
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s", data_dir, name);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *buf = malloc(1 << 20);
  assert_non_null(buf);
  *len = fread(buf, 1, (1 << 20) - 1, f);
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

static void qemu_expect(struct pvhlinux_expect *ex) {
  pvhlinux_expect_init(ex);
  ex->cmdline = QEMU_CMDLINE;
  ex->memmap = qemu_map;
  ex->nr_memmap = sizeof(qemu_map) / sizeof(qemu_map[0]);
  ex->has_initramfs = 1;
  ex->check_initramfs_addr = 1;
  ex->initramfs_paddr = QEMU_INITRD_ADDR;
  ex->initramfs_size = QEMU_INITRD_SIZE;
  ex->check_rsdp = 1;
  ex->rsdp_paddr = QEMU_RSDP;
}

/* Feeds the log in chunks of `chunk` bytes, 1 ms of host time apart. */
static struct pvhlinux_stages *run_log(const struct pvhlinux_expect *ex, const char *log, size_t len,
                                       size_t chunk) {
  struct pvhlinux_stages *st = pvhlinux_stages_new(ex);
  assert_non_null(st);
  uint64_t t = 0;
  for (size_t off = 0; off < len; off += chunk, t += 1000000) {
    size_t n = len - off < chunk ? len - off : chunk;
    pvhlinux_stages_feed(st, log + off, n, t);
  }
  pvhlinux_stages_finish(st, t);
  return st;
}

static enum pvhlinux_state state_of(const struct pvhlinux_stages *st, enum pvhlinux_stage s) {
  return pvhlinux_stages_get(st, s)->state;
}

/* Runs the log against ex (512-byte chunks) and checks one stage: its state
 * and, unless detail is NULL, that its detail says detail. */
static void expect_stage(const struct pvhlinux_expect *ex, const char *log, size_t len, enum pvhlinux_stage s,
                         enum pvhlinux_state want, const char *detail) {
  struct pvhlinux_stages *st = run_log(ex, log, len, 512);
  const struct pvhlinux_stage_info *in = pvhlinux_stages_get(st, s);
  if (in->state != want || (detail && !strstr(in->detail, detail)))
    fail_msg("stage %s: %s (%s); want %s with \"%s\"", pvhlinux_stage_name(s), pvhlinux_state_name(in->state),
             in->detail, pvhlinux_state_name(want), detail ? detail : "");
  pvhlinux_stages_free(st);
}

static void test_full_boot_all_verified(void **state) {
  (void)state;
  size_t len;
  char *log = read_log("qemu-microvm-tcg-initramfs.log", &len);
  struct pvhlinux_expect ex;
  qemu_expect(&ex);
  struct pvhlinux_stages *st = run_log(&ex, log, len, 4096);
  for (int s = PVHLINUX_ST_BANNER; s <= PVHLINUX_ST_POWEROFF; s++) {
    const struct pvhlinux_stage_info *in = pvhlinux_stages_get(st, (enum pvhlinux_stage)s);
    if (in->state != PVHLINUX_REACHED)
      fail_msg("stage %s: %s (%s)", pvhlinux_stage_name((enum pvhlinux_stage)s),
               pvhlinux_state_name(in->state), in->detail);
  }
  assert_int_equal(state_of(st, PVHLINUX_ST_ENTRY), PVHLINUX_NOT_CHECKED); /* QEMU cannot prove it */
  assert_int_equal(state_of(st, PVHLINUX_ST_END), PVHLINUX_NOT_REACHED);   /* the VMM marks it */
  assert_true(pvhlinux_stages_ok(st, PVHLINUX_ST_MARKER));
  assert_true(pvhlinux_stages_ok(st, PVHLINUX_ST_POWEROFF));
  assert_false(pvhlinux_stages_ok(st, PVHLINUX_ST_END));
  assert_int_equal(pvhlinux_stages_furthest(st), PVHLINUX_ST_POWEROFF);
  /* Guest times from printk prefixes, and the marker's own uptime. */
  assert_float_equal(pvhlinux_stages_get(st, PVHLINUX_ST_RAMDISK)->guest_s, 0.013506, 1e-9);
  assert_float_equal(pvhlinux_stages_get(st, PVHLINUX_ST_CONSOLE)->guest_s, 0.361305, 1e-9);
  assert_float_equal(pvhlinux_stages_get(st, PVHLINUX_ST_INIT)->guest_s, 1.867341, 1e-9);
  assert_float_equal(pvhlinux_stages_get(st, PVHLINUX_ST_MARKER)->guest_s, 2.09, 1e-9);
  assert_float_equal(pvhlinux_stages_get(st, PVHLINUX_ST_POWEROFF)->guest_s, 2.214136, 1e-9);
  assert_non_null(strstr(pvhlinux_stages_get(st, PVHLINUX_ST_BANNER)->detail, "6.1.0-56-cloud-amd64"));
  size_t ne;
  const struct pvhlinux_e820 *e = pvhlinux_stages_e820(st, &ne);
  assert_int_equal(ne, 5);
  assert_int_equal(e[2].type, PVH_MEM_NVS);
  assert_int_equal(e[4].end, 0x1fffffffull);
  assert_null(pvhlinux_stages_panic(st));
  /* The VMM's word completes it. */
  pvhlinux_stages_mark(st, PVHLINUX_ST_END, PVHLINUX_REACHED, 5000000000ull, "qemu exited 0");
  assert_true(pvhlinux_stages_ok(st, PVHLINUX_ST_END));
  assert_float_equal(pvhlinux_stages_get(st, PVHLINUX_ST_END)->host_s, 5.0, 1e-9);
  pvhlinux_stages_free(st);
  free(log);
}

/* The result must not depend on how the console bytes were chunked. */
static void test_chunking_invariant(void **state) {
  (void)state;
  size_t len;
  char *log = read_log("qemu-microvm-tcg-initramfs.log", &len);
  struct pvhlinux_expect ex;
  qemu_expect(&ex);
  struct pvhlinux_stages *whole = run_log(&ex, log, len, len);
  const size_t chunks[] = {1, 3, 7, 64, 1000};
  for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
    struct pvhlinux_stages *st = run_log(&ex, log, len, chunks[c]);
    for (int s = 0; s < PVHLINUX_ST__COUNT; s++) {
      const struct pvhlinux_stage_info *a = pvhlinux_stages_get(whole, (enum pvhlinux_stage)s);
      const struct pvhlinux_stage_info *b = pvhlinux_stages_get(st, (enum pvhlinux_stage)s);
      assert_int_equal(a->state, b->state);
      assert_float_equal(a->guest_s, b->guest_s, 1e-12);
      assert_string_equal(a->detail, b->detail);
    }
    pvhlinux_stages_free(st);
  }
  pvhlinux_stages_free(whole);
  free(log);
}

/* Each echoed value, changed on our side, must turn its stage into a mismatch. */
static void test_cmdline_mismatch(void **state) {
  (void)state;
  size_t len;
  char *log = read_log("qemu-microvm-tcg-initramfs.log", &len);
  struct pvhlinux_expect ex;
  qemu_expect(&ex);
  ex.cmdline = "console=ttyS0 panic=1";
  struct pvhlinux_stages *st = run_log(&ex, log, len, 512);
  const struct pvhlinux_stage_info *in = pvhlinux_stages_get(st, PVHLINUX_ST_CMDLINE);
  assert_int_equal(in->state, PVHLINUX_MISMATCH);
  assert_non_null(strstr(in->detail, "differs at byte 20"));
  assert_false(pvhlinux_stages_ok(st, PVHLINUX_ST_BANNER)); /* any mismatch fails the run */
  assert_int_equal(state_of(st, PVHLINUX_ST_MARKER), PVHLINUX_REACHED);
  pvhlinux_stages_free(st);
  free(log);
}

static void test_e820_mismatch_and_merge(void **state) {
  (void)state;
  size_t len;
  char *log = read_log("qemu-microvm-tcg-initramfs.log", &len);
  struct pvhlinux_expect ex;
  qemu_expect(&ex);

  /* 256 MiB instead of 512: the last entry differs. */
  struct pvh_mem_region small[5];
  memcpy(small, qemu_map, sizeof(small));
  small[4].size = 0xff00000;
  ex.memmap = small;
  expect_stage(&ex, log, len, PVHLINUX_ST_E820, PVHLINUX_MISMATCH,
               "entry 4: kernel [0x100000-0x1fffffff] usable, passed [0x100000-0xfffffff] usable");

  /* One region fewer: the kernel printed an extra entry. */
  ex.memmap = qemu_map;
  ex.nr_memmap = 4;
  expect_stage(&ex, log, len, PVHLINUX_ST_E820, PVHLINUX_MISMATCH, "extra [0x100000-0x1fffffff] usable");

  /* Unsorted, and the high RAM split in two adjacent pieces: Linux sorts and
   * merges, so this is still the same map. */
  const struct pvh_mem_region split[] = {
      {0x10000000, 0x10000000, PVH_MEM_RAM}, {0xf0000, 0x10000, PVH_MEM_RESERVED},
      {0x0, 0x9fc00, PVH_MEM_RAM},           {0x9fc00, 0x30400, PVH_MEM_RESERVED},
      {0xd0000, 0x20000, PVH_MEM_NVS},       {0x100000, 0xff00000, PVH_MEM_RAM},
  };
  ex.memmap = split;
  ex.nr_memmap = 6;
  expect_stage(&ex, log, len, PVHLINUX_ST_E820, PVHLINUX_REACHED, NULL);

  /* A type that differs: ACPI data where the kernel says ACPI NVS. */
  struct pvh_mem_region typed[5];
  memcpy(typed, qemu_map, sizeof(typed));
  typed[2].type = PVH_MEM_ACPI;
  ex.memmap = typed;
  ex.nr_memmap = 5;
  expect_stage(&ex, log, len, PVHLINUX_ST_E820, PVHLINUX_MISMATCH,
               "ACPI NVS, passed [0xd0000-0xeffff] ACPI data");
  free(log);
}

static void test_ramdisk_checks(void **state) {
  (void)state;
  size_t len;
  char *log = read_log("qemu-microvm-tcg-initramfs.log", &len);
  struct pvhlinux_expect ex;
  qemu_expect(&ex);

  ex.initramfs_paddr = QEMU_INITRD_ADDR + 0x1000;
  expect_stage(&ex, log, len, PVHLINUX_ST_RAMDISK, PVHLINUX_MISMATCH,
               "kernel [0x1fe1b000-0x1fffffff], placed [0x1fe1c000-0x2000");

  /* Size one page larger than what the kernel reserved. */
  ex.initramfs_paddr = QEMU_INITRD_ADDR;
  ex.initramfs_size = QEMU_INITRD_SIZE + 4096;
  expect_stage(&ex, log, len, PVHLINUX_ST_RAMDISK, PVHLINUX_MISMATCH, NULL);

  /* Placement not ours (QEMU chose it): only the size is compared. */
  ex.check_initramfs_addr = 0;
  ex.initramfs_size = QEMU_INITRD_SIZE;
  expect_stage(&ex, log, len, PVHLINUX_ST_RAMDISK, PVHLINUX_REACHED, NULL);
  ex.initramfs_size = QEMU_INITRD_SIZE * 2;
  expect_stage(&ex, log, len, PVHLINUX_ST_RAMDISK, PVHLINUX_MISMATCH, NULL);

  /* We passed none, the kernel found one. */
  ex.has_initramfs = 0;
  expect_stage(&ex, log, len, PVHLINUX_ST_RAMDISK, PVHLINUX_MISMATCH, "we passed none");
  free(log);
}

static void test_rsdp_checks(void **state) {
  (void)state;
  size_t len;
  char *log = read_log("qemu-microvm-tcg-initramfs.log", &len);
  struct pvhlinux_expect ex;
  qemu_expect(&ex);
  ex.rsdp_paddr = 0x9fc00;
  struct pvhlinux_stages *st = run_log(&ex, log, len, 512);
  const struct pvhlinux_stage_info *in = pvhlinux_stages_get(st, PVHLINUX_ST_ACPI);
  assert_int_equal(in->state, PVHLINUX_MISMATCH);
  assert_string_equal(in->detail, "kernel RSDP 0xf34d0, passed 0x9fc00");
  pvhlinux_stages_free(st);

  ex.rsdp_paddr = 0; /* we passed none: finding one is a mismatch */
  expect_stage(&ex, log, len, PVHLINUX_ST_ACPI, PVHLINUX_MISMATCH, NULL);

  ex.check_rsdp = 0; /* not ours: recorded only */
  expect_stage(&ex, log, len, PVHLINUX_ST_ACPI, PVHLINUX_REACHED, "0xf34d0");
  free(log);
}

/* A boot that hangs after the console came up (QEMU microvm without a PIT). */
static void test_stuck_boot(void **state) {
  (void)state;
  size_t len;
  char *log = read_log("qemu-microvm-tcg-nopit-stuck.log", &len);
  struct pvhlinux_expect ex;
  pvhlinux_expect_init(&ex);
  ex.cmdline = "console=ttyS0 earlyprintk=ttyS0 panic=-1";
  struct pvhlinux_stages *st = run_log(&ex, log, len, 100);
  assert_int_equal(pvhlinux_stages_furthest(st), PVHLINUX_ST_CONSOLE);
  assert_int_equal(state_of(st, PVHLINUX_ST_RAMDISK), PVHLINUX_NOT_CHECKED);
  assert_int_equal(state_of(st, PVHLINUX_ST_INIT), PVHLINUX_NOT_REACHED);
  assert_int_equal(state_of(st, PVHLINUX_ST_E820), PVHLINUX_REACHED); /* parsed, not compared */
  assert_true(pvhlinux_stages_ok(st, PVHLINUX_ST_CONSOLE));
  assert_false(pvhlinux_stages_ok(st, PVHLINUX_ST_INIT));
  assert_false(pvhlinux_stages_ok(st, PVHLINUX_ST_MARKER));
  assert_non_null(strstr(pvhlinux_stages_last_line(st), "Marking TSC unstable"));
  pvhlinux_stages_free(st);
  free(log);
}

/* A boot through libpvh + our ACPI (tests/linux/linux_handoff): the map is
 * the standard one for 512 MiB, the initramfs and RSDP where our loader put
 * them; the expectation comes from a load report as pvhcheck builds it. */
static void test_our_loader_boot(void **state) {
  (void)state;
  size_t len;
  char *log = read_log("handoff-libpvh-acpi.log", &len);
  struct pvh_mem_region map[PVH_MEMMAP_STANDARD_MAX];
  size_t n = pvh_memmap_standard(512ull << 20, map, PVH_MEMMAP_STANDARD_MAX);
  assert_int_equal(n, 3);
  struct pvh_load_report rep;
  memset(&rep, 0, sizeof(rep));
  rep.initramfs_paddr = 0x1fe1b000;
  rep.initramfs_size = 1984588;
  rep.rsdp_paddr = 0xe0000;
  struct pvhlinux_expect ex;
  pvhlinux_expect_from_load(&ex, PVHLINUX_DEFAULT_CMDLINE, map, n, &rep);
  struct pvhlinux_stages *st = run_log(&ex, log, len, 333);
  pvhlinux_stages_mark(st, PVHLINUX_ST_ENTRY, PVHLINUX_REACHED, 1000, "proved");
  pvhlinux_stages_mark(st, PVHLINUX_ST_END, PVHLINUX_REACHED, 2000, "sleep port");
  for (int s = 0; s < PVHLINUX_ST__COUNT; s++) {
    const struct pvhlinux_stage_info *in = pvhlinux_stages_get(st, (enum pvhlinux_stage)s);
    if (in->state != PVHLINUX_REACHED)
      fail_msg("stage %s: %s (%s)", pvhlinux_stage_name((enum pvhlinux_stage)s),
               pvhlinux_state_name(in->state), in->detail);
  }
  assert_string_equal(pvhlinux_stages_get(st, PVHLINUX_ST_E820)->detail, "3 entries equal the map we passed");
  assert_string_equal(pvhlinux_stages_get(st, PVHLINUX_ST_ACPI)->detail, "RSDP at 0xe0000 as passed");
  assert_true(pvhlinux_stages_ok(st, PVHLINUX_ST_END));
  pvhlinux_stages_free(st);

  /* A map for 256 MiB, an initramfs one page up, no RSDP: three mismatches. */
  n = pvh_memmap_standard(256ull << 20, map, PVH_MEMMAP_STANDARD_MAX);
  rep.initramfs_paddr += 4096;
  rep.rsdp_paddr = 0;
  pvhlinux_expect_from_load(&ex, PVHLINUX_DEFAULT_CMDLINE, map, n, &rep);
  st = run_log(&ex, log, len, 333);
  assert_int_equal(state_of(st, PVHLINUX_ST_E820), PVHLINUX_MISMATCH);
  assert_int_equal(state_of(st, PVHLINUX_ST_RAMDISK), PVHLINUX_MISMATCH);
  assert_int_equal(state_of(st, PVHLINUX_ST_ACPI), PVHLINUX_MISMATCH);
  assert_int_equal(state_of(st, PVHLINUX_ST_CMDLINE), PVHLINUX_REACHED);
  pvhlinux_stages_free(st);
  free(log);
}

static void test_synthetic_lines(void **state) {
  (void)state;
  struct pvhlinux_expect ex;
  pvhlinux_expect_init(&ex);
  struct pvhlinux_stages *st = pvhlinux_stages_new(&ex);
  const char *log = "[    0.000000] printk: bootconsole [earlyser0] enabled\r\n"
                    "[    0.500000] console [ttyS0] enabled\n"         /* pre-5.x wording */
                    "[    0.600000] printk: console [ttyS0] enabled\n" /* repeat: first one wins */
                    "[    1.000000] Kernel panic - not syncing: VFS: Unable to mount root fs\n"
                    "[    1.100000] reboot: Restarting system\n"
                    "no newline at the end";
  pvhlinux_stages_feed(st, log, strlen(log), 7000000);
  pvhlinux_stages_finish(st, 8000000);
  assert_int_equal(state_of(st, PVHLINUX_ST_CONSOLE), PVHLINUX_REACHED);
  assert_float_equal(pvhlinux_stages_get(st, PVHLINUX_ST_CONSOLE)->guest_s, 0.5, 1e-9);
  assert_float_equal(pvhlinux_stages_get(st, PVHLINUX_ST_CONSOLE)->host_s, 0.007, 1e-9);
  assert_int_equal(state_of(st, PVHLINUX_ST_POWEROFF), PVHLINUX_MISMATCH);
  assert_string_equal(pvhlinux_stages_panic(st), "Kernel panic - not syncing: VFS: Unable to mount root fs");
  assert_string_equal(pvhlinux_stages_last_line(st), "no newline at the end");

  /* JSON carries the stages, the furthest and the verdict. */
  char *buf = NULL;
  size_t blen = 0;
  FILE *f = open_memstream(&buf, &blen);
  pvhlinux_stages_json(st, PVHLINUX_ST_CONSOLE, f);
  fclose(f);
  assert_non_null(
      strstr(buf, "{\"name\":\"console\",\"state\":\"reached\",\"guest_s\":0.500000,\"host_s\":0.007000"));
  assert_non_null(strstr(buf, "\"furthest\":\"console\""));
  assert_non_null(strstr(buf, "\"ok\":false")); /* banner never seen */
  assert_non_null(strstr(buf, "\"panic\":\"Kernel panic"));
  free(buf);
  pvhlinux_stages_free(st);
}

/* A 32-bit (i386) kernel has no setup_arch "Command line:" line: it echoes
 * the command line only as "Kernel command line:", after the e820 map and
 * RAMDISK. Lines in the shape such a boot prints. */
static const char log32[] =
    "[    0.000000] Linux version 6.1.0-27-686-pae (debian-kernel@lists.debian.org) (gcc-12) #1 SMP\n"
    "[    0.000000] BIOS-provided physical RAM map:\n"
    "[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
    "[    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x00000000000fffff] reserved\n"
    "[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000001fffffff] usable\n"
    "[    0.000000] Notice: NX (Execute Disable) protection missing in CPU!\n"
    "[    0.000000] RAMDISK: [mem 0x1fe1b000-0x1fffffff]\n"
    "[    0.012000] Kernel command line: console=ttyS0 panic=-1\n"
    "[    0.050000] printk: console [ttyS0] enabled\n";

static void test_cmdline_32bit(void **state) {
  (void)state;
  struct pvh_mem_region map[] = {
      {0, 0x9fc00, PVH_MEM_RAM}, {0x9fc00, 0x60400, PVH_MEM_RESERVED}, {0x100000, 0x1ff00000, PVH_MEM_RAM}};
  struct pvhlinux_expect ex;
  pvhlinux_expect_init(&ex);
  ex.cmdline = PVHLINUX_DEFAULT_CMDLINE;
  ex.memmap = map;
  ex.nr_memmap = 3;
  struct pvhlinux_stages *st = run_log(&ex, log32, strlen(log32), 7);
  const struct pvhlinux_stage_info *in = pvhlinux_stages_get(st, PVHLINUX_ST_CMDLINE);
  assert_int_equal(in->state, PVHLINUX_REACHED);
  assert_string_equal(in->detail, "equals ours (22 bytes)");
  assert_float_equal(in->guest_s, 0.012, 1e-9);
  assert_int_equal(state_of(st, PVHLINUX_ST_E820), PVHLINUX_REACHED);
  assert_int_equal(state_of(st, PVHLINUX_ST_CONSOLE), PVHLINUX_REACHED);
  pvhlinux_stages_free(st);

  /* The value is compared there too, not just matched. */
  ex.cmdline = "console=ttyS0 panic=1";
  st = run_log(&ex, log32, strlen(log32), 64);
  in = pvhlinux_stages_get(st, PVHLINUX_ST_CMDLINE);
  assert_int_equal(in->state, PVHLINUX_MISMATCH);
  assert_non_null(strstr(in->detail, "differs at byte 20"));
  pvhlinux_stages_free(st);

  /* On x86-64 the earlier "Command line:" decides; a later generic line
   * cannot overwrite it. */
  ex.cmdline = "a b";
  st = pvhlinux_stages_new(&ex);
  const char *both = "[    0.000000] Command line: a b\n[    0.010000] Kernel command line: a b c\n";
  pvhlinux_stages_feed(st, both, strlen(both), 0);
  pvhlinux_stages_finish(st, 1);
  in = pvhlinux_stages_get(st, PVHLINUX_ST_CMDLINE);
  assert_int_equal(in->state, PVHLINUX_REACHED);
  assert_float_equal(in->guest_s, 0.0, 1e-9);
  pvhlinux_stages_free(st);
}

/* The 686-pae (i386, ELF32) Debian kernel through libpvh + our ACPI. 32-bit
 * kernels print only "Kernel command line:", ~1000 lines of log later than
 * x86-64's "Command line:"; every value is still verified, and the stage
 * table does not depend on how the console bytes were chunked. */
static void check_i386_log(const char *name, double cmdline_s, double last_s) {
  size_t len;
  char *log = read_log(name, &len);
  assert_null(strstr(log, "] Command line: ")); /* the premise: no x86-64 line */
  struct pvh_mem_region map[PVH_MEMMAP_STANDARD_MAX];
  size_t n = pvh_memmap_standard(512ull << 20, map, PVH_MEMMAP_STANDARD_MAX);
  struct pvh_load_report rep;
  memset(&rep, 0, sizeof(rep));
  rep.initramfs_paddr = 0x1fe07000;
  rep.initramfs_size = 2065420;
  rep.rsdp_paddr = 0xe0000;
  struct pvhlinux_expect ex;
  pvhlinux_expect_from_load(&ex, PVHLINUX_DEFAULT_CMDLINE, map, n, &rep);
  struct pvhlinux_stages *whole = run_log(&ex, log, len, len);
  pvhlinux_stages_mark(whole, PVHLINUX_ST_ENTRY, PVHLINUX_REACHED, 1000, "proved");
  pvhlinux_stages_mark(whole, PVHLINUX_ST_END, PVHLINUX_REACHED, 2000, "sleep port");
  for (int s = 0; s < PVHLINUX_ST__COUNT; s++) {
    const struct pvhlinux_stage_info *in = pvhlinux_stages_get(whole, (enum pvhlinux_stage)s);
    if (in->state != PVHLINUX_REACHED)
      fail_msg("stage %s: %s (%s)", pvhlinux_stage_name((enum pvhlinux_stage)s),
               pvhlinux_state_name(in->state), in->detail);
  }
  assert_non_null(strstr(pvhlinux_stages_get(whole, PVHLINUX_ST_BANNER)->detail, "686-pae"));
  assert_string_equal(pvhlinux_stages_get(whole, PVHLINUX_ST_CMDLINE)->detail, "equals ours (22 bytes)");
  assert_float_equal(pvhlinux_stages_get(whole, PVHLINUX_ST_CMDLINE)->guest_s, cmdline_s, 1e-9);
  assert_string_equal(pvhlinux_stages_get(whole, PVHLINUX_ST_E820)->detail,
                      "3 entries equal the map we passed");
  assert_string_equal(pvhlinux_stages_get(whole, PVHLINUX_ST_RAMDISK)->detail,
                      "[0x1fe07000-0x1fffffff] = placed 0x1fe07000 + 2065420 bytes");
  assert_string_equal(pvhlinux_stages_get(whole, PVHLINUX_ST_ACPI)->detail, "RSDP at 0xe0000 as passed");
  assert_true(pvhlinux_stages_ok(whole, PVHLINUX_ST_END));
  /* The entry is at guest time 0, not at the last printk line (4.33 s). */
  assert_float_equal(pvhlinux_stages_get(whole, PVHLINUX_ST_ENTRY)->guest_s, 0.0, 1e-12);
  assert_float_equal(pvhlinux_stages_get(whole, PVHLINUX_ST_END)->guest_s, last_s, 1e-9);

  const size_t chunks[] = {1, 5, 333};
  for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
    struct pvhlinux_stages *st = run_log(&ex, log, len, chunks[c]);
    for (int s = PVHLINUX_ST_BANNER; s < PVHLINUX_ST_END; s++) {
      const struct pvhlinux_stage_info *a = pvhlinux_stages_get(whole, (enum pvhlinux_stage)s);
      const struct pvhlinux_stage_info *b = pvhlinux_stages_get(st, (enum pvhlinux_stage)s);
      assert_int_equal(a->state, b->state);
      assert_float_equal(a->guest_s, b->guest_s, 1e-12);
      assert_string_equal(a->detail, b->detail);
    }
    pvhlinux_stages_free(st);
  }
  pvhlinux_stages_free(whole);

  /* Our side changed: the 32-bit echo is compared, not just matched. */
  rep.initramfs_paddr += 4096;
  rep.rsdp_paddr = 0xf0000;
  pvhlinux_expect_from_load(&ex, "console=ttyS0 panic=1", map, n, &rep);
  struct pvhlinux_stages *st = run_log(&ex, log, len, 64);
  assert_int_equal(state_of(st, PVHLINUX_ST_CMDLINE), PVHLINUX_MISMATCH);
  assert_int_equal(state_of(st, PVHLINUX_ST_RAMDISK), PVHLINUX_MISMATCH);
  assert_int_equal(state_of(st, PVHLINUX_ST_ACPI), PVHLINUX_MISMATCH);
  assert_false(pvhlinux_stages_ok(st, PVHLINUX_ST_MARKER));
  pvhlinux_stages_free(st);
  free(log);
}

/* The same kernel, our loader's placement both times: under QEMU TCG through
 * the handoff firmware (CRLF console), and under real KVM in the lab
 * (kvm_amd, npt=0; pvhcheck boot --linux's console, kvm-clock lines, LF). */
static void test_i386_boot(void **state) {
  (void)state;
  check_i386_log("handoff-686-pae.log", 0.016173, 4.330513);
  check_i386_log("kvm-lab-686-pae.log", 0.361565, 4.841807);
}

static void test_long_line_and_controls(void **state) {
  (void)state;
  struct pvhlinux_expect ex;
  pvhlinux_expect_init(&ex);
  ex.cmdline = "a";
  struct pvhlinux_stages *st = pvhlinux_stages_new(&ex);
  char *big = malloc(3 * PVHLINUX_LINE_MAX);
  memset(big, 'x', 3 * PVHLINUX_LINE_MAX);
  memcpy(big, "Command line: ", 14);
  big[3 * PVHLINUX_LINE_MAX - 1] = '\n';
  pvhlinux_stages_feed(st, big, 3 * PVHLINUX_LINE_MAX, 1);
  assert_int_equal(state_of(st, PVHLINUX_ST_CMDLINE), PVHLINUX_MISMATCH);
  pvhlinux_stages_feed(st, "Linux version 9\0.9 \"q\"\n", 23, 2);
  assert_string_equal(pvhlinux_stages_get(st, PVHLINUX_ST_BANNER)->detail, "Linux 9.9");
  free(big);
  pvhlinux_stages_free(st);
}

/* A map with no entry for the BIOS area (Firecracker's shape): Linux's PVH
 * entry code appends the ISA range [0xa0000, 0x100000) as reserved itself,
 * and prints it; the stage expects that, and only where our map left it
 * undescribed. */
static const char log_isa[] =
    "[    0.000000] Linux version 6.1.0 (x) #1 SMP\n"
    "[    0.000000] BIOS-provided physical RAM map:\n"
    "[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
    "[    0.000000] BIOS-e820: [mem 0x00000000000a0000-0x00000000000fffff] reserved\n"
    "[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000001fffffff] usable\n"
    "[    0.050000] printk: console [ttyS0] enabled\n";

static void test_e820_linux_adds_isa(void **state) {
  (void)state;
  struct pvh_mem_region map[] = {{0x100000, 0x1ff00000, PVH_MEM_RAM}, {0, 0x9fc00, PVH_MEM_RAM}};
  struct pvhlinux_expect ex;
  pvhlinux_expect_init(&ex);
  ex.memmap = map;
  ex.nr_memmap = 2;
  struct pvhlinux_stages *st = run_log(&ex, log_isa, strlen(log_isa), 7);
  assert_int_equal(state_of(st, PVHLINUX_ST_E820), PVHLINUX_REACHED);
  pvhlinux_stages_free(st);
  /* With the BIOS area described, the ISA range merges into it: the kernel
   * printing a separate [0xa0000-0xfffff] is then a mismatch. */
  struct pvh_mem_region full[] = {
      {0, 0x9fc00, PVH_MEM_RAM}, {0x9fc00, 0x60400, PVH_MEM_RESERVED}, {0x100000, 0x1ff00000, PVH_MEM_RAM}};
  ex.memmap = full;
  ex.nr_memmap = 3;
  st = run_log(&ex, log_isa, strlen(log_isa), 7);
  assert_int_equal(state_of(st, PVHLINUX_ST_E820), PVHLINUX_MISMATCH);
  pvhlinux_stages_free(st);
}

static void test_expected_e820(void **state) {
  (void)state;
  struct pvhlinux_e820 out[8];
  const struct pvh_mem_region overlap[] = {{0, 0x2000, 1}, {0x1000, 0x1000, 2}};
  assert_int_equal(pvhlinux_expected_e820(overlap, 2, out, 8), 0);
  const struct pvh_mem_region gap[] = {{0x3000, 0x1000, 1}, {0, 0x1000, 1}, {0x1000, 0, 2}};
  assert_int_equal(pvhlinux_expected_e820(gap, 3, out, 8), 2); /* a gap is not merged; size 0 dropped */
  assert_int_equal(out[0].end, 0xfff);
  assert_int_equal(out[1].start, 0x3000);
  const struct pvh_mem_region top[] = {{0xfffffffffffff000ull, 0x1000, 1}};
  assert_int_equal(pvhlinux_expected_e820(top, 1, out, 8), 1);
  assert_int_equal(out[0].end, UINT64_MAX);
  const struct pvh_mem_region wrap[] = {{0xfffffffffffff000ull, 0x2000, 1}};
  assert_int_equal(pvhlinux_expected_e820(wrap, 1, out, 8), 0);
  assert_int_equal(pvhlinux_expected_e820(NULL, 0, out, 8), 0);
}

static void test_names(void **state) {
  (void)state;
  for (int i = 0; i < PVHLINUX_ST__COUNT; i++)
    assert_int_equal(pvhlinux_stage_parse(pvhlinux_stage_name((enum pvhlinux_stage)i)), i);
  assert_int_equal(pvhlinux_stage_parse("marker"), PVHLINUX_ST_MARKER);
  assert_int_equal(pvhlinux_stage_parse("nope"), -1);
  assert_int_equal(pvhlinux_stage_parse(NULL), -1);
}

int main(int argc, char **argv) {
  if (argc > 1)
    data_dir = argv[1];
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_full_boot_all_verified),
      cmocka_unit_test(test_chunking_invariant),
      cmocka_unit_test(test_cmdline_mismatch),
      cmocka_unit_test(test_e820_mismatch_and_merge),
      cmocka_unit_test(test_cmdline_32bit),
      cmocka_unit_test(test_ramdisk_checks),
      cmocka_unit_test(test_rsdp_checks),
      cmocka_unit_test(test_stuck_boot),
      cmocka_unit_test(test_synthetic_lines),
      cmocka_unit_test(test_our_loader_boot),
      cmocka_unit_test(test_i386_boot),
      cmocka_unit_test(test_long_line_and_controls),
      cmocka_unit_test(test_expected_e820),
      cmocka_unit_test(test_e820_linux_adds_isa),
      cmocka_unit_test(test_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
