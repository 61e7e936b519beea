/* SPDX-License-Identifier: MIT */
/* Boot stages of a real Linux kernel, recognised from its console log and
 * verified against what the loader handed it. Feed console bytes as they
 * arrive (any chunking) with a host timestamp; each stage records the guest
 * time (printk's "[    1.234567]" prefix, or the init marker's uptime) and the
 * host time at which it was reached. Stages the kernel echoes (command line,
 * e820 map, RAMDISK, RSDP) are parsed and compared with the expectation, not
 * just matched as text: a wrong value is a MISMATCH with the difference.
 *
 *   struct pvhlinux_expect ex; pvhlinux_expect_init(&ex);
 *   ex.cmdline = cmdline; ex.memmap = regions; ex.nr_memmap = n;
 *   ex.initramfs_paddr = report.initramfs_paddr; ex.initramfs_size = ...;
 *   struct pvhlinux_stages *st = pvhlinux_stages_new(&ex);
 *   ... pvhlinux_stages_feed(st, buf, len, host_ns) from the console ...
 *   pvhlinux_stages_finish(st, host_ns);
 *   ok = pvhlinux_stages_ok(st, PVHLINUX_ST_MARKER);
 *
 * Pure C: no KVM, no I/O except the print helpers. */
#ifndef PVHLINUX_STAGES_H
#define PVHLINUX_STAGES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pvh/bus.h"

