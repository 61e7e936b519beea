/* SPDX-License-Identifier: MIT */
/* The Bochs/QEMU debug console at port 0xe9: each byte written is one
 * character of output. GRUB, Xen's PVH shim and early kernel debugging print
 * there before (or instead of) a UART. The bytes join the console stream (so
 * echo, --expect and the stage recognizer see them) and are also kept apart
 * so a report can say which output came from this port. A read returns 0xe9,
 * which is how guests detect the port (as on QEMU's isa-debugcon). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define DEBUGCON_READBACK 0xe9u

void pvhkvm_debugcon_reset(struct pvhkvm_debugcon *d) {
  pvhkvm_capbuf_free(&d->kept);
  pvhkvm_capbuf_init(&d->kept, PVHKVM_DEBUGCON_CAP);
}

void pvhkvm_debugcon_pio(void *ctx, uint16_t offset, int is_write, uint8_t *data, uint32_t size) {
  struct pvhkvm_vm *vm = ctx;
  (void)offset;
  if (!is_write) {
    memset(data, 0, size);
    data[0] = DEBUGCON_READBACK;
    return;
  }
  /* A wider write is its bytes in order, as QEMU's isa-debugcon prints it. */
  for (uint32_t i = 0; i < size; i++) {
    pvhkvm_capbuf_putc(&vm->debugcon.kept, (char)data[i]);
    if (vm->console)
      pvhkvm_console_putc(vm->console, data[i]);
  }
}

void pvhkvm_debugcon_finish(struct pvhkvm_debugcon *d, struct pvhkvm_run_result *res) {
  res->debugcon = pvhkvm_capbuf_take(&d->kept, &res->debugcon_len);
  res->debugcon_total = d->kept.total;
  res->debugcon_truncated = d->kept.truncated;
  pvhkvm_debugcon_reset(d);
}
