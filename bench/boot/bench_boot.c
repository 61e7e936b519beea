/* SPDX-License-Identifier: MIT */
/* Boot-check benchmark. One interleaved run (every round runs each row once,
 * so load on the machine hits every row alike); medians per row:
 *   pvhcheck          `pvhcheck boot --quiet --mem 64M GUEST`, the whole
 *                     process, as a user runs it (in-kernel irqchip, the PIT
 *                     created at the guest's first access, which this one never makes,
 *                     the default for a KERNEL)
 *   pvhcheck sync     the same with PVHKVM_SYNC_TEARDOWN=1 (before the deferral)
 *   pvhcheck -irqchip the same with --no-irqchip
 *   qemu microvm      QEMU booting the same file with the same RAM to its
 *                     exit port, the whole process (KVM where usable, else
 *                     TCG, and the output says which)
 *   pvhkvm phases     pvhkvm_boot in this process: create, load, run
 *                     (entry proof included), destroy (handed to the kernel)
 *   floor             bare KVM: create a VM and a vCPU, run one HLT, destroy
 *                     synchronously, each timed
 *   destroy sync      what the deferred teardown takes off the path: a VM with
 *                     irqchip + PIT destroyed synchronously (its guest reads port
 *                     0x61 before the HLT, so the PIT exists)
 * Ratios: qemu / pvhcheck (the "at least 10x"). Then N boot checks
 * in one process with RSS and open fds (they must stay flat). Prints numbers;
 * never fails on time. Without KVM the KVM rows are skipped with the reason. */
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

/* One row: its samples, and how many runs did not pass. */
struct row {
  const char *name, *note;
  double *v;
  int n, bad, on;
  double median, min, max;
};

static void row_add(struct row *r, double s, int ok) {
  r->v[r->n++] = s;
  if (!ok)
    r->bad++;
}

static void row_finish(struct row *r) {
  if (!r->n)
    return;
  qsort(r->v, (size_t)r->n, sizeof(double), cmp_d);
  r->median = r->n % 2 ? r->v[r->n / 2] : (r->v[r->n / 2 - 1] + r->v[r->n / 2]) / 2;
  r->min = r->v[0];
  r->max = r->v[r->n - 1];
}

static void row_print(const struct row *r) {
  if (!r->on)
    return;
  printf("  %-28s n=%-4d median %8.3f ms  min %8.3f  max %8.3f  %s%s\n", r->name, r->n, r->median * 1e3,
         r->min * 1e3, r->max * 1e3, r->note, r->bad ? "  -- SOME RUNS DID NOT PASS" : "");
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

/* Runs argv with stdio on /dev/null; returns its exit status or -1. */
static int run_quiet(char **argv) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int st = 0, rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0)
    return -1;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
    ;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* ---- in-process rows ---- */

static int one_check(struct pvh_image *guest, struct pvhkvm_boot_result *r) {
  struct pvhkvm_boot_opts o;
  pvhkvm_boot_opts_init(&o);
  o.vm.ram_size = 64ull << 20;
  o.vm.irqchip = 1; /* as pvhcheck boot KERNEL */
  o.kernel = guest;
  o.run.console_cap = 64 * 1024;
  pvhkvm_boot(&o, r);
  int ok = r->status == PVHKVM_BOOT_RAN && r->run.entry_proved && r->run.end == PVHKVM_END_EXIT_PORT &&
           r->run.exit_value == 0;
  pvhkvm_boot_result_free(r);
  return ok;
}

/* Bare KVM: create (VM, RAM, vCPU), run one HLT, destroy; each phase timed. */
static int floor_hlt(int irqchip, double *create, double *run, double *destroy) {
  struct pvhkvm_vm_opts vo;
  struct pvhkvm_vm *vm;
  struct pvhkvm_error e;
  pvhkvm_vm_opts_init(&vo);
  vo.ram_size = 64ull << 20;
  vo.irqchip = irqchip;
  double t0 = now_s();
  if (pvhkvm_vm_create(&vo, &vm, &e) != PVHKVM_OK)
    return 0;
  *create = now_s() - t0;
  struct pvh_entry_state st;
  uint64_t gdt[PVH_GDT_ENTRIES];
  pvh_entry_state_init(&st, 0x100000, 0, 0x1000);
  pvh_gdt_build(&st, gdt);
  memcpy(pvhkvm_vm_host(vm, 0x1000, sizeof(gdt)), gdt, sizeof(gdt));
  /* hlt; with the irqchip, in al,0x61 first, so that the lazily created PIT
   * exists and its teardown is part of the destroy */
  static const uint8_t hlt[] = {0xf4}, pit_hlt[] = {0xe4, 0x61, 0xf4};
  memcpy(pvhkvm_vm_host(vm, 0x100000, 3), irqchip ? pit_hlt : hlt, irqchip ? sizeof(pit_hlt) : sizeof(hlt));
  int ok = 0;
  t0 = now_s();
  if (pvhkvm_vcpu_set_entry(vm, &st, &e) == PVHKVM_OK) {
    struct pvhkvm_run_opts ro;
    struct pvhkvm_run_result r;
    pvhkvm_run_opts_init(&ro);
    ro.timeout_s = 5;
    pvhkvm_run(vm, &ro, &r);
    ok = r.end == PVHKVM_END_HLT;
    pvhkvm_run_result_free(&r);
  }
  *run = now_s() - t0;
  t0 = now_s();
  pvhkvm_vm_destroy(vm);
  *destroy = now_s() - t0;
  return ok;
}

