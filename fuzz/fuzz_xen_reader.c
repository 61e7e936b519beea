/* SPDX-License-Identifier: MIT */
/* fuzz_xen_reader: the "Xen 4.17" reader model (readers/, pvhreaders)
 * against Xen itself. Each input is a kernel file (fuzz_load's format, so its
 * seeds serve); Debian's libxenguest parses it in-process as the PVH domain
 * builder does (tests/support/xenguest_peer.c) and the model judges the same
 * bytes. Where the model predicts an entry, Xen must start there; where it
 * predicts no entry or a refusal, Xen must not start the kernel as PVH
 * (`xen-model-mismatch`). Inputs libpvh cannot parse the headers of, and
 * model verdicts of undefined or unknown, make no prediction.
 *
 * Listed in targets.txt as "fuzz_xen_reader xenguest": it needs libxenguest,
 * which OSS-Fuzz images lack, so only fuzz/CMakeLists.txt builds it, when
 * libxen-dev is installed. PVH_FUZZ_KEEP_GOING=DIR turns a mismatch
 * into one line on stderr and the first input of each kind of mismatch saved
 * in DIR (a long campaign lists them all instead of stopping at the first). */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"
#include "pvh/elf.h"
#include "pvhreaders/readers.h"
#include "xenguest_peer.h"

static const struct pvhr_reader *model;
static const char *keep_going_dir;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  model = pvhr_reader_find("Xen 4.17");
  keep_going_dir = getenv("PVH_FUZZ_KEEP_GOING");
  return 0;
}

/* One kind of mismatch: the model's verdict, Xen's outcome and the first
 * word of the model's reason, so a campaign lists each kind once. */
static void record(const uint8_t *data, size_t size, const struct pvhr_result *m,
                   const struct xen_peer_result *x, const char *detail) {
  char kind[96], path[4096];
  size_t k = 0;
  k = (size_t)snprintf(kind, sizeof(kind), "%s-%s-", pvhr_verdict_name(m->verdict),
                       x->pvh ? "xen-entry" : "xen-no");
  /* The model's first word, then the function Xen's error names, if any. */
  const char *xen_fn = strstr(x->error, ".c:");
  xen_fn = xen_fn ? strchr(xen_fn + 3, ' ') : NULL;
  char what[80];
  snprintf(what, sizeof(what), "%.*s-%.30s", (int)strcspn(m->why, " "), m->why,
           xen_fn ? xen_fn + 1 : x->loader);
  for (const char *p = what; *p && *p != ':' && k + 1 < sizeof(kind); p++)
    kind[k++] = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ? *p : '_';
  kind[k] = '\0';
  snprintf(path, sizeof(path), "%s/%s", keep_going_dir, kind);
  /* "x": only the first input of a kind is kept, and only it is reported. */
  FILE *f = fopen(path, "wbx");
  if (f) {
    fprintf(stderr, "xen-model-mismatch [%s]: %s\n", kind, detail);
    fwrite(data, 1, size, f);
    fclose(f);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct pvh_image img;
  struct pvh_elf elf;
  struct pvh_error err;
  pvh_image_from_buffer(&img, data, size, "input");
  if (pvh_elf_parse(&img, &elf, &err) != PVH_OK)
    return 0;
  struct pvhr_result m;
  pvhr_judge(model, &img, &elf, &m);
  pvh_elf_free(&elf);
  if (m.verdict == PVHR_UNDEFINED || m.verdict == PVHR_UNKNOWN)
    return 0;
  struct xen_peer_result x;
  if (xen_peer_parse(data, size, &x) != 0)
    oracle_fail("xen-peer-setup", "libxenguest could not be set up: %s", x.error);
  int agree = m.verdict == PVHR_ENTRY ? x.pvh && x.entry == m.entry : !x.pvh;
  if (agree)
    return 0;
  char detail[512];
  snprintf(detail, sizeof(detail),
           "model %s 0x%" PRIx64 " (%s); libxenguest rc %d, loader \"%s\", %s 0x%" PRIx64 ", error \"%s\"",
           pvhr_verdict_name(m.verdict), m.entry, m.why, x.rc, x.loader,
           x.entry_logged ? "PHYS32_ENTRY" : "no entry", x.entry, x.error);
  if (keep_going_dir) {
    record(data, size, &m, &x, detail);
    return 0;
  }
  oracle_fail("xen-model-mismatch", "%s", detail);
}
