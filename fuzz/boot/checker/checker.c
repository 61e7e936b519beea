/* SPDX-License-Identifier: MIT */
/* fuzz_boot's checker: verifies from inside the guest everything the
 * generator promised in the mailbox, records what it saw, and reports with
 * one port write. Position-independent by construction: no globals, no
 * string literals, no jump tables (-fno-jump-tables); only the stack, the
 * mailbox at its fixed address and the addresses the promise and start_info
 * give. A check that faults (a bad GDT, a bad pointer) triple-faults the
 * guest, and the host names the check from `failed` and the run's end. */
#include <stdint.h>

#include "../mailbox.h"
#include "pvh/start_info.h"

struct entry_regs {
  uint32_t eip, eax, ebx, ecx, edx, esi, edi, ebp, eflags; /* as entry.S pushed them */
};

#define MB ((volatile struct fb_mailbox *)FB_MAILBOX_PADDR)

static void fail(enum fb_check c, uint32_t a, uint32_t b, uint32_t d) {
  if (MB->failed == 0) {
    MB->first_fail = c;
    MB->detail[0] = a;
    MB->detail[1] = b;
    MB->detail[2] = d;
  }
  MB->failed |= 1u << c;
}

static inline uint32_t rd32(uint32_t pa) { return *(const volatile uint32_t *)pa; }
static inline uint8_t rd8(uint32_t pa) { return *(const volatile uint8_t *)pa; }

static uint32_t hash_range(uint32_t pa, uint32_t n) { return fb_hash(FB_HASH_INIT, (const uint8_t *)pa, n); }

/* ---- the CPU as the loader left it ---- */

static void check_cpu(const struct entry_regs *r) {
  uint32_t cr0, cr4, lo, hi;
  __asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
  __asm__ volatile("movl %%cr4, %0" : "=r"(cr4));
  __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0000080u)); /* IA32_EFER */
  MB->eip = r->eip;
  MB->ebx = r->ebx;
  MB->eflags = r->eflags;
  MB->cr0 = cr0;
  MB->cr4 = cr4;
  MB->efer_lo = lo;
  MB->efer_hi = hi;
  if (r->eip != MB->entry)
    fail(FB_CHK_ENTRY_EIP, r->eip, MB->entry, 0);
  if (r->ebx != MB->start_info)
    fail(FB_CHK_EBX, r->ebx, MB->start_info, 0);
  const uint32_t CR0_ET = 1u << 4, EF_TF = 1u << 8, EF_IF = 1u << 9, EF_VM = 1u << 17;
  if ((cr0 & ~CR0_ET) != 1u || cr4 != 0 || lo != 0 || hi != 0 || !(r->eflags & 2u) ||
      (r->eflags & (EF_TF | EF_IF | EF_VM)))
    fail(FB_CHK_CPU, cr0, cr4, r->eflags);
}

/* ---- start_info and what it points to ---- */

static void check_start_info(const struct entry_regs *r) {
  const volatile struct hvm_start_info *si = (const volatile struct hvm_start_info *)r->ebx;
  if (si->magic != PVH_START_MAGIC || si->version != PVH_START_INFO_VERSION || si->flags != 0) {
    fail(FB_CHK_START_INFO, si->magic, si->version, si->flags);
    return; /* nothing else in it can be trusted */
  }
  uint32_t rsdp_lo = (uint32_t)si->rsdp_paddr, rsdp_hi = (uint32_t)(si->rsdp_paddr >> 32);
  if (rsdp_lo != MB->rsdp_lo || rsdp_hi != MB->rsdp_hi)
    fail(FB_CHK_RSDP, rsdp_lo, rsdp_hi, MB->rsdp_lo);

  uint64_t cl = si->cmdline_paddr;
  MB->si_cmdline = (uint32_t)cl;
  if (MB->cmdline_len == 0 && MB->cmdline_hash == 0) {
    if (cl != 0)
      fail(FB_CHK_CMDLINE, (uint32_t)cl, 0, 0);
  } else if (cl == 0 || (cl >> 32) != 0) {
    fail(FB_CHK_CMDLINE, (uint32_t)cl, (uint32_t)(cl >> 32), 1);
  } else {
    uint32_t len = 0, pa = (uint32_t)cl;
    while (len <= MB->cmdline_len && rd8(pa + len) != 0)
      len++;
    uint32_t h = hash_range(pa, MB->cmdline_len);
    if (len != MB->cmdline_len || h != MB->cmdline_hash)
      fail(FB_CHK_CMDLINE, len, h, MB->cmdline_len);
  }

  MB->si_nr_modules = si->nr_modules;
  MB->si_modlist = (uint32_t)si->modlist_paddr;
  if (MB->module_size == 0) {
    if (si->nr_modules != 0)
      fail(FB_CHK_MODULE, si->nr_modules, 0, 0);
  } else if (si->nr_modules != 1 || si->modlist_paddr == 0 || (si->modlist_paddr >> 32) != 0) {
    fail(FB_CHK_MODULE, si->nr_modules, (uint32_t)si->modlist_paddr, 1);
  } else {
    const volatile struct hvm_modlist_entry *m =
        (const volatile struct hvm_modlist_entry *)(uint32_t)si->modlist_paddr;
    MB->mod_paddr = (uint32_t)m->paddr;
    MB->mod_size = (uint32_t)m->size;
    if ((m->paddr >> 32) != 0 || m->size != MB->module_size || m->cmdline_paddr != 0 || m->reserved != 0)
      fail(FB_CHK_MODULE, (uint32_t)m->paddr, (uint32_t)m->size, 2);
    else if (hash_range((uint32_t)m->paddr, MB->module_size) != MB->module_hash)
      fail(FB_CHK_MODULE, (uint32_t)m->paddr, hash_range((uint32_t)m->paddr, MB->module_size), 3);
  }

  MB->si_memmap = (uint32_t)si->memmap_paddr;
  if (si->memmap_entries != MB->memmap_entries || si->memmap_paddr == 0 || (si->memmap_paddr >> 32) != 0)
    fail(FB_CHK_MEMMAP, si->memmap_entries, (uint32_t)si->memmap_paddr, MB->memmap_entries);
  else if (hash_range((uint32_t)si->memmap_paddr, MB->memmap_entries * 24u) != MB->memmap_hash)
    fail(FB_CHK_MEMMAP, si->memmap_entries, hash_range((uint32_t)si->memmap_paddr, MB->memmap_entries * 24u),
         1);
}

