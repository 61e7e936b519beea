/* SPDX-License-Identifier: MIT */
/* The stage recognizer: assembles console bytes into lines, strips printk's
 * timestamp and matches the lines that mark each boot stage, checking what
 * the kernel echoes against what we passed. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pvhlinux/initramfs.h"
#include "stages_internal.h"

#define PAGE_SIZE_4K 4096ull

static const char *const stage_names[] = {
#define PVHLINUX_X_NAME(id, name, what) name,
    PVHLINUX_STAGE_LIST(PVHLINUX_X_NAME)
#undef PVHLINUX_X_NAME
};
static const char *const stage_whats[] = {
#define PVHLINUX_X_WHAT(id, name, what) what,
    PVHLINUX_STAGE_LIST(PVHLINUX_X_WHAT)
#undef PVHLINUX_X_WHAT
};

const char *pvhlinux_stage_name(enum pvhlinux_stage s) {
  return (unsigned)s < PVHLINUX_ST__COUNT ? stage_names[s] : "unknown";
}
const char *pvhlinux_stage_what(enum pvhlinux_stage s) {
  return (unsigned)s < PVHLINUX_ST__COUNT ? stage_whats[s] : "unknown";
}
const char *pvhlinux_state_name(enum pvhlinux_state s) {
  switch (s) {
  case PVHLINUX_NOT_REACHED: return "not-reached";
  case PVHLINUX_REACHED: return "reached";
  case PVHLINUX_MISMATCH: return "mismatch";
  case PVHLINUX_NOT_CHECKED: return "not-checked";
  }
  return "unknown";
}
int pvhlinux_stage_parse(const char *name) {
  for (int i = 0; name && i < PVHLINUX_ST__COUNT; i++)
    if (strcmp(name, stage_names[i]) == 0)
      return i;
  return -1;
}

int pvhlinux_stage_opt(const char *name, void *dst) {
  int s = pvhlinux_stage_parse(name);
  if (s < 0)
    return -1;
  *(int *)dst = s;
  return 0;
}

void pvhlinux_expect_init(struct pvhlinux_expect *ex) {
  memset(ex, 0, sizeof(*ex));
  ex->console = "ttyS0";
  ex->marker = PVHLINUX_INIT_MARKER;
}

struct pvhlinux_stages *pvhlinux_stages_new(const struct pvhlinux_expect *ex) {
  struct pvhlinux_stages *st = calloc(1, sizeof(*st));
  if (!st)
    return NULL;
  st->ex = *ex;
  if (ex->cmdline && !(st->cmdline = strdup(ex->cmdline)))
    goto fail;
  st->ex.cmdline = st->cmdline;
  if (ex->memmap && ex->nr_memmap) {
    if (ex->nr_memmap > SIZE_MAX / sizeof(*st->memmap))
      goto fail;
    st->memmap = malloc(ex->nr_memmap * sizeof(*st->memmap));
    if (!st->memmap)
      goto fail;
    memcpy(st->memmap, ex->memmap, ex->nr_memmap * sizeof(*st->memmap));
    st->nr_memmap = ex->nr_memmap;
    st->has_memmap = 1;
  }
  st->ex.memmap = st->memmap;
  snprintf(st->console, sizeof(st->console), "%s", ex->console ? ex->console : "ttyS0");
  snprintf(st->marker, sizeof(st->marker), "%s", ex->marker ? ex->marker : PVHLINUX_INIT_MARKER);
  st->last_guest_s = -1;
  for (int i = 0; i < PVHLINUX_ST__COUNT; i++) {
    st->info[i].guest_s = -1;
    st->info[i].host_s = -1;
  }
  /* Only the VMM can say these; a log-only user leaves them unreported. */
  st->info[PVHLINUX_ST_ENTRY].state = PVHLINUX_NOT_CHECKED;
  snprintf(st->info[PVHLINUX_ST_ENTRY].detail, PVHLINUX_DETAIL_MAX, "not reported by the VMM");
  if (!ex->has_initramfs) {
    st->info[PVHLINUX_ST_RAMDISK].state = PVHLINUX_NOT_CHECKED;
    snprintf(st->info[PVHLINUX_ST_RAMDISK].detail, PVHLINUX_DETAIL_MAX, "no initramfs passed");
  }
  if (ex->check_rsdp && ex->rsdp_paddr == 0) {
    st->info[PVHLINUX_ST_ACPI].state = PVHLINUX_NOT_CHECKED;
    snprintf(st->info[PVHLINUX_ST_ACPI].detail, PVHLINUX_DETAIL_MAX, "no RSDP passed");
  }
  return st;
