/* SPDX-License-Identifier: MIT */
/* Image sources. A file is mapped once, read-only and private: a 60 MB vmlinux
 * is never read twice nor copied through a bounce buffer; the loader hands
 * pointers into the mapping straight to the bus. */
#include "pvh/image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_name(struct pvh_image *img, const char *name) {
  snprintf(img->name, sizeof(img->name), "%s", name ? name : "<buffer>");
}

void pvh_image_from_buffer(struct pvh_image *img, const void *data, size_t size, const char *name) {
  memset(img, 0, sizeof(*img));
  img->data = data;
  img->size = data ? size : 0;
  set_name(img, name);
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
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return pvh_fail(err, PVH_E_IO, "%s is not a regular file", path);
  }
  if (st.st_size == 0) { /* mmap of 0 bytes fails; an empty image is still an image */
    close(fd);
    return PVH_OK;
  }
  if ((uint64_t)st.st_size > (uint64_t)SIZE_MAX) {
    close(fd);
    return pvh_fail(err, PVH_E_IO, "%s is too large to map (%lld bytes)", path, (long long)st.st_size);
  }
  void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  int e = errno;
  close(fd); /* the mapping keeps the file alive */
  if (map == MAP_FAILED)
    return pvh_fail(err, PVH_E_IO, "cannot map %s: %s", path, strerror(e));
  img->map_base = map;
  img->map_len = (size_t)st.st_size;
  img->data = map;
  img->size = (uint64_t)st.st_size;
  return PVH_OK;
}

void pvh_image_close(struct pvh_image *img) {
  if (img->map_base)
    munmap(img->map_base, img->map_len);
  img->map_base = NULL;
  img->map_len = 0;
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
