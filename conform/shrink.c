/* SPDX-License-Identifier: MIT */
/* Shrinking a failing case to the variations that make it fail: each alone
 * first (most failures have one cause), else drop one at a time and keep
 * what still fails; then, for the memmap's entry count, the smallest count
 * that still fails. The predicate is a real boot in pvhcheck conform and a
 * planted one in the unit tests. */
#include <inttypes.h>

#include "internal.h"

void conform_shrink(uint32_t mask, uint32_t memmap_entries, uint32_t default_entries, conform_fails_fn fails,
                    void *ctx, struct conform_shrunk *out) {
  out->mask = mask;
  out->memmap_entries = memmap_entries;
  out->memmap_pass = 0;
  out->runs = 0;
  uint32_t found = 0;
  for (unsigned v = 0; v < CV__COUNT && !found; v++) {
    if (!(mask & (1u << v)) || mask == (1u << v))
      continue;
    out->runs++;
    if (fails(ctx, 1u << v, memmap_entries))
      found = 1u << v;
  }
  if (found) {
    out->mask = found;
  } else {
    for (unsigned v = 0; v < CV__COUNT; v++) {
      uint32_t without = out->mask & ~(1u << v);
      if (!(out->mask & (1u << v)) || without == 0)
        continue;
      out->runs++;
      if (fails(ctx, without, memmap_entries))
        out->mask = without;
    }
  }
  if (!(out->mask & (1u << CV_MEMMAP_ENTRIES)) || memmap_entries <= default_entries + 1)
    return;
  /* lo passes (the mask without the count varied passed, or it would have
   * been dropped), hi fails. */
  uint32_t lo = default_entries, hi = memmap_entries;
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    out->runs++;
    if (fails(ctx, out->mask, mid))
      hi = mid;
    else
      lo = mid;
  }
  out->memmap_entries = hi;
  out->memmap_pass = lo;
}

int conform_shrunk_describe(const struct conform_shrunk *s, const struct conform_case *c, char *out,
                            size_t cap) {
  struct conform_case k = *c;
  k.memmap_entries = s->memmap_entries;
  int n = conform_fmt(out, cap, "fails when: ");
  n += conform_case_describe(&k, s->mask, out + n, cap - (size_t)n);
  if ((s->mask & (1u << CV_MEMMAP_ENTRIES)) && s->memmap_pass)
    n += conform_fmt(out + n, cap - (size_t)n, " -- memmap has more than %u entries (%u fails, %u passes)",
                     s->memmap_pass, s->memmap_entries, s->memmap_pass);
  return n;
}
