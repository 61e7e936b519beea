/* SPDX-License-Identifier: MIT */
/* Boot data planning: start_info (+ one modlist entry), memory map, command
 * line, boot GDT and the initramfs placement, around kernel segments already in
 * the plan. Everything is built in plan-owned buffers; nothing is written here. */
#include <stdlib.h>
#include <string.h>

#include "le.h"
#include "plan_internal.h"
#include "pvh/guest_layout.h"
#include "pvh/loader.h"

/* The ABI structs and the GDT are copied to the guest as host bytes. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "libpvh builds guest structures in host byte order");

#define LIMIT_4G 0x100000000ull

void pvh_layout_default(struct pvh_layout *l) {
  l->gdt_paddr = PVH_GUEST_GDT;
  l->start_info_paddr = PVH_GUEST_START_INFO;
  l->memmap_paddr = PVH_GUEST_MEMMAP;
  l->memmap_size = PVH_GUEST_MEMMAP_SIZE;
  l->cmdline_paddr = PVH_GUEST_CMDLINE;
  l->cmdline_size = PVH_GUEST_CMDLINE_SIZE;
  l->initramfs_ceiling = PVH_GUEST_INITRAMFS_CEILING;
  l->initramfs_align = PVH_GUEST_INITRAMFS_ALIGN;
}

void pvh_load_config_init(struct pvh_load_config *cfg) {
  memset(cfg, 0, sizeof(*cfg));
  pvh_layout_default(&cfg->layout);
}

static enum pvh_err plan_cmdline(struct pvh_plan *plan, const struct pvh_load_config *cfg,
                                 struct pvh_error *err) {
  const struct pvh_layout *l = &cfg->layout;
  if (!cfg->cmdline)
    return PVH_OK;
  /* strnlen bounded by the area: a hostile caller string is never scanned past it. */
  size_t limit = l->cmdline_size > SIZE_MAX ? SIZE_MAX : (size_t)l->cmdline_size;
  size_t len = strnlen(cfg->cmdline, limit);
  if (len >= limit)
    return pvh_fail(err, PVH_E_CMDLINE_TOO_LONG,
                    "command line is %zu+ bytes with its NUL; the area at 0x%llx holds %llu", len + 1,
                    (unsigned long long)l->cmdline_paddr, (unsigned long long)l->cmdline_size);
  plan->cmdline = malloc(len + 1);
  if (!plan->cmdline)
    return pvh_fail(err, PVH_E_NOMEM, "cannot copy the command line");
  memcpy(plan->cmdline, cfg->cmdline, len);
  plan->cmdline[len] = '\0';
  plan->report.cmdline_paddr = l->cmdline_paddr;
  plan->report.cmdline_len = len + 1;
  return plan_add_op(plan, PVH_W_CMDLINE, 0, l->cmdline_paddr, len + 1, NULL, 0, err);
}

static enum pvh_err plan_memmap(struct pvh_plan *plan, const struct pvh_mem_region *sorted, size_t n,
                                const struct pvh_layout *l, struct pvh_error *err) {
  uint64_t cap = l->memmap_size / sizeof(struct hvm_memmap_table_entry);
  if (n > cap)
    return pvh_fail(err, PVH_E_MEMMAP_TOO_MANY,
                    "%zu memory map entries do not fit the %llu-byte area at 0x%llx (%llu entries)", n,
                    (unsigned long long)l->memmap_size, (unsigned long long)l->memmap_paddr,
                    (unsigned long long)cap);
  /* Every entry is written whole below (the struct has no padding): no
   * zeroing first, which for a 4096-entry map was a 96 KiB memset per plan. */
  _Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap entries have no padding");
  /* n is 1..PVH_MEMMAP_MAX_REGIONS (pvh_memmap_sorted refuses the rest), so
   * the product is at most 96 KiB and never zero. */
  plan->memmap = malloc(n * sizeof(*plan->memmap));
  if (!plan->memmap)
    return pvh_fail(err, PVH_E_NOMEM, "cannot build %zu memory map entries", n);
  for (size_t i = 0; i < n; i++)
    plan->memmap[i] = (struct hvm_memmap_table_entry){sorted[i].addr, sorted[i].size, sorted[i].type, 0};
  plan->report.memmap_paddr = l->memmap_paddr;
  plan->report.memmap_entries = (uint32_t)n;
  return plan_add_op(plan, PVH_W_MEMMAP, 0, l->memmap_paddr, n * sizeof(*plan->memmap), NULL, 0, err);
}

