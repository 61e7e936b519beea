/* SPDX-License-Identifier: MIT */
/* Reads then writes one dword every 1 MiB from 1 GiB to 4 GiB (all above
 * the default 256 MiB of RAM), except the local APIC and I/O APIC pages the
 * in-kernel irqchip owns, then writes 1 to the exit port. */
#include "pvh.inc"
	HOSTILE_ENTRY
	movl $0x40000000, %ebx
1:	cmpl $0xfec00000, %ebx
	jb 2f
	cmpl $0xff000000, %ebx
	jb 3f
2:	movl (%ebx), %eax
	movl %eax, (%ebx)
3:	addl $0x100000, %ebx
	jnz 1b
	movl $1, %eax
	EXIT_EAX
