/* SPDX-License-Identifier: MIT */
/* One error enum for the whole library: a stable short name (for scripts and
 * tests) and a human message carrying the offending field and value. */
#ifndef PVH_ERROR_H
#define PVH_ERROR_H

#include <stddef.h>
#include "pvh/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X-macro so the enum, the short names and the tests never drift apart. */
#define PVH_ERROR_LIST(X)                                                                                    \
  X(PVH_OK, "ok")                                                                                            \
  X(PVH_E_INVALID_ARG, "invalid-argument")                                                                   \
  X(PVH_E_IO, "io-error")                                                                                    \
  X(PVH_E_NOMEM, "out-of-memory")                                                                            \
  X(PVH_E_ELF_TRUNCATED, "elf-truncated")                                                                    \
  X(PVH_E_ELF_MAGIC, "elf-bad-magic")                                                                        \
  X(PVH_E_ELF_CLASS, "elf-bad-class")                                                                        \
  X(PVH_E_ELF_DATA, "elf-not-little-endian")                                                                 \
  X(PVH_E_ELF_VERSION, "elf-bad-version")                                                                    \
  X(PVH_E_ELF_MACHINE, "elf-bad-machine")                                                                    \
  X(PVH_E_ELF_TYPE, "elf-bad-type")                                                                          \
  X(PVH_E_ELF_EHSIZE, "elf-bad-ehsize")                                                                      \
  X(PVH_E_ELF_PHENTSIZE, "elf-bad-phentsize")                                                                \
  X(PVH_E_ELF_SHENTSIZE, "elf-bad-shentsize")                                                                \
  X(PVH_E_ELF_PHDRS_BOUNDS, "phdrs-out-of-file")                                                             \
  X(PVH_E_ELF_SHDRS_BOUNDS, "shdrs-out-of-file")                                                             \
  X(PVH_E_ELF_XNUM, "elf-bad-xnum")                                                                          \
  X(PVH_E_ELF_TOO_MANY_PHDRS, "too-many-phdrs")                                                              \
  X(PVH_E_ELF_TOO_MANY_SHDRS, "too-many-shdrs")                                                              \
  X(PVH_E_NO_LOAD_SEGMENTS, "no-load-segments")                                                              \
  X(PVH_E_SEG_FILE_BOUNDS, "segment-out-of-file")                                                            \
  X(PVH_E_SEG_FILESZ, "segment-filesz-exceeds-memsz")                                                        \
  X(PVH_E_SEG_OVERFLOW, "segment-address-overflow")                                                          \
  X(PVH_E_SEG_ABOVE_4G, "segment-above-4g")                                                                  \
  X(PVH_E_SEG_NOT_RAM, "segment-out-of-ram")                                                                 \
  X(PVH_E_SEG_OVERLAP, "segment-overlap")                                                                    \
  X(PVH_E_NOTE_BOUNDS, "note-out-of-file")                                                                   \
  X(PVH_E_NOTE_MALFORMED, "note-malformed")                                                                  \
  X(PVH_E_NOTE_TOO_MANY, "too-many-notes")                                                                   \
  X(PVH_E_NOTE_DESC_SIZE, "pvh-note-bad-size")                                                               \
  X(PVH_E_NOTE_CONFLICT, "pvh-note-conflict")                                                                \
  X(PVH_E_NO_PVH_NOTE, "no-pvh-note")                                                                        \
  X(PVH_E_ENTRY_ABOVE_4G, "entry-above-4g")                                                                  \
  X(PVH_E_ENTRY_NOT_LOADED, "entry-not-in-segment")                                                          \
  X(PVH_E_CMDLINE_TOO_LONG, "cmdline-too-long")                                                              \
  X(PVH_E_MEMMAP_INVALID, "memmap-invalid")                                                                  \
  X(PVH_E_MEMMAP_TOO_MANY, "memmap-too-many-entries")                                                        \
  X(PVH_E_INITRAMFS_NO_ROOM, "initramfs-no-room")                                                            \
  X(PVH_E_LAYOUT_NOT_RAM, "layout-out-of-ram")                                                               \
  X(PVH_E_LAYOUT_ABOVE_4G, "layout-above-4g")                                                                \
  X(PVH_E_LAYOUT_OVERLAP, "layout-overlap")                                                                  \
  X(PVH_E_BUS, "bus-write-failed")                                                                           \
  X(PVH_E_ENTRY_ZERO, "entry-zero")                                                                          \
  X(PVH_E_NOTE_AMBIGUOUS, "note-ambiguous")

enum pvh_err {
#define PVH_X_ENUM(code, name) code,
  PVH_ERROR_LIST(PVH_X_ENUM)
#undef PVH_X_ENUM
      PVH_E__COUNT
};

#define PVH_ERROR_MSG_MAX 256

/* Filled by every fallible call. `message` is "<what>: <field> <value>" without
 * the short name; pvh_error_format() gives "<short-name>: <message>". */
struct pvh_error {
  enum pvh_err code;
  char message[PVH_ERROR_MSG_MAX];
};

/* Stable short name, e.g. "segment-out-of-ram"; "unknown-error" if out of
 * range. A static string: never freed, valid for the life of the process.
 * New codes are appended, so a code's number never changes within a SONAME. */
PVH_API const char *pvh_err_name(enum pvh_err code);

/* Sets err (if non-NULL) and returns code, so callers can `return pvh_fail(...)`.
 * The message is truncated to PVH_ERROR_MSG_MAX - 1 bytes. Custom buses and
 * tools may use it for their own errors. */
PVH_API enum pvh_err pvh_fail(struct pvh_error *err, enum pvh_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Resets err (non-NULL) to PVH_OK with an empty message. */
PVH_API void pvh_error_clear(struct pvh_error *err);

#ifdef __cplusplus
}
#endif
#endif
