/* SPDX-License-Identifier: MIT */
/* Spins forever with interrupts off and never exits to the VMM. */
#include "pvh.inc"
	HOSTILE_ENTRY
	cli
1:	jmp 1b
