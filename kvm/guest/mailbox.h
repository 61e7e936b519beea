/* SPDX-License-Identifier: MIT */
/* The self-test guest's report in memory: one struct in the guest's .data,
 * filled as the checks run and final before the one write to the exit port.
 * The host finds it by its magic inside the kernel's loaded range (the guest
 * writes the magic at run time, so the file does not contain it) and reads
 * how far the guest got even when it never reached the exit port. Shared by
 * the guest (kvm/guest/report.c) and the host (conform/mailbox.c). */
#ifndef PVHTEST_MAILBOX_H
#define PVHTEST_MAILBOX_H

#include <stdint.h>

/* "PVHTMBX1" as two little-endian words, written separately so the 8 bytes
 * never sit together in the image. */
#define PVHTEST_MAILBOX_MAGIC_LO 0x54485650u /* "PVHT" */
#define PVHTEST_MAILBOX_MAGIC_HI 0x3158424du /* "MBX1" */
#define PVHTEST_MAILBOX_VERSION 1u
#define PVHTEST_MAILBOX_ALIGN 16u
#define PVHTEST_MAILBOX_TEXT 200u

/* The check groups, in the order the guest runs them. */
#define PVHTEST_GROUP_LIST(X)                                                                                \
  X(PVHTEST_G_BSS, "bss")                                                                                    \
  X(PVHTEST_G_REGS, "registers")                                                                             \
  X(PVHTEST_G_SEGMENTS, "segments")                                                                          \
  X(PVHTEST_G_START_INFO, "start_info")                                                                      \
  X(PVHTEST_G_MEMMAP, "memmap")                                                                              \
  X(PVHTEST_G_CMDLINE, "cmdline")                                                                            \
  X(PVHTEST_G_MODULES, "modules")                                                                            \
  X(PVHTEST_G_CPUID, "cpuid")

enum pvhtest_group {
#define PVHTEST_X_ENUM(id, name) id,
  PVHTEST_GROUP_LIST(PVHTEST_X_ENUM)
#undef PVHTEST_X_ENUM
      PVHTEST_G__COUNT
};

enum pvhtest_mailbox_state { PVHTEST_MB_RUNNING = 0, PVHTEST_MB_DONE = 1 };

struct pvhtest_mailbox {
  uint32_t magic_lo, magic_hi;
  uint32_t version;
  uint32_t state;       /* enum pvhtest_mailbox_state */
  uint32_t group;       /* the group running (or the last one) */
  uint32_t groups_done; /* bit (1 << group) per finished group */
  uint32_t checks, failed, waived, skipped;
  uint32_t first_failed_group; /* PVHTEST_G__COUNT: none */
  uint32_t reserved;
  char first_failure[PVHTEST_MAILBOX_TEXT]; /* the first failed check's line */
};
_Static_assert(sizeof(struct pvhtest_mailbox) == 48 + PVHTEST_MAILBOX_TEXT, "mailbox layout");

#endif
