/* SPDX-License-Identifier: MIT */
/* Little-endian loads and stores from byte pointers: no alignment assumptions,
 * no host-endianness assumptions. Internal to libpvh. */
#ifndef PVH_LE_H
#define PVH_LE_H

#include <stdint.h>

static inline uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | ((uint64_t)le32(p + 4) << 32); }

/* True if a + b overflows; otherwise *sum = a + b. */
static inline int add_overflows(uint64_t a, uint64_t b, uint64_t *sum) {
  return __builtin_add_overflow(a, b, sum);
}

#endif
