/* SPDX-License-Identifier: MIT */
/* Real Linux under pvhkvm, stage by stage (see pvhlinux/boot_linux.h). Uses
 * pvhkvm's step-by-step API rather than pvhkvm_boot so the VM is still there
 * after the run: an emulation failure is reported with the guest's RIP and
 * instruction bytes, read through its own page tables. Compile-tested on
 * hosts without a usable /dev/kvm (it skips there with the reason). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pvh/loader.h"
#include "pvhkvm/pvhkvm.h"
#include "pvhlinux/acpi.h"
#include "pvhlinux/boot_linux.h"
#include "pvhlinux/cpuid.h"
#include "pvhlinux/guestmem.h"
#include "pvhlinux/initramfs.h"

#define CR0_PG (1ull << 31)

void pvhlinux_boot_opts_init(struct pvhlinux_boot_opts *o) {
  memset(o, 0, sizeof(*o));
  o->ram_size = 512ull << 20;
  o->acpi = 1;
  o->until = PVHLINUX_ST_MARKER;
  o->timeout_s = 120;
  o->echo_fd = -1;
}

struct run_ctx {
  struct pvhkvm_vm *vm;
  struct pvhlinux_stages *st;
  int poweroff;          /* the guest wrote S5 to the sleep control register */
};

static int on_console(void *ctx, const char *data, size_t len, uint64_t host_ns, uint64_t guest_tsc) {
  (void)guest_tsc;
  struct run_ctx *rc = ctx;
  pvhlinux_stages_feed(rc->st, data, len, host_ns);
  return 0;
}

/* FADT sleep control (+0) and status (+1). Status reads 0; WAK_STS clears
 * written to it are ignored; S5 in the control register ends the run. */
static void on_sleep_port(void *ctx, uint16_t offset, int is_write, uint8_t *data, uint32_t size) {
  struct run_ctx *rc = ctx;
  if (!is_write) {
    memset(data, 0, size);
    return;
  }
  if (offset == 0 && size >= 1 && pvhlinux_acpi_is_poweroff(data[0])) {
    rc->poweroff = 1;
    pvhkvm_vm_request_stop(rc->vm);
  }
}

static int phys_read(void *ctx, uint64_t pa, void *dst, size_t len) {
  uint8_t *h = pvhkvm_vm_host(ctx, pa, len);
  if (!h) return -1;
  memcpy(dst, h, len);
  return 0;
}

static void furthest_name(const struct pvhlinux_stages *st, char *out, size_t cap) {
  int f = pvhlinux_stages_furthest(st);
  snprintf(out, cap, "%s", f >= 0 ? pvhlinux_stage_name((enum pvhlinux_stage)f) : "none");
}

/* The END stage from how pvhkvm's run ended. */
static void judge_end(struct pvhlinux_boot_result *r, const struct pvhkvm_run_result *run, struct run_ctx *rc,
                      uint64_t end_ns) {
  char d[PVHLINUX_DETAIL_MAX], at[32];
  furthest_name(rc->st, at, sizeof(at));
  enum pvhlinux_state s = PVHLINUX_MISMATCH;
  if (rc->poweroff) {
    s = PVHLINUX_REACHED;
    snprintf(d, sizeof(d), "ACPI S5 written to the sleep control port 0x%x", PVHLINUX_ACPI_SLEEP_PORT);
  } else if (run->end == PVHKVM_END_SYSTEM_EVENT || run->end == PVHKVM_END_SHUTDOWN) {
    s = PVHLINUX_REACHED; /* a reset is a clean end too, if not the one asked for */
    snprintf(d, sizeof(d), "%s (reset, not power-off) after stage %s", pvhkvm_end_name(run->end), at);
  } else if (run->end == PVHKVM_END_TIMEOUT) {
    s = PVHLINUX_NOT_REACHED;
    snprintf(d, sizeof(d), "timeout after stage %s", at);
  } else if (run->end == PVHKVM_END_INTERNAL_ERROR && r->insn_len) {
    char hex[3 * sizeof(r->insn) + 1];
    size_t k = 0;
    for (size_t i = 0; i < r->insn_len; i++) k += (size_t)snprintf(hex + k, sizeof(hex) - k, "%02x ", r->insn[i]);
    if (k) hex[k - 1] = '\0';
    snprintf(d, sizeof(d), "emulation failure (suberror %" PRIu32 ") at RIP 0x%" PRIx64 " bytes [%s] after stage %s",
             run->internal_suberror, r->rip, hex, at);
  } else {
    snprintf(d, sizeof(d), "%s after stage %s: %.180s", pvhkvm_end_name(run->end), at, run->message);
  }
  pvhlinux_stages_mark(rc->st, PVHLINUX_ST_END, s, end_ns, d);
}

