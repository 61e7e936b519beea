/* SPDX-License-Identifier: MIT */
/* Fast reset of a reused VM (pvhkvm/reset.h): KVM's dirty log plus the
 * host's own marks say which pages to put back; the vCPU gets back what the
 * way the last run ended can have changed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "pvhkvm/reset.h"

#define PAGE 4096ull
/* Host writes remembered as byte ranges per reset cycle; past this many,
 * the cycle falls back to restoring whole marked pages. A fuzz_boot plan
 * has at most 14 writes. */
#define MAX_HOST_RANGES 64

struct reset_slot {
  uint32_t slot;
  uint64_t gpa, size, pages;
  uint8_t *host;
  uint64_t *guest_dirty; /* KVM_GET_DIRTY_LOG's bitmap */
  uint64_t *host_dirty;  /* pvhkvm_reset_mark's, by page */
  size_t words;
  /* Pages that held data at enable: sorted page numbers and their bytes. */
  uint64_t *base_pages;
  uint8_t *base_bytes;
  size_t nr_base;
};

struct pvhkvm_reset_state {
  struct reset_slot slots[2];
  size_t nr_slots;
  /* The same marks as byte ranges: only those bytes of a page the guest
   * did not write go back, not the page (a command line is a few bytes of
   * one). host_overflow: more than MAX_HOST_RANGES marks, use the pages. */
  struct {
    uint64_t gpa, len;
  } host[MAX_HOST_RANGES];
  size_t nr_host;
  int host_overflow;
  struct kvm_regs regs;
  struct kvm_sregs sregs;
  struct kvm_fpu fpu;
  struct kvm_debugregs debugregs;
  struct kvm_vcpu_events events;
  struct kvm_mp_state mp;
  struct kvm_xcrs xcrs;
  int have_xcrs;
  struct pvhkvm_reset_stats stats;
};

static enum pvhkvm_err_kind vcpu_ioctl(struct pvhkvm_vm *vm, unsigned long req, void *arg, const char *name,
                                       struct pvhkvm_error *err) {
  if (vm->reset)
    vm->reset->stats.ioctls++;
  if (kvm_ioctl(vm->vcpu_fd, req, (uintptr_t)arg) < 0)
    return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "%s: %s", name, strerror(errno));
  return PVHKVM_OK;
}

/* Pages of the slot that hold data now. Pages the process never touched are
 * not resident (mincore) and read as zeros: only resident ones are read. */
static int take_baseline(struct reset_slot *s) {
  unsigned char *vec = malloc(s->pages ? s->pages : 1);
  if (!vec)
    return -1;
  if (mincore(s->host, s->size, vec) != 0)
    memset(vec, 1, s->pages); /* cannot tell: look at every page */
  size_t cap = 0;
  for (uint64_t p = 0; p < s->pages; p++) {
    if (!(vec[p] & 1))
      continue;
    const uint8_t *b = s->host + p * PAGE;
    size_t k = 0;
    while (k < PAGE && b[k] == 0)
      k++;
    if (k == PAGE)
      continue;
    if (s->nr_base == cap) {
      cap = cap ? 2 * cap : 16;
      uint64_t *np = realloc(s->base_pages, cap * sizeof(*np));
      if (np)
        s->base_pages = np;
      uint8_t *nb = np ? realloc(s->base_bytes, cap * PAGE) : NULL;
      if (!nb) {
        free(vec);
        return -1;
      }
      s->base_bytes = nb;
    }
    s->base_pages[s->nr_base] = p;
    memcpy(s->base_bytes + s->nr_base * PAGE, b, PAGE);
    s->nr_base++;
  }
  free(vec);
  return 0;
}

static int add_slot(struct pvhkvm_reset_state *r, uint32_t slot, uint64_t gpa, uint64_t size, uint8_t *host) {
  struct reset_slot *s = &r->slots[r->nr_slots++];
  s->slot = slot, s->gpa = gpa, s->size = size, s->host = host;
  s->pages = size / PAGE;
  s->words = (size_t)((s->pages + 63) / 64);
  s->guest_dirty = calloc(s->words, sizeof(uint64_t));
  s->host_dirty = calloc(s->words, sizeof(uint64_t));
  if (!s->guest_dirty || !s->host_dirty)
    return -1;
  return take_baseline(s);
}

