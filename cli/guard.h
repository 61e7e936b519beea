/* SPDX-License-Identifier: MIT */
/* The whole-command deadline and the signals that end a command early.
 *
 * --timeout S bounds the guest's run (pvhkvm's watchdog); the guard bounds
 * everything else around it, input reading included: when the command has
 * had S + CLI_GUARD_GRACE_S seconds of time, it ends with the verdict
 * "timeout" whatever it was doing (a FIFO with no writer, a stuck ioctl).
 * Time is counted like the run's: wall-clock time minus the time the host
 * kept pvhcheck waiting for a CPU (its run-queue delay, pvhkvm/clock.h), so a
 * busy host does not fail a valid guest.
 *
 * SIGINT and SIGTERM during the run stop the run, which then reports the
 * verdict "interrupted"; outside the run (or a second signal) the command
 * ends at once with that verdict. Either way the exit code is
 * PVHCLI_EXIT_INTERRUPTED and --json still gives one valid object. */
#ifndef PVHCHECK_GUARD_H
#define PVHCHECK_GUARD_H

#define CLI_GUARD_GRACE_S 2.0

/* Arms the deadline at limit_s and the signal handlers; kernel is the kernel
 * as the user named it (NULL: the built-in self-test guest), json whether
 * stdout carries one JSON object. */
void cli_guard_arm(const char *command, const char *kernel, int json, double limit_s);
/* The report is being written: signals no longer cut it short. */
void cli_guard_reporting(void);
/* The CLOCK_MONOTONIC deadline for output, in ns (for cli_out_set_deadline). */
unsigned long long cli_guard_deadline_ns(void);

#endif
