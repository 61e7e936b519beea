/* SPDX-License-Identifier: MIT */
/* zstd payloads through libzstd: one single-pass decode into the
 * declared-size buffer (as the kernel's own decompressor does: no window
 * buffer beside the output), and only when that does not fit, a streaming
 * pass into scratch space to say how large the output really is. */
#include <zstd.h>
#include <zstd_errors.h>

#include "internal.h"

/* The largest window the counting pass accepts: `zstd -22 --ultra`, what
 * the kernel uses, writes at most 2^27. */
#define ZSTD_WINDOW_LOG_MAX 27

static void count_output(ZSTD_DCtx *d, const uint8_t *in, size_t in_len, struct bz_sink *s) {
  uint8_t scratch[BZ_SCRATCH_SIZE];
  uint64_t total = 0, stop = PVHBZ_VMLINUX_MAX;
  ZSTD_DCtx_reset(d, ZSTD_reset_session_and_parameters);
  ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX);
  ZSTD_inBuffer ib = {in, in_len, 0};
  while (total < stop) {
    ZSTD_outBuffer ob = {scratch, sizeof(scratch), 0};
    size_t r = ZSTD_decompressStream(d, &ob, &ib);
    total += ob.pos;
    if (ZSTD_isError(r) || (r == 0 && ib.pos == ib.size) || (ob.pos == 0 && ib.pos == ib.size))
      break;
  }
  /* Single-pass said "more than cap"; the count is a lower bound at worst. */
  s->len = s->cap;
  s->excess = total > s->cap ? total - s->cap : 1;
}

enum pvhbz_err bz_dec_zstd(const uint8_t *in, size_t in_len, struct bz_sink *s, struct pvhbz_error *err) {
  ZSTD_DCtx *d = ZSTD_createDCtx();
  if (!d)
    return pvhbz_fail(err, PVHBZ_E_NOMEM, "libzstd: ZSTD_createDCtx failed");
  enum pvhbz_err rc = PVHBZ_OK;
  size_t r = ZSTD_decompressDCtx(d, s->out, s->cap, in, in_len);
  if (!ZSTD_isError(r)) {
    s->len = r;
  } else {
    switch (ZSTD_getErrorCode(r)) {
    case ZSTD_error_dstSize_tooSmall: count_output(d, in, in_len, s); break;
    case ZSTD_error_srcSize_wrong:
      rc = pvhbz_fail(err, PVHBZ_E_STREAM_TRUNCATED,
                      "zstd stream is truncated: its %zu bytes end before the stream does (%s)", in_len,
                      ZSTD_getErrorName(r));
      break;
    case ZSTD_error_memory_allocation: rc = pvhbz_fail(err, PVHBZ_E_NOMEM, "libzstd: out of memory"); break;
    default: rc = pvhbz_fail(err, PVHBZ_E_CORRUPT, "zstd stream corrupt: %s", ZSTD_getErrorName(r)); break;
    }
  }
  ZSTD_freeDCtx(d);
  return rc;
}
