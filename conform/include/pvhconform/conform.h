/* SPDX-License-Identifier: MIT */
/* pvhconform: what the PVH contract leaves open, chosen from a seed.
 *
 * The contract fixes EBX, CR0, CR4, EFER, the flat CS/DS/ES/SS, TR and
 * EFLAGS VM/IF/TF at the entry. Everything else is the VMM's choice, and a
 * conformant guest must boot whatever the VMM chooses. Each thing left open
 * is one *variation*, one row of CONFORM_VAR_LIST below (name, what it
 * varies, the facts behind it); its generator and how its value reads are
 * named after its id, and table.c makes the table of all four from the list.
 * A *case* holds a value for every variation and a mask of the ones that
 * are applied; the others keep pvhcheck's defaults. The same seed and
 * context always give the same case, and each variation draws from its own
 * stream, so turning one off (the shrinker does) leaves the others' values
 * as they were.
 *
 *   struct conform_ctx ctx = {...from a first plan of the kernel...};
 *   struct conform_case c;
 *   conform_case_generate(&ctx, seed, CONFORM_REALM_VMM, &c);
 *   conform_case_layout(&c, &ctx, &layout); conform_case_memmap(&c, &ctx, map, cap);
 *   ... apply (pvhconform/run.h), boot, judge ...
 *
 * Nothing here needs KVM: the unit tests check every generated value against
 * the ABI (conform_case_check). */
#ifndef PVHCONFORM_CONFORM_H
#define PVHCONFORM_CONFORM_H

#include <stddef.h>
#include <stdint.h>

#include "pvh/loader.h"

