/* SPDX-License-Identifier: MIT */
/* The memory map: how many entries (split pieces, or Firecracker's bare two),
 * their order, holes (RAM with no entry) and reserved islands inside RAM.
 * Holes and islands stay in the upper part of RAM, clear of the kernel, the
 * initramfs's usual spot and every placed boot-data area, so the loader
 * always has room. */
#include <inttypes.h>
#include <string.h>

#include "internal.h"

#define PAGE 0x1000ull

/* Where holes and islands may go: [lo, hi). */
static void cut_window(const struct conform_ctx *ctx, uint64_t *lo, uint64_t *hi) {
  uint64_t top = conform_low_top(ctx);
  uint64_t a = ctx->kernel_end + ctx->initramfs_size + 32 * PVH_MIB;
  uint64_t mid = ctx->kernel_end + (top - ctx->kernel_end) / 2;
  a = a > mid ? a : mid;
  *lo = (a + 0x1fffff) & ~0x1fffffull;
  *hi = top & ~(PAGE - 1);
  if (*lo > *hi)
    *lo = *hi;
}

static void gen_cuts(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream,
                     struct conform_range *cuts, uint32_t *nr, int islands) {
  struct conform_rng r;
  struct conform_range spots[8];
  size_t nspots = conform_case_spots(c, ctx, spots, 8);
  uint64_t lo, hi;
  conform_rng_seed(&r, stream);
  cut_window(ctx, &lo, &hi);
  *nr = 0;
  uint32_t want = (uint32_t)conform_rng_range(&r, 1, 4);
  for (int tries = 0; tries < 64 && *nr < want && hi - lo > 32 * PVH_MIB; tries++) {
    uint64_t size = conform_rng_range(&r, 1, 4096) * PAGE; /* 4 KiB .. 16 MiB */
    uint64_t a = conform_rng_range(&r, lo, hi - size) & ~(PAGE - 1);
    int ok = 1;
    for (size_t i = 0; ok && i < nspots; i++)
      ok = a + size <= spots[i].addr || spots[i].addr + spots[i].size <= a;
    /* Apart from each other, and islands apart from holes, so none merge. */
    for (uint32_t i = 0; ok && i < *nr; i++)
      ok = a + size + PAGE <= cuts[i].addr || cuts[i].addr + cuts[i].size + PAGE <= a;
    for (uint32_t i = 0; ok && islands && i < c->nr_holes; i++)
      ok = a + size + PAGE <= c->holes[i].addr || c->holes[i].addr + c->holes[i].size + PAGE <= a;
    if (!ok)
      continue;
    uint32_t type = 0;
    if (islands) {
      /* QEMU marks reserved ranges type 2; ACPI, NVS, unusable and PMEM
       * (3, 4, 5, 7) are real e820 types no VMM of the three puts in RAM. */
      static const uint32_t abi_types[] = {2, 3, 4, 5, 7};
      type = c->realm == CONFORM_REALM_ABI ? abi_types[conform_rng_range(&r, 0, 4)] : 2;
    }
    cuts[*nr].addr = a;
    cuts[*nr].size = size;
    cuts[*nr].type = type;
    (*nr)++;
  }
}

/* Holes are drawn before islands (table order); islands keep clear of them. */
void conform_gen_CV_MEMMAP_HOLES(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  gen_cuts(c, ctx, stream, c->holes, &c->nr_holes, 0);
}
void conform_gen_CV_MEMMAP_ISLANDS(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  gen_cuts(c, ctx, stream, c->islands, &c->nr_islands, 1);
}

static int desc_cuts(char *out, size_t cap, const char *what, const struct conform_range *cuts, uint32_t n) {
  int k = conform_fmt(out, cap, "%u %s", n, what);
  for (uint32_t i = 0; i < n; i++)
    k += conform_fmt(out + k, cap - (size_t)k, "%s[0x%" PRIx64 ", 0x%" PRIx64 ")%s%.0u", i ? ", " : " ",
                     cuts[i].addr, cuts[i].addr + cuts[i].size, cuts[i].type ? " type " : "", cuts[i].type);
  return k;
}
int conform_desc_CV_MEMMAP_HOLES(const struct conform_case *c, char *out, size_t cap) {
  return desc_cuts(out, cap, "holes in RAM", c->holes, c->nr_holes);
}
int conform_desc_CV_MEMMAP_ISLANDS(const struct conform_case *c, char *out, size_t cap) {
  return desc_cuts(out, cap, "islands in RAM", c->islands, c->nr_islands);
}

