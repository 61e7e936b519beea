/* SPDX-License-Identifier: MIT */
/* fuzz_notes: the note walker and the PHYS32_ENTRY search on fuzzed note
 * bytes, without an ELF around them. Reaching the note scanner through
 * fuzz_load costs the fuzzer a valid ELF header and program header table
 * first; here every byte goes into the notes and their containers.
 *
 * Input: a control byte, one (offset, size) pair per container, then the
 * image the containers point into:
 *
 *   u8  ctl     bits 0-1: PT_NOTE containers (0-3)
 *               bits 2-3: SHT_NOTE containers (0-3)
 *               bit  4:   the section table is "unusable" (elf.shdr_error set)
 *               bit  5:   add a PT_LOAD before the notes (must be skipped)
 *               bit  6:   pass a NULL error pointer (callers may; the error
 *                         paths must not touch it)
 *               bit  7:   every container is 8-aligned (p_align/sh_addralign
 *                         8: 8-byte note padding), and so is the whole-image
 *                         walk
 *   then per container, PT_NOTE first: u16 offset, u16 size (little endian);
 *   size 0xffff means "to the end of the image"
 *   the rest: the image
 *
 * Oracles: the walk of the whole image agrees note by note with the note
 * format and with elfutils libelf's gelf_getnote; the entry search agrees with the PVH rules re-implemented in the
 * oracle (code, entry, source, container, desc size, counts). */
#include <stdint.h>
#include <string.h>

#include "oracle.h"
#include "pvh/loader.h"

static uint16_t u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  unsigned nph = data[0] & 3, nsh = (data[0] >> 2) & 3;
  int bad_shdrs = (data[0] >> 4) & 1, extra_load = (data[0] >> 5) & 1, null_err = (data[0] >> 6) & 1;
  uint64_t align = (data[0] >> 7) & 1 ? 8 : 4;
  size_t hdr = 1 + 4 * (size_t)(nph + nsh);
  if (size < hdr)
    return 0;
  const uint8_t *body = data + hdr;
  size_t body_size = size - hdr;

  oracle_check_note_walk(body, body_size, align);
  oracle_diff_libelf_notes(body, body_size, align);

  struct pvh_phdr ph[4];
  struct pvh_shdr sh[3];
  struct pvh_elf elf;
  memset(ph, 0, sizeof(ph));
  memset(sh, 0, sizeof(sh));
  memset(&elf, 0, sizeof(elf));
  elf.elf_class = 64;
  elf.phdrs = ph;
  elf.shdrs = nsh ? sh : NULL;
  elf.nr_shdrs = nsh;
  pvh_error_clear(&elf.shdr_error);
  if (bad_shdrs)
    pvh_fail(&elf.shdr_error, PVH_E_ELF_SHDRS_BOUNDS, "section headers are outside the file (fuzz_notes)");

  const uint8_t *c = data + 1;
  if (extra_load) /* a PT_LOAD over the same bytes: notes in it must not count */
    ph[elf.nr_phdrs++] = (struct pvh_phdr){.type = PVH_PT_LOAD, .flags = PVH_PF_R, .filesz = body_size};
  for (unsigned i = 0; i < nph; i++, c += 4) {
    uint64_t off = u16(c), len = u16(c + 2) == 0xffff ? (body_size > off ? body_size - off : 0) : u16(c + 2);
    ph[elf.nr_phdrs++] = (struct pvh_phdr){
        .type = PVH_PT_NOTE, .flags = PVH_PF_R, .offset = off, .filesz = len, .align = align};
  }
  for (unsigned i = 0; i < nsh; i++, c += 4) {
    uint64_t off = u16(c), len = u16(c + 2) == 0xffff ? (body_size > off ? body_size - off : 0) : u16(c + 2);
    sh[i] = (struct pvh_shdr){.type = PVH_SHT_NOTE, .offset = off, .size = len, .align = align};
  }

  struct pvh_image img;
  struct pvh_entry_note found;
  struct pvh_error err;
  pvh_image_from_buffer(&img, body, body_size, "fuzz_notes");
  pvh_error_clear(&err);
  enum pvh_err rc = pvh_find_pvh_entry(&img, &elf, &found, null_err ? NULL : &err);
  if (null_err) /* only the code can be compared */
    pvh_fail(&err, rc, "(called with a NULL error pointer)");
  oracle_check_entry_search(&img, &elf, rc, &found, &err);
  return 0;
}
