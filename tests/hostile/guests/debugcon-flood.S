/* SPDX-License-Identifier: MIT */
/* The console flood on the 0xe9 debug console instead of the UART. */
#include "pvh.inc"
	HOSTILE_ENTRY
	movb $'e', %al
1:	outb %al, $PORT_DEBUGCON
	jmp 1b