/* First op overlapping [lo, lo+len), or NULL. */
static const struct pvh_write_op *first_clash(const struct pvh_plan *plan, uint64_t lo, uint64_t len) {
  for (size_t i = 0; i < plan->nr_ops; i++) {
    const struct pvh_write_op *op = &plan->ops[i];
    if (lo < op->gpa + op->len && op->gpa < lo + len)
      return op;
  }
  return NULL;
}

/* Highest aligned spot for size bytes in RAM inside [floor, ceiling), clear of
 * every planned write. Returns 1 and sets *where, or 0. */
static int highest_gap(const struct pvh_plan *plan, const struct pvh_mem_region *sorted, size_t n,
                       uint64_t floor, uint64_t ceiling, uint64_t size, uint64_t align, uint64_t *where) {
  for (size_t k = n; k-- > 0;) {
    const struct pvh_mem_region *r = &sorted[k];
    if (r->type != PVH_MEM_RAM)
      continue;
    uint64_t lo = r->addr > floor ? r->addr : floor;
    uint64_t hi = r->addr + r->size < ceiling ? r->addr + r->size : ceiling;
    /* Walk down past each clash; every step lowers `hi`, so this ends. */
    while (hi > lo && hi - lo >= size) {
      uint64_t cand = (hi - size) & ~(align - 1);
      if (cand < lo)
        break;
      const struct pvh_write_op *clash = first_clash(plan, cand, size);
      if (!clash) {
        *where = cand;
        return 1;
      }
      hi = clash->gpa;
    }
  }
  return 0;
}

/* The initramfs goes as high as it can above the kernel, ending at or below the
 * ceiling (and 4 GiB): that leaves the low memory the kernel allocates into
 * free. When there is no room above (a kernel ending near the ceiling), it goes
 * as high as it can below the kernel start, not under PVH_GUEST_INITRAMFS_FLOOR;
 * QEMU and Linux accept an initramfs below the kernel. */
static enum pvh_err place_initramfs(struct pvh_plan *plan, const struct pvh_mem_region *sorted, size_t n,
                                    const struct pvh_layout *l, uint64_t size, uint64_t *where,
                                    enum pvh_initramfs_placement *placed, struct pvh_error *err) {
  uint64_t align = l->initramfs_align ? l->initramfs_align : 1;
  if (align & (align - 1))
    return pvh_fail(err, PVH_E_INVALID_ARG, "initramfs_align 0x%llx is not a power of two",
                    (unsigned long long)align);
  uint64_t ceiling = l->initramfs_ceiling < LIMIT_4G ? l->initramfs_ceiling : LIMIT_4G;
  const struct pvh_load_report *r = &plan->report;
  if (highest_gap(plan, sorted, n, r->kernel_end, ceiling, size, align, where)) {
    *placed = PVH_INITRAMFS_ABOVE;
    return PVH_OK;
  }
  uint64_t below_top = r->kernel_start < ceiling ? r->kernel_start : ceiling;
  if (highest_gap(plan, sorted, n, PVH_GUEST_INITRAMFS_FLOOR, below_top, size, align, where)) {
    *placed = PVH_INITRAMFS_BELOW;
    return PVH_OK;
  }
  return pvh_fail(
      err, PVH_E_INITRAMFS_NO_ROOM,
      "no %llu-byte RAM gap (aligned 0x%llx) between the kernel end 0x%llx and the ceiling 0x%llx, "
      "nor between 0x%llx and the kernel start 0x%llx",
      (unsigned long long)size, (unsigned long long)align, (unsigned long long)r->kernel_end,
      (unsigned long long)ceiling, (unsigned long long)PVH_GUEST_INITRAMFS_FLOOR,
      (unsigned long long)r->kernel_start);
}

const char *pvh_initramfs_placement_name(enum pvh_initramfs_placement p) {
  switch (p) {
  case PVH_INITRAMFS_ABOVE: return "above";
  case PVH_INITRAMFS_BELOW: return "below";
  default: return "none";
  }
}

