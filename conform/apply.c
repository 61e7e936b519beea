/* SPDX-License-Identifier: MIT */
/* Applying a case to one boot. The loader plans against the case's map and
 * layout (so libpvh itself validates where everything goes); the rest is
 * what a VMM does around the loader: the RAM it hands over, the order it
 * lists the map in, where it keeps the module list, its own GDT and
 * selectors, and the registers it leaves. */
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "internal.h"
#include "pvh/start_info.h"

#define ON(c, v) ((c)->varied & (1u << (v)))

static int fail(struct pvhkvm_error *err, const char *msg) {
  err->kind = PVHKVM_E_INVALID;
  err->sys_errno = 0;
  conform_fmt(err->message, sizeof(err->message), "conform: %s", msg);
  return -1;
}

/* Unpredictable but cheap: a 64 KiB random block, its first word changed per
 * copy, over all of RAM (512 MiB of Linux RAM in the TCG lab must not take
 * longer than the boot). */
static void fill_random(uint8_t *p, uint64_t len, uint64_t seed) {
  static uint8_t block[65536];
  struct conform_rng r;
  conform_rng_seed(&r, seed);
  for (size_t i = 0; i < sizeof(block); i += 8) {
    uint64_t v = conform_rng_next(&r);
    memcpy(block + i, &v, 8);
  }
  for (uint64_t off = 0, k = 0; off < len; off += sizeof(block), k++) {
    uint64_t n = len - off < sizeof(block) ? len - off : sizeof(block);
    uint64_t w = seed ^ (k * 0x9e3779b97f4a7c15ull);
    memcpy(block, &w, 8);
    memcpy(p + off, block, n);
  }
}

static int fill(void *ctx, struct pvhkvm_vm *vm, struct pvhkvm_error *err) {
  struct conform_apply *a = ctx;
  const struct conform_case *c = a->c;
  if (ON(c, CV_RAM_JUNK) && c->junk != CONFORM_JUNK_ZERO) {
    uint64_t ram = pvhkvm_vm_ram_size(vm);
    uint64_t low = ram < PVH_MMIO_HOLE_START ? ram : PVH_MMIO_HOLE_START;
    const uint64_t slots[2][2] = {{0, low}, {PVH_4G, ram - low}};
    for (int s = 0; s < 2; s++) {
      if (slots[s][1] == 0)
        continue;
      uint8_t *h = pvhkvm_vm_host(vm, slots[s][0], slots[s][1]);
      if (!h)
        return fail(err, "RAM to fill with junk is not backed");
      if (c->junk == CONFORM_JUNK_BYTE)
        memset(h, c->junk_byte, slots[s][1]);
      else
        fill_random(h, slots[s][1], c->junk_seed + (uint64_t)s);
    }
  }
  if (a->tables) {
    uint8_t *h = pvhkvm_vm_host(vm, a->tables_gpa, a->tables_len);
    if (!h)
      return fail(err, "no RAM behind the ACPI tables");
    memcpy(h, a->tables, a->tables_len);
  }
  return 0;
}

static int reorder_memmap(struct conform_apply *a, struct pvhkvm_vm *vm, const struct pvh_load_report *rep,
                          struct pvhkvm_error *err) {
  size_t n = rep->memmap_entries;
  struct hvm_memmap_table_entry *t = (struct hvm_memmap_table_entry *)(void *)pvhkvm_vm_host(
      vm, rep->memmap_paddr, n * sizeof(struct hvm_memmap_table_entry));
  struct hvm_memmap_table_entry *copy = malloc(n * sizeof(*copy) + 1);
  struct pvh_mem_region *regions = malloc(n * sizeof(*regions) + 1);
  uint32_t *perm = malloc(n * sizeof(*perm) + 1);
  int rc = 0;
  if (!t || !copy || !regions || !perm) {
    rc = fail(err, "cannot reorder the memmap (not backed, or out of memory)");
  } else {
    memcpy(copy, t, n * sizeof(*copy));
    for (size_t i = 0; i < n; i++) {
      regions[i].addr = copy[i].addr;
      regions[i].size = copy[i].size;
      regions[i].type = copy[i].type;
    }
    conform_case_order(a->c, regions, n, perm);
    for (size_t i = 0; i < n; i++)
      t[i] = copy[perm[i]];
  }
  free(copy);
  free(regions);
  free(perm);
  return rc;
}

/* The VMM keeps the module list elsewhere; the old spot is overwritten, so
 * a guest that looks beside start_info instead of at modlist_paddr sees junk. */
static int move_modlist(struct conform_apply *a, struct pvhkvm_vm *vm, const struct pvh_load_report *rep,
                        struct pvhkvm_error *err) {
  if (!rep->modlist_paddr || !a->c->modlist_paddr)
    return 0;
  struct hvm_start_info *si = (void *)pvhkvm_vm_host(vm, rep->start_info_paddr, sizeof(*si));
  uint8_t *from = pvhkvm_vm_host(vm, rep->modlist_paddr, sizeof(struct hvm_modlist_entry));
  uint8_t *to = pvhkvm_vm_host(vm, a->c->modlist_paddr, sizeof(struct hvm_modlist_entry));
  if (!si || !from || !to)
    return fail(err, "module list spot not backed");
  if (si->nr_modules == 0)
    return 0;
  memcpy(to, from, sizeof(struct hvm_modlist_entry));
  memset(from, 0xa5, sizeof(struct hvm_modlist_entry));
  si->modlist_paddr = a->c->modlist_paddr;
  return 0;
}

