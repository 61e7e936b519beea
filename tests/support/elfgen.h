/* SPDX-License-Identifier: MIT */
/* elfgen: builds little-endian x86 ELF kernels in memory, ELF64 (EM_X86_64)
 * and ELF32 (EM_386), for the unit tests and the fuzz corpus generator.
 *
 * Two steps, so that both well-formed and deliberately broken files are easy:
 *
 *   1. Describe a well-formed file with a spec and build it:
 *
 *        struct elfgen_buf notes = {0};
 *        elfgen_note(&notes, "GNU", 3, "abcd", 4);      // any notes first ...
 *        elfgen_note_pvh(&notes, 0x100000, 4);          // ... then the PVH one
 *        struct elfgen_seg segs[] = {
 *          ELFGEN_LOAD(0x100000, 0x1000, 0x3000, ELFGEN_PF_R | ELFGEN_PF_X),
 *          ELFGEN_NOTE_SEG(&notes),
 *        };
 *        struct elfgen_spec spec = { .elf_class = 64, .segs = segs, .nr_segs = 2 };
 *        uint8_t *img; size_t len;
 *        if (elfgen_build(&spec, &img, &len) != 0) ...;   // free(img) later
 *
 *   2. Break it on purpose with the field setters (they know each class's
 *      offsets and widths), or truncate `len`, or poke bytes directly:
 *
 *        elfgen_set_ehdr(img, len, ELFGEN_E_PHENTSIZE, 12);
 *        elfgen_set_phdr(img, len, 0, ELFGEN_P_FILESZ, 0x5000);
 *
 * File layout produced (always the same order, so offsets are predictable):
 *   ELF header | program headers | segment bytes (in spec order, each start
 *   16-byte aligned) | own section bytes | .shstrtab | section headers (8-aligned).
 * A section table is emitted when there are sections, when `section_table` is
 * set, or when PN_XNUM is used: [0] null, then spec sections, then .shstrtab
 * (e_shstrndx points at it).
 *
 * Everything is plain libc; nothing here depends on libpvh, so the generator
 * cannot share a bug with the loader it tests. */
#ifndef ELFGEN_H
#define ELFGEN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ELF constants used by callers (named here so tests need no <elf.h>). */
#define ELFGEN_PT_NULL 0u
#define ELFGEN_PT_LOAD 1u
#define ELFGEN_PT_NOTE 4u
#define ELFGEN_SHT_PROGBITS 1u
#define ELFGEN_SHT_STRTAB 3u
#define ELFGEN_SHT_NOTE 7u
#define ELFGEN_SHT_NOBITS 8u
#define ELFGEN_SHF_ALLOC 2u
#define ELFGEN_PF_X 1u
#define ELFGEN_PF_W 2u
#define ELFGEN_PF_R 4u
#define ELFGEN_ET_EXEC 2u
#define ELFGEN_ET_DYN 3u
#define ELFGEN_EM_386 3u
#define ELFGEN_EM_X86_64 62u
#define ELFGEN_PN_XNUM 0xffffu
#define ELFGEN_XEN_PHYS32_ENTRY 18u
#define ELFGEN_MAX_FILE (512ull * 1024 * 1024) /* refuse specs producing more */

/* ---- Growable byte buffer, used to assemble note blobs ---- */

struct elfgen_buf {
  uint8_t *data;
  size_t len, cap;
  int failed; /* an append ran out of memory; the buffer is unusable */
};

/* Appends raw bytes; returns 0 or -1 (and sets failed). */
int elfgen_buf_append(struct elfgen_buf *b, const void *data, size_t len);
void elfgen_buf_free(struct elfgen_buf *b);

/* A well-formed note: namesz = strlen(owner) + 1 (0 when owner is NULL), name
 * and desc each zero-padded to 4 bytes. Returns 0 or -1. */
int elfgen_note(struct elfgen_buf *b, const char *owner, uint32_t type, const void *desc, uint32_t descsz);

/* XEN_ELFNOTE_PHYS32_ENTRY, owner "Xen": desc_size 4 (entry truncated to 32
 * bits) or 8 (entry as 64 bits); any other desc_size up to 4096 writes that
 * many bytes (entry little endian, truncated or zero-extended) to build
 * bad-size notes. Returns 0, or -1 (desc_size > 4096 or out of memory). */
int elfgen_note_pvh(struct elfgen_buf *b, uint64_t entry, uint32_t desc_size);

/* A note with arbitrary header values followed by exactly `body_len` bytes of
 * `body` (NULL: zeros) and no padding at all: for wrong sizes and padding. */
int elfgen_note_raw(struct elfgen_buf *b, uint32_t namesz, uint32_t descsz, uint32_t type, const void *body,
                    size_t body_len);

