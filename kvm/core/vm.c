/* SPDX-License-Identifier: MIT */
/* The VM: /dev/kvm, guest RAM slots laid out like pvh_memmap_standard says,
 * the flat bus the loader writes through, the in-kernel irqchip on request. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"
#include "pvh/memmap.h"

static const char *dev_or_default(const char *p) { return p ? p : "/dev/kvm"; }

static enum pvhkvm_err_kind open_kvm(const char *path, int *fd_out, struct pvhkvm_error *err) {
  int fd = kvm_open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    enum pvhkvm_err_kind k = pvhkvm_open_errno_kind(e);
    switch (k) {
    case PVHKVM_E_NO_DEVICE: return pvhkvm_set_err(err, k, e, "%s not found (no KVM on this host)", path);
    case PVHKVM_E_UNUSABLE:
      return pvhkvm_set_err(err, k, e, "KVM present but not usable (nested/PVM host?): open %s: %s", path,
                            strerror(e));
    case PVHKVM_E_PERMISSION:
      return pvhkvm_set_err(err, k, e, "permission denied opening %s, add user to group kvm", path);
    default: return pvhkvm_set_err(err, k, e, "open %s: %s", path, strerror(e));
    }
  }
  int version = kvm_ioctl(fd, KVM_GET_API_VERSION, 0);
  if (version != KVM_API_VERSION) {
    kvm_close(fd);
    return pvhkvm_set_err(err, PVHKVM_E_API, 0, "%s: KVM API version %d, need %d", path, version,
                          KVM_API_VERSION);
  }
  /* Capabilities every boot check needs; the irqchip ones are checked when
   * asked for, the debug one when an entry proof is asked for. */
  static const struct {
    int cap;
    const char *name;
  } caps[] = {
      {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
      {KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR"},
      {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
      {KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
  };
  for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
    if (kvm_ioctl(fd, KVM_CHECK_EXTENSION, (uintptr_t)(caps[i].cap)) <= 0) {
      kvm_close(fd);
      return pvhkvm_set_err(err, PVHKVM_E_API, 0, "%s: missing %s", path, caps[i].name);
    }
  }
  *fd_out = fd;
  return PVHKVM_OK;
}

enum pvhkvm_err_kind pvhkvm_probe(const char *dev_path, struct pvhkvm_error *err) {
  int fd;
  enum pvhkvm_err_kind k = open_kvm(dev_or_default(dev_path), &fd, err);
  if (k != PVHKVM_OK)
    return k;
  kvm_close(fd);
  return pvhkvm_set_err(err, PVHKVM_OK, 0, "ok");
}

void pvhkvm_vm_opts_init(struct pvhkvm_vm_opts *o) {
  memset(o, 0, sizeof(*o));
  o->ram_size = 128ull << 20;
}

static enum pvhkvm_err_kind add_ram(struct pvhkvm_vm *vm, uint32_t slot, uint64_t gpa, uint64_t size,
                                    uint8_t **host_out, struct pvhkvm_error *err) {
  /* NORESERVE: a 4 GiB guest that touches 2 MiB must not need 4 GiB of commit. */
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return pvhkvm_set_err(err, PVHKVM_E_NOMEM, errno, "mmap %llu bytes of guest RAM: %s",
                          (unsigned long long)size, strerror(errno));
  *host_out = p; /* owned by vm from here: destroy unmaps it */
  struct kvm_userspace_memory_region r = {
      .slot = slot, .flags = 0, .guest_phys_addr = gpa, .memory_size = size, .userspace_addr = (uintptr_t)p};
  if (kvm_ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, (uintptr_t)(&r)) < 0)
    return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "KVM_SET_USER_MEMORY_REGION slot %u gpa 0x%llx: %s",
                          slot, (unsigned long long)gpa, strerror(errno));
  if (pvh_flat_bus_add_slot(&vm->bus, gpa, size, p) != 0)
    return pvhkvm_set_err(err, PVHKVM_E_INVALID, 0, "flat bus refused slot at 0x%llx",
                          (unsigned long long)gpa);
  return PVHKVM_OK;
}

