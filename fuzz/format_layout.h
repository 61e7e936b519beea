/* SPDX-License-Identifier: MIT */
/* fuzz_layout's input: a memory map, the layout struct, a command-line
 * length, an initramfs size, kernel segment extents and an entry point.
 * format_layout_io is the one description; fuzz/fuzz_layout.c decodes with
 * it and fuzz/gen/gen_layout.c encodes seeds with it (fuzz/format.h). Any
 * read past the end of the input yields zeros.
 *
 *   u8 nr_regions (mod 17; 0xff: 4097 copies of the first region, one past
 *        libpvh's limit), then per region u8 flags:
 *        bit 0 set: u64 addr, u64 size (raw, may wrap or be 0)
 *        bit 0 clear: u32 addr, u32 size in 4 KiB pages
 *        bits 1-4: type (0..15; 0 and 8..15 are invalid)
 *   u8 layout mask; for each of the 8 pvh_layout fields in order whose bit is
 *        set: u8 width (bit 0: 64-bit raw value, else u32) then the value;
 *        for initramfs_align the value is a shift when width bit 1 is set
 *   u8 cmdline: 0 none, else u32 length (mod 0x20000)
 *   u8 initramfs: 0 none, else u32 size
 *   u8 nr_segments (mod 5), per segment u8 flags (bits 0-2 PF_*, bit 3: u64
 *        paddr/filesz/memsz, else u32; bit 4: no source bytes), then paddr,
 *        filesz, memsz
 *   u64 entry, u64 rsdp_paddr */
#ifndef PVH_FUZZ_FORMAT_LAYOUT_H
#define PVH_FUZZ_FORMAT_LAYOUT_H

#include "format.h"

#define FORMAT_LAYOUT_MAX_REGIONS 16
#define FORMAT_LAYOUT_TOO_MANY 0xff /* nr_regions: the first region, repeated one past the limit */
#define FORMAT_LAYOUT_MAX_SEGS 4
#define FORMAT_LAYOUT_CMDLINE_MAX 0x20000u
#define FORMAT_LAYOUT_PAGE_SHIFT 12

/* The pvh_layout fields, in input order. */
enum format_layout_field {
  FORMAT_LAYOUT_GDT,
  FORMAT_LAYOUT_START_INFO,
  FORMAT_LAYOUT_MEMMAP,
  FORMAT_LAYOUT_MEMMAP_SIZE,
  FORMAT_LAYOUT_CMDLINE,
  FORMAT_LAYOUT_CMDLINE_SIZE,
  FORMAT_LAYOUT_INITRAMFS_CEILING,
  FORMAT_LAYOUT_INITRAMFS_ALIGN,
  FORMAT_LAYOUT_NR_FIELDS
};
#define FORMAT_LAYOUT_WIDE 1u        /* field width: a 64-bit value */
#define FORMAT_LAYOUT_ALIGN_SHIFT 2u /* field width: initramfs_align is 1 << value */

struct format_layout_region {
  uint8_t raw;  /* 1: byte addr/size as u64; 0: pages as u32 */
  uint8_t type; /* 0..15 */
  uint64_t addr, size;
};
struct format_layout_seg {
  uint8_t pf; /* PF_* bits 0-2 */
  uint8_t wide, no_source;
  uint64_t paddr, filesz, memsz;
};
struct format_layout {
  uint8_t nr_regions; /* as in the input: see format_layout_regions */
  struct format_layout_region r[FORMAT_LAYOUT_MAX_REGIONS];
  uint8_t mask;
  struct {
    uint8_t width;
    uint64_t value;
  } f[FORMAT_LAYOUT_NR_FIELDS];
  uint8_t cmdline;
  uint32_t cmdline_len; /* as in the input: mod FORMAT_LAYOUT_CMDLINE_MAX */
  uint8_t initramfs;
  uint32_t initramfs_size;
  uint8_t nr_segs; /* as in the input: mod FORMAT_LAYOUT_MAX_SEGS + 1 */
  struct format_layout_seg s[FORMAT_LAYOUT_MAX_SEGS];
  uint64_t entry, rsdp;
};

/* How many regions the input holds for its nr_regions byte. */
static inline size_t format_layout_regions(uint8_t nr) {
  return nr == FORMAT_LAYOUT_TOO_MANY ? 1 : nr % (FORMAT_LAYOUT_MAX_REGIONS + 1);
}

/* The value layout field i takes. */
static inline uint64_t format_layout_value(const struct format_layout *l, unsigned i) {
  uint64_t v = l->f[i].value;
  if (i == FORMAT_LAYOUT_INITRAMFS_ALIGN && (l->f[i].width & FORMAT_LAYOUT_ALIGN_SHIFT))
    v = 1ull << (v & 63);
  return v;
}

/* A value kept as pages on the wire (region addr/size without the raw bit). */
static inline void format_layout_io_pages(struct fuzz_codec *c, uint64_t *bytes) {
  uint64_t pages = *bytes >> FORMAT_LAYOUT_PAGE_SHIFT;
  fuzz_io(c, &pages, 4);
  if (!c->writing)
    *bytes = pages << FORMAT_LAYOUT_PAGE_SHIFT;
}

static inline void format_layout_io(struct fuzz_codec *c, struct format_layout *l) {
  fuzz_io_u8(c, &l->nr_regions);
  for (size_t i = 0; i < format_layout_regions(l->nr_regions); i++) {
    struct format_layout_region *r = &l->r[i];
    uint8_t flags = (uint8_t)((r->raw & 1) | (r->type & 15) << 1);
    fuzz_io_u8(c, &flags);
    r->raw = flags & 1;
    r->type = (flags >> 1) & 15;
    if (r->raw) {
      fuzz_io_u64(c, &r->addr);
      fuzz_io_u64(c, &r->size);
    } else {
      format_layout_io_pages(c, &r->addr);
      format_layout_io_pages(c, &r->size);
    }
  }
  fuzz_io_u8(c, &l->mask);
  for (unsigned i = 0; i < FORMAT_LAYOUT_NR_FIELDS; i++) {
    if (!(l->mask & (1u << i)))
      continue;
    fuzz_io_u8(c, &l->f[i].width);
    fuzz_io(c, &l->f[i].value, (l->f[i].width & FORMAT_LAYOUT_WIDE) ? 8 : 4);
  }
  fuzz_io_u8(c, &l->cmdline);
  if (l->cmdline)
    fuzz_io_u32(c, &l->cmdline_len);
  fuzz_io_u8(c, &l->initramfs);
  if (l->initramfs)
    fuzz_io_u32(c, &l->initramfs_size);
  fuzz_io_u8(c, &l->nr_segs);
  for (size_t i = 0; i < (size_t)(l->nr_segs % (FORMAT_LAYOUT_MAX_SEGS + 1)); i++) {
    struct format_layout_seg *s = &l->s[i];
    uint8_t flags = (uint8_t)((s->pf & 7) | (s->wide ? 8 : 0) | (s->no_source ? 16 : 0));
    fuzz_io_u8(c, &flags);
    s->pf = flags & 7;
    s->wide = (flags >> 3) & 1;
    s->no_source = (flags >> 4) & 1;
    unsigned w = s->wide ? 8 : 4;
    fuzz_io(c, &s->paddr, w);
    fuzz_io(c, &s->filesz, w);
    fuzz_io(c, &s->memsz, w);
  }
  fuzz_io_u64(c, &l->entry);
  fuzz_io_u64(c, &l->rsdp);
}

#endif
