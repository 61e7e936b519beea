/* SPDX-License-Identifier: MIT */
/* Tests that run pvhcheck's commands in-process hand the JSON reports they
 * got to tests/unit/test_json_contract.sh, which validates every one against
 * docs/schema/pvhcheck.schema.json: when PVH_JSON_DUMP names a directory,
 * each report is written there as <prefix>-<n>.json. */
#ifndef PVH_TEST_JSON_DUMP_H
#define PVH_TEST_JSON_DUMP_H

#include <stdio.h>
#include <stdlib.h>

static inline void test_json_dump(const char *prefix, const char *json) {
  static int n;
  const char *dir = getenv("PVH_JSON_DUMP");
  if (!dir)
    return;
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s-%02d.json", dir, prefix, n++);
  FILE *f = fopen(path, "w");
  if (f) {
    fputs(json, f);
    fclose(f);
  }
}

#endif
