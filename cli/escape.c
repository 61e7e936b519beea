/* SPDX-License-Identifier: MIT */
#include "escape.h"

#include <string.h>

/* Length of a well-formed UTF-8 sequence starting with lead byte c (RFC
 * 3629), 0 for a byte that cannot start one; lo/hi bound the second byte
 * (no overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_need(unsigned char c, unsigned char *lo, unsigned char *hi) {
  *lo = 0x80;
  *hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf)
    return 2;
  if (c >= 0xe0 && c <= 0xef) {
    if (c == 0xe0)
      *lo = 0xa0; /* overlong below U+0800 */
    else if (c == 0xed)
      *hi = 0x9f; /* U+D800..U+DFFF, surrogates */
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (c == 0xf0)
      *lo = 0x90; /* overlong below U+10000 */
    else if (c == 0xf4)
      *hi = 0x8f; /* above U+10FFFF */
    return 4;
  }
  return 0;
}

size_t cli_utf8_len(const unsigned char *s, size_t n) {
  unsigned char lo, hi;
  size_t len = utf8_need(s[0], &lo, &hi);
  if (len == 0 || n < len || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 2; i < len; i++)
    if ((s[i] & 0xc0) != 0x80)
      return 0;
  return len;
}

static size_t hex(unsigned char c, char *out) {
  static const char digits[] = "0123456789abcdef";
  out[0] = '\\';
  out[1] = 'x';
  out[2] = digits[c >> 4];
  out[3] = digits[c & 15];
  return 4;
}

/* Bytes held as the start of a sequence that did not complete: each shown alone. */
static size_t spill(struct cli_escaper *e, char *out) {
  size_t w = 0;
  for (size_t i = 0; i < e->part_len; i++)
    w += hex(e->part[i], out + w);
  e->part_len = 0;
  return w;
}

static size_t one(struct cli_escaper *e, unsigned char c, char *out) {
  size_t w = 0;
  if (e->part_len) {
    unsigned char lo, hi;
    size_t need = utf8_need(e->part[0], &lo, &hi);
    int fits = e->part_len == 1 ? c >= lo && c <= hi : (c & 0xc0) == 0x80;
    if (fits) {
      e->part[e->part_len++] = c;
      if (e->part_len < need)
        return 0;
      /* U+0080..U+009F (C2 80..C2 9F) are the C1 controls in UTF-8 form. */
      if (e->part[0] == 0xc2 && e->part[1] <= 0x9f)
        return spill(e, out);
      memcpy(out, e->part, need);
      e->part_len = 0;
      return need;
    }
    w += spill(e, out); /* and judge c on its own */
  }
  if (e->cr_pending) {
    e->cr_pending = 0;
    if (c == '\n') {
      out[w++] = '\n';
      return w;
    }
    out[w++] = '\\';
    out[w++] = 'r';
  }
  if (c == '\r') {
    e->cr_pending = 1;
    return w;
  }
  if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) {
    out[w++] = (char)c;
    return w;
  }
  unsigned char lo, hi;
  if (utf8_need(c, &lo, &hi)) {
    e->part[0] = c;
    e->part_len = 1;
    return w;
  }
  return w + hex(c, out + w);
}

size_t cli_escape(struct cli_escaper *e, const char *in, size_t n, char *out) {
  size_t w = 0;
  for (size_t i = 0; i < n; i++)
    w += one(e, (unsigned char)in[i], out + w);
  return w;
}

size_t cli_escape_flush(struct cli_escaper *e, char *out) {
  size_t w = spill(e, out);
  if (e->cr_pending) {
    e->cr_pending = 0;
    out[w++] = '\\';
    out[w++] = 'r';
  }
  return w;
}
