/* SPDX-License-Identifier: MIT */
/* pvhkvm internals shared between the files of the backend, one concern per
 * file: core/ (vm, vcpu, run, port and device registry), x86/ (cpuid, decoder,
 * faults), devices/ (each owns its state, attaches itself), checks/. */
#ifndef PVHKVM_INTERNAL_H
#define PVHKVM_INTERNAL_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "pvh/bus.h"
#include "pvhkvm/guest_layout.h"
#include "pvhkvm/pvhkvm.h"

/* The VM's memory map can hold as many regions as libpvh accepts: one RAM
 * slot carries any number of map entries (splits, reserved islands, holes). */
#define PVHKVM_MEMMAP_MAX PVH_MEMMAP_MAX_REGIONS
#define PVHKVM_PIO_MAX 16
#define PVHKVM_MAX_CPUID_MASKS 64
/* KVM's TSS and identity-map pages: addresses and reasons in pvhkvm/guest_layout.h. */
#define PVHKVM_TSS_ADDR PVHKVM_GUEST_KVM_TSS
#define PVHKVM_IDENTITY_MAP_ADDR PVHKVM_GUEST_KVM_IDENTITY_MAP

struct pvhkvm_pio {
  uint16_t base, len;
  pvhkvm_pio_fn fn;
  void *ctx;
};

/* capbuf.c: keeps at most cap bytes of a guest's output, counts them all. */
struct pvhkvm_capbuf {
  char *buf;
  size_t len, alloc, cap;
  uint64_t total; /* every byte offered, kept or not */
  int truncated;  /* a byte was dropped (cap reached, or out of memory) */
};
void pvhkvm_capbuf_init(struct pvhkvm_capbuf *b, size_t cap);
void pvhkvm_capbuf_putc(struct pvhkvm_capbuf *b, char ch);
/* Hands the kept bytes over, NUL-terminated ("" when none; NULL only when out
 * of memory), and empties the buffer; total and truncated stay. */
char *pvhkvm_capbuf_take(struct pvhkvm_capbuf *b, size_t *len);
void pvhkvm_capbuf_free(struct pvhkvm_capbuf *b);

/* Console sink for one run: keeps up to cap bytes, feeds the callback, looks
 * for the expected string. */
struct pvhkvm_console {
  const struct pvhkvm_run_opts *opts;
  struct pvhkvm_vm *vm;
  struct pvhkvm_capbuf kept;
  char line[1024];
  size_t line_len;
  char *tail; /* last strlen(expect) bytes, for the expect match */
  size_t tail_len, expect_len;
  int expect_seen;
  int stop; /* callback asked to stop */
  uint64_t t0_ns;
};

/* device.c: a device of the VM. It owns state (allocated when it is
 * attached) and tells the VM what to call at the end of a run and at destroy. */
#define PVHKVM_DEVICE_MAX 8
struct pvhkvm_device {
  const char *name;
  void *state;
  void (*run_end)(void *state, struct pvhkvm_run_result *res); /* NULL: nothing to hand over */
  void (*destroy)(void *state);                                /* NULL: nothing to free */
};

/* device.c: what a device asks of the run loop: end the run this way. */
struct pvhkvm_event {
  enum pvhkvm_end end; /* PVHKVM_END_NONE: no event */
  uint32_t value;      /* END_EXIT_PORT: the value written */
  char why[128];       /* the run's message */
};

struct pvhkvm_vm {
  int kvm_fd, vm_fd, vcpu_fd;
  struct kvm_run *run;
  size_t run_size;
  uint8_t *ram_low, *ram_high;
  uint64_t ram_low_size, ram_high_size, ram_size;
  struct pvh_mem_region memmap[PVHKVM_MEMMAP_MAX];
  size_t nr_memmap;
  struct pvh_flat_bus bus;
  int irqchip;
  int pit_pending; /* irqchip without the PIT yet: pit.c creates it at first use */
  struct pvhkvm_pio pio[PVHKVM_PIO_MAX];
  size_t nr_pio;
  struct pvhkvm_device devices[PVHKVM_DEVICE_MAX];
  size_t nr_devices;
  struct pvhkvm_reset_state *reset; /* reset.c: fast reset of a reused VM, NULL when off */

