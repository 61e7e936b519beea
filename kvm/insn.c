/* SPDX-License-Identifier: MIT */
/* Length decoding after the Intel SDM vol. 2, appendix A (opcode maps) and
 * 2.1 (instruction format): prefixes, REX, opcode (1-3 bytes), ModRM, SIB,
 * displacement, immediate. */
#include <stdio.h>
#include <string.h>

#include "pvhkvm/insn.h"

#define MAX_INSN 15

enum imm { I0, I8, I16, IZ, IV, I16_8, IFAR, IMOFFS };

/* One-byte map: does the opcode take a ModRM byte. Rows 0x00-0x3f: the
 * ALU ops x0-x3 and x8-xb do; 0x62/0x63/0x69/0x6b, 0x80-0x8f, 0xc0/c1,
 * 0xc4-c7, 0xd0-d3, 0xd8-df (x87), 0xf6/f7, 0xfe/ff do. */
static int modrm_1(uint8_t op) {
  if (op < 0x40)
    return (op & 7) < 4 && (op & 0x0f) != 0x0f;
  switch (op) {
  case 0x62:
  case 0x63:
  case 0x69:
  case 0x6b:
  case 0xc0:
  case 0xc1:
  case 0xc4:
  case 0xc5:
  case 0xc6:
  case 0xc7:
  case 0xd0:
  case 0xd1:
  case 0xd2:
  case 0xd3:
  case 0xf6:
  case 0xf7:
  case 0xfe:
  case 0xff: return 1;
  }
  return (op >= 0x80 && op <= 0x8f) || (op >= 0xd8 && op <= 0xdf);
}

static enum imm imm_1(uint8_t op, uint8_t modrm) {
  if (op < 0x40)
    return (op & 7) == 4 ? I8 : (op & 7) == 5 ? IZ : I0;
  if (op >= 0x70 && op <= 0x7f)
    return I8;
  if (op >= 0xb0 && op <= 0xb7)
    return I8;
  if (op >= 0xb8 && op <= 0xbf)
    return IV;
  if (op >= 0xe0 && op <= 0xe7)
    return I8;
  switch (op) {
  case 0x6a:
  case 0x6b:
  case 0x80:
  case 0x82:
  case 0x83:
  case 0xa8:
  case 0xc0:
  case 0xc1:
  case 0xc6:
  case 0xcd:
  case 0xd4:
  case 0xd5:
  case 0xeb: return I8;
  case 0x68:
  case 0x69:
  case 0x81:
  case 0xa9:
  case 0xc7:
  case 0xe8:
  case 0xe9: return IZ;
  case 0xc2:
  case 0xca: return I16;
  case 0xc8: return I16_8;
  case 0x9a:
  case 0xea: return IFAR;
  case 0xa0:
  case 0xa1:
  case 0xa2:
  case 0xa3: return IMOFFS;
  case 0xf6: return ((modrm >> 3) & 7) < 2 ? I8 : I0;
  case 0xf7: return ((modrm >> 3) & 7) < 2 ? IZ : I0;
  }
  return I0;
}

/* 0f map: the opcodes without a ModRM byte. */
static int modrm_0f(uint8_t op) {
  if ((op >= 0x30 && op <= 0x37) || (op >= 0x80 && op <= 0x8f) || (op >= 0xc8 && op <= 0xcf))
    return 0;
  switch (op) {
  case 0x05:
  case 0x06:
  case 0x07:
  case 0x08:
  case 0x09:
  case 0x0b:
  case 0x0e:
  case 0x77:
  case 0xa0:
  case 0xa1:
  case 0xa2:
  case 0xa8:
  case 0xa9:
  case 0xaa: return 0;
  }
  return 1;
}

static enum imm imm_0f(uint8_t op) {
  if (op >= 0x80 && op <= 0x8f)
    return IZ;
  switch (op) {
  case 0x70:
  case 0x71:
  case 0x72:
  case 0x73:
  case 0xa4:
  case 0xac:
  case 0xba:
  case 0xc2:
  case 0xc4:
  case 0xc5:
  case 0xc6: return I8;
  }
  return I0;
}

