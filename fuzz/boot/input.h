/* SPDX-License-Identifier: MIT */
/* fuzz_boot's input format and the layout it decodes to: the one definition
 * shared by the decoder (decode.c), the ELF writer (elf_build.c), the target
 * (fuzz/fuzz_boot.c) and the seed generator (gen_seeds.c).
 *
 * Every input decodes to a VALID PVH kernel layout around the checker guest:
 * the bytes choose among valid shapes, they never make an invalid one, so a
 * refusal by the loader or a disagreement anywhere is a finding. The input is
 * a fixed head (struct fb_head, little endian, missing bytes read as 0)
 * followed by payload bytes: the command line, then the initramfs, then the
 * segments' filler bytes, in that order (a short payload is continued by a
 * generator seeded from the head, so tiny inputs still have varied bytes).
 *
 * Sizes are "sized(v, max)": 16 input bits, the low 4 a right shift of the
 * other 12 scaled to [0, max) (decode.c), so small sizes are common and the
 * largest one input in 16. FB_SIZED_MAX is the v that gives the largest. */
#define FB_SIZED_MAX 0xfff0u
#ifndef FB_INPUT_H
#define FB_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/loader.h"

#define FB_MAX_LOADS 4                      /* PT_LOADs: the checker's and up to 3 more */
#define FB_RAM_BACKING (64ull << 20)        /* the reused VM's RAM: every map lies below it */
#define FB_RAM_MIN (4ull << 20)             /* smallest top of RAM a map gets */
#define FB_KERNEL_BASE_MIN 0x100000ull      /* kernels go at 1 MiB .. 2 MiB */
#define FB_MAX_SEG_FILE 0x4000u             /* file bytes per non-checker PT_LOAD */
#define FB_MAX_SEG_BSS 0x4000u              /* BSS bytes per PT_LOAD */
#define FB_MAX_CMDLINE 0x2000u              /* command-line bytes, without the NUL */
#define FB_MAX_INITRAMFS 0x10000u           /* initramfs bytes */
#define FB_MAX_MAP PVH_MEMMAP_MAX_REGIONS   /* memory-map entries: libpvh's maximum */
#define FB_MEMMAP_AREA (FB_MAX_MAP * 24ull) /* layout.memmap_size that holds them all */
#define FB_MAX_ISLANDS 15u                  /* reserved islands or holes in RAM */

/* Byte 0 of the head. */
enum {
  FB_SHAPE_ELF64 = 1u << 0,       /* else ELF32 */
  FB_SHAPE_SHT_NOTE = 1u << 1,    /* the note only in a SHT_NOTE section (no PT_NOTE) */
  FB_SHAPE_NOTE_ALIGN8 = 1u << 2, /* the note container is 8-aligned: 8-byte padding */
  FB_SHAPE_NOTE_BEFORE = 1u << 3, /* another note before the PHYS32_ENTRY one */
  FB_SHAPE_NOTE_AFTER = 1u << 4,  /* and one after it */
  FB_SHAPE_DESC8 = 1u << 5,       /* an 8-byte entry descriptor (what Linux emits on x86-64) */
  FB_SHAPE_RSDP = 1u << 6,        /* start_info carries an RSDP address */
  FB_SHAPE_INITRAMFS = 1u << 7,   /* a module */
};

/* Per-load flags byte. */
enum {
  FB_LOAD_W = 1u << 0,          /* PF_W */
  FB_LOAD_X = 1u << 1,          /* PF_X (the checker's load is always R+X) */
  FB_LOAD_HIGH_VADDR = 1u << 2, /* p_vaddr in the kernel's high half, as Linux links */
};

struct fb_head_load {
  uint8_t gap_pages[2]; /* pages of gap before this load, mod 16 */
  uint8_t filesz[2];    /* sized(v, FB_MAX_SEG_FILE); the checker's load: blob + v % 512 */
  uint8_t bss[2];       /* sized(v, FB_MAX_SEG_BSS) */
  uint8_t align_log2;   /* p_align = 1 << (v % 13): 1 .. 4096 */
  uint8_t flags;        /* FB_LOAD_* */
};

struct fb_head {
  uint8_t shape;            /* FB_SHAPE_* */
  uint8_t nr_loads;         /* 1 + v % FB_MAX_LOADS */
  uint8_t phdr_order;       /* which permutation of the loads the program headers list */
  uint8_t checker_load;     /* which load (in address order) holds the checker, mod nr_loads */
  uint8_t ram_top[2];       /* top of RAM: FB_RAM_MIN + v * 64 KiB, at most FB_RAM_BACKING */
  uint8_t map_splits[2];    /* extra RAM entries: sized(v, FB_MAX_MAP - what the rest needs + 1) */
  uint8_t islands;          /* low nibble: reserved islands / holes; high nibble: their types */
  uint8_t map_order;        /* bit 0: hand the map over sorted; the rest seeds the shuffle */
  uint8_t cmdline_len[2];   /* 0: no command line; else 1 + sized(v, FB_MAX_CMDLINE) bytes */
  uint8_t initramfs_len[2]; /* with FB_SHAPE_INITRAMFS: 1 + sized(v, FB_MAX_INITRAMFS) bytes */
  uint8_t base_pages;       /* kernel base = 1 MiB + v * 4 KiB */
  uint8_t neighbour;        /* the neighbouring notes' kind and sizes */
  uint8_t rsdp[4];          /* with FB_SHAPE_RSDP: the RSDP address (any, never dereferenced) */
  struct fb_head_load loads[FB_MAX_LOADS];
};
#define FB_HEAD_SIZE sizeof(struct fb_head)
_Static_assert(sizeof(struct fb_head) == 20 + 8 * FB_MAX_LOADS, "the head is packed bytes");

struct fb_seg {
  uint64_t paddr, vaddr, filesz, memsz, align;
  uint32_t flags; /* PF_* */
  int is_checker;
  const uint8_t *bytes; /* filesz bytes inside the layout's buffer */
};

/* What the input decodes to: the generator's own model of the load, kept
 * independent of libpvh so that the loader's plan can be checked against it. */
struct fb_layout {
  int elf64, sht_note, note_align8, note_before, note_after, desc8;
  uint8_t neighbour;
  size_t nr_segs;
  struct fb_seg segs[FB_MAX_LOADS]; /* in address order */
  uint8_t phdr_order[FB_MAX_LOADS]; /* program header i describes segs[phdr_order[i]] */
  uint32_t entry;
  uint64_t kernel_start, kernel_end;
  uint64_t ram_top, probe_addr;

  struct pvh_mem_region *map; /* as handed to the VMM and loader (maybe shuffled) */
  struct pvh_mem_region *map_sorted;
  size_t nr_map;

  char *cmdline; /* NUL-terminated; NULL: none */
  size_t cmdline_len;
  uint8_t *initramfs; /* NULL: none */
  size_t initramfs_len;
  uint64_t rsdp;

  uint8_t *elf; /* the kernel file */
  size_t elf_size;
  uint8_t *filler; /* owns the segment bytes */
};

/* Decodes data into *l and builds the kernel file around the checker blob.
 * Returns 0, or -1 only when out of memory. Free with fb_layout_free. */
int fb_decode(const uint8_t *data, size_t size, const uint8_t *checker, size_t checker_len,
              struct fb_layout *l);
void fb_layout_free(struct fb_layout *l);

/* elf_build.c: writes l->elf from the segments, notes and shape. 0 or -1 (memory). */
int fb_build_elf(struct fb_layout *l);

#endif
