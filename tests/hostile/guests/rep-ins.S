/* SPDX-License-Identifier: MIT */
/* rep insl from a port nothing claims (reads all ones) with a count of
 * 2^32 - 1, into RAM above the image: the run ends by the timeout, and the
 * guest's own code below 2 MiB is never overwritten. */
#include "pvh.inc"
	HOSTILE_ENTRY
	cld
	movw $0x1234, %dx
	movl $0x200000, %edi
	movl $0xffffffff, %ecx
	rep insl
	movl $1, %eax
	EXIT_EAX
