/* SPDX-License-Identifier: MIT */
/* Boot-check benchmark. Rows, all in one run:
 *   pvhkvm   one boot check of the self-test guest: create VM, load, prove the
 *            entry, run to the exit port, tear down
 *   floor    a bare VM that runs one HLT (create, set state, run, destroy)
 *   qemu     QEMU microvm booting the same guest file to its exit port (KVM
 *            when the host has it, else TCG, and the output says which)
 * then N boot checks in sequence in one process, with RSS and open fds printed
 * along the way (they must stay flat). Prints numbers and ratios; never fails
 * on time. Without KVM the pvhkvm rows are skipped with the reason. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pvhkvm/boot.h"
#include "pvhkvm/pvhkvm.h"
#include "pvhkvm/selftest.h"

extern char **environ;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

struct stats {
  double median, mean, min, max;
  int n;
};

static struct stats summarize(double *v, int n) {
  struct stats s = {0, 0, 0, 0, n};
  if (n == 0)
    return s;
  qsort(v, (size_t)n, sizeof(*v), cmp_d);
  for (int i = 0; i < n; i++)
    s.mean += v[i];
  s.mean /= n;
  s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  s.min = v[0];
  s.max = v[n - 1];
  return s;
}

static void print_row(const char *name, const struct stats *s, const char *note) {
  printf("  %-28s n=%-5d median %9.3f ms  mean %9.3f ms  min %9.3f  max %9.3f  %s\n", name, s->n,
         s->median * 1e3, s->mean * 1e3, s->min * 1e3, s->max * 1e3, note);
}

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long pages = 0, rss = 0;
  if (!f)
    return -1;
  if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
    rss = -1;
  fclose(f);
  return rss < 0 ? -1 : rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static int fd_count(void) {
  DIR *d = opendir("/proc/self/fd");
  int n = 0;
  if (!d)
    return -1;
  while (readdir(d))
    n++;
  closedir(d);
  return n - 3; /* ".", ".." and the DIR's own fd */
}

/* ---- pvhkvm rows ---- */

static const char *guest_cmdline(void) {
  static char buf[256];
  if (!buf[0] && pvhkvm_selftest_cmdline(buf, sizeof(buf), "console=ttyS0", NULL) != 0)
    return "console=ttyS0";
  return buf;
}

static int one_check(struct pvh_image *guest, int *ok) {
  struct pvhkvm_boot_opts o;
  struct pvhkvm_boot_result r;
  pvhkvm_boot_opts_init(&o);
  o.vm.ram_size = 64ull << 20;
  o.kernel = guest;
  o.cmdline = guest_cmdline();
  o.run.console_cap = 64 * 1024;
  pvhkvm_boot(&o, &r);
  *ok = r.status == PVHKVM_BOOT_RAN && r.run.entry_proved && r.run.end == PVHKVM_END_EXIT_PORT &&
        r.run.exit_value == 0;
  pvhkvm_boot_result_free(&r);
  return r.status == PVHKVM_BOOT_RAN ? 0 : -1;
}

static int floor_hlt(void) {
  struct pvhkvm_vm_opts vo;
  struct pvhkvm_vm *vm;
  struct pvhkvm_error e;
  pvhkvm_vm_opts_init(&vo);
  vo.ram_size = 64ull << 20;
  if (pvhkvm_vm_create(&vo, &vm, &e) != PVHKVM_OK)
    return -1;
  struct pvh_entry_state st;
  uint64_t gdt[PVH_GDT_ENTRIES];
  pvh_entry_state_init(&st, 0x100000, 0, 0x1000);
  pvh_gdt_build(&st, gdt);
  memcpy(pvhkvm_vm_host(vm, 0x1000, sizeof(gdt)), gdt, sizeof(gdt));
  *pvhkvm_vm_host(vm, 0x100000, 1) = 0xf4; /* hlt */
  int rc = -1;
  if (pvhkvm_vcpu_set_entry(vm, &st, &e) == PVHKVM_OK) {
    struct pvhkvm_run_opts ro;
    struct pvhkvm_run_result r;
    pvhkvm_run_opts_init(&ro);
    pvhkvm_run(vm, &ro, &r);
    rc = r.end == PVHKVM_END_HLT ? 0 : -1;
    pvhkvm_run_result_free(&r);
  }
  pvhkvm_vm_destroy(vm);
  return rc;
}

/* ---- QEMU row ---- */

