/* SPDX-License-Identifier: MIT */
/* A small x86 instruction decoder: the length of one instruction and a name
 * for the ones a report needs to name. Two users: the entry proof by
 * single-step (RIP must be the entry plus the length of the instruction at
 * the entry) and the report of an emulation failure ("lar", "xrstor", ...).
 * Legacy, 0f, 0f 38 and 0f 3a maps with prefixes and REX; VEX/EVEX and 3DNow!
 * are reported as not decoded rather than guessed. */
#ifndef PVHKVM_INSN_H
#define PVHKVM_INSN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pvhkvm_insn {
  size_t len;     /* total length in bytes, prefixes included */
  unsigned map;   /* 0: one-byte, 1: 0f, 2: 0f 38, 3: 0f 3a */
  uint8_t opcode; /* the opcode byte in its map */
  int has_modrm;
  uint8_t modrm;
  uint8_t rex;      /* 0 if none (64-bit mode only) */
  int opsize_16;    /* operand size is 16 (66 prefix in 32-bit mode, or 16-bit mode) */
  const char *name; /* "lar", "xrstor", ...; NULL when this decoder has no name for it */
};

/* Decodes the instruction at b[0..n) in a mode of 16, 32 or 64 bits (CS.D /
 * CS.L). Returns 0 and *out, or -1 when the bytes run out, the instruction is
 * longer than 15 bytes, or the opcode is one this decoder does not know
 * (then out->len is 0). */
int pvhkvm_insn_decode(const uint8_t *b, size_t n, int mode_bits, struct pvhkvm_insn *out);

/* What one instruction may change, for the single-step entry proof
 * (kvm/checks/insn_effects.c, next to the proof): after
 * exactly one instruction, every register must still equal the loader's
 * state except these. */
enum {
  PVHKVM_FX_CS = 1u << 0,
  PVHKVM_FX_DS = 1u << 1,
  PVHKVM_FX_ES = 1u << 2,
  PVHKVM_FX_FS = 1u << 3,
  PVHKVM_FX_GS = 1u << 4,
  PVHKVM_FX_SS = 1u << 5,
  PVHKVM_FX_TR = 1u << 6,
  PVHKVM_FX_LDT = 1u << 7,
  PVHKVM_FX_GDT = 1u << 8,
  PVHKVM_FX_IDT = 1u << 9,
  PVHKVM_FX_CR0 = 1u << 10,
  PVHKVM_FX_CR2 = 1u << 11,
  PVHKVM_FX_CR3 = 1u << 12,
  PVHKVM_FX_CR4 = 1u << 13,
  PVHKVM_FX_EFER = 1u << 14,
};
/* RIP after the instruction: next (entry + len), or a direct branch target. */
struct pvhkvm_insn_effects {
  uint16_t gprs;    /* bit n: GPR n (0 rax, 1 rcx, 2 rdx, 3 rbx, 4 rsp, 5 rbp, 6 rsi, 7 rdi, 8-15 r8-r15) */
  uint64_t rflags;  /* RFLAGS bits it may change */
  unsigned sys;     /* PVHKVM_FX_* */
  int branch;       /* 0: none; 1: a direct branch to `target` (rel); 2: taken or not (jcc) */
  int64_t rel;      /* branch displacement from the next instruction */
  int exits_to_vmm; /* in/out/hlt/...: KVM sees it before any single-step trap */
};

/* Fills *fx for a decoded instruction. Returns 0, or -1 when this decoder
 * does not know what the instruction writes (an indirect branch, an
 * interrupt, an unlisted opcode): the caller must then not claim a proof. */
int pvhkvm_insn_effects(const struct pvhkvm_insn *d, const uint8_t *bytes, struct pvhkvm_insn_effects *fx);

/* Formats up to n bytes as "0f 02 cf". Returns out. */
char *pvhkvm_insn_hex(const uint8_t *b, size_t n, char *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
