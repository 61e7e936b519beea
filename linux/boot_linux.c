/* SPDX-License-Identifier: MIT */
/* Real Linux under pvhkvm, stage by stage (see pvhlinux/boot_linux.h). The
 * boot itself is pvhkvm_boot; this file adds what a real kernel needs around
 * it (ACPI tables and the S5 port, CPUID masks, our initramfs) and reads the
 * console through the stage recognizer. After the run, while the VM is still
 * there, an emulation failure is reported with the guest's RIP and
 * instruction bytes, read through its own page tables. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pvhkvm/guest_layout.h"
#include "pvh/loader.h"
#include "pvhkvm/pvhkvm.h"
#include "pvhlinux/acpi.h"
#include "pvhlinux/boot_linux.h"
#include "pvhkvm/cpuid_features.h"
#include "pvhlinux/host_limits.h"
#include "pvhkvm/guestmem.h"
#include "pvhlinux/initramfs.h"

void pvhlinux_boot_opts_init(struct pvhlinux_boot_opts *o) {
  memset(o, 0, sizeof(*o));
  o->ram_size = PVHLINUX_DEFAULT_RAM;
  o->acpi = 1;
  o->until = PVHLINUX_ST_MARKER;
  o->timeout_s = 120;
  o->echo_fd = -1;
}

struct run_ctx {
  struct pvhkvm_vm *vm;
  struct pvhlinux_boot_result *r;
  const char *cmdline;
  const uint8_t *acpi; /* tables built for PVHKVM_GUEST_ACPI, or NULL */
  size_t acpi_len;
  int poweroff;                           /* the guest wrote S5 to the sleep control register */
  const struct pvhkvm_open_choices *open; /* the caller's choices, or NULL */
};

#define EFER_LMA (1ull << 10) /* long mode active: the instruction decodes as 64-bit */

