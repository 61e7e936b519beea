/* SPDX-License-Identifier: MIT */
/* Halts with interrupts off: nothing can ever wake it. */
#include "pvh.inc"
	PVH_NOTE(hostile_start)
	.text
	.code32
	.globl hostile_start
hostile_start:
	cli
	hlt
	jmp hostile_start
