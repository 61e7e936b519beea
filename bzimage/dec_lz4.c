/* SPDX-License-Identifier: MIT */
/* lz4 payloads: the kernel writes the legacy frame (`lz4 -l`), which liblz4's
 * frame API does not read. The frame is a 4-byte magic, then blocks, each a
 * little-endian u32 compressed size and that many bytes, each decompressing
 * to at most 8 MiB; the input's end ends the stream (no end mark). A size
 * equal to the magic starts another frame (concatenated `lz4 -l` outputs).
 * Every block goes through liblz4's LZ4_decompress_safe, which never writes
 * past the room it is given. */
#include <inttypes.h>
#include <lz4.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define LZ4_LEGACY_MAGIC 0x184c2102u
#define LZ4_LEGACY_BLOCK (8u << 20)

enum pvhbz_err bz_dec_lz4(const uint8_t *in, size_t in_len, struct bz_sink *s, struct pvhbz_error *err) {
  const uint64_t max_csize = (uint64_t)LZ4_compressBound((int)LZ4_LEGACY_BLOCK);
  uint8_t *block = NULL; /* for a block that does not fit the room left: to count it */
  enum pvhbz_err rc = PVHBZ_OK;
  size_t pos = 4; /* after the magic, which parse checked */
  unsigned nblock = 0;
  if (in_len < 4)
    return pvhbz_fail(err, PVHBZ_E_STREAM_TRUNCATED, "lz4 stream of %zu bytes has no magic", in_len);
  while (pos < in_len) {
    if (in_len - pos < 4) {
      rc = pvhbz_fail(err, PVHBZ_E_STREAM_TRUNCATED,
                      "lz4 block %u: %zu bytes left at input byte %zu, not a 4-byte block size", nblock,
                      in_len - pos, pos);
      break;
    }
    uint32_t csize = bz_le32(in + pos);
    pos += 4;
    if (csize == LZ4_LEGACY_MAGIC)
      continue;
    if (csize == 0 || csize > max_csize) {
      rc = pvhbz_fail(err, PVHBZ_E_CORRUPT,
                      "lz4 block %u at input byte %zu: compressed size %" PRIu32
                      " (a legacy block is 1..%" PRIu64 ")",
                      nblock, pos - 4, csize, max_csize);
      break;
    }
    if (csize > in_len - pos) {
      rc = pvhbz_fail(err, PVHBZ_E_STREAM_TRUNCATED,
                      "lz4 block %u at input byte %zu: %" PRIu32 " bytes, only %zu left", nblock, pos - 4,
                      csize, in_len - pos);
      break;
    }
    size_t room = bz_room(s);
    int cap = room < LZ4_LEGACY_BLOCK ? (int)room : (int)LZ4_LEGACY_BLOCK;
    int n = LZ4_decompress_safe((const char *)in + pos, (char *)s->out + s->len, (int)csize, cap);
    if (n > 0) {
      s->len += (size_t)n;
    } else if (cap < (int)LZ4_LEGACY_BLOCK) {
      /* Corrupt, or more than the room left: decode into scratch space to
       * tell which. An LZ4 sequence expands at most 255-fold, so a small
       * block needs no 8 MiB buffer. */
      uint64_t need = (uint64_t)csize * 256 < LZ4_LEGACY_BLOCK ? (uint64_t)csize * 256 : LZ4_LEGACY_BLOCK;
      if (!(block = malloc((size_t)need))) {
        rc = pvhbz_fail(err, PVHBZ_E_NOMEM, "lz4: cannot allocate a %" PRIu64 "-byte block buffer", need);
        break;
      }
      n = LZ4_decompress_safe((const char *)in + pos, (char *)block, (int)csize, (int)need);
      if (n > 0) {
        memcpy(s->out + s->len, block, room);
        s->len += room;
        s->excess += (size_t)n - room;
      }
      free(block);
      block = NULL;
    }
    if (n <= 0) {
      rc = pvhbz_fail(err, PVHBZ_E_CORRUPT, "lz4 block %u at input byte %zu (%" PRIu32 " bytes) is corrupt",
                      nblock, pos - 4, csize);
      break;
    }
    pos += csize;
    nblock++;
    if (s->excess && bz_excess_capped(s))
      break;
  }
  free(block);
  return rc;
}
