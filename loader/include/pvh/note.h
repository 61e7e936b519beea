/* SPDX-License-Identifier: MIT */
/* ELF note walking and the PVH entry search. A note is {namesz, descsz, type}
 * followed by the name and the desc, each padded to 4 bytes (the note format's
 * own padding, never p_align). */
#ifndef PVH_NOTE_H
#define PVH_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/elf.h"
#include "pvh/error.h"
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
};

void pvh_note_iter_init(struct pvh_note_iter *it, const uint8_t *data, uint64_t size);
/* Returns 1 and fills *note, 0 at the clean end, or -1 (err set to
 * PVH_E_NOTE_MALFORMED) when a note does not fit in what is left. */
int pvh_note_next(struct pvh_note_iter *it, struct pvh_note *note, struct pvh_error *err);

/* True if the note's owner is exactly "Xen" (namesz 4, "Xen\0"). */
int pvh_note_is_xen(const struct pvh_note *note);

enum pvh_note_source { PVH_NOTE_NONE = 0, PVH_NOTE_PT_NOTE = 1, PVH_NOTE_SHT_NOTE = 2 };

struct pvh_entry_note {
  uint64_t entry; /* the PHYS32_ENTRY value */
  enum pvh_note_source source;
  uint32_t container;      /* phdr or shdr index holding the note */
  uint32_t desc_size;      /* 4 or 8 */
  uint32_t notes_seen;     /* notes walked in total */
  uint32_t xen_notes_seen; /* of which owner "Xen" */
};

/* Finds XEN_ELFNOTE_PHYS32_ENTRY: every PT_NOTE segment first; only when none of
 * them holds one, SHT_NOTE sections. Several PHYS32_ENTRY notes must agree
 * (PVH_E_NOTE_CONFLICT otherwise). An entry >= 4 GiB is PVH_E_ENTRY_ABOVE_4G. */
enum pvh_err pvh_find_pvh_entry(const struct pvh_image *img, const struct pvh_elf *elf,
                                struct pvh_entry_note *out, struct pvh_error *err);

const char *pvh_note_source_name(enum pvh_note_source src); /* "PT_NOTE", "SHT_NOTE", "none" */

#ifdef __cplusplus
}
#endif
#endif
