/* SPDX-License-Identifier: MIT */
/* The check groups guest_main runs in order, and what they share: where this
 * kernel lies, how a physical address is reached, and the memory map. */
#ifndef PVHTEST_CHECKS_H
#define PVHTEST_CHECKS_H

#include <stdint.h>

#include "pvh_abi.h"
#include "regs.h"

/* The ABI does not cap the command line; this is far beyond what a loader
 * gives (libpvh: a command line as large as its layout allows). */
#define CMDLINE_MAX (1u << 20)

/* Linker-script symbols: the ranges this kernel occupies. */
extern char __text_start[], __text_end[], __data_start[], __data_end[];
extern char __bss_start[], __bss_end[], __stack_top[];

/* Paging is off: a physical address below 4 GiB is the pointer. */
static inline void *phys(uint64_t pa) { return (void *)(uintptr_t)(uint32_t)pa; }

/* entry_state.c */
struct bss_scan {
  uint32_t len, bad, first;
};
struct bss_scan scan_bss(void);
void check_bss(struct bss_scan s);
void check_regs(const struct entry_regs *r);

/* segments.c */
void check_segments(const struct entry_regs *r);

/* memmap.c */
void check_memmap(const struct start_info *si);
int in_ram(uint64_t addr, uint64_t len);
int overlaps_kernel(uint64_t a, uint64_t len);
void check_boot_data(const char *what, uint64_t addr, uint64_t len);

/* start_info.c: also the memmap, cmdline and modules groups */
void check_start_info(const struct entry_regs *r);

/* cpuid.c */
void report_cpuid(void);

#endif
