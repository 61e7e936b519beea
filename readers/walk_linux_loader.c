/* SPDX-License-Identifier: MIT */
/* rust-vmm linux-loader (src/loader/elf/mod.rs: Elf::load, parse_elf_note),
 * as Firecracker and cloud-hypervisor call it (no kernel offset, a highmem
 * start of 1 MiB). It reads the header as ELF64 (an ELF32 file fails the
 * program-header-size check); every PT_LOAD with file bytes needs p_align a
 * multiple of 2 MiB; each PT_NOTE is walked with 4-byte padding while the
 * bytes walked are below p_filesz, and the last PT_NOTE's answer wins (one
 * without the note resets it to "not present"). The note must be type 18 with
 * namesz 4 and name "Xen\0"; descsz below 4 is an error; 4 bytes are read. */
#include "walk.h"

#define TWO_MIB 0x200000ull

static uint64_t up4(uint64_t n) { return (n + 3) & ~3ull; }

/* 1 entry found, 0 not present, -1 refused (verdict set). */
static int ll_note(struct pvhr_walk_ctx *c, const struct pvh_phdr *ph, uint32_t idx, uint64_t *entry) {
  uint64_t read = 0;
  for (;;) {
    uint64_t namesz, descsz, type, name;
    if (read >= ph->filesz)
      return 0;
    if (++c->notes > PVHR_MAX_NOTES) {
      pvhr_set(c->out, PVHR_UNKNOWN, 0, 0, "more than %u notes", PVHR_MAX_NOTES);
      return -1;
    }
    uint64_t at = ph->offset + read;
    if (at < ph->offset || pvhr_read_le(c->img, at, 4, &namesz) || pvhr_read_le(c->img, at + 4, 4, &descsz) ||
        pvhr_read_le(c->img, at + 8, 4, &type)) {
      pvhr_set(c->out, PVHR_REFUSES, 0, 0,
               "PT_NOTE %u: a note header past the end of the file (ReadNoteHeader)", idx);
      return -1;
    }
    if (type == PVHR_XEN_PHYS32_ENTRY && namesz == 4) {
      if (pvhr_read_le(c->img, at + PVHR_NOTE_HDR, 4, &name)) {
        pvhr_set(c->out, PVHR_REFUSES, 0, 0, "PT_NOTE %u: the note name is past the end of the file", idx);
        return -1;
      }
      if (name == 0x006e6558u) { /* "Xen\0" */
        if (descsz < 4) {
          pvhr_set(c->out, PVHR_REFUSES, 0, 0, "PT_NOTE %u: PVH note descsz %llu is below 4 (InvalidPvhNote)",
                   idx, (unsigned long long)descsz);
          return -1;
        }
        if (pvhr_read_le(c->img, at + PVHR_NOTE_HDR + up4(namesz), 4, entry)) {
          pvhr_set(c->out, PVHR_REFUSES, 0, 0, "PT_NOTE %u: the entry is past the end of the file", idx);
          return -1;
        }
        return 1;
      }
    }
    read += PVHR_NOTE_HDR + up4(namesz) + up4(descsz);
  }
}

void pvhr_walk_linux_loader(struct pvhr_walk_ctx *c) {
  if (c->rules->entry_min_1m && c->elf->e_entry < 0x100000) {
    pvhr_set(c->out, PVHR_REFUSES, 0, 0,
             "e_entry 0x%llx is below the 1 MiB highmem start (InvalidEntryAddress)",
             (unsigned long long)c->elf->e_entry);
    return;
  }
  int have = 0;
  uint64_t entry = 0;
  for (uint32_t i = 0; i < c->elf->nr_phdrs; i++) {
    const struct pvh_phdr *ph = &c->elf->phdrs[i];
    if (ph->type != PVH_PT_LOAD || ph->filesz == 0) {
      if (ph->type == PVH_PT_NOTE) {
        int rc = ll_note(c, ph, i, &entry);
        if (rc < 0)
          return;
        have = rc;
      }
      continue;
    }
    if (c->rules->load_align_2m && ph->align % TWO_MIB != 0) {
      pvhr_set(c->out, PVHR_REFUSES, 0, 0, "PT_LOAD %u has p_align 0x%llx, not a multiple of 2 MiB (Align)",
               i, (unsigned long long)ph->align);
      return;
    }
  }
  if (have)
    pvhr_set(c->out, PVHR_ENTRY, 1, entry, "Xen PHYS32_ENTRY note, notes padded to 4");
  else
    pvhr_set(c->out, PVHR_NO_ENTRY, 0, 0, "no PVH note found (would boot e_entry as a 64-bit ELF, not PVH)");
}
