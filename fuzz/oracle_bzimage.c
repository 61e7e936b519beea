/* SPDX-License-Identifier: MIT */
/* The bzImage reader's oracles (oracle_bzimage.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"
#include "oracle_bzimage.h"

#define GUARD 64
#define GUARD_BYTE 0xa5

static uint32_t le32_at(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void check_error(enum pvhbz_err rc, const struct pvhbz_error *err, const char *where) {
  if (rc <= PVHBZ_OK || rc >= PVHBZ_E__COUNT)
    oracle_fail("bz-error-code", "%s returned %d", where, (int)rc);
  if (err->code != rc)
    oracle_fail("bz-error-code", "%s returned %s but set %s", where, pvhbz_err_name(rc),
                pvhbz_err_name(err->code));
  if (!memchr(err->message, 0, sizeof(err->message)) || err->message[0] == 0)
    oracle_fail("bz-error-message", "%s: %s without a message", where, pvhbz_err_name(rc));
}

void oracle_check_bz_parse(const uint8_t *data, size_t size, enum pvhbz_err rc, const struct pvhbz_header *h,
                           const struct pvhbz_error *err) {
  int hdrs = size >= 0x206 && !memcmp(data + 0x202, "HdrS", 4);
  if (rc != PVHBZ_OK) {
    check_error(rc, err, "pvhbz_parse");
    if (!hdrs && rc != PVHBZ_E_NOT_BZIMAGE)
      oracle_fail("bz-parse-verdict", "no HdrS, yet %s", pvhbz_err_name(rc));
    return;
  }
  if (!hdrs || size < PVHBZ_HEADER_END)
    oracle_fail("bz-parse-verdict", "accepted a %zu-byte file %s HdrS", size, hdrs ? "with" : "without");
  unsigned sects = data[0x1f1] ? data[0x1f1] : 4;
  uint16_t proto = (uint16_t)(data[0x206] | (data[0x207] << 8));
  uint64_t pm = (uint64_t)(sects + 1) * 512;
  uint64_t start = pm + le32_at(data + 0x248), len = le32_at(data + 0x24c);
  if (h->setup_sects != sects || h->pm_start != pm || h->protocol != proto || proto < PVHBZ_PROTOCOL_MIN)
    oracle_fail("bz-header-fields",
                "setup_sects %u pm 0x%" PRIx64 " protocol 0x%x vs bytes %u 0x%" PRIx64 " 0x%x",
                h->setup_sects, h->pm_start, h->protocol, sects, pm, proto);
  if (h->payload_start != start || h->payload_length != len || start + len > size || len < 8)
    oracle_fail("bz-payload-bounds",
                "payload [0x%" PRIx64 ", +0x%" PRIx64 ") in a %zu-byte file (bytes say 0x%" PRIx64
                ", 0x%" PRIx64 ")",
                h->payload_start, h->payload_length, size, start, len);
  if (h->declared_size != le32_at(data + start + len - 4))
    oracle_fail("bz-trailer", "declared %" PRIu64 ", trailer bytes say %" PRIu32, h->declared_size,
                le32_at(data + start + len - 4));
  if (h->method == PVHBZ_METHOD_UNKNOWN || pvhbz_method_by_magic(data + start, len - 4) != h->method)
    oracle_fail("bz-method", "method %s for payload bytes %02x %02x %02x %02x", pvhbz_method_name(h->method),
                data[start], data[start + 1], data[start + 2], data[start + 3]);
}

/* One decode into cap bytes plus a guard; the guard must survive. */
static enum pvhbz_err decode(const struct pvhbz_header *h, const uint8_t *in, size_t in_len, size_t cap,
                             uint8_t **out, struct pvhbz_error *err) {
  uint8_t *buf = malloc(cap + GUARD);
  if (!buf)
    oracle_fail("bz-oom", "cannot allocate %zu bytes", cap + GUARD);
  memset(buf + cap, GUARD_BYTE, GUARD);
  enum pvhbz_err rc = pvhbz_decompress(h->method, in, in_len, buf, cap, err);
  for (size_t i = 0; i < GUARD; i++)
    if (buf[cap + i] != GUARD_BYTE)
      oracle_fail("bz-output-past-bound", "%s wrote byte %zu past its %zu-byte output (%s)",
                  pvhbz_method_name(h->method), i, cap, pvhbz_err_name(rc));
  *out = buf;
  return rc;
}