int main(int argc, char **argv) {
  int cycles = 200, reps = 30;
  const char *guest_path = BENCH_TINY_PATH, *qemu = "qemu-system-x86_64", *pvhcheck = PVHCHECK_PATH;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--cycles") && i + 1 < argc)
      cycles = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
      reps = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--guest") && i + 1 < argc)
      guest_path = argv[++i];
    else if (!strcmp(argv[i], "--qemu") && i + 1 < argc)
      qemu = argv[++i];
    else if (!strcmp(argv[i], "--pvhcheck") && i + 1 < argc)
      pvhcheck = argv[++i];
    else {
      fprintf(stderr,
              "usage: bench_boot [--reps N] [--cycles N] [--guest ELF] [--qemu BIN] [--pvhcheck BIN]\n"
              "  default guest: the tiny bench guest (nop; out 0 to 0xf4; hlt)\n");
      return 2;
    }
  }
  if (cycles < 0 || reps < 1) {
    fprintf(stderr, "bench_boot: --reps must be positive, --cycles not negative\n");
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
  char *qv[] = {(char *)qemu, "--version", NULL};
  int have_qemu = run_quiet(qv) == 0;
  printf("boot-check benchmark: guest %s (%llu bytes), 64 MiB RAM, %d interleaved rounds\n", guest_path,
         (unsigned long long)guest.size, reps);
  printf("(wall-clock medians on a shared machine: noisy; compare rows of this run only)\n");

  enum {
    PVHCHECK,
    PVHCHECK_SYNC,
    PVHCHECK_NOIRQ,
    QEMU,
    CREATE,
    LOAD,
    RUN,
    DESTROY,
    FLOOR_CREATE,
    FLOOR_RUN,
    FLOOR_DESTROY,
    DESTROY_SYNC,
    NROWS
  };
  struct row rows[NROWS] = {
      [PVHCHECK] = {"pvhcheck boot (process)", "irqchip, lazy PIT (default for a KERNEL)", 0, 0, 0, 0, 0, 0,
                    0},
      [PVHCHECK_SYNC] = {"pvhcheck, sync teardown", "PVHKVM_SYNC_TEARDOWN=1: before the deferral", 0, 0, 0, 0,
                         0, 0, 0},
      [PVHCHECK_NOIRQ] = {"pvhcheck boot --no-irqchip", "no in-kernel irqchip", 0, 0, 0, 0, 0, 0, 0},
      [QEMU] = {"qemu microvm (process)", "", 0, 0, 0, 0, 0, 0, 0},
      [CREATE] = {"  pvhkvm create", "VM, RAM, irqchip, vCPU, CPUID", 0, 0, 0, 0, 0, 0, 0},
      [LOAD] = {"  pvhkvm load", "plan + commit (libpvh)", 0, 0, 0, 0, 0, 0, 0},
      [RUN] = {"  pvhkvm run", "entry proof + run to the exit port", 0, 0, 0, 0, 0, 0, 0},
      [DESTROY] = {"  pvhkvm destroy", "handed to the kernel (pvhkvm_vm_reap)", 0, 0, 0, 0, 0, 0, 0},
      [FLOOR_CREATE] = {"  floor create", "bare VM + vCPU, no irqchip", 0, 0, 0, 0, 0, 0, 0},
      [FLOOR_RUN] = {"  floor run one HLT", "", 0, 0, 0, 0, 0, 0, 0},
      [FLOOR_DESTROY] = {"  floor destroy (sync)", "", 0, 0, 0, 0, 0, 0, 0},
      [DESTROY_SYNC] = {"  destroy sync, irqchip+PIT", "what the deferral takes off the path", 0, 0, 0, 0, 0,
                        0, 0},
  };
  for (int i = 0; i < NROWS; i++) {
    rows[i].v = calloc((size_t)reps, sizeof(double));
    if (!rows[i].v)
      return 1;
  }
  char qemu_note[96];
  snprintf(qemu_note, sizeof(qemu_note), "-M microvm -accel %s -m 64M, same file", have_kvm ? "kvm" : "tcg");
  rows[QEMU].note = qemu_note;
  rows[QEMU].on = have_qemu;
  for (int i = PVHCHECK; i < NROWS; i++)
    if (i != QEMU)
      rows[i].on = have_kvm;

  char *pv[] = {(char *)pvhcheck, "boot", "--quiet", "--mem", "64M", (char *)guest_path, NULL};
  char *pvn[] = {(char *)pvhcheck, "boot", "--quiet",          "--no-irqchip",
                 "--mem",          "64M",  (char *)guest_path, NULL};
  char *qa[] = {(char *)qemu,
                "-M",
                "microvm",
                "-accel",
                have_kvm ? "kvm" : "tcg",
                "-m",
                "64M",
                "-kernel",
                (char *)guest_path,
                "-device",
                "isa-debug-exit,iobase=0xf4,iosize=4",
                "-nodefaults",
                "-nographic",
                "-no-reboot",
                "-serial",
                "none",
                NULL};
  for (int i = 0; i < reps; i++) {
    double t0;
    if (rows[PVHCHECK].on) {
      t0 = now_s();
      int rc = run_quiet(pv);
      row_add(&rows[PVHCHECK], now_s() - t0, rc == 0);
      setenv("PVHKVM_SYNC_TEARDOWN", "1", 1);
      t0 = now_s();
      rc = run_quiet(pv);
      row_add(&rows[PVHCHECK_SYNC], now_s() - t0, rc == 0);
      unsetenv("PVHKVM_SYNC_TEARDOWN");
      t0 = now_s();
      rc = run_quiet(pvn);
      row_add(&rows[PVHCHECK_NOIRQ], now_s() - t0, rc == 0);
    }
    if (rows[QEMU].on) {
      t0 = now_s();
      int rc = run_quiet(qa); /* isa-debug-exit: the guest's 0 arrives as status 1 */
      row_add(&rows[QEMU], now_s() - t0, rc == 1);
    }
    if (have_kvm) {
      struct pvhkvm_boot_result r;
      int ok = one_check(&guest, &r);
      row_add(&rows[CREATE], r.create_s, ok);
      row_add(&rows[LOAD], r.load_s, ok);
      row_add(&rows[RUN], r.run.wall_s, ok);
      row_add(&rows[DESTROY], r.destroy_s, ok && r.destroy_deferred);
      double c = 0, u = 0, d = 0;
      ok = floor_hlt(0, &c, &u, &d);
      row_add(&rows[FLOOR_CREATE], c, ok);
      row_add(&rows[FLOOR_RUN], u, ok);
      row_add(&rows[FLOOR_DESTROY], d, ok);
      ok = floor_hlt(1, &c, &u, &d);
      row_add(&rows[DESTROY_SYNC], d, ok);
    }
  }
  for (int i = 0; i < NROWS; i++)
    row_finish(&rows[i]);

  printf("\nper boot check (median of %d):\n", reps);
  if (!have_kvm)
    printf("  KVM rows SKIPPED: %s\n", kerr.message);
  if (!have_qemu)
    printf("  qemu row SKIPPED: %s not runnable\n", qemu);
  for (int i = 0; i < NROWS; i++)
    row_print(&rows[i]);
  if (have_kvm) {
    printf("  floor total %.3f ms (create + run + destroy)\n",
           (rows[FLOOR_CREATE].median + rows[FLOOR_RUN].median + rows[FLOOR_DESTROY].median) * 1e3);
    if (have_qemu)
      printf("\nratio (median wall, same file and RAM): qemu microvm / pvhcheck = %.1fx (irqchip), %.1fx "
             "(--no-irqchip), %.1fx (sync teardown, before)\n",
             rows[QEMU].median / rows[PVHCHECK].median, rows[QEMU].median / rows[PVHCHECK_NOIRQ].median,
             rows[QEMU].median / rows[PVHCHECK_SYNC].median);
  }

  if (have_kvm && cycles > 0) {
    printf("\n%d boot checks in sequence, one process:\n", cycles);
    printf("  %8s %10s %8s %6s\n", "cycle", "checks/s", "rss KiB", "fds");
    double t0 = now_s(), tlast = t0;
    int last = 0, bad = 0;
    printf("  %8d %10s %8ld %6d\n", 0, "-", rss_kib(), fd_count());
    for (int i = 1; i <= cycles; i++) {
      struct pvhkvm_boot_result r;
      if (!one_check(&guest, &r))
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
  }
  for (int i = 0; i < NROWS; i++)
    free(rows[i].v);
  pvh_image_close(&guest);
  return 0;
}
