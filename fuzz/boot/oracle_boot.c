/* SPDX-License-Identifier: MIT */
/* fuzz_boot's oracles (oracle_boot.h). */
#include <stdio.h>
#include <string.h>

#include "oracle.h"
#include "oracle_boot.h"

const char *fb_check_name(unsigned check) {
  static const char *const names[FB_CHK_COUNT] = {
      "mailbox", "entry-eip", "ebx",       "cpu",     "start-info", "rsdp",   "cmdline",
      "module",  "memmap",    "seg-bytes", "seg-bss", "gdt",        "reload",
  };
  return check < FB_CHK_COUNT ? names[check] : "unknown";
}

/* ---- the plan against the model ---- */

void oracle_boot_plan(const struct fb_layout *l, const struct pvh_plan *plan,
                      const struct pvh_load_config *cfg) {
  const struct pvh_load_report *r = &plan->report;
  if (r->nr_segments != l->nr_segs)
    oracle_fail("boot-plan-segments", "plan has %zu segments, the kernel %zu PT_LOADs", r->nr_segments,
                l->nr_segs);
  for (size_t i = 0; i < r->nr_segments; i++) {
    const struct pvh_placed_segment *ps = &r->segments[i];
    const struct fb_seg *s = NULL;
    for (size_t k = 0; k < l->nr_segs && !s; k++)
      if (l->segs[k].paddr == ps->paddr)
        s = &l->segs[k];
    if (!s || s->filesz != ps->filesz || s->memsz != ps->memsz)
      oracle_fail("boot-plan-segment",
                  "plan segment %zu at 0x%llx file 0x%llx mem 0x%llx is no PT_LOAD of the kernel", i,
                  (unsigned long long)ps->paddr, (unsigned long long)ps->filesz,
                  (unsigned long long)ps->memsz);
  }
  if (plan->entry.rip != l->entry || r->note.entry != l->entry)
    oracle_fail("boot-plan-entry", "plan entry 0x%llx (note 0x%llx), the kernel's note says 0x%x",
                (unsigned long long)plan->entry.rip, (unsigned long long)r->note.entry, l->entry);
  if (r->start_info_paddr != cfg->layout.start_info_paddr || plan->entry.rbx != r->start_info_paddr)
    oracle_fail("boot-plan-start-info", "start_info at 0x%llx, EBX 0x%llx, layout asked 0x%llx",
                (unsigned long long)r->start_info_paddr, (unsigned long long)plan->entry.rbx,
                (unsigned long long)cfg->layout.start_info_paddr);
  if (r->cmdline_len != (l->cmdline ? l->cmdline_len + 1 : 0))
    oracle_fail("boot-plan-cmdline", "plan command line %llu bytes with NUL, generated %zu",
                (unsigned long long)r->cmdline_len, l->cmdline_len);
  if (r->initramfs_size != l->initramfs_len)
    oracle_fail("boot-plan-module", "plan module %llu bytes, generated %zu",
                (unsigned long long)r->initramfs_size, l->initramfs_len);
  if (r->rsdp_paddr != l->rsdp)
    oracle_fail("boot-plan-rsdp", "plan RSDP 0x%llx, generated 0x%llx", (unsigned long long)r->rsdp_paddr,
                (unsigned long long)l->rsdp);
  if (r->memmap_entries != l->nr_map)
    oracle_fail("boot-plan-memmap", "plan memory map %u entries, generated %zu", r->memmap_entries,
                l->nr_map);
}

/* ---- the promise ---- */

void oracle_boot_promise(const struct fb_layout *l, const struct pvh_load_config *cfg,
                         struct fb_mailbox *mb) {
  memset(mb, 0, sizeof(*mb));
  mb->magic_in = FB_MAGIC_IN;
  mb->nr_segs = (uint32_t)l->nr_segs;
  for (size_t i = 0; i < l->nr_segs; i++) {
    const struct fb_seg *s = &l->segs[i];
    mb->segs[i] = (struct fb_promise_seg){(uint32_t)s->paddr, (uint32_t)s->filesz, (uint32_t)s->memsz,
                                          fb_hash(FB_HASH_INIT, s->bytes, (uint32_t)s->filesz)};
  }
  mb->entry = l->entry;
  mb->start_info = (uint32_t)cfg->layout.start_info_paddr;
  if (l->cmdline) {
    mb->cmdline_len = (uint32_t)l->cmdline_len;
    mb->cmdline_hash = fb_hash(FB_HASH_INIT, (const uint8_t *)l->cmdline, (uint32_t)l->cmdline_len);
  }
  if (l->initramfs) {
    mb->module_size = (uint32_t)l->initramfs_len;
    mb->module_hash = fb_hash(FB_HASH_INIT, l->initramfs, (uint32_t)l->initramfs_len);
  }
  mb->rsdp_lo = (uint32_t)l->rsdp;
  mb->rsdp_hi = (uint32_t)(l->rsdp >> 32);
  mb->memmap_entries = (uint32_t)l->nr_map;
  uint32_t h = FB_HASH_INIT;
  for (size_t i = 0; i < l->nr_map; i++) {
    struct hvm_memmap_table_entry e = {l->map_sorted[i].addr, l->map_sorted[i].size, l->map_sorted[i].type,
                                       0};
    h = fb_hash(h, (const uint8_t *)&e, sizeof(e));
  }
  mb->memmap_hash = h;
  mb->probe_addr = (uint32_t)l->probe_addr;
  mb->first_fail = FB_CHK_COUNT;
}

