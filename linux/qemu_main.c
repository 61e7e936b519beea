/* SPDX-License-Identifier: MIT */
/* pvh-qemu-boot: the QEMU microvm peer of `pvhcheck boot --linux`. Boots
 * VMLINUX (+ initramfs) under QEMU and prints the same stage table (or
 * --json), so the two VMMs can be compared on one machine. Exit: 0 the
 * --until stage was reached with nothing mismatched; 1 it was not; 2 usage;
 * 3 QEMU could not be run. Options mirror pvhcheck boot --linux. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pvhutil/opt.h"
#include "pvhlinux/boot_linux.h"
#include "pvhlinux/initramfs.h"
#include "pvhlinux/qemu.h"

static int run(struct pvhlinux_qemu_opts *o, int json, int until);

/* Our initramfs around `busybox`, written to the mkstemp template `path`; the
 * busybox's ELF class is checked against the kernel's (pvhlinux_initramfs_build). */
static int build_initramfs(const char *kernel, const char *busybox, char *path) {
  uint8_t id[5] = {0};
  FILE *kf = fopen(kernel, "rb");
  size_t got = kf ? fread(id, 1, sizeof(id), kf) : 0;
  if (kf)
    fclose(kf);
  struct pvhlinux_initramfs_opts io = {.busybox_path = busybox,
                                       .kernel_elf_class = pvhlinux_elf_class(id, got)};
  struct pvhlinux_cpio c;
  struct pvh_error err;
  if (pvhlinux_initramfs_build(&io, &c, &err)) {
    fprintf(stderr, "pvh-qemu-boot: %s: %s\n", pvh_err_name(err.code), err.message);
    return -1;
  }
  int fd = mkstemp(path);
  int ok = fd >= 0 && write(fd, c.data, c.len) == (ssize_t)c.len;
  if (fd >= 0 && close(fd))
    ok = 0;
  pvhlinux_cpio_free(&c);
  if (!ok) {
    perror("pvh-qemu-boot: writing the initramfs");
    if (fd >= 0)
      unlink(path);
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  struct pvhlinux_qemu_opts o;
  pvhlinux_qemu_opts_init(&o);
  o.cmdline = PVHLINUX_DEFAULT_CMDLINE;
  int json = 0, echo = 0, until = PVHLINUX_ST_MARKER;
  const char *busybox = NULL;
  const struct cli_opt opts[] = {
      OPT_GROUP("Options:"),
      OPT_STR("initramfs", "CPIO", &o.initrd, "module 0"),
      OPT_STR("busybox", "PATH", &busybox,
              "no --initramfs: build ours around this static busybox (an i386 one for a 32-bit\n"
              "                       kernel: linux/fetch-i386.sh)"),
      OPT_STR("cmdline", "S", &o.cmdline, "default \"" PVHLINUX_DEFAULT_CMDLINE "\""),
      OPT_SIZE("mem", "SIZE", &o.ram_size, "guest RAM, default 512M"),
      OPT_STR("accel", "tcg|kvm", &o.accel, "QEMU accelerator, default tcg"),
      OPT_SECONDS("timeout", "S", &o.timeout_s, "wall-clock limit, default 120"),
      OPT_CALL("until", "STAGE", &until, pvhlinux_stage_opt,
               "entry banner cmdline e820 ramdisk acpi console init marker poweroff end (default marker)"),
      OPT_FLAG("json", &json, 1, "the stage table as JSON"),
      OPT_FLAG("echo", &echo, 1, "copy the console to stderr"),
      OPT_STR("qemu", "PATH", &o.qemu, "default qemu-system-x86_64 from PATH"),
      OPT_INT("icount", "SHIFT", &o.icount_shift, "TCG: guest clocks from the instruction count"),
      OPT_END(),
  };
  static const struct cli_help help = {.usage = "pvh-qemu-boot [OPTIONS] VMLINUX\n"};
  int npos;
  int prc = cli_parse("pvh-qemu-boot", opts, &help, argc, argv, &o.kernel, 1, &npos);
  if (prc)
    return prc == CLI_PARSE_HELP ? 0 : 2;
  if (!npos)
    return cli_opt_error("pvh-qemu-boot", "missing VMLINUX");
  if (echo)
    o.echo_fd = 2;
  if (busybox && o.initrd)
    return cli_opt_error("pvh-qemu-boot", "--busybox builds the initramfs; it does not go with --initramfs");
  char tmp_cpio[] = "/tmp/pvh-qemu-boot.XXXXXX";
  if (busybox && build_initramfs(o.kernel, busybox, tmp_cpio))
    return 3;
  if (busybox)
    o.initrd = tmp_cpio;
  int rc = run(&o, json, until);
  if (busybox)
    unlink(tmp_cpio);
  return rc;
}

static int run(struct pvhlinux_qemu_opts *o, int json, int until) {
  struct pvhlinux_expect ex;
  uint64_t isz;
  struct pvh_error err;
  if (pvhlinux_qemu_expect(o, &ex, &isz, &err)) {
    fprintf(stderr, "pvh-qemu-boot: %s\n", err.message);
    return 3;
  }
  struct pvhlinux_stages *st = pvhlinux_stages_new(&ex);
  if (!st)
    return 3;
  struct pvhlinux_qemu_result r;
  int rc = 3;
  if (pvhlinux_qemu_boot(o, st, &r) || (r.exited && r.exit_code == 127 && r.console_bytes == 0)) {
    fprintf(stderr, "pvh-qemu-boot: %s\n", r.why);
  } else if (json) {
    pvhlinux_stages_json(st, until, stdout);
    rc = pvhlinux_stages_ok(st, (enum pvhlinux_stage)until) ? 0 : 1;
  } else {
    printf("QEMU microvm (%s), %.3f s wall, %llu console bytes\n", o->accel ? o->accel : "tcg", r.wall_s,
           (unsigned long long)r.console_bytes);
    pvhlinux_stages_print_verdict(st, until, stdout);
    rc = pvhlinux_stages_ok(st, (enum pvhlinux_stage)until) ? 0 : 1;
  }
  pvhlinux_stages_free(st);
  return rc;
}
