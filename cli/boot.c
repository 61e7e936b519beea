/* SPDX-License-Identifier: MIT */
/* pvhcheck boot: load a kernel (default: the built-in self-test guest) into a
 * KVM VM, prove it reached the PVH entry with the loader's state, run it, and
 * report how the run ended. Exit 0 only for a proved entry and a run that
 * ended as asked (exit port 0, or --expect seen). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot_linux.h"
#include "cli.h"
#include "json.h"
#include "pvh/loader.h"
#include "pvh/memmap.h"
#include "pvhkvm/boot.h"
#include "pvhkvm/selftest.h"
#include "pvhlinux/stages.h"

#define DEFAULT_MEM (256ull << 20)
#define CMDLINE_BUF 8192

struct boot_args {
  const char *kernel, *initramfs, *cmdline, *expect;
  uint64_t mem;
  double timeout;
  int json, quiet, irqchip; /* irqchip: -1 = default for the kernel kind */
  /* Linux stage-check mode (--linux, implied by --until/--cpuid-mask/--no-acpi). */
  int linux_mode, until, acpi, mem_set, timeout_set;
  const char *cpuid_mask;
};

static void boot_help(FILE *out) {
  fprintf(out,
          "usage: pvhcheck boot [KERNEL] [--initramfs F] [--cmdline S] [--mem SIZE] [--timeout SECONDS]\n"
          "                     [--expect STRING] [--irqchip|--no-irqchip] [--quiet] [--json]\n"
          "       pvhcheck boot --linux VMLINUX [--until STAGE] [--cpuid-mask LIST] [--no-acpi]\n"
          "                     [--initramfs F] [--cmdline S] [--mem SIZE] [--timeout SECONDS] [--json]\n"
          "\n"
          "Boots KERNEL through the PVH entry under /dev/kvm. A hardware breakpoint at the entry\n"
          "proves the vCPU got there with RIP, EBX = start_info and every register, control register\n"
          "and segment exactly as the loader set them; then the kernel runs until it writes to the\n"
          "exit port 0xf4 (QEMU isa-debug-exit compatible), halts with interrupts off, shuts down,\n"
          "times out, or --expect is seen on the UART (0x3f8).\n"
          "Without KERNEL the built-in self-test guest boots: it checks the whole PVH handoff from\n"
          "inside (start_info, registers, GDT segments, memory map, command line, initramfs CRC,\n"
          "zeroed BSS) and exits 0 only when all hold.\n"
          "\n"
          "  --initramfs F      module 0 (for the self-test guest its CRC is checked)\n"
          "  --cmdline S        kernel command line (self-test: pvhtest.* tokens are appended)\n"
          "  --mem SIZE         guest RAM, default 256M (K/M/G suffixes)\n"
          "  --timeout SECONDS  wall-clock limit, default 10\n"
          "  --expect STRING    succeed when STRING appears on the console (stops the run)\n"
          "  --irqchip          in-kernel PIC/IOAPIC/LAPIC and PIT (default for KERNEL)\n"
          "  --no-irqchip       none (default for the self-test guest, so HLT exits)\n"
          "  --quiet            do not echo the guest console\n"
          "  --json             one JSON object on stdout (console included, not echoed)\n"
          "\n"
          "Linux stage check (--linux; implied by --until, --cpuid-mask, --no-acpi): boots an unmodified\n"
          "vmlinux with in-kernel irqchip + PIT, minimal ACPI tables (RSDP in start_info) and, unless\n"
          "--initramfs is given, a busybox initramfs built in memory whose /init prints a marker and\n"
          "powers off. Each stage is reported with guest and host time, and the kernel's own echo of\n"
          "our command line, e820 map, RAMDISK range and RSDP is checked against what we placed.\n"
          "  --until STAGE      entry banner cmdline e820 ramdisk acpi console init marker poweroff end\n"
          "                     (default marker): exit 0 only if every stage up to it was reached\n"
          "  --cpuid-mask LIST  CPUID features to hide, e.g. cx16,xsave\n"
          "  --no-acpi          no ACPI tables (rsdp_paddr 0: single CPU, legacy PIC)\n"
          "  defaults in this mode: --mem 512M, --timeout 120, console echoed on stderr\n"
          "\n"
          "exit status: 0 entry proved and run ended as asked, 1 check failed or kernel rejected,\n"
          "             2 usage error, 3 environment (no /dev/kvm, no permission, KVM unusable, I/O)\n");
}

