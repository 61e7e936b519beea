/* SPDX-License-Identifier: MIT */
/* Access to the embedded default self-test guest (generated array). */
#include "pvhkvm/boot.h"

extern const uint8_t pvhkvm_guest_elf[];
extern const size_t pvhkvm_guest_elf_len;

const uint8_t *pvhkvm_builtin_guest(size_t *len) {
  *len = pvhkvm_guest_elf_len;
  return pvhkvm_guest_elf;
}
