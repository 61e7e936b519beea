/* SPDX-License-Identifier: MIT */
/* End-to-end loads through pvh_load with a recording bus that keeps the bytes:
 * what lands in guest memory (segments byte by byte, BSS zero-filled, boot
 * data), the returned entry state and the GDT that encodes it, start_info and
 * its memmap/modlist/cmdline, and where the initramfs goes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* ---- checks shared by the tests ---- */

/* Guest bytes of segment `seg` (as built by elfgen) equal the file pattern,
 * the BSS reads back as zeros written by the loader (never the 0xEE fill of
 * unwritten bytes), and the byte after memsz was not written. */
static void check_segment_bytes(struct harness *h, const struct elfgen_seg *seg) {
  uint8_t *g = h_read(h, seg->paddr, seg->memsz + 1);
  for (uint64_t i = 0; i < seg->filesz; i++) {
    uint8_t want = seg->data ? ((const uint8_t *)seg->data)[i] : elfgen_pattern(seg->seed, i);
    if (g[i] != want)
      fail_msg("segment 0x%llx byte %llu: 0x%02x, expected 0x%02x", (unsigned long long)seg->paddr,
               (unsigned long long)i, g[i], want);
  }
  for (uint64_t i = seg->filesz; i < seg->memsz; i++)
    if (g[i] != 0)
      fail_msg("BSS of segment 0x%llx byte %llu: 0x%02x, not zero-filled", (unsigned long long)seg->paddr,
               (unsigned long long)i, g[i]);
  assert_int_equal(g[seg->memsz], H_UNWRITTEN);
  free(g);
}

static void check_flat_segment(const struct pvh_segment *s, uint8_t type) {
  assert_int_equal(s->base, 0);
  assert_int_equal(s->limit, 0xffffffffu);
  assert_int_equal(s->type, type);
  assert_int_equal(s->present, 1);
  assert_int_equal(s->s, 1);
  assert_int_equal(s->db, 1);
  assert_int_equal(s->l, 0);
  assert_int_equal(s->g, 1);
  assert_int_equal(s->dpl, 0);
  assert_int_equal(s->unusable, 0);
}

/* The architectural PVH entry state. */
static void check_entry_state(const struct pvh_entry_state *st, uint64_t entry, uint64_t start_info) {
  assert_int_equal(st->rip, entry);
  assert_int_equal(st->rbx, start_info);
  assert_true(st->cr0 & PVH_CR0_PE);
  assert_int_equal(st->cr0 & ~(PVH_CR0_PE | PVH_CR0_ET), 0); /* PG, WP, NE... all clear */
  assert_int_equal(st->cr4, 0);
  assert_int_equal(st->efer, 0);
  assert_int_equal(st->rflags, 0x2);
  check_flat_segment(&st->cs, 0xb); /* execute/read, accessed: bit 3 code, bit 1 readable */
  assert_true(st->cs.type & 0x8);
  const struct pvh_segment *data[] = {&st->ds, &st->es, &st->fs, &st->gs, &st->ss};
  for (size_t i = 0; i < sizeof(data) / sizeof(data[0]); i++) {
    check_flat_segment(data[i], 0x3); /* read/write, accessed */
    assert_false(data[i]->type & 0x8);
  }
  assert_int_equal(st->tr.type, 0xb); /* 32-bit TSS, busy */
  assert_int_equal(st->tr.limit, 0x67);
  assert_int_equal(st->tr.base, 0);
  assert_int_equal(st->tr.present, 1);
  assert_int_equal(st->tr.s, 0);
  assert_int_equal(st->tr.unusable, 0);
}

/* The GDT in guest memory decodes to exactly the segments handed to KVM. */
static void check_gdt(struct harness *h) {
  const struct pvh_entry_state *st = &h->plan.entry;
  assert_int_equal(st->gdt.base, h->plan.report.gdt_paddr);
  assert_int_equal(st->gdt.limit, PVH_GDT_SIZE - 1);
  uint64_t desc[PVH_GDT_ENTRIES];
  for (unsigned i = 0; i < PVH_GDT_ENTRIES; i++)
    desc[i] = h_read_u64(h, st->gdt.base + 8 * i);
  assert_int_equal(desc[0], 0); /* the null descriptor */
  const struct pvh_segment *segs[] = {&st->cs, &st->ds, &st->es, &st->fs, &st->gs, &st->ss, &st->tr};
  for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
    unsigned idx = segs[i]->selector >> 3;
    assert_true(idx > 0 && idx < PVH_GDT_ENTRIES);
    assert_int_equal(segs[i]->selector & 7, 0); /* GDT, RPL 0 */
    struct pvh_segment dec = pvh_gdt_decode(desc[idx], segs[i]->selector);
    char why[128] = "";
    if (pvh_segment_diff(&dec, segs[i], why, sizeof(why)) != 0)
      fail_msg("GDT entry %u (selector 0x%x) differs from the entry state: %s", idx, segs[i]->selector, why);
  }
}

