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

/* Formats up to n bytes as "0f 02 cf". Returns out. */
char *pvhkvm_insn_hex(const uint8_t *b, size_t n, char *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
