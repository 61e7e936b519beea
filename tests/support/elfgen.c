/* SPDX-License-Identifier: MIT */
/* elfgen_build: lays out and serialises an ELF file from a spec (see elfgen.h
 * for the layout). The builder only produces well-formed structure from the
 * spec's values; malformations are applied afterwards by the caller with the
 * field setters, so the two never get mixed up. */
#include <stdlib.h>
#include <string.h>

#include "elfgen.h"

#define SHN_LORESERVE 0xff00u
#define SHN_XINDEX 0xffffu
#define SEG_FILE_ALIGN 16u

uint8_t elfgen_pattern(uint8_t seed, uint64_t i) {
  /* Varies with the position and the page so that a segment copied to the
   * wrong offset does not read back the same; the |1 keeps it non-zero. */
  return (uint8_t)((seed + i * 37u + (i >> 12) * 101u) | 1u);
}

/* Checked "pos = align_up(pos, a) ; return old aligned pos; pos += n". */
static int reserve(uint64_t *pos, uint64_t align, uint64_t n, uint64_t *at) {
  uint64_t p = *pos;
  if (align > 1) {
    if (p > ELFGEN_MAX_FILE)
      return -1;
    p = (p + align - 1) / align * align;
  }
  if (n > ELFGEN_MAX_FILE || p + n > ELFGEN_MAX_FILE)
    return -1;
  *at = p;
  *pos = p + n;
  return 0;
}

struct writer {
  uint8_t *img;
  size_t len;
  int cls;
  int bad; /* a value did not fit its field (ELF32 with a >32-bit value) */
};

static void put(struct writer *w, size_t off, size_t width, uint64_t v) {
  if (width < 8 && (v >> (8 * width)) != 0)
    w->bad = 1;
  if (elfgen_put(w->img, w->len, off, width, v) != 0)
    w->bad = 1;
}

static void put_ehdr(struct writer *w, enum elfgen_ehdr_field f, uint64_t v) {
  size_t off, width;
  if (elfgen_ehdr_field(w->cls, f, &off, &width) != 0)
    w->bad = 1;
  else
    put(w, off, width, v);
}

static void put_phdr(struct writer *w, size_t base, enum elfgen_phdr_field f, uint64_t v) {
  size_t off, width;
  if (elfgen_phdr_field(w->cls, f, &off, &width) != 0)
    w->bad = 1;
  else
    put(w, base + off, width, v);
}

static void put_shdr(struct writer *w, size_t base, enum elfgen_shdr_field f, uint64_t v) {
  size_t off, width;
  if (elfgen_shdr_field(w->cls, f, &off, &width) != 0)
    w->bad = 1;
  else
    put(w, base + off, width, v);
}

/* Where everything goes; computed before anything is written. */
struct layout {
  uint64_t phoff;
  uint64_t *seg_off; /* per spec segment */
  uint64_t *sec_off; /* per spec section */
  uint64_t strtab_off, strtab_len;
  uint64_t shoff;
  uint64_t nr_shdrs; /* including null and .shstrtab; 0 when no table */
  uint64_t total;
};

static uint64_t strtab_size(const struct elfgen_spec *s) {
  uint64_t n = 1 + sizeof(".shstrtab");
  for (size_t i = 0; i < s->nr_secs; i++)
    n += (s->secs[i].name ? strlen(s->secs[i].name) : 0) + 1;
  return n;
}

