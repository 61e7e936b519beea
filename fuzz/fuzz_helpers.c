/* SPDX-License-Identifier: MIT */
/* fuzz_helpers: the public helpers the load pipeline never drives with varied
 * values (coverage showed them unreached from fuzz_load): GDT descriptor
 * encode/decode and segment comparison, the size parser the CLI and VMM tools
 * use for RAM sizes, and the standard PC memory map with the RAM query.
 *
 * The input format is fuzz/format_helpers.h (shared with the seed generator).
 *
 * Oracles: encode(decode(d)) == d for every 64-bit descriptor and the decoded
 * limit is in bytes; pvh_segment_diff finds no difference between equal
 * segments and names the one field changed; pvh_parse_size accepts exactly
 * "<decimal or 0x-hex><K|M|G|T>[i][B]" and returns the number that spells;
 * pvh_memmap_standard returns the documented PC layout, which
 * pvh_memmap_sorted accepts, and pvh_memmap_is_ram agrees with the oracle's
 * own RAM test. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format_helpers.h"
#include "oracle.h"
#include "pvh/loader.h"

static void check_gdt(struct fuzz_codec *c) {
  struct format_helpers_gdt g = {0};
  format_helpers_gdt_io(c, &g);
  uint64_t d = g.desc;
  uint16_t sel = g.selector;
  unsigned which = (g.change & 0x7fu) % FORMAT_HELPERS_GDT_FIELDS;
  int no_msg = !!(g.change & FORMAT_HELPERS_NO_MESSAGE);
  struct pvh_segment s = pvh_gdt_decode(d, sel);
  uint64_t back = pvh_gdt_encode(&s);
  if (back != d)
    oracle_fail("gdt-roundtrip", "descriptor 0x%016llx decodes and re-encodes as 0x%016llx",
                (unsigned long long)d, (unsigned long long)back);
  uint32_t raw = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));
  uint32_t want_limit = (d >> 55) & 1 ? (raw << 12) | 0xfff : raw;
  if (s.limit != want_limit || s.selector != sel || s.unusable != !((d >> 47) & 1))
    oracle_fail("gdt-decode", "0x%016llx: limit 0x%x (want 0x%x in bytes), selector 0x%x, unusable %u",
                (unsigned long long)d, s.limit, want_limit, s.selector, s.unusable);

  char why[96];
  struct pvh_segment t = s;
  if (pvh_segment_diff(&s, &t, why, sizeof(why)) != 0)
    oracle_fail("segment-diff", "a segment differs from its copy: %s", why);
  static const char *const names[] = {"base", "limit", "selector", "type", "present", "dpl",
                                      "db",   "s",     "l",        "g",    "avl"};
  switch (which) {
  case 0: t.base ^= 0x1000; break;
  case 1: t.limit ^= 1; break;
  case 2: t.selector ^= 8; break;
  case 3: t.type ^= 1; break;
  case 4: t.present ^= 1; break;
  case 5: t.dpl ^= 1; break;
  case 6: t.db ^= 1; break;
  case 7: t.s ^= 1; break;
  case 8: t.l ^= 1; break;
  case 9: t.g ^= 1; break;
  default: t.avl ^= 1; break;
  }
  why[0] = '\0';
  if (no_msg) { /* a caller that only wants the verdict */
    if (pvh_segment_diff(&s, &t, NULL, 0) == 0)
      oracle_fail("segment-diff", "changing %s went unnoticed without a message buffer", names[which]);
    return;
  }
  if (pvh_segment_diff(&s, &t, why, sizeof(why)) == 0 ||
      strncmp(why, names[which], strlen(names[which])) != 0 || why[strlen(names[which])] != ' ')
    oracle_fail("segment-diff", "changing %s gave \"%s\"", names[which], why);
}