static enum pvhkvm_err_kind setup_memory(struct pvhkvm_vm *vm, uint64_t ram_size, struct pvhkvm_error *err) {
  if (ram_size & 0xfff)
    return pvhkvm_set_err(err, PVHKVM_E_INVALID, 0, "RAM size %llu is not a multiple of 4 KiB",
                          (unsigned long long)ram_size);
  vm->nr_memmap = pvh_memmap_standard(ram_size, vm->memmap, PVHKVM_MEMMAP_MAX);
  if (vm->nr_memmap == 0)
    return pvhkvm_set_err(err, PVHKVM_E_INVALID, 0, "RAM too small: %llu bytes, need at least 1 MiB + 4 KiB",
                          (unsigned long long)ram_size);
  vm->ram_size = ram_size;
  pvh_flat_bus_init(&vm->bus, vm->memmap, vm->nr_memmap);
  /* Backing follows the map: low slot [0, min(ram, 3 GiB)) (the legacy hole
   * stays backed so ACPI tables can go there), high slot from 4 GiB. */
  vm->ram_low_size = ram_size < PVH_MMIO_HOLE_START ? ram_size : PVH_MMIO_HOLE_START;
  enum pvhkvm_err_kind k = add_ram(vm, 0, 0, vm->ram_low_size, &vm->ram_low, err);
  if (k != PVHKVM_OK)
    return k;
  if (ram_size > PVH_MMIO_HOLE_START) {
    vm->ram_high_size = ram_size - PVH_MMIO_HOLE_START;
    k = add_ram(vm, 1, PVH_4G, vm->ram_high_size, &vm->ram_high, err);
  }
  return k;
}

static enum pvhkvm_err_kind setup_irqchip(struct pvhkvm_vm *vm, struct pvhkvm_error *err) {
  if (kvm_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, (uintptr_t)(KVM_CAP_IRQCHIP)) <= 0 ||
      kvm_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, (uintptr_t)(KVM_CAP_PIT2)) <= 0)
    return pvhkvm_set_err(err, PVHKVM_E_API, 0, "in-kernel irqchip requested but KVM lacks IRQCHIP/PIT2");
  /* Both before the vCPU exists: KVM wires the LAPIC at vCPU creation. */
  if (kvm_ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
    return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
  vm->irqchip = 1;
  /* The PIT waits for a new kernel thread: on real KVM it is created at the
   * guest's first access to it (pit.c). A fake KVM's script has it here. */
  if (pvhkvm_sys_is_libc()) {
    vm->pit_pending = 1;
    return PVHKVM_OK;
  }
  if (pvhkvm_pit_create(vm) < 0)
    return pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "KVM_CREATE_PIT2: %s", strerror(errno));
  return PVHKVM_OK;
}

