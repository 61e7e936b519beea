/* SPDX-License-Identifier: MIT */
/* Reads every port 0..0xffff as byte, word and dword, then writes 0xa5 to
 * every port but the exit port, then writes 1 to the exit port. */
#include "pvh.inc"
	HOSTILE_ENTRY
	xorl %edx, %edx
1:	inb %dx, %al
	inw %dx, %ax
	inl %dx, %eax
	incw %dx
	jnz 1b
	movb $0xa5, %al
2:	cmpw $PORT_EXIT, %dx
	je 3f
	outb %al, %dx
3:	incw %dx
	jnz 2b
	movl $1, %eax
	EXIT_EAX
