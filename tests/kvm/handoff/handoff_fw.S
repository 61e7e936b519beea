/* SPDX-License-Identifier: MIT */
/* A 64 KiB reset-vector firmware for QEMU (-bios) that puts the CPU into a
 * given PVH entry state and jumps to the kernel: the loader's GDT and IDT,
 * CR0, the selectors (whose hidden parts come from the loader's GDT, as they
 * would on real hardware), TR via LTR, EFLAGS and every GPR, all read from a
 * mailbox that handoff.c fills from the KVM register structures pvhkvm
 * would hand KVM. With it, the self-test guest checks libpvh's handoff under
 * TCG, where /dev/kvm is not available. */
#include "mailbox.h"

#define MB(off) (MB_ADDR + (off))

	.section .text, "ax"
	.code16
	.globl start16
start16:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl MB(MB_GDT)
	lidtl MB(MB_IDT)
	movl %cr0, %eax
	andl $~0x60000000, %eax /* reset CR0 has CD|NW set: clear them */
	orl $1, %eax
	movl %eax, %cr0
	movl $start32, MB(MB_FARPTR)
	movw MB(MB_CS), %ax
	movw %ax, MB(MB_FARPTR) + 4
	ljmpl *MB(MB_FARPTR)

	.code32
start32:
	movw MB(MB_DS), %ax
	movw %ax, %ds
	movw MB(MB_ES), %ax
	movw %ax, %es
	movw MB(MB_FS), %ax
	movw %ax, %fs
	movw MB(MB_GS), %ax
	movw %ax, %gs
	movw MB(MB_SS), %ax
	movw %ax, %ss
	/* LTR wants an available TSS and marks it busy; the loader wrote it
	 * busy (as the state KVM gets says). Clear the bit, LTR sets it back. */
	movzwl MB(MB_TR), %eax
	andl $~7, %eax
	addl MB(MB_GDT) + 2, %eax
	andb $~0x02, 5(%eax)
	movw MB(MB_TR), %ax
	ltr %ax
	movl MB(MB_CR4), %eax
	movl %eax, %cr4
	movl MB(MB_CR0), %eax
	movl %eax, %cr0
	movl $FW_STACK, %esp
	pushl MB(MB_EFLAGS)
	popfl
	movl MB(MB_EAX), %eax
	movl MB(MB_EBX), %ebx
	movl MB(MB_ECX), %ecx
	movl MB(MB_EDX), %edx
	movl MB(MB_ESI), %esi
	movl MB(MB_EDI), %edi
	movl MB(MB_EBP), %ebp
	movl MB(MB_ESP), %esp
	jmp *MB(MB_EIP)

	/* The CPU starts at 0xfffffff0 in real mode, CS base 0xffff0000. */
	.section .reset, "ax"
	.code16
	jmp start16
	.org 16, 0xf4

	.section .note.GNU-stack, "", @progbits