/* ---- the kernel's own segments ---- */

static void check_segments(void) {
  for (uint32_t i = 0; i < MB->nr_segs; i++) {
    uint32_t pa = MB->segs[i].paddr, filesz = MB->segs[i].filesz, memsz = MB->segs[i].memsz;
    uint32_t h = hash_range(pa, filesz);
    if (h != MB->segs[i].hash)
      fail(FB_CHK_SEG_BYTES, i, pa, h);
    for (uint32_t off = filesz; off < memsz; off++)
      if (rd8(pa + off) != 0) {
        fail(FB_CHK_SEG_BSS, i, pa + off, rd8(pa + off));
        break;
      }
  }
}

/* ---- the GDT the loader wrote, read and then used ---- */

struct desc {
  uint32_t lo, hi;
};

static uint16_t sel_cs(void) {
  uint16_t s;
  __asm__ volatile("movw %%cs, %0" : "=r"(s));
  return s;
}

/* The descriptor `sel` names in the GDT at base/limit; 0 when it cannot. */
static int read_desc(uint32_t base, uint16_t limit, uint16_t sel, struct desc *d) {
  if ((sel & 4) || (sel & ~7u) == 0 || (uint32_t)(sel & ~7u) + 7u > limit)
    return 0;
  d->lo = rd32(base + (sel & ~7u));
  d->hi = rd32(base + (sel & ~7u) + 4);
  return 1;
}

/* Flat 4 GiB, present, DPL 0, 32-bit, S=1, of the given kind. */
static int flat(const struct desc *d, int code) {
  uint32_t base = (d->lo >> 16) | ((d->hi & 0xff) << 16) | (d->hi & 0xff000000u);
  uint32_t limit = (d->lo & 0xffff) | (d->hi & 0x000f0000u);
  uint32_t type = (d->hi >> 8) & 0xf, s = (d->hi >> 12) & 1, dpl = (d->hi >> 13) & 3, p = (d->hi >> 15) & 1;
  uint32_t l = (d->hi >> 21) & 1, db = (d->hi >> 22) & 1, g = (d->hi >> 23) & 1;
  int kind = code ? (type & 0xa) == 0xa : (type & 0xa) == 0x2; /* code+readable, or data+writable */
  return base == 0 && limit == 0xfffff && g && kind && s && dpl == 0 && p && !l && db;
}

