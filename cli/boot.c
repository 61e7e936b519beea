/* SPDX-License-Identifier: MIT */
/* pvhcheck boot: load a kernel (default: the built-in self-test guest) into a
 * KVM VM, prove it reached the PVH entry with the loader's state, run it, and
 * report how the run ended. Exit 0 only for a proved entry and a run that
 * ended as asked (exit port 0, or --expect seen). --linux hands over to
 * boot_linux_mode.c. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot_cpuid.h"
#include "boot.h"
#include "boot_json.h"
#include "cli.h"
#include "guard.h"
#include "kernel_file.h"
#include "json.h"
#include "out.h"
#include "pvhutil/opt.h"
#include "report.h"
#include "pvh/guest_layout.h"
#include "pvh/loader.h"
#include "pvhkvm/host.h"
#include "pvhkvm/insn.h"
#include "pvhkvm/boot.h"
#include "pvhkvm/selftest.h"
#include "pvhkvm/cpuid_features.h"
#include "pvhlinux/boot_linux.h"
#include "pvhlinux/host_limits.h"

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
    .outro =
        "--timeout S is counted in time the guest was given: wall-clock time minus the time the host\n"
        "kept the vCPU waiting for a CPU, so a busy host does not fail a valid guest. The whole command\n"
        "(input reading included) ends within S + 2 s of that time, with the verdict \"timeout\".\n"
        "Text output shows control bytes from the guest and from paths, command lines and --expect\n"
        "escaped (\\x1b, \\r); --raw-console passes the guest's console bytes as they are.\n"
        "exit status: 0 entry proved and run ended as asked, 1 check failed or kernel rejected,\n"
        "             2 usage error, 3 environment (no /dev/kvm, no permission, KVM unusable, I/O;\n"
        "             --env-exit-code N makes a host without usable KVM exit N instead),\n"
        "             4 interrupted (SIGINT or SIGTERM; the verdict is \"interrupted\")\n",
};

static int parse_proof(const char *arg, void *dst) {
  enum pvhkvm_proof p;
  if (pvhkvm_proof_parse(arg, &p) != 0)
    return -1;
  *(int *)dst = (int)p;
  return 0;
}

#define STAGE_NAME(id, name, what) name,
static const char *const stage_values[] = {PVHLINUX_STAGE_LIST(STAGE_NAME) NULL};
#undef STAGE_NAME

static int parse(int argc, char **argv, struct boot_args *a) {
  const char *proof_values[] = {pvhkvm_proof_name(PVHKVM_PROOF_AUTO),
                                pvhkvm_proof_name(PVHKVM_PROOF_HW_BREAKPOINT),
                                pvhkvm_proof_name(PVHKVM_PROOF_SINGLE_STEP), NULL};
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
      OPT_SECONDS("timeout", "SECONDS", &a->timeout,
                  "run-time limit (see below), default 10, 120 with --linux"),
      OPT_FLAG("quiet", &a->quiet, 1, "do not echo the guest console"),
      OPT_FLAG("raw-console", &a->raw_console, 1,
               "echo the guest console's bytes as they are, escape sequences included"),
      OPT_FLAG("json", &a->json, 1, "one JSON object on stdout (console included, not echoed)"),
      OPT_INT("env-exit-code", "N", &a->env_exit,
              "exit N (e.g. 77 for a test skip) when KVM is not usable here"),
      OPT_STR("expect", "STRING", &a->expect, "succeed when STRING appears on the console (stops the run)"),
      OPT_FLAG("irqchip", &a->irqchip, 1, "in-kernel PIC/IOAPIC/LAPIC and PIT (default for KERNEL)"),
      OPT_FLAG("no-irqchip", &a->irqchip, 0, "none (default for the self-test guest, so HLT exits)"),
      OPT_ENUM("proof", "METHOD", &a->proof, parse_proof, proof_values,
               "entry proof (default auto: breakpoint and single-step armed together; whichever\n"
               "                       this KVM delivers first proves it)"),
      OPT_GROUP(
          "Linux stage check (--linux; implied by --until, --no-acpi, and --cpuid-mask with a KERNEL): boots an\n"
          "unmodified vmlinux with in-kernel irqchip + PIT, minimal ACPI tables (RSDP in start_info)\n"
          "and, unless --initramfs is given, a busybox initramfs built in memory whose /init prints a\n"
          "marker and powers off. Each stage is reported with guest and host time, and the kernel's\n"
          "own echo of our command line, e820 map, RAMDISK range and RSDP is checked against what\n"
          "we placed. The console is echoed on stderr."),
      OPT_FLAG("linux", &a->linux_mode, 1, "the Linux stage check"),
      OPT_ENUM("until", "STAGE", &a->until, pvhlinux_stage_opt, stage_values,
               "the stage to reach (default marker): exit 0 only if every stage up to it was\n"
               "                       reached"),
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
  if (a->cpuid_mask) {
    /* A misspelt feature is a usage error, found before any file is opened. */
    struct pvhkvm_cpuid_mask masks[PVHKVM_CPUID_FEATURES_MAX];
    size_t n;
    char why[256];
    if (pvhkvm_cpuid_masks_parse(a->cpuid_mask, masks, PVHKVM_CPUID_FEATURES_MAX, &n, why, sizeof(why)))
      return cli_opt_error("pvhcheck boot", "--cpuid-mask: %s", why);
  }
  if (!a->mem)
    a->mem = a->linux_mode ? PVHLINUX_DEFAULT_RAM : DEFAULT_MEM;
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

