/* SPDX-License-Identifier: MIT */
#include "pvhutil/suggest.h"

#include <string.h>

#define SUGGEST_MAX_LEN 64

unsigned cli_edit_distance(const char *a, size_t alen, const char *b) {
  size_t blen = strlen(b);
  if (alen >= SUGGEST_MAX_LEN || blen >= SUGGEST_MAX_LEN)
    return 255;
  unsigned d[SUGGEST_MAX_LEN + 1][SUGGEST_MAX_LEN + 1];
  for (size_t i = 0; i <= alen; i++)
    d[i][0] = (unsigned)i;
  for (size_t j = 0; j <= blen; j++)
    d[0][j] = (unsigned)j;
  for (size_t i = 1; i <= alen; i++)
    for (size_t j = 1; j <= blen; j++) {
      unsigned cost = a[i - 1] != b[j - 1];
      unsigned v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v)
        v = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < v)
        v = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1; /* transposition: "--jsno" */
      d[i][j] = v;
    }
  return d[alen][blen] > 255 ? 255 : d[alen][blen];
}

const char *cli_suggest(const char *typed, size_t typed_len, const char *const *names, size_t n) {
  const char *best = NULL, *prefix_of = NULL;
  unsigned best_d = 255;
  size_t prefixes = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned d = cli_edit_distance(typed, typed_len, names[i]);
    if (d < best_d) {
      best_d = d;
      best = names[i];
    }
    if (typed_len >= 2 && !strncmp(names[i], typed, typed_len)) {
      prefixes++;
      prefix_of = names[i];
    }
  }
  if (best && best_d <= 2 && best_d * 2 < typed_len)
    return best;
  return prefixes == 1 ? prefix_of : NULL;
}
