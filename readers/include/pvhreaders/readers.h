/* SPDX-License-Identifier: MIT */
/* pvhreaders: models of how each PVH reader (Xen's libelf, QEMU's -kernel
 * loader, rust-vmm linux-loader, the binutils/elfutils tools) finds the
 * PHYS32_ENTRY note in an ELF kernel, and when it refuses. A model answers
 * "would this reader start the kernel through PVH, and where", from the
 * reader's own rules written down as data (one row per reader, with the file
 * and version the rules were read from; docs/vmm-readers.md has the
 * citations). The models read the kernel through libpvh's public API, with
 * every container bounded, so a hostile file is as safe here as in libpvh.
 *
 * Where a reader's own code would read outside the bytes it loaded (QEMU
 * walks past its note buffer on some files), the model says so
 * (PVHR_UNDEFINED) instead of guessing what that memory held. */
#ifndef PVHREADERS_READERS_H
#define PVHREADERS_READERS_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/elf.h"
#include "pvh/image.h"

#ifdef __cplusplus
extern "C" {
#endif

enum pvhr_verdict {
  PVHR_ENTRY = 0,     /* the reader finds a PVH entry and starts the kernel there */
  PVHR_NO_ENTRY = 1,  /* the reader finds no PVH entry (QEMU and Xen refuse; linux-loader boots non-PVH) */
  PVHR_REFUSES = 2,   /* the reader rejects the image before or while looking */
  PVHR_UNDEFINED = 3, /* the reader's code reads outside its buffer or divides by zero here */
  PVHR_UNKNOWN = 4,   /* outside what the model covers (the reason says what) */
};

/* How a reader pads a note's name and desc. */
enum pvhr_padding {
  PVHR_PAD_4,                    /* always 4 */
  PVHR_PAD_CONTAINER_ALIGN,      /* the PT_NOTE's p_align, whatever it is (QEMU) */
  PVHR_PAD_8_ELF64_ALIGN_OVER_4, /* 8 in ELF64 when the container's alignment is above 4 */
  PVHR_PAD_8_ALIGN_8,            /* 8 when the container's alignment is exactly 8 */
};

/* How the reader compares the note's owner with "Xen". */
enum pvhr_owner {
  PVHR_OWNER_NOT_CHECKED, /* type 18 is enough */
  PVHR_OWNER_CSTRING,     /* the NUL-terminated string at the name is "Xen"; namesz is not looked at */
  PVHR_OWNER_EXACT,       /* namesz is 4 and the name bytes are "Xen\0" */
};

/* Which descriptor sizes the reader takes and how it reads the entry. */
enum pvhr_desc {
  PVHR_DESC_CLASS_WORD,  /* reads a word of the ELF class (8 bytes in ELF64), whatever descsz says */
  PVHR_DESC_XEN_NUMERIC, /* descsz 1, 2, 4 or 8 read as that many bytes, else 0; kept as 32 bits */
  PVHR_DESC_U32_MIN_4,   /* descsz >= 4 required (else refuses), reads 4 bytes */
  PVHR_DESC_4_OR_8,      /* descsz 4 or 8 */
};

/* How the reader walks the notes of one container. */
enum pvhr_walk {
  PVHR_WALK_QEMU, /* type check first, then a step bounded by the container size (not by what is left) */
  PVHR_WALK_XEN,  /* while the note start is below the container end; reads are bounded by the file */
  PVHR_WALK_LINUX_LOADER, /* while the bytes walked are below p_filesz; reads are bounded by the file */
  PVHR_WALK_CLEAN,        /* a note must fit with its padding in what is left (readelf, libelf) */
};

struct pvhr_rules {
  enum pvhr_walk walk;
  enum pvhr_padding padding;
  int section_fallback; /* SHT_NOTE sections are read when no PT_NOTE had a note of interest */
  int elf32, elf64;     /* classes the reader loads */
  enum pvhr_owner owner;
  enum pvhr_desc desc;
  int entry_zero_is_none;   /* an entry of 0 means "no PVH entry" (QEMU) */
  int entry_must_be_loaded; /* the entry must lie in [lowest PT_LOAD paddr, highest paddr + memsz] (Xen) */
  int unset_entry_ffffffff; /* 0xffffffff means "unset" (Xen's UNSET_ADDR32) */
  int skip_offset_zero;     /* a PT_NOTE with p_offset 0 is skipped (Xen) */
  int load_align_2m; /* every PT_LOAD with file bytes needs p_align a multiple of 2 MiB (linux-loader) */
  int entry_min_1m;  /* e_entry must be at least 1 MiB (linux-loader's highmem check as the VMMs call it) */
};

struct pvhr_reader {
  const char *name;    /* "QEMU" */
  const char *version; /* "7.2" */
  const char *used_by; /* "qemu -kernel" */
  const char *source;  /* the file the rules were read from, with its version */
  int is_vmm;          /* a boot path (compared by --portable); the tools row is not */
  struct pvhr_rules rules;
};

struct pvhr_result {
  enum pvhr_verdict verdict;
  int has_entry;
  uint64_t entry; /* the address the reader would start at, when has_entry */
  char why[192];  /* one line, ASCII, no guest bytes */
};

/* The readers, in display order. */
size_t pvhr_reader_count(void);
const struct pvhr_reader *pvhr_reader_at(size_t i);
/* The reader whose name is `name` (exact), or NULL. */
const struct pvhr_reader *pvhr_reader_find(const char *name);

/* Runs the reader's model on an image whose headers libpvh parsed. Never
 * fails: an image the model cannot judge is PVHR_UNKNOWN with the reason. */
void pvhr_judge(const struct pvhr_reader *r, const struct pvh_image *img, const struct pvh_elf *elf,
                struct pvhr_result *out);

/* "entry", "no-entry", "refuses", "undefined", "unknown". */
const char *pvhr_verdict_name(enum pvhr_verdict v);

/* 1 when every VMM row agrees (same verdict and, when there is an entry, the
 * same entry), else 0. results[i] belongs to pvhr_reader_at(i). */
int pvhr_agree(const struct pvhr_result *results, size_t n);

#ifdef __cplusplus
}
#endif
#endif
