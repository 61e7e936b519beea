/* SPDX-License-Identifier: MIT */
/* Port I/O dispatch: a short table of (base, len, handler). Anything not in
 * the table is counted by the run loop, never fatal. */
#include "internal.h"

int pvhkvm_vm_add_pio(struct pvhkvm_vm *vm, uint16_t base, uint16_t len, pvhkvm_pio_fn fn, void *ctx) {
  if (!fn || len == 0 || (uint32_t)base + len > 0x10000u || vm->nr_pio >= PVHKVM_PIO_MAX)
    return -1;
  for (size_t i = 0; i < vm->nr_pio; i++) {
    const struct pvhkvm_pio *p = &vm->pio[i];
    if (base < p->base + p->len && p->base < base + len)
      return -1;
  }
  vm->pio[vm->nr_pio++] = (struct pvhkvm_pio){base, len, fn, ctx};
  return 0;
}

int pvhkvm_pio_dispatch(struct pvhkvm_vm *vm, uint16_t port, int is_write, uint8_t *data, uint32_t size) {
  for (size_t i = 0; i < vm->nr_pio; i++) {
    const struct pvhkvm_pio *p = &vm->pio[i];
    if (port >= p->base && port < p->base + p->len) {
      p->fn(p->ctx, (uint16_t)(port - p->base), is_write, data, size);
      return 1;
    }
  }
  return 0;
}
