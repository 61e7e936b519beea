/* SPDX-License-Identifier: MIT */
/* The note shapes the reader models are checked on, built with elfgen: each
 * a small ELF whose PT_LOAD at 0x100000 holds a marker stub at every entry a
 * reader might take (0x101000 + 0x10 * k: "out k to port 0xf4"), so QEMU's
 * exit status names the entry it started at. */
#ifndef PVH_READERS_CASES_H
#define PVH_READERS_CASES_H

#include <stddef.h>
#include <stdint.h>

#define CASE_LOAD_PADDR 0x100000u
#define CASE_MARKER_BASE 0x101000u
#define CASE_MARKER(k) (CASE_MARKER_BASE + 0x10u * (k))
#define CASE_MARKERS 15u
#define CASE_SLED_EXIT 0x7fu /* exit code of the stub the NOP sled in the first page ends in */

struct reader_case {
  const char *name;
  const char *what; /* one line: the shape */
  int (*build)(uint8_t **img, size_t *len);
};

size_t reader_case_count(void);
const struct reader_case *reader_case_at(size_t i);

#endif
