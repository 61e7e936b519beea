/* SPDX-License-Identifier: MIT */
/* Image sources. A regular file is read with pread when its bytes are needed:
 * it is never mapped (a mapped file that shrinks or whose storage fails kills
 * the reader with SIGBUS on the next touch, and a VMM loading a tenant's file
 * must not be crashable that way) and never copied whole (memory stays
 * bounded whatever the file's size). Anything else is refused at once unless
 * the caller allows streams, which are then read to EOF into memory. */
#include "pvh/image.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* An opted-in stream has no size up front: its buffer grows by doubling from
 * this, up to PVH_IMAGE_STREAM_MAX. */
#define STREAM_FIRST_CHUNK (1u << 20)

static void set_name(struct pvh_image *img, const char *name) {
  snprintf(img->name, sizeof(img->name), "%s", name ? name : "<buffer>");
}

static void reset(struct pvh_image *img, const char *name) {
  memset(img, 0, sizeof(*img));
  img->kind = PVH_IMAGE_MEMORY;
  img->fd = -1;
  set_name(img, name);
}

void pvh_image_from_buffer(struct pvh_image *img, const void *data, size_t size, const char *name) {
  reset(img, name);
  img->data = data;
  img->size = data ? size : 0;
}

static const char *type_name(mode_t mode) {
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISFIFO(mode))
    return "a FIFO (pipe)";
  if (S_ISCHR(mode))
    return "a character device";
  if (S_ISSOCK(mode))
    return "a socket";
  return "a special file";
}

/* Waits until a non-blocking stream has bytes or EOF (a descriptor handed to
 * pvh_image_from_fd may be non-blocking; the caller allowed streams, so
 * waiting is what was asked for). Returns 0 or an errno. */
static int wait_readable(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  while (poll(&p, 1, -1) < 0)
    if (errno != EINTR)
      return errno;
  return 0;
}

/* Reads a stream to EOF into memory; it must be shorter than `max` bytes. */
static enum pvh_err read_stream(struct pvh_image *img, int fd, uint64_t max, struct pvh_error *err) {
  uint8_t *buf = NULL;
  size_t cap = 0, got = 0;
  for (;;) {
    if (got == cap) {
      if (cap >= max) {
        free(buf);
        return pvh_fail(err, PVH_E_IO, "%s reaches the %llu-byte limit for streams", img->name,
                        (unsigned long long)max);
      }
      size_t ncap = cap ? cap * 2 : STREAM_FIRST_CHUNK;
      if (ncap > max)
        ncap = (size_t)max;
      uint8_t *nbuf = realloc(buf, ncap);
      if (!nbuf) {
        free(buf);
        return pvh_fail(err, PVH_E_NOMEM, "cannot grow the buffer for %s to %zu bytes", img->name, ncap);
      }
      buf = nbuf;
      cap = ncap;
    }
    ssize_t r = read(fd, buf + got, cap - got);
    if (r > 0) {
      got += (size_t)r;
      continue;
    }
    if (r == 0)
      break; /* EOF */
    int e = errno;
    if (e == EAGAIN)
      e = wait_readable(fd);
    else if (e == EINTR)
      e = 0;
    if (e) {
      free(buf);
      return pvh_fail(err, PVH_E_IO, "cannot read %s: %s", img->name, strerror(e));
    }
  }
  if (got == 0) { /* an empty stream is an empty image, like an empty file */
    free(buf);
    buf = NULL;
  }
  img->owned = buf;
  img->data = buf;
  img->size = got;
  return PVH_OK;
}

/* Takes ownership of fd (closed unless it became the file source) and makes
 * *img a source for it. */
static enum pvh_err adopt(struct pvh_image *img, int fd, const struct pvh_image_opts *o,
                          struct pvh_error *err) {
  struct stat st;
  enum pvh_err rc = PVH_OK;
  if (fstat(fd, &st) != 0) {
    rc = pvh_fail(err, PVH_E_IO, "cannot stat %s: %s", img->name, strerror(errno));
  } else if (S_ISREG(st.st_mode)) {
    img->kind = PVH_IMAGE_FILE;
    img->fd = fd;
    img->size = (uint64_t)st.st_size;
    return PVH_OK;
  } else if (S_ISDIR(st.st_mode) || !(o->flags & PVH_IMAGE_ALLOW_STREAMS)) {
    rc = pvh_fail(err, PVH_E_IO, "%s is %s, not a regular file", img->name, type_name(st.st_mode));
  } else {
    rc = read_stream(img, fd, o->stream_max ? o->stream_max : PVH_IMAGE_STREAM_MAX, err);
  }
  close(fd);
  return rc;
}

