/* SPDX-License-Identifier: MIT */
/* How a check is reported: counted in the mailbox (mailbox.h), printed on the
 * UART when it fails (every check with pvhtest.verbose), and summed up in the
 * RESULT line and the one write to the exit port. */
#ifndef PVHTEST_REPORT_H
#define PVHTEST_REPORT_H

#include "mailbox.h"

/* Marks the mailbox as this guest's and running; writes only .data, so it may
 * run before the BSS is checked. */
void report_begin(void);
void group_begin(enum pvhtest_group g);
void group_end(enum pvhtest_group g);

void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A check that the command line may waive (a W_* bit of options.h). */
void check_w(int ok, unsigned waiver, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A check the host said it cannot run: counted and printed, never passed. */
void not_checked(const char *reason, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Information, printed only with pvhtest.verbose. */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the RESULT line, completes the mailbox and writes the verdict to the
 * exit port (0 only when every check held). */
__attribute__((noreturn)) void report_finish(void);

#endif
