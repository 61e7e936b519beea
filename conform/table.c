/* SPDX-License-Identifier: MIT */
/* The table of variations, made from CONFORM_VAR_LIST (pvhconform/conform.h),
 * and the case operations that walk it. */
#include <string.h>

#include "internal.h"

static const struct conform_variation table[CV__COUNT] = {
#define CONFORM_X_ROW(id, nm, varies, doc) [id] = {id, nm, varies, conform_gen_##id, conform_desc_##id, doc},
    CONFORM_VAR_LIST(CONFORM_X_ROW)
#undef CONFORM_X_ROW
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