/* A boot that could not be set up (bad option, tables): SETUP with the reason. */
static enum pvhkvm_boot_status setup_failed(struct pvhlinux_boot_result *r, enum pvhkvm_err_kind kind,
                                            const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static enum pvhkvm_boot_status setup_failed(struct pvhlinux_boot_result *r, enum pvhkvm_err_kind kind,
                                            const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  r->boot.kvm_err.kind = kind;
  vsnprintf(r->boot.kvm_err.message, sizeof(r->boot.kvm_err.message), fmt, ap);
  va_end(ap);
  return r->boot.status = PVHKVM_BOOT_SETUP;
}

static int on_console(void *ctx, const char *data, size_t len, uint64_t host_ns, uint64_t guest_tsc) {
  (void)guest_tsc;
  struct run_ctx *rc = ctx;
  pvhlinux_stages_feed(rc->r->stages, data, len, host_ns);
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

/* pvhkvm_boot's setup_vm hook: tables, the S5 port, and the recognizer with
 * the expectation from the plan (the map is the VM's own). */
static int setup_vm(void *ctx, struct pvhkvm_vm *vm, const struct pvh_plan *plan, struct pvhkvm_error *err) {
  struct run_ctx *rc = ctx;
  rc->vm = vm;
  if (rc->acpi) {
    uint8_t *h = pvhkvm_vm_host(vm, PVHKVM_GUEST_ACPI, rc->acpi_len);
    if (!h || pvhkvm_vm_add_pio(vm, PVHLINUX_ACPI_SLEEP_PORT, 2, on_sleep_port, rc)) {
      err->kind = PVHKVM_E_INVALID;
      snprintf(err->message, sizeof(err->message),
               "cannot place the ACPI tables at 0x%llx / the sleep port 0x%x",
               (unsigned long long)PVHKVM_GUEST_ACPI, PVHLINUX_ACPI_SLEEP_PORT);
      return -1;
    }
    memcpy(h, rc->acpi, rc->acpi_len);
  }
  /* The kernel must echo the map it was handed: the caller's, if chosen. */
  size_t nmap;
  const struct pvh_mem_region *map = pvhkvm_vm_memmap(vm, &nmap);
  if (rc->open && rc->open->memmap) {
    map = rc->open->memmap;
    nmap = rc->open->nr_memmap;
  }
  struct pvhlinux_expect ex;
  pvhlinux_expect_from_load(&ex, rc->cmdline, map, nmap, &plan->report);
  rc->r->stages = pvhlinux_stages_new(&ex);
  if (!rc->r->stages) {
    err->kind = PVHKVM_E_NOMEM;
    snprintf(err->message, sizeof(err->message), "out of memory for the stage recognizer");
    return -1;
  }
  return 0;
}

/* pvhkvm_boot's after_run hook: where the guest stopped, if it failed. A
 * shutdown is KVM's triple fault: the vCPU state still holds the faulting
 * instruction, so it is reported like an emulation failure. */
static void after_run(void *ctx, struct pvhkvm_vm *vm, const struct pvhkvm_run_result *run) {
  struct run_ctx *rc = ctx;
  struct pvhlinux_boot_result *r = rc->r;
  struct pvh_entry_state now;
  struct pvhkvm_error ke;
  if ((run->end == PVHKVM_END_INTERNAL_ERROR || run->end == PVHKVM_END_UNHANDLED ||
       run->end == PVHKVM_END_SHUTDOWN) &&
      pvhkvm_vcpu_get_state(vm, &now, &ke) == PVHKVM_OK) {
    r->have_state = 1;
    r->rip = now.rip;
    r->cr0 = now.cr0;
    r->cr3 = now.cr3;
    r->cr4 = now.cr4;
    r->efer = now.efer;
    /* Through the guest's own page tables in whichever mode it was in (a
     * 32-bit kernel stops in 2-level or PAE paging, a 64-bit one in long mode). */
    r->insn_len = pvhkvm_read_virt(pvhkvm_vm_phys_read, vm, pvhkvm_paging_of(&now), now.cr3, now.rip, r->insn,
                                   sizeof(r->insn));
    if (pvhkvm_paging_of(&now) == PVHKVM_PAGING_PAE)
      r->have_pdpte = pvhkvm_vm_phys_read(vm, now.cr3 & 0xffffffe0u, r->pdpte, sizeof(r->pdpte)) == 0;
  }
}

static const char *furthest_name(const struct pvhlinux_stages *st) {
  int f = pvhlinux_stages_furthest(st);
  return f >= 0 ? pvhlinux_stage_name((enum pvhlinux_stage)f) : "none";
}

/* The ENTRY and END stages from how pvhkvm's run went. */
static void judge_run(struct pvhlinux_boot_result *r, const struct run_ctx *rc) {
  const struct pvhkvm_run_result *run = &r->boot.run;
  uint64_t end_ns = (uint64_t)(run->wall_s * 1e9);
  pvhlinux_stages_finish(r->stages, end_ns);
  if (run->entry_checked)
    pvhlinux_stages_mark(
        r->stages, PVHLINUX_ST_ENTRY, run->entry_proved ? PVHLINUX_REACHED : PVHLINUX_MISMATCH,
        (uint64_t)(run->entry_s * 1e9), run->entry_proved ? pvhkvm_proof_summary(run) : run->entry_why);
  char d[PVHLINUX_DETAIL_MAX];
  const char *at = furthest_name(r->stages);
  enum pvhlinux_state s = PVHLINUX_MISMATCH;
  if (rc->poweroff) {
    s = PVHLINUX_REACHED;
    snprintf(d, sizeof(d), "ACPI S5 written to the sleep control port 0x%x", PVHLINUX_ACPI_SLEEP_PORT);
  } else if (run->end == PVHKVM_END_SHUTDOWN &&
             pvhlinux_stages_get(r->stages, PVHLINUX_ST_MARKER)->state != PVHLINUX_REACHED) {
    /* A triple fault before /init ran is a failure, not a reset: say where. */
    char hex[3 * sizeof(r->insn) + 1] = "unreadable";
    size_t k = 0;
    for (size_t i = 0; i < r->insn_len; i++)
      k += (size_t)snprintf(hex + k, sizeof(hex) - k, "%02x ", r->insn[i]);
    if (k)
      hex[k - 1] = '\0';
    if (r->have_state)
      snprintf(d, sizeof(d),
               "triple fault (KVM_EXIT_SHUTDOWN) after stage %s: RIP 0x%" PRIx64 " bytes [%s] CR0 0x%" PRIx64
               " CR3 0x%" PRIx64 " CR4 0x%" PRIx64 " EFER 0x%" PRIx64,
               at, r->rip, hex, r->cr0, r->cr3, r->cr4, r->efer);
    else
      snprintf(d, sizeof(d), "triple fault (KVM_EXIT_SHUTDOWN) after stage %s; vCPU state unreadable", at);
    if (r->have_state && r->have_pdpte) {
      size_t dl = strlen(d);
      snprintf(d + dl, sizeof(d) - dl, " PDPTE %" PRIx64 " %" PRIx64 " %" PRIx64 " %" PRIx64, r->pdpte[0],
               r->pdpte[1], r->pdpte[2], r->pdpte[3]);
    }
  } else if (run->end == PVHKVM_END_SYSTEM_EVENT || run->end == PVHKVM_END_SHUTDOWN) {
    s = PVHLINUX_REACHED; /* a reset is a clean end too, if not the one asked for */
    snprintf(d, sizeof(d), "%s (reset, not power-off) after stage %s", pvhkvm_end_name(run->end), at);
  } else if (run->end == PVHKVM_END_TIMEOUT) {
    s = PVHLINUX_NOT_REACHED;
    snprintf(d, sizeof(d), "timeout after stage %s", at);
  } else if (run->end == PVHKVM_END_INTERNAL_ERROR && r->insn_len) {
    char hex[3 * sizeof(r->insn) + 1];
    size_t k = 0;
    for (size_t i = 0; i < r->insn_len; i++)
      k += (size_t)snprintf(hex + k, sizeof(hex) - k, "%02x ", r->insn[i]);
    if (k)
      hex[k - 1] = '\0';
    /* Name the instruction and what this host is known not to do there. */
    /* Name the instruction (KVM's own bytes when it gave them, else the
     * page walk's) and what this host is known not to do there. */
    char why[200];
    if (run->fault_known && run->fault_insn_from_kvm && run->fault_insn_name[0])
      pvhlinux_host_explain_name(pvhkvm_host_kind(), run->fault_insn_name, why, sizeof(why));
    else
      pvhlinux_host_explain(pvhkvm_host_kind(), r->insn, r->insn_len, (r->efer & EFER_LMA) ? 64 : 32, why,
                            sizeof(why));
    snprintf(d, sizeof(d),
             "emulation failure (suberror %" PRIu32 ") at RIP 0x%" PRIx64 " bytes [%s]%s%s%s after stage %s",
             run->internal_suberror, r->rip, hex, why[0] ? " (" : "", why, why[0] ? ")" : "", at);
  } else {
    snprintf(d, sizeof(d), "%s after stage %s: %.180s", pvhkvm_end_name(run->end), at, run->message);
  }
  pvhlinux_stages_mark(r->stages, PVHLINUX_ST_END, s, end_ns, d);
}

enum pvhkvm_boot_status pvhlinux_boot(const struct pvhlinux_boot_opts *o, struct pvhlinux_boot_result *r) {
  memset(r, 0, sizeof(*r));
  struct pvh_image kernel, initrd;
  struct pvhlinux_cpio cpio;
  struct run_ctx rc = {
      .r = r, .cmdline = o->cmdline ? o->cmdline : PVHLINUX_DEFAULT_CMDLINE, .open = o->open};
  uint8_t acpi[PVHLINUX_ACPI_MAX_SIZE];
  memset(&kernel, 0, sizeof(kernel));
  memset(&initrd, 0, sizeof(initrd));
  pvhlinux_cpio_init(&cpio);

  if ((!o->kernel_path && !o->kernel_data) || o->until < 0 || o->until >= PVHLINUX_ST__COUNT)
    return setup_failed(r, PVHKVM_E_INVALID, "kernel path and a valid --until stage are required");
  struct pvhkvm_cpuid_mask masks[PVHKVM_CPUID_FEATURES_MAX];
  size_t nmasks = 0;
  char why[sizeof(r->boot.kvm_err.message)];
  if (pvhkvm_cpuid_masks_parse(o->cpuid_mask, masks, PVHKVM_CPUID_FEATURES_MAX, &nmasks, why, sizeof(why)))
    return setup_failed(r, PVHKVM_E_INVALID, "%s", why);
  if (o->kernel_data) /* borrowed: closing this image leaves the caller's bytes alone */
    pvh_image_from_buffer(&kernel, o->kernel_data, o->kernel_size,
                          o->kernel_path ? o->kernel_path : "<kernel>");
  else if (pvh_image_open(&kernel, o->kernel_path, &r->boot.load_err) != PVH_OK) {
    r->boot.status = PVHKVM_BOOT_INPUT;
    goto out;
  }
  if (o->initramfs_path) {
    if (pvh_image_open(&initrd, o->initramfs_path, &r->boot.load_err) != PVH_OK) {
      r->boot.status = PVHKVM_BOOT_INPUT;
      goto out;
    }
  } else {
    /* The kernel's class picks the busybox; its identification is all that
     * is read here (a read failure leaves the class unknown, and the load
     * reports the I/O error). A run that stops before /init needs none. */
    uint8_t id[16] = {0};
    size_t idn = kernel.size < sizeof(id) ? (size_t)kernel.size : sizeof(id);
    int kclass = pvh_image_read(&kernel, 0, idn, id, NULL) == PVH_OK ? pvhlinux_elf_class(id, idn) : 0;
    struct pvhlinux_initramfs_opts io = {.busybox_path = o->busybox_path,
                                         .marker = NULL,
                                         .kernel_elf_class = kclass,
                                         .no_userland = o->until < PVHLINUX_ST_INIT};
    if (pvhlinux_initramfs_build(&io, &cpio, &r->boot.load_err)) {
      r->boot.status = PVHKVM_BOOT_INPUT;
      goto out;
    }
    pvh_image_from_buffer(&initrd, cpio.data, cpio.len, "<pvhcheck initramfs>");
  }

  struct pvhkvm_boot_opts bo;
  pvhkvm_boot_opts_init(&bo);
  if (o->acpi) {
    /* Built before the VM exists so the plan (made first) knows the RSDP;
     * setup_vm copies the tables into the VM. */
    struct pvhlinux_acpi_layout al;
    memset(acpi, 0, sizeof(acpi));
    if (pvhlinux_acpi_build(NULL, PVHKVM_GUEST_ACPI, acpi, sizeof(acpi), &al)) {
      setup_failed(r, PVHKVM_E_INVALID, "cannot build the ACPI tables");
      goto out;
    }
    rc.acpi = acpi;
    rc.acpi_len = al.total;
    bo.rsdp_paddr = al.rsdp;
  }
  bo.vm.dev_path = o->dev_path;
  bo.vm.ram_size = o->ram_size;
  bo.vm.irqchip = 1; /* a real kernel needs the PIC/IOAPIC/LAPIC and the PIT */
  bo.vm.cpuid_masks = masks;
  bo.vm.nr_cpuid_masks = nmasks;
  bo.kernel = &kernel;
  bo.initramfs = &initrd;
  bo.cmdline = rc.cmdline;
  bo.setup_vm = setup_vm;
  bo.setup_vm_ctx = &rc;
  bo.after_run = after_run;
  bo.after_run_ctx = &rc;
  bo.open = o->open;
  bo.run.timeout_s = o->timeout_s;
  bo.run.proof = o->proof;
  bo.run.echo_fd = o->echo_fd;
  bo.run.echo_fn = o->echo_fn;
  bo.run.echo_ctx = o->echo_ctx;
  bo.run.console_fn = on_console;
  bo.run.console_ctx = &rc;
  bo.run.console_cap = 256u << 10; /* --json carries the console; the recognizer sees all of it */
  if (pvhkvm_boot(&bo, &r->boot) == PVHKVM_BOOT_RAN) {
    judge_run(r, &rc);
    r->ok = pvhlinux_stages_ok(r->stages, (enum pvhlinux_stage)o->until);
  } else {
    pvhlinux_stages_free(r->stages);
    r->stages = NULL;
  }
out:
  pvh_image_close(&kernel);
  pvh_image_close(&initrd);
  pvhlinux_cpio_free(&cpio);
  return r->boot.status;
}

void pvhlinux_boot_result_free(struct pvhlinux_boot_result *r) {
  if (!r)
    return;
  pvhlinux_stages_free(r->stages);
  r->stages = NULL;
  pvhkvm_boot_result_free(&r->boot);
}

void pvhlinux_boot_print(const struct pvhlinux_boot_result *r, int until, FILE *out) {
  const struct pvh_load_report *rep = &r->boot.report;
  fprintf(out, "pvhkvm: initramfs 0x%" PRIx64 "+%" PRIu64 ", rsdp 0x%" PRIx64 ", %.3f s wall, end %s\n",
          rep->initramfs_paddr, rep->initramfs_size, rep->rsdp_paddr, r->boot.run.wall_s,
          pvhkvm_end_name(r->boot.run.end));
  pvhlinux_stages_print_verdict(r->stages, until, out);
}
