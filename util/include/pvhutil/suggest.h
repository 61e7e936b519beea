/* SPDX-License-Identifier: MIT */
/* "did you mean": the closest of a list of names to what the user typed. */
#ifndef PVHUTIL_SUGGEST_H
#define PVHUTIL_SUGGEST_H

#include <stddef.h>

/* Optimal string alignment distance (Levenshtein plus adjacent swaps), capped
 * at 255; long inputs are not compared (returns 255). */
unsigned cli_edit_distance(const char *a, size_t alen, const char *b);
/* The name in names[0..n) closest to typed, when close enough to be a typo
 * (distance at most 2, and less than half its length) or when typed is a
 * unique prefix of it; else NULL. */
const char *cli_suggest(const char *typed, size_t typed_len, const char *const *names, size_t n);

#endif