static int parse(int argc, char **argv, struct boot_args *a) {
  static const struct option longopts[] = {
      {"initramfs", required_argument, NULL, 'i'}, {"cmdline", required_argument, NULL, 'c'},
      {"mem", required_argument, NULL, 'm'},       {"timeout", required_argument, NULL, 't'},
      {"expect", required_argument, NULL, 'e'},    {"json", no_argument, NULL, 'j'},
      {"quiet", no_argument, NULL, 'q'},           {"irqchip", no_argument, NULL, 'I'},
      {"no-irqchip", no_argument, NULL, 'N'},      {"help", no_argument, NULL, 'h'},
      {"linux", no_argument, NULL, 'L'},           {"until", required_argument, NULL, 'U'},
      {"cpuid-mask", required_argument, NULL, 'C'}, {"no-acpi", no_argument, NULL, 'A'},
      {NULL, 0, NULL, 0},
  };
  memset(a, 0, sizeof(*a));
  a->mem = DEFAULT_MEM;
  a->timeout = 10.0;
  a->irqchip = -1;
  a->until = PVHLINUX_ST_MARKER;
  a->acpi = 1;
  optind = 1;
  opterr = 0;
  int c;
  while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) { /* options may follow KERNEL */
    switch (c) {
    case 'i': a->initramfs = optarg; break;
    case 'c': a->cmdline = optarg; break;
    case 'e': a->expect = optarg; break;
    case 'j': a->json = 1; break;
    case 'q': a->quiet = 1; break;
    case 'I': a->irqchip = 1; break;
    case 'N': a->irqchip = 0; break;
    case 'L': a->linux_mode = 1; break;
    case 'U':
      if (boot_linux_until(optarg, &a->until) != 0)
        return PVHCLI_EXIT_USAGE;
      a->linux_mode = 1;
      break;
    case 'C': a->cpuid_mask = optarg; a->linux_mode = 1; break;
    case 'A': a->acpi = 0; a->linux_mode = 1; break;
    case 'm':
      if (cli_parse_size("--mem", optarg, &a->mem) != 0)
        return PVHCLI_EXIT_USAGE;
      a->mem_set = 1;
      break;
    case 't': {
      char *end;
      a->timeout = strtod(optarg, &end);
      if (*optarg == '\0' || *end != '\0' || !(a->timeout > 0) || a->timeout > 86400) {
        cli_usage_error("boot", "--timeout: '%s' is not a number of seconds in (0, 86400]", optarg);
        return PVHCLI_EXIT_USAGE;
      }
      a->timeout_set = 1;
      break;
    }
    case 'h': boot_help(stdout); return -1;
    default:
      cli_usage_error("boot", "unknown or incomplete option '%s'", argv[optind - 1]);
      return PVHCLI_EXIT_USAGE;
    }
  }
  if (optind < argc - 1) {
    cli_usage_error("boot", "at most one KERNEL expected");
    return PVHCLI_EXIT_USAGE;
  }
  if (optind == argc - 1)
    a->kernel = argv[optind];
  if (a->linux_mode && !a->kernel) {
    cli_usage_error("boot", "--linux needs a VMLINUX (tools/fetch-debian-kernel.sh fetches one)");
    return PVHCLI_EXIT_USAGE;
  }
  if (a->linux_mode && (a->expect || a->irqchip == 0)) {
    cli_usage_error("boot", "--expect and --no-irqchip do not apply to the Linux stage check");
    return PVHCLI_EXIT_USAGE;
  }
  return PVHCLI_EXIT_OK;
}

static int loader_says_ram(enum pvh_err e) {
  return e == PVH_E_SEG_NOT_RAM || e == PVH_E_LAYOUT_NOT_RAM || e == PVH_E_INITRAMFS_NO_ROOM;
}

static int verdict(const struct boot_args *a, const struct pvhkvm_boot_result *r) {
  if (r->status != PVHKVM_BOOT_RAN || !r->run.entry_proved)
    return 0;
  if (a->expect)
    return r->run.expect_seen;
  return r->run.end == PVHKVM_END_EXIT_PORT && r->run.exit_value == 0;
}

static void print_text(const struct boot_args *a, const char *name, const struct pvhkvm_boot_result *r, int ok) {
  const struct pvhkvm_run_result *run = &r->run;
  const struct pvh_load_report *rep = &r->report;
  if (!a->quiet && run->console_len && run->console[run->console_len - 1] != '\n')
    printf("\n");
  printf("pvhcheck boot: %s\n", name);
  printf("  loaded     ELF%d, %s note (%u-byte desc), entry 0x%llx, kernel [0x%llx, 0x%llx), start_info 0x%llx\n",
         rep->elf_class, pvh_note_source_name(rep->note.source), rep->note.desc_size,
         (unsigned long long)rep->note.entry, (unsigned long long)rep->kernel_start,
         (unsigned long long)rep->kernel_end, (unsigned long long)rep->start_info_paddr);
  if (run->entry_proved)
    printf("  entry      PROVED: breakpoint at RIP 0x%llx, EBX 0x%llx = start_info, KVM state == loader state "
           "(%.3f ms after KVM_RUN)\n",
           (unsigned long long)run->entry_rip, (unsigned long long)run->entry_rbx, run->entry_s * 1e3);
  else
    printf("  entry      NOT PROVED: %s\n", run->entry_why[0] ? run->entry_why : run->message);
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
  if (a->expect)
    printf("  expect     \"%s\" %s\n", a->expect, run->expect_seen ? "seen" : "NOT seen");
  printf("  timing     create %.3f ms, load %.3f ms, run %.3f ms, destroy %.3f ms\n", r->create_s * 1e3,
         r->load_s * 1e3, run->wall_s * 1e3, r->destroy_s * 1e3);
  printf("  result     %s\n", ok ? "PASS" : "FAIL");
}

