/* SPDX-License-Identifier: MIT */
/* Flat bus: guest physical ranges backed by host memory (e.g. KVM's mmap'd
 * guest RAM). A write must fall inside one slot; anything else is refused. */
#include <string.h>

#include "le.h"
#include "pvh/bus.h"

uint8_t *pvh_flat_bus_host(const struct pvh_flat_bus *fb, uint64_t gpa, uint64_t len) {
  uint64_t end;
  if (add_overflows(gpa, len, &end))
    return NULL;
  for (size_t i = 0; i < fb->nr_slots; i++) {
    const struct pvh_flat_slot *s = &fb->slots[i];
    if (gpa >= s->gpa && end - s->gpa <= s->size)
      return s->host + (gpa - s->gpa);
  }
  return NULL;
}

static int flat_write(void *ctx, uint64_t gpa, const void *src, uint64_t len) {
  uint8_t *dst = pvh_flat_bus_host(ctx, gpa, len);
  if (!dst || len > SIZE_MAX)
    return -1;
  memcpy(dst, src, (size_t)len);
  return 0;
}

static int flat_zero(void *ctx, uint64_t gpa, uint64_t len) {
  uint8_t *dst = pvh_flat_bus_host(ctx, gpa, len);
  if (!dst || len > SIZE_MAX)
    return -1;
  memset(dst, 0, (size_t)len);
  return 0;
}

static const struct pvh_bus_ops flat_ops = {flat_write, flat_zero, NULL};

void pvh_flat_bus_init(struct pvh_flat_bus *fb, const struct pvh_mem_region *regions, size_t nr_regions) {
  memset(fb, 0, sizeof(*fb));
  fb->bus.ops = &flat_ops;
  fb->bus.ctx = fb;
  fb->bus.regions = regions;
  fb->bus.nr_regions = nr_regions;
}

int pvh_flat_bus_add_slot(struct pvh_flat_bus *fb, uint64_t gpa, uint64_t size, uint8_t *host) {
  uint64_t end;
  if (fb->nr_slots >= PVH_FLAT_BUS_MAX_SLOTS || size == 0 || !host || add_overflows(gpa, size, &end))
    return -1;
  for (size_t i = 0; i < fb->nr_slots; i++) {
    const struct pvh_flat_slot *s = &fb->slots[i];
    if (gpa < s->gpa + s->size && s->gpa < end)
      return -1;
  }
  fb->slots[fb->nr_slots++] = (struct pvh_flat_slot){gpa, size, host};
  return 0;
}
