/* SPDX-License-Identifier: MIT */
/* Halts with interrupts off: nothing can ever wake it. */
#include "pvh.inc"
	HOSTILE_ENTRY
	cli
	hlt
	jmp hostile_start