/* Notes for an 8-aligned container (ELF64) that are well-formed read with
 * 8-byte padding and with 4-byte padding, and find different notes each way
 * (offsets in brackets):
 *   4-byte reading: GNU note [0,20), Xen PHYS32_ENTRY 0x006e6558 [20,40)
 *                   (the entry's bytes are "Xen\0"), an unnamed note [40,end)
 *   8-byte reading: GNU note [0,24), a Xen note of type 0x6e6558 [24,64), and
 *                   with eight_has_entry a Xen PHYS32_ENTRY `entry8` (8-byte
 *                   desc) [64,88)
 * So with ELFGEN_TWO_READINGS_EIGHT both readings hold an entry (equal when
 * entry8 is ELFGEN_TWO_READINGS_ENTRY4), else only the 4-byte one. With
 * ELFGEN_TWO_READINGS_FOUR_NONE the 4-byte reading's Xen note has type 17
 * instead (the 8-byte reading then sees a 17-byte desc: the same layout), so
 * it holds no entry. Returns 0 or -1. */
#define ELFGEN_TWO_READINGS_ENTRY4 0x006e6558u
#define ELFGEN_TWO_READINGS_EIGHT 1     /* the 8-byte reading holds entry8 */
#define ELFGEN_TWO_READINGS_FOUR_NONE 2 /* the 4-byte reading holds no entry */
int elfgen_notes_two_readings(struct elfgen_buf *b, uint64_t entry8, int how);

/* ---- Spec ---- */

/* One program header plus the file bytes it covers. */
struct elfgen_seg {
  uint32_t type;  /* ELFGEN_PT_LOAD, ELFGEN_PT_NOTE, anything */
  uint32_t flags; /* ELFGEN_PF_* */
  uint64_t paddr, vaddr;
  uint64_t filesz;  /* bytes placed in the file and written to p_filesz */
  uint64_t memsz;   /* p_memsz, written as given (may be < filesz on purpose) */
  uint64_t align;   /* p_align, written as given */
  const void *data; /* filesz bytes to copy; NULL: elfgen_pattern(seed, i) */
  uint8_t seed;
};

/* Well-formed PT_LOAD with paddr == vaddr, pattern contents from seed = paddr
 * bits, p_align 4096. */
#define ELFGEN_LOAD(pa, fsz, msz, fl)                                                                        \
  ((struct elfgen_seg){.type = ELFGEN_PT_LOAD,                                                               \
                       .flags = (fl),                                                                        \
                       .paddr = (pa),                                                                        \
                       .vaddr = (pa),                                                                        \
                       .filesz = (fsz),                                                                      \
                       .memsz = (msz),                                                                       \
                       .align = 4096,                                                                        \
                       .seed = (uint8_t)(((pa) >> 12) * 29u + 7u)})
/* PT_NOTE holding the bytes of an elfgen_buf (paddr/vaddr 0, p_align 4). */
#define ELFGEN_NOTE_SEG(bufp)                                                                                \
  ((struct elfgen_seg){.type = ELFGEN_PT_NOTE,                                                               \
                       .flags = ELFGEN_PF_R,                                                                 \
                       .filesz = (bufp)->len,                                                                \
                       .memsz = (bufp)->len,                                                                 \
                       .align = 4,                                                                           \
                       .data = (bufp)->data})

/* One section (besides the automatic null section and .shstrtab). */
struct elfgen_sec {
  const char *name; /* put in .shstrtab; NULL: empty name */
  uint32_t type;    /* ELFGEN_SHT_* */
  uint64_t flags, addr, align;
  uint32_t link, info;
  uint64_t size;    /* sh_size */
  const void *data; /* size bytes of own contents (NULL: zeros); ignored when
                         seg_ref or type == SHT_NOBITS */
  size_t seg_ref;   /* 1-based index of a spec segment: sh_offset = that
                         segment's offset + seg_off, nothing added to the file */
  uint64_t seg_off;
};

/* SHT_NOTE section with its own copy of an elfgen_buf. */
#define ELFGEN_NOTE_SEC(nm, bufp)                                                                            \
  ((struct elfgen_sec){.name = (nm),                                                                         \
                       .type = ELFGEN_SHT_NOTE,                                                              \
                       .flags = ELFGEN_SHF_ALLOC,                                                            \
                       .align = 4,                                                                           \
                       .size = (bufp)->len,                                                                  \
                       .data = (bufp)->data})

struct elfgen_spec {
  int elf_class;    /* 32 or 64 (required) */
  uint16_t e_type;  /* 0: ET_EXEC */
  uint16_t machine; /* 0: EM_X86_64 for 64, EM_386 for 32 */
  uint64_t entry;   /* e_entry (the ELF entry, not the PVH one) */
  const struct elfgen_seg *segs;
  size_t nr_segs; /* >= 0xffff switches to PN_XNUM automatically */
  const struct elfgen_sec *secs;
  size_t nr_secs;
  int section_table; /* emit null + .shstrtab even without sections */
  int use_xnum;      /* e_phnum = PN_XNUM, real count in section 0's sh_info */
};

