/* SPDX-License-Identifier: MIT */
/* The smallest PVH kernel that reports a verdict: a NOP at the entry (so a
 * single-step entry proof steps over something harmless), then 0 to the exit
 * port 0xf4 (QEMU isa-debug-exit compatible) and a halt. The boot benchmark
 * uses it so the rows measure the VMM, not a guest's console output. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4			/* name size: "Xen\0" */
	.long 4			/* descriptor size */
	.long 18		/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long tiny_start

	.section .text, "ax"
	.code32
	.globl tiny_start
tiny_start:
	nop
	xorl %eax, %eax
	outl %eax, $0xf4
1:	cli
	hlt
	jmp 1b