static struct hvm_start_info read_start_info(struct harness *h) {
  struct hvm_start_info si;
  assert_int_equal(pvh_rec_bus_read(&h->rb, h->plan.entry.rbx, &si, sizeof(si), H_UNWRITTEN), 0);
  return si;
}

/* start_info's memmap equals the region list, sorted by address. */
static void check_memmap(struct harness *h, const struct hvm_start_info *si) {
  struct pvh_mem_region *sorted = NULL;
  struct pvh_error err;
  assert_int_equal(pvh_memmap_sorted(h->rb.bus.regions, h->rb.bus.nr_regions, &sorted, &err), PVH_OK);
  assert_int_equal(si->memmap_entries, h->rb.bus.nr_regions);
  assert_int_equal(si->memmap_paddr, h->plan.report.memmap_paddr);
  for (size_t i = 0; i < si->memmap_entries; i++) {
    struct hvm_memmap_table_entry e;
    assert_int_equal(pvh_rec_bus_read(&h->rb, si->memmap_paddr + i * sizeof(e), &e, sizeof(e), H_UNWRITTEN),
                     0);
    assert_int_equal(e.addr, sorted[i].addr);
    assert_int_equal(e.size, sorted[i].size);
    assert_int_equal(e.type, sorted[i].type);
    assert_int_equal(e.reserved, 0);
    if (i > 0)
      assert_true(e.addr > sorted[i - 1].addr);
  }
  free(sorted);
}

/* No two planned writes overlap and all are inside one RAM region each. */
static void check_ops_disjoint_in_ram(struct harness *h) {
  for (size_t i = 0; i < h->plan.nr_ops; i++) {
    const struct pvh_write_op *a = &h->plan.ops[i];
    assert_true(pvh_memmap_is_ram(h->rb.bus.regions, h->rb.bus.nr_regions, a->gpa, a->len));
    for (size_t j = i + 1; j < h->plan.nr_ops; j++) {
      const struct pvh_write_op *b = &h->plan.ops[j];
      if (a->gpa < b->gpa + b->len && b->gpa < a->gpa + a->len)
        fail_msg("%s 0x%llx+0x%llx overlaps %s 0x%llx+0x%llx", pvh_write_kind_name(a->kind),
                 (unsigned long long)a->gpa, (unsigned long long)a->len, pvh_write_kind_name(b->kind),
                 (unsigned long long)b->gpa, (unsigned long long)b->len);
    }
  }
}

static struct harness *load_ok(struct test_kernel *k) {
  struct harness *h = h_new(H_RAM);
  tk_build(k);
  h_load(h, k->img, k->len);
  h_expect_ok(h);
  return h;
}

/* ---- tests ---- */

static void default_kernel(int cls, uint32_t desc_size) {
  struct test_kernel k;
  tk_init(&k, cls);
  struct elfgen_buf notes = {0};
  elfgen_note(&notes, "GNU", 3, "0123456789abcdefghij", 20);
  elfgen_note_pvh(&notes, TK_ENTRY, desc_size);
  tk_set_notes(&k, &notes);
  elfgen_buf_free(&notes);
  struct harness *h = load_ok(&k);
  const struct pvh_load_report *r = &h->plan.report;

  assert_int_equal(r->elf_class, cls);
  assert_int_equal(r->machine, cls == 64 ? 62 : 3);
  assert_int_equal(r->note.entry, TK_ENTRY);
  assert_int_equal(r->note.source, PVH_NOTE_PT_NOTE);
  assert_int_equal(r->note.container, 2);
  assert_int_equal(r->note.desc_size, desc_size);
  assert_int_equal(r->note.notes_seen, 2);
  assert_int_equal(r->note.xen_notes_seen, 1);
  assert_int_equal(r->nr_segments, 2);
  assert_int_equal(r->segments[0].phdr_index, 0);
  assert_int_equal(r->segments[1].phdr_index, 1);
  assert_int_equal(r->segments[1].flags, ELFGEN_PF_R | ELFGEN_PF_W);
  assert_int_equal(r->kernel_start, TK_TEXT);
  assert_int_equal(r->kernel_end, TK_DATA + TK_DATA_MEMSZ);
  check_segment_bytes(h, &k.segs[0]);
  check_segment_bytes(h, &k.segs[1]);
  check_entry_state(&h->plan.entry, TK_ENTRY, r->start_info_paddr);
  check_gdt(h);
  check_ops_disjoint_in_ram(h);

  struct hvm_start_info si = read_start_info(h);
  assert_int_equal(si.magic, 0x336ec578u);
  assert_int_equal(si.version, 1);
  assert_int_equal(si.flags, 0);
  assert_int_equal(si.nr_modules, 0);
  assert_int_equal(si.cmdline_paddr, 0);
  assert_int_equal(si.rsdp_paddr, 0);
  assert_int_equal(si.reserved, 0);
  check_memmap(h, &si);
  /* Everything written is accounted for by the plan and nothing else. */
  assert_int_equal(h->rb.nr_writes, h->plan.nr_ops);
  assert_int_equal(h->rb.total_bytes, r->bytes_planned);
  h_free(h);
  tk_free(&k);
}

