/* SPDX-License-Identifier: MIT */
/* fuzz_layout seeds: memory maps, layouts, command lines, initramfs sizes
 * and segments, encoded with fuzz/format_layout.h. */
#include <string.h>

#include "elfgen.h"
#include "format_layout.h"
#include "format_load.h"
#include "gen.h"

#define RX (ELFGEN_PF_R | ELFGEN_PF_X)
#define RW (ELFGEN_PF_R | ELFGEN_PF_W)

static struct format_layout_region region(uint64_t addr, uint64_t size, unsigned type, int raw) {
  return (struct format_layout_region){
      .raw = (uint8_t)raw, .type = (uint8_t)type, .addr = addr, .size = size};
}

static struct format_layout_seg seg(unsigned pf, uint64_t paddr, uint64_t filesz, uint64_t memsz, int wide) {
  return (struct format_layout_seg){
      .pf = (uint8_t)pf, .wide = (uint8_t)wide, .paddr = paddr, .filesz = filesz, .memsz = memsz};
}

/* The default is fuzz_load's VMM (fuzz/format_load.h): its map in address
 * order, its command line (with the NUL), initramfs and RSDP, and a kernel
 * like the default fuzz_load seed. */
static void l_default(struct format_layout *l) {
  memset(l, 0, sizeof(*l));
  const struct format_layout_region pc[] = {region(0, 0x9fc00, 1, 1), region(0x9fc00, 0x60400, 2, 1),
                                            region(0x100000, FORMAT_LOAD_LOW_RAM_END - 0x100000, 1, 0),
                                            region(FORMAT_LOAD_LOW_RAM_END, 0x40000000, 2, 0),
                                            region(0x100000000, 0x40000000, 1, 0)};
  memcpy(l->r, pc, sizeof(pc));
  l->nr_regions = 5;
  l->cmdline = 1;
  l->cmdline_len = sizeof(FORMAT_LOAD_CMDLINE);
  l->initramfs = 1;
  l->initramfs_size = FORMAT_LOAD_INITRAMFS_SIZE;
  l->s[0] = seg(RX, 0x100000, 0x300, 0x300, 0);
  l->s[1] = seg(RW, 0x200000, 0x80, 0x2000, 0);
  l->nr_segs = 2;
  l->entry = 0x100010;
  l->rsdp = FORMAT_LOAD_RSDP;
}

static void l_field(struct format_layout *l, unsigned i, unsigned width, uint64_t v) {
  l->mask |= (uint8_t)(1u << i);
  l->f[i].width = (uint8_t)width;
  l->f[i].value = v;
}

static void l_emit(const struct format_layout *l, const char *name) {
  uint8_t buf[1024];
  struct format_layout copy = *l;
  struct fuzz_codec c = fuzz_writer(buf, sizeof(buf));
  format_layout_io(&c, &copy);
  emit_encoded("fuzz_layout", name, &c);
}

