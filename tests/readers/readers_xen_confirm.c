/* SPDX-License-Identifier: MIT */
/* Checks the "Xen 4.17" reader model against Xen itself: every reader case
 * is parsed in-process by Debian's libxenguest (xenguest_peer.h) and by the
 * model; Xen must start at the entry the model predicts, or refuse when the
 * model says it finds no entry or refuses. Prints the per-case table; exits 1
 * on any disagreement. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readers_cases.h"
#include "readers_model.h"
#include "xenguest_peer.h"

int main(void) {
  int bad = 0;
  printf("%-28s %-18s %-18s %s\n", "case", "model Xen 4.17", "libxenguest", "libxenguest says");
  for (size_t i = 0; i < reader_case_count(); i++) {
    const struct reader_case *c = reader_case_at(i);
    uint8_t *img;
    size_t len;
    struct pvhr_result m;
    struct xen_peer_result x;
    char mw[48], xw[48];
    if (c->build(&img, &len) != 0) {
      printf("%s: cannot build\n", c->name);
      return 1;
    }
    model_verdict("Xen 4.17", img, len, &m);
    if (xen_peer_parse(img, len, &x) != 0) {
      printf("SKIPPED: libxenguest unusable: %s\n", x.error);
      free(img);
      return 77;
    }
    free(img);
    model_word(&m, mw, sizeof(mw));
    if (x.pvh)
      snprintf(xw, sizeof(xw), "entry:0x%" PRIx64, x.entry);
    else
      snprintf(xw, sizeof(xw), "no-pvh(rc %d)", x.rc);
    int ok;
    if (m.verdict == PVHR_ENTRY)
      ok = x.pvh && x.entry == m.entry;
    else if (m.verdict == PVHR_NO_ENTRY || m.verdict == PVHR_REFUSES)
      ok = !x.pvh;
    else
      ok = 1; /* the model makes no prediction */
    printf("%-28s %-18s %-18s %s%s\n", c->name, mw, xw, x.pvh ? "" : x.error, ok ? "" : "   <-- DISAGREE");
    bad |= !ok;
  }
  return bad;
}
