/* SPDX-License-Identifier: MIT */
/* Runs one pvhcheck command the way a hostile-guest test needs it judged,
 * and judges it: exit code, verdict (the text report's "run" line, or the
 * JSON "end"/"status"), wall time, peak RSS, and the bytes it wrote.
 *
 *   hostile_run [checks] -- pvhcheck boot ...
 *     --rc N            exit code wanted (77 from pvhcheck means skip: no KVM)
 *     --verdict V       verdict wanted; "-" for none (nothing to read, e.g. stalled)
 *     --max-wall S      wall seconds allowed (the timeout plus a margin)
 *     --max-out N       bytes allowed on stdout plus stderr
 *     --has STR         stdout+stderr must contain STR (C escapes \xNN, \n, \\ allowed)
 *     --lacks STR       ... must not contain STR
 *     --stall           stdout is a pipe nobody reads until pvhcheck exits
 *     --close-stdout    the reader of stdout is gone from the start (EPIPE)
 *     --signal SIG MS   send SIG (INT or TERM) MS milliseconds after the start
 *     --fifo            an argument "@FIFO@" names a fresh FIFO nobody writes to
 *
 * It always prints one line for the record: rc, verdict, wall, peak RSS and
 * output bytes, so a run against an older pvhcheck still measures it. The
 * child is killed at max-wall + 20 s so a hang is a failure, not a hung
 * test. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KEEP_MAX (8u << 20) /* bytes of output kept for the content checks */
#define MAX_CHECKS 8
#define HARD_KILL_EXTRA_S 20.0

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "\x1b" and friends in --has/--lacks, so a test can name control bytes. */
static size_t unescape(const char *s, char *out) {
  size_t n = 0;
  for (; *s; s++) {
    if (*s != '\\' || !s[1]) {
      out[n++] = *s;
      continue;
    }
    s++;
    if (*s == 'n')
      out[n++] = '\n';
    else if (*s == 'r')
      out[n++] = '\r';
    else if (*s == 'x' && s[1] && s[2]) {
      char h[3] = {s[1], s[2], 0};
      out[n++] = (char)strtoul(h, NULL, 16);
      s += 2;
    } else
      out[n++] = *s;
  }
  return n;
}

struct sink {
  int fd;
  unsigned long long total;
};

static char *kept;
static size_t kept_len;

/* final: pvhcheck has exited; what is not in the pipe now will not come
 * from it (a straggler holding the write end must not hold us). */
static void take(struct sink *s, int final) {
  char buf[65536];
  ssize_t n = read(s->fd, buf, sizeof(buf));
  if (n <= 0) {
    if (n == 0 || final || (errno != EINTR && errno != EAGAIN)) {
      close(s->fd);
      s->fd = -1;
    }
    return;
  }
  s->total += (unsigned long long)n;
  size_t room = KEEP_MAX - kept_len;
  size_t k = (size_t)n < room ? (size_t)n : room;
  memcpy(kept + kept_len, buf, k);
  kept_len += k;
}

static int contains(const char *needle, size_t len) {
  if (len == 0)
    return 1;
  return memmem(kept, kept_len, needle, len) != NULL;
}

/* The verdict: "  run        timeout: ..." in text, "end":"timeout" or a
 * top-level "status" of a failure object in JSON. */
static void verdict_of(char *out, size_t cap) {
  static const char *keys[] = {"\n  run        ", "\"end\":\"", "\"status\":\""};
  snprintf(out, cap, "-");
  for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
    const char *p = memmem(kept, kept_len, keys[i], strlen(keys[i]));
    if (!p)
      continue;
    p += strlen(keys[i]);
    size_t n = 0;
    while (p + n < kept + kept_len && n + 1 < cap && p[n] != ':' && p[n] != '"' && p[n] != '\n')
      n++;
    memcpy(out, p, n);
    out[n] = 0;
    if (i < 2 || strcmp(out, "ran") != 0)
      return;
  }
}

