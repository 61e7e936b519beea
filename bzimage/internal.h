/* SPDX-License-Identifier: MIT */
/* Shared by pvhbz's files: the error setter, little/big-endian loads and the
 * output sink every decompressor writes through. */
#ifndef PVHBZ_INTERNAL_H
#define PVHBZ_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "pvhbz/bzimage.h"

enum pvhbz_err pvhbz_fail(struct pvhbz_error *err, enum pvhbz_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline uint32_t bz_le32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint32_t bz_be32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}
static inline uint16_t bz_be16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }

/* Where decompressed bytes go: out[0, cap) first; what a stream produces
 * beyond cap is only counted (in `excess`, up to PVHBZ_VMLINUX_MAX), so a
 * payload larger than declared is reported with its size and never written
 * past the bound. */
struct bz_sink {
  uint8_t *out;
  size_t cap;
  size_t len;      /* bytes in out */
  uint64_t excess; /* bytes produced past cap */
};

/* Room left in out. */
static inline size_t bz_room(const struct bz_sink *s) { return s->cap - s->len; }
/* True once counting past cap should stop (the larger size is then "at least"). */
static inline int bz_excess_capped(const struct bz_sink *s) {
  return s->excess >= PVHBZ_VMLINUX_MAX - (uint64_t)s->cap;
}

/* The compressed stream into the sink. Each returns PVHBZ_OK when the
 * stream ended (the sink says how much it produced), or an error; NULL
 * entries are methods this build does not have. */
typedef enum pvhbz_err (*bz_decoder)(const uint8_t *in, size_t in_len, struct bz_sink *s,
                                     struct pvhbz_error *err);
enum pvhbz_err bz_dec_gzip(const uint8_t *in, size_t in_len, struct bz_sink *s, struct pvhbz_error *err);
enum pvhbz_err bz_dec_xz(const uint8_t *in, size_t in_len, struct bz_sink *s, struct pvhbz_error *err);
enum pvhbz_err bz_dec_lzma(const uint8_t *in, size_t in_len, struct bz_sink *s, struct pvhbz_error *err);
enum pvhbz_err bz_dec_bzip2(const uint8_t *in, size_t in_len, struct bz_sink *s, struct pvhbz_error *err);
enum pvhbz_err bz_dec_lzo(const uint8_t *in, size_t in_len, struct bz_sink *s, struct pvhbz_error *err);
enum pvhbz_err bz_dec_lz4(const uint8_t *in, size_t in_len, struct bz_sink *s, struct pvhbz_error *err);
enum pvhbz_err bz_dec_zstd(const uint8_t *in, size_t in_len, struct bz_sink *s, struct pvhbz_error *err);

/* Scratch space for counting bytes past the sink's cap. */
#define BZ_SCRATCH_SIZE (64u << 10)

#endif