static void print_json(const struct boot_args *a, const char *name, const struct pvhkvm_boot_result *r, int ok) {
  const struct pvhkvm_run_result *run = &r->run;
  struct json_writer w;
  json_init(&w, stdout);
  json_begin_object(&w);
  JSON_KV_STR(&w, "kernel", name);
  JSON_KV_BOOL(&w, "ok", ok);
  JSON_KV_STR(&w, "status", r->status == PVHKVM_BOOT_RAN        ? "ran"
                            : r->status == PVHKVM_BOOT_ENV      ? "environment"
                            : r->status == PVHKVM_BOOT_REJECTED ? "rejected"
                                                                : "setup-failed");
  if (r->status == PVHKVM_BOOT_REJECTED) {
    json_key(&w, "error");
    json_begin_object(&w);
    JSON_KV_STR(&w, "code", pvh_err_name(r->load_err.code));
    JSON_KV_STR(&w, "message", r->load_err.message);
    json_end_object(&w);
  } else if (r->status != PVHKVM_BOOT_RAN) {
    json_key(&w, "error");
    json_begin_object(&w);
    JSON_KV_STR(&w, "code", pvhkvm_err_name(r->kvm_err.kind));
    JSON_KV_STR(&w, "message", r->kvm_err.message);
    json_end_object(&w);
  }
  if (r->status == PVHKVM_BOOT_RAN) {
    JSON_KV_U64(&w, "elf_class", (uint64_t)r->report.elf_class);
    JSON_KV_STR(&w, "note_source", pvh_note_source_name(r->report.note.source));
    JSON_KV_HEX(&w, "entry", r->report.note.entry);
    JSON_KV_HEX(&w, "start_info", r->report.start_info_paddr);
    json_key(&w, "entry_proof");
    json_begin_object(&w);
    JSON_KV_BOOL(&w, "proved", run->entry_proved);
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
    if (run->end == PVHKVM_END_INTERNAL_ERROR)
      JSON_KV_U64(&w, "internal_suberror", run->internal_suberror);
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
    json_end_object(&w);
    if (a->expect) {
      JSON_KV_STR(&w, "expect", a->expect);
      JSON_KV_BOOL(&w, "expect_seen", run->expect_seen);
    }
    json_key(&w, "console");
    json_string_n(&w, run->console ? run->console : "", run->console_len);
    JSON_KV_BOOL(&w, "console_truncated", run->console_truncated);
  }
  json_end_object(&w);
  json_finish(&w);
}

