/* SPDX-License-Identifier: MIT */
/* Shared between the stage recognizer's files; not installed. */
#ifndef PVHLINUX_STAGES_INTERNAL_H
#define PVHLINUX_STAGES_INTERNAL_H

#include "pvhlinux/stages.h"

struct pvhlinux_stages {
  /* Expectation, owned copies. */
  char *cmdline;
  struct pvh_mem_region *memmap;
  size_t nr_memmap;
  int has_memmap;
  struct pvhlinux_expect ex; /* pointers inside refer to the copies above */
  char console[32];
  char marker[80];

  struct pvhlinux_stage_info info[PVHLINUX_ST__COUNT];

  /* Line assembly. */
  char line[PVHLINUX_LINE_MAX];
  size_t line_len;
  int line_cut; /* the current line was longer than the buffer */
  char last_line[PVHLINUX_LINE_MAX];
  char panic[PVHLINUX_DETAIL_MAX];
  double last_guest_s; /* newest printk timestamp seen; < 0 none yet */

  /* e820 lines collected until the first line that is not one. */
  struct pvhlinux_e820 e820[PVHLINUX_MAX_E820];
  size_t nr_e820;
  int e820_overflow, e820_bad_line;
  int e820_settled;
  double e820_guest_s, e820_host_s;
};

/* stages_e820.c: parse one "BIOS-e820: [mem 0x..-0x..] type" body. 0 ok, -1 not parsable. */
int pvhlinux_parse_e820_line(const char *body, struct pvhlinux_e820 *out);
/* Compare the collected map with the expectation; sets the e820 stage. */
void pvhlinux_e820_settle(struct pvhlinux_stages *st);
const char *pvhlinux_e820_type_name(uint32_t type, char *buf, size_t cap);

/* Parses "0x<hex>" (at least one digit); returns the characters consumed, 0 on failure. */
size_t pvhlinux_parse_hex(const char *s, uint64_t *out);

#endif
