/* SPDX-License-Identifier: MIT */
/* The whole-command guard (cli/guard.c), each case in a child that blocks
 * for good in a read nobody will satisfy (what a FIFO kernel path did): the
 * deadline ends it with exit 1 and the JSON verdict "timeout"; SIGTERM ends
 * it with exit 4 and "interrupted". */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "guard.h"
#include "harness.h"
#include "json_dump.h"
#include "report.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Forks a child that arms the guard with limit_s and blocks; sends sig
 * after sig_ms (0: none). Returns the exit code, the child's stdout in out. */
static int run_blocked(double limit_s, int sig, int sig_ms, char *out, size_t cap, double *took) {
  int o[2], never[2];
  assert_int_equal(pipe(o), 0);
  assert_int_equal(pipe(never), 0);
  double t0 = now_s();
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    dup2(o[1], 1);
    close(o[0]);
    close(never[1]);
    cli_report_enter("boot", 0, NULL);
    cli_guard_arm("pvhcheck boot", "k\x1b]0;t\x07", 1, limit_s);
    char c;
    (void)!read(never[0], &c, 1); /* blocks: nobody writes */
    _exit(99);
  }
  close(o[1]);
  close(never[0]);
  if (sig) {
    usleep((useconds_t)sig_ms * 1000);
    kill(pid, sig);
  }
  size_t n = 0;
  ssize_t r;
  while (n + 1 < cap && (r = read(o[0], out + n, cap - 1 - n)) > 0)
    n += (size_t)r;
  out[n] = 0;
  close(o[0]);
  close(never[1]);
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  *took = now_s() - t0;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void deadline_ends_a_blocked_command(void **state) {
  (void)state;
  char out[2048];
  double took;
  assert_int_equal(run_blocked(0.3, 0, 0, out, sizeof(out), &took), PVHCLI_EXIT_FAIL);
  assert_true(took >= 0.29 && took < 3.0);
  assert_non_null(strstr(out, "\"status\":\"timeout\""));
  /* The output contract's head (cli/report.h), as every other failure. */
  assert_non_null(strstr(out, "{\"schema\":1,\"command\":\"boot\",\"kernel\":"));
  assert_non_null(strstr(out, "\"error\":{\"code\":\"timeout\",\"field\":null,"));
  assert_non_null(strstr(out, "\"host\":{\"kind\":"));
  test_json_dump("guard", out);
  assert_non_null(strstr(out, "\"kernel\":\"k\\u001b]0;t\\u0007\"")); /* JSON-escaped name */
}

static void sigterm_ends_it_as_interrupted(void **state) {
  (void)state;
  char out[2048];
  double took;
  assert_int_equal(run_blocked(30, SIGTERM, 100, out, sizeof(out), &took), PVHCLI_EXIT_INTERRUPTED);
  assert_true(took < 5.0);
  assert_non_null(strstr(out, "\"status\":\"interrupted\""));
  assert_non_null(strstr(out, "SIGTERM"));
  test_json_dump("guard", out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(deadline_ends_a_blocked_command),
      cmocka_unit_test(sigterm_ends_it_as_interrupted),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
