/* SPDX-License-Identifier: MIT */
/* xz and raw lzma ("lzma alone", what `lzma -9` writes) payloads through
 * liblzma. */
#include <lzma.h>

#include "internal.h"

/* Decoder memory for a hostile header: the kernel's xz_wrap.sh uses a 32 MiB
 * dictionary (BCJ + LZMA2), `lzma -9` 64 MiB; anything above 128 MiB of
 * decoder state is refused by liblzma itself (LZMA_MEMLIMIT_ERROR). */
#define XZ_MEMLIMIT (128ull << 20)

static enum pvhbz_err run(lzma_stream *z, const char *name, const uint8_t *in, size_t in_len,
                          struct bz_sink *s, struct pvhbz_error *err) {
  uint8_t scratch[BZ_SCRATCH_SIZE];
  z->next_in = in;
  z->avail_in = in_len;
  for (;;) {
    size_t room = bz_room(s);
    z->next_out = room ? s->out + s->len : scratch;
    z->avail_out = room ? room : sizeof(scratch);
    size_t out_n = z->avail_out;
    lzma_ret r = lzma_code(z, LZMA_FINISH);
    size_t produced = out_n - z->avail_out;
    if (room)
      s->len += produced;
    else
      s->excess += produced;
    switch (r) {
    case LZMA_STREAM_END: return PVHBZ_OK;
    case LZMA_OK: break;
    case LZMA_BUF_ERROR:
      if (z->avail_out == 0)
        break; /* more output space, then try again */
      return pvhbz_fail(err, PVHBZ_E_STREAM_TRUNCATED,
                        "%s stream is truncated: its %zu bytes end before the stream does", name, in_len);
    case LZMA_MEM_ERROR: return pvhbz_fail(err, PVHBZ_E_NOMEM, "liblzma: out of memory");
    case LZMA_MEMLIMIT_ERROR:
      return pvhbz_fail(err, PVHBZ_E_CORRUPT, "%s header asks for %llu bytes of decoder memory, over %llu",
                        name, (unsigned long long)lzma_memusage(z), (unsigned long long)XZ_MEMLIMIT);
    case LZMA_FORMAT_ERROR: return pvhbz_fail(err, PVHBZ_E_CORRUPT, "%s stream has a bad header", name);
    case LZMA_OPTIONS_ERROR:
      return pvhbz_fail(err, PVHBZ_E_CORRUPT, "%s stream uses options liblzma does not support", name);
    case LZMA_DATA_ERROR:
      return pvhbz_fail(err, PVHBZ_E_CORRUPT, "%s stream corrupt at input byte %zu", name,
                        in_len - z->avail_in);
    default: return pvhbz_fail(err, PVHBZ_E_CORRUPT, "%s stream: liblzma error %d", name, (int)r);
    }
    if (!room && bz_excess_capped(s))
      return PVHBZ_OK;
  }
}

static enum pvhbz_err decode(int alone, const uint8_t *in, size_t in_len, struct bz_sink *s,
                             struct pvhbz_error *err) {
  lzma_stream z = LZMA_STREAM_INIT;
  lzma_ret r = alone ? lzma_alone_decoder(&z, XZ_MEMLIMIT) : lzma_stream_decoder(&z, XZ_MEMLIMIT, 0);
  if (r != LZMA_OK)
    return pvhbz_fail(err, PVHBZ_E_NOMEM, "liblzma: decoder setup failed (%d)", (int)r);
  enum pvhbz_err rc = run(&z, alone ? "lzma" : "xz", in, in_len, s, err);
  lzma_end(&z);
  return rc;
}

enum pvhbz_err bz_dec_xz(const uint8_t *in, size_t in_len, struct bz_sink *s, struct pvhbz_error *err) {
  return decode(0, in, in_len, s, err);
}

enum pvhbz_err bz_dec_lzma(const uint8_t *in, size_t in_len, struct bz_sink *s, struct pvhbz_error *err) {
  return decode(1, in, in_len, s, err);
}
