/* SPDX-License-Identifier: MIT */
/* Shared helpers for the libpvh unit tests: a default test kernel described
 * as an editable elfgen spec, and a load harness (standard memory map +
 * recording bus with kept data) with "load it, expect code X and no writes".
 *
 * Includes cmocka (with the headers it needs first); the tk_* / h_* helpers
 * use cmocka assertions, so they must run inside a cmocka test. */
#ifndef PVH_TEST_HARNESS_H
#define PVH_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "elfgen.h"
#include "pvh/loader.h"

/* ---- A test kernel: default shape, every part editable before building ----
 *
 * Default (both classes):
 *   phdr 0  PT_LOAD R-X  paddr 0x100000  filesz 0x2000  memsz 0x2000  (text)
 *   phdr 1  PT_LOAD RW-  paddr 0x400000  filesz 0x1000  memsz 0x3000  (data+bss)
 *   phdr 2  PT_NOTE      a GNU build-id note, then the PVH note (entry TK_ENTRY,
 *                        4-byte desc for ELF32, 8-byte for ELF64)
 *   no section table. */
#define TK_TEXT 0x100000ull
#define TK_TEXT_SIZE 0x2000ull
#define TK_DATA 0x400000ull
#define TK_DATA_FILESZ 0x1000ull
#define TK_DATA_MEMSZ 0x3000ull
#define TK_ENTRY 0x100040ull
#define TK_MAX_SEGS 16
#define TK_MAX_SECS 8

struct test_kernel {
  struct elfgen_spec spec;
  struct elfgen_seg segs[TK_MAX_SEGS];
  struct elfgen_sec secs[TK_MAX_SECS];
  struct elfgen_buf notes; /* the default PT_NOTE's bytes (rebuilt by tk_set_notes) */
  uint8_t *img;            /* after tk_build */
  size_t len;
};

void tk_init(struct test_kernel *k, int elf_class);
/* Appends a segment / section; returns its index. */
size_t tk_add_seg(struct test_kernel *k, struct elfgen_seg seg);
size_t tk_add_sec(struct test_kernel *k, struct elfgen_sec sec);
/* Replaces phdr 2's notes with `notes` (copied). */
void tk_set_notes(struct test_kernel *k, const struct elfgen_buf *notes);
/* Builds k->img/k->len (fails the test on a builder error). */
void tk_build(struct test_kernel *k);
void tk_free(struct test_kernel *k);

/* ---- Load harness ---- */

#define H_RAM (256ull << 20)

struct harness {
  struct pvh_mem_region map[PVH_MEMMAP_MAX_REGIONS];
  size_t nmap;
  struct pvh_rec_bus rb;
  struct pvh_load_config cfg;
  struct pvh_image kernel;
  struct pvh_plan plan;
  struct pvh_error err;
  enum pvh_err rc;
};

/* Standard PC map for `ram` bytes, recording bus with keep_data=1, default config. */
struct harness *h_new(uint64_t ram);
/* Re-points the bus at h->map/h->nmap after a test edits the map. */
void h_set_map(struct harness *h, const struct pvh_mem_region *map, size_t n);
/* pvh_load of (img, len) through the recording bus; also stored in h->rc. */
enum pvh_err h_load(struct harness *h, const uint8_t *img, size_t len);
void h_free(struct harness *h);

/* Error codes some test has asserted, for the "every code is covered" check. */
extern unsigned char h_codes_seen[PVH_E__COUNT];
void h_mark_seen(enum pvh_err code);

/* The load must fail with `code`, whose short name is `name`; err carries the
 * same code and a non-empty message; the bus saw zero writes and the plan is
 * empty. */
void h_expect_error(struct harness *h, enum pvh_err code, const char *name);
/* Builds k, loads it and expects the error (k is freed). */
void expect_kernel_error(struct test_kernel *k, enum pvh_err code, const char *name);

/* The load must have succeeded (prints the error message otherwise). */
void h_expect_ok(struct harness *h);

/* Reads guest bytes back from the recording bus (fill 0xEE for never
 * written) into a malloc'd buffer the caller frees. */
uint8_t *h_read(struct harness *h, uint64_t gpa, uint64_t len);
uint64_t h_read_u64(struct harness *h, uint64_t gpa);
uint32_t h_read_u32(struct harness *h, uint64_t gpa);

#define H_UNWRITTEN 0xEEu

#endif
