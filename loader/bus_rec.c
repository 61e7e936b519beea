/* SPDX-License-Identifier: MIT */
/* Recording bus: stores a log of writes instead of guest memory, so a map that
 * says 4 GiB of RAM costs nothing. Each write is hashed; with keep_data the bytes
 * are copied too, so tests and oracles can read guest memory back. */
#include <stdlib.h>
#include <string.h>

#include "le.h"
#include "pvh/bus.h"
#include "pvh/memmap.h"

uint64_t pvh_fnv1a64(uint64_t h, const void *data, uint64_t len) {
  const uint8_t *p = data;
  for (uint64_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

/* FNV-1a of `len` zero bytes: xor with 0 is a no-op, so the hash is h * P^len
 * (mod 2^64). Square-and-multiply keeps a 3 GiB BSS as cheap as a 3-byte one. */
static uint64_t fnv1a64_zeros(uint64_t h, uint64_t len) {
  uint64_t p = 0x100000001b3ull;
  while (len) {
    if (len & 1)
      h *= p;
    p *= p;
    len >>= 1;
  }
  return h;
}

static struct pvh_rec_write *rec_append(struct pvh_rec_bus *rb, uint64_t gpa, uint64_t len) {
  if (!pvh_memmap_is_ram(rb->bus.regions, rb->bus.nr_regions, gpa, len)) {
    rb->out_of_ram = 1;
    return NULL;
  }
  if (rb->nr_writes == rb->cap_writes) {
    size_t cap = rb->cap_writes ? rb->cap_writes * 2 : 16;
    struct pvh_rec_write *w = realloc(rb->writes, cap * sizeof(*w));
    if (!w) {
      rb->failed = 1;
      return NULL;
    }
    rb->writes = w;
    rb->cap_writes = cap;
  }
  struct pvh_rec_write *w = &rb->writes[rb->nr_writes++];
  memset(w, 0, sizeof(*w));
  w->gpa = gpa;
  w->len = len;
  rb->total_bytes += len;
  return w;
}

static int want_copy(struct pvh_rec_bus *rb, uint64_t len) {
  if (!rb->keep_data || len > SIZE_MAX)
    return 0;
  return rb->keep_limit == 0 || (rb->kept_bytes <= rb->keep_limit && len <= rb->keep_limit - rb->kept_bytes);
}

static int rec_write(void *ctx, uint64_t gpa, const void *src, uint64_t len) {
  struct pvh_rec_bus *rb = ctx;
  struct pvh_rec_write *w = rec_append(rb, gpa, len);
  if (!w)
    return -1;
  if (!rb->skip_hash)
    w->hash = pvh_fnv1a64(PVH_FNV1A64_INIT, src, len);
  if (want_copy(rb, len)) {
    w->data = malloc(len ? (size_t)len : 1);
    if (!w->data) {
      rb->failed = 1;
      return -1;
    }
    memcpy(w->data, src, (size_t)len);
    rb->kept_bytes += len;
  }
  return 0;
}

static int rec_zero(void *ctx, uint64_t gpa, uint64_t len) {
  struct pvh_rec_bus *rb = ctx;
  struct pvh_rec_write *w = rec_append(rb, gpa, len);
  if (!w)
    return -1;
  w->is_zero = 1;
  w->hash = fnv1a64_zeros(PVH_FNV1A64_INIT, len);
  return 0;
}

static int rec_place(void *ctx, uint64_t gpa, uint64_t len) {
  struct pvh_rec_write *w = rec_append(ctx, gpa, len);
  if (!w)
    return -1;
  w->placed = 1;
  return 0;
}

static const struct pvh_bus_ops rec_ops = {rec_write, rec_zero, NULL};
static const struct pvh_bus_ops rec_place_ops = {rec_write, rec_zero, rec_place};

void pvh_rec_bus_init(struct pvh_rec_bus *rb, const struct pvh_mem_region *regions, size_t nr_regions,
                      int keep_data) {
  memset(rb, 0, sizeof(*rb));
  rb->bus.ops = &rec_ops;
  rb->bus.ctx = rb;
  rb->bus.regions = regions;
  rb->bus.nr_regions = nr_regions;
  rb->keep_data = keep_data;
}

void pvh_rec_bus_placement_only(struct pvh_rec_bus *rb) { rb->bus.ops = &rec_place_ops; }

void pvh_rec_bus_reset(struct pvh_rec_bus *rb) {
  for (size_t i = 0; i < rb->nr_writes; i++)
    free(rb->writes[i].data);
  rb->nr_writes = 0;
  rb->kept_bytes = 0;
  rb->total_bytes = 0;
  rb->out_of_ram = 0;
  rb->failed = 0;
}

void pvh_rec_bus_free(struct pvh_rec_bus *rb) {
  pvh_rec_bus_reset(rb);
  free(rb->writes);
  rb->writes = NULL;
  rb->cap_writes = 0;
}

int pvh_rec_bus_read(const struct pvh_rec_bus *rb, uint64_t gpa, void *dst, uint64_t len, uint8_t fill) {
  uint64_t end;
  if (add_overflows(gpa, len, &end) || len > SIZE_MAX)
    return -1;
  uint8_t *out = dst;
  memset(out, fill, (size_t)len);
  for (size_t i = 0; i < rb->nr_writes; i++) { /* in order: later writes win */
    const struct pvh_rec_write *w = &rb->writes[i];
    uint64_t lo = w->gpa > gpa ? w->gpa : gpa;
    uint64_t w_end = w->gpa + w->len; /* cannot wrap: checked when recorded */
    uint64_t hi = w_end < end ? w_end : end;
    if (lo >= hi)
      continue;
    if (w->is_zero)
      memset(out + (lo - gpa), 0, (size_t)(hi - lo));
    else if (w->data)
      memcpy(out + (lo - gpa), w->data + (lo - w->gpa), (size_t)(hi - lo));
    else
      return -1;
  }
  return 0;
}

uint64_t pvh_rec_bus_digest(const struct pvh_rec_bus *rb) {
  uint64_t h = PVH_FNV1A64_INIT;
  for (size_t i = 0; i < rb->nr_writes; i++) {
    const struct pvh_rec_write *w = &rb->writes[i];
    uint8_t rec[24];
    for (int b = 0; b < 8; b++) {
      rec[b] = (uint8_t)(w->gpa >> (8 * b));
      rec[8 + b] = (uint8_t)(w->len >> (8 * b));
      rec[16 + b] = (uint8_t)(w->hash >> (8 * b));
    }
    h = pvh_fnv1a64(h, rec, sizeof(rec));
  }
  return h;
}
