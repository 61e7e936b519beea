/* SPDX-License-Identifier: MIT */
/* pvhcheck conform: boot one kernel again and again, each run choosing from
 * a seed what the PVH contract leaves open (conform/: the table, the
 * generators, the runner, the shrinker); print per run the seed, what was
 * varied and how far the guest got; shrink each failure to the variations
 * that cause it. Exit status: 0 every run passed, 1 a run failed, 2 usage,
 * 3 environment. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "report.h"
#include "pvhutil/opt.h"
#include "pvhutil/suggest.h"
#include "pvhconform/conform.h"
#include "pvhconform/run.h"
#include "pvh/guest_layout.h"
#include "pvhkvm/host.h"
#include "pvhlinux/stages.h"

#define CONFORM_MAX_RUNS 100000u
/* Seeds are JSON numbers ("seed", "first_seed"): kept at or below 2^53 - 1,
 * the largest integer a reader that parses numbers as doubles (jq,
 * JavaScript) keeps exact, so a seed copied from the JSON replays its run. */
#define CONFORM_SEED_MAX ((UINT64_C(1) << 53) - 1)
#define CONFORM_DEFAULT_RUNS 10u

struct conform_args {
  const char *kernel;
  int self_test, linux_mode, json, abi, no_shrink;
  uint64_t runs, seed, mem;
  int have_seed, have_runs;
  double timeout;
  const char *vary, *busybox;
  enum pvhkvm_proof proof;
};

static int parse_proof(const char *arg, void *dst) { return pvhkvm_proof_parse(arg, dst); }

/* --vary LIST: each name is a variation of the table (or "all"); an unknown
 * one is named with the valid ones, and the closest when there is one. */
static int check_vary(const char *list) {
  const char *names[CV__COUNT + 1];
  size_t n = 0;
  names[n++] = "all";
  for (unsigned v = 0; v < CV__COUNT; v++)
    names[n++] = conform_var_name((enum conform_var)v);
  char valid[1024];
  size_t off = 0;
  for (size_t i = 0; i < n && off < sizeof(valid); i++) {
    int k = snprintf(valid + off, sizeof(valid) - off, "%s%s", i ? ", " : "", names[i]);
    off += k > 0 ? (size_t)k : 0;
  }
  for (const char *p = list;; p++) {
    size_t len = strcspn(p, ",");
    int known = 0;
    for (size_t i = 0; i < n && !known; i++)
      known = strlen(names[i]) == len && !strncmp(names[i], p, len);
    if (!known) {
      const char *close = len ? cli_suggest(p, len, names, n) : NULL;
      if (close)
        return cli_opt_error("pvhcheck conform",
                             "--vary: '%.*s' is not a variation; did you mean '%s'? (one of: %s)", (int)len,
                             p, close, valid);
      return cli_opt_error("pvhcheck conform", "--vary: '%.*s' is not a variation; one of: %s", (int)len, p,
                           valid);
    }
    p += len;
    if (!*p)
      return 0;
  }
}

static int opt_seed(const char *arg, void *dst) {
  struct conform_args *a = dst;
  if (cli_parse_addr(arg, &a->seed))
    return -1;
  a->have_seed = 1;
  return 0;
}

static int opt_runs(const char *arg, void *dst) {
  struct conform_args *a = dst;
  if (cli_parse_addr(arg, &a->runs) || a->runs == 0 || a->runs > CONFORM_MAX_RUNS)
    return -1;
  a->have_runs = 1;
  return 0;
}

