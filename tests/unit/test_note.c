/* SPDX-License-Identifier: MIT */
/* The note iterator on hand-built blobs (padding, empty notes, trailing
 * bytes, malformed sizes) and pvh_find_pvh_entry's choices (source,
 * container, desc size, counters). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static void iterate_padding(void **s) {
  (void)s;
  struct elfgen_buf b = {0};
  elfgen_note(&b, "GNU", 3, "abcde", 5);             /* 12 + 4 + 8 = 24 */
  elfgen_note(&b, NULL, 9, NULL, 0);                 /* 12 */
  elfgen_note(&b, "Xen", 18, "\x01\x02\x03\x04", 4); /* 12 + 4 + 4 = 20 */
  elfgen_note(&b, "abcdefgh", 1, "z", 1);            /* name 9 -> 12, desc 1 -> 4: 28 */
  assert_int_equal(b.len, 24 + 12 + 20 + 28);

  struct pvh_note_iter it;
  struct pvh_note n;
  struct pvh_error err;
  pvh_note_iter_init(&it, b.data, b.len);

  assert_int_equal(pvh_note_next(&it, &n, &err), 1);
  assert_int_equal(n.offset, 0);
  assert_int_equal(n.namesz, 4);
  assert_int_equal(n.descsz, 5);
  assert_int_equal(n.type, 3);
  assert_memory_equal(n.name, "GNU", 4);
  assert_memory_equal(n.desc, "abcde", 5);
  assert_false(pvh_note_is_xen(&n));

  assert_int_equal(pvh_note_next(&it, &n, &err), 1);
  assert_int_equal(n.offset, 24);
  assert_int_equal(n.namesz, 0);
  assert_int_equal(n.descsz, 0);
  assert_int_equal(n.type, 9);

  assert_int_equal(pvh_note_next(&it, &n, &err), 1);
  assert_int_equal(n.offset, 36);
  assert_true(pvh_note_is_xen(&n));
  assert_int_equal(n.type, 18);
  assert_memory_equal(n.desc, "\x01\x02\x03\x04", 4);
  assert_ptr_equal(n.desc, b.data + 36 + 12 + 4);

  assert_int_equal(pvh_note_next(&it, &n, &err), 1);
  assert_int_equal(n.offset, 56);
  assert_memory_equal(n.name, "abcdefgh", 9);
  assert_ptr_equal(n.desc, b.data + 56 + 12 + 12);
  assert_int_equal(*n.desc, 'z');

  assert_int_equal(pvh_note_next(&it, &n, &err), 0); /* clean end */
  assert_int_equal(pvh_note_next(&it, &n, &err), 0); /* and stays there */
  elfgen_buf_free(&b);
}

/* Fewer bytes than a note header after the last note end the walk (linker
 * padding), they are not an error. */
static void trailing_bytes(void **s) {
  (void)s;
  struct elfgen_buf b = {0};
  elfgen_note(&b, "Xen", 18, "\0\0\x10\0", 4);
  elfgen_buf_append(&b, "\0\0\0\0\0\0\0\0\0\0\0", 11);
  struct pvh_note_iter it;
  struct pvh_note n;
  struct pvh_error err;
  pvh_note_iter_init(&it, b.data, b.len);
  assert_int_equal(pvh_note_next(&it, &n, &err), 1);
  assert_int_equal(pvh_note_next(&it, &n, &err), 0);
  /* An empty container has no notes. */
  pvh_note_iter_init(&it, b.data, 0);
  assert_int_equal(pvh_note_next(&it, &n, &err), 0);
  elfgen_buf_free(&b);
}

