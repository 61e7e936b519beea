/* SPDX-License-Identifier: MIT */
/* Console sink of one run: keeps at most `cap` bytes in memory (the rest is
 * counted, not kept), echoes, feeds the caller's callback per byte or line
 * with timestamps, and watches for the expected string. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

#define MSR_IA32_TSC 0x10

int pvhkvm_console_init(struct pvhkvm_console *c, struct pvhkvm_vm *vm, const struct pvhkvm_run_opts *o,
                        uint64_t t0_ns) {
  memset(c, 0, sizeof(*c));
  c->opts = o;
  c->vm = vm;
  pvhkvm_capbuf_init(&c->kept, o->console_cap);
  c->t0_ns = t0_ns;
  if (o->expect && o->expect[0]) {
    c->expect_len = strlen(o->expect);
    c->tail = malloc(c->expect_len);
    if (!c->tail)
      return -1;
  }
  return 0;
}

static uint64_t guest_tsc(struct pvhkvm_console *c) {
  /* struct kvm_msrs ends in a flexible array: build it in an aligned buffer. */
  _Alignas(struct kvm_msrs) uint8_t buf[sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry)];
  struct kvm_msrs *m = (struct kvm_msrs *)buf;
  memset(buf, 0, sizeof(buf));
  m->nmsrs = 1;
  m->entries[0].index = MSR_IA32_TSC;
  if (kvm_ioctl(c->vm->vcpu_fd, KVM_GET_MSRS, (uintptr_t)(m)) != 1)
    return 0;
  return m->entries[0].data;
}

static void emit(struct pvhkvm_console *c, const char *data, size_t len) {
  if (!c->opts->console_fn || c->stop)
    return;
  uint64_t host = pvhkvm_now_ns() - c->t0_ns;
  uint64_t tsc = c->opts->want_guest_tsc ? guest_tsc(c) : 0;
  if (c->opts->console_fn(c->opts->console_ctx, data, len, host, tsc)) {
    c->stop = 1;
    pvhkvm_vm_end_run(c->vm, PVHKVM_END_STOPPED, 0, "stopped by the console callback");
  }
}

void pvhkvm_console_putc(struct pvhkvm_console *c, uint8_t ch) {
  pvhkvm_capbuf_putc(&c->kept, (char)ch);
  if (c->opts->echo_fn) {
    char b = (char)ch;
    c->opts->echo_fn(c->opts->echo_ctx, &b, 1);
  } else if (c->opts->echo_fd >= 0) {
    ssize_t w;
    do
      w = write(c->opts->echo_fd, &ch, 1);
    while (w < 0 && errno == EINTR);
  }
  if (c->expect_len && !c->expect_seen) {
    if (c->tail_len == c->expect_len) {
      memmove(c->tail, c->tail + 1, c->expect_len - 1);
      c->tail_len--;
    }
    c->tail[c->tail_len++] = (char)ch;
    if (c->tail_len == c->expect_len && memcmp(c->tail, c->opts->expect, c->expect_len) == 0) {
      c->expect_seen = 1;
      pvhkvm_vm_end_run(c->vm, PVHKVM_END_STOPPED, 0, "expected string seen");
    }
  }
  if (!c->opts->line_mode) {
    char b = (char)ch;
    emit(c, &b, 1);
    return;
  }
  if (ch == '\r')
    return;
  if (ch != '\n' && c->line_len < sizeof(c->line)) {
    c->line[c->line_len++] = (char)ch;
    if (c->line_len < sizeof(c->line))
      return;
  }
  emit(c, c->line, c->line_len); /* a full line, or an over-long one cut */
  c->line_len = 0;
}

void pvhkvm_console_flush(struct pvhkvm_console *c) {
  if (c->opts->line_mode && c->line_len) {
    emit(c, c->line, c->line_len);
    c->line_len = 0;
  }
}

void pvhkvm_console_finish(struct pvhkvm_console *c, struct pvhkvm_run_result *res) {
  pvhkvm_console_flush(c);
  res->console = pvhkvm_capbuf_take(&c->kept, &res->console_len);
  res->console_total = c->kept.total;
  res->console_truncated = c->kept.truncated;
  res->expect_seen = c->expect_seen;
  pvhkvm_capbuf_free(&c->kept);
  free(c->tail);
  c->tail = NULL;
}
