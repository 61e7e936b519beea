/* SPDX-License-Identifier: MIT */
/* Terminal escape sequences on the UART and on 0xe9: a window title, a
 * screen clear, an OSC 52 clipboard write, a C1 CSI (0x9b), DEL and a bare
 * CR, then exit 0. Text output must show them escaped, never raw. */
#include "pvh.inc"
	HOSTILE_ENTRY
	cld
	movl $msg, %esi
	movl $(msg_end - msg), %ecx
	movw $PORT_UART, %dx
	rep outsb
	movl $msg, %esi
	movl $(msg_end - msg), %ecx
	movw $PORT_DEBUGCON, %dx
	rep outsb
	xorl %eax, %eax
	EXIT_EAX
msg:	.ascii "title\033]0;pwned\007clear\033[2Jclip\033]52;c;cHduZWQ=\007c1\2332Jdel\177cr\rover\n"
msg_end:
