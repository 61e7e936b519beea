/* SPDX-License-Identifier: MIT */
/* The stack every hostile guest that needs one uses (pvh.inc STACK_SETUP). */
	.section .data
	.balign 16
	.globl hostile_stack_top
	.space 4096
hostile_stack_top:
