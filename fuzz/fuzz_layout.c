/* SPDX-License-Identifier: MIT */
/* fuzz_layout: the boot-data planner and plan validator on inputs that are
 * not ELF at all — a memory map, the layout struct, a command-line length, an
 * initramfs size, kernel segment extents and an entry point, all decoded from
 * the fuzz bytes. Through fuzz_load these only ever take one fixed value.
 *
 * The input format is fuzz/format_layout.h (shared with the seed generator).
 *
 * Oracles: an accepted plan has every op in RAM, below 4 GiB, disjoint; boot
 * data where the layout says, start_info/memmap/GDT agreeing with the report
 * and the entry state; the initramfs aligned above the kernel under the
 * ceiling; committing it writes exactly its ops inside RAM. A rejection by
 * the validator names a problem the oracle can see in the plan; a rejected
 * segment is rejected for the reason its numbers give. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "format_layout.h"
#include "oracle.h"
#include "pvh/loader.h"

#define LIMIT_4G 0x100000000ull
#define MAX_REGIONS FORMAT_LAYOUT_MAX_REGIONS
#define TOO_MANY_REGIONS (PVH_MEMMAP_MAX_REGIONS + 1)
#define MAX_SEGS FORMAT_LAYOUT_MAX_SEGS
#define CMDLINE_MAX FORMAT_LAYOUT_CMDLINE_MAX
/* Commit (and hash) only plans that copy at most this many source bytes. */
#define COMMIT_LIMIT (256u * 1024u)

/* Source bytes for kernel segments and the initramfs: a read-only zero
 * mapping as large as anything 32-bit, reserved but never backed. */
static const uint8_t *zeros;
static uint64_t zeros_size;
static struct pvh_image zeros_img; /* zeros as a memory image: what segments are read from */
static char cmdline_buf[CMDLINE_MAX + 1];
/* PVH_FUZZ_VERBOSE=1: print each input's verdict (triage, checking seeds). */
static int verbose;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  void *m = mmap(NULL, (size_t)LIMIT_4G, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED) {
    static const uint8_t small[1u << 20];
    zeros = small;
    zeros_size = sizeof(small);
  } else {
    zeros = m;
    zeros_size = LIMIT_4G;
  }
  pvh_image_from_buffer(&zeros_img, zeros, (size_t)zeros_size, "zeros");
  memset(cmdline_buf, 'x', CMDLINE_MAX);
  verbose = getenv("PVH_FUZZ_VERBOSE") != NULL;
  return 0;
}

static int op_in_ram(const struct pvh_write_op *op, const struct pvh_mem_region *r, size_t n) {
  return oracle_range_is_ram(r, n, op->gpa, op->len);
}

/* The validator refused the plan: the reason it gives must be visible. */
static void check_rejection(enum pvh_err rc, const struct pvh_plan *plan,
                            const struct pvh_mem_region *regions, size_t n) {
  int seen = 0;
  switch (rc) {
  case PVH_E_SEG_NOT_RAM:
  case PVH_E_LAYOUT_NOT_RAM:
    for (size_t i = 0; i < plan->nr_ops && !seen; i++) {
      int kernel = plan->ops[i].kind == PVH_W_SEGMENT || plan->ops[i].kind == PVH_W_BSS;
      seen = kernel == (rc == PVH_E_SEG_NOT_RAM) && !op_in_ram(&plan->ops[i], regions, n);
    }
    break;
  case PVH_E_LAYOUT_ABOVE_4G:
    for (size_t i = 0; i < plan->nr_ops && !seen; i++)
      seen = plan->ops[i].gpa + plan->ops[i].len > LIMIT_4G;
    break;
  case PVH_E_SEG_OVERLAP:
  case PVH_E_LAYOUT_OVERLAP:
    for (size_t i = 0; i < plan->nr_ops && !seen; i++)
      for (size_t j = i + 1; j < plan->nr_ops && !seen; j++)
        seen = plan->ops[i].gpa < plan->ops[j].gpa + plan->ops[j].len &&
               plan->ops[j].gpa < plan->ops[i].gpa + plan->ops[i].len;
    break;
  case PVH_E_ENTRY_NOT_LOADED: {
    uint64_t e = plan->report.note.entry;
    seen = 1;
    for (size_t i = 0; i < plan->report.nr_segments; i++) {
      const struct pvh_placed_segment *s = &plan->report.segments[i];
      if ((s->flags & PVH_PF_X) && e >= s->paddr && e - s->paddr < s->filesz)
        seen = 0;
    }
    break;
  }
  default:
    oracle_fail("validate-reason", "pvh_plan_validate returned %s, which it never should", pvh_err_name(rc));
  }
  if (!seen)
    oracle_fail("validate-reason", "pvh_plan_validate says %s, but no op in the plan shows it",
                pvh_err_name(rc));
}

/* A bus whose map lacks the RAM region of the plan's last op (a VMM whose
 * map and memory disagree) must refuse with PVH_E_BUS at the first op outside
 * its RAM, after performing exactly the ops before it. */