static void free_state(struct pvhkvm_reset_state *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->nr_slots; i++) {
    free(r->slots[i].guest_dirty);
    free(r->slots[i].host_dirty);
    free(r->slots[i].base_pages);
    free(r->slots[i].base_bytes);
  }
  free(r);
}

void pvhkvm_reset_free(struct pvhkvm_vm *vm) {
  free_state(vm->reset);
  vm->reset = NULL;
}

static enum pvhkvm_err_kind log_dirty(struct pvhkvm_vm *vm, const struct reset_slot *s,
                                      struct pvhkvm_error *err) {
  struct kvm_userspace_memory_region m = {.slot = s->slot,
                                          .flags = KVM_MEM_LOG_DIRTY_PAGES,
                                          .guest_phys_addr = s->gpa,
                                          .memory_size = s->size,
                                          .userspace_addr = (uintptr_t)s->host};
  if (kvm_ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, (uintptr_t)&m) < 0)
    return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno,
                          "KVM_SET_USER_MEMORY_REGION slot %u with KVM_MEM_LOG_DIRTY_PAGES: %s", s->slot,
                          strerror(errno));
  return PVHKVM_OK;
}

enum pvhkvm_err_kind pvhkvm_reset_enable(struct pvhkvm_vm *vm, struct pvhkvm_error *err) {
  if (vm->reset)
    return pvhkvm_set_err(err, PVHKVM_E_INVALID, 0, "fast reset is already enabled on this VM");
  if (vm->irqchip)
    return pvhkvm_set_err(err, PVHKVM_E_INVALID, 0,
                          "fast reset does not restore the in-kernel irqchip: create the VM without it");
  if (vm->has_run)
    return pvhkvm_set_err(err, PVHKVM_E_INVALID, 0, "fast reset must be enabled before the VM's first run");
  struct pvhkvm_reset_state *r = calloc(1, sizeof(*r));
  if (!r)
    return pvhkvm_set_err(err, PVHKVM_E_NOMEM, ENOMEM, "cannot allocate the reset state");
  enum pvhkvm_err_kind k;
  if (add_slot(r, 0, 0, vm->ram_low_size, vm->ram_low) != 0 ||
      (vm->ram_high && add_slot(r, 1, PVH_4G, vm->ram_high_size, vm->ram_high) != 0)) {
    free_state(r);
    return pvhkvm_set_err(err, PVHKVM_E_NOMEM, ENOMEM, "cannot allocate the dirty bitmaps and baseline");
  }
  for (size_t i = 0; i < r->nr_slots; i++)
    if ((k = log_dirty(vm, &r->slots[i], err)) != PVHKVM_OK)
      goto fail;
  vm->reset = r;
  if ((k = vcpu_ioctl(vm, KVM_GET_REGS, &r->regs, "KVM_GET_REGS", err)) ||
      (k = vcpu_ioctl(vm, KVM_GET_SREGS, &r->sregs, "KVM_GET_SREGS", err)) ||
      (k = vcpu_ioctl(vm, KVM_GET_FPU, &r->fpu, "KVM_GET_FPU", err)) ||
      (k = vcpu_ioctl(vm, KVM_GET_DEBUGREGS, &r->debugregs, "KVM_GET_DEBUGREGS", err)) ||
      (k = vcpu_ioctl(vm, KVM_GET_VCPU_EVENTS, &r->events, "KVM_GET_VCPU_EVENTS", err)) ||
      (k = vcpu_ioctl(vm, KVM_GET_MP_STATE, &r->mp, "KVM_GET_MP_STATE", err)))
    goto fail;
  r->have_xcrs = kvm_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_XCRS) > 0;
  if (r->have_xcrs && (k = vcpu_ioctl(vm, KVM_GET_XCRS, &r->xcrs, "KVM_GET_XCRS", err)))
    goto fail;
  for (size_t i = 0; i < r->nr_slots; i++)
    r->stats.baseline_pages += r->slots[i].nr_base;
  r->stats.ioctls = 0;
  return pvhkvm_set_err(err, PVHKVM_OK, 0, "ok");
fail:
  vm->reset = NULL;
  free_state(r);
  return k;
}

