/* SPDX-License-Identifier: MIT */
/* pvh-mkinitramfs: writes the boot-check initramfs (uncompressed newc cpio).
 *   pvh-mkinitramfs [--busybox PATH] [--marker S] [--kernel VMLINUX] OUT.cpio
 * --kernel refuses a busybox the kernel cannot run (64-bit under a 32-bit kernel). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pvhutil/opt.h"
#include "pvhlinux/initramfs.h"

int main(int argc, char **argv) {
  struct pvhlinux_initramfs_opts o = {0};
  const char *out = NULL, *kernel = NULL;
  const struct cli_opt opts[] = {
      OPT_GROUP("Options:"),
      OPT_STR("busybox", "PATH", &o.busybox_path, "a static busybox, default /bin/busybox"),
      OPT_STR("kernel", "VMLINUX", &kernel, "check that busybox's ELF class fits this kernel"),
      OPT_STR("marker", "S", &o.marker, "what /init prints before powering off, default PVHCHECK-INIT-OK"),
      OPT_END(),
  };
  static const struct cli_help help = {.usage = "pvh-mkinitramfs [OPTIONS] OUT.cpio\n"};
  int npos;
  int prc = cli_parse("pvh-mkinitramfs", opts, &help, argc, argv, &out, 1, &npos);
  if (prc)
    return prc == CLI_PARSE_HELP ? 0 : 2;
  if (!npos)
    return cli_opt_error("pvh-mkinitramfs", "missing OUT.cpio");
  if (kernel) {
    uint8_t id[5] = {0};
    FILE *kf = fopen(kernel, "rb");
    size_t got = kf ? fread(id, 1, sizeof(id), kf) : 0;
    if (kf)
      fclose(kf);
    o.kernel_elf_class = pvhlinux_elf_class(id, got);
    if (!o.kernel_elf_class) {
      fprintf(stderr, "pvh-mkinitramfs: io-error: --kernel %s: not a readable ELF file\n", kernel);
      return 1;
    }
  }
  struct pvhlinux_cpio c;
  struct pvh_error err;
  if (pvhlinux_initramfs_build(&o, &c, &err)) {
    fprintf(stderr, "pvh-mkinitramfs: %s: %s\n", pvh_err_name(err.code), err.message);
    return 1;
  }
  /* Write to a temporary name and rename, so a reader never sees half a file. */
  char tmp[4096];
  if (snprintf(tmp, sizeof(tmp), "%s.tmp", out) >= (int)sizeof(tmp)) {
    fprintf(stderr, "pvh-mkinitramfs: output path too long\n");
    pvhlinux_cpio_free(&c);
    return 1;
  }
  FILE *f = fopen(tmp, "wb");
  int ok = f && fwrite(c.data, 1, c.len, f) == c.len;
  if (f && fclose(f))
    ok = 0;
  if (!ok || rename(tmp, out)) {
    perror("pvh-mkinitramfs: write");
    unlink(tmp);
    pvhlinux_cpio_free(&c);
    return 1;
  }
  printf("pvh-mkinitramfs: %s: %zu bytes\n", out, c.len);
  pvhlinux_cpio_free(&c);
  return 0;
}
