/* SPDX-License-Identifier: MIT */
/* bench_linux: the Debian kernel + our initramfs, stage by stage, under
 *   1. pvhkvm (pvhcheck's own VMM; needs a usable /dev/kvm, else "skipped")
 *   2. QEMU microvm, TCG as QEMU does it by default
 *   3. QEMU microvm, TCG with -icount 0 (guest clocks from instruction count:
 *      robust on a loaded host, where plain TCG's TSC calibration can fail)
 *   4. when built with the tests: our loader + our ACPI tables entered by the
 *      handoff firmware under QEMU TCG icount (tests/linux/linux_handoff), the
 *      pvhcheck boot path minus KVM, printed as its own table
 * with the same kernel, initramfs, command line and RAM, in one run. For each
 * stage: host wall seconds since the VMM started running the guest, and the
 * guest's own printk time; then how far each got and its total wall time.
 *   bench_linux [--kernel VMLINUX] [--cmdline S] [--mem 512M] [--timeout S]
 * Numbers only: nothing here fails on time. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pvhutil/opt.h"
#include "pvh/memmap.h"
#include "pvhlinux/boot_linux.h"
#include "pvhlinux/initramfs.h"
#include "pvhlinux/qemu.h"

#define NCOL 3

struct column {
  const char *name;
  struct pvhlinux_stages *st; /* NULL: did not run (why) */
  char why[600];
  double wall_s;
};

static void qemu_column(struct column *c, const char *kernel, const char *initrd, const char *cmdline,
                        uint64_t ram, double timeout, int icount) {
  struct pvhlinux_qemu_opts o;
  pvhlinux_qemu_opts_init(&o);
  o.kernel = kernel;
  o.initrd = initrd;
  o.cmdline = cmdline;
  o.ram_size = ram;
  o.timeout_s = timeout;
  o.icount_shift = icount;
  struct pvhlinux_expect ex;
  uint64_t isz;
  struct pvh_error err;
  if (pvhlinux_qemu_expect(&o, &ex, &isz, &err)) {
    snprintf(c->why, sizeof(c->why), "skipped: %s", err.message);
    return;
  }
  c->st = pvhlinux_stages_new(&ex);
  struct pvhlinux_qemu_result r;
  if (!c->st || pvhlinux_qemu_boot(&o, c->st, &r)) {
    snprintf(c->why, sizeof(c->why), "skipped: %s", c->st ? r.why : "out of memory");
    pvhlinux_stages_free(c->st);
    c->st = NULL;
    return;
  }
  c->wall_s = r.wall_s;
}

static void kvm_column(struct column *c, const char *kernel, const char *initrd, const char *cmdline,
                       uint64_t ram, double timeout) {
  struct pvhlinux_boot_opts o;
  pvhlinux_boot_opts_init(&o);
  o.kernel_path = kernel;
  o.initramfs_path = initrd;
  o.cmdline = cmdline;
  o.ram_size = ram;
  o.timeout_s = timeout;
  struct pvhlinux_boot_result r;
  if (pvhlinux_boot(&o, &r) != PVHKVM_BOOT_RAN) {
    snprintf(c->why, sizeof(c->why), "%s (%s): %s", r.boot.status == PVHKVM_BOOT_ENV ? "skipped" : "error",
             pvhkvm_boot_status_name(r.boot.status), pvhkvm_boot_message(&r.boot));
  } else {
    c->st = r.stages; /* ownership moves to the column */
    r.stages = NULL;
    c->wall_s = r.boot.run.wall_s;
  }
  pvhlinux_boot_result_free(&r);
}

static void cell(const struct column *c, int s) {
  if (!c->st) {
    printf(" %22s", "-");
    return;
  }
  const struct pvhlinux_stage_info *in = pvhlinux_stages_get(c->st, (enum pvhlinux_stage)s);
  char buf[64];
  if (in->state == PVHLINUX_REACHED && in->host_s >= 0) {
    if (in->guest_s >= 0)
      snprintf(buf, sizeof(buf), "%8.3f (%8.3f)", in->host_s, in->guest_s);
    else
      snprintf(buf, sizeof(buf), "%8.3f (%8s)", in->host_s, "-");
  } else {
    snprintf(buf, sizeof(buf), "%s", pvhlinux_state_name(in->state));
  }
  printf(" %22s", buf);
}

