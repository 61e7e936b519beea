/* SPDX-License-Identifier: MIT */
/* The report's options on the command line: pvhtest.allow=, pvhtest.skip=
 * and pvhtest.verbose (see options.h). */
#include <stdint.h>

#include "checks.h"
#include "lib.h"
#include "options.h"
#include "pvh_abi.h"
#include "report.h"

unsigned waivers;
unsigned skips;

/* pvhtest.verbose: every check and note on the UART, not only failures. */
__attribute__((section(".data.verbose"))) int verbose = 0;

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
void read_waivers(const struct entry_regs *r) {
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
