/* SPDX-License-Identifier: MIT */
/* fuzz_helpers seeds: GDT descriptors, size strings, memory maps with RAM
 * queries and error codes, encoded with fuzz/format_helpers.h. */
#include <stdio.h>
#include <string.h>

#include "format_helpers.h"
#include "gen.h"

/* A writer over buf with the selector byte for `mode` already written. */
static struct fuzz_codec start(uint8_t *buf, size_t cap, enum format_helpers_mode mode) {
  struct fuzz_codec c = fuzz_writer(buf, cap);
  uint8_t m = (uint8_t)mode;
  format_helpers_mode_io(&c, &m);
  return c;
}

static void finish(const struct fuzz_codec *c, const char *name) { emit_encoded("fuzz_helpers", name, c); }

void gen_helpers_seeds(void) {
  static uint8_t buf[256];
  struct fuzz_codec c;
  static const struct {
    const char *name;
    uint64_t desc;
  } gdt[] = {{"gdt-code32-flat", 0x00cf9b000000ffffull},
             {"gdt-data32-flat", 0x00cf93000000ffffull},
             {"gdt-tss32-busy", 0x00008b0000000067ull},
             {"gdt-code64", 0x00af9b000000ffffull},
             {"gdt-null", 0},
             {"gdt-all-ones", 0xffffffffffffffffull}};
  for (size_t i = 0; i < sizeof(gdt) / sizeof(gdt[0]); i++) {
    c = start(buf, sizeof(buf), FORMAT_HELPERS_GDT);
    struct format_helpers_gdt g = {gdt[i].desc, (uint16_t)(0x10 + 8 * i), (uint8_t)(i * 2)};
    format_helpers_gdt_io(&c, &g);
    finish(&c, gdt[i].name);
  }
  static const char *const sizes[] = {"256M",
                                      "1G",
                                      "4096K",
                                      "1048576",
                                      "0x1000",
                                      "2T",
                                      "256MiB",
                                      "1gb",
                                      "0",
                                      "12 ",
                                      "1X",
                                      "17179869184G",
                                      "99999999999999999999",
                                      "0x",
                                      "",
                                      "M",
                                      "-1",
                                      "1k",
                                      "1m",
                                      "1g",
                                      "1t",
                                      "1KiB",
                                      "1iB",
                                      "1MM",
                                      "0X1fM",
                                      "0x10000000000000000",
                                      "1b"};
  for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
    char name[64];
    const uint8_t *text = (const uint8_t *)sizes[i];
    size_t len = strlen(sizes[i]);
    c = start(buf, sizeof(buf), FORMAT_HELPERS_SIZE);
    fuzz_io_rest(&c, &text, &len);
    snprintf(name, sizeof(name), "size-%zu", i);
    finish(&c, name);
  }
  for (unsigned i = 0; i < 2; i++) { /* GDT diffs without a message buffer */
    c = start(buf, sizeof(buf), FORMAT_HELPERS_GDT);
    struct format_helpers_gdt g = {0x00cf9b000000ffffull, 0x10,
                                   (uint8_t)(FORMAT_HELPERS_NO_MESSAGE | (i * 5))};
    format_helpers_gdt_io(&c, &g);
    finish(&c, i ? "gdt-diff-no-message-dpl" : "gdt-diff-no-message-base");
  }
  c = start(buf, sizeof(buf), FORMAT_HELPERS_ERR_NAMES); /* first, last, one past, far out */
  static const uint32_t codes[] = {0, 41, 42, 0xffffffffu};
  for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
    uint32_t code = codes[i];
    format_helpers_code_io(&c, &code);
  }
  finish(&c, "error-names");
  static const struct {
    const char *name;
    uint64_t ram;
  } maps[] = {{"map-512m", 512ull << 20},  {"map-3g", 3ull << 30},
              {"map-4g", 4ull << 30},      {"map-1g", 1ull << 30},
              {"map-too-small", 0x100fff}, {"map-reaches-2-64", 0xffffffffffffffffull}};
  for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
    c = start(buf, sizeof(buf), FORMAT_HELPERS_MEMMAP);
    struct format_helpers_memmap m = {maps[i].ram, i == 0 ? 3 : 5}; /* the first with too small a table */
    format_helpers_memmap_io(&c, &m);
    const uint64_t q[][2] = {
        {0, 0x1000},         {0x9f000, 0x1000}, {0xfffff, 2},      {0xbffff000, 0x1000},
        {0x100000000ull, 1}, {0x1000, 0},       {0x9f000, 0x2000}, {0xfffffffffffffff0ull, 0x20}};
    for (size_t k = 0; k < sizeof(q) / sizeof(q[0]); k++) {
      uint64_t addr = q[k][0], len = q[k][1];
      format_helpers_query_io(&c, &addr, &len);
    }
    finish(&c, maps[i].name);
  }
}
