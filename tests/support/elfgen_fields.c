/* SPDX-License-Identifier: MIT */
/* Per-class ELF structure offsets and widths, and little-endian field access
 * on a built image. Kept separate from the builder so that tests patching a
 * file use exactly the offsets the builder wrote. The tables follow the System
 * V gABI structure definitions. */
#include "elfgen.h"

struct field {
  uint8_t off32, w32, off64, w64;
};

static const struct field ehdr_fields[] = {
    [ELFGEN_EI_CLASS] = {4, 1, 4, 1},    [ELFGEN_EI_DATA] = {5, 1, 5, 1},
    [ELFGEN_EI_VERSION] = {6, 1, 6, 1},  [ELFGEN_E_TYPE] = {16, 2, 16, 2},
    [ELFGEN_E_MACHINE] = {18, 2, 18, 2}, [ELFGEN_E_VERSION] = {20, 4, 20, 4},
    [ELFGEN_E_ENTRY] = {24, 4, 24, 8},   [ELFGEN_E_PHOFF] = {28, 4, 32, 8},
    [ELFGEN_E_SHOFF] = {32, 4, 40, 8},   [ELFGEN_E_FLAGS] = {36, 4, 48, 4},
    [ELFGEN_E_EHSIZE] = {40, 2, 52, 2},  [ELFGEN_E_PHENTSIZE] = {42, 2, 54, 2},
    [ELFGEN_E_PHNUM] = {44, 2, 56, 2},   [ELFGEN_E_SHENTSIZE] = {46, 2, 58, 2},
    [ELFGEN_E_SHNUM] = {48, 2, 60, 2},   [ELFGEN_E_SHSTRNDX] = {50, 2, 62, 2},
};

/* ELF64 moves p_flags up to sit after p_type. */
static const struct field phdr_fields[] = {
    [ELFGEN_P_TYPE] = {0, 4, 0, 4},    [ELFGEN_P_FLAGS] = {24, 4, 4, 4},  [ELFGEN_P_OFFSET] = {4, 4, 8, 8},
    [ELFGEN_P_VADDR] = {8, 4, 16, 8},  [ELFGEN_P_PADDR] = {12, 4, 24, 8}, [ELFGEN_P_FILESZ] = {16, 4, 32, 8},
    [ELFGEN_P_MEMSZ] = {20, 4, 40, 8}, [ELFGEN_P_ALIGN] = {28, 4, 48, 8},
};

