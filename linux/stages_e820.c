/* SPDX-License-Identifier: MIT */
/* The e820 stage: what Linux should print for the memory map we passed, the
 * parser for what it did print, and the comparison. Linux copies the PVH
 * memmap into its e820 table and sanitizes it (sorts, merges adjacent regions
 * of one type) before printing "BIOS-e820: [mem start-end] type" with
 * inclusive ends, so we do the same to our map before comparing. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvh/memmap.h"
#include "stages_internal.h"

size_t pvhlinux_parse_hex(const char *s, uint64_t *out) {
  if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
    return 0;
  uint64_t v = 0;
  size_t i = 2;
  for (;; i++) {
    char c = s[i];
    unsigned d;
    if (c >= '0' && c <= '9')
      d = (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f')
      d = (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      d = (unsigned)(c - 'A' + 10);
    else
      break;
    if (v > (UINT64_MAX >> 4))
      return 0; /* would overflow 64 bits */
    v = (v << 4) | d;
  }
  if (i == 2)
    return 0;
  *out = v;
  return i;
}

/* Linux's e820_print_type() wording. */
static const struct {
  uint32_t type;
  const char *name;
} type_names[] = {
    {PVH_MEM_RAM, "usable"},      {PVH_MEM_RESERVED, "reserved"}, {PVH_MEM_ACPI, "ACPI data"},
    {PVH_MEM_NVS, "ACPI NVS"},    {PVH_MEM_UNUSABLE, "unusable"}, {PVH_MEM_PMEM, "persistent (type 7)"},
    {12, "persistent (type 12)"}, {0xefffffffu, "soft reserved"},
};

const char *pvhlinux_e820_type_name(uint32_t type, char *buf, size_t cap) {
  for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
    if (type_names[i].type == type)
      return type_names[i].name;
  snprintf(buf, cap, "type %" PRIu32, type);
  return buf;
}

int pvhlinux_parse_e820_line(const char *body, struct pvhlinux_e820 *out) {
  static const char pfx[] = "BIOS-e820: [mem ";
  if (strncmp(body, pfx, sizeof(pfx) - 1) != 0)
    return -1;
  const char *p = body + sizeof(pfx) - 1;
  size_t n = pvhlinux_parse_hex(p, &out->start);
  if (!n || p[n] != '-')
    return -1;
  p += n + 1;
  n = pvhlinux_parse_hex(p, &out->end);
  if (!n || p[n] != ']' || p[n + 1] != ' ' || out->end < out->start)
    return -1;
  p += n + 2;
  out->type = 0;
  for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
    if (strcmp(p, type_names[i].name) == 0)
      out->type = type_names[i].type;
  if (!out->type && strncmp(p, "type ", 5) == 0) {
    char *end;
    unsigned long t = strtoul(p + 5, &end, 10);
    if (*end == '\0' && t > 0 && t <= UINT32_MAX)
      out->type = (uint32_t)t;
  }
  return 0;
}

static int cmp_region(const void *a, const void *b) {
  const struct pvh_mem_region *x = a, *y = b;
  return x->addr < y->addr ? -1 : x->addr > y->addr;
}

size_t pvhlinux_expected_e820(const struct pvh_mem_region *regions, size_t n, struct pvhlinux_e820 *out,
                              size_t cap) {
  if (!regions || n == 0 || n > PVH_MEMMAP_MAX_REGIONS || cap == 0)
    return 0;
  struct pvh_mem_region *s = malloc(n * sizeof(*s));
  if (!s)
    return 0;
  memcpy(s, regions, n * sizeof(*s));
  qsort(s, n, sizeof(*s), cmp_region);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i].size == 0)
      continue; /* Linux drops empty entries */
    if (s[i].addr > UINT64_MAX - (s[i].size - 1)) {
      k = 0;
      break;
    }
    uint64_t end = s[i].addr + (s[i].size - 1);
    if (k && out[k - 1].type == s[i].type && out[k - 1].end != UINT64_MAX &&
        out[k - 1].end + 1 == s[i].addr) {
      out[k - 1].end = end; /* adjacent and same type: Linux merges them */
      continue;
    }
    if (k && out[k - 1].end >= s[i].addr) {
      k = 0;
      break;
    } /* overlap: not a valid map */
    if (k == cap) {
      k = 0;
      break;
    }
    out[k].start = s[i].addr;
    out[k].end = end;
    out[k].type = s[i].type;
    k++;
  }
  free(s);
  return k;
}

/* Linux's init_pvh_bootparams (arch/x86/platform/pvh/enlighten.c) appends
 * the ISA range [0xa0000, 0x100000) as reserved when its u8 entry count is
 * below E820_MAX_ENTRIES_ZEROPAGE - 1, and its sanitizer lets reserved win
 * over nothing. So where our map leaves part of that range undescribed (a
 * Firecracker-style map with no BIOS-area entry), the kernel prints it
 * reserved. Writes the map plus those uncovered pieces to out (malloc'd). */