/* Builds the file into a malloc'd buffer (*out, *len; caller frees). Returns 0,
 * or -1 for an unusable spec (class not 32/64, a value that does not fit the
 * class, file larger than ELFGEN_MAX_FILE) or out of memory. */
int elfgen_build(const struct elfgen_spec *spec, uint8_t **out, size_t *len);

/* Contents of pattern-filled segments: byte i of a segment with `seed`. Never
 * zero, so file bytes and zero-fill can be told apart byte by byte. */
uint8_t elfgen_pattern(uint8_t seed, uint64_t i);

/* ---- Field access after building ---- */

enum elfgen_ehdr_field {
  ELFGEN_EI_CLASS,
  ELFGEN_EI_DATA,
  ELFGEN_EI_VERSION, /* 1-byte e_ident entries */
  ELFGEN_E_TYPE,
  ELFGEN_E_MACHINE,
  ELFGEN_E_VERSION,
  ELFGEN_E_ENTRY,
  ELFGEN_E_PHOFF,
  ELFGEN_E_SHOFF,
  ELFGEN_E_FLAGS,
  ELFGEN_E_EHSIZE,
  ELFGEN_E_PHENTSIZE,
  ELFGEN_E_PHNUM,
  ELFGEN_E_SHENTSIZE,
  ELFGEN_E_SHNUM,
  ELFGEN_E_SHSTRNDX,
};
enum elfgen_phdr_field {
  ELFGEN_P_TYPE,
  ELFGEN_P_FLAGS,
  ELFGEN_P_OFFSET,
  ELFGEN_P_VADDR,
  ELFGEN_P_PADDR,
  ELFGEN_P_FILESZ,
  ELFGEN_P_MEMSZ,
  ELFGEN_P_ALIGN,
};
enum elfgen_shdr_field {
  ELFGEN_SH_NAME,
  ELFGEN_SH_TYPE,
  ELFGEN_SH_FLAGS,
  ELFGEN_SH_ADDR,
  ELFGEN_SH_OFFSET,
  ELFGEN_SH_SIZE,
  ELFGEN_SH_LINK,
  ELFGEN_SH_INFO,
  ELFGEN_SH_ADDRALIGN,
  ELFGEN_SH_ENTSIZE,
};

/* Offset and width (1, 2, 4 or 8) of a field inside its structure for class
 * 32 or 64. Return 0, or -1 for an unknown class/field. */
int elfgen_ehdr_field(int elf_class, enum elfgen_ehdr_field f, size_t *off, size_t *width);
int elfgen_phdr_field(int elf_class, enum elfgen_phdr_field f, size_t *off, size_t *width);
int elfgen_shdr_field(int elf_class, enum elfgen_shdr_field f, size_t *off, size_t *width);
size_t elfgen_ehdr_size(int elf_class); /* 64 / 52 */
size_t elfgen_phdr_size(int elf_class); /* 56 / 32 */
size_t elfgen_shdr_size(int elf_class); /* 64 / 40 */

/* Setters/getters on a built image. The class comes from img[EI_CLASS] (so
 * patch EI_CLASS last, or use elfgen_put directly); phdr/shdr addresses use the
 * image's current e_phoff/e_shoff and the class's standard entry size (not
 * e_phentsize/e_shentsize, which tests corrupt). The value is truncated to the
 * field width. Return 0, or -1 if the field is outside [img, img+len). */
int elfgen_set_ehdr(uint8_t *img, size_t len, enum elfgen_ehdr_field f, uint64_t value);
int elfgen_set_phdr(uint8_t *img, size_t len, size_t index, enum elfgen_phdr_field f, uint64_t value);
int elfgen_set_shdr(uint8_t *img, size_t len, size_t index, enum elfgen_shdr_field f, uint64_t value);
uint64_t elfgen_get_ehdr(const uint8_t *img, size_t len, enum elfgen_ehdr_field f); /* 0 if out */
uint64_t elfgen_get_phdr(const uint8_t *img, size_t len, size_t index, enum elfgen_phdr_field f);
uint64_t elfgen_get_shdr(const uint8_t *img, size_t len, size_t index, enum elfgen_shdr_field f);

/* Little-endian store/load of `width` bytes at img[off]; -1 / 0 if out of range. */
int elfgen_put(uint8_t *img, size_t len, size_t off, size_t width, uint64_t value);
uint64_t elfgen_get(const uint8_t *img, size_t len, size_t off, size_t width);

#ifdef __cplusplus
}
#endif
#endif
