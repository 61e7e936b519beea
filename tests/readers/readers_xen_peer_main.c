/* SPDX-License-Identifier: MIT */
/* readers_xen_peer FILE: Xen's own verdict on a PVH kernel file (Debian's
 * libxenguest, in-process; xenguest_peer.h), as one JSON line:
 *   {"pvh": true, "entry": "0x1000850", "rc": 0, "loader": "ELF-generic", "error": ""}
 * The kernel matrix (tools/matrix) runs it on every Debian PVH image.
 * Exit 0 when Xen would start the kernel as PVH, 1 when not, 3 on I/O. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "xenguest_peer.h"

#define MAX_KERNEL (1ull << 30)

static void json_str(const char *s) {
  putchar('"');
  for (; *s; s++)
    if (*s == '"' || *s == '\\')
      printf("\\%c", *s);
    else if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
      putchar(*s);
  putchar('"');
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: readers_xen_peer FILE\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 3;
  }
  uint8_t *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len == cap) {
      cap = cap ? cap * 2 : 1 << 20;
      if (cap > MAX_KERNEL) {
        fprintf(stderr, "readers_xen_peer: %s is larger than 1 GiB\n", argv[1]);
        return 3;
      }
      uint8_t *p = realloc(buf, cap);
      if (!p) {
        fprintf(stderr, "readers_xen_peer: out of memory\n");
        return 3;
      }
      buf = p;
    }
    size_t n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (n == 0)
      break;
  }
  fclose(f);
  struct xen_peer_result x;
  if (xen_peer_parse(buf, len, &x) != 0) {
    fprintf(stderr, "readers_xen_peer: %s\n", x.error);
    return 3;
  }
  printf("{\"pvh\": %s, \"entry\": ", x.pvh ? "true" : "false");
  if (x.entry_logged)
    printf("\"0x%" PRIx64 "\"", x.entry);
  else
    printf("null");
  printf(", \"rc\": %d, \"loader\": ", x.rc);
  json_str(x.loader);
  printf(", \"error\": ");
  json_str(x.error);
  printf("}\n");
  free(buf);
  return x.pvh ? 0 : 1;
}
