/* SPDX-License-Identifier: MIT */
/* Oracles shared by every fuzz target: checks that turn a wrong answer into a
 * crash the fuzzing engine can see. Each failed check aborts with
 *
 *   ORACLE FAILED [<invariant>]: <what was seen>
 *
 * where <invariant> is a stable short name; triage (fuzz/scripts/triage.sh)
 * names regression files after it. Only built in fuzzing mode: aborting on a
 * caller's input is exactly what production code must never do. */
#ifndef PVH_FUZZ_ORACLE_H
#define PVH_FUZZ_ORACLE_H

#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#error                                                                                                       \
    "fuzz/oracle.h: oracles abort by design; build them only with -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
#endif

#ifdef PVH_FUZZ_BREAK_THIS_TARGET
#error "deliberately broken by PVH_FUZZ_BREAK_TARGET (the build checks' self-test)"
#endif

#include <stddef.h>
#include <stdint.h>

#include "pvh/loader.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Prints the invariant and the details, then aborts. */
void oracle_fail(const char *invariant, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* ---- Guest-write invariants (used on recorded writes and on plan ops) ---- */

/* True if every byte of [addr, addr+len) lies in a RAM region (a stretch of
 * RAM may be described by several adjacent entries); len 0 or a range that
 * wraps is never RAM. The oracle's own walk, not pvh_memmap_is_ram. */
int oracle_range_is_ram(const struct pvh_mem_region *regions, size_t n, uint64_t addr, uint64_t len);

/* The oracle's own verdict on a memory map: 1..PVH_MEMMAP_MAX_REGIONS
 * regions, each non-empty, not reaching 2^64, of a defined type (1..7), no
 * two overlapping (touching is fine). */
int oracle_map_valid(const struct pvh_mem_region *regions, size_t n);

struct oracle_span {
  uint64_t gpa, len;
  const char *what; /* for messages: "segment", "gdt", ... */
};

/* Every span lies in RAM (oracle_range_is_ram) and below 4 GiB; no two spans
 * overlap. `spans` is reordered. */
void oracle_check_spans(struct oracle_span *spans, size_t n, const struct pvh_mem_region *regions,
                        size_t nr_regions, const char *source);

/* ---- The whole pipeline (fuzz_load) ---- */

struct oracle_load {
  const uint8_t *file; /* the kernel bytes handed to pvh_load */
  size_t file_size;
  const struct pvh_mem_region *regions; /* the map the bus stands for */
  size_t nr_regions;
  const struct pvh_load_config *cfg;
  const uint8_t *initramfs; /* cfg->initramfs bytes, or NULL */
  size_t initramfs_size;
};

/* Accepted input: writes inside RAM and disjoint; guest bytes = file bytes up
 * to p_filesz and zeros up to p_memsz for every PT_LOAD the oracle finds in the
 * file itself; entry below 4 GiB inside a loaded segment; start_info, modlist,
 * memmap, cmdline, initramfs in guest memory agree with the config and the
 * report; the entry state is the PVH one and equals the GDT bytes written. */
void oracle_check_accepted(const struct oracle_load *in, const struct pvh_plan *plan,
                           const struct pvh_rec_bus *rb);

/* Rejected input: the bus saw no write, the plan is empty, the code is a
 * known one; when `err` is given it carries the code and a message. */
void oracle_check_rejected(enum pvh_err rc, const struct pvh_error *err, const struct pvh_plan *plan,
                           const struct pvh_rec_bus *rb);

/* A second load of the same input gave the same answer: code, message, the
 * report and every write (by digest). */
void oracle_check_same(enum pvh_err rc1, const struct pvh_error *e1, const struct pvh_plan *p1,
                       const struct pvh_rec_bus *b1, enum pvh_err rc2, const struct pvh_error *e2,
                       const struct pvh_plan *p2, const struct pvh_rec_bus *b2);

/* ---- Differential: elfutils libelf reads the same bytes ----
 * Returns 1 if libelf enumerated the headers and notes (and the comparison
 * ran), 0 if libelf refused the file or was not built in. Aborts on a
 * disagreement where both accept. */
int oracle_diff_libelf(const uint8_t *data, size_t size, enum pvh_err rc, const struct pvh_plan *plan);

/* The same for the note walk alone: `data` as the contents of one PT_NOTE,
 * walked by pvh_note_next and by gelf_getnote, note by note (offsets, sizes,
 * type, where name and desc start, where the walk stops). Returns 1 if
 * compared. */
int oracle_diff_libelf_notes(const uint8_t *data, size_t size, uint64_t align);

/* ---- Note walking (fuzz_notes) ---- */

/* Walks `data` (a container aligned to `align`: 8 means 8-byte note padding,
 * anything else 4) with pvh_note_next and with the oracle's own walker; the notes
 * returned, where the walk stops and how it stops must agree. Returns the
 * number of notes walked. */
size_t oracle_check_note_walk(const uint8_t *data, size_t size, uint64_t align);

/* The PHYS32_ENTRY search rules re-implemented independently: PT_NOTE
 * containers first, SHT_NOTE sections only when no PT_NOTE holds the entry;
 * notes padded by their container's alignment (N1); every PHYS32_ENTRY must
 * agree; desc 4 or 8 bytes; entry not 0 (QEMU: "no PVH entry"), then below
 * 4 GiB.
 * Compares the outcome (code and entry) with pvh_find_pvh_entry's. */
void oracle_check_entry_search(const struct pvh_image *img, const struct pvh_elf *elf, enum pvh_err rc,
                               const struct pvh_entry_note *found, const struct pvh_error *err);

/* ---- Boot-data planning (fuzz_layout) ---- */

/* A validated plan: its ops in RAM, below 4 GiB, disjoint; the report's boot
 * data addresses equal the layout; start_info in the plan agrees with them;
 * the initramfs sits above the kernel, aligned, under the ceiling. */
void oracle_check_plan(const struct pvh_plan *plan, const struct pvh_mem_region *regions, size_t nr_regions,
                       const struct pvh_load_config *cfg);

/* The entry state is the architectural PVH one and the GDT in `gdt` encodes
 * exactly its CS, DS and TR (and ES/FS/GS/SS equal DS). */
void oracle_check_entry_state(const struct pvh_entry_state *st, const uint64_t gdt[PVH_GDT_ENTRIES],
                              uint64_t entry, uint64_t start_info_paddr, uint64_t gdt_paddr);

#ifdef __cplusplus
}
#endif
#endif
