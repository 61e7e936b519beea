/* SPDX-License-Identifier: MIT */
/* Port I/O and the few privileged instructions the guest needs. */
#ifndef PVHTEST_IO_H
#define PVHTEST_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) {
  uint8_t v;
  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}

/* LAR/LSL read a descriptor through the CPU's own checks; ZF says whether the
 * selector was valid for them. Used to cross-check our manual GDT decoding. */
static inline int lar(uint16_t sel, uint32_t *out) {
  uint8_t ok;
  uint32_t v = 0;
  __asm__ volatile("lar %2, %0\n\tsetz %1" : "+r"(v), "=q"(ok) : "rm"((uint32_t)sel) : "cc");
  *out = v;
  return ok;
}
static inline int lsl(uint16_t sel, uint32_t *out) {
  uint8_t ok;
  uint32_t v = 0;
  __asm__ volatile("lsl %2, %0\n\tsetz %1" : "+r"(v), "=q"(ok) : "rm"((uint32_t)sel) : "cc");
  *out = v;
  return ok;
}

static inline void cpuid(uint32_t leaf, uint32_t index, uint32_t r[4]) {
  __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(index));
}

static inline __attribute__((noreturn)) void halt_forever(void) {
  for (;;)
    __asm__ volatile("cli; hlt");
}

#endif
