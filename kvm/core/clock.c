/* SPDX-License-Identifier: MIT */
#include "pvhkvm/clock.h"

#include <fcntl.h>
#include <unistd.h>

/* Formats "/proc/thread-self/schedstat" or "/proc/self/task/<tid>/schedstat"
 * without stdio, so a signal handler may call this. */
static void schedstat_path(int tid, char *p) {
  static const char self[] = "/proc/thread-self/schedstat";
  static const char head[] = "/proc/self/task/", tail[] = "/schedstat";
  size_t n = 0;
  if (tid <= 0) {
    for (size_t i = 0; i < sizeof(self); i++)
      p[i] = self[i];
    return;
  }
  for (size_t i = 0; head[i]; i++)
    p[n++] = head[i];
  char digits[12];
  size_t d = 0;
  for (unsigned v = (unsigned)tid; v; v /= 10)
    digits[d++] = (char)('0' + v % 10);
  while (d)
    p[n++] = digits[--d];
  for (size_t i = 0; i < sizeof(tail); i++)
    p[n++] = tail[i];
}

uint64_t pvhkvm_run_delay_ns(int tid) {
  char path[64], buf[96];
  schedstat_path(tid, path);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0)
    return 0;
  /* "<on-cpu ns> <run-queue wait ns> <timeslices>\n" */
  ssize_t i = 0;
  while (i < n && buf[i] != ' ')
    i++;
  uint64_t v = 0;
  for (i++; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
    v = v * 10 + (uint64_t)(buf[i] - '0');
  return v;
}
