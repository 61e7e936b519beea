/* SPDX-License-Identifier: MIT */
/* The devices of a VM and the one way they speak to the run loop. Each device
 * (devices/) allocates its own state when it is attached, registers its ports
 * with pvhkvm_vm_add_pio and itself here, for the hooks the VM calls at the
 * end of a run and at destroy. A device that ends the run (the exit port, the
 * i8042 reset, the console's expect) calls pvhkvm_vm_end_run; the run loop
 * looks at that one event after each exit it hands to the devices. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* The standard PC devices every VM gets, in the order they are attached. */
static int (*const standard_devices[])(struct pvhkvm_vm *vm) = {
    pvhkvm_serial_attach, pvhkvm_exit_port_attach, pvhkvm_post_port_attach,
    pvhkvm_i8042_attach,  pvhkvm_cmos_attach,      pvhkvm_debugcon_attach,
};

int pvhkvm_devices_attach_standard(struct pvhkvm_vm *vm) {
  for (size_t i = 0; i < sizeof(standard_devices) / sizeof(standard_devices[0]); i++)
    if (standard_devices[i](vm) != 0)
      return -1;
  return 0;
}

int pvhkvm_device_add(struct pvhkvm_vm *vm, const struct pvhkvm_device *d) {
  if (vm->nr_devices >= PVHKVM_DEVICE_MAX)
    return -1;
  vm->devices[vm->nr_devices++] = *d;
  return 0;
}

void pvhkvm_devices_run_end(struct pvhkvm_vm *vm, struct pvhkvm_run_result *res) {
  for (size_t i = 0; i < vm->nr_devices; i++)
    if (vm->devices[i].run_end)
      vm->devices[i].run_end(vm->devices[i].state, res);
}

void pvhkvm_devices_destroy(struct pvhkvm_vm *vm) {
  while (vm->nr_devices > 0) {
    struct pvhkvm_device *d = &vm->devices[--vm->nr_devices];
    if (d->destroy)
      d->destroy(d->state);
  }
}

void pvhkvm_vm_end_run(struct pvhkvm_vm *vm, enum pvhkvm_end end, uint32_t value, const char *fmt, ...) {
  if (vm->event.end != PVHKVM_END_NONE) /* the first event ends the run; later ones are moot */
    return;
  vm->event.end = end;
  vm->event.value = value;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(vm->event.why, sizeof(vm->event.why), fmt, ap);
  va_end(ap);
}

const struct pvhkvm_event *pvhkvm_vm_event(const struct pvhkvm_vm *vm) {
  return vm->event.end == PVHKVM_END_NONE ? NULL : &vm->event;
}
