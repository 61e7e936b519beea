/* SPDX-License-Identifier: MIT */
/* oracle_fail, and the write-span invariants every target checks: inside
 * RAM, below 4 GiB, pairwise disjoint. */
#include "oracle_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>

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

static int cmp_region_addr(const void *a, const void *b) {
  const struct pvh_mem_region *x = a, *y = b;
  return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int oracle_map_valid(const struct pvh_mem_region *regions, size_t n) {
  if (n == 0 || n > PVH_MEMMAP_MAX_REGIONS)
    return 0;
  for (size_t i = 0; i < n; i++) {
    const struct pvh_mem_region *r = &regions[i];
    /* Non-empty, ending at or below 2^64 - 1 (the end must be representable),
     * a type the PVH ABI defines (1 RAM .. 7 persistent memory). */
    if (r->size == 0 || r->addr + r->size < r->addr || r->type < 1 || r->type > 7)
      return 0;
  }
  struct pvh_mem_region *s = malloc(n * sizeof(*s));
  if (!s)
    oracle_fail("oracle-setup", "out of memory for %zu regions", n);
  memcpy(s, regions, n * sizeof(*s));
  qsort(s, n, sizeof(*s), cmp_region_addr);
  int ok = 1;
  for (size_t i = 1; i < n && ok; i++)
    ok = s[i].addr >= s[i - 1].addr + s[i - 1].size; /* touching is fine, one byte more is not */
  free(s);
  return ok;
}