/* The documented size grammar, parsed without strtoull. Returns 0 or -1. */
static int ref_parse_size(const char *s, uint64_t *out) {
  uint64_t v = 0;
  const char *p = s;
  int digits = 0;
  if ((p[0] == '0') && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2])) {
    for (p += 2; isxdigit((unsigned char)*p); p++, digits++) {
      unsigned dv = isdigit((unsigned char)*p) ? (unsigned)(*p - '0')
                                               : (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
      if (v > (UINT64_MAX - dv) / 16)
        return -1;
      v = v * 16 + dv;
    }
  } else {
    for (; isdigit((unsigned char)*p); p++, digits++) {
      unsigned dv = (unsigned)(*p - '0');
      if (v > (UINT64_MAX - dv) / 10)
        return -1;
      v = v * 10 + dv;
    }
  }
  if (!digits)
    return -1;
  unsigned shift = 0;
  switch (*p) {
  case 'k':
  case 'K': shift = 10; break;
  case 'm':
  case 'M': shift = 20; break;
  case 'g':
  case 'G': shift = 30; break;
  case 't':
  case 'T': shift = 40; break;
  default: break;
  }
  if (shift) {
    p++;
    if (*p == 'i')
      p++;
    if (*p == 'b' || *p == 'B')
      p++;
  }
  if (*p != '\0' || (shift && v > (UINT64_MAX >> shift)))
    return -1;
  *out = v << shift;
  return 0;
}

static void check_parse_size(struct fuzz_codec *c) {
  const uint8_t *p;
  size_t left;
  fuzz_io_rest(c, &p, &left);
  char buf[64];
  size_t n = left < sizeof(buf) - 1 ? left : sizeof(buf) - 1;
  memcpy(buf, p, n);
  buf[n] = '\0';
  uint64_t got = 0x5a5a5a5a5a5a5a5aull, want = 0;
  int rc = pvh_parse_size(buf, &got), ref = ref_parse_size(buf, &want);
  if (rc != (ref == 0 ? 0 : -1) || (rc == 0 && got != want))
    oracle_fail("parse-size", "\"%s\": pvh_parse_size says %d (%llu), the size grammar says %s (%llu)", buf,
                rc, (unsigned long long)got, ref == 0 ? "valid" : "invalid", (unsigned long long)want);
  if (rc != 0 && got != 0x5a5a5a5a5a5a5a5aull)
    oracle_fail("parse-size", "\"%s\" was refused but the output was written", buf);
}

/* The default layout and a one-page kernel at 1 MiB on the standard map of
 * this size (down to the smallest, where RAM above 1 MiB is one page): boot
 * data planning either refuses with its own code or gives a plan that passes
 * the plan oracle. */
static void check_default_layout(const struct pvh_mem_region *r, size_t n,
                                 const struct pvh_mem_region *sorted) {
  static const uint8_t text_bytes[16];
  struct pvh_image text_img, *text = &text_img;
  pvh_image_from_buffer(&text_img, text_bytes, sizeof(text_bytes), "text");
  struct pvh_load_config cfg;
  struct pvh_plan plan;
  struct pvh_error err;
  pvh_load_config_init(&cfg);
  cfg.cmdline = "console=ttyS0";
  pvh_plan_init(&plan);
  enum pvh_err rc = pvh_plan_add_segment(&plan, 0, PVH_PF_R | PVH_PF_X, 0x100000, sizeof(text_bytes), 0x1000,
                                         0, text, &err);
  plan.report.note.entry = 0x100000;
  if (rc == PVH_OK)
    rc = pvh_plan_boot_data(&plan, sorted, n, &cfg, &err);
  if (rc == PVH_OK)
    rc = pvh_plan_validate(&plan, sorted, n, &err);
  if (rc == PVH_OK)
    oracle_check_plan(&plan, r, n, &cfg);
  else if (rc == PVH_E__COUNT || err.code != rc || !err.message[0])
    oracle_fail("error-shape", "default layout on the standard map: %s, error says %d", pvh_err_name(rc),
                (int)err.code);
  pvh_plan_free(&plan);
}