static void elf64_desc8(void **s) {
  (void)s;
  default_kernel(64, 8);
}
static void elf64_desc4(void **s) {
  (void)s;
  default_kernel(64, 4);
}
static void elf32_desc4(void **s) {
  (void)s;
  default_kernel(32, 4);
}
static void elf32_desc8(void **s) {
  (void)s;
  default_kernel(32, 8);
}

static void sht_note_only(int cls) {
  struct test_kernel k;
  tk_init(&k, cls);
  k.segs[2].type = ELFGEN_PT_NULL;
  tk_add_sec(
      &k,
      (struct elfgen_sec){
          .name = ".text", .type = ELFGEN_SHT_PROGBITS, .size = TK_TEXT_SIZE, .seg_ref = 1, .addr = TK_TEXT});
  size_t idx = tk_add_sec(&k, ELFGEN_NOTE_SEC(".note.Xen", &k.notes));
  struct harness *h = load_ok(&k);
  assert_int_equal(h->plan.report.note.source, PVH_NOTE_SHT_NOTE);
  assert_int_equal(h->plan.report.note.container, idx + 1); /* after the null section */
  assert_int_equal(h->plan.report.note.entry, TK_ENTRY);
  assert_int_equal(h->plan.entry.rip, TK_ENTRY);
  check_segment_bytes(h, &k.segs[0]);
  h_free(h);
  tk_free(&k);
}
static void sht_note_only64(void **s) {
  (void)s;
  sht_note_only(64);
}
static void sht_note_only32(void **s) {
  (void)s;
  sht_note_only(32);
}

/* PT_NOTE wins: the sections are only a fallback, so a different entry in an
 * SHT_NOTE is neither used nor a conflict. */
static void pt_note_preferred(void **s) {
  (void)s;
  struct test_kernel k;
  struct elfgen_buf other = {0};
  tk_init(&k, 64);
  elfgen_note_pvh(&other, TK_ENTRY + 0x100, 4);
  tk_add_sec(&k, ELFGEN_NOTE_SEC(".note.other", &other));
  struct harness *h = load_ok(&k);
  assert_int_equal(h->plan.report.note.source, PVH_NOTE_PT_NOTE);
  assert_int_equal(h->plan.entry.rip, TK_ENTRY);
  h_free(h);
  tk_free(&k);
  elfgen_buf_free(&other);
}

/* Notes of every padding shape before the PVH one, including other Xen notes. */
static void many_notes_before(void **s) {
  (void)s;
  for (int cls = 32; cls <= 64; cls += 32) {
    struct test_kernel k;
    struct elfgen_buf b = {0};
    tk_init(&k, cls);
    elfgen_note(&b, "GNU", 3, "abc", 3);                /* desc needs 1 pad byte */
    elfgen_note(&b, "Linux", 0x100, "x", 1);            /* name 6 -> 8, desc 1 -> 4 */
    elfgen_note(&b, NULL, 7, NULL, 0);                  /* empty note */
    elfgen_note(&b, "Xen", 6, "linux", 5);              /* XEN_ELFNOTE_GUEST_OS */
    elfgen_note(&b, "Xen", 1, "\0\0\0\0\0\0\0\x80", 8); /* another Xen type */
    elfgen_note(&b, "LongOwnerName", 9, "0123456789", 10);
    elfgen_note_pvh(&b, TK_ENTRY + 8, cls == 64 ? 8 : 4);
    elfgen_note(&b, "GNU", 1, "after", 5); /* notes after it are walked too */
    tk_set_notes(&k, &b);
    struct harness *h = load_ok(&k);
    assert_int_equal(h->plan.report.note.entry, TK_ENTRY + 8);
    assert_int_equal(h->plan.report.note.notes_seen, 8);
    assert_int_equal(h->plan.report.note.xen_notes_seen, 3);
    assert_int_equal(h->plan.entry.rip, TK_ENTRY + 8);
    h_free(h);
    tk_free(&k);
    elfgen_buf_free(&b);
  }
}

