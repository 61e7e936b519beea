/* SPDX-License-Identifier: MIT */
/* The byte codec every fuzz input format is written with. A target's
 * format_<target>.h describes its input once, as one function over a codec;
 * the target decodes its input by running that function on a reading codec,
 * and the corpus generator (fuzz/gen/) encodes seeds by running the same
 * function on a writing codec. So the order, widths and presence of fields
 * cannot drift apart between the two.
 *
 * Numbers are little endian. A read past the end of the input yields zeros
 * (and sets past_end); a write past the buffer is dropped (and sets
 * overflow). */
#ifndef PVH_FUZZ_FORMAT_H
#define PVH_FUZZ_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fuzz_codec {
  int writing;
  const uint8_t *in; /* reading */
  size_t left;
  uint8_t *out; /* writing */
  size_t len, cap;
  int past_end, overflow;
};

static inline struct fuzz_codec fuzz_reader(const uint8_t *data, size_t size) {
  return (struct fuzz_codec){.in = data, .left = size};
}
static inline struct fuzz_codec fuzz_writer(uint8_t *buf, size_t cap) {
  return (struct fuzz_codec){.writing = 1, .out = buf, .cap = cap};
}

/* One field of `width` bytes (1..8): read into *v, or write *v. */
static inline void fuzz_io(struct fuzz_codec *c, uint64_t *v, unsigned width) {
  if (c->writing) {
    for (unsigned i = 0; i < width; i++) {
      if (c->len < c->cap)
        c->out[c->len++] = (uint8_t)(*v >> (8 * i));
      else
        c->overflow = 1;
    }
    return;
  }
  uint64_t r = 0;
  for (unsigned i = 0; i < width; i++) {
    uint64_t b = 0;
    if (c->left) {
      b = *c->in++;
      c->left--;
    } else {
      c->past_end = 1;
    }
    r |= b << (8 * i);
  }
  *v = r;
}

#define FUZZ_IO_TYPED(name, type, width)                                                                     \
  static inline void name(struct fuzz_codec *c, type *v) {                                                   \
    uint64_t x = *v;                                                                                         \
    fuzz_io(c, &x, width);                                                                                   \
    *v = (type)x;                                                                                            \
  }
FUZZ_IO_TYPED(fuzz_io_u8, uint8_t, 1)
FUZZ_IO_TYPED(fuzz_io_u16, uint16_t, 2)
FUZZ_IO_TYPED(fuzz_io_u32, uint32_t, 4)
FUZZ_IO_TYPED(fuzz_io_u64, uint64_t, 8)
#undef FUZZ_IO_TYPED

/* The rest of the input as bytes: reading points *p at it (nothing is
 * copied), writing appends *n bytes from *p. */
static inline void fuzz_io_rest(struct fuzz_codec *c, const uint8_t **p, size_t *n) {
  if (c->writing) {
    size_t k = *n <= c->cap - c->len ? *n : c->cap - c->len;
    if (k)
      memcpy(c->out + c->len, *p, k);
    c->len += k;
    c->overflow |= k < *n;
    return;
  }
  *p = c->in;
  *n = c->left;
  c->in += c->left;
  c->left = 0;
}

/* Bytes still to read (reading only). */
static inline size_t fuzz_left(const struct fuzz_codec *c) { return c->writing ? 0 : c->left; }

#endif
