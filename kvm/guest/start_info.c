/* SPDX-License-Identifier: MIT */
/* start_info itself, then the tables and data it points to: the memory map
 * (memmap.c), the RSDP, the command line and the modules. */
#include <stddef.h>
#include <stdint.h>

#include "checks.h"
#include "lib.h"
#include "mailbox.h"
#include "pvh_abi.h"
#include "regs.h"
#include "report.h"

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

void check_start_info(const struct entry_regs *r) {
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