/* Repeated PHYS32_ENTRY notes that agree (4- and 8-byte forms) are fine. */
static void agreeing_duplicates(void **s) {
  (void)s;
  struct test_kernel k;
  struct elfgen_buf b = {0}, again = {0};
  tk_init(&k, 64);
  elfgen_note_pvh(&b, TK_ENTRY, 4);
  elfgen_note_pvh(&b, TK_ENTRY, 8);
  tk_set_notes(&k, &b);
  elfgen_note_pvh(&again, TK_ENTRY, 4);
  tk_add_seg(&k, ELFGEN_NOTE_SEG(&again));
  struct harness *h = load_ok(&k);
  assert_int_equal(h->plan.report.note.entry, TK_ENTRY);
  assert_int_equal(h->plan.report.note.container, 2); /* the first one found */
  assert_int_equal(h->plan.report.note.desc_size, 4);
  h_free(h);
  tk_free(&k);
  elfgen_buf_free(&b);
  elfgen_buf_free(&again);
}

/* Several segments with mixed flags, unsorted addresses, a pure-BSS segment
 * (filesz 0), an empty PT_LOAD (memsz 0) and non-load headers in between. */
static void several_segments(void **s) {
  (void)s;
  for (int cls = 32; cls <= 64; cls += 32) {
    struct test_kernel k;
    tk_init(&k, cls);
    tk_add_seg(&k, ELFGEN_LOAD(0x800000, 0x1800, 0x1800, ELFGEN_PF_R));
    tk_add_seg(&k, ELFGEN_LOAD(0x600000, 0, 0x5000, ELFGEN_PF_R | ELFGEN_PF_W));     /* pure BSS */
    tk_add_seg(&k, (struct elfgen_seg){.type = 0x6474e551});                         /* PT_GNU_STACK */
    tk_add_seg(&k, ELFGEN_LOAD(0x700000, 0, 0, ELFGEN_PF_R));                        /* occupies nothing */
    tk_add_seg(&k, ELFGEN_LOAD(0x300000, 0x123, 0x1000, ELFGEN_PF_R | ELFGEN_PF_X)); /* odd size */
    struct harness *h = load_ok(&k);
    const struct pvh_load_report *r = &h->plan.report;
    assert_int_equal(r->nr_segments, 5);
    assert_int_equal(r->kernel_start, TK_TEXT);
    assert_int_equal(r->kernel_end, 0x801800);
    for (size_t i = 0; i < k.spec.nr_segs; i++)
      if (k.segs[i].type == ELFGEN_PT_LOAD && k.segs[i].memsz)
        check_segment_bytes(h, &k.segs[i]);
    /* Nothing was written for the empty PT_LOAD nor the PT_NOTE contents. */
    uint8_t b;
    assert_int_equal(pvh_rec_bus_read(&h->rb, 0x700000, &b, 1, H_UNWRITTEN), 0);
    assert_int_equal(b, H_UNWRITTEN);
    for (size_t i = 0; i < h->plan.nr_ops; i++)
      if (h->plan.ops[i].kind == PVH_W_SEGMENT || h->plan.ops[i].kind == PVH_W_BSS)
        assert_int_not_equal(h->plan.ops[i].index, 2); /* the PT_NOTE */
    check_ops_disjoint_in_ram(h);
    h_free(h);
    tk_free(&k);
  }
}

/* The entry may be in any executable segment, not only the first. */
static void entry_in_second_text(void **s) {
  (void)s;
  struct test_kernel k;
  struct elfgen_buf b = {0};
  tk_init(&k, 32);
  tk_add_seg(&k, ELFGEN_LOAD(0x900000, 0x1000, 0x1000, ELFGEN_PF_R | ELFGEN_PF_X));
  elfgen_note_pvh(&b, 0x900ffc, 4);
  tk_set_notes(&k, &b);
  struct harness *h = load_ok(&k);
  assert_int_equal(h->plan.entry.rip, 0x900ffc);
  h_free(h);
  tk_free(&k);
  elfgen_buf_free(&b);
}

/* PN_XNUM with a correct count in section 0 loads like the plain file. */
static void xnum_good(void **s) {
  (void)s;
  for (int cls = 32; cls <= 64; cls += 32) {
    struct test_kernel k;
    tk_init(&k, cls);
    k.spec.use_xnum = 1;
    struct harness *h = load_ok(&k);
    assert_int_equal(elfgen_get_ehdr(k.img, k.len, ELFGEN_E_PHNUM), 0xffff);
    assert_int_equal(h->plan.report.nr_segments, 2);
    assert_int_equal(h->plan.entry.rip, TK_ENTRY);
    uint64_t digest = pvh_rec_bus_digest(&h->rb);
    h_free(h);
    /* Same effects as the same kernel without extended numbering. */
    k.spec.use_xnum = 0;
    h = load_ok(&k);
    assert_int_equal(pvh_rec_bus_digest(&h->rb), digest);
    h_free(h);
    tk_free(&k);
  }
}

