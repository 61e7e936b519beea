/* SPDX-License-Identifier: MIT */
/* The load plan: a list of guest writes that is validated as a whole (RAM,
 * 4 GiB, overlaps, entry point) before pvh_plan_commit performs any of them. */
#include <stdlib.h>
#include <string.h>

#include "le.h"
#include "plan_internal.h"
#include "pvh/loader.h"

#define LIMIT_4G 0x100000000ull

const char *pvh_write_kind_name(enum pvh_write_kind kind) {
  switch (kind) {
  case PVH_W_SEGMENT: return "segment";
  case PVH_W_BSS: return "bss";
  case PVH_W_START_INFO: return "start_info";
  case PVH_W_MEMMAP: return "memmap";
  case PVH_W_CMDLINE: return "cmdline";
  case PVH_W_GDT: return "gdt";
  case PVH_W_INITRAMFS: return "initramfs";
  }
  return "unknown";
}

void pvh_plan_init(struct pvh_plan *plan) { memset(plan, 0, sizeof(*plan)); }

void pvh_plan_free(struct pvh_plan *plan) {
  free(plan->ops);
  free(plan->report.segments);
  free(plan->memmap);
  free(plan->cmdline);
  pvh_plan_init(plan);
}

enum pvh_err plan_add_op(struct pvh_plan *plan, enum pvh_write_kind kind, uint32_t index, uint64_t gpa,
                         uint64_t len, const struct pvh_image *image, uint64_t offset,
                         struct pvh_error *err) {
  if (len == 0)
    return PVH_OK; /* nothing to write, nothing to overlap */
  if (plan->nr_ops == plan->cap_ops) {
    size_t cap = plan->cap_ops ? plan->cap_ops * 2 : 16;
    struct pvh_write_op *ops = realloc(plan->ops, cap * sizeof(*ops));
    if (!ops)
      return pvh_fail(err, PVH_E_NOMEM, "cannot grow the plan to %zu writes", cap);
    plan->ops = ops;
    plan->cap_ops = cap;
  }
  plan->ops[plan->nr_ops++] = (struct pvh_write_op){kind, index, gpa, len, image, offset};
  plan->report.bytes_planned += len;
  return PVH_OK;
}

/* The report's segment array has no capacity field (the public struct stays
 * as it is): its capacity is implied by the count, SEGMENTS_FIRST_CAP and then
 * doubling, so it is full exactly when the count is 0 or a power of two at
 * least SEGMENTS_FIRST_CAP. */
#define SEGMENTS_FIRST_CAP 8u
static int segments_full(size_t n) { return n == 0 || (n >= SEGMENTS_FIRST_CAP && (n & (n - 1)) == 0); }

enum pvh_err pvh_plan_add_segment(struct pvh_plan *plan, uint32_t phdr_index, uint32_t flags, uint64_t paddr,
                                  uint64_t filesz, uint64_t memsz, uint64_t offset,
                                  const struct pvh_image *image, struct pvh_error *err) {
  uint64_t end;
  enum pvh_err rc;
  if (filesz > memsz)
    return pvh_fail(err, PVH_E_SEG_FILESZ, "PT_LOAD %u p_filesz 0x%llx exceeds p_memsz 0x%llx", phdr_index,
                    (unsigned long long)filesz, (unsigned long long)memsz);
  if (add_overflows(paddr, memsz, &end))
    return pvh_fail(err, PVH_E_SEG_OVERFLOW, "PT_LOAD %u p_paddr 0x%llx + p_memsz 0x%llx wraps past 2^64",
                    phdr_index, (unsigned long long)paddr, (unsigned long long)memsz);
  if (memsz == 0)
    return PVH_OK; /* occupies no memory: nothing to place */
  /* The PVH entry runs with paging off: every byte must be 32-bit addressable. */
  if (end > LIMIT_4G)
    return pvh_fail(err, PVH_E_SEG_ABOVE_4G, "PT_LOAD %u paddr 0x%llx+0x%llx ends above 4 GiB", phdr_index,
                    (unsigned long long)paddr, (unsigned long long)memsz);
  if (filesz && (!image || !pvh_image_contains(image, offset, filesz)))
    return pvh_fail(err, PVH_E_INVALID_ARG, "PT_LOAD %u file bytes 0x%llx+0x%llx are not inside its image",
                    phdr_index, (unsigned long long)offset, (unsigned long long)filesz);

  struct pvh_load_report *r = &plan->report;
  if (segments_full(r->nr_segments)) {
    /* Geometric growth: one realloc per entry made 4096 PT_LOADs cost 0.69 s
     * and 400 MB under ASan (every realloc copies and quarantines). */
    size_t cap = r->nr_segments ? r->nr_segments * 2 : SEGMENTS_FIRST_CAP;
    struct pvh_placed_segment *segs = realloc(r->segments, cap * sizeof(*segs));
    if (!segs)
      return pvh_fail(err, PVH_E_NOMEM, "cannot record PT_LOAD %u (%zu segments)", phdr_index, cap);
    r->segments = segs;
  }
  r->segments[r->nr_segments++] =
      (struct pvh_placed_segment){phdr_index, flags, paddr, filesz, memsz, offset};
  if (r->nr_segments == 1 || paddr < r->kernel_start)
    r->kernel_start = paddr;
  if (end > r->kernel_end)
    r->kernel_end = end;

  if ((rc = plan_add_op(plan, PVH_W_SEGMENT, phdr_index, paddr, filesz, image, offset, err)) != PVH_OK)
    return rc;
  return plan_add_op(plan, PVH_W_BSS, phdr_index, paddr + filesz, memsz - filesz, NULL, 0, err);
}

