/* SPDX-License-Identifier: MIT */
/* fuzz_notes: the note walker and the PHYS32_ENTRY search on fuzzed note
 * bytes, without an ELF around them. Reaching the note scanner through
 * fuzz_load costs the fuzzer a valid ELF header and program header table
 * first; here every byte goes into the notes and their containers.
 *
 * The input format is fuzz/format_notes.h (shared with the seed generator).
 *
 * Oracles: the walk of the whole image agrees note by note with the note
 * format and with elfutils libelf's gelf_getnote; the entry search agrees with the PVH rules re-implemented in the
 * oracle (code, entry, source, container, desc size, counts). */
#include <stdint.h>
#include <string.h>

#include "format_notes.h"
#include "oracle.h"
#include "pvh/loader.h"

/* A container's length: its size field, or up to the end of the image. */
static uint64_t container_len(const uint16_t cont[2], size_t body_size) {
  uint64_t off = cont[0];
  if (cont[1] != FORMAT_NOTES_TO_END)
    return cont[1];
  return body_size > off ? body_size - off : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct format_notes in = {0};
  struct fuzz_codec rd = fuzz_reader(data, size);
  format_notes_io(&rd, &in);
  if (rd.past_end)
    return 0;
  unsigned nph = format_notes_nph(in.ctl), nsh = format_notes_nsh(in.ctl);
  int bad_shdrs = !!(in.ctl & FORMAT_NOTES_BAD_SHDRS), extra_load = !!(in.ctl & FORMAT_NOTES_EXTRA_LOAD);
  int null_err = !!(in.ctl & FORMAT_NOTES_NULL_ERROR);
  uint64_t align = (in.ctl & FORMAT_NOTES_ALIGN8) ? 8 : 4;
  const uint8_t *body = in.body;
  size_t body_size = in.body_len;

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

  if (extra_load) /* a PT_LOAD over the same bytes: notes in it must not count */
    ph[elf.nr_phdrs++] = (struct pvh_phdr){.type = PVH_PT_LOAD, .flags = PVH_PF_R, .filesz = body_size};
  for (unsigned i = 0; i < nph; i++)
    ph[elf.nr_phdrs++] = (struct pvh_phdr){.type = PVH_PT_NOTE,
                                           .flags = PVH_PF_R,
                                           .offset = in.cont[i][0],
                                           .filesz = container_len(in.cont[i], body_size),
                                           .align = align};
  for (unsigned i = 0; i < nsh; i++)
    sh[i] = (struct pvh_shdr){.type = PVH_SHT_NOTE,
                              .offset = in.cont[nph + i][0],
                              .size = container_len(in.cont[nph + i], body_size),
                              .align = align};

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
