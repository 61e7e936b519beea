/* SPDX-License-Identifier: MIT */
/* The self-test guest: checks, from inside, everything the PVH boot contract
 * promises, keeps its report in a mailbox in memory (mailbox.h) and writes
 * the verdict to the exit port (0 only when every check held): one exit for
 * the whole run. On the UART it prints only what went wrong, the CPUID
 * leaves and the RESULT line; every check and note with pvhtest.verbose on
 * the command line. What the host expects (initramfs CRC, command line
 * length) arrives only through the PVH command line, so passing also proves
 * that channel.
 *
 * It depends on nothing the contract leaves open: not ESP (its own stack),
 * DF, the other EFLAGS bits, the selector values, GDTR or IDTR (read, never
 * trusted to be anywhere), what RAM holds outside what the loader wrote,
 * where start_info and its tables are, or the memory map's order, split and
 * size (up to libpvh's 4096 entries). */
#include <stdarg.h>
#include <stdint.h>

#include "io.h"
#include "lib.h"
#include "mailbox.h"
#include "regs.h"

#define PVH_MAGIC 0x336ec578u
/* The ABI caps neither; these are far beyond what a loader gives (libpvh:
 * 4096 regions, a command line as large as its layout allows). */
#define CMDLINE_MAX (1u << 20)
#ifdef PVHTEST_FRAGILE
/* The planted guest pvhcheck conform's tests shrink (pvhtest-elf64-fragile):
 * it makes two assumptions real guests have made, a small fixed memmap
 * buffer and a sorted map. Never a shape the boot tests run. */
#define MEMMAP_MAX 128u
#else
#define MEMMAP_MAX 4096u
#endif
#define PVHTEST_EXIT_FAIL 1u

struct start_info {
  uint32_t magic, version, flags, nr_modules;
  uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
  uint32_t memmap_entries, reserved;
};
struct modlist_entry {
  uint64_t paddr, size, cmdline_paddr, reserved;
};
struct memmap_entry {
  uint64_t addr, size;
  uint32_t type, reserved;
};
_Static_assert(sizeof(struct start_info) == 56, "start_info");
_Static_assert(sizeof(struct memmap_entry) == 24, "memmap entry");

/* Linker-script symbols: the ranges this kernel occupies. */
extern char __text_start[], __text_end[], __data_start[], __data_end[];
extern char __bss_start[], __bss_end[], __stack_top[];

/* Touched by nothing before the BSS check. Large enough that a loader which
 * zeroes only a page of it is caught. */
static volatile uint8_t bss_probe[65536];

static unsigned n_checks, n_failed, n_waived, n_skipped;

/* In .data, so it can be written before the BSS is checked. */
__attribute__((section(".data.mailbox"),
               aligned(PVHTEST_MAILBOX_ALIGN))) static volatile struct pvhtest_mailbox mailbox = {
    .first_failed_group = PVHTEST_G__COUNT};

/* pvhtest.verbose: every check and note on the UART, not only failures. */
__attribute__((section(".data.verbose"))) static int verbose = 0;

static void group_begin(enum pvhtest_group g) { mailbox.group = g; }
static void group_end(enum pvhtest_group g) { mailbox.groups_done |= 1u << g; }

/* Known deviations of a peer can be waived by name on the command line
 * (pvhtest.allow=tr-null,memmap-empty). A waived check still prints, as
 * WAIVED, so the report says exactly where the handoff broke the contract. */
enum {
  W_TR_NULL = 1u << 0,      /* TR not loaded (QEMU microvm's firmware) */
  W_MEMMAP_EMPTY = 1u << 1, /* zero-size entries counted in memmap_entries */
};
static unsigned waivers;

/* Checks the host says it cannot run (pvhtest.skip=lar-lsl): kvm-pvm cannot
 * emulate LAR/LSL, so executing them would end the run. A skipped check is
 * never counted as passed: it prints as "not checked" with the reason and the
 * RESULT line counts it. */
enum {
  S_LAR_LSL = 1u << 0,
};
static unsigned skips;

