/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "out.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"

/* Chunk size when the fd could not be made non-blocking: after POLLOUT a
 * pipe takes up to PIPE_BUF bytes without blocking, a socket or tty more. */
#define SAFE_CHUNK 512

struct stream {
  int fd;
  int nonblocking; /* our private O_NONBLOCK description (or a regular file) */
  int socket;      /* send(MSG_DONTWAIT) */
  int gone;        /* EPIPE or another write error: drop the rest */
  uint64_t dropped;
  struct cli_escaper esc;
};

static struct stream streams[2] = {{.fd = 1}, {.fd = 2}};
static uint64_t out_deadline_ns;
static int installed;

static struct stream *stream_of(int fd) { return fd == 2 ? &streams[1] : &streams[0]; }

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void cli_out_set_deadline(uint64_t deadline_ns) { out_deadline_ns = deadline_ns; }

uint64_t cli_out_dropped(int fd) { return stream_of(fd)->dropped; }

int cli_out_gone(int fd) { return stream_of(fd)->gone; }

/* A private non-blocking description of what fd points at, so O_NONBLOCK
 * never leaks to the shell or to whoever shares the pipe. */
static void make_private_nonblocking(struct stream *s) {
  struct stat st;
  if (fstat(s->fd, &st) != 0)
    return;
  if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) {
    s->nonblocking = 1; /* never waits on a reader */
    return;
  }
  if (S_ISSOCK(st.st_mode)) {
    s->socket = 1;
    return;
  }
  char path[64];
  snprintf(path, sizeof(path), "/proc/self/fd/%d", s->fd);
  int nfd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (nfd < 0)
    return; /* e.g. no reader at all (ENXIO): the poll path copes */
  if (dup2(nfd, s->fd) == s->fd)
    s->nonblocking = 1;
  close(nfd);
}

/* Waits until fd takes bytes or the deadline (or wait_until_ns) passes. */
static int wait_writable(struct stream *s, uint64_t until_ns) {
  for (;;) {
    uint64_t now = now_ns();
    if (until_ns && now >= until_ns)
      return 0;
    int ms = until_ns ? (int)((until_ns - now + 999999) / 1000000) : -1;
    struct pollfd p = {.fd = s->fd, .events = POLLOUT};
    int rc = poll(&p, 1, ms);
    if (rc > 0)
      return (p.revents & (POLLERR | POLLNVAL)) ? (s->gone = 1, 0) : 1;
    if (rc < 0 && errno != EINTR)
      return 0;
  }
}

/* Writes all of p[0, n) unless the reader is too slow for until_ns (0: the
 * output deadline, or forever without one) or gone; the rest is counted. */
static void put_bytes(struct stream *s, const char *p, size_t n, uint64_t until_ns) {
  while (n && !s->gone) {
    size_t chunk = n;
    if (!s->nonblocking && !s->socket) {
      if (!wait_writable(s, until_ns))
        break;
      if (chunk > SAFE_CHUNK)
        chunk = SAFE_CHUNK;
    }
    ssize_t w = s->socket ? send(s->fd, p, chunk, MSG_DONTWAIT | MSG_NOSIGNAL) : write(s->fd, p, chunk);
    if (w > 0) {
      p += w;
      n -= (size_t)w;
      continue;
    }
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait_writable(s, until_ns))
        break;
      continue;
    }
    s->gone = 1; /* EPIPE, EIO, ...: nobody will read the rest */
  }
  s->dropped += n;
}

/* The escaped form of p[0, n), written in pieces of bounded size. */
static void put_text(struct stream *s, const char *p, size_t n, int raw, uint64_t until_ns) {
  char buf[CLI_ESCAPE_MAX(1024)];
  if (raw) {
    put_bytes(s, p, n, until_ns);
    return;
  }
  while (n) {
    size_t k = n < 1024 ? n : 1024;
    put_bytes(s, buf, cli_escape(&s->esc, p, k, buf), until_ns);
    p += k;
    n -= k;
  }
}

