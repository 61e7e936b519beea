/* SPDX-License-Identifier: MIT */
/* fuzz_boot's loop body (harness.h). */
#include "harness.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "input.h"
#include "oracle.h"
#include "oracle_boot.h"
#include "pvhkvm/reset.h"

extern const uint8_t fb_checker_blob[];
extern const size_t fb_checker_blob_len;

/* Wall-clock limit of one run: the checker takes microseconds on KVM and
 * milliseconds under the lab's TCG; a hang is a finding, not a wait. */
#define RUN_TIMEOUT_S 10.0
/* Written over every range the plan will write, before it writes: a bus or
 * zero-fill that skips a byte leaves this, not a lucky zero. */
#define POISON 0xa5

struct fb_harness {
  struct pvhkvm_vm *vm;
};

struct fb_harness *fb_harness_create(struct pvhkvm_error *err) {
  struct pvhkvm_vm_opts o;
  struct fb_harness *h = calloc(1, sizeof(*h));
  if (!h) {
    snprintf(err->message, sizeof(err->message), "out of memory");
    err->kind = PVHKVM_E_NOMEM;
    return NULL;
  }
  /* Each input allocates and frees up to a few hundred KiB (maps, module,
   * kernel file): keep it in the heap instead of glibc's mmap/trim, which
   * costs page faults on every input (the profile showed them first). */
  mallopt(M_MMAP_THRESHOLD, 16 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  pvhkvm_vm_opts_init(&o);
  o.ram_size = FB_RAM_BACKING;
  if (pvhkvm_vm_create(&o, &h->vm, err) != PVHKVM_OK || pvhkvm_reset_enable(h->vm, err) != PVHKVM_OK) {
    fb_harness_destroy(h);
    return NULL;
  }
  return h;
}

void fb_harness_destroy(struct fb_harness *h) {
  if (!h)
    return;
  pvhkvm_vm_destroy(h->vm);
  free(h);
}

struct pvhkvm_vm *fb_harness_vm(struct fb_harness *h) {
  return h->vm;
}

const char *fb_stage_name(enum fb_stage s) {
  static const char *const names[FB_STAGE_COUNT] = {"decode",  "map handoff", "plan",  "poison", "commit",
                                                    "promise", "run",         "judge", "reset"};
  return s < FB_STAGE_COUNT ? names[s] : "unknown";
}

/* Ends step `s` of a timed boot: its time since *t goes to info. */
static void lap(struct fb_boot_info *info, enum fb_stage s, uint64_t *t) {
  if (!info)
    return;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
  info->stage_ns[s] += now - *t;
  *t = now;
}

static void poison_and_mark(struct pvhkvm_vm *vm, const struct pvh_plan *plan) {
  for (size_t i = 0; i < plan->nr_ops; i++) {
    uint8_t *p = pvhkvm_vm_host(vm, plan->ops[i].gpa, plan->ops[i].len);
    if (p)
      memset(p, POISON, plan->ops[i].len);
  }
  pvhkvm_reset_mark_plan(vm, plan);
}

static void boot_layout(struct pvhkvm_vm *vm, const struct fb_layout *l, int verbose,
                        struct fb_boot_info *info, uint64_t *t) {
  struct pvhkvm_error ke;
  struct pvh_error pe;
  if (pvhkvm_vm_set_memmap(vm, l->map, l->nr_map, &ke) != PVHKVM_OK)
    oracle_fail("boot-vmm-refused-map", "%zu-entry map: %s", l->nr_map, ke.message);
  lap(info, FB_STAGE_MAP, t);

  struct pvh_image kernel, initramfs;
  pvh_image_from_buffer(&kernel, l->elf, l->elf_size, "fuzz_boot kernel");
  if (l->initramfs)
    pvh_image_from_buffer(&initramfs, l->initramfs, l->initramfs_len, "fuzz_boot initramfs");
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  cfg.cmdline = l->cmdline;
  cfg.initramfs = l->initramfs ? &initramfs : NULL;
  cfg.rsdp_paddr = l->rsdp;
  cfg.layout.memmap_size = FB_MEMMAP_AREA;

