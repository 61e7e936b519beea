/* SPDX-License-Identifier: MIT */
/* The Debian kernel booted through OUR PVH path where /dev/kvm is missing:
 * libpvh loads kernel, initramfs, command line, memory map and start_info
 * into a flat bus over host memory, pvhlinux's ACPI tables go in as well
 * (rsdp_paddr in start_info), the entry state goes through
 * pvhkvm_state_to_kvm exactly as pvhkvm would hand it to KVM, and the
 * handoff firmware of tests/kvm/handoff (QEMU -bios, TCG) enters that state.
 * QEMU contributes only a CPU, RAM, PIC/PIT/IOAPIC and the UART; everything
 * the kernel reads about its boot is ours, so the stages that echo it
 * (command line, e820, RAMDISK, RSDP) are checked against the loader's report.
 *
 *   linux_handoff --fw FW --work DIR [--initramfs CPIO] [--cmdline S] [--mem 512M]
 *                 [--no-acpi] [--until STAGE] [--timeout S] [--icount N] [--json] [--echo] VMLINUX
 * Exit: 0 reached --until (default end) with nothing mismatched; 1 not;
 * 2 usage; 3 setup failed (loader, files, QEMU missing). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mailbox_fill.h"
#include "pvhutil/opt.h"
#include "pvhkvm/guest_layout.h"
#include "pvh/loader.h"
#include "pvhlinux/acpi.h"
#include "pvhlinux/boot_linux.h"
#include "pvhlinux/qemu.h"
#include "pvhlinux/stages.h"

#define MAX_RAM (2ull << 30) /* one slot below the 3 GiB hole keeps this simple */
#define SLEEP_EXIT_CODE 1    /* isa-debug-exit on the sleep registers: (0x80 << 1 | 1) & 0xff */

struct piece {
  const char *name;
  uint64_t addr, len;
};

static int dump(const char *dir, const struct piece *p, const uint8_t *ram, char *arg, size_t cap) {
  char path[900];
  snprintf(path, sizeof(path), "%s/%s.bin", dir, p->name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(ram + p->addr, 1, p->len, f) != p->len || fclose(f)) {
    perror(path);
    return -1;
  }
  int n = snprintf(arg, cap, "loader,file=%s,addr=0x%" PRIx64 ",force-raw=on", path, p->addr);
  return n > 0 && (size_t)n < cap ? 0 : -1;
}