static void mark_bits(uint64_t *bm, uint64_t first, uint64_t last) {
  for (uint64_t p = first; p <= last; p++)
    bm[p / 64] |= 1ull << (p % 64);
}

void pvhkvm_reset_mark(struct pvhkvm_vm *vm, uint64_t gpa, uint64_t len) {
  struct pvhkvm_reset_state *r = vm->reset;
  if (!r || len == 0)
    return;
  uint64_t end = gpa + len < gpa ? UINT64_MAX : gpa + len;
  if (r->nr_host < MAX_HOST_RANGES) {
    r->host[r->nr_host].gpa = gpa;
    r->host[r->nr_host++].len = end - gpa;
  } else {
    r->host_overflow = 1;
  }
  for (size_t i = 0; i < r->nr_slots; i++) {
    struct reset_slot *s = &r->slots[i];
    uint64_t lo = gpa > s->gpa ? gpa : s->gpa, hi = end < s->gpa + s->size ? end : s->gpa + s->size;
    if (lo < hi)
      mark_bits(s->host_dirty, (lo - s->gpa) / PAGE, (hi - 1 - s->gpa) / PAGE);
  }
}

void pvhkvm_reset_mark_plan(struct pvhkvm_vm *vm, const struct pvh_plan *plan) {
  for (size_t i = 0; i < plan->nr_ops; i++)
    pvhkvm_reset_mark(vm, plan->ops[i].gpa, plan->ops[i].len);
}

/* The baseline bytes of page p, or NULL for zeros. */
static const uint8_t *baseline(const struct reset_slot *s, uint64_t p) {
  size_t lo = 0, hi = s->nr_base;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->base_pages[mid] < p)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < s->nr_base && s->base_pages[lo] == p ? s->base_bytes + lo * PAGE : NULL;
}

/* Bytes [a, b) of page p (all inside it) back to their baseline. */
static void restore_bytes(const struct reset_slot *s, uint64_t p, uint64_t a, uint64_t b) {
  const uint8_t *base = s->nr_base ? baseline(s, p) : NULL;
  if (base)
    memcpy(s->host + a, base + (a - p * PAGE), b - a);
  else
    memset(s->host + a, 0, b - a);
}

/* The host's ranges in slot s, except the pages the guest dirtied (those
 * went back whole). Returns the bytes restored. */
static uint64_t restore_host_ranges(const struct pvhkvm_reset_state *r, const struct reset_slot *s) {
  uint64_t bytes = 0;
  for (size_t k = 0; k < r->nr_host; k++) {
    uint64_t gpa = r->host[k].gpa, end = gpa + r->host[k].len; /* no wrap: clipped when marked */
    uint64_t lo = gpa > s->gpa ? gpa - s->gpa : 0;
    uint64_t hi = end < s->gpa + s->size ? end - s->gpa : s->size;
    if (end <= s->gpa || gpa >= s->gpa + s->size || lo >= hi)
      continue;
    for (uint64_t p = lo / PAGE; p * PAGE < hi; p++) {
      if (s->guest_dirty[p / 64] >> (p % 64) & 1)
        continue;
      uint64_t a = p * PAGE > lo ? p * PAGE : lo, b = (p + 1) * PAGE < hi ? (p + 1) * PAGE : hi;
      restore_bytes(s, p, a, b);
      bytes += b - a;
    }
  }
  return bytes;
}