static void not_checked(const char *reason, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void not_checked(const char *reason, const char *fmt, ...) {
  va_list ap;
  n_skipped++;
  mailbox.skipped = n_skipped;
  gprintf("pvhtest: not checked ");
  va_start(ap, fmt);
  gvprintf(fmt, ap);
  va_end(ap);
  gprintf(" (%s)\n", reason);
}

static void vcheck(int ok, unsigned waiver, const char *fmt, va_list ap) {
  const char *tag = ok ? "ok  " : "FAIL";
  n_checks++;
  if (!ok && (waivers & waiver)) {
    tag = "WAIVED";
    n_waived++;
  } else if (!ok) {
    n_failed++;
    if (n_failed == 1) {
      va_list copy;
      va_copy(copy, ap);
      gcapture((char *)mailbox.first_failure, PVHTEST_MAILBOX_TEXT);
      gvprintf(fmt, copy);
      gcapture(0, 0);
      va_end(copy);
      mailbox.first_failed_group = mailbox.group;
    }
  }
  mailbox.checks = n_checks;
  mailbox.failed = n_failed;
  mailbox.waived = n_waived;
  if (ok && !verbose)
    return;
  gprintf("pvhtest: %s ", tag);
  gvprintf(fmt, ap);
  gprintf("\n");
}

static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vcheck(ok, 0, fmt, ap);
  va_end(ap);
}