  /* Entry proof (proof.c): RFLAGS as KVM held it before single-step was
   * armed. While KVM single-steps it hides the guest's TF from reads. */
  int proof_stepping;
  uint64_t proof_pre_rflags;

  /* Run state. */
  struct pvhkvm_console *console; /* non-NULL during a run */
  struct pvhkvm_event event;      /* set by a device, read by the run loop */
  int ran;
  int has_run; /* a KVM_RUN was issued (first_run.c) */
  atomic_int stop_requested;
  atomic_int running;
  pthread_t vcpu_thread;
};

/* sys.c: every system call that talks to KVM goes through this table (libc,
 * or a scripted fake in the unit tests). Guest RAM mappings are plain mmap. */
struct pvhkvm_sys {
  int (*open)(const char *path, int flags);
  int (*close)(int fd);
  int (*ioctl)(int fd, unsigned long req, uintptr_t arg);
  void *(*mmap_vcpu)(size_t len, int fd); /* MAP_FAILED on error */
  int (*munmap_vcpu)(void *p, size_t len);
};
extern const struct pvhkvm_sys *pvhkvm_sys;
void pvhkvm_sys_override(const struct pvhkvm_sys *s); /* NULL: back to libc */
int pvhkvm_sys_is_libc(void);                         /* 1 unless a fake is installed */
static inline int kvm_open(const char *path, int flags) { return pvhkvm_sys->open(path, flags); }
static inline int kvm_close(int fd) { return pvhkvm_sys->close(fd); }
static inline int kvm_ioctl(int fd, unsigned long req, uintptr_t arg) {
  return pvhkvm_sys->ioctl(fd, req, arg);
}
static inline void *kvm_mmap_vcpu(size_t len, int fd) { return pvhkvm_sys->mmap_vcpu(len, fd); }
static inline int kvm_munmap_vcpu(void *p, size_t len) { return pvhkvm_sys->munmap_vcpu(p, len); }

