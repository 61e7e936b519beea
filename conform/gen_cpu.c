/* SPDX-License-Identifier: MIT */
/* The register side of the entry: general registers, ESP, EFLAGS, the
 * selector values (hidden parts stay flat), where the GDT is, and IDTR. */
#include <inttypes.h>
#include <string.h>

#include "internal.h"

static const char *const gpr_names[14] = {"eax", "ecx", "edx", "esi", "edi", "ebp", "r8",
                                          "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

void conform_gen_CV_GPR(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  struct conform_rng r;
  (void)ctx;
  conform_rng_seed(&r, stream);
  for (unsigned i = 0; i < 14; i++) {
    uint64_t v = conform_rng_next(&r);
    if (i < 6 || c->realm == CONFORM_REALM_VMM)
      /* A VMM's 32-bit firmware (QEMU's option ROM) leaves 32-bit values;
       * r8-r15 it cannot touch, so they stay as KVM reset them. */
      v = i < 6 ? (uint32_t)v : 0;
    c->gpr[i] = v;
  }
}

int conform_desc_CV_GPR(const struct conform_case *c, char *out, size_t cap) {
  int n = 0;
  for (unsigned i = 0; i < 14; i++)
    if (i < 6 || c->gpr[i])
      n += conform_fmt(out + n, cap - (size_t)n, "%s%s 0x%" PRIx64, i ? " " : "", gpr_names[i], c->gpr[i]);
  return n;
}

void conform_gen_CV_ESP(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  struct conform_rng r;
  conform_rng_seed(&r, stream);
  switch (conform_rng_range(&r, 0, c->realm == CONFORM_REALM_ABI ? 5 : 3)) {
  case 0: c->esp = 0; break;      /* Firecracker and cloud-hypervisor leave RSP 0 for PVH */
  case 1: c->esp = 0x7000; break; /* a firmware stack in low memory */
  case 2: c->esp = conform_rng_range(&r, 0x500, PVH_LOW_RAM_END) & ~0xfull; break;
  case 3: c->esp = ctx->kernel_start; break;              /* pointing at the kernel's first byte */
  case 4: c->esp = (uint32_t)conform_rng_next(&r); break; /* anything, odd included */
  default: c->esp = 0xffffffffull; break;
  }
}

int conform_desc_CV_ESP(const struct conform_case *c, char *out, size_t cap) {
  return conform_fmt(out, cap, "esp 0x%" PRIx64, c->esp);
}

/* EFLAGS bits the contract leaves open, by realm. The arithmetic flags and
 * DF are what firmware code leaves behind; IOPL, NT, AC and ID are allowed
 * too, but no VMM we know sets them. RF (KVM owns it around debug exits),
 * VIF/VIP (virtual-8086 only) and the reserved bits are not varied. */
#define FL_ARITH 0x8d5ull /* CF PF AF ZF SF OF */
#define FL_DF 0x400ull
#define FL_ABI_ONLY (0x3000ull | 0x4000ull | 0x40000ull | 0x200000ull) /* IOPL NT AC ID */

uint64_t conform_eflags_open(enum conform_realm realm);
uint64_t conform_eflags_open(enum conform_realm realm) {
  return FL_ARITH | FL_DF | (realm == CONFORM_REALM_ABI ? FL_ABI_ONLY : 0);
}

void conform_gen_CV_EFLAGS(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  struct conform_rng r;
  (void)ctx;
  conform_rng_seed(&r, stream);
  c->rflags = PVH_RFLAGS_FIXED | (conform_rng_next(&r) & conform_eflags_open(c->realm)) | FL_DF;
  if (conform_rng_range(&r, 0, 3) == 0)
    c->rflags &= ~FL_DF; /* mostly with DF: the bit a guest most often forgets */
}

int conform_desc_CV_EFLAGS(const struct conform_case *c, char *out, size_t cap) {
  static const struct {
    uint64_t bit;
    const char *name;
  } names[] = {{0x1, "CF"},    {0x4, "PF"},     {0x10, "AF"},    {0x40, "ZF"},
               {0x80, "SF"},   {0x400, "DF"},   {0x800, "OF"},   {0x3000, "IOPL"},
               {0x4000, "NT"}, {0x40000, "AC"}, {0x200000, "ID"}};
  int n = conform_fmt(out, cap, "eflags 0x%" PRIx64, c->rflags);
  const char *sep = " (";
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (c->rflags & names[i].bit) {
      n += conform_fmt(out + n, cap - (size_t)n, "%s%s", sep, names[i].name);
      sep = " ";
    }
  if (sep[0] == ' ')
    n += conform_fmt(out + n, cap - (size_t)n, ")");
  return n;
}

void conform_gen_CV_SELECTORS(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  struct conform_rng r;
  (void)ctx;
  conform_rng_seed(&r, stream);
  if (conform_rng_range(&r, 0, 2) == 0) {
    /* Firecracker's and cloud-hypervisor's boot GDT: code 1, data 2, TSS 3. */
    static const uint16_t fc[7] = {1, 2, 2, 2, 2, 2, 3};
    memcpy(c->sel, fc, sizeof(fc));
    return;
  }
  c->sel[0] = (uint16_t)conform_rng_range(&r, 1, CONFORM_GDT_MAX - 1);
  do
    c->sel[6] = (uint16_t)conform_rng_range(&r, 1, CONFORM_GDT_MAX - 1);
  while (c->sel[6] == c->sel[0]);
  int shared = conform_rng_range(&r, 0, 1) == 0; /* one data descriptor for all, or one each */
  for (unsigned i = 1; i < 6; i++) {
    if (shared && i > 1) {
      c->sel[i] = c->sel[1];
      continue;
    }
    do
      c->sel[i] = (uint16_t)conform_rng_range(&r, 1, CONFORM_GDT_MAX - 1);
    while (c->sel[i] == c->sel[0] || c->sel[i] == c->sel[6]);
  }
}

int conform_desc_CV_SELECTORS(const struct conform_case *c, char *out, size_t cap) {
  return conform_fmt(out, cap, "cs 0x%x ds 0x%x es 0x%x ss 0x%x fs 0x%x gs 0x%x tr 0x%x", c->sel[0] << 3,
                     c->sel[1] << 3, c->sel[2] << 3, c->sel[3] << 3, c->sel[4] << 3, c->sel[5] << 3,
                     c->sel[6] << 3);
}

void conform_gen_CV_GDTR(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  struct conform_rng r;
  conform_rng_seed(&r, stream);
  /* Low memory in both realms: conform writes the GDT after the loader has
   * placed the initramfs, which does not know about it. */
  c->gdt_paddr = conform_pick_spot(&r, ctx, CONFORM_REALM_VMM, CONFORM_GDT_AREA, 8, NULL, 0);
  c->gdt_slack = (uint16_t)(conform_rng_range(&r, 0, 1) ? 0 : conform_rng_range(&r, 1, 0xff) * 8);
}

int conform_desc_CV_GDTR(const struct conform_case *c, char *out, size_t cap) {
  if (!c->gdt_paddr)
    return conform_fmt(out, cap, "gdt at the loader's place (no spot found)");
  return conform_fmt(out, cap, "gdt at 0x%" PRIx64 ", limit %u bytes past the last descriptor", c->gdt_paddr,
                     c->gdt_slack);
}

void conform_gen_CV_IDTR(struct conform_case *c, const struct conform_ctx *ctx, uint64_t stream) {
  struct conform_rng r;
  conform_rng_seed(&r, stream);
  switch (conform_rng_range(&r, 0, c->realm == CONFORM_REALM_ABI ? 3 : 1)) {
  case 0:
    c->idt_base = 0;
    c->idt_limit = 0x3ff;
    break; /* the real-mode IVT a firmware leaves */
  case 1:
    c->idt_base = 0;
    c->idt_limit = 0;
    break; /* nothing */
  case 2:  /* a table somewhere in RAM, never written: junk entries */
    c->idt_base = conform_rng_range(&r, 0, conform_low_top(ctx) - 0x800) & ~7ull;
    c->idt_limit = 0x7ff;
    break;
  default:
    c->idt_base = (uint32_t)conform_rng_next(&r);
    c->idt_limit = (uint16_t)conform_rng_next(&r);
    break;
  }
}

int conform_desc_CV_IDTR(const struct conform_case *c, char *out, size_t cap) {
  return conform_fmt(out, cap, "idtr base 0x%" PRIx64 " limit 0x%x", c->idt_base, c->idt_limit);
}
