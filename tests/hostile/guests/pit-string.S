/* SPDX-License-Identifier: MIT */
/* The guest's first PIT access is string I/O: outsb of a mode byte to 0x43,
 * then rep insb from 0x61. A VMM that creates the PIT lazily must replay
 * these forms exactly; the guest then checks that what it read from 0x61 is
 * what the PIT says there (bit 4 and 5 toggle, the rest is not all ones) and
 * exits 0, or exits 2 if the bytes are the 0xff of an unclaimed port. */
#include "pvh.inc"
	HOSTILE_ENTRY
	cld
	movl $mode, %esi
	movw $0x43, %dx
	outsb
	movw $0x61, %dx
	movl $buf, %edi
	movl $16, %ecx
	rep insb
	movl $2, %eax
	cmpb $0xff, buf
	je 1f
	xorl %eax, %eax
1:	EXIT_EAX
mode:	.byte 0x34	/* counter 0, lobyte/hibyte, mode 2 */
	.data
buf:	.space 16