int main(int argc, char **argv) {
  const char *fw = NULL, *kpath = NULL, *ipath = NULL, *work = NULL;
  const char *cmdline = PVHLINUX_DEFAULT_CMDLINE;
  uint64_t ram_size = 512ull << 20;
  int timer_gsi = 0, no_acpi = 0, json = 0, until = PVHLINUX_ST_END, icount = -1, echo = 0;
  double timeout = 240;
  const struct cli_opt opts[] = {
      OPT_GROUP("Options:"),
      OPT_STR("fw", "FW", &fw, "the handoff firmware (tests/kvm/handoff), required"),
      OPT_STR("work", "DIR", &work, "where the guest RAM pieces are written, required"),
      OPT_STR("initramfs", "CPIO", &ipath, "module 0"),
      OPT_STR("cmdline", "S", &cmdline, "default \"" PVHLINUX_DEFAULT_CMDLINE "\""),
      OPT_SIZE("mem", "SIZE", &ram_size, "guest RAM, 64M..2G, default 512M"),
      OPT_FLAG("no-acpi", &no_acpi, 1, "no ACPI tables"),
      OPT_CALL("until", "STAGE", &until, pvhlinux_stage_opt,
               "the stage the exit status is about, default end"),
      OPT_SECONDS("timeout", "S", &timeout, "default 240"),
      OPT_INT("icount", "N", &icount, "QEMU -icount shift (TCG), default off"),
      OPT_INT("timer-gsi", "N", &timer_gsi, "GSI of ISA IRQ 0 in the MADT, default 0 (no override)"),
      OPT_FLAG("json", &json, 1, "the stage table as JSON"),
      OPT_FLAG("echo", &echo, 1, "copy the console to stderr"),
      OPT_END(),
  };
  static const struct cli_help help = {
      .usage = "linux_handoff --fw FW --work DIR [OPTIONS] VMLINUX\n",
      .outro = "exit: 0 reached --until with nothing mismatched; 1 not; 2 usage; 3 setup failed\n"};
  int npos;
  int prc = cli_parse("linux_handoff", opts, &help, argc, argv, &kpath, 1, &npos);
  if (prc)
    return prc == CLI_PARSE_HELP ? 0 : 2;
  if (!fw || !kpath || !work || ram_size < (64ull << 20) || ram_size > MAX_RAM || timer_gsi < 0 ||
      timer_gsi > 255)
    return cli_opt_error("linux_handoff", "--fw, --work and VMLINUX are required; --mem in 64M..2G");
  int acpi = !no_acpi;

  struct pvh_image kernel, initrd;
  struct pvh_error err;
  memset(&initrd, 0, sizeof(initrd));
  if (pvh_image_open(&kernel, kpath, &err) != PVH_OK ||
      (ipath && pvh_image_open(&initrd, ipath, &err) != PVH_OK)) {
    fprintf(stderr, "linux_handoff: %s\n", err.message);
    return 3;
  }
  /* Lazily backed: only what the loader writes costs memory. */
  uint8_t *ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  struct pvh_mem_region map[PVH_MEMMAP_STANDARD_MAX];
  size_t nmap = pvh_memmap_standard(ram_size, map, PVH_MEMMAP_STANDARD_MAX);
  struct pvh_flat_bus fb;
  pvh_flat_bus_init(&fb, map, nmap);
  if (ram == MAP_FAILED || !nmap || pvh_flat_bus_add_slot(&fb, 0, ram_size, ram)) {
    fprintf(stderr, "linux_handoff: cannot set up %" PRIu64 " bytes of guest RAM\n", ram_size);
    return 3;
  }

  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  cfg.cmdline = cmdline;
  cfg.initramfs = ipath ? &initrd : NULL;
  struct pvhlinux_acpi_layout al;
  memset(&al, 0, sizeof(al));
  if (acpi) {
    struct pvhlinux_acpi_opts ao;
    pvhlinux_acpi_opts_init(&ao);
    ao.timer_gsi = (uint8_t)timer_gsi;
    if (pvhlinux_acpi_build(&ao, PVHKVM_GUEST_ACPI, ram + PVHKVM_GUEST_ACPI, PVHLINUX_ACPI_MAX_SIZE, &al)) {
      fprintf(stderr, "linux_handoff: ACPI build failed\n");
      return 3;
    }
    cfg.rsdp_paddr = al.rsdp;
  }
  struct pvh_plan plan;
  pvh_error_clear(&err);
  const char *why = handoff_load(&fb.bus, ram, &kernel, &cfg, &plan, &err);
  if (why) {
    fprintf(stderr, "linux_handoff: %s%s%s\n", err.code ? pvh_err_name(err.code) : "", err.code ? ": " : "",
            why);
    return 3;
  }

  const struct pvh_load_report *rep = &plan.report;
  struct piece pieces[4];
  size_t np = 0;
  pieces[np++] = (struct piece){"low", 0, PVH_LOW_RAM_END};
  if (acpi)
    pieces[np++] = (struct piece){"acpi", al.rsdp, al.total};
  pieces[np++] = (struct piece){"kernel", rep->kernel_start, rep->kernel_end - rep->kernel_start};
  if (rep->initramfs_size)
    pieces[np++] = (struct piece){"initrd", rep->initramfs_paddr, rep->initramfs_size};
  static char args[4][1200];
  const char *extra[16];
  size_t ne = 0;
  for (size_t i = 0; i < np; i++) {
    if (dump(work, &pieces[i], ram, args[i], sizeof(args[i])))
      return 3;
    extra[ne++] = "-device";
    extra[ne++] = args[i];
  }
  /* Power-off through our FADT's sleep registers ends QEMU; a debug-exit
   * device there stands in for the VMM's port handler. */
  extra[ne++] = "-device";
  extra[ne++] = "isa-debug-exit,iobase=0x600,iosize=2";
  extra[ne] = NULL;

  struct pvhlinux_expect ex;
  pvhlinux_expect_from_load(&ex, cmdline, map, nmap, rep);
  struct pvhlinux_stages *st = pvhlinux_stages_new(&ex);
  if (!st)
    return 3;
  pvhlinux_stages_mark(st, PVHLINUX_ST_ENTRY, PVHLINUX_NOT_CHECKED, 0,
                       "firmware handoff under QEMU: entry state proved by tests/kvm/handoff, not here");

  struct pvhlinux_qemu_opts qo;
  pvhlinux_qemu_opts_init(&qo);
  qo.bios = fw;
  qo.kernel = kpath;
  qo.cmdline = cmdline;
  qo.ram_size = ram_size;
  qo.timeout_s = timeout;
  qo.icount_shift = icount;
  qo.echo_fd = echo ? 2 : -1;
  /* Nothing of QEMU's own firmware interface: no ACPI tables, no RTC (our
   * FADT says there is none). */
  qo.machine = "microvm,acpi=off,pit=on,pic=on,rtc=on";
  qo.extra_args = extra;
  qo.clean_exit_code = acpi ? SLEEP_EXIT_CODE : 0;
  struct pvhlinux_qemu_result qr;
  if (pvhlinux_qemu_boot(&qo, st, &qr)) {
    fprintf(stderr, "linux_handoff: %s\n", qr.why);
    return 3;
  }
  int ok = pvhlinux_stages_ok(st, (enum pvhlinux_stage)until);
  if (json) {
    pvhlinux_stages_json(st, until, stdout);
  } else {
    printf("libpvh + pvhlinux ACPI, entered by the handoff firmware under QEMU microvm (TCG)\n"
           "kernel [0x%" PRIx64 ",0x%" PRIx64 ") entry 0x%" PRIx64 " initramfs 0x%" PRIx64 "+%" PRIu64
           " rsdp 0x%" PRIx64 "; %.3f s wall\n",
           rep->kernel_start, rep->kernel_end, rep->note.entry, rep->initramfs_paddr, rep->initramfs_size,
           rep->rsdp_paddr, qr.wall_s);
    pvhlinux_stages_print_verdict(st, until, stdout);
  }
  pvhlinux_stages_free(st);
  pvh_plan_free(&plan);
  munmap(ram, ram_size);
  pvh_image_close(&kernel);
  pvh_image_close(&initrd);
  return ok ? 0 : 1;
}
