/* SPDX-License-Identifier: MIT */
/* Prepares a QEMU boot that reproduces, without /dev/kvm, what pvhkvm does:
 * libpvh loads the guest into a flat bus over host memory (BSS poisoned
 * first, as pvhkvm_boot does), the entry state goes through
 * pvhkvm_state_to_kvm into the KVM structures, and from those into the
 * mailbox of handoff_fw.S. Writes the RAM pieces and prints the QEMU
 * -device loader arguments, one per line.
 *
 *   handoff GUEST OUTDIR [--initrd FILE] [--badcrc] [--corrupt-gdt-ds]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailbox.h"
#include "pvh/loader.h"
#include "pvhkvm/kvm_state.h"
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

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: handoff GUEST OUTDIR [--initrd FILE] [--badcrc] [--corrupt-gdt-ds]\n");
    return 2;
  }
  const char *initrd_path = NULL;
  int badcrc = 0, corrupt_ds = 0;
  for (int i = 3; i < argc; i++) {
    if (!strcmp(argv[i], "--initrd") && i + 1 < argc)
      initrd_path = argv[++i];
    else if (!strcmp(argv[i], "--badcrc"))
      badcrc = 1;
    else if (!strcmp(argv[i], "--corrupt-gdt-ds"))
      corrupt_ds = 1;
    else
      return 2;
  }
  struct pvh_image kernel, initrd;
  struct pvh_error err;
  memset(&initrd, 0, sizeof(initrd));
  if (pvh_image_open(&kernel, argv[1], &err) != PVH_OK ||
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
  struct pvh_mem_region map[8];
  size_t n = pvh_memmap_standard(RAM_SIZE, map, 8);
  struct pvh_flat_bus fb;
  pvh_flat_bus_init(&fb, map, n);
  if (!ram || pvh_flat_bus_add_slot(&fb, 0, RAM_SIZE, ram) != 0)
    return 1;
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  cfg.cmdline = cmdline;
  cfg.initramfs = initrd_path ? &initrd : NULL;
  struct pvh_plan plan;
  if (pvh_plan_build(&kernel, map, n, &cfg, &plan, &err) != PVH_OK) {
    fprintf(stderr, "handoff: loader rejected the guest: %s\n", err.message);
    return 1;
  }
  for (size_t i = 0; i < plan.nr_ops; i++) /* as pvhkvm_boot: the loader must zero these */
    if (plan.ops[i].kind == PVH_W_BSS)
      memset(ram + plan.ops[i].gpa, 0xa5, plan.ops[i].len);
  if (pvh_plan_commit(&plan, &fb.bus, &err) != PVH_OK) {
    fprintf(stderr, "handoff: commit: %s\n", err.message);
    return 1;
  }

  /* The state pvhkvm would give KVM, in KVM's own structures. */
  struct kvm_regs regs;
  struct kvm_sregs sregs;
  memset(&regs, 0, sizeof(regs));
  memset(&sregs, 0, sizeof(sregs));
  pvhkvm_state_to_kvm(&plan.entry, &regs, &sregs);
  if (regs.rip > 0xffffffffu || sregs.gdt.base > 0xffffffffu || sregs.efer != 0) {
    fprintf(stderr, "handoff: entry state not representable by the firmware\n");
    return 1;
  }
  uint8_t *mb = ram + MB_ADDR;
  put16(mb + MB_GDT, sregs.gdt.limit);
  put32(mb + MB_GDT + 2, (uint32_t)sregs.gdt.base);
  put16(mb + MB_IDT, sregs.idt.limit);
  put32(mb + MB_IDT + 2, (uint32_t)sregs.idt.base);
  put32(mb + MB_EIP, (uint32_t)regs.rip);
  put32(mb + MB_EAX, (uint32_t)regs.rax);
  put32(mb + MB_EBX, (uint32_t)regs.rbx);
  put32(mb + MB_ECX, (uint32_t)regs.rcx);
  put32(mb + MB_EDX, (uint32_t)regs.rdx);
  put32(mb + MB_ESI, (uint32_t)regs.rsi);
  put32(mb + MB_EDI, (uint32_t)regs.rdi);
  put32(mb + MB_ESP, (uint32_t)regs.rsp);
  put32(mb + MB_EBP, (uint32_t)regs.rbp);
  put32(mb + MB_EFLAGS, (uint32_t)regs.rflags);
  put32(mb + MB_CR0, (uint32_t)sregs.cr0);
  put32(mb + MB_CR4, (uint32_t)sregs.cr4);
  put16(mb + MB_CS, sregs.cs.selector);
  put16(mb + MB_DS, sregs.ds.selector);
  put16(mb + MB_ES, sregs.es.selector);
  put16(mb + MB_FS, sregs.fs.selector);
  put16(mb + MB_GS, sregs.gs.selector);
  put16(mb + MB_SS, sregs.ss.selector);
  put16(mb + MB_TR, sregs.tr.selector);
  /* The boot data must not overlap the mailbox or the firmware's stack. */
  for (size_t i = 0; i < plan.nr_ops; i++)
    if (plan.ops[i].gpa < 0x8000 && plan.ops[i].gpa + plan.ops[i].len > MB_ADDR &&
        plan.ops[i].gpa < MB_ADDR + MB_SIZE) {
      fprintf(stderr, "handoff: boot data overlaps the mailbox\n");
      return 1;
    }
  if (corrupt_ds) {
    /* A GDT that disagrees with the state: DS limit in 4 KiB pages written
     * as if it were bytes (the classic mistake), 256 MiB instead of 4 GiB. */
    uint64_t d;
    uint8_t *p = ram + sregs.gdt.base + (sregs.ds.selector & ~7u);
    memcpy(&d, p, 8);
    d &= ~((0xffffull) | (0xfull << 48));
    d |= 0xffffull | (0x0ull << 48);
    memcpy(p, &d, 8);
  }

  const struct pvh_load_report *rep = &plan.report;
  int rc = dump(argv[2], "low", ram, 0, PVH_LOW_RAM_END);
  rc |= dump(argv[2], "kernel", ram, rep->kernel_start, rep->kernel_end - rep->kernel_start);
  if (rep->initramfs_size)
    rc |= dump(argv[2], "initrd", ram, rep->initramfs_paddr, rep->initramfs_size);
  fprintf(stderr, "handoff: entry 0x%llx start_info 0x%llx kernel [0x%llx,0x%llx) initrd 0x%llx+0x%llx\n",
          (unsigned long long)regs.rip, (unsigned long long)regs.rbx, (unsigned long long)rep->kernel_start,
          (unsigned long long)rep->kernel_end, (unsigned long long)rep->initramfs_paddr,
          (unsigned long long)rep->initramfs_size);
  pvh_plan_free(&plan);
  free(ram);
  pvh_image_close(&kernel);
  pvh_image_close(&initrd);
  return rc ? 1 : 0;
}
