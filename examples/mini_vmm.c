/* SPDX-License-Identifier: MIT */
/* A minimal KVM VMM that boots a PVH kernel with libpvh: one vCPU, one memory
 * slot, guest RAM as one host mapping loaded through libpvh's flat bus, the
 * vCPU set to the state libpvh planned, then run until the guest writes the
 * exit port (0xf4) or halts. Bytes the guest writes to port 0xe9 (the debug
 * console of QEMU and Bochs) are copied to stdout.
 *
 *   usage: mini_vmm KERNEL [CMDLINE]
 *   exit:  the value written to port 0xf4; 0 on HLT; 1 on a rejected kernel
 *          or a VM failure; 77 when KVM is not usable here (ctest's skip code).
 *
 * What libpvh does: everything between "a file" and "a vCPU state": parse,
 * validate, place start_info/memmap/cmdline/GDT, write guest memory. What the
 * VMM does: KVM itself. pvhcheck's kvm/ backend is the full version. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pvh/loader.h>

#define RAM_SIZE (64ull << 20)
#define TSS_ADDR 0xfffbd000ull /* KVM_SET_TSS_ADDR: 3 pages outside RAM (Intel needs it) */
#define DEBUG_PORT 0xe9
#define EXIT_PORT 0xf4
#define SKIP 77

static int fail(const char *what) {
  fprintf(stderr, "mini_vmm: %s: %s\n", what, strerror(errno));
  return 1;
}

/* libpvh's segment (limit in bytes, attributes split out) is KVM's shape. */
static struct kvm_segment kvm_seg(const struct pvh_segment *s) {
  struct kvm_segment k = {.base = s->base,
                          .limit = s->limit,
                          .selector = s->selector,
                          .type = s->type,
                          .present = s->present,
                          .dpl = s->dpl,
                          .db = s->db,
                          .s = s->s,
                          .l = s->l,
                          .g = s->g,
                          .avl = s->avl,
                          .unusable = s->unusable};
  return k;
}

static int set_entry_state(int vcpu, const struct pvh_entry_state *e) {
  struct kvm_sregs sr;
  if (ioctl(vcpu, KVM_GET_SREGS, &sr) < 0)
    return fail("KVM_GET_SREGS");
  sr.cs = kvm_seg(&e->cs);
  sr.ds = kvm_seg(&e->ds);
  sr.es = kvm_seg(&e->es);
  sr.fs = kvm_seg(&e->fs);
  sr.gs = kvm_seg(&e->gs);
  sr.ss = kvm_seg(&e->ss);
  sr.tr = kvm_seg(&e->tr);
  sr.ldt = kvm_seg(&e->ldt);
  sr.gdt.base = e->gdt.base;
  sr.gdt.limit = e->gdt.limit;
  sr.idt.base = e->idt.base;
  sr.idt.limit = e->idt.limit;
  sr.cr0 = e->cr0;
  sr.cr3 = e->cr3;
  sr.cr4 = e->cr4;
  sr.efer = e->efer;
  if (ioctl(vcpu, KVM_SET_SREGS, &sr) < 0)
    return fail("KVM_SET_SREGS");
  struct kvm_regs r = {.rip = e->rip, .rbx = e->rbx, .rflags = e->rflags};
  if (ioctl(vcpu, KVM_SET_REGS, &r) < 0)
    return fail("KVM_SET_REGS");
  return 0;
}

/* Runs until the exit port, HLT, or anything this VMM does not emulate. */
static int run(int vcpu, struct kvm_run *kr) {
  for (;;) {
    if (ioctl(vcpu, KVM_RUN, 0) < 0) {
      if (errno == EINTR)
        continue;
      return fail("KVM_RUN");
    }
    if (kr->exit_reason == KVM_EXIT_HLT) {
      printf("mini_vmm: guest halted\n");
      return 0;
    }
    if (kr->exit_reason != KVM_EXIT_IO || kr->io.direction != KVM_EXIT_IO_OUT) {
      fprintf(stderr, "mini_vmm: unhandled exit %u\n", kr->exit_reason);
      return 1;
    }
    const uint8_t *data = (const uint8_t *)kr + kr->io.data_offset;
    if (kr->io.port == DEBUG_PORT) {
      fwrite(data, kr->io.size, kr->io.count, stdout);
    } else if (kr->io.port == EXIT_PORT) {
      printf("mini_vmm: guest wrote %u to the exit port\n", data[0]);
      return data[0];
    } /* other ports: ignored, as on a PC with nothing there */
  }
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: mini_vmm KERNEL [CMDLINE]\n");
    return 2;
  }
  int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  int vm = kvm < 0 ? -1 : ioctl(kvm, KVM_CREATE_VM, 0);
  if (vm < 0) {
    printf("mini_vmm: SKIP: no usable KVM (/dev/kvm: %s)\n", strerror(errno));
    return SKIP;
  }
  if (ioctl(vm, KVM_SET_TSS_ADDR, (unsigned long)TSS_ADDR) < 0)
    return fail("KVM_SET_TSS_ADDR");

  /* Guest RAM: one anonymous mapping, one KVM slot at guest address 0. */
  uint8_t *ram =
      mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (ram == MAP_FAILED)
    return fail("mmap guest RAM");
  struct kvm_userspace_memory_region slot = {
      .slot = 0, .guest_phys_addr = 0, .memory_size = RAM_SIZE, .userspace_addr = (uintptr_t)ram};
  if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
    return fail("KVM_SET_USER_MEMORY_REGION");

  /* libpvh: the PC memory map the guest is told about, a flat bus over the
   * slot, the kernel file, and one call that plans, validates and writes. */
  struct pvh_mem_region map[8];
  size_t nmap = pvh_memmap_standard(RAM_SIZE, map, 8);
  struct pvh_flat_bus bus;
  pvh_flat_bus_init(&bus, map, nmap);
  pvh_flat_bus_add_slot(&bus, 0, RAM_SIZE, ram);
  struct pvh_image kernel;
  struct pvh_error err;
  if (pvh_image_open(&kernel, argv[1], &err) != PVH_OK) {
    fprintf(stderr, "mini_vmm: %s: %s\n", pvh_err_name(err.code), err.message);
    return 1;
  }
  struct pvh_load_config cfg;
  pvh_load_config_init(&cfg);
  cfg.cmdline = argc > 2 ? argv[2] : "console=hvc0";
  struct pvh_plan plan;
  if (pvh_load(&kernel, &cfg, &bus.bus, &plan, &err) != PVH_OK) {
    fprintf(stderr, "mini_vmm: kernel rejected: %s: %s\n", pvh_err_name(err.code), err.message);
    return 1;
  }
  pvh_image_close(&kernel); /* the bytes are in guest RAM now */
  printf("mini_vmm: loaded %s, PVH entry 0x%llx, start_info 0x%llx\n", argv[1],
         (unsigned long long)plan.entry.rip, (unsigned long long)plan.entry.rbx);

  int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
  if (vcpu < 0)
    return fail("KVM_CREATE_VCPU");
  int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
  struct kvm_run *kr = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
  if (run_size < 0 || kr == MAP_FAILED)
    return fail("mmap kvm_run");
  if (set_entry_state(vcpu, &plan.entry) != 0)
    return 1;
  pvh_plan_free(&plan);
  fflush(stdout);
  int rc = run(vcpu, kr);
  fflush(stdout);
  return rc;
}
