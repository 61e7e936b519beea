/* SPDX-License-Identifier: MIT */
/* Floods the UART with text forever: one port exit per byte. pvhcheck must
 * keep its echo and its kept copy bounded and end at --timeout, also when
 * nobody reads its stdout. */
#include "pvh.inc"
	HOSTILE_ENTRY
	movw $PORT_UART, %dx
1:	movl $msg, %esi
2:	lodsb
	testb %al, %al
	jz 1b
	outb %al, %dx
	jmp 2b
msg:	.asciz "flood flood flood flood flood flood flood flood flood flood flood flood\n"
