/* SPDX-License-Identifier: MIT */
/* Out of memory at every allocation libpvh makes. The test binary is linked
 * with --wrap for malloc, calloc and realloc, so the library's calls come
 * here; while armed, the n-th one fails. Each scenario runs with n = 1, 2, ...
 * until it makes fewer than n allocations: every failure must end in
 * out-of-memory (or, for the recording bus, its write refused: bus-write-
 * failed with `failed` set), never a crash, and a failed plan leaves the
 * guest untouched. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "pvh/guest_layout.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);

static unsigned long calls, fail_at; /* fail_at 0: never */

static int should_fail(void) { return fail_at && ++calls == fail_at; }
void *__wrap_malloc(size_t n) { return should_fail() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return should_fail() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return should_fail() ? NULL : __real_realloc(p, n); }

static void arm(unsigned long n) {
  calls = 0;
  fail_at = n;
}
static int fired(void) { return calls >= fail_at; }
static void disarm(void) { fail_at = 0; }

#define RAM (8ull << 20)

/* One load: a file kernel (its bytes streamed at commit) with a command line
 * and an initramfs read from a pipe, through a recording bus that keeps the
 * bytes. Returns the code; *bus_failed: the bus's own allocation failed. */
static enum pvh_err load_once(const char *kpath, const uint8_t *initrd, size_t ilen, int *bus_failed) {
  struct pvh_mem_region map[PVH_MEMMAP_STANDARD_MAX];
  size_t n = pvh_memmap_standard(RAM, map, PVH_MEMMAP_STANDARD_MAX);
  struct pvh_image k, i;
  struct pvh_error err;
  const struct pvh_image_opts streams = {PVH_IMAGE_ALLOW_STREAMS, 0};
  int pv[2];
  assert_int_equal(pipe(pv), 0);
  assert_int_equal(write(pv[1], initrd, ilen), (ssize_t)ilen);
  close(pv[1]);
  enum pvh_err rc = pvh_image_open(&k, kpath, &err);
  if (rc == PVH_OK && (rc = pvh_image_from_fd(&i, pv[0], "initrd pipe", &streams, &err)) != PVH_OK)
    pvh_image_close(&k);
  close(pv[0]);
  *bus_failed = 0;
  if (rc != PVH_OK)
    return rc;
  struct pvh_rec_bus rb;
  pvh_rec_bus_init(&rb, map, n, 1);
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  cfg.cmdline = "console=ttyS0";
  cfg.initramfs = &i;
  struct pvh_plan plan;
  rc = pvh_load(&k, &cfg, &rb.bus, &plan, &err);
  if (rc != PVH_OK && rc != PVH_E_BUS)
    assert_int_equal(rb.nr_writes, 0); /* failed while planning: nothing written */
  *bus_failed = rb.failed;
  pvh_plan_free(&plan);
  pvh_rec_bus_free(&rb);
  pvh_image_close(&i);
  pvh_image_close(&k);
  return rc;
}

/* A kernel with a section table (parsed too) and `two` extra PT_LOADs with a
 * BSS (two writes each) and `one` without (one write each): enough segments
 * that their list grows, and as many writes that the plan's list of writes
 * grows while the boot data is added (at the GDT, start_info or initramfs). */
static void write_kernel(const char *path, unsigned two, unsigned one) {
  struct test_kernel k;
  tk_init(&k, 64);
  tk_add_sec(&k,
             (struct elfgen_sec){
                 .name = ".notes", .type = ELFGEN_SHT_NOTE, .align = 4, .size = k.notes.len, .seg_ref = 3});
  for (unsigned j = 0; j < two; j++)
    tk_add_seg(&k, ELFGEN_LOAD(0x500000 + j * 0x1000, 0x100, 0x1000, ELFGEN_PF_R));
  for (unsigned j = 0; j < one; j++)
    tk_add_seg(&k, ELFGEN_LOAD(0x600000 + j * 0x1000, 0x100, 0x100, ELFGEN_PF_R));
  tk_build(&k);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, k.img, k.len), (ssize_t)k.len);
  close(fd);
  tk_free(&k);
}

static void every_allocation_fails(void **s) {
  (void)s;
  char kpath[] = "/tmp/pvh-oom-XXXXXX";
  int fd = mkstemp(kpath);
  assert_true(fd >= 0);
  close(fd);
  static uint8_t initrd[4096];
  memset(initrd, 0x5a, sizeof(initrd));
  /* 3 + 2 * two + one kernel writes: 12, 13, 14, so that the 17th write (the
   * list grows from 16) is the initramfs, start_info, then the GDT. */
  static const unsigned shapes[][2] = {{1, 7}, {2, 6}, {2, 7}};
  for (size_t sh = 0; sh < sizeof(shapes) / sizeof(shapes[0]); sh++) {
    write_kernel(kpath, shapes[sh][0], shapes[sh][1]);
    int bus_failed;
    assert_int_equal(load_once(kpath, initrd, sizeof(initrd), &bus_failed), PVH_OK);
    unsigned nomem = 0, refused = 0;
    for (unsigned long n = 1;; n++) {
      arm(n);
      enum pvh_err rc = load_once(kpath, initrd, sizeof(initrd), &bus_failed);
      int hit = fired();
      disarm();
      if (!hit) {
        assert_int_equal(rc, PVH_OK);
        break;
      }
      if (rc == PVH_E_BUS) {
        assert_true(bus_failed); /* the recording bus could not record */
        refused++;
      } else {
        assert_int_equal(rc, PVH_E_NOMEM);
        nomem++;
      }
    }
    print_message("out of memory at each of %u allocations: %u out-of-memory, %u bus refusals\n",
                  nomem + refused, nomem, refused);
    assert_true(nomem > 10);
    assert_true(refused > 0);
  }
  unlink(kpath);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_allocation_fails),
  };
  return cmocka_run_group_tests_name("oom", tests, NULL, NULL);
}