static int parse(int argc, char **argv, struct conform_args *a) {
  memset(a, 0, sizeof(*a));
  a->runs = CONFORM_DEFAULT_RUNS;
  a->proof = PVHKVM_PROOF_AUTO;
  const char *proof_values[] = {pvhkvm_proof_name(PVHKVM_PROOF_AUTO),
                                pvhkvm_proof_name(PVHKVM_PROOF_HW_BREAKPOINT),
                                pvhkvm_proof_name(PVHKVM_PROOF_SINGLE_STEP), NULL};
  struct cli_opt opts[] = {
      OPT_GROUP("What to boot"),
      OPT_FLAG("self-test", &a->self_test, 1, "the built-in self-test guest (instead of KERNEL)"),
      OPT_FLAG("linux", &a->linux_mode, 1,
               "KERNEL is a Linux vmlinux: judge it by the boot stages up to /init"),
      OPT_STR("busybox", "FILE", &a->busybox,
              "--linux: the busybox for the initramfs (default /bin/busybox)"),
      OPT_SIZE("mem", "SIZE", &a->mem, "guest RAM (default 128M, 512M with --linux)"),
      OPT_SECONDS("timeout", "SECONDS", &a->timeout, "per run (default 10, 120 with --linux)"),
      OPT_ENUM("proof", "METHOD", &a->proof, parse_proof, proof_values, "entry proof (default auto)"),
      OPT_GROUP("Runs"),
      OPT_CALL("runs", "N", a, opt_runs, "number of runs (default 10; seeds 1..N, or S..S+N-1 with --seed)"),
      OPT_CALL("seed", "S", a, opt_seed,
               "replay the run of seed S, at most 2^53 - 1 (one run unless --runs is given)"),
      OPT_STR("vary", "LIST", &a->vary, "the variations to apply, comma-separated (default all; see below)"),
      OPT_FLAG("abi", &a->abi, 1, "choose from everything the ABI allows, not only what real VMMs do"),
      OPT_FLAG("no-shrink", &a->no_shrink, 1, "do not shrink a failing run"),
      OPT_FLAG("json", &a->json, 1, "one JSON object on stdout: every run, and the shrunk failures"),
      OPT_END(),
  };
  static char outro[4096];
  int n = snprintf(outro, sizeof(outro), "variations:\n");
  const struct conform_variation *t = conform_table();
  for (unsigned v = 0; v < CV__COUNT && n > 0 && (size_t)n < sizeof(outro); v++)
    n += snprintf(outro + n, sizeof(outro) - (size_t)n, "  %-15s %s\n", t[v].name, t[v].varies);
  if (n > 0 && (size_t)n < sizeof(outro))
    snprintf(outro + n, sizeof(outro) - (size_t)n,
             "\nexit status: 0 every run passed, 1 a run failed, 2 usage error, 3 environment error\n"
             "docs/conform.md has each variation with the facts behind it.\n");
  struct cli_help help = {
      .usage =
          "pvhcheck conform KERNEL|--self-test [--linux] [--runs N] [--seed S] [--vary LIST] [--abi] [--json]",
      .intro =
          "Boots KERNEL (or the self-test guest) once per run, each run choosing from its seed a value for\n"
          "everything the PVH contract leaves to the VMM, and reports how far the guest got. A failing run\n"
          "is shrunk to the smallest set of variations that still fails.",
      .outro = outro,
  };
  const char *pos[1];
  int npos = 0;
  int rc = cli_parse("pvhcheck conform", opts, &help, argc, argv, pos, 1, &npos);
  if (rc)
    return rc;
  a->kernel = npos ? pos[0] : NULL;
  if (!a->kernel && !a->self_test)
    return cli_opt_error("pvhcheck conform", "give a KERNEL or --self-test");
  if (a->kernel && a->self_test)
    return cli_opt_error("pvhcheck conform", "give a KERNEL or --self-test, not both");
  if (a->linux_mode && !a->kernel)
    return cli_opt_error("pvhcheck conform", "--linux needs a KERNEL (a vmlinux)");
  if (a->busybox && !a->linux_mode)
    return cli_opt_error("pvhcheck conform", "--busybox is for --linux");
  if (a->have_seed && !a->have_runs)
    a->runs = 1;
  if (a->have_seed && a->seed > CONFORM_SEED_MAX)
    return cli_opt_error("pvhcheck conform",
                         "--seed %" PRIu64 " is above %" PRIu64
                         " (2^53 - 1, the largest seed JSON keeps exact)",
                         a->seed, CONFORM_SEED_MAX);
  if (a->runs - 1 > CONFORM_SEED_MAX - (a->have_seed ? a->seed : 1))
    return cli_opt_error("pvhcheck conform",
                         "--seed %" PRIu64 " with --runs %" PRIu64 " goes past seed %" PRIu64,
                         a->have_seed ? a->seed : 1, a->runs, CONFORM_SEED_MAX);
  if (a->mem && a->mem > CLI_MEM_MAX)
    return cli_opt_error("pvhcheck conform", "--mem %" PRIu64 " is above 64 TiB", a->mem);
  if (a->vary)
    return check_vary(a->vary);
  return 0;
}

struct shrink_ctx {
  const struct conform_target *t;
  const struct conform_ctx *ctx;
  const struct conform_case *c;
  int json;
};

