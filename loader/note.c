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

const char *pvh_note_reading_name(enum pvh_note_reading reading) {
  switch (reading) {
  case PVH_NOTE_READ_SINGLE: return "single";
  case PVH_NOTE_READ_ONLY_WELL_FORMED: return "only-well-formed";
  case PVH_NOTE_READ_ONLY_ENTRY: return "only-with-entry";
  case PVH_NOTE_READ_BOTH: return "both-agree";
  }
  return "unknown";
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

/* One reading of a container: its notes walked with one padding. */
struct reading {
  uint32_t pad;
  int well_formed;      /* every note fit and the walk ended cleanly */
  struct pvh_error why; /* why not (PVH_E_NOTE_MALFORMED) */
  int holds;            /* a PHYS32_ENTRY note was seen (usable or not) */
  enum pvh_err content; /* PVH_OK, or the first PVH_E_NOTE_DESC_SIZE / _CONFLICT */
  struct pvh_error content_err;
  uint64_t entry; /* the first entry, when holds and content is PVH_OK */
  uint32_t desc_size;
  uint32_t notes, distinct, xen;
};

/* The container being read and where its notes are counted. */
struct container {
  const struct pvh_image *img;
  uint64_t off, size;
  enum pvh_note_source src;
  uint32_t index;
  const char *kind; /* "PT_NOTE segment" / "SHT_NOTE section", for messages */
};

/* Records a reading's first content problem (later ones are not looked at):
 * a desc of `a` bytes (PVH_E_NOTE_DESC_SIZE), or entry `a` disagreeing with
 * `b` found earlier (PVH_E_NOTE_CONFLICT). */
static void content_error(struct reading *r, enum pvh_err code, uint64_t a, uint64_t b,
                          const struct container *c) {
  if (r->content != PVH_OK)
    return;
  r->content = code;
  if (code == PVH_E_NOTE_DESC_SIZE)
    pvh_fail(&r->content_err, code, "%s %u: PHYS32_ENTRY desc is %u bytes, not 4 or 8", c->kind, c->index,
             (unsigned)a);
  else
    pvh_fail(&r->content_err, code, "%s %u: PHYS32_ENTRY 0x%llx disagrees with 0x%llx found earlier", c->kind,
             c->index, (unsigned long long)a, (unsigned long long)b);
}

/* Walks the container's notes with padding `pad`, straight from the image.
 * Only what the search needs is read: each 12-byte header, a 4-byte owner
 * name, an entry's desc; memory stays small whatever the container's size.
 * With `first_error` the walk stops at its first problem (the only reading
 * of a container); otherwise it goes on to the end so that whether it is
 * well-formed is known. Returns an error only for what ends the whole search
 * at once: an I/O error or more than PVH_NOTE_MAX_COUNT notes (counting
 * those the search already took). */
static enum pvh_err walk(const struct container *c, uint32_t pad, int first_error, const struct search *s,
                         struct reading *r, struct pvh_error *err) {
  enum pvh_err rc;
  uint64_t pos = 0;
  memset(r, 0, sizeof(*r));
  r->pad = pad;
  while (header_fits(c->size, pos)) {
    uint8_t h[NOTE_HDR_SIZE], name[4], desc[8];
    struct pvh_note note;
    uint64_t desc_at, next;
    if ((rc = pvh_image_read(c->img, c->off + pos, NOTE_HDR_SIZE, h, err)) != PVH_OK)
      return rc;
    if (note_decode(h, pos, c->size, pad, &note, &desc_at, &next, &r->why) < 0)
      return PVH_OK; /* not well-formed */
    if (s->out->notes_seen + ++r->notes > PVH_NOTE_MAX_COUNT)
      return pvh_fail(err, PVH_E_NOTE_TOO_MANY, "more than %u notes (%s %u)", PVH_NOTE_MAX_COUNT, c->kind,
                      c->index);
    /* c->off + pos cannot wrap: the container lies inside the image. */
    if (c->src == PVH_NOTE_PT_NOTE || !inside_pt_note(s->elf, c->off + pos, next - pos))
      r->distinct++;
    pos = next;
    if (note.namesz != sizeof(name))
      continue;
    if ((rc = pvh_image_read(c->img, c->off + note.offset + NOTE_HDR_SIZE, sizeof(name), name, err)) !=
        PVH_OK)
      return rc;
    if (!is_xen_owner(note.namesz, name))
      continue;
    r->xen++;
    if (note.type != PVH_XEN_ELFNOTE_PHYS32_ENTRY)
      continue;
    int first = !r->holds;
    r->holds = 1;
    if (note.descsz != 4 && note.descsz != 8) {
      content_error(r, PVH_E_NOTE_DESC_SIZE, note.descsz, 0, c);
    } else {
      if ((rc = pvh_image_read(c->img, c->off + desc_at, note.descsz, desc, err)) != PVH_OK)
        return rc;
      uint64_t entry = note.descsz == 4 ? le32(desc) : le64(desc);
      if (first) {
        r->entry = entry;
        r->desc_size = note.descsz;
        /* The only reading of its container stops where the search always
         * did: at the first entry that disagrees with one found before. */
        if (first_error && s->found && entry != s->out->entry)
          content_error(r, PVH_E_NOTE_CONFLICT, entry, s->out->entry, c);
      } else if (entry != r->entry) {
        content_error(r, PVH_E_NOTE_CONFLICT, entry, r->entry, c);
      }
    }
    if (first_error && r->content != PVH_OK)
      return PVH_OK;
  }
  r->well_formed = 1;
  return PVH_OK;
}

/* Which reading of an 8-aligned container in a 64-bit ELF to take (see
 * pvh/note.h): sets *taken and *how, or fails. */
static enum pvh_err choose(const struct container *c, const struct reading *r8, const struct reading *r4,
                           const struct reading **taken, enum pvh_note_reading *how, struct pvh_error *err) {
  if (!r8->well_formed && !r4->well_formed)
    return pvh_fail(err, PVH_E_NOTE_MALFORMED, "%s %u: %s (nor do the notes fit with 4-byte padding)",
                    c->kind, c->index, r8->why.message);
  if (!r8->well_formed || !r4->well_formed) {
    *how = PVH_NOTE_READ_ONLY_WELL_FORMED;
    *taken = r8->well_formed ? r8 : r4;
    return PVH_OK;
  }
  if (r8->holds != r4->holds) {
    *how = PVH_NOTE_READ_ONLY_ENTRY;
    *taken = r8->holds ? r8 : r4;
    return PVH_OK;
  }
  if (r8->holds && r8->content == PVH_OK && r4->content == PVH_OK && r8->entry != r4->entry)
    return pvh_fail(
        err, PVH_E_NOTE_AMBIGUOUS,
        "%s %u is 8-aligned and its notes read two ways: PHYS32_ENTRY 0x%llx with 8-byte padding, "
        "0x%llx with 4-byte padding",
        c->kind, c->index, (unsigned long long)r8->entry, (unsigned long long)r4->entry);
  /* Both agree, or neither holds an entry; a content problem in either is
   * reported (the 8-byte reading's first). */
  *how = PVH_NOTE_READ_BOTH;
  *taken = r8->content != PVH_OK || r4->content == PVH_OK ? r8 : r4;
  return PVH_OK;
}

/* Reads one container and adds what it holds to the search. */
static enum pvh_err scan_container(const struct container *c, uint64_t align, struct search *s,
                                   struct pvh_error *err) {
  struct reading r8, r4;
  const struct reading *r = &r8;
  enum pvh_note_reading how = PVH_NOTE_READ_SINGLE;
  enum pvh_err rc;
  /* Producers disagree on the padding of an 8-aligned container in a
   * 64-bit ELF (linkers merge 4-padded notes into one with 8-aligned ones),
   * and so do readers: both readings are tried. */
  int two = align == 8 && s->elf->elf_class == 64;
  if ((rc = walk(c, pvh_note_padding(align), !two, s, &r8, err)) != PVH_OK)
    return rc;
  if (two) {
    if ((rc = walk(c, 4, 0, s, &r4, err)) != PVH_OK)
      return rc;
    if ((rc = choose(c, &r8, &r4, &r, &how, err)) != PVH_OK)
      return rc;
  } else if (!r8.well_formed && r8.content == PVH_OK) {
    return pvh_fail(err, PVH_E_NOTE_MALFORMED, "%s %u: %s", c->kind, c->index, r8.why.message);
  }
  if (r->content != PVH_OK)
    return pvh_fail(err, r->content, "%s", r->content_err.message);
  s->out->notes_seen += r->notes;
  s->out->notes_distinct += r->distinct;
  s->out->xen_notes_seen += r->xen;
  if (!r->holds)
    return PVH_OK;
  if (s->found && r->entry != s->out->entry)
    return pvh_fail(err, PVH_E_NOTE_CONFLICT,
                    "%s %u: PHYS32_ENTRY 0x%llx disagrees with 0x%llx found earlier", c->kind, c->index,
                    (unsigned long long)r->entry, (unsigned long long)s->out->entry);
  if (!s->found) {
    s->found = 1;
    s->out->entry = r->entry;
    s->out->source = c->src;
    s->out->container = c->index;
    s->out->desc_size = r->desc_size;
    s->out->padding = r->pad;
    s->out->reading = how;
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
    const struct container c = {img, ph->offset, ph->filesz, PVH_NOTE_PT_NOTE, i, "PT_NOTE segment"};
    if ((rc = scan_container(&c, ph->align, &s, err)) != PVH_OK)
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
      const struct container c = {img, sh->offset, sh->size, PVH_NOTE_SHT_NOTE, i, "SHT_NOTE section"};
      if ((rc = scan_container(&c, sh->align, &s, err)) != PVH_OK)
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
