/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "guard.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "json.h"
#include "report.h"
#include "pvhkvm/clock.h"
#include "pvhkvm/pvhkvm.h"

enum { WHY_TIMEOUT, WHY_SIGINT, WHY_SIGTERM, WHY_N };

/* Everything the handlers write is formatted before any signal can come:
 * a handler only calls write() and _exit(). */
static char *text_of[WHY_N], *json_of[WHY_N];
static size_t text_len[WHY_N], json_len[WHY_N];
static int guard_json;
static double limit;
static uint64_t t0_ns, delay0_ns;
static timer_t deadline_timer;
static volatile sig_atomic_t reporting, signalled;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

unsigned long long cli_guard_deadline_ns(void) { return limit > 0 ? t0_ns + (uint64_t)(limit * 1e9) : 0; }

static void emergency(int why) {
  if (guard_json && json_of[why])
    (void)!write(STDOUT_FILENO, json_of[why], json_len[why]);
  if (text_of[why])
    (void)!write(STDERR_FILENO, text_of[why], text_len[why]);
  _exit(why == WHY_TIMEOUT ? PVHCLI_EXIT_FAIL : PVHCLI_EXIT_INTERRUPTED);
}

static void arm_in(uint64_t ns) {
  struct itimerspec its;
  memset(&its, 0, sizeof(its));
  its.it_value.tv_sec = (time_t)(ns / 1000000000ull);
  its.it_value.tv_nsec = (long)(ns % 1000000000ull);
  if (ns == 0)
    its.it_value.tv_nsec = 1;
  timer_settime(deadline_timer, 0, &its, NULL);
}

static void on_deadline(int sig) {
  (void)sig;
  /* open/read/close only (async-signal-safe); the used time excludes the
   * time the host kept this thread waiting for a CPU. */
  uint64_t wall = now_ns() - t0_ns;
  uint64_t delay = pvhkvm_run_delay_ns(0) - delay0_ns;
  uint64_t used = wall > delay ? wall - delay : 0;
  uint64_t want = (uint64_t)(limit * 1e9);
  if (used < want) {
    arm_in(want - used);
    return;
  }
  emergency(WHY_TIMEOUT);
}

static void on_stop_signal(int sig) {
  if (reporting)
    return; /* the report is bounded by the output deadline; let it finish */
  if (!signalled++ && pvhkvm_run_interrupt())
    return; /* the run stops and reports "interrupted" */
  emergency(sig == SIGINT ? WHY_SIGINT : WHY_SIGTERM);
}

void cli_guard_reporting(void) { reporting = 1; }

/* Formats one pre-made verdict: the stderr line and the JSON failure object. */
static void prepare(int why, const char *command, const char *kernel, const char *status, const char *msg) {
  const char *name = kernel ? kernel : "built-in self-test guest";
  struct cli_escaper e;
  memset(&e, 0, sizeof(e));
  /* Armed again in one process (tests run several commands): drop the
   * previous verdict before making this one. */
  free(text_of[why]);
  free(json_of[why]);
  text_of[why] = json_of[why] = NULL;
  text_len[why] = json_len[why] = 0;
  size_t n = strlen(name);
  char *esc = malloc(CLI_ESCAPE_MAX(n));
  if (!esc)
    return;
  size_t k = cli_escape(&e, name, n, esc);
  k += cli_escape_flush(&e, esc + k);
  esc[k] = 0;
  size_t cap = k + strlen(command) + strlen(status) + strlen(msg) + 24;
  text_of[why] = malloc(cap);
  if (text_of[why])
    text_len[why] = (size_t)snprintf(text_of[why], cap, "%s: error: %s: %s: %s\n", command, status, esc, msg);
  free(esc);
  FILE *f = open_memstream(&json_of[why], &json_len[why]);
  if (!f)
    return;
  /* The output contract's failure object (report.h), made now so the
   * signal handler only writes bytes. */
  struct json_writer w;
  struct cli_error err = {.code = status};
  snprintf(err.message, sizeof(err.message), "%s", msg);
  cli_report_begin(&w, f, kernel);
  cli_report_verdict(&w, 0, status, &err);
  cli_report_host(&w);
  json_end_object(&w);
  json_finish(&w);
  fclose(f);
}

void cli_guard_arm(const char *command, const char *name, int json, double limit_s) {
  char msg[160];
  guard_json = json;
  limit = limit_s;
  t0_ns = now_ns();
  delay0_ns = pvhkvm_run_delay_ns(0);
  snprintf(msg, sizeof(msg), "the command did not finish within its limit of %.3f s (--timeout + %.0f s)",
           limit_s, CLI_GUARD_GRACE_S);
  prepare(WHY_TIMEOUT, command, name, "timeout", msg);
  prepare(WHY_SIGINT, command, name, "interrupted", "interrupted by SIGINT");
  prepare(WHY_SIGTERM, command, name, "interrupted", "interrupted by SIGTERM");

  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = on_stop_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sa.sa_handler = on_deadline;
  sigaction(SIGALRM, &sa, NULL);
  struct sigevent sev;
  memset(&sev, 0, sizeof(sev));
  sev.sigev_notify = SIGEV_SIGNAL;
  sev.sigev_signo = SIGALRM;
  if (limit_s > 0 && timer_create(CLOCK_MONOTONIC, &sev, &deadline_timer) == 0)
    arm_in((uint64_t)(limit_s * 1e9));
}
