/* SPDX-License-Identifier: MIT */
/* Note blobs for elfgen: a growable buffer and note encoders, well-formed
 * (4-byte padded name and desc, as the ELF note format requires) or raw. */
#include <stdlib.h>
#include <string.h>

#include "elfgen.h"

int elfgen_buf_append(struct elfgen_buf *b, const void *data, size_t len) {
  if (b->failed)
    return -1;
  if (len > SIZE_MAX - b->len) {
    b->failed = 1;
    return -1;
  }
  if (b->len + len > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + len) {
      if (cap > SIZE_MAX / 2) {
        b->failed = 1;
        return -1;
      }
      cap *= 2;
    }
    uint8_t *p = realloc(b->data, cap);
    if (!p) {
      b->failed = 1;
      return -1;
    }
    b->data = p;
    b->cap = cap;
  }
  if (len) {
    if (data)
      memcpy(b->data + b->len, data, len);
    else
      memset(b->data + b->len, 0, len);
  }
  b->len += len;
  return 0;
}

void elfgen_buf_free(struct elfgen_buf *b) {
  free(b->data);
  memset(b, 0, sizeof(*b));
}

static int append_u32(struct elfgen_buf *b, uint32_t v) {
  uint8_t le[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  return elfgen_buf_append(b, le, 4);
}

/* Appends len bytes then zeros up to the next multiple of 4. */
static int append_padded(struct elfgen_buf *b, const void *data, size_t len) {
  if (elfgen_buf_append(b, data, len) != 0)
    return -1;
  size_t pad = (4 - (len & 3)) & 3;
  return elfgen_buf_append(b, NULL, pad);
}

int elfgen_note_raw(struct elfgen_buf *b, uint32_t namesz, uint32_t descsz, uint32_t type, const void *body,
                    size_t body_len) {
  if (append_u32(b, namesz) || append_u32(b, descsz) || append_u32(b, type))
    return -1;
  return elfgen_buf_append(b, body, body_len);
}

int elfgen_note(struct elfgen_buf *b, const char *owner, uint32_t type, const void *desc, uint32_t descsz) {
  size_t namesz = owner ? strlen(owner) + 1 : 0;
  if (namesz > UINT32_MAX)
    return -1;
  if (append_u32(b, (uint32_t)namesz) || append_u32(b, descsz) || append_u32(b, type))
    return -1;
  if (append_padded(b, owner, namesz))
    return -1;
  return append_padded(b, desc, descsz);
}

int elfgen_note_pvh(struct elfgen_buf *b, uint64_t entry, uint32_t desc_size) {
  if (desc_size > 4096)
    return -1;
  uint8_t desc[4096];
  memset(desc, 0, desc_size);
  for (uint32_t i = 0; i < desc_size && i < 8; i++)
    desc[i] = (uint8_t)(entry >> (8 * i));
  return elfgen_note(b, "Xen", ELFGEN_XEN_PHYS32_ENTRY, desc, desc_size);
}

static void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

int elfgen_notes_two_readings(struct elfgen_buf *b, uint64_t entry8, int how) {
  int eight_has_entry = how & ELFGEN_TWO_READINGS_EIGHT;
  uint8_t n[88] = {0};
  size_t len = eight_has_entry ? 88 : 64;
  put32(n + 0, 4); /* GNU note: namesz 4, descsz 4, type 1 */
  put32(n + 4, 4);
  put32(n + 8, 1);
  memcpy(n + 12, "GNU", 4);
  put32(n + 20, 4); /* [20] Xen PHYS32_ENTRY with a 4-byte desc (4-byte reading) */
  put32(n + 24, 4); /* ... which the 8-byte reading, at [24], reads as namesz 4, */
  put32(n + 28, how & ELFGEN_TWO_READINGS_FOUR_NONE ? 17 : 18); /* descsz 18 (or 17), */
  memcpy(n + 32, "Xen", 4);                                     /* type "Xen\0", */
  memcpy(n + 36, "Xen", 4); /* owner "Xen" (and the 4-byte reading's entry) */
  /* [40] the 4-byte reading's last note: no name, a desc to the end. */
  put32(n + 44, (uint32_t)(len - 52));
  if (eight_has_entry) { /* [64] the 8-byte reading's PHYS32_ENTRY */
    put32(n + 64, 4);
    put32(n + 68, 8);
    put32(n + 72, 18);
    memcpy(n + 76, "Xen", 4);
    put32(n + 80, (uint32_t)entry8);
    put32(n + 84, (uint32_t)(entry8 >> 32));
  }
  return elfgen_buf_append(b, n, len);
}
