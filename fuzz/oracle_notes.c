/* SPDX-License-Identifier: MIT */
/* Note walking and the PHYS32_ENTRY search, re-implemented from the note
 * format and the PVH rules (fuzz_notes). */
#include "oracle_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Note walking                                                               */
/* ------------------------------------------------------------------------ */

size_t oracle_check_note_walk(const uint8_t *data, size_t size, uint64_t align) {
  struct pvh_note_iter it;
  struct pvh_note note;
  struct pvh_error err;
  size_t pos = 0, n = 0;
  int rc;

  pvh_error_clear(&err);
  unsigned pad = note_pad(align);
  pvh_note_iter_init_aligned(&it, data, size, align);
  for (;;) {
    /* The reference walk: a header needs 12 bytes; the desc starts at the
     * first multiple of the padding after the name (counted from the note
     * header), and the next note after the desc padded the same way. */
    int want;
    uint64_t need = 0;
    if (size - pos < 12) {
      want = 0;
    } else {
      need = pad_up(12 + rd(data + pos, 4), pad) + pad_up(rd(data + pos + 4, 4), pad);
      want = need <= size - pos ? 1 : -1;
    }
    rc = pvh_note_next(&it, &note, &err);
    if (rc != want)
      oracle_fail("note-walk", "at +0x%zx of %zu bytes: pvh_note_next says %d, the note format says %d", pos,
                  size, rc, want);
    if (rc != 1)
      break;
    if (note.offset != pos || note.namesz != rd(data + pos, 4) || note.descsz != rd(data + pos + 4, 4) ||
        note.type != rd(data + pos + 8, 4) || note.name != data + pos + 12 ||
        note.desc != data + pos + pad_up(12 + (uint64_t)note.namesz, pad))
      oracle_fail("note-walk", "note at +0x%zx decoded wrongly (offset 0x%llx namesz %u descsz %u type %u)",
                  pos, (unsigned long long)note.offset, note.namesz, note.descsz, note.type);
    pos += (size_t)need;
    n++;
  }
  if (rc < 0 && err.code != PVH_E_NOTE_MALFORMED)
    oracle_fail("note-walk", "a malformed note reported %s", pvh_err_name(err.code));
  /* The iterator stays put at the end: asking again gives the same answer. */
  if (pvh_note_next(&it, &note, &err) != rc)
    oracle_fail("note-walk", "asking again after the end gave a different answer");
  return n;
}

struct osearch {
  int found;
  uint64_t entry;
  enum pvh_note_source source;
  uint32_t container, desc_size, notes, xen, padding;
  enum pvh_note_reading reading;
};

/* One reading of a container: the notes walked with one padding. */
struct oreading {
  unsigned pad;
  int fits;             /* every note fit and fewer than 12 bytes were left */
  int holds;            /* a Xen PHYS32_ENTRY note was seen */
  enum pvh_err problem; /* the first bad desc size or disagreeing entry */
  uint64_t entry;
  uint32_t desc_size, notes, xen;
};

/* Walks d[0, size) with padding `pad`. `only` (the container's only reading):
 * stop at the first problem, and an entry that disagrees with one found in an
 * earlier container is a problem here. Returns PVH_E_NOTE_TOO_MANY when the
 * notes walked so far plus this reading's pass PVH_NOTE_MAX_COUNT, else
 * PVH_OK. */
