/* SPDX-License-Identifier: MIT */
/* The whole pipeline (fuzz_load): guest memory read back through the
 * recording bus, the oracle's own program header reader, and the accepted /
 * rejected / deterministic verdicts. */
#include "oracle_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Guest memory seen through the recording bus                                */
/* ------------------------------------------------------------------------ */

/* The next recorded write, from *i on, that reaches into [gpa, gpa+len), with
 * the part inside as [*lo, *hi); NULL when there is none left. */
static const struct pvh_rec_write *next_in_range(const struct pvh_rec_bus *rb, size_t *i, uint64_t gpa,
                                                 uint64_t len, uint64_t *lo, uint64_t *hi) {
  for (; *i < rb->nr_writes; (*i)++) {
    const struct pvh_rec_write *w = &rb->writes[*i];
    uint64_t hi_w = w->gpa + w->len, hi_r = gpa + len;
    *lo = w->gpa > gpa ? w->gpa : gpa;
    *hi = hi_w < hi_r ? hi_w : hi_r;
    if (*lo < *hi) {
      (*i)++;
      return w;
    }
  }
  return NULL;
}

/* Compares guest [gpa, gpa+len) with `expect` (NULL: all zeros). Every byte
 * must have been written exactly once (writes are known disjoint by now). */
static void guest_expect(const struct pvh_rec_bus *rb, uint64_t gpa, uint64_t len, const uint8_t *expect,
                         const char *invariant, const char *what) {
  uint64_t covered = 0;
  const struct pvh_rec_write *w;
  uint64_t lo, hi;
  for (size_t i = 0; (w = next_in_range(rb, &i, gpa, len, &lo, &hi));) {
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
  const struct pvh_rec_write *w;
  uint64_t lo, hi;
  for (size_t i = 0; (w = next_in_range(rb, &i, gpa, len, &lo, &hi));) {
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
    spans[i] =
        (struct oracle_span){rb->writes[i].gpa, rb->writes[i].len, oracle_kind_name(plan->ops[i].kind)};
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
  /* PHYS32_ENTRY 0 is "no PVH entry" to QEMU: a whole load must refuse it
   * (the plan steps alone may be handed any entry). */
  if (r->note.entry == 0)
    oracle_fail("entry-zero-accepted", "the loader accepted PHYS32_ENTRY 0");
  oracle_check_report_layout(plan, in->cfg, in->initramfs_size);

  /* 4. start_info, modlist, memmap, cmdline and initramfs as the guest sees them. */
  uint8_t area[PVH_START_INFO_AREA], area2[PVH_START_INFO_AREA];
  guest_read(rb, r->start_info_paddr, area, sizeof(area), "start_info");
  /* The bus's own read-back (what tests and tools use) must agree. */
  if (pvh_rec_bus_read(rb, r->start_info_paddr, area2, sizeof(area2), 0xee) != 0 ||
      memcmp(area, area2, sizeof(area)) != 0)
    oracle_fail("bus-readback", "pvh_rec_bus_read of start_info differs from the recorded writes");
  oracle_check_start_info_bytes(area, r, in->cfg, in->nr_regions, in->initramfs_size);
  uint8_t *mm = malloc(in->nr_regions * 24);
  if (!mm)
    oracle_fail("oracle-setup", "out of memory for the memmap");
  guest_read(rb, r->memmap_paddr, mm, in->nr_regions * 24, "memmap");
  oracle_check_memmap_bytes(mm, in->regions, in->nr_regions);
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
  if (rc <= PVH_OK || rc >= PVH_E__COUNT || strcmp(pvh_err_name(rc), "unknown-error") == 0)
    oracle_fail("error-shape", "returned %d, not a known error code", (int)rc);
  if (err && err->code != rc)
    oracle_fail("error-shape", "returned %s, error says %d", pvh_err_name(rc), (int)err->code);
  if (err && (err->message[0] == '\0' || memchr(err->message, '\0', sizeof(err->message)) == NULL))
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
