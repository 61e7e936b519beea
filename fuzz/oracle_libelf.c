/* SPDX-License-Identifier: MIT */
/* Differential: elfutils libelf reads the same bytes (fuzz_load). */
#include "oracle_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Differential: elfutils libelf                                              */
/* ------------------------------------------------------------------------ */
/* What libelf is asked and how its answers are normalised before comparing
 * (each one is a point the ELF specification leaves open or where PVH says
 * more than ELF):
 *  N1 Note padding: the notes are read from the raw container bytes
 *     (elf_getdata_rawchunk) as ELF_T_NHDR8, 8-byte padding, when the
 *     container's p_align/sh_addralign is 8 and as ELF_T_NHDR, 4-byte padding,
 *     otherwise: libelf's own rule for note sections, which libpvh follows
 *     (binutils agrees for alignments 0..4 and 8). libelf_norms_check checks
 *     that the pinned libelf pads this way.
 *  N2 PT_LOAD with p_memsz 0 occupies no memory; libpvh does not place it.
 *     They are dropped from libelf's list before comparing.
 *  N3 ELF32 fields are zero-extended to 64 bits by both (GElf does that).
 *  N4 Which notes count: owner exactly "Xen\0" (namesz 4), type 18, desc 4 or
 *     8 bytes read little endian; PT_NOTE segments first, SHT_NOTE sections
 *     only when no PT_NOTE holds one (the PVH rule, not an ELF one).
 *  N5 libelf accepts any e_machine/e_type/e_version and headers libpvh
 *     refuses: the comparison runs only where both accept (libpvh returned
 *     PVH_OK and libelf enumerated every header and note container).
 *  N6 An 8-aligned container in a 64-bit file is read both ways, as libpvh
 *     does (linkers put 4-padded notes in 8-aligned PT_NOTEs): libelf walks
 *     it as ELF_T_NHDR8 and as ELF_T_NHDR; the reading taken is the one that
 *     fits (every note and its desc padding inside, fewer than 12 bytes
 *     left), else the one holding PHYS32_ENTRY, else the 8-byte one (on an
 *     accepted file both then give the same entry). libelf_norms_check checks
 *     that libelf's ELF_T_NHDR8 walk of such a container does not fit and its
 *     ELF_T_NHDR walk finds the entry. */
#ifdef PVH_FUZZ_HAVE_LIBELF
#include <gelf.h>
#include <libelf.h>

/* One reading of a container by gelf_getnote: whether it fits by libpvh's
 * rule (every note, its desc padding included, inside the container, and
 * fewer than 12 bytes left: libelf itself lets the container end cut the
 * last desc's padding, N1), whether it holds a PHYS32_ENTRY note and the
 * first entry. Returns 0, or -1 when libelf cannot give the bytes. */
struct lreading {
  int fits, holds, found;
  uint64_t entry;
};

static int libelf_read(Elf *e, uint64_t off, uint64_t size, Elf_Type type, struct lreading *r) {
  memset(r, 0, sizeof(*r));
  Elf_Data *d = elf_getdata_rawchunk(e, (int64_t)off, (size_t)size, type);
  if (!d)
    return -1;
  unsigned pad = type == ELF_T_NHDR8 ? 8 : 4;
  size_t pos = 0, next, name_off, desc_off;
  GElf_Nhdr nh;
  int fits = 1;
  while ((next = gelf_getnote(d, pos, &nh, &name_off, &desc_off)) > 0) {
    const char *base = d->d_buf;
    if (desc_off + pad_up(nh.n_descsz, pad) > d->d_size)
      fits = 0;
    if (nh.n_namesz == 4 && memcmp(base + name_off, "Xen", 4) == 0 &&
        nh.n_type == PVH_XEN_ELFNOTE_PHYS32_ENTRY) {
      r->holds = 1;
      if (!r->found && (nh.n_descsz == 4 || nh.n_descsz == 8)) {
        r->entry = rd((const uint8_t *)base + desc_off, nh.n_descsz);
        r->found = 1;
      }
    }
    pos = next;
  }
  /* gelf_getnote returns 0 both at the end and on a note that does not fit;
   * fewer than 12 bytes left is the end. */
  r->fits = fits && d->d_size - pos < 12;
  return 0;
}

/* A container's entry as libpvh's rule reads it (N6): an 8-aligned one in a
 * 64-bit file both ways (ELF_T_NHDR8 and ELF_T_NHDR), the reading that fits,
 * else the one holding the entry, else the 8-byte one; any other by its
 * alignment (N1). Returns 1 and *entry when the taken reading found one, 0
 * when none, -1 when libelf could not read it. *fits: the taken reading fits. */
