/* SPDX-License-Identifier: MIT */
/* The real Debian vmlinux through pvh_load, checked against elfutils libelf as
 * an independent reader: the same PT_LOADs (paddr, sizes, offset, flags), the
 * same PHYS32_ENTRY (libelf's own note walk), and guest memory equal to the
 * file bytes of every segment with its BSS zeroed, both from the bytes in
 * memory and from the file read with pread in chunks. Skips (77) with the
 * reason when no kernel was fetched.
 * Kernel: $PVH_VMLINUX, else ${PVH_CACHE_DIR:-$HOME/.cache/pvhcheck}/vmlinux. */
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static char kernel_path[4096];
static struct {
  uint8_t *data;
  size_t size;
} kernel;                            /* the file's bytes, read by the test itself */
static struct pvh_image kernel_file; /* the same file as libpvh's file source */

/* Reads the whole file; 0 or -1. */
static int read_all(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  size_t cap = 1u << 20;
  kernel.data = malloc(cap);
  size_t n;
  while (kernel.data && (n = fread(kernel.data + kernel.size, 1, cap - kernel.size, f)) > 0) {
    kernel.size += n;
    if (kernel.size == cap)
      kernel.data = realloc(kernel.data, cap *= 2);
  }
  fclose(f);
  return kernel.data ? 0 : -1;
}

/* PHYS32_ENTRY as libelf's note walk finds it in the PT_NOTE segments. */
static int libelf_entry(Elf *e, uint64_t *entry) {
  size_t phnum;
  int found = 0;
  if (elf_getphdrnum(e, &phnum) != 0)
    return 0;
  for (size_t i = 0; i < phnum; i++) {
    GElf_Phdr ph;
    if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_NOTE || ph.p_filesz == 0)
      continue;
    Elf_Data *d = elf_getdata_rawchunk(e, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_NHDR);
    size_t off = 0, next, name_off, desc_off;
    GElf_Nhdr nh;
    while (d && (next = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
      const char *name = (const char *)d->d_buf + name_off;
      const uint8_t *desc = (const uint8_t *)d->d_buf + desc_off;
      if (nh.n_namesz == 4 && !memcmp(name, "Xen", 4) && nh.n_type == 18 &&
          (nh.n_descsz == 4 || nh.n_descsz == 8)) {
        uint64_t v = 0;
        for (unsigned b = 0; b < nh.n_descsz; b++)
          v |= (uint64_t)desc[b] << (8 * b);
        *entry = v;
        found = 1;
      }
      off = next;
    }
  }
  return found;
}

static void same_as_libelf(void **s) {
  (void)s;
  assert_int_not_equal(elf_version(EV_CURRENT), EV_NONE);
  Elf *e = elf_memory((char *)kernel.data, (size_t)kernel.size);
  assert_non_null(e);

  struct harness *h = h_new(1ull << 30);
  h_load(h, kernel.data, (size_t)kernel.size);
  h_expect_ok(h);
  const struct pvh_load_report *r = &h->plan.report;

  struct pvh_rec_bus file_bus;
  struct pvh_plan file_plan;
  struct pvh_error err;
  pvh_rec_bus_init(&file_bus, h->map, h->nmap, 1);
  assert_int_equal(pvh_load(&kernel_file, &h->cfg, &file_bus.bus, &file_plan, &err), PVH_OK);
  assert_int_equal(file_plan.report.note.entry, r->note.entry);

  uint64_t entry = 0;
  assert_true(libelf_entry(e, &entry));
  assert_int_equal(r->note.entry, entry);
  assert_int_equal(h->plan.entry.rip, entry);
  assert_int_equal(r->elf_class, gelf_getclass(e) == ELFCLASS64 ? 64 : 32);

  size_t phnum, loads = 0;
  assert_int_equal(elf_getphdrnum(e, &phnum), 0);
  for (size_t i = 0; i < phnum; i++) {
    GElf_Phdr ph;
    assert_non_null(gelf_getphdr(e, (int)i, &ph));
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
      continue;
    assert_true(loads < r->nr_segments);
    const struct pvh_placed_segment *seg = &r->segments[loads++];
    assert_int_equal(seg->phdr_index, i);
    assert_int_equal(seg->paddr, ph.p_paddr);
    assert_int_equal(seg->filesz, ph.p_filesz);
    assert_int_equal(seg->memsz, ph.p_memsz);
    assert_int_equal(seg->offset, ph.p_offset);
    assert_int_equal(seg->flags, ph.p_flags);
    /* Guest bytes: the file bytes, then zeros. */
    uint8_t *g = h_read(h, ph.p_paddr, ph.p_memsz);
    if (memcmp(g, kernel.data + ph.p_offset, ph.p_filesz) != 0)
      fail_msg("PT_LOAD %zu: guest bytes differ from the file", i);
    for (uint64_t b = ph.p_filesz; b < ph.p_memsz; b++)
      if (g[b] != 0)
        fail_msg("PT_LOAD %zu: BSS byte 0x%llx is 0x%02x", i, (unsigned long long)b, g[b]);
    free(g);
    /* The file source: the same bytes, read with pread and written in chunks. */
    g = malloc(ph.p_filesz ? ph.p_filesz : 1);
    assert_non_null(g);
    assert_int_equal(pvh_rec_bus_read(&file_bus, ph.p_paddr, g, ph.p_filesz, 0xee), 0);
    if (memcmp(g, kernel.data + ph.p_offset, ph.p_filesz) != 0)
      fail_msg("PT_LOAD %zu: guest bytes from the file source differ from the file", i);
    free(g);
  }
  assert_int_equal(loads, r->nr_segments);
  assert_true(loads > 0);
  print_message("%s: %zu PT_LOAD, entry 0x%llx, %llu bytes placed\n", kernel_path, loads,
                (unsigned long long)entry, (unsigned long long)r->bytes_planned);
  pvh_plan_free(&file_plan);
  pvh_rec_bus_free(&file_bus);
  h_free(h);
  elf_end(e);
}

int main(void) {
  const char *env = getenv("PVH_VMLINUX");
  if (env && *env) {
    snprintf(kernel_path, sizeof(kernel_path), "%s", env);
  } else {
    const char *cache = getenv("PVH_CACHE_DIR");
    if (cache && *cache)
      snprintf(kernel_path, sizeof(kernel_path), "%s/vmlinux", cache);
    else
      snprintf(kernel_path, sizeof(kernel_path), "%s/.cache/pvhcheck/vmlinux",
               getenv("HOME") ? getenv("HOME") : "");
  }
  struct pvh_error err;
  if (pvh_image_open(&kernel_file, kernel_path, &err) != PVH_OK || read_all(kernel_path) != 0) {
    printf("SKIPPED: no kernel at %s (%s); run tools/fetch-debian-kernel.sh or set PVH_VMLINUX\n",
           kernel_path, err.message);
    return 77;
  }
  const struct CMUnitTest tests[] = {cmocka_unit_test(same_as_libelf)};
  int rc = cmocka_run_group_tests_name("real-kernel-bytes", tests, NULL, NULL);
  pvh_image_close(&kernel_file);
  free(kernel.data);
  return rc;
}
