/* SPDX-License-Identifier: MIT */
/* ELF32/ELF64 little-endian x86 header parsing into one class-neutral view.
 * Every table is bounds-checked against the image before it is read; the
 * program/section header counts are capped (PVH_ELF_MAX_PHDRS/SHDRS). */
#ifndef PVH_ELF_H
#define PVH_ELF_H

#include <stdint.h>

#include "pvh/error.h"
#include "pvh/image.h"
#include "pvh/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PVH_ELF_MAX_PHDRS 4096u
#define PVH_ELF_MAX_SHDRS 65536u

#define PVH_PT_LOAD 1u
#define PVH_PT_NOTE 4u
#define PVH_SHT_NOTE 7u
#define PVH_PF_X 1u
#define PVH_PF_W 2u
#define PVH_PF_R 4u

struct pvh_phdr {
  uint32_t type, flags;
  uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct pvh_shdr {
  uint32_t type;
  uint64_t flags, addr, offset, size, align;
};

struct pvh_elf {
  int elf_class;    /* 32 or 64 */
  uint16_t machine; /* 3 = EM_386, 62 = EM_X86_64 */
  uint16_t type;    /* 2 = ET_EXEC */
  uint64_t e_entry; /* the ELF entry (not the PVH entry) */
  struct pvh_phdr *phdrs;
  uint32_t nr_phdrs;
  struct pvh_shdr *shdrs; /* NULL / 0 when the file has no section table */
  uint32_t nr_shdrs;
  /* Why the section table could not be used (PVH_OK when it was fine or
   * absent). Only reported when the SHT_NOTE fallback needs it: a kernel whose
   * PT_NOTE holds the entry loads even with a damaged section table. */
  struct pvh_error shdr_error;
};

/* Parses and validates the ELF header and the program header table; also the
 * section header table when present (a bad section table is an error only when
 * it is needed: see shdr_error; PN_XNUM needs it and so fails at once).
 * The view copies the headers: it does not point into the image. On success
 * the caller frees it with pvh_elf_free; on error it is empty. Errors:
 * PVH_E_ELF_* (the field and value in the message), PVH_E_NO_LOAD_SEGMENTS
 * (no program header table), PVH_E_NOMEM. */
PVH_API enum pvh_err pvh_elf_parse(const struct pvh_image *img, struct pvh_elf *elf, struct pvh_error *err);
/* Frees the header copies; safe twice and on a zeroed view. */
PVH_API void pvh_elf_free(struct pvh_elf *elf);

#ifdef __cplusplus
}
#endif
#endif
