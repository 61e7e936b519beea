/* SPDX-License-Identifier: MIT */
/* What one decoded instruction may write (pvhkvm_insn_effects, pvhkvm/insn.h):
 * the single-step entry proof (proof.c) allows exactly these differences
 * between the loader's state and the state after one instruction. An
 * instruction this file does not know is refused, never guessed: the proof
 * then fails with that reason. */
#include <string.h>

#include "pvhkvm/insn.h"

#define F_CF 0x001ull
#define F_PF 0x004ull
#define F_AF 0x010ull
#define F_ZF 0x040ull
#define F_SF 0x080ull
#define F_IF 0x200ull
#define F_DF 0x400ull
#define F_OF 0x800ull
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)
#define F_ALL 0x3f7fd5ull /* every writable bit up to ID */

enum { R_AX = 0, R_CX = 1, R_DX = 2, R_BX = 3, R_SP = 4, R_BP = 5, R_SI = 6, R_DI = 7 };
#define G(r) ((uint16_t)(1u << (r)))

/* Byte-operand forms: there, without REX, register numbers 4-7 are AH, CH,
 * DH, BH, which live in RAX, RCX, RDX, RBX. */
static int byte_op(const struct pvhkvm_insn *d) {
  uint8_t op = d->opcode;
  if (d->map == 1)
    return (op >= 0x90 && op <= 0x9f) || op == 0xb0 || op == 0xc0;
  if (d->map != 0)
    return 0;
  if (op < 0x40)
    return (op & 7) == 0 || (op & 7) == 2 || (op & 7) == 4;
  if (op >= 0xb0 && op <= 0xb7)
    return 1;
  switch (op) {
  case 0x80:
  case 0x82:
  case 0x84:
  case 0x86:
  case 0x88:
  case 0x8a:
  case 0xc0:
  case 0xc6:
  case 0xd0:
  case 0xd2:
  case 0xf6:
  case 0xfe: return 1;
  }
  return 0;
}
static unsigned gpr(const struct pvhkvm_insn *d, unsigned n, int rex_bit) {
  if (byte_op(d) && !d->rex && n >= 4)
    return n - 4;
  return n | ((d->rex & rex_bit) ? 8u : 0u);
}
static unsigned reg_of(const struct pvhkvm_insn *d) { return gpr(d, (d->modrm >> 3) & 7u, 4); }
/* The r/m register when ModRM names a register (mod 3); no bits otherwise
 * (a memory operand changes no register of the proof). */
static uint16_t rm_reg(const struct pvhkvm_insn *d) {
  if (!d->has_modrm || (d->modrm >> 6) != 3)
    return 0;
  return G(gpr(d, d->modrm & 7u, 1));
}
static unsigned sreg_fx(unsigned sreg) {
  static const unsigned m[8] = {
      PVHKVM_FX_ES, PVHKVM_FX_CS, PVHKVM_FX_SS, PVHKVM_FX_DS, PVHKVM_FX_FS, PVHKVM_FX_GS, 0, 0};
  return m[sreg & 7];
}

/* Reads the last `size` bytes of the instruction as a signed displacement. */
static int64_t tail_rel(const struct pvhkvm_insn *d, const uint8_t *b, size_t size) {
  uint64_t v = 0;
  for (size_t k = 0; k < size; k++)
    v |= (uint64_t)b[d->len - size + k] << (8 * k);
  if (size < 8 && (v >> (8 * size - 1)) & 1)
    v |= ~0ull << (8 * size);
  return (int64_t)v;
}