static int plan_layout(const struct elfgen_spec *s, int xnum, struct layout *l) {
  uint64_t pos = elfgen_ehdr_size(s->elf_class), at;
  uint64_t phsz = elfgen_phdr_size(s->elf_class), shsz = elfgen_shdr_size(s->elf_class);

  if (s->nr_segs > ELFGEN_MAX_FILE / phsz || s->nr_secs > ELFGEN_MAX_FILE / shsz)
    return -1;
  l->phoff = s->nr_segs ? pos : 0;
  if (reserve(&pos, 1, s->nr_segs * phsz, &at) != 0)
    return -1;
  for (size_t i = 0; i < s->nr_segs; i++)
    if (reserve(&pos, SEG_FILE_ALIGN, s->segs[i].filesz, &l->seg_off[i]) != 0)
      return -1;
  for (size_t i = 0; i < s->nr_secs; i++) {
    const struct elfgen_sec *sec = &s->secs[i];
    if (sec->seg_ref) {
      if (sec->seg_ref > s->nr_segs)
        return -1;
      l->sec_off[i] = l->seg_off[sec->seg_ref - 1] + sec->seg_off;
    } else if (reserve(&pos, 8, sec->type == ELFGEN_SHT_NOBITS ? 0 : sec->size, &l->sec_off[i]) != 0) {
      return -1;
    }
  }
  l->nr_shdrs = (s->nr_secs || s->section_table || xnum) ? s->nr_secs + 2 : 0;
  if (l->nr_shdrs) {
    l->strtab_len = strtab_size(s);
    if (reserve(&pos, 1, l->strtab_len, &l->strtab_off) != 0 ||
        reserve(&pos, 8, l->nr_shdrs * shsz, &l->shoff) != 0)
      return -1;
  }
  l->total = pos;
  return 0;
}

static void write_ehdr(struct writer *w, const struct elfgen_spec *s, const struct layout *l, int xnum) {
  static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
  memcpy(w->img, magic, 4);
  w->img[4] = s->elf_class == 64 ? 2 : 1; /* EI_CLASS */
  w->img[5] = 1;                          /* EI_DATA: little endian */
  w->img[6] = 1;                          /* EI_VERSION */
  put_ehdr(w, ELFGEN_E_TYPE, s->e_type ? s->e_type : ELFGEN_ET_EXEC);
  put_ehdr(w, ELFGEN_E_MACHINE,
           s->machine           ? s->machine
           : s->elf_class == 64 ? ELFGEN_EM_X86_64
                                : ELFGEN_EM_386);
  put_ehdr(w, ELFGEN_E_VERSION, 1);
  put_ehdr(w, ELFGEN_E_ENTRY, s->entry);
  put_ehdr(w, ELFGEN_E_PHOFF, l->phoff);
  put_ehdr(w, ELFGEN_E_SHOFF, l->nr_shdrs ? l->shoff : 0);
  put_ehdr(w, ELFGEN_E_EHSIZE, elfgen_ehdr_size(w->cls));
  put_ehdr(w, ELFGEN_E_PHENTSIZE, elfgen_phdr_size(w->cls));
  put_ehdr(w, ELFGEN_E_PHNUM, xnum ? ELFGEN_PN_XNUM : s->nr_segs);
  put_ehdr(w, ELFGEN_E_SHENTSIZE, l->nr_shdrs ? elfgen_shdr_size(w->cls) : 0);
  /* >= SHN_LORESERVE sections: the count moves to section 0's sh_size and the
   * string table index to its sh_link (written in write_shdrs). */
  int big = l->nr_shdrs >= SHN_LORESERVE;
  put_ehdr(w, ELFGEN_E_SHNUM, big ? 0 : l->nr_shdrs);
  put_ehdr(w, ELFGEN_E_SHSTRNDX, l->nr_shdrs == 0 ? 0 : big ? SHN_XINDEX : l->nr_shdrs - 1);
}

static void write_segments(struct writer *w, const struct elfgen_spec *s, const struct layout *l) {
  size_t phsz = elfgen_phdr_size(w->cls);
  for (size_t i = 0; i < s->nr_segs; i++) {
    const struct elfgen_seg *g = &s->segs[i];
    size_t base = (size_t)l->phoff + i * phsz;
    put_phdr(w, base, ELFGEN_P_TYPE, g->type);
    put_phdr(w, base, ELFGEN_P_FLAGS, g->flags);
    put_phdr(w, base, ELFGEN_P_OFFSET, l->seg_off[i]);
    put_phdr(w, base, ELFGEN_P_VADDR, g->vaddr);
    put_phdr(w, base, ELFGEN_P_PADDR, g->paddr);
    put_phdr(w, base, ELFGEN_P_FILESZ, g->filesz);
    put_phdr(w, base, ELFGEN_P_MEMSZ, g->memsz);
    put_phdr(w, base, ELFGEN_P_ALIGN, g->align);
    uint8_t *dst = w->img + l->seg_off[i];
    if (g->data) {
      if (g->filesz)
        memcpy(dst, g->data, (size_t)g->filesz);
    } else {
      for (uint64_t k = 0; k < g->filesz; k++)
        dst[k] = elfgen_pattern(g->seed, k);
    }
  }
}

