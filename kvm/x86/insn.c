/* SPDX-License-Identifier: MIT */
/* Length decoding after the Intel SDM vol. 2, appendix A (opcode maps) and
 * 2.1 (instruction format): prefixes, REX, opcode (1-3 bytes), ModRM, SIB,
 * displacement, immediate. What each opcode takes is a table per map, read
 * the way the SDM's opcode maps are; the code only walks the format. What an
 * instruction writes (for the single-step proof) is checks/insn_effects.c. */
#include <stdio.h>
#include <string.h>

#include "pvhkvm/insn.h"

#define MAX_INSN 15

/* Immediate kinds: none, 8, 16, 16+8 (enter), z (16 or 32 by operand size),
 * v (16, 32 or 64), far pointer (z + 16), moffs (by address size), and the
 * group-3 forms (f6/f7) that have an immediate only for TEST (/0, /1). */
enum imm { I0, I8, I16, IZ, IV, I16_8, IFAR, IMOFFS, I8_TEST, IZ_TEST };

/* An opcode's attributes: its immediate (enum imm, low 4 bits) and flags. */
#define A_IMM 0x0f
#define A_MODRM 0x10   /* one-byte map: takes a ModRM byte */
#define A_NOMODRM 0x20 /* 0f map (where most do): takes none */
#define A_INV64 0x40   /* not valid in 64-bit mode */
#define A_INV 0x80     /* not decoded here in any mode (an ambiguous or unknown form) */

/* The eight ALU operations' rows (00-3f): Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev take
 * ModRM; AL,Ib and eAX,Iz take an immediate. */
#define ALU_ROW(b)                                                                                           \
  [b] = A_MODRM, [b + 1] = A_MODRM, [b + 2] = A_MODRM, [b + 3] = A_MODRM, [b + 4] = I8, [b + 5] = IZ

/* One row per opcode group, as the SDM's maps read. */
// clang-format off
static const uint8_t map_1byte[256] = {
    ALU_ROW(0x00), ALU_ROW(0x08), ALU_ROW(0x10), ALU_ROW(0x18),
    ALU_ROW(0x20), ALU_ROW(0x28), ALU_ROW(0x30), ALU_ROW(0x38),
    [0x06] = A_INV64, [0x07] = A_INV64, [0x0e] = A_INV64,                  /* push/pop es, push cs */
    [0x16] = A_INV64, [0x17] = A_INV64, [0x1e] = A_INV64, [0x1f] = A_INV64, /* push/pop ss, ds */
    [0x27] = A_INV64, [0x2f] = A_INV64, [0x37] = A_INV64, [0x3f] = A_INV64, /* daa das aaa aas */
    [0x60] = A_INV64, [0x61] = A_INV64,                                     /* pusha, popa */
    [0x62] = A_MODRM | A_INV,                                               /* BOUND or EVEX */
    [0x63] = A_MODRM,
    [0x68] = IZ, [0x69] = A_MODRM | IZ, [0x6a] = I8, [0x6b] = A_MODRM | I8,
    [0x70 ... 0x7f] = I8,                                                   /* jcc rel8 */
    [0x80] = A_MODRM | I8, [0x81] = A_MODRM | IZ,
    [0x82] = A_MODRM | I8 | A_INV64, [0x83] = A_MODRM | I8,
    [0x84 ... 0x8f] = A_MODRM,
    [0x9a] = IFAR | A_INV64,                                                /* call far */
    [0xa0 ... 0xa3] = IMOFFS,
    [0xa8] = I8, [0xa9] = IZ,
    [0xb0 ... 0xb7] = I8, [0xb8 ... 0xbf] = IV,
    [0xc0] = A_MODRM | I8, [0xc1] = A_MODRM | I8, [0xc2] = I16,
    [0xc4] = A_MODRM | A_INV, [0xc5] = A_MODRM | A_INV,                     /* LES/LDS or VEX */
    [0xc6] = A_MODRM | I8, [0xc7] = A_MODRM | IZ, [0xc8] = I16_8, [0xca] = I16, [0xcd] = I8,
    [0xce] = A_INV64,                                                       /* into */
    [0xd0 ... 0xd3] = A_MODRM,
    [0xd4] = I8 | A_INV64, [0xd5] = I8 | A_INV64, [0xd6] = A_INV64,         /* aam aad salc */
    [0xd8 ... 0xdf] = A_MODRM,                                              /* x87 */
    [0xe0 ... 0xe7] = I8,                                                   /* loop, jcxz, in/out imm8 */
    [0xe8] = IZ, [0xe9] = IZ, [0xea] = IFAR | A_INV64, [0xeb] = I8,
    [0xf6] = A_MODRM | I8_TEST, [0xf7] = A_MODRM | IZ_TEST,
    [0xfe] = A_MODRM, [0xff] = A_MODRM,
};

