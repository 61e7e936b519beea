/* SPDX-License-Identifier: MIT */
/* The one "open a kernel file" step of pvhcheck's inspect, boot, boot --linux
 * and extract: an ELF kernel as it is, or a bzImage whose payload pvhbz
 * unpacks into memory; either way libpvh gets an ELF image. */
#ifndef PVHCHECK_KERNEL_FILE_H
#define PVHCHECK_KERNEL_FILE_H

#include <stdio.h>

#include "json.h"
#include "pvh/error.h"
#include "pvh/image.h"
#include "pvhbz/bzimage.h"

struct cli_kernel {
  struct pvh_image image; /* what libpvh loads: the file, or the bzImage's vmlinux */
  uint64_t file_size;
  int is_bzimage;
  struct pvhbz_header bz; /* is_bzimage: what the setup header said */
  double unpack_ms;
  uint8_t *vmlinux; /* owned: the unpacked payload (a bzImage), or a pipe's bytes */
  size_t vmlinux_len;
  const char *looks_like; /* neither ELF nor bzImage: pvhbz_describe's phrase */
};

enum cli_kernel_status {
  CLI_KERNEL_OK = 0,
  CLI_KERNEL_IO,      /* the file cannot be read: *io_err says why (an environment problem) */
  CLI_KERNEL_BZIMAGE, /* a bzImage that cannot be unpacked: *bz_err says why (a rejected kernel) */
};

struct cli_kernel_error {
  struct pvh_error io_err;
  struct pvhbz_error bz_err;
};

/* Opens `path`. On CLI_KERNEL_OK close with cli_kernel_close; on failure
 * nothing needs closing (closing is harmless). */
enum cli_kernel_status cli_kernel_open(struct cli_kernel *k, const char *path, struct cli_kernel_error *e);
void cli_kernel_close(struct cli_kernel *k);

/* Adds what the file is to a loader error: for a file that is neither ELF
 * nor bzImage, what it looks like; for a bzImage whose vmlinux has no PVH
 * note, that its kernel needs CONFIG_PVH. */
void cli_kernel_explain(const struct cli_kernel *k, struct pvh_error *err);

/* "bzImage (protocol 2.15), payload lz4 14 MB -> vmlinux 53 MB, unpacked in 12 ms" */
void cli_kernel_summary(const struct cli_kernel *k, char *buf, size_t len);
/* The "bzimage" key and its object (null for an ELF file). */
void cli_kernel_json(struct json_writer *w, const struct cli_kernel *k);

#ifdef PVH_HAVE_KVM
#include "cli.h"
/* boot and boot --linux: a kernel file that did not open, reported like any
 * boot that did not run (cli/status.c): an unreadable file is an
 * environment error, a bzImage pvhbz refuses is a rejected kernel (its code
 * is pvhbz's). Returns the exit code. */
int cli_kernel_boot_failed(const struct cli_boot_out *out, enum cli_kernel_status st,
                           const struct cli_kernel_error *e);
/* Text mode: "  bzimage    <summary>" for a bzImage, nothing for an ELF. */
void cli_kernel_boot_line(const struct cli_kernel *k, FILE *out);
#endif

#endif