static void check_w(int ok, unsigned waiver, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void check_w(int ok, unsigned waiver, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vcheck(ok, waiver, fmt, ap);
  va_end(ap);
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...) {
  va_list ap;
  if (!verbose)
    return;
  gprintf("pvhtest: info ");
  va_start(ap, fmt);
  gvprintf(fmt, ap);
  va_end(ap);
  gprintf("\n");
}

static void *phys(uint64_t pa) { return (void *)(uintptr_t)(uint32_t)pa; }

/* ---- BSS ---- */

struct bss_scan {
  uint32_t len, bad, first;
};

/* Before anything writes the BSS; reported later by check_bss, once the
 * options (which live in .data) are read. */
static struct bss_scan scan_bss(void) {
  /* Scan as bytes through a volatile pointer so nothing is optimised away. */
  const volatile uint8_t *p = (const volatile uint8_t *)__bss_start;
  struct bss_scan s = {(uint32_t)(__bss_end - __bss_start), 0, 0};
  for (uint32_t i = 0; i < s.len; i++)
    if (p[i] && !s.bad++)
      s.first = i;
  return s;
}

static void check_bss(struct bss_scan s) {
  const volatile uint8_t *p = (const volatile uint8_t *)__bss_start;
  uint32_t len = s.len, bad = s.bad, first = s.first;
  check(bad == 0, "bss zeroed [0x%x, 0x%x) %u bytes%s", (unsigned)(uintptr_t)__bss_start,
        (unsigned)(uintptr_t)__bss_end, len, bad ? " -- not zero" : "");
  if (bad)
    note("bss: %u nonzero bytes, first at +0x%x (0x%x)", bad, first, p[first]);
  (void)bss_probe[0];
}

/* ---- Registers ---- */

static void check_regs(const struct entry_regs *r) {
  const uint32_t CR0_PE = 1u << 0, CR0_ET = 1u << 4, CR0_PG = 1u << 31;
  check((r->cr0 & ~CR0_ET) == CR0_PE, "cr0 0x%08x: PE set, every other writable bit clear (ET may read 1)%s",
        r->cr0, (r->cr0 & CR0_PG) ? " -- PG set" : "");
  check(r->cr4 == 0, "cr4 0x%08x == 0", r->cr4);
  check(r->efer_lo == 0 && r->efer_hi == 0, "efer 0x%08x%08x == 0 (no long mode)", r->efer_hi, r->efer_lo);
  const uint32_t F_TF = 1u << 8, F_IF = 1u << 9, F_VM = 1u << 17, F_FIXED = 1u << 1;
  check((r->eflags & F_FIXED) && !(r->eflags & (F_TF | F_IF | F_VM)),
        "eflags 0x%08x: bit 1 set; VM, IF, TF clear", r->eflags);
  note("eax 0x%08x ebx 0x%08x ecx 0x%08x edx 0x%08x esi 0x%08x edi 0x%08x esp 0x%08x ebp 0x%08x", r->eax,
       r->ebx, r->ecx, r->edx, r->esi, r->edi, r->esp, r->ebp);
  note("cr3 0x%08x (unused: paging off)", r->cr3);
}

/* ---- Segments, read through the GDT the guest was handed ---- */

struct desc {
  uint32_t base, limit; /* limit in bytes, granularity applied */
  unsigned type, s, dpl, p, avl, l, db, g;
};

static struct desc decode(uint64_t d) {
  struct desc x;
  uint32_t raw_limit = (uint32_t)(d & 0xffff) | (uint32_t)((d >> 32) & 0xf0000);
  x.base = (uint32_t)((d >> 16) & 0xffffff) | (uint32_t)(((d >> 56) & 0xff) << 24);
  x.type = (unsigned)(d >> 40) & 0xf;
  x.s = (unsigned)(d >> 44) & 1;
  x.dpl = (unsigned)(d >> 45) & 3;
  x.p = (unsigned)(d >> 47) & 1;
  x.avl = (unsigned)(d >> 52) & 1;
  x.l = (unsigned)(d >> 53) & 1;
  x.db = (unsigned)(d >> 54) & 1;
  x.g = (unsigned)(d >> 55) & 1;
  x.limit = x.g ? (raw_limit << 12) | 0xfff : raw_limit;
  return x;
}

/* Reads the descriptor for sel from the live GDT; 0 if the selector does not
 * index a GDT entry. */
static int gdt_read(const struct entry_regs *r, uint16_t sel, uint64_t *out) {
  if (sel & 4) /* TI: LDT */
    return 0;
  uint32_t off = sel & ~7u;
  if (off == 0 || off + 7 > r->gdtr.limit)
    return 0;
  memcpy(out, (const uint8_t *)phys(r->gdtr.base) + off, 8);
  return 1;
}

enum seg_kind { SEG_CODE, SEG_DATA };

static void check_flat(const struct entry_regs *r, const char *name, uint16_t sel, enum seg_kind kind,
                       int null_ok) {
  uint64_t raw;
  if (sel == 0 && null_ok) {
    note("%s selector 0 (null; the contract does not require %s)", name, name);
    return;
  }
  if (!gdt_read(r, sel, &raw)) {
    check(0, "%s selector 0x%x indexes the GDT (limit 0x%x)", name, sel, r->gdtr.limit);
    return;
  }
  struct desc d = decode(raw);
  int type_ok = kind == SEG_CODE ? (d.type & 0xa) == 0xa  /* code, readable */
                                 : (d.type & 0xa) == 0x2; /* data, writable */
  check(d.p && d.s && d.dpl == 0 && type_ok && d.db && !d.l && d.base == 0 && d.limit == 0xffffffffu &&
            (sel & 3) == 0,
        "%s sel 0x%x desc 0x%08x%08x: %s, 32-bit, base 0x%x limit 0x%x type 0x%x dpl %u", name, sel,
        (uint32_t)(raw >> 32), (uint32_t)raw, kind == SEG_CODE ? "code r/x" : "data r/w", d.base, d.limit,
        d.type, d.dpl);
  if (skips & S_LAR_LSL) {
    not_checked("pvhtest.skip=lar-lsl: this KVM cannot emulate LAR/LSL", "%s lar/lsl agree with the GDT",
                name);
    return;
  }
  uint32_t ar = 0, lim = 0;
  int ok = lar(sel, &ar) && lsl(sel, &lim);
  check(ok && lim == d.limit && ((ar >> 8) & 0xff) == (uint32_t)((raw >> 40) & 0xff),
        "%s lar/lsl agree with the GDT (lar 0x%x lsl 0x%x)", name, ar, lim);
}

static void check_segments(const struct entry_regs *r) {
  note("gdtr base 0x%x limit 0x%x, idtr base 0x%x limit 0x%x", r->gdtr.base, r->gdtr.limit, r->idtr.base,
       r->idtr.limit);
  note("selectors cs 0x%x ds 0x%x es 0x%x ss 0x%x fs 0x%x gs 0x%x tr 0x%x ldtr 0x%x", r->cs, r->ds, r->es,
       r->ss, r->fs, r->gs, r->tr, r->ldtr);
  check_flat(r, "cs", r->cs, SEG_CODE, 0);
  check_flat(r, "ds", r->ds, SEG_DATA, 0);
  check_flat(r, "es", r->es, SEG_DATA, 0);
  check_flat(r, "ss", r->ss, SEG_DATA, 0);
  /* The Xen contract names only cs/ds/es/ss; FS/GS may be null. If they are
   * loaded they must be flat data like the others. */
  check_flat(r, "fs", r->fs, SEG_DATA, 1);
  check_flat(r, "gs", r->gs, SEG_DATA, 1);

  uint64_t raw;
  if (!gdt_read(r, r->tr, &raw)) {
    check_w(0, r->tr == 0 ? W_TR_NULL : 0,
            "tr selector 0x%x indexes the GDT (limit 0x%x): a 32-bit busy TSS is required", r->tr,
            r->gdtr.limit);
    return;
  }
  struct desc d = decode(raw);
  check(d.p && !d.s && d.type == 0xb && d.base == 0 && d.limit == 0x67,
        "tr sel 0x%x desc 0x%08x%08x: 32-bit busy TSS (type 0x%x), base 0x%x limit 0x%x", r->tr,
        (uint32_t)(raw >> 32), (uint32_t)raw, d.type, d.base, d.limit);
}

/* ---- start_info, memory map, command line, modules ---- */

static const struct memmap_entry *mm;
static uint32_t mm_n;

/* The map's non-empty entries sorted by address: the ABI does not promise a
 * sorted map, and a range may span several adjacent entries. */
struct span {
  uint64_t start, end;
  uint32_t type;
};
static struct span spans[MEMMAP_MAX];
static uint32_t n_spans;

static void sort_spans(void) {
  /* Shell sort: no recursion, no allocation, n log^2 n for 4096 entries. */
  for (uint32_t gap = n_spans / 2; gap > 0; gap /= 2)
    for (uint32_t i = gap; i < n_spans; i++) {
      struct span t = spans[i];
      uint32_t j = i;
      for (; j >= gap && spans[j - gap].start > t.start; j -= gap)
        spans[j] = spans[j - gap];
      spans[j] = t;
    }
}

/* Whether every byte of [addr, addr+len) is described by the map (RAM only,
 * or any type), through adjacent entries. */
static int covered(uint64_t addr, uint64_t len, int ram_only) {
  if (len == 0 || addr + len < addr)
    return 0;
  uint64_t cur = addr, end = addr + len;
  for (uint32_t i = 0; i < n_spans; i++) {
    if (spans[i].end <= cur)
      continue;
    if (spans[i].start > cur || (ram_only && spans[i].type != 1))
      return 0;
    cur = spans[i].end;
    if (cur >= end)
      return 1;
  }
  return 0;
}

static int in_ram(uint64_t addr, uint64_t len) { return covered(addr, len, 1); }

static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen) {
  return a < b + blen && b < a + alen;
}

