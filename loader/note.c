/* SPDX-License-Identifier: MIT */
/* Note walking and the PHYS32_ENTRY search. Each note is bounded by its
 * container (segment or section), each container by the file, and the number of
 * notes by PVH_NOTE_MAX_COUNT, so a hostile file cannot make the walk read out of
 * bounds or run long. */
#include "pvh/note.h"

#include <string.h>

#include "le.h"
#include "pvh/start_info.h"

#define NOTE_HDR_SIZE 12u
#define ENTRY_LIMIT 0x100000000ull

/* n rounded up to a multiple of pad (4 or 8); n < 2^33 here, so no wrap. */
static uint64_t pad_to(uint64_t n, uint32_t pad) { return (n + pad - 1u) & ~(uint64_t)(pad - 1u); }

/* A header still fits at pos: fewer bytes than a header is where a walk ends
 * (linkers may pad a note container, and libelf's gelf_getnote stops there
 * too). */
static int header_fits(uint64_t size, uint64_t pos) { return size - pos >= NOTE_HDR_SIZE; }

/* The owner is exactly "Xen" with its NUL. */
static int is_xen_owner(uint32_t namesz, const uint8_t *name) {
  return namesz == 4 && memcmp(name, "Xen", 4) == 0;
}

uint32_t pvh_note_padding(uint64_t container_align) { return container_align == 8 ? 8u : 4u; }

void pvh_note_iter_init_aligned(struct pvh_note_iter *it, const uint8_t *data, uint64_t size,
                                uint64_t container_align) {
  it->data = data;
  it->size = size;
  it->pos = 0;
  it->padding = pvh_note_padding(container_align);
}

void pvh_note_iter_init(struct pvh_note_iter *it, const uint8_t *data, uint64_t size) {
  pvh_note_iter_init_aligned(it, data, size, 4);
}

/* Decodes the note whose header `h` starts at `pos` in a container of `size`
 * bytes (at least a header left), padded to `pad`. Returns 1 with the sizes,
 * type and offset in *note, where its desc starts (*desc_at, from the
 * container start) and where the next note starts (*next); or -1 (err) when
 * the note with its padding does not fit in what is left. One decoder for the
 * buffer walk and the walk through an image, so they cannot disagree. */
static int note_decode(const uint8_t h[NOTE_HDR_SIZE], uint64_t pos, uint64_t size, uint32_t pad,
                       struct pvh_note *note, uint64_t *desc_at, uint64_t *next, struct pvh_error *err) {
  uint64_t left = size - pos;
  note->namesz = le32(h);
  note->descsz = le32(h + 4);
  note->type = le32(h + 8);
  note->offset = pos;
  /* The desc starts at the first padding boundary after the name, counted from
   * the note header (pos is always a multiple of the padding). namesz/descsz
   * are 32-bit, so these sums cannot overflow 64 bits. */
  uint64_t name_span = pad_to(NOTE_HDR_SIZE + (uint64_t)note->namesz, pad) - NOTE_HDR_SIZE;
  uint64_t desc_span = pad_to(note->descsz, pad);
  uint64_t body = name_span + desc_span;
  if (body > left - NOTE_HDR_SIZE) {
    pvh_fail(err, PVH_E_NOTE_MALFORMED,
             "note at +0x%llx: namesz 0x%x + descsz 0x%x (padded to %u: 0x%llx) exceed the 0x%llx bytes left",
             (unsigned long long)pos, note->namesz, note->descsz, pad, (unsigned long long)body,
             (unsigned long long)(left - NOTE_HDR_SIZE));
    return -1;
  }
  *desc_at = pos + NOTE_HDR_SIZE + name_span;
  *next = pos + NOTE_HDR_SIZE + body;
  return 1;
}

int pvh_note_next(struct pvh_note_iter *it, struct pvh_note *note, struct pvh_error *err) {
  if (!header_fits(it->size, it->pos))
    return 0;
  uint64_t desc_at, next;
  if (note_decode(it->data + it->pos, it->pos, it->size, it->padding == 8 ? 8u : 4u, note, &desc_at, &next,
                  err) < 0)
    return -1;
  note->name = it->data + it->pos + NOTE_HDR_SIZE;
  note->desc = it->data + desc_at;
  it->pos = next;
  return 1;
}

