/* SPDX-License-Identifier: MIT */
/* fuzz_helpers's input: a selector byte, then the arguments of one helper.
 * The functions here are the one description; fuzz/fuzz_helpers.c decodes
 * with them and fuzz/gen/gen_helpers.c encodes seeds with them
 * (fuzz/format.h). Any read past the end of the input yields zeros.
 *
 *   u8 selector (mod 4), then
 *   0  u64 descriptor, u16 selector, u8 change: bits 0-6 (mod 11) the field
 *      to change, bit 7 no message buffer                 (GDT)
 *   1  the rest as a string                               (pvh_parse_size)
 *   2  u64 ram size, u8 capacity (mod 8), then (u64 addr, u64 len) pairs
 *      while bytes remain                                 (memmap)
 *   3  u32 error codes while bytes remain                 (pvh_err_name) */
#ifndef PVH_FUZZ_FORMAT_HELPERS_H
#define PVH_FUZZ_FORMAT_HELPERS_H

#include "format.h"

enum format_helpers_mode {
  FORMAT_HELPERS_GDT,
  FORMAT_HELPERS_SIZE,
  FORMAT_HELPERS_MEMMAP,
  FORMAT_HELPERS_ERR_NAMES,
  FORMAT_HELPERS_NR_MODES
};
#define FORMAT_HELPERS_NO_MESSAGE 0x80u /* gdt change: diff without a message buffer */
#define FORMAT_HELPERS_GDT_FIELDS 11    /* gdt change: the field is (change & 0x7f) mod this */
#define FORMAT_HELPERS_MAP_CAPACITY 8   /* memmap: the capacity is mod this */

struct format_helpers_gdt {
  uint64_t desc;
  uint16_t selector;
  uint8_t change;
};
struct format_helpers_memmap {
  uint64_t ram;
  uint8_t capacity;
};

static inline void format_helpers_mode_io(struct fuzz_codec *c, uint8_t *mode) { fuzz_io_u8(c, mode); }

static inline void format_helpers_gdt_io(struct fuzz_codec *c, struct format_helpers_gdt *g) {
  fuzz_io_u64(c, &g->desc);
  fuzz_io_u16(c, &g->selector);
  fuzz_io_u8(c, &g->change);
}

static inline void format_helpers_memmap_io(struct fuzz_codec *c, struct format_helpers_memmap *m) {
  fuzz_io_u64(c, &m->ram);
  fuzz_io_u8(c, &m->capacity);
}

/* One RAM query of the memmap mode. */
static inline void format_helpers_query_io(struct fuzz_codec *c, uint64_t *addr, uint64_t *len) {
  fuzz_io_u64(c, addr);
  fuzz_io_u64(c, len);
}

/* One code of the error-names mode. */
static inline void format_helpers_code_io(struct fuzz_codec *c, uint32_t *code) { fuzz_io_u32(c, code); }

#endif
