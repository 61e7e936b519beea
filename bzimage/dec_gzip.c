/* SPDX-License-Identifier: MIT */
/* gzip payloads through zlib (inflate with gzip framing only). */
#include <limits.h>
#include <string.h>
#include <zlib.h>

#include "internal.h"

enum pvhbz_err bz_dec_gzip(const uint8_t *in, size_t in_len, struct bz_sink *s, struct pvhbz_error *err) {
  z_stream z = {0};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) /* 16: gzip header and trailer, nothing else */
    return pvhbz_fail(err, PVHBZ_E_NOMEM, "zlib: inflateInit2 failed");
  uint8_t scratch[BZ_SCRATCH_SIZE];
  size_t left = in_len;
  z.next_in = (Bytef *)in;
  enum pvhbz_err rc = PVHBZ_OK;
  for (;;) {
    if (z.avail_in == 0) {
      uInt n = left > UINT_MAX ? UINT_MAX : (uInt)left;
      z.avail_in = n;
      left -= n;
    }
    size_t room = bz_room(s);
    uInt out_n = room ? (room > UINT_MAX ? UINT_MAX : (uInt)room) : (uInt)sizeof(scratch);
    z.next_out = room ? s->out + s->len : scratch;
    z.avail_out = out_n;
    int zr = inflate(&z, Z_NO_FLUSH);
    size_t produced = out_n - z.avail_out;
    if (room)
      s->len += produced;
    else
      s->excess += produced;
    if (zr == Z_STREAM_END)
      break;
    if (zr == Z_BUF_ERROR && z.avail_in == 0 && left == 0) {
      rc = pvhbz_fail(err, PVHBZ_E_STREAM_TRUNCATED,
                      "gzip stream is truncated: its %zu bytes end before the stream does", in_len);
      break;
    }
    /* The trailer's ISIZE is the declared size (the payload's last 4
     * bytes): when only it disagrees, the sink's count says by how much. */
    if (zr == Z_DATA_ERROR && z.msg && !strcmp(z.msg, "incorrect length check"))
      break;
    if (zr != Z_OK && zr != Z_BUF_ERROR) {
      rc = zr == Z_MEM_ERROR ? pvhbz_fail(err, PVHBZ_E_NOMEM, "zlib: out of memory")
                             : pvhbz_fail(err, PVHBZ_E_CORRUPT, "gzip stream corrupt at input byte %zu: %s",
                                          in_len - left - z.avail_in, z.msg ? z.msg : "inflate error");
      break;
    }
    if (!room && bz_excess_capped(s))
      break;
  }
  inflateEnd(&z);
  return rc;
}