int pvh_note_is_xen(const struct pvh_note *note) { return is_xen_owner(note->namesz, note->name); }

const char *pvh_note_source_name(enum pvh_note_source src) {
  switch (src) {
  case PVH_NOTE_PT_NOTE: return "PT_NOTE";
  case PVH_NOTE_SHT_NOTE: return "SHT_NOTE";
  default: return "none";
  }
}

struct search {
  struct pvh_entry_note *out;
  int found;
  const struct pvh_elf *elf;
};

/* True when file bytes [off, off + len) lie inside a PT_NOTE segment that the
 * search walked (every non-empty one: a PT_NOTE outside the file stops the
 * search before sections are read). Such a section note is the segment's note. */
static int inside_pt_note(const struct pvh_elf *elf, uint64_t off, uint64_t len) {
  for (uint32_t i = 0; i < elf->nr_phdrs; i++) {
    const struct pvh_phdr *ph = &elf->phdrs[i];
    if (ph->type == PVH_PT_NOTE && ph->filesz != 0 && off >= ph->offset && off - ph->offset <= ph->filesz &&
        len <= ph->filesz - (off - ph->offset))
      return 1;
  }
  return 0;
}

/* Walks one container's notes straight from the image and records any
 * PHYS32_ENTRY. Only what the search needs is read: each 12-byte header, a
 * 4-byte owner name, an entry's desc; memory stays small whatever the
 * container's size. file_off is the container's file offset (it lies inside
 * the image), also used to recognise a note a PT_NOTE already counted. */
static enum pvh_err scan_container(const struct pvh_image *img, uint64_t file_off, uint64_t size,
                                   uint64_t align, enum pvh_note_source src, uint32_t index, struct search *s,
                                   struct pvh_error *err) {
  const char *kind = src == PVH_NOTE_PT_NOTE ? "PT_NOTE segment" : "SHT_NOTE section";
  uint32_t pad = pvh_note_padding(align);
  struct pvh_error walk_err; /* always local: the caller's err may be NULL */
  enum pvh_err rc;
  uint64_t pos = 0;

  while (header_fits(size, pos)) {
    uint8_t h[NOTE_HDR_SIZE], name[4], desc[8];
    struct pvh_note note;
    uint64_t desc_at, next;
    if ((rc = pvh_image_read(img, file_off + pos, NOTE_HDR_SIZE, h, err)) != PVH_OK)
      return rc;
    if (note_decode(h, pos, size, pad, &note, &desc_at, &next, &walk_err) < 0)
      return pvh_fail(err, PVH_E_NOTE_MALFORMED, "%s %u: %s", kind, index, walk_err.message);
    if (++s->out->notes_seen > PVH_NOTE_MAX_COUNT)
      return pvh_fail(err, PVH_E_NOTE_TOO_MANY, "more than %u notes (%s %u)", PVH_NOTE_MAX_COUNT, kind,
                      index);
    /* file_off + pos cannot wrap: the container lies inside the image. */
    if (src == PVH_NOTE_PT_NOTE || !inside_pt_note(s->elf, file_off + pos, next - pos))
      s->out->notes_distinct++;
    pos = next;
    if (note.namesz != sizeof(name))
      continue;
    if ((rc = pvh_image_read(img, file_off + note.offset + NOTE_HDR_SIZE, sizeof(name), name, err)) != PVH_OK)
      return rc;
    if (!is_xen_owner(note.namesz, name))
      continue;
    s->out->xen_notes_seen++;
    if (note.type != PVH_XEN_ELFNOTE_PHYS32_ENTRY)
      continue;
    if (note.descsz != 4 && note.descsz != 8)
      return pvh_fail(err, PVH_E_NOTE_DESC_SIZE, "%s %u: PHYS32_ENTRY desc is %u bytes, not 4 or 8", kind,
                      index, note.descsz);
    if ((rc = pvh_image_read(img, file_off + desc_at, note.descsz, desc, err)) != PVH_OK)
      return rc;
    uint64_t entry = note.descsz == 4 ? le32(desc) : le64(desc);
    if (s->found && entry != s->out->entry)
      return pvh_fail(err, PVH_E_NOTE_CONFLICT,
                      "%s %u: PHYS32_ENTRY 0x%llx disagrees with 0x%llx found earlier", kind, index,
                      (unsigned long long)entry, (unsigned long long)s->out->entry);
    if (!s->found) {
      s->found = 1;
      s->out->entry = entry;
      s->out->source = src;
      s->out->container = index;
      s->out->desc_size = note.descsz;
      s->out->padding = pad;
    }
  }
  return PVH_OK;
}

