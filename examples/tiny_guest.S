/* SPDX-License-Identifier: MIT */
/* The smallest useful PVH kernel, for the mini_vmm example. Entered in 32-bit
 * protected mode with paging off and EBX = &hvm_start_info (the PVH boot
 * ABI), it checks the start_info magic, prints "tiny_guest: <command line>"
 * on the debug console port 0xe9, and writes 0 to the exit port 0xf4 (1 on a
 * bad magic). PVH defines no stack, so nothing here uses one. */

#define START_INFO_MAGIC 0x336ec578
#define SI_CMDLINE_PADDR 24 /* offsetof(struct hvm_start_info, cmdline_paddr) */
#define DEBUG_PORT 0xe9
#define EXIT_PORT 0xf4

/* Writes the NUL-terminated string at %esi to the debug port. */
.macro PUTS
1:	lodsb
	test %al, %al
	jz 2f
	out %al, $DEBUG_PORT
	jmp 1b
2:
.endm

	/* The Xen PHYS32_ENTRY note: owner "Xen", type 18, a 4-byte entry. */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 4, 18
	.asciz "Xen"
	.long pvh_start

	.text
	.code32
	.globl pvh_start
pvh_start:
	cld
	cmpl $START_INFO_MAGIC, (%ebx)
	jne bad_magic
	mov $prefix, %esi
	PUTS
	mov SI_CMDLINE_PADDR(%ebx), %esi /* the low half: PVH data sits below 4 GiB */
	test %esi, %esi
	jz no_cmdline
	PUTS
no_cmdline:
	mov $'\n', %al
	out %al, $DEBUG_PORT
	xor %eax, %eax
	out %al, $EXIT_PORT
	jmp halt
bad_magic:
	mov $1, %al
	out %al, $EXIT_PORT
halt:
	hlt
	jmp halt

prefix:
	.asciz "tiny_guest: "

	.section .note.GNU-stack, "", @progbits