/* The self-test guest prints this line; an installed copy (pvhtest-*.elf) is
 * recognised by it and gets the same command line as the built-in one (what
 * to expect, and the checks this host cannot run). */
#define SELFTEST_SIGNATURE "pvhtest: RESULT "
/* Every Linux kernel carries its banner ("Linux version 6.1.0-..."). */
#define LINUX_SIGNATURE "Linux version "
#define LINUX_HINT                                                                                           \
  "this looks like a Linux kernel, which needs ACPI, an irqchip and an initramfs to get far: pvhcheck boot " \
  "--linux KERNEL checks it stage by stage"

/* Whether the image holds needle anywhere, read in bounded chunks that
 * overlap by the needle's length (the image is a streaming source). */
#define SCAN_CHUNK (1u << 20)
static int image_contains(const struct pvh_image *img, const char *needle) {
  size_t nl = strlen(needle);
  static uint8_t buf[SCAN_CHUNK];
  for (uint64_t off = 0; off < img->size;) {
    uint64_t left = img->size - off;
    size_t n = left < SCAN_CHUNK ? (size_t)left : SCAN_CHUNK;
    if (pvh_image_read(img, off, n, buf, NULL) != PVH_OK)
      return 0;
    if (memmem(buf, n, needle, nl))
      return 1;
    if (n < SCAN_CHUNK || n <= nl)
      break;
    off += n - (nl - 1);
  }
  return 0;
}

static int verdict(const struct boot_args *a, const struct pvhkvm_boot_result *r) {
  if (r->status != PVHKVM_BOOT_RAN || !r->run.entry_proved || r->run.end == PVHKVM_END_INTERRUPTED)
    return 0;
  if (a->expect)
    return r->run.expect_seen;
  return r->run.end == PVHKVM_END_EXIT_PORT && r->run.exit_value == 0;
}

