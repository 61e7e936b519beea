/* SPDX-License-Identifier: MIT */
/* Where kernel (and initramfs) bytes come from, read with bounds:
 *  - a memory source: a caller's buffer (what the fuzzers use), wrapped
 *    without a copy;
 *  - a file source: a regular file, read with pread when a byte is needed and
 *    never mapped nor copied whole. The parsers read headers and notes into
 *    small buffers; PT_LOAD and initramfs bytes go from the file to guest
 *    memory at commit time, through the bus, in bounded chunks.
 * Every read is checked against the image size (the file's size at open). A
 * file that shrinks afterwards, a short read or a read error is PVH_E_IO at the
 * point where it happens, never a signal: nothing is mapped, so nothing can
 * raise SIGBUS.
 *
 * Only regular files are opened unless the caller allows streams
 * (PVH_IMAGE_ALLOW_STREAMS): a FIFO, pipe, character device or socket is
 * refused at once and without blocking (the open is O_NONBLOCK, the type comes
 * from fstat). When allowed, such a stream is read to EOF into memory the
 * image owns (bounded by pvh_image_opts.stream_max); that read blocks as the
 * stream does.
 *
 * Thread-safety: an image is read-only after it is set up (pread keeps no
 * file position); several threads may load from one image at once. Opening
 * and closing need exclusive access. */
#ifndef PVH_IMAGE_H
#define PVH_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/error.h"
#include "pvh/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default limit for an opted-in stream (pvh_image_opts.stream_max). */
#define PVH_IMAGE_STREAM_MAX (4ull << 30)

/* pvh_image_opts.flags */
#define PVH_IMAGE_ALLOW_STREAMS 0x1u /* accept a FIFO, pipe, character device or socket */

/* How to open an image; a NULL pointer means all defaults (regular files only). */
struct pvh_image_opts {
  unsigned flags;      /* PVH_IMAGE_ALLOW_STREAMS or 0 */
  uint64_t stream_max; /* an allowed stream must be shorter than this; 0: PVH_IMAGE_STREAM_MAX */
};

enum pvh_image_kind {
  PVH_IMAGE_MEMORY = 0, /* bytes in memory: a caller buffer or a stream read at open */
  PVH_IMAGE_FILE = 1,   /* a regular file read with pread */
};

struct pvh_image {
  enum pvh_image_kind kind;
  const uint8_t *data; /* PVH_IMAGE_MEMORY: the bytes (NULL when empty); FILE: NULL */
  uint64_t size;       /* bytes in the image; for a file, its size when opened */
  int fd;              /* PVH_IMAGE_FILE: a descriptor the image owns; else -1 */
  void *owned;         /* a stream's bytes read at open (freed on close), else NULL */
  char name[128];      /* for messages: file name or the buffer's name */
};

/* Wraps a caller-owned buffer, without copying; the buffer must outlive the
 * image and must not change while a load reads it. Never fails. */
PVH_API void pvh_image_from_buffer(struct pvh_image *img, const void *data, size_t size, const char *name);

/* Opens a regular file for reading: pvh_image_open_opts(img, path, NULL, err). */
PVH_API enum pvh_err pvh_image_open(struct pvh_image *img, const char *path, struct pvh_error *err);

/* Opens `path` (O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY) and judges it by
 * fstat: a regular file becomes a file source of its current size (an empty
 * file is a valid, empty image); a directory is refused; a FIFO, character
 * device or socket is refused at once unless opts allows streams (then it is
 * opened blocking and read to EOF into memory the image owns). Errors:
 * PVH_E_IO (open/stat/read failure, wrong file type, a stream reaching
 * stream_max), PVH_E_INVALID_ARG (no path, unknown flags), PVH_E_NOMEM. On
 * error *img is empty and need not be closed (closing it is harmless).
 * Release with pvh_image_close. */
PVH_API enum pvh_err pvh_image_open_opts(struct pvh_image *img, const char *path,
                                         const struct pvh_image_opts *opts, struct pvh_error *err);

/* The same for a descriptor the caller already has (a file handed over a
 * socket, say): the image reads a duplicate (F_DUPFD_CLOEXEC) and the caller
 * keeps and closes `fd`. `name` is for messages. A stream is read from the
 * descriptor's current position. */
PVH_API enum pvh_err pvh_image_from_fd(struct pvh_image *img, int fd, const char *name,
                                       const struct pvh_image_opts *opts, struct pvh_error *err);

/* Closes the descriptor and frees a stream's bytes, if any. Safe on a zeroed,
 * closed or buffer image (the caller's buffer is left alone) and twice. */
PVH_API void pvh_image_close(struct pvh_image *img);

/* True if [off, off+len) lies entirely inside the image (overflow-safe). */
PVH_API int pvh_image_contains(const struct pvh_image *img, uint64_t off, uint64_t len);

/* Copies image bytes [off, off+len) to dst. Errors: PVH_E_IO when the range is
 * not inside the image, the file ends before off+len (it shrank since it was
 * opened) or the read fails; the message names the image, the offset and the
 * reason. dst may be NULL when len is 0. */
PVH_API enum pvh_err pvh_image_read(const struct pvh_image *img, uint64_t off, uint64_t len, void *dst,
                                    struct pvh_error *err);

#ifdef __cplusplus
}
#endif
#endif
