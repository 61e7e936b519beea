/* SPDX-License-Identifier: MIT */
/* Plan helpers shared by plan.c and boot_data.c; not part of the public API. */
#ifndef PVH_PLAN_INTERNAL_H
#define PVH_PLAN_INTERNAL_H

#include <stdio.h>

#include "pvh/loader.h"

/* Appends a write; image/offset only for bytes that come from an image. */
enum pvh_err plan_add_op(struct pvh_plan *plan, enum pvh_write_kind kind, uint32_t index, uint64_t gpa,
                         uint64_t len, const struct pvh_image *image, uint64_t offset, struct pvh_error *err);
void plan_describe_op(const struct pvh_write_op *op, char *buf, size_t len);
enum pvh_err plan_check_overlaps(const struct pvh_plan *plan, struct pvh_error *err);

#endif
