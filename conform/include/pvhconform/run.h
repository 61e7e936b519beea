/* SPDX-License-Identifier: MIT */
/* Booting one case: the self-test guest (judged by its mailbox and exit
 * value) or a real Linux (judged by the stage recognizer), with the case's
 * choices applied through pvhkvm's open-choices hooks (pvhkvm/open.h).
 *
 *   struct conform_target t; conform_target_init(&t);      // self-test guest
 *   struct conform_ctx ctx; conform_target_probe(&t, &ctx, why, sizeof(why));
 *   struct conform_case c; conform_case_generate(&ctx, seed, CONFORM_REALM_VMM, &c);
 *   struct conform_result r; conform_run(&t, &ctx, &c, &r);
 *   ... r.verdict, r.progress, r.failure ...
 *   conform_target_free(&t);
 */
#ifndef PVHCONFORM_RUN_H
#define PVHCONFORM_RUN_H

#include <stdint.h>
#include <stdio.h>

#include "pvh/image.h"
#include "pvhconform/conform.h"
#include "pvhkvm/pvhkvm.h"

#ifdef __cplusplus
extern "C" {
#endif

struct conform_target {
  const char *kernel_path; /* NULL: the built-in self-test guest */
  int is_linux;            /* judge with the Linux stage recognizer (--linux) */
  const char *busybox_path;
  const char *dev_path;
  uint64_t ram_size; /* 0: 128 MiB for the self-test guest, 512 MiB for Linux */
  double timeout_s;  /* per run; 0: 10 s (self-test), 120 s (Linux) */
  enum pvhkvm_proof proof;
  /* Filled by conform_target_probe. */
  struct pvh_image kernel; /* the self-test guest or the kernel file */
  struct pvh_image initrd; /* the self-test guest's module (its own bytes) */
  uint8_t *initrd_bytes;
  char cmdline[512]; /* the self-test guest's pvhtest.* line */
  /* Why conform_target_probe failed, as libpvh said it: io-error for a file
   * that cannot be read, the loader's code for a kernel it refuses; PVH_OK
   * for a failure of conform's own. */
  struct pvh_error probe_err;
};

void conform_target_init(struct conform_target *t);
/* Opens the kernel, plans it once with pvhcheck's defaults and fills ctx.
 * 0, or -1 with the reason in why (an unreadable or rejected kernel). */
int conform_target_probe(struct conform_target *t, struct conform_ctx *ctx, char *why, size_t cap);
void conform_target_free(struct conform_target *t);

enum conform_verdict {
  CONFORM_PASS = 0, /* the guest got where it must, every check held */
  CONFORM_FAIL,     /* the guest did not (progress and failure say where and why) */
  CONFORM_ENV,      /* this host cannot run KVM */
  CONFORM_ERROR,    /* conform's own fault: the loader refused the case, setup failed */
};
const char *conform_verdict_name(enum conform_verdict v); /* "pass", "fail", "environment", "error" */

struct conform_result {
  enum conform_verdict verdict;
  char progress[256]; /* how far the guest got */
  char failure[512];  /* why it failed ("" when it passed) */
  char end[32];       /* how the run ended (pvhkvm_end_name) */
  int entry_proved;
  double wall_s;
  /* Self-test guest: its mailbox (found 0: never written). */
  int mailbox_found;
  uint32_t checks, failed, groups_done, group;
  /* Linux: the furthest stage reached, and each stage's state name. */
  int stage;
  const char *stage_states[16];
};

/* Boots the case once. Never fails: the verdict says what happened. */
void conform_run(const struct conform_target *t, const struct conform_ctx *ctx, const struct conform_case *c,
                 struct conform_result *r);

#ifdef __cplusplus
}
#endif
#endif
