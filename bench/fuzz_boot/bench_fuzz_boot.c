/* SPDX-License-Identifier: MIT */
/* fuzz_boot throughput beside the bare-KVM floor, in one run.
 *
 *   floor          one HLT per KVM_RUN on a reused vCPU (guest `hlt; jmp .-1`):
 *                  nothing created, no register touched, only the round trip
 *                  through KVM_RUN that every exit costs
 *   checked boots  fuzz_boot's loop body (fuzz/boot/harness.c) on a reused VM:
 *                  decode, plan, poison, commit through the flat bus, promise,
 *                  set the entry, run with the entry proof, the checker's
 *                  checks, the boot oracles, the fast reset
 *
 * The two alternate in slices of --slice seconds for --seconds each, so load
 * on the machine hits both alike; the ratio boots/s / floor runs/s is the
 * figure to read (an absolute rate says more about the host than about us).
 * Inputs: the files and directories named (the seeds), or with none a
 * generated mix. Then the profile of a checked boot: every KVM ioctl by
 * request (count and time per boot), the time of each step of a boot
 * (fuzz/boot/harness.h), exits, pages the reset put back. Prints
 * numbers, never fails on time; 77 without a usable KVM. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "boot/harness.h"
#include "internal.h"
#include "pvhkvm/reset.h"

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- the profile: libc's syscalls, counted and timed per ioctl request ---- */

#define MAX_REQS 48
static struct {
  unsigned long req;
  uint64_t n, ns;
} reqs[MAX_REQS];
static int counting;

static int c_open(const char *p, int f) { return open(p, f); }
static int c_close(int fd) { return close(fd); }
static int c_ioctl(int fd, unsigned long req, uintptr_t arg) {
  uint64_t t0 = counting ? now_ns() : 0;
  int rc = ioctl(fd, req, arg);
  if (counting) {
    uint64_t dt = now_ns() - t0;
    for (int i = 0; i < MAX_REQS; i++)
      if (reqs[i].req == req || reqs[i].n == 0) {
        reqs[i].req = req, reqs[i].n++, reqs[i].ns += dt;
        break;
      }
  }
  return rc;
}
static void *c_mmap(size_t len, int fd) { return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0); }
static int c_munmap(void *p, size_t len) { return munmap(p, len); }
static const struct pvhkvm_sys counting_sys = {c_open, c_close, c_ioctl, c_mmap, c_munmap};

static const char *req_name(unsigned long r) {
  static const struct {
    unsigned long r;
    const char *n;
  } names[] = {
      {KVM_RUN, "KVM_RUN"},
      {KVM_GET_REGS, "KVM_GET_REGS"},
      {KVM_SET_REGS, "KVM_SET_REGS"},
      {KVM_GET_SREGS, "KVM_GET_SREGS"},
      {KVM_SET_SREGS, "KVM_SET_SREGS"},
      {KVM_SET_GUEST_DEBUG, "KVM_SET_GUEST_DEBUG"},
      {KVM_GET_DIRTY_LOG, "KVM_GET_DIRTY_LOG"},
      {KVM_SET_DEBUGREGS, "KVM_SET_DEBUGREGS"},
      {KVM_CHECK_EXTENSION, "KVM_CHECK_EXTENSION"},
      {KVM_SET_VCPU_EVENTS, "KVM_SET_VCPU_EVENTS"},
      {KVM_SET_MP_STATE, "KVM_SET_MP_STATE"},
      {KVM_SET_FPU, "KVM_SET_FPU"},
      {KVM_GET_MP_STATE, "KVM_GET_MP_STATE"},
  };
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (names[i].r == r)
      return names[i].n;
  return "other";
}

/* ---- inputs ---- */

struct input {
  uint8_t *data;
  size_t size;
};
static struct input *inputs;
static size_t nr_inputs;

static void add_input(uint8_t *data, size_t size) {
  struct input *n = realloc(inputs, (nr_inputs + 1) * sizeof(*n));
  if (!n)
    exit(1);
  inputs = n;
  inputs[nr_inputs++] = (struct input){data, size};
}

