/* SPDX-License-Identifier: MIT */
/* THE table of variations: one row per thing the PVH contract leaves open.
 * A new variation is one row here, one enum entry in CONFORM_VAR_LIST, a
 * generator and a description (gen_*.c), and where it is applied (apply.c).
 * docs/conform.md has the same rows with their sources. */
#include <string.h>

#include "internal.h"

#define ROW(id, nm, what, doc)                                                                               \
  { id, nm, what, conform_gen_##id, conform_desc_##id, doc }

static const struct conform_variation table[CV__COUNT] = {
    ROW(CV_GPR, "gpr", "EAX ECX EDX ESI EDI EBP (and r8-r15 in the ABI realm)",
        "pvh.pandoc: every register but EBX is unspecified; QEMU's option ROM leaves its own values"),
    ROW(CV_ESP, "esp", "ESP: 0, a low stack, the kernel's first byte; ABI realm: any value",
        "pvh.pandoc leaves ESP unspecified; Firecracker and cloud-hypervisor enter PVH with RSP 0"),
    ROW(CV_EFLAGS, "eflags",
        "EFLAGS bits other than VM/IF/TF: DF and the arithmetic flags; ABI realm: IOPL NT AC ID",
        "pvh.pandoc: VM, IF, TF must be clear, other bits unspecified"),
    ROW(CV_SELECTORS, "selectors", "CS DS ES SS FS GS TR selector values (GDT indexes), hidden parts flat",
        "pvh.pandoc: selector values unspecified; Firecracker uses 0x8/0x10/0x18, QEMU's ROM 0x10/0x18"),
    ROW(CV_GDTR, "gdtr", "where the GDT is and how far its limit goes",
        "pvh.pandoc: GDTR unspecified; Firecracker keeps its GDT at 0x500, pvhcheck at 0x1000"),
    ROW(CV_IDTR, "idtr", "IDTR: the real-mode IVT, empty; ABI realm: junk in RAM, any value",
        "pvh.pandoc: IDTR unspecified; a guest must load its own before the first exception"),
    ROW(CV_RAM_JUNK, "ram-junk", "contents of RAM the loader does not write: a byte pattern or random bytes",
        "the ABI promises nothing about it; QEMU keeps RAM across a reset, so a rebooted guest sees the old contents"),
    ROW(CV_START_INFO_AT, "start-info-at", "where hvm_start_info goes",
        "any RAM below 4 GiB; Firecracker and cloud-hypervisor use 0x6000, pvhcheck 0x2000"),
    ROW(CV_MODLIST_AT, "modlist-at", "where the module list goes (moved away from start_info)",
        "any RAM below 4 GiB; Firecracker and cloud-hypervisor put it right after start_info"),
    ROW(CV_MEMMAP_AT, "memmap-at", "where the memory map goes",
        "any RAM below 4 GiB; Firecracker and cloud-hypervisor use 0x7000, pvhcheck 0x3000"),
    ROW(CV_CMDLINE_AT, "cmdline-at", "where the command line goes",
        "any RAM below 4 GiB; Firecracker, cloud-hypervisor and QEMU use 0x20000"),
    ROW(CV_INITRAMFS_AT, "initramfs-at",
        "where the initramfs goes: top of RAM, just above the kernel, between",
        "any RAM below 4 GiB clear of the kernel; Firecracker puts it at the top of low RAM"),
    ROW(CV_MEMMAP_ENTRIES, "memmap-entries",
        "how many memmap entries: 2 (no BIOS-area entry) up to 32; ABI realm: up to 4096",
        "the ABI sets no cap; Firecracker gives 2 for a small VM, libpvh accepts 4096"),
    ROW(CV_MEMMAP_ORDER, "memmap-order", "the order of the memmap entries: reversed, shuffled, non-RAM first",
        "the ABI does not require a sorted map; QEMU with KVM lists its reserved identity-map page first"),
    ROW(CV_MEMMAP_HOLES, "memmap-holes", "up to 4 ranges of RAM with no memmap entry",
        "a map need not cover RAM contiguously; QEMU and Firecracker leave the 32-bit MMIO gap out"),
    ROW(CV_MEMMAP_ISLANDS, "memmap-islands",
        "up to 4 reserved ranges inside RAM (ABI realm: ACPI, NVS, unusable, PMEM too)",
        "entries of types 2-7 may sit anywhere; QEMU reserves ranges inside the map"),
    ROW(CV_RSDP, "rsdp", "whether an RSDP is passed (with ACPI tables) or rsdp_paddr is 0",
        "rsdp_paddr 0 means none; Firecracker before 1.8 passed none, QEMU microvm passes one"),
};

const struct conform_variation *conform_table(void) { return table; }

const struct conform_variation *conform_variation_of(enum conform_var v) {
  return (unsigned)v < CV__COUNT ? &table[v] : NULL;
}

const char *conform_var_name(enum conform_var v) {
  return (unsigned)v < CV__COUNT ? table[v].name : "unknown";
}

int conform_var_parse(const char *s) {
  for (unsigned i = 0; i < CV__COUNT; i++)
    if (!strcmp(s, table[i].name))
      return (int)i;
  return -1;
}

int conform_vars_parse(const char *list, uint32_t *mask) {
  uint32_t m = 0;
  char name[64];
  for (const char *p = list; *p;) {
    size_t n = strcspn(p, ",");
    if (n == 0 || n >= sizeof(name))
      return -1;
    memcpy(name, p, n);
    name[n] = '\0';
    int v = !strcmp(name, "all") ? -2 : conform_var_parse(name);
    if (v == -1)
      return -1;
    m |= v == -2 ? CONFORM_ALL_VARS : 1u << v;
    p += n;
    if (*p == ',')
      p++;
  }
  if (!m)
    return -1;
  *mask = m;
  return 0;
}

void conform_case_default(struct conform_case *c, const struct conform_ctx *ctx) {
  memset(c, 0, sizeof(*c));
  c->rflags = PVH_RFLAGS_FIXED;
  static const uint16_t sel[7] = {PVH_SEL_CS >> 3, PVH_SEL_DS >> 3, PVH_SEL_DS >> 3, PVH_SEL_DS >> 3,
                                  PVH_SEL_DS >> 3, PVH_SEL_DS >> 3, PVH_SEL_TR >> 3};
  memcpy(c->sel, sel, sizeof(sel));
  c->initramfs_ceiling = PVH_GUEST_INITRAMFS_CEILING;
  c->initramfs_align = PVH_GUEST_INITRAMFS_ALIGN;
  c->memmap_entries = 0;
  c->rsdp = ctx->rsdp_default;
}

/* Each variation's stream: the seed mixed with its index, so one variation's
 * values do not depend on how many numbers another one drew. */
static uint64_t stream_of(uint64_t seed, unsigned v) {
  struct conform_rng r;
  conform_rng_seed(&r, seed ^ (0xa0761d6478bd642full * (v + 1)));
  return conform_rng_next(&r);
}

void conform_case_generate(const struct conform_ctx *ctx, uint64_t seed, enum conform_realm realm,
                           struct conform_case *c) {
  conform_case_default(c, ctx);
  c->seed = seed;
  c->realm = realm;
  for (unsigned v = 0; v < CV__COUNT; v++)
    table[v].generate(c, ctx, stream_of(seed, v));
  c->varied = CONFORM_ALL_VARS;
}

void conform_case_layout(const struct conform_case *c, const struct conform_ctx *ctx, struct pvh_layout *l) {
  pvh_layout_default(l);
  /* A map split beyond the default area grows it in place (it has room up
   * to the command line's default spot). */
  uint64_t need = (uint64_t)CONFORM_MEMMAP_ABI * sizeof(struct hvm_memmap_table_entry);
  if ((c->varied & (1u << CV_MEMMAP_ENTRIES)) && need > l->memmap_size)
    l->memmap_size = need;
  if ((c->varied & (1u << CV_START_INFO_AT)) && c->start_info_paddr)
    l->start_info_paddr = c->start_info_paddr;
  if ((c->varied & (1u << CV_MEMMAP_AT)) && c->memmap_paddr) {
    l->memmap_paddr = c->memmap_paddr;
    l->memmap_size = CONFORM_MEMMAP_AREA;
  }
  if ((c->varied & (1u << CV_CMDLINE_AT)) && c->cmdline_paddr) {
    l->cmdline_paddr = c->cmdline_paddr;
    l->cmdline_size = conform_cmdline_area(ctx);
  }
  if (c->varied & (1u << CV_INITRAMFS_AT)) {
    l->initramfs_ceiling = c->initramfs_ceiling;
    l->initramfs_align = c->initramfs_align;
  }
}

int conform_case_describe(const struct conform_case *c, uint32_t mask, char *out, size_t cap) {
  int n = 0;
  for (unsigned v = 0; v < CV__COUNT; v++) {
    if (!(mask & (1u << v)))
      continue;
    n += conform_fmt(out + n, cap - (size_t)n, "%s%s: ", n ? "; " : "", table[v].name);
    n += table[v].describe(c, out + n, cap - (size_t)n);
  }
  if (n == 0)
    n = conform_fmt(out, cap, "defaults");
  return n;
}
