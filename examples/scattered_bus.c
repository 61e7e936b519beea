/* SPDX-License-Identifier: MIT */
/* A custom libpvh memory bus, for a VMM whose guest RAM is not one flat host
 * mapping: here guest RAM is backed by separate 2 MiB host chunks, allocated
 * on first write (as with per-slot or hugepage-granular backing). The example
 * loads each KERNEL through this bus and through libpvh's flat bus, then
 * checks that guest memory is the same byte for byte.
 *
 *   usage: scattered_bus KERNEL...      exit: 0 same bytes, 1 otherwise
 *
 * The bus contract (pvh/bus.h), as this bus relies on it:
 *  - bus.regions is the guest memory map: libpvh plans against it and hands
 *    it to the guest. Every write lies inside RAM of that map; it was checked
 *    before the first write, so a write the bus cannot serve means the map and
 *    the backing disagree. Return -1: pvh_load fails with PVH_E_BUS.
 *  - No write happens before the whole load is validated: a rejected kernel
 *    never reaches the bus.
 *  - A write can be long (a whole PT_LOAD) and can cross any boundary of the
 *    bus's own (chunks here): split it.
 *  - src is valid only during the call (it points into the kernel image or
 *    the plan): copy the bytes, do not keep the pointer.
 *  - zero() must really write zeros (BSS): guest RAM may not be fresh.
 *  - Calls come from the thread calling pvh_load, one at a time, in plan
 *    order; the bus needs no locking for libpvh's sake. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pvh/loader.h>

#define RAM_SIZE (256ull << 20)
#define CHUNK (2ull << 20)
#define NR_CHUNKS (RAM_SIZE / CHUNK)

struct scattered {
  struct pvh_bus bus;
  uint8_t *chunk[NR_CHUNKS]; /* NULL until written */
  uint64_t calls;
};

/* Copies (src) or zeroes (src NULL) [gpa, gpa+len), chunk by chunk. */
static int scattered_access(struct scattered *s, uint64_t gpa, const uint8_t *src, uint64_t len) {
  if (gpa > RAM_SIZE || len > RAM_SIZE - gpa)
    return -1; /* outside the backing: the map and the memory disagree */
  s->calls++;
  while (len) {
    uint64_t i = gpa / CHUNK, off = gpa % CHUNK, n = CHUNK - off < len ? CHUNK - off : len;
    if (!s->chunk[i] && !(s->chunk[i] = calloc(1, CHUNK)))
      return -1;
    if (src) {
      memcpy(s->chunk[i] + off, src, n);
      src += n;
    } else {
      memset(s->chunk[i] + off, 0, n);
    }
    gpa += n;
    len -= n;
  }
  return 0;
}

static int scattered_write(void *ctx, uint64_t gpa, const void *src, uint64_t len) {
  return scattered_access(ctx, gpa, src, len);
}

static int scattered_zero(void *ctx, uint64_t gpa, uint64_t len) {
  return scattered_access(ctx, gpa, NULL, len);
}

static const struct pvh_bus_ops scattered_ops = {scattered_write, scattered_zero,
                                                 NULL}; /* no place: it stores bytes */

static int check(const char *path, const struct pvh_mem_region *map, size_t nmap, uint8_t *flat_ram) {
  struct pvh_image kernel;
  struct pvh_error err;
  if (pvh_image_open(&kernel, path, &err) != PVH_OK) {
    fprintf(stderr, "scattered_bus: %s: %s\n", pvh_err_name(err.code), err.message);
    return 1;
  }
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  cfg.cmdline = "console=ttyS0";

  static struct scattered s;
  memset(&s, 0, sizeof(s));
  s.bus = (struct pvh_bus){.ops = &scattered_ops, .ctx = &s, .regions = map, .nr_regions = nmap};
  struct pvh_flat_bus flat;
  pvh_flat_bus_init(&flat, map, nmap);
  pvh_flat_bus_add_slot(&flat, 0, RAM_SIZE, flat_ram);
  memset(flat_ram, 0, RAM_SIZE);

  struct pvh_plan p1, p2;
  enum pvh_err rc1 = pvh_load(&kernel, &cfg, &s.bus, &p1, &err);
  enum pvh_err rc2 = rc1 == PVH_OK ? pvh_load(&kernel, &cfg, &flat.bus, &p2, &err) : rc1;
  int bad = rc1 != PVH_OK || rc2 != PVH_OK;
  if (bad)
    fprintf(stderr, "scattered_bus: %s: %s: %s\n", path, pvh_err_name(err.code), err.message);
  unsigned touched = 0;
  for (uint64_t i = 0; !bad && i < NR_CHUNKS; i++) {
    if (s.chunk[i]) {
      touched++;
      bad = memcmp(s.chunk[i], flat_ram + i * CHUNK, CHUNK) != 0;
    } else {
      for (uint64_t b = 0; b < CHUNK && !bad; b++)
        bad = flat_ram[i * CHUNK + b] != 0; /* never written by one, so never by the other */
    }
    if (bad)
      fprintf(stderr, "scattered_bus: %s: guest bytes differ in chunk %llu\n", path, (unsigned long long)i);
  }
  if (!bad)
    printf("scattered_bus: %s: entry 0x%llx, %llu bus calls over %u of %llu chunks, same bytes as the flat "
           "bus\n",
           path, (unsigned long long)p1.entry.rip, (unsigned long long)s.calls, touched,
           (unsigned long long)NR_CHUNKS);
  if (rc1 == PVH_OK)
    pvh_plan_free(&p1);
  if (rc2 == PVH_OK && rc1 == PVH_OK)
    pvh_plan_free(&p2);
  for (uint64_t i = 0; i < NR_CHUNKS; i++)
    free(s.chunk[i]);
  pvh_image_close(&kernel);
  return bad;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: scattered_bus KERNEL...\n");
    return 2;
  }
  struct pvh_mem_region map[8];
  size_t nmap = pvh_memmap_standard(RAM_SIZE, map, 8);
  uint8_t *flat_ram = malloc(RAM_SIZE);
  if (!flat_ram)
    return 1;
  int rc = 0;
  for (int i = 1; i < argc; i++)
    rc |= check(argv[i], map, nmap, flat_ram);
  free(flat_ram);
  return rc;
}
