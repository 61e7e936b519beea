/* SPDX-License-Identifier: MIT */
/* Reading the self-test guest's mailbox (kvm/guest/mailbox.h) from its RAM. */
#include <string.h>

#include "apply.h"
#include "mailbox.h"

const char *conform_mailbox_group_name(uint32_t group) {
  static const char *const names[] = {
#define PVHTEST_X_NAME(id, name) name,
      PVHTEST_GROUP_LIST(PVHTEST_X_NAME)
#undef PVHTEST_X_NAME
  };
  return group < PVHTEST_G__COUNT ? names[group] : "none";
}

int conform_mailbox_find(struct pvhkvm_vm *vm, uint64_t start, uint64_t end, struct pvhtest_mailbox *out) {
  start = (start + PVHTEST_MAILBOX_ALIGN - 1) & ~(uint64_t)(PVHTEST_MAILBOX_ALIGN - 1);
  if (end <= start || end - start < sizeof(*out))
    return 0;
  const uint8_t *h = pvhkvm_vm_host(vm, start, end - start);
  if (!h)
    return 0;
  for (uint64_t off = 0; off + sizeof(*out) <= end - start; off += PVHTEST_MAILBOX_ALIGN) {
    uint32_t w[3];
    memcpy(w, h + off, sizeof(w));
    if (w[0] != PVHTEST_MAILBOX_MAGIC_LO || w[1] != PVHTEST_MAILBOX_MAGIC_HI ||
        w[2] != PVHTEST_MAILBOX_VERSION)
      continue;
    memcpy(out, h + off, sizeof(*out));
    out->first_failure[PVHTEST_MAILBOX_TEXT - 1] = '\0'; /* guest bytes: bounded */
    return 1;
  }
  return 0;
}
