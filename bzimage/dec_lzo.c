/* SPDX-License-Identifier: MIT */
/* lzo payloads: the kernel writes `lzop -9` output, a header then blocks,
 * each {u32 BE uncompressed size (0 ends the stream), u32 BE compressed
 * size, checksums the header's flags ask for, data}, a block stored as is
 * when the two sizes are equal. liblzo2 decodes each block with
 * lzo1x_decompress_safe (which never writes past the room it is given) and
 * checks the checksums (lzo_adler32, lzo_crc32). */
#include <inttypes.h>
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define LZOP_MAGIC "\x89LZO\x00\r\n\x1a\n"
#define LZOP_MAGIC_LEN 9
/* lzop's own limit on a block (MAX_BLOCK_SIZE). */
#define LZOP_BLOCK_MAX (64u << 20)
enum {
  F_ADLER32_D = 0x1,
  F_ADLER32_C = 0x2,
  F_H_EXTRA_FIELD = 0x40,
  F_CRC32_D = 0x100,
  F_CRC32_C = 0x200,
  F_H_FILTER = 0x800,
  F_H_CRC32 = 0x1000,
};

struct rd {
  const uint8_t *p;
  size_t len, pos;
};
static int take(struct rd *r, size_t n, const uint8_t **out) {
  if (r->len - r->pos < n)
    return -1;
  *out = r->p + r->pos;
  r->pos += n;
  return 0;
}
static int u8(struct rd *r, uint32_t *v) {
  const uint8_t *b;
  if (take(r, 1, &b))
    return -1;
  *v = b[0];
  return 0;
}
static int u16(struct rd *r, uint32_t *v) {
  const uint8_t *b;
  if (take(r, 2, &b))
    return -1;
  *v = bz_be16(b);
  return 0;
}
static int u32(struct rd *r, uint32_t *v) {
  const uint8_t *b;
  if (take(r, 4, &b))
    return -1;
  *v = bz_be32(b);
  return 0;
}

/* The lzop header; leaves r after it and the flags in *flags. */
static enum pvhbz_err header(struct rd *r, uint32_t *flags, struct pvhbz_error *err) {
  const uint8_t *b;
  uint32_t version, lib_version, needed, method, level = 0, filter = 0, mode, mtime, name_len, sum;
  if (take(r, LZOP_MAGIC_LEN, &b) || memcmp(b, LZOP_MAGIC, LZOP_MAGIC_LEN))
    return pvhbz_fail(err, PVHBZ_E_CORRUPT, "lzo payload has no lzop magic");
  if (u16(r, &version) || u16(r, &lib_version))
    goto short_header;
  if (version >= 0x0940 && u16(r, &needed))
    goto short_header;
  if (u8(r, &method) || (version >= 0x0940 && u8(r, &level)) || u32(r, flags))
    goto short_header;
  (void)lib_version;
  (void)level;
  if (method < 1 || method > 3) /* M_LZO1X_1, M_LZO1X_1_15, M_LZO1X_999 */
    return pvhbz_fail(err, PVHBZ_E_CORRUPT, "lzop method %" PRIu32 " is not an LZO1X method", method);
  if ((*flags & F_H_FILTER) && u32(r, &filter))
    goto short_header;
  if (*flags & F_H_FILTER)
    return pvhbz_fail(err, PVHBZ_E_CORRUPT, "lzop filter %" PRIu32 " is not supported", filter);
  if (u32(r, &mode) || u32(r, &mtime) || (version >= 0x0940 && u32(r, &mtime)) || u8(r, &name_len) ||
      take(r, name_len, &b) || u32(r, &sum))
    goto short_header;
  if (*flags & F_H_EXTRA_FIELD) {
    uint32_t extra;
    if (u32(r, &extra) || take(r, extra, &b) || u32(r, &sum))
      goto short_header;
  }
  return PVHBZ_OK;
short_header:
  return pvhbz_fail(err, PVHBZ_E_STREAM_TRUNCATED, "lzop header is truncated at input byte %zu", r->pos);
}

