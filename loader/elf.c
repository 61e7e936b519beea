/* SPDX-License-Identifier: MIT */
/* ELF header, program header and section header parsing. Every table is located
 * with checked arithmetic and read through pvh_image_read(), so nothing outside
 * the image is ever touched. Both classes are normalised into pvh_phdr/pvh_shdr
 * so that later stages never branch on the class. */
#include "pvh/elf.h"

#include <stdlib.h>
#include <string.h>

#include "le.h"

#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_386 3
#define EM_X86_64 62
#define PN_XNUM 0xffffu
#define SHN_XNUM 0u

/* Per-class sizes and field offsets; one table instead of two parsers. */
struct elf_class_desc {
  int bits;
  uint16_t ehsize, phentsize, shentsize;
  uint16_t machine;
  /* header */
  unsigned e_entry, e_phoff, e_shoff, e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum;
  /* program header */
  unsigned p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
  /* section header */
  unsigned sh_type, sh_flags, sh_addr, sh_offset, sh_size, sh_info, sh_addralign;
};

static const struct elf_class_desc elf64_desc = {
    64, 64, 56, 64, EM_X86_64, 24, 32, 40, 52, 54, 56, 58, 60, 0,
    4,  8,  16, 24, 32,        40, 48, 4,  8,  16, 24, 32, 44, 48,
};

static const struct elf_class_desc elf32_desc = {
    32, 52, 32, 40, EM_386, 24, 28, 32, 40, 42, 44, 46, 48, 0,
    24, 4,  8,  12, 16,     20, 28, 4,  8,  12, 16, 20, 28, 32,
};

/* A class-sized word: 8 bytes for ELF64, 4 for ELF32. */
static uint64_t word(const struct elf_class_desc *c, const uint8_t *p) {
  return c->bits == 64 ? le64(p) : le32(p);
}

/* Header tables are read through this buffer a slice at a time, so a table
 * of 65536 sections costs no more memory than its parsed copy. */
#define TABLE_CHUNK 4096u
#define MAX_EHSIZE 64u

/* True if a table of `count` entries of `entsize` at `off` lies inside the image. */
static int table_in_image(const struct pvh_image *img, uint64_t off, uint64_t count, uint64_t entsize) {
  uint64_t len;
  return !mul_overflows(count, entsize, &len) && pvh_image_contains(img, off, len);
}

/* Reads a table (already known to be inside the image) and decodes each
 * entry with `decode` into out[i] (entries of out_size bytes). */
static enum pvh_err read_table(const struct pvh_image *img, const struct elf_class_desc *c, uint64_t off,
                               uint64_t count, unsigned entsize,
                               void (*decode)(const struct elf_class_desc *, const uint8_t *, void *),
                               void *out, size_t out_size, struct pvh_error *err) {
  uint8_t chunk[TABLE_CHUNK];
  uint64_t per = TABLE_CHUNK / entsize; /* entsize is a class's, at most 64 */
  for (uint64_t i = 0; i < count;) {
    uint64_t n = count - i < per ? count - i : per;
    enum pvh_err rc = pvh_image_read(img, off + i * entsize, n * entsize, chunk, err);
    if (rc != PVH_OK)
      return rc;
    for (uint64_t k = 0; k < n; k++)
      decode(c, chunk + k * entsize, (uint8_t *)out + (i + k) * out_size);
    i += n;
  }
  return PVH_OK;
}

static void read_shdr(const struct elf_class_desc *c, const uint8_t *p, void *out) {
  struct pvh_shdr *sh = out;
  sh->type = le32(p + c->sh_type);
  sh->flags = word(c, p + c->sh_flags);
  sh->addr = word(c, p + c->sh_addr);
  sh->offset = word(c, p + c->sh_offset);
  sh->size = word(c, p + c->sh_size);
  sh->align = word(c, p + c->sh_addralign);
}