static void check_memmap(struct fuzz_codec *c) {
  struct format_helpers_memmap m = {0};
  format_helpers_memmap_io(c, &m);
  uint64_t ram = m.ram;
  size_t cap = (size_t)(m.capacity % FORMAT_HELPERS_MAP_CAPACITY);
  struct pvh_mem_region r[8];
  size_t n = pvh_memmap_standard(ram, r, cap);
  const uint64_t hole = 0xc0000000ull, low_end = 0x9fc00, one_m = 0x100000;
  if (cap < 5 || ram < one_m + 4096) {
    if (n != 0)
      oracle_fail("memmap-standard", "ram 0x%llx cap %zu gave %zu regions, want 0", (unsigned long long)ram,
                  cap, n);
    return;
  }
  /* The documented PC layout, built by the oracle. */
  struct pvh_mem_region want[5] = {
      {0, low_end, PVH_MEM_RAM},
      {low_end, one_m - low_end, PVH_MEM_RESERVED},
      {one_m, (ram < hole ? ram : hole) - one_m, PVH_MEM_RAM},
      {hole, 0x100000000ull - hole, PVH_MEM_RESERVED},
      {0x100000000ull, ram - hole, PVH_MEM_RAM},
  };
  size_t wn = ram > hole ? 5 : 3;
  if (n != wn)
    oracle_fail("memmap-standard", "ram 0x%llx: %zu regions, want %zu", (unsigned long long)ram, n, wn);
  for (size_t i = 0; i < n; i++)
    if (r[i].addr != want[i].addr || r[i].size != want[i].size || r[i].type != want[i].type)
      oracle_fail(
          "memmap-standard", "ram 0x%llx region %zu: 0x%llx+0x%llx type %u, want 0x%llx+0x%llx type %u",
          (unsigned long long)ram, i, (unsigned long long)r[i].addr, (unsigned long long)r[i].size, r[i].type,
          (unsigned long long)want[i].addr, (unsigned long long)want[i].size, want[i].type);
  struct pvh_mem_region *sorted = NULL;
  struct pvh_error err;
  /* A region that reaches 2^64 is refused by the validator; the standard map
   * for ram sizes that large is not a valid map, and that is the answer. */
  int reaches_top = ram > hole && ram - hole > UINT64_MAX - 0x100000000ull;
  enum pvh_err rc = pvh_memmap_sorted(r, n, &sorted, &err);
  if ((rc == PVH_OK) == reaches_top)
    oracle_fail("memmap-standard", "ram 0x%llx: pvh_memmap_sorted says %s", (unsigned long long)ram,
                pvh_err_name(rc));
  if (reaches_top) /* RAM queries only mean something against a valid map */
    return;
  check_default_layout(r, n, sorted);
  free(sorted);
  while (fuzz_left(c)) {
    struct oracle_span s = {0, 0, "query"};
    format_helpers_query_io(c, &s.gpa, &s.len);
    int in = oracle_range_is_ram(r, n, s.gpa, s.len);
    if (pvh_memmap_is_ram(r, n, s.gpa, s.len) != in)
      oracle_fail("memmap-is-ram", "0x%llx+0x%llx: pvh_memmap_is_ram says %d, the map says %d",
                  (unsigned long long)s.gpa, (unsigned long long)s.len, !in, in);
  }
}

/* Every code has its own short name; anything else is "unknown-error". */
static void check_err_names(struct fuzz_codec *c) {
  while (fuzz_left(c)) {
    uint32_t code = 0;
    format_helpers_code_io(c, &code);
    const char *name = pvh_err_name((enum pvh_err)code);
    int unknown = strcmp(name, "unknown-error") == 0;
    if (unknown != (code >= PVH_E__COUNT))
      oracle_fail("error-name", "code %u is named \"%s\"", code, name);
    for (uint32_t other = 0; !unknown && other < PVH_E__COUNT; other++)
      if (other != code && strcmp(name, pvh_err_name((enum pvh_err)other)) == 0)
        oracle_fail("error-name", "codes %u and %u share the name \"%s\"", code, other, name);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct fuzz_codec c = fuzz_reader(data, size);
  uint8_t mode = 0;
  format_helpers_mode_io(&c, &mode);
  if (c.past_end)
    return 0;
  switch (mode % FORMAT_HELPERS_NR_MODES) {
  case FORMAT_HELPERS_GDT: check_gdt(&c); break;
  case FORMAT_HELPERS_SIZE: check_parse_size(&c); break;
  case FORMAT_HELPERS_MEMMAP: check_memmap(&c); break;
  default: check_err_names(&c); break;
  }
  return 0;
}
