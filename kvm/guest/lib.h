/* SPDX-License-Identifier: MIT */
/* Freestanding helpers: UART output, a small printf, string bits, CRC-32. */
#ifndef PVHTEST_LIB_H
#define PVHTEST_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define UART_BASE 0x3f8
#define EXIT_PORT 0xf4

void uart_putc(char c);
/* %s %c %d %u %x %lld %llu %llx, optional 0 flag and width. */
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gvprintf(const char *fmt, va_list ap);
/* Sends gprintf's output to buf (at most cap-1 bytes, NUL-terminated)
 * instead of the UART until gcapture(0, 0). */
void gcapture(char *buf, uint32_t cap);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
/* Unsigned 64-bit divide without libgcc (no __udivdi3 in a -nostdlib link). */
uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem);
/* Parses decimal or 0x-hex up to a space/NUL; returns chars used, 0 on error. */
size_t parse_u64(const char *s, uint64_t *out);

void crc32_init(void);
uint32_t crc32(uint32_t crc, const uint8_t *p, uint64_t n); /* zlib-compatible; start with 0 */

#endif
