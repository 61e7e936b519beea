/* SPDX-License-Identifier: MIT */
#include "lib.h"

/* The compiler may emit calls to these even in freestanding code. */
void *memset(void *d, int c, size_t n) {
  uint8_t *p = d;
  while (n--)
    *p++ = (uint8_t)c;
  return d;
}

void *memcpy(void *d, const void *s, size_t n) {
  uint8_t *dp = d;
  const uint8_t *sp = s;
  while (n--)
    *dp++ = *sp++;
  return d;
}

int memcmp(const void *a, const void *b, size_t n) {
  const uint8_t *x = a, *y = b;
  for (; n; n--, x++, y++)
    if (*x != *y)
      return *x < *y ? -1 : 1;
  return 0;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n])
    n++;
  return n;
}

uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem) {
  uint64_t q = 0, r = 0;
  for (int i = 63; i >= 0; i--) {
    r = (r << 1) | ((n >> i) & 1);
    if (r >= d) {
      r -= d;
      q |= 1ull << i;
    }
  }
  if (rem)
    *rem = r;
  return q;
}

size_t parse_u64(const char *s, uint64_t *out) {
  size_t i = 0;
  unsigned base = 10;
  uint64_t v = 0;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    i = 2;
  }
  size_t start = i;
  for (;; i++) {
    char c = s[i];
    unsigned d;
    if (c >= '0' && c <= '9')
      d = (unsigned)(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f')
      d = (unsigned)(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F')
      d = (unsigned)(c - 'A' + 10);
    else
      break;
    if (v > udivmod64(~0ull - d, base, NULL))
      return 0; /* overflow */
    v = v * base + d;
  }
  if (i == start || (s[i] != '\0' && s[i] != ' '))
    return 0;
  *out = v;
  return i;
}

/* CRC-32 (IEEE 802.3, reflected, as zlib and gzip compute it). The table lives
 * in BSS and is only filled after the BSS check. */
static uint32_t crc_table[256];

void crc32_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++)
      c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}

uint32_t crc32(uint32_t crc, const uint8_t *p, uint64_t n) {
  crc = ~crc;
  while (n--)
    crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}
