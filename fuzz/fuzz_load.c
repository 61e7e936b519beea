/* SPDX-License-Identifier: MIT */
/* fuzz_load: the whole pipeline — parse, note search, segment plan, boot data,
 * validation, commit — on a fuzzed kernel image, with the fixed memory map,
 * command line and initramfs a small PC VMM would use. The recording bus
 * stands in for guest RAM and keeps every byte written, so the oracles can
 * read guest memory back.
 *
 * An accepted input is checked by the full set of guest-memory oracles and
 * against elfutils libelf; a rejected one must have left the bus untouched;
 * some inputs are loaded twice (determinism, see DETERMINISM_EVERY). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format_load.h"
#include "oracle.h"
#include "pvh/loader.h"

static const struct pvh_mem_region map[] = FORMAT_LOAD_MAP;
#define NR_MAP (sizeof(map) / sizeof(map[0]))

static const char cmdline[] = FORMAT_LOAD_CMDLINE;

/* Contents that can be told apart from zero-fill and from kernel bytes. */
#define INITRAMFS_SIZE FORMAT_LOAD_INITRAMFS_SIZE
static uint8_t initramfs_bytes[INITRAMFS_SIZE];
static struct pvh_image initramfs;
static struct pvh_load_config cfg;
static struct pvh_rec_bus bus, bus2;
/* PVH_FUZZ_VERBOSE=1: print each input's verdict (triage, checking seeds). */
static int verbose;
/* PVH_FUZZ_CHECK_ALL=1: the determinism check on every input (ctest's corpus
 * replays set it). */
static int check_all;

/* The determinism check loads the input a second time, with the error
 * message formatted, and compares everything: on every input it doubled the
 * cost; at 1 in 16 it was still 1/5 of what fuzz_load adds to the loader.
 * It runs on the first input of each process (so replaying a single file
 * always checks it) and then on one input in DETERMINISM_EVERY (every input
 * with PVH_FUZZ_CHECK_ALL). */
#define DETERMINISM_EVERY 32u

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  for (size_t i = 0; i < INITRAMFS_SIZE; i++)
    initramfs_bytes[i] = (uint8_t)(0xa5 ^ (i * 7));
  pvh_image_from_buffer(&initramfs, initramfs_bytes, INITRAMFS_SIZE, "initramfs");
  pvh_load_config_init(&cfg);
  cfg.cmdline = cmdline;
  cfg.initramfs = &initramfs;
  cfg.rsdp_paddr = FORMAT_LOAD_RSDP;
  pvh_rec_bus_init(&bus, map, NR_MAP, 1);
  pvh_rec_bus_init(&bus2, map, NR_MAP, 0);
  verbose = getenv("PVH_FUZZ_VERBOSE") != NULL;
  check_all = verbose || getenv("PVH_FUZZ_CHECK_ALL") != NULL;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static unsigned calls;
  struct pvh_image img;
  struct pvh_plan p1;
  struct pvh_error e1;

  if (!bus.bus.ops) /* engines that never call LLVMFuzzerInitialize */
    LLVMFuzzerInitialize(NULL, NULL);
  int twice = check_all || calls++ % DETERMINISM_EVERY == 0;
  pvh_image_from_buffer(&img, data, size, "fuzz");
  /* The oracles read guest memory from the kept bytes; the per-write hashes
   * only feed the determinism digest. The message is only formatted when
   * someone reads it (the second load checks it is there). */
  bus.skip_hash = !twice;
  enum pvh_err rc1 = pvh_load(&img, &cfg, &bus.bus, &p1, twice ? &e1 : NULL);

  if (rc1 == PVH_OK) {
    const struct oracle_load in = {data, size, map, NR_MAP, &cfg, initramfs_bytes, INITRAMFS_SIZE};
    oracle_check_accepted(&in, &p1, &bus);
  } else {
    oracle_check_rejected(rc1, twice ? &e1 : NULL, &p1, &bus);
    /* The map, command line and layout are fixed and valid: only the kernel
     * can be refused, never the configuration. */
    if (rc1 == PVH_E_MEMMAP_INVALID || rc1 == PVH_E_MEMMAP_TOO_MANY || rc1 == PVH_E_INVALID_ARG ||
        rc1 == PVH_E_CMDLINE_TOO_LONG)
      oracle_fail("config-refused", "a valid fixed configuration was refused: %s", pvh_err_name(rc1));
  }
  if (twice) {
    struct pvh_plan p2;
    struct pvh_error e2;
    enum pvh_err rc2 = pvh_load(&img, &cfg, &bus2.bus, &p2, &e2);
    oracle_check_same(rc1, &e1, &p1, &bus, rc2, &e2, &p2, &bus2);
    pvh_plan_free(&p2);
    pvh_rec_bus_reset(&bus2);
  }
  int compared = oracle_diff_libelf(data, size, rc1, &p1);
  if (verbose)
    fprintf(stderr, "fuzz_load: %s%s%s%s\n", pvh_err_name(rc1), rc1 ? ": " : "", rc1 ? e1.message : "",
            compared ? " (libelf agrees)" : "");

  pvh_plan_free(&p1);
  /* Free the kept bytes now, not at the next input: libFuzzer re-runs any
   * input whose mallocs and frees do not balance, looking for a leak. */
  pvh_rec_bus_reset(&bus);
  return 0;
}