void conform_gen_CV_MEMMAP_ENTRIES(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  struct conform_rng r;
  (void)ctx;
  conform_rng_seed(&r, stream);
  c->split_seed = conform_rng_next(&r);
  if (c->realm == CONFORM_REALM_VMM) {
    c->memmap_entries = conform_rng_range(&r, 0, 2) == 0
                            ? CONFORM_MEMMAP_MIN
                            : (uint32_t)conform_rng_range(&r, 4, CONFORM_MEMMAP_VMM);
    return;
  }
  static const uint32_t marks[] = {CONFORM_MEMMAP_MIN, 129, 853, CONFORM_MEMMAP_ABI};
  uint64_t k = conform_rng_range(&r, 0, 5);
  c->memmap_entries = k < 4 ? marks[k] : (uint32_t)conform_rng_range(&r, 4, CONFORM_MEMMAP_ABI);
}

int conform_desc_CV_MEMMAP_ENTRIES(const struct conform_case *c, char *out, size_t cap) {
  if (c->memmap_entries == CONFORM_MEMMAP_MIN)
    return conform_fmt(out, cap, "memmap of 2 entries (low RAM, high RAM; no entry for the BIOS area)");
  return conform_fmt(out, cap, "memmap split into %u entries", c->memmap_entries);
}

void conform_gen_CV_MEMMAP_ORDER(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  struct conform_rng r;
  (void)ctx;
  conform_rng_seed(&r, stream);
  c->order = (enum conform_order)conform_rng_range(&r, CONFORM_ORDER_REVERSED, CONFORM_ORDER_RESERVED_FIRST);
  c->order_seed = conform_rng_next(&r);
}

int conform_desc_CV_MEMMAP_ORDER(const struct conform_case *c, char *out, size_t cap) {
  static const char *const names[] = {"sorted", "reversed", "shuffled",
                                      "non-RAM entries first (QEMU with KVM)"};
  return conform_fmt(out, cap, "memmap order: %s", names[c->order]);
}

/* ---- Building the map ---- */

/* Sets [a, a+size) to type (0: no entry) inside a sorted map of n regions. */
static int carve(struct pvh_mem_region *m, size_t *n, size_t cap, uint64_t a, uint64_t size, uint32_t type) {
  for (size_t i = 0; i < *n; i++) {
    struct pvh_mem_region r = m[i];
    if (a < r.addr || a + size > r.addr + r.size)
      continue;
    struct pvh_mem_region parts[3] = {
        {r.addr, a - r.addr, r.type}, {a, size, type}, {a + size, r.addr + r.size - (a + size), r.type}};
    size_t np = 0;
    struct pvh_mem_region keep[3];
    for (int k = 0; k < 3; k++)
      if (parts[k].size && parts[k].type)
        keep[np++] = parts[k];
    if (*n - 1 + np > cap)
      return -1;
    memmove(&m[i + np], &m[i + 1], (*n - i - 1) * sizeof(*m));
    memcpy(&m[i], keep, np * sizeof(*m));
    *n = *n - 1 + np;
    return 0;
  }
  return 0; /* not inside one region: leave the map as it is */
}

