/* SPDX-License-Identifier: MIT */
/* The oracles every fuzz target shares (see oracle.h). They re-derive what the
 * loader must have done from the input and the ELF/PVH specifications, using
 * their own small readers rather than libpvh's, so that a bug in a libpvh
 * helper cannot hide itself by agreeing with itself. */
#include "oracle.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT_4G 0x100000000ull
#define RFLAGS_TF 0x100ull
#define RFLAGS_IF 0x200ull
#define RFLAGS_VM 0x20000ull

void oracle_fail(const char *invariant, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "ORACLE FAILED [%s]: ", invariant);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fflush(stderr);
  abort();
}

/* Little-endian reads of the fuzz input: the oracle does not use libpvh's. */
static uint64_t rd(const uint8_t *p, unsigned width) {
  uint64_t v = 0;
  for (unsigned i = 0; i < width; i++)
    v |= (uint64_t)p[i] << (8 * i);
  return v;
}

static uint64_t pad4(uint64_t n) { return (n + 3u) & ~3ull; }

/* ------------------------------------------------------------------------ */
/* Spans: inside RAM, below 4 GiB, pairwise disjoint                          */
/* ------------------------------------------------------------------------ */

int oracle_range_is_ram(const struct pvh_mem_region *r, size_t n, uint64_t addr, uint64_t len) {
  if (len == 0 || addr + len < addr)
    return 0;
  uint64_t end = addr + len, cur = addr;
  /* Step from region end to region end; `cur` grows strictly, so this ends. */
  for (;;) {
    size_t i;
    for (i = 0; i < n; i++)
      if (r[i].type == PVH_MEM_RAM && cur >= r[i].addr && cur - r[i].addr < r[i].size)
        break;
    if (i == n)
      return 0;
    uint64_t rend = r[i].addr + r[i].size < r[i].addr ? UINT64_MAX : r[i].addr + r[i].size;
    if (end <= rend)
      return 1;
    cur = rend;
  }
}

static int span_in_ram(const struct oracle_span *s, const struct pvh_mem_region *r, size_t n) {
  return oracle_range_is_ram(r, n, s->gpa, s->len);
}

