/* SPDX-License-Identifier: MIT */
/* Image sources. pvh_image_open reads the whole file into memory the image
 * owns. It does not map the file: a mapped file that shrinks (or whose storage
 * fails) after the bounds were checked kills the reader with SIGBUS on the next
 * touch, and a VMM loading a tenant's file must not be crashable that way. The
 * copy costs one read of the file (measured in docs/embedding.md); after it,
 * what the parsers check is what the bus writes, whatever happens to the file. */
#define _GNU_SOURCE /* mremap: streams grow in place */
#include "pvh/image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Streams (pipes, FIFOs, character devices) have no size up front: the buffer
 * grows by doubling from this, up to PVH_IMAGE_MAX_SIZE. */
#define STREAM_FIRST_CHUNK (1u << 20)

static void set_name(struct pvh_image *img, const char *name) {
  snprintf(img->name, sizeof(img->name), "%s", name ? name : "<buffer>");
}

void pvh_image_from_buffer(struct pvh_image *img, const void *data, size_t size, const char *name) {
  memset(img, 0, sizeof(*img));
  img->data = data;
  img->size = data ? size : 0;
  set_name(img, name);
}

/* Image buffers are anonymous mappings: a 53 MB vmlinux in 2 MiB pages (where
 * the kernel allows transparent huge pages on request) takes ~100 page faults
 * to fill instead of ~13000. */
static uint8_t *alloc_image(size_t len) {
  void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return NULL;
#ifdef MADV_HUGEPAGE
  if (len >= (2u << 20))
    madvise(p, len, MADV_HUGEPAGE); /* a hint: failure only costs speed */
#endif
  return p;
}

static void free_image(void *p, size_t len) {
  if (p)
    munmap(p, len);
}

/* Reads until EOF or `want` bytes into buf[*got..want). Returns 0, or an errno. */
static int read_upto(int fd, uint8_t *buf, size_t want, size_t *got) {
  while (*got < want) {
    ssize_t r = read(fd, buf + *got, want - *got);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    if (r == 0)
      break;
    *got += (size_t)r;
  }
  return 0;
}

/* A regular file: exactly st_size bytes. Fewer (the file shrank) or more (it
 * grew) while reading is an I/O error: the bytes would not be one version. */
static enum pvh_err read_regular(int fd, const char *path, uint64_t size, uint8_t **out, size_t *out_len,
                                 struct pvh_error *err) {
  if (size > PVH_IMAGE_MAX_SIZE)
    return pvh_fail(err, PVH_E_IO, "%s is %llu bytes, more than the %llu-byte image limit", path,
                    (unsigned long long)size, (unsigned long long)PVH_IMAGE_MAX_SIZE);
  uint8_t *buf = alloc_image((size_t)size);
  if (!buf)
    return pvh_fail(err, PVH_E_NOMEM, "cannot allocate %llu bytes for %s", (unsigned long long)size, path);
  size_t got = 0;
  uint8_t probe;
  size_t extra = 0;
  int e = read_upto(fd, buf, (size_t)size, &got);
  if (!e && got == size)
    e = read_upto(fd, &probe, 1, &extra);
  if (e || got != size || extra) {
    free_image(buf, (size_t)size);
    if (e)
      return pvh_fail(err, PVH_E_IO, "cannot read %s: %s", path, strerror(e));
    return pvh_fail(err, PVH_E_IO, "%s changed size while being read (%s %llu bytes)", path,
                    got != size ? "read" : "more than", (unsigned long long)got);
  }
  *out = buf;
  *out_len = got;
  return PVH_OK;
}

/* A stream: everything up to EOF. *cap_out is the length of the mapping. */
static enum pvh_err read_stream(int fd, const char *path, uint8_t **out, size_t *out_len, size_t *cap_out,
                                struct pvh_error *err) {
  uint8_t *buf = NULL;
  size_t cap = 0, got = 0;
  for (;;) {
    if (got == cap) {
      if (cap >= PVH_IMAGE_MAX_SIZE) {
        free_image(buf, cap);
        return pvh_fail(err, PVH_E_IO, "%s is longer than the %llu-byte image limit", path,
                        (unsigned long long)PVH_IMAGE_MAX_SIZE);
      }
      size_t ncap = cap ? cap * 2 : STREAM_FIRST_CHUNK;
      if (ncap > PVH_IMAGE_MAX_SIZE)
        ncap = (size_t)PVH_IMAGE_MAX_SIZE;
      void *nbuf = buf ? mremap(buf, cap, ncap, MREMAP_MAYMOVE) : alloc_image(ncap);
      if (!nbuf || nbuf == MAP_FAILED) {
        free_image(buf, cap);
        return pvh_fail(err, PVH_E_NOMEM, "cannot grow the buffer for %s to %zu bytes", path, ncap);
      }
      buf = nbuf;
      cap = ncap;
    }
    size_t before = got;
    int e = read_upto(fd, buf, cap, &got);
    if (e) {
      free_image(buf, cap);
      return pvh_fail(err, PVH_E_IO, "cannot read %s: %s", path, strerror(e));
    }
    if (got < cap || got == before)
      break; /* EOF */
  }
  if (got == 0) { /* an empty stream is an empty image, like an empty file */
    free_image(buf, cap);
    buf = NULL;
    cap = 0;
  }
  *out = buf;
  *out_len = got;
  *cap_out = cap;
  return PVH_OK;
}

enum pvh_err pvh_image_open(struct pvh_image *img, const char *path, struct pvh_error *err) {
  memset(img, 0, sizeof(*img));
  set_name(img, path);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return pvh_fail(err, PVH_E_IO, "cannot open %s: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return pvh_fail(err, PVH_E_IO, "cannot stat %s: %s", path, strerror(e));
  }
  if (S_ISDIR(st.st_mode)) {
    close(fd);
    return pvh_fail(err, PVH_E_IO, "%s is a directory", path);
  }
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0;
  /* A regular file of size 0 may still have contents (procfs, sysfs): read it
   * as a stream, which also makes a truly empty file an empty image. */
  enum pvh_err rc = S_ISREG(st.st_mode) && st.st_size > 0
                        ? read_regular(fd, path, (uint64_t)st.st_size, &buf, &len, err)
                        : read_stream(fd, path, &buf, &len, &cap, err);
  if (rc == PVH_OK && !cap)
    cap = len;
  close(fd);
  if (rc != PVH_OK)
    return rc;
  img->owned = buf;
  img->owned_len = cap;
  img->data = buf;
  img->size = len;
  return PVH_OK;
}

void pvh_image_close(struct pvh_image *img) {
  free_image(img->owned, img->owned_len);
  img->owned = NULL;
  img->owned_len = 0;
  img->data = NULL;
  img->size = 0;
}

const uint8_t *pvh_image_bytes(const struct pvh_image *img, uint64_t off, uint64_t len) {
  static const uint8_t empty[1];
  if (off > img->size || len > img->size - off)
    return NULL;
  if (!img->data) /* an empty image: only the empty range at 0 exists */
    return empty;
  return img->data + off;
}
