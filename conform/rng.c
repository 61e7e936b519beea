/* SPDX-License-Identifier: MIT */
/* splitmix64: tiny, fast, and the same numbers on every host and compiler,
 * which is all a replayable seed needs. */
#include "pvhconform/conform.h"

void conform_rng_seed(struct conform_rng *r, uint64_t seed) { r->s = seed; }

uint64_t conform_rng_next(struct conform_rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint64_t conform_rng_range(struct conform_rng *r, uint64_t lo, uint64_t hi) {
  if (hi <= lo)
    return lo;
  uint64_t span = hi - lo + 1;
  uint64_t v = conform_rng_next(r);
  return span == 0 ? v : lo + v % span; /* span 0: the whole 64-bit range */
}
