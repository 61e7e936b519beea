/* SPDX-License-Identifier: MIT */
/* Spawns QEMU microvm with the console on a pipe and feeds the recognizer as
 * bytes arrive, timestamped on the host's monotonic clock. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pvhlinux/qemu.h"

#define QEMU_MAX_ARGS 64
#define QEMU_MAX_EXTRA 24
#define QEMU_STDERR_KEEP 512

void pvhlinux_qemu_opts_init(struct pvhlinux_qemu_opts *o) {
  memset(o, 0, sizeof(*o));
  o->ram_size = 512ull << 20;
  o->timeout_s = 120;
  o->echo_fd = -1;
  o->icount_shift = -1;
}

int pvhlinux_qemu_expect(const struct pvhlinux_qemu_opts *o, struct pvhlinux_expect *ex,
                         uint64_t *initrd_size, struct pvh_error *err) {
  pvhlinux_expect_init(ex);
  ex->cmdline = o->cmdline;
  *initrd_size = 0;
  if (o->initrd) {
    struct stat sb;
    if (stat(o->initrd, &sb) || sb.st_size <= 0) {
      pvh_fail(err, PVH_E_IO, "%s: %s", o->initrd, errno ? strerror(errno) : "empty");
      return -1;
    }
    *initrd_size = (uint64_t)sb.st_size;
    ex->has_initramfs = 1;
    ex->initramfs_size = *initrd_size;
    ex->check_initramfs_addr = 0; /* QEMU chooses the address */
  }
  ex->check_rsdp = 0; /* QEMU builds its own ACPI tables */
  return 0;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return; /* echo is best effort */
    p += w;
    n -= (size_t)w;
  }
}

