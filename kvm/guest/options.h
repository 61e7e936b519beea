/* SPDX-License-Identifier: MIT */
/* What the host asks of the report on the command line, read before any
 * check runs: waived deviations, checks it cannot run, verbosity. */
#ifndef PVHTEST_OPTIONS_H
#define PVHTEST_OPTIONS_H

#include "regs.h"

/* Known deviations of a peer can be waived by name on the command line
 * (pvhtest.allow=tr-null,memmap-empty). A waived check still prints, as
 * WAIVED, so the report says exactly where the handoff broke the contract. */
enum {
  W_TR_NULL = 1u << 0,      /* TR not loaded (QEMU microvm's firmware) */
  W_MEMMAP_EMPTY = 1u << 1, /* zero-size entries counted in memmap_entries */
};
extern unsigned waivers;

/* Checks the host says it cannot run (pvhtest.skip=lar-lsl): kvm-pvm cannot
 * emulate LAR/LSL, so executing them would end the run. A skipped check is
 * never counted as passed: it prints as "not checked" with the reason and the
 * RESULT line counts it. */
enum {
  S_LAR_LSL = 1u << 0,
};
extern unsigned skips;

extern int verbose; /* pvhtest.verbose */

void read_waivers(const struct entry_regs *r);

#endif
