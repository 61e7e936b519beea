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
 *   linux_handoff --fw FW --kernel VMLINUX --work DIR [--initrd CPIO]
 *                 [--append CMDLINE] [--mem 512M] [--no-acpi] [--until STAGE]
 *                 [--timeout S] [--icount N] [--json] [--echo]
 * Exit: 0 reached --until (default end) with nothing mismatched; 1 not;
 * 2 usage; 3 setup failed (loader, files, QEMU missing). */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mailbox.h"
#include "pvh/loader.h"
#include "pvhkvm/kvm_state.h"
#include "pvhlinux/acpi.h"
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

static void put16(uint8_t *p, uint64_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint64_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }

/* The handoff firmware's mailbox, from the structures pvhkvm gives KVM. */
static int fill_mailbox(uint8_t *mb, const struct pvh_entry_state *st) {
  struct kvm_regs r;
  struct kvm_sregs s;
  memset(&r, 0, sizeof(r));
  memset(&s, 0, sizeof(s));
  pvhkvm_state_to_kvm(st, &r, &s);
  if (r.rip > 0xffffffffu || s.gdt.base > 0xffffffffu || s.idt.base > 0xffffffffu || s.efer)
    return -1;
  put16(mb + MB_GDT, s.gdt.limit);
  put32(mb + MB_GDT + 2, s.gdt.base);
  put16(mb + MB_IDT, s.idt.limit);
  put32(mb + MB_IDT + 2, s.idt.base);
  const struct { int off; uint64_t v; } r32[] = {
      {MB_EIP, r.rip}, {MB_EAX, r.rax}, {MB_EBX, r.rbx}, {MB_ECX, r.rcx}, {MB_EDX, r.rdx},
      {MB_ESI, r.rsi}, {MB_EDI, r.rdi}, {MB_ESP, r.rsp}, {MB_EBP, r.rbp}, {MB_EFLAGS, r.rflags},
      {MB_CR0, s.cr0}, {MB_CR4, s.cr4}};
  for (size_t i = 0; i < sizeof(r32) / sizeof(r32[0]); i++) put32(mb + r32[i].off, r32[i].v);
  const struct { int off; uint16_t v; } sel[] = {
      {MB_CS, s.cs.selector}, {MB_DS, s.ds.selector}, {MB_ES, s.es.selector}, {MB_FS, s.fs.selector},
      {MB_GS, s.gs.selector}, {MB_SS, s.ss.selector}, {MB_TR, s.tr.selector}};
  for (size_t i = 0; i < sizeof(sel) / sizeof(sel[0]); i++) put16(mb + sel[i].off, sel[i].v);
  return 0;
}

static int usage(void) {
  fprintf(stderr, "usage: linux_handoff --fw FW --kernel VMLINUX --work DIR [--initrd CPIO] [--append CMDLINE]\n"
                  "       [--mem 512M] [--no-acpi] [--until STAGE] [--timeout S] [--icount N] [--json] [--echo]\n");
  return 2;
}

