/* SPDX-License-Identifier: MIT */
/* Boot data in a plan or in guest memory: start_info, modlist, memory map,
 * command line, initramfs placement and the plan's shape (fuzz_layout, and
 * fuzz_load through guest memory). */
#include "oracle_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Boot data in a plan or in guest memory                                     */
/* ------------------------------------------------------------------------ */

static int cmp_region(const void *a, const void *b) {
  const struct pvh_mem_region *x = a, *y = b;
  return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* start_info + modlist as bytes (from the plan or from the guest) against
 * the report and the config. */
void oracle_check_start_info_bytes(const uint8_t *area, const struct pvh_load_report *r,
                                   const struct pvh_load_config *cfg, size_t nr_regions,
                                   uint64_t initramfs_size) {
  uint32_t magic = (uint32_t)rd(area, 4), version = (uint32_t)rd(area + 4, 4),
           flags = (uint32_t)rd(area + 8, 4);
  uint32_t nr_modules = (uint32_t)rd(area + 12, 4);
  uint64_t modlist = rd(area + 16, 8), cmdline = rd(area + 24, 8), rsdp = rd(area + 32, 8);
  uint64_t memmap = rd(area + 40, 8);
  uint32_t memmap_entries = (uint32_t)rd(area + 48, 4), reserved = (uint32_t)rd(area + 52, 4);
  const uint8_t *mod = area + 56;
  int has_mod = cfg->initramfs != NULL;
  uint64_t want_modlist = has_mod ? cfg->layout.start_info_paddr + 56 : 0;

#define SI_CHECK(cond, ...)                                                                                  \
  do {                                                                                                       \
    if (!(cond))                                                                                             \
      oracle_fail("start-info-mismatch", __VA_ARGS__);                                                       \
  } while (0)
  SI_CHECK(magic == PVH_START_MAGIC, "magic 0x%x", magic);
  SI_CHECK(version == PVH_START_INFO_VERSION, "version %u", version);
  SI_CHECK(flags == 0 && reserved == 0, "flags 0x%x reserved 0x%x", flags, reserved);
  SI_CHECK(nr_modules == (has_mod ? 1u : 0u), "nr_modules %u with%s initramfs", nr_modules,
           has_mod ? "" : "out");
  SI_CHECK(modlist == want_modlist && r->modlist_paddr == want_modlist,
           "modlist_paddr 0x%llx, report 0x%llx, want 0x%llx", (unsigned long long)modlist,
           (unsigned long long)r->modlist_paddr, (unsigned long long)want_modlist);
  SI_CHECK(cmdline == r->cmdline_paddr && (cmdline != 0) == (cfg->cmdline != NULL) &&
               (!cfg->cmdline || cmdline == cfg->layout.cmdline_paddr),
           "cmdline_paddr 0x%llx, report 0x%llx, layout 0x%llx", (unsigned long long)cmdline,
           (unsigned long long)r->cmdline_paddr, (unsigned long long)cfg->layout.cmdline_paddr);
  SI_CHECK(rsdp == cfg->rsdp_paddr && r->rsdp_paddr == rsdp, "rsdp_paddr 0x%llx, config 0x%llx",
           (unsigned long long)rsdp, (unsigned long long)cfg->rsdp_paddr);
  SI_CHECK(memmap == r->memmap_paddr && memmap == cfg->layout.memmap_paddr,
           "memmap_paddr 0x%llx, report 0x%llx", (unsigned long long)memmap,
           (unsigned long long)r->memmap_paddr);
  SI_CHECK(memmap_entries == nr_regions && r->memmap_entries == nr_regions,
           "memmap_entries %u, report %u, the map has %zu regions", memmap_entries, r->memmap_entries,
           nr_regions);
  SI_CHECK(r->start_info_paddr == cfg->layout.start_info_paddr, "start_info at 0x%llx, layout says 0x%llx",
           (unsigned long long)r->start_info_paddr, (unsigned long long)cfg->layout.start_info_paddr);
  uint64_t m_paddr = rd(mod, 8), m_size = rd(mod + 8, 8), m_cmd = rd(mod + 16, 8), m_res = rd(mod + 24, 8);
  if (has_mod) {
    SI_CHECK(m_paddr == r->initramfs_paddr && m_size == r->initramfs_size && m_size == initramfs_size,
             "modlist entry 0x%llx+0x%llx, report 0x%llx+0x%llx, initramfs is 0x%llx bytes",
             (unsigned long long)m_paddr, (unsigned long long)m_size, (unsigned long long)r->initramfs_paddr,
             (unsigned long long)r->initramfs_size, (unsigned long long)initramfs_size);
  } else {
    SI_CHECK(m_paddr == 0 && m_size == 0 && r->initramfs_paddr == 0 && r->initramfs_size == 0,
             "no initramfs, but modlist entry 0x%llx+0x%llx", (unsigned long long)m_paddr,
             (unsigned long long)m_size);
  }
  SI_CHECK(m_cmd == 0 && m_res == 0, "modlist cmdline_paddr 0x%llx reserved 0x%llx",
           (unsigned long long)m_cmd, (unsigned long long)m_res);
#undef SI_CHECK
}

void oracle_check_memmap_bytes(const uint8_t *bytes, const struct pvh_mem_region *regions, size_t n) {
  struct pvh_mem_region *sorted = malloc(n * sizeof(*sorted));
  if (!sorted)
    oracle_fail("oracle-setup", "out of memory for %zu regions", n);
  memcpy(sorted, regions, n * sizeof(*sorted));
  qsort(sorted, n, sizeof(*sorted), cmp_region);
  for (size_t i = 0; i < n; i++) {
    const uint8_t *e = bytes + i * 24;
    uint64_t addr = rd(e, 8), size = rd(e + 8, 8);
    uint32_t type = (uint32_t)rd(e + 16, 4), res = (uint32_t)rd(e + 20, 4);
    if (addr != sorted[i].addr || size != sorted[i].size || type != sorted[i].type || res != 0)
      oracle_fail("memmap-mismatch",
                  "entry %zu is 0x%llx+0x%llx type %u (reserved %u); the map has 0x%llx+0x%llx type %u", i,
                  (unsigned long long)addr, (unsigned long long)size, type, res,
                  (unsigned long long)sorted[i].addr, (unsigned long long)sorted[i].size, sorted[i].type);
  }
  free(sorted);
}

const char *oracle_kind_name(enum pvh_write_kind k) {
  static const char *const names[] = {"segment", "bss", "start_info", "memmap",
                                      "cmdline", "gdt", "initramfs"};
  return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "unknown-kind";
}

/* Placement promises that hold for any plan: boot data where the layout put
 * it, the initramfs aligned, above the kernel and under the ceiling. */
void oracle_check_report_layout(const struct pvh_plan *plan, const struct pvh_load_config *cfg,
                                uint64_t initramfs_size) {
  const struct pvh_load_report *r = &plan->report;
  const struct pvh_layout *l = &cfg->layout;
  if (r->gdt_paddr != l->gdt_paddr || r->memmap_paddr != l->memmap_paddr)
    oracle_fail("layout-ignored", "GDT at 0x%llx (layout 0x%llx), memmap at 0x%llx (layout 0x%llx)",
                (unsigned long long)r->gdt_paddr, (unsigned long long)l->gdt_paddr,
                (unsigned long long)r->memmap_paddr, (unsigned long long)l->memmap_paddr);
  if (cfg->cmdline) {
    size_t len = strlen(cfg->cmdline) + 1;
    if (r->cmdline_len != len || len > l->cmdline_size)
      oracle_fail("cmdline-mismatch", "cmdline_len %llu, the string needs %zu, area holds %llu",
                  (unsigned long long)r->cmdline_len, len, (unsigned long long)l->cmdline_size);
  } else if (r->cmdline_len || r->cmdline_paddr) {
    oracle_fail("cmdline-mismatch", "no command line, but the report has 0x%llx+%llu",
                (unsigned long long)r->cmdline_paddr, (unsigned long long)r->cmdline_len);
  }
  if (cfg->initramfs) {
    uint64_t align = l->initramfs_align ? l->initramfs_align : 1;
    uint64_t ceiling = l->initramfs_ceiling < LIMIT_4G ? l->initramfs_ceiling : LIMIT_4G;
    /* Above the kernel (the default), or, when there was no room there,
     * below it: not under 1 MiB and ending at or before the kernel start. */
    int above = r->initramfs_placement == PVH_INITRAMFS_ABOVE;
    int below = r->initramfs_placement == PVH_INITRAMFS_BELOW;
    uint64_t end = r->initramfs_paddr + initramfs_size; /* checked against the ceiling first */
    if (r->initramfs_size != initramfs_size || r->initramfs_paddr % align || r->initramfs_paddr > ceiling ||
        initramfs_size > ceiling - r->initramfs_paddr || (!above && !below) ||
        (above && r->initramfs_paddr < r->kernel_end) ||
        (below && (r->initramfs_paddr < 0x100000 || end > r->kernel_start)))
      oracle_fail("initramfs-placement",
                  "0x%llx+0x%llx %s (size wanted 0x%llx): align 0x%llx, kernel 0x%llx-0x%llx, ceiling 0x%llx",
                  (unsigned long long)r->initramfs_paddr, (unsigned long long)r->initramfs_size,
                  pvh_initramfs_placement_name(r->initramfs_placement), (unsigned long long)initramfs_size,
                  (unsigned long long)align, (unsigned long long)r->kernel_start,
                  (unsigned long long)r->kernel_end, (unsigned long long)ceiling);
  } else if (r->initramfs_placement != PVH_INITRAMFS_NONE) {
    oracle_fail("initramfs-placement", "no initramfs, but the report says it went %s",
                pvh_initramfs_placement_name(r->initramfs_placement));
  }
  /* One op of each boot-data kind (cmdline and initramfs only when asked),
   * and bytes_planned is their sum. */
  unsigned count[8] = {0};
  uint64_t sum = 0;
  for (size_t i = 0; i < plan->nr_ops; i++) {
    const struct pvh_write_op *op = &plan->ops[i];
    if ((unsigned)op->kind >= 7 || strcmp(pvh_write_kind_name(op->kind), oracle_kind_name(op->kind)) != 0)
      oracle_fail("plan-shape", "op %zu has kind %d (\"%s\")", i, (int)op->kind,
                  pvh_write_kind_name(op->kind));
    count[op->kind]++;
    sum += op->len;
  }
  if (count[PVH_W_GDT] != 1 || count[PVH_W_START_INFO] != 1 || count[PVH_W_MEMMAP] != 1 ||
      count[PVH_W_CMDLINE] != (cfg->cmdline ? 1u : 0u) ||
      count[PVH_W_INITRAMFS] != (cfg->initramfs ? 1u : 0u))
    oracle_fail("plan-shape", "ops: %u gdt, %u start_info, %u memmap, %u cmdline, %u initramfs",
                count[PVH_W_GDT], count[PVH_W_START_INFO], count[PVH_W_MEMMAP], count[PVH_W_CMDLINE],
                count[PVH_W_INITRAMFS]);
  if (sum != r->bytes_planned)
    oracle_fail("plan-shape", "bytes_planned %llu, ops add up to %llu", (unsigned long long)r->bytes_planned,
                (unsigned long long)sum);
  /* The entry is inside the file bytes of an executable segment: what
   * pvh_plan_validate promises, and the only place code can be. */
  uint64_t e = r->note.entry;
  int in = 0;
  for (size_t i = 0; i < r->nr_segments && !in; i++) {
    const struct pvh_placed_segment *s = &r->segments[i];
    in = (s->flags & PVH_PF_X) && e >= s->paddr && e - s->paddr < s->filesz;
  }
  if (!in || e >= LIMIT_4G)
    oracle_fail("entry-not-loaded",
                "PHYS32_ENTRY 0x%llx is not inside the file bytes of an executable segment",
                (unsigned long long)e);
}

static struct oracle_span *plan_spans(const struct pvh_plan *plan) {
  struct oracle_span *spans = calloc(plan->nr_ops ? plan->nr_ops : 1, sizeof(*spans));
  if (!spans)
    oracle_fail("oracle-setup", "out of memory for %zu spans", plan->nr_ops);
  for (size_t i = 0; i < plan->nr_ops; i++)
    spans[i] = (struct oracle_span){plan->ops[i].gpa, plan->ops[i].len, oracle_kind_name(plan->ops[i].kind)};
  return spans;
}

void oracle_check_plan(const struct pvh_plan *plan, const struct pvh_mem_region *regions, size_t nr_regions,
                       const struct pvh_load_config *cfg) {
  struct oracle_span *spans = plan_spans(plan);
  oracle_check_spans(spans, plan->nr_ops, regions, nr_regions, "plan");
  free(spans);
  uint64_t isize = cfg->initramfs ? cfg->initramfs->size : 0;
  oracle_check_report_layout(plan, cfg, isize);
  oracle_check_start_info_bytes(plan->start_info_area, &plan->report, cfg, nr_regions, isize);
  if (plan->memmap)
    oracle_check_memmap_bytes((const uint8_t *)plan->memmap, regions, nr_regions);
  if (cfg->cmdline && (!plan->cmdline || strcmp(plan->cmdline, cfg->cmdline) != 0))
    oracle_fail("cmdline-mismatch", "the plan's command line differs from the config's");
  oracle_check_entry_state(&plan->entry, plan->gdt, plan->report.note.entry, cfg->layout.start_info_paddr,
                           cfg->layout.gdt_paddr);
}