static void print_text(const struct boot_args *a, const char *name, const struct pvhkvm_boot_result *r,
                       int ok, const char *unapplied, const struct cli_echo *echo,
                       const struct cli_kernel *kf) {
  const struct pvhkvm_run_result *run = &r->run;
  const struct pvh_load_report *rep = &r->report;
  if (!a->quiet && !echo->truncated && run->console_len && run->console[run->console_len - 1] != '\n')
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
    char ebx[64];
    if (run->entry_unchecked_rbx)
      snprintf(ebx, sizeof(ebx), "EBX not compared (the instruction writes it)");
    else
      snprintf(ebx, sizeof(ebx), "EBX 0x%llx = start_info", (unsigned long long)run->entry_rbx);
    printf(
        "  entry      PROVED (single-step): one instruction from the entry 0x%llx (%s%s%s, %zu bytes) to RIP "
        "0x%llx, %s (%.3f ms after KVM_RUN)\n",
        (unsigned long long)r->entry.rip, run->entry_insn_name, run->entry_insn_name[0] ? " " : "", hex,
        run->entry_insn_len, (unsigned long long)run->entry_rip, ebx, run->entry_s * 1e3);
    printf("             compared: %s\n", run->entry_compared);
    if (run->entry_unchecked[0])
      printf("             not compared, written by the instruction: %s\n", run->entry_unchecked);
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
           skips && a->selftest ? " (self-test checks not run here: " : "", skips && a->selftest ? skips : "",
           skips && a->selftest ? ", see kvm/README.md)" : "");
  }
  printf("  run        %s: %s (%.3f ms wall", pvhkvm_end_name(run->end), run->message, run->wall_s * 1e3);
  if (run->delay_s >= 0.0005) /* the run-time rule at work: say what the host took */
    printf(", %.3f ms of it waiting for a CPU", run->delay_s * 1e3);
  printf(")\n");
  if (run->end == PVHKVM_END_INTERNAL_ERROR && run->fault_known) {
    char why[200];
    pvhlinux_host_explain_name(pvhkvm_host_kind(), run->fault_insn_name, why, sizeof(why));
    if (why[0])
      printf("  stopped at %s\n", why);
  }
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
  if (echo->truncated || echo->dropped)
    printf("  echo       %llu bytes shown%s, %llu dropped (stdout was not read in time)\n",
           (unsigned long long)((echo->seen > echo->cap ? echo->cap : echo->seen) - echo->dropped),
           echo->truncated ? " (capped at the kept copy's size)" : "", (unsigned long long)echo->dropped);
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
  if (!ok && a->looks_linux)
    printf("  hint       %s\n", LINUX_HINT);
  printf("  result     %s\n", ok ? "PASS" : "FAIL");
}