static const uint8_t map_0f[256] = {
    [0x04] = A_INV, [0x05 ... 0x09] = A_NOMODRM, [0x0a] = A_INV, [0x0b] = A_NOMODRM,
    [0x0c] = A_INV, [0x0e] = A_NOMODRM, [0x0f] = A_INV,                     /* 0f 0f: 3DNow! */
    [0x24 ... 0x27] = A_INV,
    [0x30 ... 0x35] = A_NOMODRM, [0x36] = A_NOMODRM | A_INV, [0x37] = A_NOMODRM,
    [0x39] = A_INV, [0x3b ... 0x3f] = A_INV,
    [0x70 ... 0x73] = I8, [0x77] = A_NOMODRM,
    [0x80 ... 0x8f] = A_NOMODRM | IZ,                                       /* jcc rel16/32 */
    [0xa0 ... 0xa2] = A_NOMODRM, [0xa4] = I8, [0xa6] = A_INV, [0xa7] = A_INV,
    [0xa8 ... 0xaa] = A_NOMODRM, [0xac] = I8,
    [0xba] = I8, [0xc2] = I8, [0xc4 ... 0xc6] = I8,
    [0xc8 ... 0xcf] = A_NOMODRM,                                            /* bswap */
    [0xff] = A_INV,
};
// clang-format on

/* Names for the instructions a report needs to name. NULL: no name. */
// clang-format off
static const char *const names_1byte[256] = {
    [0x31] = "xor", [0x33] = "xor",
    [0x6c ... 0x6d] = "ins", [0x6e ... 0x6f] = "outs",
    [0x88 ... 0x8c] = "mov", [0x8e] = "mov", [0x8d] = "lea",
    [0x9c] = "pushf", [0x9d] = "popf",
    [0xa0 ... 0xa3] = "mov", [0xb0 ... 0xbf] = "mov",
    [0xc3] = "ret", [0xc6 ... 0xc7] = "mov",
    [0xcc] = "int3", [0xcd] = "int", [0xce] = "into", [0xcf] = "iret",
    [0xe4 ... 0xe5] = "in", [0xe6 ... 0xe7] = "out", [0xe8] = "call",
    [0xe9 ... 0xeb] = "jmp", [0xec ... 0xed] = "in", [0xee ... 0xef] = "out",
    [0xf4] = "hlt", [0xfa] = "cli", [0xfb] = "sti", [0xfc] = "cld", [0xfd] = "std",
};

static const char *const names_0f[256] = {
    [0x02] = "lar", [0x03] = "lsl", [0x05] = "syscall", [0x06] = "clts", [0x07] = "sysret",
    [0x08] = "invd", [0x09] = "wbinvd", [0x0b] = "ud2",
    [0x20] = "mov cr", [0x21] = "mov dr", [0x22] = "mov cr", [0x23] = "mov dr",
    [0x30] = "wrmsr", [0x31] = "rdtsc", [0x32] = "rdmsr", [0x33] = "rdpmc",
    [0x34] = "sysenter", [0x35] = "sysexit", [0xa2] = "cpuid",
};

/* Groups named by ModRM.reg (memory or register forms) or by the whole ModRM. */
static const char *const grp6[8] = {"sldt", "str", "lldt", "ltr", "verr", "verw", NULL, NULL};        /* 0f 00 */
static const char *const grp7_mem[8] = {"sgdt", "sidt", "lgdt", "lidt", "smsw", NULL, "lmsw", "invlpg"}; /* 0f 01 */
static const char *const grp15_mem[8] = {"fxsave", "fxrstor", "ldmxcsr", "stmxcsr",
                                         "xsave",  "xrstor",  "xsaveopt", "clflush"};                    /* 0f ae */
static const char *const grp9_mem[8] = {NULL, "cmpxchg8b", NULL, "xrstors", NULL, "xsaves", NULL, NULL}; /* 0f c7 */
static const char *const grp9_reg[8] = {NULL, NULL, NULL, NULL, NULL, NULL, "rdrand", "rdseed"};
static const struct {
  uint8_t modrm;
  const char *name;
} grp7_reg[] = {
    {0xc1, "vmcall"}, {0xc8, "monitor"}, {0xc9, "mwait"}, {0xd0, "xgetbv"},
    {0xd1, "xsetbv"}, {0xd9, "vmmcall"}, {0xf8, "swapgs"}, {0xf9, "rdtscp"},
};
// clang-format on

static const char *name_of(const struct pvhkvm_insn *d) {
  uint8_t op = d->opcode, reg = (uint8_t)((d->modrm >> 3) & 7);
  int mem = d->has_modrm && (d->modrm >> 6) != 3;
  if (d->map == 0) {
    if (op == 0x90) /* a bare nop; with prefixes it is pause or xchg */
      return d->len == 1 ? "nop" : NULL;
    if (op >= 0x50 && op <= 0x5f) /* push/pop reg, at most a REX before */
      return d->len > 2 ? NULL : op < 0x58 ? "push" : "pop";
    return names_1byte[op];
  }
  if (d->map != 1)
    return NULL;
  switch (op) {
  case 0x00: return grp6[reg];
  case 0x01:
    if (mem)
      return grp7_mem[reg];
    for (size_t k = 0; k < sizeof(grp7_reg) / sizeof(grp7_reg[0]); k++)
      if (grp7_reg[k].modrm == d->modrm)
        return grp7_reg[k].name;
    return NULL;
  case 0xae: return mem ? grp15_mem[reg] : NULL;
  case 0xc7:
    if (mem && reg == 1 && (d->rex & 8))
      return "cmpxchg16b";
    return mem ? grp9_mem[reg] : grp9_reg[reg];
  }
  return names_0f[op];
}

