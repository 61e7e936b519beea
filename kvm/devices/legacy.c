/* SPDX-License-Identifier: MIT */
/* The two legacy ports every PC kernel touches that are cheaper to answer
 * than to count as unknown:
 *  - 0x80, the POST/delay port: Linux writes it as an I/O delay, thousands of
 *    times; the writes mean nothing and are dropped.
 *  - 0x64, the i8042 status/command port: status reads 0 (input buffer empty,
 *    so `reboot=k` does not spin), and command 0xFE (pulse the reset line)
 *    ends the run as a reset request. 0x60 (data) reads 0. */
#include <string.h>

#include "internal.h"

#define I8042_CMD_RESET 0xfe

static void post_port_pio(void *ctx, uint16_t offset, int is_write, uint8_t *data, uint32_t size) {
  (void)ctx;
  (void)offset;
  if (!is_write)
    memset(data, 0xff, size);
}

static void i8042_pio(void *ctx, uint16_t offset, int is_write, uint8_t *data, uint32_t size) {
  struct pvhkvm_vm *vm = ctx;
  if (!is_write) {
    memset(data, 0, size);
    return;
  }
  if (offset == 4 && data[0] == I8042_CMD_RESET) /* port 0x64 */
    pvhkvm_vm_end_run(vm, PVHKVM_END_SYSTEM_EVENT, 0,
                      "reset requested through the i8042 (0xFE to port 0x64)");
}

int pvhkvm_post_port_attach(struct pvhkvm_vm *vm) {
  return pvhkvm_vm_add_pio(vm, 0x80, 1, post_port_pio, NULL);
}

int pvhkvm_i8042_attach(struct pvhkvm_vm *vm) { return pvhkvm_vm_add_pio(vm, 0x60, 5, i8042_pio, vm); }