static void write_shdrs(struct writer *w, const struct elfgen_spec *s, const struct layout *l, int xnum) {
  size_t shsz = elfgen_shdr_size(w->cls);
  uint8_t *strtab = w->img + l->strtab_off;
  uint64_t name = 1; /* byte 0 of .shstrtab is the empty name */

  /* Section 0: all zero except the extended counts. */
  if (xnum)
    put_shdr(w, (size_t)l->shoff, ELFGEN_SH_INFO, s->nr_segs);
  if (l->nr_shdrs >= SHN_LORESERVE) {
    put_shdr(w, (size_t)l->shoff, ELFGEN_SH_SIZE, l->nr_shdrs);
    put_shdr(w, (size_t)l->shoff, ELFGEN_SH_LINK, l->nr_shdrs - 1);
  }
  for (size_t i = 0; i < s->nr_secs; i++) {
    const struct elfgen_sec *sec = &s->secs[i];
    size_t base = (size_t)l->shoff + (i + 1) * shsz;
    size_t nlen = sec->name ? strlen(sec->name) : 0;
    memcpy(strtab + name, sec->name ? sec->name : "", nlen + 1);
    put_shdr(w, base, ELFGEN_SH_NAME, nlen ? name : 0);
    name += nlen + 1;
    put_shdr(w, base, ELFGEN_SH_TYPE, sec->type);
    put_shdr(w, base, ELFGEN_SH_FLAGS, sec->flags);
    put_shdr(w, base, ELFGEN_SH_ADDR, sec->addr);
    put_shdr(w, base, ELFGEN_SH_OFFSET, l->sec_off[i]);
    put_shdr(w, base, ELFGEN_SH_SIZE, sec->size);
    put_shdr(w, base, ELFGEN_SH_LINK, sec->link);
    put_shdr(w, base, ELFGEN_SH_INFO, sec->info);
    put_shdr(w, base, ELFGEN_SH_ADDRALIGN, sec->align);
    if (!sec->seg_ref && sec->type != ELFGEN_SHT_NOBITS && sec->data && sec->size)
      memcpy(w->img + l->sec_off[i], sec->data, (size_t)sec->size);
  }
  size_t base = (size_t)l->shoff + (l->nr_shdrs - 1) * shsz;
  memcpy(strtab + name, ".shstrtab", sizeof(".shstrtab"));
  put_shdr(w, base, ELFGEN_SH_NAME, name);
  put_shdr(w, base, ELFGEN_SH_TYPE, ELFGEN_SHT_STRTAB);
  put_shdr(w, base, ELFGEN_SH_OFFSET, l->strtab_off);
  put_shdr(w, base, ELFGEN_SH_SIZE, l->strtab_len);
  put_shdr(w, base, ELFGEN_SH_ADDRALIGN, 1);
}

int elfgen_build(const struct elfgen_spec *s, uint8_t **out, size_t *len) {
  struct layout l = {0};
  struct writer w = {0};
  int rc = -1;

  *out = NULL;
  *len = 0;
  if (!s || (s->elf_class != 32 && s->elf_class != 64) || (s->nr_segs && !s->segs) ||
      (s->nr_secs && !s->secs))
    return -1;
  int xnum = s->use_xnum || s->nr_segs >= ELFGEN_PN_XNUM;
  l.seg_off = calloc(s->nr_segs + 1, sizeof(*l.seg_off));
  l.sec_off = calloc(s->nr_secs + 1, sizeof(*l.sec_off));
  if (!l.seg_off || !l.sec_off || plan_layout(s, xnum, &l) != 0)
    goto out;
  w.cls = s->elf_class;
  w.len = (size_t)l.total;
  w.img = calloc(1, w.len);
  if (!w.img)
    goto out;
  write_ehdr(&w, s, &l, xnum);
  write_segments(&w, s, &l);
  if (l.nr_shdrs)
    write_shdrs(&w, s, &l, xnum);
  if (w.bad) {
    free(w.img);
    goto out;
  }
  *out = w.img;
  *len = w.len;
  rc = 0;
out:
  free(l.seg_off);
  free(l.sec_off);
  return rc;
}