/* A broken section table does not matter when PT_NOTE has the entry. */
static void bad_sections_ignored(void **s) {
  (void)s;
  struct test_kernel k;
  tk_init(&k, 64);
  k.spec.section_table = 1;
  tk_build(&k);
  elfgen_set_ehdr(k.img, k.len, ELFGEN_E_SHENTSIZE, 3);
  elfgen_set_ehdr(k.img, k.len, ELFGEN_E_SHOFF, k.len + 100);
  struct harness *h = h_new(H_RAM);
  h_load(h, k.img, k.len);
  h_expect_ok(h);
  assert_int_equal(h->plan.entry.rip, TK_ENTRY);
  h_free(h);
  tk_free(&k);
}

static void cmdline_initramfs_rsdp(void **s) {
  (void)s;
  static uint8_t initrd_bytes[3 * 4096 + 17];
  for (size_t i = 0; i < sizeof(initrd_bytes); i++)
    initrd_bytes[i] = (uint8_t)(i * 7 + 3);
  struct pvh_image initrd;
  pvh_image_from_buffer(&initrd, initrd_bytes, sizeof(initrd_bytes), "initrd");
  const char *cmdline = "console=ttyS0 root=/dev/vda rw quiet";

  struct test_kernel k;
  tk_init(&k, 64);
  struct harness *h = h_new(H_RAM);
  h->cfg.cmdline = cmdline;
  h->cfg.initramfs = &initrd;
  h->cfg.rsdp_paddr = 0xe0000;
  tk_build(&k);
  h_load(h, k.img, k.len);
  h_expect_ok(h);
  const struct pvh_load_report *r = &h->plan.report;

  struct hvm_start_info si = read_start_info(h);
  assert_int_equal(si.magic, PVH_START_MAGIC);
  assert_int_equal(si.version, 1);
  assert_int_equal(si.rsdp_paddr, 0xe0000);
  assert_int_equal(si.nr_modules, 1);
  assert_int_not_equal(si.cmdline_paddr, 0);
  assert_int_equal(si.cmdline_paddr, r->cmdline_paddr);
  check_memmap(h, &si);

  /* The command line bytes and their NUL. */
  size_t clen = strlen(cmdline) + 1;
  assert_int_equal(r->cmdline_len, clen);
  uint8_t *c = h_read(h, si.cmdline_paddr, clen + 1);
  assert_memory_equal(c, cmdline, clen); /* includes the NUL */
  assert_int_equal(c[clen], H_UNWRITTEN);
  free(c);

  /* The module list entry and the initramfs bytes. */
  assert_int_not_equal(si.modlist_paddr, 0);
  struct hvm_modlist_entry mod;
  assert_int_equal(pvh_rec_bus_read(&h->rb, si.modlist_paddr, &mod, sizeof(mod), H_UNWRITTEN), 0);
  assert_int_equal(mod.paddr, r->initramfs_paddr);
  assert_int_equal(mod.size, sizeof(initrd_bytes));
  assert_int_equal(mod.cmdline_paddr, 0);
  assert_int_equal(mod.reserved, 0);
  uint8_t *g = h_read(h, mod.paddr, mod.size);
  assert_memory_equal(g, initrd_bytes, sizeof(initrd_bytes));
  free(g);

  /* Placement: page aligned, above the kernel, below the ceiling, in RAM and
   * clear of everything else. */
  assert_int_equal(mod.paddr % 4096, 0);
  assert_true(mod.paddr >= r->kernel_end);
  assert_true(mod.paddr + mod.size <= h->cfg.layout.initramfs_ceiling);
  assert_true(pvh_memmap_is_ram(h->map, h->nmap, mod.paddr, mod.size));
  check_ops_disjoint_in_ram(h);
  h_free(h);
  tk_free(&k);
}

/* The initramfs is squeezed between a low ceiling and boot data the layout
 * put above the kernel: it must step around it and stay aligned. */
static void initramfs_avoids_boot_data(void **s) {
  (void)s;
  static uint8_t bytes[0x3000];
  memset(bytes, 0xa5, sizeof(bytes));
  struct pvh_image initrd;
  pvh_image_from_buffer(&initrd, bytes, sizeof(bytes), "initrd");
  struct test_kernel k;
  tk_init(&k, 32);
  struct harness *h = h_new(H_RAM);
  h->cfg.initramfs = &initrd;
  h->cfg.cmdline = "x";
  h->cfg.layout.initramfs_ceiling = 0x1000000; /* 16 MiB */
  h->cfg.layout.cmdline_paddr = 0xffe000;      /* right under the ceiling */
  h->cfg.layout.cmdline_size = 0x100;
  h->cfg.layout.initramfs_align = 0x2000;
  tk_build(&k);
  h_load(h, k.img, k.len);
  h_expect_ok(h);
  const struct pvh_load_report *r = &h->plan.report;
  assert_int_equal(r->initramfs_paddr % 0x2000, 0);
  assert_true(r->initramfs_paddr + r->initramfs_size <= 0xffe000);
  assert_true(r->initramfs_paddr >= r->kernel_end);
  check_ops_disjoint_in_ram(h);
  h_free(h);
  tk_free(&k);
}