static void malformed(void **s) {
  (void)s;
  const struct {
    uint32_t namesz, descsz;
    size_t body;
  } cases[] = {
      {4, 4, 7},            /* one byte short */
      {5, 0, 5},            /* name padding missing */
      {0, 1, 1},            /* desc padding missing */
      {0xffffffffu, 0, 64}, /* padded size 2^32: no wrap */
      {0xfffffffdu, 0xfffffffdu, 64},
      {0, 0x80000000u, 64},
  };
  static const uint8_t zeros[64];
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct elfgen_buf b = {0};
    elfgen_note_raw(&b, cases[i].namesz, cases[i].descsz, 18, zeros, cases[i].body);
    struct pvh_note_iter it;
    struct pvh_note n;
    struct pvh_error err;
    pvh_error_clear(&err);
    pvh_note_iter_init(&it, b.data, b.len);
    if (pvh_note_next(&it, &n, &err) != -1)
      fail_msg("case %zu: namesz 0x%x descsz 0x%x body %zu accepted", i, cases[i].namesz, cases[i].descsz,
               cases[i].body);
    assert_int_equal(err.code, PVH_E_NOTE_MALFORMED);
    assert_true(strlen(err.message) > 0);
    elfgen_buf_free(&b);
  }
}

static void is_xen(void **s) {
  (void)s;
  const struct {
    const char *owner;
    int want;
  } cases[] = {{"Xen", 1}, {"XEN", 0}, {"Xe", 0}, {"Xen2", 0}, {"xen", 0}, {"", 0}, {NULL, 0}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct elfgen_buf b = {0};
    elfgen_note(&b, cases[i].owner, 18, "abcd", 4);
    struct pvh_note_iter it;
    struct pvh_note n;
    struct pvh_error err;
    pvh_note_iter_init(&it, b.data, b.len);
    assert_int_equal(pvh_note_next(&it, &n, &err), 1);
    assert_int_equal(pvh_note_is_xen(&n), cases[i].want);
    elfgen_buf_free(&b);
  }
  /* namesz 3 without the NUL is not the owner "Xen". */
  struct elfgen_buf b = {0};
  elfgen_note_raw(&b, 3, 4, 18, "Xen\0abcd", 8);
  struct pvh_note_iter it;
  struct pvh_note n;
  struct pvh_error err;
  pvh_note_iter_init(&it, b.data, b.len);
  assert_int_equal(pvh_note_next(&it, &n, &err), 1);
  assert_false(pvh_note_is_xen(&n));
  elfgen_buf_free(&b);
}

static enum pvh_err find(struct test_kernel *k, struct pvh_entry_note *out, struct pvh_error *err) {
  struct pvh_image img;
  struct pvh_elf elf;
  tk_build(k);
  pvh_image_from_buffer(&img, k->img, k->len, "k");
  assert_int_equal(pvh_elf_parse(&img, &elf, err), PVH_OK);
  enum pvh_err rc = pvh_find_pvh_entry(&img, &elf, out, err);
  pvh_elf_free(&elf);
  return rc;
}

static void find_sources(void **s) {
  (void)s;
  struct pvh_entry_note out;
  struct pvh_error err;
  for (int cls = 32; cls <= 64; cls += 32) {
    struct test_kernel k;
    tk_init(&k, cls);
    assert_int_equal(find(&k, &out, &err), PVH_OK);
    assert_int_equal(out.entry, TK_ENTRY);
    assert_int_equal(out.source, PVH_NOTE_PT_NOTE);
    assert_int_equal(out.container, 2);
    assert_int_equal(out.desc_size, cls == 64 ? 8 : 4);
    assert_int_equal(out.notes_seen, 2);
    assert_int_equal(out.xen_notes_seen, 1);
    assert_string_equal(pvh_note_source_name(out.source), "PT_NOTE");

    /* Only in a section, after a non-note section and an empty note section. */
    k.segs[2].type = ELFGEN_PT_NULL;
    struct elfgen_buf empty = {0};
    tk_add_sec(&k,
               (struct elfgen_sec){.name = ".text", .type = ELFGEN_SHT_PROGBITS, .size = 16, .seg_ref = 1});
    tk_add_sec(&k, ELFGEN_NOTE_SEC(".note.empty", &empty));
    tk_add_sec(&k, ELFGEN_NOTE_SEC(".note.Xen", &k.notes));
    assert_int_equal(find(&k, &out, &err), PVH_OK);
    assert_int_equal(out.source, PVH_NOTE_SHT_NOTE);
    assert_int_equal(out.container, 3);
    assert_int_equal(out.entry, TK_ENTRY);
    assert_string_equal(pvh_note_source_name(out.source), "SHT_NOTE");
    tk_free(&k);
  }
  assert_string_equal(pvh_note_source_name(PVH_NOTE_NONE), "none");
}

