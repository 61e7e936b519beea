/* SPDX-License-Identifier: MIT */
/* The generators' oracle: every varied value inside the ABI (and inside the
 * realm asked for), written independently of the generators so a generator
 * that drifts is caught by the unit tests. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

uint64_t conform_eflags_open(enum conform_realm realm);

#define FAIL(...) return (conform_fmt(why, cap, __VA_ARGS__), -1)

static int overlaps(uint64_t a, uint64_t n, uint64_t b, uint64_t m) { return a < b + m && b < a + n; }

/* In the realm's windows, below 4 GiB, clear of the kernel and the defaults. */
static int spot_ok(const struct conform_case *c, const struct conform_ctx *ctx, uint64_t a, uint64_t size) {
  if (a == 0)
    return 1; /* no spot found: the default is used */
  if (a < CONFORM_LOW_FLOOR || a + size > 0x100000000ull)
    return 0;
  if (overlaps(a, size, ctx->kernel_start, ctx->kernel_end - ctx->kernel_start) ||
      overlaps(a, size, CONFORM_DEFAULT_AREA_START, CONFORM_DEFAULT_AREA_END - CONFORM_DEFAULT_AREA_START))
    return 0;
  if (a + size <= PVH_LOW_RAM_END)
    return 1;
  return c->realm == CONFORM_REALM_ABI && a >= PVH_HIGH_RAM_START && a + size <= conform_low_top(ctx);
}

static int check_map(const struct conform_case *c, const struct conform_ctx *ctx, char *why, size_t cap) {
  size_t mcap = CONFORM_MEMMAP_ABI + 16;
  struct pvh_mem_region *m = calloc(mcap, sizeof(*m));
  if (!m)
    FAIL("out of memory");
  size_t n = conform_case_memmap(c, ctx, m, mcap);
  struct pvh_mem_region *sorted = NULL;
  int rc = -1;
  uint32_t *perm = calloc(n ? n : 1, sizeof(*perm));
  uint8_t *seen = calloc(n ? n : 1, 1);
  if (n == 0) {
    conform_fmt(why, cap, "memmap: no map built");
    goto out;
  }
  if (pvh_memmap_sorted(m, n, &sorted, NULL) != PVH_OK) {
    conform_fmt(why, cap, "memmap: libpvh refuses the map of %zu entries", n);
    goto out;
  }
  uint32_t max = c->realm == CONFORM_REALM_ABI ? CONFORM_MEMMAP_ABI : CONFORM_MEMMAP_VMM;
  if (n > max) {
    conform_fmt(why, cap, "memmap: %zu entries, more than the realm's %u", n, max);
    goto out;
  }
  if ((c->varied & (1u << CV_MEMMAP_ENTRIES)) && c->memmap_entries > n + 0 && n < max &&
      c->memmap_entries <= max) {
    conform_fmt(why, cap, "memmap-entries: asked %u, built %zu", c->memmap_entries, n);
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    const struct pvh_mem_region *r = &sorted[i];
    if (r->type == PVH_MEM_RAM && r->addr + r->size > conform_low_top(ctx) && r->addr < PVH_4G) {
      conform_fmt(why, cap, "memmap: RAM [0x%" PRIx64 ", +0x%" PRIx64 ") beyond the VM's RAM", r->addr,
                  r->size);
      goto out;
    }
    if (r->type == PVH_MEM_RAM &&
        overlaps(r->addr, r->size, PVH_LOW_RAM_END, PVH_HIGH_RAM_START - PVH_LOW_RAM_END)) {
      conform_fmt(why, cap, "memmap: the BIOS area is RAM");
      goto out;
    }
    if (r->type < PVH_MEM_RAM || r->type > PVH_MEM_PMEM || r->type == PVH_MEM_DISABLED) {
      conform_fmt(why, cap, "memmap: type %u", r->type);
      goto out;
    }
    if (c->realm == CONFORM_REALM_VMM && r->type != PVH_MEM_RAM && r->type != PVH_MEM_RESERVED) {
      conform_fmt(why, cap, "memmap: type %u outside the VMM realm", r->type);
      goto out;
    }
  }
  if (!pvh_memmap_is_ram(sorted, n, ctx->kernel_start, ctx->kernel_end - ctx->kernel_start)) {
    conform_fmt(why, cap, "memmap: the kernel is not all RAM");
    goto out;
  }
  conform_case_order(c, sorted, n, perm);
  for (size_t i = 0; i < n; i++) {
    if (perm[i] >= n || seen[perm[i]]) {
      conform_fmt(why, cap, "memmap-order: not a permutation at %zu", i);
      goto out;
    }
    seen[perm[i]] = 1;
  }
  rc = 0;
out:
  free(m);
  free(sorted);
  free(perm);
  free(seen);
  return rc;
}