static int overlaps_kernel(uint64_t a, uint64_t len) {
  return overlaps(a, len, (uintptr_t)__text_start, (uintptr_t)(__text_end - __text_start)) ||
         overlaps(a, len, (uintptr_t)__data_start, (uintptr_t)(__data_end - __data_start)) ||
         overlaps(a, len, (uintptr_t)__bss_start, (uintptr_t)(__stack_top - __bss_start));
}

/* Boot data must be described by the memory map (RAM or a reserved type) and
 * must not overlap the kernel: the kernel can only protect what it can see. */
static void check_boot_data(const char *what, uint64_t addr, uint64_t len) {
  check(covered(addr, len, 0) && !overlaps_kernel(addr, len),
        "%s [0x%llx, +0x%llx) described by the memory map, clear of the kernel", what,
        (unsigned long long)addr, (unsigned long long)len);
}

static void check_memmap(const struct start_info *si) {
  if (si->version < 1 || si->memmap_paddr == 0 || si->memmap_entries == 0) {
    check(0, "memmap present (version %u, paddr 0x%llx, entries %u)", si->version,
          (unsigned long long)si->memmap_paddr, si->memmap_entries);
    return;
  }
  if (si->memmap_entries > MEMMAP_MAX || si->memmap_paddr >= 0x100000000ull) {
    check(0, "memmap entries %u <= %u, below 4 GiB", si->memmap_entries, MEMMAP_MAX);
    return;
  }
  mm = phys(si->memmap_paddr);
  mm_n = si->memmap_entries;
  int in_order = 1, types = 1, overlap = 0;
  uint32_t empty = 0, wraps = 0;
  n_spans = 0;
  for (uint32_t i = 0; i < mm_n; i++) {
    note("memmap[%u] 0x%016llx-0x%016llx type %u", i, (unsigned long long)mm[i].addr,
         (unsigned long long)(mm[i].addr + mm[i].size), mm[i].type);
    if (mm[i].size == 0) {
      empty++;
      continue; /* judged below, and left out of the overlap check */
    }
    if (mm[i].addr + mm[i].size < mm[i].addr) {
      wraps++;
      continue;
    }
    if (mm[i].type < 1 || mm[i].type > 7)
      types = 0;
    if (n_spans && mm[i].addr < spans[n_spans - 1].start)
      in_order = 0;
    spans[n_spans].start = mm[i].addr;
    spans[n_spans].end = mm[i].addr + mm[i].size;
    spans[n_spans].type = mm[i].type;
    n_spans++;
  }
  sort_spans();
  for (uint32_t i = 1; i < n_spans; i++)
    if (spans[i].start < spans[i - 1].end)
      overlap++;
  check(wraps == 0, "memmap: %u entries, none wraps past 2^64", mm_n);
  check_w(empty == 0, W_MEMMAP_EMPTY, "memmap: no zero-size entries (%u found)", empty);
  check(types, "memmap: every type in 1..7");
#ifdef PVHTEST_FRAGILE
  check(in_order, "memmap: sorted (an assumption the ABI does not back)");
#endif
  check(overlap == 0, "memmap: no two entries overlap (%u do; entries %s, which the ABI allows either way)",
        overlap, in_order ? "in address order" : "not in address order");
  check(in_ram((uintptr_t)__text_start, (uintptr_t)(__text_end - __text_start)) &&
            in_ram((uintptr_t)__data_start, (uintptr_t)(__data_end - __data_start)) &&
            in_ram((uintptr_t)__bss_start, (uintptr_t)(__stack_top - __bss_start)),
        "memmap: kernel text [0x%x,0x%x) data [0x%x,0x%x) bss+stack [0x%x,0x%x) in RAM",
        (unsigned)(uintptr_t)__text_start, (unsigned)(uintptr_t)__text_end, (unsigned)(uintptr_t)__data_start,
        (unsigned)(uintptr_t)__data_end, (unsigned)(uintptr_t)__bss_start, (unsigned)(uintptr_t)__stack_top);
  check_boot_data("memmap table", si->memmap_paddr, (uint64_t)mm_n * sizeof(struct memmap_entry));
}

