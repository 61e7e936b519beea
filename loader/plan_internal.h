/* SPDX-License-Identifier: MIT */
/* Plan helpers shared by plan.c and boot_data.c; not part of the public API. */
#ifndef PVH_PLAN_INTERNAL_H
#define PVH_PLAN_INTERNAL_H

#include <stdio.h>

#include "pvh/loader.h"

enum pvh_err plan_add_op(struct pvh_plan *plan, enum pvh_write_kind kind, uint32_t index, uint64_t gpa,
                         uint64_t len, const uint8_t *src, struct pvh_error *err);
enum pvh_err plan_check_overlaps(const struct pvh_plan *plan, struct pvh_error *err);

#endif