static int effects_0f(const struct pvhkvm_insn *d, const uint8_t *b, struct pvhkvm_insn_effects *fx) {
  uint8_t op = d->opcode;
  unsigned reg = (d->modrm >> 3) & 7u;
  int mem = d->has_modrm && (d->modrm >> 6) != 3;
  if (op >= 0x40 && op <= 0x4f) { /* cmovcc */
    fx->gprs = G(reg_of(d));
    return 0;
  }
  if (op >= 0x80 && op <= 0x8f) { /* jcc rel16/32 */
    fx->branch = 2;
    fx->rel = tail_rel(d, b, d->opsize_16 ? 2 : 4);
    return 0;
  }
  if (op >= 0x90 && op <= 0x9f) { /* setcc */
    fx->gprs = rm_reg(d);
    return 0;
  }
  if (op >= 0xc8 && op <= 0xcf) { /* bswap */
    fx->gprs = G((op & 7u) | ((d->rex & 1) ? 8u : 0u));
    return 0;
  }
  if (op >= 0x18 && op <= 0x1f) /* hint NOPs, prefetch */
    return 0;
  switch (op) {
  case 0x00:
    if (reg == 2)
      fx->sys = PVHKVM_FX_LDT;
    else if (reg == 3)
      fx->sys = PVHKVM_FX_TR;
    else if (reg == 0 || reg == 1)
      fx->gprs = rm_reg(d);
    else if (reg == 4 || reg == 5)
      fx->rflags = F_ZF;
    else
      return -1;
    return 0;
  case 0x01:
    if (mem && reg == 2)
      fx->sys = PVHKVM_FX_GDT;
    else if (mem && reg == 3)
      fx->sys = PVHKVM_FX_IDT;
    else if (mem && (reg == 0 || reg == 1 || reg == 7))
      ;
    else if (reg == 4)
      fx->gprs = rm_reg(d);
    else if (reg == 6)
      fx->sys = PVHKVM_FX_CR0;
    else if (!mem && d->modrm == 0xd0) /* xgetbv */
      fx->gprs = G(R_AX) | G(R_DX);
    else
      return -1;
    return 0;
  case 0x02:
  case 0x03: /* lar, lsl */
    fx->gprs = G(reg_of(d));
    fx->rflags = F_ZF;
    return 0;
  case 0x06: fx->sys = PVHKVM_FX_CR0; return 0; /* clts */
  case 0x20:
  case 0x21: fx->gprs = rm_reg(d); return 0;
  case 0x22: {
    static const unsigned cr[8] = {PVHKVM_FX_CR0, 0, PVHKVM_FX_CR2, PVHKVM_FX_CR3, PVHKVM_FX_CR4, 0, 0, 0};
    if (!cr[reg])
      return -1;
    fx->sys = cr[reg];
    return 0;
  }
  case 0x30: fx->sys = PVHKVM_FX_EFER | PVHKVM_FX_FS | PVHKVM_FX_GS; return 0; /* wrmsr: EFER, FS/GS base */
  case 0x31:
  case 0x32: fx->gprs = G(R_AX) | G(R_DX); return 0;                     /* rdtsc, rdmsr */
  case 0xa2: fx->gprs = G(R_AX) | G(R_BX) | G(R_CX) | G(R_DX); return 0; /* cpuid */
  case 0xa0:
  case 0xa8: fx->gprs = G(R_SP); return 0; /* push fs/gs */
  case 0xa1:
    fx->gprs = G(R_SP);
    fx->sys = PVHKVM_FX_FS;
    return 0;
  case 0xa9:
    fx->gprs = G(R_SP);
    fx->sys = PVHKVM_FX_GS;
    return 0;
  case 0xa3: fx->rflags = F_ARITH; return 0; /* bt */
  case 0xab:
  case 0xb3:
  case 0xbb:
  case 0xa4:
  case 0xa5:
  case 0xac:
  case 0xad: /* bts btr btc shld shrd */
    fx->gprs = rm_reg(d);
    fx->rflags = F_ARITH;
    return 0;
  case 0xba:
    fx->gprs = reg == 4 ? 0 : rm_reg(d);
    fx->rflags = F_ARITH;
    return 0;
  case 0xaf:
  case 0xbc:
  case 0xbd: /* imul, bsf, bsr */
    fx->gprs = G(reg_of(d));
    fx->rflags = F_ARITH;
    return 0;
  case 0xb6:
  case 0xb7:
  case 0xbe:
  case 0xbf: fx->gprs = G(reg_of(d)); return 0; /* movzx, movsx */
  case 0xb2:
    fx->gprs = G(reg_of(d));
    fx->sys = PVHKVM_FX_SS;
    return 0;
  case 0xb4:
    fx->gprs = G(reg_of(d));
    fx->sys = PVHKVM_FX_FS;
    return 0;
  case 0xb5:
    fx->gprs = G(reg_of(d));
    fx->sys = PVHKVM_FX_GS;
    return 0;
  case 0xb0:
  case 0xb1:
  case 0xc0:
  case 0xc1: /* cmpxchg, xadd */
    fx->gprs = G(R_AX) | G(reg_of(d)) | rm_reg(d);
    fx->rflags = F_ARITH;
    return 0;
  case 0xae:
    if (mem && reg <= 1) /* fxsave/fxrstor touch no GPR */
      return 0;
    return -1;
  }
  return -1;
}

