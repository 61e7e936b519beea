/* SPDX-License-Identifier: MIT */
/* fuzz_plan_bare: the loader's own cost per input and nothing else. It calls
 * pvh_plan_build once with fuzz_load's memory map and config, checks nothing
 * and writes nothing. bench-fuzz.sh prints fuzz_load's rate as a fraction of
 * this one: what fuzz_load adds (commit to the recording bus, oracles, the
 * libelf differential) is the gap. */
#include <stddef.h>
#include <stdint.h>

#include "pvh/loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct pvh_mem_region map[] = {
    {0x100000000ull, 0x40000000ull, PVH_MEM_RAM},     {0x0, 0x9fc00, PVH_MEM_RAM},
    {0x9fc00, 0x100000 - 0x9fc00, PVH_MEM_RESERVED},  {0x100000, 0xc0000000ull - 0x100000, PVH_MEM_RAM},
    {0xc0000000ull, 0x40000000ull, PVH_MEM_RESERVED},
};

#define INITRAMFS_SIZE 4219u
static uint8_t initramfs_bytes[INITRAMFS_SIZE];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static struct pvh_image initramfs;
  static struct pvh_load_config cfg;
  static int ready;
  if (!ready) {
    pvh_image_from_buffer(&initramfs, initramfs_bytes, INITRAMFS_SIZE, "initramfs");
    pvh_load_config_init(&cfg);
    cfg.cmdline = "console=ttyS0 earlyprintk=serial reboot=k panic=-1 root=/dev/vda rw";
    cfg.initramfs = &initramfs;
    cfg.rsdp_paddr = 0xf5a40;
    ready = 1;
  }
  struct pvh_image img;
  struct pvh_plan plan;
  struct pvh_error err;
  pvh_image_from_buffer(&img, data, size, "fuzz");
  pvh_plan_build(&img, map, sizeof(map) / sizeof(map[0]), &cfg, &plan, &err);
  pvh_plan_free(&plan);
  return 0;
}