static void read_phdr(const struct elf_class_desc *c, const uint8_t *p, void *out) {
  struct pvh_phdr *ph = out;
  ph->type = le32(p + c->p_type);
  ph->flags = le32(p + c->p_flags);
  ph->offset = word(c, p + c->p_offset);
  ph->vaddr = word(c, p + c->p_vaddr);
  ph->paddr = word(c, p + c->p_paddr);
  ph->filesz = word(c, p + c->p_filesz);
  ph->memsz = word(c, p + c->p_memsz);
  ph->align = word(c, p + c->p_align);
}

/* Reads and checks the identification, then reads the whole ELF header into eh. */
static enum pvh_err check_ident(const struct pvh_image *img, const struct elf_class_desc **cls,
                                uint8_t eh[MAX_EHSIZE], struct pvh_error *err) {
  const uint8_t *id = eh;
  enum pvh_err rc;
  if (!pvh_image_contains(img, 0, 16))
    return pvh_fail(err, PVH_E_ELF_TRUNCATED, "file is %llu bytes, shorter than an ELF identification (16)",
                    (unsigned long long)img->size);
  if ((rc = pvh_image_read(img, 0, 16, eh, err)) != PVH_OK)
    return rc;
  if (memcmp(id,
             "\x7f"
             "ELF",
             4) != 0)
    return pvh_fail(err, PVH_E_ELF_MAGIC, "e_ident magic is %02x %02x %02x %02x, not 7f 45 4c 46", id[0],
                    id[1], id[2], id[3]);
  if (id[EI_CLASS] == ELFCLASS64)
    *cls = &elf64_desc;
  else if (id[EI_CLASS] == ELFCLASS32)
    *cls = &elf32_desc;
  else
    return pvh_fail(err, PVH_E_ELF_CLASS, "EI_CLASS is %u, not 1 (ELF32) or 2 (ELF64)", id[EI_CLASS]);
  if (id[EI_DATA] != ELFDATA2LSB)
    return pvh_fail(err, PVH_E_ELF_DATA, "EI_DATA is %u, not 1 (little endian)", id[EI_DATA]);
  if (id[EI_VERSION] != EV_CURRENT)
    return pvh_fail(err, PVH_E_ELF_VERSION, "EI_VERSION is %u, not 1", id[EI_VERSION]);
  if (!pvh_image_contains(img, 0, (*cls)->ehsize))
    return pvh_fail(err, PVH_E_ELF_TRUNCATED, "file is %llu bytes, shorter than an ELF%d header (%u)",
                    (unsigned long long)img->size, (*cls)->bits, (*cls)->ehsize);
  return pvh_image_read(img, 16, (*cls)->ehsize - 16u, eh + 16, err);
}

static enum pvh_err check_header(const uint8_t *eh, const struct elf_class_desc *c, struct pvh_error *err) {
  uint32_t version = le32(eh + 20);
  uint16_t type = le16(eh + 16), machine = le16(eh + 18), ehsize = le16(eh + c->e_ehsize);
  if (version != EV_CURRENT)
    return pvh_fail(err, PVH_E_ELF_VERSION, "e_version is %u, not 1", version);
  if (machine != c->machine)
    return pvh_fail(err, PVH_E_ELF_MACHINE, "e_machine is %u; ELF%d x86 kernels need %u (%s)", machine,
                    c->bits, c->machine, c->bits == 64 ? "EM_X86_64" : "EM_386");
  if (type != ET_EXEC)
    return pvh_fail(err, PVH_E_ELF_TYPE, "e_type is %u, not 2 (ET_EXEC)", type);
  if (ehsize != c->ehsize)
    return pvh_fail(err, PVH_E_ELF_EHSIZE, "e_ehsize is %u, not %u", ehsize, c->ehsize);
  return PVH_OK;
}

/* Reads section 0, which holds the real counts when e_phnum == PN_XNUM or
 * e_shnum == SHN_XNUM. Fails if there is no usable section table. */