enum pvhkvm_err_kind pvhkvm_vm_create(const struct pvhkvm_vm_opts *o, struct pvhkvm_vm **out,
                                      struct pvhkvm_error *err) {
  *out = NULL;
  if (!o)
    return pvhkvm_set_err(err, PVHKVM_E_INVALID, 0, "no VM options");
  if (o->nr_cpuid_masks > PVHKVM_MAX_CPUID_MASKS)
    return pvhkvm_set_err(err, PVHKVM_E_INVALID, 0, "%zu CPUID masks, limit %d", o->nr_cpuid_masks,
                          PVHKVM_MAX_CPUID_MASKS);
  struct pvhkvm_vm *vm = calloc(1, sizeof(*vm));
  if (!vm)
    return pvhkvm_set_err(err, PVHKVM_E_NOMEM, ENOMEM, "cannot allocate the VM");
  vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = -1;
  atomic_init(&vm->stop_requested, 0);
  atomic_init(&vm->running, 0);

  enum pvhkvm_err_kind k = open_kvm(dev_or_default(o->dev_path), &vm->kvm_fd, err);
  if (k != PVHKVM_OK)
    goto fail;
  do
    vm->vm_fd = kvm_ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
  while (vm->vm_fd < 0 && errno == EINTR);
  if (vm->vm_fd < 0) {
    int e = errno;
    k = pvhkvm_open_errno_kind(e);
    if (k == PVHKVM_E_NO_DEVICE)
      k = PVHKVM_E_SYSCALL;
    pvhkvm_set_err(err, k, e, "KVM_CREATE_VM: %s%s", strerror(e),
                   k == PVHKVM_E_UNUSABLE ? " (KVM present but not usable (nested/PVM host?))" : "");
    goto fail;
  }
  if (kvm_ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (uintptr_t)((unsigned long)PVHKVM_TSS_ADDR)) < 0) {
    k = pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "KVM_SET_TSS_ADDR: %s", strerror(errno));
    goto fail;
  }
  if (kvm_ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, (uintptr_t)(KVM_CAP_SET_IDENTITY_MAP_ADDR)) > 0) {
    uint64_t idmap = PVHKVM_IDENTITY_MAP_ADDR;
    if (kvm_ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, (uintptr_t)(&idmap)) < 0) {
      k = pvhkvm_set_err(err, PVHKVM_E_SYSCALL, errno, "KVM_SET_IDENTITY_MAP_ADDR: %s", strerror(errno));
      goto fail;
    }
  }
  if ((k = setup_memory(vm, o->ram_size, err)) != PVHKVM_OK)
    goto fail;
  if (o->irqchip && (k = setup_irqchip(vm, err)) != PVHKVM_OK)
    goto fail;
  if ((k = pvhkvm_vcpu_create(vm, err)) != PVHKVM_OK)
    goto fail;
  if ((k = pvhkvm_cpuid_setup(vm, o->cpuid_masks, o->nr_cpuid_masks, err)) != PVHKVM_OK)
    goto fail;
  if ((k = pvhkvm_vcpu_defaults(vm, err)) != PVHKVM_OK)
    goto fail;
  if (pvhkvm_devices_attach_standard(vm) != 0) {
    k = pvhkvm_set_err(err, PVHKVM_E_INVALID, 0, "cannot attach the standard devices");
    goto fail;
  }
  *out = vm;
  return pvhkvm_set_err(err, PVHKVM_OK, 0, "ok");
fail:
  pvhkvm_vm_destroy(vm);
  return k;
}

void pvhkvm_vm_destroy(struct pvhkvm_vm *vm) {
  if (!vm)
    return;
  if (vm->run)
    kvm_munmap_vcpu(vm->run, vm->run_size);
  if (vm->vcpu_fd >= 0)
    kvm_close(vm->vcpu_fd);
  /* Closing the VM fd drops KVM's references to the memory slots, so the
   * RAM is unmapped after it. */
  if (vm->vm_fd >= 0)
    kvm_close(vm->vm_fd);
  if (vm->kvm_fd >= 0)
    kvm_close(vm->kvm_fd);
  if (vm->ram_low)
    munmap(vm->ram_low, vm->ram_low_size);
  if (vm->ram_high)
    munmap(vm->ram_high, vm->ram_high_size);
  pvhkvm_devices_destroy(vm);
  pvhkvm_reset_free(vm);
  free(vm);
}

struct pvh_bus *pvhkvm_vm_bus(struct pvhkvm_vm *vm) {
  return &vm->bus.bus;
}

const struct pvh_mem_region *pvhkvm_vm_memmap(const struct pvhkvm_vm *vm, size_t *nr) {
  if (nr)
    *nr = vm->nr_memmap;
  return vm->memmap;
}

uint8_t *pvhkvm_vm_host(struct pvhkvm_vm *vm, uint64_t gpa, uint64_t len) {
  return pvh_flat_bus_host(&vm->bus, gpa, len);
}

int pvhkvm_vm_phys_read(void *vm, uint64_t pa, void *dst, size_t len) {
  uint8_t *h = pvhkvm_vm_host(vm, pa, len);
  if (!h)
    return -1;
  memcpy(dst, h, len);
  return 0;
}

uint64_t pvhkvm_vm_ram_size(const struct pvhkvm_vm *vm) { return vm->ram_size; }
int pvhkvm_vm_fd(const struct pvhkvm_vm *vm) { return vm->vm_fd; }
int pvhkvm_vcpu_fd(const struct pvhkvm_vm *vm) { return vm->vcpu_fd; }

