/* SPDX-License-Identifier: MIT */
/* The setup header and the payload bounds (Linux boot protocol,
 * Documentation/arch/x86/boot.rst), the method by magic, and the error names. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

struct method_info {
  const char *name;
  const char *magic;
  size_t magic_len;
};

static const struct method_info methods[PVHBZ_METHOD__COUNT] = {[PVHBZ_METHOD_UNKNOWN] = {"unknown", "", 0},
#define PVHBZ_X_METHOD(id, nm, mg, ln) [id] = {nm, mg, ln},
                                                                PVHBZ_METHOD_LIST(PVHBZ_X_METHOD)
#undef PVHBZ_X_METHOD
};

static const char *const err_names[PVHBZ_E__COUNT] = {
#define PVHBZ_X_ERR(code, nm) [code] = nm,
    PVHBZ_ERROR_LIST(PVHBZ_X_ERR)
#undef PVHBZ_X_ERR
};

const char *pvhbz_err_name(enum pvhbz_err code) {
  return (unsigned)code < PVHBZ_E__COUNT ? err_names[code] : "unknown-error";
}

const char *pvhbz_method_name(enum pvhbz_method m) {
  return (unsigned)m < PVHBZ_METHOD__COUNT ? methods[m].name : "unknown";
}

enum pvhbz_err pvhbz_fail(struct pvhbz_error *err, enum pvhbz_err code, const char *fmt, ...) {
  if (err) {
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
  }
  return code;
}

enum pvhbz_method pvhbz_method_by_magic(const uint8_t *data, size_t size) {
  for (int m = 1; m < PVHBZ_METHOD__COUNT; m++)
    if (size >= methods[m].magic_len && !memcmp(data, methods[m].magic, methods[m].magic_len))
      return (enum pvhbz_method)m;
  return PVHBZ_METHOD_UNKNOWN;
}

int pvhbz_looks_like_bzimage(const uint8_t *data, size_t size) {
  return data && size >= PVHBZ_OFF_HDRS + 4 && !memcmp(data + PVHBZ_OFF_HDRS, "HdrS", 4);
}

/* The smallest payload: a magic and the 4-byte size trailer. */
#define PAYLOAD_MIN 8

enum pvhbz_err pvhbz_parse(const uint8_t *data, size_t size, struct pvhbz_header *h,
                           struct pvhbz_error *err) {
  if (!data || !h)
    return pvhbz_fail(err, PVHBZ_E_INVALID_ARG, "pvhbz_parse: NULL data or header");
  memset(h, 0, sizeof(*h));
  if (!pvhbz_looks_like_bzimage(data, size))
    return pvhbz_fail(err, PVHBZ_E_NOT_BZIMAGE, "no \"HdrS\" setup header magic at 0x%x", PVHBZ_OFF_HDRS);
  if (size < PVHBZ_HEADER_END)
    return pvhbz_fail(err, PVHBZ_E_HEADER_TRUNCATED, "file is %zu bytes, the setup header needs %u", size,
                      PVHBZ_HEADER_END);
  h->protocol = (uint16_t)(data[PVHBZ_OFF_VERSION] | (data[PVHBZ_OFF_VERSION + 1] << 8));
  if (h->protocol < PVHBZ_PROTOCOL_MIN)
    return pvhbz_fail(err, PVHBZ_E_PROTOCOL,
                      "boot protocol %u.%02u has no payload_offset/payload_length (2.08 and later do)",
                      h->protocol >> 8, h->protocol & 0xff);
  /* A 0 in setup_sects means 4: what old bootloaders assumed. */
  h->setup_sects = data[PVHBZ_OFF_SETUP_SECTS] ? data[PVHBZ_OFF_SETUP_SECTS] : 4;
  h->pm_start = ((uint64_t)h->setup_sects + 1) * 512; /* at most 256 * 512: no overflow */
  if (h->pm_start > size)
    return pvhbz_fail(err, PVHBZ_E_SETUP_BOUNDS,
                      "setup_sects %u puts the protected-mode part at 0x%" PRIx64 ", past the %zu-byte file",
                      h->setup_sects, h->pm_start, size);
  uint64_t off = bz_le32(data + PVHBZ_OFF_PAYLOAD_OFFSET), len = bz_le32(data + PVHBZ_OFF_PAYLOAD_LENGTH);
  uint64_t start, end;
  if (__builtin_add_overflow(h->pm_start, off, &start) || __builtin_add_overflow(start, len, &end) ||
      end > size)
    return pvhbz_fail(err, PVHBZ_E_PAYLOAD_BOUNDS,
                      "payload_offset 0x%" PRIx64 " + payload_length 0x%" PRIx64
                      " from the protected-mode part at 0x%" PRIx64 " is past the %zu-byte file",
                      off, len, h->pm_start, size);
  h->payload_start = start;
  h->payload_length = len;
  if (len < PAYLOAD_MIN)
    return pvhbz_fail(err, PVHBZ_E_PAYLOAD_SHORT,
                      "payload_length %" PRIu64 " is less than a magic and the 4-byte size trailer", len);
  const uint8_t *p = data + start;
  h->declared_size = bz_le32(p + len - 4);
  h->method = pvhbz_method_by_magic(p, len - 4);
  if (h->method == PVHBZ_METHOD_UNKNOWN)
    return pvhbz_fail(err, PVHBZ_E_METHOD_UNKNOWN,
                      "payload at 0x%" PRIx64
                      " starts %02x %02x %02x %02x %02x %02x: no known compression magic",
                      start, p[0], p[1], p[2], p[3], p[4], p[5]);
  return PVHBZ_OK;
}

uint64_t pvhbz_stream_length(const struct pvhbz_header *h) {
  return h->method == PVHBZ_GZIP ? h->payload_length : h->payload_length - 4;
}
