/* SPDX-License-Identifier: MIT */
/* fuzz_boot: KVM inside the fuzzing loop. Each input decodes to a valid PVH
 * kernel layout around the checker guest (fuzz/boot/input.h); libpvh plans
 * it and writes it through the flat bus into a VM that lives as long as the
 * process; the entry is proved; the checker verifies from inside everything
 * the generator promised and reports through the mailbox and one port
 * write; the VM goes back to its baseline (pvhkvm/reset.h), never created
 * again (fuzz/boot/harness.c).
 *
 * Model vs plan, plan vs KVM state, plan vs what the guest saw: any
 * disagreement aborts with a named invariant (fuzz/boot/oracle_boot.c).
 *
 * Needs a usable /dev/kvm: without one, every engine's binary says why and
 * exits 77 (ctest's skip), never 0. Not in the OSS-Fuzz build for that
 * reason (fuzz/targets.txt). */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "boot/harness.h"

/* Exit status without KVM: ctest's skip code, and not 0 for any engine. */
#define NO_KVM_STATUS 77

static struct fb_harness *harness;
static int verbose;
/* Set in a child after fork: the VM is the parent's. KVM refuses ioctls on
 * a VM from any process but its creator's (another mm), and AFL++'s fork
 * server forks after LLVMFuzzerInitialize: each child makes its own VM. */
static volatile int forked;

static void on_fork_child(void) { forked = 1; }

static void make_harness(void) {
  struct pvhkvm_error e;
  harness = fb_harness_create(&e);
  if (!harness) {
    fprintf(stderr, "fuzz_boot: cannot run: %s (%s)\n", e.message, pvhkvm_err_name(e.kind));
    exit(pvhkvm_err_is_environment(e.kind) ? NO_KVM_STATUS : 1);
  }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  verbose = getenv("PVH_FUZZ_VERBOSE") != NULL;
  /* Made here too, so that a host without KVM says so before any input. */
  make_harness();
  pthread_atfork(NULL, NULL, on_fork_child);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (forked) {
    /* Our copy of the parent's VM: close its descriptors and mappings
     * (the parent's VM lives on), then make ours. */
    fb_harness_destroy(harness);
    forked = 0;
    make_harness();
  }
  if (!harness) /* engines that never call LLVMFuzzerInitialize */
    LLVMFuzzerInitialize(NULL, NULL);
  fb_harness_boot(harness, data, size, verbose, NULL);
  return 0;
}