int main(int argc, char **argv) {
  int want_rc = -1, stall = 0, close_stdout = 0, sig = 0, sig_ms = 0, fifo = 0;
  const char *want_verdict = NULL;
  double max_wall = 0;
  unsigned long long max_out = 0;
  const char *has[MAX_CHECKS], *lacks[MAX_CHECKS];
  int nhas = 0, nlacks = 0, i;
  for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--stall"))
      stall = 1;
    else if (!strcmp(a, "--close-stdout"))
      close_stdout = 1;
    else if (!strcmp(a, "--fifo"))
      fifo = 1;
    else if (!v)
      break;
    else if (!strcmp(a, "--rc"))
      want_rc = atoi(v), i++;
    else if (!strcmp(a, "--verdict"))
      want_verdict = v, i++;
    else if (!strcmp(a, "--max-wall"))
      max_wall = atof(v), i++;
    else if (!strcmp(a, "--max-out"))
      max_out = strtoull(v, NULL, 0), i++;
    else if (!strcmp(a, "--has") && nhas < MAX_CHECKS)
      has[nhas++] = v, i++;
    else if (!strcmp(a, "--lacks") && nlacks < MAX_CHECKS)
      lacks[nlacks++] = v, i++;
    else if (!strcmp(a, "--signal") && i + 2 < argc) {
      sig = !strcmp(v, "INT") ? SIGINT : !strcmp(v, "TERM") ? SIGTERM : 0;
      sig_ms = atoi(argv[i + 2]);
      i += 2;
    } else
      break;
  }
  if (i >= argc - 1 || strcmp(argv[i], "--") || max_wall <= 0 || want_rc < 0) {
    fprintf(stderr, "usage: hostile_run --rc N --max-wall S [checks] -- COMMAND...\n");
    return 2;
  }
  char **cmd = argv + i + 1;
  char fifo_path[64] = "/tmp/hostile-fifo-XXXXXX";
  if (fifo) {
    if (!mkdtemp(fifo_path) || !strcat(fifo_path, "/k") || mkfifo(fifo_path, 0600) != 0) {
      perror("hostile_run: mkfifo");
      return 2;
    }
    for (char **c = cmd; *c; c++)
      if (!strcmp(*c, "@FIFO@"))
        *c = fifo_path;
  }
  kept = malloc(KEEP_MAX);
  int po[2], pe[2];
  if (!kept || pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC)) {
    perror("hostile_run: setup");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN); /* ours; the child gets the default back at exec */
  double t0 = now_s();
  pid_t pid = fork();
  if (pid == 0) {
    signal(SIGPIPE, SIG_DFL);
    dup2(po[1], 1);
    dup2(pe[1], 2);
    execvp(cmd[0], cmd);
    _exit(127);
  }
  close(po[1]);
  close(pe[1]);
  if (close_stdout) {
    close(po[0]);
    po[0] = -1;
  }
  struct sink out = {po[0], 0}, err = {pe[0], 0};
  int status = 0, done = 0, signalled = 0, killed = 0;
  while (!done) {
    struct pollfd p[2];
    int n = 0;
    if (out.fd >= 0 && !stall)
      p[n++] = (struct pollfd){.fd = out.fd, .events = POLLIN};
    if (err.fd >= 0)
      p[n++] = (struct pollfd){.fd = err.fd, .events = POLLIN};
    poll(p, (nfds_t)n, 10);
    for (int k = 0; k < n; k++)
      if (p[k].revents)
        take(p[k].fd == out.fd ? &out : &err, 0);
    double t = now_s() - t0;
    if (sig && !signalled && t * 1000 >= sig_ms) {
      kill(pid, sig);
      signalled = 1;
    }
    if (!killed && t > max_wall + HARD_KILL_EXTRA_S) {
      kill(pid, SIGKILL);
      killed = 1;
    }
    if (waitpid(pid, &status, WNOHANG) == pid)
      done = 1;
  }
  double wall = now_s() - t0;
  if (fifo) {
    unlink(fifo_path);
    *strrchr(fifo_path, '/') = 0;
    rmdir(fifo_path);
  }
  struct rusage ru;
  getrusage(RUSAGE_CHILDREN, &ru);
  /* Whatever is left in the pipes (all of it, for a stalled stdout). */
  for (int k = 0; k < 2; k++) {
    struct sink *s = k ? &err : &out;
    if (s->fd >= 0)
      fcntl(s->fd, F_SETFL, O_NONBLOCK);
    while (s->fd >= 0)
      take(s, 1);
  }
  int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  char verdict[64];
  verdict_of(verdict, sizeof(verdict));
  unsigned long long bytes = out.total + err.total;
  printf(
      "hostile_run: rc %d, verdict %s, wall %.3f s, peak RSS %ld KiB, output %llu bytes (stdout %llu, stderr "
      "%llu)%s\n",
      rc, verdict, wall, ru.ru_maxrss, bytes, out.total, err.total,
      killed ? ", KILLED at the hard limit" : "");
  if (rc == 77) {
    printf("SKIP: pvhcheck says KVM is not usable here\n");
    fwrite(kept, 1, kept_len < 2000 ? kept_len : 2000, stdout);
    return 77;
  }
  int fail = 0;
#define CHECK(cond, ...)                                                                                     \
  do {                                                                                                       \
    if (!(cond)) {                                                                                           \
      printf("FAIL: " __VA_ARGS__);                                                                          \
      printf("\n");                                                                                          \
      fail = 1;                                                                                              \
    }                                                                                                        \
  } while (0)
  CHECK(rc == want_rc, "exit code %d, want %d", rc, want_rc);
  CHECK(wall <= max_wall, "wall %.3f s, want at most %.3f s", wall, max_wall);
  CHECK(!max_out || bytes <= max_out, "output %llu bytes, want at most %llu", bytes, max_out);
  if (want_verdict)
    CHECK(!strcmp(verdict, want_verdict), "verdict %s, want %s", verdict, want_verdict);
  char buf[4096];
  for (int k = 0; k < nhas; k++)
    CHECK(contains(buf, unescape(has[k], buf)), "output lacks \"%s\"", has[k]);
  for (int k = 0; k < nlacks; k++)
    CHECK(!contains(buf, unescape(lacks[k], buf)), "output has \"%s\"", lacks[k]);
  if (fail) {
    printf("--- first 3000 bytes of the output:\n");
    fwrite(kept, 1, kept_len < 3000 ? kept_len : 3000, stdout);
    printf("\n--- last 1500 bytes:\n");
    size_t from = kept_len > 1500 ? kept_len - 1500 : 0;
    fwrite(kept + from, 1, kept_len - from, stdout);
    printf("\n");
    return 1;
  }
  printf("PASS\n");
  return 0;
}
