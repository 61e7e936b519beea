/* SPDX-License-Identifier: MIT */
#include "pvh/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const pvh_err_names[] = {
#define PVH_X_NAME(code, name) name,
    PVH_ERROR_LIST(PVH_X_NAME)
#undef PVH_X_NAME
};

_Static_assert(sizeof(pvh_err_names) / sizeof(pvh_err_names[0]) == PVH_E__COUNT,
               "one short name per error code");

const char *pvh_err_name(enum pvh_err code) {
  if ((unsigned)code >= PVH_E__COUNT)
    return "unknown-error";
  return pvh_err_names[code];
}

enum pvh_err pvh_fail(struct pvh_error *err, enum pvh_err code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
  }
  return code;
}

void pvh_error_clear(struct pvh_error *err) {
  if (err) {
    err->code = PVH_OK;
    err->message[0] = '\0';
  }
}
