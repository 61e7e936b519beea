/* SPDX-License-Identifier: MIT */
/* The time a guest was given, as opposed to the time that passed. On a busy
 * host a runnable vCPU thread waits for a CPU; that wait is the kernel's
 * run-queue delay for the thread (/proc/<tid>/schedstat, second field, in
 * ns, with CONFIG_SCHEDSTATS or CONFIG_SCHED_INFO, which Debian kernels
 * have). Wall-clock time minus that delay is what a run-time limit counts:
 * it equals wall-clock time on an idle host, and a valid guest does not run
 * out of it because twenty others share two CPUs. */
#ifndef PVHKVM_CLOCK_H
#define PVHKVM_CLOCK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The run-queue delay of thread tid (0: the calling thread) so far, in ns;
 * 0 when the kernel does not report it (then run time is wall time).
 * Async-signal-safe (open, read, close). */
uint64_t pvhkvm_run_delay_ns(int tid);

#ifdef __cplusplus
}
#endif
#endif
