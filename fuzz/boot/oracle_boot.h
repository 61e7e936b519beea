/* SPDX-License-Identifier: MIT */
/* fuzz_boot's oracles: three views of one boot must agree. The generator's
 * model (input.h) says what was promised, libpvh's plan says what the loader
 * decided, KVM and the checker guest say what the vCPU really got. Every
 * disagreement aborts through oracle_fail with a named invariant. */
#ifndef FB_ORACLE_BOOT_H
#define FB_ORACLE_BOOT_H

#include "input.h"
#include "mailbox.h"
#include "pvhkvm/pvhkvm.h"

/* The plan against the model: segments (address, file and memory sizes),
 * entry, command line, module, RSDP and memory map as the generator made
 * them. */
void oracle_boot_plan(const struct fb_layout *l, const struct pvh_plan *plan,
                      const struct pvh_load_config *cfg);

/* The promise the checker verifies, from the model alone (never from the plan). */
void oracle_boot_promise(const struct fb_layout *l, const struct pvh_load_config *cfg, struct fb_mailbox *mb);

/* After the run: how it ended, what the checker found, and what it saw
 * against the plan; `end_state` is the vCPU state KVM reports at the end
 * (after the checker reloaded every selector from the loader's GDT). */
void oracle_boot_run(const struct fb_layout *l, const struct pvh_plan *plan,
                     const struct pvhkvm_run_result *res, const struct fb_mailbox *mb,
                     const struct pvh_entry_state *end_state);

/* "seg-bytes" for FB_CHK_SEG_BYTES, ...; "unknown" out of range. */
const char *fb_check_name(unsigned check);

#endif