enum pvh_err pvh_find_pvh_entry(const struct pvh_image *img, const struct pvh_elf *elf,
                                struct pvh_entry_note *out, struct pvh_error *err) {
  struct search s = {out, 0, elf};
  enum pvh_err rc;

  memset(out, 0, sizeof(*out));
  for (uint32_t i = 0; i < elf->nr_phdrs; i++) {
    const struct pvh_phdr *ph = &elf->phdrs[i];
    if (ph->type != PVH_PT_NOTE || ph->filesz == 0) /* an empty container has no offset to check */
      continue;
    if (!pvh_image_contains(img, ph->offset, ph->filesz))
      return pvh_fail(
          err, PVH_E_NOTE_BOUNDS, "PT_NOTE %u at offset 0x%llx+0x%llx is outside the %llu-byte file", i,
          (unsigned long long)ph->offset, (unsigned long long)ph->filesz, (unsigned long long)img->size);
    if ((rc = scan_container(img, ph->offset, ph->filesz, ph->align, PVH_NOTE_PT_NOTE, i, &s, err)) != PVH_OK)
      return rc;
  }

  /* Fallback: kernels whose linker script left the note out of every PT_NOTE. */
  if (!s.found) {
    if (elf->shdr_error.code != PVH_OK)
      return pvh_fail(err, elf->shdr_error.code,
                      "no PHYS32_ENTRY in PT_NOTE and the section table is unusable: %s",
                      elf->shdr_error.message);
    for (uint32_t i = 0; i < elf->nr_shdrs; i++) {
      const struct pvh_shdr *sh = &elf->shdrs[i];
      if (sh->type != PVH_SHT_NOTE || sh->size == 0)
        continue;
      if (!pvh_image_contains(img, sh->offset, sh->size))
        return pvh_fail(err, PVH_E_NOTE_BOUNDS,
                        "SHT_NOTE section %u at offset 0x%llx+0x%llx is outside the %llu-byte file", i,
                        (unsigned long long)sh->offset, (unsigned long long)sh->size,
                        (unsigned long long)img->size);
      if ((rc = scan_container(img, sh->offset, sh->size, sh->align, PVH_NOTE_SHT_NOTE, i, &s, err)) !=
          PVH_OK)
        return rc;
    }
  }

  if (!s.found)
    return pvh_fail(err, PVH_E_NO_PVH_NOTE, "no Xen PHYS32_ENTRY (type 18) note in %u PT_NOTE/SHT_NOTE notes",
                    out->notes_distinct);
  /* QEMU reads PHYS32_ENTRY 0 as "no PVH entry" and refuses the kernel; a
   * kernel entered at 0 would run the real-mode IVT as code. */
  if (out->entry == 0)
    return pvh_fail(err, PVH_E_ENTRY_ZERO, "%s %u: PHYS32_ENTRY is 0, which QEMU reads as 'no PVH entry'",
                    out->source == PVH_NOTE_PT_NOTE ? "PT_NOTE segment" : "SHT_NOTE section", out->container);
  if (out->entry >= ENTRY_LIMIT)
    return pvh_fail(err, PVH_E_ENTRY_ABOVE_4G, "PHYS32_ENTRY 0x%llx is not below 4 GiB",
                    (unsigned long long)out->entry);
  return PVH_OK;
}