void gen_layout_seeds(void) {
  struct format_layout l;
  l_default(&l);
  l_emit(&l, "ok-pc-4g-default-layout");
  l.cmdline = l.initramfs = 0;
  l_emit(&l, "ok-no-cmdline-no-initramfs");
  l_default(&l);
  l_field(&l, FORMAT_LAYOUT_GDT, 0, 0x7000);
  l_field(&l, FORMAT_LAYOUT_START_INFO, 0, 0x6000);
  l_field(&l, FORMAT_LAYOUT_MEMMAP, 0, 0x5000);
  l_field(&l, FORMAT_LAYOUT_MEMMAP_SIZE, 0, 0x1000);
  l_field(&l, FORMAT_LAYOUT_CMDLINE, 0, 0x8000);
  l_field(&l, FORMAT_LAYOUT_CMDLINE_SIZE, 0, 0x800);
  l_emit(&l, "ok-custom-low-layout");
  l_default(&l);
  l_field(&l, FORMAT_LAYOUT_INITRAMFS_CEILING, 0, 0x40000000);
  l_field(&l, FORMAT_LAYOUT_INITRAMFS_ALIGN, FORMAT_LAYOUT_ALIGN_SHIFT, 21);
  l.initramfs_size = 0x3000000;
  l_emit(&l, "ok-initramfs-48m-2m-aligned-1g-ceiling");
  l_default(&l);
  l_field(&l, FORMAT_LAYOUT_INITRAMFS_CEILING, FORMAT_LAYOUT_WIDE, 0xffffffffffffffffull);
  l.initramfs_size = 0xffffffff;
  l_emit(&l, "bad-initramfs-4g-no-room");
  l_default(&l); /* fragmented RAM: the initramfs has to step down past clashes */
  l.nr_regions = 0;
  for (unsigned i = 0; i < 16; i++)
    l.r[l.nr_regions++] = region((uint64_t)i * 0x100000, 0x80000 + (i & 1) * 0x80000, i == 15 ? 2u : 1u, 0);
  l.s[0] = seg(RX, 0x100000, 0x300, 0x300, 0);
  l.s[1] = seg(RW, 0x500000, 0x100, 0x1000, 0);
  l.initramfs_size = 0x80000;
  l_field(&l, FORMAT_LAYOUT_INITRAMFS_CEILING, 0, 0xd00000);
  l_field(&l, FORMAT_LAYOUT_CMDLINE, 0,
          0xc40000); /* in the highest fitting gap: the initramfs must step below it */
  l_emit(&l, "ok-fragmented-ram-initramfs-steps-down");
  l_default(&l);
  l_field(&l, FORMAT_LAYOUT_MEMMAP_SIZE, 0, 24 * 4);
  l_emit(&l, "bad-memmap-too-many");
  l_default(&l);
  l.cmdline_len = 0x10000;
  l_emit(&l, "bad-cmdline-too-long");
  l.cmdline_len = 0xffff;
  l_emit(&l, "ok-cmdline-fills-area");
  l_default(&l);
  l_field(&l, FORMAT_LAYOUT_GDT, 0, 0xfffffff0);
  l_emit(&l, "bad-gdt-above-4g");
  l_default(&l);
  l_field(&l, FORMAT_LAYOUT_CMDLINE, FORMAT_LAYOUT_WIDE, 0xffffffffffff0000ull);
  l_emit(&l, "bad-cmdline-area-wraps");
  l_default(&l);
  l_field(&l, FORMAT_LAYOUT_START_INFO, 0, 0xa0000);
  l_emit(&l, "bad-start-info-not-ram");
  l_default(&l);
  l_field(&l, FORMAT_LAYOUT_CMDLINE, 0, 0x3050);
  l_emit(&l, "bad-cmdline-overlaps-memmap");
  l_default(&l);
  l_field(&l, FORMAT_LAYOUT_INITRAMFS_ALIGN, 0, 3);
  l_emit(&l, "bad-align-not-power-of-two");
  l_default(&l);
  l.initramfs_size = 0;
  l_emit(&l, "bad-initramfs-empty");
  l_default(&l);
  l.s[1].paddr = 0x100100;
  l_emit(&l, "bad-segments-overlap");
  l_default(&l);
  l.entry = 0x200000;
  l_emit(&l, "bad-entry-in-data");
  l_default(&l);
  l.entry = 0x100000000ull;
  l_emit(&l, "bad-entry-above-4g");
  l_default(&l);
  l.s[1] = seg(RW, 0xfffffffffffff000ull, 0, 0x2000, 1);
  l_emit(&l, "bad-segment-wraps");
  l.s[1] = seg(RW, 0xfffff000, 0, 0x2000, 0);
  l_emit(&l, "bad-segment-above-4g");
  l.s[1] = seg(RW, 0x200000, 0x3000, 0x2000, 0);
  l_emit(&l, "bad-filesz-gt-memsz");
  l.s[1] = seg(RW, 0xfffff000, 0, 0, 0);
  l_emit(&l, "ok-memsz-0-segment-ignored");
  l_default(&l);
  l.s[1].paddr = 0xa0000;
  l_emit(&l, "bad-segment-not-ram");
  l_default(&l);
  l.r[2].size = 0;
  l_emit(&l, "bad-region-size-0");
  l_default(&l);
  l.r[1].type = 0;
  l_emit(&l, "bad-region-type-0");
  l_default(&l);
  l.r[3] = region(0xfffffffffffff000ull, 0x2000, 2, 1);
  l_emit(&l, "bad-region-wraps");
  l_default(&l);
  l.r[3] = region(0xb0000000, 0x20000000, 2, 0);
  l_emit(&l, "bad-regions-overlap");
  l_default(&l);
  l.nr_regions = 0;
  l_emit(&l, "bad-empty-map");
  l_default(&l); /* 2 MiB alignment finds no aligned slot in a small high region */
  l.r[4] = region(0x7fe01000, 0x100000, 1, 0);
  l.r[2].size = 0x10000000;
  l_field(&l, FORMAT_LAYOUT_INITRAMFS_ALIGN, FORMAT_LAYOUT_ALIGN_SHIFT, 21);
  l_emit(&l, "ok-aligned-slot-missing-in-top-region");
  l_default(&l);
  l.s[1].no_source = 1;
  l_emit(&l, "bad-segment-without-source");
  l_default(&l);
  l_field(&l, FORMAT_LAYOUT_INITRAMFS_ALIGN, 0, 0);
  l_emit(&l, "ok-initramfs-align-0-means-1");
  l_default(&l);
  l.r[1].type = 9;
  l_emit(&l, "bad-region-type-9");
  l_default(&l);
  l.nr_regions = FORMAT_LAYOUT_TOO_MANY;
  l_emit(&l, "bad-4097-regions");
  l_default(&l); /* one stretch of RAM as two adjacent entries, a segment across the seam */
  l.r[2] = region(0x100000, 0x100000, 1, 0);
  l.r[l.nr_regions++] = region(0x200000, 0xbfe00000, 1, 0);
  l.s[1] = seg(RW, 0x1ff000, 0x1800, 0x3000, 0);
  l_emit(&l, "ok-segment-across-adjacent-ram-entries");
  l.r[l.nr_regions - 1].type = 2;
  l.initramfs = 0;
  l_emit(&l, "bad-segment-across-ram-and-reserved");
  l_default(&l); /* every non-RAM type in the map */
  for (unsigned t = 2; t <= 7; t++)
    l.r[l.nr_regions++] = region(0x200000000ull + t * 0x100000, 0x1000, t, 0);
  l_emit(&l, "ok-all-region-types");
}