/* error.c */
enum pvhkvm_err_kind pvhkvm_set_err(struct pvhkvm_error *err, enum pvhkvm_err_kind kind, int sys_errno,
                                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Maps an errno from opening /dev/kvm or creating a VM to the precise kind. */
enum pvhkvm_err_kind pvhkvm_open_errno_kind(int e);
uint64_t pvhkvm_now_ns(void);

/* reset.c: frees what pvhkvm_reset_enable set up (pvhkvm_vm_destroy calls it). */
struct pvhkvm_reset_state;
void pvhkvm_reset_free(struct pvhkvm_vm *vm);

/* pit.c: the in-kernel PIT, created now, or at the guest's first access
 * to one of its ports (then the access is executed again, see pit.c). */
int pvhkvm_pit_create(struct pvhkvm_vm *vm);
int pvhkvm_pit_port(uint16_t port);
int pvhkvm_pit_create_at_access(struct pvhkvm_vm *vm);

/* first_run.c: KVM_RUN for the VM's first run, with the caller pinned to
 * its CPU while KVM starts its per-VM recovery task. */
int pvhkvm_first_run(struct pvhkvm_vm *vm);

/* cpuid.c */
enum pvhkvm_err_kind pvhkvm_cpuid_setup(struct pvhkvm_vm *vm, const struct pvhkvm_cpuid_mask *masks, size_t n,
                                        struct pvhkvm_error *err);

/* vcpu.c: create (and map kvm_run), then CPUID (cpuid.c), then the FPU and
 * LAPIC defaults, in that order: state that depends on CPUID comes after it. */
enum pvhkvm_err_kind pvhkvm_vcpu_create(struct pvhkvm_vm *vm, struct pvhkvm_error *err);
enum pvhkvm_err_kind pvhkvm_vcpu_defaults(struct pvhkvm_vm *vm, struct pvhkvm_error *err);

/* ioport.c: dispatches one KVM_EXIT_IO; returns 1 if a device claimed it. */
int pvhkvm_pio_dispatch(struct pvhkvm_vm *vm, uint16_t port, int is_write, uint8_t *data, uint32_t size);

/* device.c: the device registry and the event a device ends a run with. */
int pvhkvm_device_add(struct pvhkvm_vm *vm, const struct pvhkvm_device *d);
int pvhkvm_devices_attach_standard(struct pvhkvm_vm *vm);
void pvhkvm_devices_run_end(struct pvhkvm_vm *vm, struct pvhkvm_run_result *res);
void pvhkvm_devices_destroy(struct pvhkvm_vm *vm);
/* Ends the run at the next look of the run loop, with end, value and the
 * message; the first event of a run wins. */
void pvhkvm_vm_end_run(struct pvhkvm_vm *vm, enum pvhkvm_end end, uint32_t value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const struct pvhkvm_event *pvhkvm_vm_event(const struct pvhkvm_vm *vm); /* NULL: none yet */

/* devices/: each attaches itself (state, ports, hooks); 0 or -1. */
int pvhkvm_serial_attach(struct pvhkvm_vm *vm);    /* 8250 UART at 0x3f8, IRQ 4 */
int pvhkvm_exit_port_attach(struct pvhkvm_vm *vm); /* 0xf4, isa-debug-exit */
int pvhkvm_post_port_attach(struct pvhkvm_vm *vm); /* 0x80, the I/O delay port */
int pvhkvm_i8042_attach(struct pvhkvm_vm *vm);     /* 0x60-0x64, reset line */
int pvhkvm_cmos_attach(struct pvhkvm_vm *vm);      /* RTC/CMOS at 0x70/0x71 */
int pvhkvm_debugcon_attach(struct pvhkvm_vm *vm);  /* 0xe9 debug console */

/* run.c */
const char *pvhkvm_exit_name(uint32_t reason); /* "KVM_EXIT_IO", ... */

/* proof.c: the entry proof. arm reads and decodes the instruction at the
 * entry (into res) and sets KVM_SET_GUEST_DEBUG for the method; judge looks
 * at the first exit and returns 1 when the entry is proved (else the reason
 * is in res->entry_why); disarm clears guest debugging. */
int pvhkvm_proof_arm(struct pvhkvm_vm *vm, const struct pvh_entry_state *want, enum pvhkvm_proof proof,
                     struct pvhkvm_run_result *res);
int pvhkvm_proof_judge(struct pvhkvm_vm *vm, const struct pvh_entry_state *want, enum pvhkvm_proof proof,
                       struct pvhkvm_run_result *res);
int pvhkvm_proof_disarm(struct pvhkvm_vm *vm);

/* fault.c: fills res->fault_* after KVM_EXIT_INTERNAL_ERROR; pvhkvm_fault_text
 * formats them for the run message. */
void pvhkvm_describe_fault(struct pvhkvm_vm *vm, struct pvhkvm_run_result *res);
void pvhkvm_fault_text(const struct pvhkvm_run_result *res, char *out, size_t cap);

/* console.c */
int pvhkvm_console_init(struct pvhkvm_console *c, struct pvhkvm_vm *vm, const struct pvhkvm_run_opts *o,
                        uint64_t t0_ns);
void pvhkvm_console_putc(struct pvhkvm_console *c, uint8_t ch);
void pvhkvm_console_flush(struct pvhkvm_console *c);
/* Moves the kept bytes into res and frees the rest. */
void pvhkvm_console_finish(struct pvhkvm_console *c, struct pvhkvm_run_result *res);

#endif