/* Expectations the host passed on the command line. */
struct expect {
  int have_crc, have_size, have_len, have_mods;
  uint64_t crc, size, len, mods;
};

static void parse_cmdline(const char *c, struct expect *e) {
  static const struct {
    const char *key;
    size_t off_have, off_val;
  } keys[] = {
      {"pvhtest.initrd_crc=", offsetof(struct expect, have_crc), offsetof(struct expect, crc)},
      {"pvhtest.initrd_size=", offsetof(struct expect, have_size), offsetof(struct expect, size)},
      {"pvhtest.cmdline_len=", offsetof(struct expect, have_len), offsetof(struct expect, len)},
      {"pvhtest.modules=", offsetof(struct expect, have_mods), offsetof(struct expect, mods)},
  };
  for (const char *p = c; *p;) {
    while (*p == ' ')
      p++;
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
      size_t kl = strlen(keys[k].key);
      if (memcmp(p, keys[k].key, kl) == 0) {
        uint64_t v;
        int ok = parse_u64(p + kl, &v) != 0;
        check(ok, "cmdline: %s value parses", keys[k].key);
        if (ok) {
          *(int *)((char *)e + keys[k].off_have) = 1;
          *(uint64_t *)((char *)e + keys[k].off_val) = v;
        }
      }
    }
    while (*p && *p != ' ')
      p++;
  }
}

