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
 * size (up to libpvh's 4096 entries).
 *
 * This file is the order the checks run in. Each group lives in its own
 * file: entry_state.c (BSS, registers), segments.c (GDT, LAR/LSL, TR),
 * start_info.c (start_info, command line, modules), memmap.c (the memory map
 * and the range questions the others ask of it), cpuid.c. report.c counts
 * and prints them and owns the mailbox; options.c reads pvhtest.allow=,
 * pvhtest.skip= and pvhtest.verbose. */
#include <stdint.h>

#include "checks.h"
#include "lib.h"
#include "mailbox.h"
#include "options.h"
#include "regs.h"
#include "report.h"

void guest_main(const struct entry_regs *r);
void guest_main(const struct entry_regs *r) {
  report_begin();
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
  report_finish();
}
