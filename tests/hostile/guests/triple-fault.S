/* SPDX-License-Identifier: MIT */
/* An empty IDT, then an invalid opcode: #UD, #DF, shutdown. */
#include "pvh.inc"
	PVH_NOTE(hostile_start)
	.text
	.code32
	.globl hostile_start
hostile_start:
	lidt idt_empty
	ud2
idt_empty:
	.word 0
	.long 0