int main(int argc, char **argv) {
  static char vm_default[4096];
  const char *cache = getenv("PVH_CACHE_DIR");
  const char *home = getenv("HOME");
  if (cache)
    snprintf(vm_default, sizeof(vm_default), "%s/vmlinux", cache);
  else
    snprintf(vm_default, sizeof(vm_default), "%s/.cache/pvhcheck/vmlinux", home ? home : ".");
  const char *kernel = vm_default;
  const char *cmdline = PVHLINUX_DEFAULT_CMDLINE;
  uint64_t ram = 512ull << 20;
  double timeout = 120;
  const struct cli_opt opts[] = {
      OPT_GROUP("Options:"),
      OPT_STR("kernel", "VMLINUX", &kernel, "default $PVH_CACHE_DIR/vmlinux or ~/.cache/pvhcheck/vmlinux"),
      OPT_STR("cmdline", "S", &cmdline, "kernel command line, default \"" PVHLINUX_DEFAULT_CMDLINE "\""),
      OPT_SIZE("mem", "SIZE", &ram, "guest RAM, default 512M"),
      OPT_SECONDS("timeout", "S", &timeout, "wall-clock limit per VMM, default 120"),
      OPT_END(),
  };
  static const struct cli_help help = {.usage = "bench_linux [OPTIONS]\n",
                                       .intro = "Stage times of one kernel under pvhkvm and QEMU microvm.\n"};
  int npos;
  int prc = cli_parse("bench_linux", opts, &help, argc, argv, NULL, 0, &npos);
  if (prc)
    return prc == CLI_PARSE_HELP ? 0 : 2;
  if (access(kernel, R_OK)) {
    printf("bench_linux: skipped: no kernel at %s (run tools/fetch-debian-kernel.sh)\n", kernel);
    return 0;
  }
  /* One initramfs file for every VMM. */
  struct pvhlinux_cpio cpio;
  struct pvh_error err;
  if (pvhlinux_initramfs_build(NULL, &cpio, &err)) {
    printf("bench_linux: skipped: %s\n", err.message);
    return 0;
  }
  char initrd[] = "/tmp/pvhcheck-bench-initramfs-XXXXXX";
  int fd = mkstemp(initrd);
  if (fd < 0 || write(fd, cpio.data, cpio.len) != (ssize_t)cpio.len || close(fd)) {
    perror("bench_linux: initramfs");
    return 1;
  }

  struct column col[NCOL] = {
      {.name = "pvhcheck (pvhkvm)"}, {.name = "QEMU microvm TCG"}, {.name = "QEMU microvm TCG icount"}};
  printf("kernel %s, initramfs %zu bytes, %llu MiB, cmdline \"%s\"\n", kernel, cpio.len,
         (unsigned long long)(ram >> 20), cmdline);
  kvm_column(&col[0], kernel, initrd, cmdline, ram, timeout);
  qemu_column(&col[1], kernel, initrd, cmdline, ram, timeout, -1);
  qemu_column(&col[2], kernel, initrd, cmdline, ram, timeout, 0);
  unlink(initrd);
  pvhlinux_cpio_free(&cpio);

  printf("\nhost wall s (guest printk s) at each stage\n%-9s", "stage");
  for (int i = 0; i < NCOL; i++)
    printf(" %22s", col[i].name);
  printf("\n");
  for (int s = 0; s < PVHLINUX_ST__COUNT; s++) {
    printf("%-9s", pvhlinux_stage_name((enum pvhlinux_stage)s));
    for (int i = 0; i < NCOL; i++)
      cell(&col[i], s);
    printf("\n");
  }
  printf("\n");
  for (int i = 0; i < NCOL; i++) {
    if (!col[i].st) {
      printf("%-24s %s\n", col[i].name, col[i].why);
      continue;
    }
    int f = pvhlinux_stages_furthest(col[i].st);
    const struct pvhlinux_stage_info *end = pvhlinux_stages_get(col[i].st, PVHLINUX_ST_END);
    printf("%-24s furthest %-8s wall %8.3f s; end: %s\n", col[i].name,
           f >= 0 ? pvhlinux_stage_name((enum pvhlinux_stage)f) : "none", col[i].wall_s, end->detail);
    pvhlinux_stages_free(col[i].st);
  }
#if defined(LINUX_HANDOFF) && defined(HANDOFF_FW)
  /* Same kernel, initramfs (rebuilt identically: the writer is deterministic),
   * command line and RAM, through libpvh + pvhlinux ACPI. */
  char cmd[8192];
  snprintf(cmd, sizeof(cmd),
           "d=$(mktemp -d) && %s \"$d/i.cpio\" >/dev/null && %s --fw %s --initramfs \"$d/i.cpio\" "
           "--work \"$d\" --cmdline '%s' --mem %lluM --icount 0 --timeout %.0f '%s'; rm -rf \"$d\"",
           MKINITRAMFS, LINUX_HANDOFF, HANDOFF_FW, cmdline, (unsigned long long)(ram >> 20), timeout, kernel);
  printf("\n4. our loader + ACPI, handoff firmware, QEMU microvm TCG icount:\n");
  fflush(stdout);
  if (system(cmd) == -1)
    printf("handoff: could not run\n");
#endif
  return 0;
}