int cmd_boot(int argc, char **argv) {
  struct boot_args a;
  int rc = parse(argc, argv, &a);
  if (rc != PVHCLI_EXIT_OK)
    return rc < 0 ? PVHCLI_EXIT_OK : rc;
  if (a.linux_mode) {
    struct boot_linux_args la = {
        .kernel = a.kernel, .initramfs = a.initramfs, .cmdline = a.cmdline, .cpuid_mask = a.cpuid_mask,
        .mem = a.mem_set ? a.mem : 512ull << 20, .timeout = a.timeout_set ? a.timeout : 0,
        .until = a.until, .acpi = a.acpi, .json = a.json, .quiet = a.quiet,
    };
    return boot_linux_run(&la);
  }

  struct pvh_image kernel, initrd;
  struct pvh_error perr;
  memset(&kernel, 0, sizeof(kernel));
  memset(&initrd, 0, sizeof(initrd));
  const char *name;
  if (a.kernel) {
    if (pvh_image_open(&kernel, a.kernel, &perr) != PVH_OK) {
      fprintf(stderr, "pvhcheck boot: %s: %s\n", a.kernel, perr.message);
      return PVHCLI_EXIT_ENV;
    }
    name = a.kernel;
  } else {
    size_t len;
    const uint8_t *g = pvhkvm_builtin_guest(&len);
    pvh_image_from_buffer(&kernel, g, len, "<built-in self-test guest>");
    name = "built-in self-test guest";
  }
  if (a.initramfs && pvh_image_open(&initrd, a.initramfs, &perr) != PVH_OK) {
    fprintf(stderr, "pvhcheck boot: %s: %s\n", a.initramfs, perr.message);
    pvh_image_close(&kernel);
    return PVHCLI_EXIT_ENV;
  }

  char *cmdline = NULL;
  const char *use_cmdline = a.cmdline;
  if (!a.kernel) { /* the self-test guest learns what to expect from the command line */
    cmdline = malloc(CMDLINE_BUF);
    if (!cmdline || pvhkvm_selftest_cmdline(cmdline, CMDLINE_BUF, a.cmdline ? a.cmdline : "console=ttyS0",
                                            a.initramfs ? &initrd : NULL) != 0) {
      fprintf(stderr, "pvhcheck boot: command line too long for the self-test guest\n");
      free(cmdline);
      pvh_image_close(&initrd);
      pvh_image_close(&kernel);
      return PVHCLI_EXIT_USAGE;
    }
    use_cmdline = cmdline;
  }

  /* Judge the inputs before asking for KVM, so a rejected kernel or a RAM
   * size that cannot work is reported as such on any host. The plan is made
   * against the same map the VM will have (pvh_memmap_standard). */
  struct pvh_mem_region map[8];
  size_t nmap = pvh_memmap_standard(a.mem, map, 8);
  if (nmap == 0 || (a.mem & 0xfff)) {
    fprintf(stderr, "pvhcheck boot: --mem %llu bytes: RAM too small or not a multiple of 4 KiB (minimum 1 MiB + 4 KiB)\n",
            (unsigned long long)a.mem);
    free(cmdline);
    pvh_image_close(&initrd);
    pvh_image_close(&kernel);
    return PVHCLI_EXIT_USAGE;
  }
  {
    struct pvh_load_config cfg;
    struct pvh_plan plan;
    pvh_load_config_init(&cfg);
    cfg.cmdline = use_cmdline;
    cfg.initramfs = a.initramfs ? &initrd : NULL;
    enum pvh_err e = pvh_plan_build(&kernel, map, nmap, &cfg, &plan, &perr);
    pvh_plan_free(&plan);
    if (e != PVH_OK) {
      fprintf(stderr, "pvhcheck boot: kernel rejected: %s: %s%s\n", pvh_err_name(perr.code), perr.message,
              loader_says_ram(perr.code) ? " (is --mem large enough?)" : "");
      boot_json_failure(a.json, name, "rejected", pvh_err_name(perr.code), perr.message);
      free(cmdline);
      pvh_image_close(&initrd);
      pvh_image_close(&kernel);
      return PVHCLI_EXIT_FAIL;
    }
  }

  struct pvhkvm_boot_opts o;
  pvhkvm_boot_opts_init(&o);
  o.vm.ram_size = a.mem;
  o.vm.irqchip = a.irqchip >= 0 ? a.irqchip : a.kernel != NULL;
  o.run.timeout_s = a.timeout;
  o.run.expect = a.expect;
  o.run.echo_fd = a.json || a.quiet ? -1 : STDOUT_FILENO;
  o.kernel = &kernel;
  o.initramfs = a.initramfs ? &initrd : NULL;
  o.cmdline = use_cmdline;
  if (o.run.echo_fd >= 0)
    fflush(stdout);

  struct pvhkvm_boot_result r;
  pvhkvm_boot(&o, &r);
  int ok = verdict(&a, &r);
  switch (r.status) {
  case PVHKVM_BOOT_ENV:
    fprintf(stderr, "pvhcheck boot: %s\n", r.kvm_err.message);
    rc = PVHCLI_EXIT_ENV;
    break;
  case PVHKVM_BOOT_SETUP:
    fprintf(stderr, "pvhcheck boot: %s\n", r.kvm_err.message);
    rc = r.kvm_err.kind == PVHKVM_E_INVALID ? PVHCLI_EXIT_USAGE : PVHCLI_EXIT_ENV;
    break;
  case PVHKVM_BOOT_REJECTED:
    fprintf(stderr, "pvhcheck boot: kernel rejected: %s: %s%s\n", pvh_err_name(r.load_err.code), r.load_err.message,
            loader_says_ram(r.load_err.code) ? " (is --mem large enough?)" : "");
    rc = PVHCLI_EXIT_FAIL;
    break;
  case PVHKVM_BOOT_RAN:
    rc = ok ? PVHCLI_EXIT_OK : PVHCLI_EXIT_FAIL;
    if (!a.json)
      print_text(&a, name, &r, ok);
    break;
  }
  if (a.json)
    print_json(&a, name, &r, ok);
  pvhkvm_boot_result_free(&r);
  free(cmdline);
  pvh_image_close(&initrd);
  pvh_image_close(&kernel);
  return rc;
}