static void check_gdt(void) {
  struct {
    uint16_t limit;
    uint32_t base;
  } __attribute__((packed)) gdtr, idtr;
  __asm__ volatile("sgdt %0" : "=m"(gdtr));
  __asm__ volatile("sidt %0" : "=m"(idtr));
  uint16_t ds, es, fs, gs, ss, tr, ldtr;
  __asm__ volatile("movw %%ds, %0" : "=r"(ds));
  __asm__ volatile("movw %%es, %0" : "=r"(es));
  __asm__ volatile("movw %%fs, %0" : "=r"(fs));
  __asm__ volatile("movw %%gs, %0" : "=r"(gs));
  __asm__ volatile("movw %%ss, %0" : "=r"(ss));
  __asm__ volatile("str %0" : "=r"(tr));
  __asm__ volatile("sldt %0" : "=r"(ldtr));
  MB->cs = sel_cs();
  MB->ds = ds, MB->es = es, MB->fs = fs, MB->gs = gs, MB->ss = ss, MB->tr = tr, MB->ldtr = ldtr;
  MB->gdtr_limit = gdtr.limit, MB->gdtr_base = gdtr.base;
  MB->idtr_limit = idtr.limit, MB->idtr_base = idtr.base;

  struct desc d = {0, 0};
  if (!read_desc(gdtr.base, gdtr.limit, MB->cs, &d) || !flat(&d, 1)) {
    fail(FB_CHK_GDT, MB->cs, d.lo, d.hi);
    return;
  }
  MB->gdt_cs[0] = d.lo, MB->gdt_cs[1] = d.hi;
  uint16_t data[5] = {ds, es, fs, gs, ss};
  for (int i = 0; i < 5; i++) {
    if (!read_desc(gdtr.base, gdtr.limit, data[i], &d) || !flat(&d, 0)) {
      fail(FB_CHK_GDT, data[i], d.lo, d.hi);
      return;
    }
    if (i == 0)
      MB->gdt_ds[0] = d.lo, MB->gdt_ds[1] = d.hi;
  }
  /* TR: a busy 32-bit TSS (type 0xb, S=0, present), base 0, limit 0x67. */
  if (!read_desc(gdtr.base, gdtr.limit, tr, &d) || (d.hi & 0x9f00u) != 0x8b00u || (d.lo & 0xffff) != 0x67 ||
      (d.lo >> 16) != 0 || (d.hi & 0xff0000ffu) != 0 || (d.hi & 0x000f0000u) != 0) {
    fail(FB_CHK_GDT, tr, d.lo, d.hi);
    return;
  }
  MB->gdt_tr[0] = d.lo, MB->gdt_tr[1] = d.hi;
}

/* Loads every selector again, so the CPU takes the hidden parts from the
 * GDT's bytes instead of from what KVM was told. A descriptor the CPU
 * refuses faults here (no IDT: a triple fault the host sees); one it accepts
 * with a wrong base or limit shows in the reads and writes after it. */
static void reload_selectors(void) {
  if (MB->failed & (1u << FB_CHK_GDT))
    return; /* a refused descriptor would only hide the first failure */
  __asm__ volatile("movw %%ds, %%ax\n\tmovw %%ax, %%ds\n\t"
                   "movw %%es, %%ax\n\tmovw %%ax, %%es\n\t"
                   "movw %%fs, %%ax\n\tmovw %%ax, %%fs\n\t"
                   "movw %%gs, %%ax\n\tmovw %%ax, %%gs\n\t"
                   "movw %%ss, %%ax\n\tmovw %%ax, %%ss" ::
                       : "eax", "memory");
  /* CS through a far return to the next instruction, found PC-relative. */
  __asm__ volatile("xorl %%eax, %%eax\n\tmovw %%cs, %%ax\n\tpushl %%eax\n\t"
                   "call 1f\n1:\taddl $(2f - 1b), (%%esp)\n\tlret\n2:" ::
                       : "eax", "memory");
  MB->reloads = 6;
  /* Through the reloaded DS and SS: the mailbox (a wrong base misses it),
   * the highest byte the generator names (a short limit faults). */
  volatile uint32_t on_stack = MB->entry;
  if (on_stack != MB->entry || rd8(MB->probe_addr) != rd8(MB->probe_addr))
    fail(FB_CHK_RELOAD, on_stack, MB->entry, 0);
  uint32_t seen;
  __asm__ volatile("movl %%es:(%1), %0" : "=r"(seen) : "r"(FB_MAILBOX_PADDR) : "memory");
  if (seen != FB_MAGIC_IN)
    fail(FB_CHK_RELOAD, seen, 0, 1);
}

static void report(void) {
  MB->magic_out = FB_MAGIC_OUT;
  uint32_t v = MB->failed ? FB_VERDICT_FAIL | MB->first_fail : FB_VERDICT_OK;
  __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"((uint16_t)FB_REPORT_PORT) : "memory");
}

void checker_main(const struct entry_regs *r);
void checker_main(const struct entry_regs *r) {
  MB->failed = 0;
  MB->first_fail = FB_CHK_COUNT;
  MB->stage = FB_CHK_MAILBOX;
  if (MB->magic_in != FB_MAGIC_IN || MB->nr_segs > FB_MAX_SEGS) {
    fail(FB_CHK_MAILBOX, MB->magic_in, MB->nr_segs, 0);
    report();
    return;
  }
  MB->stage = FB_CHK_CPU;
  check_cpu(r);
  MB->stage = FB_CHK_START_INFO;
  check_start_info(r);
  MB->stage = FB_CHK_SEG_BYTES;
  check_segments();
  MB->stage = FB_CHK_GDT;
  check_gdt();
  MB->stage = FB_CHK_RELOAD;
  reload_selectors();
  MB->stage = FB_CHK_COUNT;
  report();
}