#ifdef __cplusplus
extern "C" {
#endif

/* In boot order. ENTRY and END are reported by the VMM (pvhlinux_stages_mark),
 * the others come from the log. */
#define PVHLINUX_STAGE_LIST(X)                                                                               \
  X(PVHLINUX_ST_ENTRY, "entry", "vCPU reached the PVH entry in the promised state")                          \
  X(PVHLINUX_ST_BANNER, "banner", "kernel banner (Linux version ...)")                                       \
  X(PVHLINUX_ST_CMDLINE, "cmdline", "kernel echoed our command line")                                        \
  X(PVHLINUX_ST_E820, "e820", "kernel's e820 map equals the memory map we passed")                           \
  X(PVHLINUX_ST_RAMDISK, "ramdisk", "RAMDISK at the address we placed the initramfs")                        \
  X(PVHLINUX_ST_ACPI, "acpi", "ACPI RSDP found where we put it")                                             \
  X(PVHLINUX_ST_CONSOLE, "console", "serial console enabled")                                                \
  X(PVHLINUX_ST_INIT, "init", "kernel started /init")                                                        \
  X(PVHLINUX_ST_MARKER, "marker", "/init printed the marker")                                                \
  X(PVHLINUX_ST_POWEROFF, "poweroff", "kernel powered down")                                                 \
  X(PVHLINUX_ST_END, "end", "VMM saw a clean end (power-off/reset/exit port)")

enum pvhlinux_stage {
#define PVHLINUX_X_ENUM(id, name, what) id,
  PVHLINUX_STAGE_LIST(PVHLINUX_X_ENUM)
#undef PVHLINUX_X_ENUM
      PVHLINUX_ST__COUNT
};

enum pvhlinux_state {
  PVHLINUX_NOT_REACHED = 0,
  PVHLINUX_REACHED,     /* seen, and its content (if any) verified */
  PVHLINUX_MISMATCH,    /* seen, but the content differs: detail says how */
  PVHLINUX_NOT_CHECKED, /* not applicable to this boot (no RSDP / no initramfs
                          * given), or the VMM did not report it */
};

const char *pvhlinux_stage_name(enum pvhlinux_stage s); /* "banner", ... */
const char *pvhlinux_stage_what(enum pvhlinux_stage s); /* one-line description */
const char *pvhlinux_state_name(enum pvhlinux_state s); /* "reached", ... */
/* Stage by name; returns -1 for an unknown name. */
int pvhlinux_stage_parse(const char *name);
/* The same for option tables (OPT_CALL in pvhutil/opt.h): stores the stage in
 * *(int *)dst; 0, or -1 when the name is unknown. */
int pvhlinux_stage_opt(const char *name, void *dst);

#define PVHLINUX_MAX_E820 128u
#define PVHLINUX_LINE_MAX 4096u /* longer console lines are cut (cmdline max is 2048) */
#define PVHLINUX_DETAIL_MAX 320u

struct pvhlinux_expect {
  const char *cmdline;                 /* NULL: not checked (stage NOT_CHECKED) */
  const struct pvh_mem_region *memmap; /* NULL: the e820 map is parsed, not compared */
  size_t nr_memmap;
  int has_initramfs;        /* 0: RAMDISK NOT_CHECKED */
  int check_initramfs_addr; /* 0: RAMDISK parsed; only its size is compared */
  uint64_t initramfs_paddr, initramfs_size;
  uint64_t rsdp_paddr; /* 0 with check_rsdp: we passed none */
  int check_rsdp;      /* 0: ACPI line recorded, NOT_CHECKED */
  const char *console; /* default "ttyS0" */
  const char *marker;  /* default PVHLINUX_INIT_MARKER */
};

void pvhlinux_expect_init(struct pvhlinux_expect *ex);

struct pvh_load_report;
/* The expectation for a boot our loader performed: the command line it was
 * given, the memory map the bus stood for (what start_info carried), the
 * initramfs where the plan put it, the RSDP passed (0: none, and then finding
 * one is a mismatch). Pointers are kept, not copied, until stages_new. */
void pvhlinux_expect_from_load(struct pvhlinux_expect *ex, const char *cmdline,
                               const struct pvh_mem_region *map, size_t nr_map,
                               const struct pvh_load_report *rep);

struct pvhlinux_stage_info {
  enum pvhlinux_state state;
  double guest_s; /* guest time when reached; < 0 unknown */
  double host_s;  /* host seconds since the run began */
  char detail[PVHLINUX_DETAIL_MAX];
};

struct pvhlinux_e820 {
  uint64_t start, end; /* inclusive end, as Linux prints it */
  uint32_t type;       /* enum pvh_mem_type; 0 for a type Linux printed we do not know */
};

struct pvhlinux_stages; /* opaque */

/* Copies ex (strings and the memmap too). NULL on out of memory. */
struct pvhlinux_stages *pvhlinux_stages_new(const struct pvhlinux_expect *ex);
void pvhlinux_stages_free(struct pvhlinux_stages *st);

/* Console bytes, any chunking. host_ns: monotonic ns since the run began, when
 * the bytes arrived. Returns the number of stages newly settled by this call. */
int pvhlinux_stages_feed(struct pvhlinux_stages *st, const char *data, size_t len, uint64_t host_ns);
/* End of output: flushes a partial last line and settles a pending e820 map. */
void pvhlinux_stages_finish(struct pvhlinux_stages *st, uint64_t host_ns);
/* Stages only the VMM knows (ENTRY, END), or an override; detail may be NULL. */
void pvhlinux_stages_mark(struct pvhlinux_stages *st, enum pvhlinux_stage s, enum pvhlinux_state state,
                          uint64_t host_ns, const char *detail);

const struct pvhlinux_stage_info *pvhlinux_stages_get(const struct pvhlinux_stages *st,
                                                      enum pvhlinux_stage s);
/* The furthest stage REACHED (by boot order), or -1 when none. */
int pvhlinux_stages_furthest(const struct pvhlinux_stages *st);
/* True when every stage up to and including `until` is REACHED or NOT_CHECKED,
 * `until` itself is REACHED, and no stage at all is a MISMATCH. */
int pvhlinux_stages_ok(const struct pvhlinux_stages *st, enum pvhlinux_stage until);
/* The e820 map the kernel printed (valid once the e820 stage settled). */
const struct pvhlinux_e820 *pvhlinux_stages_e820(const struct pvhlinux_stages *st, size_t *nr);
/* First "Kernel panic" line, or NULL; the last complete console line, or "". */
const char *pvhlinux_stages_panic(const struct pvhlinux_stages *st);
const char *pvhlinux_stages_last_line(const struct pvhlinux_stages *st);

/* The table for people: one line per stage. */
void pvhlinux_stages_print(const struct pvhlinux_stages *st, FILE *out);
/* The table, then the furthest stage, whether `until` was reached and, if
 * not, the last console line: what every runner prints. */
void pvhlinux_stages_print_verdict(const struct pvhlinux_stages *st, int until, FILE *out);
/* One JSON object: {"stages":[{"name","state","guest_s","host_s","detail"}...],
 * "furthest":..., "until":..., "ok":..., "panic":..., "last_line":...}.
 * until < 0 omits "until"/"ok". */
void pvhlinux_stages_json(const struct pvhlinux_stages *st, int until, FILE *out);

/* What Linux makes of a PVH memory map: sorted, adjacent regions of one type
 * merged, printed with inclusive ends. Returns the entry count written (at most
 * cap), or 0 if the map is invalid. This is what the e820 stage compares with. */
size_t pvhlinux_expected_e820(const struct pvh_mem_region *regions, size_t n, struct pvhlinux_e820 *out,
                              size_t cap);

#ifdef __cplusplus
}
#endif
#endif
