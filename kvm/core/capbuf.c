/* SPDX-License-Identifier: MIT */
/* A byte buffer that keeps at most `cap` bytes and counts the rest: what a
 * guest writes to a console port is untrusted and unbounded, and a report needs
 * both what was said (up to the cap) and how much. Shared by the console
 * (console.c) and the 0xe9 debug console (debugcon.c). */
#include <stdlib.h>

#include "internal.h"

void pvhkvm_capbuf_init(struct pvhkvm_capbuf *b, size_t cap) { *b = (struct pvhkvm_capbuf){.cap = cap}; }

void pvhkvm_capbuf_putc(struct pvhkvm_capbuf *b, char ch) {
  b->total++;
  if (b->len >= b->cap) {
    b->truncated = 1;
    return;
  }
  if (b->len + 1 >= b->alloc) { /* +1: room for the NUL pvhkvm_capbuf_take adds */
    size_t n = b->alloc ? b->alloc * 2 : 1024;
    if (n > b->cap + 1)
      n = b->cap + 1;
    char *p = realloc(b->buf, n);
    if (!p) {
      b->truncated = 1;
      return;
    }
    b->buf = p;
    b->alloc = n;
  }
  b->buf[b->len++] = ch;
}

char *pvhkvm_capbuf_take(struct pvhkvm_capbuf *b, size_t *len) {
  char *s = b->buf;
  if (!s)
    s = calloc(1, 1); /* an empty run still hands back "" (NULL only when out of memory) */
  else
    s[b->len] = '\0';
  *len = s ? b->len : 0;
  b->buf = NULL;
  b->len = b->alloc = 0;
  return s;
}

void pvhkvm_capbuf_free(struct pvhkvm_capbuf *b) {
  free(b->buf);
  pvhkvm_capbuf_init(b, b->cap);
}
