/* SPDX-License-Identifier: MIT */
/* PVH entry of fuzz_boot's checker. The code is position-independent: no
 * absolute address of its own, only relative calls and the fixed mailbox
 * (fuzz/boot/mailbox.h), so the generator can load it at any address; the
 * build links it at two addresses and refuses it unless both are the same
 * bytes. The first instruction writes ESP and nothing else, which the
 * single-step entry proof accounts for; everything the contract fixes is
 * saved before any instruction that could change it. */
#include "../mailbox.h"

	.section .text.entry, "ax"
	.code32
	.globl fb_entry
fb_entry:
	movl $FB_STACK_TOP, %esp
	pushfl
	pushl %ebp
	pushl %edi
	pushl %esi
	pushl %edx
	pushl %ecx
	pushl %ebx
	pushl %eax
	call 1f
1:	popl %eax
	subl $(1b - fb_entry), %eax /* where this code runs: the entry */
	pushl %eax
	movl %esp, %eax
	cld /* the C ABI wants DF clear; DF at entry is left open by the contract */
	pushl %eax
	call checker_main
2:	cli
	hlt
	jmp 2b

	.section .note.GNU-stack, "", @progbits