fail:
  pvhlinux_stages_free(st);
  return NULL;
}

void pvhlinux_stages_free(struct pvhlinux_stages *st) {
  if (!st)
    return;
  free(st->cmdline);
  free(st->memmap);
  free(st);
}

static double ns_to_s(uint64_t ns) { return (double)ns / 1e9; }

/* Settles a stage the first time only: later repeats (Linux prints "console
 * enabled" twice while the boot console hands over) do not move its time. */
static int settle(struct pvhlinux_stages *st, enum pvhlinux_stage s, enum pvhlinux_state state,
                  double guest_s, uint64_t host_ns, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static int settle(struct pvhlinux_stages *st, enum pvhlinux_stage s, enum pvhlinux_state state,
                  double guest_s, uint64_t host_ns, const char *fmt, ...) {
  struct pvhlinux_stage_info *in = &st->info[s];
  if (in->state == PVHLINUX_REACHED || in->state == PVHLINUX_MISMATCH)
    return 0;
  in->state = state;
  in->guest_s = guest_s;
  in->host_s = ns_to_s(host_ns);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(in->detail, sizeof(in->detail), fmt, ap);
  va_end(ap);
  return 1;
}

/* "[    1.234567] " -> seconds, and *body after it. Returns -1 without a prefix. */
static double printk_time(const char *line, const char **body) {
  *body = line;
  if (line[0] != '[')
    return -1;
  const char *p = line + 1;
  while (*p == ' ')
    p++;
  double v = 0, scale = 0.1;
  int digits = 0;
  while (*p >= '0' && *p <= '9') {
    v = v * 10 + (*p++ - '0');
    digits++;
  }
  if (!digits || *p++ != '.')
    return -1;
  digits = 0;
  while (*p >= '0' && *p <= '9') {
    v += scale * (*p++ - '0');
    scale /= 10;
    digits++;
  }
  if (!digits || *p != ']')
    return -1;
  p++;
  if (*p == ' ')
    p++;
  *body = p;
  return v;
}

/* One console line as the handlers see it: the text after printk's timestamp,
 * the text after the prefix that matched, and when it was seen. */
struct line {
  const char *body;
  const char *rest;
  double g;
  uint64_t host_ns;
};

static int on_e820(struct pvhlinux_stages *st, const struct line *ln) {
  struct pvhlinux_e820 e;
  if (st->e820_settled)
    return 0;
  if (pvhlinux_parse_e820_line(ln->body, &e))
    st->e820_bad_line = 1;
  else if (st->nr_e820 == PVHLINUX_MAX_E820)
    st->e820_overflow = 1;
  else
    st->e820[st->nr_e820++] = e;
  st->e820_guest_s = ln->g;
  st->e820_host_s = ns_to_s(ln->host_ns);
  return 0;
}

static int on_banner(struct pvhlinux_stages *st, const struct line *ln) {
  size_t vl = strcspn(ln->rest, " ");
  return settle(st, PVHLINUX_ST_BANNER, PVHLINUX_REACHED, ln->g, ln->host_ns, "Linux %.*s",
                (int)(vl > 100 ? 100 : vl), ln->rest);
}

/* x86-64 prints setup_arch's "Command line:" first and the generic "Kernel
 * command line:" later; 32-bit kernels print only the generic one. Whichever
 * comes first settles the stage. */
static int on_cmdline(struct pvhlinux_stages *st, const struct line *ln) {
  const char *c = ln->rest;
  if (!st->ex.cmdline)
    return settle(st, PVHLINUX_ST_CMDLINE, PVHLINUX_REACHED, ln->g, ln->host_ns, "(not compared) %.200s", c);
  if (strcmp(c, st->ex.cmdline) == 0)
    return settle(st, PVHLINUX_ST_CMDLINE, PVHLINUX_REACHED, ln->g, ln->host_ns, "equals ours (%zu bytes)",
                  strlen(c));
  size_t i = 0;
  while (c[i] && c[i] == st->ex.cmdline[i])
    i++;
  return settle(st, PVHLINUX_ST_CMDLINE, PVHLINUX_MISMATCH, ln->g, ln->host_ns,
                "differs at byte %zu: kernel \"%.60s\", passed \"%.60s\"", i, c + i, st->ex.cmdline + i);
}

static int on_ramdisk(struct pvhlinux_stages *st, const struct line *ln) {
  /* "RAMDISK: [mem 0x%08llx-0x%08llx]": start, and the page-aligned end - 1. */
  const char *body = ln->body, *p = ln->rest;
  double g = ln->g;
  uint64_t host_ns = ln->host_ns;
  uint64_t a, b;
  size_t n = pvhlinux_parse_hex(p, &a);
  if (!n || p[n] != '-')
    return settle(st, PVHLINUX_ST_RAMDISK, PVHLINUX_MISMATCH, g, host_ns, "unparsable: %s", body);
  p += n + 1;
  n = pvhlinux_parse_hex(p, &b);
  if (!n || p[n] != ']' || b < a)
    return settle(st, PVHLINUX_ST_RAMDISK, PVHLINUX_MISMATCH, g, host_ns, "unparsable: %s", body);
  if (!st->ex.has_initramfs)
    return settle(st, PVHLINUX_ST_RAMDISK, PVHLINUX_MISMATCH, g, host_ns,
                  "kernel found a RAMDISK [0x%" PRIx64 "-0x%" PRIx64 "] but we passed none", a, b);
  uint64_t size = st->ex.initramfs_size;
  if (size == 0 || size > UINT64_MAX - PAGE_SIZE_4K)
    return settle(st, PVHLINUX_ST_RAMDISK, PVHLINUX_MISMATCH, g, host_ns, "bad expected size %" PRIu64, size);
  uint64_t want_len = (size + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
  uint64_t got_len = b - a + 1;
  if (st->ex.check_initramfs_addr) {
    uint64_t wa = st->ex.initramfs_paddr;
    if (wa > UINT64_MAX - want_len)
      return settle(st, PVHLINUX_ST_RAMDISK, PVHLINUX_MISMATCH, g, host_ns, "bad expected address");
    /* Linux prints PAGE_ALIGN(start + size) - 1 as the end. */
    uint64_t wend = ((wa + size + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1)) - 1;
    if (a != wa || b != wend)
      return settle(st, PVHLINUX_ST_RAMDISK, PVHLINUX_MISMATCH, g, host_ns,
                    "kernel [0x%" PRIx64 "-0x%" PRIx64 "], placed [0x%" PRIx64 "-0x%" PRIx64 "]", a, b, wa,
                    wend);
    return settle(st, PVHLINUX_ST_RAMDISK, PVHLINUX_REACHED, g, host_ns,
                  "[0x%" PRIx64 "-0x%" PRIx64 "] = placed 0x%" PRIx64 " + %" PRIu64 " bytes", a, b, wa, size);
  }
  /* Placement not ours (another VMM): the extent must still cover the size. */
  if ((a & (PAGE_SIZE_4K - 1)) == 0 && got_len == want_len)
    return settle(st, PVHLINUX_ST_RAMDISK, PVHLINUX_REACHED, g, host_ns,
                  "[0x%" PRIx64 "-0x%" PRIx64 "] holds %" PRIu64 " bytes (address not ours to check)", a, b,
                  size);
  if (a & (PAGE_SIZE_4K - 1))
    return settle(st, PVHLINUX_ST_RAMDISK, PVHLINUX_REACHED, g, host_ns,
                  "[0x%" PRIx64 "-0x%" PRIx64 "] (unaligned start; size not checked)", a, b);
  return settle(st, PVHLINUX_ST_RAMDISK, PVHLINUX_MISMATCH, g, host_ns,
                "[0x%" PRIx64 "-0x%" PRIx64 "] is %" PRIu64 " bytes, the initramfs needs %" PRIu64, a, b,
                got_len, want_len);
}

static int on_rsdp(struct pvhlinux_stages *st, const struct line *ln) {
  double g = ln->g;
  uint64_t host_ns = ln->host_ns;
  uint64_t a;
  if (!pvhlinux_parse_hex(ln->rest, &a))
    return settle(st, PVHLINUX_ST_ACPI, PVHLINUX_MISMATCH, g, host_ns, "unparsable: %s", ln->body);
  if (!st->ex.check_rsdp)
    return settle(st, PVHLINUX_ST_ACPI, PVHLINUX_REACHED, g, host_ns,
                  "RSDP at 0x%" PRIx64 " (not ours to check)", a);
  if (st->ex.rsdp_paddr == 0) {
    st->info[PVHLINUX_ST_ACPI].state = PVHLINUX_NOT_REACHED; /* let settle record it */
    return settle(st, PVHLINUX_ST_ACPI, PVHLINUX_MISMATCH, g, host_ns,
                  "kernel found an RSDP at 0x%" PRIx64 " but we passed none", a);
  }
  if (a != st->ex.rsdp_paddr)
    return settle(st, PVHLINUX_ST_ACPI, PVHLINUX_MISMATCH, g, host_ns,
                  "kernel RSDP 0x%" PRIx64 ", passed 0x%" PRIx64, a, st->ex.rsdp_paddr);
  return settle(st, PVHLINUX_ST_ACPI, PVHLINUX_REACHED, g, host_ns, "RSDP at 0x%" PRIx64 " as passed", a);
}

static int on_init(struct pvhlinux_stages *st, const struct line *ln) {
  return settle(st, PVHLINUX_ST_INIT, PVHLINUX_REACHED, ln->g, ln->host_ns, "%.200s", ln->body);
}

static int on_power_down(struct pvhlinux_stages *st, const struct line *ln) {
  return settle(st, PVHLINUX_ST_POWEROFF, PVHLINUX_REACHED, ln->g, ln->host_ns, "reboot: Power down");
}

static int on_other_reboot(struct pvhlinux_stages *st, const struct line *ln) {
  return settle(st, PVHLINUX_ST_POWEROFF, PVHLINUX_MISMATCH, ln->g, ln->host_ns,
                "%s (we asked for power-off)", ln->body);
}

static int on_panic(struct pvhlinux_stages *st, const struct line *ln) {
  if (!st->panic[0])
    snprintf(st->panic, sizeof(st->panic), "%s", ln->body);
  return 0;
}

/* Lines no prefix claims: the console and our /init's marker can stand
 * anywhere in a line. */
static int on_unprefixed(struct pvhlinux_stages *st, const struct line *ln) {
  const char *body = ln->body;
  int n = 0;
  /* "printk: console [ttyS0] enabled" (5.x+) or "console [ttyS0] enabled"
   * (older); never "bootconsole [...]". */
  char want[64];
  snprintf(want, sizeof(want), "console [%s] enabled", st->console);
  const char *hit = strstr(body, want);
  if (hit && (hit == body || hit[-1] == ' ') && (hit < body + 4 || strncmp(hit - 4, "boot", 4) != 0))
    n += settle(st, PVHLINUX_ST_CONSOLE, PVHLINUX_REACHED, ln->g, ln->host_ns, "%s", st->console);
  const char *m = strstr(body, st->marker);
  if (m) {
    /* Our /init appends "uptime=<s>": the guest clock for an unprefixed line. */
    const char *u = strstr(m, "uptime=");
    double up = u ? strtod(u + strlen("uptime="), NULL) : -1;
    n += settle(st, PVHLINUX_ST_MARKER, PVHLINUX_REACHED, up > 0 ? up : ln->g, ln->host_ns, "%.200s", m);
  }
  return n;
}

/* The lines that mark a stage, by the prefix Linux prints them with; the
 * first row that matches handles the line. A row with `contains` matches only
 * lines that also hold that text. A new stage is a row here and a handler. */
static const struct line_rule {
  const char *prefix;
  const char *contains;
  int (*handle)(struct pvhlinux_stages *st, const struct line *ln);
} line_rules[] = {
    {"BIOS-e820: ", NULL, on_e820},
    {"Linux version ", NULL, on_banner},
    {"Command line: ", NULL, on_cmdline},
    {"Kernel command line: ", NULL, on_cmdline},
    {"RAMDISK: [mem ", NULL, on_ramdisk},
    {"ACPI: RSDP ", NULL, on_rsdp},
    {"Run ", " as init process", on_init},
    {"reboot: Power down", NULL, on_power_down},
    {"reboot: Restarting system", NULL, on_other_reboot},
    {"reboot: System halted", NULL, on_other_reboot},
    {"Kernel panic - not syncing", NULL, on_panic},
};

static const struct line_rule *match_rule(const char *body, const char **rest) {
  for (size_t i = 0; i < sizeof(line_rules) / sizeof(line_rules[0]); i++) {
    const struct line_rule *r = &line_rules[i];
    size_t pl = strlen(r->prefix);
    if (strncmp(body, r->prefix, pl) == 0 && (!r->contains || strstr(body, r->contains))) {
      *rest = body + pl;
      return r;
    }
  }
  *rest = body;
  return NULL;
}

static int on_line(struct pvhlinux_stages *st, char *line, uint64_t host_ns) {
  size_t len = strlen(line);
  while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
    line[--len] = '\0';
  if (len == 0)
    return 0;
  snprintf(st->last_line, sizeof(st->last_line), "%s", line);
  struct line ln = {.host_ns = host_ns};
  ln.g = printk_time(line, &ln.body);
  if (ln.g >= 0)
    st->last_guest_s = ln.g;
  else
    ln.g = st->last_guest_s; /* unprefixed line: the newest guest time is a lower bound */

  const struct line_rule *r = match_rule(ln.body, &ln.rest);
  int n = 0;
  /* The e820 map is the run of "BIOS-e820: " lines; the first other line ends it. */
  if (r && r->handle == on_e820)
    return on_e820(st, &ln);
  if (st->nr_e820 && !st->e820_settled) {
    pvhlinux_e820_settle(st);
    n++;
  }
  return n + (r ? r->handle(st, &ln) : on_unprefixed(st, &ln));
}

int pvhlinux_stages_feed(struct pvhlinux_stages *st, const char *data, size_t len, uint64_t host_ns) {
  int n = 0;
  for (size_t i = 0; i < len; i++) {
    char c = data[i];
    if (c == '\n') {
      st->line[st->line_len] = '\0';
      n += on_line(st, st->line, host_ns);
      st->line_len = 0;
      st->line_cut = 0;
    } else if (c == '\0') {
      continue; /* a NUL would end the line early for the string matchers */
    } else if (st->line_len + 1 < sizeof(st->line)) {
      st->line[st->line_len++] = c;
    } else {
      st->line_cut = 1;
    }
  }
  return n;
}

void pvhlinux_stages_finish(struct pvhlinux_stages *st, uint64_t host_ns) {
  if (st->line_len) {
    st->line[st->line_len] = '\0';
    on_line(st, st->line, host_ns);
    st->line_len = 0;
  }
  pvhlinux_e820_settle(st);
}

void pvhlinux_stages_mark(struct pvhlinux_stages *st, enum pvhlinux_stage s, enum pvhlinux_state state,
                          uint64_t host_ns, const char *detail) {
  if ((unsigned)s >= PVHLINUX_ST__COUNT)
    return;
  struct pvhlinux_stage_info *in = &st->info[s];
  in->state = state;
  in->host_s = ns_to_s(host_ns);
  /* The entry is before the guest's first instruction, so its guest time is
   * the start of the guest's clock (printk's [0.000000]), not whatever line the
   * console printed last by the time the VMM reports the proof. */
  in->guest_s = s == PVHLINUX_ST_ENTRY ? 0.0 : st->last_guest_s;
  snprintf(in->detail, sizeof(in->detail), "%s", detail ? detail : "");
}

const struct pvhlinux_stage_info *pvhlinux_stages_get(const struct pvhlinux_stages *st,
                                                      enum pvhlinux_stage s) {
  return (unsigned)s < PVHLINUX_ST__COUNT ? &st->info[s] : NULL;
}

int pvhlinux_stages_furthest(const struct pvhlinux_stages *st) {
  int f = -1;
  for (int i = 0; i < PVHLINUX_ST__COUNT; i++)
    if (st->info[i].state == PVHLINUX_REACHED)
      f = i;
  return f;
}

int pvhlinux_stages_ok(const struct pvhlinux_stages *st, enum pvhlinux_stage until) {
  if ((unsigned)until >= PVHLINUX_ST__COUNT)
    return 0;
  for (int i = 0; i < PVHLINUX_ST__COUNT; i++) {
    enum pvhlinux_state s = st->info[i].state;
    if (s == PVHLINUX_MISMATCH)
      return 0;
    if (i <= (int)until && s != PVHLINUX_REACHED && s != PVHLINUX_NOT_CHECKED)
      return 0;
  }
  return st->info[until].state == PVHLINUX_REACHED;
}

const struct pvhlinux_e820 *pvhlinux_stages_e820(const struct pvhlinux_stages *st, size_t *nr) {
  *nr = st->nr_e820;
  return st->e820;
}

const char *pvhlinux_stages_panic(const struct pvhlinux_stages *st) {
  return st->panic[0] ? st->panic : NULL;
}
const char *pvhlinux_stages_last_line(const struct pvhlinux_stages *st) { return st->last_line; }
