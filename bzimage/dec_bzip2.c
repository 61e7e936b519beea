/* SPDX-License-Identifier: MIT */
/* bzip2 payloads through libbz2. */
#include <bzlib.h>
#include <limits.h>

#include "internal.h"

enum pvhbz_err bz_dec_bzip2(const uint8_t *in, size_t in_len, struct bz_sink *s, struct pvhbz_error *err) {
  bz_stream z = {0};
  if (BZ2_bzDecompressInit(&z, 0, 0) != BZ_OK)
    return pvhbz_fail(err, PVHBZ_E_NOMEM, "libbz2: BZ2_bzDecompressInit failed");
  char scratch[BZ_SCRATCH_SIZE];
  size_t left = in_len;
  z.next_in = (char *)in;
  enum pvhbz_err rc = PVHBZ_OK;
  for (;;) {
    if (z.avail_in == 0) {
      unsigned n = left > UINT_MAX ? UINT_MAX : (unsigned)left;
      z.avail_in = n;
      left -= n;
    }
    size_t room = bz_room(s);
    unsigned out_n = room ? (room > UINT_MAX ? UINT_MAX : (unsigned)room) : (unsigned)sizeof(scratch);
    z.next_out = room ? (char *)(s->out + s->len) : scratch;
    z.avail_out = out_n;
    int r = BZ2_bzDecompress(&z);
    size_t produced = out_n - z.avail_out;
    if (room)
      s->len += produced;
    else
      s->excess += produced;
    if (r == BZ_STREAM_END)
      break;
    if (r != BZ_OK) {
      rc = r == BZ_MEM_ERROR ? pvhbz_fail(err, PVHBZ_E_NOMEM, "libbz2: out of memory")
                             : pvhbz_fail(err, PVHBZ_E_CORRUPT, "bzip2 stream corrupt (libbz2 error %d)", r);
      break;
    }
    /* BZ_OK with all input used and room left: the stream cannot end. */
    if (z.avail_in == 0 && left == 0 && z.avail_out > 0) {
      rc = pvhbz_fail(err, PVHBZ_E_STREAM_TRUNCATED,
                      "bzip2 stream is truncated: its %zu bytes end before the stream does", in_len);
      break;
    }
    if (!room && bz_excess_capped(s))
      break;
  }
  BZ2_bzDecompressEnd(&z);
  return rc;
}
