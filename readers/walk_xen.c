/* SPDX-License-Identifier: MIT */
/* Xen's libelf (xen/common/libelf/libelf-dominfo.c elf_xen_parse and
 * elf_xen_parse_notes; libelf-tools.c elf_note_next, elf_note_name,
 * elf_note_numeric), as libxenguest runs it for an HVM (PVH) container.
 * Every PT_NOTE with a non-zero p_offset is walked while the note start is
 * below the segment end; reads are bounded by the file, not the segment, and
 * a read outside the file gives 0. The owner is the NUL-terminated string at
 * the name, whatever namesz says. PHYS32_ENTRY's desc is read when descsz is
 * 1, 2, 4 or 8 (else 0) and kept as 32 bits; the last one wins; 0xffffffff
 * means unset. SHT_NOTE sections are read only when no PT_NOTE had a Xen
 * note. The entry must lie inside the loaded range [lowest PT_LOAD paddr,
 * highest paddr + memsz]. Released Xen pads to 4 in 32-bit arithmetic (a
 * namesz near 4 GiB rounds to 0); the 2026 proposal pads to 8 in ELF64 when
 * the container's alignment is above 4. */
#include <string.h>

#include "walk.h"

#define XEN_UNSET_ADDR32 0xffffffffu

#define XEN_UNSET_ADDR ~0ull

struct xen_state {
  uint64_t phys_entry;
  unsigned xen_notes;
  int phys_seen;
  uint64_t virt_base, paddr_offset; /* XEN_ELFNOTE_VIRT_BASE (3), PADDR_OFFSET (4); last wins */
};

/* elf_note_numeric: descsz 1, 2, 4 or 8 read as that many bytes, else 0. */
static uint64_t xen_numeric(const struct pvh_image *img, uint64_t desc, uint64_t descsz) {
  uint64_t v = 0;
  if (descsz == 1 || descsz == 2 || descsz == 4 || descsz == 8)
    pvhr_read_le(img, desc, (unsigned)descsz, &v);
  return v;
}

/* Where the desc starts and where the next note starts, for padding `pad`. */
static void xen_offsets(const struct pvhr_rules *ru, uint64_t note, uint64_t namesz, uint64_t descsz,
                        uint64_t pad, uint64_t *desc, uint64_t *next) {
  if (ru->padding == PVHR_PAD_4) {
    /* (x + 3) & ~3 in unsigned int: the rounding wraps to 0 near 4 GiB. */
    uint32_t n = (uint32_t)((namesz + 3) & 0xfffffffcu), d = (uint32_t)((descsz + 3) & 0xfffffffcu);
    *desc = note + PVHR_NOTE_HDR + n;
    *next = *desc + d;
    return;
  }
  *desc = note + ((PVHR_NOTE_HDR + namesz + pad - 1) & ~(pad - 1));
  *next = *desc + ((descsz + pad - 1) & ~(pad - 1));
}

/* The owner string at `at` is "Xen": 1, other string 0, no NUL inside the file -1. */
static int owner_is_xen(const struct pvh_image *img, uint64_t at) {
  uint8_t want[4] = {'X', 'e', 'n', 0};
  for (unsigned i = 0; i < PVHR_MAX_STRING; i++) {
    uint64_t b;
    if (pvhr_read_le(img, at + i, 1, &b) != 0)
      return -1;
    if (i < 4 && b != want[i])
      return 0;
    if (b == 0)
      return i == 3;
  }
  return 0;
}

/* Walks [start, end); -1 when the model stops (verdict set). */
static int xen_notes(struct pvhr_walk_ctx *c, struct xen_state *st, uint64_t start, uint64_t end,
                     uint64_t align) {
  uint64_t pad = pvhr_padding_for(c->rules->padding, c->elf->elf_class, align);
  for (uint64_t note = start; note < end;) {
    uint64_t namesz, descsz, type, desc, next;
    if (++c->notes > PVHR_MAX_NOTES)
      break; /* libelf marks the image broken ("too many ELF notes") and stops */
    pvhr_read_le(c->img, note, 4, &namesz);
    pvhr_read_le(c->img, note + 4, 4, &descsz);
    pvhr_read_le(c->img, note + 8, 4, &type);
    xen_offsets(c->rules, note, namesz, descsz, pad, &desc, &next);
    if (owner_is_xen(c->img, note + PVHR_NOTE_HDR) == 1) {
      st->xen_notes++;
      if (type == PVHR_XEN_PHYS32_ENTRY) {
        st->phys_entry = (uint32_t)xen_numeric(c->img, desc, descsz);
        st->phys_seen = 1;
      } else if (type == 3) {
        st->virt_base = xen_numeric(c->img, desc, descsz);
      } else if (type == 4) {
        st->paddr_offset = xen_numeric(c->img, desc, descsz);
      }
    }
    if (next <= note || note >= c->img->size)
      break; /* elf_note_next ends a wrapped, stuck or out-of-file walk */
    note = next;
  }
  return 0;
}

/* elf_init's table checks, on the raw header fields: e_phnum and e_shnum as
 * written (neither PN_XNUM nor a section count in section 0 is understood),
 * each count clamped to what the file could hold, offset + entsize * count
 * in 64-bit arithmetic against the file size. *sections is the section
 * count libelf then uses. */