#ifdef __cplusplus
extern "C" {
#endif

/* THE table of variations: one row per thing the PVH contract leaves open,
 * in table order: X(id, name, what it varies, the facts behind it as
 * docs/conform.md words them). The enum below, the generator and describer
 * declarations (conform/internal.h) and the table (conform/table.c) are all
 * made from it, so a new variation is one row here, its generator and
 * describer in conform/gen_*.c (conform_gen_<id>, conform_desc_<id>), and,
 * when the loader does not apply it itself, a few lines in conform/apply.c. */
#define CONFORM_VAR_LIST(X)                                                                                        \
  X(CV_GPR, "gpr", "EAX ECX EDX ESI EDI EBP (and r8-r15 in the ABI realm)",                                        \
    "pvh.pandoc: every register but EBX is unspecified; QEMU's option ROM leaves its own values")                  \
  X(CV_ESP, "esp", "ESP: 0, a low stack, the kernel's first byte; ABI realm: any value",                           \
    "pvh.pandoc leaves ESP unspecified; Firecracker and cloud-hypervisor enter PVH with RSP 0")                    \
  X(CV_EFLAGS, "eflags",                                                                                           \
    "EFLAGS bits other than VM/IF/TF: DF and the arithmetic flags; ABI realm: IOPL NT AC ID",                      \
    "pvh.pandoc: VM, IF, TF must be clear, other bits unspecified")                                                \
  X(CV_SELECTORS, "selectors", "CS DS ES SS FS GS TR selector values (GDT indexes), hidden parts flat",            \
    "pvh.pandoc: selector values unspecified; Firecracker uses 0x8/0x10/0x18, QEMU's ROM 0x10/0x18")               \
  X(CV_GDTR, "gdtr", "where the GDT is and how far its limit goes",                                                \
    "pvh.pandoc: GDTR unspecified; Firecracker keeps its GDT at 0x500, pvhcheck at 0x1000")                        \
  X(CV_IDTR, "idtr", "IDTR: the real-mode IVT, empty; ABI realm: junk in RAM, any value",                          \
    "pvh.pandoc: IDTR unspecified; a guest must load its own before the first exception")                          \
  X(CV_RAM_JUNK, "ram-junk", "contents of RAM the loader does not write: a byte pattern or random bytes",          \
    "the ABI promises nothing about it; QEMU keeps RAM across a reset, so a rebooted guest sees the old contents") \
  X(CV_START_INFO_AT, "start-info-at", "where hvm_start_info goes",                                                \
    "any RAM below 4 GiB; Firecracker and cloud-hypervisor use 0x6000, pvhcheck 0x2000")                           \
  X(CV_MODLIST_AT, "modlist-at", "where the module list goes (moved away from start_info)",                        \
    "any RAM below 4 GiB; Firecracker and cloud-hypervisor put it right after start_info")                         \
  X(CV_MEMMAP_AT, "memmap-at", "where the memory map goes",                                                        \
    "any RAM below 4 GiB; Firecracker and cloud-hypervisor use 0x7000, pvhcheck 0x3000")                           \
  X(CV_CMDLINE_AT, "cmdline-at", "where the command line goes",                                                    \
    "any RAM below 4 GiB; Firecracker, cloud-hypervisor and QEMU use 0x20000")                                     \
  X(CV_INITRAMFS_AT, "initramfs-at", "where the initramfs goes: top of RAM, just above the kernel, between",       \
    "any RAM below 4 GiB clear of the kernel; Firecracker puts it at the top of low RAM")                          \
  X(CV_MEMMAP_ENTRIES, "memmap-entries",                                                                           \
    "how many memmap entries: 2 (no BIOS-area entry) up to 32; ABI realm: up to 4096",                             \
    "the ABI sets no cap; Firecracker gives 2 for a small VM, libpvh accepts 4096")                                \
  X(CV_MEMMAP_ORDER, "memmap-order", "the order of the memmap entries: reversed, shuffled, non-RAM first",         \
    "the ABI does not require a sorted map; QEMU with KVM lists its reserved identity-map page first")             \
  X(CV_MEMMAP_HOLES, "memmap-holes", "up to 4 ranges of RAM with no memmap entry",                                 \
    "a map need not cover RAM contiguously; QEMU and Firecracker leave the 32-bit MMIO gap out")                   \
  X(CV_MEMMAP_ISLANDS, "memmap-islands",                                                                           \
    "up to 4 reserved ranges inside RAM (ABI realm: ACPI, NVS, unusable, PMEM too)",                               \
    "entries of types 2-7 may sit anywhere; QEMU reserves ranges inside the map")                                  \
  X(CV_RSDP, "rsdp", "whether an RSDP is passed (with ACPI tables) or rsdp_paddr is 0",                            \
    "rsdp_paddr 0 means none; Firecracker before 1.8 passed none, QEMU microvm passes one")

enum conform_var {
#define CONFORM_X_ENUM(id, name, varies, doc) id,
  CONFORM_VAR_LIST(CONFORM_X_ENUM)
#undef CONFORM_X_ENUM
      CV__COUNT
};
#define CONFORM_ALL_VARS ((1u << CV__COUNT) - 1u)

/* Which values a generator may pick. VMM: what QEMU, Firecracker or
 * cloud-hypervisor do (docs/conform.md cites each). ABI: anything the PVH
 * ABI allows for a non-Xen VMM (start_info version 1), also what none of
 * them does. */
enum conform_realm { CONFORM_REALM_VMM = 0, CONFORM_REALM_ABI = 1 };

/* What the generators must know about the boot: from a plan of the kernel
 * with pvhcheck's defaults, before any variation. */
struct conform_ctx {
  uint64_t ram_size;
  uint64_t kernel_start, kernel_end; /* report.kernel_start/kernel_end */
  uint64_t cmdline_size;             /* bytes incl. the NUL; 0: none */
  uint64_t initramfs_size;           /* 0: none */
  int rsdp_default;                  /* the pipeline passes an RSDP unless told not to */
};

#define CONFORM_MAX_CUTS 8u      /* holes, islands */
#define CONFORM_GDT_MAX 32u      /* descriptors in a chosen GDT */
#define CONFORM_MEMMAP_MIN 2u    /* Firecracker's shape: low RAM and high RAM, nothing else */
#define CONFORM_MEMMAP_VMM 32u   /* more than any of the three VMMs gives */
#define CONFORM_MEMMAP_ABI 4096u /* libpvh's limit (PVH_MEMMAP_MAX_REGIONS) */
#define CONFORM_MEMMAP_AREA (CONFORM_MEMMAP_ABI * 24u) /* bytes a moved memmap reserves */

enum conform_order {
  CONFORM_ORDER_SORTED = 0,
  CONFORM_ORDER_REVERSED,
  CONFORM_ORDER_SHUFFLED,
  CONFORM_ORDER_RESERVED_FIRST
};
enum conform_junk { CONFORM_JUNK_ZERO = 0, CONFORM_JUNK_BYTE, CONFORM_JUNK_RANDOM };

struct conform_range {
  uint64_t addr, size;
  uint32_t type; /* islands: the map type; holes: 0 */
};

struct conform_case {
  uint64_t seed;
  enum conform_realm realm;
  uint32_t varied; /* bit (1u << enum conform_var) per applied variation */

  /* gpr: rax rcx rdx rsi rdi rbp (32-bit values), r8..r15 (64-bit: invisible
   * until the guest enters long mode, then stale) */
  uint64_t gpr[14];
  uint64_t esp;
  uint64_t rflags;
  /* selectors: GDT indexes (selector >> 3) of cs ds es ss fs gs tr */
  uint16_t sel[7];
  uint64_t gdt_paddr; /* gdtr: where the GDT goes; 0 = the loader's */
  uint16_t gdt_slack; /* gdtr: bytes of limit beyond the last descriptor */
  uint64_t idt_base;  /* idtr */
  uint16_t idt_limit;
  enum conform_junk junk;
  uint8_t junk_byte;
  uint64_t junk_seed;
  uint64_t start_info_paddr, modlist_paddr, memmap_paddr, cmdline_paddr;
  uint64_t initramfs_ceiling, initramfs_align;
  uint32_t memmap_entries; /* the count the map is split to (or cut down to) */
  uint64_t split_seed;     /* where the splits go */
  enum conform_order order;
  uint64_t order_seed;
  struct conform_range holes[CONFORM_MAX_CUTS];
  uint32_t nr_holes;
  struct conform_range islands[CONFORM_MAX_CUTS];
  uint32_t nr_islands;
  int rsdp; /* 1: pass an RSDP, 0: rsdp_paddr 0 */
};

/* One row of the table. */
struct conform_variation {
  enum conform_var id;
  const char *name;   /* "memmap-entries" */
  const char *varies; /* one line: what it varies */
  /* Draws this variation's value into c from its own stream. */
  void (*generate)(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream);
  /* Writes the chosen value for people ("ESP 0x0"). Returns the length. */
  int (*describe)(const struct conform_case *c, char *out, size_t cap);
  const char *doc; /* the facts behind it, as docs/conform.md words them */
};

/* The table, CV__COUNT rows in enum order. */
const struct conform_variation *conform_table(void);
const struct conform_variation *conform_variation_of(enum conform_var v);
const char *conform_var_name(enum conform_var v);
/* The variation named s, or -1. */
int conform_var_parse(const char *s);
/* "gpr,esp" -> mask; 0 and the mask, or -1 naming nothing/unknown. */
int conform_vars_parse(const char *list, uint32_t *mask);

/* A small deterministic generator (splitmix64): the same seed, the same values. */
struct conform_rng {
  uint64_t s;
};
void conform_rng_seed(struct conform_rng *r, uint64_t seed);
uint64_t conform_rng_next(struct conform_rng *r);
/* Uniform in [lo, hi] (inclusive); lo when hi <= lo. */
uint64_t conform_rng_range(struct conform_rng *r, uint64_t lo, uint64_t hi);

/* pvhcheck's defaults for everything (varied = 0). */
void conform_case_default(struct conform_case *c, const struct conform_ctx *ctx);
/* Every variation drawn from seed; varied = CONFORM_ALL_VARS. */
void conform_case_generate(const struct conform_ctx *ctx, uint64_t seed, enum conform_realm realm,
                           struct conform_case *c);

/* The loader layout for the case (defaults for what is not varied). */
void conform_case_layout(const struct conform_case *c, const struct conform_ctx *ctx, struct pvh_layout *out);
/* The memory map handed to the guest, before the order is applied (the
 * loader writes it sorted; conform reorders it in guest memory). Returns the
 * number of regions, 0 when cap is too small. */
size_t conform_case_memmap(const struct conform_case *c, const struct conform_ctx *ctx,
                           struct pvh_mem_region *out, size_t cap);
/* The order of the n entries as the guest sees them: perm[i] = index of the
 * sorted entry placed at position i. */
void conform_case_order(const struct conform_case *c, const struct pvh_mem_region *sorted, size_t n,
                        uint32_t *perm);

/* Whether every value of the varied fields is inside the ABI (and the realm):
 * 0, or -1 with the variation and value in why. The unit tests' oracle. */
int conform_case_check(const struct conform_case *c, const struct conform_ctx *ctx, char *why, size_t cap);

/* "selectors: cs 0x28 ...; esp: 0x0" for the varied ones, or "defaults". */
int conform_case_describe(const struct conform_case *c, uint32_t mask, char *out, size_t cap);

/* ---- Shrinking ---- */

/* Returns 1 when the case with only `mask` varied (and `level` for the
 * level variation, see below) still fails. */
typedef int (*conform_fails_fn)(void *ctx, uint32_t mask, uint32_t memmap_entries);
/* (mask: the variations applied; memmap_entries: the count to split the
 * map to when memmap-entries is among them.) */

struct conform_shrunk {
  uint32_t mask;           /* the smallest set found that still fails */
  uint32_t memmap_entries; /* when memmap-entries is in it: the smallest count that still fails */
  uint32_t memmap_pass;    /* and the largest that passes (0: not searched) */
  uint32_t runs;           /* how many times the predicate ran */
};

/* From a failing `mask`: first each variation alone, then dropping one at a
 * time (greedy, one pass), then, when memmap-entries remains and the count is
 * above the default, the smallest count that still fails (bisection). At most
 * about 2 * popcount(mask) + 13 calls. */
void conform_shrink(uint32_t mask, uint32_t memmap_entries, uint32_t default_entries, conform_fails_fn fails,
                    void *ctx, struct conform_shrunk *out);
/* "fails when: memmap-entries: ... -- memmap has more than 128 entries (129
 * fails, 128 passes)": the shrunk set with c's values. */
int conform_shrunk_describe(const struct conform_shrunk *s, const struct conform_case *c, char *out,
                            size_t cap);

#ifdef __cplusplus
}
#endif
#endif
