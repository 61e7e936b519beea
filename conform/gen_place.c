/* SPDX-License-Identifier: MIT */
/* Where things go: start_info, the module list, the memory map, the command
 * line and the initramfs; what RAM the loader does not write holds; whether
 * an RSDP is passed. And the one spot picker they all use. */
#include <inttypes.h>
#include <stdio.h>

#include "internal.h"

int conform_fmt(char *out, size_t cap, const char *fmt, ...) {
  if (cap == 0)
    return 0;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(out, cap, fmt, ap);
  va_end(ap);
  if (n < 0)
    return 0;
  return (size_t)n >= cap ? (int)(cap - 1) : n;
}

uint64_t conform_low_top(const struct conform_ctx *ctx) {
  return ctx->ram_size < PVH_MMIO_HOLE_START ? ctx->ram_size : PVH_MMIO_HOLE_START;
}

uint64_t conform_initramfs_room(const struct conform_ctx *ctx) { return ctx->initramfs_size + 24 * PVH_MIB; }

uint64_t conform_cmdline_area(const struct conform_ctx *ctx) {
  uint64_t n = ctx->cmdline_size ? ctx->cmdline_size : 1;
  return (n + 15) & ~15ull;
}

static int clear_of(uint64_t a, uint64_t n, uint64_t b, uint64_t m) { return a + n <= b || b + m <= a; }

uint64_t conform_pick_spot(struct conform_rng *r, const struct conform_ctx *ctx, enum conform_realm realm,
                           uint64_t size, uint64_t align, const struct conform_range *avoid,
                           size_t nr_avoid) {
  struct conform_range win[3] = {{CONFORM_LOW_FLOOR, CONFORM_DEFAULT_AREA_START - CONFORM_LOW_FLOOR, 0},
                                 {CONFORM_DEFAULT_AREA_END, PVH_LOW_RAM_END - CONFORM_DEFAULT_AREA_END, 0},
                                 {PVH_HIGH_RAM_START, conform_low_top(ctx) - PVH_HIGH_RAM_START, 0}};
  size_t nwin = realm == CONFORM_REALM_ABI ? 3 : 2;
  for (int tries = 0; tries < 64; tries++) {
    const struct conform_range *w = &win[conform_rng_range(r, 0, nwin - 1)];
    if (w->size < size + align)
      continue;
    uint64_t a = conform_rng_range(r, w->addr, w->addr + w->size - size);
    a = (a + align - 1) & ~(align - 1);
    if (a + size > w->addr + w->size || a >= 0x100000000ull)
      continue;
    /* Clear of the kernel and of the room just above it, where initramfs-at
     * may ask the loader to put the initramfs. */
    int ok = clear_of(a, size, ctx->kernel_start,
                      ctx->kernel_end - ctx->kernel_start + conform_initramfs_room(ctx));
    for (size_t i = 0; ok && i < nr_avoid; i++)
      ok = clear_of(a, size, avoid[i].addr, avoid[i].size);
    if (ok)
      return a;
  }
  return 0;
}

size_t conform_case_spots(const struct conform_case *c, const struct conform_ctx *ctx,
                          struct conform_range *out, size_t cap) {
  const struct conform_range all[] = {
      {c->gdt_paddr, CONFORM_GDT_AREA, 0},
      {c->start_info_paddr, CONFORM_START_INFO_AREA, 0},
      {c->modlist_paddr, CONFORM_MODLIST_AREA, 0},
      {c->memmap_paddr, CONFORM_MEMMAP_AREA, 0},
      {c->cmdline_paddr, conform_cmdline_area(ctx), 0},
  };
  size_t n = 0;
  for (size_t i = 0; i < sizeof(all) / sizeof(all[0]) && n < cap; i++)
    if (all[i].addr)
      out[n++] = all[i];
  return n;
}

void conform_gen_CV_RAM_JUNK(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  struct conform_rng r;
  (void)ctx;
  conform_rng_seed(&r, stream);
  static const uint8_t bytes[] = {0xff, 0xcc, 0x90, 0xa5};
  if (conform_rng_range(&r, 0, 1) == 0) {
    c->junk = CONFORM_JUNK_BYTE;
    c->junk_byte = bytes[conform_rng_range(&r, 0, sizeof(bytes) - 1)];
  } else {
    c->junk = CONFORM_JUNK_RANDOM;
    c->junk_seed = conform_rng_next(&r);
  }
}

