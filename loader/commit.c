/* SPDX-License-Identifier: MIT */
/* The commit: a validated plan's writes, in order, through the bus. Bytes of
 * a memory image go to the bus as they are; bytes of a file image are read
 * with pread into one bounded buffer and written chunk by chunk, so a load
 * costs the same memory whatever the kernel's size; a bus that only records
 * placement gets the ranges and the images are not read at all. */
#include <stdlib.h>
#include <string.h>

#include "plan_internal.h"
#include "pvh/loader.h"

/* Boot data lives inside the plan; resolving it here (not trusting a pointer
 * kept in the op) keeps a plan that was copied or moved after planning
 * correct. NULL: a zero-fill (BSS). */
static const uint8_t *boot_data(const struct pvh_plan *plan, enum pvh_write_kind kind) {
  switch (kind) {
  case PVH_W_START_INFO: return plan->start_info_area;
  case PVH_W_GDT: return (const uint8_t *)plan->gdt;
  case PVH_W_MEMMAP: return (const uint8_t *)plan->memmap;
  case PVH_W_CMDLINE: return (const uint8_t *)plan->cmdline;
  default: return NULL;
  }
}

/* Writes one op's image bytes. Returns PVH_OK with *refused set when the bus
 * said no, or PVH_E_IO / PVH_E_NOMEM. *chunk is the commit's buffer, made
 * on first use. */
static enum pvh_err write_image_bytes(const struct pvh_write_op *op, struct pvh_bus *bus, uint8_t **chunk,
                                      int *refused, struct pvh_error *err) {
  const struct pvh_image *img = op->image;
  if (bus->ops->place) {
    *refused = bus->ops->place(bus->ctx, op->gpa, op->len) != 0;
    return PVH_OK;
  }
  if (img->kind != PVH_IMAGE_FILE) {
    *refused = bus->ops->write(bus->ctx, op->gpa, img->data + op->offset, op->len) != 0;
    return PVH_OK;
  }
  if (!*chunk && !(*chunk = malloc(PVH_COMMIT_CHUNK)))
    return pvh_fail(err, PVH_E_NOMEM, "cannot allocate the %u-byte commit buffer", PVH_COMMIT_CHUNK);
  for (uint64_t done = 0; done < op->len;) {
    uint64_t n = op->len - done < PVH_COMMIT_CHUNK ? op->len - done : PVH_COMMIT_CHUNK;
    struct pvh_error read_err;
    if (pvh_image_read(img, op->offset + done, n, *chunk, &read_err) != PVH_OK) {
      char what[96];
      plan_describe_op(op, what, sizeof(what));
      return pvh_fail(err, PVH_E_IO, "%s: %s", what, read_err.message);
    }
    if (bus->ops->write(bus->ctx, op->gpa + done, *chunk, n) != 0) {
      *refused = 1;
      return PVH_OK;
    }
    done += n;
  }
  return PVH_OK;
}

enum pvh_err pvh_plan_commit(const struct pvh_plan *plan, struct pvh_bus *bus, struct pvh_error *err) {
  uint8_t *chunk = NULL;
  enum pvh_err rc = PVH_OK;
  for (size_t i = 0; i < plan->nr_ops && rc == PVH_OK; i++) {
    const struct pvh_write_op *op = &plan->ops[i];
    const uint8_t *src = boot_data(plan, op->kind);
    int refused = 0;
    if (op->image)
      rc = write_image_bytes(op, bus, &chunk, &refused, err);
    else if (src)
      refused = bus->ops->write(bus->ctx, op->gpa, src, op->len) != 0;
    else
      refused = bus->ops->zero(bus->ctx, op->gpa, op->len) != 0;
    if (refused) {
      char what[96];
      plan_describe_op(op, what, sizeof(what));
      rc =
          pvh_fail(err, PVH_E_BUS, "the memory bus refused %s (write %zu of %zu)", what, i + 1, plan->nr_ops);
    }
  }
  free(chunk);
  return rc;
}
