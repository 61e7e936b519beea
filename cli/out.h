/* SPDX-License-Identifier: MIT */
/* Everything pvhcheck prints goes through here, so that no reader can hold a
 * run past its deadline and no guest or user byte reaches a terminal raw.
 *
 *  - stdout and stderr become private non-blocking descriptions of the same
 *    pipe, FIFO or terminal (reopened through /proc/self/fd, so the shell's
 *    own description keeps its flags); regular files are written as they are.
 *  - A write waits for a slow reader only until the output deadline (the
 *    command's deadline, cli_out_set_deadline); what does not fit then is
 *    dropped and counted. A reader that is gone (EPIPE) drops the rest;
 *    SIGPIPE is ignored, so it never kills pvhcheck.
 *  - Every byte passes cli/escape.h's rule, except the console echo with
 *    --raw-console.
 *  - The guest console echo (cli_out_echo) is capped like the kept copy,
 *    ends with "[truncated after N bytes]", and waits for the reader for at
 *    most CLI_ECHO_WAIT_MS over the whole run: a guest's run is never paced
 *    by a reader. */
#ifndef PVHCHECK_OUT_H
#define PVHCHECK_OUT_H

#include <stddef.h>
#include <stdint.h>

#define CLI_ECHO_WAIT_MS 200
/* The echo shows as much as plain boot keeps (pvhkvm_run_opts.console_cap). */
#define CLI_ECHO_CAP (1ull << 20)

/* Sets up fds 1 and 2 and points stdout/stderr at the writer (main only). */
void cli_out_install(void);
/* Monotonic deadline (CLOCK_MONOTONIC ns) for waiting on a reader; 0: none. */
void cli_out_set_deadline(uint64_t deadline_ns);
/* Flushes stdio and any held escape state; says on stderr what was dropped. */
void cli_out_finish(void);

/* The console echo of one run, on fd 1 or 2: at most cap bytes shown, then
 * one truncation line; raw: pass guest bytes as they are (--raw-console). */
/* Bytes are collected and written a line at a time (or when the buffer is
 * full, or CLI_ECHO_FLUSH_MS after the last write), not one syscall per
 * byte: a reader woken per byte steals the CPU from the guest. */
#define CLI_ECHO_FLUSH_MS 100
struct cli_echo {
  int fd;
  int raw;
  uint64_t cap, seen;
  uint64_t dropped; /* bytes the reader did not take in time */
  int truncated;
  char buf[4096];
  size_t len;
  uint64_t last_flush_ns;
};
void cli_echo_init(struct cli_echo *e, int fd, uint64_t cap, int raw);
/* pvhkvm's echo callback (struct pvhkvm_run_opts.echo_fn). */
void cli_echo_write(void *ctx, const char *data, size_t len);
/* Ends the echo: the held escape state and, if the cap was hit, the line. */
void cli_echo_end(struct cli_echo *e);

/* Bytes dropped so far on fd 1 or 2 (a slow or gone reader). */
uint64_t cli_out_dropped(int fd);
/* Whether the reader of fd 1 or 2 is gone (EPIPE or another write error). */
int cli_out_gone(int fd);

#endif
