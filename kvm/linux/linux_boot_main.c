/* SPDX-License-Identifier: MIT */
/* pvh-linux-boot: a real kernel under pvhkvm, stage by stage (the library
 * call behind `pvhcheck boot --linux`). Exit: 0 the --until stage was
 * reached with nothing mismatched; 1 not; 2 usage; 3 error; 77 this host
 * cannot run KVM (the reason is printed). */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "pvh/memmap.h"
#include "pvhlinux/boot_linux.h"
#include "pvhlinux/cpuid.h"

static int usage(void) {
  fprintf(stderr,
          "usage: pvh-linux-boot --kernel VMLINUX [--initrd CPIO] [--append CMDLINE] [--mem 512M]\n"
          "                      [--no-acpi] [--cpuid-mask LIST] [--until STAGE] [--timeout S] [--json] [--echo]\n"
          "  --cpuid-mask  comma-separated features hidden from the guest: %s\n"
          "  stages:",
          pvhlinux_cpuid_feature_names());
  for (int i = 0; i < PVHLINUX_ST__COUNT; i++) fprintf(stderr, " %s", pvhlinux_stage_name((enum pvhlinux_stage)i));
  fprintf(stderr, "\n");
  return 2;
}

int main(int argc, char **argv) {
  struct pvhlinux_boot_opts o;
  pvhlinux_boot_opts_init(&o);
  int json = 0;
  static const struct option lo[] = {
      {"kernel", required_argument, NULL, 'k'},     {"initrd", required_argument, NULL, 'i'},
      {"append", required_argument, NULL, 'a'},     {"mem", required_argument, NULL, 'm'},
      {"no-acpi", no_argument, NULL, 'n'},          {"cpuid-mask", required_argument, NULL, 'c'},
      {"until", required_argument, NULL, 'u'},      {"timeout", required_argument, NULL, 't'},
      {"json", no_argument, NULL, 'j'},             {"echo", no_argument, NULL, 'e'},
      {"dev", required_argument, NULL, 'd'},        {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    switch (c) {
    case 'k': o.kernel_path = optarg; break;
    case 'i': o.initramfs_path = optarg; break;
    case 'a': o.cmdline = optarg; break;
    case 'm': if (pvh_parse_size(optarg, &o.ram_size)) return usage(); break;
    case 'n': o.acpi = 0; break;
    case 'c': o.cpuid_mask = optarg; break;
    case 'u': if ((o.until = pvhlinux_stage_parse(optarg)) < 0) return usage(); break;
    case 't': o.timeout_s = atof(optarg); break;
    case 'j': json = 1; break;
    case 'e': o.echo_fd = 2; break;
    case 'd': o.dev_path = optarg; break;
    default: return usage();
    }
  }
  if (!o.kernel_path || optind != argc) return usage();
  struct pvhlinux_boot_result r;
  enum pvhlinux_boot_status s = pvhlinux_boot(&o, &r);
  if (s != PVHLINUX_BOOT_RAN) {
    printf("%s: %s\n", s == PVHLINUX_BOOT_SKIP ? "SKIP" : "ERROR", r.why);
    return s == PVHLINUX_BOOT_SKIP ? 77 : 3;
  }
  if (json) pvhlinux_stages_json(r.stages, o.until, stdout);
  else pvhlinux_boot_print(&r, o.until, stdout);
  int ok = r.ok;
  pvhlinux_boot_result_free(&r);
  return ok ? 0 : 1;
}
