/* SPDX-License-Identifier: MIT */
/* Self-modifying entry code: the first instruction overwrites the ud2 that
 * follows it with a two-byte jump to the exit path, so the guest passes
 * (exit 0) only if the entry instruction really ran, once, as written. The
 * entry proof reads the instruction before the guest runs, so it judges the
 * bytes that were there. */
#include "pvh.inc"
	HOSTILE_ENTRY
	movw $(0xeb | ((pass - patched - 2) << 8)), patched
patched:
	ud2
	movl $3, %eax
	EXIT_EAX
pass:	xorl %eax, %eax
	outl %eax, $PORT_EXIT
1:	cli
	hlt
	jmp 1b
