/* SPDX-License-Identifier: MIT */
/* One conform run: the case applied through pvhkvm's open choices, the
 * self-test guest judged by its exit value and mailbox, a real Linux by the
 * stage recognizer (every stage up to the init marker, no mismatch). */
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "internal.h"
#include "mailbox.h"
#include "pvhconform/run.h"
#include "pvhkvm/boot.h"
#include "pvhkvm/guest_layout.h"
#include "pvhkvm/host.h"
#include "pvhkvm/load.h"
#include "pvhkvm/selftest.h"
#include "pvhlinux/acpi.h"
#include "pvhlinux/boot_linux.h"
#include "pvhlinux/initramfs.h"

/* The self-test guest's module: deterministic, not all-zero, not a
 * multiple of a page, so its CRC and size prove where it went. */
#define SELFTEST_INITRD_SIZE 65613u
/* Where the self-test guest's ACPI tables go when it gets an RSDP: where
 * pvhlinux puts Linux's. */
#define CONFORM_ACPI_PADDR PVHKVM_GUEST_ACPI

const char *conform_verdict_name(enum conform_verdict v) {
  switch (v) {
  case CONFORM_PASS: return "pass";
  case CONFORM_FAIL: return "fail";
  case CONFORM_ENV: return "environment";
  case CONFORM_ERROR: return "error";
  }
  return "unknown";
}

void conform_target_init(struct conform_target *t) {
  memset(t, 0, sizeof(*t));
  t->proof = PVHKVM_PROOF_AUTO;
}

void conform_target_free(struct conform_target *t) {
  pvh_image_close(&t->kernel);
  pvh_image_close(&t->initrd);
  free(t->initrd_bytes);
  t->initrd_bytes = NULL;
}

int conform_target_probe(struct conform_target *t, struct conform_ctx *ctx, char *why, size_t cap) {
  struct pvh_error err;
  memset(ctx, 0, sizeof(*ctx));
  if (!t->ram_size)
    t->ram_size = t->is_linux ? 512ull << 20 : 128ull << 20;
  if (t->timeout_s <= 0)
    t->timeout_s = t->is_linux ? 120 : 10;
  ctx->ram_size = t->ram_size;
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  if (t->is_linux) {
    if (pvh_image_open(&t->kernel, t->kernel_path, &err) != PVH_OK) {
      t->probe_err = err;
      conform_fmt(why, cap, "%s", err.message);
      return -1;
    }
    /* The initramfs pvhlinux will build, for its size only. */
    struct pvhlinux_cpio cpio;
    pvhlinux_cpio_init(&cpio);
    struct pvhlinux_initramfs_opts io = {.busybox_path = t->busybox_path,
                                         .kernel_elf_class =
                                             pvhlinux_elf_class(t->kernel.data, t->kernel.size)};
    if (pvhlinux_initramfs_build(&io, &cpio, &err)) {
      t->probe_err = err;
      conform_fmt(why, cap, "initramfs: %s", err.message);
      pvhlinux_cpio_free(&cpio);
      return -1;
    }
    ctx->initramfs_size = cpio.len;
    pvhlinux_cpio_free(&cpio);
    ctx->cmdline_size = strlen(PVHLINUX_DEFAULT_CMDLINE) + 1;
    ctx->rsdp_default = 1;
    cfg.cmdline = PVHLINUX_DEFAULT_CMDLINE;
  } else {
    size_t len = 0;
    const uint8_t *blob = t->kernel_path ? NULL : pvhkvm_builtin_guest(&len);
    if (t->kernel_path && pvh_image_open(&t->kernel, t->kernel_path, &err) != PVH_OK) {
      t->probe_err = err;
      conform_fmt(why, cap, "%s", err.message);
      return -1;
    }
    if (!t->kernel_path) {
      if (!blob || len == 0) {
        conform_fmt(why, cap, "the built-in self-test guest is missing");
        return -1;
      }
      pvh_image_from_buffer(&t->kernel, blob, len, "<self-test guest>");
    }
    t->initrd_bytes = malloc(SELFTEST_INITRD_SIZE);
    if (!t->initrd_bytes) {
      conform_fmt(why, cap, "out of memory");
      return -1;
    }
    struct conform_rng r;
    conform_rng_seed(&r, 0x70766863);
    for (size_t i = 0; i < SELFTEST_INITRD_SIZE; i++)
      t->initrd_bytes[i] = (uint8_t)conform_rng_next(&r);
    pvh_image_from_buffer(&t->initrd, t->initrd_bytes, SELFTEST_INITRD_SIZE, "<self-test module>");
    if (pvhkvm_selftest_cmdline_for_host(t->cmdline, sizeof(t->cmdline), "console=ttyS0", &t->initrd,
                                         pvhkvm_host_kind()) != 0) {
      conform_fmt(why, cap, "self-test command line too long");
      return -1;
    }
    ctx->initramfs_size = SELFTEST_INITRD_SIZE;
    ctx->cmdline_size = strlen(t->cmdline) + 1;
    ctx->rsdp_default = 0;
    cfg.cmdline = t->cmdline;
    cfg.initramfs = &t->initrd;
  }
  struct pvh_plan plan;
  if (pvhkvm_plan(t->ram_size, &t->kernel, &cfg, &plan, &err) != PVH_OK) {
    t->probe_err = err;
    conform_fmt(why, cap, "the kernel does not load with pvhcheck's defaults: %s", err.message);
    return -1;
  }
  ctx->kernel_start = plan.report.kernel_start;
  ctx->kernel_end = plan.report.kernel_end;
  pvh_plan_free(&plan);
  return 0;
}