static int xen_tables_fit(struct pvhr_walk_ctx *c, uint64_t *sections) {
  int is64 = c->elf->elf_class == 64;
  uint64_t phoff, shoff, phentsize, phnum, shentsize, shnum, size = c->img->size;
  pvhr_read_le(c->img, is64 ? 0x20 : 0x1c, is64 ? 8 : 4, &phoff);
  pvhr_read_le(c->img, is64 ? 0x28 : 0x20, is64 ? 8 : 4, &shoff);
  pvhr_read_le(c->img, is64 ? 0x36 : 0x2a, 2, &phentsize);
  pvhr_read_le(c->img, is64 ? 0x38 : 0x2c, 2, &phnum);
  pvhr_read_le(c->img, is64 ? 0x3a : 0x2e, 2, &shentsize);
  pvhr_read_le(c->img, is64 ? 0x3c : 0x30, 2, &shnum);
  if (phnum > size / 32) /* sizeof(Elf32_Phdr) */
    phnum = size / 32;
  if (shnum > size / 40) /* sizeof(Elf32_Shdr) */
    shnum = size / 40;
  if (phoff + phentsize * phnum > size) {
    pvhr_set(c->out, PVHR_REFUSES, 0, 0,
             "program headers (e_phnum %llu as written) overflow the file: \"phdr overflow\"",
             (unsigned long long)phnum);
    return 0;
  }
  if (shoff + shentsize * shnum > size) {
    pvhr_set(c->out, PVHR_REFUSES, 0, 0, "section headers overflow the file: \"shdr overflow\"");
    return 0;
  }
  *sections = shnum;
  return 1;
}

void pvhr_walk_xen(struct pvhr_walk_ctx *c) {
  struct xen_state st = {
      .phys_entry = XEN_UNSET_ADDR32, .virt_base = XEN_UNSET_ADDR, .paddr_offset = XEN_UNSET_ADDR};
  uint64_t sections = 0;
  if (!xen_tables_fit(c, &sections))
    return;
  int containers = 0;
  for (uint32_t i = 0; i < c->elf->nr_phdrs; i++) {
    const struct pvh_phdr *ph = &c->elf->phdrs[i];
    if (ph->type != PVH_PT_NOTE || (c->rules->skip_offset_zero && ph->offset == 0))
      continue;
    containers++;
    xen_notes(c, &st, ph->offset, ph->offset + ph->filesz, ph->align);
  }
  if (st.xen_notes == 0 && c->rules->section_fallback) {
    /* libelf's own section headers: e_shoff + e_shentsize * i as written
     * (a stride libpvh would refuse included), fields read with the file as
     * the only bound. */
    int is64 = c->elf->elf_class == 64;
    uint64_t shoff, shentsize;
    pvhr_read_le(c->img, is64 ? 0x28 : 0x20, is64 ? 8 : 4, &shoff);
    pvhr_read_le(c->img, is64 ? 0x3a : 0x2e, 2, &shentsize);
    for (uint64_t i = 1; i < sections; i++) {
      uint64_t sh = shoff + shentsize * i, type, off, size, align;
      if (sh >= c->img->size)
        break;
      pvhr_read_le(c->img, sh + 4, 4, &type);
      if (type != PVH_SHT_NOTE)
        continue;
      pvhr_read_le(c->img, sh + (is64 ? 24 : 16), is64 ? 8 : 4, &off);
      pvhr_read_le(c->img, sh + (is64 ? 32 : 20), is64 ? 8 : 4, &size);
      pvhr_read_le(c->img, sh + (is64 ? 48 : 32), is64 ? 8 : 4, &align);
      containers++;
      xen_notes(c, &st, off, off + size, align);
    }
  }
  if (!containers) {
    pvhr_set(c->out, PVHR_NO_ENTRY, 0, 0, "no PT_NOTE or SHT_NOTE: \"Not a Xen-ELF image\"");
    return;
  }
  if (st.phys_entry == XEN_UNSET_ADDR32) {
    pvhr_set(c->out, PVHR_NO_ENTRY, 0, 0, "%s",
             st.phys_seen ? "PHYS32_ENTRY reads as 0xffffffff (unset)"
                          : "no PHYS32_ENTRY note with owner \"Xen\"");
    return;
  }
  if (c->rules->paddr_offset_needs_virt_base && st.paddr_offset != XEN_UNSET_ADDR &&
      st.virt_base == XEN_UNSET_ADDR) {
    pvhr_set(c->out, PVHR_REFUSES, 0, 0,
             "a PADDR_OFFSET note without VIRT_BASE: \"ELF_PADDR_OFFSET set, VIRT_BASE unset\"");
    return;
  }
  uint64_t pstart = ~0ull, pend = 0;
  for (uint32_t i = 0; i < c->elf->nr_phdrs; i++) {
    const struct pvh_phdr *ph = &c->elf->phdrs[i];
    if (ph->type != PVH_PT_LOAD || !(ph->flags & (PVH_PF_R | PVH_PF_W | PVH_PF_X)))
      continue;
    if (ph->paddr < pstart)
      pstart = ph->paddr;
    if (ph->paddr + ph->memsz > pend)
      pend = ph->paddr + ph->memsz;
  }
  if (c->rules->entry_must_be_loaded && (st.phys_entry < pstart || st.phys_entry > pend)) {
    pvhr_set(c->out, PVHR_REFUSES, 0, 0, "PHYS32_ENTRY 0x%llx is outside the loaded 0x%llx-0x%llx",
             (unsigned long long)st.phys_entry, (unsigned long long)pstart, (unsigned long long)pend);
    return;
  }
  pvhr_set(c->out, PVHR_ENTRY, 1, st.phys_entry, "PHYS32_ENTRY note, notes padded to %s",
           c->rules->padding == PVHR_PAD_4 ? "4" : "8 when 8-aligned in ELF64");
}