static int still_fails(void *p, uint32_t mask, uint32_t entries) {
  struct shrink_ctx *s = p;
  struct conform_case k = *s->c;
  k.varied = mask;
  k.memmap_entries = entries;
  struct conform_result r;
  conform_run(s->t, s->ctx, &k, &r);
  if (!s->json) {
    char d[256];
    conform_case_describe(&k, mask, d, sizeof(d));
    printf("    shrink: %s -> %s\n", d, conform_verdict_name(r.verdict));
    fflush(stdout);
  }
  return r.verdict == CONFORM_FAIL;
}

static void json_run(struct json_writer *w, const struct conform_case *c, const struct conform_result *r,
                     const struct conform_shrunk *sh, const char *shrunk_text) {
  json_begin_object(w);
  JSON_KV_U64(w, "seed", c->seed);
  JSON_KV_STR(w, "verdict", conform_verdict_name(r->verdict));
  json_key(w, "varied");
  json_begin_object(w);
  for (unsigned v = 0; v < CV__COUNT; v++)
    if (c->varied & (1u << v)) {
      char d[1024];
      conform_variation_of((enum conform_var)v)->describe(c, d, sizeof(d));
      JSON_KV_STR(w, conform_var_name((enum conform_var)v), d);
    }
  json_end_object(w);
  JSON_KV_STR(w, "progress", r->progress);
  JSON_KV_STR(w, "failure", r->failure);
  JSON_KV_STR(w, "end", r->end);
  JSON_KV_BOOL(w, "entry_proved", r->entry_proved);
  JSON_KV_MS(w, "wall_ms", r->wall_s);
  if (r->mailbox_found) {
    json_key(w, "mailbox");
    json_begin_object(w);
    JSON_KV_U64(w, "checks", r->checks);
    JSON_KV_U64(w, "failed", r->failed);
    JSON_KV_U64(w, "groups_done_mask", r->groups_done);
    json_end_object(w);
  }
  if (r->stage_states[0]) {
    json_key(w, "stages");
    json_begin_object(w);
    for (int s = 0; s < 16 && r->stage_states[s]; s++)
      JSON_KV_STR(w, pvhlinux_stage_name((enum pvhlinux_stage)s), r->stage_states[s]);
    json_end_object(w);
  }
  if (sh) {
    json_key(w, "shrunk");
    json_begin_object(w);
    json_key(w, "variations");
    json_begin_array(w);
    for (unsigned v = 0; v < CV__COUNT; v++)
      if (sh->mask & (1u << v))
        json_string(w, conform_var_name((enum conform_var)v));
    json_end_array(w);
    if (sh->memmap_pass) {
      JSON_KV_U64(w, "memmap_entries_fail", sh->memmap_entries);
      JSON_KV_U64(w, "memmap_entries_pass", sh->memmap_pass);
    }
    JSON_KV_U64(w, "runs", sh->runs);
    JSON_KV_STR(w, "text", shrunk_text);
    json_end_object(w);
  }
  json_end_object(w);
}

/* Ends the JSON object of a run that stopped before its first boot. */
static void early_json(struct json_writer *w, const char *status, const struct cli_error *e) {
  if (!w)
    return;
  cli_report_verdict(w, 0, status, e);
  cli_report_host(w);
  json_end_object(w);
  json_finish(w);
}

/* The kernel (or --busybox) did not load: said as inspect and boot say it,
 * an unreadable file or an unusable --busybox an environment error (exit 3),
 * a refused kernel with the loader's own code (exit 1). */
static int probe_failed(const struct conform_args *a, const struct conform_target *t, const char *why,
                        struct json_writer *w) {
  struct cli_error e;
  enum pvh_err code = t->probe_err.code;
  int about_busybox = a->linux_mode && strstr(why, "initramfs: ") == why;
  const char *field = about_busybox ? "--busybox" : "kernel";
  const char *msg = about_busybox ? why + strlen("initramfs: ") : why;
  if (code == PVH_E_IO || about_busybox) { /* as boot --linux says a --busybox it cannot use */
    cli_error_set(&e, pvh_err_name(code), field, "%s: %s", about_busybox ? "--busybox" : "KERNEL", msg);
    early_json(w, "environment", &e);
    cli_error_print(&e);
    return PVHCLI_EXIT_ENV;
  }
  if (code == PVH_OK) { /* conform's own trouble (memory, the built-in guest) */
    cli_error_set(&e, "setup", NULL, "%s", msg);
    early_json(w, "setup", &e);
    cli_error_print(&e);
    return PVHCLI_EXIT_ENV;
  }
  cli_error_set(&e, pvh_err_name(code), field, "kernel %s rejected: %s",
                a->kernel ? a->kernel : "(built-in guest)", msg);
  early_json(w, "rejected", &e);
  cli_error_print(&e);
  return PVHCLI_EXIT_FAIL;
}