static int libelf_scan(Elf *e, uint64_t off, uint64_t size, uint64_t align, int elf64, uint64_t *entry,
                       int *fits) {
  struct lreading r8, r4;
  if (libelf_read(e, off, size, align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR, &r8) != 0)
    return -1;
  const struct lreading *t = &r8;
  if (align == 8 && elf64) {
    if (libelf_read(e, off, size, ELF_T_NHDR, &r4) != 0)
      return -1;
    if (r8.fits != r4.fits)
      t = r8.fits ? &r8 : &r4;
    else if (r8.holds != r4.holds)
      t = r8.holds ? &r8 : &r4;
  }
  *fits = t->fits;
  *entry = t->entry;
  return t->found;
}

int oracle_diff_libelf(const uint8_t *data, size_t size, enum pvh_err rc, const struct pvh_plan *plan) {
  static int ready;
  if (rc != PVH_OK) /* N5 */
    return 0;
  if (!ready) {
    if (elf_version(EV_CURRENT) == EV_NONE)
      oracle_fail("oracle-setup", "libelf: %s", elf_errmsg(-1));
    ready = 1;
  }
  /* elf_memory converts in place only when the file's byte order is not the
   * host's; libpvh accepted this file, so it is little endian like the host
   * and libelf reads the bytes as they are (no copy per input). Were libelf
   * to write anyway, libFuzzer would report the input as modified. */
  _Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the libelf oracle reads LE files in place");
  char *copy = (char *)(uintptr_t)data;
  int compared = 0;
  Elf *e = elf_memory(copy, size);
  size_t phnum;
  if (!e || elf_kind(e) != ELF_K_ELF || elf_getphdrnum(e, &phnum) != 0)
    goto out;

  const struct pvh_load_report *r = &plan->report;
  int elf64 = gelf_getclass(e) == ELFCLASS64;
  size_t k = 0;
  uint64_t entry = 0;
  int found = 0;
  for (size_t i = 0; i < phnum; i++) {
    GElf_Phdr ph;
    if (!gelf_getphdr(e, (int)i, &ph))
      goto out;
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0) /* N2 */
      continue;
    const struct pvh_placed_segment *s = k < r->nr_segments ? &r->segments[k] : NULL;
    k++;
    if (!s || s->phdr_index != i || s->paddr != ph.p_paddr || s->filesz != ph.p_filesz ||
        s->memsz != ph.p_memsz || s->offset != ph.p_offset || s->flags != ph.p_flags)
      oracle_fail(
          "libelf-ptload-mismatch",
          "libelf: phdr %zu PT_LOAD paddr 0x%llx filesz 0x%llx memsz 0x%llx offset 0x%llx flags %u; libpvh "
          "placed %s",
          i, (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_filesz, (unsigned long long)ph.p_memsz,
          (unsigned long long)ph.p_offset, (unsigned)ph.p_flags, s ? "something else there" : "nothing");
  }
  if (k != r->nr_segments)
    oracle_fail("libelf-ptload-mismatch", "libelf lists %zu PT_LOAD with p_memsz > 0, libpvh placed %zu", k,
                r->nr_segments);

  for (size_t i = 0; i < phnum; i++) { /* N4: PT_NOTE first */
    GElf_Phdr ph;
    if (!gelf_getphdr(e, (int)i, &ph))
      goto out;
    if (ph.p_type != PT_NOTE || ph.p_filesz == 0)
      continue;
    uint64_t v = 0;
    int all = 0, f = libelf_scan(e, ph.p_offset, ph.p_filesz, ph.p_align, elf64, &v, &all);
    if (f < 0)
      goto out;
    if (!all)
      oracle_fail("libelf-note-mismatch", "libpvh walked every note of PT_NOTE %zu, libelf stops early", i);
    if (f && !found) {
      entry = v;
      found = 1;
    }
  }
  if (!found) {
    size_t shnum;
    if (elf_getshdrnum(e, &shnum) != 0)
      goto out;
    for (size_t i = 0; i < shnum && !found; i++) {
      GElf_Shdr sh;
      Elf_Scn *scn = elf_getscn(e, i);
      if (!scn || !gelf_getshdr(scn, &sh))
        goto out;
      if (sh.sh_type != SHT_NOTE || sh.sh_size == 0)
        continue;
      uint64_t v = 0;
      int all = 0, f = libelf_scan(e, sh.sh_offset, sh.sh_size, sh.sh_addralign, elf64, &v, &all);
      if (f < 0)
        goto out;
      if (f) {
        entry = v;
        found = 1;
      }
    }
  }
  if (!found || entry != r->note.entry)
    oracle_fail("libelf-entry-mismatch", "libpvh: PHYS32_ENTRY 0x%llx from %s %u; libelf: %s 0x%llx",
                (unsigned long long)r->note.entry, pvh_note_source_name(r->note.source), r->note.container,
                found ? "entry" : "no entry", (unsigned long long)entry);
  compared = 1;
out:
  if (e)
    elf_end(e);
  return compared;
}

