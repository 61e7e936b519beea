/* SPDX-License-Identifier: MIT */
/* fuzz_bzimage: the bzImage reader (pvhbz) on fuzzed files. The input is the
 * whole file: setup header, payload bounds, the compressed stream and its
 * size trailer are all hostile. Seeds (corpus/fuzz_bzimage/, made by
 * fuzz/scripts/gen-bzimage-seeds.sh) hold one bzImage per compression
 * method around a small PVH kernel.
 *
 * Oracles (oracle_bzimage.c): the parse agrees with the bytes; the declared
 * size is enforced (a limit before decompression; exactly that many bytes
 * out, or an error naming both numbers; the same stream into one byte less
 * and one more must say "larger" and "smaller"); no decode writes past its
 * bound (a guard after the buffer, and ASan). A vmlinux that came out goes
 * through libpvh as a memory image, as pvhcheck does. The seeds' vmlinux
 * equals a reference extraction by the compressor's own CLI: checked by the
 * fuzz_bzimage_reference test (fuzz/scripts/bzimage-reference.sh). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"
#include "oracle_bzimage.h"
#include "pvh/guest_layout.h"
#include "pvh/loader.h"

/* Declared sizes above this are refused (and checked to be) without
 * decompressing: the fuzzer then spends its time on streams, not on
 * allocating the library's full 1 GiB limit. */
#define FUZZ_VMLINUX_LIMIT (1u << 20)

static void load(const uint8_t *vm, size_t len) {
  struct pvh_mem_region map[PVH_MEMMAP_STANDARD_MAX];
  size_t nmap = pvh_memmap_standard(256ull << 20, map, PVH_MEMMAP_STANDARD_MAX);
  struct pvh_image img;
  pvh_image_from_buffer(&img, vm, len, "fuzz_bzimage vmlinux");
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  struct pvh_rec_bus bus;
  pvh_rec_bus_init(&bus, map, nmap, 0);
  bus.skip_hash = 1;
  struct pvh_plan plan;
  struct pvh_error err;
  pvh_load(&img, &cfg, &bus.bus, &plan, &err);
  pvh_plan_free(&plan);
  pvh_rec_bus_free(&bus);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct pvhbz_header h;
  struct pvhbz_error err;
  memset(&err, 0, sizeof(err));
  enum pvhbz_err rc = pvhbz_parse(data, size, &h, &err);
  oracle_check_bz_parse(data, size, rc, &h, &err);
  if (rc != PVHBZ_OK)
    return 0;
  size_t len;
  uint8_t *vm = oracle_check_bz_decompress(data, size, &h, FUZZ_VMLINUX_LIMIT, &len);
  if (vm)
    load(vm, len);
  free(vm);
  return 0;
}
