/* SPDX-License-Identifier: MIT */
/* The mailbox between fuzz_boot and its checker guest: one struct in guest
 * RAM that the host fills with what the generator promised (the "in" half)
 * and the checker fills with what it saw from inside the guest (the "out"
 * half). The checker then makes exactly one port write, FB_REPORT_PORT, with
 * FB_VERDICT_OK or FB_VERDICT_FAIL | the first failed check; the details stay
 * in memory, so reporting costs one exit and no console text.
 *
 * Compiled twice: for the host (fuzz/) and freestanding -m32 for the checker
 * (fuzz/boot/checker/), hence fixed-width fields, explicit padding and the
 * offset asserts below. */
#ifndef FB_MAILBOX_H
#define FB_MAILBOX_H

/* Where the mailbox sits: RAM below the EBDA, clear of every boot-data area
 * of pvh_layout_default (they end at the command line's 0x30000) and of the
 * kernels the generator places (at 1 MiB and above). The page after it is
 * the checker's stack: PVH leaves ESP undefined, and a stack inside a
 * segment would change the bytes the checker verifies. */
/* (No integer suffixes: entry.S uses FB_STACK_TOP.) */
#define FB_MAILBOX_PADDR 0x90000
#define FB_MAILBOX_SIZE 0x1000
#define FB_STACK_TOP (FB_MAILBOX_PADDR + 0x2000)

#define FB_REPORT_PORT 0xf4 /* pvhkvm's exit port: the write ends the run */
#define FB_VERDICT_OK 0x600dc0deu
#define FB_VERDICT_FAIL 0xbad00000u /* | enum fb_check of the first failure */

#define FB_MAGIC_IN 0x4642494eu  /* "NIBF": the host filled the in half */
#define FB_MAGIC_OUT 0x4642554fu /* "OUBF": the checker reached its end */

#define FB_MAX_SEGS 6

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

/* The checks, in the order the checker makes them; bit n of `failed`. */
enum fb_check {
  FB_CHK_MAILBOX = 0, /* the in half carries FB_MAGIC_IN and sane counts */
  FB_CHK_ENTRY_EIP,   /* the checker runs at the promised entry */
  FB_CHK_EBX,         /* EBX is the promised start_info address */
  FB_CHK_CPU,         /* CR0.PE set, PG clear; CR4 0; EFER 0; EFLAGS VM/IF/TF clear */
  FB_CHK_START_INFO,  /* magic, version 1, flags 0 */
  FB_CHK_RSDP,        /* rsdp_paddr as promised */
  FB_CHK_CMDLINE,     /* cmdline_paddr 0 iff none; its bytes, length and NUL as promised */
  FB_CHK_MODULE,      /* nr_modules; the module's size and bytes */
  FB_CHK_MEMMAP,      /* entry count and every entry as promised */
  FB_CHK_SEG_BYTES,   /* each segment's file bytes hash as promised */
  FB_CHK_SEG_BSS,     /* each segment's BSS reads as zero */
  FB_CHK_GDT,         /* the descriptors at GDTR for CS, DS..SS and TR are flat / a busy TSS */
  FB_CHK_RELOAD,      /* after reloading every selector from that GDT, memory still reads right */
  FB_CHK_COUNT
};

struct fb_promise_seg {
  uint32_t paddr, filesz, memsz, hash; /* hash: fb_hash of the file bytes */
};

struct fb_mailbox {
  /* ---- in: written by the host before the run ---- */
  uint32_t magic_in;
  uint32_t nr_segs;
  struct fb_promise_seg segs[FB_MAX_SEGS];
  uint32_t entry;                     /* the PVH entry: where the checker's first instruction is */
  uint32_t start_info;                /* the EBX the loader was asked for */
  uint32_t cmdline_len, cmdline_hash; /* length without the NUL; 0/0: no command line */
  uint32_t module_size, module_hash;  /* 0/0: no module */
  uint32_t rsdp_lo, rsdp_hi;
  uint32_t memmap_entries, memmap_hash; /* hash over the entries, sorted, as hvm_memmap_table_entry */
  uint32_t probe_addr;                  /* a RAM byte high up, read through DS after the reload */
  uint32_t in_pad;

  /* ---- out: written by the checker ---- */
  uint32_t magic_out;
  uint32_t failed;     /* bit per enum fb_check */
  uint32_t first_fail; /* enum fb_check, FB_CHK_COUNT when none */
  uint32_t detail[3];  /* what the first failure saw (check-specific) */
  uint32_t eip, ebx, eflags, cr0, cr4, efer_lo, efer_hi;
  uint16_t cs, ds, es, fs, gs, ss, tr, ldtr;
  uint16_t gdtr_limit, idtr_limit;
  uint32_t gdtr_base, idtr_base;
  uint32_t gdt_cs[2], gdt_ds[2], gdt_tr[2]; /* descriptors as read at GDTR: low, high words */
  uint32_t si_cmdline, si_modlist, si_memmap, si_nr_modules;
  uint32_t mod_paddr, mod_size;
  uint32_t reloads; /* selectors reloaded (6 when CS, DS, ES, FS, GS and SS all were) */
  uint32_t stage;   /* the check under way: names the one a triple fault interrupted */
};

_Static_assert(sizeof(struct fb_mailbox) <= FB_MAILBOX_SIZE, "the mailbox fits its page");
_Static_assert(offsetof(struct fb_mailbox, magic_out) == 8 + 16 * FB_MAX_SEGS + 48, "in half is packed");
_Static_assert(sizeof(struct fb_mailbox) % 8 == 0, "no tail padding");

/* The one hash both sides compute: FNV-1a 32 taken a 32-bit little-endian
 * word at a time (bytes for the tail). Every byte of every segment, module,
 * command line and map is hashed twice per boot, once in the guest: a word
 * per multiply is four times fewer than FNV's byte per multiply, and 32-bit
 * code needs no 64-bit multiply for it. x86 reads unaligned words. */
#define FB_HASH_INIT 0x811c9dc5u
typedef uint32_t fb_unaligned_u32 __attribute__((may_alias, aligned(1)));
static inline uint32_t fb_hash(uint32_t h, const uint8_t *p, uint32_t n) {
  uint32_t i = 0;
  for (; n - i >= 4; i += 4)
    h = (h ^ *(const fb_unaligned_u32 *)(p + i)) * 0x01000193u;
  for (; i < n; i++)
    h = (h ^ p[i]) * 0x01000193u;
  return h;
}
#endif /* __ASSEMBLER__ */

#endif