static enum pvh_err read_container(const uint8_t *d, uint64_t size, unsigned pad, int only,
                                   const struct osearch *s, struct oreading *r) {
  memset(r, 0, sizeof(*r));
  r->pad = pad;
  for (uint64_t pos = 0; size - pos >= 12;) {
    uint32_t namesz = (uint32_t)rd(d + pos, 4), descsz = (uint32_t)rd(d + pos + 4, 4);
    uint32_t type = (uint32_t)rd(d + pos + 8, 4);
    uint64_t desc_at = pad_up(12 + (uint64_t)namesz, pad), need = desc_at + pad_up(descsz, pad);
    if (need > size - pos)
      return PVH_OK; /* does not fit */
    if (s->notes + ++r->notes > PVH_NOTE_MAX_COUNT)
      return PVH_E_NOTE_TOO_MANY;
    const uint8_t *name = d + pos + 12, *desc = d + pos + desc_at;
    pos += need;
    if (namesz != 4 || memcmp(name, "Xen", 4) != 0)
      continue;
    r->xen++;
    if (type != PVH_XEN_ELFNOTE_PHYS32_ENTRY)
      continue;
    if (descsz != 4 && descsz != 8) {
      if (r->problem == PVH_OK)
        r->problem = PVH_E_NOTE_DESC_SIZE;
    } else {
      uint64_t e = rd(desc, descsz);
      if (!r->holds) {
        r->entry = e;
        r->desc_size = descsz;
      }
      uint64_t before = r->holds ? r->entry : s->entry;
      if (r->problem == PVH_OK && (r->holds || (only && s->found)) && e != before)
        r->problem = PVH_E_NOTE_CONFLICT;
    }
    r->holds = 1;
    if (only && r->problem != PVH_OK)
      return PVH_OK;
  }
  r->fits = 1;
  return PVH_OK;
}

/* One container by the PVH rules: an 8-aligned container in a 64-bit ELF is
 * read with 8- and with 4-byte padding and the reading taken as pvh/note.h
 * says; any other has one reading. Returns PVH_OK or the error code. */
static enum pvh_err search_container(const uint8_t *d, uint64_t size, uint64_t align, int elf64,
                                     enum pvh_note_source src, uint32_t index, struct osearch *s) {
  struct oreading a, b;
  const struct oreading *t = &a;
  enum pvh_note_reading how = PVH_NOTE_READ_SINGLE;
  enum pvh_err rc;
  int both_ways = align == 8 && elf64;
  if ((rc = read_container(d, size, note_pad(align), !both_ways, s, &a)) != PVH_OK)
    return rc;
  if (!both_ways) {
    if (!a.fits && a.problem == PVH_OK)
      return PVH_E_NOTE_MALFORMED;
  } else {
    if ((rc = read_container(d, size, 4, 0, s, &b)) != PVH_OK)
      return rc;
    if (!a.fits && !b.fits)
      return PVH_E_NOTE_MALFORMED;
    if (a.fits != b.fits) {
      t = a.fits ? &a : &b;
      how = PVH_NOTE_READ_ONLY_WELL_FORMED;
    } else if (a.holds != b.holds) {
      t = a.holds ? &a : &b;
      how = PVH_NOTE_READ_ONLY_ENTRY;
    } else {
      if (a.holds && a.problem == PVH_OK && b.problem == PVH_OK && a.entry != b.entry)
        return PVH_E_NOTE_AMBIGUOUS;
      t = a.problem == PVH_OK && b.problem != PVH_OK ? &b : &a;
      how = PVH_NOTE_READ_BOTH;
    }
  }
  if (t->problem != PVH_OK)
    return t->problem;
  s->notes += t->notes;
  s->xen += t->xen;
  if (!t->holds)
    return PVH_OK;
  if (s->found && t->entry != s->entry)
    return PVH_E_NOTE_CONFLICT;
  if (!s->found)
    *s = (struct osearch){1, t->entry, src, index, t->desc_size, s->notes, s->xen, t->pad, how};
  return PVH_OK;
}