static void check_cmdline(const struct start_info *si, struct expect *e) {
  if (si->cmdline_paddr == 0) {
    note("no command line (cmdline_paddr 0)");
    return;
  }
  const char *c = phys(si->cmdline_paddr);
  uint32_t len = 0;
  while (len < CMDLINE_MAX && c[len])
    len++;
  check(len < CMDLINE_MAX, "cmdline at 0x%llx NUL-terminated within %u bytes (length %u)",
        (unsigned long long)si->cmdline_paddr, CMDLINE_MAX, len);
  if (len >= CMDLINE_MAX)
    return;
  int printable = 1;
  for (uint32_t i = 0; i < len; i++)
    if ((uint8_t)c[i] < 0x20 || (uint8_t)c[i] > 0x7e)
      printable = 0;
  check(printable, "cmdline bytes printable ASCII");
  gprintf("pvhtest: cmdline \"%s\"\n", printable ? c : "(not printable)");
  check_boot_data("cmdline", si->cmdline_paddr, (uint64_t)len + 1);
  parse_cmdline(c, e);
  if (e->have_len)
    check(e->len == len, "cmdline length %u == pvhtest.cmdline_len=%llu", len, (unsigned long long)e->len);
}

static void check_modules(const struct start_info *si, const struct expect *e) {
  check(si->nr_modules <= 1, "nr_modules %u <= 1", si->nr_modules);
  if (e->have_mods)
    check(si->nr_modules == e->mods, "nr_modules %u == pvhtest.modules=%llu", si->nr_modules,
          (unsigned long long)e->mods);
  if ((e->have_crc || e->have_size) && si->nr_modules == 0)
    check(0, "an initramfs was expected (pvhtest.initrd_*) but nr_modules is 0");
  if (si->nr_modules == 0 || si->nr_modules > 16)
    return;
  check(si->modlist_paddr != 0 && si->modlist_paddr < 0x100000000ull, "modlist_paddr 0x%llx",
        (unsigned long long)si->modlist_paddr);
  if (si->modlist_paddr == 0 || si->modlist_paddr >= 0x100000000ull)
    return;
  check_boot_data("modlist", si->modlist_paddr, (uint64_t)si->nr_modules * sizeof(struct modlist_entry));
  const struct modlist_entry *m = phys(si->modlist_paddr);
  for (uint32_t i = 0; i < si->nr_modules; i++) {
    int placed = m[i].paddr != 0 && m[i].size != 0 && m[i].paddr + m[i].size <= 0x100000000ull;
    check(placed, "module %u at 0x%llx size 0x%llx below 4 GiB", i, (unsigned long long)m[i].paddr,
          (unsigned long long)m[i].size);
    if (!placed)
      continue;
    check(in_ram(m[i].paddr, m[i].size) && !overlaps_kernel(m[i].paddr, m[i].size),
          "module %u in RAM and clear of the kernel", i);
    uint32_t crc = crc32(0, phys(m[i].paddr), m[i].size);
    note("module %u crc32 0x%08x size %llu", i, crc, (unsigned long long)m[i].size);
    if (i == 0 && e->have_crc)
      check(crc == (uint32_t)e->crc, "module 0 crc32 0x%08x == pvhtest.initrd_crc=0x%08x", crc,
            (uint32_t)e->crc);
    if (i == 0 && e->have_size)
      check(m[i].size == e->size, "module 0 size %llu == pvhtest.initrd_size=%llu",
            (unsigned long long)m[i].size, (unsigned long long)e->size);
  }
}

/* Sets in *bits the flag of each comma-separated name after key= on the
 * command line (e.g. pvhtest.allow=tr-null,memmap-empty). */