/* A host that cannot run KVM is said once, before any run, with where the
 * same check runs anyway: the KVM lab (docs/kvm-lab.md). */
static int kvm_missing(const struct conform_args *a, struct json_writer *w) {
  struct pvhkvm_error ke;
  enum pvhkvm_err_kind k = pvhkvm_probe(NULL, &ke);
  if (k == PVHKVM_OK || !pvhkvm_err_is_environment(k))
    return 0; /* anything else is met, and reported, by the runs themselves */
  struct cli_error e;
  if (a->kernel) {
    const char *base = strrchr(a->kernel, '/');
    cli_error_set(&e, pvhkvm_err_name(k), "/dev/kvm",
                  "%s; to run conform here anyway, use the KVM lab: tools/kvm-lab.sh --file %s -- pvhcheck "
                  "conform%s /lab/files/%s (docs/kvm-lab.md)",
                  ke.message, a->kernel, a->linux_mode ? " --linux" : "", base ? base + 1 : a->kernel);
  } else {
    cli_error_set(&e, pvhkvm_err_name(k), "/dev/kvm",
                  "%s; to run conform here anyway, use the KVM lab: tools/kvm-lab.sh -R kvm_conform "
                  "(docs/kvm-lab.md)",
                  ke.message);
  }
  early_json(w, "environment", &e);
  cli_error_print(&e);
  return PVHCLI_EXIT_ENV;
}