int main(int argc, char **argv) {
  const char *fw = NULL, *kpath = NULL, *ipath = NULL, *work = NULL;
  const char *cmdline = "console=ttyS0 panic=-1";
  uint64_t ram_size = 512ull << 20;
  int timer_gsi = 0;
  int acpi = 1, json = 0, until = PVHLINUX_ST_END, icount = -1, echo = 0;
  double timeout = 240;
  static const struct option lo[] = {
      {"fw", required_argument, NULL, 'f'},      {"kernel", required_argument, NULL, 'k'},
      {"initrd", required_argument, NULL, 'i'},  {"work", required_argument, NULL, 'w'},
      {"append", required_argument, NULL, 'a'},  {"mem", required_argument, NULL, 'm'},
      {"no-acpi", no_argument, NULL, 'n'},       {"until", required_argument, NULL, 'u'},
      {"timeout", required_argument, NULL, 't'}, {"icount", required_argument, NULL, 'I'},
      {"json", no_argument, NULL, 'j'},          {"echo", no_argument, NULL, 'e'},
      {"timer-gsi", required_argument, NULL, 'g'},
      {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    switch (c) {
    case 'f': fw = optarg; break;
    case 'k': kpath = optarg; break;
    case 'i': ipath = optarg; break;
    case 'w': work = optarg; break;
    case 'a': cmdline = optarg; break;
    case 'm': if (pvh_parse_size(optarg, &ram_size)) return usage(); break;
    case 'n': acpi = 0; break;
    case 'u': if ((until = pvhlinux_stage_parse(optarg)) < 0) return usage(); break;
    case 't': timeout = atof(optarg); break;
    case 'I': icount = atoi(optarg); break;
    case 'j': json = 1; break;
    case 'e': echo = 1; break;
    case 'g': timer_gsi = atoi(optarg); break;
    default: return usage();
    }
  }
  if (!fw || !kpath || !work || optind != argc || ram_size < (64ull << 20) || ram_size > MAX_RAM)
    return usage();

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
  struct pvh_mem_region map[8];
  size_t nmap = pvh_memmap_standard(ram_size, map, 8);
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
    if (pvhlinux_acpi_build(&ao, PVHLINUX_ACPI_DEFAULT_GPA, ram + PVHLINUX_ACPI_DEFAULT_GPA,
                            PVHLINUX_ACPI_MAX_SIZE, &al)) {
      fprintf(stderr, "linux_handoff: ACPI build failed\n");
      return 3;
    }
    cfg.rsdp_paddr = al.rsdp;
  }
  struct pvh_plan plan;
  if (pvh_plan_build(&kernel, map, nmap, &cfg, &plan, &err) != PVH_OK) {
    fprintf(stderr, "linux_handoff: loader rejected the kernel: %s\n", err.message);
    return 3;
  }
  for (size_t i = 0; i < plan.nr_ops; i++) /* as pvhkvm_boot: the loader must zero these */
    if (plan.ops[i].kind == PVH_W_BSS) memset(ram + plan.ops[i].gpa, 0xa5, plan.ops[i].len);
  if (pvh_plan_commit(&plan, &fb.bus, &err) != PVH_OK) {
    fprintf(stderr, "linux_handoff: commit: %s\n", err.message);
    return 3;
  }
  /* Nothing of ours may sit under the mailbox or the firmware's few stack bytes. */
  for (size_t i = 0; i < plan.nr_ops; i++) {
    uint64_t a = plan.ops[i].gpa, e = a + plan.ops[i].len;
    if ((a < MB_ADDR + MB_SIZE && e > MB_ADDR) || (a < FW_STACK && e > FW_STACK - 16)) {
      fprintf(stderr, "linux_handoff: boot data at 0x%" PRIx64 " overlaps the firmware's mailbox/stack\n",
              plan.ops[i].gpa);
      return 3;
    }
  }
  if (fill_mailbox(ram + MB_ADDR, &plan.entry)) {
    fprintf(stderr, "linux_handoff: entry state not representable by the firmware\n");
    return 3;
  }

  const struct pvh_load_report *rep = &plan.report;
  struct piece pieces[4];
  size_t np = 0;
  pieces[np++] = (struct piece){"low", 0, PVH_LOW_RAM_END};
  if (acpi) pieces[np++] = (struct piece){"acpi", al.rsdp, al.total};
  pieces[np++] = (struct piece){"kernel", rep->kernel_start, rep->kernel_end - rep->kernel_start};
  if (rep->initramfs_size) pieces[np++] = (struct piece){"initrd", rep->initramfs_paddr, rep->initramfs_size};
  static char args[4][1200];
  const char *extra[16];
  size_t ne = 0;
  for (size_t i = 0; i < np; i++) {
    if (dump(work, &pieces[i], ram, args[i], sizeof(args[i]))) return 3;
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
  if (!st) return 3;
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
    pvhlinux_stages_print(st, stdout);
    int f = pvhlinux_stages_furthest(st);
    printf("furthest: %s; until %s: %s\n", f >= 0 ? pvhlinux_stage_name((enum pvhlinux_stage)f) : "none",
           pvhlinux_stage_name((enum pvhlinux_stage)until), ok ? "reached" : "NOT reached");
    if (!ok) printf("last console line: %s\n", pvhlinux_stages_last_line(st));
  }
  pvhlinux_stages_free(st);
  pvh_plan_free(&plan);
  munmap(ram, ram_size);
  pvh_image_close(&kernel);
  pvh_image_close(&initrd);
  return ok ? 0 : 1;
}