/* A GDT of the case's selectors, each descriptor encoding exactly the
 * segment KVM is given (hidden parts flat, as the contract asks). */
static int write_gdt(struct conform_apply *a, struct pvhkvm_vm *vm, const struct pvh_load_report *rep,
                     struct pvh_entry_state *e, struct pvhkvm_error *err) {
  const struct conform_case *c = a->c;
  static const uint16_t dflt[7] = {PVH_SEL_CS >> 3, PVH_SEL_DS >> 3, PVH_SEL_DS >> 3, PVH_SEL_DS >> 3,
                                   PVH_SEL_DS >> 3, PVH_SEL_DS >> 3, PVH_SEL_TR >> 3};
  const uint16_t *sel = ON(c, CV_SELECTORS) ? c->sel : dflt;
  uint64_t base = ON(c, CV_GDTR) && c->gdt_paddr ? c->gdt_paddr : rep->gdt_paddr;
  unsigned top = 0;
  for (int i = 0; i < 7; i++)
    top = sel[i] > top ? sel[i] : top;
  if (top >= CONFORM_GDT_MAX)
    return fail(err, "selector index beyond the GDT");
  uint64_t table[CONFORM_GDT_MAX];
  memset(table, 0, sizeof(table));
  struct pvh_segment *segs[7] = {&e->cs, &e->ds, &e->es, &e->ss, &e->fs, &e->gs, &e->tr};
  for (int i = 0; i < 7; i++) {
    table[sel[i]] = pvh_gdt_encode(segs[i]);
    segs[i]->selector = (uint16_t)(sel[i] << 3);
  }
  size_t bytes = ((size_t)top + 1) * 8;
  uint8_t *h = pvhkvm_vm_host(vm, base, bytes);
  if (!h)
    return fail(err, "GDT spot not backed");
  memcpy(h, table, bytes);
  e->gdt.base = base;
  e->gdt.limit = (uint16_t)(bytes - 1 + (ON(c, CV_GDTR) ? c->gdt_slack : 0));
  return 0;
}

static int choose(void *ctx, struct pvhkvm_vm *vm, const struct pvh_plan *plan, struct pvh_entry_state *e,
                  struct pvhkvm_error *err) {
  struct conform_apply *a = ctx;
  const struct conform_case *c = a->c;
  const struct pvh_load_report *rep = &plan->report;
  if (ON(c, CV_MEMMAP_ORDER) && reorder_memmap(a, vm, rep, err))
    return -1;
  if (ON(c, CV_MODLIST_AT) && move_modlist(a, vm, rep, err))
    return -1;
  if ((ON(c, CV_SELECTORS) || ON(c, CV_GDTR)) && write_gdt(a, vm, rep, e, err))
    return -1;
  if (ON(c, CV_IDTR)) {
    e->idt.base = c->idt_base;
    e->idt.limit = c->idt_limit;
  }
  if (ON(c, CV_GPR)) {
    uint64_t *regs[14] = {&e->rax, &e->rcx, &e->rdx, &e->rsi, &e->rdi, &e->rbp, &e->r8,
                          &e->r9,  &e->r10, &e->r11, &e->r12, &e->r13, &e->r14, &e->r15};
    for (int i = 0; i < 14; i++)
      *regs[i] = c->gpr[i];
  }
  if (ON(c, CV_ESP))
    e->rsp = c->esp;
  if (ON(c, CV_EFLAGS))
    e->rflags = c->rflags;
  return 0;
}

int conform_apply_init(struct conform_apply *a, const struct conform_case *c, const struct conform_ctx *ctx,
                       char *why, size_t cap) {
  memset(a, 0, sizeof(*a));
  a->c = c;
  a->ctx = ctx;
  size_t mcap = CONFORM_MEMMAP_ABI + 2 * CONFORM_MAX_CUTS + PVH_MEMMAP_STANDARD_MAX;
  a->map = calloc(mcap, sizeof(*a->map));
  if (!a->map) {
    conform_fmt(why, cap, "out of memory for the memory map");
    return -1;
  }
  a->nmap = conform_case_memmap(c, ctx, a->map, mcap);
  if (a->nmap == 0) {
    conform_fmt(why, cap, "no memory map for %llu bytes of RAM", (unsigned long long)ctx->ram_size);
    conform_apply_free(a);
    return -1;
  }
  conform_case_layout(c, ctx, &a->layout);
  a->open.layout = &a->layout;
  a->open.memmap = a->map;
  a->open.nr_memmap = a->nmap;
  a->open.fill = fill;
  a->open.choose = choose;
  a->open.ctx = a;
  return 0;
}

void conform_apply_free(struct conform_apply *a) {
  free(a->map);
  a->map = NULL;
}