static enum pvh_err read_section0(const struct pvh_image *img, const struct elf_class_desc *c,
                                  const uint8_t *eh, struct pvh_shdr *sh0, uint32_t *sh_info,
                                  struct pvh_error *err) {
  uint64_t shoff = word(c, eh + c->e_shoff);
  uint16_t shentsize = le16(eh + c->e_shentsize);
  if (shoff == 0)
    return pvh_fail(err, PVH_E_ELF_XNUM, "extended numbering needs section 0 but e_shoff is 0");
  if (shentsize != c->shentsize)
    return pvh_fail(err, PVH_E_ELF_SHENTSIZE, "e_shentsize is %u, not %u", shentsize, c->shentsize);
  uint8_t p[64]; /* shentsize of either class */
  enum pvh_err rc;
  if (!pvh_image_contains(img, shoff, c->shentsize))
    return pvh_fail(err, PVH_E_ELF_SHDRS_BOUNDS,
                    "section 0 at e_shoff 0x%llx+0x%x is outside the %llu-byte file",
                    (unsigned long long)shoff, c->shentsize, (unsigned long long)img->size);
  if ((rc = pvh_image_read(img, shoff, c->shentsize, p, err)) != PVH_OK)
    return rc;
  read_shdr(c, p, sh0);
  *sh_info = le32(p + c->sh_info);
  return PVH_OK;
}

static enum pvh_err parse_phdrs(const struct pvh_image *img, const struct elf_class_desc *c,
                                const uint8_t *eh, struct pvh_elf *elf, struct pvh_error *err) {
  uint64_t phoff = word(c, eh + c->e_phoff);
  uint16_t phentsize = le16(eh + c->e_phentsize);
  uint64_t phnum = le16(eh + c->e_phnum);

  if (phnum == PN_XNUM) {
    struct pvh_shdr sh0;
    uint32_t info;
    enum pvh_err rc = read_section0(img, c, eh, &sh0, &info, err);
    if (rc != PVH_OK)
      return rc;
    /* gABI: the real count is in section 0's sh_info. Producers only use this
     * for >= 0xffff headers, but readers (libelf too) take any value. */
    phnum = info;
  }
  if (phnum == 0)
    return pvh_fail(err, PVH_E_NO_LOAD_SEGMENTS, "e_phnum is 0: no program headers");
  /* gABI: e_phoff 0 means there is no program header table (else the ELF
   * header itself would be read as program headers). */
  if (phoff == 0)
    return pvh_fail(err, PVH_E_NO_LOAD_SEGMENTS, "e_phoff is 0: no program header table (e_phnum %llu)",
                    (unsigned long long)phnum);
  if (phnum > PVH_ELF_MAX_PHDRS)
    return pvh_fail(err, PVH_E_ELF_TOO_MANY_PHDRS, "%llu program headers, limit %u",
                    (unsigned long long)phnum, PVH_ELF_MAX_PHDRS);
  if (phentsize != c->phentsize)
    return pvh_fail(err, PVH_E_ELF_PHENTSIZE, "e_phentsize is %u, not %u", phentsize, c->phentsize);
  if (!table_in_image(img, phoff, phnum, phentsize))
    return pvh_fail(err, PVH_E_ELF_PHDRS_BOUNDS,
                    "program headers at e_phoff 0x%llx (%llu x %u bytes) are outside the %llu-byte file",
                    (unsigned long long)phoff, (unsigned long long)phnum, phentsize,
                    (unsigned long long)img->size);
  elf->phdrs = calloc(phnum, sizeof(*elf->phdrs));
  if (!elf->phdrs)
    return pvh_fail(err, PVH_E_NOMEM, "cannot allocate %llu program headers", (unsigned long long)phnum);
  elf->nr_phdrs = (uint32_t)phnum;
  return read_table(img, c, phoff, phnum, phentsize, read_phdr, elf->phdrs, sizeof(*elf->phdrs), err);
}