int pvhkvm_vm_mark(struct pvhkvm_vm *vm, uint64_t addr, uint64_t size, uint32_t type,
                   struct pvhkvm_error *err) {
  if (size == 0 || addr + size < addr || type < PVH_MEM_RAM || type > PVH_MEM_PMEM)
    return pvhkvm_set_err(err, PVHKVM_E_INVALID, 0, "bad region 0x%llx+0x%llx type %u",
                          (unsigned long long)addr, (unsigned long long)size, type);
  if (!pvhkvm_vm_host(vm, addr, size))
    return pvhkvm_set_err(err, PVHKVM_E_INVALID, 0, "region 0x%llx+0x%llx is not backed by guest RAM",
                          (unsigned long long)addr, (unsigned long long)size);
  /* Every region can leave a left and a right remainder: the scratch is on
   * the heap, a full map of them is too big for a stack frame. */
  struct pvh_mem_region *next = malloc(PVHKVM_MEMMAP_MAX * sizeof(*next));
  if (!next)
    return pvhkvm_set_err(err, PVHKVM_E_NOMEM, ENOMEM, "cannot allocate the new memory map");
  size_t n = 0;
  uint64_t end = addr + size;
  for (size_t i = 0; i < vm->nr_memmap; i++) {
    const struct pvh_mem_region *r = &vm->memmap[i];
    uint64_t rend = r->addr + r->size;
    if (rend <= addr || r->addr >= end) {
      if (n == PVHKVM_MEMMAP_MAX)
        goto full;
      next[n++] = *r;
      continue;
    }
    if (r->addr < addr) { /* left remainder */
      if (n == PVHKVM_MEMMAP_MAX)
        goto full;
      next[n++] = (struct pvh_mem_region){r->addr, addr - r->addr, r->type};
    }
    if (rend > end) { /* right remainder */
      if (n == PVHKVM_MEMMAP_MAX)
        goto full;
      next[n++] = (struct pvh_mem_region){end, rend - end, r->type};
    }
  }
  if (n == PVHKVM_MEMMAP_MAX)
    goto full;
  next[n++] = (struct pvh_mem_region){addr, size, type};
  memcpy(vm->memmap, next, n * sizeof(next[0]));
  free(next);
  vm->nr_memmap = n;
  vm->bus.bus.nr_regions = n; /* the bus keeps a pointer to vm->memmap */
  return PVHKVM_OK;
full:
  free(next);
  return pvhkvm_set_err(err, PVHKVM_E_INVALID, 0, "memory map full (%u regions)",
                        (unsigned)PVHKVM_MEMMAP_MAX);
}

int pvhkvm_vm_set_memmap(struct pvhkvm_vm *vm, const struct pvh_mem_region *regions, size_t n,
                         struct pvhkvm_error *err) {
  if (n == 0 || n > PVHKVM_MEMMAP_MAX)
    return pvhkvm_set_err(err, PVHKVM_E_INVALID, 0, "memory map of %zu regions: 1 to %u allowed", n,
                          (unsigned)PVHKVM_MEMMAP_MAX);
  struct pvh_mem_region *sorted = NULL;
  struct pvh_error perr;
  if (pvh_memmap_sorted(regions, n, &sorted, &perr) != PVH_OK)
    return pvhkvm_set_err(err, PVHKVM_E_INVALID, 0, "memory map: %s", perr.message);
  free(sorted);
  for (size_t i = 0; i < n; i++) {
    const struct pvh_mem_region *r = &regions[i];
    if (r->type == PVH_MEM_RAM && !pvhkvm_vm_host(vm, r->addr, r->size))
      return pvhkvm_set_err(err, PVHKVM_E_INVALID, 0,
                            "memory map region %zu: RAM 0x%llx+0x%llx is not backed by the VM's RAM", i,
                            (unsigned long long)r->addr, (unsigned long long)r->size);
  }
  memcpy(vm->memmap, regions, n * sizeof(regions[0]));
  vm->nr_memmap = n;
  vm->bus.bus.nr_regions = n; /* the bus keeps a pointer to vm->memmap */
  return PVHKVM_OK;
}

int pvhkvm_vm_irq_line(struct pvhkvm_vm *vm, uint32_t irq, int level) {
  if (!vm->irqchip)
    return 0;
  struct kvm_irq_level l = {.irq = irq, .level = level ? 1u : 0u};
  return kvm_ioctl(vm->vm_fd, KVM_IRQ_LINE, (uintptr_t)(&l)) < 0 ? -1 : 0;
}