int conform_desc_CV_RAM_JUNK(const struct conform_case *c, char *out, size_t cap) {
  switch (c->junk) {
  case CONFORM_JUNK_BYTE:
    return conform_fmt(out, cap, "RAM the loader does not write filled with 0x%02x", c->junk_byte);
  case CONFORM_JUNK_RANDOM:
    return conform_fmt(out, cap,
                       "RAM the loader does not write filled with random bytes (seed 0x%" PRIx64 ")",
                       c->junk_seed);
  case CONFORM_JUNK_ZERO: break;
  }
  return conform_fmt(out, cap, "RAM zeroed");
}

/* Each placement avoids the ones drawn before it (table order). */
static uint64_t place(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream, uint64_t size,
                      uint64_t align, enum conform_realm realm) {
  struct conform_rng r;
  struct conform_range avoid[8];
  conform_rng_seed(&r, stream);
  size_t n = conform_case_spots(c, ctx, avoid, 8);
  return conform_pick_spot(&r, ctx, realm, size, align, avoid, n);
}

void conform_gen_CV_START_INFO_AT(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  c->start_info_paddr = 0;
  c->start_info_paddr = place(c, ctx, stream, CONFORM_START_INFO_AREA, 8, c->realm);
}
void conform_gen_CV_MODLIST_AT(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  c->modlist_paddr = 0;
  /* Low memory in both realms: moved after the loader placed the initramfs. */
  c->modlist_paddr = place(c, ctx, stream, CONFORM_MODLIST_AREA, 8, CONFORM_REALM_VMM);
}
void conform_gen_CV_MEMMAP_AT(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  c->memmap_paddr = 0;
  c->memmap_paddr = place(c, ctx, stream, CONFORM_MEMMAP_AREA, 8, c->realm);
}
void conform_gen_CV_CMDLINE_AT(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  c->cmdline_paddr = 0;
  /* Byte-aligned only in the ABI realm: every VMM we know aligns it. */
  c->cmdline_paddr =
      place(c, ctx, stream, conform_cmdline_area(ctx), c->realm == CONFORM_REALM_ABI ? 1 : 16, c->realm);
}

static int desc_at(char *out, size_t cap, const char *what, uint64_t a) {
  if (!a)
    return conform_fmt(out, cap, "%s at the default place (no spot found)", what);
  return conform_fmt(out, cap, "%s at 0x%" PRIx64, what, a);
}
int conform_desc_CV_START_INFO_AT(const struct conform_case *c, char *out, size_t cap) {
  return desc_at(out, cap, "start_info", c->start_info_paddr);
}
int conform_desc_CV_MODLIST_AT(const struct conform_case *c, char *out, size_t cap) {
  return desc_at(out, cap, "module list", c->modlist_paddr);
}
int conform_desc_CV_MEMMAP_AT(const struct conform_case *c, char *out, size_t cap) {
  return desc_at(out, cap, "memmap", c->memmap_paddr);
}
int conform_desc_CV_CMDLINE_AT(const struct conform_case *c, char *out, size_t cap) {
  return desc_at(out, cap, "command line", c->cmdline_paddr);
}

void conform_gen_CV_INITRAMFS_AT(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  struct conform_rng r;
  conform_rng_seed(&r, stream);
  uint64_t top = conform_low_top(ctx);
  static const uint64_t aligns[] = {0x1000, 0x10000, 0x200000};
  c->initramfs_align = aligns[conform_rng_range(&r, 0, 2)];
  uint64_t lowest = ctx->kernel_end + ctx->initramfs_size + 2 * c->initramfs_align;
  switch (conform_rng_range(&r, 0, 2)) {
  case 0: c->initramfs_ceiling = top; break; /* Firecracker: at the top of low RAM */
  case 1:                                    /* just above the kernel */
    c->initramfs_ceiling = lowest + conform_rng_range(&r, 0, 16) * 0x100000;
    break;
  default: c->initramfs_ceiling = conform_rng_range(&r, lowest, top); break;
  }
  if (c->initramfs_ceiling > top)
    c->initramfs_ceiling = top;
  c->initramfs_ceiling &= ~(c->initramfs_align - 1);
}

int conform_desc_CV_INITRAMFS_AT(const struct conform_case *c, char *out, size_t cap) {
  return conform_fmt(out, cap, "initramfs ends at or below 0x%" PRIx64 ", aligned 0x%" PRIx64,
                     c->initramfs_ceiling, c->initramfs_align);
}

void conform_gen_CV_RSDP(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  /* Either way, half the time each: with every variation on, a flip from
   * the pipeline's default would never let Linux keep its ACPI tables. */
  struct conform_rng r;
  (void)ctx;
  conform_rng_seed(&r, stream);
  c->rsdp = (int)conform_rng_range(&r, 0, 1);
}

int conform_desc_CV_RSDP(const struct conform_case *c, char *out, size_t cap) {
  return conform_fmt(out, cap, c->rsdp ? "RSDP passed" : "no RSDP (rsdp_paddr 0)");
}
