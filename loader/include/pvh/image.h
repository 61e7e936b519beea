/* SPDX-License-Identifier: MIT */
/* Where kernel (and initramfs) bytes come from: a caller buffer or a file that is
 * mapped read-only once. Every consumer reads through pvh_image_bytes(), which
 * bounds-checks the request against the image, so no parser ever touches memory
 * outside the image. */
#ifndef PVH_IMAGE_H
#define PVH_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct pvh_image {
  const uint8_t *data;
  uint64_t size;
  void *map_base; /* non-NULL when the image owns an mmap */
  size_t map_len;
  char name[128]; /* for messages: file name or "<buffer>" */
};

/* Wraps a caller-owned buffer; the buffer must outlive the image. */
void pvh_image_from_buffer(struct pvh_image *img, const void *data, size_t size, const char *name);

/* Maps `path` read-only (no copy, no second read). An empty file is a valid,
 * empty image. */
enum pvh_err pvh_image_open(struct pvh_image *img, const char *path, struct pvh_error *err);

/* Releases the mapping, if any. Safe on a zeroed or buffer image. */
void pvh_image_close(struct pvh_image *img);

/* Returns a pointer to [off, off+len) or NULL if that range is not entirely
 * inside the image (overflow-safe). */
const uint8_t *pvh_image_bytes(const struct pvh_image *img, uint64_t off, uint64_t len);

#ifdef __cplusplus
}
#endif
#endif
