/* SPDX-License-Identifier: MIT */
/* Exit port at 0xf4, compatible with QEMU's isa-debug-exit: a write of value
 * v ends the run with guest status v. (QEMU itself exits with (v << 1) | 1;
 * here the raw v is reported.) Reads return 0. */
#include <string.h>

#include "internal.h"

static void exit_port_pio(void *ctx, uint16_t offset, int is_write, uint8_t *data, uint32_t size) {
  struct pvhkvm_vm *vm = ctx;
  if (!is_write) {
    memset(data, 0, size);
    return;
  }
  if (offset != 0) /* a byte write into the middle of the port: not an exit */
    return;
  uint32_t v = 0;
  memcpy(&v, data, size > 4 ? 4 : size); /* little endian, 1/2/4 bytes */
  pvhkvm_vm_end_run(vm, PVHKVM_END_EXIT_PORT, v, "guest wrote %u to the exit port", v);
}

int pvhkvm_exit_port_attach(struct pvhkvm_vm *vm) {
  return pvhkvm_vm_add_pio(vm, 0xf4, 4, exit_port_pio, vm);
}