static int cmp_span(const void *a, const void *b) {
  const struct oracle_span *x = a, *y = b;
  return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

void oracle_check_spans(struct oracle_span *spans, size_t n, const struct pvh_mem_region *regions,
                        size_t nr_regions, const char *source) {
  for (size_t i = 0; i < n; i++) {
    const struct oracle_span *s = &spans[i];
    if (s->len == 0)
      oracle_fail("empty-write", "%s: %s at 0x%llx has length 0", source, s->what,
                  (unsigned long long)s->gpa);
    if (s->gpa >= LIMIT_4G || s->len > LIMIT_4G - s->gpa)
      oracle_fail("write-above-4g", "%s: %s 0x%llx+0x%llx is not 32-bit addressable", source, s->what,
                  (unsigned long long)s->gpa, (unsigned long long)s->len);
    if (!span_in_ram(s, regions, nr_regions))
      oracle_fail("write-outside-ram", "%s: %s 0x%llx+0x%llx is not all RAM", source, s->what,
                  (unsigned long long)s->gpa, (unsigned long long)s->len);
  }
  qsort(spans, n, sizeof(*spans), cmp_span);
  for (size_t i = 1; i < n; i++) {
    /* Sorted and each below 4 GiB: the previous end cannot wrap. */
    if (spans[i].gpa < spans[i - 1].gpa + spans[i - 1].len)
      oracle_fail("writes-overlap", "%s: %s 0x%llx+0x%llx overlaps %s 0x%llx+0x%llx", source,
                  spans[i - 1].what, (unsigned long long)spans[i - 1].gpa,
                  (unsigned long long)spans[i - 1].len, spans[i].what, (unsigned long long)spans[i].gpa,
                  (unsigned long long)spans[i].len);
  }
}

/* ------------------------------------------------------------------------ */
/* Guest memory seen through the recording bus                                */
/* ------------------------------------------------------------------------ */

/* Compares guest [gpa, gpa+len) with `expect` (NULL: all zeros). Every byte
 * must have been written exactly once (writes are known disjoint by now). */
static void guest_expect(const struct pvh_rec_bus *rb, uint64_t gpa, uint64_t len, const uint8_t *expect,
                         const char *invariant, const char *what) {
  uint64_t covered = 0;
  for (size_t i = 0; i < rb->nr_writes; i++) {
    const struct pvh_rec_write *w = &rb->writes[i];
    uint64_t lo = w->gpa > gpa ? w->gpa : gpa;
    uint64_t hi_w = w->gpa + w->len, hi_r = gpa + len;
    uint64_t hi = hi_w < hi_r ? hi_w : hi_r;
    if (lo >= hi)
      continue;
    covered += hi - lo;
    if (w->is_zero) {
      if (!expect)
        continue;
      for (uint64_t a = lo; a < hi; a++)
        if (expect[a - gpa] != 0)
          oracle_fail(invariant, "%s: guest byte 0x%llx was zero-filled but should be 0x%02x", what,
                      (unsigned long long)a, expect[a - gpa]);
      continue;
    }
    if (!w->data)
      oracle_fail("oracle-setup", "write at 0x%llx kept no data", (unsigned long long)w->gpa);
    const uint8_t *got = w->data + (lo - w->gpa);
    if (expect) {
      if (memcmp(got, expect + (lo - gpa), (size_t)(hi - lo)) != 0) {
        uint64_t k = 0;
        while (got[k] == expect[lo - gpa + k])
          k++;
        oracle_fail(invariant, "%s: guest byte 0x%llx is 0x%02x, expected 0x%02x", what,
                    (unsigned long long)(lo + k), got[k], expect[lo - gpa + k]);
      }
    } else {
      for (uint64_t k = 0; k < hi - lo; k++)
        if (got[k] != 0)
          oracle_fail(invariant, "%s: guest byte 0x%llx is 0x%02x, expected zero", what,
                      (unsigned long long)(lo + k), got[k]);
    }
  }
  if (covered != len)
    oracle_fail(invariant, "%s: only 0x%llx of 0x%llx bytes at 0x%llx were written", what,
                (unsigned long long)covered, (unsigned long long)len, (unsigned long long)gpa);
}

/* Reads guest bytes that must all have been written (boot data). */
static void guest_read(const struct pvh_rec_bus *rb, uint64_t gpa, void *dst, size_t len, const char *what) {
  uint8_t *out = dst;
  uint64_t covered = 0;
  memset(out, 0, len);
  for (size_t i = 0; i < rb->nr_writes; i++) {
    const struct pvh_rec_write *w = &rb->writes[i];
    uint64_t lo = w->gpa > gpa ? w->gpa : gpa;
    uint64_t hi_w = w->gpa + w->len, hi_r = gpa + len;
    uint64_t hi = hi_w < hi_r ? hi_w : hi_r;
    if (lo >= hi)
      continue;
    covered += hi - lo;
    if (w->is_zero)
      continue; /* already zero */
    if (!w->data)
      oracle_fail("oracle-setup", "write at 0x%llx kept no data", (unsigned long long)w->gpa);
    memcpy(out + (lo - gpa), w->data + (lo - w->gpa), (size_t)(hi - lo));
  }
  if (covered != len)
    oracle_fail("boot-data-missing", "%s: only 0x%llx of 0x%zx bytes at 0x%llx were written", what,
                (unsigned long long)covered, len, (unsigned long long)gpa);
}

/* ------------------------------------------------------------------------ */
/* The oracle's own program header reader                                     */
/* ------------------------------------------------------------------------ */

struct ophdr {
  uint32_t index, type, flags;
  uint64_t offset, paddr, filesz, memsz;
};

/* Reads every program header of a file libpvh accepted. Returns the count, or
 * -1 if the file does not even have the table libpvh claims it read (that is
 * itself a failure for an accepted file). *out is malloc'd. */
static long read_phdrs(const uint8_t *f, size_t size, struct ophdr **out) {
  *out = NULL;
  if (size < 64 || f[4] < 1 || f[4] > 2)
    return -1;
  int is64 = f[4] == 2;
  unsigned w = is64 ? 8 : 4;
  size_t ehsize = is64 ? 64 : 52, entsz = is64 ? 56 : 32, shentsz = is64 ? 64 : 40;
  if (size < ehsize)
    return -1;
  uint64_t phoff = rd(f + (is64 ? 32 : 28), w);
  uint64_t shoff = rd(f + (is64 ? 40 : 32), w);
  uint64_t phnum = rd(f + (is64 ? 56 : 44), 2);
  if (phnum == 0xffff) { /* PN_XNUM: the count is section 0's sh_info */
    if (shoff > size || size - shoff < shentsz)
      return -1;
    phnum = rd(f + shoff + (is64 ? 44 : 28), 4);
  }
  if (phnum == 0 || phoff > size || phnum > (size - phoff) / entsz)
    return -1;
  struct ophdr *ph = calloc((size_t)phnum, sizeof(*ph));
  if (!ph)
    oracle_fail("oracle-setup", "out of memory for %llu phdrs", (unsigned long long)phnum);
  for (uint64_t i = 0; i < phnum; i++) {
    const uint8_t *p = f + phoff + i * entsz;
    ph[i].index = (uint32_t)i;
    ph[i].type = (uint32_t)rd(p, 4);
    if (is64) {
      ph[i].flags = (uint32_t)rd(p + 4, 4);
      ph[i].offset = rd(p + 8, 8);
      ph[i].paddr = rd(p + 24, 8);
      ph[i].filesz = rd(p + 32, 8);
      ph[i].memsz = rd(p + 40, 8);
    } else {
      ph[i].offset = rd(p + 4, 4);
      ph[i].paddr = rd(p + 12, 4);
      ph[i].filesz = rd(p + 16, 4);
      ph[i].memsz = rd(p + 20, 4);
      ph[i].flags = (uint32_t)rd(p + 24, 4);
    }
  }
  *out = ph;
  return (long)phnum;
}

/* ------------------------------------------------------------------------ */
/* Entry state and GDT                                                        */
/* ------------------------------------------------------------------------ */

struct oseg {
  uint64_t base;
  uint32_t limit;
  unsigned type, s, dpl, p, avl, l, db, g;
};

/* Decodes a descriptor by the SDM's bit layout. */
static struct oseg decode_desc(uint64_t d) {
  struct oseg s;
  uint32_t raw = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));
  s.base = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000ull);
  s.type = (d >> 40) & 0xf;
  s.s = (d >> 44) & 1;
  s.dpl = (d >> 45) & 3;
  s.p = (d >> 47) & 1;
  s.avl = (d >> 52) & 1;
  s.l = (d >> 53) & 1;
  s.db = (d >> 54) & 1;
  s.g = (d >> 55) & 1;
  s.limit = s.g ? (raw << 12) | 0xfff : raw;
  return s;
}

