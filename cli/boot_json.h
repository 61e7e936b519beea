/* SPDX-License-Identifier: MIT */
/* The members of a boot's JSON report that `boot` and `boot --linux` share
 * (after report.h's common head): what was loaded, the entry proof, how the
 * run ended, timings, the console. */
#ifndef PVHCHECK_BOOT_JSON_H
#define PVHCHECK_BOOT_JSON_H

#include "json.h"
#include "pvhkvm/boot.h"

void boot_json_run(struct json_writer *w, const struct pvhkvm_boot_result *r);

#endif