static uint32_t checksum(uint32_t flags, uint32_t adler_flag, const uint8_t *p, size_t n) {
  return (flags & adler_flag) ? (uint32_t)lzo_adler32(1, p, (lzo_uint)n)
                              : (uint32_t)lzo_crc32(0, p, (lzo_uint)n);
}

enum pvhbz_err bz_dec_lzo(const uint8_t *in, size_t in_len, struct bz_sink *s, struct pvhbz_error *err) {
  if (lzo_init() != LZO_E_OK)
    return pvhbz_fail(err, PVHBZ_E_CORRUPT, "liblzo2: lzo_init failed");
  struct rd r = {in, in_len, 0};
  uint32_t flags = 0;
  enum pvhbz_err rc = header(&r, &flags, err);
  if (rc != PVHBZ_OK)
    return rc;
  uint8_t *block = NULL; /* for a block that does not fit the room left: to count it */
  for (unsigned nblock = 0;; nblock++) {
    uint32_t dlen, clen, dsum = 0, csum = 0;
    const uint8_t *data;
    size_t at = r.pos;
    if (u32(&r, &dlen)) {
      rc = pvhbz_fail(err, PVHBZ_E_STREAM_TRUNCATED, "lzo stream is truncated: no end block after block %u",
                      nblock);
      break;
    }
    if (dlen == 0)
      break; /* the end mark */
    if (u32(&r, &clen) || ((flags & (F_ADLER32_D | F_CRC32_D)) && u32(&r, &dsum)) ||
        (clen < dlen && (flags & (F_ADLER32_C | F_CRC32_C)) && u32(&r, &csum)) || take(&r, clen, &data)) {
      rc = pvhbz_fail(err, PVHBZ_E_STREAM_TRUNCATED, "lzo block %u at input byte %zu is truncated", nblock,
                      at);
      break;
    }
    if (dlen > LZOP_BLOCK_MAX || clen > dlen || clen == 0) {
      rc = pvhbz_fail(err, PVHBZ_E_CORRUPT,
                      "lzo block %u at input byte %zu: sizes %" PRIu32 " -> %" PRIu32
                      " (at most %u, never growing)",
                      nblock, at, clen, dlen, LZOP_BLOCK_MAX);
      break;
    }
    if (clen < dlen && (flags & (F_ADLER32_C | F_CRC32_C)) &&
        checksum(flags, F_ADLER32_C, data, clen) != csum) {
      rc = pvhbz_fail(err, PVHBZ_E_CORRUPT, "lzo block %u at input byte %zu: compressed checksum mismatch",
                      nblock, at);
      break;
    }
    size_t room = bz_room(s);
    uint8_t *dst = s->out + s->len;
    if (room < dlen) {
      if (!(block = malloc(dlen))) {
        rc = pvhbz_fail(err, PVHBZ_E_NOMEM, "lzo: cannot allocate a block buffer");
        break;
      }
      dst = block;
    }
    lzo_uint got = dlen;
    if (clen == dlen) {
      memcpy(dst, data, dlen);
    } else if (lzo1x_decompress_safe(data, clen, dst, &got, NULL) != LZO_E_OK || got != dlen) {
      rc = pvhbz_fail(err, PVHBZ_E_CORRUPT,
                      "lzo block %u at input byte %zu (%" PRIu32 " -> %" PRIu32 " bytes) is corrupt", nblock,
                      at, clen, dlen);
      break;
    }
    if ((flags & (F_ADLER32_D | F_CRC32_D)) && checksum(flags, F_ADLER32_D, dst, dlen) != dsum) {
      rc = pvhbz_fail(err, PVHBZ_E_CORRUPT, "lzo block %u at input byte %zu: data checksum mismatch", nblock,
                      at);
      break;
    }
    if (dst == block) {
      memcpy(s->out + s->len, block, room);
      s->len += room;
      s->excess += dlen - room;
      free(block);
      block = NULL;
      if (bz_excess_capped(s))
        break;
    } else {
      s->len += dlen;
    }
  }
  free(block);
  return rc;
}