static void check_seg_vs_gdt(const char *name, const struct pvh_segment *seg,
                             const uint64_t gdt[PVH_GDT_ENTRIES]) {
  unsigned idx = seg->selector >> 3;
  if ((seg->selector & 7) != 0 || idx == 0 || idx >= PVH_GDT_ENTRIES)
    oracle_fail("gdt-state-mismatch", "%s selector 0x%x does not name a GDT entry with RPL 0", name,
                seg->selector);
  struct oseg d = decode_desc(gdt[idx]);
  if (d.base != seg->base || d.limit != seg->limit || d.type != seg->type || d.s != seg->s ||
      d.dpl != seg->dpl || d.p != seg->present || d.avl != seg->avl || d.l != seg->l || d.db != seg->db ||
      d.g != seg->g)
    oracle_fail("gdt-state-mismatch",
                "%s (selector 0x%x): state base 0x%llx limit 0x%x type 0x%x s%u dpl%u p%u l%u db%u g%u, GDT "
                "descriptor 0x%016llx says base 0x%llx limit 0x%x type 0x%x s%u dpl%u p%u l%u db%u g%u",
                name, seg->selector, (unsigned long long)seg->base, seg->limit, seg->type, seg->s, seg->dpl,
                seg->present, seg->l, seg->db, seg->g, (unsigned long long)gdt[idx],
                (unsigned long long)d.base, d.limit, d.type, d.s, d.dpl, d.p, d.l, d.db, d.g);
}

static void check_flat(const char *name, const struct pvh_segment *s, int code) {
  int ok = s->base == 0 && s->limit == 0xffffffffu && s->present && s->s && s->db && !s->l && !s->unusable;
  if (code)
    ok = ok && (s->type & 0x8) && (s->type & 0x2); /* code, readable */
  else
    ok = ok && !(s->type & 0x8) && (s->type & 0x2); /* data, writable */
  if (!ok)
    oracle_fail("entry-state",
                "%s is not a flat 32-bit %s segment (base 0x%llx limit 0x%x type 0x%x p%u s%u db%u l%u)",
                name, code ? "code" : "data", (unsigned long long)s->base, s->limit, s->type, s->present,
                s->s, s->db, s->l);
}

void oracle_check_entry_state(const struct pvh_entry_state *st, const uint64_t gdt[PVH_GDT_ENTRIES],
                              uint64_t entry, uint64_t start_info_paddr, uint64_t gdt_paddr) {
  if (st->rip != entry || entry >= LIMIT_4G)
    oracle_fail("entry-state", "RIP 0x%llx, PHYS32_ENTRY 0x%llx", (unsigned long long)st->rip,
                (unsigned long long)entry);
  if (st->rbx != start_info_paddr)
    oracle_fail("entry-state", "EBX 0x%llx is not start_info 0x%llx", (unsigned long long)st->rbx,
                (unsigned long long)start_info_paddr);
  if (!(st->cr0 & PVH_CR0_PE) || (st->cr0 & ~(PVH_CR0_PE | PVH_CR0_ET)) || st->cr4 || st->efer)
    oracle_fail("entry-state", "CR0 0x%llx CR4 0x%llx EFER 0x%llx: want PE only, no paging, no long mode",
                (unsigned long long)st->cr0, (unsigned long long)st->cr4, (unsigned long long)st->efer);
  if (!(st->rflags & PVH_RFLAGS_FIXED) || (st->rflags & (RFLAGS_TF | RFLAGS_IF | RFLAGS_VM)))
    oracle_fail("entry-state", "EFLAGS 0x%llx: bit 1 must be set, TF/IF/VM clear",
                (unsigned long long)st->rflags);
  check_flat("CS", &st->cs, 1);
  const struct {
    const char *name;
    const struct pvh_segment *s;
  } data[] = {{"DS", &st->ds}, {"ES", &st->es}, {"FS", &st->fs}, {"GS", &st->gs}, {"SS", &st->ss}};
  for (size_t i = 0; i < sizeof(data) / sizeof(data[0]); i++) {
    check_flat(data[i].name, data[i].s, 0);
    check_seg_vs_gdt(data[i].name, data[i].s, gdt);
  }
  check_seg_vs_gdt("CS", &st->cs, gdt);
  if (st->tr.base != 0 || st->tr.limit != 0x67 || st->tr.type != 0xb || st->tr.s || !st->tr.present ||
      st->tr.unusable)
    oracle_fail("entry-state",
                "TR is not a busy 32-bit TSS at 0 limit 0x67 (base 0x%llx limit 0x%x type 0x%x)",
                (unsigned long long)st->tr.base, st->tr.limit, st->tr.type);
  check_seg_vs_gdt("TR", &st->tr, gdt);
  if (st->gdt.base != gdt_paddr || st->gdt.limit != PVH_GDT_SIZE - 1)
    oracle_fail("entry-state", "GDTR 0x%llx/0x%x, the GDT was planned at 0x%llx (%u bytes)",
                (unsigned long long)st->gdt.base, st->gdt.limit, (unsigned long long)gdt_paddr, PVH_GDT_SIZE);
  if (gdt[0] != 0)
    oracle_fail("gdt-state-mismatch", "GDT entry 0 (the null descriptor) is 0x%016llx",
                (unsigned long long)gdt[0]);
}

/* ------------------------------------------------------------------------ */
/* Boot data in a plan or in guest memory                                     */
/* ------------------------------------------------------------------------ */

