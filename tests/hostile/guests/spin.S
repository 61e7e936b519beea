/* SPDX-License-Identifier: MIT */
/* Spins forever with interrupts off and never exits to the VMM. */
#include "pvh.inc"
	PVH_NOTE(hostile_start)
	.text
	.code32
	.globl hostile_start
hostile_start:
	cli
1:	jmp 1b