/* ---- after the run ---- */

static void same(const char *inv, const char *what, uint64_t seen, uint64_t planned) {
  if (seen != planned)
    oracle_fail(inv, "%s: the guest saw 0x%llx, the plan says 0x%llx", what, (unsigned long long)seen,
                (unsigned long long)planned);
}

static void same_desc(const char *what, const uint32_t seen[2], uint64_t planned) {
  uint64_t v = (uint64_t)seen[1] << 32 | seen[0];
  if (v != planned)
    oracle_fail("boot-guest-gdt-vs-plan", "%s descriptor: the guest read %016llx, the plan wrote %016llx",
                what, (unsigned long long)v, (unsigned long long)planned);
}

/* A segment after the guest reloaded it, against the one handed to KVM. */
static void same_segment(const char *name, const struct pvh_segment *got, const struct pvh_segment *want) {
  char why[160];
  if (pvh_segment_diff(got, want, why, sizeof(why)) != 0)
    oracle_fail("boot-kvm-reloaded-segment",
                "%s reloaded from the loader's GDT differs from the state handed to KVM: %s", name, why);
}

void oracle_boot_run(const struct fb_layout *l, const struct pvh_plan *plan,
                     const struct pvhkvm_run_result *res, const struct fb_mailbox *mb,
                     const struct pvh_entry_state *end_state) {
  (void)l;
  if (res->end == PVHKVM_END_ENTRY_FAILED)
    oracle_fail("boot-kvm-entry-proof", "%s", res->entry_why);
  if (res->end != PVHKVM_END_EXIT_PORT) {
    char inv[64];
    snprintf(inv, sizeof(inv), "boot-guest-died-in-%s", fb_check_name(mb->stage));
    oracle_fail(inv, "the run ended %s (%s) with the checker at check '%s', %u failed so far",
                pvhkvm_end_name(res->end), res->message, fb_check_name(mb->stage), mb->failed);
  }
  if (mb->magic_out != FB_MAGIC_OUT)
    oracle_fail("boot-guest-no-report", "exit port value 0x%x without the mailbox's out magic (0x%x)",
                res->exit_value, mb->magic_out);
  if (res->exit_value != FB_VERDICT_OK) {
    char inv[64];
    snprintf(inv, sizeof(inv), "boot-guest-%s", fb_check_name(mb->first_fail));
    oracle_fail(inv, "the checker found '%s' wrong: saw 0x%x 0x%x 0x%x (failed mask 0x%x, verdict 0x%x)",
                fb_check_name(mb->first_fail), mb->detail[0], mb->detail[1], mb->detail[2], mb->failed,
                res->exit_value);
  }
  if (!res->entry_proved)
    oracle_fail("boot-kvm-entry-proof", "the run ended without a proved entry");

  /* What the guest saw against the plan. */
  const struct pvh_entry_state *e = &plan->entry;
  const struct pvh_load_report *r = &plan->report;
  same("boot-guest-vs-plan", "EIP at entry", mb->eip, e->rip);
  same("boot-guest-vs-plan", "EBX", mb->ebx, e->rbx);
  same("boot-guest-vs-plan", "start_info cmdline_paddr", mb->si_cmdline, r->cmdline_paddr);
  same("boot-guest-vs-plan", "start_info memmap_paddr", mb->si_memmap, r->memmap_paddr);
  same("boot-guest-vs-plan", "start_info nr_modules", mb->si_nr_modules, r->initramfs_size ? 1 : 0);
  if (r->initramfs_size) {
    same("boot-guest-vs-plan", "start_info modlist_paddr", mb->si_modlist, r->modlist_paddr);
    same("boot-guest-vs-plan", "module paddr", mb->mod_paddr, r->initramfs_paddr);
  }
  same("boot-guest-vs-plan", "GDTR base", mb->gdtr_base, e->gdt.base);
  same("boot-guest-vs-plan", "GDTR limit", mb->gdtr_limit, e->gdt.limit);
  same("boot-guest-vs-plan", "IDTR limit", mb->idtr_limit, e->idt.limit);
  same("boot-guest-vs-plan", "CS selector", mb->cs, e->cs.selector);
  same("boot-guest-vs-plan", "DS selector", mb->ds, e->ds.selector);
  same("boot-guest-vs-plan", "SS selector", mb->ss, e->ss.selector);
  same("boot-guest-vs-plan", "TR selector", mb->tr, e->tr.selector);
  same_desc("CS", mb->gdt_cs, plan->gdt[e->cs.selector >> 3]);
  same_desc("DS", mb->gdt_ds, plan->gdt[e->ds.selector >> 3]);
  same_desc("TR", mb->gdt_tr, plan->gdt[e->tr.selector >> 3]);
  if (mb->reloads != 6)
    oracle_fail("boot-guest-no-reload", "the checker reloaded %u selectors, not 6", mb->reloads);

  /* KVM's view after the reload: the hidden parts now come from the GDT's
   * bytes through the CPU, and must equal what the loader handed KVM. */
  same_segment("CS", &end_state->cs, &e->cs);
  same_segment("DS", &end_state->ds, &e->ds);
  same_segment("ES", &end_state->es, &e->es);
  same_segment("FS", &end_state->fs, &e->fs);
  same_segment("GS", &end_state->gs, &e->gs);
  same_segment("SS", &end_state->ss, &e->ss);
}