static enum pvhkvm_err_kind restore_ram(struct pvhkvm_vm *vm, struct pvhkvm_reset_state *r,
                                        struct pvhkvm_error *err) {
  int by_range = !r->host_overflow;
  for (size_t i = 0; i < r->nr_slots; i++) {
    struct reset_slot *s = &r->slots[i];
    struct kvm_dirty_log log;
    memset(&log, 0, sizeof(log));
    log.slot = s->slot;
    log.dirty_bitmap = s->guest_dirty;
    r->stats.ioctls++;
    if (kvm_ioctl(vm->vm_fd, KVM_GET_DIRTY_LOG, (uintptr_t)&log) < 0)
      return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "KVM_GET_DIRTY_LOG slot %u: %s", s->slot,
                            strerror(errno));
    for (size_t w = 0; w < s->words; w++) {
      uint64_t g = s->guest_dirty[w], h = s->host_dirty[w], all = by_range ? g : g | h;
      if (!(g | h))
        continue;
      r->stats.guest_pages += (uint64_t)__builtin_popcountll(g);
      r->stats.host_pages += (uint64_t)__builtin_popcountll(h & ~g);
      if (!by_range)
        r->stats.host_bytes += (uint64_t)__builtin_popcountll(h & ~g) * PAGE;
      s->host_dirty[w] = 0;
      while (all) {
        /* A run of set bits is one memset (or a copy per baseline page). */
        unsigned b = (unsigned)__builtin_ctzll(all);
        unsigned e = b;
        while (e < 64 && (all >> e & 1))
          e++;
        uint64_t p0 = (uint64_t)w * 64 + b, p1 = (uint64_t)w * 64 + e;
        if (p1 > s->pages)
          p1 = s->pages;
        uint64_t z = p0;
        for (uint64_t p = p0; p < p1; p++) {
          const uint8_t *base = s->nr_base ? baseline(s, p) : NULL;
          if (!base)
            continue;
          memset(s->host + z * PAGE, 0, (p - z) * PAGE);
          memcpy(s->host + p * PAGE, base, PAGE);
          z = p + 1;
        }
        memset(s->host + z * PAGE, 0, (p1 - z) * PAGE);
        all = e >= 64 ? 0 : all & ~((1ull << e) - 1);
      }
    }
    if (by_range)
      r->stats.host_bytes += restore_host_ranges(r, s);
  }
  r->nr_host = 0;
  r->host_overflow = 0;
  return PVHKVM_OK;
}

enum pvhkvm_err_kind pvhkvm_reset(struct pvhkvm_vm *vm, enum pvhkvm_end last, int entry_follows,
                                  struct pvhkvm_error *err) {
  struct pvhkvm_reset_state *r = vm->reset;
  if (!r)
    return pvhkvm_set_err(err, PVHKVM_E_INVALID, 0, "fast reset is not enabled on this VM");
  enum pvhkvm_err_kind k;
  if ((k = restore_ram(vm, r, err)) != PVHKVM_OK)
    return k;
  int clean = last == PVHKVM_END_EXIT_PORT || last == PVHKVM_END_HLT;
  r->stats.resets++;
  if (!clean) {
    /* Guest debugging may still be armed (a run that ended before the
     * proof's exit), an exception may be pending, the vCPU may sit in a
     * shutdown or halted state: all of it goes back. */
    struct kvm_guest_debug off;
    memset(&off, 0, sizeof(off));
    r->stats.full_vcpu++;
    if ((k = vcpu_ioctl(vm, KVM_SET_GUEST_DEBUG, &off, "KVM_SET_GUEST_DEBUG", err)) ||
        (k = vcpu_ioctl(vm, KVM_SET_FPU, &r->fpu, "KVM_SET_FPU", err)) ||
        (k = vcpu_ioctl(vm, KVM_SET_VCPU_EVENTS, &r->events, "KVM_SET_VCPU_EVENTS", err)) ||
        (k = vcpu_ioctl(vm, KVM_SET_MP_STATE, &r->mp, "KVM_SET_MP_STATE", err)) ||
        (r->have_xcrs && (k = vcpu_ioctl(vm, KVM_SET_XCRS, &r->xcrs, "KVM_SET_XCRS", err))))
      return k;
    vm->proof_stepping = 0;
  }
  if ((k = vcpu_ioctl(vm, KVM_SET_DEBUGREGS, &r->debugregs, "KVM_SET_DEBUGREGS", err)))
    return k;
  if (!entry_follows || !clean) {
    if ((k = vcpu_ioctl(vm, KVM_SET_SREGS, &r->sregs, "KVM_SET_SREGS", err)) ||
        (k = vcpu_ioctl(vm, KVM_SET_REGS, &r->regs, "KVM_SET_REGS", err)))
      return k;
  }
  vm->ran = 0;
  memset(&vm->event, 0, sizeof(vm->event));
  atomic_store(&vm->stop_requested, 0);
  return pvhkvm_set_err(err, PVHKVM_OK, 0, "ok");
}

void pvhkvm_reset_get_stats(const struct pvhkvm_vm *vm, struct pvhkvm_reset_stats *out) {
  if (vm->reset)
    *out = vm->reset->stats;
  else
    memset(out, 0, sizeof(*out));
}
