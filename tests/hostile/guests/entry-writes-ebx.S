/* SPDX-License-Identifier: MIT */
/* The first instruction overwrites EBX (start_info): a single-step entry
 * proof cannot compare EBX after it and must not claim it did. Exits 0. */
#include "pvh.inc"
	HOSTILE_ENTRY
	movl $0xdeadbeef, %ebx
	xorl %eax, %eax
	EXIT_EAX