int conform_case_check(const struct conform_case *c, const struct conform_ctx *ctx, char *why, size_t cap) {
  uint32_t v = c->varied;
#define ON(id) (v & (1u << (id)))
  if (ON(CV_GPR) && c->realm == CONFORM_REALM_VMM)
    for (unsigned i = 0; i < 14; i++)
      if (c->gpr[i] >> 32 || (i >= 6 && c->gpr[i]))
        FAIL("gpr: register %u 0x%" PRIx64 " is more than 32-bit firmware can leave", i, c->gpr[i]);
  if (ON(CV_ESP) && c->esp >> 32)
    FAIL("esp: 0x%" PRIx64 " above 32 bits", c->esp);
  if (ON(CV_EFLAGS)) {
    const uint64_t fixed_clear = 0x100ull | 0x200ull | 0x20000ull | 0x10000ull; /* TF IF VM RF */
    if (!(c->rflags & PVH_RFLAGS_FIXED) || (c->rflags & fixed_clear) ||
        (c->rflags & ~(conform_eflags_open(c->realm) | PVH_RFLAGS_FIXED)))
      FAIL("eflags: 0x%" PRIx64 " outside the open bits", c->rflags);
  }
  if (ON(CV_SELECTORS))
    for (unsigned i = 0; i < 7; i++) {
      if (c->sel[i] == 0 || c->sel[i] >= CONFORM_GDT_MAX)
        FAIL("selectors: index %u of register %u", c->sel[i], i);
      if (i > 0 && (c->sel[i] == c->sel[0] || (i < 6 && c->sel[i] == c->sel[6])))
        FAIL("selectors: register %u shares descriptor %u with CS or TR", i, c->sel[i]);
    }
  if (ON(CV_GDTR) && (c->gdt_paddr % 8 || !spot_ok(c, ctx, c->gdt_paddr, CONFORM_GDT_AREA)))
    FAIL("gdtr: 0x%" PRIx64 " not a free aligned RAM spot", c->gdt_paddr);
  if (ON(CV_IDTR)) {
    if (c->realm == CONFORM_REALM_VMM && (c->idt_base != 0 || (c->idt_limit != 0 && c->idt_limit != 0x3ff)))
      FAIL("idtr: base 0x%" PRIx64 " limit 0x%x outside the VMM realm", c->idt_base, c->idt_limit);
    if (c->idt_base >> 32)
      FAIL("idtr: base 0x%" PRIx64 " above 32 bits", c->idt_base);
  }
  if (ON(CV_RAM_JUNK) && c->junk != CONFORM_JUNK_BYTE && c->junk != CONFORM_JUNK_RANDOM)
    FAIL("ram-junk: kind %d", (int)c->junk);
  struct {
    int id;
    uint64_t a, size, align;
  } spots[] = {
      {CV_START_INFO_AT, c->start_info_paddr, CONFORM_START_INFO_AREA, 8},
      {CV_MODLIST_AT, c->modlist_paddr, CONFORM_MODLIST_AREA, 8},
      {CV_MEMMAP_AT, c->memmap_paddr, CONFORM_MEMMAP_AREA, 8},
      {CV_CMDLINE_AT, c->cmdline_paddr, conform_cmdline_area(ctx), c->realm == CONFORM_REALM_ABI ? 1 : 16},
  };
  for (size_t i = 0; i < sizeof(spots) / sizeof(spots[0]); i++) {
    if (!ON(spots[i].id))
      continue;
    if (spots[i].a % spots[i].align || !spot_ok(c, ctx, spots[i].a, spots[i].size))
      FAIL("%s: 0x%" PRIx64 " not a free aligned RAM spot", conform_var_name(spots[i].id), spots[i].a);
    for (size_t k = 0; k < i; k++)
      if (spots[i].a && spots[k].a && overlaps(spots[i].a, spots[i].size, spots[k].a, spots[k].size))
        FAIL("%s overlaps %s", conform_var_name(spots[i].id), conform_var_name(spots[k].id));
    if (c->gdt_paddr && spots[i].a && overlaps(spots[i].a, spots[i].size, c->gdt_paddr, CONFORM_GDT_AREA))
      FAIL("%s overlaps the GDT", conform_var_name(spots[i].id));
  }
  if (ON(CV_INITRAMFS_AT)) {
    if (c->initramfs_align == 0 || (c->initramfs_align & (c->initramfs_align - 1)))
      FAIL("initramfs-at: align 0x%" PRIx64, c->initramfs_align);
    if (c->initramfs_ceiling > conform_low_top(ctx) ||
        c->initramfs_ceiling < ctx->kernel_end + ctx->initramfs_size)
      FAIL("initramfs-at: ceiling 0x%" PRIx64 " leaves no room above the kernel", c->initramfs_ceiling);
  }
  const struct conform_range *cuts[2] = {c->holes, c->islands};
  uint32_t ncuts[2] = {ON(CV_MEMMAP_HOLES) ? c->nr_holes : 0, ON(CV_MEMMAP_ISLANDS) ? c->nr_islands : 0};
  struct conform_range sp[8];
  size_t nsp = conform_case_spots(c, ctx, sp, 8);
  for (int k = 0; k < 2; k++)
    for (uint32_t i = 0; i < ncuts[k]; i++) {
      const struct conform_range *r = &cuts[k][i];
      if (r->addr < ctx->kernel_end || r->addr + r->size > conform_low_top(ctx) || r->size == 0)
        FAIL("%s: [0x%" PRIx64 ", +0x%" PRIx64 ") not in RAM above the kernel",
             k ? "memmap-islands" : "memmap-holes", r->addr, r->size);
      for (size_t s = 0; s < nsp; s++)
        if (overlaps(r->addr, r->size, sp[s].addr, sp[s].size))
          FAIL("%s: covers placed boot data at 0x%" PRIx64, k ? "memmap-islands" : "memmap-holes",
               sp[s].addr);
    }
  if ((ON(CV_MEMMAP_ENTRIES) || ON(CV_MEMMAP_HOLES) || ON(CV_MEMMAP_ISLANDS) || ON(CV_MEMMAP_ORDER)) &&
      check_map(c, ctx, why, cap))
    return -1;
#undef ON
  return 0;
}
