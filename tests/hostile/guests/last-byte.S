/* SPDX-License-Identifier: MIT */
/* The entry is the last byte of 256 MiB of RAM (last-byte.ld): a one-byte
 * nop, after which the CPU fetches from 0x10000000, where no RAM is. */
#include "pvh.inc"
	PVH_NOTE(hostile_start)
	.text
	.code32
	.globl hostile_start
hostile_start:
	nop