#define LINUX_ISA_START 0xa0000ull
#define LINUX_ISA_END 0x100000ull
#define LINUX_E820_ZEROPAGE 128u
static size_t with_linux_isa(const struct pvh_mem_region *m, size_t n, struct pvh_mem_region **out) {
  *out = malloc((n + 4) * sizeof(**out));
  if (!*out)
    return 0;
  memcpy(*out, m, n * sizeof(*m));
  size_t k = n;
  if ((uint8_t)n >= LINUX_E820_ZEROPAGE - 1)
    return k;
  uint64_t cur = LINUX_ISA_START;
  while (cur < LINUX_ISA_END && k < n + 4) {
    uint64_t next = LINUX_ISA_END;
    int inside = 0;
    for (size_t i = 0; i < n; i++) {
      if (m[i].size == 0)
        continue;
      if (m[i].addr <= cur && cur - m[i].addr < m[i].size) {
        cur = m[i].addr + m[i].size < LINUX_ISA_END ? m[i].addr + m[i].size : LINUX_ISA_END;
        inside = 1;
        break;
      }
      if (m[i].addr > cur && m[i].addr < next)
        next = m[i].addr;
    }
    if (inside)
      continue;
    (*out)[k].addr = cur;
    (*out)[k].size = next - cur;
    (*out)[k].type = PVH_MEM_RESERVED;
    k++;
    cur = next;
  }
  return k;
}

void pvhlinux_e820_settle(struct pvhlinux_stages *st) {
  if (st->e820_settled || st->nr_e820 == 0)
    return;
  st->e820_settled = 1;
  struct pvhlinux_stage_info *in = &st->info[PVHLINUX_ST_E820];
  in->guest_s = st->e820_guest_s;
  in->host_s = st->e820_host_s;
  if (st->e820_overflow || st->e820_bad_line) {
    in->state = PVHLINUX_MISMATCH;
    snprintf(in->detail, sizeof(in->detail), "%s",
             st->e820_overflow ? "more than 128 e820 lines" : "unparsable BIOS-e820 line");
    return;
  }
  if (!st->has_memmap) {
    in->state = PVHLINUX_REACHED;
    snprintf(in->detail, sizeof(in->detail), "%zu entries (not compared: no map given)", st->nr_e820);
    return;
  }
  struct pvhlinux_e820 want[PVHLINUX_MAX_E820];
  struct pvh_mem_region *passed = NULL;
  size_t np = with_linux_isa(st->memmap, st->nr_memmap, &passed);
  size_t nw = np ? pvhlinux_expected_e820(passed, np, want, PVHLINUX_MAX_E820) : 0;
  free(passed);
  if (nw == 0) {
    in->state = PVHLINUX_MISMATCH;
    snprintf(in->detail, sizeof(in->detail), "the memory map we passed is invalid or too long");
    return;
  }
  char b1[24], b2[24];
  for (size_t i = 0; i < nw || i < st->nr_e820; i++) {
    const struct pvhlinux_e820 *g = i < st->nr_e820 ? &st->e820[i] : NULL;
    const struct pvhlinux_e820 *w = i < nw ? &want[i] : NULL;
    if (g && w && g->start == w->start && g->end == w->end && g->type == w->type)
      continue;
    in->state = PVHLINUX_MISMATCH;
    if (!g)
      snprintf(in->detail, sizeof(in->detail),
               "kernel printed %zu entries, we passed %zu: missing [0x%" PRIx64 "-0x%" PRIx64 "] %s",
               st->nr_e820, nw, w->start, w->end, pvhlinux_e820_type_name(w->type, b1, sizeof(b1)));
    else if (!w)
      snprintf(in->detail, sizeof(in->detail),
               "kernel printed %zu entries, we passed %zu: extra [0x%" PRIx64 "-0x%" PRIx64 "] %s",
               st->nr_e820, nw, g->start, g->end, pvhlinux_e820_type_name(g->type, b1, sizeof(b1)));
    else
      snprintf(in->detail, sizeof(in->detail),
               "entry %zu: kernel [0x%" PRIx64 "-0x%" PRIx64 "] %s, passed [0x%" PRIx64 "-0x%" PRIx64 "] %s",
               i, g->start, g->end, pvhlinux_e820_type_name(g->type, b1, sizeof(b1)), w->start, w->end,
               pvhlinux_e820_type_name(w->type, b2, sizeof(b2)));
    return;
  }
  in->state = PVHLINUX_REACHED;
  snprintf(in->detail, sizeof(in->detail), "%zu entries equal the map we passed", nw);
}