struct flag_name {
  const char *name;
  unsigned bit;
};
static void read_flags(const char *c, const char *key, const struct flag_name *names, unsigned n,
                       unsigned *bits) {
  uint32_t kl = (uint32_t)strlen(key);
  for (uint32_t i = 0; i < CMDLINE_MAX && c[i]; i++) {
    if ((i > 0 && c[i - 1] != ' ') || memcmp(c + i, key, kl) != 0)
      continue;
    for (const char *p = c + i + kl; *p && *p != ' ';) {
      for (unsigned k = 0; k < n; k++) {
        size_t nl = strlen(names[k].name);
        if (memcmp(p, names[k].name, nl) == 0 && (p[nl] == ',' || p[nl] == ' ' || !p[nl]))
          *bits |= names[k].bit;
      }
      while (*p && *p != ' ' && *p != ',')
        p++;
      if (*p == ',')
        p++;
    }
  }
}

/* Reads pvhtest.allow= and pvhtest.skip= before any check runs, without
 * judging the command line yet (check_cmdline does that). */
static void read_waivers(const struct entry_regs *r) {
  const struct start_info *si = phys(r->ebx);
  if (r->ebx == 0 || si->magic != PVH_MAGIC || si->cmdline_paddr == 0 || si->cmdline_paddr >= 0x100000000ull)
    return;
  const char *c = phys(si->cmdline_paddr);
  static const struct flag_name allow[] = {{"tr-null", W_TR_NULL}, {"memmap-empty", W_MEMMAP_EMPTY}};
  static const struct flag_name skip[] = {{"lar-lsl", S_LAR_LSL}};
  read_flags(c, "pvhtest.allow=", allow, 2, &waivers);
  read_flags(c, "pvhtest.skip=", skip, 1, &skips);
  static const char vkey[] = "pvhtest.verbose";
  for (uint32_t i = 0; i < CMDLINE_MAX && c[i]; i++)
    if ((i == 0 || c[i - 1] == ' ') && memcmp(c + i, vkey, sizeof(vkey) - 1) == 0 &&
        (c[i + sizeof(vkey) - 1] == ' ' || c[i + sizeof(vkey) - 1] == '\0'))
      verbose = 1;
  if (waivers)
    note("waivers from the command line: 0x%x (tr-null=1, memmap-empty=2)", waivers);
  if (skips)
    note("checks this host cannot run, from the command line: 0x%x (lar-lsl=1)", skips);
}

static void check_start_info(const struct entry_regs *r) {
  const struct start_info *si = phys(r->ebx);
  check(r->ebx != 0, "ebx 0x%08x: start_info pointer, nonzero", r->ebx);
  if (r->ebx == 0)
    return;
  check(si->magic == PVH_MAGIC, "start_info magic 0x%08x == 0x%08x", si->magic, PVH_MAGIC);
  if (si->magic != PVH_MAGIC)
    return;
  check(si->version == 1, "start_info version %u == 1", si->version);
  check(si->flags == 0, "start_info flags 0x%x == 0", si->flags);
  note("start_info nr_modules %u modlist 0x%llx cmdline 0x%llx rsdp 0x%llx memmap 0x%llx x %u",
       si->nr_modules, (unsigned long long)si->modlist_paddr, (unsigned long long)si->cmdline_paddr,
       (unsigned long long)si->rsdp_paddr, (unsigned long long)si->memmap_paddr, si->memmap_entries);
  group_end(PVHTEST_G_START_INFO);
  group_begin(PVHTEST_G_MEMMAP);
  check_memmap(si);
  check_boot_data("start_info", r->ebx, sizeof(*si));
  if (si->rsdp_paddr)
    check(si->rsdp_paddr < 0x100000000ull && memcmp(phys(si->rsdp_paddr), "RSD PTR ", 8) == 0,
          "rsdp 0x%llx has the RSD PTR signature", (unsigned long long)si->rsdp_paddr);
  else
    note("rsdp_paddr 0 (no ACPI)");
  group_end(PVHTEST_G_MEMMAP);
  struct expect e = {0};
  group_begin(PVHTEST_G_CMDLINE);
  check_cmdline(si, &e);
  group_end(PVHTEST_G_CMDLINE);
  group_begin(PVHTEST_G_MODULES);
  check_modules(si, &e);
  group_end(PVHTEST_G_MODULES);
}

