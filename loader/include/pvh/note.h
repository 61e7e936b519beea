/* SPDX-License-Identifier: MIT */
/* ELF note walking and the PVH entry search. A note is {namesz, descsz, type}
 * followed by the name and the desc. The padding after the name and after the
 * desc is 4 or 8 bytes, chosen by the container's alignment (PT_NOTE p_align,
 * SHT_NOTE sh_addralign): 8 gives 8-byte padding (the layout linkers emit for
 * 8-aligned notes such as .note.gnu.property in 64-bit objects), every other
 * value gives 4. This is libelf's rule (ELF_T_NHDR8 only for alignment 8);
 * binutils readelf agrees for 0..4 and 8 and calls any other alignment corrupt,
 * where libpvh reads 4-byte notes instead (pvh_note_padding). The entry search
 * reads an 8-aligned container of a 64-bit ELF both ways (enum
 * pvh_note_reading).
 *
 * Thread-safety: every function here is reentrant; none keeps global state.
 * Lifetimes: an iterator and the notes it yields point into the caller's
 * buffer and are valid as long as that buffer is. */
#ifndef PVH_NOTE_H
#define PVH_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/elf.h"
#include "pvh/error.h"
#include "pvh/export.h"
#include "pvh/image.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PVH_NOTE_MAX_COUNT 4096u /* notes walked across the whole file */

struct pvh_note {
  uint32_t namesz, descsz, type;
  const uint8_t *name; /* namesz bytes */
  const uint8_t *desc; /* descsz bytes */
  uint64_t offset;     /* offset of the note header inside the walked buffer */
};

struct pvh_note_iter {
  const uint8_t *data;
  uint64_t size;
  uint64_t pos;
  uint32_t padding; /* 4 or 8 */
};

/* The note padding for a container aligned to `container_align`: 8 for 8, else 4. */
PVH_API uint32_t pvh_note_padding(uint64_t container_align);

/* Walks data[0, size) with 4-byte padding (an align-4 container). */
PVH_API void pvh_note_iter_init(struct pvh_note_iter *it, const uint8_t *data, uint64_t size);
/* Walks data[0, size) with the padding pvh_note_padding(container_align) gives.
 * Positions are relative to data, so the container start counts as aligned. */
PVH_API void pvh_note_iter_init_aligned(struct pvh_note_iter *it, const uint8_t *data, uint64_t size,
                                        uint64_t container_align);
/* Returns 1 and fills *note, 0 at the clean end (fewer than 12 bytes left), or
 * -1 (err, if non-NULL, set to PVH_E_NOTE_MALFORMED) when a note with its
 * padding does not fit in what is left. The padding after the last desc must
 * fit too (binutils readelf's rule; libelf lets the container end cut it). */
PVH_API int pvh_note_next(struct pvh_note_iter *it, struct pvh_note *note, struct pvh_error *err);

/* True if the note's owner is exactly "Xen" (namesz 4, "Xen\0"). */
PVH_API int pvh_note_is_xen(const struct pvh_note *note);

enum pvh_note_source { PVH_NOTE_NONE = 0, PVH_NOTE_PT_NOTE = 1, PVH_NOTE_SHT_NOTE = 2 };

/* Which reading of its container the entry came from. Producers disagree on
 * the padding inside an 8-aligned note container of a 64-bit ELF: linkers
 * merge Linux's 4-padded notes (elfnote.h) with 8-aligned ones such as
 * .note.gnu.property, and the container gets p_align 8. So such a container
 * is read both ways, 8-padded and 4-padded. A reading is well-formed when
 * every note fits and the walk ends cleanly. The entry is taken from the only
 * well-formed reading, else from the only one that holds a PHYS32_ENTRY, else
 * when both give the same entry; two different entries are
 * PVH_E_NOTE_AMBIGUOUS. Every other container (alignment other than 8, or an
 * ELF32 file) has one reading, by its alignment. */
enum pvh_note_reading {
  PVH_NOTE_READ_SINGLE = 0,           /* the container has one reading */
  PVH_NOTE_READ_ONLY_WELL_FORMED = 1, /* of two, only this padding's walk fits */
  PVH_NOTE_READ_ONLY_ENTRY = 2,       /* both fit; only this one holds the entry */
  PVH_NOTE_READ_BOTH = 3,             /* both fit and give the same entry (padding says 8) */
};

/* "single", "only-well-formed", "only-with-entry", "both-agree"; a static
 * string, "unknown" when out of range. */
PVH_API const char *pvh_note_reading_name(enum pvh_note_reading reading);

struct pvh_entry_note {
  uint64_t entry; /* the PHYS32_ENTRY value */
  enum pvh_note_source source;
  uint32_t container;            /* phdr or shdr index holding the note */
  uint32_t desc_size;            /* 4 or 8 */
  uint32_t padding;              /* note padding of the reading the entry came from: 4 or 8 */
  enum pvh_note_reading reading; /* how that reading was chosen */
  uint32_t notes_seen;           /* notes walked in total (a note in a PT_NOTE and a section counts twice) */
  uint32_t xen_notes_seen;       /* of which owner "Xen" */
  /* Notes counted once: an SHT_NOTE note whose bytes lie inside a PT_NOTE
   * segment already walked is the same note and is not counted again. This is
   * the number the no-pvh-note message gives. */
  uint32_t notes_distinct;
};

/* Finds XEN_ELFNOTE_PHYS32_ENTRY: every PT_NOTE segment first; only when none of
 * them holds one, SHT_NOTE sections; each container read as enum
 * pvh_note_reading says (PVH_E_NOTE_AMBIGUOUS when its two readings give two
 * entries; PVH_E_NOTE_MALFORMED when no reading fits). Several PHYS32_ENTRY
 * notes must agree (PVH_E_NOTE_CONFLICT otherwise). Each reading of a
 * container counts its notes against PVH_NOTE_MAX_COUNT. An entry of 0 is PVH_E_ENTRY_ZERO (QEMU
 * reads 0 as "no PVH entry"); an entry >= 4 GiB is PVH_E_ENTRY_ABOVE_4G.
 * *out is filled as far as the walk got, also on error (the counters are what
 * the no-pvh-note message reports). */
PVH_API enum pvh_err pvh_find_pvh_entry(const struct pvh_image *img, const struct pvh_elf *elf,
                                        struct pvh_entry_note *out, struct pvh_error *err);

PVH_API const char *pvh_note_source_name(enum pvh_note_source src); /* "PT_NOTE", "SHT_NOTE", "none" */

#ifdef __cplusplus
}
#endif
#endif
