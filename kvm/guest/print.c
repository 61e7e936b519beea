/* SPDX-License-Identifier: MIT */
#include "io.h"
#include "lib.h"

#define UART_LSR 5
#define LSR_THRE 0x20

/* While a capture buffer is set, output goes there instead of the UART
 * (the mailbox's first-failure text), always NUL-terminated. */
static char *capture_buf;
static uint32_t capture_len, capture_cap;

void gcapture(char *buf, uint32_t cap) {
  capture_buf = buf;
  capture_len = 0;
  capture_cap = cap;
  if (buf && cap)
    buf[0] = '\0';
}

static void emit(char c) {
  if (!capture_buf) {
    uart_putc(c);
    return;
  }
  if (c != '\r' && capture_len + 1 < capture_cap) {
    capture_buf[capture_len++] = c;
    capture_buf[capture_len] = '\0';
  }
}

void uart_putc(char c) {
  /* Wait for the transmitter to be empty, but not forever: a UART that never
   * reports THRE must not hang the self-test (the host would then only see a
   * timeout, which says less than a partial report). */
  for (unsigned i = 0; i < 100000 && !(inb(UART_BASE + UART_LSR) & LSR_THRE); i++)
    ;
  outb(UART_BASE, (uint8_t)c);
}

static void put_num(uint64_t v, unsigned base, int width, char pad) {
  char buf[24];
  int n = 0;
  do {
    uint64_t rem;
    v = udivmod64(v, base, &rem);
    buf[n++] = "0123456789abcdef"[rem];
  } while (v && n < (int)sizeof(buf));
  while (width-- > n)
    emit(pad);
  while (n)
    emit(buf[--n]);
}

void gvprintf(const char *fmt, va_list ap) {
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      if (*fmt == '\n')
        emit('\r');
      emit(*fmt);
      continue;
    }
    fmt++;
    char pad = ' ';
    int width = 0, longlong = 0;
    if (*fmt == '0') {
      pad = '0';
      fmt++;
    }
    while (*fmt >= '0' && *fmt <= '9')
      width = width * 10 + (*fmt++ - '0');
    if (fmt[0] == 'l' && fmt[1] == 'l') {
      longlong = 1;
      fmt += 2;
    }
    switch (*fmt) {
    case 's': {
      const char *s = va_arg(ap, const char *);
      for (; *s; s++)
        emit(*s);
      break;
    }
    case 'c': emit((char)va_arg(ap, int)); break;
    case 'd': {
      int64_t v = longlong ? va_arg(ap, long long) : va_arg(ap, int);
      if (v < 0) {
        emit('-');
        v = -v;
      }
      put_num((uint64_t)v, 10, width, pad);
      break;
    }
    case 'u':
    case 'x': {
      uint64_t v = longlong ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
      put_num(v, *fmt == 'x' ? 16 : 10, width, pad);
      break;
    }
    case '%': emit('%'); break;
    default: emit('?'); break;
    }
  }
}

void gprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  gvprintf(fmt, ap);
  va_end(ap);
}