static int qemu_available(const char *qemu) {
  char *argv[] = {(char *)qemu, "--version", NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int st = 0, rc = posix_spawnp(&pid, qemu, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0)
    return 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Returns QEMU's exit status, or -1. The guest's own verdict v arrives as
 * (v << 1) | 1, so 1 means the guest passed. */
static int qemu_boot(const char *qemu, const char *guest, int kvm) {
  char append[512];
  /* Known QEMU microvm deviations waived by name (the guest prints them). */
  if (pvhkvm_selftest_cmdline(append, sizeof(append), "console=ttyS0 pvhtest.allow=tr-null,memmap-empty",
                              NULL))
    return -1;
  char *argv[] = {(char *)qemu,
                  "-M",
                  "microvm",
                  "-accel",
                  kvm ? "kvm" : "tcg",
                  "-m",
                  "64M",
                  "-kernel",
                  (char *)guest,
                  "-append",
                  append,
                  "-device",
                  "isa-debug-exit,iobase=0xf4,iosize=4",
                  "-serial",
                  "stdio",
                  "-nodefaults",
                  "-nographic",
                  "-no-reboot",
                  NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int st = 0, rc = posix_spawnp(&pid, qemu, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0)
    return -1;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
    ;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv) {
  int cycles = 1000, reps = 50, qemu_reps = 20;
  const char *guest_path = PVHTEST_DEFAULT_PATH, *qemu = "qemu-system-x86_64";
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--cycles") && i + 1 < argc)
      cycles = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
      reps = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--qemu-reps") && i + 1 < argc)
      qemu_reps = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--guest") && i + 1 < argc)
      guest_path = argv[++i];
    else if (!strcmp(argv[i], "--qemu") && i + 1 < argc)
      qemu = argv[++i];
    else {
      fprintf(stderr,
              "usage: bench_boot [--cycles N] [--reps N] [--qemu-reps N] [--guest ELF] [--qemu BIN]\n");
      return 2;
    }
  }
  if (cycles < 1 || reps < 1 || qemu_reps < 0) {
    fprintf(stderr, "bench_boot: counts must be positive\n");
    return 2;
  }
  struct pvh_image guest;
  struct pvh_error perr;
  if (pvh_image_open(&guest, guest_path, &perr) != PVH_OK) {
    fprintf(stderr, "bench_boot: %s: %s\n", guest_path, perr.message);
    return 1;
  }
  struct pvhkvm_error kerr;
  int have_kvm = pvhkvm_probe(NULL, &kerr) == PVHKVM_OK;
  printf("boot-check benchmark: guest %s (%llu bytes)\n", guest_path, (unsigned long long)guest.size);

  double *t = calloc((size_t)(reps > qemu_reps ? reps : qemu_reps) + 1, sizeof(double));
  if (!t)
    return 1;
  struct stats kvm_s = {0}, floor_s = {0}, qemu_s = {0};
  int bad = 0;

  if (have_kvm) {
    for (int i = 0; i < reps; i++) {
      int ok;
      double t0 = now_s();
      if (one_check(&guest, &ok) != 0 || !ok)
        bad++;
      t[i] = now_s() - t0;
    }
    kvm_s = summarize(t, reps);
    for (int i = 0; i < reps; i++) {
      double t0 = now_s();
      if (floor_hlt() != 0)
        bad++;
      t[i] = now_s() - t0;
    }
    floor_s = summarize(t, reps);
  }
  int qemu_kvm = have_kvm;
  int qemu_ok = qemu_reps > 0 && qemu_available(qemu);
  int qemu_bad = 0;
  if (qemu_ok) {
    for (int i = 0; i < qemu_reps; i++) {
      double t0 = now_s();
      if (qemu_boot(qemu, guest_path, qemu_kvm) != 1)
        qemu_bad++;
      t[i] = now_s() - t0;
    }
    qemu_s = summarize(t, qemu_reps);
  }

  printf("\none boot check, wall time per VM (create .. tear down):\n");
  if (have_kvm) {
    print_row("pvhkvm self-test guest", &kvm_s, "create, load, prove entry, run to exit port, destroy");
    print_row("pvhkvm floor (one HLT)", &floor_s, "create, set state, run HLT, destroy");
  } else {
    printf("  pvhkvm rows SKIPPED: %s\n", kerr.message);
  }
  if (qemu_ok) {
    char note[160];
    snprintf(note, sizeof(note), "QEMU microvm, %s, whole process%s",
             qemu_kvm ? "KVM" : "TCG (no usable KVM here)", qemu_bad ? " -- SOME RUNS DID NOT PASS" : "");
    print_row("qemu microvm same guest", &qemu_s, note);
  } else {
    printf("  qemu row SKIPPED: %s not runnable\n", qemu);
  }
  if (have_kvm) {
    printf("\nratios (median): pvhkvm / floor = %.2fx", kvm_s.median / floor_s.median);
    if (qemu_ok)
      printf(", qemu(%s) / pvhkvm = %.1fx", qemu_kvm ? "KVM" : "TCG", qemu_s.median / kvm_s.median);
    printf("\n");

    printf("\n%d boot checks in sequence, one process:\n", cycles);
    printf("  %8s %10s %8s %6s\n", "cycle", "checks/s", "rss KiB", "fds");
    double t0 = now_s(), tlast = t0;
    int last = 0;
    printf("  %8d %10s %8ld %6d\n", 0, "-", rss_kib(), fd_count());
    for (int i = 1; i <= cycles; i++) {
      int ok;
      if (one_check(&guest, &ok) != 0 || !ok)
        bad++;
      if (i == cycles || i % (cycles / 10 ? cycles / 10 : 1) == 0) {
        double tn = now_s();
        printf("  %8d %10.1f %8ld %6d\n", i, (i - last) / (tn - tlast), rss_kib(), fd_count());
        tlast = tn;
        last = i;
      }
    }
    printf("  overall %.1f boot checks/s\n", cycles / (now_s() - t0));
    if (bad)
      printf("  WARNING: %d boot checks did not pass\n", bad);
  } else {
    printf("\nsequence of %d boot checks SKIPPED: %s\n", cycles, kerr.message);
  }
  free(t);
  pvh_image_close(&guest);
  return 0;
}
