/* SPDX-License-Identifier: MIT */
/* Counting and printing the checks: the mailbox in memory, the UART lines
 * and the verdict on the exit port (see report.h). */
#include <stdarg.h>
#include <stdint.h>

#include "io.h"
#include "lib.h"
#include "mailbox.h"
#include "options.h"
#include "report.h"

#define PVHTEST_EXIT_FAIL 1u

static unsigned n_checks, n_failed, n_waived, n_skipped;

/* In .data, so it can be written before the BSS is checked. */
__attribute__((section(".data.mailbox"),
               aligned(PVHTEST_MAILBOX_ALIGN))) static volatile struct pvhtest_mailbox mailbox = {
    .first_failed_group = PVHTEST_G__COUNT};

void report_begin(void) {
  mailbox.magic_lo = PVHTEST_MAILBOX_MAGIC_LO;
  mailbox.magic_hi = PVHTEST_MAILBOX_MAGIC_HI;
  mailbox.version = PVHTEST_MAILBOX_VERSION;
  mailbox.state = PVHTEST_MB_RUNNING;
}

void group_begin(enum pvhtest_group g) { mailbox.group = g; }
void group_end(enum pvhtest_group g) { mailbox.groups_done |= 1u << g; }

void not_checked(const char *reason, const char *fmt, ...) {
  va_list ap;
  n_skipped++;
  mailbox.skipped = n_skipped;
  gprintf("pvhtest: not checked ");
  va_start(ap, fmt);
  gvprintf(fmt, ap);
  va_end(ap);
  gprintf(" (%s)\n", reason);
}

static void vcheck(int ok, unsigned waiver, const char *fmt, va_list ap) {
  const char *tag = ok ? "ok  " : "FAIL";
  n_checks++;
  if (!ok && (waivers & waiver)) {
    tag = "WAIVED";
    n_waived++;
  } else if (!ok) {
    n_failed++;
    if (n_failed == 1) {
      va_list copy;
      va_copy(copy, ap);
      gcapture((char *)mailbox.first_failure, PVHTEST_MAILBOX_TEXT);
      gvprintf(fmt, copy);
      gcapture(0, 0);
      va_end(copy);
      mailbox.first_failed_group = mailbox.group;
    }
  }
  mailbox.checks = n_checks;
  mailbox.failed = n_failed;
  mailbox.waived = n_waived;
  if (ok && !verbose)
    return;
  gprintf("pvhtest: %s ", tag);
  gvprintf(fmt, ap);
  gprintf("\n");
}

void check(int ok, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vcheck(ok, 0, fmt, ap);
  va_end(ap);
}

void check_w(int ok, unsigned waiver, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vcheck(ok, waiver, fmt, ap);
  va_end(ap);
}

void note(const char *fmt, ...) {
  va_list ap;
  if (!verbose)
    return;
  gprintf("pvhtest: info ");
  va_start(ap, fmt);
  gvprintf(fmt, ap);
  va_end(ap);
  gprintf("\n");
}

void report_finish(void) {
  if (n_failed == 0)
    gprintf("pvhtest: RESULT PASS %u checks, %u waived, %u not checked\n", n_checks, n_waived, n_skipped);
  else
    gprintf("pvhtest: RESULT FAIL %u of %u checks failed\n", n_failed, n_checks);
  mailbox.state = PVHTEST_MB_DONE;
  __asm__ volatile("" ::: "memory"); /* the mailbox is complete before the exit */
  outl(EXIT_PORT, n_failed ? PVHTEST_EXIT_FAIL : 0);
  /* No exit device: stop with interrupts off, which the host reports as HLT. */
  halt_forever();
}