/* The attributes of the opcode in its map; 0f 38 always takes ModRM and no
 * immediate, 0f 3a ModRM and an 8-bit immediate. */
static uint8_t attrs(unsigned map, uint8_t op) {
  switch (map) {
  case 0: return map_1byte[op];
  case 1: return map_0f[op];
  case 2: return A_MODRM;
  default: return A_MODRM | I8;
  }
}

int pvhkvm_insn_decode(const uint8_t *b, size_t n, int mode, struct pvhkvm_insn *out) {
  memset(out, 0, sizeof(*out));
  if (mode != 16 && mode != 32 && mode != 64)
    return -1;
  if (n > MAX_INSN)
    n = MAX_INSN;
  size_t i = 0;
  int opsize_pfx = 0, addrsize_pfx = 0;
  for (;; i++) {
    if (i >= n)
      return -1;
    uint8_t p = b[i];
    if (p == 0x66)
      opsize_pfx = 1;
    else if (p == 0x67)
      addrsize_pfx = 1;
    else if (p == 0xf0 || p == 0xf2 || p == 0xf3 || p == 0x2e || p == 0x36 || p == 0x3e || p == 0x26 ||
             p == 0x64 || p == 0x65)
      ;
    else
      break;
  }
  /* REX counts only as the last prefix before the opcode (64-bit mode). */
  if (mode == 64 && (b[i] & 0xf0) == 0x40) {
    out->rex = b[i++];
    if (i >= n)
      return -1;
  }
  int rex_w = (out->rex & 8) != 0;
  int opsize = mode == 16 ? (opsize_pfx ? 32 : 16) : (opsize_pfx ? 16 : 32);
  if (mode == 64 && rex_w)
    opsize = 64;
  int addrsize = mode == 64   ? (addrsize_pfx ? 32 : 64)
                 : mode == 32 ? (addrsize_pfx ? 16 : 32)
                              : (addrsize_pfx ? 32 : 16);
  out->opsize_16 = opsize == 16;

  uint8_t op = b[i++];
  if (op == 0x0f) {
    if (i >= n)
      return -1;
    op = b[i++];
    out->map = 1;
    if (op == 0x38 || op == 0x3a) {
      out->map = op == 0x38 ? 2 : 3;
      if (i >= n)
        return -1;
      op = b[i++];
    }
  }
  out->opcode = op;
  uint8_t a = attrs(out->map, op);
  if ((a & A_INV) || (mode == 64 && (a & A_INV64)))
    return -1;
  out->has_modrm = out->map == 1 ? !(a & A_NOMODRM) : (a & A_MODRM) != 0;
  if (out->has_modrm) {
    if (i >= n)
      return -1;
    uint8_t m = out->modrm = b[i++];
    unsigned mod = m >> 6, rm = m & 7;
    if (mod != 3) {
      if (addrsize == 16) {
        if (mod == 1)
          i += 1;
        else if (mod == 2 || (mod == 0 && rm == 6))
          i += 2;
      } else {
        if (rm == 4) {
          if (i >= n)
            return -1;
          uint8_t sib = b[i++];
          if (mod == 0 && (sib & 7) == 5)
            i += 4;
        }
        if (mod == 1)
          i += 1;
        else if (mod == 2 || (mod == 0 && rm == 5))
          i += 4;
      }
    }
  }
  enum imm imm = (enum imm)(a & A_IMM);
  if (imm == I8_TEST || imm == IZ_TEST) /* f6/f7: only TEST (/0, /1) has one */
    imm = ((out->modrm >> 3) & 7) >= 2 ? I0 : imm == I8_TEST ? I8 : IZ;
  /* 0xe8/0xe9 and jcc rel in 64-bit mode stay 32 bits with REX.W. */
  size_t z = opsize == 16 ? 2 : 4;
  switch (imm) {
  case I0: break;
  case I8: i += 1; break;
  case I16: i += 2; break;
  case I16_8: i += 3; break;
  case IZ: i += z; break;
  case IV: i += opsize == 64 ? 8 : z; break;
  case IFAR: i += z + 2; break;
  case IMOFFS: i += (size_t)addrsize / 8; break;
  case I8_TEST:
  case IZ_TEST: break; /* resolved above */
  }
  if (i > n) {
    out->len = 0;
    return -1;
  }
  out->len = i;
  out->name = name_of(out);
  return 0;
}

char *pvhkvm_insn_hex(const uint8_t *b, size_t n, char *out, size_t cap) {
  size_t o = 0;
  if (cap)
    out[0] = 0;
  for (size_t k = 0; k < n && o + 4 <= cap; k++)
    o += (size_t)snprintf(out + o, cap - o, k ? " %02x" : "%02x", b[k]);
  return out;
}
