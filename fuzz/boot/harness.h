/* SPDX-License-Identifier: MIT */
/* One checked boot on a reused VM: decode, plan, poison, commit through the
 * flat bus, promise, set the entry, run with the entry proof, judge with the
 * boot oracles, reset. fuzz/fuzz_boot.c runs it per input; bench/fuzz_boot
 * runs the same code for its throughput figure. */
#ifndef FB_HARNESS_H
#define FB_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "pvhkvm/pvhkvm.h"

struct fb_harness;

/* Creates the VM (FB_RAM_BACKING of RAM, no irqchip) and enables fast reset.
 * NULL on error, with the reason in *err (pvhkvm_err_is_environment(kind):
 * this host has no usable KVM). */
struct fb_harness *fb_harness_create(struct pvhkvm_error *err);
void fb_harness_destroy(struct fb_harness *h);
struct pvhkvm_vm *fb_harness_vm(struct fb_harness *h);

/* The steps of one boot, in order, as the profile names them. */
enum fb_stage {
  FB_STAGE_DECODE,  /* input -> layout and kernel file */
  FB_STAGE_MAP,     /* the map handed to the VM */
  FB_STAGE_PLAN,    /* pvh_plan_build and the plan-vs-model oracle */
  FB_STAGE_POISON,  /* poison and reset marks over the plan's writes */
  FB_STAGE_COMMIT,  /* pvh_plan_commit through the flat bus */
  FB_STAGE_PROMISE, /* the mailbox's promise (hashes of the model) */
  FB_STAGE_RUN,     /* entry state, the run with its proof, the end state */
  FB_STAGE_JUDGE,   /* the run's oracles */
  FB_STAGE_RESET,   /* freeing the plan and layout, the fast reset */
  FB_STAGE_COUNT
};
const char *fb_stage_name(enum fb_stage s);

/* What one boot did, for verbose output and profiles. */
struct fb_boot_info {
  uint64_t exits;     /* KVM exits of the run (the proof's debug exit and the report) */
  size_t map_entries; /* memory-map entries handed over */
  uint64_t bytes_planned;
  uint64_t stage_ns[FB_STAGE_COUNT]; /* monotonic-clock time of each step */
};

/* Boots one input; any disagreement aborts through oracle_fail. verbose:
 * one line about the layout and the end on stderr. info: NULL, or filled
 * (the steps are timed only then). */
void fb_harness_boot(struct fb_harness *h, const uint8_t *data, size_t size, int verbose,
                     struct fb_boot_info *info);

#endif