enum pvhlinux_boot_status pvhlinux_boot(const struct pvhlinux_boot_opts *o, struct pvhlinux_boot_result *r) {
  memset(r, 0, sizeof(*r));
  r->status = PVHLINUX_BOOT_ERROR;
  struct pvhkvm_error ke;
  struct pvh_error pe;
  struct pvh_image kernel, initrd;
  struct pvhlinux_cpio cpio;
  struct pvh_plan plan;
  struct pvhkvm_vm *vm = NULL;
  struct run_ctx rc = {0};
  memset(&kernel, 0, sizeof(kernel));
  memset(&initrd, 0, sizeof(initrd));
  pvhlinux_cpio_init(&cpio);
  pvh_plan_init(&plan);
  const char *cmdline = o->cmdline ? o->cmdline : PVHLINUX_DEFAULT_CMDLINE;

  if (!o->kernel_path || o->until < 0 || o->until >= PVHLINUX_ST__COUNT) {
    snprintf(r->why, sizeof(r->why), "kernel path and a valid --until stage are required");
    return r->status;
  }
  struct pvhkvm_cpuid_mask masks[PVHLINUX_CPUID_MAX_MASKS];
  size_t nmasks = 0;
  if (pvhlinux_cpuid_masks_parse(o->cpuid_mask, masks, PVHLINUX_CPUID_MAX_MASKS, &nmasks, r->why,
                                 sizeof(r->why)))
    return r->status;
  if (pvhkvm_probe(o->dev_path, &ke) != PVHKVM_OK) {
    r->status = pvhkvm_err_is_environment(ke.kind) ? PVHLINUX_BOOT_SKIP : PVHLINUX_BOOT_ERROR;
    snprintf(r->why, sizeof(r->why), "KVM not usable here (%s): %s", pvhkvm_err_name(ke.kind), ke.message);
    return r->status;
  }
  if (pvh_image_open(&kernel, o->kernel_path, &pe) != PVH_OK) {
    snprintf(r->why, sizeof(r->why), "%s", pe.message);
    goto out;
  }
  if (o->initramfs_path) {
    if (pvh_image_open(&initrd, o->initramfs_path, &pe) != PVH_OK) {
      snprintf(r->why, sizeof(r->why), "%s", pe.message);
      goto out;
    }
  } else {
    struct pvhlinux_initramfs_opts io = {.busybox_path = o->busybox_path, .marker = NULL};
    if (pvhlinux_initramfs_build(&io, &cpio, r->why, sizeof(r->why))) goto out;
    pvh_image_from_buffer(&initrd, cpio.data, cpio.len, "<pvhcheck initramfs>");
  }

  struct pvhkvm_vm_opts vo;
  pvhkvm_vm_opts_init(&vo);
  vo.dev_path = o->dev_path;
  vo.ram_size = o->ram_size;
  vo.irqchip = 1; /* a real kernel needs the PIC/IOAPIC/LAPIC and the PIT */
  vo.cpuid_masks = masks;
  vo.nr_cpuid_masks = nmasks;
  if (pvhkvm_vm_create(&vo, &vm, &ke) != PVHKVM_OK) {
    r->status = pvhkvm_err_is_environment(ke.kind) ? PVHLINUX_BOOT_SKIP : PVHLINUX_BOOT_ERROR;
    snprintf(r->why, sizeof(r->why), "VM creation: %s", ke.message);
    goto out;
  }
  rc.vm = vm;

  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  cfg.cmdline = cmdline;
  cfg.initramfs = &initrd;
  if (o->acpi) {
    /* In the RESERVED BIOS area of the standard map: backed, never RAM to the guest. */
    uint8_t *h = pvhkvm_vm_host(vm, PVHLINUX_ACPI_DEFAULT_GPA, PVHLINUX_ACPI_MAX_SIZE);
    struct pvhlinux_acpi_layout al;
    if (!h || pvhlinux_acpi_build(NULL, PVHLINUX_ACPI_DEFAULT_GPA, h, PVHLINUX_ACPI_MAX_SIZE, &al) ||
        pvhkvm_vm_add_pio(vm, PVHLINUX_ACPI_SLEEP_PORT, 2, on_sleep_port, &rc)) {
      snprintf(r->why, sizeof(r->why), "cannot place the ACPI tables / sleep port");
      goto out;
    }
    cfg.rsdp_paddr = al.rsdp;
  }
  size_t nmap;
  const struct pvh_mem_region *map = pvhkvm_vm_memmap(vm, &nmap);
  if (pvh_plan_build(&kernel, map, nmap, &cfg, &plan, &pe) != PVH_OK) {
    snprintf(r->why, sizeof(r->why), "loader rejected the kernel: %s", pe.message);
    goto out;
  }
  for (size_t i = 0; i < plan.nr_ops; i++) { /* as pvhkvm_boot: the loader must zero these */
    uint8_t *h = plan.ops[i].kind == PVH_W_BSS ? pvhkvm_vm_host(vm, plan.ops[i].gpa, plan.ops[i].len) : NULL;
    if (h) memset(h, 0xa5, plan.ops[i].len);
  }
  if (pvh_plan_commit(&plan, pvhkvm_vm_bus(vm), &pe) != PVH_OK) {
    snprintf(r->why, sizeof(r->why), "commit: %s", pe.message);
    goto out;
  }
  r->initramfs_paddr = plan.report.initramfs_paddr;
  r->initramfs_size = plan.report.initramfs_size;
  r->rsdp_paddr = plan.report.rsdp_paddr;

