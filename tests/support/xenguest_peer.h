/* SPDX-License-Identifier: MIT */
/* Xen's own verdict on a PVH kernel, in-process: libxenguest's domain
 * builder parses the image for an HVM (PVH) container on a dummy xenctrl
 * interface (no hypervisor needed). The verdict is xc_dom_parse_image's
 * return code and the loader it chose; the entry is what libelf logs
 * ("ELF: note: PHYS32_ENTRY = ..."), captured through our own logger.
 * Not thread-safe (libxenguest keeps per-interface state); one call at a time. */
#ifndef PVH_XENGUEST_PEER_H
#define PVH_XENGUEST_PEER_H

#include <stddef.h>
#include <stdint.h>

struct xen_peer_result {
  int rc;           /* xc_dom_parse_image's return (0: parsed) */
  int pvh;          /* rc 0, the ELF loader chose it, and a PHYS32_ENTRY was logged */
  int entry_logged; /* libelf logged a PHYS32_ENTRY */
  uint64_t entry;   /* the last PHYS32_ENTRY it logged */
  char loader[48];  /* the loader whose probe succeeded ("ELF-generic", ...), or "" */
  char error[200];  /* the first error message, printable ASCII only, or "" */
};

/* Parses `data` as a PVH kernel. Returns 0 when the peer ran (the verdict is
 * in *out), -1 when libxenguest could not be set up (out->error says why). */
int xen_peer_parse(const void *data, size_t len, struct xen_peer_result *out);

#endif