int pvhkvm_insn_effects(const struct pvhkvm_insn *d, const uint8_t *b, struct pvhkvm_insn_effects *fx) {
  memset(fx, 0, sizeof(*fx));
  if (!d->len)
    return -1;
  if (d->map == 1)
    return effects_0f(d, b, fx);
  if (d->map != 0)
    return -1;
  uint8_t op = d->opcode;
  unsigned reg = (d->modrm >> 3) & 7u;
  if (op < 0x40 && (op & 7) < 6) { /* ALU: add or adc and sbb sub xor cmp */
    fx->rflags = F_ARITH;
    if (op >= 0x38) /* cmp */
      return 0;
    unsigned form = op & 7u;
    fx->gprs = form == 0 || form == 1 ? rm_reg(d) : form == 2 || form == 3 ? G(reg_of(d)) : G(R_AX);
    return 0;
  }
  if (op < 0x40) {
    switch (op) {
    case 0x06:
    case 0x0e:
    case 0x16:
    case 0x1e: fx->gprs = G(R_SP); return 0; /* push sreg */
    case 0x07:
      fx->gprs = G(R_SP);
      fx->sys = PVHKVM_FX_ES;
      return 0;
    case 0x17:
      fx->gprs = G(R_SP);
      fx->sys = PVHKVM_FX_SS;
      return 0;
    case 0x1f:
      fx->gprs = G(R_SP);
      fx->sys = PVHKVM_FX_DS;
      return 0;
    case 0x27:
    case 0x2f:
    case 0x37:
    case 0x3f:
      fx->gprs = G(R_AX);
      fx->rflags = F_ARITH;
      return 0;
    }
    return -1;
  }
  if (op <= 0x4f) { /* inc/dec r32 (not REX here: REX is decoded as a prefix in 64-bit mode) */
    fx->gprs = G(op & 7u);
    fx->rflags = F_ARITH & ~F_CF;
    return 0;
  }
  if (op <= 0x57) {
    fx->gprs = G(R_SP);
    return 0;
  }
  if (op <= 0x5f) {
    fx->gprs = G(R_SP) | G((op & 7u) | ((d->rex & 1) ? 8u : 0u));
    return 0;
  }
  if (op >= 0x70 && op <= 0x7f) {
    fx->branch = 2;
    fx->rel = tail_rel(d, b, 1);
    return 0;
  }
  if (op >= 0x91 && op <= 0x97) {
    fx->gprs = G(R_AX) | G((op & 7u) | ((d->rex & 1) ? 8u : 0u));
    return 0;
  }
  if (op >= 0xb0 && op <= 0xbf) {
    fx->gprs = G(gpr(d, op & 7u, 1));
    return 0;
  }
  switch (op) {
  case 0x60:
  case 0x68:
  case 0x6a:
  case 0x9c: fx->gprs = G(R_SP); return 0;      /* pusha, push imm, pushf */
  case 0x61: fx->gprs = 0xff; return 0;         /* popa */
  case 0x63: fx->gprs = G(reg_of(d)); return 0; /* movsxd (64-bit) / arpl */
  case 0x69:
  case 0x6b:
    fx->gprs = G(reg_of(d));
    fx->rflags = F_ARITH;
    return 0;
  case 0x80:
  case 0x81:
  case 0x83:
    fx->rflags = F_ARITH;
    fx->gprs = reg == 7 ? 0 : rm_reg(d);
    return 0;
  case 0x84:
  case 0x85:
  case 0xa8:
  case 0xa9: fx->rflags = F_ARITH; return 0; /* test */
  case 0x86:
  case 0x87: fx->gprs = G(reg_of(d)) | rm_reg(d); return 0; /* xchg */
  case 0x88:
  case 0x89:
  case 0x8c: fx->gprs = rm_reg(d); return 0;
  case 0x8a:
  case 0x8b:
  case 0x8d: fx->gprs = G(reg_of(d)); return 0;
  case 0x8e:
    if (!sreg_fx(reg) || reg == 1)
      return -1;
    fx->sys = sreg_fx(reg);
    return 0;
  case 0x8f: fx->gprs = G(R_SP) | rm_reg(d); return 0;
  case 0x90: return 0; /* nop (pause with f3) */
  case 0x98: fx->gprs = G(R_AX); return 0;
  case 0x99: fx->gprs = G(R_DX); return 0;
  case 0x9d:
    fx->gprs = G(R_SP);
    fx->rflags = F_ALL;
    return 0;                                        /* popf */
  case 0x9e: fx->rflags = F_ARITH & ~F_OF; return 0; /* sahf */
  case 0x9f: fx->gprs = G(R_AX); return 0;           /* lahf */
  case 0xa0:
  case 0xa1: fx->gprs = G(R_AX); return 0;
  case 0xa2:
  case 0xa3: return 0; /* mov moffs, al/eax: memory only */
  case 0xa4:
  case 0xa5:
  case 0xa6:
  case 0xa7:
  case 0xaa:
  case 0xab:
  case 0xac:
  case 0xad:
  case 0xae:
  case 0xaf:
    /* string ops, with or without rep */
    fx->gprs = G(R_SI) | G(R_DI) | G(R_CX) | G(R_AX);
    fx->rflags = F_ARITH;
    return 0;
  case 0xc0:
  case 0xc1:
  case 0xd0:
  case 0xd1:
  case 0xd2:
  case 0xd3:
    fx->gprs = rm_reg(d);
    fx->rflags = F_ARITH;
    return 0;
  case 0xc6:
  case 0xc7: fx->gprs = rm_reg(d); return 0;
  case 0xc8:
  case 0xc9: fx->gprs = G(R_SP) | G(R_BP); return 0; /* enter, leave */
  case 0xe8:                                         /* call rel */
    fx->gprs = G(R_SP);
    fx->branch = 1;
    fx->rel = tail_rel(d, b, d->opsize_16 ? 2 : 4);
    return 0;
  case 0xe9:
    fx->branch = 1;
    fx->rel = tail_rel(d, b, d->opsize_16 ? 2 : 4);
    return 0;
  case 0xeb:
    fx->branch = 1;
    fx->rel = tail_rel(d, b, 1);
    return 0;
  case 0xe4:
  case 0xe5:
  case 0xec:
  case 0xed:
  case 0xe6:
  case 0xe7:
  case 0xee:
  case 0xef:
  case 0xf4:
  case 0x6c:
  case 0x6d:
  case 0x6e:
  case 0x6f:
    fx->exits_to_vmm = 1; /* in/out/ins/outs/hlt: KVM handles it before the single-step trap */
    return 0;
  case 0xf5:
  case 0xf8:
  case 0xf9: fx->rflags = F_CF; return 0;
  case 0xfa:
  case 0xfb: fx->rflags = F_IF; return 0;
  case 0xfc:
  case 0xfd: fx->rflags = F_DF; return 0;
  case 0xf6:
  case 0xf7:
    if (reg <= 1) {
      fx->rflags = F_ARITH;
    } else if (reg == 2) {
      fx->gprs = rm_reg(d);
    } else if (reg == 3) {
      fx->gprs = rm_reg(d);
      fx->rflags = F_ARITH;
    } else {
      fx->gprs = G(R_AX) | G(R_DX);
      fx->rflags = F_ARITH;
    }
    return 0;
  case 0xfe:
  case 0xff:
    if (reg <= 1) {
      fx->gprs = rm_reg(d);
      fx->rflags = F_ARITH & ~F_CF;
      return 0;
    }
    if (op == 0xff && reg == 6) {
      fx->gprs = G(R_SP);
      return 0;
    }
    return -1; /* indirect call/jmp: the target is not in the bytes */
  }
  return -1;
}
