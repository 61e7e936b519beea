/* SPDX-License-Identifier: MIT */
/* The entry is the last byte of 256 MiB of RAM (last-byte.ld): a one-byte
 * nop, after which the CPU fetches from 0x10000000, where no RAM is. */
#include "pvh.inc"
	HOSTILE_ENTRY
	nop