static int is_kernel(const struct pvh_write_op *op) {
  return op->kind == PVH_W_SEGMENT || op->kind == PVH_W_BSS;
}

static enum pvh_err check_op_in_ram(const struct pvh_write_op *op, const struct pvh_mem_region *sorted,
                                    size_t n, struct pvh_error *err) {
  uint64_t end = op->gpa + op->len; /* ops are overflow-checked when added */
  if (is_kernel(op)) {
    if (!pvh_memmap_is_ram(sorted, n, op->gpa, op->len))
      return pvh_fail(err, PVH_E_SEG_NOT_RAM, "PT_LOAD %u %s 0x%llx+0x%llx is not RAM", op->index,
                      pvh_write_kind_name(op->kind), (unsigned long long)op->gpa,
                      (unsigned long long)op->len);
    return PVH_OK;
  }
  if (end > LIMIT_4G)
    return pvh_fail(err, PVH_E_LAYOUT_ABOVE_4G, "%s 0x%llx+0x%llx ends above 4 GiB",
                    pvh_write_kind_name(op->kind), (unsigned long long)op->gpa, (unsigned long long)op->len);
  if (!pvh_memmap_is_ram(sorted, n, op->gpa, op->len))
    return pvh_fail(err, PVH_E_LAYOUT_NOT_RAM, "%s 0x%llx+0x%llx is not RAM", pvh_write_kind_name(op->kind),
                    (unsigned long long)op->gpa, (unsigned long long)op->len);
  return PVH_OK;
}

static int cmp_op_ptr(const void *a, const void *b) {
  const struct pvh_write_op *x = *(const struct pvh_write_op *const *)a;
  const struct pvh_write_op *y = *(const struct pvh_write_op *const *)b;
  return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

void plan_describe_op(const struct pvh_write_op *op, char *buf, size_t len) {
  if (is_kernel(op))
    snprintf(buf, len, "PT_LOAD %u %s 0x%llx+0x%llx", op->index, pvh_write_kind_name(op->kind),
             (unsigned long long)op->gpa, (unsigned long long)op->len);
  else
    snprintf(buf, len, "%s 0x%llx+0x%llx", pvh_write_kind_name(op->kind), (unsigned long long)op->gpa,
             (unsigned long long)op->len);
}

enum pvh_err plan_check_overlaps(const struct pvh_plan *plan, struct pvh_error *err) {
  if (plan->nr_ops < 2)
    return PVH_OK;
  const struct pvh_write_op **order = malloc(plan->nr_ops * sizeof(*order));
  if (!order)
    return pvh_fail(err, PVH_E_NOMEM, "cannot sort %zu writes", plan->nr_ops);
  for (size_t i = 0; i < plan->nr_ops; i++)
    order[i] = &plan->ops[i];
  qsort(order, plan->nr_ops, sizeof(*order), cmp_op_ptr);
  enum pvh_err rc = PVH_OK;
  /* After sorting by start, any overlap shows up between an op and the op that
   * reaches furthest among those before it. */
  const struct pvh_write_op *reach = order[0];
  for (size_t i = 1; i < plan->nr_ops && rc == PVH_OK; i++) {
    const struct pvh_write_op *op = order[i];
    if (op->gpa < reach->gpa + reach->len) {
      char a[96], b[96];
      plan_describe_op(reach, a, sizeof(a));
      plan_describe_op(op, b, sizeof(b));
      rc = pvh_fail(err, is_kernel(reach) && is_kernel(op) ? PVH_E_SEG_OVERLAP : PVH_E_LAYOUT_OVERLAP,
                    "%s overlaps %s", a, b);
    }
    if (op->gpa + op->len > reach->gpa + reach->len)
      reach = op;
  }
  free(order);
  return rc;
}

enum pvh_err pvh_plan_validate(const struct pvh_plan *plan, const struct pvh_mem_region *sorted,
                               size_t nr_regions, struct pvh_error *err) {
  enum pvh_err rc;
  /* Kernel segments first so a bad kernel is reported as such, not as a layout
   * problem it happens to cause. */
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < plan->nr_ops; i++) {
      const struct pvh_write_op *op = &plan->ops[i];
      if (is_kernel(op) == (pass == 0) && (rc = check_op_in_ram(op, sorted, nr_regions, err)) != PVH_OK)
        return rc;
    }
  }
  if ((rc = plan_check_overlaps(plan, err)) != PVH_OK)
    return rc;

  uint64_t entry = plan->report.note.entry;
  for (size_t i = 0; i < plan->report.nr_segments; i++) {
    const struct pvh_placed_segment *s = &plan->report.segments[i];
    if ((s->flags & PVH_PF_X) && entry >= s->paddr && entry - s->paddr < s->filesz)
      return PVH_OK;
  }
  return pvh_fail(err, PVH_E_ENTRY_NOT_LOADED,
                  "PHYS32_ENTRY 0x%llx is not inside the file bytes of an executable PT_LOAD",
                  (unsigned long long)entry);
}