static enum pvh_err search_entry(const struct pvh_image *img, const struct pvh_elf *elf, struct osearch *s) {
  enum pvh_err rc;
  memset(s, 0, sizeof(*s));
  for (uint32_t i = 0; i < elf->nr_phdrs; i++) {
    const struct pvh_phdr *ph = &elf->phdrs[i];
    if (ph->type != PVH_PT_NOTE || ph->filesz == 0)
      continue;
    if (ph->offset > img->size || ph->filesz > img->size - ph->offset)
      return PVH_E_NOTE_BOUNDS;
    if ((rc = search_container(img->data + ph->offset, ph->filesz, ph->align, elf->elf_class == 64,
                               PVH_NOTE_PT_NOTE, i, s)) != PVH_OK)
      return rc;
  }
  if (!s->found) {
    if (elf->shdr_error.code != PVH_OK)
      return elf->shdr_error.code;
    for (uint32_t i = 0; i < elf->nr_shdrs; i++) {
      const struct pvh_shdr *sh = &elf->shdrs[i];
      if (sh->type != PVH_SHT_NOTE || sh->size == 0)
        continue;
      if (sh->offset > img->size || sh->size > img->size - sh->offset)
        return PVH_E_NOTE_BOUNDS;
      if ((rc = search_container(img->data + sh->offset, sh->size, sh->align, elf->elf_class == 64,
                                 PVH_NOTE_SHT_NOTE, i, s)) != PVH_OK)
        return rc;
    }
  }
  if (!s->found)
    return PVH_E_NO_PVH_NOTE;
  if (s->entry == 0) /* QEMU reads PHYS32_ENTRY 0 as "no PVH entry"; checked before the 4 GiB limit */
    return PVH_E_ENTRY_ZERO;
  return s->entry >= LIMIT_4G ? PVH_E_ENTRY_ABOVE_4G : PVH_OK;
}

void oracle_check_entry_search(const struct pvh_image *img, const struct pvh_elf *elf, enum pvh_err rc,
                               const struct pvh_entry_note *found, const struct pvh_error *err) {
  struct osearch s;
  enum pvh_err want = search_entry(img, elf, &s);
  if (rc != want || (rc != PVH_OK && err->code != rc))
    oracle_fail("entry-search", "pvh_find_pvh_entry says %s (\"%s\"), the PVH rules say %s", pvh_err_name(rc),
                err->message, pvh_err_name(want));
  if (rc != PVH_OK) {
    if (strcmp(pvh_note_source_name(PVH_NOTE_NONE), "none") != 0)
      oracle_fail("entry-search", "PVH_NOTE_NONE is named %s", pvh_note_source_name(PVH_NOTE_NONE));
    return;
  }
  if (strcmp(pvh_note_source_name(found->source), s.source == PVH_NOTE_PT_NOTE ? "PT_NOTE" : "SHT_NOTE") != 0)
    oracle_fail("entry-search", "source named %s", pvh_note_source_name(found->source));
  if (found->entry != s.entry || found->source != s.source || found->container != s.container ||
      found->desc_size != s.desc_size || found->padding != s.padding || found->reading != s.reading)
    oracle_fail("entry-search",
                "found 0x%llx in %s %u (desc %u, padding %u, reading %s); the PVH rules find 0x%llx in %s %u "
                "(desc %u, padding %u, reading %s)",
                (unsigned long long)found->entry, pvh_note_source_name(found->source), found->container,
                found->desc_size, found->padding, pvh_note_reading_name(found->reading),
                (unsigned long long)s.entry, pvh_note_source_name(s.source), s.container, s.desc_size,
                s.padding, pvh_note_reading_name(s.reading));
  static const char *const reading_names[] = {"single", "only-well-formed", "only-with-entry", "both-agree"};
  if (strcmp(pvh_note_reading_name(s.reading), reading_names[s.reading]) != 0 ||
      strcmp(pvh_note_reading_name((enum pvh_note_reading)99), "unknown") != 0)
    oracle_fail("entry-search", "reading %d is named %s", (int)s.reading, pvh_note_reading_name(s.reading));
  /* Both walks go on past the first find through every PT_NOTE (and every
   * SHT_NOTE once the fallback runs), so the counts agree exactly. */
  if (found->notes_seen != s.notes || found->xen_notes_seen != s.xen)
    oracle_fail("entry-search", "notes_seen %u / xen %u; the walk by the rules saw %u / %u",
                found->notes_seen, found->xen_notes_seen, s.notes, s.xen);
}