static const struct pvh_image_opts default_opts = {0, 0};

/* The options, or why they are not usable. */
static const struct pvh_image_opts *check_opts(const struct pvh_image_opts *opts, const char *fn,
                                               struct pvh_error *err) {
  if (!opts)
    return &default_opts;
  if (opts->flags & ~PVH_IMAGE_ALLOW_STREAMS) {
    pvh_fail(err, PVH_E_INVALID_ARG, "%s: unknown flags 0x%x", fn, opts->flags);
    return NULL;
  }
  return opts;
}

enum pvh_err pvh_image_open_opts(struct pvh_image *img, const char *path, const struct pvh_image_opts *opts,
                                 struct pvh_error *err) {
  reset(img, path);
  const struct pvh_image_opts *o = check_opts(opts, "pvh_image_open_opts", err);
  if (!o)
    return PVH_E_INVALID_ARG;
  if (!path)
    return pvh_fail(err, PVH_E_INVALID_ARG, "pvh_image_open_opts needs a path");
  /* O_NONBLOCK: opening a FIFO without a writer (or a device that waits)
   * must not block before fstat can refuse it. Streams the caller allows are
   * opened blocking: waiting for a writer is then what was asked for. */
  int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | ((o->flags & PVH_IMAGE_ALLOW_STREAMS) ? 0 : O_NONBLOCK);
  int fd = open(path, oflags);
  if (fd < 0)
    return pvh_fail(err, PVH_E_IO, "cannot open %s: %s", img->name, strerror(errno));
  enum pvh_err rc = adopt(img, fd, o, err);
  if (rc != PVH_OK)
    reset(img, path);
  return rc;
}

enum pvh_err pvh_image_open(struct pvh_image *img, const char *path, struct pvh_error *err) {
  return pvh_image_open_opts(img, path, NULL, err);
}

enum pvh_err pvh_image_from_fd(struct pvh_image *img, int fd, const char *name,
                               const struct pvh_image_opts *opts, struct pvh_error *err) {
  const char *label = name ? name : "<descriptor>";
  reset(img, label);
  const struct pvh_image_opts *o = check_opts(opts, "pvh_image_from_fd", err);
  if (!o)
    return PVH_E_INVALID_ARG;
  int dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0)
    return pvh_fail(err, PVH_E_IO, "cannot duplicate descriptor %d for %s: %s", fd, img->name,
                    strerror(errno));
  enum pvh_err rc = adopt(img, dup, o, err);
  if (rc != PVH_OK)
    reset(img, label);
  return rc;
}

void pvh_image_close(struct pvh_image *img) {
  if (img->kind == PVH_IMAGE_FILE && img->fd >= 0)
    close(img->fd);
  free(img->owned);
  img->kind = PVH_IMAGE_MEMORY;
  img->fd = -1;
  img->owned = NULL;
  img->data = NULL;
  img->size = 0;
}

int pvh_image_contains(const struct pvh_image *img, uint64_t off, uint64_t len) {
  return off <= img->size && len <= img->size - off;
}

enum pvh_err pvh_image_read(const struct pvh_image *img, uint64_t off, uint64_t len, void *dst,
                            struct pvh_error *err) {
  if (!pvh_image_contains(img, off, len))
    return pvh_fail(err, PVH_E_IO, "%s: bytes 0x%llx+0x%llx are outside its %llu bytes", img->name,
                    (unsigned long long)off, (unsigned long long)len, (unsigned long long)img->size);
  if (len == 0)
    return PVH_OK;
  if (img->kind != PVH_IMAGE_FILE) {
    memcpy(dst, img->data + off, (size_t)len);
    return PVH_OK;
  }
  /* len <= size, and a regular file's size fits off_t (so also ssize_t):
   * neither the offsets nor the counts below can overflow. */
  uint8_t *out = dst;
  uint64_t done = 0;
  while (done < len) {
    uint64_t want = len - done;
    ssize_t r = pread(img->fd, out + done, (size_t)want, (off_t)(off + done));
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return pvh_fail(err, PVH_E_IO, "cannot read %s at offset 0x%llx: %s", img->name,
                      (unsigned long long)(off + done), strerror(errno));
    if (r == 0)
      return pvh_fail(err, PVH_E_IO,
                      "%s ends at byte 0x%llx, before 0x%llx+0x%llx: it was %llu bytes when opened (did it "
                      "shrink?)",
                      img->name, (unsigned long long)(off + done), (unsigned long long)off,
                      (unsigned long long)len, (unsigned long long)img->size);
    done += (uint64_t)r;
  }
  return PVH_OK;
}
