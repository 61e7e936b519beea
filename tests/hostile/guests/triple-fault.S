/* SPDX-License-Identifier: MIT */
/* An empty IDT, then an invalid opcode: #UD, #DF, shutdown. */
#include "pvh.inc"
	HOSTILE_ENTRY
	lidt idt_empty
	ud2
idt_empty:
	.word 0
	.long 0