/* No room above the kernel (it ends at the ceiling): the initramfs goes as high
 * as it can below the kernel start, not under 1 MiB, and the report says so.
 * With room above, above is still chosen. */
static void initramfs_below_kernel(void **s) {
  (void)s;
  static uint8_t bytes[0x5000 + 3];
  memset(bytes, 0x5a, sizeof(bytes));
  struct pvh_image initrd;
  pvh_image_from_buffer(&initrd, bytes, sizeof(bytes), "initrd");
  const uint64_t text = 0x1000000, data = 0x1400000; /* 16 MiB, like Linux */
  struct test_kernel k;
  tk_init(&k, 64);
  k.segs[0] = ELFGEN_LOAD(text, TK_TEXT_SIZE, TK_TEXT_SIZE, ELFGEN_PF_R | ELFGEN_PF_X);
  k.segs[1] = ELFGEN_LOAD(data, TK_DATA_FILESZ, TK_DATA_MEMSZ, ELFGEN_PF_R | ELFGEN_PF_W);
  struct elfgen_buf notes = {0};
  elfgen_note_pvh(&notes, text + 0x40, 8);
  tk_set_notes(&k, &notes);
  elfgen_buf_free(&notes);
  tk_build(&k);

  const struct {
    uint64_t ceiling;
    enum pvh_initramfs_placement want;
    uint64_t want_end; /* highest end the placement may have */
  } cases[] = {
      {data + TK_DATA_MEMSZ, PVH_INITRAMFS_BELOW, text}, /* ends at the kernel end: below */
      {0x800000, PVH_INITRAMFS_BELOW, 0x800000},         /* ceiling under the kernel: below it */
      {0x80000000, PVH_INITRAMFS_ABOVE, H_RAM},          /* room above: above, at the top of RAM */
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct harness *h = h_new(H_RAM);
    h->cfg.initramfs = &initrd;
    h->cfg.layout.initramfs_ceiling = cases[i].ceiling;
    h_load(h, k.img, k.len);
    h_expect_ok(h);
    const struct pvh_load_report *r = &h->plan.report;
    assert_int_equal(r->initramfs_placement, cases[i].want);
    assert_int_equal(r->initramfs_size, sizeof(bytes));
    assert_int_equal(r->initramfs_paddr % 4096, 0);
    /* Top-down: the highest page-aligned spot under the limit. */
    assert_int_equal(r->initramfs_paddr, (cases[i].want_end - sizeof(bytes)) & ~0xfffull);
    if (cases[i].want == PVH_INITRAMFS_BELOW) {
      assert_true(r->initramfs_paddr >= 0x100000);
      assert_true(r->initramfs_paddr + r->initramfs_size <= r->kernel_start);
      assert_string_equal(pvh_initramfs_placement_name(r->initramfs_placement), "below");
    } else {
      assert_true(r->initramfs_paddr >= r->kernel_end);
      assert_string_equal(pvh_initramfs_placement_name(r->initramfs_placement), "above");
    }
    uint8_t *g = h_read(h, r->initramfs_paddr, sizeof(bytes));
    assert_memory_equal(g, bytes, sizeof(bytes));
    free(g);
    check_ops_disjoint_in_ram(h);
    h_free(h);
  }
  assert_string_equal(pvh_initramfs_placement_name(PVH_INITRAMFS_NONE), "none");
  tk_free(&k);
}