/* A PT_NOTE with p_filesz 0 has no bytes, so its offset is not checked. */
static void empty_pt_note_ignored(void **s) {
  (void)s;
  struct pvh_entry_note out;
  struct pvh_error err;
  struct test_kernel k;
  tk_init(&k, 64);
  tk_add_seg(&k, (struct elfgen_seg){.type = ELFGEN_PT_NOTE});
  tk_build(&k);
  elfgen_set_phdr(k.img, k.len, 3, ELFGEN_P_OFFSET, 0xffffffffffull);
  struct pvh_image img;
  struct pvh_elf elf;
  pvh_image_from_buffer(&img, k.img, k.len, "k");
  assert_int_equal(pvh_elf_parse(&img, &elf, &err), PVH_OK);
  assert_int_equal(pvh_find_pvh_entry(&img, &elf, &out, &err), PVH_OK);
  assert_int_equal(out.entry, TK_ENTRY);
  pvh_elf_free(&elf);
  tk_free(&k);
}

/* The 8-byte form carries the full value: a high word makes it >= 4 GiB. */
static void desc8_high_word(void **s) {
  (void)s;
  struct pvh_entry_note out;
  struct pvh_error err;
  struct test_kernel k;
  struct elfgen_buf b = {0};
  tk_init(&k, 64);
  elfgen_note_pvh(&b, 0xffffffffull, 8);
  tk_set_notes(&k, &b);
  assert_int_equal(find(&k, &out, &err), PVH_OK);
  assert_int_equal(out.entry, 0xffffffffull);
  elfgen_buf_free(&b);
  elfgen_note_pvh(&b, 0x1ffffffffull, 8);
  tk_set_notes(&k, &b);
  assert_int_equal(find(&k, &out, &err), PVH_E_ENTRY_ABOVE_4G);
  assert_true(strstr(err.message, "0x1ffffffff") != NULL);
  elfgen_buf_free(&b);
  tk_free(&k);
}

/* Exactly PVH_NOTE_MAX_COUNT notes are fine; the limit is inclusive. */
static void note_limit_exact(void **s) {
  (void)s;
  struct pvh_entry_note out;
  struct pvh_error err;
  struct test_kernel k;
  struct elfgen_buf b = {0};
  tk_init(&k, 32);
  for (unsigned i = 0; i + 1 < PVH_NOTE_MAX_COUNT; i++)
    elfgen_note(&b, NULL, 0, NULL, 0);
  elfgen_note_pvh(&b, TK_ENTRY, 4);
  tk_set_notes(&k, &b);
  assert_int_equal(find(&k, &out, &err), PVH_OK);
  assert_int_equal(out.notes_seen, PVH_NOTE_MAX_COUNT);
  elfgen_buf_free(&b);
  tk_free(&k);
}

/* The container's alignment picks the padding: 8 for 8 (libelf's ELF_T_NHDR8,
 * binutils' align 8), 4 for everything else (libelf; binutils calls values
 * other than 0..4 and 8 corrupt). */