static int cmp_region(const void *a, const void *b) {
  const struct pvh_mem_region *x = a, *y = b;
  return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* start_info + modlist as bytes (from the plan or from the guest) against
 * the report and the config. */
static void check_start_info_bytes(const uint8_t *area, const struct pvh_load_report *r,
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

static void check_memmap_bytes(const uint8_t *bytes, const struct pvh_mem_region *regions, size_t n) {
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

static const char *kind_name(enum pvh_write_kind k) {
  static const char *const names[] = {"segment", "bss", "start_info", "memmap",
                                      "cmdline", "gdt", "initramfs"};
  return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "unknown-kind";
}

/* Placement promises that hold for any plan: boot data where the layout put
 * it, the initramfs aligned, above the kernel and under the ceiling. */
static void check_report_layout(const struct pvh_plan *plan, const struct pvh_load_config *cfg,
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
    if (r->initramfs_size != initramfs_size || r->initramfs_paddr % align ||
        r->initramfs_paddr < r->kernel_end || r->initramfs_paddr > ceiling ||
        initramfs_size > ceiling - r->initramfs_paddr)
      oracle_fail("initramfs-placement",
                  "0x%llx+0x%llx (size wanted 0x%llx): align 0x%llx, kernel end 0x%llx, ceiling 0x%llx",
                  (unsigned long long)r->initramfs_paddr, (unsigned long long)r->initramfs_size,
                  (unsigned long long)initramfs_size, (unsigned long long)align,
                  (unsigned long long)r->kernel_end, (unsigned long long)ceiling);
  }
  /* One op of each boot-data kind (cmdline and initramfs only when asked),
   * and bytes_planned is their sum. */
  unsigned count[8] = {0};
  uint64_t sum = 0;
  for (size_t i = 0; i < plan->nr_ops; i++) {
    const struct pvh_write_op *op = &plan->ops[i];
    if ((unsigned)op->kind >= 7 || strcmp(pvh_write_kind_name(op->kind), kind_name(op->kind)) != 0)
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
    spans[i] = (struct oracle_span){plan->ops[i].gpa, plan->ops[i].len, kind_name(plan->ops[i].kind)};
  return spans;
}

void oracle_check_plan(const struct pvh_plan *plan, const struct pvh_mem_region *regions, size_t nr_regions,
                       const struct pvh_load_config *cfg) {
  struct oracle_span *spans = plan_spans(plan);
  oracle_check_spans(spans, plan->nr_ops, regions, nr_regions, "plan");
  free(spans);
  uint64_t isize = cfg->initramfs ? cfg->initramfs->size : 0;
  check_report_layout(plan, cfg, isize);
  check_start_info_bytes(plan->start_info_area, &plan->report, cfg, nr_regions, isize);
  if (plan->memmap)
    check_memmap_bytes((const uint8_t *)plan->memmap, regions, nr_regions);
  if (cfg->cmdline && (!plan->cmdline || strcmp(plan->cmdline, cfg->cmdline) != 0))
    oracle_fail("cmdline-mismatch", "the plan's command line differs from the config's");
  oracle_check_entry_state(&plan->entry, plan->gdt, plan->report.note.entry, cfg->layout.start_info_paddr,
                           cfg->layout.gdt_paddr);
}

/* ------------------------------------------------------------------------ */
/* The whole pipeline                                                         */
/* ------------------------------------------------------------------------ */

void oracle_check_accepted(const struct oracle_load *in, const struct pvh_plan *plan,
                           const struct pvh_rec_bus *rb) {
  const struct pvh_load_report *r = &plan->report;
  if (rb->out_of_ram || rb->failed)
    oracle_fail("bus-refused", "an accepted load had a write refused (out_of_ram %d, failed %d)",
                rb->out_of_ram, rb->failed);
  if (rb->nr_writes != plan->nr_ops)
    oracle_fail("plan-vs-bus", "%zu writes reached the bus, the plan has %zu", rb->nr_writes, plan->nr_ops);

  /* 1. Every write in RAM, below 4 GiB, no two overlapping. */
  struct oracle_span *spans = calloc(rb->nr_writes ? rb->nr_writes : 1, sizeof(*spans));
  if (!spans)
    oracle_fail("oracle-setup", "out of memory for %zu spans", rb->nr_writes);
  for (size_t i = 0; i < rb->nr_writes; i++) {
    spans[i] = (struct oracle_span){rb->writes[i].gpa, rb->writes[i].len, kind_name(plan->ops[i].kind)};
    if (rb->writes[i].gpa != plan->ops[i].gpa || rb->writes[i].len != plan->ops[i].len)
      oracle_fail("plan-vs-bus", "write %zu went to 0x%llx+0x%llx, the plan said 0x%llx+0x%llx", i,
                  (unsigned long long)rb->writes[i].gpa, (unsigned long long)rb->writes[i].len,
                  (unsigned long long)plan->ops[i].gpa, (unsigned long long)plan->ops[i].len);
  }
  oracle_check_spans(spans, rb->nr_writes, in->regions, in->nr_regions, "bus");
  free(spans);

  /* 2. The PT_LOAD list, re-read from the file by the oracle, and the guest
   *    bytes of each segment. */
  struct ophdr *ph = NULL;
  long nph = read_phdrs(in->file, in->file_size, &ph);
  if (nph < 0)
    oracle_fail("phdrs-mismatch",
                "the loader accepted a file whose program header table the oracle cannot read");
  size_t k = 0;
  for (long i = 0; i < nph; i++) {
    if (ph[i].type != PVH_PT_LOAD || ph[i].memsz == 0)
      continue; /* metadata, or occupies no memory: never placed */
    if (k >= r->nr_segments)
      oracle_fail("phdrs-mismatch", "PT_LOAD %ld (memsz 0x%llx) was not placed", i,
                  (unsigned long long)ph[i].memsz);
    const struct pvh_placed_segment *s = &r->segments[k++];
    if (s->phdr_index != ph[i].index || s->paddr != ph[i].paddr || s->filesz != ph[i].filesz ||
        s->memsz != ph[i].memsz || s->offset != ph[i].offset || s->flags != ph[i].flags)
      oracle_fail(
          "phdrs-mismatch",
          "PT_LOAD %ld: file says paddr 0x%llx filesz 0x%llx memsz 0x%llx offset 0x%llx flags %u; placed as "
          "phdr %u paddr 0x%llx filesz 0x%llx memsz 0x%llx offset 0x%llx flags %u",
          i, (unsigned long long)ph[i].paddr, (unsigned long long)ph[i].filesz,
          (unsigned long long)ph[i].memsz, (unsigned long long)ph[i].offset, ph[i].flags, s->phdr_index,
          (unsigned long long)s->paddr, (unsigned long long)s->filesz, (unsigned long long)s->memsz,
          (unsigned long long)s->offset, s->flags);
    /* p_offset only matters when there are file bytes: a pure-BSS segment may
     * name any offset (ELF gives it no meaning then). */
    if (s->filesz > s->memsz ||
        (s->filesz && (s->offset > in->file_size || s->filesz > in->file_size - s->offset)))
      oracle_fail("segment-bounds",
                  "PT_LOAD %u: 0x%llx file bytes at 0x%llx (memsz 0x%llx) in a %zu-byte file", s->phdr_index,
                  (unsigned long long)s->filesz, (unsigned long long)s->offset, (unsigned long long)s->memsz,
                  in->file_size);
    char what[64];
    snprintf(what, sizeof(what), "PT_LOAD %u", s->phdr_index);
    if (s->filesz)
      guest_expect(rb, s->paddr, s->filesz, in->file + s->offset, "segment-bytes-mismatch", what);
    if (s->memsz > s->filesz) {
      guest_expect(rb, s->paddr + s->filesz, s->memsz - s->filesz, NULL, "bss-not-zero", what);
      /* And through the bus's own read-back, the first bytes of it. */
      uint8_t z[16];
      uint64_t zl = s->memsz - s->filesz < sizeof(z) ? s->memsz - s->filesz : sizeof(z);
      if (pvh_rec_bus_read(rb, s->paddr + s->filesz, z, zl, 0xee) != 0 || memchr(z, 0xee, (size_t)zl) ||
          memcmp(z, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", (size_t)zl) != 0)
        oracle_fail("bus-readback", "%s: pvh_rec_bus_read of the BSS start is not zero", what);
    }
  }
  if (k != r->nr_segments)
    oracle_fail("phdrs-mismatch", "%zu segments placed, the file has %zu PT_LOAD with p_memsz > 0",
                r->nr_segments, k);
  free(ph);

  /* 3. Entry below 4 GiB inside an executable segment's file bytes; the
   *    report agrees with the segments; boot data where the layout says. */
  uint64_t lo = UINT64_MAX, hi = 0;
  for (size_t i = 0; i < r->nr_segments; i++) {
    if (r->segments[i].paddr < lo)
      lo = r->segments[i].paddr;
    if (r->segments[i].paddr + r->segments[i].memsz > hi)
      hi = r->segments[i].paddr + r->segments[i].memsz;
  }
  if (r->kernel_start != lo || r->kernel_end != hi)
    oracle_fail("report-mismatch", "kernel 0x%llx-0x%llx, segments span 0x%llx-0x%llx",
                (unsigned long long)r->kernel_start, (unsigned long long)r->kernel_end,
                (unsigned long long)lo, (unsigned long long)hi);
  check_report_layout(plan, in->cfg, in->initramfs_size);

  /* 4. start_info, modlist, memmap, cmdline and initramfs as the guest sees them. */
  uint8_t area[PVH_START_INFO_AREA], area2[PVH_START_INFO_AREA];
  guest_read(rb, r->start_info_paddr, area, sizeof(area), "start_info");
  /* The bus's own read-back (what tests and tools use) must agree. */
  if (pvh_rec_bus_read(rb, r->start_info_paddr, area2, sizeof(area2), 0xee) != 0 ||
      memcmp(area, area2, sizeof(area)) != 0)
    oracle_fail("bus-readback", "pvh_rec_bus_read of start_info differs from the recorded writes");
  check_start_info_bytes(area, r, in->cfg, in->nr_regions, in->initramfs_size);
  uint8_t *mm = malloc(in->nr_regions * 24);
  if (!mm)
    oracle_fail("oracle-setup", "out of memory for the memmap");
  guest_read(rb, r->memmap_paddr, mm, in->nr_regions * 24, "memmap");
  check_memmap_bytes(mm, in->regions, in->nr_regions);
  free(mm);
  if (in->cfg->cmdline)
    guest_expect(rb, r->cmdline_paddr, r->cmdline_len, (const uint8_t *)in->cfg->cmdline, "cmdline-mismatch",
                 "cmdline"); /* strlen+1 bytes: the NUL is compared too */
  if (in->initramfs)
    guest_expect(rb, r->initramfs_paddr, in->initramfs_size, in->initramfs, "initramfs-mismatch",
                 "initramfs");

  /* 5. The entry state is PVH's and the GDT bytes in guest memory encode it. */
  uint8_t gdt_bytes[PVH_GDT_SIZE];
  uint64_t gdt[PVH_GDT_ENTRIES];
  guest_read(rb, plan->entry.gdt.base, gdt_bytes, sizeof(gdt_bytes), "gdt");
  for (unsigned i = 0; i < PVH_GDT_ENTRIES; i++)
    gdt[i] = rd(gdt_bytes + 8 * i, 8);
  oracle_check_entry_state(&plan->entry, gdt, r->note.entry, in->cfg->layout.start_info_paddr,
                           in->cfg->layout.gdt_paddr);
}

void oracle_check_rejected(enum pvh_err rc, const struct pvh_error *err, const struct pvh_plan *plan,
                           const struct pvh_rec_bus *rb) {
  if (rb->nr_writes || rb->total_bytes)
    oracle_fail("rejected-but-wrote", "%s was returned after %zu writes (%llu bytes) reached the bus",
                pvh_err_name(rc), rb->nr_writes, (unsigned long long)rb->total_bytes);
  if (rc <= PVH_OK || rc >= PVH_E__COUNT || err->code != rc || strcmp(pvh_err_name(rc), "unknown-error") == 0)
    oracle_fail("error-shape", "returned %d, error says %d", (int)rc, (int)err->code);
  if (err->message[0] == '\0' || memchr(err->message, '\0', sizeof(err->message)) == NULL)
    oracle_fail("error-shape", "%s has no (terminated) message", pvh_err_name(rc));
  if (plan->nr_ops || plan->ops || plan->report.nr_segments || plan->report.segments || plan->memmap ||
      plan->cmdline)
    oracle_fail("rejected-plan-not-empty", "%s left %zu ops and %zu segments in the plan", pvh_err_name(rc),
                plan->nr_ops, plan->report.nr_segments);
}

void oracle_check_same(enum pvh_err rc1, const struct pvh_error *e1, const struct pvh_plan *p1,
                       const struct pvh_rec_bus *b1, enum pvh_err rc2, const struct pvh_error *e2,
                       const struct pvh_plan *p2, const struct pvh_rec_bus *b2) {
  if (rc1 != rc2 || e1->code != e2->code || strcmp(e1->message, e2->message) != 0)
    oracle_fail("nondeterministic", "first load: %s \"%s\"; second: %s \"%s\"", pvh_err_name(rc1),
                e1->message, pvh_err_name(rc2), e2->message);
  if (b1->nr_writes != b2->nr_writes || pvh_rec_bus_digest(b1) != pvh_rec_bus_digest(b2))
    oracle_fail("nondeterministic",
                "first load made %zu writes (digest %016llx), second %zu (digest %016llx)", b1->nr_writes,
                (unsigned long long)pvh_rec_bus_digest(b1), b2->nr_writes,
                (unsigned long long)pvh_rec_bus_digest(b2));
  const struct pvh_load_report *r1 = &p1->report, *r2 = &p2->report;
  if (r1->nr_segments != r2->nr_segments || r1->kernel_start != r2->kernel_start ||
      r1->kernel_end != r2->kernel_end || r1->note.entry != r2->note.entry ||
      r1->note.source != r2->note.source || r1->note.notes_seen != r2->note.notes_seen ||
      r1->initramfs_paddr != r2->initramfs_paddr || r1->bytes_planned != r2->bytes_planned ||
      memcmp(&p1->entry, &p2->entry, sizeof(p1->entry)) != 0 ||
      (r1->nr_segments && memcmp(r1->segments, r2->segments, r1->nr_segments * sizeof(*r1->segments)) != 0))
    oracle_fail("nondeterministic", "the two loads report different plans");
}

/* ------------------------------------------------------------------------ */
/* Note walking                                                               */
/* ------------------------------------------------------------------------ */

size_t oracle_check_note_walk(const uint8_t *data, size_t size) {
  struct pvh_note_iter it;
  struct pvh_note note;
  struct pvh_error err;
  size_t pos = 0, n = 0;
  int rc;

  pvh_error_clear(&err);
  pvh_note_iter_init(&it, data, size);
  for (;;) {
    /* The reference walk: a header needs 12 bytes; name and desc each take
     * their size rounded up to 4 (the note format's padding). */
    int want;
    uint64_t need = 0;
    if (size - pos < 12) {
      want = 0;
    } else {
      need = 12 + pad4(rd(data + pos, 4)) + pad4(rd(data + pos + 4, 4));
      want = need <= size - pos ? 1 : -1;
    }
    rc = pvh_note_next(&it, &note, &err);
    if (rc != want)
      oracle_fail("note-walk", "at +0x%zx of %zu bytes: pvh_note_next says %d, the note format says %d", pos,
                  size, rc, want);
    if (rc != 1)
      break;
    if (note.offset != pos || note.namesz != rd(data + pos, 4) || note.descsz != rd(data + pos + 4, 4) ||
        note.type != rd(data + pos + 8, 4) || note.name != data + pos + 12 ||
        note.desc != data + pos + 12 + pad4(note.namesz))
      oracle_fail("note-walk", "note at +0x%zx decoded wrongly (offset 0x%llx namesz %u descsz %u type %u)",
                  pos, (unsigned long long)note.offset, note.namesz, note.descsz, note.type);
    pos += (size_t)need;
    n++;
  }
  if (rc < 0 && err.code != PVH_E_NOTE_MALFORMED)
    oracle_fail("note-walk", "a malformed note reported %s", pvh_err_name(err.code));
  /* The iterator stays put at the end: asking again gives the same answer. */
  if (pvh_note_next(&it, &note, &err) != rc)
    oracle_fail("note-walk", "asking again after the end gave a different answer");
  return n;
}

struct osearch {
  int found;
  uint64_t entry;
  enum pvh_note_source source;
  uint32_t container, desc_size, notes, xen;
};

/* One container by the PVH rules. Returns PVH_OK or the error code. */
static enum pvh_err search_container(const uint8_t *d, uint64_t size, enum pvh_note_source src,
                                     uint32_t index, struct osearch *s) {
  uint64_t pos = 0;
  while (size - pos >= 12) {
    uint32_t namesz = (uint32_t)rd(d + pos, 4), descsz = (uint32_t)rd(d + pos + 4, 4);
    uint32_t type = (uint32_t)rd(d + pos + 8, 4);
    uint64_t need = 12 + pad4(namesz) + pad4(descsz);
    if (need > size - pos)
      return PVH_E_NOTE_MALFORMED;
    if (++s->notes > PVH_NOTE_MAX_COUNT)
      return PVH_E_NOTE_TOO_MANY;
    const uint8_t *name = d + pos + 12, *desc = name + pad4(namesz);
    pos += need;
    if (namesz != 4 || memcmp(name, "Xen", 4) != 0)
      continue;
    s->xen++;
    if (type != PVH_XEN_ELFNOTE_PHYS32_ENTRY)
      continue;
    if (descsz != 4 && descsz != 8)
      return PVH_E_NOTE_DESC_SIZE;
    uint64_t e = rd(desc, descsz);
    if (s->found && e != s->entry)
      return PVH_E_NOTE_CONFLICT;
    if (!s->found)
      *s = (struct osearch){1, e, src, index, descsz, s->notes, s->xen};
  }
  return PVH_OK;
}

static enum pvh_err search_entry(const struct pvh_image *img, const struct pvh_elf *elf, struct osearch *s) {
  enum pvh_err rc;
  memset(s, 0, sizeof(*s));
  for (uint32_t i = 0; i < elf->nr_phdrs; i++) {
    const struct pvh_phdr *ph = &elf->phdrs[i];
    if (ph->type != PVH_PT_NOTE || ph->filesz == 0)
      continue;
    if (ph->offset > img->size || ph->filesz > img->size - ph->offset)
      return PVH_E_NOTE_BOUNDS;
    if ((rc = search_container(img->data + ph->offset, ph->filesz, PVH_NOTE_PT_NOTE, i, s)) != PVH_OK)
      return rc;
  }
  if (!s->found) {
    if (elf->shdr_error.code != PVH_OK)
      return elf->shdr_error.code;
    for (uint32_t i = 0; i < elf->nr_shdrs; i++) {
      const struct pvh_shdr *sh = &elf->shdrs[i];
      if (sh->type != PVH_SHT_NOTE || sh->size == 0)
        continue;
      if (sh->offset > img->size || sh->size > img->size - sh->offset)
        return PVH_E_NOTE_BOUNDS;
      if ((rc = search_container(img->data + sh->offset, sh->size, PVH_NOTE_SHT_NOTE, i, s)) != PVH_OK)
        return rc;
    }
  }
  if (!s->found)
    return PVH_E_NO_PVH_NOTE;
  return s->entry >= LIMIT_4G ? PVH_E_ENTRY_ABOVE_4G : PVH_OK;
}

void oracle_check_entry_search(const struct pvh_image *img, const struct pvh_elf *elf, enum pvh_err rc,
                               const struct pvh_entry_note *found, const struct pvh_error *err) {
  struct osearch s;
  enum pvh_err want = search_entry(img, elf, &s);
  if (rc != want || (rc != PVH_OK && err->code != rc))
    oracle_fail("entry-search", "pvh_find_pvh_entry says %s (\"%s\"), the PVH rules say %s", pvh_err_name(rc),
                err->message, pvh_err_name(want));
  if (rc != PVH_OK) {
    if (strcmp(pvh_note_source_name(PVH_NOTE_NONE), "none") != 0)
      oracle_fail("entry-search", "PVH_NOTE_NONE is named %s", pvh_note_source_name(PVH_NOTE_NONE));
    return;
  }
  if (strcmp(pvh_note_source_name(found->source), s.source == PVH_NOTE_PT_NOTE ? "PT_NOTE" : "SHT_NOTE") != 0)
    oracle_fail("entry-search", "source named %s", pvh_note_source_name(found->source));
  if (found->entry != s.entry || found->source != s.source || found->container != s.container ||
      found->desc_size != s.desc_size)
    oracle_fail("entry-search",
                "found 0x%llx in %s %u (desc %u); the PVH rules find 0x%llx in %s %u (desc %u)",
                (unsigned long long)found->entry, pvh_note_source_name(found->source), found->container,
                found->desc_size, (unsigned long long)s.entry, pvh_note_source_name(s.source), s.container,
                s.desc_size);
  /* Both walks go on past the first find through every PT_NOTE (and every
   * SHT_NOTE once the fallback runs), so the counts agree exactly. */
  if (found->notes_seen != s.notes || found->xen_notes_seen != s.xen)
    oracle_fail("entry-search", "notes_seen %u / xen %u; the walk by the rules saw %u / %u",
                found->notes_seen, found->xen_notes_seen, s.notes, s.xen);
}

/* ------------------------------------------------------------------------ */
/* Differential: elfutils libelf                                              */
/* ------------------------------------------------------------------------ */
/* What libelf is asked and how its answers are normalised before comparing
 * (each one is a point the ELF specification leaves open or where PVH says
 * more than ELF):
 *  N1 Note padding: the notes are read as ELF_T_NHDR, 4-byte padding, from the
 *     raw container bytes (elf_getdata_rawchunk). p_align/sh_addralign 8
 *     would make libelf pad to 8 (ELF_T_NHDR8, for GNU property notes); the
 *     Xen note format is 4-byte padded whatever the container's alignment.
 *  N2 PT_LOAD with p_memsz 0 occupies no memory; libpvh does not place it.
 *     They are dropped from libelf's list before comparing.
 *  N3 ELF32 fields are zero-extended to 64 bits by both (GElf does that).
 *  N4 Which notes count: owner exactly "Xen\0" (namesz 4), type 18, desc 4 or
 *     8 bytes read little endian; PT_NOTE segments first, SHT_NOTE sections
 *     only when no PT_NOTE holds one (the PVH rule, not an ELF one).
 *  N5 libelf accepts any e_machine/e_type/e_version and headers libpvh
 *     refuses: the comparison runs only where both accept (libpvh returned
 *     PVH_OK and libelf enumerated every header and note container). */
#ifdef PVH_FUZZ_HAVE_LIBELF
#include <gelf.h>
#include <libelf.h>

/* Walks one container with gelf_getnote. Returns 1 and sets *entry when a
 * PHYS32_ENTRY was found, 0 when none, -1 when libelf could not walk it. */
static int libelf_scan(Elf *e, uint64_t off, uint64_t size, uint64_t *entry, int *walked_all) {
  Elf_Data *d = elf_getdata_rawchunk(e, (int64_t)off, (size_t)size, ELF_T_NHDR);
  if (!d)
    return -1;
  size_t pos = 0, next, name_off, desc_off;
  GElf_Nhdr nh;
  int found = 0;
  while ((next = gelf_getnote(d, pos, &nh, &name_off, &desc_off)) > 0) {
    const char *base = d->d_buf;
    if (!found && nh.n_namesz == 4 && memcmp(base + name_off, "Xen", 4) == 0 &&
        nh.n_type == PVH_XEN_ELFNOTE_PHYS32_ENTRY && (nh.n_descsz == 4 || nh.n_descsz == 8)) {
      *entry = rd((const uint8_t *)base + desc_off, nh.n_descsz);
      found = 1;
    }
    pos = next;
  }
  /* gelf_getnote returns 0 both at the end and on a note that does not fit;
   * fewer than 12 bytes left is the end. */
  *walked_all = d->d_size - pos < 12;
  return found;
}

int oracle_diff_libelf(const uint8_t *data, size_t size, enum pvh_err rc, const struct pvh_plan *plan) {
  static int ready;
  if (rc != PVH_OK) /* N5 */
    return 0;
#ifdef PVH_FUZZ_SKIP_KNOWN_BUGS
  /* Filed: corpus/regressions/fuzz_load/loader-bug-phoff-0-reads-elf-header-as-phdrs-* */
  if (size >= 64 && rd(data + (data[4] == 2 ? 32 : 28), data[4] == 2 ? 8 : 4) == 0)
    return 0;
#endif
  if (!ready) {
    if (elf_version(EV_CURRENT) == EV_NONE)
      oracle_fail("oracle-setup", "libelf: %s", elf_errmsg(-1));
    ready = 1;
  }
  /* elf_memory may rewrite the image in place (byte order); give it a copy. */
  char *copy = malloc(size ? size : 1);
  if (!copy)
    oracle_fail("oracle-setup", "out of memory for a %zu-byte copy", size);
  memcpy(copy, data, size);
  int compared = 0;
  Elf *e = elf_memory(copy, size);
  size_t phnum;
  if (!e || elf_kind(e) != ELF_K_ELF || elf_getphdrnum(e, &phnum) != 0)
    goto out;

  const struct pvh_load_report *r = &plan->report;
  size_t k = 0;
  uint64_t entry = 0;
  int found = 0;
  for (size_t i = 0; i < phnum; i++) {
    GElf_Phdr ph;
    if (!gelf_getphdr(e, (int)i, &ph))
      goto out;
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0) /* N2 */
      continue;
    const struct pvh_placed_segment *s = k < r->nr_segments ? &r->segments[k] : NULL;
    k++;
    if (!s || s->phdr_index != i || s->paddr != ph.p_paddr || s->filesz != ph.p_filesz ||
        s->memsz != ph.p_memsz || s->offset != ph.p_offset || s->flags != ph.p_flags)
      oracle_fail(
          "libelf-ptload-mismatch",
          "libelf: phdr %zu PT_LOAD paddr 0x%llx filesz 0x%llx memsz 0x%llx offset 0x%llx flags %u; libpvh "
          "placed %s",
          i, (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_filesz, (unsigned long long)ph.p_memsz,
          (unsigned long long)ph.p_offset, (unsigned)ph.p_flags, s ? "something else there" : "nothing");
  }
  if (k != r->nr_segments)
    oracle_fail("libelf-ptload-mismatch", "libelf lists %zu PT_LOAD with p_memsz > 0, libpvh placed %zu", k,
                r->nr_segments);

  for (size_t i = 0; i < phnum; i++) { /* N4: PT_NOTE first */
    GElf_Phdr ph;
    if (!gelf_getphdr(e, (int)i, &ph))
      goto out;
    if (ph.p_type != PT_NOTE || ph.p_filesz == 0)
      continue;
    uint64_t v = 0;
    int all = 0, f = libelf_scan(e, ph.p_offset, ph.p_filesz, &v, &all);
    if (f < 0)
      goto out;
    if (!all)
      oracle_fail("libelf-note-mismatch", "libpvh walked every note of PT_NOTE %zu, libelf stops early", i);
    if (f && !found) {
      entry = v;
      found = 1;
    }
  }
  if (!found) {
    size_t shnum;
    if (elf_getshdrnum(e, &shnum) != 0)
      goto out;
    for (size_t i = 0; i < shnum && !found; i++) {
      GElf_Shdr sh;
      Elf_Scn *scn = elf_getscn(e, i);
      if (!scn || !gelf_getshdr(scn, &sh))
        goto out;
      if (sh.sh_type != SHT_NOTE || sh.sh_size == 0)
        continue;
      uint64_t v = 0;
      int all = 0, f = libelf_scan(e, sh.sh_offset, sh.sh_size, &v, &all);
      if (f < 0)
        goto out;
      if (f) {
        entry = v;
        found = 1;
      }
    }
  }
  if (!found || entry != r->note.entry)
    oracle_fail("libelf-entry-mismatch", "libpvh: PHYS32_ENTRY 0x%llx from %s %u; libelf: %s 0x%llx",
                (unsigned long long)r->note.entry, pvh_note_source_name(r->note.source), r->note.container,
                found ? "entry" : "no entry", (unsigned long long)entry);
  compared = 1;
out:
  if (e)
    elf_end(e);
  free(copy);
  return compared;
}
#else
int oracle_diff_libelf(const uint8_t *data, size_t size, enum pvh_err rc, const struct pvh_plan *plan) {
  (void)data, (void)size, (void)rc, (void)plan;
  return 0;
}
#endif
