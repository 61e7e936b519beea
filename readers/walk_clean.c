/* SPDX-License-Identifier: MIT */
/* The tools' reading (binutils readelf process_notes_at, elfutils
 * gelf_getnote): a note must fit, with its padding, in what is left of its
 * container, or the container is corrupt; padding is 8 for an 8-aligned
 * container, else 4. PT_NOTE segments first, then SHT_NOTE sections; the
 * PVH note is type 18 with owner exactly "Xen". */
#include "walk.h"

/* 1 found, 0 none, -1 corrupt (verdict set). */
static int clean_container(struct pvhr_walk_ctx *c, uint64_t off, uint64_t size, uint64_t align,
                           const char *kind, uint32_t idx, uint64_t *entry) {
  uint64_t pad = pvhr_padding_for(c->rules->padding, c->elf->elf_class, align), pos = 0;
  if (off > c->img->size || c->img->size - off < size) {
    pvhr_set(c->out, PVHR_REFUSES, 0, 0, "%s %u lies outside the file", kind, idx);
    return -1;
  }
  while (size - pos >= PVHR_NOTE_HDR) {
    uint64_t namesz, descsz, type, name = 0;
    if (++c->notes > PVHR_MAX_NOTES) {
      pvhr_set(c->out, PVHR_UNKNOWN, 0, 0, "more than %u notes", PVHR_MAX_NOTES);
      return -1;
    }
    pvhr_read_le(c->img, off + pos, 4, &namesz);
    pvhr_read_le(c->img, off + pos + 4, 4, &descsz);
    pvhr_read_le(c->img, off + pos + 8, 4, &type);
    uint64_t desc = ((PVHR_NOTE_HDR + namesz + pad - 1) & ~(pad - 1));
    uint64_t len = desc + ((descsz + pad - 1) & ~(pad - 1));
    if (len > size - pos) {
      pvhr_set(c->out, PVHR_REFUSES, 0, 0,
               "%s %u: corrupt note at 0x%llx (0x%llx bytes padded to %llu, 0x%llx left)", kind, idx,
               (unsigned long long)pos, (unsigned long long)len, (unsigned long long)pad,
               (unsigned long long)(size - pos));
      return -1;
    }
    if (namesz == 4)
      pvhr_read_le(c->img, off + pos + PVHR_NOTE_HDR, 4, &name);
    if (type == PVHR_XEN_PHYS32_ENTRY && name == 0x006e6558u && (descsz == 4 || descsz == 8)) {
      pvhr_read_le(c->img, off + pos + desc, (unsigned)descsz, entry);
      return 1;
    }
    pos += len;
  }
  return 0;
}

void pvhr_walk_clean(struct pvhr_walk_ctx *c) {
  uint64_t entry = 0;
  for (uint32_t i = 0; i < c->elf->nr_phdrs; i++) {
    const struct pvh_phdr *ph = &c->elf->phdrs[i];
    if (ph->type != PVH_PT_NOTE)
      continue;
    int rc = clean_container(c, ph->offset, ph->filesz, ph->align, "PT_NOTE", i, &entry);
    if (rc < 0)
      return;
    if (rc > 0) {
      pvhr_set(c->out, PVHR_ENTRY, 1, entry, "PT_NOTE %u, padded to %llu", i,
               (unsigned long long)pvhr_padding_for(c->rules->padding, c->elf->elf_class, ph->align));
      return;
    }
  }
  for (uint32_t i = 1; c->rules->section_fallback && i < c->elf->nr_shdrs; i++) {
    const struct pvh_shdr *sh = &c->elf->shdrs[i];
    if (sh->type != PVH_SHT_NOTE)
      continue;
    int rc = clean_container(c, sh->offset, sh->size, sh->align, "SHT_NOTE", i, &entry);
    if (rc < 0)
      return;
    if (rc > 0) {
      pvhr_set(c->out, PVHR_ENTRY, 1, entry, "SHT_NOTE section %u", i);
      return;
    }
  }
  pvhr_set(c->out, PVHR_NO_ENTRY, 0, 0, "no Xen PHYS32_ENTRY note");
}
