/* SPDX-License-Identifier: MIT */
/* From a parsed header to the vmlinux: the size limit before anything is
 * decompressed, one allocation of exactly the declared size, the method's
 * decoder, and the declared-versus-produced check. */
#include <inttypes.h>
#include <stdlib.h>

#include "internal.h"

/* Each decoder is compiled only where CMake found its library. */
static const bz_decoder decoders[PVHBZ_METHOD__COUNT] = {
#ifdef PVHBZ_HAVE_ZLIB
    [PVHBZ_GZIP] = bz_dec_gzip,
#endif
#ifdef PVHBZ_HAVE_LZMA
    [PVHBZ_XZ] = bz_dec_xz,       [PVHBZ_LZMA] = bz_dec_lzma,
#endif
#ifdef PVHBZ_HAVE_BZ2
    [PVHBZ_BZIP2] = bz_dec_bzip2,
#endif
#ifdef PVHBZ_HAVE_LZO
    [PVHBZ_LZO] = bz_dec_lzo,
#endif
#ifdef PVHBZ_HAVE_LZ4
    [PVHBZ_LZ4] = bz_dec_lz4,
#endif
#ifdef PVHBZ_HAVE_ZSTD
    [PVHBZ_ZSTD] = bz_dec_zstd,
#endif
};

int pvhbz_method_supported(enum pvhbz_method m) {
  return (unsigned)m < PVHBZ_METHOD__COUNT && decoders[m] != NULL;
}

enum pvhbz_err pvhbz_decompress(enum pvhbz_method m, const uint8_t *in, size_t in_len, uint8_t *out,
                                size_t out_len, struct pvhbz_error *err) {
  if (!in || (!out && out_len))
    return pvhbz_fail(err, PVHBZ_E_INVALID_ARG, "pvhbz_decompress: NULL buffer");
  if ((unsigned)m >= PVHBZ_METHOD__COUNT || m == PVHBZ_METHOD_UNKNOWN)
    return pvhbz_fail(err, PVHBZ_E_METHOD_UNKNOWN, "no compression method %d", (int)m);
  if (!decoders[m])
    return pvhbz_fail(err, PVHBZ_E_METHOD_UNSUPPORTED,
                      "the payload is %s, and this build of pvhcheck has no %s decompressor (its library "
                      "was not found at build time)",
                      pvhbz_method_name(m), pvhbz_method_name(m));
  if (out_len > PVHBZ_VMLINUX_MAX)
    return pvhbz_fail(err, PVHBZ_E_SIZE_LIMIT, "output of %zu bytes is over the %llu-byte limit", out_len,
                      (unsigned long long)PVHBZ_VMLINUX_MAX);
  struct bz_sink s = {.out = out, .cap = out_len};
  enum pvhbz_err rc = decoders[m](in, in_len, &s, err);
  if (rc != PVHBZ_OK)
    return rc;
  if (s.excess)
    return pvhbz_fail(
        err, PVHBZ_E_LARGER, "%s payload decompresses to %s%" PRIu64 " bytes, the trailer declares %zu",
        pvhbz_method_name(m), bz_excess_capped(&s) ? "at least " : "", (uint64_t)s.cap + s.excess, out_len);
  if (s.len != out_len)
    return pvhbz_fail(err, PVHBZ_E_SMALLER, "%s payload decompresses to %zu bytes, the trailer declares %zu",
                      pvhbz_method_name(m), s.len, out_len);
  return PVHBZ_OK;
}

enum pvhbz_err pvhbz_unpack(const uint8_t *data, size_t size, const struct pvhbz_header *h, uint64_t limit,
                            uint8_t **out, size_t *out_len, struct pvhbz_error *err) {
  if (!data || !h || !out || !out_len)
    return pvhbz_fail(err, PVHBZ_E_INVALID_ARG, "pvhbz_unpack: NULL argument");
  *out = NULL;
  *out_len = 0;
  uint64_t end;
  if (h->payload_length < 8 || __builtin_add_overflow(h->payload_start, h->payload_length, &end) ||
      end > size)
    return pvhbz_fail(err, PVHBZ_E_PAYLOAD_BOUNDS,
                      "payload [0x%" PRIx64 ", +0x%" PRIx64 ") is not in the %zu-byte file", h->payload_start,
                      h->payload_length, size);
  if (h->method == PVHBZ_METHOD_UNKNOWN)
    return pvhbz_fail(err, PVHBZ_E_METHOD_UNKNOWN, "the payload starts with no known compression magic");
  if (limit > PVHBZ_VMLINUX_MAX)
    limit = PVHBZ_VMLINUX_MAX;
  if (h->declared_size == 0)
    return pvhbz_fail(err, PVHBZ_E_SIZE_ZERO, "the payload's size trailer declares 0 bytes");
  if (h->declared_size > limit || h->declared_size > SIZE_MAX)
    return pvhbz_fail(err, PVHBZ_E_SIZE_LIMIT,
                      "the payload's size trailer declares %" PRIu64 " bytes, over the %" PRIu64
                      "-byte limit",
                      h->declared_size, limit);
  /* After the size checks: the trailer's verdict does not depend on the build. */
  if (!pvhbz_method_supported(h->method))
    return pvhbz_decompress(h->method, data, 0, NULL, 0, err); /* names the missing library */
  uint8_t *buf = malloc((size_t)h->declared_size);
  if (!buf)
    return pvhbz_fail(err, PVHBZ_E_NOMEM, "cannot allocate %" PRIu64 " bytes for the vmlinux",
                      h->declared_size);
  enum pvhbz_err rc = pvhbz_decompress(h->method, data + h->payload_start, (size_t)pvhbz_stream_length(h),
                                       buf, (size_t)h->declared_size, err);
  if (rc != PVHBZ_OK) {
    free(buf);
    return rc;
  }
  *out = buf;
  *out_len = (size_t)h->declared_size;
  return PVHBZ_OK;
}