static void print_json(const struct boot_args *a, const char *name, const struct pvhkvm_boot_result *r,
                       int ok, const char *unapplied, const struct cli_kernel *kf) {
  const struct pvhkvm_run_result *run = &r->run;
  struct json_writer w;
  cli_report_begin(&w, stdout, a->kernel ? name : NULL);
  cli_report_verdict(&w, ok, cli_boot_status(r->status), NULL);
  cli_report_host(&w);
  JSON_KV_STR(&w, "mode", a->selftest ? "self-test" : "kernel");
  cli_kernel_json(&w, kf);
  if (!ok && a->looks_linux)
    JSON_KV_STR(&w, "hint", LINUX_HINT);
  boot_json_run(&w, r);
  if (a->cpuid_mask) {
    json_key(&w, "cpuid_mask");
    json_begin_object(&w);
    JSON_KV_STR(&w, "features", a->cpuid_mask);
    JSON_KV_STR(&w, "source", "option");
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
  json_end_object(&w);
  json_finish(&w);
}

int cmd_boot(int argc, char **argv) {
  cli_report_enter("boot", argc, argv);
  struct boot_args a;
  int rc = parse(argc, argv, &a);
  if (rc != 0)
    return rc == CLI_PARSE_HELP ? PVHCLI_EXIT_OK : PVHCLI_EXIT_USAGE;
  double timeout = a.timeout;
  if (timeout <= 0 && a.linux_mode) {
    struct pvhlinux_boot_opts lo; /* the Linux check's own default */
    pvhlinux_boot_opts_init(&lo);
    timeout = lo.timeout_s;
  } else if (timeout <= 0)
    timeout = DEFAULT_TIMEOUT;
  cli_guard_arm("pvhcheck boot", a.kernel, a.json, timeout + CLI_GUARD_GRACE_S);
  cli_out_set_deadline(cli_guard_deadline_ns());
  if (a.linux_mode && a.cpuid_mask) {
    /* Say so now if the mask cannot reach the kernel on this KVM. */
    struct pvhkvm_boot_result pr;
    memset(&pr, 0, sizeof(pr));
    if (boot_cpuid_probe(&a, pr.kvm_err.message, sizeof(pr.kvm_err.message))) {
      struct cli_boot_out po = {.name = a.kernel, .json = a.json, .env_exit = a.env_exit, .linux_mode = 1};
      pr.status = PVHKVM_BOOT_ENV;
      pr.kvm_err.kind = PVHKVM_E_API;
      return cli_boot_failed(&po, &pr);
    }
  }
  if (a.linux_mode)
    return boot_linux_mode_run(&a);

  struct pvh_image kernel, initrd;
  struct cli_kernel kf;
  struct pvhkvm_boot_result r;
  char *cmdline = NULL;
  memset(&kernel, 0, sizeof(kernel));
  memset(&kf, 0, sizeof(kf));
  memset(&initrd, 0, sizeof(initrd));
  memset(&r, 0, sizeof(r));
  struct cli_boot_out out = {
      .name = a.kernel, .json = a.json, .env_exit = a.env_exit, .inputs = {{a.initramfs, "--initramfs"}}};
  const char *name = a.kernel ? a.kernel : "built-in self-test guest";
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
  a.selftest = !a.kernel || image_contains(&kernel, SELFTEST_SIGNATURE);
  a.looks_linux = a.kernel && !a.selftest && image_contains(&kernel, LINUX_SIGNATURE);
  if (a.selftest) { /* the self-test guest learns what to expect from the command line */
    cmdline = malloc(CMDLINE_BUF);
    int made = cmdline ? pvhkvm_selftest_cmdline_for_host(cmdline, CMDLINE_BUF,
                                                          a.cmdline ? a.cmdline : "console=ttyS0",
                                                          a.initramfs ? &initrd : NULL, pvhkvm_host_kind())
                       : -1;
    if (made == -2) { /* the initramfs shrank or failed after the open: the environment's fault */
      pvh_fail(&r.load_err, PVH_E_IO, "cannot read --initramfs %s", a.initramfs);
      goto input_failed;
    }
    if (made != 0) {
      rc = cli_opt_error("pvhcheck boot", "command line too long for the self-test guest");
      goto out;
    }
    use_cmdline = cmdline;
  }

  struct pvhkvm_boot_opts o;
  pvhkvm_boot_opts_init(&o);
  struct pvhkvm_cpuid_mask masks[PVHKVM_CPUID_FEATURES_MAX];
  size_t nmasks = 0;
  if (a.cpuid_mask) {
    char why[256];
    if (pvhkvm_cpuid_masks_parse(a.cpuid_mask, masks, PVHKVM_CPUID_FEATURES_MAX, &nmasks, why, sizeof(why))) {
      rc = cli_opt_error("pvhcheck boot", "--cpuid-mask: %s", why);
      goto out;
    }
    o.vm.cpuid_masks = masks;
    o.vm.nr_cpuid_masks = nmasks;
  }
  o.vm.ram_size = a.mem;
  o.vm.irqchip = a.irqchip >= 0 ? a.irqchip : !a.selftest;
  o.run.timeout_s = timeout;
  o.run.expect = a.expect;
  o.run.proof = (enum pvhkvm_proof)a.proof;
  struct cli_echo echo;
  cli_echo_init(&echo, STDOUT_FILENO, o.run.console_cap, a.raw_console);
  if (!a.json && !a.quiet) {
    o.run.echo_fn = cli_echo_write;
    o.run.echo_ctx = &echo;
  }
  o.kernel = &kernel;
  o.initramfs = a.initramfs ? &initrd : NULL;
  o.cmdline = use_cmdline;
  /* The kernel is planned before KVM is asked for, so a rejection is
   * reported as such (exit 1) on any host. */
  enum pvhkvm_boot_status st = pvhkvm_boot(&o, &r);
  if (o.run.echo_fn)
    cli_echo_end(&echo);
  cli_guard_reporting();
  if (st != PVHKVM_BOOT_RAN) {
    cli_kernel_explain(&kf, &r.load_err);
    rc = cli_boot_failed(&out, &r);
    goto out;
  }
  int ok = verdict(&a, &r);
  char unapplied[256] = "";
  if (a.cpuid_mask && boot_cpuid_unapplied(a.cpuid_mask, r.run.console, unapplied, sizeof(unapplied)))
    ok = 0;
  if (a.json)
    print_json(&a, name, &r, ok, unapplied, &kf);
  else
    print_text(&a, name, &r, ok, unapplied, &echo, &kf);
  fflush(stdout);
  if (cli_out_gone(STDOUT_FILENO)) /* the report went nowhere: the verdict goes where it can be seen */
    fprintf(stderr, "pvhcheck boot: %s: stdout is gone; the verdict:\n  run        %s: %s\n  result     %s\n",
            name, pvhkvm_end_name(r.run.end), r.run.message, ok ? "PASS" : "FAIL");
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
