/* SPDX-License-Identifier: MIT */
/* The mailbox through which handoff.c tells handoff_fw.S the entry state.
 * Offsets are shared by the C writer and the assembly reader. */
#ifndef HANDOFF_MAILBOX_H
#define HANDOFF_MAILBOX_H

#define MB_ADDR 0x500
#define MB_GDT 0 /* u16 limit, u32 base: an lgdt operand */
#define MB_IDT 8 /* u16 limit, u32 base: an lidt operand */
#define MB_EIP 16
#define MB_EAX 20
#define MB_EBX 24
#define MB_ECX 28
#define MB_EDX 32
#define MB_ESI 36
#define MB_EDI 40
#define MB_ESP 44
#define MB_EBP 48
#define MB_EFLAGS 52
#define MB_CR0 56
#define MB_CS 60
#define MB_DS 62
#define MB_ES 64
#define MB_FS 66
#define MB_GS 68
#define MB_SS 70
#define MB_TR 72
#define MB_FARPTR 76 /* u32 offset, u16 selector: written by the firmware itself */
#define MB_CR4 84
#define MB_SIZE 96
#define FW_STACK 0x7000 /* scratch stack for popfl, below the boot data */

#endif