/* Guest text (the mailbox's first failure) made safe for a terminal. */
static void copy_printable(char *dst, size_t cap, const char *src) {
  size_t n = 0;
  for (; *src && n + 5 < cap; src++) {
    unsigned char ch = (unsigned char)*src;
    if (ch >= 0x20 && ch < 0x7f)
      dst[n++] = (char)ch;
    else
      n += (size_t)conform_fmt(dst + n, cap - n, "\\x%02x", ch);
  }
  dst[n] = '\0';
}

static void judge_selftest(struct conform_result *r, const struct pvhkvm_boot_result *b,
                           const struct pvhtest_mailbox *mb) {
  const struct pvhkvm_run_result *run = &b->run;
  unsigned groups = 0;
  for (uint32_t g = 0; g < PVHTEST_G__COUNT; g++)
    groups += (r->groups_done >> g) & 1;
  if (r->mailbox_found)
    conform_fmt(r->progress, sizeof(r->progress),
                "self-test: %u of %u check groups done (at %s), %u checks, %u failed", groups,
                (unsigned)PVHTEST_G__COUNT, conform_mailbox_group_name(r->group), r->checks, r->failed);
  else
    conform_fmt(r->progress, sizeof(r->progress), "self-test: %s, no mailbox written",
                r->entry_proved ? "entry proved" : "entry not proved");
  if (r->entry_proved && run->end == PVHKVM_END_EXIT_PORT && run->exit_value == 0 && r->mailbox_found &&
      mb->state == PVHTEST_MB_DONE && r->failed == 0) {
    r->verdict = CONFORM_PASS;
    return;
  }
  r->verdict = CONFORM_FAIL;
  char text[PVHTEST_MAILBOX_TEXT * 4 + 1];
  if (!r->entry_proved)
    conform_fmt(r->failure, sizeof(r->failure), "entry proof: %s", run->entry_why);
  else if (r->mailbox_found && r->failed) {
    copy_printable(text, sizeof(text), mb->first_failure);
    conform_fmt(r->failure, sizeof(r->failure), "check failed in %s: %s",
                conform_mailbox_group_name(mb->first_failed_group), text);
  } else
    conform_fmt(r->failure, sizeof(r->failure), "run ended %s (%s)", pvhkvm_end_name(run->end), run->message);
}

struct st_ctx {
  struct pvhtest_mailbox mb;
  int found;
  uint64_t start, end;
};

static void after_run_mailbox(void *ctx, struct pvhkvm_vm *vm, const struct pvhkvm_run_result *run) {
  struct st_ctx *s = ctx;
  (void)run;
  s->found = conform_mailbox_find(vm, s->start, s->end, &s->mb);
}

static void run_selftest(const struct conform_target *t, const struct conform_case *c,
                         struct conform_apply *a, struct conform_result *r) {
  struct pvhkvm_boot_opts bo;
  pvhkvm_boot_opts_init(&bo);
  uint8_t tables[PVHLINUX_ACPI_MAX_SIZE];
  if ((c->varied & (1u << CV_RSDP)) && c->rsdp) {
    struct pvhlinux_acpi_layout al;
    memset(tables, 0, sizeof(tables));
    if (pvhlinux_acpi_build(NULL, CONFORM_ACPI_PADDR, tables, sizeof(tables), &al)) {
      r->verdict = CONFORM_ERROR;
      conform_fmt(r->failure, sizeof(r->failure), "cannot build the ACPI tables");
      return;
    }
    a->tables = tables;
    a->tables_len = al.total;
    a->tables_gpa = CONFORM_ACPI_PADDR;
    bo.rsdp_paddr = al.rsdp;
  }
  struct st_ctx st = {.start = a->ctx->kernel_start, .end = a->ctx->kernel_end};
  bo.vm.dev_path = t->dev_path;
  bo.vm.ram_size = t->ram_size;
  bo.kernel = &t->kernel;
  bo.initramfs = &t->initrd;
  bo.cmdline = t->cmdline;
  bo.open = &a->open;
  bo.after_run = after_run_mailbox;
  bo.after_run_ctx = &st;
  bo.run.timeout_s = t->timeout_s;
  bo.run.proof = t->proof;
  bo.run.console_cap = 4096;
  struct pvhkvm_boot_result b;
  enum pvhkvm_boot_status s = pvhkvm_boot(&bo, &b);
  if (s == PVHKVM_BOOT_RAN) {
    r->entry_proved = b.run.entry_proved;
    r->wall_s = b.run.wall_s;
    conform_fmt(r->end, sizeof(r->end), "%s", pvhkvm_end_name(b.run.end));
    r->mailbox_found = st.found;
    if (st.found) {
      r->checks = st.mb.checks;
      r->failed = st.mb.failed;
      r->groups_done = st.mb.groups_done;
      r->group = st.mb.group;
    }
    judge_selftest(r, &b, &st.mb);
  } else {
    r->verdict = s == PVHKVM_BOOT_ENV ? CONFORM_ENV : CONFORM_ERROR;
    conform_fmt(r->failure, sizeof(r->failure), "%s: %s", pvhkvm_boot_status_name(s),
                pvhkvm_boot_message(&b));
  }
  pvhkvm_boot_result_free(&b);
}