/* The note walk on its own: `data` wrapped in a one-PT_NOTE ELF64 file and
 * read with gelf_getnote, note by note against pvh_note_next. */
int oracle_diff_libelf_notes(const uint8_t *data, size_t size, uint64_t align) {
  enum { EH = 64, PH = 56 };
  static int ready;
  if (!ready) {
    if (elf_version(EV_CURRENT) == EV_NONE)
      oracle_fail("oracle-setup", "libelf: %s", elf_errmsg(-1));
    ready = 1;
  }
  uint8_t *f = calloc(1, EH + PH + size);
  if (!f)
    oracle_fail("oracle-setup", "out of memory for a %zu-byte file", size);
  static const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
  memcpy(f, ident, sizeof(ident));
  f[16] = 2;  /* ET_EXEC */
  f[18] = 62; /* EM_X86_64 */
  f[20] = 1;  /* EV_CURRENT */
  f[32] = EH; /* e_phoff */
  f[52] = EH; /* e_ehsize */
  f[54] = PH; /* e_phentsize */
  f[56] = 1;  /* e_phnum */
  uint8_t *ph = f + EH;
  ph[0] = 4; /* PT_NOTE */
  for (unsigned i = 0; i < 8; i++) {
    ph[8 + i] = (uint8_t)((uint64_t)(EH + PH) >> (8 * i)); /* p_offset */
    ph[32 + i] = ph[40 + i] = (uint8_t)((uint64_t)size >> (8 * i));
  }
  ph[48] = (uint8_t)align; /* p_align (the callers pass 4 or 8) */
  memcpy(f + EH + PH, data, size);
  int compared = 0;
  Elf *e = elf_memory((char *)f, EH + PH + size);
  Elf_Data *d = e ? elf_getdata_rawchunk(e, EH + PH, size, align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR) : NULL;
  if (!d)
    goto out;
  struct pvh_note_iter it;
  struct pvh_note note;
  pvh_note_iter_init_aligned(&it, data, size, align);
  size_t pos = 0;
  for (;;) {
    GElf_Nhdr nh;
    size_t name_off = 0, desc_off = 0;
    size_t next = size ? gelf_getnote(d, pos, &nh, &name_off, &desc_off) : 0;
    int rc = pvh_note_next(&it, &note, NULL);
    if ((rc == 1) != (next != 0))
      oracle_fail("libelf-note-walk", "at +0x%zx of %zu bytes: pvh_note_next says %d, gelf_getnote %s", pos,
                  size, rc, next ? "returns a note" : "stops");
    if (rc != 1)
      break;
    if (note.offset != pos || note.namesz != nh.n_namesz || note.descsz != nh.n_descsz ||
        note.type != nh.n_type || note.name != data + name_off || note.desc != data + desc_off ||
        it.pos != next)
      oracle_fail("libelf-note-walk",
                  "note at +0x%zx: libpvh namesz %u descsz %u type %u desc +0x%llx next +0x%llx; libelf "
                  "%u %u %u +0x%zx +0x%zx",
                  pos, note.namesz, note.descsz, note.type, (unsigned long long)(note.desc - data),
                  (unsigned long long)it.pos, (unsigned)nh.n_namesz, (unsigned)nh.n_descsz,
                  (unsigned)nh.n_type, desc_off, next);
    pos = next;
  }
  compared = 1;
out:
  if (e)
    elf_end(e);
  free(f);
  return compared;
}
#else
int oracle_diff_libelf(const uint8_t *data, size_t size, enum pvh_err rc, const struct pvh_plan *plan) {
  (void)data, (void)size, (void)rc, (void)plan;
  return 0;
}
int oracle_diff_libelf_notes(const uint8_t *data, size_t size, uint64_t align) {
  (void)data, (void)size, (void)align;
  return 0;
}
#endif