  struct pvhlinux_expect ex;
  pvhlinux_expect_from_load(&ex, cmdline, map, nmap, &plan.report);
  rc.st = pvhlinux_stages_new(&ex);
  if (!rc.st) {
    snprintf(r->why, sizeof(r->why), "out of memory");
    goto out;
  }
  if (pvhkvm_vcpu_set_entry(vm, &plan.entry, &ke) != PVHKVM_OK) {
    snprintf(r->why, sizeof(r->why), "setting the entry state: %s", ke.message);
    goto out;
  }

  struct pvhkvm_run_opts ro;
  pvhkvm_run_opts_init(&ro);
  ro.prove_entry = &plan.entry;
  ro.timeout_s = o->timeout_s;
  ro.echo_fd = o->echo_fd;
  ro.console_fn = on_console;
  ro.console_ctx = &rc;
  ro.console_cap = 4096; /* the recognizer keeps what matters */
  struct pvhkvm_run_result run;
  pvhkvm_run(vm, &ro, &run);
  uint64_t end_ns = (uint64_t)(run.wall_s * 1e9);
  pvhlinux_stages_finish(rc.st, end_ns);
  r->wall_s = run.wall_s;
  r->end = (int)run.end;
  snprintf(r->end_message, sizeof(r->end_message), "%s", run.message);

  if (run.entry_checked)
    pvhlinux_stages_mark(rc.st, PVHLINUX_ST_ENTRY, run.entry_proved ? PVHLINUX_REACHED : PVHLINUX_MISMATCH,
                         (uint64_t)(run.entry_s * 1e9),
                         run.entry_proved ? "breakpoint at the PVH entry, state equals the loader's" : run.entry_why);
  if (run.end == PVHKVM_END_INTERNAL_ERROR || run.end == PVHKVM_END_UNHANDLED) {
    struct pvh_entry_state now;
    if (pvhkvm_vcpu_get_state(vm, &now, &ke) == PVHKVM_OK) {
      r->rip = now.rip;
      r->cr3 = now.cr3;
      r->insn_len = pvhlinux_read_virt(phys_read, vm, (now.cr0 & CR0_PG) != 0, now.cr3, now.rip, r->insn,
                                       sizeof(r->insn));
    }
  }
  judge_end(r, &run, &rc, end_ns);
  pvhkvm_run_result_free(&run);
  r->stages = rc.st;
  rc.st = NULL;
  r->ok = pvhlinux_stages_ok(r->stages, (enum pvhlinux_stage)o->until);
  r->status = PVHLINUX_BOOT_RAN;
out:
  pvhlinux_stages_free(rc.st);
  pvh_plan_free(&plan);
  pvhkvm_vm_destroy(vm);
  pvh_image_close(&kernel);
  pvh_image_close(&initrd);
  pvhlinux_cpio_free(&cpio);
  return r->status;
}

void pvhlinux_boot_result_free(struct pvhlinux_boot_result *r) {
  if (!r) return;
  pvhlinux_stages_free(r->stages);
  r->stages = NULL;
}

void pvhlinux_boot_print(const struct pvhlinux_boot_result *r, int until, FILE *out) {
  if (r->status != PVHLINUX_BOOT_RAN) {
    fprintf(out, "%s: %s\n", r->status == PVHLINUX_BOOT_SKIP ? "skipped" : "error", r->why);
    return;
  }
  fprintf(out, "pvhkvm: initramfs 0x%" PRIx64 "+%" PRIu64 ", rsdp 0x%" PRIx64 ", %.3f s wall, end %s\n",
          r->initramfs_paddr, r->initramfs_size, r->rsdp_paddr, r->wall_s, pvhkvm_end_name((enum pvhkvm_end)r->end));
  pvhlinux_stages_print(r->stages, out);
  int f = pvhlinux_stages_furthest(r->stages);
  fprintf(out, "furthest: %s; until %s: %s\n", f >= 0 ? pvhlinux_stage_name((enum pvhlinux_stage)f) : "none",
          pvhlinux_stage_name((enum pvhlinux_stage)until), r->ok ? "reached" : "NOT reached");
  if (!r->ok) fprintf(out, "last console line: %s\n", pvhlinux_stages_last_line(r->stages));
}