/* ---- CPUID, as this guest sees it ---- */

/* Reports the leaves a CPUID mask (pvhcheck boot --cpuid-mask) can touch, in
 * a line the host parses ("pvhtest: cpuid LEAF.INDEX eax ebx ecx edx"), so the
 * host can tell whether its mask reached the guest; and the common features
 * by name for a reader. Information only: what the CPU offers is no part of
 * the PVH contract. */
static void report_cpuid(void) {
  static const struct { uint32_t leaf, index; } leaves[] = {{1, 0}, {7, 0}, {0xd, 0}, {0x80000001u, 0}};
  uint32_t r[4], max_basic, max_ext;
  cpuid(0, 0, r);
  max_basic = r[0];
  cpuid(0x80000000u, 0, r);
  max_ext = r[0];
  for (unsigned i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
    uint32_t l = leaves[i].leaf;
    if (l < 0x80000000u ? l > max_basic : l > max_ext)
      continue;
    cpuid(l, leaves[i].index, r);
    gprintf("pvhtest: cpuid 0x%x.%u 0x%08x 0x%08x 0x%08x 0x%08x\n", l, leaves[i].index, r[0], r[1], r[2],
            r[3]);
  }
  static const struct {
    const char *name;
    uint32_t leaf;
    unsigned reg, bit;
  } named[] = {
      {"cx16", 1, 2, 13},    {"x2apic", 1, 2, 21}, {"tsc-deadline", 1, 2, 24}, {"xsave", 1, 2, 26},
      {"osxsave", 1, 2, 27}, {"avx", 1, 2, 28},    {"rdrand", 1, 2, 30},       {"hypervisor", 1, 2, 31},
      {"avx2", 7, 1, 5},     {"smep", 7, 1, 7},    {"smap", 7, 1, 20},         {"la57", 7, 2, 16},
  };
  gprintf("pvhtest: info cpu features:");
  for (unsigned i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
    if (named[i].leaf > max_basic)
      continue;
    cpuid(named[i].leaf, 0, r);
    if (r[named[i].reg] & (1u << named[i].bit))
      gprintf(" %s", named[i].name);
  }
  gprintf("\n");
}

void guest_main(const struct entry_regs *r);
void guest_main(const struct entry_regs *r) {
  mailbox.magic_lo = PVHTEST_MAILBOX_MAGIC_LO;
  mailbox.magic_hi = PVHTEST_MAILBOX_MAGIC_HI;
  mailbox.version = PVHTEST_MAILBOX_VERSION;
  mailbox.state = PVHTEST_MB_RUNNING;
  group_begin(PVHTEST_G_BSS);
  struct bss_scan bss = scan_bss(); /* first: nothing may touch BSS before this */
  read_waivers(r);                  /* then the options, pvhtest.verbose among them */
  gprintf("\npvhtest: PVH self-test guest, entry at 0x%x\n", (unsigned)(uintptr_t)__text_start);
  check_bss(bss);
  group_end(PVHTEST_G_BSS);
  crc32_init();
  group_begin(PVHTEST_G_REGS);
  check_regs(r);
  group_end(PVHTEST_G_REGS);
  group_begin(PVHTEST_G_SEGMENTS);
  check_segments(r);
  group_end(PVHTEST_G_SEGMENTS);
  group_begin(PVHTEST_G_START_INFO);
  check_start_info(r); /* also the memmap, cmdline and modules groups */
  group_begin(PVHTEST_G_CPUID);
  report_cpuid();
  group_end(PVHTEST_G_CPUID);
  if (n_failed == 0)
    gprintf("pvhtest: RESULT PASS %u checks, %u waived, %u not checked\n", n_checks, n_waived, n_skipped);
  else
    gprintf("pvhtest: RESULT FAIL %u of %u checks failed\n", n_failed, n_checks);
  mailbox.state = PVHTEST_MB_DONE;
  __asm__ volatile("" ::: "memory"); /* the mailbox is complete before the exit */
  outl(EXIT_PORT, n_failed ? PVHTEST_EXIT_FAIL : 0);
  /* No exit device: stop with interrupts off, which the host reports as HLT. */
  halt_forever();
}