/* Opcodes that are not valid (or are not decoded here) in the mode. */
static int invalid(unsigned map, uint8_t op, int mode) {
  if (map == 0 && mode == 64)
    switch (op) {
    case 0x06:
    case 0x07:
    case 0x0e:
    case 0x16:
    case 0x17:
    case 0x1e:
    case 0x1f:
    case 0x27:
    case 0x2f:
    case 0x37:
    case 0x3f:
    case 0x60:
    case 0x61:
    case 0x62:
    case 0x82:
    case 0x9a:
    case 0xc4:
    case 0xc5:
    case 0xce:
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xea: return 1;
    }
  if (map == 0 && op == 0x62)
    return 1; /* BOUND or EVEX: not told apart here */
  if (map == 0 && (op == 0xc4 || op == 0xc5))
    return 1; /* LES/LDS or VEX: not told apart here */
  if (map == 1 && (op == 0x0f || op == 0xa6 || op == 0xa7 || op == 0xff || op == 0x04 || op == 0x0a ||
                   op == 0x0c || op == 0x24 || op == 0x25 || op == 0x26 || op == 0x27 || op == 0x36 ||
                   op == 0x39 || (op >= 0x3b && op <= 0x3f)))
    return 1;
  return 0;
}

static const char *name_of(const struct pvhkvm_insn *d) {
  uint8_t op = d->opcode, reg = (uint8_t)((d->modrm >> 3) & 7);
  int mem = d->has_modrm && (d->modrm >> 6) != 3;
  if (d->map == 0) {
    switch (op) {
    case 0xcc: return "int3";
    case 0xcd: return "int";
    case 0xce: return "into";
    case 0xcf: return "iret";
    case 0xf4: return "hlt";
    case 0xfa: return "cli";
    case 0xfb: return "sti";
    case 0x9c: return "pushf";
    case 0x9d: return "popf";
    case 0xe4:
    case 0xe5:
    case 0xec:
    case 0xed: return "in";
    case 0xe6:
    case 0xe7:
    case 0xee:
    case 0xef: return "out";
    case 0x6c:
    case 0x6d: return "ins";
    case 0x6e:
    case 0x6f: return "outs";
    case 0x90: return d->len == 1 ? "nop" : NULL;
    }
    return NULL;
  }
  if (d->map != 1)
    return NULL;
  switch (op) {
  case 0x00: {
    static const char *n[8] = {"sldt", "str", "lldt", "ltr", "verr", "verw", NULL, NULL};
    return n[reg];
  }
  case 0x01:
    if (!mem) {
      switch (d->modrm) {
      case 0xc1: return "vmcall";
      case 0xc8: return "monitor";
      case 0xc9: return "mwait";
      case 0xd0: return "xgetbv";
      case 0xd1: return "xsetbv";
      case 0xd9: return "vmmcall";
      case 0xf8: return "swapgs";
      case 0xf9: return "rdtscp";
      }
      return NULL;
    } else {
      static const char *n[8] = {"sgdt", "sidt", "lgdt", "lidt", "smsw", NULL, "lmsw", "invlpg"};
      return n[reg];
    }
  case 0x02: return "lar";
  case 0x03: return "lsl";
  case 0x05: return "syscall";
  case 0x06: return "clts";
  case 0x07: return "sysret";
  case 0x08: return "invd";
  case 0x09: return "wbinvd";
  case 0x0b: return "ud2";
  case 0x20:
  case 0x22: return "mov cr";
  case 0x21:
  case 0x23: return "mov dr";
  case 0x30: return "wrmsr";
  case 0x31: return "rdtsc";
  case 0x32: return "rdmsr";
  case 0x33: return "rdpmc";
  case 0x34: return "sysenter";
  case 0x35: return "sysexit";
  case 0xa2: return "cpuid";
  case 0xae:
    if (mem) {
      static const char *n[8] = {"fxsave", "fxrstor", "ldmxcsr",  "stmxcsr",
                                 "xsave",  "xrstor",  "xsaveopt", "clflush"};
      return n[reg];
    }
    return NULL;
  case 0xc7:
    if (mem && reg == 1)
      return (d->rex & 8) ? "cmpxchg16b" : "cmpxchg8b";
    if (mem && reg == 3)
      return "xrstors";
    if (mem && reg == 5)
      return "xsaves";
    if (!mem && reg == 6)
      return "rdrand";
    if (!mem && reg == 7)
      return "rdseed";
    return NULL;
  }
  return NULL;
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
  if (invalid(out->map, op, mode))
    return -1;
  out->has_modrm = out->map == 0 ? modrm_1(op) : out->map == 1 ? modrm_0f(op) : 1;
  enum imm imm = I0;
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
  if (out->map == 0)
    imm = imm_1(op, out->modrm);
  else if (out->map == 1)
    imm = imm_0f(op);
  else if (out->map == 3)
    imm = I8;
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
