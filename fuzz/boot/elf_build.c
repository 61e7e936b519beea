/* SPDX-License-Identifier: MIT */
/* fuzz_boot's ELF writer: the kernel file for a decoded layout. ELF32 or
 * ELF64; the PT_LOADs listed in the chosen order; the PHYS32_ENTRY note in
 * a PT_NOTE or only in a SHT_NOTE section, 4- or 8-byte padded by its
 * container's alignment, between neighbouring notes. Written here from the
 * ELF specification, not with libpvh, so the loader reads a file it did not
 * shape. */
#include <stdlib.h>
#include <string.h>

#include "input.h"

#define PT_LOAD 1u
#define PT_NOTE 4u
#define SHT_NOTE 7u
#define SHT_STRTAB 3u
#define SHF_ALLOC 2u

static uint64_t round_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

static void put(uint8_t *p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

/* Appends one note; name and desc padded to `pad` the way libelf and
 * binutils do (the desc starts at the note's 12-byte header plus the name
 * rounded up to pad, the next note after the desc rounded up to pad). */
static size_t note(uint8_t *out, unsigned pad, const char *name, uint32_t type, const uint8_t *desc,
                   uint32_t descsz) {
  uint32_t namesz = (uint32_t)strlen(name) + 1;
  size_t desc_off = round_up(12 + namesz, pad), end = desc_off + round_up(descsz, pad);
  if (out) {
    memset(out, 0, end);
    put(out, namesz, 4);
    put(out + 4, descsz, 4);
    put(out + 8, type, 4);
    memcpy(out + 12, name, namesz);
    memcpy(out + desc_off, desc, descsz);
  }
  return end;
}

/* A neighbouring note that is not PHYS32_ENTRY: its kind and an extra
 * length from the `neighbour` byte, so paddings of every size occur. */
static size_t neighbour(uint8_t *out, unsigned pad, unsigned kind, unsigned extra) {
  static const uint8_t bytes[40] = "linux\0xen-3.0\0build-id-bytes-and-more";
  switch (kind & 3) {
  case 0: return note(out, pad, "Xen", 6 /* GUEST_OS */, bytes, 6 + extra % 8);
  case 1: return note(out, pad, "GNU", 3 /* NT_GNU_BUILD_ID */, bytes, 20 + extra);
  case 2: return note(out, pad, "Xen", 5 /* XEN_VERSION */, bytes + 6, 8);
  default: return note(out, pad, "Linux", 1, bytes, 1 + extra % 4);
  }
}

static size_t notes(const struct fb_layout *l, uint8_t *out) {
  unsigned pad = l->note_align8 ? 8 : 4, extra = l->neighbour >> 4;
  uint8_t desc[8];
  put(desc, l->entry, 8);
  size_t n = 0;
  if (l->note_before)
    n += neighbour(out ? out + n : NULL, pad, l->neighbour, extra);
  n += note(out ? out + n : NULL, pad, "Xen", 18 /* PHYS32_ENTRY */, desc, l->desc8 ? 8 : 4);
  if (l->note_after)
    n += neighbour(out ? out + n : NULL, pad, l->neighbour >> 2, extra / 2);
  return n;
}

int fb_build_elf(struct fb_layout *l) {
  const int w = l->elf64 ? 8 : 4;
  const size_t ehsize = l->elf64 ? 64 : 52, phentsize = l->elf64 ? 56 : 32, shentsize = l->elf64 ? 64 : 40;
  const unsigned note_align = l->note_align8 ? 8 : 4;
  size_t nph = l->nr_segs + (l->sht_note ? 0 : 1);
  size_t note_off = round_up(ehsize + nph * phentsize, note_align), note_len = notes(l, NULL);
  size_t off = note_off + note_len, seg_off[FB_MAX_LOADS];
  for (size_t i = 0; i < l->nr_segs; i++) {
    seg_off[i] = round_up(off, l->segs[i].align); /* p_offset = p_vaddr mod p_align */
    off = seg_off[i] + l->segs[i].filesz;
  }
  static const char shstrtab[] = "\0.note.Xen\0.shstrtab";
  size_t str_off = off, sh_off = 0;
  if (l->sht_note) {
    sh_off = round_up(str_off + sizeof(shstrtab), 8);
    off = sh_off + 3 * shentsize;
  }
  uint8_t *f = calloc(1, off);
  if (!f)
    return -1;

  static const uint8_t ident[] = {0x7f, 'E', 'L', 'F'};
  memcpy(f, ident, 4);
  f[4] = l->elf64 ? 2 : 1; /* class */
  f[5] = 1;                /* little endian */
  f[6] = 1;                /* EV_CURRENT */
  put(f + 16, 2, 2);       /* ET_EXEC */
  put(f + 18, l->elf64 ? 62 : 3, 2);
  put(f + 20, 1, 4);
  /* e_entry: the ELF entry a 64-bit kernel would use, not the PVH one. */
  const struct fb_seg *chk = NULL;
  for (size_t i = 0; i < l->nr_segs; i++)
    if (l->segs[i].is_checker)
      chk = &l->segs[i];
  put(f + 24, chk->vaddr, w);
  put(f + 24 + w, ehsize, w);                       /* e_phoff */
  put(f + 24 + 2 * w, l->sht_note ? sh_off : 0, w); /* e_shoff */
  uint8_t *t = f + 24 + 3 * w + 4;                  /* after e_flags */
  put(t, ehsize, 2);
  put(t + 2, phentsize, 2);
  put(t + 4, nph, 2);
  put(t + 6, l->sht_note ? shentsize : 0, 2);
  put(t + 8, l->sht_note ? 3 : 0, 2);
  put(t + 10, l->sht_note ? 2 : 0, 2); /* e_shstrndx */

  for (size_t k = 0; k < nph; k++) {
    uint8_t *p = f + ehsize + k * phentsize;
    uint32_t type, flags;
    uint64_t o, va, pa, fsz, msz, al;
    if (k < l->nr_segs) {
      size_t i = l->phdr_order[k];
      const struct fb_seg *s = &l->segs[i];
      type = PT_LOAD, flags = s->flags, o = seg_off[i], va = s->vaddr, pa = s->paddr;
      fsz = s->filesz, msz = s->memsz, al = s->align;
    } else {
      type = PT_NOTE, flags = 4, o = note_off, va = pa = 0, fsz = msz = note_len, al = note_align;
    }
    put(p, type, 4);
    if (l->elf64) {
      put(p + 4, flags, 4);
      put(p + 8, o, 8), put(p + 16, va, 8), put(p + 24, pa, 8);
      put(p + 32, fsz, 8), put(p + 40, msz, 8), put(p + 48, al, 8);
    } else {
      put(p + 4, o, 4), put(p + 8, va, 4), put(p + 12, pa, 4);
      put(p + 16, fsz, 4), put(p + 20, msz, 4), put(p + 24, flags, 4), put(p + 28, al, 4);
    }
  }
  notes(l, f + note_off);
  for (size_t i = 0; i < l->nr_segs; i++)
    memcpy(f + seg_off[i], l->segs[i].bytes, l->segs[i].filesz);

  if (l->sht_note) {
    memcpy(f + str_off, shstrtab, sizeof(shstrtab));
    /* [0] null, [1] .note.Xen, [2] .shstrtab */
    const struct {
      uint32_t name, type;
      uint64_t flags, off, size, align;
    } sh[3] = {{0, 0, 0, 0, 0, 0},
               {1, SHT_NOTE, SHF_ALLOC, note_off, note_len, note_align},
               {11, SHT_STRTAB, 0, str_off, sizeof(shstrtab), 1}};
    for (int i = 0; i < 3; i++) {
      uint8_t *s = f + sh_off + (size_t)i * shentsize;
      put(s, sh[i].name, 4);
      put(s + 4, sh[i].type, 4);
      put(s + 8, sh[i].flags, w);             /* sh_flags */
      put(s + 8 + 2 * w, sh[i].off, w);       /* sh_offset (after sh_addr) */
      put(s + 8 + 3 * w, sh[i].size, w);      /* sh_size */
      put(s + 8 + 4 * w + 8, sh[i].align, w); /* sh_addralign (after sh_link, sh_info) */
    }
  }
  l->elf = f;
  l->elf_size = off;
  return 0;
}