static void run_linux(const struct conform_target *t, const struct conform_case *c, struct conform_apply *a,
                      struct conform_result *r) {
  struct pvhlinux_boot_opts o;
  pvhlinux_boot_opts_init(&o);
  o.dev_path = t->dev_path;
  o.kernel_path = t->kernel_path;
  o.busybox_path = t->busybox_path;
  o.ram_size = t->ram_size;
  o.acpi = (c->varied & (1u << CV_RSDP)) ? c->rsdp : 1;
  o.until = PVHLINUX_ST_MARKER; /* the run itself goes on to power-off or halt */
  o.timeout_s = t->timeout_s;
  o.proof = t->proof;
  o.open = &a->open;
  struct pvhlinux_boot_result lr;
  enum pvhkvm_boot_status s = pvhlinux_boot(&o, &lr);
  if (s != PVHKVM_BOOT_RAN) {
    r->verdict = s == PVHKVM_BOOT_ENV ? CONFORM_ENV : CONFORM_ERROR;
    conform_fmt(r->failure, sizeof(r->failure), "%s: %s", pvhkvm_boot_status_name(s),
                pvhkvm_boot_message(&lr.boot));
    pvhlinux_boot_result_free(&lr);
    return;
  }
  r->entry_proved = lr.boot.run.entry_proved;
  r->wall_s = lr.boot.run.wall_s;
  conform_fmt(r->end, sizeof(r->end), "%s", pvhkvm_end_name(lr.boot.run.end));
  int furthest = pvhlinux_stages_furthest(lr.stages);
  r->stage = furthest;
  /* Judged up to the init marker: what comes after it (power-off) needs
   * ACPI, which the rsdp variation may take away; a kernel without ACPI
   * halts instead, which is no fault of the entry. */
  int mismatch = -1, missing = -1;
  for (int st = 0; st < PVHLINUX_ST__COUNT && st < 16; st++) {
    const struct pvhlinux_stage_info *si = pvhlinux_stages_get(lr.stages, (enum pvhlinux_stage)st);
    r->stage_states[st] = pvhlinux_state_name(si->state);
    if (st > PVHLINUX_ST_MARKER)
      continue;
    if (si->state == PVHLINUX_MISMATCH && mismatch < 0)
      mismatch = st;
    if (si->state == PVHLINUX_NOT_REACHED && missing < 0)
      missing = st;
  }
  if (missing < 0 && pvhlinux_stages_get(lr.stages, PVHLINUX_ST_MARKER)->state != PVHLINUX_REACHED)
    missing = PVHLINUX_ST_MARKER;
  conform_fmt(r->progress, sizeof(r->progress), "linux: furthest stage %s%s%s",
              furthest >= 0 ? pvhlinux_stage_name((enum pvhlinux_stage)furthest) : "none",
              mismatch >= 0 ? ", mismatch at " : "",
              mismatch >= 0 ? pvhlinux_stage_name((enum pvhlinux_stage)mismatch) : "");
  if (mismatch < 0 && missing < 0) {
    r->verdict = CONFORM_PASS;
  } else {
    r->verdict = CONFORM_FAIL;
    int at = mismatch >= 0 ? mismatch : PVHLINUX_ST_END; /* END says how the run ended */
    const struct pvhlinux_stage_info *si = pvhlinux_stages_get(lr.stages, (enum pvhlinux_stage)at);
    char text[sizeof(si->detail) * 4 + 1];
    copy_printable(text, sizeof(text), si->detail);
    conform_fmt(r->failure, sizeof(r->failure), "%s: %s", pvhlinux_stage_name((enum pvhlinux_stage)at), text);
  }
  pvhlinux_boot_result_free(&lr);
}

void conform_run(const struct conform_target *t, const struct conform_ctx *ctx, const struct conform_case *c,
                 struct conform_result *r) {
  memset(r, 0, sizeof(*r));
  r->stage = -1;
  struct conform_apply a;
  if (conform_apply_init(&a, c, ctx, r->failure, sizeof(r->failure))) {
    r->verdict = CONFORM_ERROR;
    return;
  }
  if (t->is_linux)
    run_linux(t, c, &a, r);
  else
    run_selftest(t, c, &a, r);
  conform_apply_free(&a);
}
