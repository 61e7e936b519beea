/* SPDX-License-Identifier: MIT */
/* pvh-qemu-boot: the QEMU microvm peer of `pvhcheck boot` for a real kernel.
 * Boots KERNEL (+ INITRD) and prints the stage table (or --json).
 * Exit: 0 the --until stage was reached with nothing mismatched; 1 it was
 * not; 2 usage; 3 QEMU could not be run. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pvh/memmap.h"
#include "pvhlinux/qemu.h"

static int usage(void) {
  fprintf(stderr,
          "usage: pvh-qemu-boot --kernel VMLINUX [--initrd CPIO] [--append CMDLINE] [--mem 512M]\n"
          "                     [--accel tcg|kvm] [--timeout S] [--until STAGE] [--json] [--echo]\n"
          "                     [--icount SHIFT]   (TCG: guest clocks from instruction count)\n"
          "stages:");
  for (int i = 0; i < PVHLINUX_ST__COUNT; i++) fprintf(stderr, " %s", pvhlinux_stage_name((enum pvhlinux_stage)i));
  fprintf(stderr, "\n");
  return 2;
}

int main(int argc, char **argv) {
  struct pvhlinux_qemu_opts o;
  pvhlinux_qemu_opts_init(&o);
  o.cmdline = "console=ttyS0 panic=-1";
  int json = 0, until = PVHLINUX_ST_MARKER;
  static const struct option lo[] = {
      {"kernel", required_argument, NULL, 'k'}, {"initrd", required_argument, NULL, 'i'},
      {"append", required_argument, NULL, 'a'}, {"mem", required_argument, NULL, 'm'},
      {"accel", required_argument, NULL, 'A'},  {"timeout", required_argument, NULL, 't'},
      {"until", required_argument, NULL, 'u'},  {"json", no_argument, NULL, 'j'},
      {"echo", no_argument, NULL, 'e'},         {"qemu", required_argument, NULL, 'q'},
      {"icount", required_argument, NULL, 'I'},
      {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    switch (c) {
    case 'k': o.kernel = optarg; break;
    case 'i': o.initrd = optarg; break;
    case 'a': o.cmdline = optarg; break;
    case 'm':
      if (pvh_parse_size(optarg, &o.ram_size)) return usage();
      break;
    case 'A': o.accel = optarg; break;
    case 't': o.timeout_s = atof(optarg); break;
    case 'u':
      until = pvhlinux_stage_parse(optarg);
      if (until < 0) return usage();
      break;
    case 'j': json = 1; break;
    case 'e': o.echo_fd = 2; break;
    case 'q': o.qemu = optarg; break;
    case 'I': o.icount_shift = atoi(optarg); break;
    default: return usage();
    }
  }
  if (!o.kernel || optind != argc) return usage();

  struct pvhlinux_expect ex;
  uint64_t isz;
  char why[512];
  if (pvhlinux_qemu_expect(&o, &ex, &isz, why, sizeof(why))) {
    fprintf(stderr, "pvh-qemu-boot: %s\n", why);
    return 3;
  }
  struct pvhlinux_stages *st = pvhlinux_stages_new(&ex);
  if (!st) return 3;
  struct pvhlinux_qemu_result r;
  if (pvhlinux_qemu_boot(&o, st, &r)) {
    fprintf(stderr, "pvh-qemu-boot: %s\n", r.why);
    pvhlinux_stages_free(st);
    return 3;
  }
  if (r.exited && r.exit_code == 127 && r.console_bytes == 0) {
    fprintf(stderr, "pvh-qemu-boot: %s\n", r.why);
    pvhlinux_stages_free(st);
    return 3;
  }
  int ok = pvhlinux_stages_ok(st, (enum pvhlinux_stage)until);
  if (json) {
    pvhlinux_stages_json(st, until, stdout);
  } else {
    printf("QEMU microvm (%s), %.3f s wall, %llu console bytes\n", o.accel ? o.accel : "tcg", r.wall_s,
           (unsigned long long)r.console_bytes);
    pvhlinux_stages_print(st, stdout);
    int f = pvhlinux_stages_furthest(st);
    printf("furthest: %s; until %s: %s\n", f >= 0 ? pvhlinux_stage_name((enum pvhlinux_stage)f) : "none",
           pvhlinux_stage_name((enum pvhlinux_stage)until), ok ? "reached" : "NOT reached");
    if (!ok) printf("last console line: %s\n", pvhlinux_stages_last_line(st));
  }
  pvhlinux_stages_free(st);
  return ok ? 0 : 1;
}