static const struct field shdr_fields[] = {
    [ELFGEN_SH_NAME] = {0, 4, 0, 4},        [ELFGEN_SH_TYPE] = {4, 4, 4, 4},
    [ELFGEN_SH_FLAGS] = {8, 4, 8, 8},       [ELFGEN_SH_ADDR] = {12, 4, 16, 8},
    [ELFGEN_SH_OFFSET] = {16, 4, 24, 8},    [ELFGEN_SH_SIZE] = {20, 4, 32, 8},
    [ELFGEN_SH_LINK] = {24, 4, 40, 4},      [ELFGEN_SH_INFO] = {28, 4, 44, 4},
    [ELFGEN_SH_ADDRALIGN] = {32, 4, 48, 8}, [ELFGEN_SH_ENTSIZE] = {36, 4, 56, 8},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int lookup(const struct field *tab, size_t n, int elf_class, unsigned f, size_t *off, size_t *width) {
  if (f >= n || (elf_class != 32 && elf_class != 64))
    return -1;
  *off = elf_class == 64 ? tab[f].off64 : tab[f].off32;
  *width = elf_class == 64 ? tab[f].w64 : tab[f].w32;
  return 0;
}

int elfgen_ehdr_field(int elf_class, enum elfgen_ehdr_field f, size_t *off, size_t *width) {
  return lookup(ehdr_fields, COUNT(ehdr_fields), elf_class, (unsigned)f, off, width);
}
int elfgen_phdr_field(int elf_class, enum elfgen_phdr_field f, size_t *off, size_t *width) {
  return lookup(phdr_fields, COUNT(phdr_fields), elf_class, (unsigned)f, off, width);
}
int elfgen_shdr_field(int elf_class, enum elfgen_shdr_field f, size_t *off, size_t *width) {
  return lookup(shdr_fields, COUNT(shdr_fields), elf_class, (unsigned)f, off, width);
}

size_t elfgen_ehdr_size(int elf_class) { return elf_class == 64 ? 64 : 52; }
size_t elfgen_phdr_size(int elf_class) { return elf_class == 64 ? 56 : 32; }
size_t elfgen_shdr_size(int elf_class) { return elf_class == 64 ? 64 : 40; }

int elfgen_put(uint8_t *img, size_t len, size_t off, size_t width, uint64_t value) {
  if (!img || width > 8 || off > len || width > len - off)
    return -1;
  for (size_t i = 0; i < width; i++)
    img[off + i] = (uint8_t)(value >> (8 * i));
  return 0;
}

uint64_t elfgen_get(const uint8_t *img, size_t len, size_t off, size_t width) {
  if (!img || width > 8 || off > len || width > len - off)
    return 0;
  uint64_t v = 0;
  for (size_t i = 0; i < width; i++)
    v |= (uint64_t)img[off + i] << (8 * i);
  return v;
}

/* The class the image says it is; 0 when e_ident is missing or not 1/2. */
static int image_class(const uint8_t *img, size_t len) {
  if (!img || len < 5)
    return 0;
  return img[4] == 2 ? 64 : img[4] == 1 ? 32 : 0;
}

/* Absolute offset of field f of table entry `index`, the table located via the
 * header field `base_field`; -1 if the arithmetic would overflow. */
static int entry_field(const uint8_t *img, size_t len, enum elfgen_ehdr_field base_field, size_t entsize,
                       size_t index, size_t foff, size_t *abs) {
  int cls = image_class(img, len);
  size_t boff, bw;
  if (elfgen_ehdr_field(cls, base_field, &boff, &bw) != 0 || bw > len || boff > len - bw)
    return -1;
  uint64_t base = elfgen_get(img, len, boff, bw);
  if (index > (SIZE_MAX - foff) / entsize)
    return -1;
  uint64_t rel = (uint64_t)index * entsize + foff;
  if (base > SIZE_MAX || rel > SIZE_MAX - base)
    return -1;
  *abs = (size_t)(base + rel);
  return 0;
}

int elfgen_set_ehdr(uint8_t *img, size_t len, enum elfgen_ehdr_field f, uint64_t value) {
  size_t off, w;
  if (elfgen_ehdr_field(image_class(img, len), f, &off, &w) != 0)
    return -1;
  return elfgen_put(img, len, off, w, value);
}

uint64_t elfgen_get_ehdr(const uint8_t *img, size_t len, enum elfgen_ehdr_field f) {
  size_t off, w;
  if (elfgen_ehdr_field(image_class(img, len), f, &off, &w) != 0)
    return 0;
  return elfgen_get(img, len, off, w);
}

int elfgen_set_phdr(uint8_t *img, size_t len, size_t index, enum elfgen_phdr_field f, uint64_t value) {
  int cls = image_class(img, len);
  size_t off, w, abs;
  if (elfgen_phdr_field(cls, f, &off, &w) != 0 ||
      entry_field(img, len, ELFGEN_E_PHOFF, elfgen_phdr_size(cls), index, off, &abs) != 0)
    return -1;
  return elfgen_put(img, len, abs, w, value);
}

uint64_t elfgen_get_phdr(const uint8_t *img, size_t len, size_t index, enum elfgen_phdr_field f) {
  int cls = image_class(img, len);
  size_t off, w, abs;
  if (elfgen_phdr_field(cls, f, &off, &w) != 0 ||
      entry_field(img, len, ELFGEN_E_PHOFF, elfgen_phdr_size(cls), index, off, &abs) != 0)
    return 0;
  return elfgen_get(img, len, abs, w);
}

int elfgen_set_shdr(uint8_t *img, size_t len, size_t index, enum elfgen_shdr_field f, uint64_t value) {
  int cls = image_class(img, len);
  size_t off, w, abs;
  if (elfgen_shdr_field(cls, f, &off, &w) != 0 ||
      entry_field(img, len, ELFGEN_E_SHOFF, elfgen_shdr_size(cls), index, off, &abs) != 0)
    return -1;
  return elfgen_put(img, len, abs, w, value);
}

uint64_t elfgen_get_shdr(const uint8_t *img, size_t len, size_t index, enum elfgen_shdr_field f) {
  int cls = image_class(img, len);
  size_t off, w, abs;
  if (elfgen_shdr_field(cls, f, &off, &w) != 0 ||
      entry_field(img, len, ELFGEN_E_SHOFF, elfgen_shdr_size(cls), index, off, &abs) != 0)
    return 0;
  return elfgen_get(img, len, abs, w);
}
