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
#define DEBUGCON_CAP (64u * 1024u) /* what one run wrote there, kept */

struct debugcon {
  struct pvhkvm_vm *vm;
  struct pvhkvm_capbuf kept;
};

static void debugcon_pio(void *ctx, uint16_t offset, int is_write, uint8_t *data, uint32_t size) {
  struct debugcon *d = ctx;
  struct pvhkvm_vm *vm = d->vm;
  (void)offset;
  if (!is_write) {
    memset(data, 0, size);
    data[0] = DEBUGCON_READBACK;
    return;
  }
  /* A wider write is its bytes in order, as QEMU's isa-debugcon prints it. */
  for (uint32_t i = 0; i < size; i++) {
    pvhkvm_capbuf_putc(&d->kept, (char)data[i]);
    if (vm->console)
      pvhkvm_console_putc(vm->console, data[i]);
  }
}

/* The end of a run: what it wrote moves into the result, and the count
 * starts again. */
static void debugcon_run_end(void *state, struct pvhkvm_run_result *res) {
  struct debugcon *d = state;
  res->debugcon = pvhkvm_capbuf_take(&d->kept, &res->debugcon_len);
  res->debugcon_total = d->kept.total;
  res->debugcon_truncated = d->kept.truncated;
  pvhkvm_capbuf_free(&d->kept);
  pvhkvm_capbuf_init(&d->kept, DEBUGCON_CAP);
}

static void debugcon_destroy(void *state) {
  struct debugcon *d = state;
  pvhkvm_capbuf_free(&d->kept);
  free(d);
}

int pvhkvm_debugcon_attach(struct pvhkvm_vm *vm) {
  struct debugcon *d = calloc(1, sizeof(*d));
  if (!d)
    return -1;
  d->vm = vm;
  pvhkvm_capbuf_init(&d->kept, DEBUGCON_CAP);
  struct pvhkvm_device dev = {
      .name = "debugcon", .state = d, .run_end = debugcon_run_end, .destroy = debugcon_destroy};
  if (pvhkvm_device_add(vm, &dev) != 0) {
    debugcon_destroy(d);
    return -1;
  }
  return pvhkvm_vm_add_pio(vm, 0xe9, 1, debugcon_pio, d);
}
