/* SPDX-License-Identifier: MIT */
/* The memory bus: the only way the loader touches guest memory. The same loader
 * runs against a recording bus (tests, fuzzing, `pvhcheck inspect`) and against
 * real guest RAM (the flat bus a VMM lays over its RAM slots). */
#ifndef PVH_BUS_H
#define PVH_BUS_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/error.h"
#include "pvh/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* E820 / hvm_memmap_table_entry types. */
enum pvh_mem_type {
  PVH_MEM_RAM = 1,
  PVH_MEM_RESERVED = 2,
  PVH_MEM_ACPI = 3,
  PVH_MEM_NVS = 4,
  PVH_MEM_UNUSABLE = 5,
  PVH_MEM_DISABLED = 6,
  PVH_MEM_PMEM = 7,
};

struct pvh_mem_region {
  uint64_t addr;
  uint64_t size;
  uint32_t type; /* enum pvh_mem_type */
};

/* A custom bus (examples/scattered_bus.c shows one) implements write and
 * zero. libpvh calls them only from pvh_load / pvh_plan_commit, after the
 * whole plan was validated against bus->regions, from the calling thread, one
 * call at a time, in plan order. Every range lies in RAM of bus->regions and
 * below 4 GiB, but may cross any boundary of the bus's own backing (split it).
 * One planned write may arrive as several consecutive calls (bytes read from
 * a file come in chunks). src is valid only during the call: copy it. zero()
 * must write zeros (guest RAM may be reused). Return -1 only when the backing
 * cannot serve the range; pvh_load then fails with PVH_E_BUS. */
struct pvh_bus_ops {
  /* Copy len bytes to guest physical address gpa. Return 0 or -1. */
  int (*write)(void *ctx, uint64_t gpa, const void *src, uint64_t len);
  /* Zero len bytes at gpa. Return 0 or -1. */
  int (*zero)(void *ctx, uint64_t gpa, uint64_t len);
  /* Optional; NULL for every bus that stores bytes. A bus that records where
   * bytes go and not what they are sets it: PT_LOAD file bytes and the
   * initramfs are then not read from their images at all, and place() gets
   * each range once instead of write(). Return 0 or -1, as write(). */
  int (*place)(void *ctx, uint64_t gpa, uint64_t len);
};

struct pvh_bus {
  const struct pvh_bus_ops *ops;
  void *ctx;
  /* The guest memory map this bus stands for: what the loader plans against and
   * what it hands the guest in start_info. Need not be sorted. */
  const struct pvh_mem_region *regions;
  size_t nr_regions;
};

/* ---- Flat bus: guest RAM backed by host memory slots (what a VMM maps). ---- */

#define PVH_FLAT_BUS_MAX_SLOTS 8

struct pvh_flat_slot {
  uint64_t gpa;
  uint64_t size;
  uint8_t *host;
};

struct pvh_flat_bus {
  struct pvh_bus bus;
  struct pvh_flat_slot slots[PVH_FLAT_BUS_MAX_SLOTS];
  size_t nr_slots;
};

/* Initialises an empty flat bus over the given memory map. The map is kept by
 * pointer (it must outlive the bus); the bus allocates nothing and needs no
 * free. The host memory of each slot is the caller's. */
PVH_API void pvh_flat_bus_init(struct pvh_flat_bus *fb, const struct pvh_mem_region *regions,
                               size_t nr_regions);
/* Adds host memory backing [gpa, gpa+size), kept by pointer. Returns 0, or -1
 * when PVH_FLAT_BUS_MAX_SLOTS are in use, size is 0, host is NULL, the range
 * wraps or overlaps a slot. A write must fall inside one slot. */
PVH_API int pvh_flat_bus_add_slot(struct pvh_flat_bus *fb, uint64_t gpa, uint64_t size, uint8_t *host);
/* Host pointer for [gpa, gpa+len) inside one slot, or NULL. Never fails otherwise. */
PVH_API uint8_t *pvh_flat_bus_host(const struct pvh_flat_bus *fb, uint64_t gpa, uint64_t len);

/* ---- Recording bus: remembers every write; cheap for any RAM size. ---- */

struct pvh_rec_write {
  uint64_t gpa;
  uint64_t len;
  uint64_t hash; /* FNV-1a 64 of the bytes written (zeros for a zero-fill; 0 when placed) */
  int is_zero;   /* written by ops->zero */
  int placed;    /* image bytes placed, never read (pvh_rec_bus_placement_only) */
  uint8_t *data; /* copy of the bytes when keep_data, else NULL */
};

struct pvh_rec_bus {
  struct pvh_bus bus;
  struct pvh_rec_write *writes;
  size_t nr_writes, cap_writes;
  int keep_data;       /* keep a copy of written bytes (tests, fuzzing) */
  int skip_hash;       /* leave hash 0 for data writes: a fuzzer that reads kept bytes and
                        * needs the digest only now and then saves hashing every byte */
  uint64_t keep_limit; /* stop copying past this many bytes in total (0 = unlimited) */
  uint64_t kept_bytes;
  uint64_t total_bytes; /* bytes written, all calls */
  int out_of_ram;       /* a write fell outside RAM: the bus refused it */
  int failed;           /* allocation failure inside the recorder */
};

/* An empty recording bus over the memory map (kept by pointer). Writes outside
 * RAM of the map are refused (out_of_ram). Allocation failures set `failed`
 * and refuse the write. Free with pvh_rec_bus_free. */
PVH_API void pvh_rec_bus_init(struct pvh_rec_bus *rb, const struct pvh_mem_region *regions, size_t nr_regions,
                              int keep_data);
/* Makes the bus record image bytes by placement only (ops->place): a load
 * then reads the kernel's headers and notes, never its segments or the
 * initramfs, and costs the same memory for any kernel size. What `pvhcheck
 * inspect` uses; such writes read back as unknown (pvh_rec_bus_read -1). */
PVH_API void pvh_rec_bus_placement_only(struct pvh_rec_bus *rb);
PVH_API void pvh_rec_bus_reset(struct pvh_rec_bus *rb); /* forget writes, keep config */
/* Frees the recorded writes; safe twice. */
PVH_API void pvh_rec_bus_free(struct pvh_rec_bus *rb);
/* Reconstructs guest bytes [gpa, gpa+len) from the kept writes, later writes
 * winning; bytes never written read as `fill`. Returns 0, or -1 if any byte in
 * range was written by a write whose data was not kept. */
PVH_API int pvh_rec_bus_read(const struct pvh_rec_bus *rb, uint64_t gpa, void *dst, uint64_t len,
                             uint8_t fill);
/* A digest of all writes in order (gpa, len, hash): equal digests, equal effects. */
PVH_API uint64_t pvh_rec_bus_digest(const struct pvh_rec_bus *rb);

/* FNV-1a 64, exposed for oracles that hash file bytes the same way. */
PVH_API uint64_t pvh_fnv1a64(uint64_t h, const void *data, uint64_t len);
#define PVH_FNV1A64_INIT 0xcbf29ce484222325ULL

#ifdef __cplusplus
}
#endif
#endif