/* No fixed 32-entry memmap: 200 regions (given unsorted) all reach start_info. */
static void memmap_200_regions(void **s) {
  (void)s;
  struct test_kernel k;
  tk_init(&k, 64);
  struct harness *h = h_new(H_RAM);
  struct pvh_mem_region map[200];
  size_t n = pvh_memmap_standard(64ull << 20, map, 200);
  for (size_t i = n; i < 200; i++) /* reserved 4 KiB holes above RAM, every other page */
    map[i] = (struct pvh_mem_region){(64ull << 20) + (i - n) * 0x2000, 0x1000, 2 + (uint32_t)(i % 6)};
  for (size_t i = 0; i < 200; i++) { /* deterministic shuffle */
    size_t j = (i * 7919u + 13u) % 200u;
    struct pvh_mem_region t = map[i];
    map[i] = map[j];
    map[j] = t;
  }
  h_set_map(h, map, 200);
  tk_build(&k);
  h_load(h, k.img, k.len);
  h_expect_ok(h);
  struct hvm_start_info si = read_start_info(h);
  assert_int_equal(si.memmap_entries, 200);
  check_memmap(h, &si);
  h_free(h);

  /* 853 entries fill the default 0x5000-byte area exactly; 854 do not fit. */
  static struct pvh_mem_region big[855];
  n = pvh_memmap_standard(64ull << 20, big, 855);
  for (size_t i = n; i < 855; i++)
    big[i] = (struct pvh_mem_region){(64ull << 20) + (i - n) * 0x2000, 0x1000, PVH_MEM_RESERVED};
  uint64_t fit = 0x5000 / sizeof(struct hvm_memmap_table_entry);
  h = h_new(H_RAM);
  h_set_map(h, big, fit);
  h_load(h, k.img, k.len);
  h_expect_ok(h);
  assert_int_equal(read_start_info(h).memmap_entries, fit);
  h_set_map(h, big, fit + 1);
  h_load(h, k.img, k.len);
  h_expect_error(h, PVH_E_MEMMAP_TOO_MANY, "memmap-too-many-entries");
  h_free(h);
  tk_free(&k);
}

/* Same input, same effects; pvh_plan_build + pvh_plan_commit == pvh_load; a
 * flat bus over host memory receives the same bytes as the recording bus. */
static void steps_and_buses_agree(void **s) {
  (void)s;
  struct test_kernel k;
  tk_init(&k, 64);
  /* 16 MiB guest: the flat bus below backs all of it with host memory. */
  struct pvh_mem_region map[3] = {{0, PVH_LOW_RAM_END, PVH_MEM_RAM},
                                  {PVH_LOW_RAM_END, PVH_HIGH_RAM_START - PVH_LOW_RAM_END, PVH_MEM_RESERVED},
                                  {PVH_HIGH_RAM_START, (16ull << 20) - PVH_HIGH_RAM_START, PVH_MEM_RAM}};
  struct harness *h = h_new(H_RAM);
  h_set_map(h, map, 3);
  tk_build(&k);
  h_load(h, k.img, k.len);
  h_expect_ok(h);
  uint64_t d1 = pvh_rec_bus_digest(&h->rb);
  h_load(h, k.img, k.len);
  assert_int_equal(pvh_rec_bus_digest(&h->rb), d1);

  struct pvh_plan plan;
  struct pvh_error err;
  pvh_rec_bus_reset(&h->rb);
  assert_int_equal(pvh_plan_build(&h->kernel, h->map, h->nmap, &h->cfg, &plan, &err), PVH_OK);
  assert_int_equal(h->rb.nr_writes, 0); /* planning alone writes nothing */
  assert_int_equal(pvh_plan_commit(&plan, &h->rb.bus, &err), PVH_OK);
  assert_int_equal(pvh_rec_bus_digest(&h->rb), d1);

  uint8_t *mem = malloc(16u << 20);
  assert_non_null(mem);
  memset(mem, 0xcc, 16u << 20);
  struct pvh_flat_bus fb;
  pvh_flat_bus_init(&fb, map, 3);
  assert_int_equal(pvh_flat_bus_add_slot(&fb, 0, PVH_LOW_RAM_END, mem), 0);
  assert_int_equal(pvh_flat_bus_add_slot(&fb, PVH_HIGH_RAM_START, (16ull << 20) - PVH_HIGH_RAM_START,
                                         mem + PVH_HIGH_RAM_START),
                   0);
  struct pvh_plan fplan;
  assert_int_equal(pvh_load(&h->kernel, &h->cfg, &fb.bus, &fplan, &err), PVH_OK);
  for (size_t i = 0; i < plan.nr_ops; i++) {
    const struct pvh_write_op *op = &plan.ops[i];
    uint8_t *want = h_read(h, op->gpa, op->len);
    assert_memory_equal(mem + op->gpa, want, op->len);
    free(want);
  }
  assert_int_equal(mem[TK_DATA + TK_DATA_MEMSZ], 0xcc); /* past the BSS: untouched */
  pvh_plan_free(&fplan);
  pvh_plan_free(&plan);
  free(mem);
  h_free(h);
  tk_free(&k);
}

/* A kernel linked just below the 3 GiB hole in a 4 GiB guest: the highest
 * place 32-bit kernels use. */