  /* Plan, poison what it will write, commit through the VM's flat bus: the
   * steps of pvh_load, split so the poison goes in between. */
  /* Planned against the map as the VM holds it, the one its bus hands the
   * loader: that handoff is part of what is checked. */
  struct pvh_plan plan;
  const struct pvh_bus *bus = pvhkvm_vm_bus(vm);
  enum pvh_err rc = pvh_plan_build(&kernel, bus->regions, bus->nr_regions, &cfg, &plan, &pe);
  if (rc != PVH_OK)
    oracle_fail("boot-valid-layout-refused", "%s: %s", pvh_err_name(rc), pe.message);
  oracle_boot_plan(l, &plan, &cfg);
  lap(info, FB_STAGE_PLAN, t);
  poison_and_mark(vm, &plan);
  lap(info, FB_STAGE_POISON, t);
  if ((rc = pvh_plan_commit(&plan, pvhkvm_vm_bus(vm), &pe)) != PVH_OK)
    oracle_fail("boot-flat-bus-refused", "%s: %s", pvh_err_name(rc), pe.message);
  lap(info, FB_STAGE_COMMIT, t);

  struct fb_mailbox *mb = (struct fb_mailbox *)pvhkvm_vm_host(vm, FB_MAILBOX_PADDR, FB_MAILBOX_SIZE);
  if (!mb)
    oracle_fail("boot-vmm-mailbox", "the mailbox page 0x%x is not guest RAM", FB_MAILBOX_PADDR);
  oracle_boot_promise(l, &cfg, mb);
  pvhkvm_reset_mark(vm, FB_MAILBOX_PADDR, FB_STACK_TOP - FB_MAILBOX_PADDR);
  lap(info, FB_STAGE_PROMISE, t);

  if (pvhkvm_vcpu_set_entry(vm, &plan.entry, &ke) != PVHKVM_OK)
    oracle_fail("boot-kvm-set-entry", "%s", ke.message);
  struct pvhkvm_run_opts ro;
  struct pvhkvm_run_result res;
  pvhkvm_run_opts_init(&ro);
  ro.prove_entry = &plan.entry;
  ro.timeout_s = RUN_TIMEOUT_S;
  ro.console_cap = 4096;
  pvhkvm_run(vm, &ro, &res);
  struct pvh_entry_state end_state;
  memset(&end_state, 0, sizeof(end_state));
  if (res.end == PVHKVM_END_EXIT_PORT && pvhkvm_vcpu_get_state(vm, &end_state, &ke) != PVHKVM_OK)
    oracle_fail("boot-kvm-get-state", "%s", ke.message);
  lap(info, FB_STAGE_RUN, t);
  if (verbose)
    fprintf(stderr,
            "fuzz_boot: elf%d, %zu loads, note %s%s%s, %zu map entries, cmdline %zu, module %zu: %s, %s\n",
            l->elf64 ? 64 : 32, l->nr_segs, l->sht_note ? "in SHT_NOTE" : "in PT_NOTE",
            l->note_align8 ? " 8-aligned" : "", l->desc8 ? " desc8" : "", l->nr_map, l->cmdline_len,
            l->initramfs_len, pvhkvm_end_name(res.end),
            res.entry_proved ? pvhkvm_proof_summary(&res) : "entry not proved");
  oracle_boot_run(l, &plan, &res, mb, &end_state);
  lap(info, FB_STAGE_JUDGE, t);
  if (info) {
    info->exits = res.exits;
    info->map_entries = l->nr_map;
    info->bytes_planned = plan.report.bytes_planned;
  }
  enum pvhkvm_end end = res.end;
  pvhkvm_run_result_free(&res);
  pvh_plan_free(&plan);
  if (pvhkvm_reset(vm, end, 1, &ke) != PVHKVM_OK)
    oracle_fail("boot-vmm-reset", "%s", ke.message);
}

void fb_harness_boot(struct fb_harness *h, const uint8_t *data, size_t size, int verbose,
                     struct fb_boot_info *info) {
  struct fb_layout l;
  uint64_t t = 0;
  if (info) {
    memset(info, 0, sizeof(*info));
    lap(info, FB_STAGE_DECODE, &t); /* starts the clock */
    info->stage_ns[FB_STAGE_DECODE] = 0;
  }
  if (fb_decode(data, size, fb_checker_blob, fb_checker_blob_len, &l) != 0)
    oracle_fail("boot-decode-oom", "out of memory decoding %zu bytes", size);
  lap(info, FB_STAGE_DECODE, &t);
  boot_layout(h->vm, &l, verbose, info, &t);
  fb_layout_free(&l);
  lap(info, FB_STAGE_RESET, &t);
}
