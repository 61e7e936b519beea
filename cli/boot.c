/* SPDX-License-Identifier: MIT */
/* pvhcheck boot: load a kernel (default: the built-in self-test guest) into a
 * KVM VM, prove it reached the PVH entry with the loader's state, run it, and
 * report how the run ended. Exit 0 only for a proved entry and a run that
 * ended as asked (exit port 0, or --expect seen). --linux hands over to
 * boot_linux.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot_cpuid.h"
#include "boot_linux.h"
#include "cli.h"
#include "json.h"
#include "kernel_file.h"
#include "opt.h"
#include "pvh/guest_layout.h"
#include "pvh/loader.h"
#include "pvhkvm/host.h"
#include "pvhkvm/insn.h"
#include "pvhkvm/boot.h"
#include "pvhkvm/selftest.h"
#include "pvhlinux/cpuid.h"

#define DEFAULT_MEM (256ull << 20)
#define DEFAULT_TIMEOUT 10.0
#define CMDLINE_BUF 8192

static const struct cli_help boot_help = {
    .usage = "pvhcheck boot [OPTIONS] [KERNEL]\n"
             "       pvhcheck boot --linux [OPTIONS] VMLINUX\n",
    .intro = "Boots KERNEL through the PVH entry under /dev/kvm. The entry proof (a hardware breakpoint\n"
             "at the entry, or where this KVM does not deliver one, a single step of the instruction there)\n"
             "shows the vCPU got there with RIP, EBX = start_info and every register, control register\n"
             "and segment exactly as the loader set them; then the kernel runs until it writes to the\n"
             "exit port 0xf4 (QEMU isa-debug-exit compatible), halts with interrupts off, shuts down,\n"
             "times out, or --expect is seen on the UART (0x3f8).\n"
             "Without KERNEL the built-in self-test guest boots: it checks the whole PVH handoff from\n"
             "inside (start_info, registers, GDT segments, memory map, command line, initramfs CRC,\n"
             "zeroed BSS) and exits 0 only when all hold.\n",
    .outro = "exit status: 0 entry proved and run ended as asked, 1 check failed or kernel rejected,\n"
             "             2 usage error, 3 environment (no /dev/kvm, no permission, KVM unusable, I/O;\n"
             "             --env-exit-code N makes a host without usable KVM exit N instead)\n",
};

static int parse_proof(const char *arg, void *dst) {
  enum pvhkvm_proof p;
  if (pvhkvm_proof_parse(arg, &p) != 0)
    return -1;
  *(int *)dst = (int)p;
  return 0;
}

static int parse(int argc, char **argv, struct boot_args *a) {
  memset(a, 0, sizeof(*a));
  a->irqchip = -1;
  a->until = -1;
  a->acpi = 1;
  a->env_exit = PVHCLI_EXIT_ENV;
  const struct cli_opt opts[] = {
      OPT_GROUP("Any kernel:"),
      OPT_STR("initramfs", "F", &a->initramfs, "module 0 (for the self-test guest its CRC is checked)"),
      OPT_STR("cmdline", "S", &a->cmdline, "kernel command line (self-test: pvhtest.* tokens are appended)"),
      OPT_SIZE("mem", "SIZE", &a->mem, "guest RAM, default 256M, 512M with --linux (K/M/G suffixes)"),
      OPT_SECONDS("timeout", "SECONDS", &a->timeout, "wall-clock limit, default 10, 120 with --linux"),
      OPT_FLAG("quiet", &a->quiet, 1, "do not echo the guest console"),
      OPT_FLAG("json", &a->json, 1, "one JSON object on stdout (console included, not echoed)"),
      OPT_INT("env-exit-code", "N", &a->env_exit,
              "exit N (e.g. 77 for a test skip) when KVM is not usable here"),
      OPT_STR("expect", "STRING", &a->expect, "succeed when STRING appears on the console (stops the run)"),
      OPT_FLAG("irqchip", &a->irqchip, 1, "in-kernel PIC/IOAPIC/LAPIC and PIT (default for KERNEL)"),
      OPT_FLAG("no-irqchip", &a->irqchip, 0, "none (default for the self-test guest, so HLT exits)"),
      OPT_CALL("proof", "METHOD", &a->proof, parse_proof,
               "entry proof: auto (default: breakpoint and single-step armed together; whichever\n"
               "                       this KVM delivers first proves it), hw-breakpoint, single-step"),
      OPT_GROUP(
          "Linux stage check (--linux; implied by --until, --no-acpi, and --cpuid-mask with a KERNEL): boots an\n"
          "unmodified vmlinux with in-kernel irqchip + PIT, minimal ACPI tables (RSDP in start_info)\n"
          "and, unless --initramfs is given, a busybox initramfs built in memory whose /init prints a\n"
          "marker and powers off. Each stage is reported with guest and host time, and the kernel's\n"
          "own echo of our command line, e820 map, RAMDISK range and RSDP is checked against what\n"
          "we placed. The console is echoed on stderr."),
      OPT_FLAG("linux", &a->linux_mode, 1, "the Linux stage check"),
      OPT_CALL("until", "STAGE", &a->until, pvhlinux_stage_opt,
               "entry banner cmdline e820 ramdisk acpi console init marker poweroff end\n"
               "                       (default marker): exit 0 only if every stage up to it was reached"),
      OPT_STR("cpuid-mask", "LIST", &a->cpuid_mask,
              "CPUID features to hide, e.g. cx16,xsave. Without KERNEL the self-test guest says whether\n"
              "                       the mask reached it (exit 1 if not); with a KERNEL that is checked\n"
              "                       first, and a KVM that does not apply CPUID to the guest exits 3"),
      OPT_STR("busybox", "PATH", &a->busybox,
              "static busybox for the built initramfs, default /bin/busybox (an i386 one for\n"
              "                       a 32-bit kernel: linux/fetch-i386.sh)"),
      OPT_FLAG("no-acpi", &a->acpi, 0, "no ACPI tables (rsdp_paddr 0: single CPU, legacy PIC)"),
      OPT_END(),
  };
  const char *pos[1];
  int npos;
  int rc = cli_parse("pvhcheck boot", opts, &boot_help, argc, argv, pos, 1, &npos);
  if (rc != 0)
    return rc;
  a->kernel = npos ? pos[0] : NULL;
  /* --cpuid-mask without KERNEL: the self-test guest checks the mask arrived. */
  a->linux_mode |= a->until >= 0 || (a->cpuid_mask && a->kernel) || !a->acpi || a->busybox;
  if (a->until < 0)
    a->until = PVHLINUX_ST_MARKER;
  if (a->env_exit < 0 || a->env_exit > 255)
    return cli_opt_error("pvhcheck boot", "--env-exit-code: %d is not an exit code (0..255)", a->env_exit);
  if (a->linux_mode && !a->kernel)
    return cli_opt_error("pvhcheck boot",
                         "--linux needs a VMLINUX (tools/fetch-debian-kernel.sh fetches one)");
  if (a->linux_mode && (a->expect || a->irqchip == 0))
    return cli_opt_error("pvhcheck boot", "--expect and --no-irqchip do not apply to the Linux stage check");
  if (!a->mem)
    a->mem = a->linux_mode ? PVHLINUX_DEFAULT_MEM : DEFAULT_MEM;
  if (a->mem > CLI_MEM_MAX)
    return cli_opt_error("pvhcheck boot", "--mem %llu is more than 64 TiB (x86-64 physical addresses)",
                         (unsigned long long)a->mem);
  /* An empty initramfs is a command-line mistake (both modes); a FIFO is
   * judged after it is read (cmd_boot). */
  struct stat st;
  if (a->initramfs && stat(a->initramfs, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
    return cli_opt_error("pvhcheck boot", "--initramfs %s is empty", a->initramfs);
  /* Judge the RAM size before anything else: a map that cannot work is a usage error. */
  struct pvh_mem_region map[PVH_MEMMAP_STANDARD_MAX];
  if (pvh_memmap_standard(a->mem, map, PVH_MEMMAP_STANDARD_MAX) == 0 || (a->mem & 0xfff))
    return cli_opt_error("pvhcheck boot",
                         "--mem %llu bytes: RAM too small or not a multiple of 4 KiB (minimum 1 MiB + 4 KiB)",
                         (unsigned long long)a->mem);
  return 0;
}

static int verdict(const struct boot_args *a, const struct pvhkvm_boot_result *r) {
  if (r->status != PVHKVM_BOOT_RAN || !r->run.entry_proved)
    return 0;
  if (a->expect)
    return r->run.expect_seen;
  return r->run.end == PVHKVM_END_EXIT_PORT && r->run.exit_value == 0;
}

static void print_text(const struct boot_args *a, const char *name, const struct pvhkvm_boot_result *r,
                       int ok, const char *unapplied, const struct cli_kernel *kf) {
  const struct pvhkvm_run_result *run = &r->run;
  const struct pvh_load_report *rep = &r->report;
  if (!a->quiet && run->console_len && run->console[run->console_len - 1] != '\n')
    printf("\n");
  printf("pvhcheck boot: %s\n", name);
  cli_kernel_boot_line(kf, stdout);
  printf(
      "  loaded     ELF%d, %s note (%u-byte desc), entry 0x%llx, kernel [0x%llx, 0x%llx), start_info 0x%llx\n",
      rep->elf_class, pvh_note_source_name(rep->note.source), rep->note.desc_size,
      (unsigned long long)rep->note.entry, (unsigned long long)rep->kernel_start,
      (unsigned long long)rep->kernel_end, (unsigned long long)rep->start_info_paddr);
  if (run->entry_proved && run->entry_method == PVHKVM_PROOF_SINGLE_STEP) {
    char hex[64];
    pvhkvm_insn_hex(run->entry_insn, run->entry_insn_len, hex, sizeof(hex));
    printf(
        "  entry      PROVED (single-step): one instruction from the entry 0x%llx (%s%s%s, %zu bytes) to RIP "
        "0x%llx, EBX 0x%llx = start_info, KVM state == loader state except what it writes (%.3f ms after "
        "KVM_RUN)\n",
        (unsigned long long)r->entry.rip, run->entry_insn_name, run->entry_insn_name[0] ? " " : "", hex,
        run->entry_insn_len, (unsigned long long)run->entry_rip, (unsigned long long)run->entry_rbx,
        run->entry_s * 1e3);
  } else if (run->entry_proved) {
    printf(
        "  entry      PROVED (hw-breakpoint): breakpoint at RIP 0x%llx, EBX 0x%llx = start_info, KVM state == "
        "loader state (%.3f ms after KVM_RUN)\n",
        (unsigned long long)run->entry_rip, (unsigned long long)run->entry_rbx, run->entry_s * 1e3);
  } else {
    printf("  entry      NOT PROVED (%s): %s\n", pvhkvm_proof_name(run->entry_method),
           run->entry_why[0] ? run->entry_why : run->message);
  }
  {
    enum pvhkvm_host_kind hk = pvhkvm_host_kind();
    const char *skips = pvhkvm_host_selftest_skips(hk);
    printf("  host       %s%s%s%s\n", pvhkvm_host_kind_name(hk),
           skips && !a->kernel ? " (self-test checks not run here: " : "", skips && !a->kernel ? skips : "",
           skips && !a->kernel ? ", see kvm/README.md)" : "");
  }
  printf("  run        %s: %s (%.3f ms wall)\n", pvhkvm_end_name(run->end), run->message, run->wall_s * 1e3);
  printf("  exits      %llu (port I/O %llu, MMIO %llu); unknown ports %llu", (unsigned long long)run->exits,
         (unsigned long long)run->pio_exits, (unsigned long long)run->mmio_exits,
         (unsigned long long)run->unknown_pio);
  if (run->unknown_pio)
    printf(" (first 0x%x)", run->first_unknown_port);
  printf(", unknown MMIO %llu", (unsigned long long)run->unknown_mmio);
  if (run->unknown_mmio)
    printf(" (first 0x%llx)", (unsigned long long)run->first_unknown_mmio);
  printf("\n  console    %llu bytes%s\n", (unsigned long long)run->console_total,
         run->console_truncated ? " (kept output truncated)" : "");
  if (run->debugcon_total)
    printf("  debugcon   %llu bytes on port 0xe9 (part of the console above)%s\n",
           (unsigned long long)run->debugcon_total,
           run->debugcon_truncated ? " (kept output truncated)" : "");
  if (a->cpuid_mask && unapplied[0])
    printf("  cpuid      --cpuid-mask %s: this KVM does not apply CPUID to the guest (it still sees %s)\n",
           a->cpuid_mask, unapplied);
  else if (a->cpuid_mask)
    printf("  cpuid      --cpuid-mask %s reached the guest (its CPUID reads as masked)\n", a->cpuid_mask);
  if (a->expect)
    printf("  expect     \"%s\" %s\n", a->expect, run->expect_seen ? "seen" : "NOT seen");
  if (r->destroy_deferred)
    printf(
        "  timing     create %.3f ms, load %.3f ms, run %.3f ms, destroy handed to KVM (%.3f ms; it finishes asynchronously)\n",
        r->create_s * 1e3, r->load_s * 1e3, run->wall_s * 1e3, r->destroy_s * 1e3);
  else
    printf("  timing     create %.3f ms, load %.3f ms, run %.3f ms, destroy %.3f ms\n", r->create_s * 1e3,
           r->load_s * 1e3, run->wall_s * 1e3, r->destroy_s * 1e3);
  printf("  result     %s\n", ok ? "PASS" : "FAIL");
}

static void print_json(const struct boot_args *a, const char *name, const struct pvhkvm_boot_result *r,
                       int ok, const char *unapplied, const struct cli_kernel *kf) {
  const struct pvhkvm_run_result *run = &r->run;
  struct json_writer w;
  json_init(&w, stdout);
  json_begin_object(&w);
  JSON_KV_STR(&w, "kernel", name);
  JSON_KV_BOOL(&w, "ok", ok);
  JSON_KV_STR(&w, "status", pvhkvm_boot_status_name(r->status));
  cli_kernel_json(&w, kf);
  if (r->status == PVHKVM_BOOT_RAN) {
    JSON_KV_STR(&w, "host", pvhkvm_host_kind_name(pvhkvm_host_kind()));
    JSON_KV_U64(&w, "elf_class", (uint64_t)r->report.elf_class);
    JSON_KV_STR(&w, "note_source", pvh_note_source_name(r->report.note.source));
    JSON_KV_HEX(&w, "entry", r->report.note.entry);
    JSON_KV_HEX(&w, "start_info", r->report.start_info_paddr);
    json_key(&w, "entry_proof");
    json_begin_object(&w);
    JSON_KV_BOOL(&w, "proved", run->entry_proved);
    JSON_KV_STR(&w, "method", pvhkvm_proof_name(run->entry_method));
    {
      char hex[64];
      JSON_KV_STR(&w, "entry_instruction",
                  pvhkvm_insn_hex(run->entry_insn, run->entry_insn_len, hex, sizeof(hex)));
      JSON_KV_U64(&w, "entry_instruction_len", run->entry_insn_len);
    }
    JSON_KV_HEX(&w, "rip", run->entry_rip);
    JSON_KV_HEX(&w, "rbx", run->entry_rbx);
    JSON_KV_STR(&w, "why", run->entry_why);
    json_key(&w, "ms");
    json_double(&w, run->entry_s * 1e3);
    json_end_object(&w);
    json_key(&w, "run");
    json_begin_object(&w);
    JSON_KV_STR(&w, "end", pvhkvm_end_name(run->end));
    JSON_KV_STR(&w, "message", run->message);
    if (run->end == PVHKVM_END_EXIT_PORT)
      JSON_KV_U64(&w, "exit_value", run->exit_value);
    if (run->end == PVHKVM_END_HLT)
      JSON_KV_BOOL(&w, "interrupts_on", run->hlt_if);
    if (run->end == PVHKVM_END_INTERNAL_ERROR) {
      JSON_KV_U64(&w, "internal_suberror", run->internal_suberror);
      if (run->fault_known) {
        char hex[64];
        json_key(&w, "stopped_at");
        json_begin_object(&w);
        JSON_KV_HEX(&w, "linear_rip", run->fault_rip);
        JSON_KV_STR(&w, "bytes", pvhkvm_insn_hex(run->fault_insn, run->fault_insn_len, hex, sizeof(hex)));
        JSON_KV_STR(&w, "bytes_from", run->fault_insn_from_kvm ? "kvm" : "page-walk");
        JSON_KV_STR(&w, "instruction", run->fault_insn_name);
        json_end_object(&w);
      }
    }
    JSON_KV_U64(&w, "exits", run->exits);
    JSON_KV_U64(&w, "pio_exits", run->pio_exits);
    JSON_KV_U64(&w, "mmio_exits", run->mmio_exits);
    JSON_KV_U64(&w, "unknown_pio", run->unknown_pio);
    JSON_KV_U64(&w, "unknown_mmio", run->unknown_mmio);
    json_key(&w, "wall_ms");
    json_double(&w, run->wall_s * 1e3);
    json_end_object(&w);
    json_key(&w, "timing_ms");
    json_begin_object(&w);
    json_key(&w, "create");
    json_double(&w, r->create_s * 1e3);
    json_key(&w, "load");
    json_double(&w, r->load_s * 1e3);
    json_key(&w, "run");
    json_double(&w, run->wall_s * 1e3);
    json_key(&w, "destroy");
    json_double(&w, r->destroy_s * 1e3);
    JSON_KV_BOOL(&w, "destroy_deferred", r->destroy_deferred);
    json_end_object(&w);
    if (a->cpuid_mask) {
      json_key(&w, "cpuid_mask");
      json_begin_object(&w);
      JSON_KV_STR(&w, "features", a->cpuid_mask);
      JSON_KV_BOOL(&w, "applied", unapplied[0] == 0);
      JSON_KV_STR(&w, "not_applied", unapplied);
      if (unapplied[0])
        JSON_KV_STR(&w, "why", "this KVM does not apply CPUID to the guest");
      json_end_object(&w);
    }
    if (a->expect) {
      JSON_KV_STR(&w, "expect", a->expect);
      JSON_KV_BOOL(&w, "expect_seen", run->expect_seen);
    }
    json_key(&w, "console");
    json_string_n(&w, run->console ? run->console : "", run->console_len);
    JSON_KV_BOOL(&w, "console_truncated", run->console_truncated);
    json_key(&w, "debugcon");
    json_string_n(&w, run->debugcon ? run->debugcon : "", run->debugcon_len);
    JSON_KV_U64(&w, "debugcon_bytes", run->debugcon_total);
  }
  json_end_object(&w);
  json_finish(&w);
}

int cmd_boot(int argc, char **argv) {
  struct boot_args a;
  int rc = parse(argc, argv, &a);
  if (rc != 0)
    return rc == CLI_PARSE_HELP ? PVHCLI_EXIT_OK : PVHCLI_EXIT_USAGE;
  if (a.linux_mode && a.cpuid_mask) {
    /* Say so now if the mask cannot reach the kernel on this KVM. */
    struct pvhkvm_boot_result pr;
    memset(&pr, 0, sizeof(pr));
    if (boot_cpuid_probe(&a, pr.kvm_err.message, sizeof(pr.kvm_err.message))) {
      struct cli_boot_out po = {.name = a.kernel, .json = a.json, .env_exit = a.env_exit};
      pr.status = PVHKVM_BOOT_ENV;
      pr.kvm_err.kind = PVHKVM_E_API;
      return cli_boot_failed(&po, &pr);
    }
  }
  if (a.linux_mode)
    return boot_linux_run(&a);

  struct pvh_image kernel, initrd;
  struct cli_kernel kf;
  struct pvhkvm_boot_result r;
  char *cmdline = NULL;
  memset(&kernel, 0, sizeof(kernel));
  memset(&kf, 0, sizeof(kf));
  memset(&initrd, 0, sizeof(initrd));
  memset(&r, 0, sizeof(r));
  struct cli_boot_out out = {
      .name = a.kernel ? a.kernel : "built-in self-test guest", .json = a.json, .env_exit = a.env_exit};
  if (a.kernel) {
    struct cli_kernel_error kerr;
    enum cli_kernel_status ks = cli_kernel_open(&kf, a.kernel, &kerr);
    if (ks != CLI_KERNEL_OK) {
      rc = cli_kernel_boot_failed(&out, ks, &kerr);
      goto out;
    }
    kernel = kf.image;
    memset(&kf.image, 0, sizeof(kf.image)); /* `kernel` owns what the file source holds now */
  } else {
    size_t len;
    const uint8_t *g = pvhkvm_builtin_guest(&len);
    pvh_image_from_buffer(&kernel, g, len, "<built-in self-test guest>");
  }
  if (a.initramfs && pvh_image_open(&initrd, a.initramfs, &r.load_err) != PVH_OK)
    goto input_failed;
  if (a.initramfs && initrd.size == 0) {
    rc = cli_opt_error("pvhcheck boot", "--initramfs %s is empty", a.initramfs);
    goto out;
  }

  const char *use_cmdline = a.cmdline;
  if (!a.kernel) { /* the self-test guest learns what to expect from the command line */
    cmdline = malloc(CMDLINE_BUF);
    if (!cmdline ||
        pvhkvm_selftest_cmdline_for_host(cmdline, CMDLINE_BUF, a.cmdline ? a.cmdline : "console=ttyS0",
                                         a.initramfs ? &initrd : NULL, pvhkvm_host_kind()) != 0) {
      rc = cli_opt_error("pvhcheck boot", "command line too long for the self-test guest");
      goto out;
    }
    use_cmdline = cmdline;
  }

  struct pvhkvm_boot_opts o;
  pvhkvm_boot_opts_init(&o);
  struct pvhkvm_cpuid_mask masks[PVHLINUX_CPUID_MAX_MASKS];
  size_t nmasks = 0;
  if (a.cpuid_mask) {
    char why[256];
    if (pvhlinux_cpuid_masks_parse(a.cpuid_mask, masks, PVHLINUX_CPUID_MAX_MASKS, &nmasks, why,
                                   sizeof(why))) {
      rc = cli_opt_error("pvhcheck boot", "--cpuid-mask: %s", why);
      goto out;
    }
    o.vm.cpuid_masks = masks;
    o.vm.nr_cpuid_masks = nmasks;
  }
  o.vm.ram_size = a.mem;
  o.vm.irqchip = a.irqchip >= 0 ? a.irqchip : a.kernel != NULL;
  o.run.timeout_s = a.timeout > 0 ? a.timeout : DEFAULT_TIMEOUT;
  o.run.expect = a.expect;
  o.run.proof = (enum pvhkvm_proof)a.proof;
  o.run.echo_fd = a.json || a.quiet ? -1 : STDOUT_FILENO;
  o.kernel = &kernel;
  o.initramfs = a.initramfs ? &initrd : NULL;
  o.cmdline = use_cmdline;
  if (o.run.echo_fd >= 0)
    fflush(stdout);
  /* The kernel is planned before KVM is asked for, so a rejection is
   * reported as such (exit 1) on any host. */
  if (pvhkvm_boot(&o, &r) != PVHKVM_BOOT_RAN) {
    cli_kernel_explain(&kf, &r.load_err);
    rc = cli_boot_failed(&out, &r);
    goto out;
  }
  int ok = verdict(&a, &r);
  char unapplied[256] = "";
  if (a.cpuid_mask && boot_cpuid_unapplied(a.cpuid_mask, r.run.console, unapplied, sizeof(unapplied)))
    ok = 0;
  if (a.json)
    print_json(&a, out.name, &r, ok, unapplied, &kf);
  else
    print_text(&a, out.name, &r, ok, unapplied, &kf);
  rc = cli_boot_exit(&out, &r, ok);
  goto out;
input_failed:
  r.status = PVHKVM_BOOT_INPUT;
  rc = cli_boot_failed(&out, &r);
out:
  pvhkvm_boot_result_free(&r);
  free(cmdline);
  pvh_image_close(&initrd);
  pvh_image_close(&kernel);
  cli_kernel_close(&kf);
  return rc;
}