static ssize_t cookie_write(void *ctx, const char *p, size_t n) {
  put_text(ctx, p, n, 0, out_deadline_ns);
  return (ssize_t)n; /* stdio never sees an error: what was dropped is counted */
}

void cli_out_install(void) {
  signal(SIGPIPE, SIG_IGN);
  cookie_io_functions_t io = {.write = cookie_write};
  for (int i = 0; i < 2; i++) {
    make_private_nonblocking(&streams[i]);
    FILE *f = fopencookie(&streams[i], "w", io);
    if (!f)
      continue;
    setvbuf(f, NULL, i == 0 ? _IOFBF : _IOLBF, 1 << 14);
    if (i == 0)
      stdout = f; /* glibc's stdout and stderr are assignable (glibc manual, Standard Streams) */
    else
      stderr = f;
  }
  installed = 1;
}

void cli_out_finish(void) {
  fflush(stdout);
  fflush(stderr);
  if (!installed)
    return;
  for (int i = 0; i < 2; i++) {
    char buf[32];
    size_t n = cli_escape_flush(&streams[i].esc, buf);
    put_bytes(&streams[i], buf, n, out_deadline_ns);
  }
  if (streams[0].dropped) {
    fprintf(stderr, "pvhcheck: %llu bytes of output dropped: stdout was not read %s\n",
            (unsigned long long)streams[0].dropped,
            streams[0].gone ? "(the reader is gone)" : "in time (before the command's deadline)");
    fflush(stderr);
  }
}

/* ---- the console echo ---- */

static uint64_t echo_waited_ns;

void cli_echo_init(struct cli_echo *e, int fd, uint64_t cap, int raw) {
  memset(e, 0, sizeof(*e));
  e->fd = fd;
  e->cap = cap;
  e->raw = raw;
  e->last_flush_ns = now_ns();
  echo_waited_ns = 0;
}

/* Writes what the echo collected, waiting for the reader at most what is
 * left of CLI_ECHO_WAIT_MS for the run (and never past the deadline). */
static void echo_flush(struct cli_echo *e) {
  struct stream *s = stream_of(e->fd);
  uint64_t t0 = now_ns();
  e->last_flush_ns = t0;
  if (!e->len)
    return;
  fflush(s == &streams[0] ? stdout : stderr); /* keep report lines and echo in order */
  uint64_t budget = CLI_ECHO_WAIT_MS * 1000000ull;
  uint64_t until = echo_waited_ns >= budget ? t0 : t0 + (budget - echo_waited_ns);
  if (out_deadline_ns && until > out_deadline_ns)
    until = out_deadline_ns;
  uint64_t before = s->dropped;
  put_text(s, e->buf, e->len, e->raw, until);
  echo_waited_ns += now_ns() - t0;
  e->dropped += s->dropped - before;
  e->len = 0;
}

void cli_echo_write(void *ctx, const char *data, size_t len) {
  struct cli_echo *e = ctx;
  for (size_t i = 0; i < len && !e->truncated; i++) {
    if (e->seen++ >= e->cap) {
      e->truncated = 1;
      break;
    }
    e->buf[e->len++] = data[i];
    if (e->len == sizeof(e->buf) || data[i] == '\n')
      echo_flush(e);
  }
  if (e->len && now_ns() - e->last_flush_ns >= CLI_ECHO_FLUSH_MS * 1000000ull)
    echo_flush(e);
}

void cli_echo_end(struct cli_echo *e) {
  echo_flush(e);
  struct stream *s = stream_of(e->fd);
  char buf[96];
  size_t n = cli_escape_flush(&s->esc, buf);
  put_bytes(s, buf, n, out_deadline_ns);
  if (e->truncated) {
    n = (size_t)snprintf(buf, sizeof(buf), "\n[truncated after %llu bytes]\n", (unsigned long long)e->cap);
    put_bytes(s, buf, n, out_deadline_ns);
  }
}
