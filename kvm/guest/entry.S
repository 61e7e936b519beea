/* SPDX-License-Identifier: MIT */
/* PVH entry of the self-test guest. Runs in 32-bit protected mode with paging
 * off, exactly as the loader (or QEMU) left the CPU. It snapshots every register
 * the PVH contract speaks about before executing anything that could change
 * one, then builds its own stack and calls the C checks. */
#include "regs.h"

/* XEN_ELFNOTE_PHYS32_ENTRY (type 18), owner "Xen". The descriptor is 4 bytes
 * (what the Xen docs show) or 8 bytes (what Linux emits on x86-64); the shape
 * is chosen at build time. A zero-sized note follows so that a reader that
 * fetches 8 bytes from a 4-byte descriptor (QEMU does for ELF64) reads zeros
 * instead of whatever comes next; it is a well-formed empty note. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4
#ifdef PVHTEST_NOTE8
	.long 8
#else
	.long 4
#endif
	.long 18
	.asciz "Xen"
	.long pvh_start
#ifdef PVHTEST_NOTE8
	.long 0
#endif
	.long 0, 0, 0

	.section .text.entry, "ax"
	.code32
	.globl pvh_start
	.type pvh_start, @function
pvh_start:
	/* Plain moves and stores only: none of them changes EFLAGS. DS must
	 * already be a flat data segment for these stores to land: that is part
	 * of what is being checked, and a broken DS faults here (triple fault,
	 * reported by the host). */
	movl %eax, entry_regs + R_EAX
	movl %ebx, entry_regs + R_EBX
	movl %ecx, entry_regs + R_ECX
	movl %edx, entry_regs + R_EDX
	movl %esi, entry_regs + R_ESI
	movl %edi, entry_regs + R_EDI
	movl %esp, entry_regs + R_ESP
	movl %ebp, entry_regs + R_EBP
	/* ESP is unspecified at entry: use our own stack from here on. */
	movl $__stack_top, %esp
	pushfl
	popl entry_regs + R_EFLAGS
	movl %cr0, %eax
	movl %eax, entry_regs + R_CR0
	movl %cr3, %eax
	movl %eax, entry_regs + R_CR3
	movl %cr4, %eax
	movl %eax, entry_regs + R_CR4
	movl $0xc0000080, %ecx /* IA32_EFER */
	rdmsr
	movl %eax, entry_regs + R_EFER_LO
	movl %edx, entry_regs + R_EFER_HI
	movw %cs, entry_regs + R_CS
	movw %ds, entry_regs + R_DS
	movw %es, entry_regs + R_ES
	movw %fs, entry_regs + R_FS
	movw %gs, entry_regs + R_GS
	movw %ss, entry_regs + R_SS
	str entry_regs + R_TR
	sldt entry_regs + R_LDTR
	sgdt entry_regs + R_GDTR
	sidt entry_regs + R_IDTR
	cld /* DF is unspecified at entry; the C ABI wants it clear */
	pushl $entry_regs
	call guest_main
1:	cli
	hlt
	jmp 1b
	.size pvh_start, . - pvh_start

	/* In .data, not .bss: the BSS must still be untouched when C checks it. */
	.section .data.entry_regs, "aw"
	.balign 16
	.globl entry_regs
entry_regs:
	.fill R_SIZE, 1, 0

	.section .note.GNU-stack, "", @progbits