int cmd_conform(int argc, char **argv) {
  cli_report_enter("conform", argc, argv);
  struct conform_args a;
  int rc = parse(argc, argv, &a);
  if (rc != 0)
    return rc == CLI_PARSE_HELP ? PVHCLI_EXIT_OK : PVHCLI_EXIT_USAGE;
  uint32_t mask = CONFORM_ALL_VARS;
  if (a.vary && conform_vars_parse(a.vary, &mask)) { /* check_vary let it through: the table disagrees */
    cli_opt_error("pvhcheck conform", "--vary '%s': not a list of variations", a.vary);
    return PVHCLI_EXIT_USAGE;
  }
  struct conform_target t;
  conform_target_init(&t);
  t.kernel_path = a.kernel;
  t.is_linux = a.linux_mode;
  t.busybox_path = a.busybox;
  t.ram_size = a.mem;
  t.timeout_s = a.timeout;
  t.proof = a.proof;
  const char *name = a.kernel ? a.kernel : "<self-test guest>";
  enum conform_realm realm = a.abi ? CONFORM_REALM_ABI : CONFORM_REALM_VMM;
  struct json_writer w;
  if (a.json) {
    cli_report_begin(&w, stdout, a.kernel); /* the output contract (report.h) */
  }
  struct conform_ctx ctx;
  char why[512];
  int rc_early = conform_target_probe(&t, &ctx, why, sizeof(why))
                     ? probe_failed(&a, &t, why, a.json ? &w : NULL)
                     : kvm_missing(&a, a.json ? &w : NULL);
  if (rc_early) {
    conform_target_free(&t);
    return rc_early;
  }
  uint64_t first = a.have_seed ? a.seed : 1;
  unsigned passed = 0, failed = 0, errors = 0, env = 0;
  uint32_t implicated = 0;
  /* The runs are written as they finish into memory, so that the verdict
   * fields can lead the object (ok, status, error, host) and the runs follow. */
  char *runs_buf = NULL;
  size_t runs_len = 0;
  FILE *runs_out = NULL;
  struct json_writer rw;
  if (a.json) {
    runs_out = open_memstream(&runs_buf, &runs_len);
    if (!runs_out) {
      fprintf(stderr, "pvhcheck conform: out of memory\n");
      conform_target_free(&t);
      return PVHCLI_EXIT_ENV;
    }
    json_init(&rw, runs_out);
    json_begin_array(&rw);
  } else {
    printf("conform: %s, %" PRIu64 " run(s) from seed %" PRIu64 ", realm %s, %s\n", name, a.runs, first,
           a.abi ? "abi" : "vmm",
           a.linux_mode ? "judged by the Linux boot stages" : "judged by the guest's checks");
  }
  char env_why[512] = "";
  for (uint64_t i = 0; i < a.runs; i++) {
    struct conform_case c;
    conform_case_generate(&ctx, first + i, realm, &c);
    c.varied &= mask;
    struct conform_result r;
    conform_run(&t, &ctx, &c, &r);
    char varied[4096];
    if (!a.json) {
      printf("run %" PRIu64 " seed %" PRIu64 ": %s -- %s%s, end %s, %.2f s\n", i + 1, c.seed,
             conform_verdict_name(r.verdict), r.progress, r.entry_proved ? ", entry proved" : "",
             r.end[0] ? r.end : "-", r.wall_s);
      for (unsigned v = 0; v < CV__COUNT; v++)
        if (c.varied & (1u << v)) {
          conform_variation_of((enum conform_var)v)->describe(&c, varied, sizeof(varied));
          printf("  %-15s %s\n", conform_var_name((enum conform_var)v), varied);
        }
      if (r.failure[0])
        printf("  failure: %s\n", r.failure);
      fflush(stdout);
    }
    struct conform_shrunk sh;
    char shrunk[4096] = "";
    int have_shrunk = 0;
    if (r.verdict == CONFORM_FAIL && !a.no_shrink) {
      struct shrink_ctx s = {.t = &t, .ctx = &ctx, .c = &c, .json = a.json};
      /* The default map's entry count: what memmap-entries is bisected down to. */
      struct pvh_mem_region m[PVH_MEMMAP_STANDARD_MAX];
      uint32_t dflt = (uint32_t)pvh_memmap_standard(ctx.ram_size, m, PVH_MEMMAP_STANDARD_MAX);
      conform_shrink(c.varied, c.memmap_entries, dflt, still_fails, &s, &sh);
      conform_shrunk_describe(&sh, &c, shrunk, sizeof(shrunk));
      have_shrunk = 1;
      implicated |= sh.mask;
      if (!a.json)
        printf("  %s (%u shrink runs; replay: --seed %" PRIu64 " --vary %s)\n", shrunk, sh.runs, c.seed,
               conform_var_name((enum conform_var)__builtin_ctz(sh.mask)));
    }
    if (a.json)
      json_run(&rw, &c, &r, have_shrunk ? &sh : NULL, shrunk);
    passed += r.verdict == CONFORM_PASS;
    failed += r.verdict == CONFORM_FAIL;
    errors += r.verdict == CONFORM_ERROR;
    if (r.verdict == CONFORM_ENV) {
      env = 1;
      const char *f = r.failure; /* "environment: ..." : the code says that already */
      snprintf(env_why, sizeof(env_why), "%.500s", strncmp(f, "environment: ", 13) ? f : f + 13);
      break; /* the next runs cannot run either */
    }
  }
  int ok = !env && failed == 0 && errors == 0;
  if (a.json) {
    json_end_array(&rw);
    fclose(runs_out);
    struct cli_error e;
    cli_error_set(&e, "environment", "/dev/kvm", "%s", env_why);
    if (env)
      cli_error_print(&e);
    cli_report_verdict(&w, ok, env ? "environment" : "ran", env ? &e : NULL);
    cli_report_host(&w);
    JSON_KV_STR(&w, "realm", a.abi ? "abi" : "vmm");
    JSON_KV_U64(&w, "first_seed", first);
    JSON_KV_U64(&w, "passed", passed);
    JSON_KV_U64(&w, "failed", failed);
    JSON_KV_U64(&w, "errors", errors);
    json_key(&w, "implicated");
    json_begin_array(&w);
    for (unsigned v = 0; v < CV__COUNT; v++)
      if (implicated & (1u << v))
        json_string(&w, conform_var_name((enum conform_var)v));
    json_end_array(&w);
    /* "runs" last: the array is already valid JSON, written by its own writer. */
    json_key(&w, "runs");
    fwrite(runs_buf, 1, runs_len, stdout);
    fputs("}\n", stdout);
    free(runs_buf);
  } else {
    if (env) {
      struct cli_error e;
      cli_error_set(&e, "environment", "/dev/kvm", "%s", env_why);
      cli_error_print(&e);
    }
    printf("conform: %u passed, %u failed, %u errors", passed, failed, errors);
    if (implicated) {
      printf("; failures shrink to:");
      for (unsigned v = 0; v < CV__COUNT; v++)
        if (implicated & (1u << v))
          printf(" %s", conform_var_name((enum conform_var)v));
    }
    printf("\n");
  }
  conform_target_free(&t);
  if (env)
    return PVHCLI_EXIT_ENV;
  return ok ? PVHCLI_EXIT_OK : PVHCLI_EXIT_FAIL;
}