size_t conform_case_memmap(const struct conform_case *c, const struct conform_ctx *ctx,
                           struct pvh_mem_region *out, size_t cap) {
  if (cap < PVH_MEMMAP_STANDARD_MAX)
    return 0;
  size_t n = pvh_memmap_standard(ctx->ram_size, out, cap);
  if (c->varied & (1u << CV_MEMMAP_ISLANDS))
    for (uint32_t i = 0; i < c->nr_islands; i++)
      if (carve(out, &n, cap, c->islands[i].addr, c->islands[i].size, c->islands[i].type))
        return 0;
  if (c->varied & (1u << CV_MEMMAP_HOLES))
    for (uint32_t i = 0; i < c->nr_holes; i++)
      if (carve(out, &n, cap, c->holes[i].addr, c->holes[i].size, 0))
        return 0;
  if (!(c->varied & (1u << CV_MEMMAP_ENTRIES)))
    return n;
  uint32_t want = c->memmap_entries;
  if (want == CONFORM_MEMMAP_MIN && want < n) /* Firecracker's shape: no entry for the BIOS area */
    for (size_t i = 0; i < n && want < n; i++)
      if (out[i].addr == PVH_LOW_RAM_END && out[i].type != PVH_MEM_RAM) {
        memmove(&out[i], &out[i + 1], (n - i - 1) * sizeof(*out));
        n--;
        break;
      }
  /* No cut where the loader looks for the initramfs: libpvh places it inside
   * one map entry (it does not join adjacent RAM entries), so those stay
   * whole: above the kernel, and below each ceiling the case may use. */
  uint64_t isize = ctx->initramfs_size + 4 * PVH_MIB;
  uint64_t top = conform_low_top(ctx);
  uint64_t dflt = PVH_GUEST_INITRAMFS_CEILING < top ? PVH_GUEST_INITRAMFS_CEILING : top;
  const struct conform_range keep[] = {
      {ctx->kernel_start, ctx->kernel_end - ctx->kernel_start + conform_initramfs_room(ctx), 0},
      {dflt - isize, isize, 0},
      {top - isize, isize, 0},
      {c->initramfs_ceiling > isize ? c->initramfs_ceiling - isize : 0, isize, 0},
  };
  struct conform_rng r;
  conform_rng_seed(&r, c->split_seed);
  for (int misses = 0; n < want && n < cap && misses < 100000;) {
    size_t i = (size_t)conform_rng_range(&r, 0, n - 1);
    uint64_t pages = out[i].size / PAGE;
    if (pages < 2 || out[i].addr % PAGE) {
      misses++;
      continue;
    }
    uint64_t at = out[i].addr + conform_rng_range(&r, 1, pages - 1) * PAGE;
    int ok = 1;
    for (size_t k = 0; ok && k < sizeof(keep) / sizeof(keep[0]); k++)
      ok = !(at > keep[k].addr && at < keep[k].addr + keep[k].size);
    if (!ok) {
      misses++;
      continue;
    }
    memmove(&out[i + 2], &out[i + 1], (n - i - 1) * sizeof(*out));
    out[i + 1].addr = at;
    out[i + 1].size = out[i].addr + out[i].size - at;
    out[i + 1].type = out[i].type;
    out[i].size = at - out[i].addr;
    n++;
  }
  return n;
}

void conform_case_order(const struct conform_case *c, const struct pvh_mem_region *sorted, size_t n,
                        uint32_t *perm) {
  for (size_t i = 0; i < n; i++)
    perm[i] = (uint32_t)i;
  if (!(c->varied & (1u << CV_MEMMAP_ORDER)))
    return;
  switch (c->order) {
  case CONFORM_ORDER_SORTED: break;
  case CONFORM_ORDER_REVERSED:
    for (size_t i = 0; i < n; i++)
      perm[i] = (uint32_t)(n - 1 - i);
    break;
  case CONFORM_ORDER_SHUFFLED: {
    struct conform_rng r;
    conform_rng_seed(&r, c->order_seed);
    for (size_t i = n; i > 1; i--) {
      size_t j = (size_t)conform_rng_range(&r, 0, i - 1);
      uint32_t t = perm[i - 1];
      perm[i - 1] = perm[j];
      perm[j] = t;
    }
    break;
  }
  case CONFORM_ORDER_RESERVED_FIRST: {
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
      if (sorted[i].type != PVH_MEM_RAM)
        perm[k++] = (uint32_t)i;
    for (size_t i = 0; i < n; i++)
      if (sorted[i].type == PVH_MEM_RAM)
        perm[k++] = (uint32_t)i;
    break;
  }
  }
}
