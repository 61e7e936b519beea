/* SPDX-License-Identifier: MIT */
/* pvh-mkinitramfs: writes the boot-check initramfs (uncompressed newc cpio).
 *   pvh-mkinitramfs -o initramfs.cpio [-b /bin/busybox] [-m MARKER] */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pvhlinux/initramfs.h"

static int usage(void) {
  fprintf(stderr, "usage: pvh-mkinitramfs -o OUT.cpio [-b BUSYBOX] [-m MARKER]\n");
  return 2;
}

int main(int argc, char **argv) {
  struct pvhlinux_initramfs_opts o = {0};
  const char *out = NULL;
  int opt;
  while ((opt = getopt(argc, argv, "o:b:m:h")) != -1) {
    switch (opt) {
    case 'o': out = optarg; break;
    case 'b': o.busybox_path = optarg; break;
    case 'm': o.marker = optarg; break;
    default: return usage();
    }
  }
  if (!out || optind != argc) return usage();
  struct pvhlinux_cpio c;
  char why[512];
  if (pvhlinux_initramfs_build(&o, &c, why, sizeof(why))) {
    fprintf(stderr, "pvh-mkinitramfs: %s\n", why);
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
  if (f && fclose(f)) ok = 0;
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
