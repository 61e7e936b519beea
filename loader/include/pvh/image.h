/* SPDX-License-Identifier: MIT */
/* Where kernel (and initramfs) bytes come from: a caller buffer, or a file read
 * once into memory the image owns. Every consumer reads through
 * pvh_image_bytes(), which bounds-checks the request against the image, so no
 * parser ever touches memory outside the image.
 *
 * Thread-safety: an image is read-only after it is set up; several threads may
 * load from one image at once. Opening and closing need exclusive access. */
#ifndef PVH_IMAGE_H
#define PVH_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/error.h"
#include "pvh/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest image pvh_image_open reads (a 340 MB unstripped vmlinux fits). */
#define PVH_IMAGE_MAX_SIZE (4ull << 30)

struct pvh_image {
  const uint8_t *data;
  uint64_t size;
  void *owned;      /* non-NULL when the image owns its bytes (pvh_image_open) */
  size_t owned_len; /* length of that allocation */
  char name[128];   /* for messages: file name or "<buffer>" */
};

/* Wraps a caller-owned buffer, without copying; the buffer must outlive the
 * image and must not change while a load reads it. Never fails. */
PVH_API void pvh_image_from_buffer(struct pvh_image *img, const void *data, size_t size, const char *name);

/* Reads `path` into memory the image owns: a regular file (exactly its size;
 * a file that shrinks or grows while being read is PVH_E_IO), or a pipe, FIFO
 * or character device (read to EOF). Never maps the file, so a file that
 * changes or fails afterwards cannot affect (or SIGBUS) a load. An empty file
 * is a valid, empty image. Errors: PVH_E_IO (open/read failure, a directory,
 * more than PVH_IMAGE_MAX_SIZE), PVH_E_NOMEM. On error *img is empty and need
 * not be closed (closing it is harmless). Release with pvh_image_close. */
PVH_API enum pvh_err pvh_image_open(struct pvh_image *img, const char *path, struct pvh_error *err);

/* Frees what pvh_image_open read, if anything. Safe on a zeroed, closed or
 * buffer image (the caller's buffer is left alone). */
PVH_API void pvh_image_close(struct pvh_image *img);

/* Returns a pointer to [off, off+len) or NULL if that range is not entirely
 * inside the image (overflow-safe). Valid until the image is closed. */
PVH_API const uint8_t *pvh_image_bytes(const struct pvh_image *img, uint64_t off, uint64_t len);

#ifdef __cplusplus
}
#endif
#endif
