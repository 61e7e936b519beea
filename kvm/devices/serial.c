/* SPDX-License-Identifier: MIT */
/* 8250/16550 UART at 0x3f8, transmit only. LSR always says the transmitter is
 * empty (THRE|TEMT) so a polling console never stalls; with the in-kernel
 * irqchip, IER.THRI raises IRQ 4 the way an interrupt-driven tty expects
 * (the THRE interrupt is pending until IIR is read or THR written again). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define UART_IRQ 4
#define REG_THR_RBR 0
#define REG_IER 1
#define REG_IIR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define REG_MSR 6
#define REG_SCR 7
#define LCR_DLAB 0x80
#define IER_THRI 0x02
#define IIR_NO_INT 0x01
#define IIR_THRI 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_DCD 0x80
#define MCR_LOOP 0x10

/* Only what a polling or THRI-interrupt driven console needs. Receive is not
 * implemented (no input). */
struct uart {
  struct pvhkvm_vm *vm;
  uint8_t ier, lcr, mcr, scr, dll, dlm;
  int thri_pending; /* IIR reports "THR empty" until read or next write */
  int irq_level;
};

static void update_irq(struct uart *s) {
  int level = (s->ier & IER_THRI) && s->thri_pending;
  if (level != s->irq_level) {
    s->irq_level = level;
    pvhkvm_vm_irq_line(s->vm, UART_IRQ, level);
  }
}

static void uart_write(struct uart *s, uint16_t reg, uint8_t v) {
  int dlab = s->lcr & LCR_DLAB;
  switch (reg) {
  case REG_THR_RBR:
    if (dlab) {
      s->dll = v;
      return;
    }
    if (!(s->mcr & MCR_LOOP) && s->vm->console)
      pvhkvm_console_putc(s->vm->console, v);
    /* The byte leaves at once, so THR is empty again right away. */
    s->thri_pending = 1;
    break;
  case REG_IER:
    if (dlab) {
      s->dlm = v;
      return;
    }
    /* Enabling THRI with an empty THR raises the interrupt immediately. */
    if ((v & IER_THRI) && !(s->ier & IER_THRI))
      s->thri_pending = 1;
    s->ier = v & 0x0f;
    break;
  case REG_LCR: s->lcr = v; break;
  case REG_MCR: s->mcr = v & 0x1f; break;
  case REG_SCR: s->scr = v; break;
  default: break; /* FCR, LSR, MSR writes: nothing to model */
  }
  update_irq(s);
}

static uint8_t uart_read(struct uart *s, uint16_t reg) {
  int dlab = s->lcr & LCR_DLAB;
  uint8_t v = 0;
  switch (reg) {
  case REG_THR_RBR: v = dlab ? s->dll : 0; break;
  case REG_IER: v = dlab ? s->dlm : s->ier; break;
  case REG_IIR:
    if ((s->ier & IER_THRI) && s->thri_pending) {
      v = IIR_THRI;
      s->thri_pending = 0; /* reading IIR acknowledges THRE */
    } else {
      v = IIR_NO_INT;
    }
    v |= 0xc0; /* FIFOs enabled, as a 16550A reports */
    break;
  case REG_LCR: v = s->lcr; break;
  case REG_MCR: v = s->mcr; break;
  case REG_LSR: v = LSR_THRE | LSR_TEMT; break;
  case REG_MSR: v = MSR_DCD | MSR_DSR | MSR_CTS; break;
  case REG_SCR: v = s->scr; break;
  }
  update_irq(s);
  return v;
}

static void uart_pio(void *ctx, uint16_t offset, int is_write, uint8_t *data, uint32_t size) {
  struct uart *s = ctx;
  /* The UART's registers are 8 bits wide; a wider access touches
   * consecutive registers, which is how real hardware decodes it. */
  for (uint32_t i = 0; i < size && offset + i < 8; i++) {
    if (is_write)
      uart_write(s, (uint16_t)(offset + i), data[i]);
    else
      data[i] = uart_read(s, (uint16_t)(offset + i));
  }
}

int pvhkvm_serial_attach(struct pvhkvm_vm *vm) {
  struct uart *s = calloc(1, sizeof(*s));
  if (!s)
    return -1;
  s->vm = vm;
  struct pvhkvm_device d = {.name = "serial", .state = s, .destroy = free};
  if (pvhkvm_device_add(vm, &d) != 0) {
    free(s);
    return -1;
  }
  return pvhkvm_vm_add_pio(vm, 0x3f8, 8, uart_pio, s);
}