static void check_commit_refusal(const struct pvh_plan *plan, const struct pvh_mem_region *regions,
                                 size_t n) {
  struct pvh_mem_region less[MAX_REGIONS];
  size_t m = 0;
  if (n > MAX_REGIONS || plan->nr_ops == 0)
    return;
  for (size_t i = 0; i < n; i++) {
    const struct pvh_write_op *op = &plan->ops[plan->nr_ops - 1];
    int holds = regions[i].type == PVH_MEM_RAM && op->gpa >= regions[i].addr &&
                op->gpa - regions[i].addr < regions[i].size;
    if (!holds)
      less[m++] = regions[i];
  }
  size_t first_out = plan->nr_ops;
  for (size_t i = 0; i < plan->nr_ops && first_out == plan->nr_ops; i++)
    if (!op_in_ram(&plan->ops[i], less, m))
      first_out = i;
  struct pvh_rec_bus rb;
  struct pvh_error err;
  pvh_rec_bus_init(&rb, less, m, 0);
  enum pvh_err rc = pvh_plan_commit(plan, &rb.bus, &err);
  if ((rc == PVH_E_BUS) != (first_out < plan->nr_ops) || (rc != PVH_OK && rc != PVH_E_BUS) ||
      rb.nr_writes != first_out || (first_out < plan->nr_ops && !rb.out_of_ram))
    oracle_fail(
        "commit-refusal",
        "bus without the first op's region: %s after %zu writes; first op outside its RAM is %zu of %zu",
        pvh_err_name(rc), rb.nr_writes, first_out, plan->nr_ops);
  pvh_rec_bus_free(&rb);
}

/* pvh_plan_add_segment refused or accepted a segment for the right reason. */
static void check_segment_verdict(enum pvh_err rc, uint64_t paddr, uint64_t filesz, uint64_t memsz,
                                  int has_src) {
  enum pvh_err want = PVH_OK;
  if (filesz > memsz)
    want = PVH_E_SEG_FILESZ;
  else if (paddr + memsz < paddr)
    want = PVH_E_SEG_OVERFLOW;
  else if (memsz && paddr + memsz > LIMIT_4G)
    want = PVH_E_SEG_ABOVE_4G;
  else if (memsz && filesz && !has_src)
    want = PVH_E_INVALID_ARG; /* file bytes promised but none given */
  if (rc != want)
    oracle_fail("segment-verdict", "paddr 0x%llx filesz 0x%llx memsz 0x%llx: got %s, want %s",
                (unsigned long long)paddr, (unsigned long long)filesz, (unsigned long long)memsz,
                pvh_err_name(rc), pvh_err_name(want));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static struct pvh_mem_region regions[TOO_MANY_REGIONS];
  struct pvh_load_config cfg;
  struct pvh_image initramfs;
  struct pvh_error err;
  struct pvh_plan plan;
  enum pvh_err rc;

  if (!zeros)
    LLVMFuzzerInitialize(NULL, NULL);

  struct format_layout in = {0};
  struct fuzz_codec rd = fuzz_reader(data, size);
  format_layout_io(&rd, &in);

  size_t n = format_layout_regions(in.nr_regions);
  for (size_t i = 0; i < n; i++)
    regions[i] = (struct pvh_mem_region){in.r[i].addr, in.r[i].size, in.r[i].type};
  if (in.nr_regions == FORMAT_LAYOUT_TOO_MANY) {
    for (size_t i = 1; i < TOO_MANY_REGIONS; i++)
      regions[i] = regions[0];
    n = TOO_MANY_REGIONS;
  }

  pvh_load_config_init(&cfg);
  uint64_t *fields[FORMAT_LAYOUT_NR_FIELDS] = {
      [FORMAT_LAYOUT_GDT] = &cfg.layout.gdt_paddr,
      [FORMAT_LAYOUT_START_INFO] = &cfg.layout.start_info_paddr,
      [FORMAT_LAYOUT_MEMMAP] = &cfg.layout.memmap_paddr,
      [FORMAT_LAYOUT_MEMMAP_SIZE] = &cfg.layout.memmap_size,
      [FORMAT_LAYOUT_CMDLINE] = &cfg.layout.cmdline_paddr,
      [FORMAT_LAYOUT_CMDLINE_SIZE] = &cfg.layout.cmdline_size,
      [FORMAT_LAYOUT_INITRAMFS_CEILING] = &cfg.layout.initramfs_ceiling,
      [FORMAT_LAYOUT_INITRAMFS_ALIGN] = &cfg.layout.initramfs_align,
  };
  for (unsigned i = 0; i < FORMAT_LAYOUT_NR_FIELDS; i++)
    if (in.mask & (1u << i))
      *fields[i] = format_layout_value(&in, i);

  size_t cmdline_len = 0;
  if (in.cmdline) {
    cmdline_len = (size_t)(in.cmdline_len % CMDLINE_MAX);
    cmdline_buf[cmdline_len] = '\0';
    cfg.cmdline = cmdline_buf;
  }
  if (in.initramfs) {
    uint64_t isize = in.initramfs_size;
    if (isize > zeros_size)
      isize = zeros_size;
    pvh_image_from_buffer(&initramfs, zeros, (size_t)isize, "initramfs");
    cfg.initramfs = &initramfs;
  }

  struct {
    uint32_t flags;
    int no_src;
    uint64_t paddr, filesz, memsz;
  } segs[MAX_SEGS];
  size_t nsegs = in.nr_segs % (MAX_SEGS + 1);
  for (size_t i = 0; i < nsegs; i++) {
    segs[i].flags = in.s[i].pf;
    segs[i].no_src = in.s[i].no_source;
    segs[i].paddr = in.s[i].paddr;
    segs[i].filesz = in.s[i].filesz;
    segs[i].memsz = in.s[i].memsz;
  }
  uint64_t entry = in.entry;
  cfg.rsdp_paddr = in.rsdp;

  struct pvh_mem_region *sorted = NULL;
  pvh_error_clear(&err);
  rc = pvh_memmap_sorted(regions, n, &sorted, &err);
  if ((rc == PVH_OK) != oracle_map_valid(regions, n))
    oracle_fail("memmap-verdict", "pvh_memmap_sorted says %s for a map the oracle finds %s", pvh_err_name(rc),
                rc == PVH_OK ? "invalid" : "valid");
  if (rc != PVH_OK) {
    if (rc != PVH_E_MEMMAP_INVALID || sorted)
      oracle_fail("memmap-verdict", "pvh_memmap_sorted returned %s (sorted %p)", pvh_err_name(rc),
                  (void *)sorted);
    /* The whole-pipeline entry refuses the same map first, whatever the
     * kernel (here: none at all). */
    struct pvh_image none;
    struct pvh_error err2;
    pvh_image_from_buffer(&none, NULL, 0, "empty");
    enum pvh_err rc2 = pvh_plan_build(&none, regions, n, &cfg, &plan, &err2);
    if (rc2 != rc || plan.nr_ops)
      oracle_fail("memmap-verdict", "pvh_plan_build says %s for a map pvh_memmap_sorted calls %s",
                  pvh_err_name(rc2), pvh_err_name(rc));
    pvh_plan_free(&plan);
    goto out_cmdline;
  }

  pvh_plan_init(&plan);
  plan.report.note.entry = entry;
  uint64_t src_bytes = 0;
  rc = PVH_OK;
  for (size_t i = 0; i < nsegs && rc == PVH_OK; i++) {
    uint64_t fsz = segs[i].filesz;
    if (fsz > zeros_size)
      fsz = zeros_size; /* no image holds more; the verdict is checked on what is passed */
    const struct pvh_image *src = segs[i].no_src ? NULL : &zeros_img;
    rc = pvh_plan_add_segment(&plan, (uint32_t)i, segs[i].flags, segs[i].paddr, fsz, segs[i].memsz, 0, src,
                              &err);
    check_segment_verdict(rc, segs[i].paddr, fsz, segs[i].memsz, src != NULL);
    src_bytes += fsz;
  }
  if (rc == PVH_OK)
    rc = pvh_plan_boot_data(&plan, sorted, n, &cfg, &err);
  if (rc == PVH_OK) {
    rc = pvh_plan_validate(&plan, sorted, n, &err);
    if (rc != PVH_OK)
      check_rejection(rc, &plan, regions, n);
  }
  if (rc == PVH_OK) {
    oracle_check_plan(&plan, regions, n, &cfg);
    if (cfg.initramfs)
      src_bytes += cfg.initramfs->size;
    if (src_bytes <= COMMIT_LIMIT) {
      struct pvh_rec_bus rb;
      pvh_rec_bus_init(&rb, regions, n, 0);
      if (pvh_plan_commit(&plan, &rb.bus, &err) != PVH_OK || rb.nr_writes != plan.nr_ops || rb.out_of_ram)
        oracle_fail("commit", "a validated plan of %zu ops was refused by a bus over the same map: %s",
                    plan.nr_ops, err.message);
      for (size_t i = 0; i < rb.nr_writes; i++)
        if (rb.writes[i].gpa != plan.ops[i].gpa || rb.writes[i].len != plan.ops[i].len)
          oracle_fail("plan-vs-bus", "write %zu at 0x%llx+0x%llx, op at 0x%llx+0x%llx", i,
                      (unsigned long long)rb.writes[i].gpa, (unsigned long long)rb.writes[i].len,
                      (unsigned long long)plan.ops[i].gpa, (unsigned long long)plan.ops[i].len);
      pvh_rec_bus_free(&rb);
      check_commit_refusal(&plan, regions, n);
    }
  }
  pvh_plan_free(&plan);
  free(sorted);
out_cmdline:
  if (verbose)
    fprintf(stderr, "fuzz_layout: %s%s%s\n", pvh_err_name(rc), rc ? ": " : "", rc ? err.message : "");
  if (cfg.cmdline)
    cmdline_buf[cmdline_len] = 'x';
  return 0;
}