/* The number a size error names after "decompresses to [at least] ". */
static int named_size(const char *msg, uint64_t *v) {
  const char *p = strstr(msg, "decompresses to ");
  if (!p)
    return 0;
  p += strlen("decompresses to ");
  if (!strncmp(p, "at least ", 9))
    p += 9;
  return sscanf(p, "%" SCNu64, v) == 1;
}

uint8_t *oracle_check_bz_decompress(const uint8_t *data, size_t size, const struct pvhbz_header *h,
                                    uint64_t limit, size_t *len) {
  struct pvhbz_error err;
  uint8_t *vm = NULL;
  size_t vlen = 0;
  enum pvhbz_err rc = pvhbz_unpack(data, size, h, limit, &vm, &vlen, &err);
  *len = 0;
  if (h->declared_size > limit) {
    if (rc != PVHBZ_E_SIZE_LIMIT)
      oracle_fail("bz-limit", "declared %" PRIu64 " over the limit %" PRIu64 ", yet %s", h->declared_size,
                  limit, pvhbz_err_name(rc));
    return NULL;
  }
  if (rc != PVHBZ_OK) {
    check_error(rc, &err, "pvhbz_unpack");
    if (vm)
      oracle_fail("bz-unpack-output", "failed with %s but returned a buffer", pvhbz_err_name(rc));
    if (rc == PVHBZ_E_LARGER || rc == PVHBZ_E_SMALLER) {
      uint64_t got;
      if (!named_size(err.message, &got) ||
          (rc == PVHBZ_E_LARGER ? got <= h->declared_size : got >= h->declared_size))
        oracle_fail("bz-size-message", "%s does not name the real size: %s", pvhbz_err_name(rc), err.message);
    }
    /* A size the trailer gets wrong is refused first, whatever the build supports. */
    if (h->declared_size != 0 && (!pvhbz_method_supported(h->method) ? rc != PVHBZ_E_METHOD_UNSUPPORTED
                                                                     : rc == PVHBZ_E_METHOD_UNSUPPORTED))
      oracle_fail("bz-unsupported", "%s: supported %d, yet %s", pvhbz_method_name(h->method),
                  pvhbz_method_supported(h->method), pvhbz_err_name(rc));
  } else if (vlen != h->declared_size || !vm) {
    oracle_fail("bz-declared-vs-actual", "unpacked %zu bytes, declared %" PRIu64, vlen, h->declared_size);
  }
  if (!pvhbz_method_supported(h->method) || h->declared_size == 0)
    return vm;

  /* The same stream against the bound on either side of the declared size. */
  const uint8_t *in = data + h->payload_start;
  size_t in_len = (size_t)pvhbz_stream_length(h), d = (size_t)h->declared_size;
  uint8_t *b;
  struct pvhbz_error e2;
  enum pvhbz_err r2;
  if (rc == PVHBZ_OK) {
    r2 = decode(h, in, in_len, d - 1, &b, &e2);
    uint64_t got;
    if (r2 != PVHBZ_E_LARGER || !named_size(e2.message, &got) ||
        got < d) /* the bytes of a failed decode are unspecified */
      oracle_fail("bz-declared-vs-actual", "a stream of %zu bytes into %zu: %s: %s", d, d - 1,
                  pvhbz_err_name(r2), e2.message);
    free(b);
    r2 = decode(h, in, in_len, d + 1, &b, &e2);
    if (r2 != PVHBZ_E_SMALLER || !named_size(e2.message, &got) || got != d || memcmp(b, vm, d))
      oracle_fail("bz-declared-vs-actual", "a stream of %zu bytes into %zu: %s: %s", d, d + 1,
                  pvhbz_err_name(r2), e2.message);
    free(b);
  }
  *len = vlen;
  return vm;
}
