/* SPDX-License-Identifier: MIT */
/* Writes fuzz_boot's named seeds (fuzz/boot/gen-seeds.sh turns them into
 * corpus/fuzz_boot/<sha1> and corpus/fuzz_boot.seeds): one per shape the
 * input format (input.h) can express, so the replay covers every one of
 * them even before any fuzzing. */
#include <stdio.h>
#include <string.h>

#include "input.h"

static void le16(uint8_t b[2], unsigned v) { b[0] = (uint8_t)v, b[1] = (uint8_t)(v >> 8); }

static int emit(const char *dir, const char *name, const struct fb_head *h, size_t payload) {
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f)
    return perror(path), -1;
  fwrite(h, 1, FB_HEAD_SIZE, f);
  for (size_t i = 0; i < payload; i++)
    fputc((int)((i * 131 + 7) & 0xff), f);
  return fclose(f);
}

/* A plain kernel: one load of the checker, no extras. */
static void base(struct fb_head *h) {
  memset(h, 0, sizeof(*h));
  h->loads[0].align_log2 = 12;
}

int main(int argc, char **argv) {
  if (argc != 2)
    return fprintf(stderr, "usage: %s OUTDIR\n", argv[0]), 2;
  const char *d = argv[1];
  struct fb_head h;
  int rc = 0;

  base(&h);
  rc |= emit(d, "elf32-one-load", &h, 0);
  base(&h);
  h.shape = FB_SHAPE_ELF64 | FB_SHAPE_DESC8 | FB_SHAPE_NOTE_ALIGN8;
  rc |= emit(d, "elf64-note8-desc8", &h, 0);
  base(&h);
  h.shape = FB_SHAPE_ELF64 | FB_SHAPE_SHT_NOTE | FB_SHAPE_NOTE_BEFORE | FB_SHAPE_NOTE_AFTER;
  h.neighbour = 0x5d;
  rc |= emit(d, "elf64-sht-note-between-neighbours", &h, 0);
  base(&h);
  h.shape = FB_SHAPE_NOTE_ALIGN8 | FB_SHAPE_NOTE_BEFORE | FB_SHAPE_NOTE_AFTER;
  h.neighbour = 0xe6;
  rc |= emit(d, "elf32-note8-neighbours", &h, 0);

  /* Four loads, listed out of order, with gaps, BSS, odd alignments, the
   * checker in the third, high virtual addresses. */
  base(&h);
  h.shape = FB_SHAPE_ELF64;
  h.nr_loads = 3;
  h.phdr_order = 17;
  h.checker_load = 2;
  for (int i = 0; i < FB_MAX_LOADS; i++) {
    le16(h.loads[i].gap_pages, (unsigned)i * 3);
    le16(h.loads[i].filesz, 0x3450u * (unsigned)(i + 1));
    le16(h.loads[i].bss, 0x7770u * (unsigned)i + 1);
    h.loads[i].align_log2 = (uint8_t)(i * 4 + 1);
    h.loads[i].flags = (uint8_t)(FB_LOAD_HIGH_VADDR | (i & 1 ? FB_LOAD_W : FB_LOAD_X));
  }
  rc |= emit(d, "elf64-four-loads-unordered-bss", &h, 0x6000);
  h.shape = 0;
  rc |= emit(d, "elf32-four-loads-unordered-bss", &h, 0x6000);

  /* Boot data: a long command line, a module, an RSDP. */
  base(&h);
  h.shape = FB_SHAPE_ELF64 | FB_SHAPE_INITRAMFS | FB_SHAPE_RSDP;
  le16(h.cmdline_len, FB_SIZED_MAX);
  le16(h.initramfs_len, FB_SIZED_MAX);
  h.rsdp[0] = 0x40, h.rsdp[1] = 0x5a, h.rsdp[2] = 0x0f;
  rc |= emit(d, "elf64-cmdline-8k-module-64k-rsdp", &h, 0x100);
  base(&h);
  le16(h.cmdline_len, 0xf); /* 1 byte */
  h.shape = FB_SHAPE_INITRAMFS;
  rc |= emit(d, "elf32-cmdline-1-module-1", &h, 4);

  /* Memory maps: the most entries libpvh takes, islands, shuffled, sizes. */
  base(&h);
  h.shape = FB_SHAPE_ELF64 | FB_SHAPE_INITRAMFS;
  le16(h.map_splits, FB_SIZED_MAX);
  h.map_order = 1;
  rc |= emit(d, "map-4096-entries-sorted", &h, 0);
  h.map_order = 0x42;
  h.islands = 0x7f;
  le16(h.ram_top, 600);
  rc |= emit(d, "map-many-entries-shuffled-15-islands", &h, 0);
  base(&h);
  le16(h.ram_top, 0xffff);
  h.islands = 0x3a;
  h.base_pages = 255;
  rc |= emit(d, "map-64m-islands-kernel-at-2m", &h, 0);
  return rc ? 1 : 0;
}
