/* SPDX-License-Identifier: MIT */
/* A PIT storm: the PIT interrupts at 1 kHz and is delivered (the 8259 is
 * initialised with vectors 0x20.., IRQ0 unmasked, the local APIC passes
 * ExtINT on LINT0, every IDT vector acknowledges and returns), and the guest
 * spins with interrupts on while it latches and reads the counter and port
 * 0x61 in a loop, as fast as it can. Faster interrupts (KVM allows one per
 * 200 us) livelock the KVM lab: under TCG, handling one nested interrupt
 * costs more guest time than the period, and the lab kernel never gets back
 * to its own processes. */
#include "pvh.inc"
#define LAPIC 0xfee00000
	HOSTILE_ENTRY
	STACK_SETUP
	/* 256 interrupt gates to irq_ack, selector = our CS. */
	movl $idt, %edi
	movl $irq_ack, %eax
	movw %cs, %bx
	movl $256, %ecx
1:	movw %ax, (%edi)
	movw %bx, 2(%edi)
	movw $0x8e00, 4(%edi)
	movl %eax, %edx
	shrl $16, %edx
	movw %dx, 6(%edi)
	addl $8, %edi
	loop 1b
	lidt idtr
	/* 8259: ICW1-4, vectors 0x20 and 0x28, then only IRQ0 unmasked. */
	movb $0x11, %al
	outb %al, $0x20
	outb %al, $0xa0
	movb $0x20, %al
	outb %al, $0x21
	movb $0x28, %al
	outb %al, $0xa1
	movb $4, %al
	outb %al, $0x21
	movb $2, %al
	outb %al, $0xa1
	movb $1, %al
	outb %al, $0x21
	outb %al, $0xa1
	movb $0xfe, %al
	outb %al, $0x21
	movb $0xff, %al
	outb %al, $0xa1
	/* Local APIC: software enabled, LINT0 = ExtINT unmasked. */
	movl $0x1ff, LAPIC + 0xf0
	movl $0x700, LAPIC + 0x350
	movb $0x34, %al		/* counter 0, lobyte/hibyte, mode 2 */
	outb %al, $0x43
	movb $(1193 & 0xff), %al	/* 1193182 Hz / 1193: 1 kHz */
	outb %al, $0x40
	movb $(1193 >> 8), %al
	outb %al, $0x40
	sti
2:	xorb %al, %al
	outb %al, $0x43		/* latch counter 0 */
	inb $0x40, %al
	inb $0x40, %al
	inb $0x61, %al
	jmp 2b

irq_ack:
	pushl %eax
	movb $0x20, %al
	outb %al, $0x20
	popl %eax
	iret

idtr:	.word 256 * 8 - 1
	.long idt
	.data
	.balign 8
idt:	.space 256 * 8