static void add_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return;
  uint8_t *b = malloc(1 << 20);
  size_t n = b ? fread(b, 1, 1 << 20, f) : 0;
  fclose(f);
  if (b)
    add_input(b, n);
}

static void add_path(const char *path) {
  DIR *d = opendir(path);
  if (!d) {
    add_file(path);
    return;
  }
  struct dirent *e;
  char p[4096];
  while ((e = readdir(d)))
    if (e->d_name[0] != '.') {
      snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
      add_file(p);
    }
  closedir(d);
}

/* The generated mix: 64 inputs of 40..600 random bytes (a fixed seed). */
static void add_generated(void) {
  uint64_t s = 0x9e3779b97f4a7c15ull;
  for (int i = 0; i < 64; i++) {
    size_t n = 40 + (size_t)(i * 37) % 560;
    uint8_t *b = malloc(n);
    if (!b)
      exit(1);
    for (size_t k = 0; k < n; k++) {
      s ^= s << 13, s ^= s >> 7, s ^= s << 17;
      b[k] = (uint8_t)s;
    }
    add_input(b, n);
  }
}

/* ---- the floor ---- */

static struct pvhkvm_vm *floor_vm(struct pvhkvm_error *e) {
  struct pvhkvm_vm_opts o;
  struct pvhkvm_vm *vm;
  pvhkvm_vm_opts_init(&o);
  o.ram_size = 2ull << 20;
  if (pvhkvm_vm_create(&o, &vm, e) != PVHKVM_OK)
    return NULL;
  static const uint8_t code[] = {0xf4, 0xeb, 0xfd}; /* hlt; jmp .-3 */
  memcpy(pvhkvm_vm_host(vm, 0x100000, sizeof(code)), code, sizeof(code));
  struct pvh_entry_state st;
  pvh_entry_state_init(&st, 0x100000, 0, 0x1000);
  if (pvhkvm_vcpu_set_entry(vm, &st, e) != PVHKVM_OK) {
    pvhkvm_vm_destroy(vm);
    return NULL;
  }
  return vm;
}

static uint64_t floor_runs(struct pvhkvm_vm *vm, uint64_t until_ns) {
  uint64_t n = 0;
  while (now_ns() < until_ns) {
    for (int i = 0; i < 64; i++) {
      if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0 || vm->run->exit_reason != KVM_EXIT_HLT) {
        fprintf(stderr, "bench_fuzz_boot: floor: KVM_RUN %s, exit %u\n", strerror(errno),
                vm->run->exit_reason);
        exit(1);
      }
    }
    n += 64;
  }
  return n;
}

int main(int argc, char **argv) {
  double seconds = 3, slice = 0.25;
  int a = 1;
  for (; a < argc && argv[a][0] == '-'; a++) {
    if (!strcmp(argv[a], "--seconds") && a + 1 < argc)
      seconds = atof(argv[++a]);
    else if (!strcmp(argv[a], "--slice") && a + 1 < argc)
      slice = atof(argv[++a]);
    else {
      fprintf(stderr, "usage: %s [--seconds S] [--slice S] [SEED_FILE_OR_DIR...]\n", argv[0]);
      return 2;
    }
  }
  for (; a < argc; a++)
    add_path(argv[a]);
  const char *mix = nr_inputs ? "the named inputs" : "64 generated inputs";
  if (!nr_inputs)
    add_generated();

  struct pvhkvm_error e;
  struct fb_harness *h = fb_harness_create(&e);
  struct pvhkvm_vm *fvm = h ? floor_vm(&e) : NULL;
  if (!h || !fvm) {
    printf("bench_fuzz_boot: skipped: %s\n", e.message);
    return pvhkvm_err_is_environment(e.kind) ? 77 : 1;
  }
  /* Warm both (first-run costs, page faults of guest RAM). */
  for (size_t i = 0; i < nr_inputs; i++)
    fb_harness_boot(h, inputs[i].data, inputs[i].size, 0, NULL);
  floor_runs(fvm, now_ns() + 50000000ull);

  uint64_t boots = 0, runs = 0, boot_ns = 0, floor_ns = 0, exits = 0, map_entries = 0;
  uint64_t stage_ns[FB_STAGE_COUNT] = {0};
  uint64_t slice_ns = (uint64_t)(slice * 1e9);
  struct pvhkvm_reset_stats r0, r1;
  pvhkvm_reset_get_stats(fb_harness_vm(h), &r0);
  pvhkvm_sys_override(&counting_sys);
  size_t next = 0;
  while (boot_ns < seconds * 1e9 || floor_ns < seconds * 1e9) {
    uint64_t t0 = now_ns();
    runs += floor_runs(fvm, t0 + slice_ns);
    uint64_t t1 = now_ns();
    floor_ns += t1 - t0;
    counting = 1;
    while (now_ns() < t1 + slice_ns) {
      struct fb_boot_info info;
      fb_harness_boot(h, inputs[next].data, inputs[next].size, 0, &info);
      next = (next + 1) % nr_inputs;
      boots++;
      exits += info.exits;
      map_entries += info.map_entries;
      for (int st = 0; st < FB_STAGE_COUNT; st++)
        stage_ns[st] += info.stage_ns[st];
    }
    counting = 0;
    boot_ns += now_ns() - t1;
  }
  pvhkvm_sys_override(NULL);
  pvhkvm_reset_get_stats(fb_harness_vm(h), &r1);

  double boots_s = (double)boots / ((double)boot_ns / 1e9), floor_s = (double)runs / ((double)floor_ns / 1e9);
  printf("fuzz_boot throughput (%s, %.1f s each, interleaved in %.2f s slices):\n", mix, seconds, slice);
  printf("  floor: one HLT per KVM_RUN, reused vCPU   %10.0f runs/s   %8.2f us/run\n", floor_s,
         1e6 / floor_s);
  printf("  checked boots (fuzz_boot's loop body)     %10.0f boots/s  %8.2f us/boot\n", boots_s,
         1e6 / boots_s);
  printf("  ratio checked boots / floor               %10.3f\n", boots_s / floor_s);
  printf("profile per checked boot (%llu boots, %.1f map entries and %.2f exits on average):\n",
         (unsigned long long)boots, (double)map_entries / (double)boots, (double)exits / (double)boots);
  uint64_t kvm_ns = 0;
  for (int i = 0; i < MAX_REQS && reqs[i].n; i++) {
    printf("  %-22s %6.2f calls %9.2f us\n", req_name(reqs[i].req), (double)reqs[i].n / (double)boots,
           (double)reqs[i].ns / 1e3 / (double)boots);
    kvm_ns += reqs[i].ns;
  }
  printf("  all KVM ioctls         %16.2f us of %.2f us (%.0f%%); the rest is user space\n",
         (double)kvm_ns / 1e3 / (double)boots, (double)boot_ns / 1e3 / (double)boots,
         100.0 * (double)kvm_ns / (double)boot_ns);
  printf("  steps of a boot (KVM ioctls inside run and reset):\n   ");
  for (int st = 0; st < FB_STAGE_COUNT; st++)
    printf(" %s %.1f us%s", fb_stage_name((enum fb_stage)st), (double)stage_ns[st] / 1e3 / (double)boots,
           st + 1 < FB_STAGE_COUNT ? "," : "\n");
  uint64_t n = r1.resets - r0.resets;
  printf("  reset: %.2f pages the guest dirtied (dirty log), %.2f the host wrote (plan ops, mailbox; "
         "%.0f bytes put back), %.3f full vCPU restores\n",
         (double)(r1.guest_pages - r0.guest_pages) / (double)n,
         (double)(r1.host_pages - r0.host_pages) / (double)n,
         (double)(r1.host_bytes - r0.host_bytes) / (double)n,
         (double)(r1.full_vcpu - r0.full_vcpu) / (double)n);
  pvhkvm_vm_destroy(fvm);
  fb_harness_destroy(h);
  return 0;
}