static void padding_rule(void **s) {
  (void)s;
  const struct {
    uint64_t align;
    uint32_t want;
  } cases[] = {
      {0, 4}, {1, 4}, {2, 4}, {3, 4}, {4, 4}, {8, 8}, {16, 4}, {4096, 4}, {0x8000000000000008ull, 4}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    assert_int_equal(pvh_note_padding(cases[i].align), cases[i].want);
}

/* What linkers emit for a 64-bit object: a 4-byte Xen note, 4 bytes of
 * padding, then an 8-aligned .note.gnu.property, all in one p_align 8 PT_NOTE. */
static void xen_then_gnu_property(struct elfgen_buf *b) {
  elfgen_note_pvh(b, TK_ENTRY, 4);       /* 12 + 4 + 4 = 20 */
  elfgen_buf_append(b, "\0\0\0\0", 4);   /* to 24 */
  elfgen_note_raw(b, 4, 16, 5, NULL, 0); /* NT_GNU_PROPERTY_TYPE_0 header */
  elfgen_buf_append(b, "GNU\0", 4);      /* name ends at 24 + 16: 8-aligned */
  static const uint8_t prop[16] = {2, 0, 0, 0xc0, 4, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0};
  elfgen_buf_append(b, prop, sizeof(prop)); /* ends at 56 */
}

static void iterate_padding8(void **s) {
  (void)s;
  struct elfgen_buf b = {0};
  xen_then_gnu_property(&b);
  assert_int_equal(b.len, 56);
  struct pvh_note_iter it;
  struct pvh_note n;
  struct pvh_error err;
  pvh_note_iter_init_aligned(&it, b.data, b.len, 8);
  assert_int_equal(pvh_note_next(&it, &n, &err), 1);
  assert_true(pvh_note_is_xen(&n));
  assert_ptr_equal(n.desc, b.data + 16);
  assert_int_equal(pvh_note_next(&it, &n, &err), 1);
  assert_int_equal(n.offset, 24);
  assert_int_equal(n.type, 5);
  assert_memory_equal(n.name, "GNU", 4);
  assert_ptr_equal(n.desc, b.data + 40);
  assert_int_equal(pvh_note_next(&it, &n, &err), 0);

  /* A name of 5 bytes: 12 + 5 = 17 -> desc at 24 with padding 8 (20 with 4). */
  elfgen_buf_free(&b);
  elfgen_note_raw(&b, 5, 3, 1,
                  "abcde\0\0\0\0\0\0\0" /* name to offset 24 */
                  "xyz\0\0\0\0\0",      /* desc padded to 32 */
                  20);
  pvh_note_iter_init_aligned(&it, b.data, b.len, 8);
  assert_int_equal(pvh_note_next(&it, &n, &err), 1);
  assert_ptr_equal(n.desc, b.data + 24);
  assert_int_equal(pvh_note_next(&it, &n, &err), 0);
  /* The padding after the last desc must fit (binutils' rule): 31 bytes do not. */
  pvh_note_iter_init_aligned(&it, b.data, b.len - 1, 8);
  pvh_error_clear(&err);
  assert_int_equal(pvh_note_next(&it, &n, &err), -1);
  assert_int_equal(err.code, PVH_E_NOTE_MALFORMED);
  assert_non_null(strstr(err.message, "padded to 8"));
  elfgen_buf_free(&b);
}

/* The issue 11 kernel: found with p_align 8; the same bytes read with 4-byte
 * padding are the rejection users saw (namesz 0x554e47 is "GNU"). */
static void find_in_align8_container(void **s) {
  (void)s;
  struct pvh_entry_note out;
  struct pvh_error err;
  for (int cls = 32; cls <= 64; cls += 32) {
    struct test_kernel k;
    struct elfgen_buf b = {0};
    tk_init(&k, cls);
    xen_then_gnu_property(&b);
    tk_set_notes(&k, &b);
    k.segs[2].align = 8;
    assert_int_equal(find(&k, &out, &err), PVH_OK);
    assert_int_equal(out.entry, TK_ENTRY);
    assert_int_equal(out.padding, 8);
    assert_int_equal(out.notes_seen, 2);
    k.segs[2].align = 4;
    assert_int_equal(find(&k, &out, &err), PVH_E_NOTE_MALFORMED);
    assert_non_null(strstr(err.message, "namesz 0x554e47"));

    /* The same as an SHT_NOTE section with sh_addralign 8. */
    k.segs[2].type = ELFGEN_PT_NULL;
    struct elfgen_sec sec = ELFGEN_NOTE_SEC(".note.Xen", &k.notes);
    sec.align = 8;
    tk_add_sec(&k, sec);
    assert_int_equal(find(&k, &out, &err), PVH_OK);
    assert_int_equal(out.source, PVH_NOTE_SHT_NOTE);
    assert_int_equal(out.padding, 8);
    k.secs[0].align = 16; /* any other alignment: 4-byte padding */
    assert_int_equal(find(&k, &out, &err), PVH_E_NOTE_MALFORMED);
    elfgen_buf_free(&b);
    tk_free(&k);
  }
}

/* The shape linkers give Linux: an 8-aligned PT_NOTE holding 4-padded notes,
 * a GNU build-id (20-byte desc) and then the Xen PHYS32_ENTRY. */
static void buildid_then_pvh4(struct elfgen_buf *b, uint64_t entry) {
  static const uint8_t id[20] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
  elfgen_note(b, "GNU", 3, id, sizeof(id));
  elfgen_note_pvh(b, entry, 4);
}

/* A kernel whose PT_NOTE (phdr 2) holds `b` and is aligned to 8. */
static void align8_notes(struct test_kernel *k, int cls, struct elfgen_buf *b) {
  tk_init(k, cls);
  tk_set_notes(k, b);
  k->segs[2].align = 8;
  elfgen_buf_free(b);
}

/* An 8-aligned container in a 64-bit ELF is read with 8- and with 4-byte
 * padding: the only reading that fits, else the only one with the entry, else
 * both must agree (note-ambiguous); which one is reported. ELF32 keeps one
 * reading, by the alignment. */
static void two_readings(void **s) {
  (void)s;
  struct pvh_entry_note out;
  struct pvh_error err;
  struct test_kernel k;
  struct elfgen_buf b = {0};

  /* 4-padded build-id then PVH: only the 4-byte reading fits. */
  buildid_then_pvh4(&b, TK_ENTRY);
  align8_notes(&k, 64, &b);
  assert_int_equal(find(&k, &out, &err), PVH_OK);
  assert_int_equal(out.entry, TK_ENTRY);
  assert_int_equal(out.padding, 4);
  assert_int_equal(out.reading, PVH_NOTE_READ_ONLY_WELL_FORMED);
  assert_int_equal(out.notes_seen, 2);
  assert_string_equal(pvh_note_reading_name(out.reading), "only-well-formed");
  /* ELF32: one reading, 8-byte padding: refused as before. */
  k.spec.elf_class = 32;
  assert_int_equal(find(&k, &out, &err), PVH_E_NOTE_MALFORMED);
  assert_non_null(strstr(err.message, "(padded to 8: 0x1c) exceed the 0x4 bytes left"));
  tk_free(&k);

  /* Genuinely 8-padded notes: only the 8-byte reading fits. */
  xen_then_gnu_property(&b);
  align8_notes(&k, 64, &b);
  assert_int_equal(find(&k, &out, &err), PVH_OK);
  assert_int_equal(out.padding, 8);
  assert_int_equal(out.reading, PVH_NOTE_READ_ONLY_WELL_FORMED);
  tk_free(&k);

  /* One Xen note with an 8-byte desc reads the same both ways. */
  elfgen_note_pvh(&b, TK_ENTRY, 8);
  align8_notes(&k, 64, &b);
  assert_int_equal(find(&k, &out, &err), PVH_OK);
  assert_int_equal(out.padding, 8);
  assert_int_equal(out.reading, PVH_NOTE_READ_BOTH);
  assert_string_equal(pvh_note_reading_name(out.reading), "both-agree");
  tk_free(&k);

  /* Both fit, only the 4-byte reading holds an entry. */
  elfgen_notes_two_readings(&b, 0, 0);
  align8_notes(&k, 64, &b);
  assert_int_equal(find(&k, &out, &err), PVH_OK);
  assert_int_equal(out.entry, ELFGEN_TWO_READINGS_ENTRY4);
  assert_int_equal(out.padding, 4);
  assert_int_equal(out.reading, PVH_NOTE_READ_ONLY_ENTRY);
  assert_string_equal(pvh_note_reading_name(out.reading), "only-with-entry");
  assert_int_equal(out.notes_seen, 3);
  assert_int_equal(out.xen_notes_seen, 1);
  tk_free(&k);

  /* Both fit, only the 8-byte reading holds an entry. */
  elfgen_notes_two_readings(&b, TK_ENTRY, ELFGEN_TWO_READINGS_EIGHT | ELFGEN_TWO_READINGS_FOUR_NONE);
  align8_notes(&k, 64, &b);
  assert_int_equal(find(&k, &out, &err), PVH_OK);
  assert_int_equal(out.entry, TK_ENTRY);
  assert_int_equal(out.padding, 8);
  assert_int_equal(out.reading, PVH_NOTE_READ_ONLY_ENTRY);
  tk_free(&k);
  /* Both fit, neither holds one. */
  elfgen_notes_two_readings(&b, 0, ELFGEN_TWO_READINGS_FOUR_NONE);
  align8_notes(&k, 64, &b);
  assert_int_equal(find(&k, &out, &err), PVH_E_NO_PVH_NOTE);
  assert_int_equal(out.notes_seen, 2); /* the 8-byte reading's */
  tk_free(&k);

  /* Both fit and hold the same entry; then two different entries. */
  elfgen_notes_two_readings(&b, ELFGEN_TWO_READINGS_ENTRY4, 1);
  align8_notes(&k, 64, &b);
  assert_int_equal(find(&k, &out, &err), PVH_OK);
  assert_int_equal(out.entry, ELFGEN_TWO_READINGS_ENTRY4);
  assert_int_equal(out.padding, 8);
  assert_int_equal(out.desc_size, 8);
  assert_int_equal(out.reading, PVH_NOTE_READ_BOTH);
  assert_int_equal(out.xen_notes_seen, 2);
  tk_free(&k);
  elfgen_notes_two_readings(&b, TK_ENTRY, 1);
  align8_notes(&k, 64, &b);
  assert_int_equal(find(&k, &out, &err), PVH_E_NOTE_AMBIGUOUS);
  assert_string_equal(err.message, "PT_NOTE segment 2 is 8-aligned and its notes read two ways: PHYS32_ENTRY "
                                   "0x100040 with 8-byte padding, 0x6e6558 with 4-byte padding");
  assert_string_equal(pvh_err_name(PVH_E_NOTE_AMBIGUOUS), "note-ambiguous");
  /* As an 8-aligned SHT_NOTE section: the same. */
  k.segs[2].type = ELFGEN_PT_NULL;
  struct elfgen_sec sec = ELFGEN_NOTE_SEC(".notes", &k.notes);
  sec.align = 8;
  tk_add_sec(&k, sec);
  assert_int_equal(find(&k, &out, &err), PVH_E_NOTE_AMBIGUOUS);
  assert_non_null(strstr(err.message, "SHT_NOTE section 1 is 8-aligned"));
  /* A 4-aligned container has one reading: the 4-byte one. */
  k.secs[0].align = 4;
  assert_int_equal(find(&k, &out, &err), PVH_OK);
  assert_int_equal(out.entry, ELFGEN_TWO_READINGS_ENTRY4);
  assert_int_equal(out.reading, PVH_NOTE_READ_SINGLE);
  assert_string_equal(pvh_note_reading_name(out.reading), "single");
  assert_string_equal(pvh_note_reading_name((enum pvh_note_reading)7), "unknown");
  tk_free(&k);
}

/* Two readings and the other rules: neither reading fits (the 8-byte one's
 * reason is given); a bad desc size or two entries inside one fitting reading
 * are reported whichever reading is taken; an entry that disagrees with an
 * earlier container is a conflict; the note limit counts each reading. */
static void two_readings_errors(void **s) {
  (void)s;
  struct pvh_entry_note out;
  struct pvh_error err;
  struct test_kernel k;
  struct elfgen_buf b = {0};

  /* Cut one byte short: neither reading fits. */
  buildid_then_pvh4(&b, TK_ENTRY);
  b.len -= 4;
  align8_notes(&k, 64, &b);
  assert_int_equal(find(&k, &out, &err), PVH_E_NOTE_MALFORMED);
  assert_non_null(strstr(err.message, "(nor do the notes fit with 4-byte padding)"));
  tk_free(&k);

  /* The only fitting reading has a PHYS32_ENTRY with a 2-byte desc. */
  elfgen_note(&b, "GNU", 3, "0123456789abcdefghij", 20);
  elfgen_note_pvh(&b, TK_ENTRY, 2);
  align8_notes(&k, 64, &b);
  assert_int_equal(find(&k, &out, &err), PVH_E_NOTE_DESC_SIZE);
  tk_free(&k);

  /* Both fit and hold an entry; the 4-byte reading's is unusable (desc 2),
   * so that is the answer, not an entry. */
  elfgen_note_pvh(&b, TK_ENTRY, 8);
  uint8_t *desc_size = (uint8_t *)b.data + 4;
  *desc_size = 2; /* Xen note, desc 2: both readings read it the same way */
  static const uint8_t pad6[6] = {0};
  elfgen_buf_append(&b, pad6, sizeof(pad6));
  align8_notes(&k, 64, &b);
  assert_int_equal(find(&k, &out, &err), PVH_E_NOTE_DESC_SIZE);
  tk_free(&k);

  /* One reading that fits holds two entries that disagree. */
  elfgen_note_pvh(&b, TK_ENTRY, 8);
  elfgen_note_pvh(&b, TK_ENTRY + 4, 8);
  align8_notes(&k, 64, &b);
  assert_int_equal(find(&k, &out, &err), PVH_E_NOTE_CONFLICT);
  assert_non_null(strstr(err.message, "0x100044 disagrees with 0x100040"));
  tk_free(&k);

  /* An earlier PT_NOTE holds another entry. */
  elfgen_notes_two_readings(&b, 0, 0);
  align8_notes(&k, 64, &b);
  struct elfgen_buf first = {0};
  elfgen_note_pvh(&first, TK_ENTRY, 4);
  struct elfgen_seg note1 = k.segs[2];
  note1.data = first.data;
  note1.filesz = note1.memsz = first.len;
  note1.align = 4;
  tk_add_seg(&k, k.segs[2]); /* phdr 3: the two-reading container */
  k.segs[2] = note1;         /* phdr 2: a 4-aligned one with TK_ENTRY */
  assert_int_equal(find(&k, &out, &err), PVH_E_NOTE_CONFLICT);
  assert_string_equal(err.message,
                      "PT_NOTE segment 3: PHYS32_ENTRY 0x6e6558 disagrees with 0x100040 found earlier");
  elfgen_buf_free(&first);
  tk_free(&k);
}

/* Issue 12: a .notes section covering the PT_NOTE's bytes is walked in the
 * SHT_NOTE fallback, but its notes are the same notes: counted once. */
static void distinct_count(void **s) {
  (void)s;
  struct pvh_entry_note out;
  struct pvh_error err;
  struct test_kernel k;
  struct elfgen_buf b = {0};
  tk_init(&k, 32);
  elfgen_note(&b, "GNU", 3, "abcd", 4);
  elfgen_note(&b, "Xen", 6, "xen-3.0", 8);
  elfgen_note(&b, "Linux", 1, "6.1", 4);
  tk_set_notes(&k, &b);
  tk_add_sec(&k, (struct elfgen_sec){
                     .name = ".notes", .type = ELFGEN_SHT_NOTE, .align = 4, .size = b.len, .seg_ref = 3});
  assert_int_equal(find(&k, &out, &err), PVH_E_NO_PVH_NOTE);
  assert_int_equal(out.notes_seen, 6);
  assert_int_equal(out.notes_distinct, 3);
  assert_non_null(strstr(err.message, "in 3 PT_NOTE/SHT_NOTE notes"));

  /* A section holding only the last two notes: still the same notes. */
  k.secs[0].seg_off = 20; /* after the 20-byte GNU note */
  k.secs[0].size = b.len - 20;
  assert_int_equal(find(&k, &out, &err), PVH_E_NO_PVH_NOTE);
  assert_int_equal(out.notes_seen, 5);
  assert_int_equal(out.notes_distinct, 3);

  /* A section with its own copy of the bytes holds other notes: counted. */
  k.secs[0] = ELFGEN_NOTE_SEC(".note.copy", &b);
  assert_int_equal(find(&k, &out, &err), PVH_E_NO_PVH_NOTE);
  assert_int_equal(out.notes_distinct, 6);
  elfgen_buf_free(&b);
  tk_free(&k);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(iterate_padding),
      cmocka_unit_test(trailing_bytes),
      cmocka_unit_test(malformed),
      cmocka_unit_test(is_xen),
      cmocka_unit_test(find_sources),
      cmocka_unit_test(empty_pt_note_ignored),
      cmocka_unit_test(desc8_high_word),
      cmocka_unit_test(note_limit_exact),
      cmocka_unit_test(padding_rule),
      cmocka_unit_test(iterate_padding8),
      cmocka_unit_test(find_in_align8_container),
      cmocka_unit_test(distinct_count),
      cmocka_unit_test(two_readings),
      cmocka_unit_test(two_readings_errors),
  };
  return cmocka_run_group_tests_name("note", tests, NULL, NULL);
}