int pvhlinux_qemu_boot(const struct pvhlinux_qemu_opts *o, struct pvhlinux_stages *st,
                       struct pvhlinux_qemu_result *res) {
  memset(res, 0, sizeof(*res));
  if ((!o->kernel || !o->cmdline) && !o->bios) {
    snprintf(res->why, sizeof(res->why), "kernel and cmdline (or a bios) are required");
    return -1;
  }
  uint64_t mib = o->ram_size >> 20;
  if (mib < 16 || mib > (1u << 20)) {
    snprintf(res->why, sizeof(res->why), "RAM size %" PRIu64 " MiB out of range", mib);
    return -1;
  }
  char mem[32], accel[64];
  snprintf(mem, sizeof(mem), "%" PRIu64 "M", mib);
  snprintf(accel, sizeof(accel), "%s", o->accel ? o->accel : "tcg");
  /* microvm with the PIT and PIC on, as pvhcheck's in-kernel irqchip: without
   * a PIT the kernel cannot calibrate the TSC under TCG and stalls. Power-off
   * goes through microvm's ACPI GED, after which QEMU exits 0. */
  const char *argv[QEMU_MAX_ARGS];
  int a = 0;
  argv[a++] = o->qemu ? o->qemu : "qemu-system-x86_64";
  argv[a++] = "-M";
  argv[a++] = o->machine ? o->machine : "microvm,pit=on,pic=on,rtc=on";
  argv[a++] = "-accel";
  argv[a++] = accel;
  char icount[48];
  if (o->icount_shift >= 0) {
    if (o->icount_shift > 10) {
      snprintf(res->why, sizeof(res->why), "icount shift %d out of range 0..10", o->icount_shift);
      return -1;
    }
    snprintf(icount, sizeof(icount), "shift=%d,sleep=off", o->icount_shift);
    argv[a++] = "-icount";
    argv[a++] = icount;
  }
  argv[a++] = "-m";
  argv[a++] = mem;
  if (o->bios) {
    argv[a++] = "-bios";
    argv[a++] = o->bios;
    for (size_t i = 0; o->extra_args && o->extra_args[i]; i++) {
      if (i == QEMU_MAX_EXTRA) {
        snprintf(res->why, sizeof(res->why), "more than %u extra QEMU arguments", QEMU_MAX_EXTRA);
        return -1;
      }
      argv[a++] = o->extra_args[i];
    }
  } else {
    argv[a++] = "-kernel";
    argv[a++] = o->kernel;
    if (o->initrd) {
      argv[a++] = "-initrd";
      argv[a++] = o->initrd;
    }
    argv[a++] = "-append";
    argv[a++] = o->cmdline;
  }
  argv[a++] = "-serial";
  argv[a++] = "stdio";
  argv[a++] = "-nodefaults";
  argv[a++] = "-nographic";
  argv[a++] = "-no-reboot";
  argv[a++] = "-device";
  argv[a++] = "isa-debug-exit,iobase=0xf4,iosize=4";
  argv[a] = NULL;

  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC)) {
    snprintf(res->why, sizeof(res->why), "pipe: %s", strerror(errno));
    return -1;
  }
  if (pipe2(err, O_CLOEXEC)) {
    snprintf(res->why, sizeof(res->why), "pipe: %s", strerror(errno));
    close(out[0]);
    close(out[1]);
    return -1;
  }
  uint64_t t0 = now_ns();
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(res->why, sizeof(res->why), "fork: %s", strerror(errno));
    close(out[0]);
    close(out[1]);
    close(err[0]);
    close(err[1]);
    return -1;
  }
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0)
      dup2(devnull, 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    execvp(argv[0], (char *const *)argv);
    dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  res->started = 1;

  char errbuf[QEMU_STDERR_KEEP];
  size_t errlen = 0;
  struct pollfd pf[2] = {{.fd = out[0], .events = POLLIN}, {.fd = err[0], .events = POLLIN}};
  int open_fds = 2;
  uint64_t limit = o->timeout_s > 0 ? (uint64_t)(o->timeout_s * 1e9) : 0;
  while (open_fds > 0) {
    int wait_ms = -1;
    if (limit) {
      uint64_t el = now_ns() - t0;
      if (el >= limit) {
        res->timed_out = 1;
        kill(pid, SIGKILL);
        break;
      }
      wait_ms = (int)((limit - el) / 1000000) + 1;
    }
    int r = poll(pf, 2, wait_ms);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      break;
    for (int i = 0; i < 2; i++) {
      if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
        continue;
      char buf[4096];
      ssize_t n = read(pf[i].fd, buf, sizeof(buf));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        close(pf[i].fd);
        pf[i].fd = -1;
        open_fds--;
        continue;
      }
      if (i == 0) {
        pvhlinux_stages_feed(st, buf, (size_t)n, now_ns() - t0);
        res->console_bytes += (uint64_t)n;
        if (o->echo_fd >= 0)
          write_all(o->echo_fd, buf, (size_t)n);
      } else {
        size_t keep = (size_t)n < sizeof(errbuf) - 1 - errlen ? (size_t)n : sizeof(errbuf) - 1 - errlen;
        memcpy(errbuf + errlen, buf, keep);
        errlen += keep;
      }
    }
  }
  for (int i = 0; i < 2; i++)
    if (pf[i].fd >= 0)
      close(pf[i].fd);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  uint64_t t_end = now_ns() - t0;
  res->wall_s = (double)t_end / 1e9;
  pvhlinux_stages_finish(st, t_end);
  errbuf[errlen] = '\0';

  if (WIFEXITED(status)) {
    res->exited = 1;
    res->exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    res->signaled = 1;
    res->signal = WTERMSIG(status);
  }
  const struct pvhlinux_stage_info *off = pvhlinux_stages_get(st, PVHLINUX_ST_POWEROFF);
  char detail[PVHLINUX_DETAIL_MAX];
  if (res->timed_out) {
    snprintf(detail, sizeof(detail), "QEMU killed at the %.0f s timeout", o->timeout_s);
    pvhlinux_stages_mark(st, PVHLINUX_ST_END, PVHLINUX_NOT_REACHED, t_end, detail);
  } else if (res->exited && res->exit_code == o->clean_exit_code && off->state == PVHLINUX_REACHED) {
    snprintf(detail, sizeof(detail), "QEMU exited %d after the power-off", res->exit_code);
    pvhlinux_stages_mark(st, PVHLINUX_ST_END, PVHLINUX_REACHED, t_end, detail);
  } else {
    size_t l = strcspn(errbuf, "\n");
    snprintf(detail, sizeof(detail), "QEMU %s %d%s%.*s", res->exited ? "exited" : "killed by signal",
             res->exited ? res->exit_code : res->signal, l ? ": " : "", (int)(l > 200 ? 200 : l), errbuf);
    pvhlinux_stages_mark(st, PVHLINUX_ST_END, PVHLINUX_MISMATCH, t_end, detail);
    snprintf(res->why, sizeof(res->why), "%s", detail);
  }
  return 0;
}