enum pvh_err pvh_plan_boot_data(struct pvh_plan *plan, const struct pvh_mem_region *sorted, size_t n,
                                const struct pvh_load_config *cfg, struct pvh_error *err) {
  const struct pvh_layout *l = &cfg->layout;
  struct pvh_load_report *r = &plan->report;
  enum pvh_err rc;

  /* Boot data addresses travel in 32-bit registers (EBX) or are read with
   * paging off: refuse anything that does not fit before using it. */
  const struct {
    const char *name;
    uint64_t addr, len;
  } items[] = {
      {"gdt", l->gdt_paddr, PVH_GDT_SIZE},
      {"start_info", l->start_info_paddr, PVH_START_INFO_AREA},
      {"memmap", l->memmap_paddr, l->memmap_size},
      {"cmdline", l->cmdline_paddr, cfg->cmdline ? l->cmdline_size : 0},
  };
  for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
    uint64_t end;
    if (add_overflows(items[i].addr, items[i].len, &end) || end > LIMIT_4G)
      return pvh_fail(err, PVH_E_LAYOUT_ABOVE_4G, "%s area 0x%llx+0x%llx ends above 4 GiB", items[i].name,
                      (unsigned long long)items[i].addr, (unsigned long long)items[i].len);
  }
  /* start_info uses paddr 0 to mean "none": data placed there would be lost. */
  if (cfg->cmdline && l->cmdline_paddr == 0)
    return pvh_fail(err, PVH_E_INVALID_ARG,
                    "layout cmdline_paddr is 0, which start_info reads as 'no command line'");
  if (l->memmap_paddr == 0)
    return pvh_fail(err, PVH_E_INVALID_ARG,
                    "layout memmap_paddr is 0, which start_info reads as 'no memory map'");
  if (r->note.entry >= LIMIT_4G)
    return pvh_fail(err, PVH_E_ENTRY_ABOVE_4G, "PHYS32_ENTRY 0x%llx is not below 4 GiB",
                    (unsigned long long)r->note.entry);

  if ((rc = plan_memmap(plan, sorted, n, l, err)) != PVH_OK)
    return rc;
  if ((rc = plan_cmdline(plan, cfg, err)) != PVH_OK)
    return rc;

  pvh_entry_state_init(&plan->entry, (uint32_t)r->note.entry, (uint32_t)l->start_info_paddr,
                       (uint32_t)l->gdt_paddr);
  pvh_gdt_build(&plan->entry, plan->gdt);
  r->gdt_paddr = l->gdt_paddr;
  if ((rc = plan_add_op(plan, PVH_W_GDT, 0, l->gdt_paddr, PVH_GDT_SIZE, NULL, 0, err)) != PVH_OK)
    return rc;

  struct hvm_start_info si = {
      .magic = PVH_START_MAGIC,
      .version = PVH_START_INFO_VERSION,
      .cmdline_paddr = r->cmdline_paddr,
      .rsdp_paddr = cfg->rsdp_paddr,
      .memmap_paddr = r->memmap_paddr,
      .memmap_entries = r->memmap_entries,
  };
  struct hvm_modlist_entry mod = {0};
  r->start_info_paddr = l->start_info_paddr;
  r->rsdp_paddr = cfg->rsdp_paddr;
  if ((rc = plan_add_op(plan, PVH_W_START_INFO, 0, l->start_info_paddr, PVH_START_INFO_AREA, NULL, 0, err)) !=
      PVH_OK)
    return rc;

  /* The initramfs goes last: it is placed around everything planned so far. */
  if (cfg->initramfs) {
    uint64_t size = cfg->initramfs->size, where = 0;
    if (size == 0)
      return pvh_fail(err, PVH_E_INVALID_ARG, "initramfs %s is empty", cfg->initramfs->name);
    enum pvh_initramfs_placement placed = PVH_INITRAMFS_NONE;
    if ((rc = place_initramfs(plan, sorted, n, l, size, &where, &placed, err)) != PVH_OK)
      return rc;
    if ((rc = plan_add_op(plan, PVH_W_INITRAMFS, 0, where, size, cfg->initramfs, 0, err)) != PVH_OK)
      return rc;
    mod.paddr = where;
    mod.size = size;
    si.nr_modules = 1;
    si.modlist_paddr = l->start_info_paddr + sizeof(si);
    r->modlist_paddr = si.modlist_paddr;
    r->initramfs_paddr = where;
    r->initramfs_size = size;
    r->initramfs_placement = placed;
  }
  memcpy(plan->start_info_area, &si, sizeof(si));
  memcpy(plan->start_info_area + sizeof(si), &mod, sizeof(mod));
  return PVH_OK;
}
