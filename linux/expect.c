/* SPDX-License-Identifier: MIT */
/* What a kernel booted by our loader must echo: taken from the loader's own
 * report, so the check is against what was placed, not what was intended. */
#include "pvh/loader.h"
#include "pvhlinux/stages.h"

void pvhlinux_expect_from_load(struct pvhlinux_expect *ex, const char *cmdline,
                               const struct pvh_mem_region *map, size_t nr_map,
                               const struct pvh_load_report *rep) {
  pvhlinux_expect_init(ex);
  ex->cmdline = cmdline;
  ex->memmap = map;
  ex->nr_memmap = nr_map;
  ex->has_initramfs = rep->initramfs_size != 0;
  ex->check_initramfs_addr = 1;
  ex->initramfs_paddr = rep->initramfs_paddr;
  ex->initramfs_size = rep->initramfs_size;
  ex->check_rsdp = 1;
  ex->rsdp_paddr = rep->rsdp_paddr;
}