static void high_kernel(void **s) {
  (void)s;
  struct test_kernel k;
  struct elfgen_buf b = {0};
  tk_init(&k, 32);
  k.segs[0].paddr = k.segs[0].vaddr = 0xbfffe000;
  k.segs[1].paddr = k.segs[1].vaddr = 0xbff00000;
  elfgen_note_pvh(&b, 0xbfffe000, 4);
  tk_set_notes(&k, &b);
  struct harness *h = h_new(4ull << 30);
  tk_build(&k);
  h_load(h, k.img, k.len);
  h_expect_ok(h);
  assert_int_equal(h->plan.report.kernel_end, 0xc0000000);
  check_segment_bytes(h, &k.segs[0]);
  h_free(h);
  tk_free(&k);
  elfgen_buf_free(&b);
}

/* Every prefix of a kernel is rejected with the error its cut explains, and
 * nothing is written. The prefix is copied to an exact-size allocation so
 * that ASan builds catch any read past the end. File order (elfgen): header,
 * program headers, text, data, notes — the notes are scanned first. */
static void every_truncation(void **s) {
  (void)s;
  for (int cls = 32; cls <= 64; cls += 32) {
    struct test_kernel k;
    tk_init(&k, cls);
    tk_build(&k);
    size_t ehsize = elfgen_ehdr_size(cls), ph_end = ehsize + 3 * elfgen_phdr_size(cls);
    struct harness *h = h_new(H_RAM);
    for (size_t n = 0; n < k.len; n += (n < ph_end + 16 ? 1 : 61)) {
      uint8_t *copy = malloc(n ? n : 1);
      memcpy(copy, k.img, n);
      h_load(h, copy, n);
      if (n < ehsize)
        h_expect_error(h, PVH_E_ELF_TRUNCATED, "elf-truncated");
      else if (n < ph_end)
        h_expect_error(h, PVH_E_ELF_PHDRS_BOUNDS, "phdrs-out-of-file");
      else
        h_expect_error(h, PVH_E_NOTE_BOUNDS, "note-out-of-file");
      free(copy);
    }
    h_free(h);
    tk_free(&k);
  }
}

/* Every single-bit flip in the ELF and program headers: the load either
 * succeeds with a consistent plan, or fails cleanly (known code, message,
 * nothing written). */
static void every_header_bit_flip(void **s) {
  (void)s;
  unsigned ok = 0, rejected = 0;
  for (int cls = 32; cls <= 64; cls += 32) {
    struct test_kernel k;
    tk_init(&k, cls);
    tk_build(&k);
    size_t ph_end = elfgen_ehdr_size(cls) + 3 * elfgen_phdr_size(cls);
    struct harness *h = h_new(H_RAM);
    for (size_t byte = 0; byte < ph_end; byte++) {
      for (int bit = 0; bit < 8; bit++) {
        k.img[byte] ^= (uint8_t)(1u << bit);
        h_load(h, k.img, k.len);
        if (h->rc == PVH_OK) {
          ok++;
          assert_false(h->rb.out_of_ram);
          assert_int_equal(h->rb.nr_writes, h->plan.nr_ops);
          check_ops_disjoint_in_ram(h);
          assert_true(h->plan.entry.rip < PVH_4G);
          assert_int_equal(read_start_info(h).magic, PVH_START_MAGIC);
        } else {
          rejected++;
          assert_true((unsigned)h->rc < PVH_E__COUNT);
          h_expect_error(h, h->rc, pvh_err_name(h->rc));
        }
        k.img[byte] ^= (uint8_t)(1u << bit);
      }
    }
    h_free(h);
    tk_free(&k);
  }
  /* Both outcomes occur: flips in p_align or e_flags are harmless, flips
   * in the magic are not. */
  assert_true(ok > 0);
  assert_true(rejected > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(elf64_desc8),
      cmocka_unit_test(elf64_desc4),
      cmocka_unit_test(elf32_desc4),
      cmocka_unit_test(elf32_desc8),
      cmocka_unit_test(sht_note_only64),
      cmocka_unit_test(sht_note_only32),
      cmocka_unit_test(pt_note_preferred),
      cmocka_unit_test(many_notes_before),
      cmocka_unit_test(agreeing_duplicates),
      cmocka_unit_test(several_segments),
      cmocka_unit_test(entry_in_second_text),
      cmocka_unit_test(xnum_good),
      cmocka_unit_test(bad_sections_ignored),
      cmocka_unit_test(cmdline_initramfs_rsdp),
      cmocka_unit_test(initramfs_avoids_boot_data),
      cmocka_unit_test(initramfs_below_kernel),
      cmocka_unit_test(memmap_200_regions),
      cmocka_unit_test(steps_and_buses_agree),
      cmocka_unit_test(high_kernel),
      cmocka_unit_test(every_truncation),
      cmocka_unit_test(every_header_bit_flip),
  };
  return cmocka_run_group_tests_name("load", tests, NULL, NULL);
}
