/* SPDX-License-Identifier: MIT */
/* pvhcheck's writer (cli/out.c), each case in a child process because it
 * takes over stdout: a reader that never reads costs at most the deadline
 * and the rest is counted; a reader that is gone costs no SIGPIPE; the
 * console echo is capped with its truncation line and escaped, unless raw. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "out.h"

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Runs fn in a child whose stdout is the write end of a fresh pipe; the
 * read end stays with the parent (returned), or is closed when gone. */
static pid_t spawn(void (*fn)(void), int gone, int *rd) {
  int p[2];
  assert_int_equal(pipe(p), 0);
  if (gone)
    close(p[0]);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    dup2(p[1], 1);
    close(p[1]);
    signal(SIGPIPE, SIG_DFL); /* what pvhcheck would get from a shell */
    fn();
    _exit(99);
  }
  close(p[1]);
  *rd = gone ? -1 : p[0];
  return pid;
}

static int wait_exit(pid_t pid) {
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static size_t read_all(int fd, char *buf, size_t cap) {
  size_t n = 0;
  ssize_t r;
  while (n < cap && (r = read(fd, buf + n, cap - n)) > 0)
    n += (size_t)r;
  close(fd);
  return n;
}

/* 4 MiB of report into a pipe nobody reads, with a 300 ms deadline. */
static void child_stalled(void) {
  cli_out_install();
  uint64_t t0 = now_ns();
  cli_out_set_deadline(t0 + 300000000ull);
  static char line[1024];
  memset(line, 'r', sizeof(line) - 2);
  line[sizeof(line) - 2] = '\n';
  for (int i = 0; i < 4096; i++)
    fputs(line, stdout);
  fflush(stdout);
  uint64_t ms = (now_ns() - t0) / 1000000;
  /* exit 0: returned by the deadline (plus slack) and counted what it dropped */
  _exit(ms < 2000 && cli_out_dropped(1) > 3u * 1024 * 1024 ? 0 : 1);
}

static void stalled_reader_costs_at_most_the_deadline(void **state) {
  (void)state;
  int rd;
  pid_t pid = spawn(child_stalled, 0, &rd);
  assert_int_equal(wait_exit(pid), 0);
  close(rd);
}

static void child_gone(void) {
  cli_out_install();
  cli_out_set_deadline(now_ns() + 5000000000ull);
  for (int i = 0; i < 1000; i++)
    printf("line %d of a report nobody will read\n", i);
  fflush(stdout);
  _exit(cli_out_gone(1) && cli_out_dropped(1) > 0 ? 0 : 1);
}

static void gone_reader_is_no_sigpipe(void **state) {
  (void)state;
  int rd;
  pid_t pid = spawn(child_gone, 1, &rd);
  assert_int_equal(wait_exit(pid), 0); /* not 128 + SIGPIPE */
}

static int echo_raw;
static void child_echo(void) {
  cli_out_install();
  struct cli_echo e;
  cli_echo_init(&e, 1, 64, echo_raw);
  const char hostile[] = "\x1b]0;pwned\x07ok\n";
  for (int i = 0; i < 100; i++)
    cli_echo_write(&e, hostile, sizeof(hostile) - 1);
  cli_echo_end(&e);
  cli_out_finish();
  _exit(e.truncated ? 0 : 1);
}

/* Runs child_echo (raw or escaped) and returns what reached its stdout, NUL-terminated. */
static size_t echo_output(int raw, char *buf, size_t cap) {
  int rd;
  echo_raw = raw;
  pid_t pid = spawn(child_echo, 0, &rd);
  size_t n = read_all(rd, buf, cap - 1);
  buf[n] = 0;
  assert_int_equal(wait_exit(pid), 0);
  return n;
}

static void echo_is_capped_and_escaped(void **state) {
  (void)state;
  char buf[4096];
  size_t n = echo_output(0, buf, sizeof(buf));
  assert_null(memchr(buf, 0x1b, n));
  assert_null(memchr(buf, 0x07, n));
  assert_non_null(strstr(buf, "\\x1b]0;pwned\\x07ok\n"));
  assert_non_null(strstr(buf, "\n[truncated after 64 bytes]\n"));
  /* 64 guest bytes shown (escaped, so more on the wire), then the line. */
  assert_true(n < 64 * 4 + 64);
}

static void raw_console_passes_bytes(void **state) {
  (void)state;
  char buf[4096];
  echo_output(1, buf, sizeof(buf));
  assert_non_null(strstr(buf, "\x1b]0;pwned\x07ok\n"));
  assert_non_null(strstr(buf, "[truncated after 64 bytes]"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(stalled_reader_costs_at_most_the_deadline),
      cmocka_unit_test(gone_reader_is_no_sigpipe),
      cmocka_unit_test(echo_is_capped_and_escaped),
      cmocka_unit_test(raw_console_passes_bytes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