/* Section headers are optional for a PVH load; problems with the table are
 * parked in elf->shdr_error rather than failing the parse. Running out of
 * memory or failing to read the file fails it (through err). */
static enum pvh_err parse_shdrs(const struct pvh_image *img, const struct elf_class_desc *c,
                                const uint8_t *eh, struct pvh_elf *elf, struct pvh_error *err) {
  struct pvh_error *serr = &elf->shdr_error;
  uint64_t shoff = word(c, eh + c->e_shoff);
  uint16_t shentsize = le16(eh + c->e_shentsize);
  uint64_t shnum = le16(eh + c->e_shnum);

  if (shoff == 0)
    return PVH_OK; /* no section table */
  if (shnum == SHN_XNUM) {
    struct pvh_shdr sh0;
    uint32_t info;
    enum pvh_err rc = read_section0(img, c, eh, &sh0, &info, serr);
    if (rc == PVH_E_IO)
      return pvh_fail(err, rc, "%s", serr->message);
    if (rc != PVH_OK)
      return PVH_OK;
    shnum = sh0.size;
    if (shnum == 0)
      return PVH_OK; /* e_shoff set but no sections: an empty table */
  }
  if (shnum > PVH_ELF_MAX_SHDRS) {
    pvh_fail(serr, PVH_E_ELF_TOO_MANY_SHDRS, "%llu section headers, limit %u", (unsigned long long)shnum,
             PVH_ELF_MAX_SHDRS);
    return PVH_OK;
  }
  if (shentsize != c->shentsize) {
    pvh_fail(serr, PVH_E_ELF_SHENTSIZE, "e_shentsize is %u, not %u", shentsize, c->shentsize);
    return PVH_OK;
  }
  if (!table_in_image(img, shoff, shnum, shentsize)) {
    pvh_fail(serr, PVH_E_ELF_SHDRS_BOUNDS,
             "section headers at e_shoff 0x%llx (%llu x %u bytes) are outside the %llu-byte file",
             (unsigned long long)shoff, (unsigned long long)shnum, shentsize, (unsigned long long)img->size);
    return PVH_OK;
  }
  elf->shdrs = calloc(shnum, sizeof(*elf->shdrs));
  if (!elf->shdrs)
    return pvh_fail(err, PVH_E_NOMEM, "cannot allocate %llu section headers", (unsigned long long)shnum);
  elf->nr_shdrs = (uint32_t)shnum;
  return read_table(img, c, shoff, shnum, shentsize, read_shdr, elf->shdrs, sizeof(*elf->shdrs), err);
}

enum pvh_err pvh_elf_parse(const struct pvh_image *img, struct pvh_elf *elf, struct pvh_error *err) {
  const struct elf_class_desc *c = NULL;
  enum pvh_err rc;

  memset(elf, 0, sizeof(*elf));
  pvh_error_clear(&elf->shdr_error);
  uint8_t eh[MAX_EHSIZE];
  if ((rc = check_ident(img, &c, eh, err)) != PVH_OK)
    return rc;
  if ((rc = check_header(eh, c, err)) != PVH_OK)
    return rc;

  elf->elf_class = c->bits;
  elf->machine = le16(eh + 18);
  elf->type = le16(eh + 16);
  elf->e_entry = word(c, eh + c->e_entry);

  if ((rc = parse_phdrs(img, c, eh, elf, err)) != PVH_OK)
    goto fail;
  if ((rc = parse_shdrs(img, c, eh, elf, err)) != PVH_OK)
    goto fail;
  return PVH_OK;
fail:
  pvh_elf_free(elf);
  return rc;
}

void pvh_elf_free(struct pvh_elf *elf) {
  free(elf->phdrs);
  free(elf->shdrs);
  elf->phdrs = NULL;
  elf->shdrs = NULL;
  elf->nr_phdrs = 0;
  elf->nr_shdrs = 0;
}
