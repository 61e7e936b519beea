/* SPDX-License-Identifier: MIT */
/* QEMU's -kernel ELF path (hw/i386/x86.c load_elfboot, read_pvh_start_addr;
 * include/hw/elf_ops.h load_elf and get_elf_note_type). QEMU maps the whole
 * file and looks, in each PT_NOTE, for the first note of type 18: the owner
 * is not checked, each step is padded to p_align, and a step is compared
 * only with p_filesz, not with what is left, so the walk can run past the
 * segment into the bytes that follow it in the file (deterministic, and
 * modelled) or past the end of the file (the model calls that undefined).
 * The entry word is the ELF class's (8 bytes in ELF64, whatever descsz
 * says); 0 means "no PVH note"; the last PT_NOTE with a match wins; the guest
 * starts at the low 32 bits (fw_cfg's kernel entry is 32-bit). Arithmetic is
 * the class's word size, as in elf_ops.h. */
#include "walk.h"

static uint64_t align_up(uint64_t n, uint64_t a, uint64_t mask) { return ((n + a - 1) & mask) / a * a; }

/* One PT_NOTE: 1 and *word when a type-18 note is read, 0 when none, -1 when
 * undefined (the reason set). Offsets are from the segment start; reads are
 * bounded by the file. */
static int qemu_container(struct pvhr_walk_ctx *c, const struct pvh_phdr *ph, uint32_t idx, uint64_t *word) {
  uint64_t mask = c->elf->elf_class == 64 ? ~0ull : 0xffffffffull;
  uint64_t size = ph->filesz & mask, align = ph->align & mask, pos = 0;
  uint64_t in_file = c->img->size - ph->offset; /* bytes from the segment start to the end of the file */
  unsigned wordsz = c->elf->elf_class == 64 ? 8 : 4;
  if (size == 0)
    return 0; /* no data pointer: get_elf_note_type returns at once */
  if (align == 0) {
    pvhr_set(c->out, PVHR_UNDEFINED, 0, 0, "PT_NOTE %u has p_align 0: QEMU_ALIGN_UP divides by 0 (SIGFPE)",
             idx);
    return -1;
  }
  for (;;) {
    uint64_t namesz, descsz, type;
    if (++c->notes > PVHR_MAX_NOTES) {
      pvhr_set(c->out, PVHR_UNKNOWN, 0, 0, "more than %u notes", PVHR_MAX_NOTES);
      return -1;
    }
    if (pos > in_file || in_file - pos < PVHR_NOTE_HDR) {
      pvhr_set(c->out, PVHR_UNDEFINED, 0, 0,
               "PT_NOTE %u: the walk reads a note header at +0x%llx, past the end of the file", idx,
               (unsigned long long)pos);
      return -1;
    }
    pvhr_read_le(c->img, ph->offset + pos, 4, &namesz);
    pvhr_read_le(c->img, ph->offset + pos + 4, 4, &descsz);
    pvhr_read_le(c->img, ph->offset + pos + 8, 4, &type);
    if (type == PVHR_XEN_PHYS32_ENTRY) {
      uint64_t desc = pos + ((PVHR_NOTE_HDR + align_up(namesz, align, mask)) & mask);
      if (desc < pos || desc > in_file || in_file - desc < wordsz) {
        pvhr_set(c->out, PVHR_UNDEFINED, 0, 0,
                 "PT_NOTE %u: the entry word at +0x%llx is past the end of the file", idx,
                 (unsigned long long)desc);
        return -1;
      }
      pvhr_read_le(c->img, ph->offset + desc, wordsz, word);
      return 1;
    }
    uint64_t step = (PVHR_NOTE_HDR + align_up(namesz, align, mask) + align_up(descsz, align, mask)) & mask;
    if (step > size)
      return 0;
    pos += step;
  }
}

void pvhr_walk_qemu(struct pvhr_walk_ctx *c) {
  uint64_t start = 0;
  int found_in = -1;
  for (uint32_t i = 0; i < c->elf->nr_phdrs; i++) {
    const struct pvh_phdr *ph = &c->elf->phdrs[i];
    if (ph->type != PVH_PT_NOTE)
      continue;
    if (ph->offset > c->img->size || c->img->size - ph->offset < ph->filesz) {
      pvhr_set(c->out, PVHR_REFUSES, 0, 0,
               "PT_NOTE %u lies outside the file: \"Error while loading elf kernel\"", i);
      return;
    }
    uint64_t word = 0;
    int rc = qemu_container(c, ph, i, &word);
    if (rc < 0)
      return;
    if (rc > 0) {
      start = word;
      found_in = (int)i;
    }
  }
  if (start == 0) {
    if (found_in >= 0)
      pvhr_set(c->out, PVHR_NO_ENTRY, 0, 0, "the type-18 note in PT_NOTE %d reads as 0: no PVH note found",
               found_in);
    else
      pvhr_set(c->out, PVHR_NO_ENTRY, 0, 0, "no PVH note found (no type-18 note at p_align padding)");
    return;
  }
  if (start >> 32)
    pvhr_set(c->out, PVHR_ENTRY, 1, start & 0xffffffffu,
             "entry word 0x%llx from PT_NOTE %d; the guest starts at its low 32 bits",
             (unsigned long long)start, found_in);
  else
    pvhr_set(c->out, PVHR_ENTRY, 1, start, "type-18 note in PT_NOTE %d, padded to p_align", found_in);
}
