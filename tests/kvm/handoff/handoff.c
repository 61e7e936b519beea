/* SPDX-License-Identifier: MIT */
/* Prepares a QEMU boot that reproduces, without /dev/kvm, what pvhkvm does:
 * libpvh loads the guest into a flat bus over host memory through
 * pvhkvm_load (BSS poisoned first, as every boot does), the entry state goes through
 * pvhkvm_state_to_kvm into the KVM structures, and from those into the
 * mailbox of handoff_fw.S. Writes the RAM pieces and prints the QEMU
 * -device loader arguments, one per line.
 *
 *   handoff [--initramfs FILE] [--badcrc] [--corrupt-gdt-ds] GUEST OUTDIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailbox_fill.h"
#include "pvhutil/opt.h"
#include "pvh/guest_layout.h"
#include "pvh/loader.h"
#include "pvhkvm/selftest.h"

#define RAM_SIZE (64ull << 20)

static int dump(const char *dir, const char *name, const uint8_t *ram, uint64_t addr, uint64_t len) {
  char path[512];
  snprintf(path, sizeof(path), "%s/%s.bin", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(ram + addr, 1, len, f) != len) {
    perror(path);
    if (f)
      fclose(f);
    return -1;
  }
  fclose(f);
  printf("-device\nloader,file=%s,addr=0x%llx,force-raw=on\n", path, (unsigned long long)addr);
  return 0;
}

int main(int argc, char **argv) {
  const char *initrd_path = NULL, *pos[2];
  int badcrc = 0, corrupt_ds = 0, npos;
  const struct cli_opt opts[] = {
      OPT_GROUP("Options:"),
      OPT_STR("initramfs", "FILE", &initrd_path, "module 0 (its CRC goes on the guest's command line)"),
      OPT_FLAG("badcrc", &badcrc, 1, "announce a wrong initramfs CRC: the guest must fail"),
      OPT_FLAG("corrupt-gdt-ds", &corrupt_ds, 1, "break the GDT's DS limit: the guest must fail"),
      OPT_END(),
  };
  static const struct cli_help help = {.usage = "handoff [OPTIONS] GUEST OUTDIR\n"};
  int prc = cli_parse("handoff", opts, &help, argc, argv, pos, 2, &npos);
  if (prc || npos != 2)
    return prc == CLI_PARSE_HELP ? 0 : 2;
  const char *guest = pos[0], *outdir = pos[1];
  struct pvh_image kernel, initrd;
  struct pvh_error err;
  memset(&initrd, 0, sizeof(initrd));
  if (pvh_image_open(&kernel, guest, &err) != PVH_OK ||
      (initrd_path && pvh_image_open(&initrd, initrd_path, &err) != PVH_OK)) {
    fprintf(stderr, "handoff: %s\n", err.message);
    return 1;
  }
  char cmdline[1024];
  if (pvhkvm_selftest_cmdline(cmdline, sizeof(cmdline), "console=ttyS0", initrd_path ? &initrd : NULL) != 0)
    return 1;
  if (badcrc) {
    char *p = strstr(cmdline, "initrd_crc=0x");
    if (!p)
      return 2;
    p += strlen("initrd_crc=0x");
    *p = *p == '0' ? '1' : '0';
  }

  uint8_t *ram = calloc(1, RAM_SIZE);
  struct pvh_mem_region map[PVH_MEMMAP_STANDARD_MAX];
  size_t n = pvh_memmap_standard(RAM_SIZE, map, PVH_MEMMAP_STANDARD_MAX);
  struct pvh_flat_bus fb;
  pvh_flat_bus_init(&fb, map, n);
  if (!ram || pvh_flat_bus_add_slot(&fb, 0, RAM_SIZE, ram) != 0)
    return 1;
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  cfg.cmdline = cmdline;
  cfg.initramfs = initrd_path ? &initrd : NULL;
  struct pvh_plan plan;
  pvh_error_clear(&err);
  const char *why = handoff_load(&fb.bus, ram, &kernel, &cfg, &plan, &err);
  if (why) {
    fprintf(stderr, "handoff: %s%s%s\n", err.code ? pvh_err_name(err.code) : "", err.code ? ": " : "", why);
    return 1;
  }
  if (corrupt_ds) {
    /* A GDT that disagrees with the state: DS limit in 4 KiB pages written
     * as if it were bytes (the classic mistake), 256 MiB instead of 4 GiB. */
    uint64_t d;
    uint8_t *p = ram + plan.entry.gdt.base + (plan.entry.ds.selector & ~7u);
    memcpy(&d, p, 8);
    d &= ~((0xffffull) | (0xfull << 48));
    d |= 0xffffull | (0x0ull << 48);
    memcpy(p, &d, 8);
  }

  const struct pvh_load_report *rep = &plan.report;
  int rc = dump(outdir, "low", ram, 0, PVH_LOW_RAM_END);
  rc |= dump(outdir, "kernel", ram, rep->kernel_start, rep->kernel_end - rep->kernel_start);
  if (rep->initramfs_size)
    rc |= dump(outdir, "initrd", ram, rep->initramfs_paddr, rep->initramfs_size);
  fprintf(stderr, "handoff: entry 0x%llx start_info 0x%llx kernel [0x%llx,0x%llx) initrd 0x%llx+0x%llx\n",
          (unsigned long long)plan.entry.rip, (unsigned long long)plan.entry.rbx,
          (unsigned long long)rep->kernel_start, (unsigned long long)rep->kernel_end,
          (unsigned long long)rep->initramfs_paddr, (unsigned long long)rep->initramfs_size);
  pvh_plan_free(&plan);
  free(ram);
  pvh_image_close(&kernel);
  pvh_image_close(&initrd);
  return rc ? 1 : 0;
}
